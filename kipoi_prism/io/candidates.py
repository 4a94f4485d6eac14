"""Candidate enhancer-promoter pairs from two BED files, streamed. No torch here.

A pipeline rarely starts from a pair table: it has an enhancer BED (ATAC-seq or H3K27ac
peaks), a promoter or TSS BED and a cell line. This module turns those into the canonical
pair table of :mod:`kipoi_prism.io.pairs`, one :class:`pandas.DataFrame` chunk at a time.

BED input
---------
Tab-separated, 0-based half-open, BED3 or wider (parsed with pybedtools); column 4 is the
region's name and column 6 its strand when present. A missing name (BED3, or ``.``) is made
from the coordinates as ``chrom:start-end``. Unsorted files are accepted. Comment
(``#``), ``track``/``browser`` and blank lines are skipped; gzip is accepted. A line with
fewer than three columns, a coordinate that is not a non-negative integer, ``start >=
end``, a name used twice in one file (both lines are named) or a name containing the pair
separator ``~`` raise :class:`~kipoi_prism.errors.PrismInputError` naming file and line.

Distance
--------
The distance of a pair is the absolute difference of the two regions' centres,
``|c_E - c_P|`` with ``c = (start + end) // 2`` (0-based, integer division). That centre is
the one the model's input windows are centred on (:func:`kipoi_prism.io.encode.window_starts`),
so the distance is the distance between the two sequences the model reads. A pair is a
candidate when both regions lie on the same chromosome and ``min_distance <= distance <=
max_distance`` (both ends inclusive).

Order and chunks
----------------
Chromosomes come in FASTA order when a genome is given, else in natural order (``chr2``
before ``chr10``); within a chromosome, enhancers by (start, end, name), and for each
enhancer its promoters by (centre, start, end, name). Each (enhancer, promoter) pair occurs
once. A chunk holds :data:`kipoi_prism.io.pairs.PAIR_COLUMNS` (pair name
``{enhancer}~{promoter}``, score ``.``, label ``-1``), ``line`` (the pair's 1-based
ordinal in the candidate table) and ``distance``.

Memory
------
Both BEDs are held in memory (a few arrays per region); candidates never are. For each
chromosome a sorted sweep gives every enhancer the index range of its promoters
(:func:`numpy.searchsorted` on promoter centres), and chunks are cut from those ranges, so
the memory in use is the regions plus one chunk, however many candidates there are.
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from kipoi_prism.errors import PrismInputError
from kipoi_prism.io.pairs import (
    DEFAULT_CHUNK_SIZE,
    PAIR_COLUMNS,
    check_interval,
    is_skipped,
    numbered_lines,
    parse_coordinate,
)

log = logging.getLogger(__name__)

PAIR_SEPARATOR = "~"
BED_MIN_COLUMNS = 3
REGION_COLUMNS = ["chrom", "start", "end", "name", "strand", "line"]
CANDIDATE_COLUMNS = PAIR_COLUMNS + ["line", "distance"]
_DIGITS = re.compile(r"(\d+)")


# --------------------------------------------------------------------------- BED input


def _bed_problem(fields: list[str], path, line: int) -> None:
    """Raise the precise problem of a BED record (or nothing if it is sound)."""
    if len(fields) < BED_MIN_COLUMNS:
        raise PrismInputError(
            f"expected at least {BED_MIN_COLUMNS} tab-separated BED columns (chrom, start, "
            f"end), found {len(fields)}",
            path,
            line,
        )
    if not fields[0]:
        raise PrismInputError("chromosome (column 1) is empty", path, line)
    start = parse_coordinate(fields[1], "start", path, line)
    end = parse_coordinate(fields[2], "end", path, line)
    check_interval(start, end, "region", path, line)


def _bed_lines(path, state: dict) -> Iterator[str]:
    """Record lines for pybedtools, checked first; ``state`` keeps the current line number."""
    for number, text in numbered_lines(path):
        if is_skipped(text):
            continue
        state["line"] = number
        _bed_problem(text.split("\t"), path, number)
        yield text + "\n"


def read_regions(path: str | os.PathLike) -> pd.DataFrame:
    """Read a BED file (see the module docstring) into one row per region, in file order.

    Parameters
    ----------
    path : str or PathLike
        BED3+ file, ``.gz`` accepted.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`REGION_COLUMNS`: ``chrom``, ``start``, ``end`` (int64, 0-based
        half-open), ``name`` (made as ``chrom:start-end`` when absent), ``strand``
        (``.`` when absent) and ``line`` (1-based line in ``path``).

    Raises
    ------
    PrismInputError
        A malformed record or a duplicate name, naming file and line; a file with no
        region.
    """
    import pybedtools

    state: dict = {"line": 0}
    rows: dict[str, list] = {column: [] for column in REGION_COLUMNS}
    try:
        for interval in pybedtools.BedTool(_bed_lines(path, state)):
            _add_region(rows, interval, state["line"])
    except pybedtools.MalformedBedLineError as error:
        raise PrismInputError(f"malformed BED line ({error})", path, state["line"]) from None
    if not rows["chrom"]:
        raise PrismInputError("no regions in the file (only comments or blank lines)", path)
    frame = pd.DataFrame(rows)
    frame[["start", "end", "line"]] = frame[["start", "end", "line"]].astype(np.int64)
    check_region_names(frame, path)
    return frame


def _add_region(rows: dict[str, list], interval, line: int) -> None:
    fields = interval.fields
    name = fields[3] if len(fields) > 3 and fields[3] not in ("", ".") else None
    rows["chrom"].append(interval.chrom)
    rows["start"].append(interval.start)
    rows["end"].append(interval.end)
    rows["name"].append(name or f"{interval.chrom}:{interval.start}-{interval.end}")
    rows["strand"].append(fields[5] if len(fields) > 5 and fields[5] else ".")
    rows["line"].append(line)


def check_region_names(regions: pd.DataFrame, path) -> None:
    """Raise naming both lines of the first duplicated region name, or a name with ``~``."""
    bad = regions["name"].str.contains(PAIR_SEPARATOR, regex=False)
    if bad.any():
        row = regions[bad].iloc[0]
        raise PrismInputError(
            f"region name {row['name']!r} contains {PAIR_SEPARATOR!r}, which separates "
            "enhancer and promoter in pair names",
            path,
            int(row["line"]),
        )
    duplicated = regions["name"].duplicated(keep="first")
    if duplicated.any():
        row = regions[duplicated].iloc[0]
        first = int(regions.loc[regions["name"] == row["name"], "line"].iloc[0])
        raise PrismInputError(
            f"duplicate region name {row['name']!r} (first on line {first})",
            path,
            int(row["line"]),
        )


def check_regions_in_genome(regions: pd.DataFrame, genome, path) -> None:
    """Every region's chromosome is in the FASTA and the region starts before its end.

    Parameters
    ----------
    regions : pandas.DataFrame
        From :func:`read_regions`.
    genome : kipoi_prism.io.genome.Genome
    path : str or PathLike
        The BED file, for messages.

    Raises
    ------
    PrismInputError
        Naming the first offending line (and the nearest FASTA names for a chromosome).
    """
    sizes = genome.chrom_sizes
    absent = ~regions["chrom"].isin(list(sizes))
    if absent.any():
        row = regions[absent].iloc[0]
        genome.check_chrom(row["chrom"], str(path), int(row["line"]))
    lengths = regions["chrom"].map(sizes).to_numpy(np.int64)
    beyond = regions["start"].to_numpy(np.int64) >= lengths
    if beyond.any():
        row = regions[beyond].iloc[0]
        raise PrismInputError(
            f"region {row['chrom']}:{row['start']}-{row['end']} starts past the end of "
            f"{row['chrom']} (length {sizes[row['chrom']]})",
            path,
            int(row["line"]),
        )


def some_chromosomes(chroms, few: int = 3) -> str:
    names = sorted(set(chroms), key=natural_key)
    more = f", ... ({len(names)} in all)" if len(names) > few else ""
    return ", ".join(names[:few]) + more


def check_shared_chromosomes(enhancers: pd.DataFrame, promoters: pd.DataFrame,
                             enhancer_path, promoter_path) -> None:  # fmt: skip
    """Raise when the two BED files share no chromosome (no pair could ever be formed).

    The usual cause is a ``chr`` prefix on one side only (``1`` against ``chr1``), which the
    message points out; an empty result in a pipeline would hide it.

    Raises
    ------
    PrismInputError
        Naming both files and a few of each side's chromosome names.
    """
    e_chroms, p_chroms = set(enhancers["chrom"]), set(promoters["chrom"])
    if e_chroms & p_chroms:
        return
    hint = "; check that both files name chromosomes alike (chr1 or 1)"
    if {unprefixed(c) for c in e_chroms} & {unprefixed(c) for c in p_chroms}:
        hint = "; likely a 'chr' prefix on one side only (chr1 against 1)"
    raise PrismInputError(
        f"enhancers and promoters share no chromosome: enhancers on {some_chromosomes(e_chroms)}, "
        f"promoters ({Path(promoter_path).name}) on {some_chromosomes(p_chroms)}{hint}",
        enhancer_path,
    )


def unprefixed(chrom: str) -> str:
    return chrom[3:] if chrom.lower().startswith("chr") else chrom


def natural_key(chrom: str) -> tuple:
    """Sort key putting ``chr2`` before ``chr10`` (digit runs compare as numbers)."""
    return tuple(
        (0, int(part), "") if part.isdigit() else (1, 0, part)
        for part in _DIGITS.split(chrom)
        if part
    )


def chromosome_order(chroms, genome=None) -> list[str]:
    """The chromosomes of ``chroms`` in FASTA order (given a genome) or natural order."""
    present = set(chroms)
    if genome is not None:
        return [name for name in genome.entries if name in present]
    return sorted(present, key=natural_key)


# --------------------------------------------------------------------------- sweep


@dataclass(frozen=True)
class DistanceWindow:
    """Which same-chromosome pairs are candidates: ``min_distance <= distance <= max_distance``.

    Attributes
    ----------
    max_distance : int
        Largest centre-to-centre distance in bp (inclusive).
    min_distance : int
        Smallest centre-to-centre distance in bp (inclusive); 0 by default.
    """

    max_distance: int
    min_distance: int = 0

    def __post_init__(self) -> None:
        for option, value in (("--max-distance", self.max_distance),
                              ("--min-distance", self.min_distance)):  # fmt: skip
            if int(value) != value or value < 0:
                raise PrismInputError(f"{option}: expected a non-negative integer, got {value}")
        if self.max_distance < self.min_distance:
            raise PrismInputError(
                f"--max-distance {self.max_distance} is below --min-distance {self.min_distance}"
            )


def centres(regions: pd.DataFrame) -> np.ndarray:
    """Region centres ``(start + end) // 2`` as int64 (the model's window centres)."""
    return (regions["start"].to_numpy(np.int64) + regions["end"].to_numpy(np.int64)) // 2


