"""The feature track's pieces: equal-data options, tuned gradient boosting, the ABC-style
row, per-cell-line rank normalisation and extra test tables."""

import argparse

import numpy as np
import pandas as pd
import pytest

from kipoi_prism.benchmark import features as tables
from kipoi_prism.benchmark.baselines import GradientBoosting, abc_scores
from kipoi_prism.benchmark.harness import PROFILES
from kipoi_prism.cli.benchmark import build_config
from kipoi_prism.cli.main import main
from kipoi_prism.config import BenchmarkConfig
from kipoi_prism.errors import PrismInputError
from kipoi_prism.metrics import aupr


def _args(*argv: str) -> argparse.Namespace:
    from kipoi_prism.cli.benchmark import add_parser

    parser = argparse.ArgumentParser()
    add_parser(parser.add_subparsers())
    return parser.parse_args(["benchmark", "--out", "x", *argv])


def test_full_profile_trains_the_feature_networks_on_every_pair():
    full = PROFILES["full"]
    assert full.feature_pairs_per_cell_line is None
    assert full.feature_max_epochs > full.max_epochs and full.feature_patience
    assert BenchmarkConfig().feature_pairs_per_cell_line is None


def test_feature_size_and_epoch_options_reach_the_config():
    config = build_config(_args("--feature-pairs-per-cell-line", "all", "--feature-max-epochs",
                                "9", "--feature-patience", "2"))  # fmt: skip
    assert PROFILES["quick"].feature_pairs_per_cell_line == 300  # 'all' replaced it
    assert config.feature_pairs_per_cell_line is None
    assert (config.feature_max_epochs, config.feature_patience) == (9, 2)
    config = build_config(_args("--full", "--feature-pairs-per-cell-line", "500"))
    assert config.feature_pairs_per_cell_line == 500
    config = build_config(_args("--feature-baselines", "", "--normalise", "rank"))
    assert config.feature_baselines == () and config.normalise == "rank"


def test_bad_feature_options_are_named(capsys):
    with pytest.raises(SystemExit):
        _args("--feature-pairs-per-cell-line", "many")
    assert "expected a positive integer or 'all', got 'many'" in capsys.readouterr().err
    with pytest.raises(PrismInputError, match="feature_max_epochs: expected a positive"):
        build_config(_args("--feature-max-epochs", "0"))
    with pytest.raises(PrismInputError, match="feature baselines: unknown \\['speid'\\]"):
        build_config(_args("--feature-baselines", "gbm,speid"))
    with pytest.raises(PrismInputError, match="baselines: unknown \\['abc'\\]"):
        build_config(_args("--baselines", "abc"))  # a feature-track row only


def test_every_benchmark_option_has_help():
    from kipoi_prism.cli.benchmark import add_parser

    parser = argparse.ArgumentParser()
    subparsers = parser.add_subparsers()
    add_parser(subparsers)
    benchmark = subparsers.choices["benchmark"]
    missing = [a.dest for a in benchmark._actions if not a.help]
    assert not missing


def test_feature_epoch_cap_and_patience_reach_the_fit(monkeypatch, tmp_path):
    from kipoi_prism.benchmark import feature_track
    from kipoi_prism.config.variants import VARIANTS

    seen = {}

    def fake_fit(train, val, genome, model_config, train_config, *args, **kwargs):
        seen["train"] = train_config
        raise RuntimeError("stop here")

    monkeypatch.setattr("kipoi_prism.training.fit.fit", fake_fit)
    config = BenchmarkConfig(max_epochs=6, patience=3, feature_max_epochs=17, feature_patience=5)
    with pytest.raises(RuntimeError, match="stop here"):
        feature_track.fit_feature_model(None, None, config, VARIANTS["task_only"], 0, tmp_path)
    assert (seen["train"].max_epochs, seen["train"].patience) == (17, 5)
    assert seen["train"].curriculum is False  # the variant still applies on top
    with pytest.raises(RuntimeError, match="stop here"):
        feature_track.fit_feature_model(None, None, BenchmarkConfig(max_epochs=6, patience=3),
                                        VARIANTS["full"], 0, tmp_path)  # fmt: skip
    assert (seen["train"].max_epochs, seen["train"].patience) == (6, 3)


def _toy(n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, 4))
    logit = 2 * x[:, 0] * x[:, 1] + x[:, 2] - 2.5
    return x, (rng.random(n) < 1 / (1 + np.exp(-logit))).astype(int)


