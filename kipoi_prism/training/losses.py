"""The training objective of prism-energy (SPEC, Losses), as pure functions.

    L = L_task + a L_corr + b L_inv + g L_hcont + d L_sparse + h L_proto

Every term is a pure function of tensors; the few that keep state between batches
(running class counts for IMMAX, momentum prototypes) or own parameters (the domain
classifier) have a thin :class:`torch.nn.Module` wrapper whose state is a buffer, so it
travels in checkpoints. Shapes: ``B`` pairs in a batch, ``d_I``/``d_E`` representation
sizes, ``C`` training cell lines.
"""

from __future__ import annotations

from collections.abc import Callable

import torch
import torch.nn.functional as F
from torch import nn

Reducer = Callable[[torch.Tensor], torch.Tensor]


def _identity(tensor: torch.Tensor) -> torch.Tensor:
    return tensor


# --------------------------------------------------------------------------- task


def bce_loss(logits: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
    """Binary cross-entropy on logits.

    Parameters
    ----------
    logits : torch.Tensor, shape=(B,)
    labels : torch.Tensor, shape=(B,)
        0 or 1.

    Returns
    -------
    torch.Tensor, shape=()
    """
    return F.binary_cross_entropy_with_logits(logits, labels.float())


def immax_margins(counts: torch.Tensor) -> torch.Tensor:
    """IMMAX confidence margins ``(rho_-, rho_+)`` from class counts.

    Cortes, Mohri, Mao, Zhong, "Balancing the Scales: A Theoretical and Algorithmic
    Framework for Learning from Imbalanced Data", arXiv:2502.10381, bound the error by the
    empirical class-imbalanced margin loss (margin ``rho_y`` for class ``y``) plus a
    class-sensitive Rademacher complexity. For hypotheses ``x -> w.x`` with ``|w| <= Lambda``
    and inputs of radius ``r`` in both classes that complexity is at most
    ``(Lambda r / m) sqrt(m_+ / rho_+^2 + m_- / rho_-^2)`` (``m_y`` examples of class ``y``).
    The margins used here minimise that term for a fixed total ``rho_+ + rho_- = 2``:

        rho_y = 2 m_y^(1/3) / (m_+^(1/3) + m_-^(1/3)).

    Balanced classes get ``rho_+ = rho_- = 1`` (the plain logistic loss); the more frequent
    class gets the larger margin, i.e. a flatter loss whose gradient near the decision
    boundary is ``1 / rho_y`` that of the logistic loss, so the rarer class weighs more.
    The rule is this project's reading of the bound, not a formula quoted from the paper.

    Parameters
    ----------
    counts : torch.Tensor, shape=(2,)
        ``(m_-, m_+)``, counts of label 0 and label 1 (pseudo-counts included).

    Returns
    -------
    torch.Tensor, shape=(2,)
        ``(rho_-, rho_+)``, summing to 2.
    """
    roots = counts.double().clamp_min(1e-12).pow(1.0 / 3.0)
    return (2.0 * roots / roots.sum()).to(torch.float32)


def immax_loss(logits: torch.Tensor, labels: torch.Tensor, margins: torch.Tensor) -> torch.Tensor:
    """IMMAX task loss with the logistic surrogate (arXiv:2502.10381).

    The paper's class-imbalanced margin loss penalises ``y h(x) <= rho_y``; IMMAX minimises
    a convex surrogate ``Phi(y h(x) / rho_y)``. With the logistic ``Phi(u) = log(1 + e^-u)``:

        L = mean_i log(1 + exp(-y_i * logit_i / rho_{y_i})),   y_i in {-1, +1}.

    Parameters
    ----------
    logits : torch.Tensor, shape=(B,)
    labels : torch.Tensor, shape=(B,)
        0 or 1.
    margins : torch.Tensor, shape=(2,)
        ``(rho_-, rho_+)``, e.g. from :func:`immax_margins`.

    Returns
    -------
    torch.Tensor, shape=()
    """
    labels = labels.long()
    sign = labels.float() * 2.0 - 1.0
    rho = margins.to(logits.device)[labels]
    return F.softplus(-sign * logits / rho).mean()


class IMMAXLoss(nn.Module):
    """IMMAX with adaptive margins: class counts are running counts of the labels seen.

    Parameters
    ----------
    prior : float
        Pseudo-count each class starts with.
    """

    def __init__(self, prior: float = 1.0) -> None:
        super().__init__()
        self.register_buffer("counts", torch.full((2,), float(prior), dtype=torch.float64))

    def forward(
        self, logits: torch.Tensor, labels: torch.Tensor, reduce: Reducer = _identity
    ) -> torch.Tensor:
        """Update the counts with this batch (summed over processes by ``reduce``), then score."""
        if self.training:
            batch = torch.stack([(labels == 0).sum(), (labels == 1).sum()]).to(self.counts)
            self.counts += reduce(batch)
        return immax_loss(logits, labels, immax_margins(self.counts))

    @property
    def margins(self) -> torch.Tensor:
        return immax_margins(self.counts)


# --------------------------------------------------------------------------- decoupling


def cross_correlation(a: torch.Tensor, b: torch.Tensor, eps: float = 1e-8) -> torch.Tensor:
    """Pearson correlations between every column of ``a`` and every column of ``b``.

    Parameters
    ----------
    a : torch.Tensor, shape=(B, d_a)
    b : torch.Tensor, shape=(B, d_b)
    eps : float
        Added to the product of norms; a constant column correlates 0 with everything.

    Returns
    -------
    torch.Tensor, shape=(d_a, d_b)
    """
    a = a - a.mean(dim=0, keepdim=True)
    b = b - b.mean(dim=0, keepdim=True)
    norms = a.norm(dim=0).unsqueeze(1) * b.norm(dim=0).unsqueeze(0)
    return (a.T @ b) / (norms + eps)


def correlation_loss(z_i: torch.Tensor, z_e: torch.Tensor, eps: float = 1e-8) -> torch.Tensor:
    """``L_corr``: mean squared entry of the ``z_I`` x ``z_E`` cross-correlation matrix.

    Used for every ``d_I``, ``d_E`` (equal or not): the batch-wise Pearson correlation of
    each unit of ``z_I`` with each unit of ``z_E``, squared and averaged.

    Parameters
    ----------
    z_i : torch.Tensor, shape=(B, d_I)
    z_e : torch.Tensor, shape=(B, d_E)
        Each pair's cell-line embedding (constant inside a block, varying across blocks).

    Returns
    -------
    torch.Tensor, shape=()
    """
    return cross_correlation(z_i, z_e, eps).pow(2).mean()


def orthogonality_loss(z_i: torch.Tensor, z_e: torch.Tensor) -> torch.Tensor:
    """The strict alternative to ``L_corr``: mean squared entry of ``z_I^T z_E / B``.

    The uncentred, unnormalised cross-moment matrix; zero when every unit of ``z_I`` is
    orthogonal (over the batch) to every unit of ``z_E``.

    Parameters
    ----------
    z_i : torch.Tensor, shape=(B, d_I)
    z_e : torch.Tensor, shape=(B, d_E)

    Returns
    -------
    torch.Tensor, shape=()
    """
    return ((z_i.T @ z_e) / z_i.shape[0]).pow(2).mean()


# --------------------------------------------------------------------------- domain


class _GradientReversal(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x: torch.Tensor, scale: float) -> torch.Tensor:
        ctx.scale = scale
        return x.view_as(x)

    @staticmethod
    def backward(ctx, grad: torch.Tensor) -> tuple[torch.Tensor, None]:
        return -ctx.scale * grad, None


def grad_reverse(x: torch.Tensor, scale: float = 1.0) -> torch.Tensor:
    """Identity forward; gradient multiplied by ``-scale`` backward (Ganin & Lempitsky)."""
    return _GradientReversal.apply(x, float(scale))


def domain_loss(logits: torch.Tensor, cells: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """``L_inv``: cross-entropy of the cell-line classifier, and its accuracy.

    Parameters
    ----------
    logits : torch.Tensor, shape=(B, C)
    cells : torch.Tensor of int64, shape=(B,)

    Returns
    -------
    loss : torch.Tensor, shape=()
    accuracy : torch.Tensor, shape=()
        Fraction of pairs whose cell line the classifier gets right (chance: ``1 / C``).
    """
    accuracy = (logits.argmax(dim=1) == cells).float().mean()
    return F.cross_entropy(logits, cells), accuracy


class DomainClassifier(nn.Module):
    """``D``: a cell-line classifier reading ``GRL(z_I)``.

    Parameters
    ----------
    d_in : int
        ``d_I``.
    n_classes : int
        ``C``, the training cell lines.
    hidden : int
        Hidden width (0: linear).
    grl_scale : float
    """

    def __init__(self, d_in: int, n_classes: int, hidden: int = 32, grl_scale: float = 1.0):
        super().__init__()
        self.grl_scale = grl_scale
        if hidden:
            self.net = nn.Sequential(
                nn.Linear(d_in, hidden), nn.ReLU(), nn.Linear(hidden, n_classes)
            )
        else:
            self.net = nn.Linear(d_in, n_classes)

    def forward(self, z_i: torch.Tensor) -> torch.Tensor:
        """``(B, d_I) -> (B, C)`` logits; the gradient reaching ``z_I`` is reversed."""
        return self.net(grad_reverse(z_i, self.grl_scale))


# --------------------------------------------------------------------------- contrastive


def hierarchical_infonce(
    embeddings: torch.Tensor, groups: torch.Tensor, tau: float = 0.1, normalize: bool = True
) -> torch.Tensor:
    """``L_hcont``: supervised InfoNCE over cell lines.

    For anchor ``i`` with positives ``P(i)`` (other pairs of its cell line) and all other
    pairs ``A(i)`` of the batch as the candidates,

        l_i = -1/|P(i)| sum_{p in P(i)} log( exp(s_ip / tau) / sum_{a in A(i)} exp(s_ia / tau) )

    with ``s`` the dot product of (L2-normalised, by default) embeddings. The loss is the
    mean of ``l_i`` over anchors that have at least one positive (0 when none has).

    Parameters
    ----------
    embeddings : torch.Tensor, shape=(B, d_E)
        The pairs' environment embeddings ``e``.
    groups : torch.Tensor of int64, shape=(B,)
        Cell line of each pair.
    tau : float
    normalize : bool

    Returns
    -------
    torch.Tensor, shape=()
    """
    if normalize:
        embeddings = F.normalize(embeddings, dim=1)
    n = embeddings.shape[0]
    self_mask = torch.eye(n, dtype=torch.bool, device=embeddings.device)
    similarity = (embeddings @ embeddings.T / tau).masked_fill(self_mask, float("-inf"))
    log_prob = similarity - torch.logsumexp(similarity, dim=1, keepdim=True)
    positive = (groups.unsqueeze(0) == groups.unsqueeze(1)) & ~self_mask
    n_positive = positive.sum(dim=1)
    has = n_positive > 0
    if not has.any():
        return embeddings.sum() * 0.0
    per_anchor = log_prob.masked_fill(~positive, 0.0).sum(dim=1)[has] / n_positive[has]
    return -per_anchor.mean()


# --------------------------------------------------------------------------- sparsity


def l1_sparsity(z_i: torch.Tensor, z_e: torch.Tensor) -> torch.Tensor:
    """``L_sparse = mean_i |z_I,i|_1 + mean_i |z_E,i|_1`` (L1 norm per pair, mean over pairs).

    Parameters
    ----------
    z_i : torch.Tensor, shape=(B, d_I)
    z_e : torch.Tensor, shape=(B, d_E)
        Each pair's cell-line embedding.

    Returns
    -------
    torch.Tensor, shape=()
    """
    return z_i.abs().sum(dim=1).mean() + z_e.abs().sum(dim=1).mean()


def l0_fraction(z: torch.Tensor) -> torch.Tensor:
    """``|z|_0 / d`` averaged over rows: the fraction of non-zero units (a monitor, no gradient)."""
    return (z != 0).float().mean()


# --------------------------------------------------------------------------- prototypes


def momentum_update(prototype: torch.Tensor, mean: torch.Tensor, momentum: float) -> torch.Tensor:
    """``p <- mu p + (1 - mu) mean``.

    Parameters
    ----------
    prototype, mean : torch.Tensor, shape=(d_E,)
    momentum : float
        ``mu``.

    Returns
    -------
    torch.Tensor, shape=(d_E,)
    """
    return momentum * prototype + (1.0 - momentum) * mean


def prototype_loss(
    embeddings: torch.Tensor, prototypes: torch.Tensor, cells: torch.Tensor
) -> torch.Tensor:
    """``L_proto = mean_i |e_i - p_{c_i}|^2`` (prototypes are constants here).

    Parameters
    ----------
    embeddings : torch.Tensor, shape=(B, d_E)
    prototypes : torch.Tensor, shape=(C, d_E)
    cells : torch.Tensor of int64, shape=(B,)

    Returns
    -------
    torch.Tensor, shape=()
    """
    return (embeddings - prototypes.detach()[cells]).pow(2).sum(dim=1).mean()


class MomentumPrototypes(nn.Module):
    """One prototype per training cell line, updated by momentum (a buffer, saved).

    A prototype's first update sets it to the mean it is given.

    Parameters
    ----------
    n_cells : int
        ``C``.
    dim : int
        ``d_E``.
    momentum : float
        ``mu``.
    """

    def __init__(self, n_cells: int, dim: int, momentum: float = 0.9) -> None:
        super().__init__()
        self.momentum = momentum
        self.register_buffer("prototypes", torch.zeros(n_cells, dim))
        self.register_buffer("seen", torch.zeros(n_cells, dtype=torch.bool))

    @torch.no_grad()
    def update(self, cells: torch.Tensor, means: torch.Tensor) -> None:
        """Fold in each listed cell line's mean embedding.

        Parameters
        ----------
        cells : torch.Tensor of int64, shape=(K,)
            Distinct cell lines.
        means : torch.Tensor, shape=(K, d_E)
        """
        for cell, mean in zip(cells.tolist(), means, strict=True):
            if self.seen[cell]:
                self.prototypes[cell] = momentum_update(self.prototypes[cell], mean, self.momentum)
            else:
                self.prototypes[cell] = mean
                self.seen[cell] = True

    def forward(self, embeddings: torch.Tensor, cells: torch.Tensor) -> torch.Tensor:
        return prototype_loss(embeddings, self.prototypes, cells)


# --------------------------------------------------------------------------- temperature


def temperature_l2(t: torch.Tensor, t_init: float, w_t: torch.Tensor | None = None) -> torch.Tensor:
    """``(t - t_0)^2 (+ |w_T|^2)``: keeps ``T = softplus(t)`` near its initial value 1."""
    penalty = (t - t_init).pow(2)
    if w_t is not None:
        penalty = penalty + w_t.pow(2).sum()
    return penalty


# --------------------------------------------------------------------------- weights


def weight_matrix_l2(module: torch.nn.Module) -> torch.Tensor:
    """``sum |W|^2 / 2`` over ``module``'s trainable weight matrices and kernels (``ndim >=
    2``; not biases, norms or scalars, which AdamW leaves undecayed too); 0 when every one is
    frozen."""
    matrices = [p.pow(2).sum() for p in module.parameters() if p.requires_grad and p.ndim >= 2]
    if not matrices:
        return torch.zeros((), device=next(module.parameters()).device)
    return torch.stack(matrices).sum() / 2
