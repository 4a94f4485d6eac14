"""Training prism-energy with PyTorch Lightning: curriculum, objective, monitoring, export.

Entry points
------------
:func:`fit`
    Train on two pair tables (training and validation split) and export a weights file;
    the Python API behind ``kipoi-prism train`` (every ablation is a config switch).
:func:`score_pairs`
    Score a table of pairs with trained weights (support sets as at inference).
:class:`PrismLightning`, :class:`PrismDataModule`
    The LightningModule and DataModule themselves.

Schedule (SPEC, Training schedule; epochs counted from 1 as in the SPEC)
--------------------------------------------------------------------------
Epochs ``1..warmup_epochs``: the environment stream ``f_E'``, ``g_E``, ``lam`` (and
``w_T``, the linear/FiLM head's ``z_E`` weights) and ``t`` get no updates and the head runs
without environment (``R_E = 0``, ``lam = 0``: ``logit = U_I / T``); the auxiliary losses
keep their start weights and reach ``f_I`` (and the domain classifier). From epoch
``warmup_epochs + 1`` everything learns and each non-zero auxiliary weight grows by
``ramp_per_epoch`` per epoch up to its cap (epoch ``warmup_epochs + k`` adds ``k`` steps).

Validation scores every epoch as inference does (environment on, ``z_E`` from a seeded
support set of ``support_size`` pairs per validation cell line, eval mode), so the
validation AUPR of the exported epoch is what ``kipoi-prism predict`` reproduces.

Determinism
-----------
Model initialisation, batches, support sets and dropout are functions of the seed (dropout
is reseeded at every step from ``(seed, global step, rank)``), so the same seed gives the
same run, and a run resumed from a mid-epoch checkpoint ends with the same weights.
"""

from __future__ import annotations

import json
import logging
import math
import os
import tempfile
import time
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytorch_lightning as pl
import torch
from pytorch_lightning.callbacks import Callback, EarlyStopping, ModelCheckpoint
from torch.utils.data import DataLoader

from kipoi_prism import metrics
from kipoi_prism.config import (
    T_INIT_RAW,
    LossWeights,
    ModelConfig,
    TrainConfig,
    TrainerConfig,
)
from kipoi_prism.errors import PrismInputError
from kipoi_prism.io.encode import PairEncoder
from kipoi_prism.io.genome import Genome
from kipoi_prism.io.inputs import make_source
from kipoi_prism.io.support import select_support
from kipoi_prism.model.network import PrismEnergy
from kipoi_prism.model.weights import WeightsBundle, load_weights, save_weights
from kipoi_prism.training.datasets import (
    BlockBatchDataset,
    CellLineBlockSampler,
    ChunkSampler,
    PairRowsDataset,
    check_labelled,
    derived_seed,
    seed_worker,
    support_windows,
)
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
)

log = logging.getLogger(__name__)


def _umask_mode() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


_FILE_MODE = _umask_mode()

AUXILIARY = ("corr", "inv", "hcont", "sparse", "proto")
MONITOR = "val_aupr"


# --------------------------------------------------------------------------- schedule


@dataclass(frozen=True)
class Phase:
    """Where the curriculum stands in one epoch.

    Attributes
    ----------
    epoch : int
        0-based epoch index (Lightning's ``current_epoch``).
    warmup : bool
        Environment stream frozen, head without environment.
    weights : LossWeights
        Auxiliary loss weights of this epoch.
    """

    epoch: int
    warmup: bool
    weights: LossWeights


def phase_at(config: TrainConfig, epoch: int) -> Phase:
    """The curriculum at 0-based ``epoch`` (see the module docstring).

    A weight that starts at 0 stays 0; ``curriculum=False`` means no warm-up and constant
    weights.
    """
    if not config.curriculum:
        return Phase(epoch, False, config.weights)
    steps = max(0, epoch - config.warmup_epochs + 1)
    values = {}
    for name in AUXILIARY:
        start, cap = getattr(config.weights, name), getattr(config.caps, name)
        grown = min(max(cap, start), start + config.ramp_per_epoch * steps)
        values[name] = round(grown, 10) if start > 0 else 0.0
    return Phase(epoch, epoch < config.warmup_epochs, LossWeights(**values))


# --------------------------------------------------------------------------- distributed


def _distributed() -> bool:
    dist = torch.distributed
    return dist.is_available() and dist.is_initialized() and dist.get_world_size() > 1


def all_reduce_sum(tensor: torch.Tensor) -> torch.Tensor:
    """Sum over processes (identity without distributed training)."""
    if not _distributed():
        return tensor
    tensor = tensor.clone()
    torch.distributed.all_reduce(tensor)
    return tensor


def gather_objects(obj: Any) -> list[Any]:
    """``[obj of rank 0, obj of rank 1, ...]`` (``[obj]`` without distributed training)."""
    if not _distributed():
        return [obj]
    out: list[Any] = [None] * torch.distributed.get_world_size()
    torch.distributed.all_gather_object(out, obj)
    return out


# --------------------------------------------------------------------------- epoch statistics


