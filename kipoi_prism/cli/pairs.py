"""``kipoi-prism pairs``: candidate enhancer-promoter pairs from two BED files.

Example::

    kipoi-prism pairs --enhancers peaks.bed --promoters tss.bed --max-distance 1000000 \\
        --cell-line K562 --out candidates.bedpe

Writes the canonical BEDPE (:mod:`kipoi_prism.io.pairs`) with a ``distance`` column and a ``#``
header line, atomically, or to standard output when ``--out`` is omitted (or ``-``), as
bedtools does, so ``kipoi-prism pairs ... | kipoi-prism predict --pairs - ...`` works; see
:mod:`kipoi_prism.io.candidates` for the distance, the order and the memory use. The same
options on ``kipoi-prism predict`` score the candidates without writing them first.
"""

from __future__ import annotations

import argparse
import logging
import time

from kipoi_prism.errors import PrismInputError
from kipoi_prism.io.candidates import CandidatePairSource
from kipoi_prism.io.shards import parse_shard

log = logging.getLogger(__name__)

CANDIDATE_OPTIONS = ("enhancers", "promoters", "max_distance", "cell_line")


def add_candidate_arguments(parser: argparse.ArgumentParser, required: bool) -> None:
    """The options that describe a candidate set (shared with ``kipoi-prism predict``).

    Parameters
    ----------
    parser : argparse.ArgumentParser
    required : bool
        Mark ``--enhancers``, ``--promoters``, ``--max-distance`` and ``--cell-line``
        required (``pairs``); otherwise :func:`candidate_source` checks that they come
        together.
    """
    group = parser.add_argument_group("candidate pairs from BED files")
    group.add_argument(
        "--enhancers",
        metavar="BED",
        required=required,
        help="enhancer regions (BED3+; names from column 4, else chrom:start-end)",
    )
    group.add_argument(
        "--promoters", metavar="BED", required=required, help="promoter or TSS regions (BED3+)"
    )
    group.add_argument(
        "--max-distance",
        metavar="BP",
        type=int,
        required=required,
        help="largest distance between enhancer and promoter centres, bp (inclusive)",
    )
    group.add_argument(
        "--min-distance",
        metavar="BP",
        type=int,
        default=0,
        help="smallest distance between the centres, bp (inclusive; default: 0)",
    )
    group.add_argument(
        "--cell-line", required=required, help="cell line written on every candidate pair"
    )


def add_shard_argument(parser: argparse.ArgumentParser) -> None:
    """``--shard K/N`` (``pairs`` and ``predict``; :mod:`kipoi_prism.io.shards`)."""
    parser.add_argument(
        "--shard",
        metavar="K/N",
        help="keep only shard K of N (1 <= K <= N): the pairs whose name hashes to K; the N "
        "shards partition the pairs whatever their order: together their outputs hold "
        "exactly the unsharded rows (for predict: with --environment files)",
    )


def candidate_source(args: argparse.Namespace) -> CandidatePairSource:
    """The :class:`CandidatePairSource` the options describe.

    Chromosomes are checked against ``args.fasta`` (and follow its order) when given.

    Raises
    ------
    PrismInputError
        When one of the candidate options is missing.
    """
    missing = [name for name in CANDIDATE_OPTIONS if getattr(args, name, None) is None]
    if missing:
        options = ", ".join("--" + name.replace("_", "-") for name in missing)
        raise PrismInputError(f"candidate pairs from BED files also need {options}")
    genome = None
    if getattr(args, "fasta", None):
        from kipoi_prism.io.genome import Genome

        genome = Genome(args.fasta)
    source = CandidatePairSource(
        args.enhancers,
        args.promoters,
        args.cell_line,
        args.max_distance,
        args.min_distance,
        genome=genome,
    )
    log.info(
        "%d enhancers, %d promoters, distance %d-%d bp",
        len(source.enhancers),
        len(source.promoters),
        args.min_distance,
        args.max_distance,
    )
    return source


def add_parser(subparsers) -> argparse.ArgumentParser:
    """Register ``pairs`` on the ``kipoi-prism`` subcommand parsers."""
    parser = subparsers.add_parser(
        "pairs",
        help="list candidate enhancer-promoter pairs within a distance",
        description="Every same-chromosome enhancer-promoter pair whose region centres lie "
        "--min-distance..--max-distance bp apart, as canonical BEDPE with a distance column. "
        "Without --out (or with --out -) the table goes to stdout, e.g. to pipe into "
        "kipoi-prism predict --pairs -; logs always go to stderr.",
    )
    add_candidate_arguments(parser, required=True)
    parser.add_argument(
        "--fasta",
        metavar="FASTA",
        help="check chromosomes against this genome and follow its order "
        "(default: natural chromosome order, no check)",
    )
    parser.add_argument(
        "-o",
        "--out",
        default="-",
        metavar="BEDPE",
        help="output file (a '.gz' name is compressed; default, or '-': standard output)",
    )
    add_shard_argument(parser)
    parser.set_defaults(run=run)
    return parser


def run(args: argparse.Namespace) -> int:
    """Generate and write the candidates; returns the exit status."""
    from kipoi_prism.io.progress import counted, progress
    from kipoi_prism.io.tracks import silence_stdout, write_pair_table

    shard = parse_shard(args.shard)
    source = candidate_source(args)
    if shard is None:
        chunks, total = source.chunks(), source.count()
    else:  # the shard's count is known only once swept: not counted first
        chunks, total = shard.chunks(source.chunks()), None
    began = time.perf_counter()
    try:
        with progress(not args.quiet, "candidate pairs", total) as reporter:
            rows = write_pair_table(counted(chunks, reporter), args.out, ["distance"])
    except BrokenPipeError:
        silence_stdout()
        log.info("the reader of standard output stopped early; stopping")
        return 0
    seconds = time.perf_counter() - began
    where = "standard output" if args.out == "-" else args.out
    if rows == 0 and shard is not None:
        log.warning("shard %s: no candidate pair falls in it; wrote the header only to %s",
                    shard, where)  # fmt: skip
    elif rows == 0:
        log.warning(
            "no candidate pairs: no enhancer and promoter on one chromosome lie %d-%d bp "
            "apart; wrote the header only to %s",
            args.min_distance,
            args.max_distance,
            where,
        )
    else:
        log.info("%d candidate pairs in %.1f s to %s", rows, seconds, where)
    return 0


def candidate_source_from(args: argparse.Namespace) -> CandidatePairSource | None:
    """For ``kipoi-prism predict``: the candidate source the options give, or ``None``.

    Raises
    ------
    PrismInputError
        Candidate options together with ``--pairs``, or some of them missing.
    """
    if all(getattr(args, name, None) is None for name in CANDIDATE_OPTIONS):
        return None
    if getattr(args, "pairs", None) is not None:
        raise PrismInputError(
            "give either --pairs or --enhancers/--promoters/--max-distance/--cell-line, not both"
        )
    return candidate_source(args)


def is_empty_candidate_set(source) -> bool:
    """Whether ``source`` is a candidate set with no pairs (counted without building any)."""
    return isinstance(source, CandidatePairSource) and source.count() == 0


def write_empty_scores(path: str) -> int:
    """Header-only prediction output for an empty candidate set; returns exit status 0."""
    from kipoi_prism.io.writers import write_empty

    write_empty(path)
    log.warning("no candidate pairs within the distance: nothing to score; wrote the header only")
    return 0
