"""The training objective without a training loop: terms, total, guard, curriculum, keys."""

from __future__ import annotations

import logging
import math
import subprocess
import sys

import pytest
import torch
from toy_training import make_toy, split_toy, tiny_model, tiny_train, toy_batch

from kipoi_prism.config import LossWeights
from kipoi_prism.training.curriculum import AUXILIARY, frozen_during_warmup, phase_at
from kipoi_prism.training.losses import weight_matrix_l2
from kipoi_prism.training.objective import PrismObjective

CELLS = ["A", "B"]


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    genome, frame = make_toy(tmp_path_factory.mktemp("objective"))
    train, _ = split_toy(frame)
    return toy_batch(genome, train, CELLS)


def _objective(**train_changes) -> PrismObjective:
    return PrismObjective(tiny_model(), tiny_train(**train_changes), CELLS)


# --------------------------------------------------------------------------- curriculum


def test_weights_ramp_after_warmup_to_caps():
    config = tiny_train(warmup_epochs=2)
    assert [phase_at(config, e).warmup for e in range(4)] == [True, True, False, False]
    corr = [phase_at(config, e).weights.corr for e in range(14)]
    assert corr[:3] == [0.1, 0.1, 0.11] and corr[11] == 0.2 and corr[13] == 0.2
    sparse = [phase_at(config, e).weights.sparse for e in range(5)]
    assert sparse == [0.01, 0.01, 0.02, 0.02, 0.02]  # cap d = 0.02 after one ramp step
    assert phase_at(config, 9).weights == LossWeights(0.18, 0.18, 0.1, 0.02, 0.1)


def test_zero_weight_stays_off_and_no_curriculum_means_constant():
    config = tiny_train(weights=LossWeights(corr=0.1, inv=0.0, hcont=0.05, sparse=0.01, proto=0.0))
    assert phase_at(config, 8).weights.inv == 0.0 and phase_at(config, 8).weights.proto == 0.0
    flat = tiny_train(curriculum=False)
    assert not phase_at(flat, 0).warmup
    assert phase_at(flat, 7).weights == flat.weights


def test_warmup_freezes_the_environment_stream_and_t_not_the_backbone():
    objective = _objective()
    frozen = {id(p) for p in frozen_during_warmup(objective.model)}
    assert id(objective.model.head.temperature.t) in frozen
    assert {id(p) for p in objective.model.environment_parameters()} <= frozen
    assert not frozen & {id(p) for p in objective.model.backbone.parameters()}
    assert [id(p) for p in objective.frozen_during_warmup()] == list(
        id(p) for p in frozen_during_warmup(objective.model)
    )


# --------------------------------------------------------------------------- objective


def test_total_is_the_task_loss_plus_the_weighted_terms(batch):
    objective = _objective(t_l2=0.1).train()
    phase = phase_at(objective.train_config, 3)
    out, cells, z_e_cells = objective.encode_batch(batch, use_environment=True)
    terms, monitors = objective.loss_terms(out, batch, cells, z_e_cells, phase)
    assert set(terms) == {"task", *AUXILIARY, "t_l2"} and set(monitors) == {"corr", "domain_acc"}
    expected = terms["task"] + 0.1 * terms["t_l2"]
    for name in AUXILIARY:
        expected = expected + getattr(phase.weights, name) * terms[name]
    torch.testing.assert_close(objective.total_loss(terms, phase), expected)
    assert objective.prototypes.seen.all()  # loss_terms updated both cell lines' prototypes
    assert sorted(objective.trained_prototypes()) == CELLS


