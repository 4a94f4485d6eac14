"""The training data of a Lightning run: block batches of the training split, validation rows.

:class:`PrismDataModule` builds the model's input sources once (windows from the genome or
an HDF5 cache, or feature columns), the validation support sets, and the loaders:
training batches from the cell-line block sampler through a :class:`ResumableLoader`
(whose position Lightning checkpoints, so a resumed run sees the batches a killed run had
not finished), validation rows in fixed chunks.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
import pytorch_lightning as pl
import torch
from torch.utils.data import DataLoader

from kipoi_prism.config import ModelConfig, TrainConfig
from kipoi_prism.io.encode import PairEncoder
from kipoi_prism.io.genome import Genome
from kipoi_prism.io.inputs import make_source
from kipoi_prism.training.augment import Augmenter
from kipoi_prism.training.datasets import (
    BlockBatchDataset,
    CellLineBlockSampler,
    ChunkSampler,
    PairRowsDataset,
    seed_worker,
    support_windows,
)


def open_genome(genome: str | os.PathLike | Genome | None) -> Genome | None:
    """``genome`` as a :class:`Genome` (``None`` stays ``None``: the feature backbone)."""
    if genome is None or isinstance(genome, Genome):
        return genome
    return Genome(genome)


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
        Batch layout, seed and the training augmentation (``reverse_complement``,
        ``max_shift``: checked here, so a feature-backbone run with either is refused
        before training starts).
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
        self.genome = open_genome(genome)
        self.feature_columns = feature_columns
        self.model_config, self.train_config = model_config, train_config
        self.cell_lines, self.val_cell_lines = list(cell_lines), list(val_cell_lines)
        self.num_workers, self.h5_cache = num_workers, h5_cache
        self.sources: dict[str, Any] = {}
        self.val_support: dict = {}
        self._sampler: CellLineBlockSampler | None = None
        self.augment = Augmenter.from_config(train_config, model_config)

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
        dataset = BlockBatchDataset(self.sources["train"], self.augment,
                                    teachers=config.distill_weight > 0)  # fmt: skip
        loader = self._loader(dataset, self._sampler, ResumableLoader)
        loader.position, loader.restore = self.position, self._sampler.resume_from
        return loader

    def val_dataloader(self) -> DataLoader:
        return self.rows_dataloader("val", *self._rank_world())

    def rows_dataloader(self, split: str, rank: int = 0, world: int = 1) -> DataLoader:
        """The labelled rows of ``split`` (``"train"`` or ``"val"``) in fixed chunks, as they
        are (no augmentation, cell ids of that split's cell lines); ``rank`` of ``world``
        processes gets its share."""
        labelled = np.flatnonzero(self.frames[split]["label"].to_numpy() >= 0)
        chunk = self.train_config.blocks_per_batch * self.train_config.block_size
        sampler = ChunkSampler(labelled, chunk, rank, world)
        cells = self.cell_lines if split == "train" else self.val_cell_lines
        return self._loader(PairRowsDataset(self.sources[split], cells), sampler)

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
