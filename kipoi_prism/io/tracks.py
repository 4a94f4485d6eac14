"""Text outputs for pipelines and genome browsers. No torch here.

Formats written
---------------
pair table (canonical BEDPE)
    :data:`kipoi_prism.io.pairs.PAIR_COLUMNS` plus extras (e.g. ``distance``), tab-separated,
    with one ``#`` header line naming the columns; label ``-1`` is written ``.``. It reads
    back through :func:`kipoi_prism.io.pairs.iter_pairs` unchanged (extras named by the header).
    ``kipoi-prism pairs`` writes it.
interact
    UCSC's ``interact`` BED5+13 (:data:`INTERACT_COLUMNS`, autoSql :data:`INTERACT_AS`):
    one record per same-chromosome pair, two for a pair across chromosomes (one on each
    chromosome, as the format asks); no header; sorted by chromosome (byte order, as
    ``LC_ALL=C sort``), start, end, name: the order ``bedToBigBed`` checks. The enhancer is
    the source, the promoter the target, ``score`` is ``round(1000 * probability)``
    (0-1000), ``value`` the probability, ``exp`` the cell line. ``kipoi-prism predict``
    writes it for an output named ``*.interact.bed`` (:class:`InteractWriter`). The
    format's columns are fixed (``bedToBigBed -type=bed5+13`` with the standard autoSql), so
    the input's extra columns and the ``padded`` flag are not written (a log line names
    them); the ``.tsv``, ``.bedpe`` and ``.h5`` outputs keep them.

The BEDPE with the probability as score is the ``.bedpe`` output of
:mod:`kipoi_prism.io.writers`.

Files are written atomically (a temporary file beside the destination, renamed at the
end), or to standard output for ``-``. The interact sort is external (sorted runs in
temporary files, then a merge), so memory stays bounded however many pairs there are.
"""

from __future__ import annotations

import contextlib
import heapq
import io
import logging
import os
import sys
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TextIO

import numpy as np
import pandas as pd

from kipoi_prism.io.atomic import atomic_open
from kipoi_prism.io.pairs import PAIR_COLUMNS

log = logging.getLogger(__name__)

INTERACT_AS = Path(__file__).parents[1] / "data" / "interact.as"
INTERACT_COLUMNS = [
    "chrom", "chromStart", "chromEnd", "name", "score", "value", "exp", "color",
    "sourceChrom", "sourceStart", "sourceEnd", "sourceName", "sourceStrand",
    "targetChrom", "targetStart", "targetEnd", "targetName", "targetStrand",
]  # fmt: skip
SCORE_SCALE = 1000
DEFAULT_COLOR = "#000000"
DEFAULT_RUN_ROWS = 200_000
_FLOAT_FORMAT = "%.6g"


# --------------------------------------------------------------------------- files


@contextlib.contextmanager
def atomic_text_output(path: str | os.PathLike) -> Iterator[TextIO]:
    """A text handle for ``path``; ``-`` is standard output (flushed, not closed).

    Any other path goes through :func:`kipoi_prism.io.atomic.atomic_open`: written to a
    temporary file beside it, renamed onto it on success and removed on any error, so a
    reader never sees a half-written file; a name ending ``.gz`` is gzip-compressed.
    """
    if str(path) == "-":
        yield sys.stdout
        sys.stdout.flush()
        return
    with atomic_open(path) as stream:
        yield stream


def silence_stdout() -> None:
    """Point standard output at the null device.

    For a reader that stopped early (``kipoi-prism pairs --out - | head``): after a
    :class:`BrokenPipeError` nothing more can reach it, and the final flush at exit must
    not fail again.
    """
    null = os.open(os.devnull, os.O_WRONLY)
    os.dup2(null, sys.stdout.fileno())
    os.close(null)


def _tsv(frame: pd.DataFrame) -> str:
    """Rows of ``frame`` as tab-separated text, no header, floats to 6 significant digits."""
    buffer = io.StringIO()
    frame.to_csv(buffer, sep="\t", header=False, index=False, float_format=_FLOAT_FORMAT,
                 lineterminator="\n")  # fmt: skip
    return buffer.getvalue()


# --------------------------------------------------------------------------- pair table


def pair_table_text(frame: pd.DataFrame, extra_columns: list[str]) -> str:
    """Canonical BEDPE rows (see the module docstring), label ``-1`` as ``.``."""
    label = frame["label"].to_numpy()
    out = frame[PAIR_COLUMNS + extra_columns].copy()
    out["label"] = np.where(label < 0, ".", label.astype(str))
    return _tsv(out)