def test_weight_l2_penalises_the_trainable_weight_matrices_only(batch):
    objective = _objective(weight_l2=0.5).train()
    stem = objective.model.backbone.enhancer_encoder.stem.weight
    stem.requires_grad_(False)  # as a frozen motif stem
    phase = phase_at(objective.train_config, 3)
    out, cells, z_e_cells = objective.encode_batch(batch, use_environment=True)
    terms, _ = objective.loss_terms(out, batch, cells, z_e_cells, phase)
    matrices = [p for p in objective.model.parameters() if p.requires_grad and p.ndim >= 2]
    assert all(p is not stem for p in matrices) and len(matrices) > 3
    expected = sum(p.pow(2).sum() for p in matrices) / 2
    torch.testing.assert_close(terms["weight_l2"], expected)
    without = dict(terms)
    del without["weight_l2"]
    torch.testing.assert_close(
        objective.total_loss(terms, phase),
        objective.total_loss(without, phase) + 0.5 * terms["weight_l2"],
    )
    bias = next(p for p in objective.model.parameters() if p.ndim == 1 and p.requires_grad)
    (0.5 * terms["weight_l2"]).backward()
    torch.testing.assert_close(matrices[0].grad, 0.5 * matrices[0].detach())
    assert bias.grad is None and stem.grad is None
    assert "weight_l2" not in _objective().loss_terms(out, batch, cells, z_e_cells, phase)[0]
    for parameter in objective.model.parameters():
        parameter.requires_grad_(False)
    assert weight_matrix_l2(objective.model).item() == 0.0  # every matrix frozen: no penalty


def test_warmup_head_runs_without_environment(batch):
    objective = _objective().train()
    out, _, _ = objective.encode_batch(batch, use_environment=False)
    assert torch.count_nonzero(out["R_E"]) == 0
    assert out["z_E"].shape == (int(batch["n_query"]), tiny_model().d_environment)


def test_step_values_name_every_monitor(batch):
    objective = _objective().train()
    phase = phase_at(objective.train_config, 3)
    out, cells, z_e_cells = objective.encode_batch(batch, use_environment=True)
    terms, monitors = objective.loss_terms(out, batch, cells, z_e_cells, phase)
    loss = objective.total_loss(terms, phase)
    values = objective.step_values(loss, terms, monitors, out)
    assert list(values)[:7] == ["loss", "zI_l0", "zE_l0", "T", "R_E", "U_I", "lam"]
    assert {f"loss_{k}" for k in terms} | set(monitors) <= set(values)
    assert all(isinstance(v, float) and math.isfinite(v) for v in values.values())
    assert values["loss"] == pytest.approx(float(loss.detach()))


def test_non_finite_loss_falls_back_to_small_lam_and_skips_the_step(caplog):
    objective = _objective()
    finite = torch.tensor(1.5, requires_grad=True)
    assert objective.guard(finite, 0, 0) is finite
    with caplog.at_level(logging.WARNING, logger="kipoi_prism.training.objective"):
        loss = objective.guard(torch.tensor(math.nan, requires_grad=True), 2, 17)
    assert "non-finite loss at epoch 3 step 17: lam set to 0.01" in caplog.text
    assert objective.model.head.lam.item() == pytest.approx(0.01)
    assert int(objective.divergences) == 1
    loss.backward()
    assert all(p.grad is None or not p.grad.any() for p in objective.parameters())


def test_same_seed_same_initial_network():
    first, second = _objective(), _objective()
    for (key, a), b in zip(first.state_dict().items(), second.state_dict().values(), strict=True):
        assert torch.equal(a, b), key


# --------------------------------------------------------------------------- adapters


def test_lightning_checkpoint_keys_are_the_objectives_own():
    from kipoi_prism.training.module import PrismLightning

    module = PrismLightning(tiny_model(), tiny_train(), CELLS, ["C"])
    state = module.state_dict()
    assert list(state) == list(module.objective.state_dict())  # model.*, threshold, ...
    other = PrismLightning(tiny_model(), tiny_train(seed=1), CELLS, ["C"])
    state["threshold"].fill_(0.25)
    other.load_state_dict(state)
    assert float(other.threshold) == 0.25
    for key, value in other.objective.state_dict().items():
        assert torch.equal(value, state[key]), key
    nested = {f"objective.{k}": v for k, v in state.items()}
    other.load_state_dict(nested)  # already in the module's own layout: loaded as is


@pytest.mark.parametrize(
    "module",
    ["kipoi_prism.training.objective", "kipoi_prism.integrations.selene.model"],
)
def test_objective_and_selene_model_do_not_import_lightning(module):
    if "selene" in module:
        pytest.importorskip("selene_sdk")
    code = f"import sys, {module}; assert 'pytorch_lightning' not in sys.modules, 'imported'"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-2000:]
