"""The shipped chromatin models reproduce their benchmark runs' numbers on shared tables.

``kipoi_prism/weights/prism-energy-chromatin.pt`` is the full-objective network of the
committed run ``docs/benchmark-runs/chromatin`` (trained on the TargetFinder tables, scored
on BENGI's); ``prism-energy-chromatin-window.pt`` that of ``docs/benchmark-runs/chromatin-window``
(trained on the BENGI tables, scored on TargetFinder's HUVEC table, a cell line it never
saw). Both come from ``scripts/train_chromatin_weights.sh``; scoring a held-out table through
``predict_pairs`` must give the AUPR the run recorded.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
import torch

from kipoi_prism import predict_pairs
from kipoi_prism.config import InferenceConfig
from kipoi_prism.metrics import aupr
from kipoi_prism.model.weights import load_weights

RUNS = Path(__file__).resolve().parents[1] / "docs" / "benchmark-runs"
# name -> (its run, a table it never trained on (under shared data), that table's results row,
#          what its metadata says it was trained on)
SHIPPED = {
    "prism-energy-chromatin": (
        "chromatin", "bengi/features/BENGI.IMR90.HiC-Benchmark.v3.targetfinder_features.tsv.gz",
        "BENGI IMR90.HiC-Benchmark", "six TargetFinder feature tables",
    ),
    "prism-energy-chromatin-window": (
        "chromatin-window",
        "targetfinder/features/Whalen.HUVEC.HiC-Whalen.targetfinder_features.tsv.gz",
        "Whalen.HUVEC.HiC-Whalen.targetfinder_features", "four BENGI feature tables",
    ),
}  # fmt: skip


@pytest.mark.parametrize("name", sorted(SHIPPED))
def test_a_shipped_chromatin_model_is_its_runs_full_row(name):
    bundle = load_weights(name)
    assert bundle.model.config.backbone == "features"
    assert bundle.metadata["feature_inputs"]["normalise"] == "rank"
    assert SHIPPED[name][3] in bundle.metadata["data"]


@pytest.mark.parametrize("name", sorted(SHIPPED))
def test_scores_on_an_unseen_table_reproduce_the_benchmark(name, shared_data):
    run, table, held_out, _ = SHIPPED[name]
    recorded = pd.read_csv(RUNS / run / "results.csv")
    row = recorded[(recorded["row"] == "full") & (recorded["held_out"] == held_out)].iloc[0]
    torch.set_num_threads(1)
    scores = predict_pairs(shared_data / table, weights=name,
                           config=InferenceConfig(support_size=32, seed=0))  # fmt: skip
    assert len(scores) == row["n"]
    measured = aupr(scores["label"].to_numpy(), scores["probability"].to_numpy())
    assert measured == pytest.approx(row["aupr"], abs=1e-4)
