"""The model Selene trains and its model-module hooks (``criterion``, ``get_optimizer``).

The model returns ``(Q, 1)`` probabilities (one feature, ``interaction``), so Selene's
metrics, ``test_predictions.npz`` and ``best_model.pth.tar`` work unchanged. The tensor
carries a :class:`SeleneStep` (attribute ``prism_step``) with everything the criterion
needs: the head outputs, ``z_I``, ``e``, ``z_E``, the curriculum phase. The objective
(IMMAX counts, domain classifier, prototypes) lives inside the model, so Selene's
optimizer trains the domain classifier and its checkpoints keep every buffer. Inputs and
targets are packed as :mod:`kipoi_prism.integrations.selene.packing` describes.

Curriculum
----------
The sampler counts epochs (one epoch: every labelled training pair once as a query, as
:class:`kipoi_prism.training.datasets.CellLineBlockSampler` plans it) and tags each batch
with it. The model takes the phase from :func:`kipoi_prism.training.curriculum.phase_at`:
during warm-up the head runs without environment (``R_E = 0``, ``lam = 0``) and the
gradients of ``f_E'``, ``g_E``, ``lam`` and ``t`` are dropped before the optimizer step (a
post-accumulate hook), so they do not move, exactly as in ``kipoi-prism train``; afterwards
the auxiliary weights ramp. Set ``report_stats_every_n_steps`` to the batches per epoch
(the sampler logs it) so Selene's validation, learning-rate schedule and early stopping
count epochs as the SPEC does.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from kipoi_prism.config import ModelConfig, TrainConfig
from kipoi_prism.errors import PrismInputError
from kipoi_prism.integrations.selene.packing import unpack_inputs, unpack_targets
from kipoi_prism.integrations.selene.workarounds import as_float_lr
from kipoi_prism.training.curriculum import AUXILIARY, Phase, phase_at
from kipoi_prism.training.losses import bce_loss
from kipoi_prism.training.monitors import classification_metrics
from kipoi_prism.training.objective import PrismObjective

selene_log = logging.getLogger("selene")  # Selene's run log (output_dir/*.log)

CHECKPOINT_FORMAT = "kipoi-prism-selene"
# Where TrainConfig knobs live in a Selene run instead of the model's class_args.
SELENE_OWNED = {
    "lr": "the top-level `lr` of the Selene config",
    "weight_decay": "get_optimizer(lr) in the model file",
    "max_epochs": "train_model.max_steps",
    "patience": "train_model.stopping_criteria",
    "blocks_per_batch": "the sampler's blocks_per_batch",
    "block_size": "train_model.batch_size / the sampler's blocks_per_batch",
    "support_size": "the sampler's support_size",
    "gradient_clip": "nowhere: Selene's loop does not clip gradients",
    "reverse_complement": "nowhere: the Selene sampler does not augment sequence",
    "max_shift": "nowhere: the Selene sampler does not augment sequence",
}
DEFAULT_WEIGHT_DECAY = TrainConfig.weight_decay


@dataclass
class SeleneStep:
    """What :class:`PrismSeleneModel` hands its criterion with the predictions.

    Attributes
    ----------
    objective : PrismObjective
        Owner of the network and the objective's state.
    out : dict of torch.Tensor
        :meth:`PrismObjective.encode_batch` outputs (``logit``, ``z_I``, ``e``, ``z_E``...).
    cells : torch.Tensor of int64, shape=(K,)
        Distinct cell lines of the batch.
    z_e_cells : torch.Tensor, shape=(K, d_E)
    query_cells : torch.Tensor of int64, shape=(Q,)
    phase : Phase
    training : bool
        The model's mode when it produced the predictions.
    """

    objective: PrismObjective
    out: dict[str, torch.Tensor]
    cells: torch.Tensor
    z_e_cells: torch.Tensor
    query_cells: torch.Tensor
    phase: Phase
    training: bool


def selene_train_config(train: dict[str, Any] | None) -> TrainConfig:
    """:class:`TrainConfig` from the model's ``class_args.train``.

    Raises
    ------
    PrismInputError
        A key that a Selene run sets elsewhere (learning rate, batch layout, epochs...).
    """
    train = dict(train or {})
    for key, where in SELENE_OWNED.items():
        if key in train:
            raise PrismInputError(f"model.class_args.train.{key}: set it in {where}")
    return TrainConfig.from_dict(train)


class PrismSeleneModel(nn.Module):
    """The model Selene trains: prism-energy plus its objective (see the module docstring).

    Parameters
    ----------
    cell_lines : list of str
        Training cell lines, in the sampler's order (its ``train_cell_lines``).
    model : dict, optional
        :class:`ModelConfig` fields (window widths, architecture).
    train : dict, optional
        :class:`TrainConfig` fields of the objective and curriculum (loss weights, ramp,
        warm-up epochs, IMMAX, seed); Selene sets lr, epochs and batch layout elsewhere.
    """

    def __init__(
        self,
        cell_lines: Sequence[str],
        model: dict[str, Any] | None = None,
        train: dict[str, Any] | None = None,
    ) -> None:
        super().__init__()
        if isinstance(cell_lines, str) or not cell_lines:
            raise PrismInputError(
                "model.class_args.cell_lines: expected the list of training cell lines"
            )
        model_config = ModelConfig.from_dict(model)
        if model_config.element_read:
            raise PrismInputError(
                "model.class_args.model.element_read: the read is fitted when kipoi-prism's "
                "own training ends (kipoi-prism train, fit()); Selene's training loop does not "
                "fit it, so the model would score by g_I(z_I) while saying otherwise"
            )
        train_config = selene_train_config(train)
        train_args = {k: v for k, v in train_config.to_dict().items() if k not in SELENE_OWNED}
        self.class_args = {"cell_lines": [str(c) for c in cell_lines],
                           "model": model_config.to_dict(), "train": train_args}  # fmt: skip
        self.objective = PrismObjective(model_config, train_config, self.class_args["cell_lines"])
        self.register_buffer("epoch", torch.tensor(0, dtype=torch.int64))
        self._warmup_step = False
        for parameter in self.objective.frozen_during_warmup():
            if parameter.requires_grad:
                parameter.register_post_accumulate_grad_hook(self._drop_warmup_gradient)

    @property
    def network(self):
        """The :class:`kipoi_prism.model.network.PrismEnergy` being trained."""
        return self.objective.model

    def phase(self) -> Phase:
        """The curriculum at the latest training epoch seen."""
        return phase_at(self.objective.train_config, int(self.epoch))

    def _drop_warmup_gradient(self, parameter: torch.Tensor) -> None:
        if self._warmup_step:
            parameter.grad = None

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Probabilities of the query pairs of a packed batch.

        Parameters
        ----------
        x : torch.Tensor, shape=(Q + S, 4, L_E + L_P + 1)
            Selene's transposed inputs (see the module docstring).

        Returns
        -------
        torch.Tensor, shape=(Q, 1)
            ``P(interaction)`` per query, carrying a :class:`SeleneStep` as ``prism_step``.
        """
        config = self.objective.model_config
        batch = unpack_inputs(x, config.enhancer_length, config.promoter_length)
        if self.training and batch.epoch > int(self.epoch):
            self.epoch.fill_(batch.epoch)
        phase = self.phase()
        self._warmup_step = self.training and phase.warmup
        out, cells, z_e_cells = self.objective.encode_batch(
            batch.as_dict(), use_environment=not phase.warmup
        )
        probabilities = torch.sigmoid(out["logit"]).unsqueeze(1)
        probabilities.prism_step = SeleneStep(
            self.objective, out, cells, z_e_cells, batch.cell, phase, self.training
        )
        return probabilities

    def get_extra_state(self) -> dict[str, Any]:
        """Saved in every Selene checkpoint: what rebuilds this model (plain types only)."""
        return {"format": CHECKPOINT_FORMAT, "version": 1, "class_args": self.class_args}

    def set_extra_state(self, state: dict[str, Any]) -> None:
        if not isinstance(state, dict) or state.get("format") != CHECKPOINT_FORMAT:
            raise ValueError("state_dict: not a kipoi-prism Selene checkpoint")
        if state["class_args"]["model"] != self.class_args["model"]:
            raise ValueError(
                "state_dict: saved from another architecture (model class_args differ)"
            )