@dataclass
class _Sweep:
    """One chromosome's enhancers and, per enhancer, its promoters' index ranges.

    Promoters ``left_lo..left_hi-1`` lie at distances in the window on the left, and
    ``right_lo..right_hi-1`` on the right (indices into the centre-sorted promoters).
    """

    enhancers: pd.DataFrame
    promoters: pd.DataFrame
    e_centre: np.ndarray
    p_centre: np.ndarray
    left_lo: np.ndarray
    n_left: np.ndarray
    right_lo: np.ndarray
    ends: np.ndarray  # cumulative candidate counts: enhancer i owns rows ends[i-1]..ends[i]-1

    @property
    def total(self) -> int:
        return int(self.ends[-1]) if len(self.ends) else 0


def _sweep(enhancers: pd.DataFrame, promoters: pd.DataFrame, window: DistanceWindow) -> _Sweep:
    enhancers = enhancers.sort_values(["start", "end", "name"], ignore_index=True)
    promoters = promoters.assign(centre=centres(promoters))
    promoters = promoters.sort_values(["centre", "start", "end", "name"], ignore_index=True)
    e_centre, p_centre = centres(enhancers), promoters["centre"].to_numpy(np.int64)
    low, high = window.min_distance, window.max_distance
    left_lo = np.searchsorted(p_centre, e_centre - high, side="left")
    left_hi = np.searchsorted(p_centre, e_centre - low, side="right")
    # With min_distance 0 both sides include distance 0; start the right side after the left.
    right_lo = np.maximum(np.searchsorted(p_centre, e_centre + low, side="left"), left_hi)
    right_hi = np.searchsorted(p_centre, e_centre + high, side="right")
    n_left = left_hi - left_lo
    counts = n_left + (right_hi - right_lo)
    return _Sweep(enhancers, promoters, e_centre, p_centre, left_lo, n_left, right_lo,
                  np.cumsum(counts, dtype=np.int64))  # fmt: skip


