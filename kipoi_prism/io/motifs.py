"""Transcription-factor motifs: the MEME text format, site sampling and scanning.

Matrices are position frequency matrices (PFMs) of shape ``(W, 4)``, columns in the
package's base order A, C, G, T (:mod:`kipoi_prism.io.sequence`), rows summing to 1. Sites are
channel codes (uint8, 0-3), as produced by :func:`kipoi_prism.io.sequence.encode_codes`.

MEME format (the "minimal" text format of the MEME suite, as JASPAR distributes it)
--------------------------------------------------------------------------------------
::

    MEME version 4
    ALPHABET= ACGT
    strands: + -
    Background letter frequencies
    A 0.25 C 0.25 G 0.25 T 0.25

    MOTIF MA0002.3 Runx1
    letter-probability matrix: alength= 4 w= 9 nsites= 20 E= 0
    0.0615 0.5360 0.0745 0.3280
    ...

Each ``MOTIF id [name]`` line opens a motif; its ``letter-probability matrix`` line gives
``alength`` (must be 4) and ``w``, followed by ``w`` rows of 4 probabilities. ``URL`` lines,
``log-odds matrix`` blocks and the header lines are skipped. Rows are renormalised (JASPAR's
are rounded to 4 decimals); a row whose sum is off by more than 0.02, a negative entry, a
short matrix or a missing matrix is an error naming the file and line.
"""

from __future__ import annotations

import difflib
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from kipoi_prism.errors import PrismInputError
from kipoi_prism.io.atomic import atomic_open
from kipoi_prism.io.pairs import numbered_lines

ROW_SUM_TOLERANCE = 0.02
_MATRIX = re.compile(r"^letter-probability matrix:(?P<fields>.*)$")
_KEY_VALUE = re.compile(r"(\w+)\s*=\s*(\S+)")
_NUMBER = re.compile(r"^[-+]?(\d|\.\d)")


@dataclass(frozen=True)
class Motif:
    """One position frequency matrix.

    Attributes
    ----------
    id : str
        Matrix identifier, e.g. ``MA0035.5``.
    name : str
        Factor name, e.g. ``GATA1`` (the identifier when the file gives none).
    probabilities : numpy.ndarray of float64, shape=(W, 4)
        Base probabilities per position, A, C, G, T; rows sum to 1.
    line : int
        1-based line of the ``MOTIF`` line in its file (0 when made in code).
    """

    id: str
    name: str
    probabilities: np.ndarray = field(repr=False)
    line: int = 0

    def __post_init__(self) -> None:
        matrix = self.probabilities
        if matrix.ndim != 2 or matrix.shape[1] != 4 or matrix.shape[0] < 1:
            raise ValueError(f"probabilities: expected shape (W, 4), W >= 1, got {matrix.shape}")
        if (matrix < 0).any() or not np.allclose(matrix.sum(axis=1), 1.0, atol=1e-6):
            raise ValueError(f"probabilities of {self.id}: expected non-negative rows summing to 1")

    @property
    def width(self) -> int:
        """``W``, the motif length in bp."""
        return self.probabilities.shape[0]

    @property
    def consensus(self) -> str:
        """The most probable base at each position."""
        return "".join("ACGT"[i] for i in self.probabilities.argmax(axis=1))

    def reverse_complement(self) -> Motif:
        """The motif on the other strand (positions reversed, A<->T and C<->G swapped)."""
        return Motif(self.id, self.name, self.probabilities[::-1, ::-1].copy(), self.line)


# ---------------------------------------------------------------------- parsing


def read_meme(path: str | os.PathLike) -> list[Motif]:
    """Read every motif of a MEME-format file, in file order.

    Parameters
    ----------
    path : str or PathLike
        A MEME text file (gzip accepted).

    Returns
    -------
    list of Motif

    Raises
    ------
    PrismInputError
        Naming the file and line of the first problem (see module docstring).
    """
    motifs: list[Motif] = []
    lines = numbered_lines(path)
    for number, text in lines:
        text = text.strip()
        if text.startswith("ALPHABET"):
            _check_alphabet(text, path, number)
        elif text.startswith("MOTIF"):
            motifs.append(_read_motif(text, number, lines, path))
    if not motifs:
        raise PrismInputError("no MOTIF found (is this a MEME motif file?)", path)
    return motifs


def meme_text(motifs: Sequence[Motif]) -> str:
    """``motifs`` in the MEME format :func:`read_meme` reads (ids, names, matrices)."""
    lines = ["MEME version 4", "", "ALPHABET= ACGT", "", "strands: + -", "",
             "Background letter frequencies", "A 0.25 C 0.25 G 0.25 T 0.25", ""]  # fmt: skip
    for motif in motifs:
        matrix = f"letter-probability matrix: alength= 4 w= {motif.width} nsites= 0 E= 0"
        lines += [f"MOTIF {motif.id} {motif.name}", matrix]
        lines += [" ".join(f"{p:.6f}" for p in row) for row in motif.probabilities]
        lines.append("")
    return "\n".join(lines)


