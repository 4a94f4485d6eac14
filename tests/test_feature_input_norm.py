"""The feature backbone's optional input settings: ``model.feature_input_norm``,
``model.feature_distance``, ``model.feature_distance_products``."""

from __future__ import annotations

import pytest
import torch
from predict_helpers import assert_feature_round_trip, tiny_model

from kipoi_prism.config import ModelConfig
from kipoi_prism.errors import PrismInputError
from kipoi_prism.model.backbone import LastInputProducts
from kipoi_prism.model.weights import load_weights, save_weights


def _outputs(model, enhancer, promoter):
    torch.manual_seed(1)  # the same dropout masks in training mode
    return model.backbone(enhancer, promoter)[0]


def test_a_shifted_and_scaled_input_column_reads_the_same_with_the_norm_only():
    torch.manual_seed(0)
    enhancer, promoter = torch.randn(32, 5), torch.randn(32, 3)
    moved = enhancer.clone()
    moved[:, 4] = 5.0 + 0.4 * moved[:, 4]  # a log10 distance's scale
    normed = tiny_model(1, backbone="features", feature_dims=(5, 3), feature_input_norm=True)
    plain = tiny_model(1, backbone="features", feature_dims=(5, 3))
    normed.train(), plain.train()
    assert torch.allclose(_outputs(normed, enhancer, promoter),
                          _outputs(normed, moved, promoter), atol=1e-4)  # fmt: skip
    assert not torch.allclose(_outputs(plain, enhancer, promoter),
                              _outputs(plain, moved, promoter), atol=1e-4)  # fmt: skip


def test_the_norm_statistics_travel_with_the_weights(tmp_path):
    model = tiny_model(1, backbone="features", feature_dims=(5, 3), feature_input_norm=True)
    norm = model.backbone.enhancer_encoder[0]
    assert isinstance(norm, torch.nn.BatchNorm1d)
    before = norm.running_mean.clone()
    model.train()
    with torch.no_grad():
        model.backbone(torch.randn(64, 5) * 3 + 2, torch.randn(64, 3))  # updates running stats
    model.eval()
    assert not torch.allclose(norm.running_mean, before)
    bundle = assert_feature_round_trip(model, tmp_path / "normed.pt")
    assert bundle.model.config.feature_input_norm


def test_without_the_distance_the_last_enhancer_input_changes_nothing(tmp_path):
    """``model.feature_distance: false``: the enhancer side's last input (the distance in the
    feature recipe) is not read, the other inputs are; the setting travels with the weights."""
    torch.manual_seed(0)
    enhancer, promoter = torch.randn(16, 5), torch.randn(16, 3)
    moved, other = enhancer.clone(), enhancer.clone()
    moved[:, -1] += 3.0
    other[:, 0] += 3.0
    blind = tiny_model(1, backbone="features", feature_dims=(5, 3), feature_distance=False)
    seeing = tiny_model(1, backbone="features", feature_dims=(5, 3))
    blind.eval(), seeing.eval()
    with torch.no_grad():
        assert torch.equal(blind.backbone(enhancer, promoter)[0],
                           blind.backbone(moved, promoter)[0])  # fmt: skip
        assert not torch.allclose(blind.backbone(enhancer, promoter)[0],
                                  blind.backbone(other, promoter)[0])  # fmt: skip
        assert not torch.allclose(seeing.backbone(enhancer, promoter)[0],
                                  seeing.backbone(moved, promoter)[0])  # fmt: skip
    bundle = load_weights(save_weights(tmp_path / "blind.pt", blind, threshold=0.5))
    assert not bundle.model.config.feature_distance
    with torch.no_grad():
        assert torch.equal(bundle.model.backbone(enhancer, promoter)[0],
                           bundle.model.backbone(moved, promoter)[0])  # fmt: skip


def test_distance_products_append_each_normalised_input_times_the_last(tmp_path):
    """``model.feature_distance_products``: after the input norm, the enhancer side reads
    its inputs and each but the last times the last (the distance); the promoter side and
    a model without the setting are unchanged; the setting travels with the weights."""
    x = torch.tensor([[1.0, 2.0, 3.0], [-1.0, 0.5, 2.0]])
    expected = torch.tensor([[1.0, 2.0, 3.0, 3.0, 6.0], [-1.0, 0.5, 2.0, -2.0, 1.0]])
    assert torch.equal(LastInputProducts()(x), expected)
    model = tiny_model(1, backbone="features", feature_dims=(5, 3), feature_input_norm=True,
                       feature_distance_products=True)  # fmt: skip
    enhancer_layers = list(model.backbone.enhancer_encoder)
    assert isinstance(enhancer_layers[1], LastInputProducts)
    assert enhancer_layers[2].in_features == 9  # 5 inputs and 4 products
    assert not any(isinstance(m, LastInputProducts) for m in model.backbone.promoter_encoder)
    plain = tiny_model(1, backbone="features", feature_dims=(5, 3), feature_input_norm=True)
    assert list(plain.backbone.enhancer_encoder)[1].in_features == 5
    bundle = assert_feature_round_trip(model, tmp_path / "products.pt")
    assert bundle.model.config.feature_distance_products


def test_distance_products_need_the_input_norm():
    with pytest.raises(PrismInputError, match="feature_distance_products: expected false unless"):
        ModelConfig(backbone="features", feature_distance_products=True)
