"""The command line as a pipeline step: exit codes, stdout holds data only, shell pipes."""

from __future__ import annotations

import hashlib
import math
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import random_sequence, write_fasta

from kipoi_prism.io.pairs import PAIR_COLUMNS

HEADER = "#" + "\t".join(PAIR_COLUMNS + ["distance"]) + "\n"
CLI = [sys.executable, "-m", "kipoi_prism"]


def kipoi_prism(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([*CLI, *args], input=stdin, capture_output=True, text=True)


def shell(command: str, cwd: Path) -> subprocess.CompletedProcess:
    """Run a bash pipeline; PIPESTATUS of every stage is printed last on stderr."""
    script = f'set -o pipefail; {command}; echo "status ${{PIPESTATUS[*]}}" >&2'
    return subprocess.run(["bash", "-c", script], cwd=cwd, capture_output=True, text=True)


def write_bed(path: Path, rows: list[tuple]) -> Path:
    path.write_text("".join("\t".join(str(f) for f in row) + "\n" for row in rows))
    return path


@pytest.fixture
def inputs(tmp_path: Path) -> dict[str, Path]:
    """A 2 x 20 kb genome, 6 enhancers (one unnamed), 3 promoters, in unsorted order."""
    fasta = write_fasta(
        tmp_path / "genome.fa",
        {"chr1": random_sequence(20_000, 11), "chr2": random_sequence(20_000, 12)},
    )
    enhancers = write_bed(
        tmp_path / "enhancers.bed",
        [("chr2", 9000, 9400, "e5"), ("chr1", 3000, 3500, "e1"), ("chr1", 12000, 12600, "e3"),
         ("chr1", 7000, 7300, "e2"), ("chr2", 2000, 2500), ("chr1", 16000, 16200, "e4")],
    )  # fmt: skip
    promoters = write_bed(
        tmp_path / "promoters.bed",
        [("chr1", 9000, 10000, "P1", 0, "+"), ("chr2", 5000, 6000, "P2", 0, "-"),
         ("chr1", 14000, 15000, "P3", 0, "+")],
    )  # fmt: skip
    return {"fasta": fasta, "enhancers": enhancers, "promoters": promoters, "dir": tmp_path}


def pairs_args(inputs: dict[str, Path], *extra: str) -> list[str]:
    return [
        "pairs", "--enhancers", str(inputs["enhancers"]), "--promoters", str(inputs["promoters"]),
        "--cell-line", "K562", "--fasta", str(inputs["fasta"]), *extra,
    ]  # fmt: skip


# --------------------------------------------------------------------------- pairs


def test_pairs_to_stdout_is_data_only_and_equals_the_file(inputs):
    piped = kipoi_prism(*pairs_args(inputs, "--max-distance", "6000"))  # no --out: stdout
    assert piped.returncode == 0, piped.stderr
    dash = kipoi_prism(*pairs_args(inputs, "--max-distance", "6000", "--out", "-"))
    assert dash.returncode == 0 and dash.stdout == piped.stdout
    out = inputs["dir"] / "candidates.bedpe"
    written = kipoi_prism(*pairs_args(inputs, "--max-distance", "6000", "--out", str(out)))
    assert written.returncode == 0 and written.stdout == ""
    assert piped.stdout == out.read_text()
    lines = piped.stdout.splitlines(keepends=True)
    assert lines[0] == HEADER
    names = [line.split("\t")[6] for line in lines[1:]]
    # Centres: e1 3250, e2 7150, e3 12300, e4 16100, P1 9500, P3 14500 (chr1); chr2: 2250,
    # e5 9200, P2 5500. chr1 before chr2 (FASTA order), enhancers by start, promoters by centre.
    assert names == ["e2~P1", "e3~P1", "e3~P3", "e4~P3", "chr2:2000-2500~P2", "e5~P2"]
    assert [int(line.split("\t")[12]) for line in lines[1:]] == [2350, 2800, 2200, 1600, 3250, 3700]
    assert "6 candidate pairs" in piped.stderr
    assert all(line.startswith("kipoi-prism: ") for line in piped.stderr.splitlines())


def test_empty_candidate_set_exits_0_with_header_only(inputs):
    result = kipoi_prism(*pairs_args(inputs, "--max-distance", "100", "--out", "-"))
    assert result.returncode == 0
    assert result.stdout == HEADER
    assert "no candidate pairs" in result.stderr


def unprefixed(inputs: dict[str, Path], side: str) -> None:
    """Rewrite one BED of ``inputs`` with Ensembl names (``1`` for ``chr1``)."""
    path = inputs[side]
    path.write_text(path.read_text().replace("chr", ""))


@pytest.mark.parametrize("side", ["enhancers", "promoters"])
def test_beds_sharing_no_chromosome_exit_2_naming_both_sides(inputs, side):
    unprefixed(inputs, side)
    args = pairs_args(inputs, "--max-distance", "6000", "--out", "-")
    args = args[: args.index("--fasta")] + args[args.index("--fasta") + 2 :]  # no FASTA check
    result = kipoi_prism(*args)
    assert result.returncode == 2
    assert result.stdout == ""
    (line,) = result.stderr.splitlines()
    e_names, p_names = ("1, 2", "chr1, chr2") if side == "enhancers" else ("chr1, chr2", "1, 2")
    assert line == (
        f"kipoi-prism: error: {inputs['enhancers']}: enhancers and promoters share no "
        f"chromosome: enhancers on {e_names}, promoters (promoters.bed) on {p_names}; likely "
        "a 'chr' prefix on one side only (chr1 against 1)"
    )


def test_beds_sharing_a_chromosome_but_no_pair_in_range_stay_a_valid_empty_result(inputs):
    write_bed(inputs["promoters"], [("chr2", 19000, 19500, "P9")])  # chr2, 10 kb from e5
    result = kipoi_prism(*pairs_args(inputs, "--max-distance", "1000", "--out", "-"))
    assert result.returncode == 0
    assert result.stdout == HEADER
    assert "no candidate pairs" in result.stderr


def test_pairs_logs_progress_when_stderr_is_not_a_terminal(inputs, monkeypatch):
    monkeypatch.setenv("KIPOI_PRISM_PROGRESS_SECONDS", "0")
    result = kipoi_prism(*pairs_args(inputs, "--max-distance", "6000", "--out", "-"))
    assert result.returncode == 0
    progress = [line for line in result.stderr.splitlines() if "candidate pairs:" in line]
    assert progress[0].startswith("kipoi-prism: candidate pairs: ")
    assert re.search(r": \d of 6 pairs \(\d+%\), \d+ pairs/s", progress[0])
    assert progress[-1].startswith("kipoi-prism: candidate pairs: done, 6 pairs in ")
    quiet = kipoi_prism("-q", *pairs_args(inputs, "--max-distance", "6000", "--out", "-"))
    assert quiet.stderr == ""


def test_reader_stopping_early_is_not_an_error(inputs):
    enhancers = [("chr1", 10 * i, 10 * i + 5, f"enh{i}") for i in range(1000)]
    promoters = [("chr1", 15 * i, 15 * i + 5, f"prom{i}") for i in range(100)]
    write_bed(inputs["enhancers"], enhancers)  # 100,000 pairs: more than a pipe buffer
    write_bed(inputs["promoters"], promoters)
    command = " ".join(
        [*CLI, *pairs_args(inputs, "--max-distance", "100000", "--out", "-"), "| head -n 2"]
    )
    result = shell(command, inputs["dir"])
    assert result.stderr.splitlines()[-1] == "status 0 0"
    assert result.stdout.splitlines()[0] == HEADER.rstrip("\n")
    assert "internal error" not in result.stderr


@pytest.mark.parametrize(
    "edit, extra, message",
    [
        ("enhancers", "chr1\t100\n", r"enhancers\.bed line 7: expected at least 3 tab-separated"),
        ("enhancers", "chr1\t7\t9\te2\n", r"enhancers\.bed line 7: duplicate region name 'e2' "
                                          r"\(first on line 4\)"),
        ("promoters", "chrUn\t1\t9\tP9\n", r"promoters\.bed line 4: chromosome 'chrUn' is not "
                                           r"in the FASTA"),
        ("promoters", "chr1\t500\t400\tP9\n", r"promoters\.bed line 4: region start 500 >= "),
    ],
)  # fmt: skip
def test_bad_input_exits_2_with_one_line(inputs, edit, extra, message):
    with open(inputs[edit], "a") as handle:
        handle.write(extra)
    out = inputs["dir"] / "candidates.bedpe"
    result = kipoi_prism(*pairs_args(inputs, "--max-distance", "6000", "--out", str(out)))
    assert result.returncode == 2
    assert result.stdout == ""
    assert len(result.stderr.splitlines()) == 1
    assert re.search(r"^kipoi-prism: error: .*" + message, result.stderr)
    assert not out.exists()


@pytest.mark.parametrize(
    "extra, message",
    [
        (["--max-distance", "10", "--min-distance", "20"], "--max-distance 10 is below"),
        (["--max-distance", "10", "--out", "/no/such/dir/x.bedpe"], "output folder does not"),
    ],
)  # fmt: skip
def test_bad_options_exit_2(inputs, extra, message):
    args = pairs_args(inputs, *extra)
    if "--out" not in extra:
        args += ["--out", "-"]
    result = kipoi_prism(*args)
    assert result.returncode == 2
    assert message in result.stderr
    assert result.stdout == ""


def test_version_names_the_weights_by_their_sha256():
    from kipoi_prism import __version__
    from kipoi_prism.model.weights import DEFAULT_WEIGHTS

    result = kipoi_prism("--version")
    assert result.returncode == 0 and result.stderr == ""
    digest = hashlib.sha256(DEFAULT_WEIGHTS.read_bytes()).hexdigest()[:12]
    assert result.stdout == f"kipoi-prism {__version__} (weights prism-energy.pt sha256:{digest})\n"


def test_missing_option_is_a_usage_error(inputs):
    result = kipoi_prism("pairs", "--enhancers", str(inputs["enhancers"]), "--out", "-")
    assert result.returncode == 2
    assert "required" in result.stderr and result.stdout == ""


@pytest.fixture(autouse=True)
def _quiet_environment(monkeypatch):
    # A user's PYTHONWARNINGS would add lines to stderr; the tests count them.
    monkeypatch.delenv("PYTHONWARNINGS", raising=False)
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join([str(Path(__file__).parents[1])]))