class EpochStats:
    """Per-epoch sums of monitored values and the training predictions (checkpointed)."""

    def __init__(self) -> None:
        self.reset()

    def reset(self) -> None:
        self.sums: dict[str, float] = {}
        self.counts: dict[str, int] = {}
        self.probabilities: list[np.ndarray] = []
        self.labels: list[np.ndarray] = []

    def add(self, values: dict[str, float]) -> None:
        for key, value in values.items():
            self.sums[key] = self.sums.get(key, 0.0) + float(value)
            self.counts[key] = self.counts.get(key, 0) + 1

    def add_predictions(self, probabilities: np.ndarray, labels: np.ndarray) -> None:
        self.probabilities.append(probabilities.astype(np.float64))
        self.labels.append(labels.astype(np.int64))

    def reduce(self) -> tuple[dict[str, float], np.ndarray, np.ndarray]:
        """Means over all processes, and all processes' predictions and labels."""
        local = {
            "sums": self.sums,
            "counts": self.counts,
            "p": np.concatenate(self.probabilities) if self.probabilities else np.zeros(0),
            "y": np.concatenate(self.labels) if self.labels else np.zeros(0, np.int64),
        }
        parts = gather_objects(local)
        sums: dict[str, float] = {}
        counts: dict[str, int] = {}
        for part in parts:
            for key, value in part["sums"].items():
                sums[key] = sums.get(key, 0.0) + value
                counts[key] = counts.get(key, 0) + part["counts"][key]
        means = {key: sums[key] / counts[key] for key in sorted(sums)}
        probabilities = np.concatenate([p["p"] for p in parts])
        return means, probabilities, np.concatenate([p["y"] for p in parts])

    def state_dict(self) -> dict:
        return {
            "sums": dict(self.sums),
            "counts": dict(self.counts),
            "p": torch.from_numpy(np.concatenate(self.probabilities or [np.zeros(0)])),
            "y": torch.from_numpy(np.concatenate(self.labels or [np.zeros(0, np.int64)])),
        }

    def load_state_dict(self, state: dict) -> None:
        self.reset()
        self.sums, self.counts = dict(state["sums"]), dict(state["counts"])
        if len(state["p"]):
            self.add_predictions(state["p"].numpy(), state["y"].numpy())


def classification_metrics(labels: np.ndarray, probabilities: np.ndarray) -> dict[str, float]:
    """AUPR, AUROC and F1 at 0.5 (NaN where a class is missing or no pairs)."""
    if len(labels) == 0:
        return {"aupr": math.nan, "auroc": math.nan, "f1": math.nan}
    return {
        "aupr": metrics.aupr(labels, probabilities),
        "auroc": metrics.auroc(labels, probabilities),
        "f1": metrics.f1_at(labels, probabilities, 0.5),
    }


