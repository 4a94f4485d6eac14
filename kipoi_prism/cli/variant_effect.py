"""``kipoi-prism variant-effect``: how variants change enhancer-promoter scores.

Example::

    kipoi-prism variant-effect --vcf variants.vcf.gz --pairs example/pairs.bedpe \\
        --fasta example/genome.fa --out effects.tsv

Every variant overlapping a pair's enhancer or promoter window is scored against that pair
twice, reference and alternative allele, with the pair's cell-line environment ``z_E``
taken from *reference* sequence (the support set of the input's reference pairs, as
``predict`` draws it, or ``--environment`` files). Details: :mod:`kipoi_prism.inference.variants`
(scoring), :mod:`kipoi_prism.io.alleles` (how indels keep the window's width and centre),
:mod:`kipoi_prism.io.vcf` (reading; multi-allelic records split, symbolic ALTs skipped).

Outputs, by the suffix of ``--out``:

``.tsv``
    One row per (variant, overlapping pair): variants in VCF order, then pairs in input
    order. Columns: ``chrom``, ``pos`` (the VCF's 1-based POS), ``id``, ``ref``, ``alt``
    (one ALT allele per row), ``vcf_line`` (the record's line in the VCF), ``pair`` (the
    pair's name), ``cell_line``, ``pair_line`` (its line in the pair table), ``element``
    (the window the variant overlaps: ``enhancer``, ``promoter`` or ``both``),
    ``ref_mismatch`` (1 where REF differs from the FASTA and ``--ref-mismatch flag``: no
    scores), then ``ref_``, ``alt_`` and ``delta_`` (alt - ref) of ``probability``,
    ``logit`` and ``U_I`` (the interaction energy).
``.vcf`` / ``.vcf.gz``
    The input VCF, every record kept, with INFO fields on records that hit a window; one
    value per (ALT allele, pair), in the TSV's order: ``PRISM_ALT`` (the allele),
    ``PRISM_PAIR``, ``PRISM_CELL``, ``PRISM_ELEMENT``, ``PRISM_DP`` (delta probability),
    ``PRISM_DL`` (delta logit), ``PRISM_DU`` (delta U_I); ``.`` for flagged mismatches.
"""

from __future__ import annotations

import argparse
import contextlib
import logging

from kipoi_prism.cli.scoring import (
    DEFAULTS,
    add_engine_arguments,
    add_environment_argument,
    add_source_arguments,
    build_source,
    engine_device,
    environment_files,
    log_environments,
    make_predictor,
    positive_int,
    weights_path,
)
from kipoi_prism.errors import PrismInputError

log = logging.getLogger("kipoi_prism.inference")
SUFFIXES = (".tsv", ".vcf", ".vcf.gz")


def add_parser(subparsers) -> argparse.ArgumentParser:
    """Register ``variant-effect`` and its options."""
    parser = subparsers.add_parser(
        "variant-effect",
        help="score how variants change enhancer-promoter pairs",
        description="For every VCF variant overlapping a pair's enhancer or promoter window: "
        "the reference and alternative probability, logit and U_I, and their differences. "
        "Indels are applied to the genome and the window rebuilt around the same centre with "
        "the same width; multi-allelic records are split; symbolic ALTs are skipped. Each "
        "cell line's environment comes from reference sequence (a support set of its "
        "reference pairs, as predict draws it, or --environment). Sequence weights only.",
    )
    parser.add_argument("--vcf", required=True, help="variants: .vcf or bgzipped .vcf.gz")
    add_source_arguments(parser)
    parser.add_argument("--fasta", required=True, help="genome FASTA the VCF was called on")
    parser.add_argument(
        "-o",
        "--out",
        required=True,
        help="output: .tsv (one row per variant x pair) or .vcf/.vcf.gz (the input VCF with "
        "PRISM_* INFO fields); written atomically",
    )
    parser.add_argument("--weights", help="sequence weights file (default: prism-energy)")
    add_environment_argument(parser)
    parser.add_argument(
        "--ref-mismatch",
        choices=("error", "flag"),
        default="error",
        help="a REF allele unlike the FASTA: stop with an error (default), or write the "
        "variant's rows with ref_mismatch=1 and no scores",
    )
    parser.add_argument(
        "--batch-size",
        type=positive_int,
        default=DEFAULTS.batch_size,
        help="windows per model call (default %(default)s)",
    )
    add_engine_arguments(parser)
    parser.set_defaults(run=run)
    return parser


