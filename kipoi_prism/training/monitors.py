"""What a training epoch measures: per-step sums, classification scores, the epoch's row.

:class:`EpochStats` adds up the per-step monitor values (see
:meth:`kipoi_prism.training.objective.PrismObjective.step_values`) and the training
predictions over an epoch and over processes; :func:`epoch_row` turns an epoch into one
line of ``history.csv`` (columns in ``docs/TRAINING.md``).
"""

from __future__ import annotations

import math
import time

import numpy as np
import torch

from kipoi_prism import metrics
from kipoi_prism.training.curriculum import AUXILIARY, Phase
from kipoi_prism.training.distributed import gather_objects

# Monitors written under their own name in history.csv (the others get a ``train_`` prefix).
PLAIN = {"corr", "domain_acc", "zI_l0", "zE_l0", "T", "R_E", "U_I", "lam"}


def classification_metrics(labels: np.ndarray, probabilities: np.ndarray) -> dict[str, float]:
    """AUPR, AUROC and F1 at 0.5 (NaN where a class is missing or no pairs)."""
    if len(labels) == 0:
        return {"aupr": math.nan, "auroc": math.nan, "f1": math.nan}
    return {
        "aupr": metrics.aupr(labels, probabilities),
        "auroc": metrics.auroc(labels, probabilities),
        "f1": metrics.f1_at(labels, probabilities, 0.5),
    }


class EpochStats:
    """Per-epoch sums of monitored values and the training predictions (checkpointed)."""

    def __init__(self) -> None:
        self.reset()

    def reset(self) -> None:
        self.sums: dict[str, float] = {}
        self.counts: dict[str, int] = {}
        self.probabilities: list[np.ndarray] = []
        self.labels: list[np.ndarray] = []

    def add(self, values: dict[str, float]) -> None:
        for key, value in values.items():
            self.sums[key] = self.sums.get(key, 0.0) + float(value)
            self.counts[key] = self.counts.get(key, 0) + 1

    def add_predictions(self, probabilities: np.ndarray, labels: np.ndarray) -> None:
        self.probabilities.append(probabilities.astype(np.float64))
        self.labels.append(labels.astype(np.int64))

    def reduce(self) -> tuple[dict[str, float], np.ndarray, np.ndarray]:
        """Means over all processes, and all processes' predictions and labels."""
        local = {
            "sums": self.sums,
            "counts": self.counts,
            "p": np.concatenate(self.probabilities) if self.probabilities else np.zeros(0),
            "y": np.concatenate(self.labels) if self.labels else np.zeros(0, np.int64),
        }
        parts = gather_objects(local)
        sums: dict[str, float] = {}
        counts: dict[str, int] = {}
        for part in parts:
            for key, value in part["sums"].items():
                sums[key] = sums.get(key, 0.0) + value
                counts[key] = counts.get(key, 0) + part["counts"][key]
        means = {key: sums[key] / counts[key] for key in sorted(sums)}
        probabilities = np.concatenate([p["p"] for p in parts])
        return means, probabilities, np.concatenate([p["y"] for p in parts])

    def state_dict(self) -> dict:
        return {
            "sums": dict(self.sums),
            "counts": dict(self.counts),
            "p": torch.from_numpy(np.concatenate(self.probabilities or [np.zeros(0)])),
            "y": torch.from_numpy(np.concatenate(self.labels or [np.zeros(0, np.int64)])),
        }

    def load_state_dict(self, state: dict) -> None:
        self.reset()
        self.sums, self.counts = dict(state["sums"]), dict(state["counts"])
        if len(state["p"]):
            self.add_predictions(state["p"].numpy(), state["y"].numpy())