def segment_mean(values: torch.Tensor, groups: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """Mean of ``values`` (N, d) per distinct group id: ``(groups (K,) sorted, means (K, d))``."""
    cells, inverse = torch.unique(groups, sorted=True, return_inverse=True)
    sums = values.new_zeros(len(cells), values.shape[1]).index_add(0, inverse, values)
    counts = torch.bincount(inverse, minlength=len(cells)).to(values.dtype)
    return cells, sums / counts.unsqueeze(1)


# --------------------------------------------------------------------------- LightningModule


class PrismLightning(pl.LightningModule):
    """prism-energy with its training objective, curriculum and monitors.

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
        model_config = _as_config(ModelConfig, model_config)
        train_config = _as_config(TrainConfig, train_config)
        if not cell_lines:
            raise ValueError("cell_lines: expected at least one training cell line")
        self.save_hyperparameters({
            "model_config": model_config.to_dict(),
            "train_config": train_config.to_dict(),
            "cell_lines": list(cell_lines),
            "val_cell_lines": list(val_cell_lines),
        })  # fmt: skip
        self.model_config, self.train_config = model_config, train_config
        self.cell_lines, self.val_cell_lines = list(cell_lines), list(val_cell_lines)
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
        self.history: list[dict[str, Any]] = []
        self._train_stats = EpochStats()
        self._val_outputs: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
        self._val_z_e: torch.Tensor | None = None
        self._clock: dict[str, float] = {}

    # ---------------------------------------------------------------- schedule hooks

    def phase(self) -> Phase:
        return phase_at(self.train_config, self.current_epoch)

    def frozen_during_warmup(self) -> list[torch.nn.Parameter]:
        """``f_E'``, ``g_E``, ``lam`` and the other environment weights, plus ``t``."""
        frozen = list(self.model.environment_parameters())
        frozen.append(self.model.head.temperature.t)
        return frozen

    def on_train_batch_start(self, batch: dict, batch_idx: int) -> None:
        self._clock.setdefault("start", time.perf_counter())
        self._clock["pairs"] = self._clock.get("pairs", 0) + int(batch["n_query"])
        self._clock["rows"] = self._clock.get("rows", 0) + int(batch["enhancer"].shape[0])
        torch.manual_seed(derived_seed(self.train_config.seed, self.global_step, self.global_rank))

    def on_before_optimizer_step(self, optimizer: torch.optim.Optimizer) -> None:
        if self.phase().warmup:
            for parameter in self.frozen_during_warmup():
                parameter.grad = None

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

    # ---------------------------------------------------------------- training

    def encode_batch(
        self, batch: dict, use_environment: bool
    ) -> tuple[dict[str, torch.Tensor], torch.Tensor, torch.Tensor]:
        """Run a block batch: queries and support rows share one backbone pass.

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
        z_all, e_all, _ = self.model.encode(batch["enhancer"], batch["promoter"])
        cells, z_e_cells = segment_mean(e_all[n:], batch["support_cell"])
        z_e = z_e_cells[torch.searchsorted(cells, batch["cell"])]
        out = self.model.head_outputs(z_all[:n], z_e, use_environment)
        out.update({"z_I": z_all[:n], "e": e_all[:n], "z_E": z_e})
        return out, cells, z_e_cells

    def loss_terms(
        self, out: dict, batch: dict, cells: torch.Tensor, z_e_cells: torch.Tensor, phase: Phase
    ) -> tuple[dict[str, torch.Tensor], dict[str, torch.Tensor]]:
        """Every active loss term (weight > 0) and the monitors (no gradient needed)."""
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
        return terms, monitors

    def total_loss(self, terms: dict[str, torch.Tensor], phase: Phase) -> torch.Tensor:
        loss = terms["task"]
        for name in AUXILIARY:
            if name in terms:
                loss = loss + getattr(phase.weights, name) * terms[name]
        if "t_l2" in terms:
            loss = loss + self.train_config.t_l2 * terms["t_l2"]
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

    def training_step(self, batch: dict, batch_idx: int) -> torch.Tensor:
        phase = self.phase()
        out, cells, z_e_cells = self.encode_batch(batch, use_environment=not phase.warmup)
        terms, monitors = self.loss_terms(out, batch, cells, z_e_cells, phase)
        loss = self.guard(self.total_loss(terms, phase))
        self.record_step(loss, terms, monitors, out, batch)
        self.log("loss", loss.detach(), prog_bar=True, on_step=True, on_epoch=False,
                 batch_size=int(batch["n_query"]))  # fmt: skip
        return loss

    def guard(self, loss: torch.Tensor) -> torch.Tensor:
        """A non-finite loss (on any process) sets ``lam`` to the fallback and skips the step."""
        bad = all_reduce_sum((~torch.isfinite(loss.detach())).float().reshape(1))
        if bad.item() == 0:
            return loss
        head = self.model.head
        self.divergences += 1
        if hasattr(head, "lam"):
            head.lam.data.fill_(self.train_config.lam_fallback)
        log.warning(
            "non-finite loss at epoch %d step %d: lam set to %g, step skipped",
            self.current_epoch + 1, self.global_step, self.train_config.lam_fallback,
        )  # fmt: skip
        return sum((p * 0).sum() for p in self.parameters() if p.requires_grad)

    def record_step(self, loss, terms, monitors, out, batch) -> None:
        head = self.model.head
        lam = head.lam if hasattr(head, "lam") else out["lam"].mean()
        values = {"loss": loss, "zI_l0": l0_fraction(out["z_I"]), "zE_l0": l0_fraction(out["z_E"]),
                  "T": out["T"].mean(), "R_E": out["R_E"].mean(), "U_I": out["U_I"].mean(),
                  "lam": lam}  # fmt: skip
        values.update({f"loss_{k}": v for k, v in terms.items()})
        values.update(monitors)
        names = list(values)
        numbers = torch.stack([values[k].detach().float().reshape(()) for k in names]).cpu()
        self._train_stats.add(dict(zip(names, numbers.tolist(), strict=True)))
        probabilities = torch.sigmoid(out["logit"].detach().float()).cpu().numpy()
        self._train_stats.add_predictions(probabilities, batch["label"].cpu().numpy())

    # ---------------------------------------------------------------- validation

    def on_validation_epoch_start(self) -> None:
        if "start" in self._clock:
            self._clock["seconds"] = time.perf_counter() - self._clock.pop("start")
        self._val_z_e = None
        self._val_outputs = []

    def validation_environments(self) -> torch.Tensor:
        """``z_E`` of every validation cell line from its support set, ``(V, d_E)``."""
        support = self.trainer.datamodule.val_support
        z_e = torch.zeros(len(self.val_cell_lines), self.model_config.d_environment,
                          device=self.device)  # fmt: skip
        for cell, windows in support.items():
            enhancer = torch.from_numpy(windows.enhancer).to(self.device)
            promoter = torch.from_numpy(windows.promoter).to(self.device)
            z_e[cell] = self.model.support_embedding(enhancer, promoter)
        return z_e

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
        row = self.epoch_row(labels, probabilities)
        self.threshold.fill_(row["val_threshold"])
        self.history.append(row)
        logged = {k: float(v) for k, v in row.items() if k != "epoch"}
        self.log_dict(logged, on_step=False, on_epoch=True, sync_dist=True)
        self._train_stats.reset()
        self._clock = {}

    def epoch_row(self, labels: np.ndarray, probabilities: np.ndarray) -> dict[str, float]:
        """One line of ``history.csv``: schedule, training and validation measures."""
        phase = self.phase()
        means, train_p, train_y = self._train_stats.reduce()
        row: dict[str, float] = {"epoch": self.current_epoch + 1, "warmup": int(phase.warmup)}
        row.update({f"w_{k}": getattr(phase.weights, k) for k in AUXILIARY})
        row.update({f"train_{k}": v for k, v in classification_metrics(train_y, train_p).items()})
        row.update({(k if k in _PLAIN else f"train_{k}"): v for k, v in means.items()})
        row["domain_chance"] = 1.0 / len(self.cell_lines)
        row.update(self.throughput())
        row["immax_rho_neg"], row["immax_rho_pos"] = self.task_loss.margins.tolist()
        val = classification_metrics(labels, probabilities)
        row.update({f"val_{k}": v for k, v in val.items()})
        threshold = metrics.calibrate_threshold(labels, probabilities) if len(labels) else 0.5
        precision, recall = (
            metrics.precision_recall_at(labels, probabilities, threshold) if len(labels)
            else (math.nan, math.nan)
        )  # fmt: skip
        row.update({"val_threshold": threshold, "val_precision": precision,
                    "val_recall": recall, "val_pairs": len(labels),
                    "divergences": int(self.divergences)})  # fmt: skip
        return row

    def throughput(self) -> dict[str, float]:
        """Training speed of this epoch in this run (all processes): pairs and rows per second.

        ``train_pairs_per_s`` counts labelled query pairs; ``train_rows_per_s`` every pair
        through the backbone (queries and support rows). Time runs from the first training
        batch to validation, loading included; a resumed epoch counts its resumed part.
        """
        local = (self._clock.get("pairs", 0), self._clock.get("rows", 0),
                 self._clock.get("seconds", math.nan))  # fmt: skip
        parts = gather_objects(local)
        seconds = max(p[2] for p in parts)
        pairs, rows = sum(p[0] for p in parts), sum(p[1] for p in parts)
        return {"train_seconds": seconds, "train_pairs_per_s": pairs / seconds,
                "train_rows_per_s": rows / seconds}  # fmt: skip

    # ---------------------------------------------------------------- checkpoints

    def on_save_checkpoint(self, checkpoint: dict) -> None:
        checkpoint["prism"] = {"history": list(self.history),
                               "train_stats": self._train_stats.state_dict()}  # fmt: skip

    def on_load_checkpoint(self, checkpoint: dict) -> None:
        state = checkpoint.get("prism", {})
        self.history = list(state.get("history", []))
        if "train_stats" in state:
            self._train_stats.load_state_dict(state["train_stats"])

    def trained_prototypes(self) -> dict[str, torch.Tensor]:
        """``{training cell line: prototype (d_E,)}`` for the cell lines seen in training."""
        seen = self.prototypes.seen.tolist()
        return {
            cell: self.prototypes.prototypes[i].detach().cpu().clone()
            for i, cell in enumerate(self.cell_lines)
            if seen[i]
        }


_PLAIN = {"corr", "domain_acc", "zI_l0", "zE_l0", "T", "R_E", "U_I", "lam"}


def _as_config(cls, value):
    if value is None:
        return cls()
    if isinstance(value, cls):
        return value
    if isinstance(value, dict):
        return cls.from_dict(value)
    raise TypeError(f"expected {cls.__name__} or dict, got {type(value).__name__}")


# --------------------------------------------------------------------------- DataModule


class PrismDataModule(pl.LightningDataModule):
    """Training and validation data for :class:`PrismLightning`.

    Parameters
    ----------
    train_pairs, val_pairs : pandas.DataFrame
        Canonical pair tables of the two splits (rows with label -1 only serve in
        support sets).
    genome : str, Path or Genome
    model_config : ModelConfig
        Window widths.
    train_config : TrainConfig
        Batch layout and seed.
    cell_lines, val_cell_lines : list of str
    num_workers : int
    h5_cache : str or Path, optional
        HDF5 cache of encoded windows (see :mod:`kipoi_prism.training.h5cache`).
    feature_columns : (list of str, list of str), optional
        Enhancer-side and promoter-side feature columns for ``backbone: features``
        (then ``genome`` may be ``None``).
    """

    def __init__(
        self,
        train_pairs: pd.DataFrame,
        val_pairs: pd.DataFrame,
        genome: str | os.PathLike | Genome | None,
        model_config: ModelConfig,
        train_config: TrainConfig,
        cell_lines: Sequence[str],
        val_cell_lines: Sequence[str],
        num_workers: int = 0,
        h5_cache: str | os.PathLike | None = None,
        feature_columns: tuple[Sequence[str], Sequence[str]] | None = None,
    ) -> None:
        super().__init__()
        self.frames = {"train": train_pairs.reset_index(drop=True),
                       "val": val_pairs.reset_index(drop=True)}  # fmt: skip
        self.genome = _genome(genome)
        self.feature_columns = feature_columns
        self.model_config, self.train_config = model_config, train_config
        self.cell_lines, self.val_cell_lines = list(cell_lines), list(val_cell_lines)
        self.num_workers, self.h5_cache = num_workers, h5_cache
        self.sources: dict[str, Any] = {}
        self.val_support: dict = {}
        self._sampler: CellLineBlockSampler | None = None

    def setup(self, stage: str | None = None) -> None:
        if self.sources:
            return
        caches = {}
        if self.h5_cache is not None and self.model_config.backbone == "prism":
            from kipoi_prism.training.h5cache import open_cache

            encoder = PairEncoder(self.genome, self.model_config.enhancer_length,
                                  self.model_config.promoter_length)  # fmt: skip
            for frame in self.frames.values():
                encoder.validate(frame)
            caches = open_cache(self.h5_cache, self.frames, encoder)
        self.sources = {
            name: make_source(
                frame, self.model_config, self.genome, self.feature_columns, caches.get(name)
            )  # fmt: skip
            for name, frame in self.frames.items()
        }
        self.val_support = support_windows(self.sources["val"], self.val_cell_lines,
                                           self.train_config.support_size,
                                           self.train_config.seed)  # fmt: skip

    def _rank_world(self) -> tuple[int, int]:
        trainer = self.trainer
        return (trainer.global_rank, trainer.world_size) if trainer is not None else (0, 1)

    def train_dataloader(self) -> DataLoader:
        rank, world = self._rank_world()
        config = self.train_config
        self._sampler = CellLineBlockSampler(
            self.frames["train"], self.cell_lines, config.blocks_per_batch, config.block_size,
            config.support_size, config.seed, rank, world,
        )  # fmt: skip
        # Lightning creates the iterator before it calls set_epoch (workers prefetch at once).
        self._sampler.set_epoch(self.trainer.current_epoch if self.trainer is not None else 0)
        loader = self._loader(BlockBatchDataset(self.sources["train"]), self._sampler,
                              ResumableLoader)  # fmt: skip
        loader.position, loader.restore = self.position, self._sampler.resume_from
        return loader

    def val_dataloader(self) -> DataLoader:
        rank, world = self._rank_world()
        labelled = np.flatnonzero(self.frames["val"]["label"].to_numpy() >= 0)
        chunk = self.train_config.blocks_per_batch * self.train_config.block_size
        sampler = ChunkSampler(labelled, chunk, rank, world)
        return self._loader(PairRowsDataset(self.sources["val"], self.val_cell_lines), sampler)

    def _loader(self, dataset, sampler, cls=DataLoader) -> DataLoader:
        generator = torch.Generator()
        generator.manual_seed(self.train_config.seed)
        return cls(
            dataset, sampler=sampler, batch_size=None, num_workers=self.num_workers,
            worker_init_fn=seed_worker, generator=generator,
            persistent_workers=self.num_workers > 0,
        )  # fmt: skip

    def position(self) -> dict:
        """Where the training epoch stands (saved in checkpoints by Lightning)."""
        trainer = self.trainer
        done = trainer.fit_loop.epoch_loop.batch_progress.current.processed
        return {"epoch": trainer.current_epoch, "batches_done": int(done)}


class ResumableLoader(DataLoader):
    """A DataLoader whose position Lightning saves and restores (its ``_Stateful`` protocol).

    The state is ``{"epoch", "batches_done"}``; restoring it makes the block sampler skip
    the batches a killed run had finished, so the resumed run sees the same batches.
    """

    position = None
    restore = None

    def state_dict(self) -> dict:
        return self.position() if self.position is not None else {}

    def load_state_dict(self, state: dict) -> None:
        if state and self.restore is not None:
            self.restore(state)


# --------------------------------------------------------------------------- callbacks


class RunCheckpoint(Callback):
    """Writes ``checkpoints/last.ckpt`` at every epoch end and every ``every_n_steps`` steps.

    The file is written under a temporary name and renamed, so a run killed while saving
    leaves the previous checkpoint intact.
    """

    def __init__(self, dirpath: str | os.PathLike, every_n_steps: int = 0) -> None:
        self.dirpath = Path(dirpath)
        self.every_n_steps = every_n_steps

    def on_train_batch_end(self, trainer, pl_module, outputs, batch, batch_idx) -> None:
        if self.every_n_steps and trainer.global_step % self.every_n_steps == 0:
            self.save(trainer)

    def on_validation_end(self, trainer, pl_module) -> None:
        if not trainer.sanity_checking:
            self.save(trainer)

    def save(self, trainer: pl.Trainer) -> None:
        temporary = self.dirpath / ".last.ckpt.tmp"
        trainer.save_checkpoint(temporary, weights_only=False)
        if trainer.is_global_zero:
            os.replace(temporary, self.dirpath / "last.ckpt")
        trainer.strategy.barrier("prism-checkpoint")


# --------------------------------------------------------------------------- fit


@dataclass
class FitResult:
    """What :func:`fit` produced.

    Attributes
    ----------
    run_dir : Path
    weights_path : Path or None
        The exported weights file (``None`` on processes other than rank 0).
    best_checkpoint, last_checkpoint : Path or None
    best_epoch : int or None
        1-based epoch of the best validation AUPR.
    best_val_aupr : float
    threshold : float
        Decision threshold calibrated on validation at the best epoch.
    epochs_run : int
    history : pandas.DataFrame
        One row per epoch (see ``docs/TRAINING.md`` for the columns).
    """

    run_dir: Path
    weights_path: Path | None
    best_checkpoint: Path | None
    last_checkpoint: Path | None
    best_epoch: int | None
    best_val_aupr: float
    threshold: float
    epochs_run: int
    history: pd.DataFrame = field(repr=False)


def fit(
    train_pairs: pd.DataFrame,
    val_pairs: pd.DataFrame,
    genome: str | os.PathLike | Genome | None,
    model_config: ModelConfig | None = None,
    train_config: TrainConfig | None = None,
    out_dir: str | os.PathLike | None = None,
    *,
    trainer_config: TrainerConfig | None = None,
    num_workers: int = 0,
    h5_cache: str | os.PathLike | None = None,
    feature_columns: tuple[Sequence[str], Sequence[str]] | None = None,
    resume: str | os.PathLike | None = None,
    callbacks: Sequence[Callback] = (),
    run_config: dict | None = None,
) -> FitResult:
    """Train prism-energy and export the package weights file.

    Parameters
    ----------
    train_pairs, val_pairs : pandas.DataFrame
        Canonical pair tables (:func:`kipoi_prism.io.pairs.read_pairs`) of the training and
        validation split (split by cell line or chromosome, never by random pair).
    genome : str, Path or Genome
        FASTA of the genome the coordinates refer to (``None`` with the feature backbone).
    model_config, train_config : optional
        Defaults: :class:`ModelConfig()`, :class:`TrainConfig()`.
    out_dir : str or Path, optional
        Run folder (default ``trainer_config.out_dir``): ``checkpoints/``, ``logs/``,
        ``history.csv``, ``weights.pt``, ``summary.json``.
    trainer_config : TrainerConfig, optional
        Lightning settings (devices, strategy, logger, progress bar, ...).
    num_workers : int
    h5_cache : str or Path, optional
    feature_columns : (list of str, list of str), optional
        Enhancer-side and promoter-side feature columns for ``model_config.backbone ==
        "features"``.
    resume : str or Path, optional
        A checkpoint to continue from, or ``"auto"`` for ``checkpoints/last.ckpt`` of the
        run folder when it exists.
    callbacks : sequence of Callback
        Extra Lightning callbacks.
    run_config : dict, optional
        The full configuration, written to ``config.yaml`` in the run folder.

    Returns
    -------
    FitResult
    """
    model_config = model_config or ModelConfig()
    train_config = train_config or TrainConfig()
    trainer_config = trainer_config or TrainerConfig()
    run_dir = Path(out_dir if out_dir is not None else trainer_config.out_dir)
    check_labelled(train_pairs, "training")
    check_labelled(val_pairs, "validation")
    cells = sorted(train_pairs["cell_line"].astype(str).unique())
    val_cells = sorted(val_pairs["cell_line"].astype(str).unique())
    if trainer_config.threads:
        torch.set_num_threads(trainer_config.threads)
    pl.seed_everything(train_config.seed, verbose=False)
    module = PrismLightning(model_config, train_config, cells, val_cells)
    if train_config.stem_motifs:
        _initialise_stem(module.model, model_config, train_config)
    data = PrismDataModule(train_pairs, val_pairs, genome, model_config, train_config, cells,
                           val_cells, num_workers, h5_cache, feature_columns)  # fmt: skip
    trainer = build_trainer(run_dir, train_config, trainer_config, callbacks)
    if trainer.is_global_zero:
        _write_run_config(run_dir, run_config, model_config, train_config, trainer_config)
    trainer.fit(module, datamodule=data, ckpt_path=_resume_path(run_dir, resume),
                weights_only=False)  # fmt: skip
    return _finish(trainer, run_dir, len(train_pairs), len(val_pairs))


def _initialise_stem(model, model_config: ModelConfig, train_config: TrainConfig) -> None:
    """``train.stem_motifs``: the first convolution starts from known motifs."""
    from kipoi_prism.io.motifs import find_motif, read_meme
    from kipoi_prism.model.backbone import initialise_stem

    if model_config.backbone != "prism":
        raise PrismInputError(
            f"train.stem_motifs: only the sequence backbone has a first convolution "
            f"(model.backbone is {model_config.backbone!r})"
        )
    path = train_config.stem_motifs
    motifs = read_meme(path)
    if train_config.stem_motif_ids:
        motifs = [find_motif(motifs, query, path) for query in train_config.stem_motif_ids]
    filters = initialise_stem(model.backbone, motifs, freeze=train_config.freeze_stem)
    log.info("first convolution: %d of %d filters from %d motifs of %s%s", filters,
             model_config.channels, len(motifs), path,
             " (frozen)" if train_config.freeze_stem else "")  # fmt: skip


def build_trainer(
    run_dir: Path,
    train_config: TrainConfig,
    trainer_config: TrainerConfig,
    callbacks: Sequence[Callback] = (),
) -> pl.Trainer:
    """The Lightning ``Trainer`` of a run (checkpoints, early stopping, logger)."""
    _quiet_lightning()
    checkpoints = run_dir / "checkpoints"
    checkpoints.mkdir(parents=True, exist_ok=True)
    every = [
        RunCheckpoint(checkpoints, trainer_config.checkpoint_every_n_steps),
        ModelCheckpoint(dirpath=checkpoints, filename="best", monitor=MONITOR, mode="max",
                        save_top_k=1, auto_insert_metric_name=False,
                        enable_version_counter=False),
    ]  # fmt: skip
    if train_config.patience:
        every.append(EarlyStopping(monitor=MONITOR, mode="max", patience=train_config.patience,
                                   check_finite=False))  # fmt: skip
    return pl.Trainer(
        default_root_dir=run_dir,
        max_epochs=train_config.max_epochs,
        accelerator=trainer_config.accelerator,
        devices=trainer_config.devices,
        strategy=_strategy(trainer_config.strategy),
        num_nodes=trainer_config.num_nodes,
        precision=trainer_config.precision,
        logger=_logger(run_dir, trainer_config.logger),
        callbacks=[*every, *callbacks],
        enable_progress_bar=trainer_config.progress_bar,
        enable_model_summary=False,
        log_every_n_steps=trainer_config.log_every_n_steps,
        num_sanity_val_steps=0,
        use_distributed_sampler=False,
        gradient_clip_val=train_config.gradient_clip or None,
        deterministic="warn" if trainer_config.deterministic else None,
    )


class _DropLightningTips(logging.Filter):
    """Lightning logs "💡 Tip: try installing ..." advertisements at INFO; not for a run log."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not record.getMessage().startswith("💡 Tip:")


def _quiet_lightning() -> None:
    """Keep what a user cannot act on out of the training log: Lightning's tips, and the
    deprecation torch raises inside Lightning's own pytree code (``LeafSpec``). Both are
    narrow: any other Lightning message or warning still shows."""
    lightning_log = logging.getLogger("pytorch_lightning.utilities.rank_zero")
    if not any(isinstance(f, _DropLightningTips) for f in lightning_log.filters):
        lightning_log.addFilter(_DropLightningTips())
    # Re-added each time (an identical filter is replaced, not duplicated): a caller's
    # `warnings.catch_warnings()` may have reset the filters since the last trainer.
    warnings.filterwarnings(
        "ignore",
        message=r"`isinstance\(treespec, LeafSpec\)` is deprecated",
        category=FutureWarning,
    )


def _strategy(name: str):
    if name in ("ddp", "ddp_spawn"):
        from pytorch_lightning.strategies import DDPStrategy

        # The warm-up leaves the environment head without gradients: unused parameters.
        return DDPStrategy(
            find_unused_parameters=True, start_method="spawn" if name == "ddp_spawn" else "popen"
        )
    return name


def _logger(run_dir: Path, kind: str):
    if kind == "none":
        return False
    if kind == "tensorboard":
        try:
            from pytorch_lightning.loggers import TensorBoardLogger

            return TensorBoardLogger(save_dir=run_dir, name="logs")
        except ModuleNotFoundError as error:
            raise PrismInputError(
                f"trainer.logger: tensorboard is not installed ({error}); "
                "install it (pip install tensorboard) or use logger: csv"
            ) from None
    from pytorch_lightning.loggers import CSVLogger

    return CSVLogger(save_dir=run_dir, name="logs")


def _resume_path(run_dir: Path, resume) -> str | None:
    if resume is None:
        return None
    if str(resume) == "auto":
        last = run_dir / "checkpoints" / "last.ckpt"
        return str(last) if last.is_file() else None
    if not Path(resume).is_file():
        raise PrismInputError("checkpoint to resume from not found", resume)
    return str(resume)


def _finish(trainer: pl.Trainer, run_dir: Path, n_train: int, n_val: int) -> FitResult:
    checkpoints = run_dir / "checkpoints"
    last, best = checkpoints / "last.ckpt", checkpoints / "best.ckpt"
    best = best if best.is_file() else last
    trainer.strategy.barrier("prism-finish")
    final = PrismLightning.load_from_checkpoint(last, map_location="cpu", weights_only=False)
    history = pd.DataFrame(final.history)
    chosen = PrismLightning.load_from_checkpoint(best, map_location="cpu", weights_only=False)
    best_row = chosen.history[-1] if chosen.history else {}
    weights_path = None
    if trainer.is_global_zero:
        metadata = _metadata(chosen, best_row, n_train, n_val)
        weights_path = export_weights(chosen, run_dir / "weights.pt", metadata)
        _atomic_write(run_dir / "history.csv", history.to_csv(index=False))
        summary = {"weights": str(weights_path), "best_checkpoint": str(best), **metadata["fit"]}
        _atomic_write(run_dir / "summary.json", json.dumps(summary, indent=2) + "\n")
    return FitResult(
        run_dir=run_dir,
        weights_path=weights_path,
        best_checkpoint=best,
        last_checkpoint=last,
        best_epoch=int(best_row["epoch"]) if best_row else None,
        best_val_aupr=float(best_row.get("val_aupr", math.nan)),
        threshold=float(chosen.threshold),
        epochs_run=len(history),
        history=history,
    )


def _metadata(module: PrismLightning, best_row: dict, n_train: int, n_val: int) -> dict:
    from kipoi_prism import __version__

    keys = ("val_aupr", "val_auroc", "val_f1", "val_precision", "val_recall", "train_aupr")
    return {
        "package_version": __version__,
        "trained_on": {
            "cell_lines": module.cell_lines,
            "val_cell_lines": module.val_cell_lines,
            "train_pairs": n_train,
            "val_pairs": n_val,
        },  # fmt: skip
        "train_config": module.train_config.to_dict(),
        "threshold_rule": "precision = recall on the validation split (kipoi_prism.metrics)",
        "fit": {
            "best_epoch": int(best_row.get("epoch", 0)),
            **{k: float(best_row.get(k, math.nan)) for k in keys},
        },  # fmt: skip
    }


def export_weights(
    module: PrismLightning, path: str | os.PathLike, metadata: dict | None = None
) -> Path:
    """Write the package weights file: network, training prototypes, threshold, metadata."""
    return save_weights(path, module.model, module.trained_prototypes(),
                        float(module.threshold), metadata)  # fmt: skip


def _write_run_config(run_dir, run_config, model_config, train_config, trainer_config) -> None:
    import yaml

    config = dict(run_config or {})
    config.update({"model": model_config.to_dict(), "train": train_config.to_dict(),
                   "trainer": {**trainer_config.__dict__}})  # fmt: skip
    _atomic_write(run_dir / "config.yaml", yaml.safe_dump(config, sort_keys=False))


def _atomic_write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.chmod(temporary, _FILE_MODE)  # mkstemp makes 0600; give the usual umask mode
    try:
        with os.fdopen(handle, "w") as out:
            out.write(text)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


# --------------------------------------------------------------------------- scoring


@torch.no_grad()
def score_pairs(
    weights: str | os.PathLike | WeightsBundle,
    pairs: pd.DataFrame,
    genome: str | os.PathLike | Genome | None,
    *,
    support_size: int = 32,
    seed: int = 0,
    use_prototypes: bool = False,
    batch_size: int = 64,
    device: str = "cpu",
    feature_columns: tuple[Sequence[str], Sequence[str]] | None = None,
) -> pd.DataFrame:
    """Score a table of pairs with trained weights, as the inference engine does.

    Each cell line's ``z_E`` is the mean ``e`` over a seeded, order-independent support
    set of ``support_size`` of its pairs (or, with ``use_prototypes``, the saved prototype
    of a training cell line). The model is in eval mode, so a pair's score depends on the
    pair and its cell line's ``z_E`` only. (``kipoi-prism predict`` streams files of any
    size; this works on a DataFrame in memory.)

    Parameters
    ----------
    weights : str, Path or WeightsBundle
    pairs : pandas.DataFrame
        Canonical pair table.
    genome : str, Path or Genome
        ``None`` with the feature backbone.
    support_size, seed : int
    use_prototypes : bool
    batch_size : int
    device : str
    feature_columns : (list of str, list of str), optional
        For ``backbone: features``.

    Returns
    -------
    pandas.DataFrame
        ``name, cell_line, label, logit, probability, call`` in input order (``call``:
        probability >= the weights' threshold).
    """
    bundle = weights if isinstance(weights, WeightsBundle) else load_weights(weights, device)
    model = bundle.model.to(device).eval()
    frame = pairs.reset_index(drop=True)
    source = make_source(frame, model.config, _genome(genome), feature_columns)
    z_e = _score_environments(model, bundle, source, support_size, seed, use_prototypes)
    logits = []
    for start in range(0, len(frame), batch_size):
        positions = np.arange(start, min(start + batch_size, len(frame)))
        windows = source.encode(positions)
        cells = frame["cell_line"].iloc[positions].astype(str)
        environment = torch.stack([z_e[c] for c in cells]).to(device)
        out = model(torch.from_numpy(windows.enhancer).to(device),
                    torch.from_numpy(windows.promoter).to(device), environment)  # fmt: skip
        logits.append(out["logit"].float().cpu())
    logit = torch.cat(logits).numpy().astype(np.float64)
    probability = 1.0 / (1.0 + np.exp(-logit))
    result = frame[["name", "cell_line", "label"]].copy()
    result["logit"], result["probability"] = logit, probability
    result["call"] = probability >= bundle.threshold
    return result


def _score_environments(model, bundle, source, size, seed, use_prototypes):
    device = next(model.parameters()).device
    z_e = {}
    for cell, rows in select_support(source.frame, size, seed).items():
        if use_prototypes and cell in bundle.prototypes:
            z_e[cell] = bundle.prototypes[cell].to(device)
            continue
        windows = source.encode(rows)
        enhancer = torch.from_numpy(windows.enhancer).to(device)
        z_e[cell] = model.support_embedding(enhancer, torch.from_numpy(windows.promoter).to(device))
    return z_e


def _genome(genome) -> Genome | None:
    if genome is None or isinstance(genome, Genome):
        return genome
    return Genome(genome)
