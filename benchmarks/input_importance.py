"""Which inputs a feature network and gradient boosting use on a held-out cell line.

Permutation importance, paired: for each held-out TargetFinder cell line of a benchmark run,
each network fit (``runs/feat-<row>-<cell>-seed<k>/weights.pt``) scores the cell line's table
as the benchmark does, and gradient boosting is fitted again at the setting the benchmark
chose for it (``--gbm-results``, as ``benchmarks/feature_ensemble.py`` does; both AUPRs are
checked against the recorded ones). Then one input group at a time is shuffled across the
held-out pairs (the group's columns together, ``--repeats`` shuffles, the same shuffles for
both models) and the AUPR and the distance-matched AUPR lost are recorded:

groups
    the 8 marks at the enhancer, the 8 in the window between, the 8 at the promoter, and
    the distance;
marks
    each mark's three columns (enhancer, window, promoter).

A group whose shuffle costs gradient boosting much more than the network is one gradient
boosting reads and the network does not. With ``--transfer`` (and ``--weights``, as in
``feature_ensemble.py``) the fits are the TargetFinder -> BENGI ones and the held-out tables
the transfer tables. Prints and writes (``--out``: ``importance.csv``,
``importance.md``, ``run.json`` with the command, commit and wall time) one row per cell
line, fit (numbered as in ``run.json``'s ``fits``), model and group. Nothing is typed:
every number is measured in the run.

    python benchmarks/input_importance.py --runs results/dmatch-GM12878 \\
        --gbm-results results/dmatch-GM12878/results.csv --out results/importance-GM12878
    python benchmarks/input_importance.py --transfer --runs results/chromatin --row none \\
        --weights kipoi_prism/weights/prism-energy-chromatin.pt --kinds group \\
        --gbm-results results/chromatin/results.csv --out results/importance-bengi
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))  # feature_ensemble's helpers

from feature_ensemble import (  # noqa: E402
    add_run_arguments,
    check_run_arguments,
    finish_run,
    held_out_tables,
    open_runs,
    refit_gbm,
)

from kipoi_prism.benchmark import features as tables  # noqa: E402
from kipoi_prism.benchmark.feature_track import feature_probabilities, recipe  # noqa: E402
from kipoi_prism.io.atomic import write_text  # noqa: E402
from kipoi_prism.io.feature_inputs import MARKS, PLACES, model_inputs  # noqa: E402
from kipoi_prism.metrics import aupr, distance_matched_aupr  # noqa: E402
from kipoi_prism.model.weights import load_weights  # noqa: E402


def input_groups() -> dict[str, tuple[str, list[str]]]:
    """``{group: (kind, table columns)}``: the three places' marks, the distance, each mark."""
    groups = {f"{place} marks": ("group", [f"{mark} ({place})" for mark in MARKS])
              for place in PLACES}  # fmt: skip
    groups["distance"] = ("group", ["distance"])
    groups.update({mark: ("mark", [f"{mark} ({place})" for place in PLACES]) for mark in MARKS})
    return groups


def shuffled(test: pd.DataFrame, columns: list[str], order: np.ndarray) -> pd.DataFrame:
    """``test`` with ``columns`` moved together to the rows ``order`` names."""
    out = test.copy()
    out[columns] = test[columns].to_numpy()[order]
    return out


class Scorers:
    """The two models' probabilities for a (possibly shuffled) held-out table."""

    def __init__(self, weights_path: Path, seed: int, gbm, config) -> None:
        self.weights = load_weights(weights_path)
        self.seed = seed
        self.gbm = gbm
        self.recipe = recipe(config)  # the network's inputs, as the benchmark made them
        self.ranked = config.normalise == "rank"  # gradient boosting's

    def __call__(self, test: pd.DataFrame) -> dict[str, np.ndarray]:
        network_inputs = model_inputs(test, self.recipe)
        return {
            "network": feature_probabilities(self.weights, network_inputs, self.seed),
            "gbm": self.gbm.predict_proba(tables.feature_matrix(test, self.ranked)),
        }


def importance(
    test: pd.DataFrame,
    score: Callable[[pd.DataFrame], dict[str, np.ndarray]],
    repeats: int,
    seed: int,
    kinds=("group", "mark"),
) -> pd.DataFrame:
    """One row per model and group of the ``kinds`` asked for: base AUPRs, mean AUPR lost
    over ``repeats`` shuffles and its standard error (the same shuffles for both models)."""
    labels = test["label"].to_numpy()
    distance = test["distance"].to_numpy(np.float64)

    def metrics(probabilities: np.ndarray) -> tuple[float, float]:
        return aupr(labels, probabilities), distance_matched_aupr(labels, probabilities, distance)

    base = {model: metrics(p) for model, p in score(test).items()}
    rows = []
    for group, (kind, columns) in input_groups().items():
        if kind not in kinds:
            continue
        lost = {model: [] for model in base}
        for repeat in range(repeats):
            order = np.random.default_rng([seed, repeat]).permutation(len(test))
            for model, probabilities in score(shuffled(test, columns, order)).items():
                plain, matched = metrics(probabilities)
                lost[model].append((base[model][0] - plain, base[model][1] - matched))
        for model, values in lost.items():
            values = np.asarray(values)
            se = values.std(axis=0, ddof=1) / np.sqrt(repeats) if repeats > 1 else [np.nan] * 2
            rows.append({"model": model, "group": group, "kind": kind,
                         "aupr": base[model][0], "aupr_lost": values[:, 0].mean(),
                         "aupr_lost_se": se[0], "matched_aupr": base[model][1],
                         "matched_aupr_lost": values[:, 1].mean(),
                         "matched_aupr_lost_se": se[1]})  # fmt: skip
    return pd.DataFrame(rows)