class Throughput:
    """Training speed of an epoch in this run (all processes): pairs and rows per second.

    ``train_pairs_per_s`` counts labelled query pairs; ``train_rows_per_s`` every pair
    through the backbone (queries and support rows). Time runs from the first training
    batch to validation, loading included; a resumed epoch counts its resumed part.
    """

    def __init__(self) -> None:
        self.reset()

    def reset(self) -> None:
        self.clock: dict[str, float] = {}

    def batch(self, n_query: int, n_rows: int) -> None:
        """A training batch starts (the first one starts the clock)."""
        self.clock.setdefault("start", time.perf_counter())
        self.clock["pairs"] = self.clock.get("pairs", 0) + n_query
        self.clock["rows"] = self.clock.get("rows", 0) + n_rows

    def stop(self) -> None:
        """Training of the epoch ends (validation starts)."""
        if "start" in self.clock:
            self.clock["seconds"] = time.perf_counter() - self.clock.pop("start")

    def rates(self) -> dict[str, float]:
        """``train_seconds``, ``train_pairs_per_s``, ``train_rows_per_s`` over all processes."""
        local = (self.clock.get("pairs", 0), self.clock.get("rows", 0),
                 self.clock.get("seconds", math.nan))  # fmt: skip
        parts = gather_objects(local)
        seconds = max(p[2] for p in parts)
        pairs, rows = sum(p[0] for p in parts), sum(p[1] for p in parts)
        return {"train_seconds": seconds, "train_pairs_per_s": pairs / seconds,
                "train_rows_per_s": rows / seconds}  # fmt: skip


def validation_measures(labels: np.ndarray, probabilities: np.ndarray) -> dict[str, float]:
    """``val_aupr/auroc/f1``, the calibrated threshold, precision, recall and F1 at it,
    the positive share (``val_prevalence``: a random ranking's AUPR) and the pair count."""
    row = {f"val_{k}": v for k, v in classification_metrics(labels, probabilities).items()}
    threshold = metrics.calibrate_threshold(labels, probabilities) if len(labels) else 0.5
    precision, recall, f1 = (
        (*metrics.precision_recall_at(labels, probabilities, threshold),
         metrics.f1_at(labels, probabilities, threshold)) if len(labels)
        else (math.nan, math.nan, math.nan)
    )  # fmt: skip
    row.update({"val_threshold": threshold, "val_precision": precision,
                "val_recall": recall, "val_f1_calibrated": f1,
                "val_prevalence": float(np.mean(labels == 1)) if len(labels) else math.nan,
                "val_pairs": len(labels)})  # fmt: skip
    return row


def epoch_row(
    phase: Phase,
    stats: EpochStats,
    throughput: dict[str, float],
    objective,
    labels: np.ndarray,
    probabilities: np.ndarray,
) -> dict[str, float]:
    """One line of ``history.csv``: schedule, training and validation measures.

    Parameters
    ----------
    phase : Phase
        The epoch's curriculum.
    stats : EpochStats
        The epoch's training steps (reduced over processes here).
    throughput : dict
        :meth:`Throughput.rates`.
    objective : PrismObjective
        Cell lines, IMMAX margins and the divergence count.
    labels, probabilities : numpy.ndarray
        Validation labels and predictions, one per pair.
    """
    means, train_p, train_y = stats.reduce()
    row: dict[str, float] = {"epoch": phase.epoch + 1, "warmup": int(phase.warmup)}
    row.update({f"w_{k}": getattr(phase.weights, k) for k in AUXILIARY})
    row.update({f"train_{k}": v for k, v in classification_metrics(train_y, train_p).items()})
    row.update({(k if k in PLAIN else f"train_{k}"): v for k, v in means.items()})
    row["domain_chance"] = 1.0 / len(objective.cell_lines)
    row.update(throughput)
    row["immax_rho_neg"], row["immax_rho_pos"] = objective.task_loss.margins.tolist()
    row.update(validation_measures(labels, probabilities))
    threshold = row["val_threshold"]
    row["train_f1_calibrated"] = (
        metrics.f1_at(train_y, train_p, threshold) if len(train_y) else math.nan
    )  # the training queries at the threshold calibrated on validation
    row["divergences"] = int(objective.divergences)
    return row
