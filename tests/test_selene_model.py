"""The Selene model and criterion: the curriculum, the full objective through the packing,
the weighted total, bad inputs and the optimizer.
"""

from __future__ import annotations

import math
import re

import pytest
import torch
from predict_helpers import single_thread  # noqa: F401 - a fixture
from selene_helpers import (
    CELLS,
    TINY,
    example_sampler,
)

from kipoi_prism.errors import PrismInputError
from kipoi_prism.integrations.selene import model as selene_model
from kipoi_prism.integrations.selene import packing

pytestmark = pytest.mark.usefixtures("single_thread")


@pytest.fixture
def sampler():
    return example_sampler()


# --------------------------------------------------------------------------- model + objective


def selene_step(model, criterion, optimizer, sampler) -> torch.Tensor:
    """One step of Selene's ``TrainModel.train`` (same calls, same order)."""
    model.train()
    sampler.set_mode("train")
    inputs, targets = sampler.sample(16)
    predictions = model(torch.Tensor(inputs).transpose(1, 2))
    loss = criterion(predictions, torch.Tensor(targets))
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    return loss


def snapshot(parameters) -> list[torch.Tensor]:
    return [p.detach().clone() for p in parameters]


def changed(before, parameters) -> bool:
    return any(not torch.equal(b, p) for b, p in zip(before, parameters, strict=True))


def test_selene_loop_runs_the_curriculum_and_the_full_objective(sampler):
    torch.manual_seed(0)
    model = selene_model.PrismSeleneModel(CELLS, model=TINY, train={"warmup_epochs": 1})
    criterion = selene_model.criterion()
    optimizer_class, kwargs = selene_model.get_optimizer(0.01)
    optimizer = optimizer_class(model.parameters(), **kwargs)
    frozen = model.objective.frozen_during_warmup()
    backbone = list(model.network.backbone.parameters())

    env_before, backbone_before = snapshot(frozen), snapshot(backbone)
    for _ in range(2):  # epoch 0: warm-up
        selene_step(model, criterion, optimizer, sampler)
    assert not changed(env_before, frozen) and changed(backbone_before, backbone)
    warmup = criterion.history
    assert warmup == []  # monitors are logged at Selene's validation
    (inputs, targets), *_ = sampler.get_validation_set(16)[0]
    criterion(model.eval()(torch.Tensor(inputs).transpose(1, 2)), torch.Tensor(targets))
    row = criterion.history[-1]
    assert row["warmup"] == 1 and row["epoch"] == 1 and row["steps"] == 2
    assert 0 <= row["train_aupr"] <= 1 and row["domain_chance"] == pytest.approx(1 / 3)
    for name in ("loss_task", "loss_corr", "loss_inv", "loss_hcont", "loss_sparse", "loss_proto",
                 "corr", "domain_acc", "zI_l0", "zE_l0", "T", "lam"):  # fmt: skip
        assert math.isfinite(row[name]), name

    env_before = snapshot(frozen)
    loss = selene_step(model, criterion, optimizer, sampler)  # epoch 1
    assert changed(env_before, frozen)
    assert model.phase().warmup is False and int(model.epoch) == 1
    weights = model.phase().weights
    assert (weights.corr, weights.inv, weights.hcont, weights.sparse, weights.proto) == \
        pytest.approx((0.11, 0.11, 0.06, 0.02, 0.06))  # fmt: skip
    assert math.isfinite(float(loss.detach()))


def test_every_auxiliary_loss_reaches_the_backbone_through_the_packing(sampler):
    model = selene_model.PrismSeleneModel(CELLS, model=TINY, train={"warmup_epochs": 0})
    inputs, targets = sampler.sample(16)
    predictions = model.train()(torch.Tensor(inputs).transpose(1, 2))
    step = predictions.prism_step
    labels, cells = packing.unpack_targets(torch.Tensor(targets))
    terms, _ = model.objective.loss_terms(step.out, {"label": labels, "cell": cells}, step.cells,
                                          step.z_e_cells, step.phase)  # fmt: skip
    assert set(terms) == {"task", "corr", "inv", "hcont", "sparse", "proto"}
    backbone = [p for p in model.network.backbone.parameters() if p.requires_grad]
    for name, term in terms.items():
        gradients = torch.autograd.grad(term, backbone, retain_graph=True, allow_unused=True)
        norm = sum(float(g.norm()) for g in gradients if g is not None)
        assert norm > 0, f"L_{name} has no gradient on the backbone"


