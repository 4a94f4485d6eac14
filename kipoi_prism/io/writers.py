"""Prediction outputs: TSV, BEDPE, HDF5 and Parquet, chosen by file suffix, written atomically.

Every writer takes scored chunks (:class:`pandas.DataFrame` with the canonical pair
columns of :mod:`kipoi_prism.io.pairs` plus :data:`SCORE_COLUMNS`) in input order. A file is
written to a temporary file in the destination folder and renamed over the destination
only when the run succeeds (:func:`open_output`), so a failed run leaves no output file
behind. ``-`` writes TSV to standard output.

Formats
-------
``.tsv``
    Header row, then one row per pair: ``name, cell_line, probability, call, U_I, R_E,
    lam, T``; ``label`` (``0``/``1``, ``.`` unknown) when the input carries labels; the
    coordinates ``enhancer_chrom, enhancer_start, enhancer_end, promoter_chrom,
    promoter_start, promoter_end``; ``padded`` (how many of the pair's two windows ran off a
    chromosome end and were padded with N: 0, 1 or 2); then the input's extra columns
    (e.g. the ``distance`` of ``kipoi-prism pairs``), in input order.
``.bedpe``
    A ``#`` header line naming the columns, then the input's BEDPE columns 1-11 with
    column 8 (score) replaced by the probability, column 12 the label (``.`` unknown),
    then ``call, U_I, R_E, lam, T, padded`` and the input's extra columns. The file reads
    back as a labelled BEDPE (the columns after 12 as named extras).
``.h5``
    One dataset per column of the TSV plus ``label`` (-1 unknown; strings as
    variable-length UTF-8, an extra column numeric when the input's is), root attributes
    holding the run's metadata (threshold and where it came from, weights hash,
    support-set size, seed).
``.parquet``
    Apache Parquet (pyarrow): the TSV's columns in its order, typed as in :data:`H5_COLUMNS`
    (``label`` int8, null unknown; an extra column numeric when the input's is, else
    string), written in row groups of up to :data:`PARQUET_ROW_GROUP_ROWS` rows as the
    chunks arrive (the table is never held whole); the run's metadata (as the ``.h5``
    attributes) as JSON under the file's key-value metadata key ``kipoi_prism``.
``.interact.bed``
    UCSC ``interact`` (BED5+13), sorted for ``bedToBigBed``: see :mod:`kipoi_prism.io.tracks`.
    Its columns are fixed by the format, so extra columns and ``padded`` are not written.

New formats register a :class:`PairWriter` subclass in :data:`WRITERS` (longest matching
suffix wins, so ``.interact.bed`` can sit beside ``.bed``).
"""

from __future__ import annotations

import abc
import json
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar, TextIO

import numpy as np
import pandas as pd

from kipoi_prism.errors import PrismInputError
from kipoi_prism.io.atomic import atomic_path
from kipoi_prism.io.pairs import PAIR_COLUMNS
from kipoi_prism.io.tracks import InteractWriter

SCORE_COLUMNS = ["probability", "call", "U_I", "R_E", "lam", "T"]
#: Per pair: how many of its two windows ran off a chromosome end (padded with N).
PADDED_COLUMN = "padded"
COORDINATE_COLUMNS = [
    "enhancer_chrom", "enhancer_start", "enhancer_end",
    "promoter_chrom", "promoter_start", "promoter_end",
]  # fmt: skip
#: Columns of a scored chunk that are not the input's extras.
_KNOWN_COLUMNS = frozenset(PAIR_COLUMNS + ["line", *SCORE_COLUMNS, PADDED_COLUMN])
STDOUT = "-"
FLOAT_FORMAT = "%.7g"


@dataclass
class OutputContext:
    """What a writer needs to know about the run beyond the rows.

    Attributes
    ----------
    has_labels : bool
        Whether any input row carries a 0/1 label (adds a ``label`` column to TSV).
    attributes : dict
        Run metadata (threshold, weights hash, ...) for formats that can store it.
    """

    has_labels: bool = False
    attributes: dict[str, Any] = field(default_factory=dict)


