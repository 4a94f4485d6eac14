"""Per-base attribution scores as genome-browser tracks and sequence logos (no torch).

What ``kipoi-prism explain`` writes for each pair, element (enhancer or promoter window) and
method (``ism``, ``ig``; :mod:`kipoi_prism.inference.attributions`):

* a **bedGraph** and a **bigWig** of the per-base scores in genome coordinates (0-based
  half-open, one base per interval). Base ``i`` of a window starting at ``start`` lies at
  ``start + i``; bases without a score (NaN: ``N`` in the FASTA) and bases of a window
  padded beyond a chromosome end (positions ``< 0`` or ``>= chromosome length``) are left
  out. The bigWig header lists every chromosome of the FASTA index, so tracks of one
  genome load together.
* **One file per pair**, not one aggregate per genome: windows of different pairs overlap
  (a promoter shared by many enhancers), and the same base gets a different attribution
  with another partner element or cell line, so averaging them would describe no pair.
* a **PNG sequence logo** per pair and element (logomaker, matplotlib's Agg backend), one
  panel per method: the top-scoring stretch (:func:`top_stretch`: the ``width`` bases with
  the largest summed ``|score|``), each reference base drawn with its score as height
  (below the axis where the score is negative).

The records written (:class:`PairAttribution`, :class:`ElementAttribution`) live here too, so
the files can be written without torch; :mod:`kipoi_prism.inference.attributions` fills them.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from kipoi_prism.io.atomic import atomic_open, atomic_path
from kipoi_prism.io.sequence import ALPHABET

DEFAULT_TOP_WIDTH = 30


@dataclass
class ElementAttribution:
    """One element's window and its per-base attributions.

    Attributes
    ----------
    element : {"enhancer", "promoter"}
    chrom : str
    start : int
        Genome position (0-based) of the window's first base; may be negative (padding).
    one_hot : numpy.ndarray of float32, shape=(4, L)
        The window as the model saw it.
    scores : dict of str to numpy.ndarray of float32, shape=(L,)
        Per-base score of each method run (NaN where the window has no base).
    ism_deltas : numpy.ndarray of float32, shape=(L, 4), optional
        Mutant minus reference logit (0 at the reference base, NaN at ``N``).
    """

    element: str
    chrom: str
    start: int
    one_hot: np.ndarray
    scores: dict[str, np.ndarray] = field(default_factory=dict)
    ism_deltas: np.ndarray | None = None


@dataclass
class PairAttribution:
    """Both elements' attributions of one pair.

    Attributes
    ----------
    name, cell_line : str
    line : int
        The pair's line in the input.
    logit : float
        The pair's reference logit (with its cell line's ``z_E``).
    elements : dict of str to ElementAttribution
    convergence_delta : float, optional
        Integrated gradients' completeness error, ``|sum(attributions) - (f(x) - f(baseline))|``.
    """

    name: str
    cell_line: str
    line: int
    logit: float
    elements: dict[str, ElementAttribution]
    convergence_delta: float | None = None


@dataclass(frozen=True)
class Stretch:
    """A run of window bases: ``[offset, offset + width)`` of the window, at genome
    ``[start, end)``; ``score``: the summed ``|score|`` over it."""

    offset: int
    width: int
    start: int
    end: int
    score: float


def genome_positions(
    start: int, scores: np.ndarray, chrom_size: int
) -> tuple[np.ndarray, np.ndarray]:
    """The scored bases of a window that lie on the chromosome.

    Parameters
    ----------
    start : int
        Genome position (0-based) of the window's first base (negative when padded).
    scores : numpy.ndarray, shape=(L,)
    chrom_size : int

    Returns
    -------
    positions : numpy.ndarray of int64
        0-based genome positions, increasing.
    values : numpy.ndarray of float32
        Their scores (finite).
    """
    positions = start + np.arange(len(scores), dtype=np.int64)
    keep = (positions >= 0) & (positions < chrom_size) & np.isfinite(scores)
    return positions[keep], np.asarray(scores, np.float32)[keep] + np.float32(0.0)  # no -0


def safe_name(name: str) -> str:
    """A pair name as a file-name stem: characters other than ``A-Za-z0-9._-`` become ``_``."""
    return re.sub(r"[^A-Za-z0-9._-]", "_", name) or "_"


def write_bedgraph(
    path: str | os.PathLike,
    chrom: str,
    start: int,
    scores: np.ndarray,
    chrom_size: int,
    track_name: str | None = None,
) -> Path:
    """Write one window's per-base scores as a bedGraph (atomically).

    Parameters
    ----------
    path : str or PathLike
    chrom : str
    start : int
        Window start (0-based, may be negative).
    scores : numpy.ndarray, shape=(L,)
    chrom_size : int
    track_name : str, optional
        A ``track type=bedGraph name=...`` line first.
    """
    positions, values = genome_positions(start, scores, chrom_size)
    with atomic_open(path) as out:
        if track_name is not None:
            out.write(f'track type=bedGraph name="{track_name}"\n')
        out.writelines(
            f"{chrom}\t{p}\t{p + 1}\t{v:.6g}\n" for p, v in zip(positions, values, strict=True)
        )
    return Path(path)


def write_bigwig(
    path: str | os.PathLike,
    chrom_sizes: dict[str, int],
    chrom: str,
    start: int,
    scores: np.ndarray,
) -> Path:
    """Write one window's per-base scores as a bigWig (pyBigWig, atomically).

    Parameters
    ----------
    path : str or PathLike
    chrom_sizes : dict of str to int
        Every chromosome of the genome (FASTA order), for the header.
    chrom : str
    start : int
    scores : numpy.ndarray, shape=(L,)
    """
    import pyBigWig

    positions, values = genome_positions(start, scores, chrom_sizes[chrom])
    with atomic_path(path) as temporary:
        track = pyBigWig.open(str(temporary), "w")
        try:
            track.addHeader(list(chrom_sizes.items()), maxZooms=0)
            # One entry block per run of consecutive positions (gaps: N bases).
            breaks = np.flatnonzero(np.diff(positions) != 1) + 1
            for run, scored in zip(
                np.split(positions, breaks), np.split(values, breaks), strict=True
            ):
                if len(run):
                    track.addEntries(
                        chrom, int(run[0]), values=scored.astype(float).tolist(), span=1, step=1
                    )
        finally:
            track.close()
    return Path(path)


def top_stretch(
    scores: np.ndarray, start: int, chrom_size: int, width: int = DEFAULT_TOP_WIDTH
) -> Stretch:
    """The ``width`` consecutive window bases on the chromosome with the largest summed
    ``|score|`` (the first such stretch on ties; NaN counts as 0).

    Parameters
    ----------
    scores : numpy.ndarray, shape=(L,)
    start : int
        Window start in the genome.
    chrom_size : int
    width : int
        Clipped to the scored part of the window.
    """
    weights = np.nan_to_num(np.abs(np.asarray(scores, np.float64)))
    positions = start + np.arange(len(weights))
    weights[(positions < 0) | (positions >= chrom_size)] = 0.0
    first = int(max(0, -start))
    last = int(min(len(weights), chrom_size - start))
    width = max(1, min(width, last - first))
    sums = np.convolve(weights[first:last], np.ones(width), mode="valid")
    offset = first + int(np.argmax(sums))
    return Stretch(offset, width, start + offset, start + offset + width, float(sums.max()))


def logo_frame(one_hot: np.ndarray, scores: np.ndarray, stretch: Stretch):
    """The logo's matrix: rows = stretch positions, columns A, C, G, T; each reference
    base's score in its column, 0 elsewhere (NaN as 0)."""
    import pandas as pd

    window = slice(stretch.offset, stretch.offset + stretch.width)
    values = np.asarray(one_hot, np.float64)[:, window].T * np.nan_to_num(scores[window])[:, None]
    index = pd.RangeIndex(stretch.start, stretch.end, name="position")
    return pd.DataFrame(values, columns=list(ALPHABET), index=index)


