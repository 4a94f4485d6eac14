"""Pass 2's batches: a source re-cut into fixed-size batches, encoded (optionally in torch
DataLoader workers) and handed out in input order."""

from __future__ import annotations

from collections.abc import Iterator

import pandas as pd
import torch
from torch.utils.data import IterableDataset, get_worker_info

from kipoi_prism.inference.scan import RowEncoder
from kipoi_prism.inference.sources import PairSource


class BatchStream(IterableDataset):
    """Batches of rows, encoded; with workers, worker ``k`` encodes batches ``k, k+W, ...``.

    Yields ``(batch index, rows, enhancer, promoter)``: the model's inputs as float32
    tensors (one-hot windows ``(B,4,L_E)``, ``(B,4,L_P)``, or feature rows), or with
    ``bases=True`` (windows only: ``encoder`` is a :class:`kipoi_prism.io.encode.PairEncoder`)
    the windows' uint8 bases ``(B,L_E)``, ``(B,L_P)`` (16 times fewer bytes to move; one-hot
    encoded where the model runs, :func:`kipoi_prism.inference.device.one_hot_on`).
    """

    def __init__(
        self, source: PairSource, encoder: RowEncoder, batch_size: int, bases: bool = False
    ) -> None:
        self.source = source
        self.encoder = encoder
        self.batch_size = batch_size
        self.bases = bases

    def __iter__(self):
        info = get_worker_info()
        worker, workers = (0, 1) if info is None else (info.id, info.num_workers)
        for index, rows in enumerate(recut(self.source.chunks(), self.batch_size)):
            if index % workers == worker:
                # Tensors, not arrays: from workers they travel through shared memory.
                if self.bases:
                    enhancer = torch.from_numpy(self.encoder.fetch_array(rows, "enhancer"))
                    promoter = torch.from_numpy(self.encoder.fetch_array(rows, "promoter"))
                else:
                    encoded = self.encoder.encode(rows)
                    enhancer = torch.from_numpy(encoded.enhancer)
                    promoter = torch.from_numpy(encoded.promoter)
                yield index, rows, enhancer, promoter


def recut(chunks: Iterator[pd.DataFrame], size: int) -> Iterator[pd.DataFrame]:
    """Re-cut chunks into batches of exactly ``size`` rows (the last may be short)."""
    pending: list[pd.DataFrame] = []
    held = 0
    for chunk in chunks:
        start = 0
        while start < len(chunk):
            take = min(size - held, len(chunk) - start)
            pending.append(chunk.iloc[start : start + take])
            held, start = held + take, start + take
            if held == size:
                yield _join(pending)
                pending, held = [], 0
    if pending:
        yield _join(pending)


def _join(parts: list[pd.DataFrame]) -> pd.DataFrame:
    frame = parts[0] if len(parts) == 1 else pd.concat(parts)
    return frame.reset_index(drop=True)


def in_order(items: Iterator[tuple]) -> Iterator[tuple]:
    """Hand out ``(index, ...)`` items by increasing index, whatever order they arrive in."""
    waiting: dict[int, tuple] = {}
    expected = 0
    for item in items:
        waiting[item[0]] = item
        while expected in waiting:
            yield waiting.pop(expected)
            expected += 1
    if waiting:
        raise RuntimeError(f"batches {sorted(waiting)} arrived without batch {expected}")


def identity(item):
    """``collate_fn`` of a DataLoader over :class:`BatchStream`: batches pass unchanged."""
    return item