def _pair_indices(sweep: _Sweep, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Enhancer and promoter indices of candidate rows ``rows`` (0-based within the sweep)."""
    e_index = np.searchsorted(sweep.ends, rows, side="right")
    first = np.where(e_index > 0, sweep.ends[np.maximum(e_index - 1, 0)], 0)
    offset = rows - first
    n_left = sweep.n_left[e_index]
    p_index = np.where(
        offset < n_left,
        sweep.left_lo[e_index] + offset,
        sweep.right_lo[e_index] + offset - n_left,
    )
    return e_index, p_index


def _candidate_frame(
    sweep: _Sweep, rows: np.ndarray, chrom: str, cell_line: str, first_line: int
) -> pd.DataFrame:
    e_index, p_index = _pair_indices(sweep, rows)
    enh, prom = sweep.enhancers, sweep.promoters
    e_names = enh["name"].to_numpy(object)[e_index]
    p_names = prom["name"].to_numpy(object)[p_index]
    n = len(rows)
    frame = pd.DataFrame(
        {
            "enhancer_chrom": np.full(n, chrom, dtype=object),
            "enhancer_start": enh["start"].to_numpy(np.int64)[e_index],
            "enhancer_end": enh["end"].to_numpy(np.int64)[e_index],
            "promoter_chrom": np.full(n, chrom, dtype=object),
            "promoter_start": prom["start"].to_numpy(np.int64)[p_index],
            "promoter_end": prom["end"].to_numpy(np.int64)[p_index],
            "name": e_names + PAIR_SEPARATOR + p_names,
            "score": np.full(n, ".", dtype=object),
            "enhancer_strand": enh["strand"].to_numpy(object)[e_index],
            "promoter_strand": prom["strand"].to_numpy(object)[p_index],
            "cell_line": np.full(n, cell_line, dtype=object),
            "label": np.full(n, -1, dtype=np.int8),
            "line": np.arange(first_line, first_line + n, dtype=np.int64),
            "distance": np.abs(sweep.e_centre[e_index] - sweep.p_centre[p_index]),
        }
    )
    return frame


def iter_candidates(
    enhancers: pd.DataFrame,
    promoters: pd.DataFrame,
    window: DistanceWindow,
    cell_line: str,
    chromosomes: list[str] | None = None,
    chunk_size: int = DEFAULT_CHUNK_SIZE,
) -> Iterator[pd.DataFrame]:
    """Every candidate pair (see the module docstring), as canonical pair-table chunks.

    Parameters
    ----------
    enhancers, promoters : pandas.DataFrame
        Regions from :func:`read_regions`.
    window : DistanceWindow
    cell_line : str
        Written to every pair's ``cell_line``.
    chromosomes : list of str, optional
        Chromosome order; default :func:`chromosome_order` (natural order). Regions on a
        chromosome not listed produce no pairs.
    chunk_size : int
        Most rows per chunk (a chunk never spans two chromosomes).

    Yields
    ------
    pandas.DataFrame
        Columns :data:`CANDIDATE_COLUMNS`, at most ``chunk_size`` rows.
    """
    if chunk_size < 1:
        raise ValueError(f"chunk_size: expected a positive integer, got {chunk_size}")
    if not cell_line or cell_line == ".":
        raise PrismInputError(f"--cell-line: expected a cell-line name, got {cell_line!r}")
    if chromosomes is None:
        chromosomes = chromosome_order(set(enhancers["chrom"]) | set(promoters["chrom"]))
    emitted = 0
    for chrom, sweep in _sweeps(enhancers, promoters, window, chromosomes):
        for first in range(0, sweep.total, chunk_size):
            rows = np.arange(first, min(first + chunk_size, sweep.total), dtype=np.int64)
            yield _candidate_frame(sweep, rows, chrom, cell_line, emitted + 1)
            emitted += len(rows)


def _sweeps(
    enhancers: pd.DataFrame, promoters: pd.DataFrame, window: DistanceWindow, chromosomes
) -> Iterator[tuple[str, _Sweep]]:
    """``(chrom, sweep)`` for each listed chromosome holding enhancers and promoters."""
    by_chrom_e = dict(tuple(enhancers.groupby("chrom", sort=False)))
    by_chrom_p = dict(tuple(promoters.groupby("chrom", sort=False)))
    for chrom in chromosomes:
        if chrom in by_chrom_e and chrom in by_chrom_p:
            yield chrom, _sweep(by_chrom_e[chrom], by_chrom_p[chrom], window)


def empty_candidates() -> pd.DataFrame:
    """A zero-row frame with the candidate columns and dtypes."""
    frame = pd.DataFrame({column: pd.Series(dtype=object) for column in CANDIDATE_COLUMNS})
    int_columns = ["enhancer_start", "enhancer_end", "promoter_start", "promoter_end",
                   "line", "distance"]  # fmt: skip
    frame[int_columns] = frame[int_columns].astype(np.int64)
    frame["label"] = frame["label"].astype(np.int8)
    return frame


# --------------------------------------------------------------------------- source


class CandidatePairSource:
    """Candidate pairs from an enhancer and a promoter BED, as a re-iterable pair source.

    Both BEDs are read and checked once, on construction; each call of :meth:`chunks`
    regenerates the candidates by the sweep, so no candidate list is ever held in memory
    and the engine can stream them twice (support sets, then scoring).

    Parameters
    ----------
    enhancers, promoters : str or PathLike
        BED files (see the module docstring).
    cell_line : str
    max_distance : int
        Inclusive bound on the centre-to-centre distance, bp.
    min_distance : int
        Inclusive lower bound, bp.
    genome : kipoi_prism.io.genome.Genome, optional
        When given, every region's chromosome must be in the FASTA (the error names the BED
        file, line and nearest FASTA names) and chromosomes come in FASTA order.
    chunk_size : int
    """

    def __init__(
        self,
        enhancers: str | os.PathLike,
        promoters: str | os.PathLike,
        cell_line: str,
        max_distance: int,
        min_distance: int = 0,
        genome=None,
        chunk_size: int = DEFAULT_CHUNK_SIZE,
    ) -> None:
        self.window = DistanceWindow(max_distance, min_distance)
        if not cell_line or cell_line == ".":
            raise PrismInputError(f"--cell-line: expected a cell-line name, got {cell_line!r}")
        self.cell_line = cell_line
        self.chunk_size = chunk_size
        self.paths = (Path(enhancers), Path(promoters))
        self.enhancers = read_regions(enhancers)
        self.promoters = read_regions(promoters)
        check_shared_chromosomes(self.enhancers, self.promoters, enhancers, promoters)
        if genome is not None:
            check_regions_in_genome(self.enhancers, genome, enhancers)
            check_regions_in_genome(self.promoters, genome, promoters)
        chroms = set(self.enhancers["chrom"]) | set(self.promoters["chrom"])
        self.chromosomes = chromosome_order(chroms, genome)
        self.name = f"candidates({self.paths[0].name} x {self.paths[1].name})"

    def chunks(self) -> Iterator[pd.DataFrame]:
        """Candidate chunks in the deterministic order; a fresh sweep on every call."""
        return iter_candidates(
            self.enhancers, self.promoters, self.window, self.cell_line,
            self.chromosomes, self.chunk_size,
        )  # fmt: skip

    def count(self) -> int:
        """Number of candidates, from the sweep's index ranges (no pair is built)."""
        sweeps = _sweeps(self.enhancers, self.promoters, self.window, self.chromosomes)
        return sum(sweep.total for _, sweep in sweeps)

    def __repr__(self) -> str:
        return (
            f"CandidatePairSource({self.name}, cell_line={self.cell_line!r}, "
            f"distance {self.window.min_distance}..{self.window.max_distance})"
        )