def test_gradient_boosting_keeps_the_setting_best_on_validation():
    from sklearn.ensemble import HistGradientBoostingClassifier
    from threadpoolctl import threadpool_limits

    x, y = _toy(1000, 0)
    x_val, y_val = _toy(600, 1)
    grid = {"learning_rate": (0.05, 0.5), "max_leaf_nodes": (2, 15), "max_iter": 30}
    scores = {}
    with threadpool_limits(1):  # tiny fits: OpenMP threads only wait on a busy machine
        gbm = GradientBoosting(grid, seed=0).fit(x, y, x_val, y_val)
        for rate in grid["learning_rate"]:
            for leaves in grid["max_leaf_nodes"]:
                model = HistGradientBoostingClassifier(max_iter=30, learning_rate=rate,
                                                       max_leaf_nodes=leaves, random_state=0,
                                                       early_stopping=False).fit(x, y)  # fmt: skip
                for trees, p in enumerate(model.staged_predict_proba(x_val), start=1):
                    if trees % 10 == 0:
                        scores[(rate, leaves, trees)] = aupr(y_val, p[:, 1])
        predicted = gbm.predict_proba(x_val)
    best = max(scores, key=scores.get)
    setting = gbm.setting
    assert (setting["learning_rate"], setting["max_leaf_nodes"], setting["trees"]) == best
    assert setting["val_aupr"] == pytest.approx(scores[best])
    assert aupr(y_val, predicted) == pytest.approx(scores[best])
    assert len(set(scores.values())) > 1  # the grid's settings do differ


def test_abc_scores_are_activity_by_contact_shares_per_promoter():
    dnase = np.array([4.0, 1.0, 9.0, 0.0, 2.0])
    h3k27ac = np.array([1.0, 4.0, 1.0, 5.0, 0.0])
    distance = np.array([10_000.0, 20_000.0, 1_000.0, 50_000.0, 50_000.0])
    promoters = pd.Series(["p1", "p1", "p2", "p2", "p3"])
    scores = abc_scores(dnase, h3k27ac, distance, promoters)
    gamma = 1.024238616787792
    first, second = 2 * 10_000.0**-gamma, 2 * 20_000.0**-gamma  # sqrt(4 * 1) = sqrt(1 * 4) = 2
    np.testing.assert_allclose(scores[:2], [first / (first + second), second / (first + second)])
    # Contact below 5 kb is taken as at 5 kb; a candidate with no activity scores 0; a
    # promoter whose candidates all lack activity scores 0, not NaN.
    np.testing.assert_allclose(scores[2:], [1.0, 0.0, 0.0])


def _feature_frame(rows: int, seed: int, cell_line: str) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame(rng.gamma(1.0, 0.01, size=(rows, 24)), columns=tables.FEATURE_COLUMNS)
    return frame.assign(cell_line=cell_line, distance=rng.uniform(3e4, 1e6, rows))


def test_rank_marks_puts_every_cell_line_on_one_scale():
    a = _feature_frame(50, 0, "A")
    b = a.assign(cell_line="B", **{c: 10 * a[c] + 1 for c in tables.FEATURE_COLUMNS})
    ranked = tables.rank_marks(pd.concat([a, b], ignore_index=True))
    marks = ranked[tables.FEATURE_COLUMNS].to_numpy()
    np.testing.assert_array_equal(marks[:50], marks[50:])  # the scale of a cell line is gone
    assert marks.min() == pytest.approx(1 / 50) and marks.max() == 1.0
    x = tables.feature_matrix(ranked, ranked=True)
    np.testing.assert_allclose(x[:, :24], marks, rtol=1e-6)  # ranks enter as they are
    np.testing.assert_allclose(x[:, 24], np.log10(ranked["distance"] + 1), rtol=1e-6)


def test_table_names():
    bengi = "BENGI.HMEC.HiC-Benchmark.v3.targetfinder_features.tsv.gz"
    assert tables.table_name(f"/data/{bengi}") == "BENGI HMEC.HiC-Benchmark"
    assert tables.table_name("/data/my_cells.tsv.gz") == "my_cells"
    assert tables.table_name("other.csv") == "other"


