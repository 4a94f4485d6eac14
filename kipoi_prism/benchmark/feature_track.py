"""The real-feature track: real labels, the 24 real chromatin features.

The energy head, environment stream and losses are unchanged; only the backbone is an
MLP (``ModelConfig(backbone="features")``) reading, per pair, the enhancer side (8 marks
at the enhancer, 8 in the window between, log distance: 17 values) and the promoter side
(8 marks at the promoter), made by :mod:`kipoi_prism.io.feature_inputs` (the recipe
``kipoi-prism predict`` shares).
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd

from kipoi_prism.benchmark import features as tables
from kipoi_prism.benchmark.baselines import GradientBoosting, abc_scores
from kipoi_prism.benchmark.harness import (
    BenchmarkConfig,
    Evaluation,
    base_configs,
    chromosome_split,
    held_out_rows,
    history_extra,
    resume_from,
    simple_baselines,
    stratified_subsample,
    timed,
    trainer_settings,
    validation_split,
)
from kipoi_prism.config import InferenceConfig
from kipoi_prism.config.benchmark import BENGI_FEATURE_CELL_LINES, TARGETFINDER_CELL_LINES
from kipoi_prism.config.variants import resolve
from kipoi_prism.errors import PrismInputError
from kipoi_prism.io.feature_inputs import (
    FEATURE_INPUTS,
    RECIPE_KEY,
    feature_recipe,
    model_inputs,
)
from kipoi_prism.metrics import calibrate_threshold

log = logging.getLogger(__name__)


def recipe(config: BenchmarkConfig) -> str:
    """The feature recipe's normalisation (``"log"`` or ``"rank"``) of ``config.normalise``
    (``"none"``: the marks as ``log1p(1e3 x)``)."""
    return "rank" if config.normalise == "rank" else "log"


def with_pair_columns(frame: pd.DataFrame) -> pd.DataFrame:
    """Add the canonical columns the sampler and splits read (name, chromosomes)."""
    chrom = frame["enhancer"].str.split(":").str[0]
    return frame.assign(
        name=frame["cell_line"] + "|" + frame["enhancer"] + "|" + frame["promoter"],
        enhancer_chrom=chrom,
        promoter_chrom=frame["promoter"].str.split(":").str[0],
    )


def feature_probabilities(weights, test: pd.DataFrame, seed: int) -> np.ndarray:
    """Probabilities with ``z_E`` from a support set of 32 of the test cell line's pairs.

    Scored by the inference engine (:func:`kipoi_prism.inference.score_frame`). The BENGI
    feature tables list some pairs twice, so repeated names are allowed: rows are matched
    by position.
    """
    from kipoi_prism.inference import score_frame

    scored = score_frame(weights, test, feature_columns=FEATURE_INPUTS,
                         config=InferenceConfig(support_size=32, seed=seed),
                         name="held-out pairs", unique_names=False)  # fmt: skip
    return scored["probability"].to_numpy(np.float64)


def fit_feature_model(train, val, config: BenchmarkConfig, variant, seed: int, folder: Path):
    """Train one variant on feature rows; returns (weights bundle, threshold, extras).

    The weights record their inputs' recipe (``metadata["feature_inputs"]``, from
    :func:`kipoi_prism.io.feature_inputs.feature_recipe`: the normalisation, :func:`recipe`
    of ``config.normalise``, and the input columns), so ``kipoi-prism predict`` makes the
    same inputs from a feature table.

    ``config.feature_max_epochs`` and ``config.feature_patience`` (where set) replace the
    profile's epoch cap and patience.
    """
    from kipoi_prism.model.weights import load_weights
    from kipoi_prism.training.fit import fit

    model_config, train_config = base_configs(config, seed, backbone="features")
    limits = {"max_epochs": config.feature_max_epochs, "patience": config.feature_patience}
    train_config = dataclasses.replace(
        train_config, **{k: v for k, v in limits.items() if v is not None}
    )
    model_config, train_config = variant.change(model_config, train_config)
    result, seconds = timed(fit, train, val, None, model_config, train_config, folder,
                            trainer_config=trainer_settings(config),
                            resume=resume_from(config), feature_columns=FEATURE_INPUTS,
                            metadata={RECIPE_KEY: feature_recipe(recipe(config))})  # fmt: skip
    bundle = load_weights(result.weights_path)
    extra = {**history_extra(result.history), "train_s": round(seconds, 1),
             "train_pairs": len(train), "max_epochs": train_config.max_epochs}  # fmt: skip
    extra["history"] = result.history.assign(row=variant.key, seed=seed)
    return bundle, bundle.threshold, extra


def read_table(path: str | Path, config: BenchmarkConfig) -> pd.DataFrame:
    """One feature table, normalised as ``config.normalise`` says, with the model inputs."""
    return model_inputs(with_pair_columns(tables.read_feature_table(path)), recipe(config))


def load_targetfinder(config: BenchmarkConfig, data_dir: Path, cells=None) -> pd.DataFrame:
    """The TargetFinder feature tables of ``cells`` (default ``config.cell_lines``), named
    by their file.

    (The tables' own ``celltype`` column says ``HeLa`` for ``HeLa-S3``; the file name is
    the TargetFinder cell-line name the other tracks use.) Marks are ranked within each
    cell line's whole table when ``config.normalise`` is ``rank``.
    """
    paths = tables.targetfinder_feature_paths(data_dir)
    cells = config.cell_lines if cells is None else cells
    parts = [tables.read_feature_table(paths[c]).assign(cell_line=c) for c in cells]
    return model_inputs(with_pair_columns(pd.concat(parts, ignore_index=True)), recipe(config))


def bengi_feature_paths(data_dir: Path) -> list[Path]:
    """The BENGI feature tables under ``data_dir``, sorted by name."""
    return sorted((Path(data_dir) / "bengi" / "features").glob("BENGI.*.tsv.gz"))


def load_bengi(config: BenchmarkConfig, data_dir: Path, cells=None) -> pd.DataFrame:
    """The BENGI feature tables of ``cells`` (default ``config.cell_lines``), each
    read and ranked as :func:`read_table` (so a held-out table is the one TargetFinder ->
    BENGI scores), with a ``table`` column (its held-out name); pair names carry the table,
    as one cell line's tables share pairs."""
    cells = config.cell_lines if cells is None else cells
    found = {path: path.name.split(".")[1] for path in bengi_feature_paths(data_dir)}
    parts = [read_table(path, config).assign(cell_line=cell, table=tables.table_name(path))
             for path, cell in found.items() if cell in cells]  # fmt: skip
    missing = sorted(set(cells) - set(found.values()))
    if missing:
        raise PrismInputError(f"no BENGI feature tables for {', '.join(missing)}",
                              Path(data_dir) / "bengi" / "features")  # fmt: skip
    frame = pd.concat(parts, ignore_index=True)
    return frame.assign(name=frame["table"] + "|" + frame["enhancer"] + "|" + frame["promoter"])


