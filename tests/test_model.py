"""Heads against hand computations, the model's shapes and eval invariance, the weights file."""

from __future__ import annotations

import math

import pytest
import torch
from predict_helpers import TINY, single_thread, tiny_model  # noqa: F401

from kipoi_prism.config import ModelConfig
from kipoi_prism.errors import PrismInputError
from kipoi_prism.model.heads import EnergyHead, LinearInteractionHead
from kipoi_prism.model.weights import load_weights, save_weights

pytestmark = pytest.mark.usefixtures("single_thread")


def softplus(x: float) -> float:
    return math.log1p(math.exp(x))


def small_config(**overrides) -> ModelConfig:
    return ModelConfig(**{**TINY, "d_interaction": 2, "d_environment": 2, **overrides})


def set_linear(layer: torch.nn.Linear, weight: list[float], bias: float | None = None) -> None:
    with torch.no_grad():
        layer.weight.copy_(torch.tensor([weight]))
        if bias is not None:
            layer.bias.fill_(bias)


def test_energy_head_matches_hand_computation():
    head = EnergyHead(small_config(t_clamp=None))
    set_linear(head.g_i, [0.5, -1.0], 0.25)
    set_linear(head.g_e, [2.0, 1.0], -0.5)
    with torch.no_grad():
        head.lam.fill_(0.3)
        head.temperature.t.fill_(0.2)
    z_i, z_e = [1.5, 0.5], [0.4, -0.3]
    out = head(torch.tensor([z_i]), torch.tensor([z_e]))
    u = 0.5 * 1.5 - 1.0 * 0.5 + 0.25  # 0.5
    r = softplus(2.0 * 0.4 + 1.0 * -0.3 - 0.5)  # softplus(0) = log 2
    t = softplus(0.2)
    logit = (u - r + 0.3 * u * r) / t
    assert out["U_I"].item() == pytest.approx(u, abs=1e-6)
    assert out["R_E"].item() == pytest.approx(math.log(2.0), abs=1e-6)
    assert out["T"].item() == pytest.approx(t, abs=1e-6)
    assert out["lam"].item() == pytest.approx(0.3, abs=1e-7)
    assert out["logit"].item() == pytest.approx(logit, abs=1e-6)


def test_energy_head_initial_values_and_warmup():
    head = EnergyHead(small_config())
    z_i, z_e = torch.randn(3, 2), torch.rand(3, 2)
    out = head(z_i, z_e)
    assert torch.allclose(out["T"], torch.ones(3))  # softplus(log(e - 1)) == 1
    assert torch.allclose(out["lam"], torch.full((3,), 0.1))
    assert (out["R_E"] >= 0).all()
    warm = head(z_i, z_e, use_environment=False)
    assert torch.equal(warm["R_E"], torch.zeros(3)) and torch.equal(warm["lam"], torch.zeros(3))
    assert torch.allclose(warm["logit"], warm["U_I"] / warm["T"])


def test_temperature_clamp():
    head = EnergyHead(small_config(t_clamp=(0.5, 2.0)))
    with torch.no_grad():
        head.temperature.t.fill_(10.0)
    assert head(torch.zeros(1, 2), torch.zeros(1, 2))["T"].item() == pytest.approx(2.0)


def test_linear_interaction_head_matches_hand_computation():
    head = LinearInteractionHead(small_config(t_clamp=None))
    set_linear(head.g_i, [1.0, 2.0], -0.5)
    set_linear(head.w_u, [0.5, 0.0])
    set_linear(head.w_r, [-1.0, 3.0])
    out = head(torch.tensor([[0.5, 0.25]]), torch.tensor([[0.2, 0.1]]))
    u = 0.5 + 0.5 - 0.5  # 0.5
    slope, shift = 0.5 * 0.2, -1.0 * 0.2 + 3.0 * 0.1
    assert out["logit"].item() == pytest.approx((u + slope * u + shift) / 1.0, abs=1e-6)
    assert out["R_E"].item() == pytest.approx(-shift, abs=1e-6)
    assert out["lam"].item() == pytest.approx(slope, abs=1e-6)


