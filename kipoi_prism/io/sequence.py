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

import functools

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

#: A :meth:`bytes.translate` table mapping every byte to upper-case ACGT or ``N`` (what
#: :func:`canonical_bases` applies; readers can fold it into their own ``translate``).
CANONICAL_TABLE: bytes = _CANONICAL

#: Like :data:`CANONICAL_TABLE`, but lower-case (soft-masked) bases become ``N`` too: for
#: readers that leave out what a FASTA marks as repeats (UCSC's and Ensembl's lower case).
SOFT_MASKED_AS_N_TABLE: bytes = bytes(
    c if chr(b) in ALPHABET else ord("N") for b, c in enumerate(_CANONICAL)
)

_COMPLEMENT = bytes.maketrans(b"ACGTNacgtn", b"TGCANtgcan")


@functools.cache
def _byte_tables() -> np.ndarray:
    """``(4, 256)`` float32: channel ``k``'s value for every byte (1.0 where it is base k)."""
    return np.ascontiguousarray(_ONE_HOT_ROWS[_CODE].T)


def byte_one_hot_table() -> np.ndarray:
    """The one-hot layout as a lookup table: row ``b`` is the encoding of byte ``b``.

    Returns
    -------
    numpy.ndarray of float32, shape=(256, 4)
        Columns A, C, G, T; all zeros for every byte but ``ACGTacgt``. Lets another
        library (e.g. torch on a GPU) one-hot encode bytes exactly as this module does.
    """
    return np.ascontiguousarray(_byte_tables().T)


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
    raw = _as_bytes(sequence)
    buffer = raw if isinstance(raw, np.ndarray) else np.frombuffer(raw, dtype=np.uint8)
    return one_hot_encode_array(buffer.reshape(1, -1))[0]


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
    return one_hot_encode_array(joined.reshape(len(raw), length))


def one_hot_encode_array(bases: np.ndarray) -> np.ndarray:
    """One-hot encode sequences given as a byte matrix (the fast path of the batch encoders).

    Parameters
    ----------
    bases : numpy.ndarray of uint8, shape=(N, L)
        One sequence per row, as bytes (any case; every non-ACGT byte encodes as zeros).

    Returns
    -------
    numpy.ndarray of float32, shape=(N, 4, L)
        The same values as :func:`one_hot_encode` of each row.

    Notes
    -----
    Each channel is one comparison written straight into a preallocated output (bool to
    float32 in the same pass), on the bytes with the lower-case bit cleared: ``b & 0xDF``
    equals ``A``, ``C``, ``G`` or ``T`` only for that base in either case.
    """
    if not isinstance(bases, np.ndarray) or bases.dtype != np.uint8 or bases.ndim != 2:
        described = getattr(bases, "dtype", type(bases).__name__)
        raise TypeError(f"bases: expected a 2-d uint8 array, got {described}")
    n, length = bases.shape
    out = np.empty((n, 4, length), dtype=np.float32)
    upper = np.bitwise_and(bases, 0xDF)
    for channel, base in enumerate(ALPHABET.encode()):
        np.equal(upper, base, out=out[:, channel, :])
    return out


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