def load_training_tables(config: BenchmarkConfig, data_dir: Path) -> pd.DataFrame:
    """The pairs leave-one-cell-line-out and the transfer fits train on, as
    ``config.feature_source`` says (:func:`load_targetfinder`, :func:`load_bengi`, or both:
    TargetFinder's rows then with their cell line as their ``table``)."""
    if config.feature_source == "targetfinder":
        return load_targetfinder(config, data_dir)
    if config.feature_source == "bengi":
        return load_bengi(config, data_dir)
    cells = set(config.cell_lines)
    targetfinder = load_targetfinder(config, data_dir, [c for c in TARGETFINDER_CELL_LINES
                                                        if c in cells])  # fmt: skip
    bengi = load_bengi(config, data_dir, [c for c in BENGI_FEATURE_CELL_LINES if c in cells])
    targetfinder = targetfinder.assign(table=targetfinder["cell_line"])
    return pd.concat([targetfinder, bengi], ignore_index=True)


def transfer_tables(config: BenchmarkConfig, data_dir: Path) -> dict[str, pd.DataFrame]:
    """The tables scored by models trained on every training cell line: the BENGI feature
    tables (``config.bengi``, when TargetFinder trains) then ``config.extra_test``, by
    held-out name.

    Read before any fit, so that a bad extra table fails at once.
    """
    paths = []
    if config.bengi and config.feature_source == "targetfinder":
        paths = bengi_feature_paths(data_dir)
        if not paths:
            log.warning("no BENGI feature tables under %s; skipping them", data_dir)
    out: dict[str, pd.DataFrame] = {}
    for path in [*paths, *map(Path, config.extra_test)]:
        name = tables.table_name(path)
        if name in out:
            raise PrismInputError(f"two test tables named {name!r} (held-out names must differ)",
                                  path)  # fmt: skip
        out[name] = read_table(path, config)
    return out


