"""Simulated sequences with a known ground truth, on the real enhancer-promoter pair graph.

No human genome FASTA ships with the project, but real pair tables do (TargetFinder, BENGI):
real regions, real distances, real cell lines, real prevalence. The simulator keeps all of
that and makes up only the sequences and the labels, from a mechanism whose parameters it
reports, so that a model's scores can be read against the truth and its ceiling.

Sequences
---------
Every genomic region (keyed by its original ``chrom:start-end``) gets ONE sequence, shared
by every pair and cell line that uses it. The stored sequence covers the region and the
model windows centred on it (enhancer 3,000 bp, promoter 2,000 bp by default), so the pair
table's windows never run off a stored sequence.

* Background: an order-``k`` Markov chain
  (:class:`kipoi_prism.simulation.background.MarkovBackground`,
  ``k = 4`` by default) fitted on both strands of the real human sequence sample. Promoters
  (any region used as a promoter) use a CpG- and GC-boosted copy of the chain.
* Motif sites: ``n ~ Poisson(enhancer_sites)`` (or ``promoter_sites``) sites, capped by the
  number of slots, are planted in distinct slots of width ``max motif width + 2`` tiling the
  central ``*_motif_span`` bp of the region, each at a random offset in its slot, on a random
  strand, its bases drawn position by position from the JASPAR frequency matrix.
  An enhancer site's factor is, with probability ``enhancer_enrichment``, one of the active
  cell-type factors of a cell line drawn uniformly from those using the enhancer; otherwise
  any factor of the vocabulary, uniformly. A promoter site's factor is, with probability
  ``promoter_enrichment``, a shared promoter factor; otherwise any factor of the vocabulary.
  So a cell line's enhancers carry its factors' motifs, and its support set its identity.
* Randomness is per region: a region's sequence depends on the seed, its key and the set of
  simulated cell lines using it, never on the other regions, the batch or the row order.

Environments
------------
The vocabulary is the shared promoter factors plus every cell-type factor of the known
environments (:data:`DEFAULT_ENVIRONMENTS`, extended or overridden by
``SimulationConfig.environments``), looked up in the MEME file by name or matrix ID. Cell
line ``c`` has an activity vector ``a_c`` over the vocabulary: 1 for the shared promoter
factors and its own cell-type factors, ``inactive_activity`` for every other factor.
Each factor ``k`` has an impedance ``rho_k ~ U(0, 1)`` (keyed by seed and matrix ID), and

    R*_c = r_min + (r_max - r_min) * F_n(sum of rho_k over c's n cell-type factors)

with ``F_n`` the Irwin-Hall distribution function (so ``R*`` is spread uniformly over
``r_star_range`` across possible environments), unless ``SimulationConfig.r_star`` sets
``R*_c`` directly.

Labels
------
With ``x_r = log(1 + n_r)`` the planted-site counts of region ``r`` per factor (shape
``(K,)``) and ``W`` a sparse random compatibility matrix (shape ``(K, K)``: density
``compatibility_density``, entries ``|N(0, 1)|`` with sign + with probability
``compatibility_positive``), a pair (e, p) in cell line c has

    S       = x_e^T W x_p                              (ungated motif-pair compatibility)
    G_c     = (a_c * x_e)^T W (a_c * x_p)              (the same, gated by c's activities)
    m       = (1 - gating_strength) S + gating_strength G_c
    u       = signal_scale * z(m) - distance_weight * z(log10 distance)
    U*      = u + b_c
    logit*  = (U* - R*_c + lam* U* R*_c) / T*
    p*      = sigmoid(logit*)
    p_label = (1 - label_noise) p* + label_noise pi_c
    y       ~ Bernoulli(p_label)

``z`` standardises over all simulated pairs (pooled across cell lines; the means and
standard deviations are reported), ``distance`` is the absolute distance between region
centres in bp. ``b_c`` is the offset that makes the mean of ``p*`` over c's pairs equal
``pi_c``, the positive fraction of c in the real table (or ``prevalence``); the noise term
keeps that mean, so the expected prevalence is ``pi_c``. The oracle probability is
``p_label``, the exact probability the label was drawn with; its AUPR and AUROC per cell
line are the ceiling any model can reach. ``1 + lam* R*_c`` must stay positive so that
``U*`` keeps its direction in every cell line. With ``lam* = 0`` the truth is additive:
``logit* = (U* - R*_c) / T*`` exactly.

Outputs (in ``out_dir``, each written to a temporary file and renamed)
----------------------------------------------------------------------
``genome.fa`` + ``genome.fa.fai``
    One record per region, named ``chrom_start_end`` after its original coordinates.
``pairs.bedpe``
    The canonical BEDPE (:mod:`kipoi_prism.io.pairs`) whose coordinates point into
    ``genome.fa``, in input order; the label column holds the simulated label. Extra columns,
    named by the ``#`` header line: original coordinates, distance, ``u_star``, ``r_star``,
    ``logit_star``, ``oracle_probability``.
``truth.json``
    The mechanism's parameters, the environments, ``R*``, ``b_c``, prevalence and oracle
    metrics per cell line, and the inputs' SHA-256.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import math
import os
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from kipoi_prism.config import SimulationConfig
from kipoi_prism.errors import PrismInputError
from kipoi_prism.io.motifs import (
    Motif,
    find_motif,
    read_meme,
    reverse_complement_codes,
    sample_sites,
)
from kipoi_prism.io.pairs import PAIR_COLUMNS, detect_format, iter_pairs
from kipoi_prism.simulation.background import MarkovBackground

log = logging.getLogger(__name__)

TRUTH_FORMAT = "kipoi-prism-simulation/1"
FASTA_NAME, PAIRS_NAME, TRUTH_NAME = "genome.fa", "pairs.bedpe", "truth.json"
FASTA_LINE_WIDTH = 60

# Cell-type factors: master regulators with well-known enhancer occupancy in each cell type.
DEFAULT_ENVIRONMENTS: dict[str, tuple[str, ...]] = {
    "K562": ("GATA1", "TAL1::TCF3", "NFE2", "KLF1"),  # erythroleukaemia
    "GM12878": ("SPI1", "IRF4", "EBF1", "RUNX3", "NFKB1"),  # B-lymphoblastoid (EBV)
    "IMR90": ("FOS::JUN", "TEAD1", "CEBPB", "TWIST1"),  # lung fibroblast
    "HUVEC": ("FOS::JUN", "TEAD1", "ERG", "SOX17"),  # umbilical vein endothelium
    "NHEK": ("TP63", "KLF5", "GRHL2", "TFAP2A"),  # epidermal keratinocyte
    "HeLa-S3": ("FOSL1", "TEAD4", "STAT3", "CEBPB"),  # cervical carcinoma
}
CELL_LINE_ALIASES = {"HeLa": "HeLa-S3"}

# Independent random streams (the second entropy word of every generator).
_STREAM_REGION, _STREAM_FACTOR, _STREAM_COMPATIBILITY = 1, 2, 3
_STREAM_LABEL, _STREAM_SUBSAMPLE = "label", "subsample"
# Per-site uniforms before the base uniforms: enriched?, cell line, factor, offset, strand.
_SITE_FIELDS = 5
_LETTERS = np.frombuffer(b"ACGT", dtype=np.uint8)


@dataclass
class SimulationResult:
    """What :func:`simulate` wrote and measured.

    Attributes
    ----------
    fasta, fai, pairs, truth : Path
        The output files.
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


