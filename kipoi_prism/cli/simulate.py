"""``kipoi-prism simulate``: sequences with a known ground truth on a real pair table.

Example::

    kipoi-prism simulate --pairs ../shared/data/targetfinder/pairs/*.pairs.csv \\
        --motifs ../shared/data/motifs/jaspar2024_core_vertebrates.meme \\
        --background ../shared/data/human-sequence/human_200bp_regions.fa \\
        --out /tmp/sim --max-pairs-per-cell-line 500 --seed 1

Writes ``genome.fa`` (+ ``.fai``), ``pairs.bedpe``, ``truth.json`` and ``sites.bed`` (every
planted motif site in ``genome.fa`` coordinates) into ``--out``; see
:mod:`kipoi_prism.simulation` for the mechanism and docs/SIMULATOR.md for a walk-through.
Every field of :class:`kipoi_prism.config.SimulationConfig` has an option of the same name
(``lam_star`` -> ``--lam-star``).
"""

from __future__ import annotations

import argparse
import dataclasses
import logging
import time

from kipoi_prism.config import SimulationConfig
from kipoi_prism.errors import PrismInputError

log = logging.getLogger(__name__)

# Fields with an option of their own (below) or none.
_SPECIAL = {
    "seed",
    "cell_lines",
    "environments",
    "r_star",
    "r_star_range",
    "shared_promoter_factors",
    "prevalence",
    "max_pairs_per_cell_line",
}
_HELP = {
    "lam_star": "true interaction coefficient lam* (0 additive, < 0 antagonism)",
    "t_star": "true temperature T* (> 0)",
    "signal_scale": "weight of the motif-pair compatibility in U*",
    "gating_strength": "share of the compatibility gated by the cell line, in [0, 1]",
    "distance_weight": "weight of the standardised log10 distance in U*",
    "label_noise": "share of each label probability replaced by the prevalence, in [0, 1)",
    "inactive_activity": "activity of factors not active in a cell line, in [0, 1]",
    "compatibility_density": "share of non-zero motif-pair compatibilities",
    "compatibility_positive": "share of non-zero compatibilities that are positive",
    "enhancer_sites": "mean planted motif sites per enhancer",
    "promoter_sites": "mean planted motif sites per promoter",
    "enhancer_enrichment": "probability an enhancer site is one of its cell line's factors",
    "promoter_enrichment": "probability a promoter site is a shared promoter factor",
    "enhancer_motif_span": "central bp of an enhancer holding its sites",
    "promoter_motif_span": "central bp of a promoter holding its sites",
    "enhancer_length": "enhancer window width (bp)",
    "promoter_length": "promoter window width (bp)",
    "markov_order": "order of the Markov background (3 or more)",
    "promoter_cpg_boost": "factor on C->G transitions of the promoter background",
    "promoter_gc_boost": "factor on transitions to C or G of the promoter background",
    "batch_bases": "bases generated per batch (memory only; results do not change)",
}


