"""The feature network taught by gradient boosting's score: does one network keep the blend's gain?

A rank blend of the feature network and tuned gradient boosting beats gradient boosting on
every held-out TargetFinder cell line (docs/BENCHMARK.md, "Distance x marks products, and a
blend with gradient boosting"). This script asks whether one network, the energy head kept,
can take up both. Two ways, one score:

- *stacking* (the default): gradient boosting's score becomes one more input of the
  promoter side (its last column, the logit of its probability), needed again to score;
- *distillation* (``--distill WEIGHT``): the score is a training target only, each
  training pair's ``teacher`` probability (``train.distill_weight = WEIGHT``: a
  cross-entropy to it beside the task loss on the labels); the network reads the marks
  alone and scores without gradient boosting. With ``--teacher blend`` the teacher is the
  mean of that probability and the network's own (the full row on the marks, fitted
  without the pair's cell line: five more fits per held-out cell line), the blend of the
  two as one probability.

For each ``--held-out`` cell line, split as the benchmark's ``--full`` profile splits it
(leave one cell line out; validation on held-out chromosomes), gradient boosting at the
setting the benchmark chose for that cell line (``--gbm-results``) scores every pair **out of
fold**: a training or validation pair of cell line ``c`` by the model fitted on the
training pairs of the other training cell lines (so the network learns how far to trust the
score on a cell line it was not fitted on, as the held-out one is), a held-out pair by the
model fitted on every training pair, the benchmark's own (its AUPR is checked against the
recorded one). The full row is then trained (``--set`` overrides as the benchmark's, e.g.
``model.feature_input_norm=true``) and scored, and a paired bootstrap compares it with
gradient boosting alone on the same pairs.

Writes (``--out``: ``stacking.csv`` and ``stacking.md``, or ``distillation.*``; ``run.json``
with the command, commit, wall time and fits; the fits in ``runs/``) one row per held-out
cell line and a mean row.

    python benchmarks/feature_stacking.py --held-out GM12878 HUVEC \\
        --gbm-results docs/benchmark-runs/features-distance-matched/merged/results.csv \\
        --set model.feature_input_norm=true --out results/stacking
    (the same) --distill 1 --out results/distillation
    (the same) --distill 1 --teacher blend --out results/blend-teacher
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from feature_ensemble import compare, finish_run, refit_gbm, write_comparison  # noqa: E402

from kipoi_prism.benchmark.feature_track import leave_one_out, load_training_tables  # noqa: E402
from kipoi_prism.benchmark.harness import (  # noqa: E402
    PROFILES,
    base_configs,
    git_commit,
    stratified_subsample,
    trainer_settings,
)
from kipoi_prism.config import InferenceConfig  # noqa: E402
from kipoi_prism.config.variants import resolve  # noqa: E402
from kipoi_prism.io.feature_inputs import (  # noqa: E402
    ENHANCER_INPUTS,
    PROMOTER_INPUTS,
    feature_matrix,
)
from kipoi_prism.training.datasets import TEACHER_COLUMN  # noqa: E402

SCORE_COLUMN = "gbm_logit"
NETWORK_COLUMN = "network_logit"  # --teacher blend: the network's out-of-fold logit
TEACHERS = {"gbm": (SCORE_COLUMN,), "blend": (SCORE_COLUMN, NETWORK_COLUMN)}
COLUMNS = (ENHANCER_INPUTS, [*PROMOTER_INPUTS, SCORE_COLUMN])  # stacking: the score an input
PLAIN_COLUMNS = (ENHANCER_INPUTS, PROMOTER_INPUTS)  # distillation: the marks alone


def logit(probabilities: np.ndarray) -> np.ndarray:
    """``log(p / (1 - p))`` with ``p`` kept within ``[1e-6, 1 - 1e-6]``."""
    from scipy.special import logit as unclipped

    return unclipped(np.clip(probabilities, 1e-6, 1 - 1e-6))


def by_cell_line_out_of_fold(
    train: pd.DataFrame, val: pd.DataFrame, column: str, fit_without, score
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``(train, val)`` with ``column``: for each training cell line, ``score(model,
    rows)`` of its training and validation rows by ``model = fit_without(cell)``, a model
    fitted without that cell line's pairs."""
    parts = {"train": train.copy(), "val": val.copy()}
    for part in parts.values():
        part[column] = np.nan
    for cell in sorted(train["cell_line"].unique()):
        model = fit_without(cell)
        for part in parts.values():
            rows = part["cell_line"] == cell
            if rows.any():
                part.loc[rows, column] = score(model, part[rows])
    for name, part in parts.items():
        if part[column].isna().any():  # a validation-only cell line has no fold
            raise SystemExit(f"{name} pairs of a cell line without training pairs")
    return parts["train"], parts["val"]


