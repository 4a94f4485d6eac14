"""The feature backbone's optional input normalisation (``model.feature_input_norm``)."""

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
