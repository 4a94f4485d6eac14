"""``kipoi-prism environment``: a cell line's environment ``z_E`` as a file.

Examples::

    kipoi-prism environment --pairs pairs.bedpe --fasta genome.fa --cell-line K562 \\
        --out K562.env.json
    kipoi-prism environment --enhancers peaks.bed --promoters tss.bed --max-distance 1000000 \\
        --cell-line K562 --fasta genome.fa --all-pairs --out K562.env.json

``kipoi-prism predict --environment K562.env.json`` then scores K562's pairs with it instead
of drawing a support set: every shard of a split run (``--shard K/N``) scores with the same
environment. The file format is described in :mod:`kipoi_prism.inference.environments`.
"""

from __future__ import annotations

import argparse
import contextlib
import logging

from kipoi_prism.cli.scoring import (
    DEFAULTS,
    add_engine_arguments,
    add_missing_marks_argument,
    add_source_arguments,
    build_source,
    engine_device,
    feature_table_source,
    make_predictor,
    positive_int,
    weights_path,
)
from kipoi_prism.errors import PrismInputError

log = logging.getLogger(__name__)


def add_parser(subparsers) -> argparse.ArgumentParser:
    """Register ``environment`` and its options."""
    parser = subparsers.add_parser(
        "environment",
        help="compute a cell line's environment once, as a file for predict --environment",
        description="Compute one cell line's environment z_E from its pairs and write it as a "
        "small JSON file (weights hash, cell line, recipe, the input's checksum, z_E), for "
        "kipoi-prism predict --environment: every job of a split run then scores with the "
        "same environment. By default z_E is the mean over the seeded support set predict "
        "would draw (same --support-size and --seed: the same scores as predict without the "
        "file); --all-pairs takes the mean over every pair of the cell line instead "
        "(streamed). With --pairs, --cell-line names which of the table's cell lines to "
        "compute (needed when it holds several).",
    )
    add_source_arguments(parser)
    parser.add_argument(
        "--fasta", help="genome FASTA; required by sequence weights (as for predict)"
    )
    parser.add_argument(
        "--weights",
        help="weights file or shipped model name (default prism-energy); the file records "
        "its SHA-256 and predict refuses the file with other weights",
    )
    parser.add_argument(
        "-o",
        "--out",
        required=True,
        metavar="FILE",
        help="environment file (JSON), written atomically",
    )
    add_engine_arguments(parser)
    add_missing_marks_argument(parser)
    parser.add_argument(
        "--all-pairs",
        action="store_true",
        help="z_E as the mean over every pair of the cell line (streamed; memory stays flat) "
        "instead of a seeded support set",
    )
    parser.add_argument(
        "--batch-size",
        type=positive_int,
        default=DEFAULTS.batch_size,
        help="pairs per model call with --all-pairs (default %(default)s)",
    )
    parser.set_defaults(run=run)
    return parser


def run(args: argparse.Namespace) -> int:
    """Check the pairs, compute the cell line's z_E, write the file; returns the exit status."""
    from kipoi_prism.inference.environments import (
        describe_input,
        make_environment,
        write_environment,
    )
    from kipoi_prism.inference.feature_tables import is_feature_model
    from kipoi_prism.io.genome import Genome
    from kipoi_prism.model.weights import load_weights

    cell_line = args.cell_line
    if args.pairs is not None:  # --cell-line picks one of the table's cell lines
        args.cell_line = None
    device = engine_device(args)
    bundle = load_weights(weights_path(args.weights), map_location=device)
    with contextlib.ExitStack() as stack:
        if is_feature_model(bundle):
            predictor, source = feature_table_source(
                args, bundle, device, batch_size=args.batch_size
            )
        else:
            if args.fasta is None:
                raise PrismInputError(
                    "--fasta is required: these weights have the sequence backbone", bundle.path
                )
            genome = Genome(args.fasta)
            predictor = make_predictor(args, bundle, genome, device, batch_size=args.batch_size)
            source = build_source(args, stack)
        environment = make_environment(
            predictor, source, cell_line, args.all_pairs, describe_input(source)
        )
    write_environment(environment, args.out)
    log.info(
        "cell line %s: z_E (%d values) from the %s of %s, weights sha256 %s; wrote %s",
        environment.cell_line,
        len(environment.z_e),
        environment.describe(),
        source.name,
        environment.weights_sha256[:12],
        args.out,
    )
    return 0
