"""Prediction writers (kipoi_prism.io.writers): each format's columns and order, stdout,
and atomicity (an output appears only when the whole run succeeded)."""

from __future__ import annotations

import io
import json
import os

import h5py
import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest

from kipoi_prism.errors import PrismInputError
from kipoi_prism.io.pairs import read_pairs
from kipoi_prism.io.tracks import InteractWriter
from kipoi_prism.io.writers import (
    BEDPE_OUTPUT_COLUMNS,
    H5_COLUMNS,
    SCORE_COLUMNS,
    BedpeWriter,
    Hdf5Writer,
    OutputContext,
    ParquetWriter,
    TsvWriter,
    open_output,
    write_empty,
    writer_class,
)

TSV_COLUMNS = ["name", "cell_line", "probability", "call", "U_I", "R_E", "lam", "T"]
PLACE_COLUMNS = ["enhancer_chrom", "enhancer_start", "enhancer_end",
                 "promoter_chrom", "promoter_start", "promoter_end", "padded"]  # fmt: skip


def scored(n: int = 3, start: int = 0) -> pd.DataFrame:
    """``n`` scored pairs (canonical pair columns plus scores), labels 1, 0, unknown, ..."""
    i = np.arange(start, start + n)
    return pd.DataFrame({
        "enhancer_chrom": "chr1", "enhancer_start": 1000 + i, "enhancer_end": 1200 + i,
        "promoter_chrom": np.where(i % 2, "chr2", "chr1"), "promoter_start": 5000 + i,
        "promoter_end": 5100 + i, "name": [f"pair{k}" for k in i], "score": ".",
        "enhancer_strand": "+", "promoter_strand": "-", "cell_line": "K562",
        "label": np.array([1, 0, -1])[i % 3].astype(np.int8), "line": i + 2,
        "probability": (0.125 + 0.25 * (i % 4)).astype(np.float32), "call": (i % 2).astype(np.int8),
        "U_I": np.float32(1.5), "R_E": np.float32(0.25), "lam": np.float32(0.1),
        "T": np.float32(1.0), "padded": (i % 3 == 2).astype(np.int8),
    })  # fmt: skip


def write(path, *frames, context=None):
    with open_output(path, context or OutputContext(has_labels=True)) as writer:
        for frame in frames:
            writer.write(frame)
    return path


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


# --------------------------------------------------------------------------- formats


def test_tsv_columns_order_and_values(tmp_path):
    out = write(tmp_path / "s.tsv", scored(2), scored(2, start=2))
    lines = out.read_text().splitlines()
    assert lines[0].split("\t") == [*TSV_COLUMNS, "label", *PLACE_COLUMNS]  # one header
    assert lines[1:] == [
        "pair0\tK562\t0.125\t0\t1.5\t0.25\t0.1\t1\t1\tchr1\t1000\t1200\tchr1\t5000\t5100\t0",
        "pair1\tK562\t0.375\t1\t1.5\t0.25\t0.1\t1\t0\tchr1\t1001\t1201\tchr2\t5001\t5101\t0",
        "pair2\tK562\t0.625\t0\t1.5\t0.25\t0.1\t1\t.\tchr1\t1002\t1202\tchr1\t5002\t5102\t1",
        "pair3\tK562\t0.875\t1\t1.5\t0.25\t0.1\t1\t1\tchr1\t1003\t1203\tchr2\t5003\t5103\t0",
    ]


def test_tsv_without_labels_has_no_label_column(tmp_path):
    out = write(tmp_path / "s.tsv", scored(1), context=OutputContext(has_labels=False))
    assert out.read_text().splitlines()[0].split("\t") == TSV_COLUMNS + PLACE_COLUMNS


