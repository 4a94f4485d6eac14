"""``kipoi-prism predict``: score a pair table with prism-energy.

Example::

    kipoi-prism predict --pairs example/pairs.bedpe --fasta example/genome.fa --out scores.tsv

The output format follows the suffix of ``--out`` (``.tsv``, ``.bedpe``, ``.h5``; ``-`` is
TSV on standard output); see :mod:`kipoi_prism.io.writers`.
"""

from __future__ import annotations

import argparse
import contextlib
import logging

from kipoi_prism.cli.pairs import (
    add_candidate_arguments,
    candidate_source_from,
    is_empty_candidate_set,
    write_empty_scores,
)
from kipoi_prism.config import InferenceConfig
from kipoi_prism.errors import PrismInputError
from kipoi_prism.io.pairs import FORMATS
from kipoi_prism.io.writers import WRITERS

log = logging.getLogger("kipoi_prism.inference")

_DEFAULTS = InferenceConfig()


def _positive_int(text: str) -> int:
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
        "set of its own pairs in the input.",
    )
    add_source_arguments(parser)
    parser.add_argument(
        "--fasta", required=True, help="genome FASTA (uncompressed; .fai used or built)"
    )
    parser.add_argument(
        "-o",
        "--out",
        required=True,
        help=f"output file; format by suffix: {', '.join(sorted(WRITERS))} (- for TSV on stdout)",
    )
    parser.add_argument(
        "--weights", help="weights file (default: the weights shipped with the package)"
    )
    parser.add_argument(
        "--batch-size",
        type=_positive_int,
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
    parser.add_argument(
        "--device",
        choices=("auto", "cpu", "cuda"),
        default="auto",
        help="where the model runs (default: cuda when available)",
    )
    parser.add_argument(
        "--precision",
        choices=("fp32", "bf16", "fp16"),
        default="fp32",
        help="precision of the model's forward passes: fp32 (default, exact), or bf16/fp16 "
        "autocast, faster on hardware with those units; probabilities move: with the shipped "
        "weights on the example pairs bf16 moved them by up to 1.4e-3 on an x86-64 CPU "
        "(support-set environments stay fp32)",
    )
    parser.add_argument(
        "--threshold",
        type=float,
        metavar="P",
        help="probability at or above which the call column is 1 (default: the threshold "
        "calibrated on validation data and saved with the weights); recorded in the .h5 "
        "output's attributes",
    )
    parser.add_argument(
        "--seed",
        type=int,
        default=_DEFAULTS.seed,
        help="seed of the support-set draw (default %(default)s)",
    )
    parser.add_argument(
        "--support-size",
        type=_positive_int,
        default=_DEFAULTS.support_size,
        help="support-set pairs per cell line, m (default %(default)s)",
    )
    parser.add_argument(
        "--use-prototypes",
        action="store_true",
        help="for cell lines seen in training, use their saved prototype",
    )
    parser.set_defaults(run=run)
    return parser


def add_source_arguments(parser: argparse.ArgumentParser) -> None:
    """Options that say where the pairs come from."""
    parser.add_argument(
        "--pairs",
        help="pair table: BEDPE, TargetFinder CSV or BENGI TSV (.gz accepted); - reads stdin",
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


def _weights_path(given: str | None):
    from kipoi_prism.model.weights import DEFAULT_WEIGHTS

    if given is None and not DEFAULT_WEIGHTS.is_file():
        raise PrismInputError(
            "no default weights are installed with the package; pass --weights FILE",
            DEFAULT_WEIGHTS,
        )
    return given


def run(args: argparse.Namespace) -> int:
    """Load weights and genome, scan, score, write; returns the exit status."""
    from kipoi_prism.allocator import reuse_freed_memory
    from kipoi_prism.inference import Predictor, resolve_device, write_all
    from kipoi_prism.io.genome import Genome
    from kipoi_prism.io.writers import check_output, open_output
    from kipoi_prism.model.weights import load_weights

    check_output(args.out)
    reuse_freed_memory()  # batch buffers reused, not faulted in again (kipoi_prism.allocator)
    if args.threads:
        import torch

        torch.set_num_threads(args.threads)
    device = resolve_device(args.device)
    bundle = load_weights(_weights_path(args.weights), map_location=device)
    genome = Genome(args.fasta)
    config = InferenceConfig(
        support_size=args.support_size,
        seed=args.seed,
        use_prototypes=args.use_prototypes,
        batch_size=args.batch_size,
    )
    predictor = Predictor(
        bundle, genome, config, args.num_workers, str(device), not args.quiet, args.precision,
        threshold=args.threshold,
    )  # fmt: skip
    if args.threshold is not None:
        log.info(
            "call: probability >= %g (--threshold; the calibrated threshold is %g)",
            predictor.threshold,
            bundle.threshold,
        )
    with contextlib.ExitStack() as stack:
        source = build_source(args, stack)
        if is_empty_candidate_set(source):
            return write_empty_scores(args.out)
        result, batches = predictor.predict(source)
        with open_output(args.out, predictor.output_context(result)) as writer:
            write_all(writer, batches)
    where = "standard output" if args.out == "-" else args.out
    log.info(
        "wrote %d predictions (%d cell line%s) to %s",
        result.n_pairs,
        len(result.counts),
        "" if len(result.counts) == 1 else "s",
        where,
    )
    return 0
