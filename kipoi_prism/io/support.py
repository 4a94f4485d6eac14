"""Support sets: which pairs of a cell line stand for its environment.

A support set of ``m`` pairs is drawn per cell line, seeded and independent of row order
and of how the input is chunked or batched: every pair gets a key, a 64-bit hash of
``(seed, cell line, pair name)``, and the support set is the ``m`` pairs with the smallest
keys. Labels are never used. Streaming inputs keep only ``m`` candidates per cell line
(:class:`SupportReservoir`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd


def support_keys(names: pd.Series, cell_lines: pd.Series, seed: int) -> np.ndarray:
    """Order-independent random keys for pairs.

    Parameters
    ----------
    names, cell_lines : pandas.Series of str, shape=(N,)
    seed : int

    Returns
    -------
    numpy.ndarray of uint64, shape=(N,)
    """
    text = f"{int(seed)}\x1f" + cell_lines.astype(str) + "\x1f" + names.astype(str)
    return pd.util.hash_pandas_object(text.reset_index(drop=True), index=False).to_numpy(np.uint64)


def select_support(frame: pd.DataFrame, size: int, seed: int) -> dict[str, np.ndarray]:
    """Positional row indices of each cell line's support set.

    Parameters
    ----------
    frame : pandas.DataFrame
        Pair table with ``name`` and ``cell_line`` columns.
    size : int
        ``m``; a cell line with fewer pairs uses all of them.
    seed : int

    Returns
    -------
    dict
        ``{cell line: int64 array of positions into frame}``, positions in key order.
    """
    if size < 1:
        raise ValueError(f"size: expected a support-set size >= 1, got {size}")
    keys = support_keys(frame["name"], frame["cell_line"], seed)
    cells = frame["cell_line"].to_numpy()
    chosen: dict[str, np.ndarray] = {}
    for cell in pd.unique(cells):
        positions = np.flatnonzero(cells == cell)
        order = np.lexsort((frame["name"].to_numpy()[positions], keys[positions]))
        chosen[str(cell)] = positions[order[:size]].astype(np.int64)
    return chosen


class SupportReservoir:
    """Streams chunks of a pair table and keeps each cell line's support set.

    Holds at most ``size`` rows per cell line, so memory does not grow with the input.
    The result equals :func:`select_support` on the whole table.

    Parameters
    ----------
    size : int
    seed : int
    """

    def __init__(self, size: int, seed: int) -> None:
        if size < 1:
            raise ValueError(f"size: expected a support-set size >= 1, got {size}")
        self.size = size
        self.seed = seed
        self._kept: pd.DataFrame | None = None
        self.counts: dict[str, int] = {}

    def update(self, chunk: pd.DataFrame) -> None:
        """Offer a chunk of pairs."""
        for cell, count in chunk["cell_line"].value_counts(sort=False).items():
            self.counts[str(cell)] = self.counts.get(str(cell), 0) + int(count)
        chunk = chunk.assign(_key=support_keys(chunk["name"], chunk["cell_line"], self.seed))
        pool = chunk if self._kept is None else pd.concat([self._kept, chunk], ignore_index=True)
        pool = pool.sort_values(["cell_line", "_key", "name"], kind="stable")
        self._kept = pool.groupby("cell_line", sort=False).head(self.size).reset_index(drop=True)

    def support_sets(self) -> dict[str, pd.DataFrame]:
        """``{cell line: its support rows}`` (rows in key order, without the key)."""
        if self._kept is None:
            return {}
        return {
            str(cell): rows.drop(columns="_key").reset_index(drop=True)
            for cell, rows in self._kept.groupby("cell_line", sort=True)
        }
