"""``--feature-source bengi``: leave one cell line out of the BENGI feature tables, each
held-out cell line scored on each of its own tables."""

from pathlib import Path

import pandas as pd
import pytest
from test_benchmark import benchmark_script
from test_feature_track import _args

from kipoi_prism.benchmark.feature_track import (
    leave_one_out,
    load_bengi,
    load_targetfinder,
    load_training_tables,
    read_table,
    scored_tables,
    transfer_split,
    transfer_tables,
)
from kipoi_prism.cli.benchmark import build_config
from kipoi_prism.cli.main import main
from kipoi_prism.config import BenchmarkConfig
from kipoi_prism.config.benchmark import BENGI_FEATURE_CELL_LINES
from kipoi_prism.errors import PrismInputError


def test_the_bengi_source_option_sets_bengi_cell_lines_and_holds_each_out():
    config = build_config(_args("--tracks", "features", "--feature-source", "bengi"))
    assert config.feature_source == "bengi" and not config.bengi
    assert config.cell_lines == config.held_out == BENGI_FEATURE_CELL_LINES
    one = build_config(_args("--full", "--tracks", "features", "--feature-source", "bengi",
                             "--held-out", "HeLa"))  # fmt: skip
    assert one.held_out == ("HeLa",) and one.cell_lines == BENGI_FEATURE_CELL_LINES
    assert build_config(_args("--tracks", "features")).feature_source == "targetfinder"


def test_bad_bengi_source_settings_are_named():
    with pytest.raises(PrismInputError, match="sequence track has no BENGI pairs"):
        build_config(_args("--feature-source", "bengi"))  # both tracks by default
    with pytest.raises(PrismInputError, match=r"held_out: \['K562'\] not among"):
        build_config(_args("--tracks", "features", "--feature-source", "bengi",
                           "--held-out", "K562"))  # fmt: skip
    with pytest.raises(
        PrismInputError, match=r"feature_source=bengi: no feature tables for \['HUVEC'\]"
    ):
        BenchmarkConfig(tracks=("features",), feature_source="bengi", cell_lines=("HUVEC",))
    with pytest.raises(PrismInputError, match="feature_source"):
        BenchmarkConfig(tracks=("features",), feature_source="encode")


def test_bengi_leave_one_out_scores_each_held_out_table_whole_and_trains_on_the_rest(
    shared_data,
):
    config = BenchmarkConfig(tracks=("features",), feature_source="bengi",
                             cell_lines=("HeLa", "IMR90"), normalise="rank")  # fmt: skip
    frame = load_bengi(config, shared_data)
    assert set(frame["cell_line"]) == {"HeLa", "IMR90"}
    train, val, test = leave_one_out(frame, "HeLa", config)
    tests = scored_tables(test, "HeLa")
    folder = shared_data / "bengi" / "features"
    assert list(tests) == [f"BENGI HeLa.{a}-Benchmark" for a in ("CTCF-ChIAPET", "HiC",
                                                                  "RNAPII-ChIAPET")]  # fmt: skip
    for name, table in tests.items():  # every row, in order, as TargetFinder -> BENGI reads it
        alone = read_table(folder / f"BENGI.{name[6:]}.v3.targetfinder_features.tsv.gz", config)
        pd.testing.assert_series_equal(table["enhancer"], alone["enhancer"])
        assert table["label"].tolist() == alone["label"].tolist()
        assert table["H3K27ac (enhancer)"].tolist() == alone["H3K27ac (enhancer)"].tolist()
    training = pd.concat([train, val])
    assert set(training["cell_line"]) == {"IMR90"} and training["name"].is_unique
    imr90 = frame[frame["cell_line"] == "IMR90"]
    assert len(training) == imr90["name"].nunique() < len(imr90)  # transcripts' repeats once
    assert set(val["enhancer_chrom"]) <= set(config.val_chromosomes)
    train_all, val_all = transfer_split(frame, config)
    assert len(train_all) + len(val_all) == frame["name"].nunique()
    assert not transfer_tables(config, shared_data)  # BENGI trains: nothing to transfer to


def test_a_bengi_source_run_and_its_ensemble_rescore_the_same_tables(shared_data, tmp_path):
    run = tmp_path / "bench"
    assert main(["--quiet", "benchmark", "--tracks", "features", "--feature-source", "bengi",
                 "--held-out", "NHEK", "--feature-rows", "task_only", "--feature-max-epochs", "1",
                 "--feature-baselines", "gbm,distance", "--data-dir", str(shared_data),
                 "--out", str(run), "--threads", "1"]) == 0  # fmt: skip
    results = pd.read_csv(run / "results.csv")
    assert set(results["held_out"]) == {"BENGI NHEK.HiC-Benchmark"}
    assert set(results["row"]) == {"task_only", "gbm", "distance"}
    assert (run / "runs" / "feat-task_only-NHEK-seed0" / "weights.pt").is_file()
    out = tmp_path / "ensemble"
    script = benchmark_script("feature_ensemble")
    assert script.main(["--runs", str(run), "--row", "task_only", "--gbm-results",
                        str(run / "results.csv"), "--data-dir", str(shared_data), "--out",
                        str(out), "--threads", "1", "--bootstrap", "20"]) == 0  # fmt: skip
    row = pd.read_csv(out / "ensemble.csv").set_index("held_out").loc["BENGI NHEK.HiC-Benchmark"]
    recorded = results.set_index("row")["aupr"]
    assert row["ensemble_aupr"] == pytest.approx(recorded["task_only"], abs=1e-4)
    assert row["gbm_aupr"] == pytest.approx(recorded["gbm"], abs=1e-4)


