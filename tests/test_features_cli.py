"""``kipoi-prism features``: chromatin feature tables from bigWig and narrowPeak tracks."""

from __future__ import annotations

import gzip
import io
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from kipoi_prism.benchmark import features as benchmark_features
from kipoi_prism.cli.main import main
from kipoi_prism.io import chromatin
from kipoi_prism.io.chromatin import BigWigTrack, PeakTrack, read_track
from kipoi_prism.io.feature_table import (
    FEATURE_COLUMNS,
    TABLE_COLUMNS,
    ChromatinFeatures,
)

pyBigWig = pytest.importorskip("pyBigWig")

CHROM_SIZES = [("chr1", 10_000), ("chr2", 5_000)]
# DNase: 2 on [100, 200), 4 on [200, 300), 1 on [1000, 1100), 3 on [9900, 10000); else no data.
DNASE = [("chr1", 100, 200, 2.0), ("chr1", 200, 300, 4.0), ("chr1", 1000, 1100, 1.0),
         ("chr1", 9900, 10000, 3.0)]  # fmt: skip
# H3K27ac peaks (signalValue in column 7); the first two overlap each other.
PEAKS = [("chr1", 100, 150, 10.0), ("chr1", 120, 220, 5.0), ("chr1", 1000, 1050, 2.0)]
# Pairs, not sorted: p3's promoter lies left of its enhancer; p2's regions touch (no window);
# p4 is on chr2 (no DNase data, no peaks); p5's promoter runs past chr1's end in the bigWig.
PAIRS = [
    ("chr1", 1100, 1200, "chr1", 50, 120, "p3", "1"),
    ("chr1", 100, 300, "chr1", 1000, 1200, "p1", "1"),
    ("chr1", 150, 250, "chr1", 250, 400, "p2", "0"),
    ("chr2", 0, 100, "chr2", 500, 600, "p4", "."),
    ("chr1", 9000, 9100, "chr1", 9950, 10100, "p5", "0"),
]
# Hand computation: mean signal per bp (sum of value x bp / length), no data counted as 0.
EXPECTED = {
    # name: (DNase enh, prom, window), (H3K27ac enh, prom, window), distance, label
    "p3": ((0.0, 2 * 20 / 70, (2 * 80 + 4 * 100 + 1 * 100) / 980),
           (0.0, 10 * 20 / 70, (10 * 30 + 5 * 100 + 2 * 50) / 980), 1065, 1),
    "p1": ((3.0, 0.5, 0.0), ((10 * 50 + 5 * 100) / 200, 2 * 50 / 200, 0.0), 900, 1),
    "p2": ((3.0, 4 * 50 / 150, 0.0), (5 * 70 / 100, 0.0, 0.0), 125, 0),
    "p4": ((0.0, 0.0, 0.0), (0.0, 0.0, 0.0), 500, -1),
    "p5": ((0.0, 3 * 50 / 150, 3 * 50 / 850), (0.0, 0.0, 0.0), 975, 0),
}  # fmt: skip


def write_bigwig(path: Path, entries, sizes=CHROM_SIZES) -> Path:
    bw = pyBigWig.open(str(path), "w")
    bw.addHeader(list(sizes))
    if entries:
        chroms, starts, ends, values = (list(column) for column in zip(*entries, strict=True))
        bw.addEntries(chroms, starts, ends=ends, values=values)
    bw.close()
    return path


def write_peaks(path: Path, peaks, lines: list[str] = ()) -> Path:
    rows = [
        f"{c}\t{s}\t{e}\tpeak{i}\t0\t.\t{v}\t-1\t-1\t50" for i, (c, s, e, v) in enumerate(peaks)
    ]
    text = "\n".join(["track name=peaks", *rows, *lines]) + "\n"
    if path.suffix == ".gz":
        path.write_bytes(gzip.compress(text.encode()))
    else:
        path.write_text(text)
    return path


def write_bedpe(path: Path, pairs=PAIRS, cell: str = "HepG2") -> Path:
    rows = ["\t".join(map(str, [*p[:6], p[6], ".", ".", ".", cell, p[7]])) for p in pairs]
    path.write_text("\n".join(rows) + "\n")
    return path


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    return {
        "dnase": write_bigwig(tmp_path / "dnase.bw", DNASE),
        "peaks": write_peaks(tmp_path / "k27ac.narrowPeak.gz", PEAKS),
        "pairs": write_bedpe(tmp_path / "pairs.bedpe"),
        "dir": tmp_path,
    }