def test_extra_test_tables_are_scored_by_the_models_trained_on_every_cell_line(
    shared_data, extra_table, tmp_path
):
    out = tmp_path / "bench"
    status = main(["--quiet", "benchmark", "--tracks", "features", "--held-out", "K562",
                   "--feature-rows", "task_only", "--feature-pairs-per-cell-line", "60",
                   "--feature-max-epochs", "1", "--no-bengi", "--extra-test", str(extra_table),
                   "--data-dir", str(shared_data), "--out", str(out),
                   "--threads", "1"])  # fmt: skip
    assert status == 0
    results = pd.read_csv(out / "results.csv")
    extra = results[results["track"] == "features-bengi"]
    assert set(extra["held_out"]) == {"BENGI HMEC.HiC-Benchmark"}
    assert set(extra["row"]) == {"task_only", *PROFILES["quick"].feature_baselines}
    assert (extra["n"] == 300).all()
    network = extra[extra["row"] == "task_only"].iloc[0]
    assert network["train_pairs"] == 3 * 60 and network["max_epochs"] == 1
    gbm = results[results["row"] == "gbm"]
    assert gbm["gbm_max_leaf_nodes"].isin([7, 31]).all() and (gbm["gbm_trees"] > 0).all()
    assert "BENGI HMEC.HiC-Benchmark" in (out / "results.md").read_text()
    matched = results[["aupr_distance_matched", "aupr_distance_matched_ci_low",
                       "aupr_distance_matched_ci_high"]]  # fmt: skip
    assert matched.notna().all().all() and matched.le(1).all().all()
    assert (matched.iloc[:, 1] <= matched.iloc[:, 2]).all()
    assert "Distance-matched AUPR on the held-out cell line" in (out / "results.md").read_text()


def test_transfer_only_skips_leave_one_out(shared_data, extra_table, tmp_path):
    out = tmp_path / "bench"
    status = main(["--quiet", "benchmark", "--tracks", "features", "--transfer-only",
                   "--feature-rows", "task_only", "--feature-pairs-per-cell-line", "60",
                   "--feature-max-epochs", "1", "--feature-baselines", "distance", "--no-bengi",
                   "--extra-test", str(extra_table), "--data-dir", str(shared_data),
                   "--out", str(out), "--threads", "1"])  # fmt: skip
    assert status == 0
    results = pd.read_csv(out / "results.csv")
    assert set(results["track"]) == {"features-bengi"}
    assert set(results["held_out"]) == {"BENGI HMEC.HiC-Benchmark"}
    assert [p.name for p in (out / "runs").iterdir()] == ["bengi-task_only-seed0"]


def test_a_bad_extra_table_fails_before_any_training(shared_data, tmp_path, capsys):
    bad = tmp_path / "bad.tsv"
    bad.write_text("label\tdistance\n1\t5000\n")
    out = tmp_path / "bench"
    status = main(["benchmark", "--tracks", "features", "--extra-test", str(bad),
                   "--data-dir", str(shared_data), "--out", str(out)])  # fmt: skip
    assert status == 2
    error = capsys.readouterr().err
    assert str(bad) in error and "lacks columns" in error
    assert not (out / "runs").exists()


def test_normalise_rank_ranks_a_test_table_within_its_cell_line(extra_table):
    from kipoi_prism.benchmark.feature_track import read_table
    from kipoi_prism.io.feature_inputs import ENHANCER_INPUTS, ENHANCER_SIDE

    plain = read_table(extra_table, BenchmarkConfig())
    ranked = read_table(extra_table, BenchmarkConfig(normalise="rank"))
    dnase = "DNase (enhancer)"
    expected = plain[dnase].rank(pct=True).to_numpy()  # one cell line in the table
    np.testing.assert_allclose(ranked[dnase], expected, rtol=1e-6)
    column = ENHANCER_INPUTS[ENHANCER_SIDE.index(tables.FEATURE_COLUMNS.index(dnase))]
    np.testing.assert_allclose(ranked[column], expected, rtol=1e-6)  # the network reads ranks
    np.testing.assert_allclose(plain[column], np.log1p(1e3 * plain[dnase]), rtol=1e-5)


