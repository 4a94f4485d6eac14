"""Seed ensembles of the real-feature networks, paired with gradient boosting on the same pairs.

For each held-out cell line, every network fitted without it (a benchmark run's
``runs/feat-<row>-<cell>-seed<k>/weights.pt``) scores that cell line's table (with
``--feature-source bengi`` runs, each of its BENGI tables) as the benchmark does (a support
set of 32 of its pairs, seeded by the fit's seed); the ensemble's probability is the members'
mean. Gradient boosting is fitted again at the setting the benchmark chose for
that cell line (``--gbm-results``: a ``results.csv`` with ``gbm_learning_rate``,
``gbm_max_leaf_nodes`` and ``gbm_trees``) on the same training pairs, and its held-out AUPR is
checked against the recorded one, so both models are scored on the same pairs and a paired
bootstrap gives the interval of their difference (``--bootstrap``, 500 resamples).

With ``--transfer`` the members are the runs' TargetFinder -> BENGI fits
(``runs/bengi-<row>-seed<k>/weights.pt``, and any ``--weights`` file, e.g. the shipped
chromatin model, as a seed-0 member), every transfer table (the BENGI tables and the runs'
``--extra-test`` tables) is a held-out table, and gradient boosting is refitted once on every
TargetFinder training pair at the setting its transfer rows record.

With ``--blend-gbm`` the ensemble also takes gradient boosting in: its score is the mean of
the networks' mean probability and gradient boosting's probability, each as its rank among
the held-out pairs scaled to 0-1 (:func:`blend_ranks`; the two models' probabilities are on
different scales), still paired with gradient boosting alone. A blend that beats gradient
boosting says the two models err differently (so a model combining both could score better
than either); one that does not, that on these inputs they read the same signal.

Prints and writes (``--out``: ``ensemble.csv``, ``ensemble.md``, ``run.json`` with the
command, commit and wall time) one row per held-out cell line (or table) and a mean row.
Nothing is typed: every number is measured in the run.

    python benchmarks/feature_ensemble.py --runs results/eq-* results/seed1-* \\
        --gbm-results docs/benchmark-runs/features-equal-data/results.csv --out results/ensemble
    python benchmarks/feature_ensemble.py --transfer --runs results/bengi-norm \\
        --weights kipoi_prism/weights/prism-energy-chromatin.pt \\
        --gbm-results docs/benchmark-runs/chromatin/results.csv --out results/ensemble-bengi
"""

from __future__ import annotations

import argparse
import dataclasses
import functools
import json
import re
import shlex
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from kipoi_prism.benchmark import features as tables  # noqa: E402
from kipoi_prism.benchmark.baselines import GradientBoosting  # noqa: E402
from kipoi_prism.benchmark.feature_track import (  # noqa: E402
    feature_probabilities,
    leave_one_out,
    load_training_tables,
    scored_tables,
    transfer_split,
    transfer_tables,
)
from kipoi_prism.benchmark.harness import PROFILES, git_commit  # noqa: E402
from kipoi_prism.config.benchmark import NORMALISATIONS  # noqa: E402
from kipoi_prism.io.atomic import write_text  # noqa: E402
from kipoi_prism.metrics import (  # noqa: E402
    aupr,
    auroc,
    bootstrap_interval,
    paired_bootstrap_difference,
)
from kipoi_prism.model.weights import load_weights  # noqa: E402

FIT = re.compile(r"^feat-(?P<row>[^-]+)-(?P<cell>.+)-seed(?P<seed>\d+)$")
TRANSFER_FIT = re.compile(r"^bengi-(?P<row>[^-]+)-seed(?P<seed>\d+)$")
TRANSFER = "transfer"  # the key of the TargetFinder -> BENGI fits in find_fits' answer


def add_run_arguments(parser: argparse.ArgumentParser, row_help: str) -> None:
    """``--runs``, ``--row``, ``--gbm-results``, ``--data-dir``, ``--transfer`` and
    ``--weights``: a benchmark run's network fits and gradient boosting's settings (shared
    with ``benchmarks/input_importance.py``)."""
    parser.add_argument("--runs", nargs="+", type=Path, required=True,
                        help="benchmark runs holding runs/feat-<row>-<cell>-seed<k>")  # fmt: skip
    parser.add_argument("--row", default="full", help=row_help)
    parser.add_argument("--gbm-results", type=Path, required=True,
                        help="results.csv with gradient boosting's chosen settings")  # fmt: skip
    parser.add_argument("--data-dir", type=Path, default=Path("../shared/data"))
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--transfer", action="store_true",
                        help="the TargetFinder -> BENGI fits, on the BENGI tables")  # fmt: skip
    parser.add_argument("--weights", nargs="+", type=Path, default=[],
                        help="with --transfer: more members, weights files (seed 0); the "
                        "--runs then give the settings and may hold no fits")  # fmt: skip


