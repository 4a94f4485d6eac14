"""The LightningModule: a thin adapter that drives :class:`PrismObjective` in Lightning.

It adds what a Lightning run needs around the objective: the optimizer, the curriculum
phase of the current epoch (warm-up gradients dropped before each optimizer step), dropout
reseeded at every step from ``(seed, global step, rank)``, the per-epoch monitors and the
validation. Validation scores every epoch as inference does (environment on, ``z_E`` from a
seeded support set of ``support_size`` pairs per validation cell line through
:func:`kipoi_prism.inference.environment_of`, eval mode), so the validation AUPR of the
exported epoch is what ``kipoi-prism predict`` reproduces.

Checkpoints keep the objective's state under the keys a LightningModule owning the network
directly would have (``model.*``, ``domain.*``, ``threshold``...), plus the history and the
epoch's running sums under ``"prism"``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pytorch_lightning as pl
import torch

from kipoi_prism.config import ModelConfig, TrainConfig
from kipoi_prism.inference import environment_of
from kipoi_prism.training.curriculum import Phase, phase_at
from kipoi_prism.training.datasets import derived_seed
from kipoi_prism.training.distributed import gather_objects
from kipoi_prism.training.monitors import EpochStats, Throughput, epoch_row
from kipoi_prism.training.objective import PrismObjective

_PREFIX = "objective."


class PrismLightning(pl.LightningModule):
    """prism-energy's objective (:attr:`objective`) trained by Lightning.

    Parameters
    ----------
    model_config : ModelConfig or dict
    train_config : TrainConfig or dict
    cell_lines : list of str
        Training cell lines (the domain classifier's classes, the prototypes' keys).
    val_cell_lines : list of str
        Validation cell lines (their ``z_E`` comes from validation support sets).
    """

    def __init__(
        self,
        model_config: ModelConfig | dict | None = None,
        train_config: TrainConfig | dict | None = None,
        cell_lines: Sequence[str] = (),
        val_cell_lines: Sequence[str] = (),
    ) -> None:
        super().__init__()
        self.objective = objective = PrismObjective(model_config, train_config, cell_lines)
        self.model_config, self.train_config = objective.model_config, objective.train_config
        self.cell_lines, self.val_cell_lines = objective.cell_lines, list(val_cell_lines)
        self.save_hyperparameters({
            "model_config": self.model_config.to_dict(),
            "train_config": self.train_config.to_dict(),
            "cell_lines": list(self.cell_lines),
            "val_cell_lines": list(val_cell_lines),
        })  # fmt: skip
        self.history: list[dict[str, Any]] = []
        #: Entries the exported weights file's metadata carries (``fit(metadata=...)``,
        #: e.g. the feature recipe); kept in checkpoints so ``kipoi-prism export`` has them.
        self.weights_metadata: dict[str, Any] = {}
        self._train_stats = EpochStats()
        self._throughput = Throughput()
        self._val_outputs: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
        self._val_z_e: torch.Tensor | None = None
        self.register_state_dict_post_hook(_flatten_keys)
        self.register_load_state_dict_pre_hook(_nest_keys)

    @property
    def model(self):
        """The network being trained (:class:`~kipoi_prism.model.network.PrismEnergy`)."""
        return self.objective.model

    @property
    def threshold(self) -> torch.Tensor:
        """Decision threshold calibrated on validation at the latest epoch."""
        return self.objective.threshold

    # ---------------------------------------------------------------- training

    def phase(self) -> Phase:
        return phase_at(self.train_config, self.current_epoch)

    def configure_optimizers(self) -> torch.optim.Optimizer:
        """AdamW; weight decay on weight matrices and kernels, not on biases, norms, scalars."""
        decay, plain = [], []
        for parameter in self.parameters():
            if parameter.requires_grad:
                (decay if parameter.ndim >= 2 else plain).append(parameter)
        groups = [
            {"params": decay, "weight_decay": self.train_config.weight_decay},
            {"params": plain, "weight_decay": 0.0},
        ]
        return torch.optim.AdamW(groups, lr=self.train_config.lr)

    def on_train_batch_start(self, batch: dict, batch_idx: int) -> None:
        self._throughput.batch(int(batch["n_query"]), int(batch["enhancer"].shape[0]))
        torch.manual_seed(derived_seed(self.train_config.seed, self.global_step, self.global_rank))

    def on_before_optimizer_step(self, optimizer: torch.optim.Optimizer) -> None:
        if self.phase().warmup:
            for parameter in self.objective.frozen_during_warmup():
                parameter.grad = None

    def training_step(self, batch: dict, batch_idx: int) -> torch.Tensor:
        objective, phase = self.objective, self.phase()
        out, cells, z_e_cells = objective.encode_batch(batch, use_environment=not phase.warmup)
        terms, monitors = objective.loss_terms(out, batch, cells, z_e_cells, phase)
        loss = objective.total_loss(terms, phase)
        loss = objective.guard(loss, self.current_epoch, self.global_step)
        self._train_stats.add(objective.step_values(loss, terms, monitors, out))
        probabilities = torch.sigmoid(out["logit"].detach().float()).cpu().numpy()
        self._train_stats.add_predictions(probabilities, batch["label"].cpu().numpy())
        self.log("loss", loss.detach(), prog_bar=True, on_step=True, on_epoch=False,
                 batch_size=int(batch["n_query"]))  # fmt: skip
        return loss

    # ---------------------------------------------------------------- validation

    def on_validation_epoch_start(self) -> None:
        self._throughput.stop()
        self._val_z_e = None
        self._val_outputs = []

    def validation_environments(self) -> torch.Tensor:
        """``z_E`` of every validation cell line from its support set, ``(V, d_E)``."""
        return support_environments(self.model, self.trainer.datamodule.val_support,
                                    len(self.val_cell_lines), self.device)  # fmt: skip

    def validation_step(self, batch: dict, batch_idx: int) -> None:
        if self._val_z_e is None:
            self._val_z_e = self.validation_environments()
        z_e = self._val_z_e[batch["cell"]]
        # Scored as `kipoi-prism predict` scores (environment on), also during the warm-up,
        # so the exported weights behave as validated whichever epoch is best.
        out = self.model(batch["enhancer"], batch["promoter"], z_e)
        probabilities = torch.sigmoid(out["logit"].float()).cpu().numpy()
        self._val_outputs.append(
            (batch["row"].cpu().numpy(), probabilities, batch["label"].cpu().numpy())
        )

    def validation_predictions(self) -> tuple[np.ndarray, np.ndarray]:
        """All processes' validation ``(labels, probabilities)``, one per row."""
        local = [np.concatenate(part) for part in zip(*self._val_outputs, strict=True)]
        if not local:
            local = [np.zeros(0, np.int64), np.zeros(0), np.zeros(0)]
        gathered = gather_objects(tuple(local))
        rows, probabilities, labels = (np.concatenate(p) for p in zip(*gathered, strict=True))
        first = np.unique(rows, return_index=True)[1]
        return labels[first].astype(np.int64), probabilities[first]

    def on_validation_epoch_end(self) -> None:
        if self.trainer.sanity_checking:
            return
        labels, probabilities = self.validation_predictions()
        row = epoch_row(self.phase(), self._train_stats, self._throughput.rates(),
                        self.objective, labels, probabilities)  # fmt: skip
        self.threshold.fill_(row["val_threshold"])
        self.history.append(row)
        logged = {k: float(v) for k, v in row.items() if k != "epoch"}
        self.log_dict(logged, on_step=False, on_epoch=True, sync_dist=True)
        self._train_stats.reset()
        self._throughput.reset()

    # ---------------------------------------------------------------- checkpoints

    def on_save_checkpoint(self, checkpoint: dict) -> None:
        checkpoint["prism"] = {"history": list(self.history),
                               "train_stats": self._train_stats.state_dict(),
                               "weights_metadata": dict(self.weights_metadata)}  # fmt: skip

    def on_load_checkpoint(self, checkpoint: dict) -> None:
        state = checkpoint.get("prism", {})
        self.history = list(state.get("history", []))
        # A resumed fit keeps what it was given over what the checkpoint carried.
        self.weights_metadata = {**state.get("weights_metadata", {}), **self.weights_metadata}
        if "train_stats" in state:
            self._train_stats.load_state_dict(state["train_stats"])