def track_args(files) -> list[str]:
    return ["--track", f"dnase={files['dnase']}", "--track", f"H3K27ac={files['peaks']}"]


def run_features(*args: str) -> int:
    return main(["--quiet", "features", *map(str, args)])


def read_tsv(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, sep="\t")


def test_table_matches_hand_computation(files):
    out = files["dir"] / "features.tsv"
    assert run_features("--pairs", files["pairs"], *track_args(files), "--out", out) == 0
    table = read_tsv(out)
    assert list(table.columns) == TABLE_COLUMNS
    assert [name.split("|")[2] for name in table["enh_name"]] == [p[6] for p in PAIRS]
    assert table["enh_name"][0] == "chr1:1100-1200|HepG2|p3"
    assert table["prom_name"][0] == "chr1:50-120|HepG2|p3"
    assert set(table["celltype"]) == {"HepG2"}
    for _, row in table.iterrows():
        dnase, k27ac, distance, label = EXPECTED[row["enh_name"].split("|")[2]]
        got_dnase = [row[f"DNase ({place})"] for place in ("enhancer", "promoter", "window")]
        got_k27ac = [row[f"H3K27ac ({place})"] for place in ("enhancer", "promoter", "window")]
        assert got_dnase == pytest.approx(dnase, abs=1e-7)
        assert got_k27ac == pytest.approx(k27ac, abs=1e-7)
        assert row["enhancer_distance_to_promoter"] == distance
        assert row["label"] == label and row["chrom"] == row["enh_name"].split(":")[0]
    absent = [c for c in FEATURE_COLUMNS if not c.startswith(("DNase", "H3K27ac"))]
    assert len(absent) == 18 and table[absent].isna().all().all()


def test_reads_back_through_read_feature_table(files):
    for name in ("features.tsv.gz", "features.csv"):
        out = files["dir"] / name
        args = ["--pairs", files["pairs"], *track_args(files), "--cell-line", "Mine"]
        assert run_features(*args, "--out", out) == 0
        table = benchmark_features.read_feature_table(out)
        assert list(table.columns[5:]) == benchmark_features.FEATURE_COLUMNS
        assert list(table["enhancer"]) == [f"{p[0]}:{p[1]}-{p[2]}" for p in PAIRS]
        assert list(table["distance"]) == [EXPECTED[p[6]][2] for p in PAIRS]
        assert set(table["cell_line"]) == {"Mine"}
        assert table["DNase (enhancer)"].iloc[1] == pytest.approx(3.0)
    with gzip.open(files["dir"] / "features.tsv.gz", "rt") as handle:
        assert handle.readline().startswith("label\tenh_name\tprom_name\tcelltype")


def write_bed(path: Path, rows) -> Path:
    path.write_text("".join("\t".join(map(str, row)) + "\n" for row in rows))
    return path


def test_candidates_give_the_table_of_their_pairs(files):
    d = files["dir"]
    enhancers = write_bed(d / "e.bed", [("chr1", 1100, 1200, "e3"), ("chr1", 100, 300, "e1")])
    promoters = write_bed(d / "p.bed", [("chr1", 50, 120, "P1"), ("chr1", 1000, 1200, "P2")])
    candidates = ["--enhancers", enhancers, "--promoters", promoters, "--max-distance", 1000]
    direct, via = d / "direct.tsv", d / "via.tsv"
    common = [*track_args(files), "--cell-line", "HepG2"]
    assert run_features(*candidates, *common, "--out", direct) == 0
    assert main(["--quiet", "pairs", *map(str, candidates), "--cell-line", "HepG2",
                 "--out", str(d / "c.bedpe")]) == 0  # fmt: skip
    assert run_features("--pairs", d / "c.bedpe", *track_args(files), "--out", via) == 0
    table = read_tsv(direct)
    pd.testing.assert_frame_equal(table, read_tsv(via))
    assert list(table["enh_name"]) == [
        "chr1:100-300|HepG2|e1~P1", "chr1:100-300|HepG2|e1~P2", "chr1:1100-1200|HepG2|e3~P2",
    ]  # fmt: skip
    assert table["DNase (enhancer)"].iloc[0] == pytest.approx(3.0)


