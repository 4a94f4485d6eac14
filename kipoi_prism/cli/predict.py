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
    add_candidate_arguments,
    add_shard_argument,
    candidate_source_from,
    is_empty_candidate_set,
    write_empty_scores,
)
from kipoi_prism.config import InferenceConfig
from kipoi_prism.errors import PrismInputError
from kipoi_prism.io.pairs import FORMATS
from kipoi_prism.io.shards import parse_shard
from kipoi_prism.io.writers import WRITERS

log = logging.getLogger("kipoi_prism.inference")

_DEFAULTS = InferenceConfig()


def positive_int(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {value}")
    return value


def _non_negative_int(text: str) -> int:
    value = int(text)
    if value < 0:
        raise argparse.ArgumentTypeError(f"expected 0 or more, got {value}")
    return value


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
        "or prism-energy-chromatin (chromatin feature tables)",
    )
    parser.add_argument(
        "--batch-size",
        type=positive_int,
        default=_DEFAULTS.batch_size,
        help="pairs per model call (default %(default)s)",
    )
    parser.add_argument(
        "--num-workers",
        type=_non_negative_int,
        default=0,
        help="DataLoader workers reading and encoding sequences (default 0)",
    )
    parser.add_argument(
        "--threads",
        type=_non_negative_int,
        default=0,
        help="CPU threads for the model (torch.set_num_threads; default 0: PyTorch's choice)",
    )
    add_engine_arguments(parser)
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
    parser.add_argument(
        "--environment",
        nargs="+",
        metavar="FILE",
        help="environment files (kipoi-prism environment): each named cell line is scored "
        "with its file's z_E instead of a support set drawn from this input; other cell lines "
        "as usual. A file made with other weights is refused",
    )
    add_shard_argument(parser)
    parser.set_defaults(run=run)
    return parser


def add_engine_arguments(parser: argparse.ArgumentParser) -> None:
    """Where the model runs and how each cell line's support set is drawn; shared by
    ``predict`` and ``environment``: ``--device``, ``--seed``, ``--support-size``,
    ``--missing-marks``."""
    parser.add_argument(
        "--device",
        choices=("auto", "cpu", "cuda"),
        default="auto",
        help="where the model runs (default: cuda when available)",
    )
    parser.add_argument(
        "--seed",
        type=int,
        default=_DEFAULTS.seed,
        help="seed of the support-set draw (default %(default)s)",
    )
    parser.add_argument(
        "--support-size",
        type=positive_int,
        default=_DEFAULTS.support_size,
        help="support-set pairs per cell line, m (default %(default)s)",
    )
    parser.add_argument(
        "--missing-marks",
        choices=("refuse", "impute"),
        default="refuse",
        help="chromatin weights: a feature table with marks you lack (NA) is refused "
        "(default), or 'impute' enters each NA mark as the middle rank of its cell line "
        "(docs/BENCHMARK.md measures what each missing mark costs)",
    )


def add_source_arguments(parser: argparse.ArgumentParser) -> None:
    """Options that say where the pairs come from."""
    parser.add_argument(
        "--pairs",
        help="pair table: BEDPE, TargetFinder CSV or BENGI TSV (.gz accepted); - reads stdin; "
        "for feature-backbone weights a chromatin feature table file",
    )
    parser.add_argument("--format", choices=FORMATS, help="pair-table format (default: detected)")
    add_candidate_arguments(parser, required=False)


def build_source(args: argparse.Namespace, stack: contextlib.ExitStack):
    """The pair source the options describe (the one place sources are made).

    Parameters
    ----------
    args : argparse.Namespace
    stack : contextlib.ExitStack
        Owns anything the source must clean up (the spooled copy of stdin).

    Returns
    -------
    kipoi_prism.inference.PairSource
    """
    from kipoi_prism.inference import FilePairSource, StdinPairSource

    candidates = candidate_source_from(args)
    if candidates is not None:
        return candidates
    if args.pairs is None:
        raise PrismInputError("no pairs given: pass --pairs FILE (or --pairs - for stdin)")
    if args.pairs == "-":
        return stack.enter_context(StdinPairSource(args.format))
    return FilePairSource(args.pairs, args.format)


def weights_path(given: str | None):
    from kipoi_prism.model.weights import DEFAULT_WEIGHTS

    if given is None and not DEFAULT_WEIGHTS.is_file():
        raise PrismInputError(
            "no default weights are installed with the package; pass --weights FILE",
            DEFAULT_WEIGHTS,
        )
    return given


def run(args: argparse.Namespace) -> int:
    """Load weights and genome (or feature table), scan, score, write; returns the exit status."""
    from kipoi_prism.allocator import reuse_freed_memory
    from kipoi_prism.inference import resolve_device
    from kipoi_prism.inference.feature_tables import is_feature_model
    from kipoi_prism.io.genome import Genome
    from kipoi_prism.io.writers import check_output
    from kipoi_prism.model.weights import load_weights

    check_output(args.out)
    args.shard = parse_shard(args.shard)
    reuse_freed_memory()  # batch buffers reused, not faulted in again (kipoi_prism.allocator)
    if args.threads:
        import torch

        torch.set_num_threads(args.threads)
    device = resolve_device(args.device)
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
    predictor = _make_predictor(args, bundle, genome, device)
    with contextlib.ExitStack() as stack:
        source = build_source(args, stack)
        if is_empty_candidate_set(source):
            return write_empty_scores(args.out)
        _score_and_write(args, predictor, source)
    return 0


