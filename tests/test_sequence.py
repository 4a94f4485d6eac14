"""One-hot layout, canonical bases, windows (kipoi_prism.io.sequence)."""

from __future__ import annotations

import numpy as np
import pytest

from kipoi_prism.io.sequence import (
    canonical_bases,
    centered_window,
    encode_codes,
    one_hot_encode,
    one_hot_encode_batch,
    reverse_complement,
)


def test_one_hot_layout_is_acgt_rows_and_n_zeros():
    x = one_hot_encode("ACGTN")
    assert x.shape == (4, 5)
    assert x.dtype == np.float32
    expected = np.array(
        [[1, 0, 0, 0, 0], [0, 1, 0, 0, 0], [0, 0, 1, 0, 0], [0, 0, 0, 1, 0]], dtype=np.float32
    )
    np.testing.assert_array_equal(x, expected)


def test_lowercase_encodes_like_uppercase_and_iupac_is_zero():
    np.testing.assert_array_equal(one_hot_encode("acgt"), one_hot_encode("ACGT"))
    np.testing.assert_array_equal(one_hot_encode("RYKM-."), np.zeros((4, 6), np.float32))


def test_encode_codes_values_and_input_types():
    np.testing.assert_array_equal(encode_codes("ACGTNacgtx"), [0, 1, 2, 3, 4, 0, 1, 2, 3, 4])
    np.testing.assert_array_equal(encode_codes(b"GA"), [2, 0])
    np.testing.assert_array_equal(encode_codes(np.frombuffer(b"TC", np.uint8)), [3, 1])
    with pytest.raises(TypeError, match="sequence"):
        encode_codes(1234)


def test_batch_matches_single_encodings():
    sequences = ["ACGTN", "ttgca", "NNNNA"]
    batch = one_hot_encode_batch(sequences)
    assert batch.shape == (3, 4, 5)
    for row, sequence in zip(batch, sequences, strict=True):
        np.testing.assert_array_equal(row, one_hot_encode(sequence))


def test_batch_rejects_unequal_lengths_and_empty_input():
    with pytest.raises(ValueError, match=r"equal lengths, got lengths \[2, 3\]"):
        one_hot_encode_batch(["AC", "ACG"])
    with pytest.raises(ValueError, match="at least one"):
        one_hot_encode_batch([])


def test_canonical_bases_and_reverse_complement():
    assert canonical_bases("acgtRYn-") == b"ACGTNNNN"
    assert reverse_complement("AACGTn") == b"nACGTT"


@pytest.mark.parametrize(
    "start, end, width, expected",
    [
        (100, 200, 10, (145, 155)),  # centre 150
        (100, 201, 10, (145, 155)),  # centre 150 (floor)
        (100, 200, 11, (145, 156)),  # odd width: one more base right of centre
        (0, 2, 6, (-2, 4)),  # may start before the chromosome
    ],
)
def test_centered_window(start, end, width, expected):
    assert centered_window(start, end, width) == expected


def test_centered_window_rejects_non_positive_width():
    with pytest.raises(ValueError, match="width"):
        centered_window(0, 10, 0)
