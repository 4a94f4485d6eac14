"""Optional HDF5 cache of encoded windows, so epochs after the first skip the FASTA.

Layout of the file (one group per split, e.g. ``train`` and ``val``)::

    /<split>/enhancer   uint8 (N, L_E)   canonical bases (ACGTN bytes) of each row's window
    /<split>/promoter   uint8 (N, L_P)
    /<split>.attrs["fingerprint"]        hash of genome file, window widths and coordinates

Bases (1 byte each) rather than one-hot floats (16 bytes) keep the file small; reads go
through :func:`kipoi_prism.io.sequence.one_hot_encode_array`, the same encoding as
:class:`kipoi_prism.io.encode.PairEncoder`, so a cached window equals a freshly read one.
The datasets are stored contiguous and uncompressed, so a reader maps them into memory
(``numpy.memmap`` at the offset HDF5 reports) and gathers any rows without HDF5's
per-row selection cost. The file is rebuilt (written to a temporary file, then renamed)
whenever a fingerprint differs; maps are opened lazily, once per process, so DataLoader
workers can share the object.
"""

from __future__ import annotations

import hashlib
import logging
import os
from pathlib import Path

import numpy as np
import pandas as pd

from kipoi_prism.io.atomic import atomic_path
from kipoi_prism.io.encode import ELEMENTS, EncodedPairs, PairEncoder
from kipoi_prism.io.sequence import one_hot_encode_array

log = logging.getLogger(__name__)


_COORDINATES = [
    "enhancer_chrom", "enhancer_start", "enhancer_end",
    "promoter_chrom", "promoter_start", "promoter_end",
]  # fmt: skip
_WRITE_ROWS = 2048


def fingerprint(frame: pd.DataFrame, encoder: PairEncoder) -> str:
    """Identity of a table's windows: genome file (path, size, mtime), widths, coordinates."""
    stat = encoder.genome.path.stat()
    sha = hashlib.sha256()
    sha.update(f"{encoder.genome.path.resolve()}|{stat.st_size}|{stat.st_mtime_ns}|".encode())
    sha.update(f"{encoder.widths['enhancer']}|{encoder.widths['promoter']}|{len(frame)}|".encode())
    hashes = pd.util.hash_pandas_object(frame[_COORDINATES], index=False).to_numpy(np.uint64)
    sha.update(hashes.tobytes())
    return sha.hexdigest()


class H5Windows:
    """Encoded windows of one split, read from a cache file.

    Parameters
    ----------
    path : str or Path
    group : str
    """

    def __init__(self, path: str | os.PathLike, group: str) -> None:
        self.path = Path(path)
        self.group = group
        self._arrays: dict[str, np.ndarray] | None = None
        self._pid: int | None = None

    def __getstate__(self) -> dict:
        state = self.__dict__.copy()
        state["_arrays"], state["_pid"] = None, None
        return state

    def _maps(self) -> dict[str, np.ndarray]:
        import h5py

        if self._arrays is None or self._pid != os.getpid():
            arrays = {}
            with h5py.File(self.path, "r") as handle:
                for element in ELEMENTS:
                    dataset = handle[self.group][element]
                    offset = dataset.id.get_offset()
                    arrays[element] = (
                        dataset[()] if offset is None  # empty: HDF5 allocated nothing
                        else np.memmap(self.path, np.uint8, "r", offset, dataset.shape)
                    )  # fmt: skip
            self._arrays, self._pid = arrays, os.getpid()
        return self._arrays

    def encode(self, positions: np.ndarray) -> EncodedPairs:
        """One-hot windows of the rows at ``positions`` (any order, repeats allowed)."""
        positions = np.asarray(positions, dtype=np.int64)
        maps = self._maps()
        return EncodedPairs(**{e: one_hot_encode_array(maps[e][positions]) for e in ELEMENTS})

    def close(self) -> None:
        self._arrays = None


def open_cache(
    path: str | os.PathLike, frames: dict[str, pd.DataFrame], encoder: PairEncoder
) -> dict[str, H5Windows]:
    """Open the cache for ``frames`` (``{split name: rows}``), building it if stale.

    Parameters
    ----------
    path : str or Path
        The HDF5 file; its folder is created if needed.
    frames : dict of pandas.DataFrame
    encoder : PairEncoder
        Genome and window widths of the run.

    Returns
    -------
    dict of H5Windows
        One reader per split.
    """
    import h5py

    path = Path(path)
    wanted = {name: fingerprint(frame, encoder) for name, frame in frames.items()}
    if path.is_file():
        with h5py.File(path, "r") as handle:
            current = {
                name: handle[name].attrs.get("fingerprint") if name in handle else None
                for name in wanted
            }
        if current == wanted:
            log.info("%s: using cached windows", path)
            return {name: H5Windows(path, name) for name in frames}
    build_cache(path, frames, encoder, wanted)
    return {name: H5Windows(path, name) for name in frames}


def build_cache(
    path: Path, frames: dict[str, pd.DataFrame], encoder: PairEncoder, prints: dict[str, str]
) -> None:
    """Write every split's windows to ``path`` atomically (:mod:`kipoi_prism.io.atomic`)."""
    import h5py

    path.parent.mkdir(parents=True, exist_ok=True)
    with atomic_path(path) as temporary, h5py.File(temporary, "w") as out:
        for name, frame in frames.items():
            log.info("%s: caching %d windows of split %r", path, len(frame), name)
            _write_split(out.create_group(name), frame, encoder)
            out[name].attrs["fingerprint"] = prints[name]


def _write_split(group, frame: pd.DataFrame, encoder: PairEncoder) -> None:
    for element in ELEMENTS:
        width = encoder.widths[element]
        dataset = group.create_dataset(element, shape=(len(frame), width), dtype=np.uint8)
        for start in range(0, len(frame), _WRITE_ROWS):
            rows = frame.iloc[start : start + _WRITE_ROWS]
            dataset[start : start + len(rows)] = encoder.fetch_array(rows, element)
