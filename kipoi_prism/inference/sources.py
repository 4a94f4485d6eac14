"""Pair sources: a pair table the engine can read more than once.

A *pair source* is anything with ``name`` (what error messages call it) and ``chunks()``
yielding canonical chunks as :func:`kipoi_prism.io.pairs.iter_pairs` does. The engine reads a
source twice (pass 1 checks it and draws the support sets, pass 2 scores it), so standard
input is spooled to a temporary file first.
"""

from __future__ import annotations

import logging
import os
import shutil
import sys
import tempfile
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import BinaryIO, Protocol

import numpy as np
import pandas as pd

from kipoi_prism.errors import PrismInputError
from kipoi_prism.io.pairs import DEFAULT_CHUNK_SIZE, PAIR_COLUMNS, detect_format, iter_pairs
from kipoi_prism.io.shards import kept_rows

log = logging.getLogger(__name__)

#: What a pair table scored by a feature-backbone model needs besides its feature columns.
FEATURE_PAIR_COLUMNS = ("name", "cell_line", "label")


class PairSource(Protocol):
    """A pair table that can be read more than once.

    Attributes
    ----------
    name : str
        What error messages call it (usually the file path).
    """

    name: str

    def chunks(self) -> Iterator[pd.DataFrame]:
        """Canonical chunks (:data:`kipoi_prism.io.pairs.PAIR_COLUMNS`, ``line``, extras), input
        order."""
        ...


class FilePairSource:
    """A pair table on disk (BEDPE, TargetFinder CSV or BENGI TSV; gzip accepted).

    Parameters
    ----------
    path : str or PathLike
    format : {"bedpe", "targetfinder", "bengi"}, optional
        Detected once from the first record when omitted (and logged).
    chunk_size : int
        Rows per chunk.
    name : str, optional
        What messages call the source (default: ``path``).
    """

    def __init__(
        self,
        path: str | os.PathLike,
        format: str | None = None,
        chunk_size: int = DEFAULT_CHUNK_SIZE,
        name: str | None = None,
    ) -> None:
        self.path = Path(path)
        self.name = str(path) if name is None else name
        self.chunk_size = chunk_size
        if format is None:
            format = detect_format(self.path)
            log.info("%s: detected pair-table format %r", self.name, format)
        self.format = format

    def chunks(self) -> Iterator[pd.DataFrame]:
        yield from iter_pairs(self.path, self.format, self.chunk_size)


class StdinPairSource(FilePairSource):
    """Standard input, spooled to a temporary file first so it can be read twice.

    Errors name ``name`` (default ``-``), not the temporary file. Use as a context manager,
    or call :meth:`close`, to remove the temporary file.

    Parameters
    ----------
    format : str, optional
    chunk_size : int
    stream : binary file object, optional
        Read instead of ``sys.stdin.buffer``.
    name : str
    """

    def __init__(
        self,
        format: str | None = None,
        chunk_size: int = DEFAULT_CHUNK_SIZE,
        stream: BinaryIO | None = None,
        name: str = "-",
    ) -> None:
        handle, spool = tempfile.mkstemp(prefix="kipoi-prism-stdin-", suffix=".pairs")
        self.spool = Path(spool)
        try:
            with os.fdopen(handle, "wb") as out:
                shutil.copyfileobj(stream or sys.stdin.buffer, out, 1 << 20)
            with _RenameErrors(self.spool, name):
                super().__init__(self.spool, format, chunk_size, name)
        except BaseException:
            self.close()
            raise

    def chunks(self) -> Iterator[pd.DataFrame]:
        with _RenameErrors(self.spool, self.name):
            yield from super().chunks()

    def close(self) -> None:
        """Remove the spooled copy."""
        self.spool.unlink(missing_ok=True)

    def __enter__(self) -> StdinPairSource:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


class FramePairSource:
    """Pairs already in memory: a canonical table (as :func:`kipoi_prism.io.pairs.read_pairs`
    returns).

    Parameters
    ----------
    frame : pandas.DataFrame
        Columns :data:`kipoi_prism.io.pairs.PAIR_COLUMNS`, or at least ``columns``. Without
        a ``line`` column, messages (and the scored rows) number the rows from 1.
    name : str
        What messages call it.
    chunk_size : int
    columns : sequence of str
        The columns the table must have (default :data:`kipoi_prism.io.pairs.PAIR_COLUMNS`;
        a feature-backbone model reads only ``name``, ``cell_line``, ``label`` and its
        feature columns, :data:`FEATURE_PAIR_COLUMNS`).
    unique_names : bool
        Whether pass 1 refuses repeated pair names (default). ``False`` for in-memory tables
        that list some pairs twice: rows are matched by position.
    """

    def __init__(
        self,
        frame: pd.DataFrame,
        name: str = "<pairs>",
        chunk_size: int = DEFAULT_CHUNK_SIZE,
        columns: Sequence[str] = PAIR_COLUMNS,
        unique_names: bool = True,
    ) -> None:
        missing = [c for c in columns if c not in frame.columns]
        if missing:
            raise PrismInputError(f"pair table lacks column(s) {', '.join(missing)}", name)
        self.frame = frame.reset_index(drop=True)
        if "line" not in self.frame.columns:
            self.frame = self.frame.assign(line=np.arange(1, len(self.frame) + 1))
        self.name = name
        self.chunk_size = chunk_size
        self.unique_names = unique_names

    def chunks(self) -> Iterator[pd.DataFrame]:
        for start in range(0, len(self.frame), self.chunk_size):
            yield self.frame.iloc[start : start + self.chunk_size]


class SelectedPairSource:
    """The rows of another pair source that ``select`` keeps: a shard
    (:class:`kipoi_prism.io.shards.Shard`), one cell line. Rows keep their ``line``.

    Parameters
    ----------
    source : PairSource
    select : callable
        ``select(chunk) -> rows of chunk`` (input order kept).
    """

    def __init__(self, source: PairSource, select: Callable[[pd.DataFrame], pd.DataFrame]) -> None:
        self.source = source
        self.select = select
        self.name = source.name
        self.unique_names = getattr(source, "unique_names", True)

    def chunks(self) -> Iterator[pd.DataFrame]:
        yield from kept_rows(self.source.chunks(), self.select)

    def is_empty(self) -> bool:
        """Whether ``select`` keeps no row (reads until the first kept row)."""
        return next(iter(self.chunks()), None) is None


class _RenameErrors:
    """Re-raise a :class:`PrismInputError` about ``spool`` as one about ``name``."""

    def __init__(self, spool: Path, name: str) -> None:
        self.spool, self.name = str(spool), name

    def __enter__(self) -> None:
        return None

    def __exit__(self, kind, error, traceback) -> bool:
        if isinstance(error, PrismInputError) and error.path == self.spool:
            raise PrismInputError(error.problem, self.name, error.line) from None
        return False
