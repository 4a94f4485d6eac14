"""DNA sequence encoding: the one place the model's input layout is declared.

One-hot layout
--------------
Every sequence the model sees is a ``float32`` array of shape ``(4, L)`` per example
(``(N, 4, L)`` for a batch), channels in the order **A, C, G, T**.

* Lower-case (soft-masked) bases encode exactly like upper-case ones.
* ``N`` and every other non-ACGT byte (IUPAC codes, ``-``, ``.``) encode as **all zeros**.
  Zeros, not 0.25, because padding beyond a chromosome end is also ``N``: an all-zero
  column contributes nothing to a convolution, so padded and unknown bases are
  "no evidence" rather than a quarter of every base (the choice of tangermeme and gReLU;
  Selene and kipoiseq use 0.25). The Lightning data path, the Kipoi dataloader and the
  Selene sampler all call :func:`one_hot_encode`, so they give identical tensors.

Windows
-------
A region ``[start, end)`` (0-based, half-open, as in BED) becomes a window of fixed
``width`` centred on it: ``centre = (start + end) // 2``, ``window_start = centre - width // 2``.
"""

from __future__ import annotations

import numpy as np

ALPHABET = "ACGT"

# byte -> channel index; 4 means "no base" (N and anything else).
_CODE = np.full(256, 4, dtype=np.uint8)
for _i, _base in enumerate(ALPHABET):
    _CODE[ord(_base)] = _i
    _CODE[ord(_base.lower())] = _i

# channel index -> one-hot row; row 4 (N) is all zeros.
_ONE_HOT_ROWS = np.vstack([np.eye(4, dtype=np.float32), np.zeros((1, 4), dtype=np.float32)])

# byte -> canonical upper-case base (ACGT) or N.
_CANONICAL = bytes(ord("ACGTN"[c]) for c in _CODE)

_COMPLEMENT = bytes.maketrans(b"ACGTNacgtn", b"TGCANtgcan")


def _as_bytes(sequence: str | bytes | bytearray | np.ndarray) -> bytes | np.ndarray:
    if isinstance(sequence, str):
        return sequence.encode("ascii", errors="replace")
    if isinstance(sequence, (bytes, bytearray)):
        return bytes(sequence)
    if isinstance(sequence, np.ndarray) and sequence.dtype == np.uint8:
        return sequence
    raise TypeError(
        f"sequence: expected str, bytes or a uint8 array, got {type(sequence).__name__}"
    )


def encode_codes(sequence: str | bytes | np.ndarray) -> np.ndarray:
    """Map a DNA sequence to channel codes.

    Parameters
    ----------
    sequence : str, bytes or numpy.ndarray of uint8, shape=(L,)

    Returns
    -------
    numpy.ndarray of uint8, shape=(L,)
        0, 1, 2, 3 for A, C, G, T (either case); 4 for anything else.
    """
    raw = _as_bytes(sequence)
    buffer = raw if isinstance(raw, np.ndarray) else np.frombuffer(raw, dtype=np.uint8)
    return _CODE[buffer]


def one_hot_encode(sequence: str | bytes | np.ndarray) -> np.ndarray:
    """One-hot encode a DNA sequence in the package's layout (see module docstring).

    Parameters
    ----------
    sequence : str, bytes or numpy.ndarray of uint8, shape=(L,)

    Returns
    -------
    numpy.ndarray of float32, shape=(4, L)

    Examples
    --------
    >>> one_hot_encode("ACgn").astype(int).tolist()
    [[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 0]]
    """
    return np.ascontiguousarray(_ONE_HOT_ROWS[encode_codes(sequence)].T)


def one_hot_encode_batch(sequences: list[bytes] | list[str]) -> np.ndarray:
    """One-hot encode equal-length sequences.

    Parameters
    ----------
    sequences : list of str or bytes, each of length L

    Returns
    -------
    numpy.ndarray of float32, shape=(N, 4, L)
    """
    if len(sequences) == 0:
        raise ValueError("sequences: expected at least one sequence, got none")
    raw = [_as_bytes(s) for s in sequences]
    length = len(raw[0])
    if any(len(r) != length for r in raw):
        lengths = sorted({len(r) for r in raw})
        raise ValueError(f"sequences: expected equal lengths, got lengths {lengths}")
    joined = np.frombuffer(b"".join(bytes(r) for r in raw), dtype=np.uint8)
    codes = _CODE[joined].reshape(len(raw), length)
    return np.ascontiguousarray(_ONE_HOT_ROWS[codes].transpose(0, 2, 1))


def canonical_bases(sequence: str | bytes) -> bytes:
    """Upper-case ACGT; every other byte becomes ``N``.

    Parameters
    ----------
    sequence : str or bytes, shape=(L,)

    Returns
    -------
    bytes, shape=(L,)
    """
    return _as_bytes(sequence).translate(_CANONICAL)


def reverse_complement(sequence: str | bytes) -> bytes:
    """Reverse complement of a DNA sequence (case kept; non-ACGTN bytes kept as they are)."""
    return _as_bytes(sequence).translate(_COMPLEMENT)[::-1]


def centered_window(start: int, end: int, width: int) -> tuple[int, int]:
    """Fixed-width window centred on a region.

    Parameters
    ----------
    start, end : int
        The region, 0-based half-open (BED convention).
    width : int
        Window width in bp, > 0.

    Returns
    -------
    tuple of int
        ``(window_start, window_end)``, 0-based half-open; may run past either chromosome
        end (the caller pads with N).
    """
    if width <= 0:
        raise ValueError(f"width: expected a positive window width, got {width}")
    centre = (start + end) // 2
    window_start = centre - width // 2
    return window_start, window_start + width
