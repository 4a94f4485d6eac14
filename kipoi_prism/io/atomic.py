"""Atomic file output: the one way kipoi-prism writes a file.

Every output (score tables, browser tracks, weights, run folders, simulated genomes,
benchmark tables, caches, the Kipoi config) is written to a temporary file in the
destination's folder and renamed onto the destination only when writing succeeded
(``os.replace``, atomic on POSIX). A failed or interrupted write leaves no partial file and
an existing file unchanged; the temporary file is always removed. The finished file gets
the mode a plain ``open()`` would give it (``0o666`` minus the umask).
"""

from __future__ import annotations

import contextlib
import gzip
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from kipoi_prism.errors import PrismInputError


def umask_mode() -> int:
    """``0o666`` minus the process umask: the mode ``open()`` gives a new file."""
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


@contextlib.contextmanager
def atomic_path(path: str | os.PathLike, file_mode: int | None = None) -> Iterator[Path]:
    """A temporary path beside ``path``; renamed onto ``path`` when the block succeeds.

    Parameters
    ----------
    path : str or PathLike
        The destination. Its folder must exist (:class:`PrismInputError` otherwise).
    file_mode : int, optional
        Permission bits of the finished file (default: :func:`umask_mode`), e.g. an
        existing file's own mode to keep it.

    Yields
    ------
    Path
        An empty temporary file in the same folder, for any writer that takes a path
        (h5py, ``torch.save``, ``Trainer.save_checkpoint``...). Removed if the block raises.
    """
    path = Path(path)
    folder = path.resolve().parent
    if not folder.is_dir():
        raise PrismInputError("output folder does not exist", path.parent)
    handle, name = tempfile.mkstemp(dir=folder, prefix=f".{path.name}.", suffix=".tmp")
    os.close(handle)
    temporary = Path(name)
    try:
        yield temporary
        os.chmod(temporary, umask_mode() if file_mode is None else file_mode)
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)


@contextlib.contextmanager
def atomic_open(path: str | os.PathLike, mode: str = "w") -> Iterator[IO]:
    """An open handle whose content replaces ``path`` only once the block succeeds.

    Parameters
    ----------
    path : str or PathLike
        The destination; a name ending ``.gz`` is gzip-compressed.
    mode : {"w", "wb"}
        Text (UTF-8, ``\\n`` line ends) or binary.
    """
    if mode not in ("w", "wb"):
        raise ValueError(f"atomic_open: mode must be 'w' or 'wb', not {mode!r}")
    with atomic_path(path) as temporary:
        text = {"encoding": "utf-8", "newline": "\n"} if mode == "w" else {}
        if Path(path).suffix == ".gz":
            stream = gzip.open(temporary, mode.replace("w", "wt") if mode == "w" else mode, **text)
        else:
            stream = open(temporary, mode, **text)  # noqa: SIM115 - closed below
        with stream:
            yield stream


def write_text(path: str | os.PathLike, text: str) -> Path:
    """Write ``text`` to ``path`` atomically (creating its folder); return ``path``."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with atomic_open(path) as out:
        out.write(text)
    return path


def write_bytes(path: str | os.PathLike, data: bytes) -> Path:
    """Write ``data`` to ``path`` atomically (creating its folder); return ``path``."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with atomic_open(path, "wb") as out:
        out.write(data)
    return path
