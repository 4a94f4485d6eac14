"""Batch packing: everything a Selene step needs travels in its two numpy arrays.

Selene's training step is::

    inputs, targets = sampler.sample(batch_size)        # numpy, (N, L, 4) and (Q, F)
    predictions = model(torch.Tensor(inputs).transpose(1, 2))
    loss = criterion(predictions, torch.Tensor(targets))
    optimizer.zero_grad(); loss.backward(); optimizer.step()

-------------
A batch is several cell-line-pure blocks of query pairs plus the support set of every cell
line in it (SPEC, "A contradiction..."): ``Q`` query rows first, then ``S`` support rows.
``inputs`` (after Selene's transpose) has shape ``(Q + S, 4, L_E + L_P + 1)``::

    x[:, :, :L_E]              enhancer window, one-hot (kipoi_prism.io.sequence layout)
    x[:, :, L_E:L_E + L_P]     promoter window, one-hot
    x[:, :, -1]                the row tag, one number per channel:
                                 0 role   1 = query, 0 = support row
                                 1 cell   cell-line id (sampler.cell_lines index)
                                 2 epoch  sampler epoch, 0-based (-1 outside training)
                                 3 block  block of the query in the batch (-1: support)

The tag column never reaches the network: :func:`unpack_inputs` cuts it off. ``z_E`` of
a query is the mean environment embedding ``e`` over the support rows of its cell line.
``targets`` has one row per query, ``(Q, 2)``: ``label`` (0/1) and ``cell`` (the same
id as the tag). Cell ids ``0 .. C-1`` are the training cell lines (the domain classifier's
classes, the prototypes' rows); validation- or test-only cell lines come after them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import torch

# Channels of the row tag (the last position along the length axis).
TAG_ROLE, TAG_CELL, TAG_EPOCH, TAG_BLOCK = range(4)
QUERY, SUPPORT = 1.0, 0.0
NO_EPOCH = -1

# --------------------------------------------------------------------------- packing


def pack_inputs(enhancer: np.ndarray, promoter: np.ndarray, tags: np.ndarray) -> np.ndarray:
    """Selene's ``inputs`` array (see the module docstring).

    Parameters
    ----------
    enhancer : numpy.ndarray of float32, shape=(N, 4, L_E)
    promoter : numpy.ndarray of float32, shape=(N, 4, L_P)
    tags : numpy.ndarray, shape=(N, 4)
        Role, cell id, epoch and block of every row.

    Returns
    -------
    numpy.ndarray of float32, shape=(N, L_E + L_P + 1, 4)
        Length before channels, as Selene's samplers hand out sequences.
    """
    stacked = np.concatenate([enhancer, promoter, tags.astype(np.float32)[:, :, None]], axis=2)
    return np.ascontiguousarray(stacked.transpose(0, 2, 1), dtype=np.float32)


def row_tags(n_query: int, cells: np.ndarray, blocks: np.ndarray, epoch: int) -> np.ndarray:
    """Tags of ``n_query`` query rows followed by support rows.

    Parameters
    ----------
    n_query : int
    cells : numpy.ndarray of int64, shape=(N,)
        Cell id of every row, queries first.
    blocks : numpy.ndarray of int64, shape=(N,)
        Block of every query, -1 for support rows.
    epoch : int

    Returns
    -------
    numpy.ndarray of float32, shape=(N, 4)
    """
    tags = np.zeros((len(cells), 4), dtype=np.float32)
    tags[:n_query, TAG_ROLE] = QUERY
    tags[:, TAG_CELL] = cells
    tags[:, TAG_EPOCH] = epoch
    tags[:, TAG_BLOCK] = blocks
    return tags


@dataclass
class PackedBatch:
    """A batch unpacked from Selene's ``inputs`` (queries first, then support rows).

    Attributes
    ----------
    enhancer : torch.Tensor, shape=(Q + S, 4, L_E)
    promoter : torch.Tensor, shape=(Q + S, 4, L_P)
    n_query : int
        ``Q``.
    cell : torch.Tensor of int64, shape=(Q,)
    support_cell : torch.Tensor of int64, shape=(S,)
    block : torch.Tensor of int64, shape=(Q,)
    epoch : int
        The sampler's epoch (``-1`` outside training).
    """

    enhancer: torch.Tensor
    promoter: torch.Tensor
    n_query: int
    cell: torch.Tensor
    support_cell: torch.Tensor
    block: torch.Tensor
    epoch: int

    def as_dict(self) -> dict[str, Any]:
        """The batch layout of :meth:`PrismObjective.encode_batch` (labels not included)."""
        return {"enhancer": self.enhancer, "promoter": self.promoter, "n_query": self.n_query,
                "cell": self.cell, "support_cell": self.support_cell}  # fmt: skip


def unpack_inputs(x: torch.Tensor, enhancer_length: int, promoter_length: int) -> PackedBatch:
    """Split Selene's transposed ``inputs`` into windows and bookkeeping.

    Parameters
    ----------
    x : torch.Tensor, shape=(Q + S, 4, L_E + L_P + 1)
    enhancer_length, promoter_length : int
        The model's window widths.

    Returns
    -------
    PackedBatch

    Raises
    ------
    ValueError
        Wrong shape, support rows before queries, or a query whose cell line has no
        support row in the batch.
    """
    width = enhancer_length + promoter_length + 1
    if x.dim() != 3 or x.shape[1] != 4 or x.shape[2] != width:
        raise ValueError(
            f"inputs: expected shape (N, 4, {enhancer_length} + {promoter_length} + 1) after "
            f"Selene's transpose, got {tuple(x.shape)}; the sampler's enhancer_length and "
            "promoter_length must equal the model's"
        )
    tags = x[:, :, -1].detach().round().long().cpu()
    role = tags[:, TAG_ROLE]
    n_query = int(role.sum())
    if n_query == 0 or not bool((role[:n_query] == 1).all()) or bool(role[n_query:].any()):
        raise ValueError("inputs: expected query rows (tag role 1) first, then support rows")
    cell = tags[:, TAG_CELL].contiguous().to(x.device)
    query_cells, support_cells = cell[:n_query], cell[n_query:]
    missing = set(query_cells.tolist()) - set(support_cells.tolist())
    if missing:
        raise ValueError(f"inputs: cell id(s) {sorted(missing)} have queries but no support rows")
    return PackedBatch(
        enhancer=x[:, :, :enhancer_length],
        promoter=x[:, :, enhancer_length : enhancer_length + promoter_length],
        n_query=n_query,
        cell=query_cells,
        support_cell=support_cells,
        block=tags[:n_query, TAG_BLOCK].contiguous().to(x.device),
        epoch=int(tags[:, TAG_EPOCH].max()),
    )


def pack_targets(labels: np.ndarray, cells: np.ndarray) -> np.ndarray:
    """Selene's ``targets``: ``(Q, 2)`` float32 columns ``label, cell``."""
    return np.stack([labels.astype(np.float32), cells.astype(np.float32)], axis=1)