def check_output(path: str) -> None:
    """Refuse an output suffix other than :data:`SUFFIXES`."""
    if not str(path).endswith(SUFFIXES):
        raise PrismInputError(f"--out: expected a name ending in {', '.join(SUFFIXES)}", path)


def run(args: argparse.Namespace) -> int:
    """Read pairs and weights, draw environments, score the variants, write; exit status."""
    from kipoi_prism.allocator import reuse_freed_memory
    from kipoi_prism.inference.environments import as_tensors
    from kipoi_prism.inference.variants import check_sequence_weights, prepare
    from kipoi_prism.io.genome import Genome
    from kipoi_prism.io.vcf import VcfCounts, iter_variants, open_vcf
    from kipoi_prism.model.weights import load_weights

    check_output(args.out)
    open_vcf(args.vcf).close()  # a missing or non-VCF file fails before any scoring
    reuse_freed_memory()  # batch buffers reused, not faulted in again (kipoi_prism.allocator)
    device = engine_device(args)
    bundle = load_weights(weights_path(args.weights), map_location=device)
    check_sequence_weights(bundle)
    predictor = make_predictor(args, bundle, Genome(args.fasta), device, batch_size=args.batch_size)
    with contextlib.ExitStack() as stack:
        source = build_source(args, stack)
        environments = environment_files(args.environment, predictor)
        scorer, result = prepare(
            predictor, source, as_tensors(environments), args.ref_mismatch, args.vcf
        )
    log_environments(result, environments)
    drawn = [cell for cell in result.counts if cell not in environments]
    if drawn:
        log.info("environment z_E of %s: from reference sequence (support sets of the "
                 "reference pairs; variants do not change it)", ", ".join(drawn))  # fmt: skip
    log.info("indexed %d pairs' enhancer and promoter windows", len(scorer.pairs))
    counts = VcfCounts()
    rows = scorer.score(iter_variants(args.vcf, counts), not args.quiet)
    if args.out.endswith(".tsv"):
        _write_tsv(args.out, rows)
    else:
        _write_vcf(args.vcf, args.out, rows, predictor.encoder.genome.chrom_sizes)
    log.info("read %s", counts.describe())
    effects = scorer.counts
    log.info("%d variant(s) in no pair's window (no row)", effects.outside)
    if effects.mismatched:
        log.warning("%d variant(s) with a REF unlike the FASTA: flagged rows, no scores",
                    effects.mismatched)  # fmt: skip
    log.info("wrote %d variant x pair row(s) for %d variant(s) to %s", effects.rows,
             effects.variants - effects.outside, args.out)  # fmt: skip
    return 0


def _write_tsv(path: str, frames) -> None:
    from kipoi_prism.inference.variants import EFFECT_COLUMNS
    from kipoi_prism.io.atomic import atomic_open
    from kipoi_prism.io.writers import FLOAT_FORMAT

    with atomic_open(path, "w") as stream:
        stream.write("\t".join(EFFECT_COLUMNS) + "\n")
        for frame in frames:
            frame.to_csv(stream, sep="\t", index=False, header=False, float_format=FLOAT_FORMAT,
                         na_rep="NA")  # fmt: skip


#: TSV column -> INFO field of the annotated VCF.
_INFO_OF = {
    "alt": "PRISM_ALT",
    "pair": "PRISM_PAIR",
    "cell_line": "PRISM_CELL",
    "element": "PRISM_ELEMENT",
    "delta_probability": "PRISM_DP",
    "delta_logit": "PRISM_DL",
    "delta_U_I": "PRISM_DU",
}


def _write_vcf(vcf: str, path: str, frames, contigs: dict) -> None:
    import math

    from kipoi_prism.io.vcf import VcfAnnotator

    with VcfAnnotator(vcf, path, contigs) as annotator:
        for frame in frames:
            for line, rows in frame.groupby("vcf_line", sort=False):
                values = {}
                for column, key in _INFO_OF.items():
                    items = rows[column].tolist()
                    if column.startswith("delta_"):
                        items = [None if math.isnan(v) else float(v) for v in items]
                    values[key] = items
                annotator.annotate(int(line), values)