def test_criterion_total_is_the_weighted_sum_of_the_terms(sampler):
    model = selene_model.PrismSeleneModel(CELLS, model=TINY, train={"warmup_epochs": 0, "seed": 1})
    inputs, targets = sampler.sample(16)
    torch.manual_seed(0)  # the same dropout masks in both passes
    predictions = model.train()(torch.Tensor(inputs).transpose(1, 2))
    loss = selene_model.criterion()(predictions, torch.Tensor(targets))
    # the same batch through a copy of the objective, before any state was updated
    twin = selene_model.PrismSeleneModel(CELLS, model=TINY, train={"warmup_epochs": 0, "seed": 1})
    torch.manual_seed(0)
    step = twin.train()(torch.Tensor(inputs).transpose(1, 2)).prism_step
    labels, cells = packing.unpack_targets(torch.Tensor(targets))
    terms, _ = twin.objective.loss_terms(step.out, {"label": labels, "cell": cells}, step.cells,
                                         step.z_e_cells, step.phase)  # fmt: skip
    w = step.phase.weights
    expected = terms["task"] + sum(
        getattr(w, name) * terms[name] for name in ("corr", "inv", "hcont", "sparse", "proto")
    )
    assert float(loss.detach()) == pytest.approx(float(expected.detach()), rel=1e-5)
    assert float(loss.detach()) > float(terms["task"].detach())


def test_model_names_inputs_that_do_not_fit():
    model = selene_model.PrismSeleneModel(CELLS, model=TINY)
    with pytest.raises(ValueError, match=re.escape("expected shape (N, 4, 200 + 150 + 1)")):
        model(torch.zeros(3, 4, 350))
    x = torch.zeros(3, 4, 351)
    x[:, packing.TAG_ROLE, -1] = torch.tensor([1.0, 0.0, 1.0])
    with pytest.raises(ValueError, match="query rows .* first"):
        model(x)
    x[:, packing.TAG_ROLE, -1] = torch.tensor([1.0, 1.0, 0.0])
    x[:, packing.TAG_CELL, -1] = torch.tensor([0.0, 1.0, 1.0])
    with pytest.raises(ValueError, match=re.escape("cell id(s) [0] have queries but no support")):
        model(x)


@pytest.mark.parametrize(
    "class_args, message",
    [
        ({"cell_lines": []}, "cell_lines: expected the list of training cell lines"),
        ({"cell_lines": CELLS, "train": {"lr": 0.1}}, "train.lr: set it in the top-level `lr`"),
        ({"cell_lines": CELLS, "train": {"block_size": 4}}, "train.block_size: set it in"),
        ({"cell_lines": CELLS, "train": {"bogus": 1}}, "train: unknown key(s) bogus"),
        (
            {"cell_lines": CELLS, "model": {"element_read": True}},
            "model.element_read: the read is fitted when kipoi-prism's own training ends",
        ),
    ],
)
def test_model_names_bad_class_args(class_args, message):
    with pytest.raises(PrismInputError, match=re.escape(message)):
        selene_model.PrismSeleneModel(**class_args)


def test_optimizer_decays_weight_matrices_only():
    model = selene_model.PrismSeleneModel(CELLS, model=TINY)
    optimizer_class, kwargs = selene_model.get_optimizer("2e-3")
    optimizer = optimizer_class(model.parameters(), **kwargs)
    decay, plain = optimizer.param_groups
    assert decay["weight_decay"] == 1e-3 and plain["weight_decay"] == 0.0
    assert all(p.ndim >= 2 for p in decay["params"]) and all(p.ndim < 2 for p in plain["params"])
    assert optimizer.defaults["lr"] == 0.002