class PrismSeleneCriterion(nn.Module):
    """The SPEC objective for Selene's loop: ``criterion(predictions, targets)``.

    In training, the full ``L = L_task + a L_corr + b L_inv + g L_hcont + d L_sparse +
    h L_proto`` with the phase's weights, computed by :meth:`PrismObjective.loss_terms`
    and :meth:`PrismObjective.total_loss` (a non-finite loss sets ``lam`` to its fallback
    and skips the step, :meth:`PrismObjective.guard`). In evaluation, the task loss only
    (IMMAX margins frozen), which Selene uses to pick ``best_model.pth.tar``. Predictions
    that lost their :class:`SeleneStep` (``EvaluateModel`` indexes the feature columns)
    are scored with binary cross-entropy on the probabilities.

    The training monitors (AUPR, AUROC and F1 of the training predictions, every loss
    term, ``L_corr``, domain accuracy and chance, sparsity of ``z_I`` and ``z_E``, ``T``,
    ``R_E``, ``U_I``, ``lam``, the weights; as ``kipoi-prism train`` records them) are
    gathered between validations, logged to Selene's log and kept in :attr:`history`;
    Selene logs the validation AUROC and AUPR itself.
    """

    def __init__(self) -> None:
        super().__init__()
        self.history: list[dict[str, float]] = []
        self._sums: dict[str, float] = {}
        self._steps = 0
        self._trained_steps = 0
        self._last: dict[str, float] = {}
        self._predictions: list[np.ndarray] = []
        self._labels: list[np.ndarray] = []

    def forward(self, predictions: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
        labels, cells = unpack_targets(targets)
        step = getattr(predictions, "prism_step", None)
        if step is None:
            if predictions.requires_grad:
                raise ValueError(
                    "predictions: not the output of PrismSeleneModel (data_parallel is not "
                    "supported); the training objective needs the model's step"
                )
            probabilities = predictions[:, 0].clamp(1e-7, 1 - 1e-7)
            return F.binary_cross_entropy(probabilities, labels)
        if cells is not None and not torch.equal(cells, step.query_cells.to(cells.device)):
            raise ValueError("targets: cell ids differ from the inputs' tags (another batch?)")
        if not step.training:
            self.flush()
            return self.task_loss(step, labels)
        if cells is None:
            raise ValueError("targets: training needs (label, cell) columns from PrismPairSampler")
        return self.training_loss(step, labels, cells)

    @staticmethod
    def task_loss(step: SeleneStep, labels: torch.Tensor) -> torch.Tensor:
        """``L_task`` alone (IMMAX with the running margins, or BCE)."""
        objective = step.objective
        if objective.train_config.task_loss == "immax":
            return objective.task_loss(step.out["logit"], labels)
        return bce_loss(step.out["logit"], labels)

    def training_loss(
        self, step: SeleneStep, labels: torch.Tensor, cells: torch.Tensor
    ) -> torch.Tensor:
        """The full objective of one training batch (updates IMMAX counts and prototypes)."""
        objective, phase = step.objective, step.phase
        batch = {"label": labels, "cell": cells}
        terms, monitors = objective.loss_terms(step.out, batch, step.cells, step.z_e_cells, phase)
        loss = objective.guard(objective.total_loss(terms, phase), phase.epoch, self._trained_steps)
        self._trained_steps += 1
        self.record(step, loss, terms, monitors, labels)
        return loss

    def record(
        self, step: SeleneStep, loss, terms: dict, monitors: dict, labels: torch.Tensor
    ) -> None:
        """Add one step's monitors (:meth:`PrismObjective.step_values`) to the running means
        and keep its predictions."""
        out = step.out
        self._predictions.append(torch.sigmoid(out["logit"].detach()).cpu().numpy())
        self._labels.append(labels.detach().cpu().numpy())
        for key, value in step.objective.step_values(loss, terms, monitors, out).items():
            self._sums[key] = self._sums.get(key, 0.0) + value
        self._steps += 1
        self._last = {"epoch": step.phase.epoch + 1, "warmup": int(step.phase.warmup),
                      "domain_chance": 1.0 / len(step.objective.cell_lines),
                      **{f"w_{k}": getattr(step.phase.weights, k) for k in AUXILIARY}}  # fmt: skip

    def flush(self) -> None:
        """Log the means since the last flush (called at Selene's validation)."""
        if not self._steps:
            return
        scores = classification_metrics(
            np.concatenate(self._labels).astype(np.int64), np.concatenate(self._predictions)
        )
        row = {**self._last, "steps": self._steps,
               **{f"train_{k}": v for k, v in scores.items()},
               **{k: v / self._steps for k, v in self._sums.items()}}  # fmt: skip
        self.history.append(row)
        self._sums, self._steps, self._predictions, self._labels = {}, 0, [], []
        text = " ".join(f"{k}={v:.4g}" for k, v in row.items())
        selene_log.info("prism-energy training monitors: %s", text)


class PrismAdamW(torch.optim.AdamW):
    """AdamW with weight decay on weight matrices and kernels only, as ``kipoi-prism train``.

    Parameters
    ----------
    params : iterable of torch.nn.Parameter
        Selene passes ``model.parameters()``.
    lr : float
    weight_decay : float
        Applied to parameters with 2 or more dimensions; biases, norms and scalars get 0.
    """

    def __init__(
        self, params, lr: float = 1e-3, weight_decay: float = DEFAULT_WEIGHT_DECAY, **kwargs
    ):
        params = [p for p in params if p.requires_grad]
        groups = [
            {"params": [p for p in params if p.ndim >= 2], "weight_decay": weight_decay},
            {"params": [p for p in params if p.ndim < 2], "weight_decay": 0.0},
        ]
        super().__init__([g for g in groups if g["params"]], lr=lr, **kwargs)


def criterion() -> PrismSeleneCriterion:
    """Selene's model-module hook: the loss."""
    return PrismSeleneCriterion()


def get_optimizer(
    lr: float, weight_decay: float = DEFAULT_WEIGHT_DECAY
) -> tuple[type[torch.optim.Optimizer], dict[str, float]]:
    """Selene's model-module hook: ``(optimizer class, keyword arguments)``."""
    return PrismAdamW, {"lr": as_float_lr(lr), "weight_decay": float(weight_decay)}