def extra_columns(frame: pd.DataFrame) -> list[str]:
    """The input's extra columns in a scored chunk (BEDPE columns 13+, ``distance``, ...)."""
    return [column for column in frame.columns if column not in _KNOWN_COLUMNS]


def table_columns(frame: pd.DataFrame, has_labels: bool) -> list[str]:
    """The columns of the TSV (and Parquet) output for a scored chunk, in order."""
    label = ["label"] if has_labels else []
    return [
        "name", "cell_line", *SCORE_COLUMNS, *label, *COORDINATE_COLUMNS, PADDED_COLUMN,
        *extra_columns(frame),
    ]  # fmt: skip


def _label_text(labels: pd.Series) -> np.ndarray:
    """0/1 labels as text, ``.`` where unknown (-1)."""
    values = labels.to_numpy(np.int64)
    return np.where(values < 0, ".", values.astype(str))


class PairWriter(abc.ABC):
    """Base class: writes scored chunks to one destination.

    Parameters
    ----------
    target : Path or TextIO
        A file path (the temporary file :func:`open_output` renames on success) or, for
        text formats, an open text stream.
    context : OutputContext
    """

    suffix: ClassVar[str] = ""
    #: A text format (may write to a stream); a binary one needs a file path.
    text: ClassVar[bool] = True
    #: What messages call the format.
    title: ClassVar[str] = ""

    def __init__(self, target: Path | TextIO, context: OutputContext) -> None:
        self.context = context
        self._owned = isinstance(target, (str, os.PathLike))
        if not self.text and not self._owned:
            raise PrismInputError(f"{self.title} output needs a file path, not a stream")
        if self.text:
            self.stream = open(target, "w", newline="") if self._owned else target
        self.rows = 0

    def write(self, frame: pd.DataFrame) -> None:
        """Append scored rows (input order)."""
        self._write(frame)
        self.rows += len(frame)

    @abc.abstractmethod
    def _write(self, frame: pd.DataFrame) -> None:
        """Write one batch of rows in this writer's format."""

    def close(self) -> None:
        """Flush and close what this writer opened."""
        if self.text:
            if self._owned:
                self.stream.close()
            else:
                self.stream.flush()


class TsvWriter(PairWriter):
    """Tab-separated table, one row per pair (see module docstring)."""

    suffix = ".tsv"

    def _write(self, frame: pd.DataFrame) -> None:
        table = frame[table_columns(frame, self.context.has_labels)]
        if self.context.has_labels:
            table = table.assign(label=_label_text(frame["label"]))
        table.to_csv(
            self.stream, sep="\t", index=False, header=self.rows == 0, float_format=FLOAT_FORMAT,
            lineterminator="\n",
        )  # fmt: skip


BEDPE_OUTPUT_COLUMNS = [
    "enhancer_chrom", "enhancer_start", "enhancer_end",
    "promoter_chrom", "promoter_start", "promoter_end",
    "name", "probability", "enhancer_strand", "promoter_strand", "cell_line", "label",
    "call", "U_I", "R_E", "lam", "T", PADDED_COLUMN,
]  # fmt: skip


class BedpeWriter(PairWriter):
    """BEDPE with the probability as score (see module docstring)."""

    suffix = ".bedpe"

    def _write(self, frame: pd.DataFrame) -> None:
        columns = BEDPE_OUTPUT_COLUMNS + extra_columns(frame)
        if self.rows == 0:
            self.stream.write("#" + "\t".join(columns) + "\n")
        table = frame.assign(label=_label_text(frame["label"]))[columns]
        table.to_csv(
            self.stream, sep="\t", index=False, header=False, float_format=FLOAT_FORMAT,
            lineterminator="\n",
        )  # fmt: skip


H5_COLUMNS = {
    "name": "str", "cell_line": "str",
    "enhancer_chrom": "str", "enhancer_start": np.int64, "enhancer_end": np.int64,
    "promoter_chrom": "str", "promoter_start": np.int64, "promoter_end": np.int64,
    "label": np.int8, "probability": np.float32, "call": np.int8,
    "U_I": np.float32, "R_E": np.float32, "lam": np.float32, "T": np.float32,
    PADDED_COLUMN: np.int8,
}  # fmt: skip


