"""The command line as a pipeline step: exit codes, stdout holds data only, shell pipes."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import random_sequence, write_fasta

from kipoi_prism.io import PAIR_COLUMNS

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
    piped = kipoi_prism(*pairs_args(inputs, "--max-distance", "6000", "--out", "-"))
    assert piped.returncode == 0, piped.stderr
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


def test_version_names_the_weights():
    result = kipoi_prism("--version")
    assert result.returncode == 0
    assert re.fullmatch(
        r"kipoi-prism \S+ \((weights \S+ sha256:[0-9a-f]{12}|no default weights installed)\)\n",
        result.stdout,
    )


def test_missing_option_is_a_usage_error(inputs):
    result = kipoi_prism("pairs", "--enhancers", str(inputs["enhancers"]), "--out", "-")
    assert result.returncode == 2
    assert "required" in result.stderr and result.stdout == ""


@pytest.fixture(autouse=True)
def _quiet_environment(monkeypatch):
    # A user's PYTHONWARNINGS would add lines to stderr; the tests count them.
    monkeypatch.delenv("PYTHONWARNINGS", raising=False)
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join([str(Path(__file__).parents[1])]))
