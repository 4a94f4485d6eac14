"""Training data: the split check, the cell-line block sampler and torch Datasets over windows.

A training batch (SPEC, "A contradiction...") is several cell-line-pure blocks::

    block k: block_size query pairs of cell line c_k   (labels used)
    support of c_k: support_size pairs of c_k           (labels unused) -> z_E(c_k)

so ``z_E`` is a clean per-cell-line mean while the contrastive, correlation and domain
losses see several cell lines per batch. :class:`CellLineBlockSampler` decides, in the main
process and from ``(seed, epoch)`` alone, which rows form every batch (a
:class:`BatchPlan`); the Datasets only encode the rows a plan names, so results do not
depend on the number of DataLoader workers.

What an epoch covers
--------------------
Every labelled training pair is a query exactly once per epoch (the last block of a cell
line may be shorter than ``block_size``). With ``W`` processes (DDP) the epoch's batches
are dealt round-robin to the ranks and the last ``n_batches mod W`` batches are dropped,
so every rank runs the same number of steps: at most ``W - 1`` batches per epoch, a
different random set each epoch. Support sets are drawn per epoch with
:func:`kipoi_prism.io.support.select_support` (seeded by ``(seed, epoch)``) from all pairs of
the split, labelled or not.
"""

from __future__ import annotations

import logging
import random
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
import torch
from torch.utils.data import Dataset, Sampler

from kipoi_prism.errors import PrismInputError
from kipoi_prism.io.encode import EncodedPairs
from kipoi_prism.io.inputs import WindowSource
from kipoi_prism.io.support import select_support

log = logging.getLogger(__name__)

# The pair table's column of another model's probabilities, the distillation target
# (``train.distill_weight``); training batches carry it as ``teacher``.
TEACHER_COLUMN = "teacher"


# --------------------------------------------------------------------------- splits
# The split itself is kipoi_prism.training.split.split_pairs (no torch there).


def check_labelled(frame: pd.DataFrame, what: str, source: str | None = None) -> None:
    """Raise unless ``frame`` has labelled pairs of both classes."""
    labels = frame["label"].to_numpy()
    counts = [int((labels == 0).sum()), int((labels == 1).sum())]
    if min(counts) == 0:
        raise PrismInputError(
            f"the {what} split needs labelled pairs of both classes; it has "
            f"{counts[0]} negatives and {counts[1]} positives ({len(frame)} pairs)",
            source,
        )


def check_teachers(frame: pd.DataFrame, source: str | None = None) -> None:
    """Raise unless every labelled row of ``frame`` has a teacher probability in ``[0, 1]``."""
    if TEACHER_COLUMN not in frame.columns:
        raise PrismInputError(
            f"train.distill_weight > 0 needs a {TEACHER_COLUMN!r} column (another model's "
            f"probability for each training pair); the training table has "
            f"{', '.join(map(str, frame.columns))}",
            source,
        )
    labelled = frame[frame["label"].to_numpy() >= 0]
    values = pd.to_numeric(labelled[TEACHER_COLUMN], errors="coerce").to_numpy(np.float64)
    bad = np.flatnonzero(~((values >= 0) & (values <= 1)))  # NaN fails both
    if len(bad):
        row = labelled.iloc[bad[0]]
        where = f"line {int(row['line'])}" if "line" in labelled.columns else f"pair {row['name']}"
        raise PrismInputError(
            f"{where}: {TEACHER_COLUMN} {row[TEACHER_COLUMN]} is not a probability in [0, 1] "
            f"({len(bad)} such training pairs)",
            source,
        )


# --------------------------------------------------------------------------- block sampler


@dataclass(frozen=True)
class BatchPlan:
    """Which rows one training batch holds.

    Attributes
    ----------
    epoch, index : int
        Epoch and the batch's index in the epoch's global (all-rank) order.
    blocks : tuple of (int, numpy.ndarray)
        ``(cell id, query row positions)`` per block.
    support : tuple of (int, numpy.ndarray)
        ``(cell id, support row positions)``, one per distinct cell line of the blocks.
    """

    epoch: int
    index: int
    blocks: tuple[tuple[int, np.ndarray], ...]
    support: tuple[tuple[int, np.ndarray], ...]

    @property
    def n_query(self) -> int:
        return int(sum(len(rows) for _, rows in self.blocks))


def derived_seed(*parts: int) -> int:
    """A 63-bit seed from integers (for per-epoch and per-step seeding)."""
    return int(np.random.SeedSequence([int(p) for p in parts]).generate_state(2, np.uint64)[0] >> 1)


