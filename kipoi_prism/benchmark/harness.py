"""Leave-one-cell-line-out benchmark of prism-energy, its ablations and baselines.

Two tracks:

``sequence``
    Sequences and labels from :mod:`kipoi_prism.simulation` on the real TargetFinder pair
    graph (ground truth known; the oracle AUPR is the ceiling). For each held-out cell
    line every row trains on the other cell lines (validation: pairs on held-out original
    chromosomes, or one whole training cell line with ``validate_on="cell_line"``, for
    early stopping and threshold calibration) and is scored on the
    held-out cell line through the ordinary inference path (support set of ``m`` pairs).
``features``
    Real labels: the same head and losses on the 24 real chromatin features of the
    TargetFinder tables (MLP backbone), against gradient boosting on the same features,
    distance only and the promoter prior; plus train-on-TargetFinder, test-on-BENGI.

A run's settings are :class:`kipoi_prism.config.BenchmarkConfig`; :data:`PROFILES` holds
the ``quick`` and ``full`` ones.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import torch

from kipoi_prism.benchmark.baselines import DistanceBaseline, PromoterPrior
from kipoi_prism.config import (
    BenchmarkConfig,
    ModelConfig,
    SplitConfig,
    TrainConfig,
    TrainerConfig,
)
from kipoi_prism.config.loading import apply_overrides
from kipoi_prism.config.variants import VARIANTS
from kipoi_prism.io.atomic import write_text
from kipoi_prism.metrics import (
    bootstrap_interval,
    calibrate_threshold,
    distance_matched_aupr,
    score_all,
)
from kipoi_prism.training.split import split_pairs

log = logging.getLogger(__name__)

PROFILES: dict[str, BenchmarkConfig] = {
    # CI-sized smoke test: tiny windows and model, one held-out cell line, 1 warm-up epoch
    # + 2 epochs that train the environment stream too (with 1, its two steps left the
    # full and lam = 0 rows' rankings, hence their AUPR, identical).
    "quick": BenchmarkConfig(
        mode="quick",
        cell_lines=("GM12878", "K562", "IMR90"),
        held_out=("K562",),
        bengi=False,
        pairs_per_cell_line=80,
        enhancer_length=400,
        promoter_length=300,
        channels=8,
        max_epochs=3,
        warmup_epochs=1,
        patience=1,
        rows=("full", "lam0"),
        baselines=("speid", "distance", "promoter_prior"),
        feature_rows=("full",),
        feature_pairs_per_cell_line=300,
        gbm_grid={"learning_rate": (0.1,), "max_leaf_nodes": (7, 31), "max_iter": 60},
        bootstrap=20,
        speid={
            "filters": 16,
            "kernel": 9,
            "pool": 10,
            "lstm_units": 8,
            "dense_units": 16,
            "epochs": 1,
        },
    ),  # fmt: skip
    # The full table: every row and baseline, 6 held-out cell lines, 3 seeds. Sequence
    # windows are 1,000 + 1,000 bp (the simulator plants every motif within the central
    # 1,000 bp) so that 2 CPU cores can afford the rows; the held-out cell line is scored
    # on all its simulated pairs, training cell lines are subsampled.
    "full": BenchmarkConfig(
        mode="full",
        seeds=(0, 1, 2),
        pairs_per_cell_line=2500,
        train_pairs_per_cell_line=2000,
        enhancer_length=1000,
        promoter_length=1000,
        max_epochs=6,
        rows=tuple(VARIANTS),
        feature_rows=tuple(VARIANTS),
        # Every training pair, as the baselines use; up to 20 epochs (early stopping on
        # validation AUPR, patience 3): the 6-epoch cap stopped the feature network rising.
        feature_pairs_per_cell_line=None,
        feature_max_epochs=20,
        feature_patience=3,
        speid={
            "filters": 1024,
            "kernel": 40,
            "pool": 20,
            "lstm_units": 100,
            "dense_units": 925,
            "epochs": 2,
            "train_pairs": 2000,
        },
        bootstrap=500,
    ),
}


@dataclass
class Evaluation:
    """One row x held-out cell line x seed: metrics plus the scores behind them."""

    track: str
    row: str
    held_out: str
    seed: int
    labels: np.ndarray
    probabilities: np.ndarray
    threshold: float
    extra: dict = field(default_factory=dict)
    #: The pairs' enhancer-promoter distances, where the track has them: the record then
    #: adds the distance-matched AUPR (:func:`kipoi_prism.metrics.distance_matched_aupr`).
    distance: np.ndarray | None = None

    def record(self, n_boot: int) -> dict:
        scores = score_all(self.labels, self.probabilities, self.threshold)
        low, high = bootstrap_interval(self.labels, self.probabilities, n_boot=n_boot,
                                       seed=self.seed)  # fmt: skip
        out = {"track": self.track, "row": self.row, "held_out": self.held_out,
               "seed": self.seed, **dataclasses.asdict(scores), "aupr_ci_low": low,
               "aupr_ci_high": high, "threshold": self.threshold}  # fmt: skip
        if self.distance is not None:
            out.update(self._distance_matched(n_boot))
        return {**out, **self.extra}

    def _distance_matched(self, n_boot: int) -> dict:
        value = distance_matched_aupr(self.labels, self.probabilities, self.distance)
        low, high = bootstrap_interval(self.labels, self.probabilities, distance_matched_aupr,
                                       n_boot=n_boot, seed=self.seed,
                                       covariate=self.distance)  # fmt: skip
        return {"aupr_distance_matched": value, "aupr_distance_matched_ci_low": low,
                "aupr_distance_matched_ci_high": high}  # fmt: skip


# ------------------------------------------------------------------ shared steps


def stratified_subsample(frame: pd.DataFrame, n: int | None, seed: int) -> pd.DataFrame:
    """At most ``n`` rows per cell line, keeping each cell line's prevalence."""
    if n is None:
        return frame.reset_index(drop=True)
    parts = []
    for _, rows in frame.groupby("cell_line", sort=True):
        if len(rows) <= n:
            parts.append(rows)
            continue
        share = rows["label"].mean()
        positives = rows[rows["label"] == 1]
        negatives = rows[rows["label"] == 0]
        k = max(1, round(n * share))
        parts.append(positives.sample(min(k, len(positives)), random_state=seed))
        parts.append(negatives.sample(min(n - k, len(negatives)), random_state=seed))
    return pd.concat(parts).sort_index().reset_index(drop=True)


