"""``kipoi-prism``: the command line.

Each subcommand lives in its own module under :mod:`kipoi_prism.cli` and exposes
``add_parser(subparsers)``, which registers the subcommand and sets ``run`` to a function
``run(args) -> int``. Exit status: 0 success, 2 bad input (one line naming file, line and
problem), 1 internal error; ``--debug`` shows tracebacks. Logs go to stderr; only data
goes to stdout.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import sys

from kipoi_prism import __version__
from kipoi_prism.errors import PrismInputError

# Subcommand modules under kipoi_prism.cli, in the order `--help` lists them.
COMMANDS = [
    "pairs",
    "features",
    "predict",
    "variant_effect",
    "explain",
    "environment",
    "info",
    "evaluate",
    "register",
    "simulate",
    "motifs",
    "train",
    "report",
    "export",
    "export_selene",
    "benchmark",
]

EXIT_OK, EXIT_INTERNAL, EXIT_BAD_INPUT = 0, 1, 2


def version_text() -> str:
    """Package version plus the identity (SHA-256 prefix) of the default weights."""
    from kipoi_prism.model.weights import DEFAULT_WEIGHTS, file_digest

    if DEFAULT_WEIGHTS.is_file():
        weights = f"weights {DEFAULT_WEIGHTS.name} sha256:{file_digest(DEFAULT_WEIGHTS)}"
    else:
        weights = "no default weights installed"
    return f"kipoi-prism {__version__} ({weights})"


class _VersionAction(argparse.Action):
    def __init__(self, option_strings, dest, **kwargs):
        super().__init__(option_strings, dest, nargs=0, help="show the version and weights hash")

    def __call__(self, parser, namespace, values, option_string=None):
        print(version_text())
        parser.exit()


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="kipoi-prism",
        description="prism-energy: score enhancer-promoter pairs across cell lines.",
    )
    parser.add_argument("--version", action=_VersionAction)
    parser.add_argument("--debug", action="store_true", help="show Python tracebacks")
    parser.add_argument("-v", "--verbose", action="store_true", help="log debug messages")
    parser.add_argument("-q", "--quiet", action="store_true", help="log warnings only")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name in COMMANDS:
        importlib.import_module(f"kipoi_prism.cli.{name}").add_parser(subparsers)
    return parser


def _configure_logging(args: argparse.Namespace) -> None:
    level = logging.DEBUG if args.verbose else logging.WARNING if args.quiet else logging.INFO
    # The level is the handler's too: a library that sets its own logger's level (Lightning
    # sets INFO, "GPU available: ...") still obeys --quiet.
    handler = logging.StreamHandler(sys.stderr)
    handler.setLevel(level)
    logging.basicConfig(
        level=level, handlers=[handler], format="kipoi-prism: %(message)s", force=True
    )


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    _configure_logging(args)
    try:
        return int(args.run(args) or EXIT_OK)
    except PrismInputError as error:
        if args.debug:
            raise
        one_line = " ".join(str(error).splitlines())
        print(f"kipoi-prism: error: {one_line}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except BrokenPipeError:
        # The reader of standard output stopped early (`... --out - | head`): not an error.
        from kipoi_prism.io.tracks import silence_stdout

        silence_stdout()
        return EXIT_OK
    except KeyboardInterrupt:
        print("kipoi-prism: interrupted", file=sys.stderr)
        return 130
    except Exception as error:  # noqa: BLE001 - the one place internal errors are reported
        if args.debug:
            raise
        print(
            f"kipoi-prism: internal error: {type(error).__name__}: {error} "
            "(rerun with --debug for the traceback)",
            file=sys.stderr,
        )
        return EXIT_INTERNAL


if __name__ == "__main__":
    sys.exit(main())