def run_feature_track(
    config: BenchmarkConfig, data_dir: Path, run_dir: Path
) -> Iterator[Evaluation]:
    """Leave-one-cell-line-out on real features, then TargetFinder -> BENGI and the extra
    test tables."""
    transfer = transfer_tables(config, data_dir)
    frame = load_training_tables(config, data_dir)
    for seed in config.seeds:
        for held in () if config.transfer_only else config.held_out:
            train, val, test = leave_one_out(frame, held, config)
            yield from _rows("features", config, train, val, scored_tables(test, held), seed,
                             run_dir / "runs", f"{held}-seed{seed}")  # fmt: skip
        if transfer:
            train, val = transfer_split(frame, config)
            yield from _rows("features-bengi", config, train, val, transfer, seed,
                             run_dir / "runs", f"seed{seed}")  # fmt: skip


def transfer_split(frame: pd.DataFrame, config: BenchmarkConfig):
    """``(train, val)`` of the models scored on the transfer tables: every training cell
    line, split by the enhancer's chromosome (``config.val_chromosomes`` validate)."""
    split = chromosome_split(_distinct(frame), config.val_chromosomes, "enhancer_chrom")
    return tuple(environments(part, config) for part in split)


def leave_one_out(frame: pd.DataFrame, held: str, config: BenchmarkConfig):
    """``(train, val, test)``: ``held``'s pairs as the test, the other cell lines' split as
    ``config.validate_on`` says (by the enhancer's chromosome, ``config.val_chromosomes``
    validating, or one whole training cell line validating)."""
    rest = _distinct(frame[frame["cell_line"] != held].reset_index(drop=True))
    train, val = (environments(part, config)
                  for part in validation_split(rest, held, config, "enhancer_chrom"))  # fmt: skip
    return train, val, held_out_rows(frame, held)


def environments(frame: pd.DataFrame, config: BenchmarkConfig) -> pd.DataFrame:
    """Training or validation pairs with one environment per cell line (as they are) or,
    ``config.environment_by == "table"``, per table: ``cell_line`` becomes the ``table``
    (a TargetFinder table's is its cell line, a BENGI table's its held-out name), so each
    table gets its own support sets, ``z_E`` and domain label."""
    if config.environment_by != "table":
        return frame
    return frame.assign(cell_line=frame["table"])


def scored_tables(test: pd.DataFrame, held: str) -> dict[str, pd.DataFrame]:
    """The held-out pairs by held-out name: ``{held: test}``, or with BENGI a source one
    entry per table of the held-out cell line (every row of each, in table order; its
    TargetFinder table under the cell line's name)."""
    if "table" not in test:
        return {held: test}
    return {name: part.reset_index(drop=True)
            for name, part in test.groupby("table", sort=True)}  # fmt: skip


def _distinct(frame: pd.DataFrame) -> pd.DataFrame:
    """Training pairs once each: a BENGI table (a ``table`` column, :func:`load_bengi`) lists
    a pair once per transcript of its promoter (same label, same features); TargetFinder's
    pairs are already distinct."""
    if "table" not in frame:
        return frame
    repeated = frame["name"].duplicated()
    if repeated.any():
        log.info("training on %d distinct pairs (%d repeats within a table dropped)",
                 int((~repeated).sum()), int(repeated.sum()))  # fmt: skip
        frame = frame[~repeated].reset_index(drop=True)
    return frame