def _make_predictor(args: argparse.Namespace, bundle, genome, device, feature_columns=None):
    from kipoi_prism.inference import Predictor

    config = InferenceConfig(
        support_size=args.support_size,
        seed=args.seed,
        use_prototypes=args.use_prototypes,
        batch_size=args.batch_size,
    )
    predictor = Predictor(
        bundle, genome, config, args.num_workers, str(device), not args.quiet, args.precision,
        feature_columns=feature_columns, threshold=args.threshold,
    )  # fmt: skip
    if args.threshold is not None:
        log.info(
            "call: probability >= %g (--threshold; the calibrated threshold is %g)",
            predictor.threshold,
            bundle.threshold,
        )
    return predictor


def _run_features(args: argparse.Namespace, bundle, device) -> int:
    """Score a chromatin feature table with feature-backbone weights (no genome)."""
    from kipoi_prism.cli.pairs import CANDIDATE_OPTIONS
    from kipoi_prism.inference.feature_tables import feature_table_frame, without_inputs
    from kipoi_prism.io.feature_inputs import FEATURE_INPUTS

    if any(getattr(args, name, None) is not None for name in CANDIDATE_OPTIONS):
        raise PrismInputError(
            "--enhancers/--promoters: feature-backbone weights score a chromatin feature table; "
            "make one with kipoi-prism features and pass it as --pairs"
        )
    if args.pairs is None or args.pairs == "-":
        raise PrismInputError(
            "--pairs: feature-backbone weights read a chromatin feature table file "
            "(TargetFinder CSV, BENGI TSV or kipoi-prism features output; not stdin)"
        )
    if args.fasta is not None:
        log.warning("--fasta %s: not used; these weights read chromatin feature tables",
                    args.fasta)  # fmt: skip
    if args.format is not None:
        log.warning("--format %s: not used; a feature table's form is read from its header",
                    args.format)  # fmt: skip
    predictor = _make_predictor(args, bundle, None, device, FEATURE_INPUTS)
    frame = feature_table_frame(bundle, args.pairs, impute_missing=args.missing_marks == "impute")
    source = predictor.frame_source(frame, args.pairs, unique_names=False)
    _score_and_write(args, predictor, source, without_inputs)
    return 0


def _score_and_write(args: argparse.Namespace, predictor, source, keep=None) -> None:
    """Both passes, the scored rows (through ``keep``) written to ``--out``, one log line."""
    from kipoi_prism.inference import write_all
    from kipoi_prism.inference.environments import as_tensors
    from kipoi_prism.inference.sources import SelectedPairSource
    from kipoi_prism.io.writers import open_output, write_empty

    environments = _environment_files(args, predictor)
    if args.shard is not None:
        source = SelectedPairSource(source, args.shard.select)
        if source.is_empty():
            write_empty(args.out)
            log.warning("shard %s: no pair of the input falls in it; wrote the header only",
                        args.shard)  # fmt: skip
            return
    result, batches = predictor.predict(source, given=as_tensors(environments))
    context = predictor.output_context(result)
    context.attributes.update(_log_environments(args, result, environments))
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


def _environment_files(args: argparse.Namespace, predictor) -> dict:
    """``{cell line: Environment}`` from ``--environment`` (checked against the weights)."""
    from kipoi_prism.inference.environments import load_environments

    if not args.environment:
        return {}
    return load_environments(
        args.environment,
        predictor.bundle.sha256,
        predictor.model.config.d_environment,
    )


def _log_environments(args: argparse.Namespace, result, environments: dict) -> dict:
    """Log where each cell line's environment came from; the output attributes saying so."""
    import json

    used = {}
    for cell, environment in environments.items():
        if cell not in result.counts:
            log.info("%s: cell line %s has no pairs in this input; not used",
                     environment.path, cell)  # fmt: skip
            continue
        log.info("cell line %s: environment from %s (%s); no support set drawn",
                 cell, environment.path, environment.describe())  # fmt: skip
        used[cell] = {"file": str(environment.path), "recipe": environment.recipe}
    attributes = {"environment_files": json.dumps(used, sort_keys=True)} if used else {}
    if args.shard is not None:
        attributes["shard"] = str(args.shard)
        drawn = [cell for cell in result.counts if cell not in environments]
        if drawn:
            log.warning(
                "shard %s: cell line%s %s drew the support set from this shard's rows only, so "
                "scores can differ from an unsharded run; make environment files with "
                "kipoi-prism environment and pass them with --environment",
                args.shard,
                "" if len(drawn) == 1 else "s",
                ", ".join(drawn),
            )
    return attributes
