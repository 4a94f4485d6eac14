"""The batch fast paths give byte-identical results to the one-window functions.

``Genome.fetch_windows`` against ``Genome.fetch``, ``one_hot_encode_array`` against
``one_hot_encode``, ``PairEncoder.fetch_array`` against ``PairEncoder.fetch``.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from conftest import write_fasta

from kipoi_prism.errors import PrismInputError
from kipoi_prism.io.encode import PairEncoder
from kipoi_prism.io.genome import Genome
from kipoi_prism.io.sequence import one_hot_encode, one_hot_encode_array, one_hot_encode_batch

# Soft-masked bases, N and IUPAC codes, so canonicalisation is exercised.
ALPHABET = np.frombuffer(b"ACGTacgtNnRYKM-.", dtype=np.uint8)


def made_sequences(seed: int) -> dict[str, str]:
    rng = np.random.default_rng(seed)
    return {
        f"chr{i}": ALPHABET[rng.integers(0, len(ALPHABET), length)].tobytes().decode()
        for i, length in enumerate((997, 1500, 64), start=1)
    }


@pytest.fixture(params=[(60, "\n"), (7, "\n"), (50, "\r\n")], ids=["w60", "w7", "crlf"])
def genome(request, tmp_path) -> Genome:
    width, newline = request.param
    path = write_fasta(tmp_path / "genome.fa", made_sequences(3), line_width=width)
    if newline != "\n":
        path.write_bytes(path.read_bytes().replace(b"\n", newline.encode()))
    return Genome(path)


def windows(genome: Genome, n: int, width: int, seed: int) -> tuple[list[str], np.ndarray]:
    """Windows inside, across either end of, and exactly at the ends of each chromosome."""
    rng = np.random.default_rng(seed)
    names = list(genome.entries)
    chroms = [names[i] for i in rng.integers(0, len(names), n)]
    lengths = np.array([genome.entries[c].length for c in chroms])
    starts = rng.integers(-width + 1, lengths)  # every window overlaps its chromosome
    starts[:3] = [0, lengths[1] - width, -width + 1]
    return chroms, starts


@pytest.mark.parametrize("width", [1, 2, 59, 60, 61, 300])
def test_fetch_windows_equals_fetch_row_by_row(genome, width):
    chroms, starts = windows(genome, 80, width, seed=width)
    got = genome.fetch_windows(chroms, starts, width)
    assert got.shape == (80, width) and got.dtype == np.uint8 and got.flags.writeable
    for row, chrom, start in zip(got, chroms, starts, strict=True):
        assert row.tobytes() == genome.fetch(chrom, int(start), int(start) + width)


def test_fetch_windows_of_no_rows(genome):
    assert genome.fetch_windows([], [], 5).shape == (0, 5)


def test_fetch_windows_raises_as_fetch_does(genome):
    length = genome.entries["chr3"].length
    with pytest.raises(PrismInputError, match="lies entirely off chr3"):
        genome.fetch_windows(["chr1", "chr3"], [0, length], 10)
    with pytest.raises(PrismInputError, match="nearest FASTA names: chr1"):
        genome.fetch_windows(["chr1", "1"], [0, 0], 10)
    with pytest.raises(ValueError, match="width: expected a positive window width, got 0"):
        genome.fetch_windows(["chr1"], [0], 0)
    with pytest.raises(ValueError, match="chroms, starts: expected equal lengths, got 2 and 1"):
        genome.fetch_windows(["chr1", "chr2"], [0], 10)


@pytest.mark.parametrize("length", [0, 1, 2, 3, 255, 256, 3000])
def test_one_hot_encode_array_equals_one_hot_encode(length):
    rng = np.random.default_rng(length)
    bases = rng.integers(0, 256, (5, length), dtype=np.uint8)
    if length >= 256:
        bases[0, :256] = np.arange(256)  # every byte value
    got = one_hot_encode_array(bases)
    assert got.shape == (5, 4, length) and got.dtype == np.float32
    assert got.flags.c_contiguous and got.flags.writeable
    for row, sequence in zip(got, bases, strict=True):
        np.testing.assert_array_equal(row, one_hot_encode(sequence))
    if length:
        batch = one_hot_encode_batch([row.tobytes() for row in bases])
        assert batch.tobytes() == got.tobytes()


def test_one_hot_encode_array_of_a_strided_view():
    bases = np.frombuffer(b"ACGTNacgtRYx" * 10, dtype=np.uint8).reshape(10, 12)
    for view in (bases[:, ::2], bases[::3, 1:], bases.T):
        expected = np.stack([one_hot_encode(row.tobytes()) for row in view])
        np.testing.assert_array_equal(one_hot_encode_array(view), expected)


@pytest.mark.parametrize(
    "value", [np.zeros((2, 3), dtype=np.int64), np.zeros(4, dtype=np.uint8), [[65, 67]]]
)
def test_one_hot_encode_array_wants_a_2d_uint8_array(value):
    with pytest.raises(TypeError, match="bases: expected a 2-d uint8 array"):
        one_hot_encode_array(value)


def test_pair_encoder_fetch_array_and_encode_match_fetch(genome):
    chroms, starts = windows(genome, 40, 1, seed=9)
    frame = pd.DataFrame(
        {
            "enhancer_chrom": chroms,
            "enhancer_start": starts,
            "enhancer_end": starts + 1,
            "promoter_chrom": chroms[::-1],
            "promoter_start": starts[::-1],
            "promoter_end": starts[::-1] + 1,
        }
    )
    encoder = PairEncoder(genome, enhancer_length=61, promoter_length=30)
    encoded = encoder.encode(frame)
    for element, arrays in (("enhancer", encoded.enhancer), ("promoter", encoded.promoter)):
        rows = encoder.fetch(frame, element)
        assert encoder.fetch_array(frame, element).tobytes() == b"".join(rows)
        assert arrays.tobytes() == one_hot_encode_batch(rows).tobytes()


def test_a_real_layout_fasta_reads_alike(tmp_path: Path):
    """A FASTA whose last line is short and whose sequences differ in line width."""
    path = tmp_path / "mixed.fa"
    path.write_text(">a\nACGTA\nCG\n>b\nacgtacgtac\ngtNN\n")
    genome = Genome(path)
    got = genome.fetch_windows(["a", "b", "b", "a"], [0, 3, 10, -2], 4)
    assert [row.tobytes() for row in got] == [b"ACGT", b"TACG", b"GTNN", b"NNAC"]
