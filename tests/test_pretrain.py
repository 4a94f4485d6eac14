"""``train.pretrain_epochs``: element encoders pre-trained on which cell lines use an element."""

from __future__ import annotations

import dataclasses
import json
import logging

import numpy as np
import pandas as pd
import pytest
import torch
from toy_training import quiet_trainer, tiny_model, tiny_train, toy_split_run

from kipoi_prism.config import ModelConfig, TrainConfig
from kipoi_prism.errors import PrismInputError
from kipoi_prism.io.motifs import Motif
from kipoi_prism.model.backbone import initialise_stem
from kipoi_prism.model.network import PrismEnergy
from kipoi_prism.training.fit import fit
from kipoi_prism.training.pretrain import element_targets, pretrain_encoders


@pytest.fixture(scope="module")
def toy(tmp_path_factory):
    return toy_split_run(tmp_path_factory.mktemp("pretrain"), per_cell=16)


def _model(seed: int = 0, **changes) -> PrismEnergy:
    torch.manual_seed(seed)
    return PrismEnergy(dataclasses.replace(tiny_model(), **changes))


def _state(module: torch.nn.Module) -> dict[str, torch.Tensor]:
    return {k: v.detach().clone() for k, v in module.state_dict().items()}


def _pretrain(model, toy, **changes) -> dict:
    _, genome, train, _ = toy
    config = tiny_train(pretrain_epochs=changes.pop("epochs", 2), pretrain_lr=0.01, **changes)
    return pretrain_encoders(model, train, genome, tiny_model(), config)


def test_config_keys_default_off_and_are_checked():
    assert TrainConfig().pretrain_epochs == 0 and TrainConfig().pretrain_lr == 1e-3
    with pytest.raises(PrismInputError, match="train.pretrain_epochs"):
        TrainConfig(pretrain_epochs=-1)
    with pytest.raises(PrismInputError, match="train.pretrain_lr"):
        TrainConfig(pretrain_lr=0)


def test_targets_are_the_cell_lines_whose_pairs_hold_each_region(toy):
    _, _, train, _ = toy
    shared = train[train["cell_line"] == "A"].head(3).assign(cell_line="B")
    frame = pd.concat([train, shared, shared], ignore_index=True)  # duplicates count once
    regions, targets = element_targets(frame, "enhancer", ["A", "B"])
    key = ["enhancer_chrom", "enhancer_start", "enhancer_end"]
    assert len(regions) == len(train.drop_duplicates(key)) == len(targets)
    assert list(regions.columns) == key
    by_cell = frame.groupby(key)["cell_line"].agg(set).reset_index()
    pd.testing.assert_frame_equal(by_cell[key], regions)
    expected = np.array([["A" in c, "B" in c] for c in by_cell["cell_line"]])
    np.testing.assert_array_equal(targets, expected.astype(np.float32))
    assert int((targets.sum(axis=1) == 2).sum()) == 3


def test_pretraining_trains_the_encoders_and_lowers_their_loss(toy, caplog):
    _, _, train, _ = toy
    model = _model()
    before = _state(model)
    parameters = sum(p.numel() for p in model.parameters())
    with caplog.at_level(logging.INFO, logger="kipoi_prism.training.pretrain"):
        summary = _pretrain(model, toy, epochs=6)
    after = _state(model)
    for element in ("enhancer", "promoter"):
        name = f"backbone.{element}_encoder.layers.0.weight"
        assert not torch.equal(before[name], after[name])
    head = [k for k in before if not k.startswith(("backbone.enhancer_", "backbone.promoter_"))]
    assert all(torch.equal(before[k], after[k]) for k in head)  # only the encoders train
    assert sum(p.numel() for p in model.parameters()) == parameters  # the heads are gone
    assert summary["loss"][-1] < summary["loss"][0] and summary["epochs"] == 6
    assert summary["auroc"][-1] > 0.7
    assert summary["enhancers"] == summary["promoters"] == len(train) == 32
    assert summary["cell_lines"] == 2 and summary["final_loss"] == summary["loss"][-1]
    lines = [r.getMessage() for r in caplog.records if "pre-training epoch" in r.getMessage()]
    assert len(lines) == 6 and "AUROC" in lines[0]


def test_same_seed_same_weights_and_the_global_random_state_is_untouched(toy):
    states = []
    for _ in range(2):
        model = _model()
        rng = torch.get_rng_state()
        _pretrain(model, toy, epochs=1)
        assert torch.equal(torch.get_rng_state(), rng)
        states.append(_state(model))
    assert all(torch.equal(states[0][k], states[1][k]) for k in states[0])
    other = _model()
    _pretrain(other, toy, epochs=1, seed=1)
    name = "backbone.enhancer_encoder.layers.0.weight"
    assert not torch.equal(_state(other)[name], states[0][name])


def test_a_frozen_stem_stays_frozen(toy):
    model = _model()
    matrix = np.full((9, 4), 0.01)
    matrix[np.arange(9), np.arange(9) % 4] = 0.97
    initialise_stem(model.backbone, [Motif("MA0001.1", "M", matrix)], freeze=True)
    before = _state(model)
    _pretrain(model, toy)
    after = _state(model)
    for element in ("enhancer", "promoter"):
        prefix = f"backbone.{element}_encoder.layers"
        assert torch.equal(before[f"{prefix}.0.weight"], after[f"{prefix}.0.weight"])
        assert torch.equal(before[f"{prefix}.0.bias"], after[f"{prefix}.0.bias"])
        assert not torch.equal(before[f"{prefix}.6.weight"], after[f"{prefix}.6.weight"])


def test_a_shared_encoder_trains_on_both_element_sets(toy):
    model = _model(shared_encoder=True)
    assert model.backbone.enhancer_encoder is model.backbone.promoter_encoder
    summary = _pretrain(model, toy, epochs=1)
    assert summary["enhancers"] == summary["promoters"] == 32


def test_refuses_the_feature_backbone_and_a_single_cell_line(toy):
    _, genome, train, _ = toy
    config = tiny_train(pretrain_epochs=1)
    features = ModelConfig(backbone="features", feature_dims=[3, 2])
    with pytest.raises(PrismInputError, match="train.pretrain_epochs.*sequence backbone"):
        pretrain_encoders(PrismEnergy(features), train, genome, features, config)
    one = train[train["cell_line"] == "A"]
    with pytest.raises(PrismInputError, match="train.pretrain_epochs.*at least two.*has 1"):
        pretrain_encoders(_model(), one, genome, tiny_model(), config)


def test_fit_pretrains_on_the_training_pairs_only_and_records_it(toy):
    folder, genome, train, val = toy
    config = tiny_train(max_epochs=1, warmup_epochs=0, pretrain_epochs=1)
    result = fit(train, val, genome, tiny_model(), config, folder / "run",
                 trainer_config=quiet_trainer(logger="none"))  # fmt: skip
    summary = json.loads((folder / "run" / "summary.json").read_text())
    assert result.epochs_run == 1
    assert summary["pretrain"]["enhancers"] == len(train) == 32  # not the 48 with validation
    assert summary["pretrain"]["epochs"] == 1