def write_logo(
    path: str | os.PathLike,
    panels: list[tuple[str, np.ndarray, np.ndarray, Stretch]],
    title: str,
    chrom: str,
) -> Path:
    """Write a PNG of sequence logos, one panel per method (atomically).

    Parameters
    ----------
    path : str or PathLike
    panels : list of (method, one_hot (4, L), scores (L,), Stretch)
    title : str
        The figure's title (the pair and element).
    chrom : str
        Named with each panel's genome coordinates.
    """
    import matplotlib

    matplotlib.use("Agg")
    import logomaker
    import matplotlib.pyplot as plt

    figure, axes = plt.subplots(
        len(panels), 1, figsize=(max(6.0, 0.3 * panels[0][3].width), 2.2 * len(panels)),
        squeeze=False,
    )  # fmt: skip
    try:
        for axis, (method, one_hot, scores, stretch) in zip(axes[:, 0], panels, strict=True):
            frame = logo_frame(one_hot, scores, stretch).reset_index(drop=True)
            logomaker.Logo(frame, ax=axis, color_scheme="classic")
            axis.axhline(0, color="grey", linewidth=0.5)
            axis.set_ylabel(method)
            axis.set_title(
                f"{chrom}:{stretch.start + 1}-{stretch.end} (1-based)", fontsize=9, loc="left"
            )
            axis.set_xticks([])
        figure.suptitle(title)
        figure.tight_layout()
        with atomic_open(path, "wb") as out:
            figure.savefig(out, format="png", dpi=100)
    finally:
        plt.close(figure)
    return Path(path)