def test_pairs_from_stdin(files, monkeypatch):
    stdin = io.TextIOWrapper(io.BytesIO(files["pairs"].read_bytes()))
    monkeypatch.setattr(sys, "stdin", stdin)
    out = files["dir"] / "stdin.tsv"
    assert run_features("--pairs", "-", *track_args(files), "--out", out) == 0
    assert len(read_tsv(out)) == len(PAIRS)


class CountingTrack:
    """A track recording every interval it is asked about."""

    def __init__(self, track) -> None:
        self.track, self.path, self.chromosomes = track, track.path, track.chromosomes
        self.asked: list[tuple[int, int]] = []

    def sums(self, chrom, starts, ends):
        self.asked += list(zip(starts.tolist(), ends.tolist(), strict=True))
        return self.track.sums(chrom, starts, ends)


def test_shared_regions_are_queried_once(files):
    from kipoi_prism.io.pairs import iter_pairs

    counting = CountingTrack(BigWigTrack(files["dnase"]))
    features = ChromatinFeatures({"DNase": counting}, "pairs")
    pairs = write_bedpe(files["dir"] / "shared.bedpe", [
        ("chr1", 0, 100, "chr1", 1000, 1200, "a", "1"),
        ("chr1", 300, 400, "chr1", 1000, 1200, "b", "1"),
        ("chr1", 0, 100, "chr1", 1000, 1200, "c", "0"),
    ])  # fmt: skip
    chunks = list(iter_pairs(pairs, chunk_size=2))
    first = features.frame(chunks[0])
    again = features.frame(chunks[1].reset_index(drop=True))  # enhancer and promoter cached
    assert sorted(counting.asked) == sorted(
        [(0, 100), (300, 400), (1000, 1200), (100, 1000), (400, 1000), (100, 1000)]
    )
    assert again.iloc[0, 6:].equals(first.iloc[0, 6:])


def brute_force(chrom_length: int, records) -> np.ndarray:
    """Per-base signal: the sum of the values of the records covering each base."""
    signal = np.zeros(chrom_length)
    for start, end, value in records:
        signal[start:end] += value
    return signal


@pytest.mark.parametrize("tile", [1_000_000, 64])  # the default, and many tiles (some empty)
def test_peak_and_bigwig_sums_match_per_base_signal(tmp_path, monkeypatch, tile):
    monkeypatch.setattr(chromatin, "TILE_BP", tile)
    rng = np.random.default_rng(0)
    starts = rng.integers(0, 1900, 60)
    peaks = [("chr1", int(s), int(s + rng.integers(1, 100)), float(rng.integers(1, 9)))
             for s in starts]  # fmt: skip
    peak_track = read_track(write_peaks(tmp_path / "p.bed", peaks))
    edges = np.unique(rng.integers(0, 2000, 40))
    steps = [
        (int(a), int(b), float(rng.integers(0, 5)))
        for a, b in zip(edges[:-1], edges[1:], strict=True)
    ][::2]
    bw_track = read_track(write_bigwig(tmp_path / "s.bigWig", [("chr1", *s) for s in steps]))
    assert isinstance(peak_track, PeakTrack) and isinstance(bw_track, BigWigTrack)
    q_start = np.concatenate([rng.integers(0, 2000, 200), [10, 1500]])  # then 2 far apart
    q_end = np.concatenate([q_start[:200] + rng.integers(0, 300, 200), [1990, 1600]])
    for track, records in ((peak_track, [p[1:] for p in peaks]), (bw_track, steps)):
        signal = np.concatenate([brute_force(2000, records), np.zeros(400)])
        expected = [signal[a:b].sum() for a, b in zip(q_start, q_end, strict=True)]
        assert track.sums("chr1", q_start, q_end) == pytest.approx(expected, abs=1e-9)
        assert track.sums("chr1", q_start[200:], q_end[200:]) == pytest.approx(expected[200:])


def test_a_peak_of_signal_zero_sums_to_exactly_zero(tmp_path):
    rng = np.random.default_rng(1)
    peaks = [("chr1", 10 * i, 10 * i + 15, float(rng.random())) for i in range(500)]
    track = read_track(write_peaks(tmp_path / "p.bed", [*peaks, ("chr1", 9000, 9100, 0.0)]))
    assert track.sums("chr1", np.array([8990, 9050]), np.array([9200, 9060])).tolist() == [0, 0]


