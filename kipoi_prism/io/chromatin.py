"""Chromatin signal tracks (bigWig, narrowPeak): summed signal over intervals. No torch here.

A *track* is one assay of one cell type (DNase, H3K27ac, ...). It answers one question: how
much signal lies over each of a set of intervals on one chromosome, as ``signal x bp``
summed over the interval. :mod:`kipoi_prism.io.feature_table` divides by the interval's
length to get the mean signal per bp.

bigWig (``.bw``, ``.bigWig``)
    Read with pyBigWig's exact ``stats(chrom, start, end, type="sum", exact=True)``, the sum
    of ``value x covered bp`` over the data in ``[start, end)`` (bases without data add
    nothing, so they count as 0 in the mean). pyBigWig's own ``type="mean"`` divides by the
    *covered* bases only (a 100-bp interval with 10 bp of value 4 has mean 4 there, 0.4 here),
    so it is not used. One call's intervals are answered together: the span from their first
    start to their last end is read once, in tiles of :data:`TILE_BP` (the records of a tile
    holding an interval's start or end; one exact sum for a tile between them), and each
    interval's sum is a difference of running totals at its two ends. A base is decoded once
    however many intervals (windows of 1 Mb overlap by the hundred) cover it, and an
    interval without data sums to exactly 0. The part of an interval past the chromosome's
    end in the bigWig header holds no data (0). Records are assumed sorted and
    non-overlapping, as the bigWig format requires.
narrowPeak (``.narrowPeak``, ``.broadPeak``, ``.bed``; ``.gz`` accepted)
    Tab-separated, 0-based half-open, at least 7 columns; column 7 is ``signalValue``. A
    peak adds ``signalValue x overlap bp`` to every interval it overlaps (overlapping peaks
    add up). The file is read whole into a step function per chromosome (breakpoints at
    every peak start and end, the summed signal between them), and each interval's sum is
    taken from prefix sums of that function: no per-interval Python work.

Both readers raise :class:`~kipoi_prism.errors.PrismInputError` naming the file (and line)
for a missing or unreadable file, a file of the wrong kind, a track with no data, or a
narrowPeak line with too few columns or a ``signalValue`` that is not a finite number.
"""

from __future__ import annotations

import contextlib
import logging
import math
import os
from pathlib import Path

import numpy as np

from kipoi_prism.errors import PrismInputError
from kipoi_prism.io.pairs import check_interval, is_skipped, numbered_lines, parse_coordinate

log = logging.getLogger(__name__)

BIGWIG_SUFFIXES = (".bw", ".bigwig")
PEAK_SUFFIXES = (".narrowpeak", ".broadpeak", ".bed")
PEAK_MIN_COLUMNS = 7
#: bigWig spans are read in tiles of this many bp (bounds the records held at once).
TILE_BP = 1_000_000
#: The first four bytes of a bigWig file (magic 0x888FFC26, little- or big-endian).
_BIGWIG_MAGIC = (b"\x26\xfc\x8f\x88", b"\x88\x8f\xfc\x26")


def _check_readable(path: Path) -> bytes:
    """The file's first four bytes; a :class:`PrismInputError` when it cannot be read."""
    if not path.is_file():
        raise PrismInputError("track file not found", path)
    try:
        with open(path, "rb") as handle:
            return handle.read(4)
    except OSError as error:
        raise PrismInputError(f"cannot read the track file ({error.strerror})", path) from None