def side_by_side(table: pd.DataFrame) -> pd.DataFrame:
    """Per cell line, fit and group: AUPR lost by each model and gradient boosting's excess
    (its loss minus the network's). ``excess_se`` combines the two SEs as if independent;
    the shuffles are shared, so where the two losses move together it overstates the SE of
    the paired difference (conservative)."""
    keys = ["held_out", "fit", "seed", "group"]
    wide = table.pivot_table(index=keys, columns="model",
                             values=["aupr_lost", "aupr_lost_se"], sort=False,
                             dropna=False)  # fmt: skip
    out = pd.DataFrame({
        "network_lost": wide[("aupr_lost", "network")],
        "gbm_lost": wide[("aupr_lost", "gbm")],
        "gbm_excess": wide[("aupr_lost", "gbm")] - wide[("aupr_lost", "network")],
        "excess_se": np.hypot(wide[("aupr_lost_se", "gbm")], wide[("aupr_lost_se", "network")]),
    })  # fmt: skip
    return out.reset_index()


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_run_arguments(parser, "network row (default full)")
    parser.add_argument("--repeats", type=int, default=5, help="shuffles per group (default 5)")
    parser.add_argument("--kinds", nargs="+", choices=("group", "mark"), default=["group", "mark"],
                        help="shuffle the place groups and distance, each mark, or both "
                        "(default both)")  # fmt: skip
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    check_run_arguments(parser, args)
    if args.repeats < 1:
        parser.error("--repeats must be at least 1")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    start, commit, fits, recorded, config, frame = open_runs(args)
    parts, checks = [], []
    refits = {}  # one refit per recorded setting and training set, however many fits share it
    for cell, training_set, train, test, members in held_out_tables(args, fits, frame, config):
        gbm_rows = recorded[(recorded["row"] == "gbm") & (recorded["held_out"] == cell)]
        if gbm_rows.empty:
            raise SystemExit(f"{args.gbm_results}: no gradient-boosting row for {cell}")
        for fit, (seed, path) in enumerate(members):  # fit: its place in run.json's "fits"
            same_seed = gbm_rows[gbm_rows["seed"] == seed]
            setting = (same_seed if len(same_seed) else gbm_rows).iloc[0]
            key = (training_set, *setting[["seed", "gbm_learning_rate", "gbm_max_leaf_nodes",
                                        "gbm_trees"]])  # fmt: skip
            if key not in refits:
                refits[key] = refit_gbm(train, setting, config.normalise == "rank")
            print(f"{cell}, seed {seed}: {path}", flush=True)
            score = Scorers(path, seed, refits[key], config)
            part = importance(test, score, args.repeats, seed, args.kinds).assign(
                held_out=cell, fit=fit, seed=seed
            )
            parts.append(part)
            net = recorded[(recorded["row"] == args.row) & (recorded["held_out"] == cell)
                           & (recorded["seed"] == seed)]  # fmt: skip
            checks.append({"held_out": cell, "fit": fit, "seed": seed,
                           "network_aupr": part.loc[part["model"] == "network", "aupr"].iloc[0],
                           "network_recorded": net["aupr"].iloc[0] if len(net) else np.nan,
                           "gbm_aupr": part.loc[part["model"] == "gbm", "aupr"].iloc[0],
                           "gbm_recorded": float(setting["aupr"])})  # fmt: skip
    table = pd.concat(parts, ignore_index=True)
    first = ["held_out", "fit", "seed"]
    table = table[[*first, *[c for c in table if c not in first]]]
    args.out.mkdir(parents=True, exist_ok=True)
    write_text(args.out / "importance.csv", table.to_csv(index=False, float_format="%.5f"))
    checked = pd.DataFrame(checks)
    markdown = "\n\n".join([
        "AUPR of the unshuffled tables, and as the benchmark recorded them:",
        checked.to_markdown(index=False, floatfmt=".4f"),
        f"AUPR lost when a group is shuffled (mean of {args.repeats} shuffles; "
        "gbm_excess = gradient boosting's loss minus the network's, with its SE):",
        side_by_side(table).to_markdown(index=False, floatfmt=".4f"),
    ])  # fmt: skip
    write_text(args.out / "importance.md", markdown + "\n")
    finish_run(args.out, argv, commit, start, fits, markdown)
    return 0


if __name__ == "__main__":
    sys.exit(main())
