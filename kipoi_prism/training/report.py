"""A training run's report: its curves and the SPEC's success signs, measured.

Reads ``history.csv`` of a run folder (written by ``kipoi-prism train`` after every run),
draws the monitored curves into a PNG (:func:`draw`) and measures, for the epoch whose
weights were exported (best validation AUPR, :func:`best_epoch`), each success sign the
design note names (:func:`success_signs`). The signs are hopes, not requirements: the
report says what was measured. ``kipoi-prism report`` prints it.
"""

from __future__ import annotations

import json
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
                      ("train_auroc", "train AUROC"), ("val_auroc", "val AUROC"),
                      ("val_prevalence", "val AUPR by chance (prevalence)")], False, None),
    ("F1 at the calibrated threshold", [("train_f1_calibrated", "train F1"),
                                        ("val_f1_calibrated", "val F1")], False, None),
    ("loss terms (train)", [("train_loss_task", "task"), ("train_loss_corr", "corr"),
                            ("train_loss_inv", "inv"), ("train_loss_hcont", "hcont"),
                            ("train_loss_sparse", "sparse"), ("train_loss_proto", "proto")],
     True, None),
    ("L_corr", [("corr", "L_corr")], True, 1e-3),
    ("domain accuracy", [("domain_acc", "accuracy"), ("domain_chance", "chance")], False, 0.30),
    ("sparsity |z|_0 / d", [("zI_l0", "z_I"), ("zE_l0", "z_E")], False, None),
    ("T and lam", [("T", "T"), ("lam", "lam")], False, None),
    ("auxiliary weights", [("w_corr", "α corr"), ("w_inv", "β inv"), ("w_hcont", "γ hcont"),
                           ("w_sparse", "δ sparse"), ("w_proto", "η proto")], False, None),
]  # fmt: skip
# Overlapping curves stay apart: each series of a panel has its own marker and line style.
_MARKERS = ("o", "s", "^", "D", "v", "x")
_STYLES = ("-", "--", ":", "-.")
_ENDED_BY = {
    "max_epochs": "epoch cap (train.max_epochs)",
    "early_stopping": "early stopping (train.patience)",
    "interrupted": "interrupted",
}


@dataclass
class Marks:
    """What the figure marks besides the curves (:func:`figure_marks`).

    Attributes
    ----------
    exported_epoch : int
        The epoch whose weights were exported (best validation AUPR).
    warmup_epochs : list of int
        The warm-up epochs (shaded).
    last_epoch : int
        The epoch the run ended with.
    ended_by : str or None
        What ended it (``summary.json``'s ``ended_by``), e.g. ``"early stopping
        (train.patience)"``; ``None`` when the run folder does not say.
    """

    exported_epoch: int
    warmup_epochs: list[int]
    last_epoch: int
    ended_by: str | None

    def title(self) -> str:
        """One line above the figure: the exported epoch and how the run ended."""
        trained = (
            "inside the warm-up: environment untrained"
            if (self.exported_epoch in self.warmup_epochs)
            else "environment trained"
        )
        end = f"ended at epoch {self.last_epoch}"
        if self.ended_by:
            end += f" by {self.ended_by}"
        return f"exported epoch {self.exported_epoch} ({trained}); {end}"  # fmt: skip


def read_summary(run_dir: str | Path) -> dict:
    """``summary.json`` of a run folder (empty when absent)."""
    path = Path(run_dir) / "summary.json"
    return json.loads(path.read_text()) if path.is_file() else {}


def figure_marks(history: pd.DataFrame, summary: dict | None = None) -> Marks:
    """The exported epoch, the warm-up epochs and the run's end, for :func:`draw`.

    Parameters
    ----------
    history : pandas.DataFrame
        ``history.csv`` (:func:`read_history`).
    summary : dict, optional
        ``summary.json`` (:func:`read_summary`): its ``best_epoch`` (else the best
        validation AUPR of ``history``) and ``ended_by``.
    """
    summary = summary or {}
    exported = summary.get("best_epoch") or int(best_epoch(history)["epoch"])
    warmup = history.loc[history["warmup"] == 1, "epoch"] if "warmup" in history else []
    ended_by = summary.get("ended_by")
    return Marks(exported_epoch=int(exported), warmup_epochs=[int(e) for e in warmup],
                 last_epoch=int(history["epoch"].max()),
                 ended_by=_ENDED_BY.get(ended_by, ended_by))  # fmt: skip


