"""Evaluate scored pairs against their labels: per cell line and pooled, with PR curves.

Reads what ``kipoi-prism predict`` writes (the ``.tsv`` table, or its ``.h5``), keeps the
labelled rows (label ``0``/``1``; ``.`` is unlabelled and skipped, and counted), and
reports for each cell line and for all pairs pooled: pairs, positives, prevalence (the
AUPR of a random score), AUPR, AUROC, F1, precision and recall of the calls, and the Brier
score. The calls are the table's own ``call`` column (``predict``'s calibrated threshold,
or its ``--threshold``), or ``probability >= threshold`` when a threshold is given here.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pandas as pd

from kipoi_prism import metrics
from kipoi_prism.errors import PrismInputError

POOLED = "pooled"
REQUIRED = ("name", "cell_line", "probability", "label")
METRIC_COLUMNS = ["cell_line", "pairs", "positives", "prevalence", "aupr", "auroc", "f1",
                  "precision", "recall", "brier", "threshold"]  # fmt: skip


def read_scores(path: str | os.PathLike) -> pd.DataFrame:
    """A ``predict`` output as a DataFrame with ``line`` numbers (TSV) and int labels (-1: none).

    Raises
    ------
    PrismInputError
        Missing file, a missing column, a probability that is not a number in [0, 1], a
        label other than 0, 1 or ``.`` (naming the line).
    """
    path = Path(path)
    if not path.is_file():
        raise PrismInputError("scores file not found", path)
    if path.suffix == ".h5":
        frame = _read_h5(path)
        frame["line"] = np.arange(len(frame)) + 1
    else:
        frame = pd.read_csv(path, sep="\t", dtype=str, keep_default_na=False)
        frame["line"] = np.arange(len(frame)) + 2  # after the header line
    missing = [c for c in REQUIRED if c not in frame.columns]
    if missing:
        hint = (
            " (score labelled pairs: the input needs a label column)" if "label" in missing else ""
        )
        raise PrismInputError(
            f"no {', '.join(missing)} column{'s' if len(missing) > 1 else ''} among "
            f"{', '.join(c for c in frame.columns if c != 'line')}{hint}",
            path,
        )
    frame["probability"] = _numbers(frame, "probability", path)
    frame["label"] = _labels(frame, path)
    if "call" in frame.columns:
        frame["call"] = pd.to_numeric(frame["call"], errors="coerce")
    return frame


def _read_h5(path: Path) -> pd.DataFrame:
    import h5py

    with h5py.File(path, "r") as handle:
        columns = {}
        for name, data in handle.items():
            if isinstance(data, h5py.Dataset) and data.ndim == 1:
                values = data[()]
                columns[name] = values.astype(str) if values.dtype.kind in "SO" else values
    return pd.DataFrame(columns)


def _numbers(frame: pd.DataFrame, column: str, path) -> np.ndarray:
    values = pd.to_numeric(frame[column], errors="coerce").to_numpy(np.float64)
    bad = ~np.isfinite(values) | (values < 0) | (values > 1)
    if bad.any():
        row = int(np.flatnonzero(bad)[0])
        raise PrismInputError(
            f"{column} {frame[column].iloc[row]!r} is not a number between 0 and 1",
            path,
            int(frame["line"].iloc[row]),
        )
    return values


def _labels(frame: pd.DataFrame, path) -> np.ndarray:
    text = frame["label"].astype(str).str.strip()
    known = text.isin(["0", "1", "."])
    if not known.all():
        row = int(np.flatnonzero(~known.to_numpy())[0])
        raise PrismInputError(
            f"label {text.iloc[row]!r} is not 0, 1 or '.'", path, int(frame["line"].iloc[row])
        )
    return np.where(text == ".", -1, pd.to_numeric(text.replace(".", "-1"))).astype(np.int64)


def evaluate(frame: pd.DataFrame, threshold: float | None = None) -> pd.DataFrame:
    """Metrics per cell line (input order of first appearance) and pooled.

    Parameters
    ----------
    frame : pandas.DataFrame
        :func:`read_scores` output (unlabelled rows are skipped).
    threshold : float, optional
        Calls are ``probability >= threshold``; default: the table's ``call`` column.

    Returns
    -------
    pandas.DataFrame
        :data:`METRIC_COLUMNS`, one row per cell line and a last ``pooled`` row.
        ``threshold`` is NaN where the table's own calls were used.
    """
    labelled = frame[frame["label"] >= 0]
    if labelled.empty:
        raise PrismInputError("no labelled pairs to evaluate (every label is '.')")
    if threshold is None and "call" not in labelled.columns:
        raise PrismInputError("the table has no call column: give --threshold")
    rows = [
        _row(cell, group, threshold) for cell, group in labelled.groupby("cell_line", sort=False)
    ]
    rows.append(_row(POOLED, labelled, threshold))
    return pd.DataFrame(rows, columns=METRIC_COLUMNS)


def _row(cell: str, group: pd.DataFrame, threshold: float | None) -> dict:
    labels, probability = group["label"].to_numpy(), group["probability"].to_numpy()
    calls = group["call"].to_numpy() > 0 if threshold is None else probability >= threshold
    called = calls.astype(np.float64)  # 1.0 where called: the metrics' threshold 0.5 keeps them
    precision, recall = metrics.precision_recall_at(labels, called, 0.5)
    f1 = metrics.f1_at(labels, called, 0.5)
    return {
        "cell_line": cell, "pairs": len(group), "positives": int(labels.sum()),
        "prevalence": float(labels.mean()), "aupr": metrics.aupr(labels, probability),
        "auroc": metrics.auroc(labels, probability), "f1": f1, "precision": precision,
        "recall": recall, "brier": metrics.brier(labels, probability),
        "threshold": np.nan if threshold is None else float(threshold),
    }  # fmt: skip


def plot_pr_curves(frame: pd.DataFrame, path: str | os.PathLike) -> Path:
    """Precision-recall curves per cell line and pooled, chance (prevalence) dashed; a PNG."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from sklearn.metrics import precision_recall_curve

    from kipoi_prism.io.atomic import atomic_path

    labelled = frame[frame["label"] >= 0]
    groups = [*labelled.groupby("cell_line", sort=False), (POOLED, labelled)]
    figure, axis = plt.subplots(figsize=(6, 5))
    for cell, group in groups:
        labels, probability = group["label"].to_numpy(), group["probability"].to_numpy()
        if labels.min() == labels.max():
            continue
        precision, recall, _ = precision_recall_curve(labels, probability)
        style = {"color": "black", "linewidth": 2} if cell == POOLED else {"linewidth": 1}
        aupr = metrics.aupr(labels, probability)
        line = axis.step(recall, precision, where="post", label=f"{cell} (AUPR {aupr:.3f})",
                         **style)[0]  # fmt: skip
        axis.axhline(labels.mean(), color=line.get_color(), linestyle=":", linewidth=0.8)
    axis.set(xlabel="recall", ylabel="precision", xlim=(0, 1), ylim=(0, 1.02),
             title="precision-recall (dotted: chance = prevalence)")  # fmt: skip
    axis.legend(fontsize=8, loc="upper right")
    figure.tight_layout()
    path = Path(path)
    with atomic_path(path) as temporary:
        figure.savefig(temporary, format="png", dpi=120)
    plt.close(figure)
    return path
