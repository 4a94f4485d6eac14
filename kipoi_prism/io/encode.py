"""Pair table rows + genome -> the model's input arrays. The project's one data path.

The Lightning datasets, the Kipoi dataloader, the Selene sampler and ``kipoi-prism
predict`` all encode pairs through :class:`PairEncoder`, so one interval gives one tensor
whichever tool asks (layout: :mod:`kipoi_prism.io.sequence`).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import numpy as np
import pandas as pd

from kipoi_prism.errors import PrismInputError
from kipoi_prism.io.genome import Genome
from kipoi_prism.io.sequence import one_hot_encode_array

log = logging.getLogger(__name__)

ELEMENTS = ("enhancer", "promoter")


@dataclass
class EncodedPairs:
    """One-hot windows of a batch of pairs.

    Attributes
    ----------
    enhancer : numpy.ndarray of float32, shape=(B, 4, L_E)
    promoter : numpy.ndarray of float32, shape=(B, 4, L_P)
    """

    enhancer: np.ndarray
    promoter: np.ndarray

    def __len__(self) -> int:
        return self.enhancer.shape[0]


def window_starts(starts: np.ndarray, ends: np.ndarray, width: int) -> np.ndarray:
    """Vectorised :func:`kipoi_prism.io.sequence.centered_window` starts (0-based)."""
    return (starts + ends) // 2 - width // 2


@dataclass(frozen=True)
class PairWindows:
    """Where the windows of a run of pairs lie, per element, as numpy arrays (one row a pair).

    Located once (:meth:`PairEncoder.locate`) and sliced, so a chunk cut into batches reads
    its columns and does the window arithmetic once, not once per batch.

    Attributes
    ----------
    chroms : dict of str to numpy.ndarray of str, shape=(N,)
        ``{element: chromosome names}``.
    starts : dict of str to numpy.ndarray of int64, shape=(N,)
        ``{element: 0-based window starts}``.
    """

    chroms: dict[str, np.ndarray]
    starts: dict[str, np.ndarray]

    def __len__(self) -> int:
        return len(next(iter(self.starts.values())))

    def __getitem__(self, rows: slice) -> PairWindows:
        """The windows of rows ``rows`` (a slice; views, no copy)."""
        return PairWindows(
            {e: c[rows] for e, c in self.chroms.items()},
            {e: s[rows] for e, s in self.starts.items()},
        )

    @staticmethod
    def concat(parts: list[PairWindows]) -> PairWindows:
        """The windows of ``parts`` one after another."""
        if len(parts) == 1:
            return parts[0]
        return PairWindows(
            {e: np.concatenate([p.chroms[e] for p in parts]) for e in parts[0].chroms},
            {e: np.concatenate([p.starts[e] for p in parts]) for e in parts[0].starts},
        )


class PairEncoder:
    """Fixed windows centred on each pair's enhancer and promoter, one-hot encoded.

    Parameters
    ----------
    genome : Genome
    enhancer_length, promoter_length : int
        Window widths in bp.
    """

    def __init__(self, genome: Genome, enhancer_length: int = 3000, promoter_length: int = 2000):
        for name, value in (
            ("enhancer_length", enhancer_length),
            ("promoter_length", promoter_length),
        ):
            if value <= 0:
                raise ValueError(f"{name}: expected a positive window width, got {value}")
        self.genome = genome
        self.widths = {"enhancer": int(enhancer_length), "promoter": int(promoter_length)}

    def windows(self, frame: pd.DataFrame, element: str) -> tuple[np.ndarray, np.ndarray]:
        """``(starts, ends)`` of one element's windows, 0-based half-open."""
        width = self.widths[element]
        starts = window_starts(
            frame[f"{element}_start"].to_numpy(np.int64),
            frame[f"{element}_end"].to_numpy(np.int64),
            width,
        )
        return starts, starts + width

    def validate(self, frame: pd.DataFrame, source=None) -> int:
        """Check that every window can be read; count windows that need N padding.

        Raises
        ------
        PrismInputError
            A chromosome absent from the FASTA (naming the nearest names) or a window
            entirely off its chromosome, with the source file and line.

        Returns
        -------
        int
            Number of windows running off a chromosome end (padded with N).
        """
        sizes = self.genome.chrom_sizes
        for element in ELEMENTS:
            chroms = frame[f"{element}_chrom"]
            lengths = chroms.map(sizes)
            missing = lengths.isna().to_numpy()
            if missing.any():
                row = frame.loc[missing].iloc[0]
                self.genome.check_chrom(str(row[f"{element}_chrom"]), source, _line(row))
            starts, ends = self.windows(frame, element)
            lengths = lengths.to_numpy(np.int64)
            off = (ends <= 0) | (starts >= lengths)
            if off.any():
                i = int(np.flatnonzero(off)[0])
                row = frame.iloc[i]
                raise PrismInputError(
                    f"{element} window {row[f'{element}_chrom']}:{starts[i]}-{ends[i]} lies "
                    f"entirely off the chromosome (length {lengths[i]})",
                    source,
                    _line(row),
                )
        return int(self.padded(frame).sum())

    def padded(self, frame: pd.DataFrame) -> np.ndarray:
        """Per row, how many of its two windows run off a chromosome end (0, 1 or 2).

        Rows must have been validated (:meth:`validate`): every chromosome in the FASTA.

        Returns
        -------
        numpy.ndarray of int8, shape=(N,)
        """
        sizes = self.genome.chrom_sizes
        count = np.zeros(len(frame), np.int8)
        for element in ELEMENTS:
            lengths = frame[f"{element}_chrom"].map(sizes).to_numpy(np.int64)
            starts, ends = self.windows(frame, element)
            count += (starts < 0) | (ends > lengths)
        return count

    def fetch(self, frame: pd.DataFrame, element: str) -> list[bytes]:
        """Window bases (canonical ACGTN, N-padded) of one element for every row."""
        starts, ends = self.windows(frame, element)
        chroms = frame[f"{element}_chrom"].to_numpy()
        fetch = self.genome.fetch
        return [fetch(c, int(s), int(e)) for c, s, e in zip(chroms, starts, ends, strict=True)]

    def fetch_array(self, frame: pd.DataFrame, element: str) -> np.ndarray:
        """:meth:`fetch` as one uint8 array, shape=(N, width): row ``i`` holds row ``i``'s bases."""
        return self.bases(self.locate(frame, (element,)), element)

    def locate(self, frame: pd.DataFrame, elements: tuple[str, ...] = ELEMENTS) -> PairWindows:
        """The windows of every row of ``frame`` (chromosome names and starts), per element."""
        chroms, starts = {}, {}
        for element in elements:
            starts[element] = self.windows(frame, element)[0]
            chroms[element] = frame[f"{element}_chrom"].to_numpy()
        return PairWindows(chroms, starts)

    def bases(self, windows: PairWindows, element: str) -> np.ndarray:
        """One element's window bases, uint8, shape=(N, width) (as :meth:`fetch_array`)."""
        return self.genome.fetch_windows(
            windows.chroms[element], windows.starts[element], self.widths[element]
        )

    def encode(self, frame: pd.DataFrame) -> EncodedPairs:
        """One-hot windows for every row of ``frame``.

        Parameters
        ----------
        frame : pandas.DataFrame
            Canonical pair table rows (:data:`kipoi_prism.io.pairs.PAIR_COLUMNS`).

        Returns
        -------
        EncodedPairs
        """
        if len(frame) == 0:
            raise ValueError("frame: expected at least one pair, got none")
        return self.encode_windows(self.locate(frame))

    def encode_windows(self, windows: PairWindows) -> EncodedPairs:
        """One-hot windows of located pairs (:meth:`locate`), as :meth:`encode` returns."""
        if len(windows) == 0:
            raise ValueError("windows: expected at least one pair, got none")
        return EncodedPairs(
            enhancer=one_hot_encode_array(self.bases(windows, "enhancer")),
            promoter=one_hot_encode_array(self.bases(windows, "promoter")),
        )


def _line(row: pd.Series) -> int | None:
    return int(row["line"]) if "line" in row.index else None