def unpack_targets(targets: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor | None]:
    """``(labels (Q,) float32, cells (Q,) int64)`` from Selene's targets.

    ``(Q, 2)`` as the sampler packs them, or ``(Q, 1)`` (labels only, cells ``None``):
    ``EvaluateModel`` keeps only the feature columns.
    """
    if targets.dim() != 2 or targets.shape[1] not in (1, 2):
        raise ValueError(
            f"targets: expected shape (Q, 2) (label, cell) from PrismPairSampler, "
            f"got {tuple(targets.shape)}"
        )
    cells = targets[:, 1].round().long() if targets.shape[1] == 2 else None
    return targets[:, 0].float(), cells


def plan_layout(plan) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Rows of a :class:`kipoi_prism.training.datasets.BatchPlan` in packing order.

    Returns
    -------
    query : numpy.ndarray of int64, shape=(Q,)
        Row positions of the queries, block after block.
    support : numpy.ndarray of int64, shape=(S,)
        Row positions of the support rows, cell line after cell line.
    cells : numpy.ndarray of int64, shape=(Q + S,)
        Cell id of every row.
    blocks : numpy.ndarray of int64, shape=(Q + S,)
        Block of every query, -1 for support rows.
    """
    query = np.concatenate([rows for _, rows in plan.blocks])
    support = np.concatenate([rows for _, rows in plan.support])
    cells = [np.full(len(rows), cell) for cell, rows in (*plan.blocks, *plan.support)]
    blocks = [np.full(len(rows), k) for k, (_, rows) in enumerate(plan.blocks)]
    blocks.append(np.full(len(support), -1))
    return (
        query,
        support,
        np.concatenate(cells).astype(np.int64),
        np.concatenate(blocks).astype(np.int64),
    )