# --------------------------------------------------------------------------- predict


@pytest.fixture(scope="module")
def weights(tmp_path_factory) -> Path:
    """Randomly initialised small prism-energy weights (scores are arbitrary but fixed)."""
    import torch

    from kipoi_prism.config import ModelConfig
    from kipoi_prism.model.network import PrismEnergy
    from kipoi_prism.model.weights import save_weights

    torch.manual_seed(7)
    config = ModelConfig(
        enhancer_length=600, promoter_length=400, channels=8, element_dim=8,
        d_interaction=8, d_environment=8, env_hidden=8,
    )  # fmt: skip
    return save_weights(tmp_path_factory.mktemp("weights") / "random.pt", PrismEnergy(config))


def predict_args(inputs: dict[str, Path], weights: Path, *extra: str) -> list[str]:
    return ["predict", "--fasta", str(inputs["fasta"]), "--weights", str(weights), *extra]


def candidate_args(inputs: dict[str, Path], max_distance: str = "6000") -> list[str]:
    return [
        "--enhancers", str(inputs["enhancers"]), "--promoters", str(inputs["promoters"]),
        "--max-distance", max_distance, "--cell-line", "K562",
    ]  # fmt: skip


def test_pairs_piped_into_predict_equals_predict_from_beds(inputs, weights):
    pairs = " ".join([*CLI, *pairs_args(inputs, "--max-distance", "6000", "--out", "-")])
    predict = " ".join([*CLI, *predict_args(inputs, weights, "--pairs", "-", "--out", "-")])
    piped = shell(f"{pairs} | {predict}", inputs["dir"])
    assert piped.stderr.splitlines()[-1] == "status 0 0", piped.stderr
    direct = kipoi_prism(
        *predict_args(inputs, weights, *candidate_args(inputs), "--threads", "1", "--out", "-")
    )
    assert direct.returncode == 0, direct.stderr
    assert piped.stdout == direct.stdout
    rows = [line.split("\t") for line in direct.stdout.splitlines()]
    assert rows[0][:3] == ["name", "cell_line", "probability"]
    assert [r[0] for r in rows[1:]] == [
        "e2~P1", "e3~P1", "e3~P3", "e4~P3", "chr2:2000-2500~P2", "e5~P2",
    ]  # fmt: skip
    for r in rows[1:]:  # the energy head: p = sigmoid((U_I - R_E + lam U_I R_E) / T)
        u_i, r_e, lam, t = (float(v) for v in r[4:8])
        logit = (u_i - r_e + lam * u_i * r_e) / t
        assert float(r[2]) == pytest.approx(1 / (1 + math.exp(-logit)), rel=1e-5)
        assert r[3] == str(int(float(r[2]) >= 0.5))  # the random weights' threshold is 0.5