# ====================================================================== keyed randomness


def key_hash(*parts: object) -> int:
    """A stable 64-bit hash of ``parts`` (BLAKE2b; the same on every machine and version)."""
    text = "\x1f".join(str(p) for p in parts).encode()
    return int.from_bytes(hashlib.blake2b(text, digest_size=8).digest(), "little")


def keyed_uniforms(seed: int, stream: str, cells: Sequence[str], names: Sequence[str]):
    """One U[0, 1) number per ``(cell line, name)``, independent of order.

    Returns
    -------
    numpy.ndarray of float64, shape=(N,)
    """
    hashes = [key_hash(seed, stream, c, n) >> 11 for c, n in zip(cells, names, strict=True)]
    return np.array(hashes, dtype=np.float64) * 2.0**-53


def region_rng(seed: int, key: str) -> np.random.Generator:
    """The random generator of one region (seeded by the seed and the region key)."""
    return np.random.default_rng([seed, _STREAM_REGION, key_hash(key)])


# ====================================================================== pairs


def load_pairs(pair_tables: Sequence[str | os.PathLike], config: SimulationConfig) -> pd.DataFrame:
    """Read, select and subsample the real pairs.

    Parameters
    ----------
    pair_tables : sequence of path
        TargetFinder CSV, BENGI TSV or BEDPE files (format detected per file).
    config : SimulationConfig

    Returns
    -------
    pandas.DataFrame
        Canonical pair columns, ``line``, ``source`` (index into ``pair_tables``) and
        ``target_prevalence`` (the cell line's real positive fraction), in input order.
    """
    if not pair_tables:
        raise ValueError("pair_tables: expected at least one pair table, got none")
    frames = []
    for index, path in enumerate(pair_tables):
        chunks = iter_pairs(path, detect_format(path))
        frame = pd.concat([c[PAIR_COLUMNS + ["line"]] for c in chunks], ignore_index=True)
        frames.append(frame.assign(source=index))
    pairs = pd.concat(frames, ignore_index=True)
    _check_names(pairs, pair_tables)
    pairs = _select_cell_lines(pairs, config.cell_lines, pair_tables)
    pairs["target_prevalence"] = _target_prevalence(pairs, config.prevalence, pair_tables)
    if config.max_pairs_per_cell_line is not None:
        pairs = subsample(pairs, config.max_pairs_per_cell_line, config.seed)
    _check_cis(pairs, pair_tables)
    return pairs.reset_index(drop=True)


def _check_names(pairs: pd.DataFrame, paths) -> None:
    duplicated = pairs["name"].duplicated(keep="first")
    if duplicated.any():
        row = pairs[duplicated].iloc[0]
        first = pairs[pairs["name"] == row["name"]].iloc[0]
        raise PrismInputError(
            f"duplicate pair name {row['name']!r} (first seen in {paths[first['source']]} line "
            f"{first['line']}); give each pair once",
            paths[row["source"]],
            int(row["line"]),
        )


def _select_cell_lines(pairs: pd.DataFrame, wanted, paths) -> pd.DataFrame:
    if wanted is None:
        return pairs
    present = sorted(pairs["cell_line"].unique())
    missing = [c for c in wanted if c not in present]
    if missing:
        raise PrismInputError(
            f"cell line(s) {', '.join(missing)} not in the pair tables "
            f"({', '.join(str(p) for p in paths)}); present: {', '.join(present)}"
        )
    return pairs[pairs["cell_line"].isin(wanted)].reset_index(drop=True)


def _target_prevalence(pairs: pd.DataFrame, prevalence: float | None, paths) -> np.ndarray:
    if prevalence is not None:
        return np.full(len(pairs), prevalence)
    known = pairs[pairs["label"] >= 0]
    rate = known.groupby("cell_line")["label"].mean()
    for cell in pairs["cell_line"].unique():
        if cell not in rate.index or not 0 < rate[cell] < 1:
            raise PrismInputError(
                f"cell line {cell!r} has no mix of 0/1 labels to match its prevalence; "
                "set the prevalence (--prevalence)",
                paths[int(pairs.loc[pairs["cell_line"] == cell, "source"].iloc[0])],
            )
    return pairs["cell_line"].map(rate).to_numpy(np.float64)


def subsample(pairs: pd.DataFrame, size: int, seed: int) -> pd.DataFrame:
    """At most ``size`` pairs per cell line, stratified by label, in input order.

    Each label stratum keeps its share of ``size`` (largest remainders round); within a
    stratum the pairs with the smallest keyed uniforms (seed, cell line, name) are kept,
    so the choice does not depend on row order.

    Parameters
    ----------
    pairs : pandas.DataFrame
        ``name``, ``cell_line`` and ``label`` columns.
    size : int
    seed : int

    Returns
    -------
    pandas.DataFrame
    """
    keys = keyed_uniforms(seed, _STREAM_SUBSAMPLE, pairs["cell_line"], pairs["name"])
    names = pairs["name"].to_numpy()
    cells, labels = pairs["cell_line"].to_numpy(), pairs["label"].to_numpy()
    keep = np.zeros(len(pairs), dtype=bool)
    for cell in sorted(set(cells)):
        rows = np.flatnonzero(cells == cell)
        if len(rows) <= size:
            keep[rows] = True
            continue
        strata = {label: rows[labels[rows] == label] for label in sorted(set(labels[rows]))}
        quotas = _largest_remainder({k: len(v) for k, v in strata.items()}, size)
        for label, stratum in strata.items():
            order = np.lexsort((names[stratum], keys[stratum]))
            keep[stratum[order[: quotas[label]]]] = True
    return pairs[keep].reset_index(drop=True)


