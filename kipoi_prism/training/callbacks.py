"""Lightning callbacks and log filters of a training run."""

from __future__ import annotations

import contextlib
import logging
import os
import warnings
from pathlib import Path

import pytorch_lightning as pl
from pytorch_lightning.callbacks import Checkpoint

from kipoi_prism.io.atomic import atomic_path


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


class _DropLightningTips(logging.Filter):
    """Lightning logs "💡 Tip: try installing ..." advertisements at INFO; not for a run log."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not record.getMessage().startswith("💡 Tip:")


def quiet_lightning() -> None:
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