def test_learning_curve_table_orders_runs_by_training_pairs(tmp_path):
    import json
    import subprocess
    import sys
    from pathlib import Path

    script = Path(__file__).resolve().parents[1] / "benchmarks" / "learning_curve.py"
    runs = []
    for name, pairs, value in (("big", 9000, 0.3), ("small", 600, 0.1)):
        run = tmp_path / name
        run.mkdir()
        results = pd.DataFrame({"track": "features", "row": ["task_only", "gbm"],
                                "held_out": "K562", "seed": 0, "train_pairs": [pairs, 9000],
                                "epochs": [4, None], "aupr": [value, 0.2], "aupr_ci_low": 0.0,
                                "aupr_ci_high": 1.0, "auroc": 0.7, "train_s": 12.0})  # fmt: skip
        results.to_csv(run / "results.csv", index=False)
        (run / "run.json").write_text(json.dumps({"wall_s": 30.0}))
        runs.append(str(run))
    done = subprocess.run([sys.executable, str(script), *runs, "--row", "task_only",
                           "--held-out", "K562", "--out", str(tmp_path / "curve.md")],
                          capture_output=True, text=True, check=True)  # fmt: skip
    lines = done.stdout.splitlines()
    assert len(lines) == 4 and "gbm" not in done.stdout
    assert lines[2].startswith("| features | task_only | K562 | 0 | 600 | 4 | 0.100 |")
    assert "| 9000 | 4 | 0.300 |" in lines[3] and lines[3].endswith("| 12 | big | 30 |")
    assert (tmp_path / "curve.md").read_text() == done.stdout


def _split_frame() -> pd.DataFrame:
    cells = ["GM12878", "HUVEC", "K562", "IMR90"]
    chroms = ["chr1", "chr5", "chr9"]
    rows = [(c, ch, i % 7 == 0) for c in cells for ch in chroms for i in range(14)]
    return pd.DataFrame(rows, columns=["cell_line", "enhancer_chrom", "label"]).assign(
        label=lambda f: f["label"].astype(int)
    )


def test_validating_on_a_cell_line_keeps_that_whole_cell_line_out_of_training():
    from kipoi_prism.benchmark.feature_track import leave_one_out
    from kipoi_prism.benchmark.harness import validation_cell_line

    frame = _split_frame()
    config = BenchmarkConfig(cell_lines=("GM12878", "HUVEC", "K562", "IMR90"),
                             validate_on="cell_line")  # fmt: skip
    # The next cell line after the held-out one, cyclic: each held-out one has its own.
    assert [validation_cell_line(config, c) for c in config.cell_lines] == [
        "HUVEC", "K562", "IMR90", "GM12878"]  # fmt: skip
    train, val, test = leave_one_out(frame, "IMR90", config)
    assert set(test["cell_line"]) == {"IMR90"}
    assert set(val["cell_line"]) == {"GM12878"} and len(val) == 42  # every chromosome
    assert set(train["cell_line"]) == {"HUVEC", "K562"} and len(train) == 84
    # The default validates on chromosomes of every training cell line.
    train, val, _ = leave_one_out(frame, "IMR90", BenchmarkConfig(
        cell_lines=config.cell_lines, val_chromosomes=("chr1",)))  # fmt: skip
    assert set(val["enhancer_chrom"]) == {"chr1"} and val["cell_line"].nunique() == 3
    assert "chr1" not in set(train["enhancer_chrom"]) and len(train) == 84


def test_validate_on_is_checked_and_reaches_the_config():
    assert build_config(_args("--validate-on", "cell_line")).validate_on == "cell_line"
    assert build_config(_args()).validate_on == "chromosomes"
    with pytest.raises(PrismInputError, match="validate_on"):
        BenchmarkConfig(validate_on="random")
    # Refused when the run is configured, before any simulation or fit.
    with pytest.raises(PrismInputError, match="at least three cell lines"):
        BenchmarkConfig(cell_lines=("K562", "IMR90"), validate_on="cell_line")


def test_distance_matched_table_only_where_the_column_is():
    from kipoi_prism.benchmark.report import distance_matched_table, markdown_tables

    frame = pd.DataFrame({"track": "features", "row": ["full", "gbm", "full", "gbm"],
                          "held_out": ["K562", "K562", "NHEK", "NHEK"], "seed": 0,
                          "aupr": 0.2, "auroc": 0.6, "f1": 0.2, "brier": 0.1,
                          "precision": 0.2, "recall": 0.2, "aupr_ci_low": 0.1,
                          "aupr_ci_high": 0.3})  # fmt: skip
    pooled = pd.DataFrame(columns=["track", "row", "seed", "pooled_aupr", "pooled_auroc",
                                   "pooled_brier"])  # fmt: skip
    assert distance_matched_table(frame, ["full", "gbm"]) is None
    assert "Distance-matched" not in markdown_tables(frame, pooled)
    matched = frame.assign(aupr_distance_matched=[0.15, 0.25, 0.35, 0.45])
    table = distance_matched_table(matched, ["full", "gbm"])
    assert table.loc["gbm"].tolist() == [0.25, 0.45]
    assert (
        "| gradient boosting (TargetFinder; tuned on validation) | 0.250 | 0.450 |"
        in markdown_tables(matched, pooled)
    )
