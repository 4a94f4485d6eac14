"""How alike two motif matrices are, and a motif list with near-copies left out.

Motifs found in each cell line's regions apart
(:func:`kipoi_prism.training.motif_discovery.discover_in_pairs` with ``by_cell_line``) keep
relatives of one family apart, but also find a factor shared by several cell lines once per
cell line: a first layer built from them holds many copies of one filter.
:func:`merge_similar` keeps the first motif of each group of near-copies, judged by
:func:`matrix_similarity` (the measure the motif-recovery benchmark uses against the
simulation's true matrices).

Deterministic: no randomness; the order of the input decides which copy is kept.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from kipoi_prism.io.motifs import Motif

MIN_SHARED_COLUMNS = 6  # columns two matrices must share at a shift to be compared there
FULL_OVERLAP = 8  # an overlap of this many columns (or the narrower matrix) counts in full


def matrix_similarity(a: np.ndarray, b: np.ndarray) -> float:
    """Mean Pearson r of aligned columns of two (W, 4) matrices, best over both strands of
    ``b`` and every shift with at least ``MIN_SHARED_COLUMNS`` columns in common. At each
    shift every column the two have in common counts (a flat column, r undefined, as 0); an
    overlap narrower than the narrower matrix (up to ``FULL_OVERLAP`` columns) is scaled down
    by its share. -1 when the two cannot share ``MIN_SHARED_COLUMNS`` columns."""
    best = -1.0
    for other in (b, b[::-1, ::-1]):
        for shift in range(-(len(a) - MIN_SHARED_COLUMNS), len(other) - MIN_SHARED_COLUMNS + 1):
            i, j = max(-shift, 0), max(shift, 0)
            width = min(len(a) - i, len(other) - j)
            if width < MIN_SHARED_COLUMNS:
                continue
            x = a[i : i + width] - a[i : i + width].mean(axis=1, keepdims=True)
            y = other[j : j + width] - other[j : j + width].mean(axis=1, keepdims=True)
            r = (x * y).sum(1) / np.sqrt((x**2).sum(1) * (y**2).sum(1) + 1e-12)
            share = min(1.0, width / min(len(a), len(other), FULL_OVERLAP))
            best = max(best, float(r.mean()) * share)
    return best


def merge_similar(motifs: Sequence[Motif], threshold: float) -> list[Motif]:
    """``motifs`` in their order, each left out whose :func:`matrix_similarity` to a motif
    already kept reaches ``threshold`` (in (0, 1]; greedy: the earlier motif of a near-copy
    pair is kept, unchanged)."""
    if not 0 < threshold <= 1:
        raise ValueError(f"threshold: {threshold}; expected a similarity in (0, 1]")
    kept: list[Motif] = []
    for motif in motifs:
        if all(matrix_similarity(other.probabilities, motif.probabilities) < threshold
               for other in kept):  # fmt: skip
            kept.append(motif)
    return kept
