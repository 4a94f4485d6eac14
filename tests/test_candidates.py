"""Candidate pairs from BED files: against a brute-force reference, and every bad input."""

from __future__ import annotations

import gzip
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from conftest import random_sequence, write_fasta

from kipoi_prism.errors import PrismInputError
from kipoi_prism.io.candidates import (
    CANDIDATE_COLUMNS,
    CandidatePairSource,
    DistanceWindow,
    chromosome_order,
    iter_candidates,
    read_regions,
)
from kipoi_prism.io.genome import Genome
from kipoi_prism.io.pairs import PAIR_COLUMNS

CHROMS = ["chr1", "chr2", "chr10", "chrX"]


def write_bed(path: Path, rows: list[tuple]) -> Path:
    path.write_text("".join("\t".join(str(f) for f in row) + "\n" for row in rows))
    return path


def random_bed_rows(n: int, prefix: str, seed: int, span: int = 40_000) -> list[tuple]:
    """Unsorted BED6 rows on a few chromosomes; widths 1-800 bp; some ties in centre."""
    rng = np.random.default_rng(seed)
    rows = []
    for i in range(n):
        chrom = CHROMS[rng.integers(len(CHROMS))]
        tie = i % 7 == 0  # every 7th region shares one interval: distance-0 pairs and ties
        start = 1000 if tie else int(rng.integers(0, span))
        width = 200 if tie else int(rng.integers(1, 800))
        rows.append((chrom, start, start + width, f"{prefix}{i}", 0, "+-"[i % 2]))
    return rows