def check_run_arguments(parser: argparse.ArgumentParser, args: argparse.Namespace) -> None:
    """What :func:`add_run_arguments` cannot check before parsing."""
    if args.weights and not args.transfer:
        parser.error("--weights needs --transfer")
    missing = [str(path) for path in args.weights if not path.is_file()]
    if missing:
        parser.error(f"--weights: no such file: {', '.join(missing)}")


def open_runs(args: argparse.Namespace):
    """What both scripts read first: ``(start time, commit, fits, the feature-track rows of
    --gbm-results, the runs' benchmark settings, their training tables)``; torch set to
    ``--threads``. With ``--transfer``: the TargetFinder -> BENGI fits, then the ``--weights``
    files as seed-0 members, and the transfer rows."""
    import torch

    torch.set_num_threads(args.threads)
    start = time.time()
    commit = git_commit(Path(__file__).resolve().parents[1])  # the code that runs, read first
    fits = find_fits(args.runs, args.row, args.transfer, required=not args.weights)
    if args.transfer:
        fits = {TRANSFER: [*fits.get(TRANSFER, []), *((0, path) for path in args.weights)]}
    recorded = pd.read_csv(args.gbm_results)
    config = run_config(args.runs, args.transfer)
    frame = load_training_tables(config, args.data_dir)
    track = "features-bengi" if args.transfer else "features"
    return start, commit, fits, recorded[recorded["track"] == track], config, frame


def held_out_tables(args: argparse.Namespace, fits, frame: pd.DataFrame, config):
    """``(name, training set, training pairs, held-out table, fits)`` for each held-out cell
    line's table (its training set: the other cell lines), or with ``--transfer`` for each
    transfer table (one training set, ``TRANSFER``, and the same fits for all); both
    scripts' one loop."""
    if args.transfer:
        train, _ = transfer_split(frame, config)
        for name, test in transfer_tables(config, args.data_dir).items():
            yield name, TRANSFER, train, test, fits[TRANSFER]
        return
    for cell, members in sorted(fits.items()):
        train, _, test = leave_one_out(frame, cell, config)
        for name, table in scored_tables(test, cell).items():
            yield name, cell, train, table, members


def finish_run(out: Path, argv: list[str] | None, commit: str, start: float, fits,
               markdown: str) -> None:  # fmt: skip
    """Write ``out/run.json`` (command, commit, wall time, the fits read), then print the
    run's table and the command that made it."""
    command = "python " + shlex.join([sys.argv[0], *(argv if argv is not None else sys.argv[1:])])
    meta = {"command": command, "commit": commit, "wall_s": round(time.time() - start, 1),
            "fits": {c: [[s, str(p)] for s, p in m] for c, m in fits.items()}}  # fmt: skip
    write_text(out / "run.json", json.dumps(meta, indent=2) + "\n")
    print(markdown)
    print(f"{command}\ncommit {commit}, {meta['wall_s']} s")


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_run_arguments(parser, "network row to ensemble (default full)")
    parser.add_argument("--bootstrap", type=int, default=500, help="resamples (default 500)")
    parser.add_argument("--gbm-normalise", choices=NORMALISATIONS,
                        help="with --transfer: gradient boosting's marks normalised so "
                        "(default: as the runs'), its setting from --gbm-results")  # fmt: skip
    parser.add_argument("--blend-gbm", action="store_true",
                        help="the ensemble's score blends the networks' with gradient "
                        "boosting's (mean of their 0-1 ranks), paired with gradient "
                        "boosting alone")  # fmt: skip
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    check_run_arguments(parser, args)
    if args.gbm_normalise and not args.transfer:
        parser.error("--gbm-normalise needs --transfer")
    return args


