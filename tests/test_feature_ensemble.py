"""benchmarks/feature_ensemble.py on the quick benchmark run: seed ensembles of the feature
networks, and their blend with gradient boosting (``--blend-gbm``), paired with gradient
boosting refitted on the same pairs."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from test_benchmark import benchmark_script

from kipoi_prism.benchmark.harness import PROFILES
from kipoi_prism.metrics import aupr


def test_feature_ensemble_rescores_the_runs_fits_and_gradient_boosting_exactly(
    quick_run, shared_data, tmp_path, capsys
):
    """benchmarks/feature_ensemble.py on the quick run: one member scores as the benchmark
    scored it, and gradient boosting refitted at its recorded setting reproduces its AUPR."""
    script = benchmark_script("feature_ensemble")
    out = tmp_path / "ensemble"
    args = ["--runs", str(quick_run), "--gbm-results", str(quick_run / "results.csv"),
            "--data-dir", str(shared_data), "--out", str(out), "--threads", "1",
            "--bootstrap", "20"]  # fmt: skip
    assert script.main(args) == 0
    table = pd.read_csv(out / "ensemble.csv", dtype={"seeds": str}).set_index("held_out")
    recorded = pd.read_csv(quick_run / "results.csv")
    recorded = recorded[recorded["track"] == "features"].set_index(["row", "held_out"])["aupr"]
    for cell in PROFILES["quick"].held_out:
        row = table.loc[cell]
        assert row["seeds"] == "0"
        assert row["ensemble_aupr"] == pytest.approx(recorded[("full", cell)], abs=1e-4)
        assert row["networks_aupr"] == row["ensemble_aupr"] and not row["blend"]
        assert row["gbm_aupr"] == pytest.approx(recorded[("gbm", cell)], abs=1e-4)
        assert row["difference"] == pytest.approx(row["ensemble_aupr"] - row["gbm_aupr"], abs=2e-4)
        assert row["difference_low"] <= row["difference_high"]
    assert json.loads((out / "run.json").read_text())["command"].startswith("python ")
    assert "| K562" in capsys.readouterr().out
    with pytest.raises(SystemExit, match="given twice"):
        script.find_fits([quick_run, quick_run], "full")


def test_blend_ranks_averages_the_two_scores_ranks_on_one_scale():
    script = benchmark_script("feature_ensemble")
    first = np.array([0.9, 0.1, 0.5, 0.5])
    second = np.array([10.0, 30.0, 20.0, 40.0])
    # ranks scaled to 0-1: first [1, 0, 0.5, 0.5] (the tie shares), second [0, 2/3, 1/3, 1]
    expected = (np.array([1.0, 0.0, 0.5, 0.5]) + np.array([0.0, 2, 1, 3]) / 3) / 2
    assert np.allclose(script.blend_ranks(first, second), expected)
    labels = np.array([1, 0, 1, 0])
    same = script.blend_ranks(first, first)  # a score blended with itself keeps its order
    assert aupr(labels, same) == pytest.approx(aupr(labels, first))


def test_blend_with_gradient_boosting_keeps_the_networks_and_changes_the_score(
    quick_run, shared_data, tmp_path
):
    """--blend-gbm: the networks' own AUPR is still the run's, the ensemble's score is the
    blend (another AUPR), and the row says it is a blend."""
    script = benchmark_script("feature_ensemble")
    out = tmp_path / "blend"
    args = ["--runs", str(quick_run), "--gbm-results", str(quick_run / "results.csv"),
            "--data-dir", str(shared_data), "--out", str(out), "--threads", "1",
            "--bootstrap", "20", "--blend-gbm"]  # fmt: skip
    assert script.main(args) == 0
    table = pd.read_csv(out / "ensemble.csv").set_index("held_out")
    recorded = pd.read_csv(quick_run / "results.csv")
    recorded = recorded[recorded["track"] == "features"].set_index(["row", "held_out"])["aupr"]
    for cell in PROFILES["quick"].held_out:
        row = table.loc[cell]
        assert bool(row["blend"])
        assert row["networks_aupr"] == pytest.approx(recorded[("full", cell)], abs=1e-4)
        assert row["gbm_aupr"] == pytest.approx(recorded[("gbm", cell)], abs=1e-4)
        assert row["ensemble_aupr"] != pytest.approx(row["networks_aupr"], abs=1e-6)
