"""MEME parsing, motif lookup, site sampling and scanning (kipoi_prism.io.motifs)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from kipoi_prism.errors import PrismInputError
from kipoi_prism.io.motifs import (
    Motif,
    count_matches,
    find_motif,
    log_odds,
    read_meme,
    reverse_complement_codes,
    sample_sites,
    scan_scores,
)
from kipoi_prism.io.sequence import encode_codes

SNIPPET = """MEME version 4

ALPHABET= ACGT

strands: + -

Background letter frequencies
A 0.25 C 0.25 G 0.25 T 0.25

MOTIF MA0001.1 ALPHA
letter-probability matrix: alength= 4 w= 3 nsites= 10 E= 0
 1.0 0.0 0.0 0.0
 0.0 0.5 0.5 0.0
 0.0000 0.0000 0.0000 1.0000
URL http://example.org/MA0001.1

MOTIF MA0002.2 beta
letter-probability matrix: alength= 4 w= 2
0.2501 0.2500 0.2500 0.2500
0.0 0.0 1.0 0.0

MOTIF MA0003.1 Alpha
letter-probability matrix: alength= 4 w= 1
0.0 1.0 0.0 0.0

MOTIF NONAME
letter-probability matrix: alength= 4 w= 1
0.0 0.0 0.0 1.0
"""


def write(tmp_path: Path, text: str, name: str = "motifs.meme") -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


@pytest.fixture
def snippet(tmp_path: Path) -> Path:
    return write(tmp_path, SNIPPET)


def test_read_meme_snippet(snippet: Path) -> None:
    motifs = read_meme(snippet)
    assert [m.id for m in motifs] == ["MA0001.1", "MA0002.2", "MA0003.1", "NONAME"]
    assert [m.name for m in motifs] == ["ALPHA", "beta", "Alpha", "NONAME"]
    assert [m.width for m in motifs] == [3, 2, 1, 1]
    assert motifs[0].line == 10
    np.testing.assert_array_equal(
        motifs[0].probabilities, [[1, 0, 0, 0], [0, 0.5, 0.5, 0], [0, 0, 0, 1]]
    )
    # rows are renormalised (0.2501 + 3 * 0.25 = 1.0001)
    np.testing.assert_allclose(motifs[1].probabilities.sum(axis=1), 1.0, rtol=0, atol=1e-15)
    assert motifs[1].probabilities.dtype == np.float64
    assert motifs[0].consensus in ("ACT", "AGT")


@pytest.mark.parametrize(
    ("old", "new", "line", "message"),
    [
        ("w= 3 nsites", "w= 4 nsites", 11, "expected 4 matrix rows"),
        (" 0.0 0.5 0.5 0.0", " 0.0 0.5 0.5", 13, "has 3 numbers"),
        (" 0.0 0.5 0.5 0.0", " 0.0 0.5 0.2 0.0", 13, "sums to 0.7000"),
        (" 0.0 0.5 0.5 0.0", " 0.0 0.5 x 0.0", 13, "is not 4 numbers"),
        (" 0.0 0.5 0.5 0.0", " -0.1 0.6 0.5 0.0", 13, "negative"),
        ("alength= 4 w= 3", "alength= 20 w= 3", 11, "alength= 20"),
        ("alength= 4 w= 3", "alength= 4 w= three", 11, "not an integer"),
        ("alength= 4 w= 3", "alength= 4", 11, "lacks w="),
        ("ALPHABET= ACGT", "ALPHABET= ACDEFGHIKLMNPQRSTVWY", 3, "is not ACGT"),
    ],
)
def test_read_meme_errors_name_the_line(tmp_path, old, new, line, message) -> None:
    path = write(tmp_path, SNIPPET.replace(old, new, 1))
    with pytest.raises(PrismInputError, match=message) as caught:
        read_meme(path)
    assert caught.value.line == line
    assert caught.value.path == str(path)


def test_read_meme_rejects_a_file_without_motifs(tmp_path) -> None:
    with pytest.raises(PrismInputError, match="no MOTIF found"):
        read_meme(write(tmp_path, "MEME version 4\n\nALPHABET= ACGT\n"))


def test_read_meme_rejects_a_motif_without_matrix(tmp_path) -> None:
    text = "MEME version 4\n\nMOTIF M1 one\n\nMOTIF M2 two\n"
    with pytest.raises(PrismInputError, match="motif M1 has no letter-probability matrix"):
        read_meme(write(tmp_path, text))


def test_read_meme_missing_file(tmp_path) -> None:
    with pytest.raises(PrismInputError, match="file not found"):
        read_meme(tmp_path / "absent.meme")


def test_find_motif_by_id_version_and_name(snippet: Path) -> None:
    motifs = read_meme(snippet)
    assert find_motif(motifs, "MA0002.2").name == "beta"
    assert find_motif(motifs, "MA0002").id == "MA0002.2"
    assert find_motif(motifs, "BETA").id == "MA0002.2"
    # two matrices named alpha (any case): the first in file order
    assert find_motif(motifs, "alpha").id == "MA0001.1"
    with pytest.raises(PrismInputError, match=r"'ALPHB' is not among the 4 motifs.*ALPHA"):
        find_motif(motifs, "ALPHB", snippet)


def test_motif_rejects_bad_matrices() -> None:
    with pytest.raises(ValueError, match="probabilities: expected shape"):
        Motif("X", "X", np.ones((3, 3)) / 3)
    with pytest.raises(ValueError, match="non-negative rows summing to 1"):
        Motif("X", "X", np.full((2, 4), 0.5))


def test_reverse_complement() -> None:
    motif = Motif("X", "X", np.eye(4)[[0, 0, 2]])  # AAG
    assert motif.reverse_complement().consensus == "CTT"
    codes = encode_codes("AAGC")
    assert reverse_complement_codes(codes).tolist() == encode_codes("GCTT").tolist()
    assert reverse_complement_codes(codes[None, :]).shape == (1, 4)


def test_sample_sites_follow_the_matrix() -> None:
    probabilities = np.array([[1.0, 0, 0, 0], [0.1, 0.2, 0.3, 0.4]])
    motif = Motif("X", "X", probabilities)
    uniforms = np.random.default_rng(0).random((40_000, 5))
    sites = sample_sites(motif, uniforms)
    assert sites.shape == (40_000, 2) and sites.dtype == np.uint8
    assert (sites[:, 0] == 0).all()
    frequencies = np.bincount(sites[:, 1], minlength=4) / len(sites)
    np.testing.assert_allclose(frequencies, probabilities[1], atol=0.01)
    with pytest.raises(ValueError, match="uniforms: expected shape"):
        sample_sites(motif, uniforms[:, :1])


def test_scan_finds_a_planted_site_on_either_strand() -> None:
    motif = Motif("X", "X", np.eye(4)[[0, 1, 1, 2, 3, 3]] * 0.97 + 0.0075)  # ACCGTT
    sequence = bytearray(b"A" * 40)
    sequence[5:11] = b"ACCGTT"
    sequence[20:26] = b"AACGGT"  # reverse complement of ACCGTT
    codes = encode_codes(bytes(sequence))[None, :]
    scores = scan_scores(codes, motif)
    assert scores.shape == (1, 35)
    assert scores[0, 5] == pytest.approx(1.0) and scores[0, 20] == pytest.approx(1.0)
    assert count_matches(codes, motif, 0.99).tolist() == [2]
    codes_n = encode_codes(bytes(sequence[:7]) + b"N" + bytes(sequence[8:]))[None, :]
    assert scan_scores(codes_n, motif)[0, 5] == 0.0
    with pytest.raises(ValueError, match="threshold"):
        count_matches(codes, motif, 1.5)


def test_log_odds_validates_background() -> None:
    motif = Motif("X", "X", np.full((1, 4), 0.25))
    np.testing.assert_allclose(log_odds(motif), 0.0, atol=1e-12)
    with pytest.raises(ValueError, match="background"):
        log_odds(motif, background=(0.5, 0.5, 0.0, 0.0))


def test_real_jaspar_file(shared_data: Path) -> None:
    path = shared_data / "motifs" / "jaspar2024_core_vertebrates.meme"
    motifs = read_meme(path)
    assert len(motifs) == 879
    assert len({m.id for m in motifs}) == 879
    gata1 = find_motif(motifs, "GATA1", path)
    assert gata1.id.startswith("MA0035.")
    for motif in motifs:
        np.testing.assert_allclose(motif.probabilities.sum(axis=1), 1.0, atol=1e-12)
    assert min(m.width for m in motifs) >= 5
    # JASPAR names use mixed case (Spi1, Yy1): lookup is case-insensitive
    assert find_motif(motifs, "SPI1", path).name == "Spi1"