def test_pairs_without_out_piped_into_predict_equals_predict_from_the_file(inputs, weights):
    candidates = inputs["dir"] / "candidates.bedpe"
    written = kipoi_prism(*pairs_args(inputs, "--max-distance", "6000", "--out", str(candidates)))
    assert written.returncode == 0, written.stderr
    pairs = " ".join([*CLI, *pairs_args(inputs, "--max-distance", "6000")])
    predict = " ".join([*CLI, *predict_args(inputs, weights, "--pairs", "-", "--out", "-")])
    piped = shell(f"{pairs} | {predict}", inputs["dir"])
    assert piped.stderr.splitlines()[-1] == "status 0 0", piped.stderr
    from_file = kipoi_prism(
        *predict_args(inputs, weights, "--pairs", str(candidates), "--out", "-")
    )
    assert from_file.returncode == 0, from_file.stderr
    assert piped.stdout == from_file.stdout and len(piped.stdout.splitlines()) == 7


def test_predict_parquet_output_has_the_tsv_rows_and_the_run_metadata(inputs, weights):
    import json

    import pandas as pd
    import pyarrow.parquet as pq

    base = predict_args(inputs, weights, *candidate_args(inputs))
    out = inputs["dir"] / "scores.parquet"
    result = kipoi_prism(*base, "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert f"to {out}" in result.stderr
    tsv = kipoi_prism(*base, "--out", str(inputs["dir"] / "scores.tsv"))
    assert tsv.returncode == 0, tsv.stderr
    expected = pd.read_csv(inputs["dir"] / "scores.tsv", sep="\t")
    table = pd.read_parquet(out)
    assert list(table.columns) == list(expected.columns)
    assert str(table["probability"].dtype) == "float32" and str(table["call"].dtype) == "int8"
    pd.testing.assert_frame_equal(table, expected, check_dtype=False, rtol=1e-6)
    metadata = json.loads(pq.read_schema(out).metadata[b"kipoi_prism"])
    assert metadata["threshold"] == 0.5 and metadata["threshold_source"]
    digest = hashlib.sha256(weights.read_bytes()).hexdigest()[:12]
    assert (metadata["weights_sha256"], metadata["seed"]) == (digest, 0)


def test_predict_keeps_the_distance_and_gives_coordinates(inputs, weights):
    out = inputs["dir"] / "scores.tsv"
    result = kipoi_prism(*predict_args(inputs, weights, *candidate_args(inputs), "--out", str(out)))
    assert result.returncode == 0, result.stderr
    rows = [line.split("\t") for line in out.read_text().splitlines()]
    assert rows[0] == [
        "name", "cell_line", "probability", "call", "U_I", "R_E", "lam", "T", "enhancer_chrom",
        "enhancer_start", "enhancer_end", "promoter_chrom", "promoter_start", "promoter_end",
        "padded", "distance",
    ]  # fmt: skip
    assert rows[1][0] == "e2~P1" and rows[1][8:] == ["chr1", "7000", "7300", "chr1", "9000",
                                                     "10000", "0", "2350"]  # fmt: skip


def test_predict_threshold_overrides_the_calibrated_one(inputs, weights):
    base = [*predict_args(inputs, weights, *candidate_args(inputs)), "--out", "-"]
    default = [line.split("\t") for line in kipoi_prism(*base).stdout.splitlines()[1:]]
    for threshold in ("0", "1"):
        result = kipoi_prism(*base, "--threshold", threshold)
        assert result.returncode == 0, result.stderr
        rows = [line.split("\t") for line in result.stdout.splitlines()[1:]]
        assert [r[2] for r in rows] == [r[2] for r in default]  # the same probabilities
        assert {r[3] for r in rows} == {"1" if threshold == "0" else "0"}
        assert f"call: probability >= {threshold} (--threshold" in result.stderr
    bad = kipoi_prism(*base, "--threshold", "2")
    assert bad.returncode == 2
    assert "--threshold: expected a probability in [0, 1], got 2.0" in bad.stderr


def test_predict_logs_progress_when_stderr_is_not_a_terminal(inputs, weights, monkeypatch):
    monkeypatch.setenv("KIPOI_PRISM_PROGRESS_SECONDS", "0")
    result = kipoi_prism(*predict_args(inputs, weights, *candidate_args(inputs), "--out", "-"))
    assert result.returncode == 0, result.stderr
    lines = result.stderr.splitlines()
    assert any(line.startswith("kipoi-prism: checking pairs: 6 pairs, ") for line in lines)
    scoring = [line for line in lines if line.startswith("kipoi-prism: scoring pairs: ")]
    assert re.search(r"scoring pairs: 6 of 6 pairs \(100%\), \d+ pairs/s", scoring[0])
    assert scoring[-1].startswith("kipoi-prism: scoring pairs: done, 6 pairs in ")


def test_predict_from_beds_sharing_no_chromosome_exits_2(inputs, weights):
    unprefixed(inputs, "promoters")
    result = kipoi_prism(*predict_args(inputs, weights, *candidate_args(inputs), "--out", "-"))
    assert result.returncode == 2
    assert result.stdout == ""
    (line,) = result.stderr.splitlines()
    assert "enhancers and promoters share no chromosome: enhancers on chr1, chr2, " in line
    assert "likely a 'chr' prefix on one side only" in line


def test_predict_writes_a_sorted_interact_file(inputs, weights):
    out = inputs["dir"] / "scores.interact.bed"
    result = kipoi_prism(*predict_args(inputs, weights, *candidate_args(inputs), "--out", str(out)))
    assert result.returncode == 0, result.stderr
    tsv = kipoi_prism(*predict_args(inputs, weights, *candidate_args(inputs), "--out", "-"))
    probability = {
        line.split("\t")[0]: float(line.split("\t")[2]) for line in tsv.stdout.splitlines()[1:]
    }
    records = [line.split("\t") for line in out.read_text().splitlines()]
    assert [len(r) for r in records] == [18] * 6
    keys = [(r[0], int(r[1])) for r in records]
    assert keys == sorted(keys)
    for r in records:
        assert float(r[5]) == pytest.approx(probability[r[3]], rel=1e-5)
        assert int(r[4]) == round(1000 * float(r[5]))
        assert r[6] == "K562" and f"{r[11]}~{r[16]}" == r[3]


def test_predict_with_no_candidates_writes_the_header_only(inputs, weights):
    result = kipoi_prism(
        *predict_args(inputs, weights, *candidate_args(inputs, "100"), "--out", "-")
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        "name\tcell_line\tprobability\tcall\tU_I\tR_E\tlam\tT\tenhancer_chrom\tenhancer_start"
        "\tenhancer_end\tpromoter_chrom\tpromoter_start\tpromoter_end\tpadded\tdistance"
    ]
    assert "no candidate pairs" in result.stderr


def test_predict_with_no_candidates_writes_an_empty_interact_file(inputs, weights):
    out = inputs["dir"] / "scores.interact.bed"
    result = kipoi_prism(
        *predict_args(inputs, weights, *candidate_args(inputs, "100"), "--out", str(out))
    )
    assert result.returncode == 0, result.stderr
    assert out.read_text() == ""  # interact files have no header


@pytest.mark.parametrize(
    "extra, message",
    [
        (["--pairs", "x.bedpe"], "give either --pairs or --enhancers"),
        (["--drop", "--cell-line"], "also need --cell-line"),
        (["--absent-chrom"], r"promoters\.bed line 4: chromosome 'chrUn' is not in the FASTA"),
    ],
)
def test_predict_candidate_options_bad_input(inputs, weights, extra, message):
    args = candidate_args(inputs)
    if extra[:1] == ["--drop"]:
        args = args[: args.index(extra[1])]
    elif extra == ["--absent-chrom"]:
        with open(inputs["promoters"], "a") as handle:
            handle.write("chrUn\t1\t9\tP9\n")
    else:
        args += extra
    result = kipoi_prism(*predict_args(inputs, weights, *args, "--out", "-"))
    assert result.returncode == 2
    assert re.search(message, result.stderr)
    assert result.stdout == ""
