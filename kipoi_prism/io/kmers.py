"""Word counts of DNA on both strands: what a Markov chain of the bases is fitted from.

Bases are channel codes 0, 1, 2, 3 for A, C, G, T and 4 for anything else (the layout of
:mod:`kipoi_prism.io.sequence`). A word of ``k`` bases is the integer
``sum(code_i * 4**(k-1-i))``, oldest base most significant, so the counts of the
``(k + 1)``-mers reshaped to ``(4**k, 4)`` are an order-``k`` chain's transition counts: row,
the ``k`` bases before; column, the base after. The simulator's background
(:class:`kipoi_prism.simulation.background.MarkovBackground`) and the count encoder's site
background (:class:`kipoi_prism.model.site_background.SiteBackground`) are both fitted from
:func:`strand_symmetric_counts`.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

BASES = 4
_COMPLEMENT = np.array([3, 2, 1, 0, 4], dtype=np.uint8)  # A<->T, C<->G; N stays N
_ROWS_PER_BLOCK = 1024  # bounds the memory of counting many windows at once


def kmer_counts(codes: np.ndarray, k: int) -> np.ndarray:
    """Counts of every ``k``-mer of known bases.

    Parameters
    ----------
    codes : numpy.ndarray of uint8, shape=(L,) or (B, L)
        Channel codes; 4 (N) breaks a word. With two axes each row is its own sequence (no
        word spans two rows).
    k : int
        Word width, >= 1.

    Returns
    -------
    numpy.ndarray of float64, shape=(4**k,)
    """
    codes = np.atleast_2d(np.asarray(codes))
    counts = np.zeros(BASES**k)
    width = codes.shape[1] - k + 1  # words per row
    for start in range(0, codes.shape[0] if width > 0 else 0, _ROWS_PER_BLOCK):
        block = codes[start : start + _ROWS_PER_BLOCK].astype(np.int64)
        index = np.zeros((block.shape[0], width), dtype=np.int64)
        known = np.ones_like(index, dtype=bool)
        for offset in range(k):  # oldest base first, most significant
            bases = block[:, offset : offset + width]
            index = index * BASES + np.minimum(bases, BASES - 1)
            known &= bases < BASES
        counts += np.bincount(index[known], minlength=BASES**k)
    return counts


def reverse_complement_codes(codes: np.ndarray) -> np.ndarray:
    """The reverse complement of channel codes along the last axis (N stays N)."""
    return _COMPLEMENT[np.asarray(codes)[..., ::-1]]


def strand_symmetric_counts(code_arrays: Iterable[np.ndarray], order: int) -> np.ndarray:
    """Transition counts of an order-``order`` chain, read on both strands.

    Parameters
    ----------
    code_arrays : iterable of numpy.ndarray of uint8, each shape=(L,) or (B, L)
        Sequences as channel codes (rows of a 2-D array are separate sequences).
    order : int
        ``k`` >= 0, the number of bases a base is read after.

    Returns
    -------
    numpy.ndarray of float64, shape=(4**order, 4)
        ``counts[context, base]``: how often ``base`` follows ``context`` on either strand
        (no pseudocount; all zero when no ``order + 1`` known bases occur in a row).
    """
    counts = np.zeros(BASES ** (order + 1), dtype=np.float64)
    for codes in code_arrays:
        for strand in (codes, reverse_complement_codes(codes)):
            counts += kmer_counts(strand, order + 1)
    return counts.reshape(BASES**order, BASES)