def support_environments(model, support: dict, n_cells: int, device=None) -> torch.Tensor:
    """``z_E`` of cell lines ``0 .. n_cells - 1`` from their support windows (``support``:
    cell id -> windows, :func:`~kipoi_prism.training.datasets.support_windows`), ``(n, d_E)``."""
    z_e = torch.zeros(n_cells, model.config.d_environment, device=device)
    for cell, windows in support.items():
        z_e[cell] = environment_of(model, windows.enhancer, windows.promoter)
    return z_e


def _move(mapping, old: str, new: str, keep: str | None = None) -> None:
    """Rename in place, in order, every key starting with ``old`` (but ``keep``) to start
    with ``new``."""
    items = list(mapping.items())
    mapping.clear()
    for key, value in items:
        if key.startswith(old) and key != keep:
            key = new + key[len(old) :]
        mapping[key] = value


def _flatten_keys(module, state_dict, prefix, local_metadata) -> None:
    """``objective.model.*`` -> ``model.*``: the keys of a module owning the network itself."""
    _move(state_dict, prefix + _PREFIX, prefix)
    metadata = getattr(state_dict, "_metadata", None)
    if metadata is not None:
        metadata.pop(prefix + _PREFIX[:-1], None)
        _move(metadata, prefix + _PREFIX, prefix)


def _nest_keys(module, state_dict, prefix, local_metadata, *args) -> None:
    """``model.*`` -> ``objective.model.*`` before loading (inverse of :func:`_flatten_keys`)."""
    if any(key.startswith(prefix + _PREFIX) for key in state_dict):
        return  # already nested
    _move(state_dict, prefix, prefix + _PREFIX)
    metadata = getattr(state_dict, "_metadata", None)
    if metadata is not None:
        _move(metadata, prefix, prefix + _PREFIX, keep=prefix[:-1])
        metadata[prefix + _PREFIX[:-1]] = {"version": module.objective._version}
