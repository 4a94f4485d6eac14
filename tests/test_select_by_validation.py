"""benchmarks/select_by_validation.py: a configuration is chosen on validation AUPR, never on
held-out AUPR, and compared with the baseline configuration."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from test_benchmark import benchmark_script


def load_script():
    return benchmark_script("select_by_validation")


def make_run(folder: Path, held_out: str, val_by_epoch: list[float], aupr: float,
             command: str = "kipoi-prism benchmark") -> Path:  # fmt: skip
    """A finished one-fit benchmark run: results.csv, training_history.csv, run.json."""
    folder.mkdir(parents=True)
    key = {"track": "features", "row": "full", "held_out": held_out, "seed": 0}
    pd.DataFrame([{**key, "aupr": aupr, "auroc": 0.7}]).to_csv(folder / "results.csv", index=False)
    history = [{**key, "epoch": i + 1, "val_aupr": v} for i, v in enumerate(val_by_epoch)]
    pd.DataFrame(history).to_csv(folder / "training_history.csv", index=False)
    (folder / "run.json").write_text(json.dumps({"command": command}))
    return folder


def test_the_choice_follows_validation_not_held_out_aupr(tmp_path, capsys):
    script = load_script()
    runs = [
        make_run(tmp_path / "default-GM12878", "GM12878", [0.20, 0.25, 0.22], aupr=0.40),
        # best validation (0.30 at epoch 2), but the lowest held-out AUPR
        make_run(tmp_path / "wide-GM12878", "GM12878", [0.21, 0.30, 0.29], aupr=0.35),
        make_run(tmp_path / "lowdrop-GM12878", "GM12878", [0.10, 0.12], aupr=0.50),
        make_run(tmp_path / "default-HeLa-S3", "HeLa-S3", [0.10, 0.11], aupr=0.12),
        make_run(tmp_path / "wide-HeLa-S3", "HeLa-S3", [0.15, 0.14], aupr=0.16),
    ]
    out = tmp_path / "selection.md"
    assert script.main(["--runs", *map(str, runs), "--out", str(out)]) == 0
    configurations, choices = script.select(script.read_runs(runs), "default")
    choices = choices.set_index("held_out")
    assert choices.loc["GM12878", "chosen"] == "wide"
    assert choices.loc["GM12878", "chosen_val_aupr"] == pytest.approx(0.30)
    assert choices.loc["GM12878", "difference"] == pytest.approx(0.35 - 0.40)
    assert choices.loc["GM12878", "best_held_out"] == "lowdrop"
    # validation ranks wide, default, lowdrop; held-out ranks them lowdrop, default, wide
    assert choices.loc["GM12878", "spearman_val_held_out"] == pytest.approx(-1.0)
    assert choices.loc["HeLa-S3", "chosen"] == "wide"
    assert choices.loc["HeLa-S3", "difference"] == pytest.approx(0.04)
    gm = configurations[configurations["held_out"] == "GM12878"]
    assert list(gm["config"]) == ["wide", "default", "lowdrop"]
    assert list(gm["held_out_rank"]) == [3, 2, 1]
    assert out.read_text().strip() in capsys.readouterr().out


def test_configurations_named_by_their_set_arguments(tmp_path):
    script = load_script()
    runs = [
        make_run(tmp_path / "a", "K562", [0.1], 0.1, "kipoi-prism benchmark --held-out K562"),
        make_run(tmp_path / "b", "K562", [0.2], 0.2,
                 "kipoi-prism benchmark --set model.dropout=0.1 --set train.lr=0.003"),
    ]  # fmt: skip
    table = script.read_runs(runs, from_command=True)
    assert sorted(table["config"]) == ["default", "model.dropout=0.1 train.lr=0.003"]


def test_missing_baseline_unfinished_run_and_repeats_are_refused(tmp_path, capsys):
    script = load_script()
    wide = make_run(tmp_path / "wide-K562", "K562", [0.2], 0.2)
    assert script.main(["--runs", str(wide)]) == 2
    error = capsys.readouterr().err
    assert "no 'default' run for evaluation ('features', 'full', 'K562', 0)" in error
    (tmp_path / "default-K562").mkdir()
    assert script.main(["--runs", str(wide), str(tmp_path / "default-K562")]) == 2
    assert "default-K562: no results.csv (not a finished benchmark run)" in capsys.readouterr().err
    again = make_run(tmp_path / "again" / "wide-K562", "K562", [0.3], 0.3)
    assert script.main(["--runs", str(wide), str(again)]) == 2
    assert "configuration 'wide' has evaluation" in capsys.readouterr().err


TUNED = {"default": "default", "wide": "width 256", "lowdrop": "dropout 0.1",
         "wide-lowdrop": "width 256, dropout 0.1", "lr3": "learning rate 3e-3"}  # fmt: skip


def test_benchmark_doc_tuning_table_is_the_committed_runs():
    """docs/BENCHMARK.md's round-16 table (validation and held-out AUPR with ranks, the
    choice in bold) is what the committed runs give, not typed."""
    script = load_script()
    docs = Path(__file__).resolve().parents[1] / "docs"
    folder = docs / "benchmark-runs" / "features-tuned-network"
    runs = [folder / f"{config}-{cell}" for config in TUNED for cell in ("GM12878", "HeLa-S3")]
    configurations, choices = script.select(script.read_runs(runs), "default")
    text = (docs / "BENCHMARK.md").read_text()
    for _, row in configurations.iterrows():
        validation = f"{row['val_aupr']:.3f} ({row['val_rank']})"
        if row["val_rank"] == 1:
            validation = f"**{validation}**"
        line = (f"| {row['held_out']} | {TUNED[row['config']]} | {validation} | "
                f"{row['aupr']:.3f} ({row['held_out_rank']}) |")  # fmt: skip
        assert line in text
    assert list(choices["chosen"]) == ["default", "lr3"]