def _largest_remainder(counts: dict, size: int) -> dict:
    total = sum(counts.values())
    exact = {k: size * n / total for k, n in counts.items()}
    quotas = {k: math.floor(v) for k, v in exact.items()}
    by_remainder = sorted(counts, key=lambda k: (quotas[k] - exact[k], str(k)))
    for k in by_remainder[: size - sum(quotas.values())]:
        quotas[k] += 1
    return quotas


def _check_cis(pairs: pd.DataFrame, paths) -> None:
    trans = pairs["enhancer_chrom"] != pairs["promoter_chrom"]
    if trans.any():
        row = pairs[trans].iloc[0]
        raise PrismInputError(
            "inter-chromosomal pair: the simulator's distance term needs both regions on one "
            "chromosome",
            paths[row["source"]],
            int(row["line"]),
        )


def pair_distance(pairs: pd.DataFrame) -> np.ndarray:
    """Absolute distance between region centres (bp), ``centre = (start + end) // 2``.

    Returns
    -------
    numpy.ndarray of int64, shape=(N,)
    """
    enhancer = (pairs["enhancer_start"].to_numpy() + pairs["enhancer_end"].to_numpy()) // 2
    promoter = (pairs["promoter_start"].to_numpy() + pairs["promoter_end"].to_numpy()) // 2
    return np.abs(enhancer - promoter).astype(np.int64)


# ====================================================================== regions


def build_regions(pairs: pd.DataFrame, cell_lines: list[str], config: SimulationConfig):
    """One row per distinct region, and each pair's enhancer and promoter region index.

    Returns
    -------
    regions : pandas.DataFrame
        ``key, chrom, start, end, enhancer_use, promoter_use, stored_start, stored_end,
        length, span, record``; a region used as a promoter anywhere is generated as a
        promoter. Rows (and FASTA records) are sorted by role (promoters first), stored
        length, then key.
    enhancer_index, promoter_index : numpy.ndarray of int64, shape=(N,)
    cell_sets : numpy.ndarray of int64, shape=(n_regions, C)
        Indices of the cell lines using each region as an enhancer, padded with -1.
    """
    uses = pd.concat([_uses(pairs, "enhancer"), _uses(pairs, "promoter")], ignore_index=True)
    regions = (
        uses.groupby("key", sort=True)
        .agg(
            chrom=("chrom", "first"),
            start=("start", "first"),
            end=("end", "first"),
            enhancer_use=("enhancer", "any"),
            promoter_use=("promoter", "any"),
        )
        .reset_index()
    )
    _stored_span(regions, config)
    regions = regions.sort_values(
        ["promoter_use", "length", "key"], ascending=[False, True, True], kind="stable"
    ).reset_index(drop=True)
    regions["record"] = (
        regions["chrom"] + "_" + regions["start"].astype(str) + "_" + regions["end"].astype(str)
    )
    if regions["record"].duplicated().any():
        clash = regions.loc[regions["record"].duplicated(), "record"].iloc[0]
        raise PrismInputError(f"two regions map to the same FASTA record name {clash!r}")
    where = pd.Index(regions["key"])
    enhancer_index = where.get_indexer(_keys(pairs, "enhancer"))
    promoter_index = where.get_indexer(_keys(pairs, "promoter"))
    cells = pd.Index(cell_lines).get_indexer(pairs["cell_line"])
    return regions, enhancer_index, promoter_index, _cell_sets(enhancer_index, cells, len(regions))


def _keys(pairs: pd.DataFrame, element: str) -> pd.Series:
    return (
        pairs[f"{element}_chrom"]
        + ":"
        + pairs[f"{element}_start"].astype(str)
        + "-"
        + pairs[f"{element}_end"].astype(str)
    )


def _uses(pairs: pd.DataFrame, element: str) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "key": _keys(pairs, element),
            "chrom": pairs[f"{element}_chrom"],
            "start": pairs[f"{element}_start"],
            "end": pairs[f"{element}_end"],
            "enhancer": element == "enhancer",
            "promoter": element == "promoter",
        }
    )


def _stored_span(regions: pd.DataFrame, config: SimulationConfig) -> None:
    """Add ``stored_start/stored_end`` (the region plus every window it needs) and ``span``."""
    start, end = regions["start"].to_numpy(), regions["end"].to_numpy()
    centre = (start + end) // 2  # the window rule of kipoi_prism.io.sequence.centered_window
    low, high = start.copy(), end.copy()
    narrowest = np.full(len(regions), np.iinfo(np.int64).max)
    for element in ("enhancer", "promoter"):
        used = regions[f"{element}_use"].to_numpy()
        width = getattr(config, f"{element}_length")
        window_start = centre - width // 2
        low = np.where(used, np.minimum(low, window_start), low)
        high = np.where(used, np.maximum(high, window_start + width), high)
        narrowest = np.where(used, np.minimum(narrowest, width), narrowest)
    role_span = np.where(
        regions["promoter_use"], config.promoter_motif_span, config.enhancer_motif_span
    )
    regions["stored_start"], regions["stored_end"] = low, high
    regions["length"] = high - low
    regions["span"] = np.minimum(role_span, narrowest)


def _cell_sets(enhancer_index: np.ndarray, cells: np.ndarray, n_regions: int) -> np.ndarray:
    n_cells = int(cells.max()) + 1 if len(cells) else 1
    used = np.zeros((n_regions, n_cells), dtype=bool)
    used[enhancer_index, cells] = True
    order = np.argsort(~used, axis=1, kind="stable")  # used cell lines first, in index order
    return np.where(np.take_along_axis(used, order, axis=1), order, -1).astype(np.int64)


# ====================================================================== environments


@dataclass
class Environments:
    """The motif vocabulary and the cell lines' TF environments.

    Attributes
    ----------
    cell_lines : list of str
        ``C`` cell lines, sorted.
    vocabulary : list of Motif
        ``K`` factors: the shared promoter factors, then the cell-type factors of every known
        environment (cell lines in sorted order), each once.
    queries : list of str
        The name or ID each vocabulary motif was looked up by.
    shared : numpy.ndarray of int64, shape=(n_shared,)
        Vocabulary indices of the shared promoter factors.
    factors : list of numpy.ndarray of int64
        Per cell line, the vocabulary indices of its cell-type factors.
    activity : numpy.ndarray of float64, shape=(C, K)
    impedance : numpy.ndarray of float64, shape=(K,)
        ``rho_k``.
    r_star : numpy.ndarray of float64, shape=(C,)
    """

    cell_lines: list[str]
    vocabulary: list[Motif]
    queries: list[str]
    shared: np.ndarray
    factors: list[np.ndarray]
    activity: np.ndarray
    impedance: np.ndarray
    r_star: np.ndarray

    @property
    def max_width(self) -> int:
        return max(m.width for m in self.vocabulary)

    def factor_table(self) -> tuple[np.ndarray, np.ndarray]:
        """``(table, counts)``: cell-type factor indices padded with -1, shape (C, F), and (C,)."""
        counts = np.array([len(f) for f in self.factors], dtype=np.int64)
        table = np.full((len(self.factors), max(counts.max(), 1)), -1, dtype=np.int64)
        for row, indices in zip(table, self.factors, strict=True):
            row[: len(indices)] = indices
        return table, counts