def brute_force(enhancers: list[tuple], promoters: list[tuple], low: int, high: int) -> set:
    """Every (enhancer, promoter, distance) by the definition, pair by pair."""
    found = set()
    for e in enhancers:
        for p in promoters:
            if e[0] != p[0]:
                continue
            distance = abs((e[1] + e[2]) // 2 - (p[1] + p[2]) // 2)
            if low <= distance <= high:
                found.add((e[3], p[3], e[1], e[2], p[1], p[2], distance))
    return found


def candidate_set(frame: pd.DataFrame) -> set:
    names = frame["name"].str.split("~", regex=False)
    return set(
        zip(
            names.str[0], names.str[1], frame["enhancer_start"], frame["enhancer_end"],
            frame["promoter_start"], frame["promoter_end"], frame["distance"], strict=True,
        )
    )  # fmt: skip


def all_candidates(source: CandidatePairSource) -> pd.DataFrame:
    chunks = list(source.chunks())
    assert chunks, "expected candidates"
    return pd.concat(chunks, ignore_index=True)


@pytest.fixture
def beds(tmp_path: Path) -> tuple[Path, Path, list[tuple], list[tuple]]:
    enhancers = random_bed_rows(300, "enh", seed=1)
    promoters = random_bed_rows(80, "prom", seed=2)
    return (
        write_bed(tmp_path / "enhancers.bed", enhancers),
        write_bed(tmp_path / "promoters.bed", promoters),
        enhancers,
        promoters,
    )


# --------------------------------------------------------------------------- reference


@pytest.mark.parametrize("low, high", [(0, 5000), (0, 0), (1500, 6000), (4000, 4300), (0, 10**9)])
def test_candidates_equal_brute_force(beds, low, high):
    e_path, p_path, e_rows, p_rows = beds
    source = CandidatePairSource(e_path, p_path, "K562", high, low, chunk_size=97)
    frame = all_candidates(source)
    expected = brute_force(e_rows, p_rows, low, high)
    assert candidate_set(frame) == expected
    assert len(expected) > 0
    assert len(frame) == len(expected) == source.count()  # no duplicates
    assert not frame["name"].duplicated().any()


def test_distance_bounds_are_inclusive(tmp_path):
    # Enhancer centre 1000; promoter centres 1000 - 301 .. 1000 + 500.
    enhancers = write_bed(tmp_path / "e.bed", [("chr1", 900, 1100, "e")])
    offsets = [-301, -300, -100, -99, 0, 99, 100, 300, 301]
    promoters = write_bed(
        tmp_path / "p.bed", [("chr1", 1000 + d - 5, 1000 + d + 5, f"p{d}") for d in offsets]
    )
    frame = all_candidates(CandidatePairSource(enhancers, promoters, "K562", 300, 100))
    assert frame["distance"].tolist() == [300, 100, 100, 300]
    assert frame["name"].tolist() == ["e~p-300", "e~p-100", "e~p100", "e~p300"]


def test_candidate_table_columns_and_values(beds):
    e_path, p_path, e_rows, _ = beds
    frame = all_candidates(CandidatePairSource(e_path, p_path, "GM12878", 3000))
    assert list(frame.columns) == CANDIDATE_COLUMNS == PAIR_COLUMNS + ["line", "distance"]
    assert (frame["enhancer_chrom"] == frame["promoter_chrom"]).all()
    assert set(frame["cell_line"]) == {"GM12878"}
    assert set(frame["label"]) == {-1} and frame["label"].dtype == np.int8
    assert set(frame["score"]) == {"."}
    assert frame["line"].tolist() == list(range(1, len(frame) + 1))
    strand = {row[3]: row[5] for row in e_rows}
    assert (frame["enhancer_strand"] == frame["name"].str.split("~").str[0].map(strand)).all()


def test_order_is_chromosome_then_enhancer_then_promoter_centre(beds):
    e_path, p_path, _, _ = beds
    frame = all_candidates(CandidatePairSource(e_path, p_path, "K562", 8000, chunk_size=50))
    rank = {c: i for i, c in enumerate(["chr1", "chr2", "chr10", "chrX"])}  # natural order
    p_centre = (frame["promoter_start"] + frame["promoter_end"]) // 2
    key = pd.DataFrame(
        {"chrom": frame["enhancer_chrom"].map(rank), "es": frame["enhancer_start"],
         "ee": frame["enhancer_end"], "en": frame["name"].str.split("~").str[0],
         "pc": p_centre}
    )  # fmt: skip
    ordered = key.sort_values(list(key.columns), kind="stable")
    assert ordered.index.tolist() == list(range(len(frame)))


def test_chunks_are_bounded_and_regenerated_identically(beds):
    e_path, p_path, _, _ = beds
    source = CandidatePairSource(e_path, p_path, "K562", 6000, chunk_size=64)
    first, second = list(source.chunks()), list(source.chunks())
    assert max(len(c) for c in first) <= 64
    assert len(first) > 2
    pd.testing.assert_frame_equal(pd.concat(first), pd.concat(second))


def test_unsorted_bed_gives_the_same_candidates(tmp_path, beds):
    e_path, p_path, e_rows, _ = beds
    sorted_path = write_bed(tmp_path / "sorted.bed", sorted(e_rows, key=lambda r: (r[0], r[1])))
    unsorted = all_candidates(CandidatePairSource(e_path, p_path, "K562", 5000))
    presorted = all_candidates(CandidatePairSource(sorted_path, p_path, "K562", 5000))
    pd.testing.assert_frame_equal(unsorted, presorted)


def test_names_made_from_coordinates_when_absent(tmp_path):
    enhancers = write_bed(tmp_path / "e.bed", [("chr1", 100, 300), ("chr1", 900, 1100)])
    promoters = tmp_path / "p.bed"
    promoters.write_text("# comment\nchr1\t500\t700\t.\n\nchr1\t5000\t5200\tGENE1\n")
    regions = read_regions(promoters)
    assert regions["name"].tolist() == ["chr1:500-700", "GENE1"]
    assert regions["line"].tolist() == [2, 4]
    frame = all_candidates(CandidatePairSource(enhancers, promoters, "K562", 1000))
    assert frame["name"].tolist() == ["chr1:100-300~chr1:500-700", "chr1:900-1100~chr1:500-700"]
    assert frame["distance"].tolist() == [400, 400]
    assert frame["enhancer_strand"].tolist() == [".", "."]


def test_gzip_bed_is_read(tmp_path, beds):
    e_path, p_path, _, _ = beds
    gz = tmp_path / "enhancers.bed.gz"
    with gzip.open(gz, "wt") as handle:
        handle.write(e_path.read_text())
    plain = all_candidates(CandidatePairSource(e_path, p_path, "K562", 4000))
    packed = all_candidates(CandidatePairSource(gz, p_path, "K562", 4000))
    pd.testing.assert_frame_equal(plain, packed)


def test_genome_sets_chromosome_order(tmp_path):
    fasta = write_fasta(
        tmp_path / "g.fa", {"chrB": random_sequence(3000, 1), "chrA": random_sequence(3000, 2)}
    )
    rows = [("chrA", 100, 200, "a"), ("chrB", 100, 200, "b")]
    enhancers = write_bed(tmp_path / "e.bed", rows)
    promoters = write_bed(
        tmp_path / "p.bed", [(c, s + 500, e + 500, n + "P") for c, s, e, n in rows]
    )
    source = CandidatePairSource(enhancers, promoters, "K562", 1000, genome=Genome(fasta))
    assert all_candidates(source)["enhancer_chrom"].tolist() == ["chrB", "chrA"]
    assert chromosome_order({"chr10", "chr2", "chrM", "chr1"}) == ["chr1", "chr2", "chr10", "chrM"]


def test_no_candidates_yields_nothing(tmp_path):
    enhancers = write_bed(tmp_path / "e.bed", [("chr1", 100, 200, "e")])
    promoters = write_bed(
        tmp_path / "p.bed", [("chr2", 100, 200, "p"), ("chr1", 90_000, 90_100, "q")]
    )
    source = CandidatePairSource(enhancers, promoters, "K562", 1000)
    assert list(source.chunks()) == []
    assert source.count() == 0


def test_iter_candidates_rejects_bad_chunk_size(beds):
    e_path, p_path, _, _ = beds
    regions = read_regions(e_path)
    with pytest.raises(ValueError, match="chunk_size"):
        next(
            iter_candidates(regions, read_regions(p_path), DistanceWindow(10), "K562", chunk_size=0)
        )


# --------------------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    "line, problem",
    [
        ("chr1\t100", "at least 3 tab-separated BED columns"),
        ("chr1 100 200", "at least 3 tab-separated BED columns"),
        ("chr1\tabc\t200", "start 'abc' is not an integer"),
        ("chr1\t100\t2.5e3", "end '2.5e3' is not an integer"),
        ("chr1\t-5\t200", "start -5 is negative"),
        ("chr1\t300\t200", "start 300 >= end 200"),
        ("chr1\t300\t300", "start 300 >= end 300"),
        ("\t100\t200", "chromosome (column 1) is empty"),
        ("chr1\t100\t200\tenh~1", "contains '~'"),
    ],
)
def test_malformed_bed_line_names_file_and_line(tmp_path, line, problem):
    path = tmp_path / "bad.bed"
    path.write_text(f"track name=x\nchr1\t10\t20\tok\n{line}\n")
    with pytest.raises(PrismInputError, match=re.escape(problem)) as caught:
        read_regions(path)
    assert caught.value.path == str(path)
    assert caught.value.line == 3


