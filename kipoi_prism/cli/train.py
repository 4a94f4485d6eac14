"""``kipoi-prism train``: train prism-energy from a YAML config.

Example::

    kipoi-prism train --set data.pairs=pairs.bedpe --set data.genome=hg38.fa   # recommended
    kipoi-prism train --set data.pairs=pairs.bedpe --set data.genome=hg38.fa \
        --set train.stem_motifs=JASPAR2024_CORE_vertebrates.meme     # motifs from a file
    kipoi-prism train --config configs/train.yaml
    kipoi-prism train --config configs/train.yaml --set train.task_loss=bce --out runs/bce
    kipoi-prism train --config configs/train.yaml --resume          # continue last.ckpt

The YAML has four sections, ``data``, ``model``, ``train`` and ``trainer``, mapping
one-to-one onto :class:`~kipoi_prism.config.DataConfig`, :class:`~kipoi_prism.config.ModelConfig`,
:class:`~kipoi_prism.config.TrainConfig` and :class:`~kipoi_prism.config.TrainerConfig`
(defaults live there; a key left out keeps its default). Relative paths are read from the
current folder. The run folder receives checkpoints, logs, ``history.csv`` and the
exported ``weights.pt``, whose path is printed on standard output.
"""

from __future__ import annotations

import argparse
import logging

from kipoi_prism.config import load_config

log = logging.getLogger(__name__)


def add_parser(subparsers) -> argparse.ArgumentParser:
    """Register ``train`` and its options."""
    parser = subparsers.add_parser(
        "train",
        help="train prism-energy from a YAML config",
        description="Train prism-energy (early stopping on validation AUPR) and export a "
        "weights file for `kipoi-prism predict --weights`. Without --config: the recommended "
        "configuration (configs/recommended.yaml: count encoder, bilinear term, task loss "
        "alone, the first layer frozen at motifs found without labels in the training "
        "windows, or at train.stem_motifs=FILE.meme); configs/train.yaml lists every "
        "setting at its default (the SPEC's full objective with its curriculum).",
    )
    parser.add_argument(
        "--config",
        metavar="YAML",
        help="run configuration (default: the recommended one, configs/recommended.yaml)",
    )
    parser.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="SECTION.KEY=VALUE",
        help="override one config value (YAML syntax), e.g. --set train.lr=3e-4; repeatable",
    )
    parser.add_argument("--out", metavar="DIR", help="run folder (overrides trainer.out_dir)")
    parser.add_argument(
        "--resume",
        nargs="?",
        const="auto",
        metavar="CKPT",
        help="continue from a checkpoint (default: the run folder's checkpoints/last.ckpt)",
    )
    parser.add_argument(
        "--print-config", action="store_true", help="print the full configuration and exit"
    )
    parser.set_defaults(run=run)
    return parser


def run(args: argparse.Namespace) -> int:
    import yaml

    from kipoi_prism.config.loading import RECOMMENDED_CONFIG

    config = load_config(args.config or RECOMMENDED_CONFIG, args.set)
    if args.out:
        config.trainer.out_dir = args.out
    if args.print_config:
        print(yaml.safe_dump(config.to_dict(), sort_keys=False), end="")
        return 0
    from kipoi_prism.allocator import reuse_freed_memory

    reuse_freed_memory()  # batch buffers reused, not faulted in again (kipoi_prism.allocator)
    from kipoi_prism.training.recipe import train_from_config

    result = train_from_config(config, args.resume, args.config or RECOMMENDED_CONFIG)
    if result.weights_path is not None:
        if result.element_read is None:
            log.info("best epoch %s: validation AUPR %.4f, threshold %.4f", result.best_epoch,
                     result.best_val_aupr, result.threshold)  # fmt: skip
        else:
            log.info("best epoch %s: validation AUPR %.4f; with the element read %.4f, "
                     "threshold %.4f", result.best_epoch, result.best_val_aupr,
                     result.element_read["val_aupr"], result.threshold)  # fmt: skip
        print(result.weights_path)
    return 0
