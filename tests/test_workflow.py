"""The Snakemake workflow (workflow/Snakefile) run for real on a made genome: candidates, one
environment per cell line, 3 predict shards, gather and sorted tracks; the gathered scores
are those of one ``kipoi-prism predict`` process with the same environment files."""

from __future__ import annotations

import os
import re
import runpy
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml
from conftest import REPO, random_sequence, write_fasta
from predict_helpers import tiny_weights

from kipoi_prism.cli.main import main
from kipoi_prism.io.shards import Shard

pytest.importorskip("snakemake", reason="snakemake is not installed (pip install snakemake)")

pytestmark = pytest.mark.usefixtures("single_thread")

WORKFLOW = REPO / "workflow"
SNAKEFILE = WORKFLOW / "Snakefile"
CELLS = ("cellA", "cellB")
SHARDS = 3


@pytest.fixture
def inputs(tmp_path) -> dict[str, str]:
    """A made genome, a promoter BED and one enhancer BED per cell line, tiny weights."""
    fasta = write_fasta(
        tmp_path / "genome.fa",
        {"chr1": random_sequence(20_000, 1), "chr2": random_sequence(12_000, 2)},
    )
    rng = np.random.default_rng(0)

    def bed(path: Path, prefix: str, n: int) -> str:
        chroms = rng.choice(["chr1", "chr2"], n)
        starts = rng.integers(300, 11_000, n)
        lines = [
            f"{c}\t{s}\t{s + 200}\t{prefix}{i}\n"
            for i, (c, s) in enumerate(zip(chroms, starts, strict=True))
        ]
        path.parent.mkdir(exist_ok=True)
        path.write_text("".join(lines))
        return str(path)

    bed(tmp_path / "promoters.bed", "p", 6)
    for n, cell in zip((9, 7), CELLS, strict=True):
        bed(tmp_path / "peaks" / f"{cell}.bed", f"{cell}_e", n)
    return {
        "fasta": str(fasta),
        "promoters": str(tmp_path / "promoters.bed"),
        "enhancers_dir": str(tmp_path / "peaks"),
        "weights": str(tiny_weights(tmp_path / "tiny.pt")),
        "max_distance": "6000",
        "shards": str(SHARDS),
        "seed": "3",
        "support_size": "8",
        "batch_size": "1",  # CPU kernels round with the batch's make-up: one pair a call
        "device": "cpu",
        "threads": "1",
    }


