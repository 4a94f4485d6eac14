"""A training run from its configuration: read the pair tables a config names, train.

:func:`train_from_config` is ``kipoi-prism train`` without the command line; the ``data``
section of a :class:`~kipoi_prism.config.RunConfig` names the labelled pair tables and the
split (:func:`read_training_pairs`), the other sections go to :func:`~kipoi_prism.training.fit.fit`.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from pathlib import Path
from typing import Any

import pandas as pd

from kipoi_prism.config import RunConfig, SplitConfig
from kipoi_prism.errors import PrismInputError
from kipoi_prism.io.pairs import check_unique_names, read_pairs
from kipoi_prism.training.fit import FitResult, fit
from kipoi_prism.training.split import SPLIT_COLUMNS, split_columns, split_pairs

log = logging.getLogger(__name__)


def read_training_pairs(
    config: RunConfig, source: str | Path | None = None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The training and validation splits named by the ``data`` section.

    ``source`` (the config file) is named in errors about the config's own keys.
    """
    data = config.data
    config.train.check_leaves_warmup(source)
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
    columns = split_columns(frame, data.split.by)
    if columns != SPLIT_COLUMNS[data.split.by]:
        log.info("splitting by the pairs' original chromosomes (%s: the sequence names of "
                 "simulated pairs are regions)", ", ".join(columns))  # fmt: skip
    return split_pairs(frame, data.split, _first(data.pairs))


def _only_exclude(split: SplitConfig) -> SplitConfig:
    return replace(split, val=[])


def _first(paths: Any) -> str:
    return str(paths[0] if isinstance(paths, (list, tuple)) else paths)


def _read_tables(paths: Any, format: str | None) -> pd.DataFrame:
    paths = list(paths) if isinstance(paths, (list, tuple)) else [paths]
    frames = [read_pairs(p, format) for p in paths]
    frame = pd.concat(frames, ignore_index=True)
    if len(paths) > 1:
        check_unique_names(frame, ", ".join(str(p) for p in paths))
    return frame


def train_from_config(
    config: RunConfig, resume: str | None = None, source: str | Path | None = None
) -> FitResult:
    """Read the data a config names, train, export; returns the :class:`FitResult`."""
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