def held_out_rows(frame: pd.DataFrame, cell_line: str) -> pd.DataFrame:
    """The pairs of the held-out cell line; an absent cell line is an error, not an empty test."""
    rows = frame[frame["cell_line"] == cell_line].reset_index(drop=True)
    if rows.empty:
        present = ", ".join(sorted(frame["cell_line"].astype(str).unique()))
        raise ValueError(f"held-out cell line {cell_line!r} has no pairs (present: {present})")
    return rows


def validation_cell_line(config: BenchmarkConfig, held: str) -> str:
    """The training cell line that validates when ``held`` is held out and
    ``validate_on="cell_line"``: the next one after ``held`` in ``config.cell_lines``
    (cyclic), so each held-out cell line has a fixed, different validation cell line
    (:class:`BenchmarkConfig` refuses ``validate_on="cell_line"`` with fewer than three)."""
    cells = list(config.cell_lines)
    return cells[(cells.index(held) + 1) % len(cells)]


def validation_split(
    rest: pd.DataFrame, held: str, config: BenchmarkConfig, chromosome_column: str
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``(train, val)`` of the cell lines other than ``held`` (``rest``), as
    ``config.validate_on`` says: by ``chromosome_column`` (``config.val_chromosomes``
    validate) or by cell line (:func:`validation_cell_line` validates, whole)."""
    if config.validate_on == "cell_line":
        split = SplitConfig(by="cell_line", val=[validation_cell_line(config, held)])
        return split_pairs(rest, split, columns=["cell_line"], require_both=True)
    return chromosome_split(rest, config.val_chromosomes, chromosome_column)


def chromosome_split(
    frame: pd.DataFrame, chromosomes: Sequence[str], column: str
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``(train, val)`` of ``frame``: the pairs whose ``column`` (an enhancer's chromosome,
    e.g. ``original_enhancer_chrom`` for simulated pairs) is one of ``chromosomes`` validate;
    an empty side is an error."""
    split = SplitConfig(by="chromosome", val=list(chromosomes))
    return split_pairs(frame, split, columns=[column], require_both=True)


def base_configs(config: BenchmarkConfig, seed: int, backbone: str = "prism"):
    model = ModelConfig(
        backbone=backbone, enhancer_length=config.enhancer_length,
        promoter_length=config.promoter_length, channels=config.channels,
    )  # fmt: skip
    train = TrainConfig(max_epochs=config.max_epochs, patience=config.patience,
                        warmup_epochs=config.warmup_epochs, seed=seed)  # fmt: skip
    return apply_overrides(model, train, config.overrides)


def trainer_settings(config: BenchmarkConfig) -> TrainerConfig:
    return TrainerConfig(accelerator="auto", logger="csv", progress_bar=False,
                         threads=config.threads)  # fmt: skip


def resume_from(config: BenchmarkConfig) -> str | None:
    """``fit``'s ``resume``: each fit's own ``last.ckpt`` with ``config.resume``, else none."""
    return "auto" if config.resume else None


def history_extra(history: pd.DataFrame) -> dict:
    """lam/T at the end of training and the epochs run, from the training history."""
    last = history.iloc[-1] if len(history) else pd.Series(dtype=float)
    return {"lam": float(last.get("lam", np.nan)), "T": float(last.get("T", np.nan)),
            "epochs": int(len(history))}  # fmt: skip


def simple_baselines(
    train: pd.DataFrame, val: pd.DataFrame, test: pd.DataFrame, which, promoter_key: Callable
) -> dict[str, tuple[np.ndarray, float]]:
    """Distance-only and promoter-prior probabilities on ``test`` with val-calibrated thresholds."""
    out = {}
    y_train, y_val = train["label"].to_numpy(), val["label"].to_numpy()
    if "distance" in which:
        model = DistanceBaseline().fit(train["distance"].to_numpy(float), y_train)
        threshold = calibrate_threshold(y_val, model.predict_proba(val["distance"].to_numpy(float)))
        out["distance"] = (model.predict_proba(test["distance"].to_numpy(float)), threshold)
    if "promoter_prior" in which:
        model = PromoterPrior().fit(promoter_key(train), y_train)
        threshold = calibrate_threshold(y_val, model.predict_proba(promoter_key(val)))
        out["promoter_prior"] = (model.predict_proba(promoter_key(test)), threshold)
    return out


def timed(function: Callable, *args, **kwargs):
    start = time.perf_counter()
    result = function(*args, **kwargs)
    return result, time.perf_counter() - start


def git_commit(repo: Path) -> str:
    """The checkout's short commit, ``-dirty`` when tracked files differ from it; for a
    copied tree without ``.git`` (e.g. on a compute node) the ``KIPOI_PRISM_COMMIT``
    environment variable, else ``unknown``."""
    import os
    import subprocess

    try:
        return subprocess.run(
            ["git", "-C", str(repo), "describe", "--always", "--dirty", "--abbrev=7"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return os.environ.get("KIPOI_PRISM_COMMIT", "unknown")


def write_json(path: Path, data: dict) -> None:
    """``data`` as indented JSON (other types as ``str``), written atomically."""
    write_text(path, json.dumps(data, indent=2, default=str))


def torch_threads(config: BenchmarkConfig) -> None:
    if config.threads:
        torch.set_num_threads(config.threads)
