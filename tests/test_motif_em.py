"""Frequency matrices refined by EM (:mod:`kipoi_prism.training.motif_em`) and its use by
motif discovery (``DiscoveryConfig.em_iterations``)."""

from __future__ import annotations

import numpy as np
import pytest

from kipoi_prism.training.motif_discovery import DiscoveryConfig, discover_motifs
from kipoi_prism.training.motif_em import base_frequencies, em_refine

# A degenerate factor: each site is drawn from these columns, so most sites differ from the
# consensus (TGACTCAGCA) in two or more places.
TRUE = np.array([
    [0.05, 0.05, 0.05, 0.85], [0.05, 0.05, 0.85, 0.05], [0.70, 0.10, 0.10, 0.10],
    [0.05, 0.85, 0.05, 0.05], [0.10, 0.10, 0.10, 0.70], [0.05, 0.85, 0.05, 0.05],
    [0.70, 0.10, 0.10, 0.10], [0.10, 0.10, 0.70, 0.10], [0.10, 0.60, 0.10, 0.20],
    [0.60, 0.10, 0.20, 0.10],
])  # fmt: skip


def _windows(n: int, length: int, seed: int, per_window: float = 0.5):
    """Random windows with sites drawn from ``TRUE`` on either strand (reverse complemented)."""
    rng = np.random.default_rng(seed)
    codes = rng.integers(0, 4, size=(n, length)).astype(np.uint8)
    for row in np.flatnonzero(rng.random(n) < per_window):
        site = np.array([rng.choice(4, p=column) for column in TRUE], np.uint8)
        if rng.random() < 0.5:
            site = (3 - site)[::-1]
        start = rng.integers(0, length - len(site))
        codes[row, start : start + len(site)] = site
    return codes


def _sharp(consensus_of: np.ndarray, keep: float = 0.97) -> np.ndarray:
    """A matrix sharper than the factor's: its consensus at ``keep``, as a word's sites give."""
    matrix = np.full(consensus_of.shape, (1 - keep) / 3)
    matrix[np.arange(len(consensus_of)), consensus_of.argmax(axis=1)] = keep
    return matrix


def _distance(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.abs(a - b).sum(axis=1).mean())


def test_em_moves_a_sharp_start_towards_the_factors_matrix():
    codes = _windows(600, 200, seed=0)
    start = _sharp(TRUE)
    (refined,) = em_refine(codes, [start], [0.5 / 200], iterations=5)
    assert refined.shape == TRUE.shape and np.allclose(refined.sum(axis=1), 1.0)
    assert _distance(refined, TRUE) < 0.5 * _distance(start, TRUE), np.round(refined, 2)
    # Sites on the reverse strand were counted the right way round: the consensus holds.
    assert (refined.argmax(axis=1) == TRUE.argmax(axis=1)).all()


def test_em_is_deterministic_and_zero_iterations_keep_the_start():
    codes = _windows(200, 150, seed=1)
    start = [_sharp(TRUE), _sharp(TRUE[::-1, ::-1])]
    first = em_refine(codes, start, [1e-3, 1e-3], iterations=2)
    second = em_refine(codes, start, [1e-3, 1e-3], iterations=2)
    assert all(np.array_equal(a, b) for a, b in zip(first, second, strict=True))
    assert all(np.array_equal(a, b) for a, b in zip(em_refine(codes, start, [1e-3] * 2, 0),
                                                    start, strict=True))  # fmt: skip
    # A matrix and its reverse complement describe the same factor: EM keeps them so.
    assert np.allclose(first[0], first[1][::-1, ::-1], atol=1e-5)


def test_windows_with_n_do_not_count():
    codes = _windows(300, 200, seed=2)
    masked = codes.copy()
    masked[:, :] = 4  # every base unknown: no position can hold a site
    (refined,) = em_refine(masked, [_sharp(TRUE)], [1e-3], iterations=1)
    assert np.allclose(refined, 0.25)  # the pseudocount alone
    with pytest.raises(ValueError, match="different widths"):
        em_refine(codes, [_sharp(TRUE), _sharp(TRUE[:8])], [1e-3, 1e-3], iterations=1)
    with pytest.raises(ValueError, match="L >= 10"):
        em_refine(codes[:, :5], [_sharp(TRUE)], [1e-3], iterations=1)


def test_base_frequencies_count_both_strands_and_skip_n():
    codes = np.array([[0, 0, 0, 1, 4, 4]], np.uint8)
    assert np.allclose(base_frequencies(codes), [3 / 8, 1 / 8, 1 / 8, 3 / 8])
    assert np.allclose(base_frequencies(np.full((1, 3), 4, np.uint8)), 0.25)


def test_discovery_with_em_ends_nearer_the_factor_than_without():
    codes = _windows(800, 200, seed=3, per_window=0.7)
    config = DiscoveryConfig(k=8, markov_order=2, n_motifs=1, flank=1)
    (plain,), (word,) = discover_motifs(codes, config)
    (refined,), _ = discover_motifs(codes, DiscoveryConfig(**{**config.__dict__,
                                                              "em_iterations": 5}))  # fmt: skip

    def best(matrix):  # the factor's match: either strand, the shift that fits best
        out = []
        for candidate in (matrix, matrix[::-1, ::-1]):
            for shift in range(-2, 3):
                a, b = candidate[max(shift, 0) :], TRUE[max(-shift, 0) :]
                width = min(len(a), len(b))
                out.append(_distance(a[:width], b[:width]))
        return min(out)

    assert refined.name == plain.name == word.text  # the same seed word names both
    assert best(refined.probabilities) < best(plain.probabilities)
    with pytest.raises(ValueError, match="em_iterations"):
        DiscoveryConfig(em_iterations=-1)