def write_pair_table(
    chunks: Iterable[pd.DataFrame], path: str | os.PathLike, extra_columns: list[str]
) -> int:
    """Write canonical BEDPE chunks with a ``#`` header line; returns the number of rows.

    An empty ``chunks`` still writes the header, so a pipeline step finds its output.
    """
    rows = 0
    with atomic_text_output(path) as stream:
        stream.write("#" + "\t".join(PAIR_COLUMNS + extra_columns) + "\n")
        for chunk in chunks:
            stream.write(pair_table_text(chunk, extra_columns))
            rows += len(chunk)
    return rows


# --------------------------------------------------------------------------- track frames


def _probability(frame: pd.DataFrame, column: str) -> np.ndarray:
    if column not in frame.columns:
        raise KeyError(f"score_column: no column {column!r} in {list(frame.columns)}")
    values = frame[column].to_numpy(np.float64)
    if np.isnan(values).any() or (values < 0).any() or (values > 1).any():
        raise ValueError(f"{column}: expected probabilities in [0, 1]")
    return values


def scaled_score(probability: np.ndarray) -> np.ndarray:
    """Probabilities in [0, 1] -> integer scores 0-1000 (rounded half to even)."""
    return np.clip(np.rint(probability * SCORE_SCALE), 0, SCORE_SCALE).astype(np.int64)


def interact_frame(
    predictions: pd.DataFrame, score_column: str = "probability", color: str = DEFAULT_COLOR
) -> pd.DataFrame:
    """Predictions -> UCSC ``interact`` rows (:data:`INTERACT_COLUMNS`), unsorted.

    Parameters
    ----------
    predictions : pandas.DataFrame
        Pair-table columns plus ``score_column`` (probabilities in [0, 1]).
    score_column : str
    color : str
        Item colour, ``#RRGGBB`` or ``r,g,b``.

    Returns
    -------
    pandas.DataFrame
        One row per same-chromosome pair; two per pair across chromosomes (one anchored
        on each region, as the format asks).
    """
    probability = _probability(predictions, score_column)
    if predictions.empty:
        return pd.DataFrame({column: [] for column in INTERACT_COLUMNS})
    e = [predictions[f"enhancer_{c}"].to_numpy() for c in ("chrom", "start", "end", "strand")]
    p = [predictions[f"promoter_{c}"].to_numpy() for c in ("chrom", "start", "end", "strand")]
    names = predictions["name"].astype(str)
    # "enh~prom" names its two regions; any other pair name stands for both ends.
    parts = names.str.partition("~")
    split = (parts[1] == "~").to_numpy()
    e_names = np.where(split, parts[0].to_numpy(object), names.to_numpy(object))
    p_names = np.where(split, parts[2].to_numpy(object), names.to_numpy(object))
    same = e[0] == p[0]
    frame = pd.DataFrame(
        {
            "chrom": e[0],
            "chromStart": np.where(same, np.minimum(e[1], p[1]), e[1]),
            "chromEnd": np.where(same, np.maximum(e[2], p[2]), e[2]),
            "name": names.to_numpy(object),
            "score": scaled_score(probability),
            "value": probability,
            "exp": predictions["cell_line"].to_numpy(),
            "color": color,
            "sourceChrom": e[0], "sourceStart": e[1], "sourceEnd": e[2],
            "sourceName": e_names, "sourceStrand": e[3],
            "targetChrom": p[0], "targetStart": p[1], "targetEnd": p[2],
            "targetName": p_names,
            "targetStrand": p[3],
        }
    )  # fmt: skip
    other = frame[~same].copy()
    other[["chrom", "chromStart", "chromEnd"]] = frame.loc[
        ~same, ["targetChrom", "targetStart", "targetEnd"]
    ].to_numpy()
    return pd.concat([frame, other], ignore_index=True) if len(other) else frame


# --------------------------------------------------------------------------- sorting


