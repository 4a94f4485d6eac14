"""Genome FASTA access: fixed windows as bytes, padded with N past chromosome ends.

pyfaidx builds (and validates) the ``.fai`` index; reads then go straight through a
memory map of the FASTA using that index, which is several times faster than slicing
through pyfaidx and needs no per-read Python objects. The file is opened lazily, once per
process, so a :class:`Genome` can be handed to DataLoader workers.
"""

from __future__ import annotations

import difflib
import mmap
import os
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from kipoi_prism.errors import PrismInputError
from kipoi_prism.io.atomic import atomic_path
from kipoi_prism.io.sequence import CANONICAL_TABLE, SOFT_MASKED_AS_N_TABLE

_NEWLINES = b"\r\n"


@dataclass(frozen=True)
class FaiEntry:
    """One ``.fai`` row: a sequence's length and where its bases lie in the file."""

    length: int
    offset: int
    line_bases: int
    line_width: int


def _index_path(fasta: Path, index_dir: Path | None) -> Path:
    beside = fasta.with_name(fasta.name + ".fai")
    if beside.exists() and beside.stat().st_mtime >= fasta.stat().st_mtime:
        return beside
    if index_dir is None and os.access(fasta.parent, os.W_OK):
        return beside
    folder = index_dir or Path(tempfile.gettempdir()) / "kipoi-prism-fai"
    folder.mkdir(parents=True, exist_ok=True)
    stat = fasta.stat()
    return folder / f"{fasta.name}.{stat.st_size}.{int(stat.st_mtime)}.fai"


def _build_index(fasta: Path, index: Path) -> None:
    import pyfaidx

    # Built beside and renamed into place: a job started on the same FASTA meanwhile (a
    # workflow's parallel rules) sees no index or a whole one, never a half-written one.
    try:
        with atomic_path(index) as partial:
            partial.unlink()  # pyfaidx would take an existing (empty) file for a valid index
            pyfaidx.Faidx(str(fasta), indexname=str(partial), rebuild=True).close()
    except (pyfaidx.FastaIndexingError, ValueError, UnicodeDecodeError) as error:
        raise PrismInputError(f"not a valid FASTA file ({error})", fasta) from None


def read_fai(index: Path) -> dict[str, FaiEntry]:
    """Parse a samtools ``.fai`` index into ``{name: FaiEntry}``, in file order."""
    entries: dict[str, FaiEntry] = {}
    with open(index) as handle:
        for line_number, line in enumerate(handle, start=1):
            fields = line.rstrip("\r\n").split("\t")
            if len(fields) < 5:
                raise PrismInputError("malformed FASTA index row", index, line_number)
            entries[fields[0]] = FaiEntry(*(int(f) for f in fields[1:5]))
    return entries


