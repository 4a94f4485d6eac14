"""Site counts of motifs in one-hot windows: what the readers of
``benchmarks/sequence_learnability.py`` (and the diagnostics beside it) read.

- :func:`motif_scan`: the count encoder's ReLU rule, log-odds above a share of the best;
- :func:`motif_occupancy`: each position's posterior of being a site, summed, against
  uniform bases or an order-k Markov chain fitted on the windows (:func:`fit_chain`,
  :func:`background_shift`), at one prior site rate or one per motif fitted by
  expectation-maximisation on the training windows (:func:`em_rates`).

Nothing here uses a label.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import torch

from kipoi_prism.io.kmers import strand_symmetric_counts
from kipoi_prism.model.elements import CountEncoder

# The scan readers' default rule, the count encoder's: a site at 0.75 of the best log-odds.
SCAN_THRESHOLD = CountEncoder.START_FRACTION
ROLES = ("enhancer", "promoter")


def motif_scan(one_hot: np.ndarray, motifs, threshold: float = SCAN_THRESHOLD) -> np.ndarray:
    """log(1 + soft site count) per motif: sum over positions and both strands of
    ReLU(log-odds score - threshold * best score)."""
    weight = log_ratio_filters(motifs, np.log2)
    bias = -threshold * weight.max(axis=1).sum(axis=1)
    return summed_sites(one_hot, weight, bias, torch.relu)


def motif_occupancy(one_hot: np.ndarray, motifs, rate,
                    chain: np.ndarray | None = None) -> np.ndarray:  # fmt: skip
    """log(1 + expected site count) per motif: over positions and both strands, the
    posterior ``r LR / (1 + r LR)`` that the position holds a site of the motif, with ``LR``
    the matrix's likelihood ratio against a uniform background (or, given ``chain``, the
    log transitions of an order-k Markov chain, :func:`fit_chain`: each window's
    probability under it, base by base given the bases before) and ``r`` the prior rate of
    sites per position and strand (the E-step of a site-or-background mixture): one rate,
    or one per motif."""
    weight = log_ratio_filters(motifs, np.log)
    bias = np.log(np.broadcast_to(np.asarray(rate, np.float64), (len(motifs),)))
    shift = None if chain is None else background_shift(chain, weight)
    return summed_sites(one_hot, weight, bias, torch.sigmoid, shift)


def window_chains(encoded, table: pd.DataFrame, train: pd.DataFrame, order: int | None):
    """``{"enhancer": chain, "promoter": chain}`` fitted on the distinct training regions'
    windows of each role (:func:`fit_chain`), or ``None`` for a uniform background."""
    if order is None:
        return None
    return {role: fit_chain(training_windows(encoded, table, train, role), order)
            for role in ROLES}  # fmt: skip


def training_windows(encoded, table: pd.DataFrame, train: pd.DataFrame, role: str,
                     limit: int | None = None) -> np.ndarray:  # fmt: skip
    """The one-hot windows of the distinct ``role`` regions of the training pairs, in the
    order of their first pair (the first ``limit`` of them, if given)."""
    rows = train["row_id"].to_numpy()
    _, first = np.unique(table[f"{role}_region"].to_numpy()[rows], return_index=True)
    return getattr(encoded, role)[rows[np.sort(first)][:limit]]


def em_rates(windows: np.ndarray, motifs, rate: float, chain: np.ndarray | None = None,
             steps: int = 10) -> np.ndarray:  # fmt: skip
    """Each motif's prior site rate fitted by expectation-maximisation on ``windows``, from
    ``rate``: the M-step sets it to the mean posterior of a site over every position and
    strand (:func:`motif_occupancy` gives the posteriors). No label is used."""
    positions = 2 * windows.shape[0] * (windows.shape[2] - max(m.width for m in motifs) + 1)
    rates = np.full(len(motifs), rate)
    for _ in range(steps):
        expected = np.expm1(motif_occupancy(windows, motifs, rates, chain)).sum(axis=0)
        rates = np.clip(expected / positions, 1e-7, 0.5)
    return rates


def fit_chain(one_hot: np.ndarray, order: int) -> np.ndarray:
    """Log transitions ``(4**order, 4)`` of an order-``order`` Markov chain fitted on both
    strands of the windows, one pseudocount per word (as the simulator's
    ``MarkovBackground.fit``; order 0: the base frequencies of the order-1 counts)."""
    codes = np.where(one_hot.sum(axis=1) > 0, one_hot.argmax(axis=1), 4).astype(np.uint8)
    counts = strand_symmetric_counts([codes], max(order, 1)) + 1.0
    if order == 0:
        counts = counts.sum(axis=1, keepdims=True).T
    return np.log(counts / counts.sum(axis=1, keepdims=True))


def background_shift(chain: np.ndarray, weight: np.ndarray):
    """A function of one-hot windows ``(B, 4, L)`` giving, per motif of ``weight`` and
    window start, ``log q(window) - log 0.25**w`` over the motif's own columns: what turns
    the uniform log ratio into the ratio against ``chain``. A base that is N, or whose
    ``k`` bases before are not all known (the sequence's first ``k``), adds 0 (uniform)."""
    order = int(round(np.log(chain.shape[0]) / np.log(4)))
    table = torch.from_numpy(chain - np.log(0.25)).float()
    used = np.abs(weight).sum(axis=1) > 0  # (motifs, width): the motif's own columns
    spans = [(int(np.argmax(u)), int(u.sum())) for u in used]

    def shift(x: torch.Tensor) -> torch.Tensor:
        codes, known = x.argmax(dim=1), x.sum(dim=1) > 0
        context, valid = torch.zeros_like(codes), known.clone()
        for i in range(1, order + 1):
            context += torch.nn.functional.pad(codes, (i, 0))[:, : codes.shape[1]] * 4 ** (i - 1)
            valid &= torch.nn.functional.pad(known, (i, 0))[:, : codes.shape[1]]
        log_q = torch.where(valid, table[context, codes], torch.zeros(()))
        total = torch.nn.functional.pad(log_q.cumsum(dim=1), (1, 0))
        starts = codes.shape[1] - weight.shape[2] + 1
        return torch.stack([total[:, o + w : o + w + starts] - total[:, o : o + starts]
                            for o, w in spans], dim=1)  # fmt: skip

    return shift


def log_ratio_filters(motifs, log) -> np.ndarray:
    """Each motif's ``log((p + 0.01) / 1.04 / 0.25)`` (``log``: ``np.log2`` or ``np.log``),
    centred and zero-padded to the widest, ``(motifs, 4, width)``."""
    width = max(m.width for m in motifs)
    weight = np.zeros((len(motifs), 4, width))
    for i, motif in enumerate(motifs):
        ratio = log((motif.probabilities + 0.01) / 1.04 / 0.25).T  # (4, w)
        offset = (width - ratio.shape[1]) // 2
        weight[i, :, offset : offset + ratio.shape[1]] = ratio
    return weight


def summed_sites(one_hot: np.ndarray, weight: np.ndarray, bias: np.ndarray, site,
                 shift=None) -> np.ndarray:  # fmt: skip
    """``log(1 + sum over positions and both strands of site(conv(x) - shift(x)))`` per
    filter (``shift``: a function of the one-hot batch, as :func:`background_shift`)."""
    weight_t = torch.from_numpy(weight.astype(np.float32))
    bias_t = torch.from_numpy(np.asarray(bias, np.float32))
    out = []
    with torch.no_grad():
        for start in range(0, len(one_hot), 512):
            x = torch.from_numpy(np.ascontiguousarray(one_hot[start : start + 512]))
            total = 0.0
            for strand in (x, x.flip((1, 2))):
                scores = torch.nn.functional.conv1d(strand, weight_t, bias_t)
                total = total + site(scores if shift is None else scores - shift(strand)).sum(-1)
            out.append(torch.log1p(total).numpy())
    return np.concatenate(out).astype(np.float64)