INDEX_COLUMNS = (
    "pair", "cell_line", "line", "element", "method", "chrom", "window_start", "window_end",
    "logit", "top_start", "top_end", "top_score", "bedgraph", "bigwig", "logo",
)  # fmt: skip


def write_attributions(
    pair: PairAttribution,
    folder: str | os.PathLike,
    chrom_sizes: dict[str, int],
    top_width: int = DEFAULT_TOP_WIDTH,
    stem: str | None = None,
) -> list[dict]:
    """Write one pair's tracks and logos into ``folder``
    (:mod:`kipoi_prism.io.attribution_tracks`); return its index rows.

    Files: ``<stem>.<element>.<method>.bedgraph`` and ``.bw`` per element and method, and
    ``<stem>.<element>.png`` (one logo panel per method) per element; ``stem`` defaults to
    the pair name made file-safe.

    Returns
    -------
    list of dict
        One per element and method, keys :data:`INDEX_COLUMNS` (paths relative to
        ``folder``; ``top_start``/``top_end``: the top-scoring stretch in the genome,
        0-based half-open).
    """
    folder = Path(folder)
    stem = safe_name(pair.name) if stem is None else stem
    rows = []
    for element, attribution in pair.elements.items():
        size = chrom_sizes[attribution.chrom]
        logo = f"{stem}.{element}.png"
        panels = []
        for method, scores in attribution.scores.items():
            base = f"{stem}.{element}.{method}"
            track = f"{pair.name} {element} {method}"
            write_bedgraph(folder / f"{base}.bedgraph", attribution.chrom, attribution.start,
                           scores, size, track)  # fmt: skip
            write_bigwig(folder / f"{base}.bw", chrom_sizes, attribution.chrom,
                         attribution.start, scores)  # fmt: skip
            stretch = top_stretch(scores, attribution.start, size, top_width)
            panels.append((method, attribution.one_hot, scores, stretch))
            rows.append({
                "pair": pair.name, "cell_line": pair.cell_line, "line": pair.line,
                "element": element, "method": method, "chrom": attribution.chrom,
                "window_start": attribution.start,
                "window_end": attribution.start + attribution.one_hot.shape[1],
                "logit": pair.logit, "top_start": stretch.start, "top_end": stretch.end,
                "top_score": stretch.score, "bedgraph": f"{base}.bedgraph",
                "bigwig": f"{base}.bw", "logo": logo,
            })  # fmt: skip
        write_logo(folder / logo, panels, f"{pair.name} ({pair.cell_line}) {element}",
                   attribution.chrom)  # fmt: skip
    return rows
