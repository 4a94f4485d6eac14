"""TargetFinder-style chromatin feature tables from pairs and the user's tracks. No torch here.

The table :func:`kipoi_prism.io.feature_inputs.read_feature_table` reads (the benchmark's
feature track trains on tables of this form), one row per pair, in the pairs' order.

Columns
-------
``label``
    The pair's label, ``-1`` where the pair table has none (as in
    :data:`kipoi_prism.io.pairs.PAIR_COLUMNS`).
``enh_name``, ``prom_name``
    TargetFinder's form ``chrN:start-end|CELL|NAME``: the region (0-based half-open, as in
    the pair table), the cell line and the pair name.
``celltype``
    The pair's cell line, or ``--cell-line`` when given.
``chrom``
    The chromosome of both regions (pairs across chromosomes are refused: they have no
    window and no distance).
``enhancer_distance_to_promoter``
    ``|c_E - c_P|`` in bp with ``c = (start + end) // 2``: the distance the candidate sweep
    (:func:`kipoi_prism.io.candidates.centres`) and the simulator's ``pair_distance`` use,
    and the one in the TargetFinder and BENGI feature tables.
``<MARK> (<place>)``
    24 columns, :data:`FEATURE_COLUMNS`: for each of the 8 :data:`MARKS` and each place, the
    mean signal per bp over the place, ``sum(signal x bp) / length``, bases without signal
    counted as 0 (see :mod:`kipoi_prism.io.chromatin` for bigWig and narrowPeak sums).
    Places: ``enhancer`` and ``promoter`` are the two regions; ``window`` is the gap between
    them, ``[min(end_E, end_P), max(start_E, start_P))``, whose value is 0 when the regions
    overlap or touch (an empty gap). A mark with no track has NaN in its three columns.

Regions shared by many pairs (promoters recur) are queried once per chunk and remembered
across chunks (:class:`RegionCache`); windows, almost always distinct, are queried once per
distinct window in a chunk.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from pathlib import Path

import numpy as np
import pandas as pd

from kipoi_prism.errors import PrismInputError
from kipoi_prism.io.candidates import some_chromosomes, unprefixed

log = logging.getLogger(__name__)

MARKS = ("CTCF", "DNase", "H3K27ac", "H3K27me3", "H3K36me3", "H3K4me1", "H3K4me3", "H3K9me3")
PLACES = ("enhancer", "promoter", "window")
FEATURE_COLUMNS = [f"{mark} ({place})" for mark in MARKS for place in PLACES]
DISTANCE_COLUMN = "enhancer_distance_to_promoter"
TABLE_COLUMNS = ["label", "enh_name", "prom_name", "celltype", "chrom", DISTANCE_COLUMN]
TABLE_COLUMNS += FEATURE_COLUMNS
#: Enhancer and promoter regions remembered across chunks (about 100 bytes each per mark).
CACHE_REGIONS = 500_000


def parse_track_option(text: str) -> tuple[str, Path]:
    """``--track NAME=PATH`` -> ``(mark, path)``, the mark spelled as in :data:`MARKS`.

    Raises
    ------
    PrismInputError
        No ``=``, an empty name or path, or a name that is not one of :data:`MARKS`
        (compared case-insensitively).
    """
    name, sep, path = text.partition("=")
    if not sep or not name.strip() or not path.strip():
        raise PrismInputError(f"--track: expected NAME=PATH (e.g. DNase=dnase.bw), got {text!r}")
    by_lower = {mark.lower(): mark for mark in MARKS}
    mark = by_lower.get(name.strip().lower())
    if mark is None:
        raise PrismInputError(
            f"--track: unknown mark {name.strip()!r}; choose one of {', '.join(MARKS)}"
        )
    return mark, Path(path.strip())


def track_paths(options: Iterable[str]) -> dict[str, Path]:
    """``{mark: path}`` from the ``--track`` options, refusing a mark given twice."""
    paths: dict[str, Path] = {}
    for text in options:
        mark, path = parse_track_option(text)
        if mark in paths:
            raise PrismInputError(
                f"--track: {mark} given twice ({paths[mark]} and {path}); give one track a mark"
            )
        paths[mark] = path
    return paths


def pair_distance(pairs: pd.DataFrame) -> np.ndarray:
    """Absolute distance between region centres (bp), ``centre = (start + end) // 2`` (the
    candidate sweep's centres; the simulator's distance too).

    Returns
    -------
    numpy.ndarray of int64, shape=(N,)
    """
    enhancer = (pairs["enhancer_start"].to_numpy() + pairs["enhancer_end"].to_numpy()) // 2
    promoter = (pairs["promoter_start"].to_numpy() + pairs["promoter_end"].to_numpy()) // 2
    return np.abs(enhancer - promoter).astype(np.int64)


def windows(chunk: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """The gap between each pair's regions, ``[min(ends), max(starts))``; empty when none."""
    ends = chunk[["enhancer_end", "promoter_end"]].to_numpy(np.int64)
    starts = chunk[["enhancer_start", "promoter_start"]].to_numpy(np.int64)
    start = ends.min(axis=1)
    return start, np.maximum(starts.max(axis=1), start)  # end == start: an empty window


