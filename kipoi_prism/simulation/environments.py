"""The motif vocabulary and the cell lines' TF environments.

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
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass

import numpy as np

from kipoi_prism.config import SimulationConfig
from kipoi_prism.errors import PrismInputError
from kipoi_prism.io.motifs import Motif, find_motif
from kipoi_prism.simulation.randomness import STREAM_FACTOR, key_hash

log = logging.getLogger(__name__)

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
    impedance = np.array([key_hash(config.seed, STREAM_FACTOR, m.id) >> 11 for m in vocabulary])
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
