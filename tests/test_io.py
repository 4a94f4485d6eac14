"""Pair-table readers: BEDPE, TargetFinder CSV, BENGI TSV (kipoi_prism.io.pairs)."""

from __future__ import annotations

import gzip
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from kipoi_prism.errors import PrismInputError
from kipoi_prism.io.pairs import (
    PAIR_COLUMNS,
    UniqueNameGuard,
    detect_format,
    iter_pairs,
    read_pairs,
)

DATA = Path(__file__).parent / "data"
BEDPE = DATA / "pairs.bedpe"
GOOD = "chr1\t100\t200\tchr1\t300\t400\tq1\t.\t.\t.\tcellA\t1"
G2 = GOOD.replace("q1", "q2")


def test_bedpe_rows_values_and_lines():
    frame = read_pairs(BEDPE)
    assert list(frame.columns) == PAIR_COLUMNS + ["line"]
    assert frame["name"].tolist() == ["p1", "p2", "p3", "p4"]
    assert frame["line"].tolist() == [4, 5, 7, 9]  # track, browser, header, blank, comment skipped
    assert frame.loc[1, ["enhancer_chrom", "enhancer_start", "enhancer_end"]].tolist() == [
        "chr1", 5, 15,
    ]  # fmt: skip
    assert frame.loc[1, ["promoter_chrom", "promoter_start", "promoter_end"]].tolist() == [
        "chr2", 0, 8,
    ]  # fmt: skip
    assert frame["label"].tolist() == [1, 0, -1, 0]
    assert frame["cell_line"].tolist() == ["cellA", "cellA", "cellB", "cellB"]
    assert frame["score"].tolist() == ["0", ".", ".", "12.5"]
    assert frame["label"].dtype == np.int8
    assert frame["enhancer_start"].dtype == np.int64


def test_bedpe_gzip_and_crlf_read_the_same(tmp_path):
    expected = read_pairs(BEDPE)
    zipped = tmp_path / "pairs.bedpe.gz"
    zipped.write_bytes(gzip.compress(BEDPE.read_bytes()))
    crlf = tmp_path / "crlf.bedpe"
    crlf.write_bytes(BEDPE.read_bytes().replace(b"\n", b"\r\n"))
    pd.testing.assert_frame_equal(read_pairs(zipped), expected)
    pd.testing.assert_frame_equal(read_pairs(crlf), expected)


def test_chunks_concatenate_to_the_whole_table():
    chunks = list(iter_pairs(BEDPE, chunk_size=3))
    assert [len(c) for c in chunks] == [3, 1]
    pd.testing.assert_frame_equal(pd.concat(chunks, ignore_index=True), read_pairs(BEDPE))


def test_bedpe_extra_columns_named_by_header_or_position(tmp_path):
    named = tmp_path / "named.bedpe"
    header = "\t".join(PAIR_COLUMNS + ["distance"])
    named.write_text(f"#{header}\n{GOOD}\t200\n")
    assert read_pairs(named)["distance"].tolist() == ["200"]
    unnamed = tmp_path / "unnamed.bedpe"
    unnamed.write_text(f"{GOOD}\t200\n")
    assert read_pairs(unnamed)["extra_13"].tolist() == ["200"]


def test_bedpe_without_label_column_is_unknown(tmp_path):
    path = tmp_path / "nolabel.bedpe"
    path.write_text(GOOD.rsplit("\t", 1)[0] + "\n")
    assert read_pairs(path)["label"].tolist() == [-1]


def test_targetfinder_reader():
    frame = read_pairs(DATA / "targetfinder.csv")
    assert frame["name"].tolist() == ["cellA|chr1:0-10|chr1:20-30", "cellB|chr2:2-6|chr1:30-40"]
    assert frame.loc[1, ["enhancer_chrom", "enhancer_start", "enhancer_end"]].tolist() == [
        "chr2", 2, 6,
    ]  # fmt: skip
    assert frame["cell_line"].tolist() == ["cellA", "cellB"]
    assert frame["label"].tolist() == [1, 0]
    assert frame["targetfinder_prediction"].tolist() == ["0", "1"]
    assert frame["line"].tolist() == [2, 3]


def test_bengi_reader():
    frame = read_pairs(DATA / "bengi.tsv")
    assert frame["cell_line"].tolist() == ["cellA", "cellB"]
    assert frame["name"].iloc[0] == "chr1:0-10|cellA|E1~chr1:25-26|cellA|GENE1|TX1|+"
    assert frame.loc[0, ["promoter_chrom", "promoter_start", "promoter_end"]].tolist() == [
        "chr1", 20, 30,
    ]  # fmt: skip
    assert frame["label"].tolist() == [1, 0]
    assert frame["distance"].tolist() == ["15.0", "30.5"]