def test_bedpe_columns_and_reads_back_as_a_labelled_bedpe(tmp_path):
    out = write(tmp_path / "s.bedpe", scored(3))
    lines = out.read_text().splitlines()
    assert lines[0] == "#" + "\t".join(BEDPE_OUTPUT_COLUMNS)
    assert lines[2].split("\t") == ["chr1", "1001", "1201", "chr2", "5001", "5101", "pair1",
                                    "0.375", "+", "-", "K562", "0", "1", "1.5", "0.25", "0.1",
                                    "1", "0"]  # fmt: skip
    assert lines[3].split("\t")[11] == "."  # unknown label
    back = read_pairs(out)
    assert back["name"].tolist() == ["pair0", "pair1", "pair2"]
    assert back["label"].tolist() == [1, 0, -1]
    assert back["promoter_chrom"].tolist() == ["chr1", "chr2", "chr1"]


def test_h5_datasets_dtypes_values_and_attributes(tmp_path):
    context = OutputContext(has_labels=True, attributes={"threshold": 0.4, "seed": 7})
    out = write(tmp_path / "s.h5", scored(2), scored(1, start=2), context=context)
    frame = scored(3)
    with h5py.File(out) as handle:
        assert sorted(handle) == sorted(H5_COLUMNS)
        assert (handle.attrs["threshold"], handle.attrs["seed"]) == (0.4, 7)
        for column, dtype in H5_COLUMNS.items():
            values = handle[column]
            if dtype == "str":
                assert values.asstr()[:].tolist() == frame[column].tolist(), column
            else:
                assert values.dtype == dtype, column
                np.testing.assert_array_equal(values[:], frame[column].to_numpy(dtype))
        assert handle["label"][:].tolist() == [1, 0, -1]


