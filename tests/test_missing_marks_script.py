"""benchmarks/missing_marks.py: what each missing mark costs, measured on a made table."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from test_predict_features import feature_weights, make_table, write_table

SCRIPT = Path(__file__).resolve().parents[1] / "benchmarks" / "missing_marks.py"


def load_script():
    spec = importlib.util.spec_from_file_location("missing_marks", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_each_mark_is_scored_missing_once_against_the_complete_table(tmp_path, capsys):
    script = load_script()
    table = write_table(make_table(), tmp_path / "cells.tsv")
    weights = feature_weights(tmp_path / "rank.pt", "rank")
    out = tmp_path / "missing.md"
    assert script.main(["--weights", str(weights), "--tables", str(table), "--out", str(out)]) == 0
    text = out.read_text()
    assert "AUPR drop per missing mark" in text and text.strip() in capsys.readouterr().out
    costs = script.mark_costs(str(weights), table, script.InferenceConfig(support_size=8))
    assert list(costs["missing"]) == [script.COMPLETE, *script.MARKS]
    assert costs["aupr_drop"].iloc[0] == 0
    assert costs["aupr_drop"].abs().sum() > 0  # imputing a mark moves the scores
    assert (costs["pairs"] == (make_table()["label"] >= 0).sum()).all()
    assert all(f"| {mark} |" in text for mark in script.MARKS)
