"""A learning curve in training pairs from benchmark runs that differ only in their size.

Reads ``results.csv`` and ``run.json`` of every directory given (e.g. one run per
``--feature-pairs-per-cell-line``) and prints one Markdown table, smallest training set
first: per (track, row, held-out cell line, seed) the training pairs, epochs run, AUPR with
its 95% bootstrap interval, AUROC, training time and the run's command and wall time.
Nothing is typed: the table is what the runs measured.

    python benchmarks/learning_curve.py results/curve-1500 results/curve-6000 results/all \\
        --row task_only --out learning_curve.md
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from kipoi_prism.io.atomic import write_text  # noqa: E402

COLUMNS = ["track", "row", "held_out", "seed", "train_pairs", "epochs", "aupr", "aupr_ci_low",
           "aupr_ci_high", "auroc", "train_s"]  # fmt: skip


def curve(folders: list[Path], row: str | None = None, held_out: str | None = None) -> pd.DataFrame:
    """The evaluations of ``folders`` (of ``row`` and ``held_out`` only, if given) that
    record their training pairs, with the run they come from, ordered by training pairs."""
    parts = []
    for folder in folders:
        results = pd.read_csv(folder / "results.csv")
        if row is not None:
            results = results[results["row"] == row]
        if held_out is not None:
            results = results[results["held_out"] == held_out]
        results = results[results.get("train_pairs", pd.Series(dtype=float)).notna()]
        meta = json.loads((folder / "run.json").read_text())
        parts.append(results[COLUMNS].assign(run=folder.name, wall_s=meta.get("wall_s")))
    frame = pd.concat(parts, ignore_index=True)
    frame["train_pairs"] = frame["train_pairs"].astype(int)
    return frame.sort_values(["track", "row", "held_out", "seed", "train_pairs"], kind="stable")


def markdown(frame: pd.DataFrame) -> str:
    """``frame`` as a Markdown table (three decimals for metrics, whole seconds)."""
    lines = ["| " + " | ".join(frame.columns) + " |", "|" + "---|" * len(frame.columns)]
    for _, values in frame.iterrows():
        cells = []
        for column, value in values.items():
            if column in ("train_s", "wall_s", "epochs"):
                cells.append(f"{float(value):.0f}")
            elif isinstance(value, float):
                cells.append(f"{value:.3f}")
            else:
                cells.append(str(value))
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("runs", nargs="+", type=Path, help="benchmark results directories")
    parser.add_argument("--row", help="only this row (e.g. task_only)")
    parser.add_argument("--held-out", help="only this held-out cell line (e.g. K562)")
    parser.add_argument("--out", type=Path, help="also write the table here")
    args = parser.parse_args(argv)
    text = markdown(curve(args.runs, args.row, args.held_out))
    print(text, end="")
    if args.out:
        write_text(args.out, text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