def out_of_fold_scores(train: pd.DataFrame, val: pd.DataFrame, test: pd.DataFrame,
                       setting: pd.Series, ranked: bool):  # fmt: skip
    """``(train, val, test)`` with :data:`SCORE_COLUMN`: gradient boosting's logit, out of
    fold by training cell line for ``train`` and ``val``, from the model on every training
    pair for ``test``; and that model's test probabilities."""
    scored_train, scored_val = by_cell_line_out_of_fold(
        train, val, SCORE_COLUMN,
        lambda cell: refit_gbm(train[train["cell_line"] != cell], setting, ranked),
        lambda model, rows: logit(model.predict_proba(feature_matrix(rows, ranked))),
    )  # fmt: skip
    full = refit_gbm(train, setting, ranked)
    gbm = full.predict_proba(feature_matrix(test, ranked))
    return scored_train, scored_val, test.assign(**{SCORE_COLUMN: logit(gbm)}), gbm


def network_out_of_fold(train: pd.DataFrame, val: pd.DataFrame, config, seed: int,
                        folder: Path) -> tuple[pd.DataFrame, pd.DataFrame]:  # fmt: skip
    """``(train, val)`` with :data:`NETWORK_COLUMN`: the logit of the full row on the marks
    alone (:func:`network_fit`, in ``folder/without-<cell>``), out of fold by training cell
    line as :func:`out_of_fold_scores` scores gradient boosting."""

    def fit_without(cell):
        keep = train["cell_line"] != cell, val["cell_line"] != cell
        return network_fit(train[keep[0]], val[keep[1]], config, seed,
                           folder / f"without-{cell}", PLAIN_COLUMNS)  # fmt: skip

    def score(bundle, rows):
        return logit(network_scores(bundle, rows, PLAIN_COLUMNS, seed))

    return by_cell_line_out_of_fold(train, val, NETWORK_COLUMN, fit_without, score)


def network_scores(bundle, frame: pd.DataFrame, columns, seed: int) -> np.ndarray:
    """The probabilities a network bundle gives ``frame``'s pairs (a support set of 32 of
    each cell line's own pairs)."""
    from kipoi_prism.inference import score_frame

    scored = score_frame(bundle, frame, feature_columns=columns,
                         config=InferenceConfig(support_size=32, seed=seed),
                         name="pairs", unique_names=False)  # fmt: skip
    return scored["probability"].to_numpy(np.float64)


def with_teacher(frame: pd.DataFrame, columns=(SCORE_COLUMN,)) -> pd.DataFrame:
    """``frame`` with :data:`TEACHER_COLUMN`: the mean of the probabilities whose logits are
    ``columns`` (gradient boosting's alone, or with :data:`NETWORK_COLUMN` the blend's)."""
    from scipy.special import expit

    probabilities = [expit(frame[c].to_numpy(np.float64)) for c in columns]
    return frame.assign(**{TEACHER_COLUMN: np.mean(probabilities, axis=0)})


