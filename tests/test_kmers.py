"""Word counts on both strands (kipoi_prism/io/kmers.py): what the simulator's Markov
background and the count encoder's site background are both fitted from."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from kipoi_prism.io.kmers import kmer_counts, reverse_complement_codes, strand_symmetric_counts
from kipoi_prism.io.sequence import encode_codes
from kipoi_prism.model.site_background import SiteBackground
from kipoi_prism.simulation.background import MarkovBackground


def _brute_force(sequences: list[str], k: int) -> np.ndarray:
    words = ["".join(w) for w in itertools.product("ACGT", repeat=k)]
    return np.array([sum(s[i : i + k] == w for s in sequences for i in range(len(s) - k + 1))
                     for w in words], dtype=float)  # fmt: skip


@pytest.mark.parametrize("k", [1, 2, 3])
def test_kmer_counts_match_a_brute_force_and_no_word_spans_an_n_or_a_row(k, monkeypatch):
    rng = np.random.default_rng(k)
    rows = ["".join(rng.choice(list("ACGTN"), p=[0.24, 0.24, 0.24, 0.24, 0.04], size=37))
            for _ in range(5)]  # fmt: skip
    codes = np.stack([encode_codes(r) for r in rows])
    expected = _brute_force(rows, k)
    np.testing.assert_array_equal(kmer_counts(codes, k), expected)
    # One row at a time, and in blocks smaller than the rows: the same counts.
    np.testing.assert_array_equal(sum(kmer_counts(c, k) for c in codes), expected)
    monkeypatch.setattr("kipoi_prism.io.kmers._ROWS_PER_BLOCK", 2)
    np.testing.assert_array_equal(kmer_counts(codes, k), expected)
    assert kmer_counts(codes[:, :2], 3).sum() == 0  # rows shorter than a word


def test_reverse_complement_codes_pairs_bases_and_keeps_n():
    codes = encode_codes("AACGTN")
    np.testing.assert_array_equal(reverse_complement_codes(codes), encode_codes("NACGTT"))
    np.testing.assert_array_equal(reverse_complement_codes(np.stack([codes, codes]))[1],
                                  encode_codes("NACGTT"))  # fmt: skip


def test_strand_symmetric_counts_read_both_strands_as_transitions():
    counts = strand_symmetric_counts([encode_codes("AAC")], order=1)
    assert counts.shape == (4, 4)
    # Forward AA, AC; reverse complement GTT: GT, TT.
    expected = np.zeros((4, 4))
    expected[0, 0] = expected[0, 1] = expected[2, 3] = expected[3, 3] = 1
    np.testing.assert_array_equal(counts, expected)
    assert strand_symmetric_counts([encode_codes("ACGT")], order=0).shape == (1, 4)


def test_the_simulator_and_the_site_background_fit_the_same_chain():
    sequences = ["ACGTTGCAAGGCTTNACGGGGCAT" * 5, "TTTTACGCGCGAAT" * 3]
    simulator = MarkovBackground.fit(sequences, order=2, pseudocount=1.0)
    background = SiteBackground(2)
    background.fit(encode_codes(s) for s in sequences)
    np.testing.assert_allclose(0.25 * 2.0 ** background.log2_ratio.double().numpy(),
                               simulator.transitions, rtol=1e-6)  # fmt: skip
