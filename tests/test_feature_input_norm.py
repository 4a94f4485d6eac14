"""The feature backbone's optional input settings: ``model.feature_input_norm``,
``model.feature_distance``."""

from __future__ import annotations

import torch
from predict_helpers import tiny_model

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
    enhancer, promoter = torch.randn(6, 5), torch.randn(6, 3)
    bundle = load_weights(save_weights(tmp_path / "normed.pt", model, threshold=0.5))
    assert bundle.model.config.feature_input_norm
    with torch.no_grad():
        assert torch.equal(model.backbone(enhancer, promoter)[0],
                           bundle.model.backbone(enhancer, promoter)[0])  # fmt: skip


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
