"""``kipoi-prism info [WEIGHTS]``: what a weights file is.

Example::

    kipoi-prism info                 # the shipped weights
    kipoi-prism info runs/hg19/weights.pt --json

Prints the windows (or feature inputs), backbone and head, the training data and objective,
the cell lines with saved prototypes, the calibrated threshold, the validation metrics and
the file's SHA-256.
"""

from __future__ import annotations

import argparse
import json


def add_parser(subparsers) -> argparse.ArgumentParser:
    """Register ``info`` and its options."""
    parser = subparsers.add_parser(
        "info",
        help="describe a weights file (inputs, network, training, threshold, metrics, hash)",
        description="Describe a weights file: windows, backbone and head, training data and "
        "objective, cell lines with prototypes, threshold, validation metrics, SHA-256.",
    )
    parser.add_argument(
        "weights",
        nargs="?",
        metavar="WEIGHTS",
        help="weights file or a shipped model's name (default: prism-energy)",
    )
    parser.add_argument("--json", action="store_true", help="print JSON instead of text")
    parser.set_defaults(run=run)
    return parser


def run(args: argparse.Namespace) -> int:
    from kipoi_prism.model.describe import describe, format_description
    from kipoi_prism.model.weights import load_weights

    description = describe(load_weights(args.weights, map_location="cpu"))
    if args.json:
        print(json.dumps(description, indent=2))
    else:
        print(format_description(description), end="")
    return 0
