"""Shared test fixtures.

kipoi writes ``~/.kipoi/config.yaml`` when it is imported, so HOME points at a temporary
folder for the whole session before anything imports kipoi, and the folder is removed when
the session ends; the user's own HOME is never touched.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import numpy as np
import pytest

_SESSION_HOME = tempfile.mkdtemp(prefix="kipoi-prism-test-home-")
os.environ["HOME"] = _SESSION_HOME
os.environ.setdefault("KIPOI_PRISM_TEST", "1")

TESTS = Path(__file__).parent
REPO = TESTS.parent
DATA = TESTS / "data"
# The predict tests' shared fixtures (single_thread, weights, pairs_file) live beside them.
pytest_plugins = ["predict_helpers"]

SHARED_DATA = REPO.parent / "shared" / "data"


def pytest_unconfigure(config):
    """The session's HOME (kipoi's config, model sources) goes with the session."""
    shutil.rmtree(_SESSION_HOME, ignore_errors=True)


def pytest_collection_modifyitems(config, items):
    import torch

    if torch.cuda.is_available():
        return
    skip = pytest.mark.skip(reason="needs a CUDA GPU; none is present")
    for item in items:
        if "gpu" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """``../shared/data`` (real public data); skips the test where it is absent."""
    if not SHARED_DATA.is_dir():
        pytest.skip(f"shared data not found at {SHARED_DATA}")
    return SHARED_DATA


@pytest.fixture(scope="session")
def quick_run(shared_data, tmp_path_factory) -> Path:
    """A ``kipoi-prism benchmark --quick`` run folder, made once per session and only read."""
    from kipoi_prism.cli.main import main

    out = tmp_path_factory.mktemp("quick") / "bench"
    status = main(["--quiet", "benchmark", "--quick", "--data-dir", str(shared_data),
                   "--out", str(out), "--threads", "2"])  # fmt: skip
    assert status == 0
    return out


@pytest.fixture
def extra_table(shared_data, tmp_path) -> Path:
    """300 rows of a BENGI feature table under another cell line's name (an extra test table)."""
    import pandas as pd

    source = shared_data / "bengi" / "features"
    frame = pd.read_csv(source / "BENGI.NHEK.HiC-Benchmark.v3.targetfinder_features.tsv.gz",
                        sep="\t", nrows=300)  # fmt: skip
    path = tmp_path / "BENGI.HMEC.HiC-Benchmark.v3.targetfinder_features.tsv.gz"
    frame.to_csv(path, sep="\t", index=False)
    return path


def write_fasta(path: Path, sequences: dict[str, str], line_width: int = 60) -> Path:
    """Write a FASTA with fixed line width."""
    with open(path, "w") as handle:
        for name, sequence in sequences.items():
            handle.write(f">{name}\n")
            for i in range(0, len(sequence), line_width):
                handle.write(sequence[i : i + line_width] + "\n")
    return path


def random_sequence(length: int, seed: int) -> str:
    rng = np.random.default_rng(seed)
    return "".join(rng.choice(list("ACGT"), size=length))


@pytest.fixture
def small_genome(tmp_path: Path) -> Path:
    """A made genome: chr1 (20 kb) and chr2 (12 kb), random bases, 60 bp lines."""
    return write_fasta(
        tmp_path / "genome.fa",
        {"chr1": random_sequence(20_000, 1), "chr2": random_sequence(12_000, 2)},
    )