class Hdf5Writer(PairWriter):
    """HDF5: one resizable dataset per column in :data:`H5_COLUMNS` and per extra column of
    the input (numeric when the input's column is, else strings); label -1 = unknown."""

    suffix = ".h5"
    text = False
    title = "HDF5"

    def __init__(self, target: Path | TextIO, context: OutputContext) -> None:
        import h5py

        super().__init__(target, context)
        self.file = h5py.File(target, "w")
        for key, value in context.attributes.items():
            self.file.attrs[key] = value
        self.columns = dict(H5_COLUMNS)
        for column, dtype in H5_COLUMNS.items():
            self._create(column, dtype)

    def _create(self, column: str, dtype) -> None:
        import h5py

        self.file.create_dataset(
            column, shape=(0,), maxshape=(None,), chunks=(4096,), compression="gzip",
            dtype=h5py.string_dtype() if dtype == "str" else dtype,
        )  # fmt: skip

    def _write(self, frame: pd.DataFrame) -> None:
        if self.rows == 0:
            for column in extra_columns(frame):
                kind = frame[column].dtype
                dtype = kind if kind.kind in "biuf" else "str"
                self.columns[column] = dtype
                self._create(column, dtype)
        start, stop = self.rows, self.rows + len(frame)
        for column, dtype in self.columns.items():
            values = frame[column].to_numpy(object if dtype == "str" else dtype)
            dataset = self.file[column]
            dataset.resize((stop,))
            dataset[start:stop] = values

    def close(self) -> None:
        self.file.close()


#: Rows gathered into one Parquet row group before it is written (bounds the memory held).
PARQUET_ROW_GROUP_ROWS = 65_536
#: Parquet key-value metadata key holding the run's metadata (JSON object).
PARQUET_METADATA_KEY = "kipoi_prism"


class ParquetWriter(PairWriter):
    """Apache Parquet through pyarrow: the TSV's columns, typed (see module docstring).

    Rows are gathered into row groups of up to :data:`PARQUET_ROW_GROUP_ROWS` and each is
    written when full, so memory stays bounded however many pairs are scored.
    """

    suffix = ".parquet"
    text = False
    title = "Parquet"

    def __init__(self, target: Path | TextIO, context: OutputContext) -> None:
        super().__init__(target, context)
        self.path = target
        self.schema = None
        self.file = None
        self.held: list = []  # pyarrow Tables not yet written as a row group
        self.held_rows = 0

    def _typed(self, frame: pd.DataFrame) -> None:
        """Fix the schema from the first chunk (its extra columns)."""
        import pyarrow as pa

        fields = [
            pa.field(column, _arrow_type(H5_COLUMNS.get(column) or frame[column].dtype))
            for column in table_columns(frame, self.context.has_labels)
        ]
        metadata = {PARQUET_METADATA_KEY: json.dumps(self.context.attributes, default=str)}
        self.schema = pa.schema(fields, metadata=metadata)

    def _open(self, schema) -> None:
        import pyarrow.parquet as pq

        self.file = pq.ParquetWriter(self.path, schema)

    def _write(self, frame: pd.DataFrame) -> None:
        import pyarrow as pa

        if self.schema is None:
            self._typed(frame)
        table = frame[self.schema.names].copy()
        if self.context.has_labels:
            table["label"] = table["label"].astype("Int8").mask(table["label"] < 0)
        for column in self.schema:
            if pa.types.is_string(column.type):
                table[column.name] = table[column.name].astype("string")
        try:
            arrow = pa.Table.from_pandas(table, schema=self.schema, preserve_index=False)
        except (pa.ArrowInvalid, pa.ArrowTypeError) as error:
            raise PrismInputError(f"Parquet output: a column changed type: {error}") from None
        if self.file is None:  # the first chunk's schema adds pandas' metadata (label: Int8)
            self._open(arrow.schema)
        self.held.append(arrow)
        self.held_rows += len(arrow)
        if self.held_rows >= PARQUET_ROW_GROUP_ROWS:
            self._flush()

    def _flush(self) -> None:
        import pyarrow as pa

        if self.held_rows:
            self.file.write_table(pa.concat_tables(self.held), PARQUET_ROW_GROUP_ROWS)
        self.held, self.held_rows = [], 0

    def close(self) -> None:
        if self.file is None:  # no chunk came: the fixed columns, no rows
            self._typed(pd.DataFrame())
            self._open(self.schema)
        self._flush()
        self.file.close()


