"""``kipoi-prism train``: train prism-energy from a YAML config.

Example::

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
from pathlib import Path
from typing import Any

import pandas as pd

from kipoi_prism.config import RunConfig, load_config
from kipoi_prism.errors import PrismInputError

log = logging.getLogger(__name__)


def add_parser(subparsers) -> argparse.ArgumentParser:
    """Register ``train`` and its options."""
    parser = subparsers.add_parser(
        "train",
        help="train prism-energy from a YAML config",
        description="Train prism-energy (curriculum, full objective, early stopping on "
        "validation AUPR) and export a weights file for `kipoi-prism predict --weights`.",
    )
    parser.add_argument("--config", required=True, metavar="YAML", help="run configuration")
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


def read_training_pairs(
    config: RunConfig, source: str | Path | None = None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The training and validation splits named by the ``data`` section.

    ``source`` (the config file) is named in errors about the config's own keys.
    """
    from kipoi_prism.io.pairs import check_unique_names
    from kipoi_prism.training.datasets import split_pairs

    data = config.data
    if not data.pairs:
        raise PrismInputError(
            "data.pairs: required (the labelled pair table or a list of them)", source
        )
    if not data.genome and config.model.backbone != "features":
        raise PrismInputError("data.genome: required (the genome FASTA)", source)
    frame = _read_tables(data.pairs, data.format)
    if data.val_pairs:
        if data.split.val:
            raise PrismInputError("data: give either val_pairs or split.val, not both", source)
        train, _ = split_pairs(frame, _only_exclude(data.split))
        val, _ = split_pairs(_read_tables(data.val_pairs, data.format), _only_exclude(data.split))
        check_unique_names(pd.concat([train, val], ignore_index=True), data.val_pairs)
        return train, val
    if not data.split.val:
        raise PrismInputError(
            f"data.split.val: name the held-out {data.split.by.replace('_', ' ')}(s) for "
            "validation (splits are never by random pair), or give data.val_pairs",
            source,
        )
    return split_pairs(frame, data.split, _first(data.pairs))


def _only_exclude(split):
    from dataclasses import replace

    return replace(split, val=[])


def _first(paths: Any) -> str:
    return str(paths[0] if isinstance(paths, (list, tuple)) else paths)


def _read_tables(paths: Any, format: str | None) -> pd.DataFrame:
    from kipoi_prism.io.pairs import check_unique_names, read_pairs

    paths = list(paths) if isinstance(paths, (list, tuple)) else [paths]
    frames = [read_pairs(p, format) for p in paths]
    frame = pd.concat(frames, ignore_index=True)
    if len(paths) > 1:
        check_unique_names(frame, ", ".join(str(p) for p in paths))
    return frame


def train_from_config(
    config: RunConfig, resume: str | None = None, source: str | Path | None = None
):
    """Read the data a config names, train, export; returns the :class:`FitResult`."""
    from kipoi_prism.training.lightning import fit

    train, val = read_training_pairs(config, source)
    log.info("training on %d pairs (%s), validating on %d pairs (%s)", len(train),
             ", ".join(sorted(train["cell_line"].unique())), len(val),
             ", ".join(sorted(val["cell_line"].unique())))  # fmt: skip
    return fit(
        train, val, config.data.genome, config.model, config.train, config.trainer.out_dir,
        trainer_config=config.trainer, num_workers=config.data.num_workers,
        h5_cache=config.data.h5_cache, resume=resume, feature_columns=_features(config),
        run_config={"data": config.to_dict()["data"]},
    )  # fmt: skip


def _features(config: RunConfig) -> tuple[list[str], list[str]] | None:
    if config.model.backbone != "features":
        return None
    return config.data.enhancer_features, config.data.promoter_features


def run(args: argparse.Namespace) -> int:
    import yaml

    config = load_config(args.config, args.set)
    if args.out:
        config.trainer.out_dir = args.out
    if args.print_config:
        print(yaml.safe_dump(config.to_dict(), sort_keys=False), end="")
        return 0
    from kipoi_prism.allocator import reuse_freed_memory

    reuse_freed_memory()  # batch buffers reused, not faulted in again (kipoi_prism.allocator)
    result = train_from_config(config, args.resume, args.config)
    if result.weights_path is not None:
        log.info("best epoch %s: validation AUPR %.4f, threshold %.4f", result.best_epoch,
                 result.best_val_aupr, result.threshold)  # fmt: skip
        print(result.weights_path)
    return 0
