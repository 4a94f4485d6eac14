"""The sampler's batches: block batches of the training split, evaluation batches of the rest.

Training batches are planned by :class:`kipoi_prism.training.datasets.CellLineBlockSampler`
with ``block_size = batch_size // blocks_per_batch`` (one epoch: every labelled training
pair once as a query); support sets of the validation and test splits are drawn once with
:func:`kipoi_prism.io.support.select_support`. Every batch is packed as
:mod:`kipoi_prism.integrations.selene.packing` describes.
"""

from __future__ import annotations

import logging

import numpy as np
import pandas as pd

from kipoi_prism.errors import PrismInputError
from kipoi_prism.integrations.selene.packing import (
    NO_EPOCH,
    pack_inputs,
    pack_targets,
    row_tags,
)
from kipoi_prism.integrations.selene.splits import PairSplits
from kipoi_prism.io.encode import PairEncoder
from kipoi_prism.io.support import select_support
from kipoi_prism.training.datasets import BatchPlan, CellLineBlockSampler

selene_log = logging.getLogger("selene")  # Selene's run log (output_dir/*.log)

Batch = tuple[np.ndarray, np.ndarray]


def pack_rows(
    encoder: PairEncoder, frame: pd.DataFrame, query: np.ndarray, support: np.ndarray,
    cells: np.ndarray, blocks: np.ndarray, epoch: int,
) -> Batch:  # fmt: skip
    """Selene's ``(inputs, targets)`` of query and support rows of ``frame``.

    Parameters
    ----------
    encoder : PairEncoder
    frame : pandas.DataFrame
        The pairs of one mode.
    query, support : numpy.ndarray of int64
        Row positions of the queries and of the support rows.
    cells, blocks : numpy.ndarray of int64, shape=(Q + S,)
        Cell id and block of every row, queries first (:func:`row_tags`).
    epoch : int
    """
    windows = encoder.encode(frame.iloc[np.concatenate([query, support])])
    tags = row_tags(len(query), cells, blocks, epoch)
    labels = frame["label"].to_numpy()[query]
    inputs = pack_inputs(windows.enhancer, windows.promoter, tags)
    return inputs, pack_targets(labels, cells[: len(query)])


class TrainingPlans:
    """The training split's block batches, epoch after epoch.

    Parameters
    ----------
    frame : pandas.DataFrame
        The training pairs.
    cell_lines : list of str
        The cell ids' cell lines.
    blocks_per_batch, support_size, seed : int
        As the sampler's.

    Attributes
    ----------
    epoch : int
        The epoch of the latest plan, 0-based.
    """

    def __init__(
        self, frame: pd.DataFrame, cell_lines: list[str], blocks_per_batch: int,
        support_size: int, seed: int,
    ) -> None:  # fmt: skip
        self.frame, self.cell_lines = frame, cell_lines
        self.blocks_per_batch, self.support_size, self.seed = blocks_per_batch, support_size, seed
        self.epoch = 0
        self._plans: list[BatchPlan] | None = None
        self._next_plan = 0
        self._block_sampler: CellLineBlockSampler | None = None
        self._batch_size: int | None = None

    def next_plan(self, batch_size: int) -> BatchPlan:
        """The next batch of the epoch; a new epoch starts when one is used up.

        Raises
        ------
        PrismInputError
            ``batch_size`` is not a multiple of ``blocks_per_batch``, or differs from the
            first call's.
        """
        if self._block_sampler is None or batch_size != self._batch_size:
            self._start(batch_size)
        if self._next_plan >= len(self._plans):
            self.epoch += 1
            self._plans, self._next_plan = self._block_sampler.plans(self.epoch), 0
        plan = self._plans[self._next_plan]
        self._next_plan += 1
        return plan

    def _start(self, batch_size: int) -> None:
        if self._block_sampler is not None:
            raise PrismInputError(
                f"sampler: batch size changed from {self._batch_size} to {batch_size} "
                "during training"
            )
        if batch_size % self.blocks_per_batch:
            raise PrismInputError(
                f"train_model.batch_size {batch_size} is not a multiple of the sampler's "
                f"blocks_per_batch {self.blocks_per_batch}"
            )
        block_size = batch_size // self.blocks_per_batch
        self._block_sampler = CellLineBlockSampler(
            self.frame, self.cell_lines, self.blocks_per_batch, block_size,
            self.support_size, self.seed,
        )  # fmt: skip
        self._batch_size = batch_size
        self._plans, self._next_plan = self._block_sampler.plans(self.epoch), 0
        selene_log.info(
            "PrismPairSampler: %d training batches per epoch (%d blocks of %d pairs, support "
            "%d); set report_stats_every_n_steps to it to validate once per epoch",
            len(self._plans), self.blocks_per_batch, block_size, self.support_size,
        )  # fmt: skip


def evaluation_batches(
    encoder: PairEncoder, splits: PairSplits, mode: str, support_size: int, seed: int,
    batch_size: int, n_samples: int | None,
) -> list[tuple[np.ndarray, Batch]]:  # fmt: skip
    """The labelled pairs of ``mode`` in batches, each with its cell lines' support rows.

    Queries are ordered by cell id, then by their row in the table; ``n_samples`` keeps
    the first ``n_samples`` of that order (default: all). In a batch, the queries of each
    cell line form a block.

    Returns
    -------
    list of (numpy.ndarray, (numpy.ndarray, numpy.ndarray))
        The queries' row positions and ``(inputs, targets)`` of every batch.
    """
    frame = splits.frames[mode]
    cells = splits.cell_ids(mode)
    labelled = np.flatnonzero(frame["label"].to_numpy() >= 0)
    order = labelled[np.lexsort((labelled, cells[labelled]))]
    if n_samples is not None:
        order = order[: int(n_samples)]
    cell_id = {cell: i for i, cell in enumerate(splits.cell_lines)}
    support = {cell_id[c]: rows for c, rows in select_support(frame, support_size, seed).items()}
    batches = []
    for start in range(0, len(order), batch_size):
        query = order[start : start + batch_size]
        present = list(dict.fromkeys(cells[query].tolist()))
        rows = np.concatenate([support[c] for c in present])
        all_cells = np.concatenate([cells[query], cells[rows]])
        blocks = np.concatenate([[present.index(c) for c in cells[query]], np.full(len(rows), -1)])
        batch = pack_rows(encoder, frame, query, rows, all_cells, blocks.astype(np.int64), NO_EPOCH)
        batches.append((query, batch))
    return batches