class BigWigTrack:
    """A bigWig file, queried interval by interval (see the module docstring).

    Parameters
    ----------
    path : str or PathLike

    Attributes
    ----------
    path : pathlib.Path
    chromosomes : dict of str to int
        Chromosome lengths from the bigWig header.
    """

    def __init__(self, path: str | os.PathLike) -> None:
        import pyBigWig

        self.path = Path(path)
        if _check_readable(self.path) not in _BIGWIG_MAGIC:
            raise PrismInputError("not a bigWig file (its first bytes are not bigWig's)", path)
        try:
            self._file = pyBigWig.open(str(self.path))
        except RuntimeError:
            raise PrismInputError("cannot open the bigWig file (damaged?)", path) from None
        self.chromosomes = dict(self._file.chroms())
        if not self.chromosomes or self._file.header()["nBasesCovered"] == 0:
            self.close()
            raise PrismInputError("the bigWig holds no data (no intervals)", path)

    def sums(self, chrom: str, starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
        """Summed signal (``value x bp``) over each interval ``[start, end)`` of ``chrom``.

        Parameters
        ----------
        chrom : str
        starts, ends : numpy.ndarray of int64, shape=(N,)
            0-based half-open intervals; ``start >= end`` (empty) gives 0.

        Returns
        -------
        numpy.ndarray of float64, shape=(N,)
            0 on a chromosome the bigWig lacks.
        """
        out = np.zeros(len(starts), dtype=np.float64)
        length = self.chromosomes.get(chrom)
        if length is None or not len(starts):
            return out
        # pyBigWig refuses bounds past the chromosome's end: there is no data there anyway.
        starts = np.minimum(np.asarray(starts, np.int64), length)
        ends = np.minimum(np.asarray(ends, np.int64), length)
        bounds = np.unique(np.concatenate([starts, ends]))
        area = self._area_at(chrom, bounds, length)
        filled = ends > starts
        first = np.searchsorted(bounds, starts[filled])
        last = np.searchsorted(bounds, ends[filled])
        out[filled] = (area[last] - area[first]).astype(np.float64)
        return out

    def _area_at(self, chrom: str, bounds: np.ndarray, length: int) -> np.ndarray:
        """Summed ``value x bp`` from ``bounds[0]`` up to each of the sorted ``bounds``.

        The span is read tile by tile (:data:`TILE_BP`): a tile holding bounds as its records
        (``intervals``), one without as one exact sum (``stats``, no Python per record).
        """
        area = np.zeros(len(bounds), dtype=np.longdouble)  # 80-bit where numpy has it
        tile_of = bounds // TILE_BP
        carry = np.longdouble(0.0)
        first_tile, last_tile = int(tile_of[0]), int(tile_of[-1])
        for tile in range(first_tile, last_tile + 1):
            lo, hi = max(tile * TILE_BP, int(bounds[0])), min((tile + 1) * TILE_BP, length)
            inside = slice(*np.searchsorted(tile_of, [tile, tile + 1]))
            if inside.start == inside.stop:
                carry += self._file.stats(chrom, lo, hi, type="sum", exact=True)[0] or 0.0
                continue
            records = self._file.intervals(chrom, lo, hi) if lo < hi else None
            at, total = _record_area(records, lo, hi, bounds[inside])
            area[inside] = carry + at
            carry += total
        return area

    def close(self) -> None:
        """Close the file (queries after this fail)."""
        self._file.close()

    def __repr__(self) -> str:
        return f"BigWigTrack({str(self.path)!r}, {len(self.chromosomes)} chromosomes)"


def _record_area(records, lo: int, hi: int, points: np.ndarray):
    """Summed ``value x bp`` of bigWig records (sorted, non-overlapping) clipped to
    ``[lo, hi)``, from ``lo`` up to each point, and over the whole tile.

    Returns
    -------
    at : numpy.ndarray of longdouble, shape=(P,)
    total : numpy.longdouble
    """
    if not records:
        return np.zeros(len(points), dtype=np.longdouble), np.longdouble(0.0)
    table = np.array(records, dtype=np.float64)
    starts = np.clip(table[:, 0], lo, hi)
    ends = np.clip(table[:, 1], lo, hi)
    values = table[:, 2]
    before = np.concatenate([[0.0], np.cumsum(values * (ends - starts), dtype=np.longdouble)])
    done = np.searchsorted(ends, points, side="right")  # records ending at or before a point
    partial = np.zeros(len(points), dtype=np.longdouble)
    open_ = done < len(ends)
    index = done[open_]
    partial[open_] = values[index] * np.clip(points[open_] - starts[index], 0, None)
    return before[done] + partial, before[-1]


class PeakTrack:
    """A narrowPeak (or broadPeak, BED6+1) file held as a step function per chromosome.

    Parameters
    ----------
    path : str or PathLike
        ``.gz`` accepted.

    Attributes
    ----------
    path : pathlib.Path
    chromosomes : dict of str to int
        Peaks per chromosome.
    """

    def __init__(self, path: str | os.PathLike) -> None:
        self.path = Path(path)
        _check_readable(self.path)
        peaks = self._read()
        if not peaks:
            raise PrismInputError("no peaks in the file (empty, or only comments)", path)
        self.chromosomes = {chrom: len(rows[0]) for chrom, rows in peaks.items()}
        self._steps = {chrom: _step_function(*rows) for chrom, rows in peaks.items()}

    def _read(self) -> dict[str, tuple[list, list, list]]:
        peaks: dict[str, tuple[list, list, list]] = {}
        for line, text in numbered_lines(self.path):
            if is_skipped(text):
                continue
            fields = text.split("\t")
            if len(fields) < PEAK_MIN_COLUMNS:
                raise PrismInputError(
                    f"expected at least {PEAK_MIN_COLUMNS} tab-separated narrowPeak columns "
                    f"(chrom, start, end, name, score, strand, signalValue), found {len(fields)}",
                    self.path,
                    line,
                )
            start = parse_coordinate(fields[1], "start", self.path, line)
            end = parse_coordinate(fields[2], "end", self.path, line)
            check_interval(start, end, "peak", self.path, line)
            starts, ends, signals = peaks.setdefault(fields[0], ([], [], []))
            starts.append(start)
            ends.append(end)
            signals.append(_signal_value(fields[6], self.path, line))
        return peaks

    def sums(self, chrom: str, starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
        """Summed ``signalValue x overlap bp`` over each interval (see :meth:`BigWigTrack.sums`)."""
        steps = self._steps.get(chrom)
        if steps is None:
            return np.zeros(len(starts), dtype=np.float64)
        return _step_sums(*steps, np.asarray(starts, np.int64), np.asarray(ends, np.int64))

    def close(self) -> None:
        """Nothing to close (the peaks are in memory); here for a common track interface."""

    def __repr__(self) -> str:
        return f"PeakTrack({str(self.path)!r}, {sum(self.chromosomes.values())} peaks)"


def _signal_value(text: str, path: Path, line: int) -> float:
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not math.isfinite(value):
        raise PrismInputError(f"signalValue (column 7) {text!r} is not a finite number", path, line)
    return value


def _step_function(starts: list, ends: list, signals: list):
    """Peaks -> non-overlapping segments with the summed signal of the peaks covering them.

    Returns
    -------
    seg_starts, seg_ends : numpy.ndarray of int64, shape=(S,)
        Sorted, non-overlapping; only segments covered by at least one peak.
    seg_values : numpy.ndarray of float64, shape=(S,)
    before : numpy.ndarray of longdouble, shape=(S + 1,)
        ``before[i]`` = summed ``value x bp`` of segments ``0..i-1``.
    """
    starts, ends = np.asarray(starts, np.int64), np.asarray(ends, np.int64)
    signals = np.asarray(signals, np.float64)
    points, where = np.unique(np.concatenate([starts, ends]), return_inverse=True)
    n = len(starts)
    delta = np.zeros(len(points), np.float64)
    np.add.at(delta, where[:n], signals)
    np.add.at(delta, where[n:], -signals)
    depth = np.zeros(len(points), np.int64)  # peaks covering [points[i], points[i+1])
    np.add.at(depth, where[:n], 1)
    np.add.at(depth, where[n:], -1)
    depth = np.cumsum(depth)
    covered = depth[:-1] > 0  # the last point closes every peak
    values = np.array(_running_sums(delta.tolist(), depth.tolist()))[:-1][covered]
    seg_starts, seg_ends = points[:-1][covered], points[1:][covered]
    before = np.concatenate(
        [[0.0], np.cumsum(values * (seg_ends - seg_starts), dtype=np.longdouble)]
    )
    return seg_starts, seg_ends, values, before


def _running_sums(delta: list[float], depth: list[int]) -> list[float]:
    """Cumulative sums of ``delta`` started afresh wherever no peak is open (``depth`` 0),
    so the rounding of one cluster of overlapping peaks does not carry into the next and a
    peak of signal 0 on its own is exactly 0."""
    running, out = 0.0, []
    for change, open_peaks in zip(delta, depth, strict=True):
        running = running + change if open_peaks else 0.0
        out.append(running)
    return out


def _step_sums(seg_starts, seg_ends, values, before, starts, ends) -> np.ndarray:
    """Summed ``value x bp`` of the step function over each ``[start, end)``."""
    first = np.searchsorted(seg_ends, starts, side="right")  # first segment ending after start
    stop = np.searchsorted(seg_starts, ends, side="left")  # segments starting before end
    hit = stop > first
    total = np.zeros(len(starts), np.float64)
    lo, hi = first[hit], stop[hit] - 1
    s, e = starts[hit], ends[hit]
    # The first and last segments by their overlap, those between from the prefix sums (an
    # interval inside one segment adds no difference of large sums: no rounding residue).
    inner = values[lo] * (np.minimum(e, seg_ends[lo]) - np.maximum(s, seg_starts[lo]))
    inner = inner.astype(np.longdouble)
    more = hi > lo
    last = hi[more]
    inner[more] += values[last] * (np.minimum(e[more], seg_ends[last]) - seg_starts[last])
    inner[more] += before[last] - before[lo[more] + 1]
    total[hit] = inner.astype(np.float64)
    return total


def read_track(path: str | os.PathLike) -> BigWigTrack | PeakTrack:
    """Open a track, its kind chosen by the file's suffix.

    Parameters
    ----------
    path : str or PathLike
        ``.bw``/``.bigWig`` (bigWig) or ``.narrowPeak``/``.broadPeak``/``.bed``, optionally
        ``.gz`` (peaks); case-insensitive.

    Returns
    -------
    BigWigTrack or PeakTrack
    """
    name = Path(path).name.lower()
    if name.endswith(BIGWIG_SUFFIXES):
        return BigWigTrack(path)
    if name.removesuffix(".gz").endswith(PEAK_SUFFIXES):
        return PeakTrack(path)
    raise PrismInputError(
        "unknown track type: expected a bigWig (.bw, .bigWig) or a peak file (.narrowPeak, "
        ".broadPeak, .bed, optionally .gz)",
        path,
    )


def open_tracks(paths: dict[str, Path], stack: contextlib.ExitStack) -> dict:
    """``{mark: track}``: :func:`read_track` of each path, each closed when ``stack`` closes."""
    tracks = {}
    for mark, path in paths.items():
        tracks[mark] = read_track(path)
        stack.callback(tracks[mark].close)
    return tracks