def draw(history: pd.DataFrame, path: Path, marks: Marks | None = None) -> Path:
    """Draw the monitored curves into a PNG, written atomically; returns ``path``.

    Every panel shades the warm-up epochs and marks the exported epoch (dashed) and the
    last epoch (a triangle on top: what ended the run); the AUPR panel also draws the chance level,
    the validation prevalence; epochs are integers.

    Parameters
    ----------
    history : pandas.DataFrame
        ``history.csv`` of a run (:func:`read_history`).
    path : Path
        The figure; its folder is created if needed.
    marks : Marks, optional
        Default: :func:`figure_marks` of ``history`` alone.
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    marks = marks or figure_marks(history)
    columns = 4
    rows = -(-len(_PANELS) // columns)
    figure, axes = plt.subplots(rows, columns, figsize=(4 * columns, 3.3 * rows), squeeze=False)
    for ax, (title, series, log_scale, line) in zip(axes.flat, _PANELS, strict=False):
        _panel(ax, history, title, series, log_scale, line)
        _mark(ax, marks)
    for ax in list(axes.flat)[len(_PANELS) :]:
        ax.set_visible(False)
    handles = _mark_legend(marks)
    figure.legend(handles=handles, loc="upper right", fontsize=8, ncols=len(handles))
    figure.suptitle(marks.title(), x=0.01, ha="left", fontsize=10)
    figure.tight_layout(rect=(0, 0, 1, 0.95))
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        with atomic_path(path) as temporary:
            figure.savefig(temporary, format="png", dpi=110)
    finally:
        plt.close(figure)
    return path


def _panel(ax, history, title, series, log_scale, line) -> None:
    from matplotlib.ticker import MaxNLocator

    for k, (column, label) in enumerate(merge_identical(history, series)):
        values = history[column].abs() if log_scale else history[column]
        chance = column in ("val_prevalence", "domain_chance")
        ax.plot(history["epoch"], values, label=label, markersize=4,
                marker=None if chance else _MARKERS[k % len(_MARKERS)],
                linestyle=":" if chance else _STYLES[k % len(_STYLES)],
                color="0.35" if chance else None)  # fmt: skip
    if line is not None:
        ax.axhline(line, color="0.4", linestyle="--", linewidth=1, label="target")
    if log_scale:
        ax.set_yscale("log")
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlim(history["epoch"].min() - 0.5, history["epoch"].max() + 0.5)
    ax.set_title(title)
    ax.set_xlabel("epoch")
    if ax.get_legend_handles_labels()[0]:
        ax.legend(fontsize=7)


def merge_identical(history: pd.DataFrame, series: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """The ``(column, label)`` pairs a panel draws: the columns with a value, those with
    identical values once, their labels joined (``"a = b"``: one line would hide the other).
    """
    drawn: list[tuple[str, list[str]]] = []
    for column, label in series:
        if column not in history or not history[column].notna().any():
            continue
        same = next((d for d in drawn if history[column].equals(history[d[0]])), None)
        if same is None:
            drawn.append((column, [label]))
        else:
            same[1].append(label)
    return [(column, " = ".join(labels)) for column, labels in drawn]


def _mark(ax, marks: Marks) -> None:
    """Warm-up shading (each warm-up epoch +- 0.5), the exported epoch (a dashed line) and
    the run's end (a triangle on the top edge, visible when both are the same epoch)."""
    for epoch in marks.warmup_epochs:
        ax.axvspan(epoch - 0.5, epoch + 0.5, color="0.9", zorder=0, linewidth=0)
    ax.axvline(marks.exported_epoch, color="tab:green", linestyle="--", linewidth=1.2)
    ax.plot([marks.last_epoch], [1.0], marker="v", color="tab:red", markersize=9,
            transform=ax.get_xaxis_transform(), clip_on=False, linestyle="none")  # fmt: skip


def _mark_legend(marks: Marks) -> list:
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    ended = f"run ended{' by ' + marks.ended_by if marks.ended_by else ''}"
    handles = [
        Line2D(
            [],
            [],
            color="tab:green",
            linestyle="--",
            label=f"exported (epoch {marks.exported_epoch})",
        ),
        Line2D([], [], color="tab:red", marker="v", linestyle="none", label=ended),
    ]
    if marks.warmup_epochs:
        handles.insert(0, Patch(color="0.9", label="warm-up"))
    return handles  # fmt: skip
