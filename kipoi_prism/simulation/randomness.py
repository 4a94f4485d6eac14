"""Keyed randomness: every random number of the simulator comes from a named stream.

A region's sequence, a factor's impedance, a pair's label draw and its subsampling key each
depend on the seed and their own key (region, motif ID, cell line and pair name), never on
the other regions, the batch or the row order.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

import numpy as np

# Independent random streams (the second entropy word of every generator).
STREAM_REGION, STREAM_FACTOR, STREAM_COMPATIBILITY = 1, 2, 3
STREAM_LABEL, STREAM_SUBSAMPLE = "label", "subsample"


def key_hash(*parts: object) -> int:
    """A stable 64-bit hash of ``parts`` (BLAKE2b; the same on every machine and version)."""
    text = "\x1f".join(str(p) for p in parts).encode()
    return int.from_bytes(hashlib.blake2b(text, digest_size=8).digest(), "little")


def keyed_uniforms(seed: int, stream: str, cells: Sequence[str], names: Sequence[str]):
    """One U[0, 1) number per ``(cell line, name)``, independent of order.

    Returns
    -------
    numpy.ndarray of float64, shape=(N,)
    """
    hashes = [key_hash(seed, stream, c, n) >> 11 for c, n in zip(cells, names, strict=True)]
    return np.array(hashes, dtype=np.float64) * 2.0**-53


def region_rng(seed: int, key: str) -> np.random.Generator:
    """The random generator of one region (seeded by the seed and the region key)."""
    return np.random.default_rng([seed, STREAM_REGION, key_hash(key)])