class CellLineBlockSampler(Sampler[BatchPlan]):
    """Yields :class:`BatchPlan` s of cell-line-pure blocks (see the module docstring).

    Blocks of one batch come from distinct cell lines where the remaining blocks allow;
    cell lines are drawn with probability proportional to their remaining blocks, so a
    large cell line is spread over the whole epoch.

    Parameters
    ----------
    frame : pandas.DataFrame
        The training split (``name``, ``cell_line``, ``label``); rows with label -1 serve
        in support sets only.
    cell_lines : list of str
        Cell-line vocabulary; a pair's cell id is its index here.
    blocks_per_batch, block_size, support_size : int
    seed : int
    rank, world_size : int
        This process's share under distributed training.
    """

    def __init__(
        self,
        frame: pd.DataFrame,
        cell_lines: Sequence[str],
        blocks_per_batch: int,
        block_size: int,
        support_size: int,
        seed: int = 0,
        rank: int = 0,
        world_size: int = 1,
    ) -> None:
        self.frame = frame[["name", "cell_line"]].reset_index(drop=True)
        self.cell_lines = list(cell_lines)
        cell_id = {c: i for i, c in enumerate(self.cell_lines)}
        cells = frame["cell_line"].astype(str).map(cell_id)
        if cells.isna().any():
            raise ValueError("frame: a cell line is missing from cell_lines")
        labels = frame["label"].to_numpy()
        self.queries = {
            i: np.flatnonzero((cells.to_numpy() == i) & (labels >= 0)).astype(np.int64)
            for i in range(len(self.cell_lines))
        }
        self.queries = {i: rows for i, rows in self.queries.items() if len(rows)}
        self.blocks_per_batch, self.block_size = blocks_per_batch, block_size
        self.support_size, self.seed = support_size, seed
        self.rank, self.world_size = rank, world_size
        self.epoch = 0
        self._resume: tuple[int, int] | None = None
        if len(self) == 0:
            raise PrismInputError(
                f"too few training pairs for {world_size} process(es): "
                f"{self.global_batches()} batch(es) per epoch"
            )

    def set_epoch(self, epoch: int) -> None:
        """Called by Lightning at the start of every epoch."""
        self.epoch = int(epoch)

    def resume(self, epoch: int, batches_done: int) -> None:
        """Skip the first ``batches_done`` batches of this rank when epoch ``epoch`` starts."""
        self._resume = (int(epoch), int(batches_done))

    def resume_from(self, state: dict) -> None:
        """:meth:`resume` from a saved ``{"epoch", "batches_done"}``."""
        self.resume(state["epoch"], state["batches_done"])

    def global_batches(self) -> int:
        n_blocks = sum(-(-len(rows) // self.block_size) for rows in self.queries.values())
        return -(-n_blocks // self.blocks_per_batch)

    def __len__(self) -> int:
        return self.global_batches() // self.world_size

    def __iter__(self) -> Iterator[BatchPlan]:
        plans = self.plans(self.epoch)[: len(self) * self.world_size]
        mine = plans[self.rank :: self.world_size]
        skip = 0
        if self._resume is not None and self._resume[0] == self.epoch:
            skip = self._resume[1]
        self._resume = None
        yield from mine[skip:]

    def plans(self, epoch: int) -> list[BatchPlan]:
        """Every batch of ``epoch`` in global order (all ranks)."""
        rng = np.random.default_rng([self.seed, epoch])
        blocks = {
            cell: [rows[i : i + self.block_size] for i in range(0, len(rows), self.block_size)]
            for cell, rows in ((c, rng.permutation(r)) for c, r in self.queries.items())
        }
        support = self._support_sets(epoch)
        plans = []
        for index, chosen in enumerate(self._group(blocks, rng)):
            cells = list(dict.fromkeys(cell for cell, _ in chosen))
            plans.append(
                BatchPlan(epoch, index, tuple(chosen), tuple((c, support[c]) for c in cells))
            )
        return plans

    def _support_sets(self, epoch: int) -> dict[int, np.ndarray]:
        chosen = select_support(self.frame, self.support_size, derived_seed(self.seed, epoch))
        return {self.cell_lines.index(cell): rows for cell, rows in chosen.items()}

    def _group(self, blocks: dict[int, list[np.ndarray]], rng) -> Iterator[list]:
        """Deal blocks into batches of ``blocks_per_batch``, distinct cell lines first."""
        remaining = {cell: len(b) for cell, b in blocks.items()}
        while any(remaining.values()):
            cells = np.array(sorted(c for c, n in remaining.items() if n))
            weights = np.array([remaining[c] for c in cells], dtype=np.float64)
            k = min(self.blocks_per_batch, len(cells))
            picked = list(rng.choice(cells, size=k, replace=False, p=weights / weights.sum()))
            for cell in picked:
                remaining[cell] -= 1
            while len(picked) < self.blocks_per_batch and any(remaining.values()):
                cell = max(sorted(remaining), key=lambda c: remaining[c])
                picked.append(cell)
                remaining[cell] -= 1
            yield [(int(c), blocks[c].pop()) for c in picked]


# --------------------------------------------------------------------------- datasets


class BlockBatchDataset(Dataset):
    """Encodes the rows of a :class:`BatchPlan` (``DataLoader(..., batch_size=None)``).

    Item: a dict of numpy arrays, queries first then support rows::

        enhancer      float32 (Q + S, 4, L_E)
        promoter      float32 (Q + S, 4, L_P)
        n_query       int     Q
        label         float32 (Q,)
        teacher       float32 (Q,)      only with ``teachers``: :data:`TEACHER_COLUMN`
        cell          int64   (Q,)      cell id of each query
        support_cell  int64   (S,)      cell id of each support row
        row           int64   (Q,)      row position of each query in the split

    Parameters
    ----------
    source : WindowSource
    augment : callable, optional
        ``augment(enhancer, promoter, epoch, index) -> (enhancer, promoter)`` changes the
        query rows' windows (a :class:`~kipoi_prism.training.augment.Augmenter`, seeded by
        the plan's epoch and index); support rows are never changed.
    teachers : bool
        Carry each query's :data:`TEACHER_COLUMN` (``train.distill_weight`` > 0; the column
        checked by :func:`check_teachers`).
    """

    def __init__(
        self, source: WindowSource, augment: Callable | None = None, teachers: bool = False
    ) -> None:
        self.source = source
        self.augment = augment
        self.labels = source.frame["label"].to_numpy(np.float32)
        self.teachers = source.frame[TEACHER_COLUMN].to_numpy(np.float32) if teachers else None

    def __len__(self) -> int:
        return len(self.source)

    def __getitem__(self, plan: BatchPlan) -> dict:
        query = np.concatenate([rows for _, rows in plan.blocks])
        support = np.concatenate([rows for _, rows in plan.support])
        windows = self.source.encode(np.concatenate([query, support]))
        enhancer, promoter = windows.enhancer, windows.promoter
        if self.augment is not None:
            q = len(query)
            changed = self.augment(enhancer[:q], promoter[:q], plan.epoch, plan.index)
            enhancer = np.concatenate([changed[0], enhancer[q:]])
            promoter = np.concatenate([changed[1], promoter[q:]])
        item = {
            "enhancer": enhancer,
            "promoter": promoter,
            "n_query": len(query),
            "label": self.labels[query],
            "cell": np.concatenate([np.full(len(r), c, np.int64) for c, r in plan.blocks]),
            "support_cell": np.concatenate([np.full(len(r), c, np.int64) for c, r in plan.support]),
            "row": query,
        }
        if self.teachers is not None:
            item["teacher"] = self.teachers[query]
        return item


class ChunkSampler(Sampler[np.ndarray]):
    """Consecutive chunks of row positions, dealt round-robin to ``world_size`` ranks.

    Nothing is dropped or repeated: ranks may get one chunk more than others.

    Parameters
    ----------
    positions : numpy.ndarray of int64
        Rows to visit, in order.
    chunk : int
    rank, world_size : int
    """

    def __init__(self, positions: np.ndarray, chunk: int, rank: int = 0, world_size: int = 1):
        chunks = [positions[i : i + chunk] for i in range(0, len(positions), chunk)]
        self.chunks = chunks[rank::world_size]

    def __len__(self) -> int:
        return len(self.chunks)

    def __iter__(self) -> Iterator[np.ndarray]:
        return iter(self.chunks)


class PairRowsDataset(Dataset):
    """Encodes a chunk of rows (``DataLoader(..., sampler=ChunkSampler, batch_size=None)``).

    Item: ``enhancer (B,4,L_E)``, ``promoter (B,4,L_P)``, ``label (B,)``, ``cell (B,)``
    (ids in ``cell_lines``), ``row (B,)``.
    """

    def __init__(self, source: WindowSource, cell_lines: Sequence[str]) -> None:
        self.source = source
        cell_id = {c: i for i, c in enumerate(cell_lines)}
        self.cells = source.frame["cell_line"].astype(str).map(cell_id).to_numpy(np.int64)
        self.labels = source.frame["label"].to_numpy(np.float32)

    def __len__(self) -> int:
        return len(self.source)

    def __getitem__(self, positions: np.ndarray) -> dict:
        windows = self.source.encode(positions)
        return {
            "enhancer": windows.enhancer,
            "promoter": windows.promoter,
            "label": self.labels[positions],
            "cell": self.cells[positions],
            "row": positions,
        }


def support_windows(
    source: WindowSource, cell_lines: Sequence[str], size: int, seed: int
) -> dict[int, EncodedPairs]:
    """Encoded support set of every cell line of ``source`` (labels unused).

    Returns
    -------
    dict
        ``{cell id: EncodedPairs}``, ids in ``cell_lines``.
    """
    chosen = select_support(source.frame, size, seed)
    index = {c: i for i, c in enumerate(cell_lines)}
    return {index[cell]: source.encode(rows) for cell, rows in chosen.items()}


def seed_worker(worker_id: int) -> None:
    """DataLoader ``worker_init_fn``: seed numpy and ``random`` from the worker's torch seed.

    The sampler draws every random choice in the main process; this only keeps any
    library randomness in a worker reproducible and distinct between workers.
    """
    seed = torch.initial_seed() % 2**32
    np.random.seed(seed)
    random.seed(seed)
