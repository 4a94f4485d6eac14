"""The environment-swap ablation and the gating strength of the sequence track.

``score_frame(..., environment_from=...)`` scores pairs with another cell line's ``z_E``;
``kipoi-prism benchmark --environment-swap`` records what that does to every trained row;
``--gating-strength`` sets how much the simulated truth depends on the environment.
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from predict_helpers import make_pairs, single_thread, tiny_weights  # noqa: F401

from kipoi_prism.benchmark.harness import PROFILES, BenchmarkConfig
from kipoi_prism.cli.main import main
from kipoi_prism.config import InferenceConfig
from kipoi_prism.errors import PrismInputError
from kipoi_prism.inference import Predictor, environment_of, score_arrays, score_frame
from kipoi_prism.io.genome import Genome
from kipoi_prism.io.pairs import read_pairs
from kipoi_prism.metrics import aupr
from kipoi_prism.model.weights import load_weights

CONFIG = InferenceConfig(support_size=6, seed=3)


@pytest.fixture
def tables(tmp_path):
    """Made pairs of three cell lines, split by cell line."""
    frame = read_pairs(make_pairs(tmp_path / "pairs.bedpe", n=60, seed=4))
    return {cell: rows.reset_index(drop=True) for cell, rows in frame.groupby("cell_line")}


@pytest.mark.usefixtures("single_thread")
def test_swapped_scores_use_the_other_cell_lines_environment(tmp_path, small_genome, tables):
    bundle = load_weights(tiny_weights(tmp_path / "tiny.pt", seed=2))
    held, donor = tables["cellA"], tables["cellB"]
    swapped = score_frame(bundle, held, small_genome, config=CONFIG, environment_from=donor)
    # The same scores by hand: z_E from cellB's own support set, applied to cellA's pairs.
    predictor = Predictor(bundle, Genome(small_genome), CONFIG)
    support = predictor.scan(predictor.frame_source(donor)).support["cellB"]
    assert len(support) == CONFIG.support_size
    rows = predictor.encoder.encode(support)
    z_b = environment_of(bundle.model, rows.enhancer, rows.promoter)
    pairs = predictor.encoder.encode(held)
    expected = score_arrays(bundle.model, pairs.enhancer, pairs.promoter, z_b, bundle.threshold)
    for column in ("probability", "R_E", "T"):
        np.testing.assert_allclose(swapped[column], expected[column], rtol=1e-5, atol=1e-6)
    # ... which are not cellA's own scores, nor depend on cellA's own support set.
    own = score_frame(bundle, held, small_genome, config=CONFIG)
    assert not np.allclose(own["R_E"], swapped["R_E"])
    assert not np.allclose(own["probability"], swapped["probability"])
    np.testing.assert_array_equal(own["U_I"], swapped["U_I"])
    fewer = held.iloc[:8]  # its own support set would be another draw; the borrowed one is not
    again = score_frame(bundle, fewer, small_genome, config=CONFIG, environment_from=donor)
    np.testing.assert_array_equal(again["probability"], swapped["probability"][:8])
    own_fewer = score_frame(bundle, fewer, small_genome, config=CONFIG)
    assert not np.allclose(own_fewer["R_E"], own["R_E"][:8])


@pytest.mark.usefixtures("single_thread")
def test_the_environment_must_come_from_one_cell_line(tmp_path, small_genome, tables):
    weights = tiny_weights(tmp_path / "tiny.pt")
    two = pd.concat([tables["cellB"], tables["cellC"]], ignore_index=True)
    with pytest.raises(PrismInputError, match="one cell line, got 2: cellB, cellC"):
        score_frame(weights, tables["cellA"], small_genome, config=CONFIG, environment_from=two)


@pytest.mark.usefixtures("single_thread")
def test_environment_swap_summarises_every_donor(tmp_path, small_genome, tables, monkeypatch):
    from kipoi_prism.benchmark import sequence_track

    monkeypatch.setattr(sequence_track, "resolve_device", lambda _: "cpu")
    weights = tiny_weights(tmp_path / "tiny.pt", seed=5)
    held = tables["cellA"]
    donors = {"cellB": tables["cellB"], "cellC": tables["cellC"]}
    result = sequence_track.environment_swap(weights, small_genome, held, donors, seed=1)
    labels = held["label"].to_numpy()
    each = [
        aupr(labels, score_frame(weights, held, small_genome, environment_from=pairs,
                                 config=InferenceConfig(support_size=32, seed=1))["probability"])
        for pairs in donors.values()
    ]  # fmt: skip
    assert result["swap_aupr"] == pytest.approx(np.mean(each))
    assert (result["swap_aupr_min"], result["swap_aupr_max"]) == pytest.approx(
        (min(each), max(each))
    )
    assert result["swap_from"] == "cellB,cellC"
    assert 0 <= result["swap_brier"] <= 1 and 0 <= result["swap_f1"] <= 1


def test_gating_strength_reaches_the_simulator(tmp_path, monkeypatch):
    from kipoi_prism.benchmark import sequence_track
    from kipoi_prism.simulation import run

    class Stop(Exception):
        """What the simulator would do next is not under test."""

    seen = []

    def capture(tables, motifs, background, out_dir, config, progress):
        seen.append(config)
        raise Stop

    monkeypatch.setattr(run, "simulate", capture)
    for gating in (0.95, None):
        config = BenchmarkConfig(gating_strength=gating)
        with pytest.raises(Stop):
            sequence_track.simulate_pairs(config, tmp_path, tmp_path / "sim", seed=0)
    assert [c.gating_strength for c in seen] == [0.95, 0.7]  # None: the simulator's default


@pytest.mark.parametrize("gating", [-0.1, 1.5, float("nan"), True, "0.5"])
def test_gating_strength_outside_zero_one_is_refused(gating):
    with pytest.raises(PrismInputError, match=r"gating_strength: expected a number in \[0, 1\]"):
        BenchmarkConfig(gating_strength=gating)


def test_cli_options_parse_and_bad_gating_is_refused(tmp_path, capsys):
    from kipoi_prism.cli.benchmark import build_config
    from kipoi_prism.cli.main import build_parser

    options = ["--gating-strength", "0.95", "--environment-swap"]
    args = build_parser().parse_args(["benchmark", "--quick", "--out", str(tmp_path), *options])
    config = build_config(args)
    assert (config.gating_strength, config.environment_swap) == (0.95, True)
    plain = build_config(build_parser().parse_args(["benchmark", "--out", str(tmp_path)]))
    assert (plain.gating_strength, plain.environment_swap) == (None, False)
    with pytest.raises(SystemExit):
        main(["benchmark", "--quick", "--out", str(tmp_path), "--gating-strength", "1.2"])
    error = capsys.readouterr().err
    assert "--gating-strength: expected a number in [0, 1], got '1.2'" in error


def test_swap_table_only_when_the_columns_are_there():
    from kipoi_prism.benchmark.report import environment_swap_table, markdown_tables

    frame = pd.DataFrame({"track": "sequence", "row": ["full", "film", "distance"],
                          "held_out": "K562", "seed": 0, "aupr": [0.30, 0.40, 0.10],
                          "auroc": 0.6, "f1": 0.2, "brier": 0.1, "precision": 0.2,
                          "recall": 0.2, "aupr_ci_low": 0.1, "aupr_ci_high": 0.5,
                          "oracle_aupr": 0.8, "other_env_aupr": 0.35})  # fmt: skip
    pooled = pd.DataFrame(columns=["track", "row", "seed", "pooled_aupr", "pooled_auroc",
                                   "pooled_brier"])  # fmt: skip
    assert environment_swap_table(frame, ["full", "film", "distance"]) is None
    assert "Environment swap" not in markdown_tables(frame, pooled)
    swapped = frame.assign(swap_aupr=[0.30, 0.25, np.nan], swap_aupr_min=[0.30, 0.20, np.nan],
                           swap_aupr_max=[0.30, 0.30, np.nan], swap_brier=0.2,
                           swap_f1=0.1)  # fmt: skip
    table = environment_swap_table(swapped, ["full", "film", "distance"])
    assert list(table.index) == ["prism-energy (full)", "FiLM comparator (z_E modulates z_I)"]
    assert table["swap_delta"].tolist() == pytest.approx([0.0, 0.15])
    assert list(table.columns[:8]) == ["held_out", "oracle_aupr", "other_env_aupr", "aupr",
                                       "swap_aupr", "swap_aupr_min", "swap_aupr_max",
                                       "swap_delta"]  # fmt: skip
    text = markdown_tables(swapped, pooled)
    assert "Environment swap" in text
    assert "| FiLM comparator (z_E modulates z_I) | K562 | 0.800 | 0.350 | 0.400 | 0.250" in text
    assert "another cell line's environment (AUPR, mean over the others): K562 0.350" in text


@pytest.fixture(scope="module")
def swap_run(shared_data, tmp_path_factory):
    out = tmp_path_factory.mktemp("swap") / "bench"
    status = main(["--quiet", "benchmark", "--quick", "--data-dir", str(shared_data),
                   "--out", str(out), "--tracks", "sequence", "--rows", "full,film",
                   "--baselines", "distance", "--gating-strength", "0.95",
                   "--environment-swap", "--threads", "1"])  # fmt: skip
    assert status == 0
    return out


def test_quick_run_with_the_swap_end_to_end(swap_run):
    results = pd.read_csv(swap_run / "results.csv").set_index("row")
    trained = results.loc[["full", "film"]]
    others = [c for c in PROFILES["quick"].cell_lines if c != "K562"]
    assert (trained["swap_from"] == ",".join(others)).all()
    assert (trained["swap_aupr_min"] <= trained["swap_aupr"]).all()
    assert (trained["swap_aupr"] <= trained["swap_aupr_max"]).all()
    assert np.isnan(results.loc["distance", "swap_aupr"])  # nothing to swap in a baseline
    # Strong gating: the truth under another cell line's environment is far below the oracle.
    assert (results["other_env_aupr"] < results["oracle_aupr"] - 0.1).all()
    config = json.loads((swap_run / "run.json").read_text())["config"]
    assert (config["gating_strength"], config["environment_swap"]) == (0.95, True)
    text = (swap_run / "results.md").read_text()
    assert "Environment swap" in text and "| prism-energy (full) | K562 |" in text
