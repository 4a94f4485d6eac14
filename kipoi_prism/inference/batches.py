"""Pass 2's batches: a source re-cut into fixed-size batches, encoded (optionally in torch
DataLoader workers) and handed out in input order."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pandas as pd
import torch
from torch.utils.data import IterableDataset, get_worker_info

from kipoi_prism.inference.scan import RowEncoder
from kipoi_prism.inference.sources import PairSource
from kipoi_prism.io.encode import PairEncoder, PairWindows

Locate = Callable[[pd.DataFrame], PairWindows]


class BatchStream(IterableDataset):
    """Batches of rows, encoded; with workers, worker ``k`` encodes batches ``k, k+W, ...``.

    Yields ``(batch index, rows, enhancer, promoter)``: the model's inputs as float32
    tensors (one-hot windows ``(B,4,L_E)``, ``(B,4,L_P)``, or feature rows), or with
    ``bases=True`` (windows only: ``encoder`` is a :class:`kipoi_prism.io.encode.PairEncoder`)
    the windows' uint8 bases ``(B,L_E)``, ``(B,L_P)`` (16 times fewer bytes to move; one-hot
    encoded where the model runs, :func:`kipoi_prism.inference.device.one_hot_on`).

    A :class:`~kipoi_prism.io.encode.PairEncoder` locates the windows of each chunk once
    (:meth:`~kipoi_prism.io.encode.PairEncoder.locate`) and encodes each batch from a slice of
    them; a worker builds only the batches it encodes.
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
        windowed = self.encoder if isinstance(self.encoder, PairEncoder) else None
        locate = None if windowed is None else windowed.locate
        for index, batch in enumerate(recut(self.source.chunks(), self.batch_size, locate)):
            if index % workers != worker:
                continue
            rows = batch.rows()
            # Tensors, not arrays: from workers they travel through shared memory.
            if self.bases:
                windows = batch.windows()
                arrays = windowed.bases(windows, "enhancer"), windowed.bases(windows, "promoter")
            else:
                encoded = (self.encoder.encode(rows) if windowed is None
                           else windowed.encode_windows(batch.windows()))  # fmt: skip
                arrays = encoded.enhancer, encoded.promoter
            enhancer, promoter = (torch.from_numpy(a) for a in arrays)
            yield index, rows, enhancer, promoter


class _Chunk:
    """A chunk of the source and, located on first use (when ``locate`` is given), its
    windows."""

    def __init__(self, frame: pd.DataFrame, locate: Locate | None) -> None:
        self.frame = frame
        self._locate = locate
        self._windows: PairWindows | None = None

    def windows(self) -> PairWindows:
        if self._windows is None:
            self._windows = self._locate(self.frame)
        return self._windows


class Batch:
    """One batch: consecutive row ranges of one or more chunks, built only when asked for."""

    def __init__(self, parts: list[tuple[_Chunk, int, int]]) -> None:
        self.parts = parts

    def rows(self) -> pd.DataFrame:
        """The batch's rows, indexed from 0."""
        if len(self.parts) == 1:
            chunk, start, stop = self.parts[0]
            frame = chunk.frame.iloc[start:stop]  # a new frame: the chunk's index is untouched
            frame.index = pd.RangeIndex(stop - start)
            return frame
        frames = [chunk.frame.iloc[start:stop] for chunk, start, stop in self.parts]
        return pd.concat(frames).reset_index(drop=True)

    def windows(self) -> PairWindows:
        """The batch's windows (sliced from its chunks', located once per chunk)."""
        return PairWindows.concat(
            [chunk.windows()[start:stop] for chunk, start, stop in self.parts]
        )


def recut(
    chunks: Iterator[pd.DataFrame], size: int, locate: Locate | None = None
) -> Iterator[Batch]:
    """Re-cut chunks into batches of exactly ``size`` rows (the last may be short).

    Parameters
    ----------
    chunks : iterator of pandas.DataFrame
    size : int
    locate : callable, optional
        ``locate(chunk) -> PairWindows`` (:meth:`kipoi_prism.io.encode.PairEncoder.locate`),
        called at most once per chunk, by the first :meth:`Batch.windows` that needs it.
    """
    pending: list[tuple[_Chunk, int, int]] = []
    held = 0
    for frame in chunks:
        chunk, start = _Chunk(frame, locate), 0
        while start < len(frame):
            take = min(size - held, len(frame) - start)
            pending.append((chunk, start, start + take))
            held, start = held + take, start + take
            if held == size:
                yield Batch(pending)
                pending, held = [], 0
    if pending:
        yield Batch(pending)


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
