"""The count encoder's site background (``model.site_background``).

A stem filter initialised from a motif scores a window by its log2 likelihood ratio against
uniform bases. Real (and simulated) regions are not uniform: enhancers are AT-rich,
promoters GC- and CpG-rich, and the words a matrix resembles occur by chance at the
rates of their background. :class:`SiteBackground` holds an order-``k`` Markov chain of the
element's own training windows and gives, for each stem output, what turns the uniform
ratio into the ratio against that chain: the window's log2 probability under the chain
minus ``log2 (1/4)`` per base, summed over the filter's own columns (those with a nonzero
weight, so a narrow motif centred in a wider kernel reads only its bases). The count
encoder subtracts it from the stem's scores before the occupancy rule, as motif scanners
with a Markov background do.

Each base is read given the ``k`` bases before it on the window's strand, for both rows of
a strand-symmetric stem (a chain fitted on both strands gives a word and its reverse
complement the same probability, up to the flanking bases). A base that is N, or whose
``k`` bases before are not all known (the window's first ``k``), adds 0.

The chain starts uniform (every shift 0) and is fitted once, without labels, on the
training windows when training starts (:meth:`SiteBackground.fit`); it is a buffer, saved
and loaded with the weights.
"""

from __future__ import annotations

import numpy as np
import torch
from torch import nn
from torch.nn import functional

from kipoi_prism.io.kmers import BASES, strand_symmetric_counts

PSEUDOCOUNT = 1.0


class SiteBackground(nn.Module):
    """An order-``order`` Markov chain's log2 ratio to uniform bases, per base given the
    bases before: buffer ``log2_ratio`` ``(4**order, 4)`` (row: the ``order`` bases before,
    oldest most significant; column: the base)."""

    def __init__(self, order: int) -> None:
        super().__init__()
        self.order = order
        self.register_buffer("log2_ratio", torch.zeros(BASES**order, BASES))

    @torch.no_grad()
    def fit(self, code_arrays) -> None:
        """Fit the chain on windows given as channel codes (an iterable of uint8 arrays,
        each ``(L,)`` or ``(N, L)``; :func:`kipoi_prism.io.sequence.encode_codes`): the
        ``(order + 1)``-mer counts on both strands, plus one each."""
        counts = strand_symmetric_counts(code_arrays, self.order) + PSEUDOCOUNT
        transitions = counts / counts.sum(axis=1, keepdims=True)
        self.log2_ratio.copy_(torch.from_numpy(np.log2(transitions) + 2.0))

    def base_scores(self, one_hot: torch.Tensor) -> torch.Tensor:
        """``log2 q(base | bases before) + 2`` per position, ``(B, L)`` (0 where unknown)."""
        index, valid = word_index(one_hot, self.order + 1)
        scores = self.log2_ratio.flatten().to(one_hot.dtype)[index]
        return torch.where(valid, scores, torch.zeros((), dtype=one_hot.dtype))

    def shift(self, one_hot: torch.Tensor, weight: torch.Tensor) -> torch.Tensor:
        """Per stem output ``(B, rows, L)``: :meth:`base_scores` summed over the columns of
        each filter of ``weight`` ``(rows, 4, K)`` with a nonzero weight, aligned as a
        stride-1 'same' convolution aligns them."""
        columns = (weight.detach().abs().sum(dim=1, keepdim=True) > 0).to(one_hot.dtype)
        return functional.conv1d(self.base_scores(one_hot)[:, None], columns, padding="same")


def word_index(one_hot: torch.Tensor, width: int) -> tuple[torch.Tensor, torch.Tensor]:
    """For each position, the index of the ``width``-mer ending there (its last base least
    significant), ``(B, L)``, and whether all its bases are known (False for the first
    ``width - 1`` positions and around an N)."""
    codes, known = one_hot.argmax(dim=1), (one_hot.sum(dim=1) > 0).to(torch.uint8)
    index, valid = torch.zeros_like(codes), known.bool()
    length = codes.shape[1]
    for back in range(1, width):
        index += functional.pad(codes, (back, 0))[:, :length] * BASES**back
        valid &= functional.pad(known, (back, 0))[:, :length].bool()
    return index + codes, valid