def write_meme(path: str | os.PathLike, motifs: Sequence[Motif]) -> None:
    """Write :func:`meme_text` of ``motifs`` to ``path``, atomically."""
    with atomic_open(path) as handle:
        handle.write(meme_text(motifs))


def _check_alphabet(text: str, path, line: int) -> None:
    alphabet = text.partition("=")[2].strip()
    if alphabet.upper() != "ACGT":
        raise PrismInputError(f"alphabet {alphabet!r} is not ACGT (DNA)", path, line)


def _read_motif(header: str, line: int, lines, path) -> Motif:
    """Parse from a ``MOTIF`` line through its letter-probability matrix."""
    fields = header.split()
    if len(fields) < 2:
        raise PrismInputError("MOTIF line names no motif", path, line)
    motif_id = fields[1]
    name = fields[2] if len(fields) > 2 else motif_id
    for number, text in lines:
        text = text.strip()
        match = _MATRIX.match(text)
        if match:
            width = _matrix_width(match["fields"], path, number)
            rows = _matrix_rows(lines, width, motif_id, path, number)
            return Motif(motif_id, name, rows, line)
        if text.startswith("MOTIF"):
            break
    raise PrismInputError(f"motif {motif_id} has no letter-probability matrix", path, line)


def _matrix_width(fields: str, path, line: int) -> int:
    values = dict(_KEY_VALUE.findall(fields))
    if values.get("alength", "4") != "4":
        raise PrismInputError(f"alength= {values['alength']} (expected 4 for DNA)", path, line)
    if "w" not in values:
        raise PrismInputError("letter-probability matrix line lacks w=", path, line)
    try:
        width = int(values["w"])
    except ValueError:
        raise PrismInputError(f"w= {values['w']!r} is not an integer", path, line) from None
    if width < 1:
        raise PrismInputError(f"w= {width} (expected at least 1)", path, line)
    return width


def _matrix_rows(lines, width: int, motif_id: str, path, header_line: int) -> np.ndarray:
    rows: list[list[float]] = []
    for number, text in lines:
        if not text.strip():
            if rows:
                break
            continue
        if not _NUMBER.match(text.split()[0]):  # a URL, MOTIF or other line ends the matrix
            break
        rows.append(_matrix_row(text, path, number))
        if len(rows) == width:
            break
    if len(rows) != width:
        raise PrismInputError(
            f"motif {motif_id}: expected {width} matrix rows (w= {width}), found {len(rows)}",
            path,
            header_line,
        )
    matrix = np.array(rows, dtype=np.float64)
    return matrix / matrix.sum(axis=1, keepdims=True)


def _matrix_row(text: str, path, line: int) -> list[float]:
    fields = text.split()
    try:
        row = [float(f) for f in fields]
    except ValueError:
        raise PrismInputError(f"matrix row {text.strip()!r} is not 4 numbers", path, line) from None
    if len(row) != 4:
        raise PrismInputError(f"matrix row has {len(row)} numbers (expected 4)", path, line)
    if min(row) < 0:
        raise PrismInputError(f"matrix row has a negative probability: {text.strip()}", path, line)
    if abs(sum(row) - 1.0) > ROW_SUM_TOLERANCE:
        raise PrismInputError(
            f"matrix row sums to {sum(row):.4f} (expected 1 within {ROW_SUM_TOLERANCE})",
            path,
            line,
        )
    return row


# ---------------------------------------------------------------------- lookup


def find_motif(
    motifs: Sequence[Motif], query: str, source: str | os.PathLike | None = None
) -> Motif:
    """Look a motif up by matrix ID or factor name.

    Parameters
    ----------
    motifs : sequence of Motif
        In file order.
    query : str
        A matrix ID with version (``MA0035.5``) or without (``MA0035``), or a factor name
        (case-insensitive: ``Spi1`` and ``SPI1`` match). Where several matrices carry the
        name, the first in file order is taken; an ID picks one exactly.
    source : str or PathLike, optional
        The motif file, named in the error.

    Returns
    -------
    Motif

    Raises
    ------
    PrismInputError
        No motif matches; the message lists the closest names.
    """
    for motif in motifs:
        if query == motif.id or query == motif.id.split(".")[0]:
            return motif
    folded = query.casefold()
    for motif in motifs:
        if motif.name.casefold() == folded:
            return motif
    names = sorted({m.name for m in motifs})
    close = difflib.get_close_matches(query.upper(), [n.upper() for n in names], n=4, cutoff=0.6)
    hint = f"; closest names: {', '.join(close)}" if close else ""
    raise PrismInputError(
        f"motif {query!r} is not among the {len(motifs)} motifs (by ID or name){hint}", source
    )


