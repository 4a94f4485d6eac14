"""Frequency matrices refined by expectation-maximisation over the windows they came from.

:mod:`kipoi_prism.training.motif_discovery` starts each motif from one over-represented
word and the occurrences within one mismatch of it. Sites drawn from a real (or simulated)
binding-site distribution often differ from the consensus in two or more places, so that
start is sharper than the factor's matrix and misses part of its sites. This module fits
the matrix as the motif component of a two-component mixture over every window position,
the zero-or-more-sites-per-window model of MEME (Bailey and Elkan's TCM):

* a position starts a site on the forward strand with probability ``lam / 2``, on the
  reverse strand with ``lam / 2`` (the site read reverse-complemented), and is background
  otherwise, with bases drawn independently from the windows' own base frequencies (both
  strands);
* **E step**: each position's posterior of being a site on either strand, given the
  current matrix and ``lam``;
* **M step**: the matrix from the posterior-weighted bases of every window (both strands,
  oriented, plus a pseudocount), ``lam`` from the posteriors' mean.

Soft weights replace a score threshold: a threshold admits background windows wholesale
(docs/BENCHMARK.md: rebuilding the matrices from scan hits lowered the reader), the mixture
weighs each by how much more the motif explains it than the background does. On the
simulated benchmark three steps bring the matrices nearer the true ones, yet a reader on
their scan does not improve (docs/BENCHMARK.md, "Motifs found per cell line"): discovery
leaves it off by default (``DiscoveryConfig.em_iterations = 0``). Windows that
hold an ``N`` within a site's width are not counted. Deterministic (no randomness; torch's
CPU convolutions, summed in a fixed order of row blocks).
"""

from __future__ import annotations

import numpy as np
import torch

from kipoi_prism.training.motif_discovery import PSEUDOCOUNT, strand_counts

ROW_BLOCK = 256  # windows per convolution: bounds memory at ROW_BLOCK x motifs x length
MIN_LAMBDA = 1e-7


def em_refine(
    codes: np.ndarray, matrices: list[np.ndarray], lambdas: list[float], iterations: int
) -> list[np.ndarray]:
    """``iterations`` EM steps on each ``(W, 4)`` matrix (all the same ``W``) over ``codes``
    (n, L) uint8 windows (0-3 = A, C, G, T; 4 = N), starting from site rates ``lambdas``
    (per position, both strands together). Returns the refined matrices, in order."""
    if not matrices or iterations < 1:
        return [np.asarray(m, np.float64) for m in matrices]
    widths = {len(m) for m in matrices}
    if len(widths) != 1:
        raise ValueError(f"matrices of different widths: {sorted(widths)}")
    width = widths.pop()
    codes = np.asarray(codes)
    if codes.ndim != 2 or codes.shape[1] < width:
        raise ValueError(f"codes: expected (n, L >= {width}), got shape {codes.shape}")
    background = base_frequencies(codes)
    current = np.stack([np.asarray(m, np.float64) for m in matrices])  # (M, W, 4)
    rates = np.clip(np.asarray(lambdas, np.float64), MIN_LAMBDA, 0.5)
    one_hot, valid = _one_hot(codes, width)
    for _ in range(iterations):
        counts, mass = _expected_sites(one_hot, valid, current, rates, background)
        current = (counts + PSEUDOCOUNT) / (counts + PSEUDOCOUNT).sum(axis=2, keepdims=True)
        rates = np.clip(mass / max(int(valid.sum()), 1), MIN_LAMBDA, 0.5)
    return list(current)


def base_frequencies(codes: np.ndarray) -> np.ndarray:
    """A, C, G, T frequencies of the windows on both strands (uniform when there are none)."""
    counts = strand_counts(np.asarray(codes), 1)
    return counts / counts.sum() if counts.sum() else np.full(4, 0.25)


def _one_hot(codes: np.ndarray, width: int):
    """``(one_hot, valid)``: (n, 4, L) float32 bases and (n, L - width + 1) whether a site of
    ``width`` starting there holds no N."""
    one_hot = (codes[:, None, :] == np.arange(4)[None, :, None]).astype(np.float32)
    known = torch.from_numpy((codes < 4).astype(np.float32))[:, None, :]
    covered = torch.nn.functional.conv1d(known, torch.ones(1, 1, width))
    valid = covered[:, 0, :].numpy() >= width - 0.5
    return torch.from_numpy(one_hot), valid


def _expected_sites(one_hot, valid, matrices, rates, background):
    """E step and the M step's sufficient statistics: per motif, the posterior-weighted
    base counts (M, W, 4) of its sites (reverse-strand sites reverse-complemented) and the
    posteriors' total (M,). Convolutions in float32 (eight times faster than float64 on a
    CPU), each row block's counts added up in float64."""
    n_motifs, width, _ = matrices.shape
    log_ratio = np.log(matrices / background[None, None, :])  # (M, W, 4)
    forward = log_ratio.transpose(0, 2, 1)  # (M, 4, W)
    reverse = log_ratio[:, ::-1, ::-1].transpose(0, 2, 1)  # the reverse complement
    weight = torch.from_numpy(np.concatenate([forward, reverse]).astype(np.float32))
    # per channel (forward strands, then reverse): log(lam / 2); background: log(1 - lam)
    log_prior_site = torch.from_numpy(np.log(np.tile(rates, 2) / 2.0).astype(np.float32))
    log_prior_background = torch.from_numpy(np.log1p(-rates).astype(np.float32))
    counts = torch.zeros(4, 2 * n_motifs, width, dtype=torch.float64)
    valid_t = torch.from_numpy(valid)
    for start in range(0, one_hot.shape[0], ROW_BLOCK):
        x = one_hot[start : start + ROW_BLOCK]
        scores = torch.nn.functional.conv1d(x, weight)  # (b, 2M, P)
        site = scores + log_prior_site[None, :, None]
        no_site = log_prior_background[None, :, None].expand_as(site[:, :n_motifs])
        joint = torch.stack([site[:, :n_motifs], site[:, n_motifs:], no_site])
        posterior = torch.exp(site - torch.logsumexp(joint, dim=0).repeat(1, 2, 1))
        posterior = posterior * valid_t[start : start + ROW_BLOCK, None, :]
        # counts[b, c, j] = sum over rows, positions p of posterior[c, p] * x[b, p + j]
        block = torch.nn.functional.conv1d(x.transpose(0, 1), posterior.transpose(0, 1))
        counts += block.double()
    counts = counts.numpy()  # (4, 2M, W)
    forward_counts = counts[:, :n_motifs].transpose(1, 2, 0)  # (M, W, 4)
    reverse_counts = counts[:, n_motifs:].transpose(1, 2, 0)[:, ::-1, ::-1]
    total = forward_counts + reverse_counts
    return total, total.sum(axis=(1, 2)) / width
