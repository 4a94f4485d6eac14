"""The benchmark scripts in ``benchmarks/`` run end to end on tiny sizes and print their table.

Each runs as its own process (as a user runs it) with a scratch ``--workdir``; sizes are
tiny, so the figures mean nothing here. The memory script starts a ``predict`` process per
size under ``/usr/bin/time`` and is marked slow.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

BENCHMARKS = Path(__file__).resolve().parent.parent / "benchmarks"


def run_script(name: str, tmp_path: Path, *options: str) -> str:
    """Run ``benchmarks/<name>`` with a tiny genome in ``tmp_path``; return its stdout."""
    command = [
        sys.executable,
        str(BENCHMARKS / name),
        "--workdir",
        str(tmp_path / "work"),
        "--genome-mb",
        "0.4",
        *options,
    ]
    environment = {**os.environ, "OMP_NUM_THREADS": "1"}
    done = subprocess.run(command, capture_output=True, text=True, timeout=300, env=environment)
    assert done.returncode == 0, done.stderr[-3000:]
    assert "| measure" in done.stdout and "machine:" in done.stdout and "command:" in done.stdout
    assert not any(tmp_path.joinpath("work").glob("*.partial"))
    return done.stdout


def test_datapath_script(tmp_path):
    out = run_script(
        "perf_datapath.py", tmp_path, "--pairs", "200", "--max-seconds", "0.2", "--workers", "0"
    )
    assert "## Data path" in out
    assert "kipoi-prism BEDPE file -> tensors, 0 worker(s)" in out
    assert "pyfaidx slice + numpy lookup table" in out
    assert "differs from kipoi-prism's windows" not in out  # every anchor read the same windows
    assert "/ pyfaidx + numpy" in out


def test_predict_script(tmp_path):
    out = run_script(
        "perf_predict.py",
        tmp_path,
        "--tiny-model",
        "--pairs",
        "150",
        "--profile-pairs",
        "100",
        "--speid-batch",
        "1",
        "--max-seconds",
        "0.1",
        "--rounds",
        "1",
        "--threads",
        "1",
        "--no-subprocess",
        "--precision",
        "fp32",
        "bf16",
    )
    assert "## Inference" in out
    assert "predict (0 worker(s), in process) / SPEID forward" in out
    assert "bf16 vs fp32: largest probability difference" in out
    assert "stage: pass 2: model forward (score_arrays)" in out
    assert "cProfile of kipoi-prism predict" in out and "ncalls" in out


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("time", path="/usr/bin") is None, reason="needs /usr/bin/time")
def test_memory_script(tmp_path):
    out = run_script("perf_memory.py", tmp_path, "--sizes", "100", "300")
    assert "## Memory" in out and "largest / smallest peak RSS" in out


def test_training_script(tmp_path):
    out = run_script(
        "perf_training.py",
        tmp_path,
        "--tiny-model",
        "--train-pairs",
        "64",
        "--val-pairs",
        "16",
        "--epochs",
        "1",
        "--threads",
        "1",
    )
    assert "## Training" in out
    assert "overhead of the support sets" in out and "h5 cache / FASTA" in out


def test_explain_script_times_ism_with_and_without_a_site_background():
    command = [sys.executable, str(BENCHMARKS / "perf_explain.py"), "--pairs", "1",
               "--enhancer-length", "120", "--promoter-length", "100"]  # fmt: skip
    done = subprocess.run(command, capture_output=True, text=True, timeout=300,
                          env={**os.environ, "OMP_NUM_THREADS": "1"})  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    out = done.stdout
    assert "command: python benchmarks/perf_explain.py --pairs 1" in out and "machine:" in out
    assert "uniform bases (median of 1)" in out and "order-4 background (median of 1)" in out
    assert "with a background / without" in out and "windows 120 + 100 bp" in out


def test_discovery_script_reports_the_search_cost_by_windows():
    command = [sys.executable, str(BENCHMARKS / "perf_discovery.py"), "--windows", "150", "60",
               "--enhancer-length", "300", "--promoter-length", "200"]  # fmt: skip
    done = subprocess.run(command, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    out = done.stdout
    assert "command: python benchmarks/perf_discovery.py --windows 150 60" in out
    rows = re.findall(r"\| ([\d,]+) \+ ([\d,]+) windows \([\d.]+ Mb\): search, (\d+) motifs", out)
    assert [(a, b) for a, b, _ in rows] == [("60", "30"), ("150", "75")]  # ascending
    assert all(int(found) > 0 for _, _, found in rows)  # the planted words are found
    assert out.count("peak resident memory") == 2 and "windows 300 + 200 bp" in out