def environment_factors(cell_line: str, config: SimulationConfig) -> tuple[str, ...]:
    """A cell line's cell-type factors (``config.environments`` first, then the defaults)."""
    known = {**DEFAULT_ENVIRONMENTS, **config.environments}
    for name in (cell_line, CELL_LINE_ALIASES.get(cell_line)):
        if name in known:
            return known[name]
    raise PrismInputError(
        f"cell line {cell_line!r} has no TF environment; known: {', '.join(sorted(known))} "
        f"(aliases: {', '.join(f'{a}={b}' for a, b in CELL_LINE_ALIASES.items())}); "
        f"give one as --environment {cell_line}=FACTOR1,FACTOR2,..."
    )


def build_environments(
    cell_lines: list[str], motifs: list[Motif], config: SimulationConfig, source=None
) -> Environments:
    """Look the factors up and derive activities and ``R*`` (see module docstring)."""
    own = {c: environment_factors(c, config) for c in cell_lines}
    queries, vocabulary = _vocabulary(motifs, config, own, source)
    position = {q: i for i, q in enumerate(queries)}
    shared = np.array([position[q] for q in config.shared_promoter_factors], dtype=np.int64)
    factors = [np.array([position[q] for q in own[c]], dtype=np.int64) for c in cell_lines]
    activity = np.full((len(cell_lines), len(queries)), config.inactive_activity)
    activity[:, shared] = 1.0
    for row, indices in zip(activity, factors, strict=True):
        row[indices] = 1.0
    impedance = np.array([key_hash(config.seed, _STREAM_FACTOR, m.id) >> 11 for m in vocabulary])
    impedance = impedance.astype(np.float64) * 2.0**-53
    r_star = np.array(
        [
            config.r_star[c] if c in config.r_star else environment_r_star(impedance[f], config)
            for c, f in zip(cell_lines, factors, strict=True)
        ]
    )
    _check_slopes(cell_lines, r_star, config.lam_star)
    return Environments(
        cell_lines, vocabulary, queries, shared, factors, activity, impedance, r_star
    )


def environment_r_star(impedances: np.ndarray, config: SimulationConfig) -> float:
    """``R*`` of an environment from its cell-type factors' impedances ``rho_k ~ U(0, 1)``.

    ``R* = r_min + (r_max - r_min) * F_n(sum rho_k)`` with ``F_n`` the Irwin-Hall
    distribution function (of a sum of ``n`` independent U(0, 1)): a monotone function of the
    mean impedance that is itself uniform on [0, 1], so that ``R*`` spreads over the whole
    range rather than crowding at its middle as a plain mean would.

    Parameters
    ----------
    impedances : numpy.ndarray of float64, shape=(n,)
    config : SimulationConfig

    Returns
    -------
    float
    """
    low, high = config.r_star_range
    if len(impedances) == 0:
        return low
    return low + (high - low) * irwin_hall_cdf(float(impedances.sum()), len(impedances))


def irwin_hall_cdf(x: float, n: int) -> float:
    """``P(U_1 + ... + U_n <= x)`` for independent ``U_i ~ U(0, 1)``.

    ``sum_{k=0}^{floor(x)} (-1)^k C(n, k) (x - k)^n / n!``, clipped to [0, 1].
    """
    if x <= 0:
        return 0.0
    if x >= n:
        return 1.0
    total = sum((-1) ** k * math.comb(n, k) * (x - k) ** n for k in range(int(x) + 1))
    return min(max(total / math.factorial(n), 0.0), 1.0)


def _check_slopes(cell_lines: list[str], r_star: np.ndarray, lam_star: float) -> None:
    """``1 + lam* R*_c > 0`` for every cell line, so that ``U*`` keeps its direction."""
    slopes = 1 + lam_star * r_star
    if (slopes <= 0).any():
        c = int(np.argmin(slopes))
        raise ValueError(
            f"lam_star: expected 1 + lam* R*_c > 0 in every cell line, got {slopes[c]:.3g} for "
            f"{cell_lines[c]} (R* = {r_star[c]:.3g}, lam* = {lam_star}); lower |lam_star| or "
            "r_star_range"
        )


def _vocabulary(motifs: list[Motif], config: SimulationConfig, own: dict, source):
    """Shared promoter factors, then every known environment's factors (cell lines sorted).

    The factors of the simulated cell lines must be in the motif file; those of the other
    known environments stay in (as distractors) where the file has them, so that the
    vocabulary, and with it ``W``, does not depend on which cell lines are simulated.

    Returns
    -------
    queries : list of str
    vocabulary : list of Motif
    """
    known = {**DEFAULT_ENVIRONMENTS, **config.environments}
    required = set(config.shared_promoter_factors) | {f for fs in own.values() for f in fs}
    candidates = list(config.shared_promoter_factors) + [
        f for cell in sorted(known) for f in known[cell]
    ]
    queries, vocabulary = [], []
    for query in dict.fromkeys(candidates):
        try:
            motif = find_motif(motifs, query, source)
        except PrismInputError:
            if query in required:
                raise
            log.debug("simulate: factor %s is not in the motif file; left out", query)
            continue
        queries.append(query)
        vocabulary.append(motif)
    _check_distinct(queries, [m.id for m in vocabulary], source)
    return queries, vocabulary


def _check_distinct(queries: list[str], ids: list[str], source) -> None:
    seen: dict[str, str] = {}
    for query, motif_id in zip(queries, ids, strict=True):
        if motif_id in seen:
            raise PrismInputError(
                f"factors {seen[motif_id]!r} and {query!r} resolve to the same motif "
                f"{motif_id}; name each factor once",
                source,
            )
        seen[motif_id] = query


def compatibility_matrix(size: int, config: SimulationConfig) -> np.ndarray:
    """The sparse random motif-pair compatibility ``W`` (see module docstring).

    Returns
    -------
    numpy.ndarray of float64, shape=(size, size)
        ``W[i, j]``: effect of factor ``i`` in the enhancer with factor ``j`` in the promoter.
    """
    rng = np.random.default_rng([config.seed, _STREAM_COMPATIBILITY])
    magnitude = np.abs(rng.standard_normal((size, size)))
    present = rng.random((size, size)) < config.compatibility_density
    sign = np.where(rng.random((size, size)) < config.compatibility_positive, 1.0, -1.0)
    return magnitude * present * sign