@pytest.mark.parametrize(
    "name, expected",
    [("pairs.bedpe", "bedpe"), ("targetfinder.csv", "targetfinder"), ("bengi.tsv", "bengi")],
)
def test_detect_format(name, expected):
    assert detect_format(DATA / name) == expected


def test_real_shared_tables_read(shared_data):
    targetfinder = next(
        iter_pairs(shared_data / "targetfinder/pairs/K562.pairs.csv", chunk_size=50)
    )
    assert (targetfinder["cell_line"] == "K562").all() and len(targetfinder) == 50
    bengi_file = shared_data / "bengi/HeLa.HiC-Benchmark.v3.tsv.gz"
    bengi = next(iter_pairs(bengi_file, chunk_size=50))
    assert (bengi["cell_line"] == "HeLa").all() and set(bengi["label"]) <= {0, 1}


def test_unknown_format_names_the_choices():
    with pytest.raises(PrismInputError, match="choose one of"):
        list(iter_pairs(BEDPE, format="vcf"))


def test_bedpe_blocks_read_column_wise_and_row_wise_give_the_same_frame(tmp_path):
    # "+5", " 7 " and "1.0" are valid but irregular: their block is re-read row by row.
    rows = [GOOD.replace("q1", f"q{i}") for i in range(6)]
    regular = tmp_path / "regular.bedpe"
    regular.write_text("#" + "\t".join(f"c{i}" for i in range(13)) + "\n"
                       + "\n".join(r + "\tx" for r in rows) + "\n")  # fmt: skip
    irregular = tmp_path / "irregular.bedpe"
    rows[4] = rows[4].replace("\t100\t", "\t+100\t").replace("\t1\tx", "\t1.0\tx")
    rows[4] = rows[4].replace("\t300\t", "\t 300 \t")
    irregular.write_text(regular.read_text().splitlines()[0] + "\n"
                         + "\n".join(r + "\tx" for r in rows) + "\n")  # fmt: skip
    expected = pd.concat(list(iter_pairs(regular, chunk_size=2)), ignore_index=True)
    got = pd.concat(list(iter_pairs(irregular, chunk_size=2)), ignore_index=True)
    pd.testing.assert_frame_equal(got, expected)
    assert list(got.columns)[-1] == "c12"


def test_bedpe_error_names_the_first_bad_line_in_a_later_block(tmp_path):
    rows = [GOOD.replace("q1", f"q{i}") for i in range(8)]
    rows[5] = rows[5].replace("\t200\t", "\t2x0\t")
    rows[6] = rows[6].replace("cellA", ".")
    path = tmp_path / "late.bedpe"
    path.write_text("\n".join(rows) + "\n")
    with pytest.raises(PrismInputError) as error:
        list(iter_pairs(path, chunk_size=3))
    assert str(error.value).startswith(f"{path} line 6: ")
    assert "'2x0' is not an integer" in str(error.value)


# Each bad BEDPE: (text after one good record, the problem the error must name). Line 2.
BAD_BEDPE = {
    "too few columns": ("chr1\t100\t200\tchr1\t300\t400\tq2", "expected 12 columns"),
    "column count changes": (G2 + "\textra", "expected 12 columns"),
    "non-integer start": (G2.replace("100", "1e2"), "'1e2' is not an integer"),
    "non-integer promoter": (G2.replace("300", "3.5"), "promoter start '3.5'"),
    "negative start": (G2.replace("100", "-100"), "-100 is negative"),
    "start == end": (G2.replace("200", "100"), "start 100 >= end 100"),
    "start > end": (G2.replace("\t400", "\t250"), "promoter start 300 >= end 250"),
    "label 2": (G2[:-1] + "2", "label '2' is not 0 or 1"),
    "label word": (G2[:-1] + "yes", "label 'yes' is not 0 or 1"),
    "empty name": (GOOD.replace("q1", "."), "pair name"),
    "empty cell line": (G2.replace("cellA", "."), "cell line"),
    "duplicate name": (GOOD, "duplicate pair name 'q1' (first seen on line 1)"),
}  # fmt: skip


@pytest.mark.parametrize("case", sorted(BAD_BEDPE))
def test_bad_bedpe_names_file_line_and_problem(tmp_path, case):
    text, problem = BAD_BEDPE[case]
    path = tmp_path / "bad.bedpe"
    path.write_text(f"{GOOD}\n{text}\n")
    with pytest.raises(PrismInputError) as error:
        read_pairs(path)
    assert str(error.value).startswith(f"{path} line 2: ")
    assert problem in str(error.value)