class RegionCache:
    """Mean signal of each mark over regions seen before, bounded to ``size`` regions.

    Parameters
    ----------
    size : int
        When full, the cache is emptied and fills again (promoters of the next chunks come
        back first).
    """

    def __init__(self, size: int = CACHE_REGIONS) -> None:
        self.size = size
        self._means: dict[tuple[str, int, int], np.ndarray] = {}

    def lookup(self, keys: list[tuple[str, int, int]]) -> list[np.ndarray | None]:
        return [self._means.get(key) for key in keys]

    def store(self, keys: list[tuple[str, int, int]], means: np.ndarray) -> None:
        if len(self._means) + len(keys) > self.size:
            self._means.clear()
        self._means.update(zip(keys[: self.size], means, strict=False))


class ChromatinFeatures:
    """Computes the table's rows for chunks of pairs from one set of tracks.

    Parameters
    ----------
    tracks : dict of str to track
        ``{mark: BigWigTrack or PeakTrack}`` (:func:`kipoi_prism.io.chromatin.read_track`);
        marks of :data:`MARKS` not given get NaN columns.
    source : str
        What messages call the pair table.
    cell_line : str, optional
        Written as every row's ``celltype`` instead of the pair's own cell line.
    """

    def __init__(self, tracks: dict, source: str, cell_line: str | None = None) -> None:
        self.tracks = {mark: tracks[mark] for mark in MARKS if mark in tracks}
        self.source = source
        self.cell_line = cell_line
        self.cache = RegionCache()
        self.chromosomes: set[str] = set()
        self.cell_lines: set[str] = set()
        self.rows = 0

    def frame(self, chunk: pd.DataFrame) -> pd.DataFrame:
        """The feature-table rows of a canonical pair chunk, in its order."""
        self._check_cis(chunk)
        first = not self.chromosomes
        self.chromosomes.update(chunk["enhancer_chrom"].unique())
        self.cell_lines.update(chunk["cell_line"].unique())
        if first:
            self.check_chromosomes(final=False)
        cell = chunk["cell_line"] if self.cell_line is None else self.cell_line
        cell = pd.Series(cell, index=chunk.index, dtype=object)
        out = pd.DataFrame(
            {
                "label": chunk["label"].to_numpy(np.int64),
                "enh_name": _names(chunk, "enhancer", cell),
                "prom_name": _names(chunk, "promoter", cell),
                "celltype": cell.to_numpy(object),
                "chrom": chunk["enhancer_chrom"].to_numpy(object),
                DISTANCE_COLUMN: pair_distance(chunk),
            }
        )
        features = np.full((len(chunk), len(FEATURE_COLUMNS)), np.nan)
        if self.tracks:
            means = self._means(chunk)  # (3N, tracks): enhancers, promoters, windows
            marks = [MARKS.index(mark) for mark in self.tracks]
            for place in range(len(PLACES)):
                rows = slice(place * len(chunk), (place + 1) * len(chunk))
                features[:, [3 * m + place for m in marks]] = means[rows]
        self.rows += len(chunk)
        return pd.concat([out, pd.DataFrame(features, columns=FEATURE_COLUMNS)], axis=1)

    def _check_cis(self, chunk: pd.DataFrame) -> None:
        trans = chunk["enhancer_chrom"].to_numpy() != chunk["promoter_chrom"].to_numpy()
        if trans.any():
            row = chunk[trans].iloc[0]
            raise PrismInputError(
                f"enhancer on {row['enhancer_chrom']} and promoter on {row['promoter_chrom']}: "
                "chromatin features need both on one chromosome (the window and the distance "
                "lie between them)",
                self.source,
                int(row["line"]),
            )

    def _means(self, chunk: pd.DataFrame) -> np.ndarray:
        """``(3N, n_tracks)`` mean signal per bp over the enhancers, the promoters and the
        windows of a chunk; each distinct region computed once, and enhancers and promoters
        remembered across chunks."""
        w_start, w_end = windows(chunk)
        starts = np.concatenate([chunk["enhancer_start"], chunk["promoter_start"], w_start])
        ends = np.concatenate([chunk["enhancer_end"], chunk["promoter_end"], w_end])
        chroms = np.tile(chunk["enhancer_chrom"].to_numpy(object), len(PLACES))
        regions = pd.DataFrame(
            {"chrom": chroms, "start": starts.astype(np.int64), "end": ends.astype(np.int64)}
        )
        element = np.arange(len(regions)) < 2 * len(chunk)
        first = ~regions.duplicated()  # an element's first use comes before any window's
        unique, element = regions[first].reset_index(drop=True), element[first.to_numpy()]
        keys = list(unique.itertuples(index=False, name=None))
        known = self.cache.lookup(keys)
        todo = np.array([value is None for value in known], dtype=bool)
        means = np.zeros((len(unique), len(self.tracks)))
        if (~todo).any():
            means[~todo] = np.stack([value for value in known if value is not None])
        if todo.any():
            means[todo] = self._compute(unique[todo])
            keep = todo & element
            self.cache.store([k for k, t in zip(keys, keep, strict=True) if t], means[keep])
        index = pd.MultiIndex.from_frame(unique).get_indexer(pd.MultiIndex.from_frame(regions))
        return means[index]

    def _compute(self, regions: pd.DataFrame) -> np.ndarray:
        means = np.zeros((len(regions), len(self.tracks)))
        lengths = (regions["end"] - regions["start"]).to_numpy(np.float64)
        filled = lengths > 0
        for chrom, rows in regions.groupby("chrom", sort=False).indices.items():
            starts = regions["start"].to_numpy(np.int64)[rows]
            ends = regions["end"].to_numpy(np.int64)[rows]
            for column, track in enumerate(self.tracks.values()):
                means[rows, column] = track.sums(chrom, starts, ends)
        means[filled] /= lengths[filled, None]
        means[~filled] = 0.0  # an empty window (regions overlap or touch)
        return means

    def check_chromosomes(self, final: bool = True) -> None:
        """Refuse a track that shares no chromosome with the pairs seen so far.

        Parameters
        ----------
        final : bool
            ``False`` (after the first chunk): refuse only where a ``chr`` prefix on one
            side explains it, so a plain mismatch waits for the whole table.
        """
        for mark, track in self.tracks.items():
            ours, theirs = self.chromosomes, set(track.chromosomes)
            if ours & theirs:
                continue
            prefix = {unprefixed(c) for c in ours} & {unprefixed(c) for c in theirs}
            if not (final or prefix):
                continue
            hint = (
                "; likely a 'chr' prefix on one side only (chr1 against 1)"
                if prefix
                else "; check that both name chromosomes alike and come from one assembly"
            )
            raise PrismInputError(
                f"the {mark} track shares no chromosome with the pairs: track on "
                f"{some_chromosomes(theirs)}, pairs ({self.source}) on "
                f"{some_chromosomes(ours)}{hint}",
                track.path,
            )

    def missing_chromosomes(self) -> dict[str, list[str]]:
        """``{mark: pair chromosomes its track lacks}`` (their signal counted as 0)."""
        missing = {}
        for mark, track in self.tracks.items():
            absent = sorted(self.chromosomes - set(track.chromosomes))
            if absent:
                missing[mark] = absent
        return missing

    def warn_coverage(self) -> None:
        """Log (after the pairs) the chromosomes each track lacks and, without ``cell_line``,
        pairs of several cell lines given this one set of tracks."""
        for mark, chroms in self.missing_chromosomes().items():
            more = f", ... ({len(chroms)} in all)" if len(chroms) > 5 else ""
            log.warning("the %s track has no data for %s%s: signal there counted as 0", mark,
                        ", ".join(chroms[:5]), more)  # fmt: skip
        if self.cell_line is None and len(self.cell_lines) > 1:
            log.warning(
                "the pairs name %d cell lines (%s); one set of tracks was applied to all of them",
                len(self.cell_lines),
                ", ".join(sorted(self.cell_lines)),
            )


