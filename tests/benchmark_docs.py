"""Shared readers of the committed benchmark runs, for the tests that check that
docs/BENCHMARK.md states what those runs measured (nothing typed)."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from kipoi_prism.benchmark.report import summarise_differences
from kipoi_prism.benchmark.sequence_track import sequence_fit_name

DOCS = Path(__file__).resolve().parents[1] / "docs"


def flat_text(path: Path = DOCS / "BENCHMARK.md") -> str:
    """A document's text with every run of whitespace one space (claims wrap across lines)."""
    return " ".join(path.read_text().split())


def fit_label(run: str) -> str:
    """Which initialisation a refitted run's fits started from: ``init10`` for
    ``frozen-both-seed0-init10``, ``benchmark`` for the benchmark's own."""
    return run.rsplit("-", 1)[1] if "init" in run else "benchmark"


def assert_rows_in(table: pd.DataFrame, line, path: Path = DOCS / "BENCHMARK.md") -> None:
    """Every row of ``table``, written as a markdown table line by ``line(row)``, is in the
    document at ``path`` (its table holds the committed numbers)."""
    text = path.read_text()
    for _, row in table.iterrows():
        expected = line(row)
        assert expected in text, expected


def reader_scores(cell: str, suffix: str = "", seed: int = 0, reader: str = "known-motif scan",
                  path: Path | None = None):  # fmt: skip
    """``(validation AUPR, held-out AUPR)`` of one reader in a committed learnability run
    (by default docs/benchmark-runs/learnability/<cell>-seed<seed><suffix>.md)."""
    if path is None:
        path = DOCS / "benchmark-runs" / "learnability" / f"{cell}-seed{seed}{suffix}.md"
    line = next(x for x in path.read_text().splitlines() if x.startswith(f"| {reader} |"))
    cells = line.split("|")
    return float(cells[2]), float(cells[4])


def reader_aupr(cell: str, suffix: str = "", seed: int = 0) -> float:
    """Held-out AUPR of the known-motif scan reader in a committed learnability run."""
    return reader_scores(cell, suffix, seed)[1]


def mean_se(differences) -> str:
    """Mean +- standard error of paired differences, as docs/BENCHMARK.md writes them."""
    mean, error, _, _ = summarise_differences(list(differences))
    return f"{mean:+.3f} +- {error:.3f}"


def paired(differences) -> str:
    """:func:`mean_se` and how many are above zero: ``+0.004 +- 0.001 (higher on 8 of 9)``."""
    differences = list(differences)
    higher = sum(d > 0 for d in differences)
    return f"{mean_se(differences)} (higher on {higher} of {len(differences)})"


def fit_summary(run: Path, cell: str, seed: int = 1, row: str = "task_only") -> dict:
    """The ``summary.json`` of one committed sequence fit: the fit held out on ``cell`` at
    ``seed`` in the run folder ``run`` (its ``fits/`` named as the benchmark names them)."""
    return json.loads(
        (run / "fits" / sequence_fit_name(row, cell, seed) / "summary.json").read_text()
    )


def committed_sequence_fit(run: Path, cell: str, parts=()):
    """``(task-loss results row, training history, fit summary, command)`` of the committed
    sequence run folder ``run`` held out on ``cell`` at seed 1, after checking its command
    has every one of ``parts``."""
    command = json.loads((run / "run.json").read_text())["command"]
    for part in parts:
        assert part in command, (run.name, part)
    fit = task_only_rows(str(run.relative_to(DOCS / "benchmark-runs"))).loc[cell]
    return fit, pd.read_csv(run / "training_history.csv"), fit_summary(run, cell), command


def fit_metrics(fit: pd.Series, history: pd.DataFrame, summary: dict) -> dict:
    """One committed fit's numbers as the docs' tables give them: held-out AUPR and its
    interval, training AUPR at the last epoch, validation AUPR at the epoch kept."""
    return {"aupr": fit["aupr"], "low": fit["aupr_ci_low"], "high": fit["aupr_ci_high"],
            "train": history["train_aupr"].iloc[-1], "val": summary["val_aupr"]}  # fmt: skip