def add_parser(subparsers) -> argparse.ArgumentParser:
    """Register ``simulate`` and its options."""
    defaults = SimulationConfig()
    parser = subparsers.add_parser(
        "simulate",
        help="simulate sequences with a known truth on a real pair table",
        description="Make a compact genome FASTA, a BEDPE pointing into it and a JSON of the "
        "ground truth, keeping the real pair graph (regions, distances, cell lines, "
        "prevalence) and simulating sequences and labels from a documented mechanism.",
    )
    parser.add_argument(
        "--pairs",
        nargs="+",
        required=True,
        metavar="TABLE",
        help="TargetFinder CSV, BENGI TSV or BEDPE pair tables",
    )
    parser.add_argument("--motifs", required=True, help="JASPAR motifs, MEME format")
    parser.add_argument(
        "--background", required=True, help="FASTA of real sequence for the Markov background"
    )
    parser.add_argument("-o", "--out", required=True, help="output directory")
    parser.add_argument("--seed", type=int, default=defaults.seed, help="default %(default)s")
    parser.add_argument("--cell-lines", help="comma-separated cell lines (default: all)")
    parser.add_argument(
        "--max-pairs-per-cell-line",
        type=int,
        metavar="N",
        help="stratified subsample of at most N pairs per cell line",
    )
    parser.add_argument(
        "--prevalence",
        type=float,
        help="target positive fraction (default: each cell line's real one)",
    )
    parser.add_argument(
        "--r-star-range",
        nargs=2,
        type=float,
        metavar=("MIN", "MAX"),
        default=defaults.r_star_range,
        help="range of the environment-derived R* (default %(default)s)",
    )
    parser.add_argument(
        "--r-star",
        action="append",
        default=[],
        metavar="CELL=VALUE",
        help="set R* of a cell line (repeatable)",
    )
    parser.add_argument(
        "--environment",
        action="append",
        default=[],
        metavar="CELL=FACTOR,FACTOR",
        help="cell-type factors of a cell line (names or JASPAR IDs; repeatable)",
    )
    parser.add_argument(
        "--shared-promoter-factors",
        default=",".join(defaults.shared_promoter_factors),
        help="comma-separated factors active everywhere (default %(default)s)",
    )
    knobs = parser.add_argument_group("mechanism and sequence knobs")
    for item in dataclasses.fields(SimulationConfig):
        if item.name in _SPECIAL:
            continue
        value = getattr(defaults, item.name)
        knobs.add_argument(
            f"--{item.name.replace('_', '-')}",
            type=type(value),
            default=value,
            help=f"{_HELP.get(item.name, item.name)} (default %(default)s)",
        )
    parser.add_argument(
        "--no-progress",
        action="store_true",
        help="no progress bar (nor, when stderr is not a terminal, progress log lines)",
    )
    parser.set_defaults(run=run)
    return parser


def _assignments(items: list[str], option: str) -> dict[str, str]:
    parsed = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key or not value:
            raise PrismInputError(f"{option} {item!r}: expected CELL=VALUE")
        parsed[key] = value
    return parsed


def _split(text: str | None) -> tuple[str, ...] | None:
    if text is None:
        return None
    return tuple(part.strip() for part in text.split(",") if part.strip())


def config_from_args(args: argparse.Namespace):
    """The :class:`~kipoi_prism.config.SimulationConfig` the options describe."""
    values = {}
    for item in dataclasses.fields(SimulationConfig):
        if item.name not in _SPECIAL:
            values[item.name] = getattr(args, item.name)
    r_star = _assignments(args.r_star, "--r-star")
    try:
        values["r_star"] = {cell: float(value) for cell, value in r_star.items()}
    except ValueError as error:
        raise PrismInputError(f"--r-star: {error}") from None
    values["environments"] = {
        cell: _split(factors)
        for cell, factors in _assignments(args.environment, "--environment").items()
    }
    try:
        return SimulationConfig(
            seed=args.seed,
            cell_lines=_split(args.cell_lines),
            max_pairs_per_cell_line=args.max_pairs_per_cell_line,
            prevalence=args.prevalence,
            r_star_range=tuple(args.r_star_range),
            shared_promoter_factors=_split(args.shared_promoter_factors),
            **values,
        )
    except ValueError as error:
        option = "--" + str(error).split(":")[0].replace("_", "-")
        raise PrismInputError(f"{option}: {str(error).partition(': ')[2]}") from None


def run(args: argparse.Namespace) -> int:
    from kipoi_prism.simulation.run import simulate

    config = config_from_args(args)
    began = time.perf_counter()
    result = simulate(
        args.pairs,
        args.motifs,
        args.background,
        args.out,
        config,
        progress=not (args.no_progress or args.quiet),
    )
    log.info(
        "simulate: wrote %s, %s, %s, %s in %.1f s",
        result.fasta,
        result.pairs,
        result.truth,
        result.sites,
        time.perf_counter() - began,
    )
    return 0
