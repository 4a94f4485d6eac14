"""What each missing chromatin mark costs a feature model (``predict --missing-marks impute``).

For a feature-backbone weights file whose marks are ranks within each cell line (e.g. the
shipped ``prism-energy-chromatin``, or a benchmark fit with ``--normalise rank``) and one or
more feature tables with labels, scores every table with all eight marks, then once per mark
with that mark's three columns (enhancer, promoter, window) removed and imputed as the
middle rank, as a user without that track would get. Prints AUPR and AUROC per table and
condition and the drop from the complete table; nothing is typed, every number is measured.

    python benchmarks/missing_marks.py --weights prism-energy-chromatin \\
        --tables ../shared/data/bengi/features/BENGI.*HiC-Benchmark*.tsv.gz --out missing.md
    python benchmarks/missing_marks.py --weights runs/rank/runs/feat-full-K562-seed0/weights.pt \\
        --tables ../shared/data/targetfinder/features/Whalen.K562.*.tsv.gz
"""

from __future__ import annotations

import argparse
import platform
import shlex
import sys
import time
from pathlib import Path

import pandas as pd
import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))  # learning_curve's table

from learning_curve import markdown  # noqa: E402

from kipoi_prism import predict_pairs  # noqa: E402
from kipoi_prism.config import InferenceConfig  # noqa: E402
from kipoi_prism.io.atomic import write_text  # noqa: E402
from kipoi_prism.io.feature_inputs import MARKS, PLACES, read_feature_table  # noqa: E402
from kipoi_prism.io.progress import progress  # noqa: E402
from kipoi_prism.metrics import aupr, auroc  # noqa: E402

COMPLETE = "none (all 8 marks)"


def mark_costs(weights: str, table: Path, config: InferenceConfig) -> pd.DataFrame:
    """AUPR and AUROC of ``table`` complete and with each mark imputed, one row each."""
    frame = read_feature_table(table, names=True)
    labelled = frame["label"].to_numpy() >= 0
    rows = []
    for missing in [None, *MARKS]:
        scored_frame = frame.copy()
        if missing is not None:
            scored_frame[[f"{missing} ({place})" for place in PLACES]] = float("nan")
        scores = predict_pairs(scored_frame, weights=weights, config=config,
                               impute_missing_marks=missing is not None)  # fmt: skip
        y, p = frame["label"].to_numpy()[labelled], scores["probability"].to_numpy()[labelled]
        rows.append({"table": table.name, "missing": missing or COMPLETE, "pairs": int(len(y)),
                     "aupr": aupr(y, p), "auroc": auroc(y, p)})  # fmt: skip
    out = pd.DataFrame(rows)
    out["aupr_drop"] = out["aupr"].iloc[0] - out["aupr"]
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--weights", required=True, help="rank-recipe feature weights (file or "
                        "shipped name)")  # fmt: skip
    parser.add_argument("--tables", nargs="+", type=Path, required=True,
                        help="labelled feature tables (TargetFinder/BENGI columns)")  # fmt: skip
    parser.add_argument("--threads", type=int, default=1, help="torch threads (default 1)")
    parser.add_argument("--out", type=Path, help="also write the Markdown table here")
    args = parser.parse_args(argv)
    torch.set_num_threads(args.threads)
    started = time.perf_counter()
    config = InferenceConfig(support_size=32, seed=0)
    parts = []
    with progress(True, "missing marks", len(args.tables), "tables") as reporter:
        for table in args.tables:
            parts.append(mark_costs(args.weights, table, config))
            reporter.update(1)
    results = pd.concat(parts, ignore_index=True)
    summary = (results[results["missing"] != COMPLETE].groupby("missing", sort=False)
               [["aupr_drop"]].agg(["mean", "min", "max"]))  # fmt: skip
    summary.columns = ["mean_aupr_drop", "min_aupr_drop", "max_aupr_drop"]
    command = "python benchmarks/missing_marks.py " + " ".join(map(shlex.quote, sys.argv[1:]))
    text = "\n".join([
        f"command: {command}",
        f"machine: {platform.machine()}, {torch.get_num_threads()} torch thread(s); "
        f"wall time {time.perf_counter() - started:.0f} s",
        "",
        markdown(results),
        "",
        "AUPR drop per missing mark over the tables:",
        "",
        markdown(summary.reset_index()),
        "",
    ])  # fmt: skip
    print(text)
    if args.out:
        write_text(args.out, text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