@pytest.mark.parametrize("which", ["enhancers", "promoters"])
def test_duplicate_names_name_both_lines(tmp_path, which):
    good = write_bed(tmp_path / "good.bed", [("chr1", 10, 20, "a"), ("chr1", 30, 40, "b")])
    bad = write_bed(
        tmp_path / "dup.bed", [("chr1", 10, 20, "x"), ("chr1", 50, 60, "y"), ("chr2", 5, 9, "x")]
    )
    paths = (bad, good) if which == "enhancers" else (good, bad)
    with pytest.raises(
        PrismInputError, match=r"duplicate region name 'x' \(first on line 1\)"
    ) as caught:
        CandidatePairSource(*paths, "K562", 1000)
    assert (caught.value.path, caught.value.line) == (str(bad), 3)


def test_duplicate_made_names_are_duplicate_regions(tmp_path):
    path = write_bed(tmp_path / "e.bed", [("chr1", 10, 20), ("chr1", 10, 20)])
    with pytest.raises(PrismInputError, match="duplicate region name 'chr1:10-20'"):
        read_regions(path)


@pytest.mark.parametrize(
    "high, low, problem",
    [
        (100, 200, "--max-distance 100 is below --min-distance 200"),
        (-1, 0, "--max-distance: expected a non-negative integer"),
        (100, -5, "--min-distance: expected a non-negative integer"),
    ],
)
def test_bad_distance_window(beds, high, low, problem):
    e_path, p_path, _, _ = beds
    with pytest.raises(PrismInputError, match=problem):
        CandidatePairSource(e_path, p_path, "K562", high, low)


