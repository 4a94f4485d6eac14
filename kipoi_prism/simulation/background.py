"""Markov background models of DNA, fitted on real sequence; vectorised sampling.

A model of order ``k`` holds, for every context of ``k`` bases, the probability of the next
base. Bases are channel codes 0, 1, 2, 3 for A, C, G, T (the layout of
:mod:`kipoi_prism.io.sequence`); a context is the integer ``sum(code_i * 4**(k-1-i))`` of its
``k`` bases, oldest first, so that appending base ``b`` gives ``(context * 4 + b) % 4**k``.

Sampling is vectorised across sequences: the caller supplies the uniform numbers, one row
per sequence, so that each sequence's bases depend only on its own random stream and not on
which other sequences share the batch.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from kipoi_prism.errors import PrismInputError
from kipoi_prism.io.kmers import BASES, strand_symmetric_counts
from kipoi_prism.io.sequence import encode_codes

MAX_ORDER = 10
# channel codes of C and G (layout of kipoi_prism.io.sequence: A, C, G, T)
_C, _G = 1, 2


@dataclass(frozen=True)
class MarkovBackground:
    """An order-``k`` Markov chain over A, C, G, T.

    Attributes
    ----------
    transitions : numpy.ndarray of float64, shape=(4**k, 4)
        ``transitions[context, base]``: probability of ``base`` after ``context``; rows sum to 1.
    initial : numpy.ndarray of float64, shape=(4**k,)
        Probability of each ``k``-mer as the first ``k`` bases; sums to 1.
    """

    transitions: np.ndarray
    initial: np.ndarray

    def __post_init__(self) -> None:
        n_contexts = self.initial.shape[0]
        order = int(round(np.log(n_contexts) / np.log(BASES))) if n_contexts > 0 else -1
        if n_contexts < BASES or BASES**order != n_contexts:
            raise ValueError(f"initial: expected 4**k entries (k >= 1), got {n_contexts}")
        if self.transitions.shape != (n_contexts, BASES):
            raise ValueError(
                f"transitions: expected shape ({n_contexts}, 4), got {self.transitions.shape}"
            )

    @property
    def order(self) -> int:
        """``k``, the number of preceding bases a base depends on."""
        return int(round(np.log(self.initial.shape[0]) / np.log(BASES)))

    # ------------------------------------------------------------------ fitting

    @classmethod
    def fit(
        cls, sequences: Iterable[bytes | str], order: int = 4, pseudocount: float = 1.0
    ) -> MarkovBackground:
        """Count ``(k + 1)``-mers on both strands of real sequence.

        Parameters
        ----------
        sequences : iterable of bytes or str
            Any case; windows holding a non-ACGT byte (N) are skipped.
        order : int
            ``k``, 1 to :data:`MAX_ORDER`.
        pseudocount : float
            Added to every ``(k + 1)``-mer count (> 0, so no transition is impossible).

        Returns
        -------
        MarkovBackground
        """
        _check_order(order)
        if pseudocount <= 0:
            raise ValueError(f"pseudocount: expected a positive number, got {pseudocount}")
        counts = strand_symmetric_counts((encode_codes(s) for s in sequences), order)
        if counts.sum() == 0:
            raise ValueError(
                f"sequences: no window of {order + 1} unambiguous bases to fit an order-{order} "
                "Markov model"
            )
        counts = counts + pseudocount
        initial = counts.sum(axis=1)
        return cls(counts / counts.sum(axis=1, keepdims=True), initial / initial.sum())

    @classmethod
    def from_fasta(
        cls, path: str | os.PathLike, order: int = 4, pseudocount: float = 1.0
    ) -> MarkovBackground:
        """Fit on every sequence of a FASTA file (see :meth:`fit`)."""
        from kipoi_prism.io.genome import Genome

        genome = Genome(path)
        try:
            sequences = [
                genome.fetch(name, 0, entry.length) for name, entry in genome.entries.items()
            ]
        finally:
            genome.close()
        try:
            return cls.fit(sequences, order, pseudocount)
        except ValueError as error:
            raise PrismInputError(str(error).removeprefix("sequences: "), path) from None

    # ------------------------------------------------------------------ variants

    def boosted(self, cpg: float = 1.0, gc: float = 1.0) -> MarkovBackground:
        """A CpG- and GC-richer copy, e.g. for promoters.

        Every transition to C or G is multiplied by ``gc``; a transition to G after a context
        ending in C is multiplied by ``cpg`` as well; rows are then renormalised. The initial
        ``k``-mer distribution becomes the stationary distribution of the new chain.

        Parameters
        ----------
        cpg, gc : float
            Positive factors; 1 leaves the model unchanged.

        Returns
        -------
        MarkovBackground
        """
        for name, value in (("cpg", cpg), ("gc", gc)):
            if not value > 0:
                raise ValueError(f"{name}: expected a positive factor, got {value}")
        weights = np.ones_like(self.transitions)
        weights[:, [_C, _G]] *= gc
        ends_in_c = np.arange(self.initial.shape[0]) % BASES == _C
        weights[ends_in_c, _G] *= cpg
        transitions = self.transitions * weights
        transitions /= transitions.sum(axis=1, keepdims=True)
        return MarkovBackground(transitions, _stationary(transitions))

    # ------------------------------------------------------------------ sampling

    def sample(self, uniforms: np.ndarray) -> np.ndarray:
        """Sample one sequence per row of uniform numbers.

        Parameters
        ----------
        uniforms : numpy.ndarray of float, shape=(B, L)
            Independent U[0, 1) numbers, ``L >= k``. Row ``i`` alone decides sequence ``i``:
            its first entry picks the first ``k`` bases (entries ``1..k-1`` are unused), entry
            ``j >= k`` picks base ``j``.

        Returns
        -------
        numpy.ndarray of uint8, shape=(B, L)
            Channel codes 0-3 (A, C, G, T).
        """
        if uniforms.ndim != 2:
            raise ValueError(f"uniforms: expected shape (B, L), got {uniforms.shape}")
        k = self.order
        n, length = uniforms.shape
        if length < k:
            raise ValueError(f"uniforms: expected at least {k} columns (the order), got {length}")
        steps = np.ascontiguousarray(uniforms.T)  # (L, B): one contiguous row per position
        codes = np.empty((length, n), dtype=np.uint8)
        initial = np.cumsum(self.initial)
        context = np.searchsorted(initial, steps[0] * initial[-1], side="right")
        context = np.minimum(context, self.initial.shape[0] - 1)
        for i in range(k):  # the first k bases are the digits of the first context
            codes[i] = (context // BASES ** (k - 1 - i)) % BASES
        cumulative = np.cumsum(self.transitions, axis=1)[:, :3].astype(steps.dtype)
        thresholds = [np.ascontiguousarray(cumulative[:, j]) for j in range(3)]
        modulus = BASES**k
        for i in range(k, length):
            u = steps[i]
            base = (u >= thresholds[0][context]).view(np.uint8)
            base = base + (u >= thresholds[1][context]) + (u >= thresholds[2][context])
            codes[i] = base
            context = (context * BASES + base) % modulus
        return np.ascontiguousarray(codes.T)


# ---------------------------------------------------------------------- helpers


def composition(codes: np.ndarray) -> dict[str, float]:
    """GC fraction and CpG observed/expected ratio of code sequences.

    Parameters
    ----------
    codes : numpy.ndarray of uint8, shape=(B, L) or (L,)

    Returns
    -------
    dict
        ``gc``: fraction of C or G; ``cpg_oe``: ``f(CG) / (f(C) f(G))`` (Gardiner-Garden and
        Frommer's ratio, pooled over all sequences); ``cpg_per_kb``: CG dinucleotides per kb.
    """
    codes = np.atleast_2d(codes)
    n_bases = codes.size
    c = float((codes == _C).sum()) / n_bases
    g = float((codes == _G).sum()) / n_bases
    pairs = codes.shape[0] * max(codes.shape[1] - 1, 1)
    cg = float(((codes[:, :-1] == _C) & (codes[:, 1:] == _G)).sum()) / pairs
    return {
        "gc": c + g,
        "cpg_oe": cg / (c * g) if c * g > 0 else 0.0,
        "cpg_per_kb": 1000.0 * cg,
    }


def _check_order(order: int) -> None:
    if not isinstance(order, (int, np.integer)) or not 1 <= order <= MAX_ORDER:
        raise ValueError(f"order: expected an integer from 1 to {MAX_ORDER}, got {order!r}")


def _stationary(transitions: np.ndarray) -> np.ndarray:
    """Stationary distribution over contexts of the chain on ``k``-mers, by power iteration.

    Parameters
    ----------
    transitions : numpy.ndarray, shape=(4**k, 4)

    Returns
    -------
    numpy.ndarray of float64, shape=(4**k,)
    """
    n_contexts = transitions.shape[0]
    successors = (np.arange(n_contexts)[:, None] * BASES + np.arange(BASES)) % n_contexts
    distribution = np.full(n_contexts, 1.0 / n_contexts)
    for _ in range(1000):
        updated = np.bincount(
            successors.ravel(),
            weights=(distribution[:, None] * transitions).ravel(),
            minlength=n_contexts,
        )
        if np.abs(updated - distribution).max() < 1e-13:
            return updated / updated.sum()
        distribution = updated
    return distribution / distribution.sum()
