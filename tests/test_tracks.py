"""Browser and pipeline text outputs: interact layout, sorting, BEDPE round trip, atomicity."""

from __future__ import annotations

import logging
import re
import subprocess
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from kipoi_prism.io.pairs import PAIR_COLUMNS, iter_pairs
from kipoi_prism.io.tracks import (
    INTERACT_AS,
    INTERACT_COLUMNS,
    interact_frame,
    scaled_score,
    write_interact,
    write_pair_table,
)


def predictions(n: int = 40, seed: int = 0) -> pd.DataFrame:
    """A made prediction table on chr1, chr2 and chr10 with unsorted rows."""
    rng = np.random.default_rng(seed)
    chrom = rng.choice(["chr1", "chr2", "chr10"], n)
    e_start = rng.integers(0, 50_000, n)
    p_start = rng.integers(0, 50_000, n)
    return pd.DataFrame(
        {
            "enhancer_chrom": chrom, "enhancer_start": e_start, "enhancer_end": e_start + 300,
            "promoter_chrom": chrom, "promoter_start": p_start, "promoter_end": p_start + 200,
            "name": [f"e{i}~p{i}" for i in range(n)], "score": ".",
            "enhancer_strand": ".", "promoter_strand": "+", "cell_line": "K562", "label": -1,
            "line": np.arange(1, n + 1), "distance": np.abs(e_start + 150 - p_start - 100),
            "probability": rng.random(n),
        }
    )  # fmt: skip


def read_tsv(path: Path, comment: str | None = None) -> pd.DataFrame:
    return pd.read_csv(path, sep="\t", header=None, comment=comment, dtype=str)


# --------------------------------------------------------------------------- interact


def autosql_fields(path: Path) -> list[tuple[str, str]]:
    """(type, name) of every field declared in an autoSql table."""
    return re.findall(r"^\s*(string|uint|double|int|float)\s+(\w+);", path.read_text(), re.M)


def test_autosql_declares_the_interact_bed5_plus_13_layout():
    fields = autosql_fields(INTERACT_AS)
    assert [name for _, name in fields] == INTERACT_COLUMNS
    assert len(fields) == 18  # bed5+13
    types = dict((name, kind) for kind, name in fields)
    assert [types[c] for c in ("chromStart", "chromEnd", "score", "sourceStart", "targetEnd")] == [
        "uint"
    ] * 5
    assert types["value"] == "double"


def test_interact_file_layout(tmp_path):
    frame = predictions()
    path = tmp_path / "out.interact.bed"
    assert write_interact([frame.iloc[:15], frame.iloc[15:]], path) == len(frame)
    table = read_tsv(path)
    assert table.shape == (len(frame), 18)
    row = table[table[3] == "e7~p7"].iloc[0].tolist()
    source = frame[frame["name"] == "e7~p7"].iloc[0]
    e_start, p_start = int(source["enhancer_start"]), int(source["promoter_start"])
    assert row[0] == source["enhancer_chrom"]
    assert int(row[1]) == min(e_start, p_start)
    assert int(row[2]) == max(e_start + 300, p_start + 200)
    assert int(row[4]) == round(1000 * source["probability"])
    assert float(row[5]) == pytest.approx(source["probability"], rel=1e-5)
    assert row[6] == "K562" and re.fullmatch(r"#[0-9A-F]{6}", row[7])
    assert row[8:13] == [
        source["enhancer_chrom"],
        str(e_start),
        str(e_start + 300),
        "e7",
        ".",
    ]
    assert row[13:18] == [
        source["promoter_chrom"],
        str(p_start),
        str(p_start + 200),
        "p7",
        "+",
    ]


def test_interact_is_sorted_as_bedtobigbed_requires(tmp_path):
    path = tmp_path / "out.interact.bed"
    frame = predictions(300, seed=3)
    write_interact([frame.iloc[i : i + 40] for i in range(0, 300, 40)], path, run_rows=37)
    text = path.read_text()
    by_c_sort = subprocess.run(
        ["sort", "-k1,1", "-k2,2n", "-s"], input=text, capture_output=True, text=True,
        env={"LC_ALL": "C"}, check=True,
    ).stdout  # fmt: skip
    assert text == by_c_sort
    chroms = list(dict.fromkeys(line.split("\t")[0] for line in text.splitlines()))
    assert chroms == ["chr1", "chr10", "chr2"]  # byte order, not natural order


def test_external_sort_equals_in_memory_sort(tmp_path):
    frame = predictions(500, seed=4)
    spilled, in_memory = tmp_path / "a.bed", tmp_path / "b.bed"
    write_interact([frame.iloc[i : i + 60] for i in range(0, 500, 60)], spilled, run_rows=50)
    write_interact([frame], in_memory)
    assert spilled.read_text() == in_memory.read_text()