def test_model_shapes_and_support_embedding():
    model = tiny_model()
    enhancer, promoter = torch.rand(5, 4, 200), torch.rand(5, 4, 150)
    z_e = model.support_embedding(enhancer, promoter)
    assert z_e.shape == (TINY["d_environment"],)
    out = model(enhancer, promoter, z_e)
    for key in ("logit", "U_I", "R_E", "lam", "T"):
        assert out[key].shape == (5,)
    assert out["z_I"].shape == (5, TINY["d_interaction"])
    assert torch.allclose(z_e, out["e"].mean(dim=0))


def test_eval_scores_do_not_depend_on_the_batch():
    model = tiny_model(seed=3)
    enhancer, promoter = torch.rand(6, 4, 200), torch.rand(6, 4, 150)
    z_e = torch.rand(4)
    with torch.no_grad():
        together = model(enhancer, promoter, z_e)["logit"]
        alone = torch.cat(
            [model(enhancer[i : i + 1], promoter[i : i + 1], z_e)["logit"] for i in range(6)]
        )
    assert torch.allclose(together, alone, atol=1e-6)


def test_weights_round_trip(tmp_path):
    model = tiny_model(seed=1)
    prototypes = {"cellA": torch.arange(4.0)}
    path = save_weights(tmp_path / "w.pt", model, prototypes, threshold=0.37, metadata={"k": "v"})
    bundle = load_weights(path)
    assert not bundle.model.training
    assert bundle.threshold == pytest.approx(0.37)
    assert bundle.metadata == {"k": "v"}
    assert torch.equal(bundle.prototypes["cellA"], torch.arange(4.0))
    assert len(bundle.digest) == 12
    enhancer, promoter, z_e = torch.rand(2, 4, 200), torch.rand(2, 4, 150), torch.rand(4)
    with torch.no_grad():
        assert torch.equal(
            model(enhancer, promoter, z_e)["logit"], bundle.model(enhancer, promoter, z_e)["logit"]
        )


def test_bad_weights_files(tmp_path):
    with pytest.raises(PrismInputError, match="weights file not found"):
        load_weights(tmp_path / "absent.pt")
    garbage = tmp_path / "garbage.pt"
    garbage.write_bytes(b"not a torch file")
    with pytest.raises(PrismInputError, match="corrupt or unreadable weights file"):
        load_weights(garbage)
    good = save_weights(tmp_path / "good.pt", tiny_model())
    truncated = tmp_path / "truncated.pt"
    truncated.write_bytes(good.read_bytes()[:2000])
    with pytest.raises(PrismInputError, match="corrupt or unreadable"):
        load_weights(truncated)
    foreign = tmp_path / "foreign.pt"
    torch.save({"state": 1}, foreign)
    with pytest.raises(PrismInputError, match="not a kipoi-prism weights file"):
        load_weights(foreign)


def test_weights_from_another_architecture(tmp_path):
    path = save_weights(tmp_path / "w.pt", tiny_model())
    payload = torch.load(path, weights_only=True)
    payload["config"]["channels"] = 16
    torch.save(payload, tmp_path / "other.pt")
    with pytest.raises(
        PrismInputError, match=r"another architecture .*file \(8, 4, 15\) vs model \(16, 4, 15\)"
    ):
        load_weights(tmp_path / "other.pt")
    payload["config"]["no_such_key"] = 1
    torch.save(payload, tmp_path / "unknown.pt")
    with pytest.raises(PrismInputError, match="another architecture .*no_such_key"):
        load_weights(tmp_path / "unknown.pt")


@pytest.mark.gpu
def test_weights_load_on_gpu(tmp_path):
    path = save_weights(tmp_path / "w.pt", tiny_model())
    bundle = load_weights(path, map_location="cuda")
    assert next(bundle.model.parameters()).is_cuda
