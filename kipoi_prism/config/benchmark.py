"""The benchmark's settings: which tracks, cell lines, rows, seeds and sizes a run uses.

The rows themselves (the full model, its ablations, the comparator) are
:data:`kipoi_prism.config.variants.VARIANTS`; the profiles ``quick`` and ``full`` are
:data:`kipoi_prism.benchmark.harness.PROFILES`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from kipoi_prism.config.checks import check, check_choice, check_fraction, check_positive_int
from kipoi_prism.config.variants import BASELINES, resolve
from kipoi_prism.errors import PrismInputError

TRACKS = ("sequence", "features")
# Baselines of the feature track (trained on every training pair, or none to train: abc).
FEATURE_BASELINES = ("gbm", "abc", "distance", "promoter_prior")
NORMALISATIONS = ("none", "rank")
# What the leave-one-cell-line-out fits validate on (early stopping, threshold, tuning).
VALIDATIONS = ("chromosomes", "cell_line")
# What one environment (one ``z_E``, one support set, one domain) is in feature-track
# training: a cell line, or one of its tables (a TargetFinder table, each BENGI table).
ENVIRONMENTS = ("cell_line", "table")
# Gradient boosting's search: every combination of the listed values; ``max_iter`` is the
# most trees, the number kept is chosen on validation too.
GBM_GRID = {"learning_rate": (0.03, 0.1), "max_leaf_nodes": (7, 31, 127), "max_iter": 600}
# The cell lines of the TargetFinder tables.
TARGETFINDER_CELL_LINES = ("GM12878", "HUVEC", "HeLa-S3", "IMR90", "K562", "NHEK")
# Where the feature track's leave-one-cell-line-out pairs come from: TargetFinder's tables,
# the BENGI feature tables (every pair within a window of a promoter, as a user's candidates
# are drawn) of these cell lines (BENGI's names), or both.
FEATURE_SOURCES = ("targetfinder", "bengi", "both")
BENGI_FEATURE_CELL_LINES = ("GM12878", "HeLa", "IMR90", "NHEK")
# The cell lines named alike in both (HeLa is HeLa-S3 in TargetFinder's): the ones that
# ``feature_source="both"`` can hold out without leaving the same cells in training.
SHARED_CELL_LINES = tuple(c for c in BENGI_FEATURE_CELL_LINES if c in TARGETFINDER_CELL_LINES)
# Each source's cell lines (``both``: TargetFinder's, then BENGI's not named alike).
SOURCE_CELL_LINES = {
    "targetfinder": TARGETFINDER_CELL_LINES,
    "bengi": BENGI_FEATURE_CELL_LINES,
    "both": TARGETFINDER_CELL_LINES
    + tuple(c for c in BENGI_FEATURE_CELL_LINES if c not in SHARED_CELL_LINES),
}

# --stem-motifs: where the sequence rows' first convolution starts (BenchmarkConfig.stem_motifs)
STEM_MOTIFS = ("init", "frozen", "discovered", "discovered-by-cell-line", "discovered-init")


@dataclass
class BenchmarkConfig:
    """Everything a benchmark run depends on (written to ``config.json`` of the run).

    Attributes
    ----------
    mode : str
        Profile name (``quick`` or ``full``), for the record.
    tracks : tuple of str
        ``sequence`` and/or ``features``.
    seeds : tuple of int
    cell_lines : tuple of str
        Cell lines in play (TargetFinder names; with ``feature_source="bengi"``, BENGI's:
        :data:`BENGI_FEATURE_CELL_LINES` or some of them; with ``"both"``, names of either).
    held_out : tuple of str
        Cell lines held out in turn (default: all of ``cell_lines``).
    pairs_per_cell_line : int
        Simulated pairs per cell line (stratified subsample of the real pair graph); the
        held-out cell line is scored on all of them.
    train_pairs_per_cell_line : int or None
        Stratified subsample of each training cell line's pairs (None: all), so test sets
        can be larger than what CPU training affords.
    enhancer_length, promoter_length, channels : int
        The sequence model's windows and width for this run.
    max_epochs, patience, warmup_epochs : int
    rows : tuple of str
        Variant keys (:data:`kipoi_prism.config.variants.VARIANTS`).
    baselines : tuple of str
        Sequence-track baselines: ``speid``, ``distance``, ``promoter_prior``.
    feature_rows : tuple of str
        Variant keys run on the feature track.
    feature_pairs_per_cell_line : int or None
        Subsample of each real feature table's training and validation pairs for the
        energy model (None: every pair, as the baselines use).
    feature_max_epochs, feature_patience : int or None
        The feature rows' epoch cap and early-stopping patience (None: ``max_epochs``,
        ``patience``).
    feature_baselines : tuple of str
        Feature-track baselines (:data:`FEATURE_BASELINES`): ``gbm`` (gradient boosting,
        tuned on the validation split over ``gbm_grid``), ``abc`` (ABC-style activity x
        contact, normalised per promoter), ``distance``, ``promoter_prior``.
    gbm_grid : dict
        ``learning_rate`` and ``max_leaf_nodes`` (sequences of values: every combination is
        tried) and ``max_iter`` (the most trees); the setting and tree count with the best
        validation AUPR is kept.
    normalise : {"none", "rank"}
        Feature track: ``rank`` replaces each of the 24 marks by its rank (0-1) within its
        cell line's table, for every model of the run (training, validation and test).
    extra_test : tuple of str
        Further feature tables (TargetFinder/BENGI columns) scored by the models trained on
        every TargetFinder cell line, reported like the BENGI tables.
    transfer_only : bool
        Feature track: skip leave-one-cell-line-out; train on every TargetFinder cell line
        and score only the BENGI and ``extra_test`` tables.
    val_chromosomes : tuple of str
        Original chromosomes whose pairs form the validation split.
    validate_on : {"chromosomes", "cell_line"}
        Leave-one-cell-line-out fits (both tracks): validate on the training cell lines'
        pairs on ``val_chromosomes`` (default), or on every pair of one training cell line
        kept out of training (:func:`kipoi_prism.benchmark.harness.validation_cell_line`:
        the one after the held-out cell line in ``cell_lines``), so that early stopping,
        the threshold and gradient boosting's tuning are chosen on an unseen cell line. The
        TargetFinder -> BENGI fits always validate on chromosomes.
    speid : dict
        SPEID baseline sizes (published: filters 1024, kernel 40, pool 20, lstm 100,
        dense 925), ``epochs`` and ``train_pairs`` (a stratified subsample of the training
        pairs; None: all).
    bengi : bool
        Also train on every TargetFinder cell line and test on each BENGI feature table
        (``feature_source="targetfinder"`` only).
    feature_source : {"targetfinder", "bengi", "both"}
        Feature track: the tables leave-one-cell-line-out trains and tests on. ``bengi``:
        the BENGI feature tables, each held-out cell line scored on each of its own tables
        (held-out names as the BENGI rows'), the models trained on the other cell lines'
        tables (a pair listed twice in a table, for two transcripts, trained on once); the
        transfer fits then train on every BENGI cell line and score ``extra_test`` only.
        ``both``: TargetFinder's and BENGI's tables together, a held-out cell line (one of
        :data:`SHARED_CELL_LINES`) scored on its TargetFinder table (named by the cell line)
        and on each of its BENGI tables. Features only (the sequence track simulates
        TargetFinder's cell lines).
    environment_by : {"cell_line", "table"}
        Feature track, ``feature_source`` ``bengi`` or ``both``: the training and validation
        pairs form one environment per cell line (default), or one per table, so that a
        cell line's TargetFinder table and each of its BENGI tables (candidates drawn
        differently) get their own support sets and ``z_E``. Held-out tables are scored one
        at a time either way, each with a support set of its own pairs.
    bootstrap : int
        Bootstrap resamples for the 95% intervals.
    threads : int
        Torch threads (0: default).
    overrides : tuple of str
        ``model.KEY=VALUE`` / ``train.KEY=VALUE`` settings applied to the base configuration
        of every network row, before each row's own change (``--set``).
    stem_motifs : {"", "init", "frozen", "discovered", "discovered-by-cell-line", "discovered-init"}
        Sequence track: start every row's first convolution from the simulator's motif
        vocabulary (``init``: then trained; ``frozen``: kept), channels raised to hold both
        strands. Privileged: a model handed the motifs it would otherwise have to find.
        ``discovered``: kept frozen at motifs found without labels in the training cell
        lines' regions (:mod:`kipoi_prism.training.motif_discovery`): not privileged;
        ``discovered-by-cell-line``: the same, each training cell line's regions searched
        apart (relatives of one family keep a matrix each); ``discovered-init``: started
        at the pooled search's motifs and then trained.
    stem_merge_similarity : float
        ``stem_motifs`` ``discovered*``: leave out a discovered motif whose matrix matches
        an earlier one at this mean column r
        (:attr:`kipoi_prism.training.motif_discovery.DiscoveryConfig.merge_similarity`;
        0: keep all).
    gating_strength : float or None
        Sequence track: the simulator's share of the compatibility gated by the cell line,
        in [0, 1] (None: the simulator's default,
        :attr:`kipoi_prism.config.SimulationConfig.gating_strength`). Near 1 the truth
        under another cell line's environment falls far below the oracle.
    environment_swap : bool
        Sequence track: also score every trained row's held-out pairs with ``z_E`` drawn
        from each training cell line's pairs instead of the held-out cell line's own (same
        support-set size and seed), and record the mean, min and max AUPR over those swaps
        (``swap_aupr``, ``swap_aupr_min``, ``swap_aupr_max``), the mean Brier score and F1
        (``swap_brier``, ``swap_f1``) and the donors (``swap_from``).
    resume : bool
        Every network fit continues from ``checkpoints/last.ckpt`` of its folder under the
        run's ``runs/`` where one exists (a stopped run, or a finished one given a higher
        ``max_epochs``: the same weights as a run to that cap from the start, the learning
        rate being constant), else starts afresh. The run must be in the same folder as
        before: the best checkpoint's record is kept only there.
    """

    mode: str = "quick"
    tracks: tuple[str, ...] = ("sequence", "features")
    seeds: tuple[int, ...] = (0,)
    cell_lines: tuple[str, ...] = TARGETFINDER_CELL_LINES
    held_out: tuple[str, ...] = ()
    pairs_per_cell_line: int = 200
    train_pairs_per_cell_line: int | None = None
    enhancer_length: int = 3000
    promoter_length: int = 2000
    channels: int = 48
    max_epochs: int = 4
    patience: int = 3
    warmup_epochs: int = 2
    rows: tuple[str, ...] = ("full", "lam0", "film")
    baselines: tuple[str, ...] = ("speid", "distance", "promoter_prior")
    feature_rows: tuple[str, ...] = ("full", "lam0")
    feature_pairs_per_cell_line: int | None = None
    feature_max_epochs: int | None = None
    feature_patience: int | None = None
    feature_baselines: tuple[str, ...] = FEATURE_BASELINES
    gbm_grid: dict = field(default_factory=lambda: dict(GBM_GRID))
    normalise: str = "none"
    extra_test: tuple[str, ...] = ()
    transfer_only: bool = False
    val_chromosomes: tuple[str, ...] = ("chr1", "chr2", "chr3")
    validate_on: str = "chromosomes"
    speid: dict = field(default_factory=lambda: {"filters": 1024, "kernel": 40, "pool": 20,
                                                 "lstm_units": 100, "dense_units": 925,
                                                 "epochs": 3})  # fmt: skip
    bengi: bool = True
    feature_source: str = "targetfinder"
    environment_by: str = "cell_line"
    bootstrap: int = 200
    threads: int = 0
    stem_motifs: str = ""
    stem_merge_similarity: float = 0.0
    overrides: tuple[str, ...] = ()
    gating_strength: float | None = None
    environment_swap: bool = False
    resume: bool = False

    def __post_init__(self) -> None:
        unknown = sorted(set(self.tracks) - set(TRACKS))
        if unknown:
            raise PrismInputError(f"tracks: unknown {unknown}; valid: sequence, features")
        resolve(list(self.rows) + list(self.feature_rows))
        bad = sorted(set(self.baselines) - (set(BASELINES) - set(FEATURE_BASELINES[:2])))
        if bad:
            raise PrismInputError(
                f"baselines: unknown {bad}; valid: speid, distance, promoter_prior"
            )
        bad = sorted(set(self.feature_baselines) - set(FEATURE_BASELINES))
        if bad:
            raise PrismInputError(
                f"feature baselines: unknown {bad}; valid: {', '.join(FEATURE_BASELINES)}"
            )
        for name in ("feature_pairs_per_cell_line", "feature_max_epochs", "feature_patience"):
            if getattr(self, name) is not None:
                check_positive_int(name, getattr(self, name))
        check_choice("normalise", self.normalise, NORMALISATIONS)
        check_choice("validate_on", self.validate_on, VALIDATIONS)
        if self.validate_on == "cell_line" and len(self.cell_lines) < 3:
            raise PrismInputError(
                f"validate_on=cell_line needs at least three cell lines (a test, a validation "
                f"and a training one); got {', '.join(self.cell_lines)}"
            )
        grid = self.gbm_grid
        check(set(grid) == {"learning_rate", "max_leaf_nodes", "max_iter"}, "gbm_grid", grid,
              "learning_rate, max_leaf_nodes and max_iter")  # fmt: skip
        check_positive_int("gbm_grid max_iter", grid["max_iter"])
        if self.overrides:
            from kipoi_prism.config.loading import apply_overrides
            from kipoi_prism.config.model import ModelConfig
            from kipoi_prism.config.training import TrainConfig

            self.overrides = tuple(self.overrides)
            apply_overrides(ModelConfig(), TrainConfig(), self.overrides)  # fail early
        if self.stem_motifs not in ("", *STEM_MOTIFS):
            raise PrismInputError(
                f"stem_motifs: {self.stem_motifs!r}; valid: {', '.join(STEM_MOTIFS)}"
            )
        check_fraction("stem_merge_similarity", self.stem_merge_similarity)
        if self.stem_merge_similarity and not self.stem_motifs.startswith("discovered"):
            raise PrismInputError("stem_merge_similarity: only with stem_motifs discovered*")
        if self.gating_strength is not None:
            check_fraction("gating_strength", self.gating_strength)
            self.gating_strength = float(self.gating_strength)
        check_choice("feature_source", self.feature_source, FEATURE_SOURCES)
        check_choice("environment_by", self.environment_by, ENVIRONMENTS)
        if self.environment_by == "table" and self.feature_source == "targetfinder":
            raise PrismInputError("environment_by=table needs feature_source bengi or both "
                                  "(a TargetFinder cell line has one table)")  # fmt: skip
        if not self.held_out:  # every cell line that can be held out
            both = self.feature_source == "both"
            self.held_out = tuple(c for c in self.cell_lines if not both or c in SHARED_CELL_LINES)
        if self.feature_source != "targetfinder":
            _check_bengi_source(self)


def _check_bengi_source(config: BenchmarkConfig) -> None:
    """``feature_source`` ``bengi`` or ``both``: the feature track alone, on cell lines
    with tables there; ``both`` holds out only cell lines named alike in both."""
    source = config.feature_source
    if "sequence" in config.tracks:
        raise PrismInputError(f"feature_source={source}: the sequence track has no BENGI "
                              "pairs; run --tracks features")  # fmt: skip
    known = SOURCE_CELL_LINES[source]
    unknown = sorted(set(config.cell_lines) - set(known))
    if unknown:
        raise PrismInputError(f"feature_source={source}: no feature tables for {unknown}; "
                              f"valid: {', '.join(sorted(known))}")  # fmt: skip
    absent = sorted(set(config.held_out) - set(config.cell_lines))
    if absent:
        raise PrismInputError(f"held_out: {absent} not among the cell lines "
                              f"{', '.join(config.cell_lines)}")  # fmt: skip
    unshared = sorted(set(config.held_out) - set(SHARED_CELL_LINES))
    if source == "both" and unshared:
        raise PrismInputError(
            f"feature_source=both: cannot hold out {unshared} (in one source only, or named "
            f"differently in the two, so its cells would stay in training); valid: "
            f"{', '.join(SHARED_CELL_LINES)}"
        )
