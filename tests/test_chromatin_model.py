"""The shipped chromatin model reproduces the benchmark's numbers on the shared BENGI tables.

``kipoi_prism/weights/prism-energy-chromatin.pt`` is the full-objective network of the
committed run ``docs/benchmark-runs/chromatin`` (``scripts/train_chromatin_weights.sh``);
scoring a BENGI table through ``predict_pairs`` must give the AUPR that run recorded.
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

RUN = Path(__file__).resolve().parents[1] / "docs" / "benchmark-runs" / "chromatin"
TABLE = "BENGI.IMR90.HiC-Benchmark.v3.targetfinder_features.tsv.gz"


def test_the_shipped_chromatin_model_is_the_runs_full_row():
    bundle = load_weights("prism-energy-chromatin")
    assert bundle.model.config.backbone == "features"
    assert bundle.metadata["feature_inputs"]["normalise"] == "rank"
    assert "TargetFinder" in bundle.metadata["data"]


def test_scores_on_a_bengi_table_reproduce_the_benchmark(shared_data):
    recorded = pd.read_csv(RUN / "results.csv")
    row = recorded[(recorded["row"] == "full")
                   & (recorded["held_out"] == "BENGI IMR90.HiC-Benchmark")].iloc[0]  # fmt: skip
    torch.set_num_threads(1)
    scores = predict_pairs(shared_data / "bengi" / "features" / TABLE,
                           weights="prism-energy-chromatin",
                           config=InferenceConfig(support_size=32, seed=0))  # fmt: skip
    assert len(scores) == row["n"]
    measured = aupr(scores["label"].to_numpy(), scores["probability"].to_numpy())
    assert measured == pytest.approx(row["aupr"], abs=1e-4)
