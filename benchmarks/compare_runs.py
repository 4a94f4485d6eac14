"""Two sets of benchmark runs over the same evaluations: a repeat, or one setting against another.

Reads ``results.csv`` from every directory in ``--first`` and ``--second`` (a run stopped
before it finished still has the evaluations it completed), pairs the evaluations present
in both (track, row, held-out cell line, seed) and prints, per metric, the mean and largest
absolute difference; then, per row, the mean signed AUPR difference (second - first) with
its standard error and how often the second is higher. With identical configuration, seed
and thread count a CPU run repeats exactly; the absolute differences measure how far a
repeat moves where it does not (e.g. on a GPU). With one setting changed between the two
sets (e.g. ``--stem-motifs init`` against ``frozen``) the signed ones measure what it does.
``--across-tracks`` pairs evaluations by row, held-out name and seed whatever their track: a
BENGI table scored by TargetFinder -> BENGI fits (``features-bengi``) and by fits trained on
the other BENGI cell lines (``--feature-source bengi``: ``features``).

    python benchmarks/compare_runs.py --first results/a/* --second results/b/* --out repeats.csv
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from kipoi_prism.benchmark.report import summarise_differences  # noqa: E402
from kipoi_prism.benchmark.run import EVALUATION_KEY as KEY  # noqa: E402
from kipoi_prism.io.atomic import atomic_open  # noqa: E402

METRICS = ["aupr", "auroc", "f1", "brier"]


def read_results(folders: list[Path]) -> pd.DataFrame:
    """Every evaluation in ``folders``' ``results.csv`` files; an evaluation twice is an error."""
    frames = []
    for folder in folders:
        path = folder / "results.csv"
        if not path.is_file():
            continue
        frame = pd.read_csv(path)
        if len(frame):
            frames.append(frame.assign(source=str(folder)))
    if not frames:
        return pd.DataFrame(columns=[*KEY, *METRICS, "source"])
    table = pd.concat(frames, ignore_index=True)
    repeated = table[table.duplicated(KEY, keep=False)]
    if len(repeated):
        first = repeated.iloc[0]
        raise ValueError(f"evaluation {tuple(first[KEY])} appears twice in one set of runs")
    return table


def compare(first: pd.DataFrame, second: pd.DataFrame, across_tracks: bool = False) -> pd.DataFrame:
    """One row per evaluation in both sets: each set's metrics and their difference
    (``across_tracks``: evaluations paired whatever their track; the tracks kept as
    ``track_first`` and ``track_second``)."""
    key = [k for k in KEY if k != "track"] if across_tracks else list(KEY)
    both = first[[*KEY, *METRICS]].merge(
        second[[*KEY, *METRICS]], on=key, suffixes=("_first", "_second")
    )
    for metric in METRICS:
        both[f"{metric}_diff"] = both[f"{metric}_second"] - both[f"{metric}_first"]
    return both.sort_values(key).reset_index(drop=True)


def shift_by_row(paired: pd.DataFrame, metric: str = "aupr") -> pd.DataFrame:
    """Per row: mean signed difference (second - first), its standard error (NaN for one
    evaluation), how many evaluations the second set scored higher, and how many there are."""
    return pd.DataFrame.from_dict(
        {row: summarise_differences(rows[f"{metric}_diff"]) for row, rows in paired.groupby("row")},
        orient="index",
        columns=["mean", "se", "higher", "n"],
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--first", type=Path, nargs="+", required=True)
    parser.add_argument("--second", type=Path, nargs="+", required=True)
    parser.add_argument("--out", type=Path, help="write the paired table here (CSV)")
    parser.add_argument("--across-tracks", action="store_true",
                        help="pair by row, held-out name and seed whatever the track")  # fmt: skip
    args = parser.parse_args(argv)
    try:
        paired = compare(read_results(args.first), read_results(args.second), args.across_tracks)
    except ValueError as error:
        parser.error(str(error))
    if paired.empty:
        print("no evaluation is present in both sets of runs", file=sys.stderr)
        return 1
    rows = ", ".join(sorted(paired["row"].unique()))
    print(f"{len(paired)} evaluation(s) measured twice (rows: {rows})")
    for metric in METRICS:
        diff = paired[f"{metric}_diff"].abs()
        identical = int((diff == 0).sum())
        print(f"  {metric:6s} mean |diff| {diff.mean():.4f}  max {diff.max():.4f}  "
              f"identical {identical}/{len(paired)}")  # fmt: skip
    print("aupr, second - first, per row:")
    for row, shift in shift_by_row(paired).iterrows():
        print(f"  {row:16s} {shift['mean']:+.4f} +- {shift['se']:.4f}  "
              f"second higher in {int(shift['higher'])} of {int(shift['n'])}")  # fmt: skip
    if args.out:
        with atomic_open(args.out) as out:
            paired.to_csv(out, index=False)
        print(f"written: {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