class Genome:
    """A genome FASTA, read through its ``.fai`` index.

    Parameters
    ----------
    path : str or Path
        Uncompressed FASTA. Its index is ``path.fai`` when that exists and is current;
        otherwise pyfaidx builds one beside it or, where that folder is read-only, in
        ``index_dir`` (default: a ``kipoi-prism-fai`` folder in the temporary directory).
    index_dir : str or Path, optional

    Notes
    -----
    All coordinates are 0-based, half-open (BED convention).
    """

    def __init__(self, path: str | os.PathLike, index_dir: str | os.PathLike | None = None):
        self.path = Path(path)
        if not self.path.is_file():
            raise PrismInputError("FASTA file not found", self.path)
        if self.path.stat().st_size == 0:
            raise PrismInputError("FASTA file is empty", self.path)
        if self.path.suffix in {".gz", ".bgz"}:
            raise PrismInputError(
                "compressed FASTA is not supported; decompress it first (gunzip)", self.path
            )
        with open(self.path, "rb") as handle:
            first = handle.read(1)
        if first != b">":
            raise PrismInputError("not a FASTA file (the first byte is not '>')", self.path)
        index = _index_path(self.path, None if index_dir is None else Path(index_dir))
        if not index.exists():
            _build_index(self.path, index)
        self.index_path = index
        self.entries = read_fai(index)
        self._map: mmap.mmap | None = None

    # A memory map is not picklable: each DataLoader worker maps the file itself.
    def __getstate__(self) -> dict:
        state = self.__dict__.copy()
        state["_map"] = None
        return state

    def _buffer(self) -> mmap.mmap:
        if self._map is None:
            with open(self.path, "rb") as handle:
                self._map = mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)
        return self._map

    def close(self) -> None:
        """Release the memory map (reopened on the next read)."""
        if self._map is not None:
            self._map.close()
            self._map = None

    @property
    def chrom_sizes(self) -> dict[str, int]:
        """``{chromosome: length}`` in FASTA order."""
        return {name: entry.length for name, entry in self.entries.items()}

    def check_chrom(self, chrom: str, source: str | None = None, line: int | None = None):
        """Raise a :class:`PrismInputError` naming the nearest FASTA names if ``chrom`` is absent.

        Parameters
        ----------
        chrom : str
        source : str, optional
            The file the chromosome name came from, for the message.
        line : int, optional
            Its 1-based line in ``source``.
        """
        if chrom in self.entries:
            return
        raise PrismInputError(
            f"chromosome {chrom!r} is not in the FASTA {self.path}; {self.suggest(chrom)}",
            source,
            line,
        )

    def suggest(self, chrom: str) -> str:
        """A hint naming the FASTA sequences closest to ``chrom`` (e.g. a ``chr`` prefix)."""
        names = list(self.entries)
        candidates = []
        for variant in (chrom, "chr" + chrom, chrom.removeprefix("chr")):
            if variant in self.entries and variant not in candidates:
                candidates.append(variant)
        candidates += [
            n for n in difflib.get_close_matches(chrom, names, n=3) if n not in candidates
        ]
        if candidates:
            return "nearest FASTA names: " + ", ".join(candidates[:3])
        shown = ", ".join(names[:5]) + (", ..." if len(names) > 5 else "")
        return f"the FASTA has {len(names)} sequences: {shown}"

    def _raw(self, entry: FaiEntry, start: int, end: int, table: bytes = CANONICAL_TABLE) -> bytes:
        """Bases ``[start, end)`` of one sequence, canonical, 0 <= start < end <= length."""
        first = entry.offset + (start // entry.line_bases) * entry.line_width
        first += start % entry.line_bases
        last = entry.offset + ((end - 1) // entry.line_bases) * entry.line_width
        last += (end - 1) % entry.line_bases
        # One pass: drop the line ends, then map every byte to upper-case ACGT or N.
        return self._buffer()[first : last + 1].translate(table, _NEWLINES)

    def fetch(self, chrom: str, start: int, end: int, soft_masked_as_n: bool = False) -> bytes:
        """Bases of ``chrom:[start, end)`` as canonical upper-case ACGTN bytes.

        Positions before 0 or past the chromosome end come back as ``N``; a window that
        lies entirely off the chromosome is an error.

        Parameters
        ----------
        chrom : str
        start, end : int
            0-based, half-open; ``start < end``.
        soft_masked_as_n : bool
            Lower-case (soft-masked) bases come back as ``N`` instead of their upper case.

        Returns
        -------
        bytes, length ``end - start``
        """
        entry = self.entries.get(chrom)
        if entry is None:
            self.check_chrom(chrom)
        if start >= end:
            raise ValueError(f"start: expected start < end, got {start} >= {end}")
        inside_start, inside_end = max(start, 0), min(end, entry.length)
        if inside_start >= inside_end:
            raise PrismInputError(
                f"window {chrom}:{start}-{end} lies entirely off {chrom} (length {entry.length})"
            )
        table = SOFT_MASKED_AS_N_TABLE if soft_masked_as_n else CANONICAL_TABLE
        bases = self._raw(entry, inside_start, inside_end, table)
        if inside_start > start or inside_end < end:
            bases = b"N" * (inside_start - start) + bases + b"N" * (end - inside_end)
        return bases

    def fetch_windows(self, chroms: Sequence[str], starts: Sequence[int], width: int,
                      soft_masked_as_n: bool = False) -> np.ndarray:  # fmt: skip
        """Many windows of one width at once: row ``i`` is ``fetch(chroms[i], s, s + width)``.

        Parameters
        ----------
        chroms : sequence of str, shape=(N,)
        starts : sequence of int, shape=(N,)
            0-based window starts.
        width : int
            Window width in bp, > 0.
        soft_masked_as_n : bool
            As :meth:`fetch`'s: lower-case bases as ``N``.

        Returns
        -------
        numpy.ndarray of uint8, shape=(N, width)
            Canonical ACGTN bytes (N past chromosome ends), writable, byte for byte what
            :meth:`fetch` returns for each window.
        """
        if width <= 0:
            raise ValueError(f"width: expected a positive window width, got {width}")
        starts = np.asarray(starts, dtype=np.int64).tolist()
        if len(chroms) != len(starts):
            raise ValueError(
                f"chroms, starts: expected equal lengths, got {len(chroms)} and {len(starts)}"
            )
        entries, raw, pieces = self.entries, self._raw, []
        table = SOFT_MASKED_AS_N_TABLE if soft_masked_as_n else CANONICAL_TABLE
        for chrom, start in zip(chroms, starts, strict=True):
            entry = entries.get(chrom)
            if entry is None or start < 0 or start + width > entry.length:  # pads, or raises
                pieces.append(self.fetch(chrom, start, start + width, soft_masked_as_n))
            else:
                pieces.append(raw(entry, start, start + width, table))
        return np.frombuffer(bytearray().join(pieces), dtype=np.uint8).reshape(-1, width)

    def fetch_codes(self, chrom: str, start: int, end: int) -> np.ndarray:
        """Like :meth:`fetch` but as a uint8 array of bytes (no copy beyond the read)."""
        return np.frombuffer(self.fetch(chrom, start, end), dtype=np.uint8)

    def overhang(self, chrom: str, start: int, end: int) -> int:
        """How many bases of ``[start, end)`` lie off ``chrom`` (0 when fully inside)."""
        length = self.entries[chrom].length
        return max(0, -start) + max(0, end - length)
