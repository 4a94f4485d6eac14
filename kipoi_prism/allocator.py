"""Memory allocator settings for the long batch loops of the command line (glibc only).

Every batch allocates the same large buffers again: one-hot windows (a few MiB) and the
model's activations (tens of MiB for the default backbone). By default glibc serves
allocations above 128 KiB to 32 MiB with fresh ``mmap`` pages and returns them to the
system when freed, so every batch pays page faults on memory it had a moment before;
measured on a 2-core machine, that halved the CPU forward pass of the default model
(about 26,000 page faults per batch of 64 pairs; see ``docs/PERFORMANCE.md``).

:func:`reuse_freed_memory` raises glibc's ``mmap`` and trim thresholds so that such
buffers come from the heap and freed ones are reused. It changes where memory comes
from, not what is computed: scores are bit-for-bit the same. Peak memory stays that of
the largest batch; memory freed after it is kept for reuse rather than returned.

The ``kipoi-prism`` commands that loop over batches call it at their start; a program
using the Python API may call it itself, or set ``MALLOC_MMAP_THRESHOLD_`` and
``MALLOC_TRIM_THRESHOLD_`` in the environment before Python starts.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import logging
import platform

log = logging.getLogger(__name__)

# mallopt parameter numbers, from glibc's <malloc.h>.
M_TRIM_THRESHOLD = -1
M_MMAP_THRESHOLD = -3

#: Allocations up to this size come from the heap, and up to this much freed memory at the
#: top of the heap is kept (bytes).
DEFAULT_THRESHOLD = 512 * 1024 * 1024


def reuse_freed_memory(threshold: int = DEFAULT_THRESHOLD) -> bool:
    """Let glibc serve allocations up to ``threshold`` bytes from its heap and keep freed ones.

    Parameters
    ----------
    threshold : int
        Bytes, > 0: the ``mmap`` threshold and the trim threshold.

    Returns
    -------
    bool
        Whether the settings were applied (``False`` off glibc, e.g. macOS or musl).
    """
    if threshold <= 0:
        raise ValueError(f"threshold: expected a positive number of bytes, got {threshold}")
    if platform.system() != "Linux" or platform.libc_ver()[0] != "glibc":
        return False
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        applied = libc.mallopt(M_MMAP_THRESHOLD, threshold) == 1
        applied &= libc.mallopt(M_TRIM_THRESHOLD, threshold) == 1
    except (OSError, AttributeError):
        return False
    log.debug("glibc mmap and trim thresholds set to %d bytes: %s", threshold, applied)
    return applied
