"""FASTA access on a handwritten genome (kipoi_prism.io.genome)."""

from __future__ import annotations

import pickle
import shutil
from pathlib import Path

import pytest

from kipoi_prism.errors import PrismInputError
from kipoi_prism.io.genome import Genome

DATA = Path(__file__).parent / "data"
# tests/data/genome.fa, 10 bases a line: soft-masked bases, N, IUPAC codes, a description.
CHR1 = "ACGTACGTACacgtNNACGTTTTTGGGGCCCCAAAAACGT"
CHR2 = "GGGGGCCCCCATRYAT"


@pytest.fixture
def genome(tmp_path: Path) -> Genome:
    return Genome(shutil.copy(DATA / "genome.fa", tmp_path / "genome.fa"))


def test_index_and_sizes(genome):
    assert genome.chrom_sizes == {"chr1": 40, "chr2": 16}
    assert genome.index_path == genome.path.with_name("genome.fa.fai")


@pytest.mark.parametrize(
    "chrom, start, end, expected",
    [
        ("chr1", 0, 10, "ACGTACGTAC"),
        ("chr1", 8, 16, "ACACGTNN"),  # across a line break; lower case upper-cased
        ("chr1", 36, 40, "ACGT"),  # last bases
        ("chr2", 9, 16, "CATNNAT"),  # IUPAC R, Y -> N
    ],
)
def test_fetch_exact(genome, chrom, start, end, expected):
    assert genome.fetch(chrom, start, end) == expected.encode()


def test_fetch_pads_past_both_ends(genome):
    assert genome.fetch("chr1", -3, 4) == b"NNNACGT"
    assert genome.fetch("chr2", 14, 18) == b"ATNN"
    assert genome.overhang("chr2", 14, 18) == 2
    assert genome.overhang("chr1", -3, 4) == 3
    assert genome.overhang("chr1", 0, 40) == 0


def test_fetch_entirely_off_the_chromosome_is_an_error(genome):
    with pytest.raises(PrismInputError, match="entirely off chr2"):
        genome.fetch("chr2", 16, 20)
    with pytest.raises(ValueError, match="start < end"):
        genome.fetch("chr1", 5, 5)


def test_missing_chromosome_names_the_nearest(genome):
    with pytest.raises(PrismInputError, match="nearest FASTA names: chr1") as error:
        genome.check_chrom("1", "pairs.bedpe", 7)
    assert str(error.value).startswith("pairs.bedpe line 7: chromosome '1'")
    assert "the FASTA has 2 sequences: chr1, chr2" in genome.suggest("scaffold_99")


def test_genome_survives_pickling(genome):
    genome.fetch("chr1", 0, 4)  # opens the memory map
    clone = pickle.loads(pickle.dumps(genome))
    assert clone.fetch("chr1", 0, 4) == b"ACGT"


@pytest.mark.parametrize(
    "content, name, message",
    [
        (None, "absent.fa", "FASTA file not found"),
        (b"", "empty.fa", "FASTA file is empty"),
        (b"chr1 ACGT\n", "text.fa", "not a FASTA file"),
        (b"\x00\x01binary", "binary.fa", "not a FASTA file"),
        (b">chr1\nACGT\nACGTACGT\nAC\n", "ragged.fa", "not a valid FASTA file"),
        (b">chr1\nACGT\n", "genome.fa.gz", "compressed FASTA"),
    ],
)
def test_bad_fasta(tmp_path, content, name, message):
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(PrismInputError, match=message) as error:
        Genome(path)
    assert str(error.value).startswith(str(path))


def test_soft_masked_bases_can_be_read_as_n(genome):
    assert genome.fetch("chr1", 8, 16, soft_masked_as_n=True) == b"ACNNNNNN"
    assert genome.fetch("chr1", 38, 43, soft_masked_as_n=True) == b"GTNNN"  # padded too
    windows = genome.fetch_windows(["chr1", "chr1", "chr2"], [8, 36, 9], 6,
                                   soft_masked_as_n=True)  # fmt: skip
    assert [bytes(row) for row in windows] == [b"ACNNNN", b"ACGTNN", b"CATNNA"]
    plain = genome.fetch_windows(["chr1"], [8], 6)
    assert bytes(plain[0]) == b"ACACGT"  # the default reads every base


def test_the_index_appears_whole_or_not_at_all(tmp_path, monkeypatch):
    """Two jobs on one FASTA (a workflow's parallel rules): while one builds the ``.fai``,
    the other must not find a half-written index under the final name."""
    import pyfaidx

    fasta = tmp_path / "genome.fa"
    fasta.write_text(">chr1\nACGTACGTAC\nGT\n>chr2\nNNNN\n")
    final = tmp_path / "genome.fa.fai"
    seen_during_build = []

    class Watched(pyfaidx.Faidx):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            seen_during_build.append(final.exists())

    monkeypatch.setattr(pyfaidx, "Faidx", Watched)
    genome = Genome(fasta)
    assert seen_during_build == [False]
    assert genome.index_path == final and set(genome.entries) == {"chr1", "chr2"}
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []
