"""``kipoi-prism evaluate --scores S``: AUPR, AUROC, F1, Brier of scored, labelled pairs.

Example::

    kipoi-prism predict --pairs labelled.bedpe --fasta hg38.fa --out scores.tsv
    kipoi-prism evaluate --scores scores.tsv --plot pr.png --out metrics.tsv

Prints one row per cell line and a pooled row (library: :mod:`kipoi_prism.evaluation`).
"""

from __future__ import annotations

import argparse
import logging
import sys

log = logging.getLogger(__name__)


def add_parser(subparsers) -> argparse.ArgumentParser:
    """Register ``evaluate`` and its options."""
    parser = subparsers.add_parser(
        "evaluate",
        help="metrics of scored, labelled pairs, per cell line and pooled",
        description="AUPR, AUROC, F1/precision/recall of the calls and Brier score of a "
        "`kipoi-prism predict` output (.tsv or .h5) with labels, per cell line and pooled.",
    )
    parser.add_argument("--scores", required=True, metavar="FILE", help="predict's .tsv or .h5")
    parser.add_argument(
        "--threshold", type=float, metavar="P",
        help="call pairs with probability >= P (default: the table's own call column)",
    )  # fmt: skip
    parser.add_argument("--out", metavar="TSV", help="also write the metrics table here")
    parser.add_argument("--plot", metavar="PNG", help="draw the precision-recall curves here")
    parser.set_defaults(run=run)
    return parser


def run(args: argparse.Namespace) -> int:
    from kipoi_prism.evaluation import evaluate, plot_pr_curves, read_scores
    from kipoi_prism.io.atomic import write_text

    scores = read_scores(args.scores)
    skipped = int((scores["label"] < 0).sum())
    if skipped:
        log.warning("%s: %d unlabelled pair(s) skipped", args.scores, skipped)
    table = evaluate(scores, args.threshold)
    text = table.to_csv(sep="\t", index=False, float_format="%.4g", lineterminator="\n")
    sys.stdout.write(text)
    if args.out:
        write_text(args.out, text)
        log.info("wrote the metrics to %s", args.out)
    if args.plot:
        log.info("wrote the precision-recall curves to %s", plot_pr_curves(scores, args.plot))
    return 0
