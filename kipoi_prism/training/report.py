"""A training run's report: its curves and the SPEC's success signs, measured.

Reads ``history.csv`` of a run folder (written by ``kipoi-prism train`` after every run),
draws the monitored curves into a PNG (:func:`draw`) and measures, for the epoch whose
weights were exported (best validation AUPR, :func:`best_epoch`), each success sign the
design note names (:func:`success_signs`). The signs are hopes, not requirements: the
report says what was measured. ``kipoi-prism report`` prints it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from kipoi_prism.errors import PrismInputError
from kipoi_prism.io.atomic import atomic_path


@dataclass
class Sign:
    """One success sign: what the note hopes for, what was measured, whether it holds."""

    name: str
    target: str
    measured: str
    met: bool | None


def read_history(run_dir: str | Path) -> pd.DataFrame:
    """``history.csv`` of a run folder (one row per epoch)."""
    path = Path(run_dir) / "history.csv"
    if not path.is_file():
        raise PrismInputError(
            "no history.csv here; is this a `kipoi-prism train` run folder?", run_dir
        )
    history = pd.read_csv(path)
    if history.empty or "val_aupr" not in history:
        raise PrismInputError("history.csv has no epochs with validation AUPR", path)
    return history


def best_epoch(history: pd.DataFrame) -> pd.Series:
    """The row of the best validation AUPR (the exported weights; first on ties)."""
    return history.loc[history["val_aupr"].fillna(-math.inf).idxmax()]


def _value(row: pd.Series, key: str) -> float:
    return float(row[key]) if key in row and pd.notna(row[key]) else math.nan


def _fmt(value: float, digits: int = 3) -> str:
    return "n/a" if math.isnan(value) else f"{value:.{digits}f}"


def _holds(value: float, test) -> bool | None:
    return None if math.isnan(value) else bool(test(value))


def success_signs(row: pd.Series) -> list[Sign]:
    """The note's success signs measured at one epoch (``row`` of ``history.csv``)."""
    train, val = _value(row, "train_aupr"), _value(row, "val_aupr")
    corr, domain = _value(row, "corr"), _value(row, "domain_acc")
    chance = _value(row, "domain_chance")
    precision, recall = _value(row, "val_precision"), _value(row, "val_recall")
    gap = train - val
    in_band = lambda v: 0.6 <= v <= 0.8  # noqa: E731
    return [
        Sign("train AUPR", "0.85-0.90 (not > 0.95)", _fmt(train),
             _holds(train, lambda v: 0.85 <= v <= 0.90)),
        Sign("train - validation AUPR gap", "<= 0.15", _fmt(gap), _holds(gap, lambda v: v <= 0.15)),
        Sign("L_corr", "< 1e-3", _fmt(corr, 5), _holds(corr, lambda v: v < 1e-3)),
        Sign("domain-classifier accuracy", f"< 0.30 (chance {_fmt(chance)})", _fmt(domain),
             _holds(domain, lambda v: v < 0.30)),  # fmt: skip
        Sign("validation AUPR (test split: see the benchmark)", ">= 0.75", _fmt(val),
             _holds(val, lambda v: v >= 0.75)),  # fmt: skip
        Sign("validation precision / recall at the threshold", "both 0.6-0.8",
             f"{_fmt(precision)} / {_fmt(recall)}",
             None if math.isnan(precision + recall) else in_band(precision) and in_band(recall)),
    ]  # fmt: skip


def format_signs(signs: list[Sign], row: pd.Series) -> str:
    """A plain-text table of the signs."""
    verdict = {True: "met", False: "not met", None: "not measured"}
    lines = [f"epoch {int(row['epoch'])} (best validation AUPR; the exported weights)"]
    width = max(len(s.name) for s in signs)
    for sign in signs:
        lines.append(f"  {sign.name:<{width}}  target {sign.target:<28} "
                     f"measured {sign.measured:<14} {verdict[sign.met]}")  # fmt: skip
    return "\n".join(lines)


_PANELS = [
    ("AUPR / AUROC", [("train_aupr", "train AUPR"), ("val_aupr", "val AUPR"),
                      ("train_auroc", "train AUROC"), ("val_auroc", "val AUROC")], False, None),
    ("F1 at 0.5", [("train_f1", "train F1"), ("val_f1", "val F1")], False, None),
    ("loss terms (train)", [("train_loss_task", "task"), ("train_loss_corr", "corr"),
                            ("train_loss_inv", "inv"), ("train_loss_hcont", "hcont"),
                            ("train_loss_sparse", "sparse"), ("train_loss_proto", "proto")],
     True, None),
    ("L_corr", [("corr", "L_corr")], True, 1e-3),
    ("domain accuracy", [("domain_acc", "accuracy"), ("domain_chance", "chance")], False, 0.30),
    ("sparsity |z|_0 / d", [("zI_l0", "z_I"), ("zE_l0", "z_E")], False, None),
    ("T and lam", [("T", "T"), ("lam", "lam")], False, None),
    ("auxiliary weights", [("w_corr", "a"), ("w_inv", "b"), ("w_hcont", "g"),
                           ("w_sparse", "d"), ("w_proto", "h")], False, None),
]  # fmt: skip


def draw(history: pd.DataFrame, path: Path) -> Path:
    """Draw the monitored curves into a PNG, written atomically; returns ``path``.

    Parameters
    ----------
    history : pandas.DataFrame
        ``history.csv`` of a run (:func:`read_history`).
    path : Path
        The figure; its folder is created if needed.
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    columns = 4
    rows = -(-len(_PANELS) // columns)
    figure, axes = plt.subplots(rows, columns, figsize=(4 * columns, 3.2 * rows), squeeze=False)
    warmup = history.loc[history.get("warmup", 0) == 1, "epoch"] if "warmup" in history else []
    for ax, (title, series, log_scale, line) in zip(axes.flat, _PANELS, strict=False):
        _panel(ax, history, title, series, log_scale, line, warmup)
    for ax in list(axes.flat)[len(_PANELS) :]:
        ax.set_visible(False)
    figure.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        with atomic_path(path) as temporary:
            figure.savefig(temporary, format="png", dpi=110)
    finally:
        plt.close(figure)
    return path


def _panel(ax, history, title, series, log_scale, line, warmup) -> None:
    for column, label in series:
        if column in history and history[column].notna().any():
            values = history[column].abs() if log_scale else history[column]
            ax.plot(history["epoch"], values, marker="o", markersize=3, label=label)
    if len(warmup):
        ax.axvspan(min(warmup) - 0.5, max(warmup) + 0.5, color="0.9", zorder=0, label="warm-up")
    if line is not None:
        ax.axhline(line, color="0.4", linestyle="--", linewidth=1, label="target")
    if log_scale:
        ax.set_yscale("log")
    ax.set_title(title)
    ax.set_xlabel("epoch")
    ax.legend(fontsize=7)
