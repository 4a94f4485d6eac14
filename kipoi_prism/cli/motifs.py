"""``kipoi-prism motifs``: motifs found in a pair table's own windows, without labels.

Example::

    kipoi-prism motifs --pairs candidates.bedpe --fasta hg38.fa --out found.meme
    kipoi-prism train --set data.pairs=labelled.bedpe --set data.genome=hg38.fa \\
        --set train.stem_motifs=found.meme --set train.freeze_stem=true --out runs/mine

For a genome or cell types without a motif collection you trust: the words over-represented
in the distinct enhancer and promoter windows against an order-4 Markov chain of the same
windows, as frequency matrices (:mod:`kipoi_prism.training.motif_discovery`; labels, if the
table has them, are not read; lower-case, soft-masked bases are left out unless
``--keep-soft-masked``). Writes MEME, atomically to ``--out`` or to standard output.
On the simulated benchmark a first layer frozen at such motifs is measured against one
frozen at the true motifs (docs/BENCHMARK.md, "Motifs found in the regions").
"""

from __future__ import annotations

import argparse
import logging
import sys

from kipoi_prism.errors import PrismInputError

log = logging.getLogger(__name__)


def add_parser(subparsers) -> argparse.ArgumentParser:
    """Register ``motifs`` and its options."""
    from kipoi_prism.config import ModelConfig
    from kipoi_prism.training.motif_discovery import DiscoveryConfig

    model, discovery = ModelConfig(), DiscoveryConfig()
    parser = subparsers.add_parser(
        "motifs",
        help="motifs over-represented in a pair table's windows (no labels), as MEME",
        description="Find motifs in the distinct enhancer and promoter windows of a pair "
        "table against an order-4 Markov chain of the same windows (no labels used); write "
        "them as MEME for train.stem_motifs.",
    )
    parser.add_argument(
        "--pairs",
        required=True,
        metavar="FILE",
        help="pair table (BEDPE, TargetFinder CSV, BENGI TSV)",
    )
    parser.add_argument("--fasta", required=True, metavar="FASTA", help="the genome it refers to")
    parser.add_argument("--out", metavar="MEME", help="write here (default: standard output)")
    parser.add_argument(
        "--cell-line",
        action="append",
        default=[],
        metavar="NAME",
        help="only this cell line's pairs (repeatable; default: every pair)",
    )
    parser.add_argument(
        "--enhancer-length",
        type=int,
        default=model.enhancer_length,
        metavar="BP",
        help="enhancer window (default: %(default)s, the model's)",
    )
    parser.add_argument(
        "--promoter-length",
        type=int,
        default=model.promoter_length,
        metavar="BP",
        help="promoter window (default: %(default)s, the model's)",
    )
    parser.add_argument(
        "--by-cell-line",
        action="store_true",
        help="search each cell line's windows apart and keep every cell line's motifs (ids "
        "CELL_enhancer_i): relatives of one family used by different cell lines keep a "
        "matrix each",
    )
    parser.add_argument(
        "--merge-similar",
        type=float,
        default=discovery.merge_similarity,
        metavar="R",
        help="leave out a motif whose matrix matches an earlier one at mean column r >= R "
        "(best strand and shift), e.g. a factor found again in another cell line with "
        "--by-cell-line (0: keep all; default: %(default)s)",
    )
    parser.add_argument(
        "--n-motifs",
        type=int,
        default=discovery.n_motifs,
        metavar="N",
        help="at most N motifs per element (default: %(default)s)",
    )
    parser.add_argument(
        "--k", type=int, default=discovery.k, help="word length, 4-10 (default: %(default)s)"
    )
    parser.add_argument(
        "--keep-soft-masked",
        action="store_true",
        help="search lower-case (soft-masked) bases too; by default they are read as N, "
        "so repeats that a UCSC or Ensembl FASTA marks in lower case do not stand out",
    )
    parser.set_defaults(run=run)
    return parser


def run(args: argparse.Namespace) -> int:
    from kipoi_prism.io.encode import PairEncoder
    from kipoi_prism.io.genome import Genome
    from kipoi_prism.io.motifs import meme_text, write_meme
    from kipoi_prism.io.pairs import read_pairs
    from kipoi_prism.training.motif_discovery import DiscoveryConfig, discover_in_pairs

    try:
        config = DiscoveryConfig(
            k=args.k, n_motifs=args.n_motifs, merge_similarity=args.merge_similar,
            soft_masked_as_n=not args.keep_soft_masked,
        )  # fmt: skip
        encoder = PairEncoder(Genome(args.fasta), args.enhancer_length, args.promoter_length)
    except ValueError as error:
        raise PrismInputError(str(error)) from None
    frame = read_pairs(args.pairs)
    if args.cell_line:
        missing = sorted(set(args.cell_line) - set(frame["cell_line"]))
        if missing:
            raise PrismInputError(
                f"--cell-line {', '.join(missing)}: no such pairs; the table "
                f"has {', '.join(sorted(set(frame['cell_line'])))}",
                args.pairs,
            )
        frame = frame[frame["cell_line"].isin(args.cell_line)]
    encoder.validate(frame, args.pairs)
    motifs = discover_in_pairs(frame, encoder, config, by_cell_line=args.by_cell_line)
    if not motifs:
        raise PrismInputError(
            f"no word over-represented with z >= {config.min_z} in the windows of "
            f"{len(frame)} pairs (too few windows, or no motif signal)",
            args.pairs,
        )
    log.info("%d motifs: %s", len(motifs), ", ".join(m.name for m in motifs))
    if args.out and args.out != "-":
        write_meme(args.out, motifs)
        log.info("wrote %s", args.out)
    else:
        sys.stdout.write(meme_text(motifs))
    return 0
