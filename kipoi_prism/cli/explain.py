"""``kipoi-prism explain``: per-base attributions of pair scores, as tracks and logos.

Example::

    kipoi-prism explain --pairs example/pairs.bedpe --fasta example/genome.fa --out explained \\
        --max-pairs 2

For each pair, both windows get exact in-silico mutagenesis (``ism``) and integrated
gradients (``ig``) (:mod:`kipoi_prism.inference.attributions`), written as bedGraph and
bigWig tracks in genome coordinates and PNG logos of each element's top-scoring stretch
(:mod:`kipoi_prism.io.attribution_tracks`), with an index ``attributions.tsv``.
"""

from __future__ import annotations

import argparse
import contextlib
import logging

from kipoi_prism.cli.scoring import (
    add_engine_arguments,
    add_environment_argument,
    add_source_arguments,
    build_source,
    engine_device,
    environment_files,
    make_predictor,
    positive_int,
    weights_path,
)
from kipoi_prism.errors import PrismInputError

log = logging.getLogger("kipoi_prism.inference")

INDEX_FILE = "attributions.tsv"


def _methods(text: str) -> list[str]:
    return [m.strip() for m in text.split(",") if m.strip()]


def add_parser(subparsers) -> argparse.ArgumentParser:
    """Register ``explain`` and its options."""
    from kipoi_prism.io.attribution_tracks import DEFAULT_TOP_WIDTH

    parser = subparsers.add_parser(
        "explain",
        help="per-base attributions of pair scores (tracks, logos)",
        description="Which bases of the enhancer and the promoter drive a pair's score: exact "
        "in-silico mutagenesis (ism: every base to each other base; per-base score = reference "
        "minus the mean of the three alternatives, in logit units) and integrated gradients "
        "(ig, captum; baseline: 0.25 per channel at every known base) of the pair's logit, "
        "each cell line's environment taken as predict takes it. Writes, per pair, element "
        "and method, a bedGraph and a bigWig in genome coordinates (bases padded beyond a "
        "chromosome end or N are left out), a PNG logo per pair and element of the "
        "top-scoring stretch, and an index attributions.tsv. Sequence weights only.",
    )
    add_source_arguments(parser)
    parser.add_argument("--fasta", required=True, help="genome FASTA (.fai used or built)")
    parser.add_argument("-o", "--out", required=True, help="output folder (created)")
    parser.add_argument(
        "--weights", help="weights file (default: the shipped sequence model prism-energy)"
    )
    parser.add_argument(
        "--method",
        type=_methods,
        default=["ism", "ig"],
        help="comma-separated methods: ism, ig (default: ism,ig)",
    )
    parser.add_argument(
        "--max-pairs", type=positive_int, help="explain only the first N pairs of the input"
    )
    add_environment_argument(parser)
    parser.add_argument(
        "--use-prototypes",
        action="store_true",
        help="for cell lines seen in training, use their saved prototype",
    )
    parser.add_argument(
        "--ism-batch",
        type=positive_int,
        default=512,
        help="mutants per forward pass (default %(default)s; results do not depend on it)",
    )
    parser.add_argument(
        "--ig-steps",
        type=positive_int,
        default=50,
        help="integration points of integrated gradients (default %(default)s)",
    )
    parser.add_argument(
        "--top-width",
        type=positive_int,
        default=DEFAULT_TOP_WIDTH,
        help="bases of the top-scoring stretch drawn as a logo (default %(default)s)",
    )
    add_engine_arguments(parser)
    parser.set_defaults(run=run)
    return parser


def run(args: argparse.Namespace) -> int:
    """Explain the pairs; write tracks, logos and the index; returns the exit status."""
    from pathlib import Path

    import pandas as pd

    from kipoi_prism.inference.attributions import (
        check_methods,
        check_sequence_weights,
        explain_pairs,
    )
    from kipoi_prism.inference.environments import as_tensors
    from kipoi_prism.io.atomic import write_text
    from kipoi_prism.io.attribution_tracks import INDEX_COLUMNS, safe_name, write_attributions
    from kipoi_prism.io.genome import Genome
    from kipoi_prism.model.weights import load_weights

    methods = check_methods(args.method)
    device = engine_device(args)
    bundle = load_weights(weights_path(args.weights), map_location=device)
    check_sequence_weights(bundle)
    out = Path(args.out)
    if out.exists() and not out.is_dir():
        raise PrismInputError("--out: exists and is not a folder", out)
    genome = Genome(args.fasta)
    predictor = make_predictor(
        args, bundle, genome, device, use_prototypes=args.use_prototypes, progress=False
    )
    given = as_tensors(environment_files(args.environment, predictor))
    rows: list[dict] = []
    stems: set[str] = set()
    with contextlib.ExitStack() as stack:
        source = build_source(args, stack)
        explained = explain_pairs(
            predictor, source, methods, args.max_pairs, given, args.ism_batch, args.ig_steps
        )
        for pair in explained:
            out.mkdir(parents=True, exist_ok=True)
            stem = safe_name(pair.name)
            if stem in stems:
                stem = f"{stem}_line{pair.line}"
            stems.add(stem)
            rows.extend(write_attributions(pair, out, genome.chrom_sizes, args.top_width, stem))
    out.mkdir(parents=True, exist_ok=True)
    index = pd.DataFrame(rows, columns=list(INDEX_COLUMNS))
    write_text(out / INDEX_FILE, index.to_csv(sep="\t", index=False))
    log.info(
        "wrote attributions of %d pairs (%s) to %s; index %s",
        index["pair"].nunique(),
        ",".join(methods),
        out,
        out / INDEX_FILE,
    )
    return 0
