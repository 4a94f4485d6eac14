"""``kipoi-prism``: argument parsing and logging, one module per subcommand; the work is
done by the library."""