# ====================================================================== sequences


@dataclass
class _Sites:
    """Motif sites drawn for one batch of regions (one entry per site)."""

    row: np.ndarray  # batch row, int64
    slot: np.ndarray  # slot index within the region's span, int64
    uniforms: np.ndarray  # float64, shape=(n, _SITE_FIELDS + max_width)


class SequenceGenerator:
    """Generates region sequences in batches and records the planted sites.

    Parameters
    ----------
    regions : pandas.DataFrame
        From :func:`build_regions`.
    cell_sets : numpy.ndarray of int64, shape=(n_regions, C)
    environments : Environments
    backgrounds : dict
        ``{"enhancer": MarkovBackground, "promoter": MarkovBackground}``.
    config : SimulationConfig
    """

    def __init__(self, regions, cell_sets, environments, backgrounds, config) -> None:
        self.regions = regions
        self.cell_sets = cell_sets
        self.n_cells = (cell_sets >= 0).sum(axis=1)
        self.env = environments
        self.backgrounds = backgrounds
        self.config = config
        self.slot_width = environments.max_width + 2
        self.factor_table, self.factor_counts = environments.factor_table()
        self.counts = np.zeros((len(regions), len(environments.vocabulary)), dtype=np.int32)

    def batches(self) -> Iterator[np.ndarray]:
        """Region indices per batch: one role per batch, at most ``batch_bases`` bases."""
        promoter = self.regions["promoter_use"].to_numpy()
        lengths = self.regions["length"].to_numpy()
        start = 0
        while start < len(self.regions):
            stop = start + 1
            while (
                stop < len(self.regions)
                and promoter[stop] == promoter[start]
                and (stop - start + 1) * lengths[stop] <= self.config.batch_bases
            ):
                stop += 1
            yield np.arange(start, stop)
            start = stop

    def generate(self, batch: np.ndarray) -> np.ndarray:
        """Sequences of one batch of regions.

        Returns
        -------
        numpy.ndarray of uint8, shape=(B, L_max)
            Channel codes; row ``i`` is valid up to ``regions.length[batch[i]]``.
        """
        lengths = self.regions["length"].to_numpy()[batch]
        uniforms = np.zeros((len(batch), int(lengths.max())), dtype=np.float32)
        sites = self._draw(batch, uniforms)
        role = "promoter" if self.regions["promoter_use"].iloc[batch[0]] else "enhancer"
        codes = self.backgrounds[role].sample(uniforms)
        self._plant(batch, codes, sites, role)
        return codes

    def _draw(self, batch: np.ndarray, uniforms: np.ndarray) -> _Sites:
        """Per region, in a fixed order: site count, slots, site uniforms, background."""
        seed = self.config.seed
        keys = self.regions["key"].to_numpy()[batch]
        promoter = self.regions["promoter_use"].to_numpy()[batch]
        n_slots = self.regions["span"].to_numpy()[batch] // self.slot_width
        mean = np.where(promoter, self.config.promoter_sites, self.config.enhancer_sites)
        lengths = self.regions["length"].to_numpy()[batch]
        width = _SITE_FIELDS + self.env.max_width
        rows, slots, draws = [], [], []
        for i, key in enumerate(keys):
            rng = region_rng(seed, key)
            n = min(int(rng.poisson(mean[i])), int(n_slots[i]))
            slots.append(rng.choice(int(n_slots[i]), size=n, replace=False))
            draws.append(rng.random((n, width)))
            rows.append(np.full(n, i, dtype=np.int64))
            rng.random(out=uniforms[i, : lengths[i]], dtype=np.float32)
        return _Sites(np.concatenate(rows), np.concatenate(slots), np.concatenate(draws))

    def _factors(self, batch: np.ndarray, sites: _Sites, role: str) -> np.ndarray:
        """Vocabulary index of every site's factor (see module docstring)."""
        u = sites.uniforms
        n_vocabulary = len(self.env.vocabulary)
        generic = np.minimum((u[:, 2] * n_vocabulary).astype(np.int64), n_vocabulary - 1)
        if role == "promoter":
            shared = self.env.shared
            pick = np.minimum((u[:, 2] * len(shared)).astype(np.int64), len(shared) - 1)
            return np.where(u[:, 0] < self.config.promoter_enrichment, shared[pick], generic)
        region = batch[sites.row]
        n_cells = self.n_cells[region]
        which = np.minimum((u[:, 1] * n_cells).astype(np.int64), n_cells - 1)
        cell = self.cell_sets[region, which]
        counts = self.factor_counts[cell]
        pick = np.minimum((u[:, 2] * counts).astype(np.int64), np.maximum(counts - 1, 0))
        own = self.factor_table[cell, pick]
        enriched = (u[:, 0] < self.config.enhancer_enrichment) & (counts > 0)
        return np.where(enriched, own, generic)

    def _plant(self, batch: np.ndarray, codes: np.ndarray, sites: _Sites, role: str) -> None:
        if len(sites.row) == 0:
            return
        factors = self._factors(batch, sites, role)
        region = batch[sites.row]
        start, end = self.regions["start"].to_numpy(), self.regions["end"].to_numpy()
        centre = (start[region] + end[region]) // 2 - self.regions["stored_start"].to_numpy()[
            region
        ]
        span_start = centre - self.regions["span"].to_numpy()[region] // 2
        slot_start = span_start + sites.slot * self.slot_width
        for k in np.unique(factors):
            motif = self.env.vocabulary[k]
            chosen = np.flatnonzero(factors == k)
            u = sites.uniforms[chosen]
            bases = sample_sites(motif, u[:, _SITE_FIELDS:])
            minus = u[:, 4] < 0.5
            bases[minus] = reverse_complement_codes(bases[minus])
            room = self.slot_width - motif.width + 1
            offset = np.minimum((u[:, 3] * room).astype(np.int64), room - 1)
            columns = (slot_start[chosen] + offset)[:, None] + np.arange(motif.width)
            codes[sites.row[chosen][:, None], columns] = bases
            np.add.at(self.counts, (region[chosen], k), 1)


# ====================================================================== FASTA


@contextlib.contextmanager
def atomic_output(path: Path) -> Iterator[Path]:
    """A temporary path beside ``path``, renamed onto it when the block succeeds."""
    temporary = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    try:
        yield temporary
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)


