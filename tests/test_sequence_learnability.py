"""The readers of ``benchmarks/sequence_learnability.py``: k-mer counts and the motif scan."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
import pandas as pd

from kipoi_prism.io.motifs import Motif
from kipoi_prism.io.sequence import one_hot_encode

SCRIPT = Path(__file__).resolve().parent.parent / "benchmarks" / "sequence_learnability.py"
spec = importlib.util.spec_from_file_location("sequence_learnability", SCRIPT)
learnability = importlib.util.module_from_spec(spec)
spec.loader.exec_module(learnability)


def _windows(*sequences: str) -> np.ndarray:
    return np.stack([one_hot_encode(s) for s in sequences]).astype(np.float32)


def test_kmer_counts_count_every_kmer_and_skip_n():
    counts = np.expm1(learnability.kmer_counts(_windows("ACGTA", "ACNTA"), k=2))
    index = {"AC": 1, "CG": 6, "GT": 11, "TA": 12}
    expected = np.zeros((2, 16))
    expected[0, list(index.values())] = 1
    expected[1, [index["AC"], index["TA"]]] = 1  # CN and NT are skipped
    np.testing.assert_allclose(counts, expected, atol=1e-9)


def test_motif_scan_counts_sites_on_both_strands():
    probabilities = np.full((6, 4), 0.01)
    probabilities[np.arange(6), [0, 0, 2, 2, 3, 1]] = 0.97  # AAGGTC
    motif = Motif("M1", "test", probabilities / probabilities.sum(1, keepdims=True))
    background = "T" * 40
    site, reverse = "AAGGTC", "GACCTT"
    scores = learnability.motif_scan(
        _windows(background, background[:10] + site + background[16:],
                 background[:5] + site + background[11:25] + reverse + background[31:]),
        [motif],
    )  # fmt: skip
    assert scores[0, 0] == 0.0
    assert scores[1, 0] > 0.0
    np.testing.assert_allclose(scores[2, 0], np.log1p(2 * np.expm1(scores[1, 0])), rtol=1e-5)


def test_readers_read_the_distance_unless_told_not_to():
    table = pd.DataFrame({"distance": [9, 99999]})
    np.testing.assert_allclose(learnability.distance_input(table, True), [[1.0], [5.0]])
    features = learnability.with_products(np.ones((2, 2)), np.ones((2, 3)),
                                          learnability.distance_input(table, False))  # fmt: skip
    assert features.shape == (2, 2 + 3 + 6)
