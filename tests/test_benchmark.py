"""The quick benchmark as a smoke test: it runs end to end and writes every artefact.

Asserts the structure of what it writes, not its numbers (those belong to the full run,
docs/BENCHMARK.md).
"""

import json

import pandas as pd
import pytest

from kipoi_prism.benchmark.harness import PROFILES, BenchmarkConfig
from kipoi_prism.benchmark.variants import VARIANTS, resolve
from kipoi_prism.cli import main


def test_every_variant_changes_its_configuration():
    from kipoi_prism.benchmark.harness import base_configs

    base = base_configs(PROFILES["quick"], seed=0)
    for key, variant in VARIANTS.items():
        changed = variant.change(*base)
        assert (changed == base) == (key == "full"), key


def test_unknown_rows_and_tracks_are_named():
    with pytest.raises(ValueError, match="unknown variant"):
        resolve(["full", "nope"])
    with pytest.raises(ValueError, match="tracks"):
        BenchmarkConfig(tracks=("sequence", "video"))


def test_quick_benchmark_writes_its_results(shared_data, tmp_path):
    out = tmp_path / "bench"
    status = main(["--quiet", "benchmark", "--quick", "--data-dir", str(shared_data),
                   "--out", str(out), "--threads", "2"])  # fmt: skip
    assert status == 0
    results = pd.read_csv(out / "results.csv")
    quick = PROFILES["quick"]
    expected_rows = {
        "sequence": set(quick.rows) | set(quick.baselines),
        "features": set(quick.feature_rows) | {"gbm", "distance", "promoter_prior"},
    }
    for track, rows in expected_rows.items():
        got = results[results["track"] == track]
        assert set(got["row"]) == rows
        assert set(got["held_out"]) == set(quick.held_out)
    for column in ("aupr", "auroc", "f1", "brier", "aupr_ci_low", "aupr_ci_high", "threshold"):
        assert results[column].notna().all(), column
    assert results["aupr"].between(0, 1).all()
    sequence = results[results["track"] == "sequence"]
    assert sequence["oracle_aupr"].between(0, 1).all()
    text = (out / "results.md").read_text()
    for heading in ("### Track: sequence", "### Track: features", "SPEC success signs"):
        assert heading in text
    run = json.loads((out / "run.json").read_text())
    assert run["command"].startswith("kipoi-prism ") and run["commit"] and run["wall_s"] > 0
    assert len(list(out.glob("pr-*.png"))) == 2
    assert (out / "lam_T_trajectories.png").is_file()
    history = pd.read_csv(out / "training_history.csv")
    assert {"lam", "T", "row", "held_out"} <= set(history.columns)
