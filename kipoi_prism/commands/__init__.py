"""One module per ``kipoi-prism`` subcommand; see :mod:`kipoi_prism.cli`."""
