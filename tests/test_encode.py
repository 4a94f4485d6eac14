"""Pair rows + handwritten genome -> exact one-hot tensors (kipoi_prism.io.encode)."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from kipoi_prism.errors import PrismInputError
from kipoi_prism.io.encode import PairEncoder
from kipoi_prism.io.genome import Genome

DATA = Path(__file__).parent / "data"


def hot(bases: str) -> np.ndarray:
    """Reference one-hot, written independently of the package: rows A, C, G, T."""
    return np.array([[base == row for base in bases] for row in "ACGT"], dtype=np.float32)


def pairs(*rows: tuple) -> pd.DataFrame:
    columns = ["enhancer_chrom", "enhancer_start", "enhancer_end",
               "promoter_chrom", "promoter_start", "promoter_end", "name", "line"]  # fmt: skip
    return pd.DataFrame([(*row, f"p{i}", i + 1) for i, row in enumerate(rows)], columns=columns)


@pytest.fixture
def encoder(tmp_path) -> PairEncoder:
    genome = Genome(shutil.copy(DATA / "genome.fa", tmp_path / "genome.fa"))
    return PairEncoder(genome, enhancer_length=6, promoter_length=4)


def test_exact_tensors_with_soft_mask_n_and_iupac(encoder):
    # enhancer chr1:[10,14) -> centre 12 -> window [9,15) = "C" + "acgtN"
    # promoter chr2:[12,16) -> centre 14 -> window [12,16) = "RYAT" (IUPAC -> N)
    encoded = encoder.encode(pairs(("chr1", 10, 14, "chr2", 12, 16)))
    assert encoded.enhancer.shape == (1, 4, 6) and encoded.enhancer.dtype == np.float32
    assert encoded.promoter.shape == (1, 4, 4) and encoded.promoter.dtype == np.float32
    np.testing.assert_array_equal(encoded.enhancer[0], hot("CACGTN"))
    np.testing.assert_array_equal(encoded.promoter[0], hot("NNAT"))


def test_chromosome_ends_are_padded_and_counted(encoder):
    # enhancer chr1:[0,2) -> window [-2,4) = "NN" + "ACGT"
    # promoter chr2:[15,16) -> window [13,17) = "YAT" + "N" (chr2 is 16 bp)
    # second pair, inside: chr1:[20,24) -> enhancer [19,25) "TTTTTG", promoter [20,24) "TTTT"
    frame = pairs(("chr1", 0, 2, "chr2", 15, 16), ("chr1", 20, 24, "chr1", 20, 24))
    assert encoder.validate(frame, "pairs.bedpe") == 2
    encoded = encoder.encode(frame)
    np.testing.assert_array_equal(encoded.enhancer[0], hot("NNACGT"))
    np.testing.assert_array_equal(encoded.promoter[0], hot("NATN"))
    np.testing.assert_array_equal(encoded.enhancer[1], hot("TTTTTG"))
    np.testing.assert_array_equal(encoded.promoter[1], hot("TTTT"))


def test_missing_chromosome_names_file_line_and_nearest(encoder):
    frame = pairs(("chr1", 10, 14, "chr1", 12, 16), ("1", 10, 14, "chr2", 12, 16))
    with pytest.raises(PrismInputError) as error:
        encoder.validate(frame, "pairs.bedpe")
    message = str(error.value)
    assert message.startswith("pairs.bedpe line 2: chromosome '1' is not in the FASTA")
    assert "nearest FASTA names: chr1" in message


def test_window_entirely_off_the_chromosome(encoder):
    frame = pairs(("chr1", 10, 14, "chr2", 30, 40))
    with pytest.raises(PrismInputError, match="line 1: promoter window chr2:33-37 lies entirely"):
        encoder.validate(frame, "pairs.bedpe")


def test_encoder_argument_checks(encoder):
    with pytest.raises(ValueError, match="at least one pair"):
        encoder.encode(pairs().iloc[:0])
    with pytest.raises(ValueError, match="enhancer_length"):
        PairEncoder(encoder.genome, enhancer_length=0)
