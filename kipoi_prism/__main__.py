import sys

from kipoi_prism.cli import main

sys.exit(main())