def fasta_record(name: str, codes: np.ndarray, width: int = FASTA_LINE_WIDTH) -> bytes:
    """One FASTA record with fixed-width lines.

    Parameters
    ----------
    name : str
    codes : numpy.ndarray of uint8, shape=(L,)
        Channel codes 0-3.
    width : int
        Bases per line.

    Returns
    -------
    bytes
    """
    letters = _LETTERS[codes]
    full = len(letters) // width * width
    lines = np.hstack(
        [letters[:full].reshape(-1, width), np.full((full // width, 1), 10, np.uint8)]
    )
    tail = letters[full:].tobytes() + b"\n" if full < len(letters) else b""
    return f">{name}\n".encode() + lines.tobytes() + tail


def write_genome(
    generator: SequenceGenerator, fasta: Path, progress: bool
) -> dict[str, dict[str, float]]:
    """Generate every region and write the FASTA and its ``.fai``, each atomically.

    The index is written after the FASTA is in place, so it is never older than the FASTA
    (:class:`kipoi_prism.io.genome.Genome` rebuilds an older index).

    Returns
    -------
    dict
        ``{"enhancer": composition, "promoter": composition}`` of all stored sequences of
        each role (see :func:`kipoi_prism.simulation.background.composition`).
    """
    from tqdm import tqdm

    regions = generator.regions
    lengths, names = regions["length"].to_numpy(), regions["record"].to_numpy()
    index_rows: list[str] = []
    tallies = {"enhancer": _Tally(), "promoter": _Tally()}
    bar = tqdm(
        total=len(regions),
        desc="simulate: sequences",
        unit="region",
        file=sys.stderr,
        disable=not progress,
    )
    with atomic_output(fasta.with_name(fasta.name + ".fai")) as fai:
        with atomic_output(fasta) as temporary, open(temporary, "wb") as handle:
            for batch in generator.batches():
                codes = generator.generate(batch)
                role = "promoter" if regions["promoter_use"].iloc[batch[0]] else "enhancer"
                tallies[role].add(codes, lengths[batch])
                for row, region in enumerate(batch):
                    record = fasta_record(names[region], codes[row, : lengths[region]])
                    offset = handle.tell() + len(names[region]) + 2  # after ">name\n"
                    index_rows.append(
                        f"{names[region]}\t{lengths[region]}\t{offset}\t"
                        f"{FASTA_LINE_WIDTH}\t{FASTA_LINE_WIDTH + 1}\n"
                    )
                    handle.write(record)
                bar.update(len(batch))
        fai.write_text("".join(index_rows))
    bar.close()
    return {role: tally.composition() for role, tally in tallies.items() if tally.bases}


class _Tally:
    """Running C, G and CpG counts over sequences of several batches."""

    def __init__(self) -> None:
        self.bases = self.c = self.g = self.pairs = self.cg = 0

    def add(self, codes: np.ndarray, lengths: np.ndarray) -> None:
        valid = np.arange(codes.shape[1]) < lengths[:, None]
        self.bases += int(valid.sum())
        self.c += int(((codes == 1) & valid).sum())
        self.g += int(((codes == 2) & valid).sum())
        self.pairs += int(valid[:, 1:].sum())
        self.cg += int(((codes[:, :-1] == 1) & (codes[:, 1:] == 2) & valid[:, 1:]).sum())

    def composition(self) -> dict[str, float]:
        """Same keys as :func:`kipoi_prism.simulation.background.composition`."""
        c, g, cg = self.c / self.bases, self.g / self.bases, self.cg / self.pairs
        return {
            "gc": c + g,
            "cpg_oe": cg / (c * g) if c * g > 0 else 0.0,
            "cpg_per_kb": 1000.0 * cg,
        }


# ====================================================================== truth


def motif_features(site_counts: np.ndarray) -> np.ndarray:
    """``x = log(1 + n)``, shape (n_regions, K)."""
    return np.log1p(site_counts.astype(np.float64))


def compatibility_terms(x_e, x_p, activity, weights) -> tuple[np.ndarray, np.ndarray]:
    """Ungated and gated motif-pair compatibility of each pair.

    Parameters
    ----------
    x_e, x_p : numpy.ndarray, shape=(N, K)
        Motif features of each pair's enhancer and promoter.
    activity : numpy.ndarray, shape=(N, K)
        The pair's cell-line activities ``a_c``.
    weights : numpy.ndarray, shape=(K, K)
        ``W``.

    Returns
    -------
    S, G : numpy.ndarray of float64, shape=(N,)
    """
    ungated = np.einsum("nk,nk->n", x_e @ weights, x_p)
    gated = np.einsum("nk,nk->n", (activity * x_e) @ weights, activity * x_p)
    return ungated, gated


def standardise(values: np.ndarray) -> tuple[np.ndarray, float, float]:
    """``(values - mean) / sd`` with the mean and sd (sd 0 leaves zeros)."""
    mean, sd = float(values.mean()), float(values.std())
    return (values - mean) / sd if sd > 0 else np.zeros_like(values), mean, sd


def energy_logit(u_star, r_star, lam_star: float, t_star: float) -> np.ndarray:
    """``(U* - R* + lam* U* R*) / T*``, elementwise."""
    return (u_star - r_star + lam_star * u_star * r_star) / t_star


def calibrate_offset(u, r_star: float, target: float, lam_star: float, t_star: float) -> float:
    """The offset ``b`` with ``mean(sigmoid(energy_logit(u + b, R*))) == target``.

    The mean rises with ``b`` while ``1 + lam* R* > 0``; bisection to machine precision.

    Parameters
    ----------
    u : numpy.ndarray of float64, shape=(N,)
    r_star, target, lam_star, t_star : float

    Returns
    -------
    float
    """

    def excess(b: float) -> float:
        return float(_sigmoid(energy_logit(u + b, r_star, lam_star, t_star)).mean()) - target

    low, high = -1.0, 1.0
    while excess(low) > 0:
        low *= 2
    while excess(high) < 0:
        high *= 2
    for _ in range(200):
        middle = 0.5 * (low + high)
        if middle in (low, high):
            break
        low, high = (middle, high) if excess(middle) < 0 else (low, middle)
    return 0.5 * (low + high)


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 0.5 * (1.0 + np.tanh(0.5 * x))


@dataclass
class SequencePotential:
    """The sequence part of ``U*`` for every pair (see :func:`sequence_potential`)."""

    u: np.ndarray  # shape (N,): signal_scale * z(m) - distance_weight * z(log10 d)
    x_e: np.ndarray  # shape (N, K)
    x_p: np.ndarray  # shape (N, K)
    ungated: np.ndarray  # shape (N,): S
    gated: np.ndarray  # shape (N,): G_c
    z_distance: np.ndarray  # shape (N,)
    weights: np.ndarray  # shape (K, K): W
    standardisation: dict[str, float]

    def score_with(self, activity: np.ndarray, rows: np.ndarray, config) -> np.ndarray:
        """``u`` of the pairs ``rows`` had their cell line the activities ``activity`` (K,)."""
        gated = np.einsum(
            "nk,nk->n", (activity * self.x_e[rows]) @ self.weights, activity * self.x_p[rows]
        )
        mixed = (1 - config.gating_strength) * self.ungated[rows] + config.gating_strength * gated
        z_mixed = (mixed - self.standardisation["compatibility_mean"]) / self.standardisation[
            "compatibility_sd"
        ]
        return config.signal_scale * z_mixed - config.distance_weight * self.z_distance[rows]


def sequence_potential(pairs, enhancer_index, promoter_index, site_counts, env, config):
    """``u`` (``U*`` without the offset ``b_c``) and its parts, for every pair.

    Returns
    -------
    SequencePotential
    """
    x = motif_features(site_counts)
    cell_index = pd.Index(env.cell_lines).get_indexer(pairs["cell_line"])
    weights = compatibility_matrix(len(env.vocabulary), config)
    x_e, x_p = x[enhancer_index], x[promoter_index]
    ungated, gated = compatibility_terms(x_e, x_p, env.activity[cell_index], weights)
    mixed = (1 - config.gating_strength) * ungated + config.gating_strength * gated
    if not mixed.std() > 0:
        raise ValueError(
            "enhancer_sites/promoter_sites: the planted motifs give every pair the same "
            "compatibility; raise the mean number of sites"
        )
    z_mixed, mixed_mean, mixed_sd = standardise(mixed)
    log_distance = np.log10(np.maximum(pair_distance(pairs), 1))
    z_distance, distance_mean, distance_sd = standardise(log_distance)
    u = config.signal_scale * z_mixed - config.distance_weight * z_distance
    standardisation = {
        "compatibility_mean": mixed_mean,
        "compatibility_sd": mixed_sd,
        "log10_distance_mean": distance_mean,
        "log10_distance_sd": distance_sd,
    }
    return SequencePotential(u, x_e, x_p, ungated, gated, z_distance, weights, standardisation)


def label_pairs(pairs, enhancer_index, promoter_index, site_counts, env, config):
    """Apply the mechanism (module docstring) to every pair.

    Returns
    -------
    columns : dict of numpy.ndarray, shape=(N,)
        ``u_star, r_star, logit_star, p_star, oracle_probability, label, cell_index,
        distance, compatibility, gated_compatibility``.
    parameters : dict
        ``W``, standardisation constants, the offsets ``b_c`` and, per cell line, the
        AUPR of the truth computed under the other cell lines' environments.
    """
    potential = sequence_potential(pairs, enhancer_index, promoter_index, site_counts, env, config)
    cell_index = pd.Index(env.cell_lines).get_indexer(pairs["cell_line"])
    target = pairs["target_prevalence"].to_numpy(np.float64)
    offsets = np.zeros(len(env.cell_lines))
    for c in range(len(env.cell_lines)):
        rows = cell_index == c
        if rows.any():
            offsets[c] = calibrate_offset(
                potential.u[rows], env.r_star[c], target[rows][0], config.lam_star, config.t_star
            )
    u_star = potential.u + offsets[cell_index]
    r_star = env.r_star[cell_index]
    logit = energy_logit(u_star, r_star, config.lam_star, config.t_star)
    p_star = _sigmoid(logit)
    oracle = (1 - config.label_noise) * p_star + config.label_noise * target
    draws = keyed_uniforms(config.seed, _STREAM_LABEL, pairs["cell_line"], pairs["name"])
    labels = (draws < oracle).astype(np.int8)
    columns = {
        "u_star": u_star,
        "r_star": r_star,
        "logit_star": logit,
        "p_star": p_star,
        "oracle_probability": oracle,
        "label": labels,
        "cell_index": cell_index,
        "distance": pair_distance(pairs),
        "compatibility": potential.ungated,
        "gated_compatibility": potential.gated,
    }
    parameters = {
        "compatibility_matrix": potential.weights,
        "standardisation": potential.standardisation,
        "offsets": offsets,
        "swapped_aupr": swapped_environment_aupr(potential, labels, cell_index, env, config),
    }
    return columns, parameters


def swapped_environment_aupr(potential, labels, cell_index, env, config) -> dict[str, float]:
    """Per cell line, the mean AUPR of its labels scored by the truth of another environment.

    For cell line ``c`` and every other simulated ``c'``, ``u`` is recomputed for ``c``'s
    pairs with ``a_c'`` in place of ``a_c`` and used as the score. The gap to the oracle AUPR
    is what knowing the right environment is worth; without gating there is none.

    Returns
    -------
    dict
        ``{cell line: mean AUPR}`` (None with one cell line or one label class).
    """
    from sklearn.metrics import average_precision_score

    swapped = {}
    for c, cell in enumerate(env.cell_lines):
        rows = np.flatnonzero(cell_index == c)
        y = labels[rows]
        others = [o for o in range(len(env.cell_lines)) if o != c]
        if not others or not 0 < y.sum() < len(y):
            swapped[cell] = None
            continue
        scores = [potential.score_with(env.activity[o], rows, config) for o in others]
        swapped[cell] = float(np.mean([average_precision_score(y, s) for s in scores]))
    return swapped


def oracle_metrics(table: pd.DataFrame) -> dict[str, dict[str, float]]:
    """AUPR, AUROC and Brier score of the oracle probability, per cell line and pooled.

    Returns
    -------
    dict
        ``{cell line or "pooled": {"aupr", "auroc", "brier", "prevalence",
        "target_prevalence", "pairs", "positives"}}``; AUPR/AUROC are None where a cell
        line's labels are all one class.
    """
    metrics = {}
    for cell, rows in table.groupby("cell_line", sort=True):
        metrics[str(cell)] = _metrics(rows)
    metrics["pooled"] = _metrics(table)
    return metrics


def _metrics(rows: pd.DataFrame) -> dict[str, float]:
    from sklearn.metrics import average_precision_score, roc_auc_score

    y = rows["label"].to_numpy()
    p = rows["oracle_probability"].to_numpy()
    both = 0 < y.sum() < len(y)
    return {
        "aupr": float(average_precision_score(y, p)) if both else None,
        "auroc": float(roc_auc_score(y, p)) if both else None,
        "brier": float(np.mean((p - y) ** 2)),
        "prevalence": float(y.mean()),
        "target_prevalence": float(rows["target_prevalence"].mean()),
        "pairs": int(len(y)),
        "positives": int(y.sum()),
    }


# ====================================================================== BEDPE + JSON

BEDPE_EXTRAS = [
    "original_enhancer_chrom",
    "original_enhancer_start",
    "original_enhancer_end",
    "original_promoter_chrom",
    "original_promoter_start",
    "original_promoter_end",
    "distance",
    "u_star",
    "r_star",
    "logit_star",
    "oracle_probability",
]


def output_table(pairs, regions, enhancer_index, promoter_index, columns) -> pd.DataFrame:
    """The BEDPE rows: coordinates moved into the compact FASTA, truth columns appended."""
    table = pd.DataFrame(index=pairs.index)
    for element, index in (("enhancer", enhancer_index), ("promoter", promoter_index)):
        stored = regions["stored_start"].to_numpy()[index]
        table[f"{element}_chrom"] = regions["record"].to_numpy()[index]
        table[f"{element}_start"] = pairs[f"{element}_start"].to_numpy() - stored
        table[f"{element}_end"] = pairs[f"{element}_end"].to_numpy() - stored
    table["name"] = pairs["name"]
    table["score"] = "."
    table["enhancer_strand"] = table["promoter_strand"] = "."
    table["cell_line"] = pairs["cell_line"]
    table["label"] = columns["label"]
    for element in ("enhancer", "promoter"):
        for part in ("chrom", "start", "end"):
            table[f"original_{element}_{part}"] = pairs[f"{element}_{part}"]
    for name in BEDPE_EXTRAS[6:]:
        table[name] = columns[name]
    extra = {
        k: columns[k] for k in ("p_star", "cell_index", "compatibility", "gated_compatibility")
    }
    return table.assign(
        **extra,
        target_prevalence=pairs["target_prevalence"].to_numpy(),
        enhancer_region=enhancer_index,
        promoter_region=promoter_index,
    )


def write_bedpe(table: pd.DataFrame, path: Path) -> None:
    """The canonical BEDPE with a ``#`` header naming every column, written atomically."""
    columns = PAIR_COLUMNS + BEDPE_EXTRAS
    with atomic_output(path) as temporary:
        with open(temporary, "w", newline="\n") as handle:
            handle.write("#" + "\t".join(columns) + "\n")
            table[columns].to_csv(
                handle,
                sep="\t",
                header=False,
                index=False,
                float_format="%.10g",
                lineterminator="\n",
            )


def write_json(data: dict, path: Path) -> None:
    """Sorted, indented JSON (NaN -> null), written atomically."""
    with atomic_output(path) as temporary:
        temporary.write_text(json.dumps(_plain(data), indent=2, sort_keys=True) + "\n")


def _plain(value):
    """JSON-ready copy: arrays to lists, numpy scalars to Python, NaN to None."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, np.ndarray):
        return _plain(value.tolist())
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def file_sha256(path: str | os.PathLike) -> str:
    """Hex SHA-256 of a file's bytes."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def truth_document(config, env, parameters, metrics, compositions, regions, inputs) -> dict:
    """The content of ``truth.json``."""
    cells = {}
    for c, cell in enumerate(env.cell_lines):
        cells[cell] = {
            "factors": [env.queries[k] for k in env.factors[c]],
            "factor_motif_ids": [env.vocabulary[k].id for k in env.factors[c]],
            "activity": env.activity[c],
            "r_star": env.r_star[c],
            "offset_b": parameters["offsets"][c],
            "slope_1_plus_lam_r": 1 + config.lam_star * env.r_star[c],
            "oracle": metrics.get(cell),
        }
    return {
        "format": TRUTH_FORMAT,
        "mechanism": {
            "logit": "(U* - R*_c + lam* U* R*_c) / T*",
            "u_star": "signal_scale * z((1 - g) S + g G_c) - distance_weight * z(log10 d) + b_c",
            "oracle_probability": "(1 - label_noise) sigmoid(logit) + label_noise pi_c",
            "lam_star": config.lam_star,
            "t_star": config.t_star,
            **parameters["standardisation"],
        },
        "config": config.to_dict(),
        "vocabulary": [
            {"query": q, "id": m.id, "name": m.name, "width": m.width, "impedance_rho": rho}
            for q, m, rho in zip(env.queries, env.vocabulary, env.impedance, strict=True)
        ],
        "shared_promoter_factors": [env.queries[k] for k in env.shared],
        "compatibility_matrix": parameters["compatibility_matrix"],
        "cell_lines": cells,
        "oracle": metrics,
        "regions": {
            "total": int(len(regions)),
            "promoter_role": int(regions["promoter_use"].sum()),
            "enhancer_only": int((~regions["promoter_use"]).sum()),
            "bases": int(regions["length"].sum()),
        },
        "composition": compositions,
        "inputs": inputs,
    }


# ====================================================================== entry point


def simulate(
    pair_tables: Sequence[str | os.PathLike] | str | os.PathLike,
    motifs: str | os.PathLike,
    background: str | os.PathLike,
    out_dir: str | os.PathLike,
    config: SimulationConfig | None = None,
    progress: bool = True,
) -> SimulationResult:
    """Simulate sequences and labels on real pair tables (see module docstring).

    Parameters
    ----------
    pair_tables : path or sequence of path
        TargetFinder CSV, BENGI TSV or BEDPE pair tables (format detected per file).
    motifs : path
        MEME motif file (JASPAR).
    background : path
        FASTA of real sequence to fit the Markov background on.
    out_dir : path
        Created if missing; ``genome.fa``, ``genome.fa.fai``, ``pairs.bedpe`` and
        ``truth.json`` are replaced atomically.
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
    backgrounds = _backgrounds(background, config)
    generator = SequenceGenerator(regions, cell_sets, env, backgrounds, config)
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
    inputs = _inputs(pair_tables, motifs, background)
    document = truth_document(config, env, parameters, metrics, compositions, regions, inputs)
    write_json(document, out_dir / TRUTH_NAME)
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
        _plain(document),
    )


def _backgrounds(path, config: SimulationConfig) -> dict[str, MarkovBackground]:
    enhancer = MarkovBackground.from_fasta(path, config.markov_order)
    promoter = enhancer.boosted(config.promoter_cpg_boost, config.promoter_gc_boost)
    return {"enhancer": enhancer, "promoter": promoter}


def _inputs(pair_tables, motifs, background) -> dict:
    def describe(path) -> dict:
        return {"file": Path(path).name, "sha256": file_sha256(path)}

    return {
        "pair_tables": [describe(p) for p in pair_tables],
        "motifs": describe(motifs),
        "background": describe(background),
    }


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
