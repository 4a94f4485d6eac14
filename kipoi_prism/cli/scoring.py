"""What the scoring subcommands share: ``predict``, ``environment``, ``variant-effect``,
``explain`` (and ``features`` for its pair source).

Where the pairs come from (:func:`add_source_arguments`, :func:`build_source`), which
weights (:func:`weights_path`), where and how the engine runs (:func:`add_engine_arguments`,
:func:`make_predictor`), and each cell line's environment read from files
(:func:`environment_files`, :func:`log_environments`). One place each, so every command
reads pairs, draws support sets and honours environment files the same way.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import logging

from kipoi_prism.cli.pairs import add_candidate_arguments, candidate_source_from
from kipoi_prism.config import InferenceConfig
from kipoi_prism.errors import PrismInputError
from kipoi_prism.io.pairs import FORMATS

log = logging.getLogger("kipoi_prism.inference")

DEFAULTS = InferenceConfig()


def positive_int(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {value}")
    return value


def non_negative_int(text: str) -> int:
    value = int(text)
    if value < 0:
        raise argparse.ArgumentTypeError(f"expected 0 or more, got {value}")
    return value


# --------------------------------------------------------------------------- options


def add_source_arguments(parser: argparse.ArgumentParser) -> None:
    """Options that say where the pairs come from."""
    parser.add_argument(
        "--pairs",
        help="pair table: BEDPE, TargetFinder CSV or BENGI TSV (.gz accepted); - reads stdin; "
        "for feature-backbone weights a chromatin feature table file",
    )
    parser.add_argument("--format", choices=FORMATS, help="pair-table format (default: detected)")
    add_candidate_arguments(parser, required=False)


def add_engine_arguments(parser: argparse.ArgumentParser) -> None:
    """Where the model runs and how each cell line's support set is drawn: ``--device``,
    ``--threads``, ``--seed``, ``--support-size`` (:func:`engine_device` applies the first
    two)."""
    parser.add_argument(
        "--device",
        choices=("auto", "cpu", "cuda"),
        default="auto",
        help="where the model runs (default: cuda when available)",
    )
    parser.add_argument(
        "--threads",
        type=non_negative_int,
        default=0,
        help="CPU threads for the model (torch.set_num_threads; default 0: PyTorch's choice)",
    )
    parser.add_argument(
        "--seed",
        type=int,
        default=DEFAULTS.seed,
        help="seed of the support-set draw (default %(default)s)",
    )
    parser.add_argument(
        "--support-size",
        type=positive_int,
        default=DEFAULTS.support_size,
        help="support-set pairs per cell line, m (default %(default)s)",
    )


def add_missing_marks_argument(parser: argparse.ArgumentParser) -> None:
    """``--missing-marks``, for the commands that score chromatin feature tables."""
    parser.add_argument(
        "--missing-marks",
        choices=("refuse", "impute"),
        default="refuse",
        help="chromatin weights: a feature table with marks you lack (NA) is refused "
        "(default), or 'impute' enters each NA mark as the middle rank of its cell line "
        "(docs/BENCHMARK.md measures what each missing mark costs)",
    )


def add_environment_argument(parser: argparse.ArgumentParser) -> None:
    """``--environment FILE...`` (files made by ``kipoi-prism environment``)."""
    parser.add_argument(
        "--environment",
        nargs="+",
        metavar="FILE",
        help="environment files (kipoi-prism environment): each named cell line is scored "
        "with its file's z_E instead of a support set drawn from this input; other cell lines "
        "as usual. A file made with other weights is refused",
    )


# --------------------------------------------------------------------------- objects


def engine_device(args: argparse.Namespace):
    """``--threads`` applied (when given) and ``--device`` resolved: the torch device."""
    from kipoi_prism.inference import resolve_device

    if args.threads:
        import torch

        torch.set_num_threads(args.threads)
    return resolve_device(args.device)


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
    """``--weights`` as given; ``None`` (the shipped default) only where it is installed."""
    from kipoi_prism.model.weights import DEFAULT_WEIGHTS

    if given is None and not DEFAULT_WEIGHTS.is_file():
        raise PrismInputError(
            "no default weights are installed with the package; pass --weights FILE",
            DEFAULT_WEIGHTS,
        )
    return given


def make_predictor(
    args: argparse.Namespace,
    bundle,
    genome,
    device,
    *,
    batch_size: int = DEFAULTS.batch_size,
    use_prototypes: bool = False,
    num_workers: int = 0,
    precision: str = "fp32",
    threshold: float | None = None,
    feature_columns=None,
    progress: bool | None = None,
):
    """The :class:`~kipoi_prism.inference.Predictor` of a command: the engine options
    (``--seed``, ``--support-size``) from ``args``, the rest as the command has them.

    ``progress`` defaults to "unless ``--quiet``".
    """
    from kipoi_prism.inference import Predictor

    config = InferenceConfig(
        support_size=args.support_size,
        seed=args.seed,
        use_prototypes=use_prototypes,
        batch_size=batch_size,
    )
    predictor = Predictor(
        bundle, genome, config, num_workers, str(device),
        not args.quiet if progress is None else progress, precision,
        feature_columns=feature_columns, threshold=threshold,
    )  # fmt: skip
    if threshold is not None:
        log.info(
            "call: probability >= %g (--threshold; the calibrated threshold is %g)",
            predictor.threshold,
            bundle.threshold,
        )
    return predictor


def feature_table_source(args: argparse.Namespace, bundle, device, **options):
    """Feature-backbone weights: the predictor (``options`` as :func:`make_predictor`) and
    the chromatin feature table ``--pairs`` as its source (no genome).

    Refuses what such weights cannot read (stdin, candidate BED files), warns about options
    they do not use (``--fasta``, ``--format``), and applies ``--missing-marks``.
    """
    from kipoi_prism.cli.pairs import CANDIDATE_OPTIONS
    from kipoi_prism.inference.feature_tables import feature_table_frame
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
    predictor = make_predictor(args, bundle, None, device, feature_columns=FEATURE_INPUTS,
                               **options)  # fmt: skip
    frame = feature_table_frame(bundle, args.pairs, impute_missing=args.missing_marks == "impute")
    return predictor, predictor.frame_source(frame, args.pairs, unique_names=False)


def environment_files(paths: list[str] | None, predictor) -> dict:
    """``{cell line: Environment}`` from ``--environment`` (checked against the weights)."""
    from kipoi_prism.inference.environments import load_environments

    if not paths:
        return {}
    return load_environments(paths, predictor.bundle.sha256, predictor.model.config.d_environment)


def log_environments(result, environments: dict, shard=None) -> dict:
    """Log where each cell line's environment came from; the output attributes saying so.

    ``shard`` (``--shard``): warns for cell lines whose support set came from the shard.
    """
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
    if shard is not None:
        attributes["shard"] = str(shard)
        drawn = [cell for cell in result.counts if cell not in environments]
        if drawn:
            log.warning(
                "shard %s: cell line%s %s drew the support set from this shard's rows only, so "
                "scores can differ from an unsharded run; make environment files with "
                "kipoi-prism environment and pass them with --environment",
                shard,
                "" if len(drawn) == 1 else "s",
                ", ".join(drawn),
            )
    return attributes