# ---------------------------------------------------------------------- sites


def sample_sites(motif: Motif, uniforms: np.ndarray) -> np.ndarray:
    """Draw motif instances, each position independently from the PFM.

    Parameters
    ----------
    motif : Motif
    uniforms : numpy.ndarray of float, shape=(N, W') with W' >= W
        U[0, 1) numbers; the first ``W`` columns are used.

    Returns
    -------
    numpy.ndarray of uint8, shape=(N, W)
        Channel codes (0-3 for A, C, G, T), forward strand.
    """
    width = motif.width
    if uniforms.ndim != 2 or uniforms.shape[1] < width:
        raise ValueError(
            f"uniforms: expected shape (N, >= {width}) for motif {motif.id}, got {uniforms.shape}"
        )
    cumulative = np.cumsum(motif.probabilities, axis=1)[:, :3]  # (W, 3)
    u = uniforms[:, :width, None]
    return (u >= cumulative[None, :, :]).sum(axis=2).astype(np.uint8)


def reverse_complement_codes(codes: np.ndarray) -> np.ndarray:
    """Reverse complement of channel codes along the last axis (A<->T, C<->G).

    Parameters
    ----------
    codes : numpy.ndarray of uint8, shape=(..., W)
        Codes 0-3.

    Returns
    -------
    numpy.ndarray of uint8, shape=(..., W)
    """
    return (3 - codes[..., ::-1]).astype(np.uint8)


# ---------------------------------------------------------------------- scanning


def log_odds(motif: Motif, background: Sequence[float] = (0.25,) * 4, pseudocount: float = 0.01):
    """Position log-odds scores ``log2((p + eps) / (1 + 4 eps) / b)``.

    Parameters
    ----------
    motif : Motif
    background : sequence of 4 floats
        Background base frequencies A, C, G, T.
    pseudocount : float
        ``eps``, added to every probability before the log.

    Returns
    -------
    numpy.ndarray of float64, shape=(W, 4)
    """
    background = np.asarray(background, dtype=np.float64)
    if background.shape != (4,) or (background <= 0).any():
        raise ValueError(f"background: expected 4 positive frequencies, got {background}")
    smoothed = (motif.probabilities + pseudocount) / (1.0 + 4 * pseudocount)
    return np.log2(smoothed / background)


def scan_scores(codes: np.ndarray, motif: Motif, **log_odds_args) -> np.ndarray:
    """Best log-odds score of every window, either strand, normalised to [0, 1].

    ``(score - min) / (max - min)`` with ``min``/``max`` the lowest and highest score the
    matrix can give; a window touching an N (code 4) scores 0.

    Parameters
    ----------
    codes : numpy.ndarray of uint8, shape=(N, L)
        Channel codes, ``L >= W``.
    motif : Motif
    **log_odds_args
        Passed to :func:`log_odds`.

    Returns
    -------
    numpy.ndarray of float64, shape=(N, L - W + 1)
    """
    codes = np.atleast_2d(codes)
    width = motif.width
    if codes.shape[1] < width:
        raise ValueError(f"codes: expected length >= {width} (motif width), got {codes.shape[1]}")
    forward = log_odds(motif, **log_odds_args)
    low, high = forward.min(axis=1).sum(), forward.max(axis=1).sum()
    codes = np.minimum(codes, 4)
    n_windows = codes.shape[1] - width + 1
    best = np.full((codes.shape[0], n_windows), -np.inf)
    for matrix in (forward, log_odds(motif.reverse_complement(), **log_odds_args)):
        table = np.hstack([matrix, np.full((width, 1), -np.inf)])  # column 4: N never matches
        scores = np.zeros((codes.shape[0], n_windows))
        for j in range(width):
            scores += table[j][codes[:, j : j + n_windows]]
        best = np.maximum(best, scores)
    return np.clip((best - low) / (high - low), 0.0, 1.0)


def count_matches(codes: np.ndarray, motif: Motif, threshold: float = 0.85) -> np.ndarray:
    """Windows scoring at least ``threshold`` (see :func:`scan_scores`), per sequence.

    Parameters
    ----------
    codes : numpy.ndarray of uint8, shape=(N, L)
    motif : Motif
    threshold : float
        In (0, 1].

    Returns
    -------
    numpy.ndarray of int64, shape=(N,)
    """
    if not 0 < threshold <= 1:
        raise ValueError(f"threshold: expected a number in (0, 1], got {threshold}")
    return (scan_scores(codes, motif) >= threshold).sum(axis=1)