@pytest.mark.parametrize("cell_line", ["", "."])
def test_empty_cell_line_is_rejected(beds, cell_line):
    e_path, p_path, _, _ = beds
    with pytest.raises(PrismInputError, match="--cell-line"):
        CandidatePairSource(e_path, p_path, cell_line, 1000)


def test_missing_bed_file(tmp_path, beds):
    _, p_path, _, _ = beds
    with pytest.raises(PrismInputError, match="file not found"):
        CandidatePairSource(tmp_path / "absent.bed", p_path, "K562", 1000)


def test_promoter_chromosome_absent_from_fasta(tmp_path, small_genome):
    enhancers = write_bed(tmp_path / "e.bed", [("chr1", 100, 200, "e")])
    promoters = write_bed(tmp_path / "p.bed", [("chr1", 900, 1000, "p"), ("1", 100, 200, "q")])
    with pytest.raises(PrismInputError, match=r"chromosome '1' is not in the FASTA") as caught:
        CandidatePairSource(enhancers, promoters, "K562", 1000, genome=Genome(small_genome))
    assert (caught.value.path, caught.value.line) == (str(promoters), 2)
    assert str(caught.value).endswith("nearest FASTA names: chr1")


def test_region_past_chromosome_end(tmp_path, small_genome):
    enhancers = write_bed(tmp_path / "e.bed", [("chr2", 12_000, 12_100, "e")])  # chr2: 12 kb
    promoters = write_bed(tmp_path / "p.bed", [("chr2", 100, 200, "p")])
    with pytest.raises(PrismInputError, match="starts past the end of chr2") as caught:
        CandidatePairSource(enhancers, promoters, "K562", 1000, genome=Genome(small_genome))
    assert (caught.value.path, caught.value.line) == (str(enhancers), 1)


def test_beds_sharing_no_chromosome_are_refused_with_a_few_names_of_each(tmp_path):
    chroms = [f"chr{k}" for k in range(1, 6)]
    enhancers = write_bed(tmp_path / "e.bed", [(c, 100, 200, f"e{c}") for c in chroms])
    promoters = write_bed(tmp_path / "p.bed", [("scaffold_7", 100, 200, "p")])
    with pytest.raises(PrismInputError) as caught:
        CandidatePairSource(enhancers, promoters, "K562", 1000)
    assert caught.value.path == str(enhancers)
    assert caught.value.problem == (
        "enhancers and promoters share no chromosome: enhancers on chr1, chr2, chr3, ... "
        "(5 in all), promoters (p.bed) on scaffold_7; check that both files name "
        "chromosomes alike (chr1 or 1)"
    )


def test_a_chr_prefix_on_one_side_only_is_pointed_out(tmp_path, small_genome):
    enhancers = write_bed(tmp_path / "e.bed", [("1", 100, 200, "e"), ("2", 100, 200, "f")])
    promoters = write_bed(tmp_path / "p.bed", [("chr1", 900, 1000, "p")])
    for genome in (None, Genome(small_genome)):  # before the FASTA check: both sides named
        with pytest.raises(PrismInputError, match=r"enhancers on 1, 2, promoters \(p\.bed\) "
                           r"on chr1; likely a 'chr' prefix on one side only"):  # fmt: skip
            CandidatePairSource(enhancers, promoters, "K562", 1000, genome=genome)


def test_an_empty_bed_is_refused(tmp_path):
    enhancers = write_bed(tmp_path / "e.bed", [("chr1", 100, 200, "e")])
    promoters = tmp_path / "p.bed"
    promoters.write_text("# no regions\n")
    with pytest.raises(PrismInputError, match="no regions in the file") as caught:
        CandidatePairSource(enhancers, promoters, "K562", 1000)
    assert caught.value.path == str(promoters)
