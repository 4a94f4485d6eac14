"""The training objective of prism-energy as a plain ``torch.nn.Module``.

:class:`PrismObjective` owns what training adds to the network: the domain classifier,
the IMMAX task loss, the momentum prototypes, the calibrated ``threshold`` and the count of
non-finite steps (``divergences``). It runs a block batch (:meth:`~PrismObjective.encode_batch`),
computes every active loss term (:meth:`~PrismObjective.loss_terms`) and their weighted sum
for a curriculum phase (:meth:`~PrismObjective.total_loss`), and skips non-finite steps
(:meth:`~PrismObjective.guard`). It knows no training loop: the Lightning adapter
(:class:`kipoi_prism.training.module.PrismLightning`) and Selene's model
(:mod:`kipoi_prism.integrations.selene.model`) drive the same object.

``L = L_task + a L_corr + b L_inv + g L_hcont + d L_sparse + h L_proto (+ t_l2 L_T)
(+ weight_l2 |W|^2 / 2) (+ distill_weight BCE(logit, teacher))``, with the weights of
:func:`kipoi_prism.training.curriculum.phase_at`.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

import torch

from kipoi_prism.config import T_INIT_RAW, ModelConfig, TrainConfig
from kipoi_prism.model.network import PrismEnergy
from kipoi_prism.training.curriculum import AUXILIARY, Phase, frozen_during_warmup
from kipoi_prism.training.distributed import all_reduce_sum
from kipoi_prism.training.losses import (
    DomainClassifier,
    IMMAXLoss,
    MomentumPrototypes,
    bce_loss,
    correlation_loss,
    domain_loss,
    hierarchical_infonce,
    l0_fraction,
    l1_sparsity,
    orthogonality_loss,
    temperature_l2,
    weight_matrix_l2,
)

log = logging.getLogger(__name__)

# Loss terms outside the curriculum, each weighted by a fixed train key: term -> key.
PENALTY_WEIGHTS = {"t_l2": "t_l2", "weight_l2": "weight_l2", "distill": "distill_weight"}


def as_config(cls, value):
    """``value`` as a ``cls`` config: ``None`` gives the defaults, a dict is read."""
    if value is None:
        return cls()
    if isinstance(value, cls):
        return value
    if isinstance(value, dict):
        return cls.from_dict(value)
    raise TypeError(f"expected {cls.__name__} or dict, got {type(value).__name__}")


def segment_mean(values: torch.Tensor, groups: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """Mean of ``values`` (N, d) per distinct group id: ``(groups (K,) sorted, means (K, d))``."""
    cells, inverse = torch.unique(groups, sorted=True, return_inverse=True)
    sums = values.new_zeros(len(cells), values.shape[1]).index_add(0, inverse, values)
    counts = torch.bincount(inverse, minlength=len(cells)).to(values.dtype)
    return cells, sums / counts.unsqueeze(1)


class PrismObjective(torch.nn.Module):
    """prism-energy with its training objective (no training loop).

    Parameters
    ----------
    model_config : ModelConfig or dict
    train_config : TrainConfig or dict
    cell_lines : list of str
        Training cell lines (the domain classifier's classes, the prototypes' keys).

    Attributes
    ----------
    model : PrismEnergy
        The network (initialised from ``train_config.seed``).
    domain : DomainClassifier
    task_loss : IMMAXLoss
    prototypes : MomentumPrototypes
    threshold : torch.Tensor
        Decision threshold (buffer; the training loop sets it from validation).
    divergences : torch.Tensor
        Steps skipped for a non-finite loss (buffer).
    """

    def __init__(
        self,
        model_config: ModelConfig | dict | None = None,
        train_config: TrainConfig | dict | None = None,
        cell_lines: Sequence[str] = (),
    ) -> None:
        super().__init__()
        model_config = as_config(ModelConfig, model_config)
        train_config = as_config(TrainConfig, train_config)
        if not cell_lines:
            raise ValueError("cell_lines: expected at least one training cell line")
        self.model_config, self.train_config = model_config, train_config
        self.cell_lines = list(cell_lines)
        with torch.random.fork_rng(devices=[]):
            torch.manual_seed(train_config.seed)
            self.model = PrismEnergy(model_config)
            self.domain = DomainClassifier(
                model_config.d_interaction, len(cell_lines), train_config.domain_hidden,
                train_config.grl_scale,
            )  # fmt: skip
        self.task_loss = IMMAXLoss(train_config.immax_prior)
        self.prototypes = MomentumPrototypes(
            len(cell_lines), model_config.d_environment, train_config.proto_momentum
        )
        self.register_buffer("threshold", torch.tensor(0.5))
        self.register_buffer("divergences", torch.tensor(0))

    def frozen_during_warmup(self) -> list[torch.nn.Parameter]:
        """``f_E'``, ``g_E``, ``lam`` and the other environment weights, plus ``t``."""
        return frozen_during_warmup(self.model)

    def encode_batch(
        self, batch: dict, use_environment: bool
    ) -> tuple[dict[str, torch.Tensor], torch.Tensor, torch.Tensor]:
        """Run a block batch: queries and support rows share one backbone pass.

        Parameters
        ----------
        batch : dict of torch.Tensor
            ``enhancer`` (Q + S, 4, L_E), ``promoter`` (Q + S, 4, L_P), ``n_query`` (Q),
            ``cell`` (Q,) and ``support_cell`` (S,) cell-line ids.
        use_environment : bool
            ``False`` in warm-up (``R_E = 0``).

        Returns
        -------
        out : dict of torch.Tensor
            Head outputs plus ``z_I`` (Q, d_I), ``e`` (Q, d_E) and ``z_E`` (Q, d_E), each
            query's cell-line embedding (mean ``e`` over its support set).
        cells : torch.Tensor of int64, shape=(K,)
            Distinct cell lines of the batch.
        z_e_cells : torch.Tensor, shape=(K, d_E)
        """
        n = int(batch["n_query"])
        z_all, e_all, f_all = self.model.encode(batch["enhancer"], batch["promoter"])
        cells, z_e_cells = segment_mean(e_all[n:], batch["support_cell"])
        z_e = z_e_cells[torch.searchsorted(cells, batch["cell"])]
        out = self.model.head_outputs(z_all[:n], z_e, use_environment, f_all[:n])
        out.update({"z_I": z_all[:n], "e": e_all[:n], "z_E": z_e})
        return out, cells, z_e_cells

    def loss_terms(
        self, out: dict, batch: dict, cells: torch.Tensor, z_e_cells: torch.Tensor, phase: Phase
    ) -> tuple[dict[str, torch.Tensor], dict[str, torch.Tensor]]:
        """Every active loss term (weight > 0) and the monitors (no gradient needed).

        Also updates the prototypes with this step's ``z_E`` per cell line (and, through
        the IMMAX loss in training mode, its class counts).
        """
        config, weights = self.train_config, phase.weights
        labels, query_cells = batch["label"], batch["cell"]
        z_i, z_e, e = out["z_I"], out["z_E"], out["e"]
        if config.task_loss == "immax":
            terms = {"task": self.task_loss(out["logit"], labels, reduce=all_reduce_sum)}
        else:
            terms = {"task": bce_loss(out["logit"], labels)}
        decouple = correlation_loss if config.decouple == "corr" else orthogonality_loss
        monitors = {"corr": correlation_loss(z_i.detach(), z_e.detach())}
        if weights.corr:
            terms["corr"] = decouple(z_i, z_e)
        if weights.inv:
            terms["inv"], monitors["domain_acc"] = domain_loss(self.domain(z_i), query_cells)
        if weights.hcont:
            terms["hcont"] = hierarchical_infonce(
                e, query_cells, config.infonce_tau, config.normalize_embeddings
            )
        if weights.sparse:
            terms["sparse"] = l1_sparsity(z_i, z_e)
        self.update_prototypes(cells, z_e_cells.detach())
        if weights.proto:
            terms["proto"] = self.prototypes(e, query_cells)
        if config.t_l2:
            temperature = self.model.head.temperature
            terms["t_l2"] = temperature_l2(temperature.t, T_INIT_RAW, temperature.w_t)
        if config.weight_l2:
            terms["weight_l2"] = weight_matrix_l2(self.model)
        if config.distill_weight:
            if "teacher" not in batch:
                raise ValueError("train.distill_weight > 0 but the batch has no teacher")
            terms["distill"] = bce_loss(out["logit"], batch["teacher"])
        return terms, monitors

    def total_loss(self, terms: dict[str, torch.Tensor], phase: Phase) -> torch.Tensor:
        """``L_task`` plus each auxiliary term times its weight in ``phase`` and each
        penalty (:data:`PENALTY_WEIGHTS`) times its ``train`` key."""
        loss = terms["task"]
        for name in AUXILIARY:
            if name in terms:
                loss = loss + getattr(phase.weights, name) * terms[name]
        for name, key in PENALTY_WEIGHTS.items():
            if name in terms:
                loss = loss + getattr(self.train_config, key) * terms[name]
        return loss

    @torch.no_grad()
    def update_prototypes(self, cells: torch.Tensor, z_e_cells: torch.Tensor) -> None:
        """Momentum update with this step's ``z_E`` per cell line (averaged over processes)."""
        n_cells, dim = self.prototypes.prototypes.shape
        sums = z_e_cells.new_zeros(n_cells, dim)
        counts = z_e_cells.new_zeros(n_cells)
        sums[cells], counts[cells] = z_e_cells, 1.0
        sums, counts = all_reduce_sum(sums), all_reduce_sum(counts)
        present = counts > 0
        means = sums[present] / counts[present].unsqueeze(1)
        if torch.isfinite(means).all():
            self.prototypes.update(torch.nonzero(present).squeeze(1), means)

    def guard(self, loss: torch.Tensor, epoch: int = 0, step: int = 0) -> torch.Tensor:
        """A non-finite loss (on any process) sets ``lam`` to the fallback and skips the step.

        Parameters
        ----------
        loss : torch.Tensor
            The step's total loss.
        epoch, step : int
            0-based epoch and the global step, for the log line only.

        Returns
        -------
        torch.Tensor
            ``loss``, or a zero loss that gives every parameter a zero gradient.
        """
        bad = all_reduce_sum((~torch.isfinite(loss.detach())).float().reshape(1))
        if bad.item() == 0:
            return loss
        head = self.model.head
        self.divergences += 1
        if hasattr(head, "lam"):
            head.lam.data.fill_(self.train_config.lam_fallback)
        log.warning(
            "non-finite loss at epoch %d step %d: lam set to %g, step skipped",
            epoch + 1, step, self.train_config.lam_fallback,
        )  # fmt: skip
        return sum((p * 0).sum() for p in self.parameters() if p.requires_grad)

    def step_values(
        self, loss: torch.Tensor, terms: dict, monitors: dict, out: dict
    ) -> dict[str, float]:
        """The monitored values of one training step (one device-to-host copy).

        ``loss``, the sparsity of ``z_I`` and ``z_E`` (``zI_l0``, ``zE_l0``), batch means of
        ``T``, ``R_E`` and ``U_I``, ``lam``, every loss term as ``loss_<name>`` and the
        monitors of :meth:`loss_terms`.
        """
        head = self.model.head
        lam = head.lam if hasattr(head, "lam") else out["lam"].mean()
        values = {"loss": loss, "zI_l0": l0_fraction(out["z_I"]), "zE_l0": l0_fraction(out["z_E"]),
                  "T": out["T"].mean(), "R_E": out["R_E"].mean(), "U_I": out["U_I"].mean(),
                  "lam": lam}  # fmt: skip
        values.update({f"loss_{k}": v for k, v in terms.items()})
        values.update(monitors)
        names = list(values)
        numbers = torch.stack([values[k].detach().float().reshape(()) for k in names]).cpu()
        return dict(zip(names, numbers.tolist(), strict=True))

    def trained_prototypes(self) -> dict[str, torch.Tensor]:
        """``{training cell line: prototype (d_E,)}`` for the cell lines seen in training."""
        seen = self.prototypes.seen.tolist()
        return {
            cell: self.prototypes.prototypes[i].detach().cpu().clone()
            for i, cell in enumerate(self.cell_lines)
            if seen[i]
        }