def find_fits(
    folders: list[Path], row: str, transfer: bool = False, required: bool = True
) -> dict[str, list[tuple[int, Path]]]:
    """``{cell line: [(seed, weights.pt), ...]}`` of ``row``'s fits under ``folders``, in the
    order given (fits of one seed from different runs, e.g. two architectures, are separate
    members); with ``transfer``, ``{TRANSFER: [...]}`` of the TargetFinder -> BENGI fits. A
    folder given twice is an error (its fits would count twice), and so is finding none
    where ``required``."""
    fits: dict[str, list[tuple[int, Path]]] = {}
    resolved = [folder.resolve() for folder in folders]
    if len(set(resolved)) < len(resolved):
        raise SystemExit("a --runs folder is given twice (its fits would count twice)")
    pattern, glob = (TRANSFER_FIT, "bengi-*") if transfer else (FIT, "feat-*")
    for folder in folders:
        for path in sorted((folder / "runs").glob(f"{glob}/weights.pt")):
            match = pattern.match(path.parent.name)
            if match and match["row"] == row:
                cell = TRANSFER if transfer else match["cell"]
                fits.setdefault(cell, []).append((int(match["seed"]), path))
    if required and not fits:
        name = f"bengi-{row}-seed<k>" if transfer else f"feat-{row}-<cell>-seed<k>"
        raise SystemExit(f"no runs/{name}/weights.pt under the --runs folders")
    return fits


def run_config(folders: list[Path], transfer: bool = False):
    """The benchmark settings the runs share (cell lines, validation, marks' normalisation,
    the tables they trained on; with ``transfer`` also the BENGI and extra test tables),
    from their ``run.json`` (a setting older runs did not record takes its default); runs
    that differ in them are refused."""
    defaults = {"cell_lines": None, "val_chromosomes": None, "normalise": None,
                "validate_on": "chromosomes", "feature_source": "targetfinder"}  # fmt: skip
    defaults.update({"bengi": None, "extra_test": None} if transfer else {})
    seen = {}
    for folder in folders:
        recorded = json.loads((folder / "run.json").read_text())["config"]
        values = (recorded.get(key, default) for key, default in defaults.items())
        seen[folder] = tuple(tuple(v) if isinstance(v, list) else v for v in values)
    if len(set(seen.values())) > 1:
        raise SystemExit(f"the runs differ in {', '.join(defaults)}: {seen}")
    values = dict(zip(defaults, next(iter(seen.values())), strict=True))
    return dataclasses.replace(PROFILES["full"], tracks=("features",), held_out=(), **values)


def refit_gbm(train: pd.DataFrame, recorded: pd.Series, ranked: bool) -> GradientBoosting:
    """Gradient boosting at the recorded setting, fitted as the benchmark's tuner fits it."""
    return GradientBoosting(grid={}, seed=int(recorded["seed"])).fit_setting(
        tables.feature_matrix(train, ranked), train["label"].to_numpy(),
        recorded["gbm_learning_rate"], recorded["gbm_max_leaf_nodes"], recorded["gbm_trees"],
    )  # fmt: skip


def blend_ranks(first: np.ndarray, second: np.ndarray) -> np.ndarray:
    """The mean of two scores' ranks (ties share their mean rank), each scaled to 0-1."""
    from scipy.stats import rankdata

    scale = max(len(first) - 1, 1)
    return ((rankdata(first) - 1) / scale + (rankdata(second) - 1) / scale) / 2


def compare(held_out: str, labels: np.ndarray, members: list[tuple[int, np.ndarray]],
            gbm: np.ndarray, recorded: pd.Series, n_boot: int,
            blend: bool = False) -> dict:  # fmt: skip
    """One held-out table: the members' scores, their mean (with ``blend``, blended with
    gradient boosting's: :func:`blend_ranks`), gradient boosting's and the paired
    difference."""
    networks = np.mean([scores for _, scores in members], axis=0)
    ensemble = blend_ranks(networks, gbm) if blend else networks
    member_aupr = [aupr(labels, scores) for _, scores in members]
    low, high = bootstrap_interval(labels, ensemble, n_boot=n_boot)
    g_low, g_high = bootstrap_interval(labels, gbm, n_boot=n_boot)
    difference, d_low, d_high = paired_bootstrap_difference(labels, ensemble, gbm, n_boot=n_boot)
    verdict = "win" if d_low > 0 else "loss" if d_high < 0 else "level"
    return {
        "held_out": held_out, "pairs": len(labels), "positives": int(labels.sum()),
        "seeds": ",".join(str(seed) for seed, _ in members),
        "member_aupr_mean": np.mean(member_aupr),
        "member_aupr_sd": np.std(member_aupr, ddof=1) if len(member_aupr) > 1 else np.nan,
        "networks_aupr": aupr(labels, networks), "blend": blend,
        "ensemble_aupr": aupr(labels, ensemble), "ensemble_ci_low": low,
        "ensemble_ci_high": high, "ensemble_auroc": auroc(labels, ensemble),
        "gbm_aupr": aupr(labels, gbm), "gbm_ci_low": g_low, "gbm_ci_high": g_high,
        "gbm_auroc": auroc(labels, gbm), "gbm_recorded_aupr": float(recorded["aupr"]),
        "difference": difference, "difference_low": d_low, "difference_high": d_high,
        "verdict": verdict,
    }  # fmt: skip