def snakemake(folder: Path, config: dict[str, str], *options: str) -> str:
    """Run snakemake on the workflow in ``folder``; returns its stderr (the job stats)."""
    env = dict(os.environ, OMP_NUM_THREADS="1")
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env['PATH']}"  # kipoi-prism
    settings = [f"{key}={value}" for key, value in config.items()]
    argv = [sys.executable, "-m", "snakemake", "-s", str(SNAKEFILE), "--directory", str(folder),
            "--cores", "2", *options, "--config", *settings]  # fmt: skip
    done = subprocess.run(argv, capture_output=True, text=True, env=env, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout + done.stderr


def job_counts(output: str) -> dict[str, int]:
    """Snakemake's "Job stats" table: jobs per rule."""
    table = output.split("Job stats:", 1)[1].split("\n\n", 1)[0]
    return {m[1]: int(m[2]) for m in re.finditer(r"^(\w+)\s+(\d+)$", table, re.MULTILINE)}


def body(path: Path) -> list[str]:
    lines = path.read_text().splitlines()
    assert lines[0].startswith("#")
    return lines[1:]


def test_sharded_workflow_gives_the_scores_of_one_predict(tmp_path, inputs):
    run = tmp_path / "run"
    output = snakemake(run, inputs)
    counts = job_counts(output)
    assert counts["candidates"] == counts["environment"] == counts["gather"] == len(CELLS)
    assert counts["predict"] == SHARDS * len(CELLS)
    for cell in CELLS:
        out = run / "prism"
        candidates = out / cell / "candidates.bedpe.gz"
        environment = out / cell / "environment.json"
        gathered = out / cell / "scores.bedpe"
        # One process over the same candidates with the same environment file.
        whole, track = tmp_path / f"{cell}.whole.bedpe", tmp_path / f"{cell}.interact.bed"
        common = ["-q", "predict", "--pairs", str(candidates), "--fasta", inputs["fasta"],
                  "--weights", inputs["weights"], "--device", "cpu", "--batch-size", "1",
                  "--seed", "3", "--support-size", "8",
                  "--environment", str(environment)]  # fmt: skip
        assert main([*common, "--out", str(whole)]) == 0
        assert main([*common, "--out", str(track)]) == 0
        expected = body(whole)
        assert len(expected) > 10
        assert gathered.read_text().splitlines()[0] == whole.read_text().splitlines()[0]
        rows = body(gathered)
        assert sorted(rows) == sorted(expected)  # the same bytes, in shard order
        names = pd.Series([row.split("\t")[6] for row in rows])
        shard_of = sum(k * Shard(k, SHARDS).mask(names) for k in range(1, SHARDS + 1))
        assert (np.diff(shard_of) >= 0).all() and set(shard_of) == {1, 2, 3}
        # The browser tracks: BEDPE sorted by chromosome (byte order), start, end, name.
        fields = [row.split("\t") for row in expected]
        key = sorted(fields, key=lambda f: (f[0].encode(), int(f[1]), int(f[2]), f[6]))
        assert body(out / f"{cell}.bedpe") == ["\t".join(f) for f in key]
        compare_interact(out / f"{cell}.interact.bed", track)
        benchmark = pd.read_csv(run / "logs" / "benchmarks" / f"{cell}.environment.tsv", sep="\t")
        assert len(benchmark) == 1 and {"s", "max_rss"} <= set(benchmark.columns)
        for k in range(1, SHARDS + 1):
            assert (run / "logs" / "benchmarks" / f"{cell}.predict.{k}-of-3.tsv").is_file()
            log = (run / "logs" / cell / f"predict.{k}-of-3.log").read_text()
            assert f"environment from prism/{cell}/environment.json" in log
        assert (run / "logs" / cell / "environment.log").read_text().startswith("kipoi-prism ")


def compare_interact(made: Path, direct: Path) -> None:
    """The workflow's interact file against predict's own: the same records in the same
    order; value (6 significant digits) within one unit of the last digit and score within
    1: the workflow rounds the BEDPE's 7-digit text again, predict the float itself."""
    a, b = (pd.read_csv(p, sep="\t", header=None, dtype=str) for p in (made, direct))
    assert a.shape == b.shape and len(a) > 10
    text = [c for c in a.columns if c not in (4, 5)]
    pd.testing.assert_frame_equal(a[text], b[text], check_exact=True)
    np.testing.assert_allclose(a[5].astype(float), b[5].astype(float), rtol=0, atol=1.5e-6)
    assert (a[4].astype(int) - b[4].astype(int)).abs().max() <= 1


def test_chromatin_branch_and_profiles_dry_run(tmp_path, inputs):
    """model=chromatin plans features, one environment per cell line and the same scatter;
    the local profile loads and the SLURM profile's per-rule resources name real rules."""
    for cell in CELLS:
        (tmp_path / "tracks" / cell).mkdir(parents=True)
        for mark in ("CTCF", "DNase", "H3K27ac", "H3K27me3", "H3K36me3", "H3K4me1", "H3K4me3",
                     "H3K9me3"):  # fmt: skip
            (tmp_path / "tracks" / cell / f"{mark}.bw").touch()
    config = {**inputs, "model": "chromatin", "tracks_dir": str(tmp_path / "tracks")}
    output = snakemake(tmp_path, config, "-n", "--profile", str(WORKFLOW / "profiles" / "local"))
    counts = job_counts(output)
    assert counts["chromatin_features"] == counts["environment"] == len(CELLS)
    assert counts["predict"] == SHARDS * len(CELLS)
    assert "prism-chromatin/cellA/features.tsv.gz" in output
    rules = set(snakemake(tmp_path, inputs, "--list-rules").split())
    slurm = yaml.safe_load((WORKFLOW / "profiles" / "slurm" / "config.yaml").read_text())
    assert slurm["executor"] == "slurm"
    assert {"mem_mb", "runtime"} <= set(slurm["default-resources"])
    assert set(slurm["set-resources"]) <= rules and "predict" in rules


def test_gather_takes_the_header_of_the_first_shard_with_rows(tmp_path):
    """An empty shard's header lacks the input's extra columns: the header comes from the
    first shard with rows, rows keep shard order, and differing headers are refused."""
    tracks = runpy.run_path(str(WORKFLOW / "scripts" / "tracks.py"))
    short, long = "#name\tprobability\n", "#name\tprobability\tdistance\n"
    shards = [tmp_path / f"{k}.bedpe" for k in (1, 2, 3)]
    for path, text in zip(
        shards, [short, long + "b\t0.5\t10\n", long + "a\t0.25\t20\n"], strict=True
    ):
        path.write_text(text)
    out = tmp_path / "gathered.bedpe"
    assert tracks["main"](["gather", "--out", str(out), *map(str, shards)]) == 0
    assert out.read_text() == long + "b\t0.5\t10\na\t0.25\t20\n"
    shards[2].write_text(short + "a\t0.25\n")
    assert tracks["main"](["gather", "--out", str(tmp_path / "x.bedpe"), *map(str, shards)]) == 2
    assert not (tmp_path / "x.bedpe").exists()