def _names(chunk: pd.DataFrame, element: str, cell: pd.Series) -> np.ndarray:
    """``chrom:start-end|CELL|pair name`` for each row (TargetFinder's region names)."""
    region = (
        chunk[f"{element}_chrom"].astype(str)
        + ":"
        + chunk[f"{element}_start"].astype(str)
        + "-"
        + chunk[f"{element}_end"].astype(str)
    )
    return (region + "|" + cell.astype(str) + "|" + chunk["name"].astype(str)).to_numpy(object)


def separator(path: str | Path) -> str:
    """``,`` for a name containing ``.csv``, else a tab."""
    return "," if ".csv" in Path(path).name.lower() else "\t"


def write_feature_table(
    chunks: Iterator[pd.DataFrame], features: ChromatinFeatures, path: str | Path
) -> int:
    """Compute and write the table atomically (``.gz`` by suffix); returns the row count.

    Raises
    ------
    PrismInputError
        From the pairs or the tracks; no file is left behind.
    """
    from kipoi_prism.io.atomic import atomic_open

    sep = separator(path)
    with atomic_open(path) as out:
        out.write(sep.join(TABLE_COLUMNS) + "\n")
        for chunk in chunks:
            features.frame(chunk.reset_index(drop=True)).to_csv(
                out, sep=sep, header=False, index=False, na_rep="NA", float_format="%.8g"
            )
        if features.rows:
            features.check_chromosomes(final=True)
    return features.rows
