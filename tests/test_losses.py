"""Every loss term against a hand computation."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch

from kipoi_prism.training.losses import (
    DomainClassifier,
    IMMAXLoss,
    MomentumPrototypes,
    bce_loss,
    correlation_loss,
    cross_correlation,
    domain_loss,
    grad_reverse,
    hierarchical_infonce,
    immax_loss,
    immax_margins,
    l0_fraction,
    l1_sparsity,
    momentum_update,
    orthogonality_loss,
    prototype_loss,
    temperature_l2,
)


def test_immax_margins_cube_root_rule():
    # m_- = 1, m_+ = 8: cube roots 1 and 2, margins 2 * (1, 2) / 3.
    margins = immax_margins(torch.tensor([1.0, 8.0]))
    assert margins.tolist() == pytest.approx([2 / 3, 4 / 3])
    assert immax_margins(torch.tensor([5.0, 5.0])).tolist() == pytest.approx([1.0, 1.0])


def test_immax_loss_by_hand():
    logits = torch.tensor([2.0, -1.0, 0.5])
    labels = torch.tensor([1.0, 0.0, 0.0])
    margins = torch.tensor([0.5, 2.0])  # (rho_-, rho_+)
    # y=+1, rho_+=2: log(1+e^(-2/2)); y=-1, rho_-=0.5: log(1+e^(-1/0.5)), log(1+e^(0.5/0.5))
    expected = (math.log1p(math.exp(-1.0)) + math.log1p(math.exp(-2.0)) + math.log1p(math.e)) / 3
    assert immax_loss(logits, labels, margins).item() == pytest.approx(expected, rel=1e-6)


def test_immax_with_balanced_margins_is_bce():
    logits = torch.tensor([0.3, -2.0, 1.5, 0.0])
    labels = torch.tensor([1.0, 0.0, 0.0, 1.0])
    assert immax_loss(logits, labels, torch.ones(2)).item() == pytest.approx(
        bce_loss(logits, labels).item(), rel=1e-6
    )


def test_immax_running_counts_and_margins():
    loss = IMMAXLoss(prior=1.0)
    labels = torch.tensor([0.0] * 6 + [1.0])
    logits = torch.zeros(7)
    value = loss(logits, labels)
    assert loss.counts.tolist() == [7.0, 2.0]
    margins = immax_margins(torch.tensor([7.0, 2.0]))
    assert value.item() == pytest.approx(immax_loss(logits, labels, margins).item())
    loss.eval()
    loss(logits, labels)
    assert loss.counts.tolist() == [7.0, 2.0]  # no update outside training


def test_cross_correlation_matches_numpy():
    rng = np.random.default_rng(0)
    a, b = rng.normal(size=(20, 3)), rng.normal(size=(20, 2))
    full = np.corrcoef(np.hstack([a, b]).T)[:3, 3:]
    got = cross_correlation(torch.tensor(a), torch.tensor(b), eps=0.0).numpy()
    np.testing.assert_allclose(got, full, rtol=1e-10)
    loss = correlation_loss(torch.tensor(a), torch.tensor(b), eps=0.0).item()
    assert loss == pytest.approx(float(np.mean(full**2)))


def test_correlation_of_identical_columns_is_one_and_constant_is_zero():
    x = torch.tensor([[1.0], [2.0], [4.0]])
    assert correlation_loss(x, 3 * x + 1).item() == pytest.approx(1.0, abs=1e-6)
    assert correlation_loss(x, torch.ones(3, 2)).item() == 0.0


def test_orthogonality_by_hand():
    z_i = torch.tensor([[1.0, 0.0], [0.0, 2.0]])
    z_e = torch.tensor([[3.0], [1.0]])
    # z_i^T z_e / 2 = [[1.5], [1.0]]; mean of squares = (2.25 + 1) / 2
    assert orthogonality_loss(z_i, z_e).item() == pytest.approx(1.625)


def test_gradient_reversal():
    x = torch.tensor([1.0, -2.0], requires_grad=True)
    (grad_reverse(x, 0.5) * torch.tensor([3.0, 4.0])).sum().backward()
    assert x.grad.tolist() == [-1.5, -2.0]


def test_domain_loss_by_hand():
    logits = torch.tensor([[2.0, 0.0], [0.0, 1.0], [3.0, 0.0]])
    cells = torch.tensor([0, 1, 1])
    loss, accuracy = domain_loss(logits, cells)
    expected = (
        -math.log(math.exp(2) / (math.exp(2) + 1))
        - math.log(math.e / (1 + math.e))
        - math.log(1 / (math.exp(3) + 1))
    ) / 3
    assert loss.item() == pytest.approx(expected, rel=1e-6)
    assert accuracy.item() == pytest.approx(2 / 3)


def test_domain_classifier_reverses_gradient_into_z():
    torch.manual_seed(0)
    classifier = DomainClassifier(3, 2, hidden=0, grl_scale=1.0)
    z = torch.randn(4, 3, requires_grad=True)
    loss, _ = domain_loss(classifier(z), torch.tensor([0, 1, 0, 1]))
    loss.backward()
    z_plain = z.detach().clone().requires_grad_(True)
    plain, _ = domain_loss(classifier.net(z_plain), torch.tensor([0, 1, 0, 1]))
    plain.backward()
    torch.testing.assert_close(z.grad, -z_plain.grad)


def _infonce_by_hand(e: np.ndarray, groups: list[int], tau: float) -> float:
    e = e / np.linalg.norm(e, axis=1, keepdims=True)
    losses = []
    for i in range(len(e)):
        others = [a for a in range(len(e)) if a != i]
        denominator = sum(math.exp(e[i] @ e[a] / tau) for a in others)
        positives = [p for p in others if groups[p] == groups[i]]
        if positives:
            losses.append(-np.mean([math.log(math.exp(e[i] @ e[p] / tau) / denominator)
                                    for p in positives]))  # fmt: skip
    return float(np.mean(losses))


def test_hierarchical_infonce_by_hand():
    rng = np.random.default_rng(1)
    e = rng.normal(size=(5, 3))
    groups = [0, 0, 1, 1, 2]  # the last pair has no positive: not an anchor
    got = hierarchical_infonce(torch.tensor(e), torch.tensor(groups), tau=0.1).item()
    assert got == pytest.approx(_infonce_by_hand(e, groups, 0.1), rel=1e-9)


def test_infonce_without_positives_is_zero_with_gradient_path():
    e = torch.randn(3, 2, requires_grad=True)
    loss = hierarchical_infonce(e, torch.tensor([0, 1, 2]))
    assert loss.item() == 0.0
    loss.backward()
    assert e.grad is not None


def test_l1_sparsity_and_l0_by_hand():
    z_i = torch.tensor([[1.0, -2.0], [0.0, 0.0]])
    z_e = torch.tensor([[0.5], [1.5]])
    assert l1_sparsity(z_i, z_e).item() == pytest.approx((3 + 0) / 2 + (0.5 + 1.5) / 2)
    assert l0_fraction(z_i).item() == pytest.approx(0.5)


def test_momentum_prototypes_by_hand():
    protos = MomentumPrototypes(n_cells=2, dim=2, momentum=0.9)
    protos.update(torch.tensor([1]), torch.tensor([[1.0, 2.0]]))
    assert protos.prototypes[1].tolist() == [1.0, 2.0]  # first update: the mean itself
    assert protos.seen.tolist() == [False, True]
    protos.update(torch.tensor([1]), torch.tensor([[3.0, 0.0]]))
    assert protos.prototypes[1].tolist() == pytest.approx([0.9 * 1 + 0.1 * 3, 0.9 * 2])
    assert momentum_update(torch.tensor(1.0), torch.tensor(3.0), 0.5).item() == 2.0
    e = torch.tensor([[1.0, 1.0], [0.0, 0.0]])
    expected = ((1 - 1.2) ** 2 + (1 - 1.8) ** 2 + 1.2**2 + 1.8**2) / 2
    loss = prototype_loss(e, protos.prototypes, torch.tensor([1, 1]))
    assert loss.item() == pytest.approx(expected, rel=1e-6)


def test_temperature_l2_by_hand():
    t = torch.tensor(1.5)
    assert temperature_l2(t, 0.5).item() == pytest.approx(1.0)
    assert temperature_l2(t, 0.5, torch.tensor([1.0, 2.0])).item() == pytest.approx(6.0)
