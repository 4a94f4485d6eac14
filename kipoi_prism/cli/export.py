"""``kipoi-prism export CHECKPOINT``: a training checkpoint -> the package weights file.

Example::

    kipoi-prism export runs/prism-energy/checkpoints/best.ckpt --out my-weights.pt
    kipoi-prism predict --weights my-weights.pt ...

The weights file holds the network, the momentum prototypes of the training cell lines and
the decision threshold calibrated on validation data at that checkpoint's epoch.
``kipoi-prism train`` already exports the best epoch to ``RUN_DIR/weights.pt``; this command
exports any other checkpoint.
"""

from __future__ import annotations

import argparse


def add_parser(subparsers) -> argparse.ArgumentParser:
    """Register ``export`` and its options."""
    parser = subparsers.add_parser(
        "export",
        help="export a training checkpoint to a weights file",
        description="Write the package weights file (network, prototypes, threshold) from a "
        "training checkpoint.",
    )
    parser.add_argument("checkpoint", metavar="CHECKPOINT", help="a .ckpt of `kipoi-prism train`")
    parser.add_argument("-o", "--out", required=True, metavar="PT", help="weights file to write")
    parser.set_defaults(run=run)
    return parser


def run(args: argparse.Namespace) -> int:
    """Export the checkpoint; print the weights file's path."""
    from kipoi_prism.training.export import export_checkpoint

    print(export_checkpoint(args.checkpoint, args.out))
    return 0
