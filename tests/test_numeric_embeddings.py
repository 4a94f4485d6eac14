"""Periodic embeddings of the feature backbone's numeric inputs."""

from __future__ import annotations

import pytest
import torch
from predict_helpers import assert_feature_round_trip, tiny_model

from kipoi_prism.errors import PrismInputError
from kipoi_prism.model.numeric_embeddings import (
    PeriodicEmbedding,
    WithRawInputs,
    embedding_layers,
)
from kipoi_prism.model.weights import load_weights, save_weights


def test_each_input_column_has_its_own_embedding():
    torch.manual_seed(0)
    embedding = PeriodicEmbedding(3, frequencies=4, dim=5)
    x = torch.randn(7, 3)
    out = embedding(x)
    assert out.shape == (7, 15) and (out >= 0).all()
    changed = x.clone()
    changed[:, 1] += 1.0
    moved = (embedding(changed) != out).reshape(7, 3, 5).any(dim=(0, 2))
    assert moved.tolist() == [False, True, False]  # only column 1's block moves
    out.sum().backward()
    assert embedding.frequencies.grad is not None and embedding.frequencies.grad.abs().sum() > 0
    with pytest.raises(ValueError, match="expected 3 input columns, got 2"):
        embedding(torch.zeros(4, 2))


def test_none_adds_no_layer_so_older_feature_weights_still_load(tmp_path):
    assert embedding_layers("none", 4) == ([], 4)
    plain = tiny_model(2, backbone="features", feature_dims=(5, 3))
    names = [name for name, _ in plain.backbone.enhancer_encoder.named_parameters()]
    assert names == ["0.weight", "0.bias", "3.weight", "3.bias"]  # the layout weights files hold
    with pytest.raises(PrismInputError, match="feature_embedding"):
        tiny_model(backbone="features", feature_dims=(5, 3), feature_embedding="splines")


def test_a_feature_model_with_periodic_embeddings_scores_and_round_trips(tmp_path):
    model = tiny_model(1, backbone="features", feature_dims=(5, 3), feature_embedding="periodic")
    plain = tiny_model(1, backbone="features", feature_dims=(5, 3))
    assert sum(p.numel() for p in model.parameters()) > sum(p.numel() for p in plain.parameters())
    enhancer, promoter = torch.randn(6, 5), torch.randn(6, 3)
    path = save_weights(tmp_path / "periodic.pt", model, threshold=0.5)
    bundle = load_weights(path)
    assert bundle.model.config.feature_embedding == "periodic"
    with torch.no_grad():
        z_before = model.backbone(enhancer, promoter)[0]
        z_after = bundle.model.backbone(enhancer, promoter)[0]
    assert torch.equal(z_before, z_after)


def test_periodic_raw_reads_each_input_as_it_is_then_its_embedding(tmp_path):
    torch.manual_seed(0)
    layers, width = embedding_layers("periodic_raw", 3)
    (layer,) = layers
    assert isinstance(layer, WithRawInputs) and width == 3 + 3 * layer.embedding.dim
    x = torch.randn(4, 3)
    out = layer(x)
    assert out.shape == (4, width)
    assert torch.equal(out[:, :3], x) and torch.equal(out[:, 3:], layer.embedding(x))
    model = tiny_model(1, backbone="features", feature_dims=(5, 3), feature_input_norm=True,
                       feature_embedding="periodic_raw")  # fmt: skip
    bundle = assert_feature_round_trip(model, tmp_path / "raw.pt")
    assert bundle.model.config.feature_embedding == "periodic_raw"