def _rows(track, config, train, val, tests: dict, seed: int, runs: Path, tag: str):
    """Every row trained once on ``train`` (``val`` for early stopping, tuning and the
    threshold), then scored on each table of ``tests``. A fit's run folder is
    ``runs/feat-<row>-<tag>`` (``bengi-<row>-<tag>`` for the transfer tables)."""
    prefix = "feat" if track == "features" else "bengi"
    small_train = stratified_subsample(train, config.feature_pairs_per_cell_line, seed)
    small_val = stratified_subsample(val, config.feature_pairs_per_cell_line, seed)
    for variant in resolve(list(config.feature_rows)):
        log.info("%s: %s on %d training pairs, seed %d (tests: %s)", track, variant.label,
                 len(small_train), seed, ", ".join(tests))  # fmt: skip
        model, threshold, extra = fit_feature_model(
            small_train, small_val, config, variant, seed, runs / f"{prefix}-{variant.key}-{tag}"
        )
        history = extra.pop("history")
        for held, test in tests.items():
            probabilities = feature_probabilities(model, test, seed)
            more = {"history": history.assign(held_out=held)} if track == "features" else {}
            yield Evaluation(track, variant.key, held, seed, test["label"].to_numpy(),
                             probabilities, threshold, {**extra, **more},
                             distance=_distances(test))  # fmt: skip
    yield from _baselines(track, config, train, val, tests, seed)


def _baselines(track, config, train, val, tests: dict, seed: int) -> Iterator[Evaluation]:
    """The feature baselines of ``config``, each on every training pair."""
    ranked = config.normalise == "rank"
    y_val = val["label"].to_numpy()
    if "gbm" in config.feature_baselines:
        log.info("%s: tuning gradient boosting on %d training pairs", track, len(train))
        x_val = tables.feature_matrix(val, ranked)
        gbm, seconds = timed(GradientBoosting(config.gbm_grid, seed).fit,
                             tables.feature_matrix(train, ranked), train["label"].to_numpy(),
                             x_val, y_val)  # fmt: skip
        threshold = calibrate_threshold(y_val, gbm.predict_proba(x_val))
        extra = {**{f"gbm_{k}": v for k, v in gbm.setting.items()}, "train_s": round(seconds, 1),
                 "train_pairs": len(train)}  # fmt: skip
        for held, test in tests.items():
            probabilities = gbm.predict_proba(tables.feature_matrix(test, ranked))
            yield Evaluation(track, "gbm", held, seed, test["label"].to_numpy(), probabilities,
                             threshold, extra, distance=_distances(test))  # fmt: skip
    if "abc" in config.feature_baselines:
        threshold = calibrate_threshold(y_val, abc(val))
        for held, test in tests.items():
            yield Evaluation(track, "abc", held, seed, test["label"].to_numpy(), abc(test),
                             threshold, distance=_distances(test))  # fmt: skip
    simple = [b for b in ("distance", "promoter_prior") if b in config.feature_baselines]
    for held, test in tests.items():
        for name, (probabilities, threshold) in simple_baselines(
            train, val, test, simple, lambda f: f["promoter"]
        ).items():
            yield Evaluation(track, name, held, seed, test["label"].to_numpy(), probabilities,
                             threshold, distance=_distances(test))  # fmt: skip


def _distances(test: pd.DataFrame) -> np.ndarray:
    """The test pairs' distances, for the distance-matched AUPR of every feature row."""
    return test["distance"].to_numpy(np.float64)


def abc(frame: pd.DataFrame) -> np.ndarray:
    """:func:`~kipoi_prism.benchmark.baselines.abc_scores` of a feature frame, normalised
    over each (cell line, promoter)'s candidate enhancers in ``frame``."""
    promoters = frame["cell_line"].astype(str) + "|" + frame["promoter"].astype(str)
    return abc_scores(frame["DNase (enhancer)"], frame["H3K27ac (enhancer)"],
                      frame["distance"], promoters)  # fmt: skip