def network_fit(train, val, config, seed: int, folder: Path, columns, distill: float = 0.0,
                teachers=(SCORE_COLUMN,)):  # fmt: skip
    """The full row on ``columns`` (with ``distill`` > 0, taught at that weight by
    :func:`with_teacher` of ``teachers``); its weights bundle."""
    from kipoi_prism.model.weights import load_weights
    from kipoi_prism.training.fit import fit

    train = stratified_subsample(train, config.feature_pairs_per_cell_line, seed)  # as the
    val = stratified_subsample(val, config.feature_pairs_per_cell_line, seed)  # benchmark's
    model_config, train_config = base_configs(config, seed, backbone="features")
    (variant,) = resolve(["full"])
    model_config, train_config = variant.change(model_config, train_config)
    model_config = dataclasses.replace(
        model_config, feature_dims=(len(columns[0]), len(columns[1]))
    )
    if distill:
        train = with_teacher(train, teachers)
        train_config = dataclasses.replace(train_config, distill_weight=distill)
    result = fit(train, val, None, model_config, train_config, folder,
                 trainer_config=trainer_settings(config), feature_columns=columns)  # fmt: skip
    return load_weights(result.weights_path)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--held-out", nargs="+", required=True, metavar="CELL")
    parser.add_argument(
        "--gbm-results",
        type=Path,
        required=True,
        help="a feature run's results.csv (gradient boosting's settings)",
    )
    parser.add_argument("--set", action="append", default=[], metavar="SECTION.KEY=VALUE",
                        help="a model or train override, as the benchmark's --set")  # fmt: skip
    parser.add_argument(
        "--distill",
        type=float,
        default=0.0,
        metavar="WEIGHT",
        help="the score a distillation target of this weight, not an input",
    )
    parser.add_argument(
        "--teacher",
        choices=sorted(TEACHERS),
        default="gbm",
        help="with --distill: gradient boosting's out-of-fold probability (default), or "
        "'blend': its mean with the network's own, out of fold by training cell line too",
    )
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--data-dir", type=Path, default=Path("../shared/data"))
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--bootstrap", type=int, default=500)
    parser.add_argument("--profile", choices=sorted(PROFILES), default="full")
    parser.add_argument("--out", type=Path, required=True)
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    import torch

    args = parse_args(argv)
    if args.distill < 0:
        raise SystemExit(f"--distill: expected a weight >= 0, got {args.distill}")
    if args.teacher != "gbm" and not args.distill:
        raise SystemExit(f"--teacher {args.teacher}: a teacher needs --distill WEIGHT")
    columns, name = (PLAIN_COLUMNS, "distillation") if args.distill else (COLUMNS, "stacking")
    torch.set_num_threads(args.threads)
    start, commit = time.time(), git_commit(Path(__file__).resolve().parents[1])
    config = dataclasses.replace(PROFILES[args.profile], tracks=("features",),
                                 overrides=tuple(args.set), threads=args.threads)  # fmt: skip
    frame = load_training_tables(config, args.data_dir)
    recorded = pd.read_csv(args.gbm_results)
    recorded = recorded[(recorded["track"] == "features") & (recorded["row"] == "gbm")]
    rows, fits = [], {}
    for cell in args.held_out:
        setting = recorded[recorded["held_out"] == cell].sort_values("seed", kind="stable")
        if setting.empty:
            raise SystemExit(f"{args.gbm_results}: no gradient-boosting row for {cell}")
        print(f"{cell}: gradient boosting out of fold, then the network", flush=True)
        train, val, test = leave_one_out(frame, cell, config)
        train, val, test, gbm = out_of_fold_scores(train, val, test, setting.iloc[0],
                                                   config.normalise == "rank")  # fmt: skip
        if args.teacher == "blend":
            print(f"{cell}: the network out of fold", flush=True)
            teachers = args.out / "runs" / f"teacher-{cell}"
            train, val = network_out_of_fold(train, val, config, args.seed, teachers)
        folder = args.out / "runs" / f"{'distil' if args.distill else 'stack'}-{cell}"
        bundle = network_fit(train, val, config, args.seed, folder, columns, args.distill,
                             TEACHERS[args.teacher])  # fmt: skip
        fits[cell] = [(args.seed, folder / "weights.pt")]
        probabilities = network_scores(bundle, test, columns, args.seed)
        rows.append(compare(cell, test["label"].to_numpy(), [(args.seed, probabilities)], gbm,
                            setting.iloc[0], args.bootstrap))  # fmt: skip
    markdown = write_comparison(pd.DataFrame(rows), args.out, name)
    finish_run(args.out, argv, commit, start, fits, markdown)
    return 0


if __name__ == "__main__":
    sys.exit(main())