def _arrow_type(dtype):
    """The Arrow type of a column: ``"str"`` (see :data:`H5_COLUMNS`) and anything not
    numeric or boolean as strings, numbers as their NumPy type (nullable pandas types too)."""
    import pyarrow as pa

    try:
        numpy = np.dtype(getattr(dtype, "numpy_dtype", dtype))
    except TypeError:  # a category, a pandas string type, "str"
        return pa.string()
    return pa.from_numpy_dtype(numpy) if numpy.kind in "biuf" else pa.string()


# Suffix -> writer class. The one place output formats are registered.
WRITERS: dict[str, type[PairWriter]] = {
    TsvWriter.suffix: TsvWriter,
    BedpeWriter.suffix: BedpeWriter,
    Hdf5Writer.suffix: Hdf5Writer,
    ParquetWriter.suffix: ParquetWriter,
    InteractWriter.suffix: InteractWriter,
}


def writer_class(path: str | os.PathLike) -> type[PairWriter]:
    """The writer for ``path`` by its suffix (longest registered match); ``-`` is TSV."""
    if str(path) == STDOUT:
        return TsvWriter
    name = Path(path).name.lower()
    matches = [suffix for suffix in WRITERS if name.endswith(suffix)]
    if not matches:
        raise PrismInputError(
            f"unknown output format; name the file with one of {', '.join(sorted(WRITERS))} "
            f"(or - for TSV on standard output)",
            path,
        )
    return WRITERS[max(matches, key=len)]


def check_output(path: str | os.PathLike) -> None:
    """Fail early (before any work) on an output path that cannot be written."""
    writer_class(path)
    if str(path) == STDOUT:
        return
    folder = Path(path).resolve().parent
    if not folder.is_dir():
        raise PrismInputError(f"output folder {folder} does not exist", path)
    if Path(path).is_dir():
        raise PrismInputError("output path is a folder", path)
    if not os.access(folder, os.W_OK):
        raise PrismInputError(f"output folder {folder} is not writable", path)


@contextmanager
def open_output(path: str | os.PathLike, context: OutputContext) -> Iterator[PairWriter]:
    """A writer for ``path`` that only creates ``path`` if the block succeeds.

    Parameters
    ----------
    path : str or PathLike
        Destination; its suffix picks the format (:data:`WRITERS`); ``-`` is standard output.
    context : OutputContext

    Yields
    ------
    PairWriter
        Writes to a temporary file beside ``path`` (:func:`kipoi_prism.io.atomic.atomic_path`):
        renamed to ``path`` on success, removed on any error.
    """
    check_output(path)
    cls = writer_class(path)
    if str(path) == STDOUT:
        writer = cls(sys.stdout, context)
        yield writer
        writer.close()
        return
    with atomic_path(path) as temporary:
        writer = cls(temporary, context)
        try:
            yield writer
        except BaseException:
            _close_quietly(writer)
            raise
        writer.close()


def write_empty(path: str | os.PathLike) -> None:
    """A prediction output with no pairs (header only, where the format has one).

    For a candidate set with nothing in range: a pipeline step still finds its output.
    """
    from kipoi_prism.io.candidates import empty_candidates

    frame = empty_candidates().assign(**{c: np.empty(0, np.float32) for c in SCORE_COLUMNS})
    frame[PADDED_COLUMN] = np.empty(0, np.int8)
    with open_output(path, OutputContext()) as writer:
        writer.write(frame)


def _close_quietly(writer: PairWriter) -> None:
    try:
        writer.close()
    except Exception:  # noqa: BLE001 - the original error is the one to report
        pass
