"""Text outputs for pipelines and genome browsers. No torch here.

Formats written
---------------
pair table (canonical BEDPE)
    :data:`kipoi_prism.io.PAIR_COLUMNS` plus extras (e.g. ``distance``), tab-separated,
    with one ``#`` header line naming the columns; label ``-1`` is written ``.``. It reads
    back through :func:`kipoi_prism.io.iter_pairs` unchanged (extras named by the header).
BEDPE track
    Enhancer chrom/start/end, promoter chrom/start/end, pair name, the probability as
    score, the two strands and the cell line (11 columns, a ``#`` header line), sorted by
    (enhancer chrom, enhancer start, enhancer end, name), for IGV and Juicebox.
interact
    UCSC's ``interact`` BED5+13, one record per same-chromosome pair, two for a pair
    across chromosomes, sorted by (chrom, chromStart) byte-wise as ``bedToBigBed`` wants,
    no header. Columns :data:`INTERACT_COLUMNS`; the enhancer is the source and the
    promoter the target, ``score`` is ``round(1000 * probability)`` (0-1000), ``value``
    the probability and ``exp`` the cell line. Its autoSql is :data:`INTERACT_AS`.

Every file is written atomically (a temporary file beside it, renamed at the end), or to
standard output for the path ``-``. Sorting is external (sorted runs in temporary files,
then a merge), so memory stays bounded however many pairs there are.
"""

from __future__ import annotations

import contextlib
import gzip
import heapq
import io
import os
import sys
import tempfile
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import TextIO

import numpy as np
import pandas as pd

from kipoi_prism.errors import PrismInputError
from kipoi_prism.io import PAIR_COLUMNS

INTERACT_AS = Path(__file__).parent / "data" / "interact.as"
INTERACT_COLUMNS = [
    "chrom", "chromStart", "chromEnd", "name", "score", "value", "exp", "color",
    "sourceChrom", "sourceStart", "sourceEnd", "sourceName", "sourceStrand",
    "targetChrom", "targetStart", "targetEnd", "targetName", "targetStrand",
]  # fmt: skip
BEDPE_TRACK_COLUMNS = [
    "chrom1", "start1", "end1", "chrom2", "start2", "end2",
    "name", "score", "strand1", "strand2", "cell_line",
]  # fmt: skip
SCORE_SCALE = 1000
DEFAULT_COLOR = "#000000"
DEFAULT_RUN_ROWS = 200_000
_FLOAT_FORMAT = "%.6g"


# --------------------------------------------------------------------------- files


@contextlib.contextmanager
def open_output(path: str | os.PathLike) -> Iterator[TextIO]:
    """A text handle that replaces ``path`` only once everything is written.

    Parameters
    ----------
    path : str or PathLike
        ``-`` for standard output (not closed); a name ending ``.gz`` is gzip-compressed.

    Yields
    ------
    TextIO
        Writes go to a temporary file in the same folder, renamed onto ``path`` on
        success and removed on any error, so a reader never sees a half-written file.
    """
    if str(path) == "-":
        yield sys.stdout
        sys.stdout.flush()
        return
    path = Path(path)
    if not path.parent.is_dir():
        raise PrismInputError("output folder does not exist", path.parent)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(handle)
    try:
        opener = gzip.open if path.suffix == ".gz" else open
        with opener(temporary, "wt", encoding="utf-8", newline="\n") as stream:
            yield stream
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    finally:
        Path(temporary).unlink(missing_ok=True)


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
    with open_output(path) as stream:
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


def bedpe_track_frame(predictions: pd.DataFrame, score_column: str = "probability") -> pd.DataFrame:
    """Predictions -> BEDPE track rows (:data:`BEDPE_TRACK_COLUMNS`), probability as score."""
    source = [
        "enhancer_chrom", "enhancer_start", "enhancer_end",
        "promoter_chrom", "promoter_start", "promoter_end", "name",
    ]  # fmt: skip
    out = predictions[source].copy()
    out.columns = BEDPE_TRACK_COLUMNS[:7]
    out["score"] = _probability(predictions, score_column)
    out["strand1"] = predictions["enhancer_strand"].to_numpy()
    out["strand2"] = predictions["promoter_strand"].to_numpy()
    out["cell_line"] = predictions["cell_line"].to_numpy()
    return out


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
        text tie-breaker (the interact name, or the BEDPE track's second chromosome).
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


def write_sorted(
    chunks: Iterable[pd.DataFrame],
    path: str | os.PathLike,
    to_rows: Callable[[pd.DataFrame], pd.DataFrame],
    header: str | None = None,
    run_rows: int = DEFAULT_RUN_ROWS,
) -> int:
    """Convert each chunk with ``to_rows``, sort all rows externally and write them.

    Returns
    -------
    int
        Rows written.
    """
    sorter: ExternalSorter | None = None
    rows = 0
    for chunk in chunks:
        frame = to_rows(chunk)
        sorter = sorter or ExternalSorter(list(frame.columns[:4]), run_rows)
        sorter.add(frame)
        rows += len(frame)
    with open_output(path) as stream:
        if header is not None:
            stream.write(header)
        if sorter is not None:
            stream.writelines(sorter.lines())
    return rows


def write_interact(
    chunks: Iterable[pd.DataFrame],
    path: str | os.PathLike,
    score_column: str = "probability",
    color: str = DEFAULT_COLOR,
    run_rows: int = DEFAULT_RUN_ROWS,
) -> int:
    """Write predictions as a sorted UCSC ``interact`` file (no header); returns rows written.

    Convert with ``bedToBigBed -as=interact.as -type=bed5+13 FILE chrom.sizes OUT.inter.bb``
    (the autoSql file is :data:`INTERACT_AS`).
    """
    return write_sorted(
        chunks, path, lambda c: interact_frame(c, score_column, color), run_rows=run_rows
    )


def write_bedpe_track(
    chunks: Iterable[pd.DataFrame],
    path: str | os.PathLike,
    score_column: str = "probability",
    run_rows: int = DEFAULT_RUN_ROWS,
) -> int:
    """Write predictions as a sorted BEDPE track with a ``#`` header; returns rows written."""
    header = "#" + "\t".join(BEDPE_TRACK_COLUMNS) + "\n"
    return write_sorted(
        chunks, path, lambda c: bedpe_track_frame(c, score_column), header, run_rows
    )