def gbm_tables(args: argparse.Namespace, fits, frame: pd.DataFrame, config, gbm_config):
    """:func:`held_out_tables`, each with the training pairs and held-out table gradient
    boosting reads: the networks' own, or with its marks normalised as ``gbm_config`` says
    (``--gbm-normalise``; the same pairs, read again)."""
    cases = held_out_tables(args, fits, frame, config)
    if gbm_config == config:
        for name, training_set, train, test, members in cases:
            yield name, training_set, test, members, train, test
        return
    gbm_frame = load_training_tables(gbm_config, args.data_dir)
    gbm_cases = held_out_tables(args, fits, gbm_frame, gbm_config)
    for (name, training_set, _, test, members), (_, _, train, gbm_test, _) in zip(
        cases, gbm_cases, strict=True
    ):
        assert np.array_equal(test["label"], gbm_test["label"])  # the same pairs
        yield name, training_set, test, members, train, gbm_test


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    start, commit, fits, recorded, config, frame = open_runs(args)
    recorded = recorded[recorded["row"] == "gbm"]
    gbm_config = dataclasses.replace(config, normalise=args.gbm_normalise or config.normalise)
    ranked = gbm_config.normalise == "rank"
    weights = functools.cache(load_weights)  # each member read once, however many tables
    refits, rows = {}, []  # one gradient-boosting refit per training set
    for name, training_set, test, members, gbm_train, gbm_test in gbm_tables(
        args, fits, frame, config, gbm_config
    ):
        setting = recorded[recorded["held_out"] == name].sort_values("seed", kind="stable")
        if setting.empty:
            raise SystemExit(f"{args.gbm_results}: no gradient-boosting row for {name}")
        print(f"{name}: {len(members)} fits (seeds {[seed for seed, _ in members]})", flush=True)
        if training_set not in refits:  # at the lowest recorded seed's setting
            refits[training_set] = refit_gbm(gbm_train, setting.iloc[0], ranked)
        gbm = refits[training_set].predict_proba(tables.feature_matrix(gbm_test, ranked))
        scores = [(seed, feature_probabilities(weights(path), test, seed))
                  for seed, path in members]  # fmt: skip
        rows.append(compare(name, test["label"].to_numpy(), scores, gbm, setting.iloc[0],
                            args.bootstrap, args.blend_gbm))  # fmt: skip
    markdown = write_comparison(pd.DataFrame(rows), args.out, "ensemble")
    finish_run(args.out, argv, commit, start, fits, markdown)
    return 0


def write_comparison(table: pd.DataFrame, out: Path, name: str) -> str:
    """:func:`compare`'s rows with a mean row (the verdict column counting the wins), written
    as ``out/<name>.csv`` and ``out/<name>.md``; returns the markdown."""
    mean = table.select_dtypes("number").mean().to_dict()
    table = pd.concat([table, pd.DataFrame([{**mean, "held_out": "mean", "verdict":
                       f"{(table['verdict'] == 'win').sum()} win(s) of {len(table)}"}])],
                      ignore_index=True)  # fmt: skip
    out.mkdir(parents=True, exist_ok=True)
    write_text(out / f"{name}.csv", table.to_csv(index=False, float_format="%.4f"))
    markdown = table.to_markdown(index=False, floatfmt=".3f")
    write_text(out / f"{name}.md", markdown + "\n")
    return markdown


if __name__ == "__main__":
    sys.exit(main())
