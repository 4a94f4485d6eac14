"""Pass 1 over a pair source: validate every row, check names, draw the support sets.

Every chunk is validated (:meth:`RowEncoder.validate`: chromosomes and windows for the
sequence backbone, finite feature values for the feature backbone), pair names are checked
for duplicates (:class:`kipoi_prism.io.pairs.UniqueNameGuard`), windows needing N padding
are counted (one warning), and each cell line's support set is kept
(:class:`kipoi_prism.io.support.SupportReservoir`, seeded, order-independent).
"""

from __future__ import annotations

import logging
import sys
from dataclasses import dataclass, field
from typing import Protocol

import pandas as pd
from tqdm import tqdm

from kipoi_prism.errors import PrismInputError
from kipoi_prism.inference.sources import PairSource
from kipoi_prism.io.encode import EncodedPairs
from kipoi_prism.io.pairs import UniqueNameGuard
from kipoi_prism.io.support import SupportReservoir

log = logging.getLogger(__name__)


class RowEncoder(Protocol):
    """Turns pair-table rows into the model's inputs (:mod:`kipoi_prism.inference.inputs`)."""

    def validate(self, frame: pd.DataFrame, source=None) -> int:
        """Raise :class:`PrismInputError` on the first bad row; return windows padded with N."""
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
    has_labels : bool
        Whether any pair carries a 0/1 label.
    support : dict
        ``{cell line: its support rows}`` (:meth:`SupportReservoir.support_sets`).
    """

    counts: dict[str, int] = field(default_factory=dict)
    padded_windows: int = 0
    has_labels: bool = False
    support: dict[str, pd.DataFrame] = field(default_factory=dict)

    @property
    def n_pairs(self) -> int:
        return sum(self.counts.values())


def scan(
    source: PairSource, encoder: RowEncoder, support_size: int, seed: int, progress: bool = False
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
    with progress_bar(progress, "checking pairs", None) as bar:
        for chunk in source.chunks():
            result.padded_windows += encoder.validate(chunk, source.name)
            if guard is not None:
                guard.update(chunk)
            reservoir.update(chunk)
            result.has_labels |= bool((chunk["label"] >= 0).any())
            bar.update(len(chunk))
    if not reservoir.counts:
        raise PrismInputError("no pairs in the input", source.name)
    result.counts = dict(reservoir.counts)
    result.support = reservoir.support_sets()
    if result.padded_windows:
        log.warning(
            "%s: %d window(s) run off a chromosome end and were padded with N",
            source.name,
            result.padded_windows,
        )
    return result


class _NoBar:
    def update(self, n: int) -> None:
        pass

    def __enter__(self) -> _NoBar:
        return self

    def __exit__(self, *exc) -> None:
        return None


def progress_bar(enabled: bool, what: str, total: int | None):
    """A tqdm bar on stderr counting pairs, or a stand-in that shows nothing."""
    if not enabled:
        return _NoBar()
    return tqdm(
        total=total, desc=what, unit=" pairs", file=sys.stderr, leave=False, dynamic_ncols=True
    )
