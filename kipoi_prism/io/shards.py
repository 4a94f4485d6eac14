"""Shards: a deterministic partition of a pair table into ``N`` parts (``--shard K/N``).

Pair ``p`` belongs to shard ``K`` of ``N`` when ``hash(name of p) mod N == K - 1``, the hash
a stable 64-bit hash of the pair name alone (:func:`pandas.util.hash_pandas_object`, fixed
key; the same in every process, on every machine). So a pair's shard depends on nothing but
its name and ``N``: not on row order, chunking, the other pairs or which other shards run.
The ``N`` shards of a table are disjoint and together hold every row exactly once, and
shards come out about equal in size whatever the chromosomes' sizes. Each shard still reads
the whole input (and ``kipoi-prism pairs`` still sweeps every candidate); only the rows it
keeps are validated, scored or written, in input order. The outputs carry no line number:
to restore the unsharded row order, order the concatenated shards by each pair name's
position in the unsharded input (pair names are unique).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

import numpy as np
import pandas as pd

from kipoi_prism.errors import PrismInputError

_SHARD = re.compile(r"\s*(\d+)\s*/\s*(\d+)\s*")


@dataclass(frozen=True)
class Shard:
    """Shard ``k`` of ``n`` (1-based: ``1 <= k <= n``)."""

    k: int
    n: int

    def __str__(self) -> str:
        return f"{self.k}/{self.n}"

    def mask(self, names: pd.Series) -> np.ndarray:
        """Which of ``names`` (pair names) fall in this shard, as a bool array."""
        keys = pd.util.hash_pandas_object(names.astype(str), index=False).to_numpy(np.uint64)
        return keys % np.uint64(self.n) == np.uint64(self.k - 1)

    def select(self, chunk: pd.DataFrame) -> pd.DataFrame:
        """The rows of ``chunk`` in this shard (input order kept)."""
        if self.n == 1:
            return chunk
        return chunk[self.mask(chunk["name"])]

    def chunks(self, chunks: Iterable[pd.DataFrame]) -> Iterator[pd.DataFrame]:
        """This shard's rows of each chunk (chunks left empty are skipped)."""
        return kept_rows(chunks, self.select)


def kept_rows(
    chunks: Iterable[pd.DataFrame], select: Callable[[pd.DataFrame], pd.DataFrame]
) -> Iterator[pd.DataFrame]:
    """``select(chunk)`` for each chunk, skipping those it leaves empty."""
    for chunk in chunks:
        kept = select(chunk)
        if len(kept):
            yield kept


def parse_shard(text: str | None, option: str = "--shard") -> Shard | None:
    """``"K/N"`` as a :class:`Shard` (``None`` stays ``None``).

    Raises
    ------
    PrismInputError
        Not two integers ``K/N`` with ``1 <= K <= N`` (one line naming ``option``).
    """
    if text is None:
        return None
    match = _SHARD.fullmatch(text)
    if match is None:
        raise PrismInputError(f"{option}: expected K/N (e.g. 2/8), got {text!r}")
    k, n = int(match.group(1)), int(match.group(2))
    if n < 1 or not 1 <= k <= n:
        raise PrismInputError(f"{option} {text}: expected 1 <= K <= N and N >= 1")
    return Shard(k, n)
