"""``kipoi-prism report RUN_DIR``: training curves and the SPEC's success signs.

Example::

    kipoi-prism report runs/prism-energy            # writes runs/prism-energy/report.png

Draws the monitored curves of a run folder into a PNG and prints, for the epoch whose
weights were exported (best validation AUPR), each success sign the design note names with
its measured value (:mod:`kipoi_prism.training.report`).
"""

from __future__ import annotations

import argparse
from pathlib import Path


def add_parser(subparsers) -> argparse.ArgumentParser:
    """Register ``report`` and its options."""
    parser = subparsers.add_parser(
        "report",
        help="plot a training run and check the success signs",
        description="Draw a run's training curves (PNG) and print the design note's success "
        "signs with the values measured at the exported (best) epoch.",
    )
    parser.add_argument("run_dir", metavar="RUN_DIR", help="run folder of `kipoi-prism train`")
    parser.add_argument("--out", metavar="PNG", help="figure path (default RUN_DIR/report.png)")
    parser.set_defaults(run=run)
    return parser


def run(args: argparse.Namespace) -> int:
    """Draw the figure, print the signs at the best epoch; returns the exit status."""
    from kipoi_prism.training import report

    history = report.read_history(args.run_dir)
    out = Path(args.out) if args.out else Path(args.run_dir) / "report.png"
    marks = report.figure_marks(history, report.read_summary(args.run_dir))
    report.draw(history, out, marks)
    row = report.best_epoch(history)
    print(report.format_signs(report.success_signs(row), row))
    print(marks.title())
    print(f"figure: {out}")
    return 0