@pytest.mark.parametrize(
    "content, problem",
    [
        (None, "file not found"),
        ("", "no pairs in the file"),
        ("# only a comment\ntrack name=x\n", "no pairs in the file"),
        ("chr1\t100\t200\tchr1\t300\t400\n", "expected at least 11 tab-separated BEDPE columns"),
        ("name\tcell_line\tprobability\n", "expected at least 11"),
        (
            "chr1 100 200 chr1 300 400 p1 . . . cellA 1\n",
            "found 1; BEDPE is tab-separated and this line is separated by spaces",
        ),
    ],
)
def test_bad_bedpe_files(tmp_path, content, problem):
    path = tmp_path / "pairs.bedpe"
    if content is not None:
        path.write_text(content)
    with pytest.raises(PrismInputError, match=problem) as error:
        read_pairs(path, format="bedpe")
    assert str(error.value).startswith(str(path))


@pytest.mark.parametrize(
    "row, problem",
    [
        ("cellA|chr1:0-10,cellB|chr1:20-30,1,0", "differs from promoter cell line"),
        ("cellA|chr1:10-0,cellA|chr1:20-30,1,0", "start 10 >= end 0"),
        ("cellA|chr1,cellA|chr1:20-30,1,0", "not of the form chrN:start-end"),
        ("chr1:0-10,cellA|chr1:20-30,1,0", "CELL|chrN:start-end"),
        ("cellA|chr1:0-10,cellA|chr1:20-30,3,0", "label '3'"),
        ("cellA|chr1:0-10,cellA|chr1:20-30,1", "expected 4 comma-separated columns"),
    ],
)
def test_bad_targetfinder_rows(tmp_path, row, problem):
    path = tmp_path / "tf.csv"
    path.write_text(f"enhancer_name,promoter_name,label,prediction\n{row}\n")
    with pytest.raises(PrismInputError, match=problem) as error:
        read_pairs(path, format="targetfinder")
    assert str(error.value).startswith(f"{path} line 2: ")


def test_targetfinder_header_must_name_the_columns(tmp_path):
    path = tmp_path / "tf.csv"
    path.write_text("enhancer,promoter,label\ncellA|chr1:0-10,cellA|chr1:20-30,1\n")
    with pytest.raises(PrismInputError, match="lacks enhancer_name, promoter_name"):
        read_pairs(path, format="targetfinder")


@pytest.mark.parametrize(
    "row, problem",
    [
        ("1\t15\tchr1\t0\t10\tE1\tchr1\t20\t30\tP1", "second '|' field"),
        ("1\t15\tchr1\t0\t10\tE1|cellA\tchr1\t20\t30", "expected 10 tab-separated BENGI"),
        ("1\t15\tchr1\tx\t10\tE1|cellA\tchr1\t20\t30\tP1", "enhancer start 'x'"),
    ],
)
def test_bad_bengi_rows(tmp_path, row, problem):
    path = tmp_path / "bengi.tsv"
    path.write_text(row + "\n")
    with pytest.raises(PrismInputError, match=problem) as error:
        read_pairs(path, format="bengi")
    assert str(error.value).startswith(f"{path} line 1: ")


def test_unique_name_guard_across_chunks(tmp_path):
    path = tmp_path / "pairs.bedpe"
    rows = [GOOD.replace("q1", f"q{i}") for i in range(5)] + [GOOD.replace("q1", "q2")]
    path.write_text("\n".join(rows) + "\n")
    guard = UniqueNameGuard(path)
    with pytest.raises(PrismInputError, match="duplicate pair name 'q2'") as error:
        for chunk in iter_pairs(path, chunk_size=2):
            guard.update(chunk)
    assert str(error.value).startswith(f"{path} line 6: ")


def test_space_separated_bedpe_is_a_one_line_error_from_the_cli(tmp_path, capsys):
    from kipoi_prism.cli.main import main

    fasta = tmp_path / "genome.fa"
    fasta.write_bytes((DATA / "genome.fa").read_bytes())
    pairs = tmp_path / "spaces.bedpe"
    pairs.write_text("#header\nchr1 100 200 chr1 300 400 p1 . . . cellA 1\n")
    out = tmp_path / "scores.tsv"
    assert (
        main(
            [
                "predict",
                "--pairs",
                str(pairs),
                "--fasta",
                str(DATA / "genome.fa"),
                "--out",
                str(out),
            ]
        )
        == 2
    )
    error = capsys.readouterr().err.strip().splitlines()[-1]
    assert error.startswith(f"kipoi-prism: error: {pairs} line 2: ")
    assert "separated by spaces" in error
    assert not out.exists()


def test_unique_name_guard_keeps_few_runs_and_finds_an_old_name():
    guard = UniqueNameGuard("made.bedpe")
    for i in range(100):
        guard.update(pd.DataFrame({"name": [f"n{i}"], "line": [i + 1]}))
    assert len(guard._runs) <= 7  # sorted runs merge like a binary counter: log2(100)
    assert sum(len(run) for run in guard._runs) == 100
    with pytest.raises(PrismInputError, match="duplicate pair name 'n3'") as error:
        guard.update(pd.DataFrame({"name": ["fresh", "n3"], "line": [101, 102]}))
    assert "line 102" in str(error.value)
