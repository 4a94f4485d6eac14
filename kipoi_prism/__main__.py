import sys

from kipoi_prism.cli.main import main

sys.exit(main())
