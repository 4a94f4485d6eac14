"""The entry point: :func:`simulate`, the whole simulator (:mod:`kipoi_prism.simulation`)."""

from __future__ import annotations

import logging
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from kipoi_prism.config import SimulationConfig
from kipoi_prism.io.motifs import Motif, read_meme
from kipoi_prism.simulation.environments import build_environments
from kipoi_prism.simulation.labels import label_pairs, oracle_metrics
from kipoi_prism.simulation.outputs import (
    FASTA_NAME,
    PAIRS_NAME,
    SITES_NAME,
    TRUTH_NAME,
    describe_inputs,
    json_ready,
    output_table,
    site_table,
    truth_document,
    write_bedpe,
    write_sites,
    write_truth,
)
from kipoi_prism.simulation.pairs import build_regions, load_pairs
from kipoi_prism.simulation.sequences import SequenceGenerator, backgrounds, write_genome

log = logging.getLogger(__name__)


@dataclass
class SimulationResult:
    """What :func:`simulate` wrote and measured.

    Attributes
    ----------
    fasta, fai, pairs, truth, sites : Path
        The output files (:mod:`kipoi_prism.simulation.outputs`).
    table : pandas.DataFrame
        The BEDPE rows (canonical columns, then the extras) with full-precision truth
        columns; ``cell_index``, ``enhancer_region`` and ``promoter_region`` index
        ``cell_lines`` and ``regions``.
    regions : pandas.DataFrame
        One row per region: original key and coordinates, role, record name, stored span.
    site_counts : numpy.ndarray of int32, shape=(n_regions, K)
        Planted sites per region and vocabulary factor.
    vocabulary : list of Motif
        The ``K`` factors, in the order of the columns of ``site_counts``.
    oracle : dict
        ``{cell line: {"aupr", "auroc", "brier", "prevalence", "target_prevalence",
        "pairs", "positives", "aupr_other_environments"}}`` plus ``"pooled"`` (see
        :func:`oracle_metrics` and :func:`swapped_environment_aupr`).
    truth_data : dict
        The content of ``truth.json``.
    site_table : pandas.DataFrame
        The rows of ``sites.bed``: every planted site in ``genome.fa`` coordinates.
    """

    fasta: Path
    fai: Path
    pairs: Path
    truth: Path
    table: pd.DataFrame
    regions: pd.DataFrame
    site_counts: np.ndarray
    vocabulary: list[Motif]
    oracle: dict[str, dict[str, float]]
    truth_data: dict
    sites: Path
    site_table: pd.DataFrame


def simulate(
    pair_tables: Sequence[str | os.PathLike] | str | os.PathLike,
    motifs: str | os.PathLike,
    background: str | os.PathLike,
    out_dir: str | os.PathLike,
    config: SimulationConfig | None = None,
    progress: bool = True,
) -> SimulationResult:
    """Simulate sequences and labels on real pair tables (:mod:`kipoi_prism.simulation`).

    Parameters
    ----------
    pair_tables : path or sequence of path
        TargetFinder CSV, BENGI TSV or BEDPE pair tables (format detected per file).
    motifs : path
        MEME motif file (JASPAR).
    background : path
        FASTA of real sequence to fit the Markov background on.
    out_dir : path
        Created if missing; ``genome.fa``, ``genome.fa.fai``, ``pairs.bedpe``,
        ``truth.json`` and ``sites.bed`` are replaced atomically.
    config : SimulationConfig, optional
    progress : bool
        Show a progress bar on stderr.

    Returns
    -------
    SimulationResult
    """
    config = config or SimulationConfig()
    if isinstance(pair_tables, (str, os.PathLike)):
        pair_tables = [pair_tables]
    pair_tables = [Path(p) for p in pair_tables]
    out_dir = Path(out_dir)
    pairs = load_pairs(pair_tables, config)
    cell_lines = sorted(pairs["cell_line"].unique())
    log.info("simulate: %d pairs in %d cell lines", len(pairs), len(cell_lines))
    env = build_environments(cell_lines, read_meme(motifs), config, motifs)
    regions, enhancer_index, promoter_index, cell_sets = build_regions(pairs, cell_lines, config)
    chains = backgrounds(background, config)
    generator = SequenceGenerator(regions, cell_sets, env, chains, config)
    out_dir.mkdir(parents=True, exist_ok=True)
    fasta = out_dir / FASTA_NAME
    compositions = write_genome(generator, fasta, progress)
    columns, parameters = label_pairs(
        pairs, enhancer_index, promoter_index, generator.counts, env, config
    )
    table = output_table(pairs, regions, enhancer_index, promoter_index, columns)
    metrics = oracle_metrics(table)
    for cell, value in parameters["swapped_aupr"].items():
        metrics[cell]["aupr_other_environments"] = value
    write_bedpe(table, out_dir / PAIRS_NAME)
    inputs = describe_inputs(pair_tables, motifs, background)
    document = truth_document(config, env, parameters, metrics, compositions, regions, inputs)
    write_truth(document, out_dir / TRUTH_NAME)
    sites = site_table(generator.planted, regions, env.vocabulary)
    write_sites(sites, out_dir / SITES_NAME)
    _log_metrics(metrics)
    return SimulationResult(
        fasta,
        fasta.with_name(fasta.name + ".fai"),
        out_dir / PAIRS_NAME,
        out_dir / TRUTH_NAME,
        table,
        regions,
        generator.counts,
        env.vocabulary,
        metrics,
        json_ready(document),
        sites=out_dir / SITES_NAME,
        site_table=sites,
    )


def _log_metrics(metrics: dict) -> None:
    for cell, values in metrics.items():
        swapped = values.get("aupr_other_environments", "absent")
        log.info(
            "simulate: %-8s pairs %6d  prevalence %.4f (target %.4f)  oracle AUPR %s AUROC %s%s",
            cell,
            values["pairs"],
            values["prevalence"],
            values["target_prevalence"],
            _fmt(values["aupr"]),
            _fmt(values["auroc"]),
            "" if swapped == "absent" else f"  AUPR under other environments {_fmt(swapped)}",
        )


def _fmt(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.3f}"
