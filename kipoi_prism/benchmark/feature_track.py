"""The real-feature track: real labels, the 24 real chromatin features.

The energy head, environment stream and losses are unchanged; only the backbone is an
MLP (``ModelConfig(backbone="features")``) reading, per pair, the enhancer side (8 marks
at the enhancer, 8 in the window between, log distance: 17 values) and the promoter side
(8 marks at the promoter).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd

from kipoi_prism.benchmark import features as tables
from kipoi_prism.benchmark.baselines import GradientBoosting
from kipoi_prism.benchmark.harness import (
    BenchmarkConfig,
    Evaluation,
    base_configs,
    held_out_rows,
    history_extra,
    simple_baselines,
    stratified_subsample,
    timed,
    trainer_settings,
)
from kipoi_prism.config import InferenceConfig, SplitConfig
from kipoi_prism.config.variants import resolve
from kipoi_prism.metrics import calibrate_threshold
from kipoi_prism.training.split import split_pairs

log = logging.getLogger(__name__)

ENHANCER_SIDE = [i for i, c in enumerate(tables.FEATURE_COLUMNS) if "(promoter)" not in c]
PROMOTER_SIDE = [i for i, c in enumerate(tables.FEATURE_COLUMNS) if "(promoter)" in c]


ENHANCER_INPUTS = [f"x_enhancer_{i}" for i in range(len(ENHANCER_SIDE) + 1)]
PROMOTER_INPUTS = [f"x_promoter_{i}" for i in range(len(PROMOTER_SIDE))]
FEATURE_INPUTS = (ENHANCER_INPUTS, PROMOTER_INPUTS)


def with_model_inputs(frame: pd.DataFrame) -> pd.DataFrame:
    """Add the feature backbone's inputs as columns (:data:`FEATURE_INPUTS`).

    Enhancer side: transformed marks at the enhancer and in the window, then log distance
    (17 values); promoter side: transformed marks at the promoter (8 values).
    """
    x = tables.feature_matrix(frame)
    marks, distance = x[:, :-1], x[:, -1:]
    enhancer = np.hstack([marks[:, ENHANCER_SIDE], distance])
    promoter = marks[:, PROMOTER_SIDE]
    columns = {**dict(zip(ENHANCER_INPUTS, enhancer.T, strict=True)),
               **dict(zip(PROMOTER_INPUTS, promoter.T, strict=True))}  # fmt: skip
    return frame.assign(**columns)


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
    """Train one variant on feature rows; returns (weights bundle, threshold, extras)."""
    from kipoi_prism.model.weights import load_weights
    from kipoi_prism.training.fit import fit

    model_config, train_config = variant.change(*base_configs(config, seed, backbone="features"))
    result, seconds = timed(fit, train, val, None, model_config, train_config, folder,
                            trainer_config=trainer_settings(config),
                            feature_columns=FEATURE_INPUTS)  # fmt: skip
    bundle = load_weights(result.weights_path)
    extra = {**history_extra(result.history), "train_s": seconds}
    extra["history"] = result.history.assign(row=variant.key, seed=seed)
    return bundle, bundle.threshold, extra


def load_targetfinder(config: BenchmarkConfig, data_dir: Path, seed: int) -> pd.DataFrame:
    """The TargetFinder feature tables of ``config.cell_lines``, named by their file.

    (The tables' own ``celltype`` column says ``HeLa`` for ``HeLa-S3``; the file name is
    the TargetFinder cell-line name the other tracks use.)
    """
    paths = tables.targetfinder_feature_paths(data_dir)
    parts = [tables.read_feature_table(paths[c]).assign(cell_line=c) for c in config.cell_lines]
    return with_model_inputs(with_pair_columns(pd.concat(parts, ignore_index=True)))


def run_feature_track(
    config: BenchmarkConfig, data_dir: Path, run_dir: Path
) -> Iterator[Evaluation]:
    """Leave-one-cell-line-out on real features, then TargetFinder -> BENGI."""
    for seed in config.seeds:
        frame = load_targetfinder(config, data_dir, seed)
        for held in config.held_out:
            test = held_out_rows(frame, held)
            rest = frame[frame["cell_line"] != held].reset_index(drop=True)
            split = SplitConfig(by="chromosome", val=list(config.val_chromosomes))
            train, val = split_pairs(rest, split, columns=["enhancer_chrom"], require_both=True)
            yield from _rows(config, train, val, test, held, seed, run_dir)
        if config.bengi:
            yield from _bengi(config, frame, data_dir, seed, run_dir)


def _rows(config, train, val, test, held, seed, run_dir) -> Iterator[Evaluation]:
    labels = test["label"].to_numpy()
    small_train = stratified_subsample(train, config.feature_pairs_per_cell_line, seed)
    small_val = stratified_subsample(val, config.feature_pairs_per_cell_line, seed)
    for variant in resolve(list(config.feature_rows)):
        log.info("feature track: %s, held out %s, seed %d", variant.label, held, seed)
        folder = run_dir / "runs" / f"feat-{variant.key}-{held}-seed{seed}"
        model, threshold, extra = fit_feature_model(small_train, small_val, config, variant,
                                                     seed, folder)  # fmt: skip
        extra["history"] = extra["history"].assign(held_out=held)
        yield Evaluation("features", variant.key, held, seed, labels,
                         feature_probabilities(model, test, seed), threshold, extra)  # fmt: skip
    x_train, x_val, x_test = (tables.feature_matrix(f) for f in (train, val, test))
    gbm = GradientBoosting(seed).fit(x_train, train["label"].to_numpy())
    threshold = calibrate_threshold(val["label"].to_numpy(), gbm.predict_proba(x_val))
    yield Evaluation("features", "gbm", held, seed, labels, gbm.predict_proba(x_test), threshold)
    for name, (probabilities, threshold) in simple_baselines(
        train, val, test, ("distance", "promoter_prior"), lambda f: f["promoter"]
    ).items():
        yield Evaluation("features", name, held, seed, labels, probabilities, threshold)


def _bengi(config, frame, data_dir: Path, seed: int, run_dir: Path) -> Iterator[Evaluation]:
    """Train once on every TargetFinder cell line; test on each BENGI feature table."""
    paths = sorted((data_dir / "bengi" / "features").glob("BENGI.*.tsv.gz"))
    if not paths:
        log.warning("no BENGI feature tables under %s; skipping TargetFinder -> BENGI", data_dir)
        return
    split = SplitConfig(by="chromosome", val=list(config.val_chromosomes))
    train, val = split_pairs(frame, split, columns=["enhancer_chrom"], require_both=True)
    small_train = stratified_subsample(train, config.feature_pairs_per_cell_line, seed)
    small_val = stratified_subsample(val, config.feature_pairs_per_cell_line, seed)
    models = {}
    for variant in resolve(list(config.feature_rows)):
        log.info("TargetFinder -> BENGI: %s, seed %d", variant.label, seed)
        folder = run_dir / "runs" / f"bengi-{variant.key}-seed{seed}"
        models[variant.key] = fit_feature_model(
            small_train, small_val, config, variant, seed, folder
        )
    gbm = GradientBoosting(seed).fit(tables.feature_matrix(train), train["label"].to_numpy())
    gbm_threshold = calibrate_threshold(val["label"].to_numpy(),
                                        gbm.predict_proba(tables.feature_matrix(val)))  # fmt: skip
    for path in paths:
        test = with_model_inputs(with_pair_columns(tables.read_feature_table(path)))
        held = "BENGI " + ".".join(path.name.split(".")[1:3])
        labels = test["label"].to_numpy()
        for key, (model, threshold, extra) in models.items():
            extra = {k: v for k, v in extra.items() if k != "history"}
            probabilities = feature_probabilities(model, test, seed)
            yield Evaluation(
                "features-bengi", key, held, seed, labels, probabilities, threshold, extra
            )
        yield Evaluation("features-bengi", "gbm", held, seed, labels,
                         gbm.predict_proba(tables.feature_matrix(test)), gbm_threshold)  # fmt: skip
        for name, (probabilities, threshold) in simple_baselines(
            train, val, test, ("distance", "promoter_prior"), lambda f: f["promoter"]
        ).items():
            yield Evaluation("features-bengi", name, held, seed, labels, probabilities, threshold)
