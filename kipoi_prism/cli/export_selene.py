"""``kipoi-prism export-selene CHECKPOINT``: a Selene checkpoint -> the package weights file.

Example::

    selene_sdk configs/selene_train.yml
    kipoi-prism export-selene runs/selene/<run>/best_model.pth.tar --out my-weights.pt
    kipoi-prism predict --weights my-weights.pt --pairs pairs.bedpe --fasta genome.fa ...

The weights file holds the network, the momentum prototypes of the training cell lines and
a decision threshold that balances precision and recall on the run's validation split,
scored as ``kipoi-prism predict`` scores (support sets of ``--support-size`` pairs drawn
with ``--seed``). The validation split comes from the run's Selene config: the
``configuration.yml`` Selene copies into the run folder, or ``--config``. Needs selene-sdk
(see docs/SELENE.md).
"""

from __future__ import annotations

import argparse

from kipoi_prism.config import InferenceConfig


def add_parser(subparsers) -> argparse.ArgumentParser:
    """Register ``export-selene`` and its options."""
    parser = subparsers.add_parser(
        "export-selene",
        help="export a Selene checkpoint to a weights file",
        description="Write the package weights file (network, prototypes, validation-"
        "calibrated threshold) from a Selene checkpoint of prism-energy.",
    )
    parser.add_argument(
        "checkpoint", metavar="CHECKPOINT", help="best_model.pth.tar of a Selene run"
    )
    parser.add_argument("-o", "--out", required=True, metavar="PT", help="weights file to write")
    parser.add_argument(
        "--config",
        metavar="YML",
        help="the run's Selene config (default: configuration.yml beside the checkpoint)",
    )
    parser.add_argument(
        "--threshold",
        type=float,
        metavar="P",
        help="use this decision threshold instead of calibrating on validation",
    )
    parser.add_argument(
        "--support-size",
        type=int,
        default=InferenceConfig.support_size,
        metavar="M",
        help="support-set pairs per cell line for the calibration (default: %(default)s)",
    )
    parser.add_argument(
        "--seed",
        type=int,
        default=InferenceConfig.seed,
        help="seed of the calibration's support sets (default: %(default)s)",
    )
    parser.set_defaults(run=run)
    return parser


def run(args: argparse.Namespace) -> int:
    from kipoi_prism.integrations.selene.checkpoint import export_checkpoint

    path = export_checkpoint(
        args.checkpoint,
        args.out,
        config=args.config,
        threshold=args.threshold,
        support_size=args.support_size,
        seed=args.seed,
    )
    print(path)
    return 0
