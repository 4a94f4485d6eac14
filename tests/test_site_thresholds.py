"""``benchmarks/site_thresholds.py``: how far the count encoder's site thresholds moved."""

from __future__ import annotations

import dataclasses
import math

import pandas as pd
import pytest
import torch
from test_benchmark import benchmark_script
from toy_training import tiny_model

from kipoi_prism.errors import PrismInputError
from kipoi_prism.model.network import PrismEnergy
from kipoi_prism.model.weights import save_weights

site_thresholds = benchmark_script("site_thresholds")


def _fit(run, name: str, enhancer_fractions=None, encoder: str = "counts") -> None:
    model = PrismEnergy(dataclasses.replace(tiny_model(), encoder=encoder))
    if enhancer_fractions is not None:
        with torch.no_grad():
            logits = [math.log(f / (1 - f)) for f in enhancer_fractions]
            model.backbone.enhancer_encoder.threshold_logit.copy_(torch.tensor(logits))
    save_weights(run / "runs" / name / "weights.pt", model)


def test_rows_give_each_fit_and_elements_spread_and_moved_filters(tmp_path):
    run = tmp_path / "bench"
    moved = [0.75, 0.75, 0.75, 0.75, 0.75, 0.71, 0.81, 0.6]  # tiny_model: 8 filters
    _fit(run, "seq-task_only-K562-seed1", enhancer_fractions=moved)
    _fit(run, "seq-task_only-IMR90-seed1")
    assert site_thresholds.main([str(run), "--out", str(tmp_path / "out")]) == 0
    table = pd.read_csv(tmp_path / "out" / "site_thresholds.csv")
    k562 = table[table["fit"] == "seq-task_only-K562-seed1"].set_index("element")
    assert k562.loc["enhancer", ["min", "max"]].tolist() == pytest.approx([0.6, 0.81], abs=1e-6)
    assert k562.loc["enhancer", "moved"] == 2  # 0.81 and 0.6; 0.71 stays within 0.05
    assert k562.loc["promoter", "moved"] == 0
    assert (table["filters"] == 8).all() and len(table) == 4
    assert (
        "filters moved more than 0.05: 2 of 32"
        in (tmp_path / "out" / "site_thresholds.md").read_text()
    )


def test_a_folder_without_fits_or_without_the_count_encoder_is_named(tmp_path):
    with pytest.raises(PrismInputError, match="no runs/\\*/weights.pt"):
        site_thresholds.summarise([tmp_path], 0.05)
    _fit(tmp_path / "residual", "fit", encoder="residual")
    with pytest.raises(PrismInputError, match="enhancer encoder is not the count encoder"):
        site_thresholds.summarise([tmp_path / "residual"], 0.05)