def test_interchromosomal_pair_gives_one_record_per_end():
    frame = predictions(1)
    frame.loc[0, ["promoter_chrom", "promoter_start", "promoter_end"]] = ["chr5", 700, 900]
    records = interact_frame(frame)
    assert records["chrom"].tolist() == [frame.loc[0, "enhancer_chrom"], "chr5"]
    assert records["chromStart"].tolist() == [frame.loc[0, "enhancer_start"], 700]
    assert records["chromEnd"].tolist() == [frame.loc[0, "enhancer_end"], 900]
    assert (records["targetChrom"] == "chr5").all()


def test_pair_name_without_separator_names_both_ends():
    frame = predictions(1)
    frame["name"] = "pair_1"
    records = interact_frame(frame)
    assert records.loc[0, ["sourceName", "targetName"]].tolist() == ["pair_1", "pair_1"]


def test_scaled_score_range():
    assert scaled_score(np.array([0.0, 0.0004, 0.1234, 0.5, 0.9996, 1.0])).tolist() == [
        0, 0, 123, 500, 1000, 1000
    ]  # fmt: skip


@pytest.mark.parametrize("bad", [np.nan, -0.1, 1.5])
def test_interact_rejects_values_that_are_not_probabilities(bad):
    frame = predictions(3)
    frame.loc[1, "probability"] = bad
    with pytest.raises(ValueError, match="probabilities in"):
        interact_frame(frame)


def test_no_predictions_give_no_records(tmp_path):
    records = interact_frame(predictions(0))
    assert records.columns.tolist() == INTERACT_COLUMNS and records.empty
    assert write_interact([predictions(0)], tmp_path / "empty.interact.bed") == 0
    assert (tmp_path / "empty.interact.bed").read_text() == ""


def test_dash_writes_to_standard_output(capsys, tmp_path):
    frame = predictions(4)
    write_interact([frame], "-")
    write_interact([frame], tmp_path / "file.bed")
    assert capsys.readouterr().out == (tmp_path / "file.bed").read_text()
    assert write_pair_table([frame], "-", ["distance"]) == 4
    assert capsys.readouterr().out.splitlines()[0] == "#" + "\t".join(PAIR_COLUMNS) + "\tdistance"
    assert [p.name for p in tmp_path.iterdir()] == ["file.bed"]


def test_interact_says_which_input_columns_it_cannot_hold(tmp_path, caplog):
    frame = predictions(4).assign(padded=np.int8(0))
    with caplog.at_level(logging.INFO, logger="kipoi_prism.io.tracks"):
        write_interact([frame], tmp_path / "t.interact.bed")
    assert [r.getMessage() for r in caplog.records] == [
        "interact tracks have a fixed set of columns (BED5+13): distance, padded not written; "
        "the .tsv, .bedpe and .h5 outputs keep them"
    ]
    assert all(len(line.split("\t")) == 18 for line in open(tmp_path / "t.interact.bed"))


def test_missing_score_column_is_named():
    with pytest.raises(KeyError, match="score_column: no column 'p'"):
        interact_frame(predictions(3), score_column="p")


# --------------------------------------------------------------------------- pair table


def test_pair_table_round_trips_through_the_reader(tmp_path):
    frame = predictions(30).drop(columns="probability")
    path = tmp_path / "pairs.bedpe"
    assert write_pair_table([frame.iloc[:10], frame.iloc[10:]], path, ["distance"]) == 30
    assert path.read_text().startswith("#" + "\t".join(PAIR_COLUMNS) + "\tdistance\n")
    back = pd.concat(list(iter_pairs(path)), ignore_index=True)
    assert back[PAIR_COLUMNS].astype(str).equals(frame[PAIR_COLUMNS].astype(str))
    assert back["distance"].astype(int).tolist() == frame["distance"].tolist()
    assert back["line"].tolist() == list(range(2, 32))  # the header is line 1


def test_empty_pair_table_is_header_only(tmp_path):
    path = tmp_path / "empty.bedpe"
    assert write_pair_table([], path, ["distance"]) == 0
    assert path.read_text() == "#" + "\t".join(PAIR_COLUMNS + ["distance"]) + "\n"


def test_failed_write_leaves_the_old_file_and_no_temporary(tmp_path):
    path = tmp_path / "pairs.bedpe"
    path.write_text("old\n")

    def chunks():
        yield predictions(5).drop(columns="probability")
        raise RuntimeError("interrupted")

    with pytest.raises(RuntimeError, match="interrupted"):
        write_pair_table(chunks(), path, ["distance"])
    assert path.read_text() == "old\n"
    assert [p.name for p in tmp_path.iterdir()] == ["pairs.bedpe"]


def test_gzip_output_by_suffix(tmp_path):
    path = tmp_path / "pairs.bedpe.gz"
    write_pair_table([predictions(5).drop(columns="probability")], path, ["distance"])
    assert path.read_bytes()[:2] == b"\x1f\x8b"
    assert sum(len(c) for c in iter_pairs(path)) == 5