class ExternalSorter:
    """Sorts track rows by their first four fields in bounded memory.

    Rows are buffered up to ``run_rows``, sorted and spilled to a temporary file as text
    ("runs"); :meth:`lines` merges the runs. Chromosome names compare code point by code
    point, which is UTF-8 byte order, the order of ``LC_ALL=C sort`` that the UCSC tools
    check. Ties keep input order.

    Parameters
    ----------
    keys : list of str
        The first four output columns: chromosome (text), start, end (integers) and a
        text tie-breaker (the name).
    run_rows : int
        Rows per in-memory run.
    """

    def __init__(self, keys: list[str], run_rows: int = DEFAULT_RUN_ROWS) -> None:
        if run_rows < 1:
            raise ValueError(f"run_rows: expected a positive integer, got {run_rows}")
        self.keys, self.run_rows = keys, run_rows
        self._buffer: list[pd.DataFrame] = []
        self._buffered = 0
        self._runs: list[Path] = []
        self._folder: tempfile.TemporaryDirectory | None = None

    def add(self, frame: pd.DataFrame) -> None:
        self._buffer.append(frame)
        self._buffered += len(frame)
        if self._buffered >= self.run_rows:
            self._spill()

    def _sorted_buffer(self) -> pd.DataFrame | None:
        if not self._buffer:
            return None
        frame = pd.concat(self._buffer, ignore_index=True)
        self._buffer, self._buffered = [], 0
        return frame.sort_values(self.keys, kind="stable", ignore_index=True)

    def _spill(self) -> None:
        frame = self._sorted_buffer()
        if frame is None:
            return
        if self._folder is None:
            self._folder = tempfile.TemporaryDirectory(prefix="kipoi-prism-sort-")
        run = Path(self._folder.name) / f"run{len(self._runs):05d}.tsv"
        run.write_text(_tsv(frame), encoding="utf-8")
        self._runs.append(run)

    def lines(self) -> Iterator[str]:
        """All rows as sorted text lines; temporary files are removed afterwards."""
        if not self._runs:
            frame = self._sorted_buffer()
            if frame is not None:
                yield from _tsv(frame).splitlines(keepends=True)
            return
        self._spill()
        try:
            with contextlib.ExitStack() as stack:
                handles = [stack.enter_context(open(r, encoding="utf-8")) for r in self._runs]
                yield from heapq.merge(*handles, key=_line_key)
        finally:
            self._folder.cleanup()
            self._folder, self._runs = None, []


def _line_key(line: str) -> tuple[str, int, int, str]:
    chrom, start, end, name = line.split("\t", 4)[:4]
    return chrom, int(start), int(end), name


class InteractWriter:
    """Writes scored chunks as a sorted UCSC ``interact`` file (see the module docstring).

    Follows the :class:`kipoi_prism.io.writers.PairWriter` interface (``suffix``, ``text``,
    ``write``, ``close``, ``rows``), so the predict writers dispatch to it by suffix. Rows
    are sorted externally and written on :meth:`close`.

    Parameters
    ----------
    target : Path or TextIO
        File path, or an open text stream (standard output).
    context : kipoi_prism.io.writers.OutputContext, optional
        Unused: interact has no place for run metadata.
    score_column : str
        Column holding the probability.
    color : str
        Item colour, ``#RRGGBB``.
    run_rows : int
        Rows per in-memory sorted run.
    """

    suffix = ".interact.bed"
    text = True

    def __init__(
        self,
        target: Path | TextIO,
        context=None,
        score_column: str = "probability",
        color: str = DEFAULT_COLOR,
        run_rows: int = DEFAULT_RUN_ROWS,
    ) -> None:
        self.target, self.context = target, context
        self.score_column, self.color = score_column, color
        self.sorter = ExternalSorter(INTERACT_COLUMNS[:4], run_rows)
        self.rows = 0
        self._closed = False

    def write(self, frame: pd.DataFrame) -> None:
        """Add scored rows (any order)."""
        if self.rows == 0:
            _note_dropped_columns(frame)
        self.sorter.add(interact_frame(frame, self.score_column, self.color))
        self.rows += len(frame)

    def close(self) -> None:
        """Write every record, sorted; a second call does nothing."""
        if self._closed:
            return
        self._closed = True
        if isinstance(self.target, (str, os.PathLike)):
            with open(self.target, "w", encoding="utf-8", newline="\n") as stream:
                stream.writelines(self.sorter.lines())
        else:
            self.target.writelines(self.sorter.lines())
            self.target.flush()


def _note_dropped_columns(frame: pd.DataFrame) -> None:
    """Log which input columns an interact file cannot hold (its 18 columns are fixed)."""
    from kipoi_prism.io.writers import PADDED_COLUMN, extra_columns  # writers imports this

    dropped = extra_columns(frame) + ([PADDED_COLUMN] if PADDED_COLUMN in frame.columns else [])
    if dropped:
        log.info(
            "interact tracks have a fixed set of columns (BED5+13): %s not written; the .tsv, "
            ".bedpe and .h5 outputs keep them",
            ", ".join(dropped),
        )


def write_interact(
    chunks: Iterable[pd.DataFrame],
    path: str | os.PathLike,
    score_column: str = "probability",
    color: str = DEFAULT_COLOR,
    run_rows: int = DEFAULT_RUN_ROWS,
) -> int:
    """Write scored chunks as a sorted ``interact`` file (``-``: stdout); returns pairs written.

    Convert with ``bedToBigBed -as=interact.as -type=bed5+13 FILE chrom.sizes OUT.inter.bb``
    (the autoSql file is :data:`INTERACT_AS`).
    """
    with atomic_text_output(path) as stream:
        writer = InteractWriter(stream, None, score_column, color, run_rows)
        for chunk in chunks:
            writer.write(chunk)
        writer.close()
    return writer.rows