def with_extras(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with two extra input columns: a number (``distance``) and text."""
    return frame.assign(distance=np.arange(len(frame), dtype=np.int64) * 1000 + 7,
                        note=[f"n{k}" for k in range(len(frame))])  # fmt: skip


def test_tsv_keeps_extra_columns_after_the_fixed_ones(tmp_path):
    out = write(tmp_path / "s.tsv", with_extras(scored(2)))
    table = pd.read_csv(out, sep="\t")
    assert list(table.columns) == [*TSV_COLUMNS, "label", *PLACE_COLUMNS, "distance", "note"]
    assert table["distance"].tolist() == [7, 1007]
    assert table["note"].tolist() == ["n0", "n1"]


def test_bedpe_keeps_extra_columns_and_reads_them_back(tmp_path):
    out = write(tmp_path / "s.bedpe", with_extras(scored(3)))
    assert out.read_text().splitlines()[0].split("\t")[-3:] == ["padded", "distance", "note"]
    back = read_pairs(out)
    assert back["distance"].astype(int).tolist() == [7, 1007, 2007]
    assert back["note"].tolist() == ["n0", "n1", "n2"]
    assert back["padded"].astype(int).tolist() == [0, 0, 1]


def test_h5_keeps_extra_columns_numeric_where_they_are(tmp_path):
    out = write(tmp_path / "s.h5", with_extras(scored(2)), with_extras(scored(1)))
    with h5py.File(out) as handle:
        assert handle["distance"].dtype == np.int64
        assert handle["distance"][:].tolist() == [7, 1007, 7]
        assert handle["note"].asstr()[:].tolist() == ["n0", "n1", "n0"]
        assert handle["padded"][:].tolist() == [0, 0, 0]


def test_parquet_rows_equal_the_tsv_rows_with_typed_columns(tmp_path):
    frames = [with_extras(scored(2)), with_extras(scored(3, start=2))]
    tsv = pd.read_csv(write(tmp_path / "s.tsv", *frames), sep="\t", na_values={"label": "."})
    table = pd.read_parquet(write(tmp_path / "s.parquet", *frames))
    assert list(table.columns) == list(tsv.columns)
    assert table["label"].fillna(-1).tolist() == [1, 0, -1, 1, 0]  # null where unknown
    pd.testing.assert_frame_equal(  # the TSV has 7 significant digits, float32 about as many
        table.astype({"label": float}), tsv, check_dtype=False, check_exact=False, rtol=1e-6
    )
    dtypes = {c: str(t) for c, t in table.dtypes.items()}
    assert {c: dtypes[c] for c in ("probability", "call", "U_I", "enhancer_start", "padded")} == {
        "probability": "float32", "call": "int8", "U_I": "float32", "enhancer_start": "int64",
        "padded": "int8",
    }  # fmt: skip
    assert (dtypes["label"], dtypes["distance"]) == ("Int8", "int64")
    assert pd.api.types.is_string_dtype(table["note"]) and table["note"][2] == "n0"


def test_parquet_without_labels_has_the_tsv_columns(tmp_path):
    out = write(tmp_path / "s.parquet", scored(1), context=OutputContext(has_labels=False))
    assert pq.read_schema(out).names == TSV_COLUMNS + PLACE_COLUMNS


def test_parquet_records_the_run_metadata(tmp_path):
    attributes = {"threshold": 0.4, "seed": 7, "weights_sha256": "ab12", "use_prototypes": False}
    context = OutputContext(has_labels=True, attributes=attributes)
    out = write(tmp_path / "s.parquet", scored(2), context=context)
    assert json.loads(pq.read_schema(out).metadata[b"kipoi_prism"]) == attributes


def test_parquet_writes_row_groups_as_chunks_arrive(tmp_path, monkeypatch):
    from kipoi_prism.io import writers

    monkeypatch.setattr(writers, "PARQUET_ROW_GROUP_ROWS", 2)
    out = tmp_path / "s.parquet"
    with open_output(out, OutputContext(has_labels=True)) as writer:
        writer.write(scored(1))
        writer.write(scored(1, start=1))  # two rows gathered: one row group written now
        temporary = next(p for p in tmp_path.iterdir() if p.name.endswith(".tmp"))
        assert temporary.stat().st_size > 0 and writer.held_rows == 0
        writer.write(scored(3, start=2))
    groups = pq.ParquetFile(out).metadata
    assert [groups.row_group(i).num_rows for i in range(groups.num_row_groups)] == [2, 2, 1]
    assert pd.read_parquet(out)["name"].tolist() == [f"pair{k}" for k in range(5)]


def test_parquet_with_no_rows_written_is_a_valid_empty_table(tmp_path):
    out = tmp_path / "s.parquet"
    with open_output(out, OutputContext(has_labels=False)):
        pass
    assert pq.read_schema(out).names == TSV_COLUMNS + PLACE_COLUMNS
    assert pq.read_metadata(out).num_rows == 0


def test_interact_output_is_dispatched_by_its_suffix(tmp_path):
    out = write(tmp_path / "s.interact.bed", scored(2))
    records = [line.split("\t") for line in out.read_text().splitlines()]
    # pair0 within chr1, pair1 across chromosomes: one record on each end, sorted.
    assert [(r[0], r[1], r[3], r[4]) for r in records] == [
        ("chr1", "1000", "pair0", "125"), ("chr1", "1001", "pair1", "375"),
        ("chr2", "5001", "pair1", "375"),
    ]  # fmt: skip
    assert all(len(r) == 18 for r in records)


@pytest.mark.parametrize(
    "name, cls",
    [("a.tsv", TsvWriter), ("a.bedpe", BedpeWriter), ("a.h5", Hdf5Writer),
     ("a.interact.bed", InteractWriter), ("A.TSV", TsvWriter), ("-", TsvWriter),
     ("a.parquet", ParquetWriter)],
)  # fmt: skip
def test_writer_class_by_suffix(name, cls):
    assert writer_class(name) is cls


@pytest.mark.parametrize("name", ["a.bed", "a.csv", "a.tsv.gz"])
def test_unknown_suffix_names_the_formats(name):
    with pytest.raises(PrismInputError, match=r"\.bedpe, \.h5, \.interact\.bed, \.parquet, \.tsv"):
        writer_class(name)


@pytest.mark.parametrize("suffix", [".tsv", ".bedpe", ".h5", ".interact.bed", ".parquet"])
def test_empty_output_has_the_formats_header(tmp_path, suffix):
    out = tmp_path / f"e{suffix}"
    write_empty(out)
    if suffix == ".h5":
        with h5py.File(out) as handle:
            assert sorted(handle) == sorted([*H5_COLUMNS, "distance"])
            assert len(handle["name"]) == 0
    elif suffix == ".parquet":
        table = pd.read_parquet(out)
        assert list(table.columns) == TSV_COLUMNS + PLACE_COLUMNS + ["distance"]
        assert len(table) == 0
    else:
        header = {  # an empty candidate set: its distance column is kept too
            ".tsv": "\t".join(TSV_COLUMNS + PLACE_COLUMNS + ["distance"]) + "\n",
            ".bedpe": "#" + "\t".join(BEDPE_OUTPUT_COLUMNS + ["distance"]) + "\n",
            ".interact.bed": "",
        }
        assert out.read_text() == header[suffix]  # fmt: skip


# --------------------------------------------------------------------------- stdout


def test_stdout_is_tsv(capsys):
    write("-", scored(2))
    out = capsys.readouterr().out.splitlines()
    assert out[0].split("\t") == [*TSV_COLUMNS, "label", *PLACE_COLUMNS] and len(out) == 3
    assert out[1].startswith("pair0\tK562\t0.125\t")


@pytest.mark.parametrize("cls, title", [(Hdf5Writer, "HDF5"), (ParquetWriter, "Parquet")])
def test_binary_formats_refuse_a_stream(cls, title):
    with pytest.raises(PrismInputError, match=f"^{title} output needs a file path, not a stream"):
        cls(io.StringIO(), OutputContext())


# --------------------------------------------------------------------------- atomicity


@pytest.mark.parametrize("suffix", [".tsv", ".bedpe", ".h5", ".interact.bed", ".parquet"])
def test_output_appears_only_on_success(tmp_path, suffix):
    out = tmp_path / f"s{suffix}"
    with pytest.raises(RuntimeError, match="failed half-way"):
        with open_output(out, OutputContext()) as writer:
            writer.write(scored(2))
            assert [p.name for p in tmp_path.iterdir()] != [] and not out.exists()
            raise RuntimeError("failed half-way")
    assert list(tmp_path.iterdir()) == []  # no output, no temporary file
    write(out, scored(2))
    assert [p.name for p in tmp_path.iterdir()] == [out.name]
    assert out.stat().st_mode & 0o777 == 0o666 & ~_umask()


@pytest.mark.parametrize("suffix", [".tsv", ".bedpe", ".h5", ".interact.bed", ".parquet"])
def test_failed_run_keeps_an_existing_file(tmp_path, suffix):
    out = tmp_path / f"s{suffix}"
    out.write_bytes(b"previous results\n")
    with pytest.raises(KeyboardInterrupt):
        with open_output(out, OutputContext()) as writer:
            writer.write(scored(2))
            raise KeyboardInterrupt
    assert out.read_bytes() == b"previous results\n"
    assert [p.name for p in tmp_path.iterdir()] == [out.name]


@pytest.mark.parametrize(
    "name, problem",
    [("out.csv", "unknown output format"), ("missing/out.tsv", "does not exist"),
     ("folder.tsv", "output path is a folder")],
)  # fmt: skip
def test_bad_output_paths_fail_before_anything_is_written(tmp_path, name, problem):
    (tmp_path / "folder.tsv").mkdir()
    with pytest.raises(PrismInputError, match=problem):
        with open_output(tmp_path / name, OutputContext()):
            raise AssertionError("the block must not run")
    assert [p.name for p in tmp_path.iterdir()] == ["folder.tsv"]


def test_score_columns_are_the_writers_contract():
    assert SCORE_COLUMNS == ["probability", "call", "U_I", "R_E", "lam", "T"]
