"""Where the count encoder's learned site thresholds end, in a benchmark run's fits.

The count encoder (``model.encoder: counts``) counts a filter's sites above a learned
fraction of the filter's best score, starting at 0.75 (the known-motif scan reader's fixed
rule). Before freezing the thresholds (``train.freeze_thresholds``) to see whether
learning them costs transfer, this script measures how far they move: for every
``runs/*/weights.pt`` under the given benchmark output folders, per element encoder, the
smallest, median and largest fraction and how many filters ended more than ``--moved``
from 0.75.

Prints and writes (``--out``: ``site_thresholds.csv``, ``site_thresholds.md``,
``run.json`` with the command, commit and wall time) one row per fit and element.

    python benchmarks/site_thresholds.py RUN [RUN ...] --out results/site-thresholds
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import pandas as pd
import torch

REPOSITORY = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPOSITORY / "benchmarks"))

from run_record import command_line, write_run  # noqa: E402

from kipoi_prism.benchmark.harness import git_commit  # noqa: E402
from kipoi_prism.errors import PrismInputError  # noqa: E402
from kipoi_prism.model.elements import CountEncoder  # noqa: E402
from kipoi_prism.model.weights import load_weights  # noqa: E402

START = CountEncoder.START_FRACTION  # 0.75, where every threshold starts
ELEMENTS = ("enhancer", "promoter")


def threshold_fractions(weights: Path) -> dict[str, torch.Tensor]:
    """Each element encoder's site-threshold fractions ``sigmoid(threshold_logit)``."""
    backbone = load_weights(weights).model.backbone
    fractions = {}
    for element in ELEMENTS:
        encoder = getattr(backbone, f"{element}_encoder")
        if not isinstance(encoder, CountEncoder):
            raise PrismInputError(f"{weights}: the {element} encoder is not the count encoder")
        fractions[element] = torch.sigmoid(encoder.threshold_logit.detach())
    return fractions


def summarise(runs: list[Path], moved: float) -> pd.DataFrame:
    """One row per fit (``runs/<fit>/weights.pt`` of each run folder) and element."""
    rows = []
    for run in runs:
        fits = sorted(run.glob("runs/*/weights.pt"))
        if not fits:
            raise PrismInputError(f"{run}: no runs/*/weights.pt (not a benchmark output folder)")
        for weights in fits:
            for element, fraction in threshold_fractions(weights).items():
                rows.append({
                    "run": run.name, "fit": weights.parent.name, "element": element,
                    "filters": len(fraction), "min": float(fraction.min()),
                    "median": float(fraction.median()), "max": float(fraction.max()),
                    "moved": int(((fraction - START).abs() > moved).sum()),
                })  # fmt: skip
    return pd.DataFrame(rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("runs", nargs="+", type=Path, help="benchmark output folders")
    parser.add_argument("--moved", type=float, default=0.05,
                        help="a filter moved if its fraction ends this far from 0.75")  # fmt: skip
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    started = time.time()
    table = summarise(args.runs, args.moved)
    markdown = (
        table.to_markdown(index=False, floatfmt=".3f")
        + f"\n\nOver {len(table)} encoders: fractions {table['min'].min():.3f} to "
        f"{table['max'].max():.3f} (start {START}); filters moved more than {args.moved}: "
        f"{int(table['moved'].sum())} of {int(table['filters'].sum())}"
    )
    write_run(args.out, "site_thresholds", table, markdown,
              command_line("benchmarks/site_thresholds.py", argv), git_commit(REPOSITORY),
              round(time.time() - started, 1))  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
