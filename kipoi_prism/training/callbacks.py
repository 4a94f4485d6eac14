"""Lightning callbacks and log filters of a training run.

:class:`RunCheckpoint` writes ``last.ckpt``; :class:`WarmupEarlyStopping` is early stopping
that never ends a run inside the curriculum's warm-up; :class:`EpochProgress` is the
progress a user sees: a bar on standard error (epochs counted from 1, as the SPEC and
``history.csv`` count them) on a terminal, and one log line per epoch.
"""

from __future__ import annotations

import contextlib
import logging
import math
import os
import sys
import warnings
from pathlib import Path

import pytorch_lightning as pl
from pytorch_lightning.callbacks import Checkpoint, EarlyStopping, TQDMProgressBar
from pytorch_lightning.callbacks.progress.tqdm_progress import Tqdm, convert_inf

from kipoi_prism.io.atomic import atomic_path

log = logging.getLogger("kipoi_prism.training")


class RunCheckpoint(Checkpoint):
    """Writes ``checkpoints/last.ckpt`` at every epoch end and every ``every_n_steps`` steps.

    The file is written under a temporary name and renamed, so a run killed while saving
    leaves the previous checkpoint intact. A :class:`Checkpoint`, so Lightning calls it
    after the other callbacks (their state is saved as they left it).
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
        last = self.dirpath / "last.ckpt"
        # Every process takes part in saving; only rank 0 writes (and renames) the file.
        writing = atomic_path(last) if trainer.is_global_zero else contextlib.nullcontext(last)
        with writing as path:
            trainer.save_checkpoint(path, weights_only=False)
        trainer.strategy.barrier("prism-checkpoint")


class WarmupEarlyStopping(EarlyStopping):
    """Early stopping that does not stop a run inside the warm-up.

    It keeps counting epochs without improvement during the warm-up (the best validation
    AUPR of a warm-up epoch still counts), but a stop it would decide there is put off to
    the first epoch after it, so the environment stream trains for at least one epoch.
    """

    def on_validation_end(self, trainer: pl.Trainer, pl_module: pl.LightningModule) -> None:
        stopping = trainer.should_stop
        super().on_validation_end(trainer, pl_module)
        phase = getattr(pl_module, "phase", None)
        if not stopping and trainer.should_stop and phase is not None and phase().warmup:
            trainer.should_stop = False
            self.stopped_epoch = 0


class EpochProgress(TQDMProgressBar):
    """The training progress bar on standard error, and one log line per epoch.

    Lightning's own bar writes to standard output (where ``kipoi-prism train`` prints only
    the weights path) and counts epochs from 0; this one writes to standard error and
    counts from 1 ("Epoch 1/20"). The bar shows only when standard error is a terminal;
    the log line (``epoch 3/20: loss ..., val AUPR ...``) always does, for logs.

    Parameters
    ----------
    bar : bool
        Draw the bar (``trainer.progress_bar``) when standard error is a terminal.
    """

    def __init__(self, bar: bool = True) -> None:
        super().__init__()
        if not (bar and sys.stderr.isatty()):
            self.disable()

    def _tqdm(self, description: str, position: int, leave: bool) -> Tqdm:
        return Tqdm(desc=description, position=position, disable=self.is_disabled,
                    leave=leave, dynamic_ncols=True, file=sys.stderr, smoothing=0,
                    bar_format=self.BAR_FORMAT)  # fmt: skip

    def init_train_tqdm(self) -> Tqdm:
        return self._tqdm(epoch_label(self.trainer), 2 * self.process_position, leave=True)

    def init_validation_tqdm(self) -> Tqdm:
        return self._tqdm(self.validation_description, 2 * self.process_position + 1, False)

    def init_sanity_tqdm(self) -> Tqdm:
        return self._tqdm(self.sanity_check_description, 2 * self.process_position, False)

    def on_train_epoch_start(self, trainer: pl.Trainer, *args) -> None:
        # Lightning's own, but for the description (it writes a 0-based "Epoch 2").
        if self._leave:
            self.train_progress_bar = self.init_train_tqdm()
        self.train_progress_bar.set_description(epoch_label(trainer), refresh=False)
        self.train_progress_bar.reset(total=convert_inf(self.total_train_batches))
        self.train_progress_bar.initial = 0

    def get_metrics(self, trainer: pl.Trainer, pl_module: pl.LightningModule) -> dict:
        metrics = super().get_metrics(trainer, pl_module)
        metrics.pop("v_num", None)
        return metrics

    def on_validation_end(self, trainer: pl.Trainer, pl_module: pl.LightningModule) -> None:
        super().on_validation_end(trainer, pl_module)
        history = getattr(pl_module, "history", None)
        if history and not trainer.sanity_checking and trainer.is_global_zero:
            with Tqdm.external_write_mode(file=sys.stderr):  # the bar steps aside for the line
                log.info("%s", epoch_line(history, trainer.max_epochs))


def epoch_label(trainer: pl.Trainer) -> str:
    """``Epoch 3/20`` for Lightning's 0-based ``current_epoch`` 2 (epochs counted from 1)."""
    return f"Epoch {trainer.current_epoch + 1}/{trainer.max_epochs}"


def epoch_line(history: list[dict], max_epochs: int) -> str:
    """The log line of the latest epoch of ``history`` (rows of ``history.csv``)."""
    row = history[-1]
    best = max(history, key=lambda r: _finite(r.get("val_aupr")))
    warmup = " (warm-up: environment stream frozen)" if row.get("warmup") else ""
    return (
        f"epoch {int(row['epoch'])}/{max_epochs}{warmup}: "
        f"loss {row.get('train_loss', math.nan):.4f}, "
        f"train AUPR {row.get('train_aupr', math.nan):.4f}, "
        f"val AUPR {row.get('val_aupr', math.nan):.4f} "
        f"(best {best.get('val_aupr', math.nan):.4f} at epoch {int(best['epoch'])}), "
        f"{row.get('train_seconds', math.nan):.1f} s"
    )


def _finite(value) -> float:
    return -math.inf if value is None or not math.isfinite(value) else float(value)


class _DropLightningTips(logging.Filter):
    """Lightning logs "💡 Tip: try installing ..." advertisements at INFO; not for a run log."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not record.getMessage().startswith("💡 Tip:")


def quiet_lightning() -> None:
    """Keep what a user cannot act on out of the training log: Lightning's tips, the
    deprecation torch raises inside Lightning's own pytree code (``LeafSpec``) and
    Lightning's warning that an epoch has fewer batches than the step logging interval
    (the run logs once an epoch). All narrow: any other Lightning message or warning
    still shows."""
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
    # History and metrics are logged once an epoch, never per step: the interval is moot.
    warnings.filterwarnings(
        "ignore",
        message=r"The number of training batches \(\d+\) is smaller than the logging interval",
    )
