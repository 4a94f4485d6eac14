"""Pass 1 over a pair source: validate every row, check names, draw the support sets.

Every chunk is validated (:meth:`RowEncoder.validate`: chromosomes and windows for the
sequence backbone, finite feature values for the feature backbone), pair names are checked
for duplicates (:class:`kipoi_prism.io.pairs.UniqueNameGuard`), pairs whose windows need N
padding are counted and the first few named (one warning; every such pair is marked in the
outputs' ``padded`` column), and each cell line's support set is kept
(:class:`kipoi_prism.io.support.SupportReservoir`, seeded, order-independent).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Protocol

import numpy as np
import pandas as pd

from kipoi_prism.errors import PrismInputError
from kipoi_prism.inference.sources import PairSource
from kipoi_prism.io.encode import EncodedPairs
from kipoi_prism.io.pairs import UniqueNameGuard
from kipoi_prism.io.progress import progress
from kipoi_prism.io.support import SupportReservoir

log = logging.getLogger(__name__)

#: How many padded pairs the warning names.
NAMED_PADDED = 5


class RowEncoder(Protocol):
    """Turns pair-table rows into the model's inputs (:mod:`kipoi_prism.inference.inputs`)."""

    def validate(self, frame: pd.DataFrame, source=None) -> int:
        """Raise :class:`PrismInputError` on the first bad row; return windows padded with N."""
        ...

    def padded(self, frame: pd.DataFrame) -> np.ndarray:
        """Per validated row: how many of its windows are padded with N (0, 1 or 2)."""
        ...

    def encode(self, frame: pd.DataFrame) -> EncodedPairs:
        """The model's inputs for every row of ``frame``."""
        ...


@dataclass
class ScanResult:
    """What pass 1 learnt about a source.

    Attributes
    ----------
    counts : dict
        ``{cell line: number of pairs}``, in order of first appearance.
    padded_windows : int
        Windows running off a chromosome end (padded with N).
    padded_pairs : int
        Pairs with at least one such window.
    padded_examples : list of str
        The first :data:`NAMED_PADDED` of those pairs, as ``name (line N)``.
    has_labels : bool
        Whether any pair carries a 0/1 label.
    support : dict
        ``{cell line: its support rows}`` (:meth:`SupportReservoir.support_sets`).
    """

    counts: dict[str, int] = field(default_factory=dict)
    padded_windows: int = 0
    padded_pairs: int = 0
    padded_examples: list[str] = field(default_factory=list)
    has_labels: bool = False
    support: dict[str, pd.DataFrame] = field(default_factory=dict)

    @property
    def n_pairs(self) -> int:
        return sum(self.counts.values())


def scan(
    source: PairSource,
    encoder: RowEncoder,
    support_size: int,
    seed: int,
    show_progress: bool = False,
) -> ScanResult:
    """Pass 1: validate every row, check names are unique, keep the support sets.

    Names are not checked where the source says they may repeat (``source.unique_names``
    false, :class:`kipoi_prism.inference.sources.FramePairSource`).

    Raises
    ------
    PrismInputError
        On the first bad row (file and line named).
    """
    guard = UniqueNameGuard(source.name) if getattr(source, "unique_names", True) else None
    reservoir = SupportReservoir(support_size, seed)
    result = ScanResult()
    with progress(show_progress, "checking pairs") as bar:
        for chunk in source.chunks():
            encoder.validate(chunk, source.name)
            _count_padded(result, chunk, encoder.padded(chunk))
            if guard is not None:
                guard.update(chunk)
            reservoir.update(chunk)
            result.has_labels |= bool((chunk["label"] >= 0).any())
            bar.update(len(chunk))
    if not reservoir.counts:
        raise PrismInputError("no pairs in the input", source.name)
    result.counts = dict(reservoir.counts)
    result.support = reservoir.support_sets()
    if result.padded_pairs:
        more = result.padded_pairs - len(result.padded_examples)
        log.warning(
            "%s: %d window(s) of %d pair(s) run off a chromosome end and were padded with N: "
            "%s%s (the output's padded column marks every one)",
            source.name,
            result.padded_windows,
            result.padded_pairs,
            ", ".join(result.padded_examples),
            f" and {more} more" if more else "",
        )
    return result


def warn_small_support(support: dict[str, pd.DataFrame], size: int, skip=frozenset()) -> None:
    """Warn, per cell line, when its support set holds fewer than ``size`` pairs.

    Its environment is then the mean over those few pairs (one pair's, if it has one).

    Parameters
    ----------
    support : dict
        ``{cell line: its support rows}`` (:attr:`ScanResult.support`).
    size : int
        ``--support-size``.
    skip : collection of str
        Cell lines whose environment does not come from the support set (a saved prototype).
    """
    for cell, rows in support.items():
        if len(rows) < size and cell not in skip:
            log.warning(
                "cell line %s: its environment rests on %d pair%s, fewer than the support "
                "set's %d (--support-size): its scores are less certain",
                cell, len(rows), "" if len(rows) == 1 else "s", size,
            )  # fmt: skip


def _count_padded(result: ScanResult, chunk: pd.DataFrame, padded: np.ndarray) -> None:
    """Add a chunk's padded windows and pairs to ``result``, naming the first few pairs."""
    result.padded_windows += int(padded.sum())
    rows = np.flatnonzero(padded)
    result.padded_pairs += len(rows)
    for i in rows[: NAMED_PADDED - len(result.padded_examples)]:
        row = chunk.iloc[int(i)]
        where = f" (line {int(row['line'])})" if "line" in chunk.columns else ""
        result.padded_examples.append(f"{row['name']}{where}")
