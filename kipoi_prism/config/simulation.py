"""The simulator's settings (:mod:`kipoi_prism.simulation` describes the mechanism)."""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass, field

import numpy as np

from kipoi_prism.config.checks import check

DEFAULT_SHARED_PROMOTER_FACTORS = ("SP1", "NFYA", "YY1", "ELK1", "CREB1", "NRF1")


@dataclass
class SimulationConfig:
    """Every knob of the simulator (the mechanism: :mod:`kipoi_prism.simulation`).

    Attributes
    ----------
    seed : int
        Same seed and inputs give byte-identical outputs.
    lam_star, t_star : float
        The true interaction coefficient (0: additive; < 0: antagonism) and temperature (> 0).
    signal_scale : float
        Weight of the standardised motif-pair compatibility in ``u``.
    gating_strength : float
        In [0, 1]: the share of the compatibility gated by the cell line's activities
        (0: the same pair ranks the same in every cell line).
    distance_weight : float
        Weight of the standardised log10 distance (positive: far pairs less likely).
    label_noise : float
        In [0, 1): share of each label's probability replaced by the cell line's prevalence.
    r_star_range : tuple of float
        ``(r_min, r_max)``, ``0 <= r_min <= r_max``.
    r_star : dict
        ``{cell line: R*}``, overriding the environment-derived value.
    inactive_activity : float
        In [0, 1]: activity of factors not active in a cell line.
    compatibility_density, compatibility_positive : float
        In (0, 1] and [0, 1]: share of non-zero entries of ``W``, share of those positive.
    enhancer_sites, promoter_sites : float
        Mean number of planted motif sites per region (Poisson).
    enhancer_enrichment, promoter_enrichment : float
        In [0, 1]: probability that a site's factor comes from the cell line's active factors
        (enhancers) or the shared promoter factors (promoters).
    enhancer_motif_span, promoter_motif_span : int
        Central span (bp) of the region holding its sites; at most the window width.
    enhancer_length, promoter_length : int
        Model window widths (bp); every stored sequence covers them.
    markov_order : int
        Order ``k`` of the background chain (3 or more recommended).
    promoter_cpg_boost, promoter_gc_boost : float
        Factors of :meth:`kipoi_prism.simulation.background.MarkovBackground.boosted` for promoters.
    prevalence : float, optional
        Target positive fraction for every cell line; default: each cell line's own in the
        real table.
    max_pairs_per_cell_line : int, optional
        Keep at most this many pairs per cell line, stratified by the real label (seeded,
        independent of row order).
    cell_lines : tuple of str, optional
        Simulate only these cell lines (default: every one in the tables).
    shared_promoter_factors : tuple of str
        Motif names or matrix IDs active in every cell line, enriched in promoters.
    environments : dict
        ``{cell line: (factor, ...)}``, adding to or replacing
        :data:`kipoi_prism.simulation.environments.DEFAULT_ENVIRONMENTS`.
    batch_bases : int
        Bases generated per batch (memory only; results do not depend on it).
    """

    seed: int = 0
    lam_star: float = 0.3
    t_star: float = 1.0
    signal_scale: float = 2.5
    gating_strength: float = 0.7
    distance_weight: float = 0.3
    label_noise: float = 0.05
    r_star_range: tuple[float, float] = (0.5, 2.5)
    r_star: dict[str, float] = field(default_factory=dict)
    inactive_activity: float = 0.1
    compatibility_density: float = 0.3
    compatibility_positive: float = 0.7
    enhancer_sites: float = 6.0
    promoter_sites: float = 6.0
    enhancer_enrichment: float = 0.6
    promoter_enrichment: float = 0.7
    enhancer_motif_span: int = 1000
    promoter_motif_span: int = 1000
    enhancer_length: int = 3000
    promoter_length: int = 2000
    markov_order: int = 4
    promoter_cpg_boost: float = 2.5
    promoter_gc_boost: float = 1.25
    prevalence: float | None = None
    max_pairs_per_cell_line: int | None = None
    cell_lines: tuple[str, ...] | None = None
    shared_promoter_factors: tuple[str, ...] = DEFAULT_SHARED_PROMOTER_FACTORS
    environments: dict[str, tuple[str, ...]] = field(default_factory=dict)
    batch_bases: int = 25_000_000

    def __post_init__(self) -> None:
        self.r_star_range = tuple(float(v) for v in self.r_star_range)
        if self.cell_lines is not None:
            self.cell_lines = tuple(self.cell_lines)
        self.shared_promoter_factors = tuple(self.shared_promoter_factors)
        self.environments = {str(k): tuple(v) for k, v in self.environments.items()}
        self.r_star = {str(k): float(v) for k, v in self.r_star.items()}
        self._validate()

    def _validate(self) -> None:
        check(
            isinstance(self.seed, (int, np.integer)) and self.seed >= 0,
            "seed",
            self.seed,
            "a non-negative integer",
        )
        check(self.t_star > 0, "t_star", self.t_star, "a positive temperature")
        for name in ("signal_scale", "enhancer_sites", "promoter_sites"):
            check(getattr(self, name) >= 0, name, getattr(self, name), "a number >= 0")
        for name in (
            "gating_strength",
            "inactive_activity",
            "compatibility_positive",
            "enhancer_enrichment",
            "promoter_enrichment",
        ):
            check(0 <= getattr(self, name) <= 1, name, getattr(self, name), "a number in [0, 1]")
        check(0 <= self.label_noise < 1, "label_noise", self.label_noise, "a number in [0, 1)")
        check(
            0 < self.compatibility_density <= 1,
            "compatibility_density",
            self.compatibility_density,
            "a number in (0, 1]",
        )
        bounds = self.r_star_range
        check(
            len(bounds) == 2 and 0 <= bounds[0] <= bounds[-1],
            "r_star_range",
            bounds,
            "(r_min, r_max) with 0 <= r_min <= r_max",
        )
        check(all(v >= 0 for v in self.r_star.values()), "r_star", self.r_star, "values >= 0")
        for element in ("enhancer", "promoter"):
            width, span = getattr(self, f"{element}_length"), getattr(self, f"{element}_motif_span")
            check(width > 0, f"{element}_length", width, "a positive window width")
            check(
                0 < span <= width,
                f"{element}_motif_span",
                span,
                f"a span in (0, {element}_length = {width}]",
            )
        check(3 <= self.markov_order <= 10, "markov_order", self.markov_order, "3 to 10")
        for name in ("promoter_cpg_boost", "promoter_gc_boost"):
            check(getattr(self, name) > 0, name, getattr(self, name), "a positive factor")
        check(
            self.prevalence is None or 0 < self.prevalence < 1,
            "prevalence",
            self.prevalence,
            "a fraction in (0, 1)",
        )
        check(
            self.max_pairs_per_cell_line is None or self.max_pairs_per_cell_line >= 1,
            "max_pairs_per_cell_line",
            self.max_pairs_per_cell_line,
            "a count >= 1",
        )
        check(self.batch_bases >= 1, "batch_bases", self.batch_bases, "a count >= 1")

    def to_dict(self) -> dict:
        """Plain JSON-ready values of every field."""
        return json.loads(json.dumps(dataclasses.asdict(self)))
