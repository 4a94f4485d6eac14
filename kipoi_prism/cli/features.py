"""``kipoi-prism features``: chromatin features of pairs from the user's own tracks.

Examples::

    kipoi-prism features --pairs pairs.bedpe --track DNase=dnase.bw \\
        --track H3K27ac=h3k27ac.narrowPeak --cell-line HepG2 --out features.tsv.gz
    kipoi-prism features --enhancers peaks.bed --promoters tss.bed --max-distance 1000000 \\
        --cell-line HepG2 --track DNase=dnase.bw --out features.tsv

Writes the TargetFinder feature table (label, enh_name, prom_name, celltype, chrom,
enhancer_distance_to_promoter and 24 ``<MARK> (<place>)`` columns) that the benchmark's
feature track reads; see :mod:`kipoi_prism.io.feature_table` for each column and
:mod:`kipoi_prism.io.chromatin` for the track formats.
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import time

from kipoi_prism.cli.pairs import candidate_source_from
from kipoi_prism.cli.scoring import add_source_arguments, build_source
from kipoi_prism.errors import PrismInputError
from kipoi_prism.io.feature_table import MARKS

log = logging.getLogger(__name__)


def add_parser(subparsers) -> argparse.ArgumentParser:
    """Register ``features`` and its options."""
    parser = subparsers.add_parser(
        "features",
        help="chromatin features of pairs from bigWig / narrowPeak tracks",
        description="Chromatin features of enhancer-promoter pairs from your own tracks, as a "
        "TargetFinder feature table: for each mark the mean signal per bp over the enhancer, "
        "the promoter and the window between them (bases without signal count as 0; an empty "
        "window is 0), and the distance between the region centres. Rows in input order. "
        "Marks without a --track are still written, as NaN columns (logged); what a model "
        "does with them is the model's business. With --pairs, --cell-line replaces the "
        "pairs' own cell line in the table.",
    )
    add_source_arguments(parser)
    parser.add_argument(
        "--track",
        action="append",
        required=True,
        metavar="MARK=PATH",
        help=f"a signal track: MARK one of {', '.join(MARKS)} (any case); PATH a bigWig "
        "(.bw, .bigWig) or peaks (.narrowPeak, .broadPeak, .bed; .gz accepted; signalValue "
        "in column 7). Repeat for each mark.",
    )
    parser.add_argument(
        "-o",
        "--out",
        required=True,
        metavar="TABLE",
        help="output table: tab-separated, or comma-separated for a name with .csv; a .gz "
        "name is compressed; written atomically",
    )
    parser.set_defaults(run=run)
    return parser


def pair_chunks(args: argparse.Namespace, stack: contextlib.ExitStack):
    """``(chunks, name, total)``: the pairs the options give, what messages call them, and
    their count where known (candidates), as ``kipoi-prism predict`` reads them."""
    candidates = candidate_source_from(args)
    if candidates is not None:
        return candidates.chunks(), candidates.name, candidates.count()
    if args.pairs is not None and args.pairs != "-":
        from kipoi_prism.io.pairs import iter_pairs  # a file: one pass, no torch needed

        return iter_pairs(args.pairs, args.format), args.pairs, None
    source = build_source(args, stack)  # standard input, or the "no pairs given" error
    return source.chunks(), source.name, None


def run(args: argparse.Namespace) -> int:
    """Open the tracks, stream the pairs, write the table; returns the exit status."""
    from kipoi_prism.io.chromatin import open_tracks
    from kipoi_prism.io.feature_table import ChromatinFeatures, track_paths, write_feature_table
    from kipoi_prism.io.progress import counted, progress

    paths = track_paths(args.track)
    cell_line = None
    if args.pairs is not None:  # --cell-line names the pairs' cell line, not candidates
        cell_line, args.cell_line = args.cell_line, None
    if cell_line is not None and (not cell_line.strip() or cell_line == "."):
        raise PrismInputError(f"--cell-line: expected a cell-line name, got {cell_line!r}")
    began = time.perf_counter()
    with contextlib.ExitStack() as stack:
        tracks = open_tracks(paths, stack)
        for mark, track in tracks.items():
            log.info("%s: %r", mark, track)
        chunks, name, total = pair_chunks(args, stack)
        features = ChromatinFeatures(tracks, name, cell_line)
        with progress(not args.quiet, "chromatin features", total) as reporter:
            rows = write_feature_table(counted(chunks, reporter), features, args.out)
    _report(features, paths, rows, time.perf_counter() - began, args.out)
    return 0


def _report(features, paths, rows: int, seconds: float, out: str) -> None:
    absent = [mark for mark in MARKS if mark not in paths]
    if absent:
        log.warning("no track for %s: their %d columns are NaN", ", ".join(absent), 3 * len(absent))
    features.warn_coverage()
    if rows == 0:
        log.warning("no pairs: wrote the header only to %s", out)
    else:
        log.info("chromatin features of %d pairs in %.1f s to %s", rows, seconds, out)
