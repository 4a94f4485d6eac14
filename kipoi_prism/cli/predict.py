"""``kipoi-prism predict``: score a pair table with prism-energy.

Example::

    kipoi-prism predict --pairs example/pairs.bedpe --fasta example/genome.fa --out scores.tsv

With feature-backbone weights (``model.backbone: features``) the pairs are a chromatin
feature table and no genome is read::

    kipoi-prism predict --weights chromatin.pt --pairs features.tsv.gz --out scores.tsv

The output format follows the suffix of ``--out`` (``.tsv``, ``.bedpe``, ``.h5``,
``.parquet``, ``.interact.bed``; ``-`` is TSV on standard output); see
:mod:`kipoi_prism.io.writers`.
"""

from __future__ import annotations

import argparse
import contextlib
import logging

from kipoi_prism.cli.pairs import (
    add_shard_argument,
    is_empty_candidate_set,
    write_empty_scores,
)
from kipoi_prism.cli.scoring import (
    DEFAULTS,
    add_engine_arguments,
    add_environment_argument,
    add_missing_marks_argument,
    add_source_arguments,
    build_source,
    engine_device,
    environment_files,
    feature_table_source,
    log_environments,
    make_predictor,
    non_negative_int,
    positive_int,
    weights_path,
)
from kipoi_prism.errors import PrismInputError
from kipoi_prism.io.shards import parse_shard
from kipoi_prism.io.writers import WRITERS

log = logging.getLogger("kipoi_prism.inference")


def add_parser(subparsers) -> argparse.ArgumentParser:
    """Register ``predict`` and its options."""
    parser = subparsers.add_parser(
        "predict",
        help="score enhancer-promoter pairs",
        description="Score enhancer-promoter pairs: one probability (and the energy terms) "
        "per pair, in input order. Each cell line's environment comes from a seeded support "
        "set of its own pairs in the input. Weights with the feature backbone "
        "(model.backbone: features) score a chromatin feature table instead (--pairs: "
        "TargetFinder CSV, BENGI TSV or the output of kipoi-prism features; every mark "
        "present) and need no --fasta; when the weights' recipe ranks marks, ranks are taken "
        "within each cell line of the table being scored, so a pair's score depends on the "
        "other pairs of its cell line in the table.",
    )
    add_source_arguments(parser)
    parser.add_argument(
        "--fasta",
        help="genome FASTA (uncompressed; .fai used or built); required by sequence weights, "
        "not used (a warning) by feature-backbone weights",
    )
    parser.add_argument(
        "-o",
        "--out",
        required=True,
        help=f"output file; format by suffix: {', '.join(sorted(WRITERS))} (- for TSV on stdout)",
    )
    parser.add_argument(
        "--weights",
        help="weights file, or a shipped model by name: prism-energy (sequence; the default) "
        "or prism-energy-chromatin / prism-energy-chromatin-window (chromatin feature tables; "
        "-window for candidates drawn within a window of each promoter, as `kipoi-prism pairs` "
        "draws them)",
    )
    parser.add_argument(
        "--batch-size",
        type=positive_int,
        default=DEFAULTS.batch_size,
        help="pairs per model call (default %(default)s)",
    )
    parser.add_argument(
        "--num-workers",
        type=non_negative_int,
        default=0,
        help="DataLoader workers reading and encoding sequences (default 0)",
    )
    add_engine_arguments(parser)
    add_missing_marks_argument(parser)
    parser.add_argument(
        "--precision",
        choices=("fp32", "bf16", "fp16"),
        default="fp32",
        help="precision of the model's forward passes: fp32 (default, exact), or bf16/fp16 "
        "autocast, faster on hardware with those units; probabilities move: with the shipped "
        "weights on the example pairs bf16 moved them by up to 2.7e-4 on an x86-64 CPU "
        "(support-set environments stay fp32)",
    )
    parser.add_argument(
        "--threshold",
        type=float,
        metavar="P",
        help="probability at or above which the call column is 1 (default: the threshold "
        "calibrated on validation data and saved with the weights); recorded in the .h5 "
        "output's attributes and the .parquet output's metadata",
    )
    parser.add_argument(
        "--use-prototypes",
        action="store_true",
        help="for cell lines seen in training, use their saved prototype",
    )
    add_environment_argument(parser)
    add_shard_argument(parser)
    parser.set_defaults(run=run)
    return parser


def run(args: argparse.Namespace) -> int:
    """Load weights and genome (or feature table), scan, score, write; returns the exit status."""
    from kipoi_prism.allocator import reuse_freed_memory
    from kipoi_prism.inference.feature_tables import is_feature_model
    from kipoi_prism.io.genome import Genome
    from kipoi_prism.io.writers import check_output
    from kipoi_prism.model.weights import load_weights

    check_output(args.out)
    args.shard = parse_shard(args.shard)
    reuse_freed_memory()  # batch buffers reused, not faulted in again (kipoi_prism.allocator)
    device = engine_device(args)
    bundle = load_weights(weights_path(args.weights), map_location=device)
    if is_feature_model(bundle):
        return _run_features(args, bundle, device)
    if args.fasta is None:
        raise PrismInputError(
            "--fasta is required: these weights have the sequence backbone (windows are read "
            "from the genome); only feature-backbone weights score feature tables without one",
            bundle.path,
        )
    genome = Genome(args.fasta)
    predictor = make_predictor(args, bundle, genome, device, **_predictor_options(args))
    with contextlib.ExitStack() as stack:
        source = build_source(args, stack)
        if is_empty_candidate_set(source):
            return write_empty_scores(args.out)
        _score_and_write(args, predictor, source)
    return 0


def _run_features(args: argparse.Namespace, bundle, device) -> int:
    """Score a chromatin feature table with feature-backbone weights (no genome)."""
    from kipoi_prism.inference.feature_tables import without_inputs

    predictor, source = feature_table_source(args, bundle, device, **_predictor_options(args))
    _score_and_write(args, predictor, source, without_inputs)
    return 0


def _score_and_write(args: argparse.Namespace, predictor, source, keep=None) -> None:
    """Both passes, the scored rows (through ``keep``) written to ``--out``, one log line."""
    from kipoi_prism.inference import write_all
    from kipoi_prism.inference.environments import as_tensors
    from kipoi_prism.inference.sources import SelectedPairSource
    from kipoi_prism.io.writers import open_output, write_empty

    environments = environment_files(args.environment, predictor)
    if args.shard is not None:
        source = SelectedPairSource(source, args.shard.select)
        if source.is_empty():
            write_empty(args.out)
            log.warning("shard %s: no pair of the input falls in it; wrote the header only",
                        args.shard)  # fmt: skip
            return
    result, batches = predictor.predict(source, given=as_tensors(environments))
    context = predictor.output_context(result)
    context.attributes.update(log_environments(result, environments, args.shard))
    with open_output(args.out, context) as writer:
        write_all(writer, batches if keep is None else keep(batches))
    where = "standard output" if args.out == "-" else args.out
    log.info(
        "wrote %d predictions (%d cell line%s) to %s",
        result.n_pairs,
        len(result.counts),
        "" if len(result.counts) == 1 else "s",
        where,
    )


def _predictor_options(args: argparse.Namespace) -> dict:
    """``predict``'s own predictor options (workers, precision, threshold...)."""
    return {
        "batch_size": args.batch_size,
        "use_prototypes": args.use_prototypes,
        "num_workers": args.num_workers,
        "precision": args.precision,
        "threshold": args.threshold,
    }