def test_both_sources_hold_out_a_cell_line_named_alike_and_score_its_tables_of_both(
    shared_data,
):
    config = build_config(_args("--tracks", "features", "--feature-source", "both"))
    assert config.held_out == ("GM12878", "IMR90", "NHEK")
    assert {"HeLa", "HeLa-S3", "HUVEC"} <= set(config.cell_lines)
    with pytest.raises(PrismInputError, match=r"cannot hold out \['HeLa'\]"):
        build_config(_args("--tracks", "features", "--feature-source", "both",
                           "--held-out", "HeLa"))  # fmt: skip
    small = BenchmarkConfig(tracks=("features",), feature_source="both",
                            cell_lines=("IMR90", "NHEK"), normalise="rank")  # fmt: skip
    frame = load_training_tables(small, shared_data)
    train, val, test = leave_one_out(frame, "IMR90", small)
    tests = scored_tables(test, "IMR90")
    assert list(tests) == ["BENGI IMR90.HiC-Benchmark", "IMR90"]
    alone = load_targetfinder(small, shared_data, ["IMR90"])  # ranked within its own table
    assert tests["IMR90"]["name"].tolist() == alone["name"].tolist()
    assert tests["IMR90"]["CTCF (enhancer)"].tolist() == alone["CTCF (enhancer)"].tolist()
    training = pd.concat([train, val])
    assert set(training["cell_line"]) == {"NHEK"}
    assert set(training["table"]) == {"NHEK", "BENGI NHEK.HiC-Benchmark"}
    # one environment per table: NHEK's two tables train as two environments
    by_table = BenchmarkConfig(tracks=("features",), feature_source="both",
                               cell_lines=("IMR90", "NHEK"), normalise="rank",
                               environment_by="table")  # fmt: skip
    train_t, val_t, test_t = leave_one_out(frame, "IMR90", by_table)
    assert set(train_t["cell_line"]) == set(val_t["cell_line"]) == {
        "NHEK", "BENGI NHEK.HiC-Benchmark"}  # fmt: skip
    assert (train_t["cell_line"] == train_t["table"]).all()
    assert train_t.drop(columns="cell_line").equals(train.drop(columns="cell_line"))
    assert test_t.equals(test)  # held-out tables as before (each scored on its own)
    both_train, _ = transfer_split(frame, by_table)
    assert set(both_train["cell_line"]) == set(frame["table"])


def test_environments_by_table_need_a_source_with_tables():
    config = build_config(_args("--tracks", "features", "--feature-source", "bengi",
                                "--environment-by", "table"))  # fmt: skip
    assert config.environment_by == "table"
    assert build_config(_args("--tracks", "features")).environment_by == "cell_line"
    with pytest.raises(PrismInputError, match="environment_by=table needs feature_source"):
        build_config(_args("--tracks", "features", "--environment-by", "table"))
    with pytest.raises(PrismInputError, match="environment_by"):
        BenchmarkConfig(tracks=("features",), feature_source="bengi", environment_by="assay")


DOCS = Path(__file__).resolve().parents[1] / "docs"


def committed_aupr(folders: list[str], row: str) -> pd.Series:
    """AUPR of ``row`` by held-out name, over committed runs under docs/benchmark-runs/."""
    frame = pd.concat([pd.read_csv(DOCS / "benchmark-runs" / f / "results.csv") for f in folders])
    return frame[frame["row"] == row].set_index("held_out")["aupr"]


def test_benchmark_doc_pooled_sampling_table_is_the_committed_runs():
    """docs/BENCHMARK.md's H17 table (one model on both samplings, per cell line or per
    table, energy head or FiLM, against the single-source networks) is what the committed
    runs measured, not typed."""

    def aupr(run: str, row: str, held: str) -> float:
        return committed_aupr([run], row)[held]

    single = {"GM12878": "features-validation/rank-loo-GM12878", "IMR90": "chromatin/rank-loo"}
    text = (DOCS / "BENCHMARK.md").read_text()
    for held in ("GM12878", "BENGI GM12878.CTCF-ChIAPET-Benchmark", "BENGI GM12878.HiC-Benchmark",
                 "IMR90", "BENGI IMR90.HiC-Benchmark"):  # fmt: skip
        cell = "GM12878" if "GM12878" in held else "IMR90"
        reference = aupr(single.get(held, "bengi-loo/merged"), "full", held)
        pooled = [aupr(f"bengi-loo/{run}-{cell}", row, held)
                  for run, row in (("both-loo", "full"), ("both-bytable", "full"),
                                   ("both-film", "film"), ("both-bytable", "film"))]  # fmt: skip
        label = held if held.startswith("BENGI") else f"{held} (TargetFinder)"
        cells = " | ".join(f"{v:.3f} ({v - reference:+.3f})" for v in pooled)
        assert f"| {label} | {reference:.3f} | {cells} |" in text


def test_benchmark_doc_ranked_against_log_table_is_the_committed_runs():
    """docs/BENCHMARK.md's H18 table (network and gradient boosting, log-scaled and ranked
    marks, six held-out cell lines) is what the committed runs measured, not typed."""
    gm = "features-validation/rank-loo-GM12878"
    columns = [
        committed_aupr(["features-equal-data"], "full"),
        committed_aupr(["chromatin/rank-loo", "chromatin/rank-loo-rest", gm], "full"),
        committed_aupr(["features-equal-data"], "gbm"),
        committed_aupr(["chromatin/rank-gbm-a", "chromatin/rank-gbm-b", gm], "gbm"),
    ]
    text = (DOCS / "BENCHMARK.md").read_text()
    for cell in ("GM12878", "HUVEC", "HeLa-S3", "IMR90", "K562", "NHEK"):
        assert f"| {cell} | " + " | ".join(f"{c[cell]:.3f}" for c in columns) + " |" in text