def error_of(capsys, *args) -> str:
    assert main(["features", *map(str, args)]) == 2
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) >= 1 and lines[-1].startswith("kipoi-prism: error: ")
    return lines[-1]


@pytest.mark.parametrize(
    "track, problem",
    [
        ("DNase", "--track: expected NAME=PATH"),
        ("=x.bw", "--track: expected NAME=PATH"),
        ("H3K4me2={dnase}", "unknown mark 'H3K4me2'; choose one of CTCF, DNase, H3K27ac"),
        ("DNase={dir}/absent.bw", "absent.bw: track file not found"),
        ("DNase={dir}/text.bw", "text.bw: not a bigWig file"),
        ("DNase={dir}/empty.bw", "empty.bw: the bigWig holds no data"),
        ("DNase={dir}/other.bw", "other.bw: the DNase track shares no chromosome with the pairs"),
        ("DNase={dir}/prefix.bw", "likely a 'chr' prefix on one side only"),
        ("DNase={dir}/signal.wig", "signal.wig: unknown track type"),
        ("H3K27ac={dir}/empty.narrowPeak", "empty.narrowPeak: no peaks in the file"),
        ("H3K27ac={dir}/short.narrowPeak", "short.narrowPeak line 3: expected at least 7"),
        ("H3K27ac={dir}/word.narrowPeak", "word.narrowPeak line 3: signalValue (column 7) 'high'"),
        ("H3K27ac={dir}/nan.bed", "nan.bed line 1: signalValue (column 7) 'nan' is not a finite"),
    ],
)
def test_bad_tracks_give_one_line_errors(files, capsys, track, problem):
    d = files["dir"]
    (d / "text.bw").write_text("not a bigwig\n")
    write_bigwig(d / "empty.bw", [])
    write_bigwig(d / "other.bw", [("chrX", 0, 10, 1.0)], [("chrX", 100)])
    write_bigwig(d / "prefix.bw", [("1", 0, 10, 1.0)], [("1", 100)])
    (d / "signal.wig").write_text("")
    write_peaks(d / "empty.narrowPeak", [])
    write_peaks(d / "short.narrowPeak", PEAKS[:1], ["chr1\t1\t5\tx\t0\t."])
    write_peaks(d / "word.narrowPeak", PEAKS[:1], ["chr1\t1\t5\tx\t0\t.\thigh"])
    (d / "nan.bed").write_text("chr1\t1\t5\tx\t0\t.\tnan\n")
    text = track.format(dir=d, dnase=files["dnase"])
    message = error_of(capsys, "--pairs", files["pairs"], "--track", text, "--out", d / "o.tsv")
    assert problem in message
    assert not (d / "o.tsv").exists()


def test_bad_sources_and_repeated_marks(files, capsys):
    d, out = files["dir"], files["dir"] / "o.tsv"
    dnase = f"DNase={files['dnase']}"
    message = error_of(capsys, "--pairs", files["pairs"], "--track", dnase,
                       "--track", f"dnase={files['peaks']}", "--out", out)  # fmt: skip
    assert "--track: DNase given twice" in message
    assert "no pairs given: pass --pairs FILE" in error_of(capsys, "--track", dnase, "--out", out)
    trans = write_bedpe(d / "trans.bedpe", [PAIRS[0], ("chr1", 0, 10, "chr2", 0, 10, "t", "1")])
    message = error_of(capsys, "--pairs", trans, "--track", dnase, "--out", out)
    assert "trans.bedpe line 2: enhancer on chr1 and promoter on chr2" in message
    message = error_of(capsys, "--pairs", files["pairs"], "--enhancers", trans, "--track", dnase,
                       "--out", out)  # fmt: skip
    assert "give either --pairs or --enhancers" in message
    assert not out.exists()


def test_missing_marks_and_chromosomes_are_logged(files, capsys):
    out = files["dir"] / "o.tsv"
    assert main(["features", "--pairs", str(files["pairs"]), *track_args(files),
                 "--out", str(out)]) == 0  # fmt: skip
    err = capsys.readouterr().err
    assert "no track for CTCF, H3K27me3, H3K36me3, H3K4me1, H3K4me3, H3K9me3" in err
    assert "the H3K27ac track has no data for chr2" in err