def paired_fit_row(fit, before) -> dict:
    """:func:`fit_metrics` of one committed fit beside the fit it is compared with (each a
    :func:`committed_sequence_fit` tuple): the other's held-out, training and validation
    AUPR as ``before``, ``before_train``, ``before_val``, and the difference as ``gain``."""
    (row, history, summary, _), (before_row, before_history, before_summary, _) = fit, before
    return {**fit_metrics(row, history, summary), "before": before_row["aupr"],
            "gain": row["aupr"] - before_row["aupr"],
            "before_train": before_history["train_aupr"].iloc[-1],
            "before_val": before_summary["val_aupr"]}  # fmt: skip


def verdict(gains, bar: float = 0.005) -> str:
    """``supported`` where every paired gain is above ``bar`` (the criterion the round-39
    and round-40 hypotheses were written with), else ``refuted``."""
    return "supported" if (pd.Series(list(gains)) > bar).all() else "refuted"


def task_only_rows(run: str) -> pd.DataFrame:
    """The task-loss rows of a committed run (``run``: its folder under
    docs/benchmark-runs), indexed by held-out cell line."""
    results = pd.read_csv(DOCS / "benchmark-runs" / run / "results.csv")
    return results[results["row"] == "task_only"].set_index("held_out")


def task_only_aupr(run: str) -> pd.Series:
    """Held-out AUPR of the task-loss row of a committed run, by cell line."""
    return task_only_rows(run)["aupr"]


def task_only_aupr_of(pattern: str) -> pd.Series:
    """Held-out AUPR of the task-loss rows of every committed run folder under
    docs/benchmark-runs/sequence-transfer matching ``pattern``, by cell line."""
    folders = sorted((DOCS / "benchmark-runs" / "sequence-transfer").glob(pattern))
    assert folders, pattern
    parts = [task_only_aupr(f"sequence-transfer/{folder.name}") for folder in folders]
    series = pd.concat(parts)
    assert series.index.is_unique, pattern
    return series


INITIALISATIONS = {1: ("init11", "init21"), 2: ("init12", "init22")}  # train.seed of H36(b)
SEED0_INITIALISATIONS = ("init10", "init20")  # H42's train.seed values at seed 0


RECOMMENDED_INITIALISATIONS = {0: SEED0_INITIALISATIONS, **INITIALISATIONS}  # by seed


def recommended_fits(seed: int, labels=None) -> list[pd.Series]:
    """The recommended configuration's three fits at ``seed`` (the benchmark's, then the
    initialisations ``labels``, by default :data:`RECOMMENDED_INITIALISATIONS`'s for that
    seed), held-out AUPR by cell line."""
    labels = RECOMMENDED_INITIALISATIONS[seed] if labels is None else labels
    fits = [task_only_aupr(f"sequence-strands/frozen-both-seed{seed}")]
    return fits + [task_only_aupr_of(f"frozen-both-seed{seed}-{label}*") for label in labels]


def three_fits(prefix: str, seed: int, labels) -> list[pd.Series]:
    """A variant's three fits at ``seed``: ``<prefix>-seed<seed>`` (the benchmark's
    initialisation) and ``<prefix>-seed<seed>-<label>`` for each of ``labels``."""
    fits = [task_only_aupr_of(f"{prefix}-seed{seed}")]
    return fits + [task_only_aupr_of(f"{prefix}-seed{seed}-{label}") for label in labels]


def head_forms(name: str = "head-forms", seeds=(1, 2)) -> pd.DataFrame:
    """The committed ``benchmarks/sequence_head_forms.py`` runs ``<name>-seed<S>`` (S in
    ``seeds``) under docs/benchmark-runs/sequence-transfer, one table."""
    folder = DOCS / "benchmark-runs" / "sequence-transfer"
    frames = [pd.read_csv(folder / f"{name}-seed{seed}" / "head_forms.csv") for seed in seeds]
    return pd.concat(frames)
