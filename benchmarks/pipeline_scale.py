"""Genome-wide pipeline at scale: candidate generation and scoring, rate and peak memory.

Makes a random genome (default 3 x 50 Mb), an enhancer BED and a promoter BED in a
scratch folder (never the repository), then times the command line under
``/usr/bin/time -v``:

1. ``kipoi-prism pairs`` over the whole genome at ``--max-distance`` (candidates/s, peak
   RSS), written to a file and streamed to stdout; and once at a tenth of the window, to
   show that peak memory does not grow with the number of candidates;
2. ``kipoi-prism predict`` on the first N candidates for each N in ``--predict-sizes``
   (scored pairs/s, peak RSS), and straight from the BEDs (``--enhancers/--promoters``)
   at a small window, with randomly initialised weights (rates only: the scores mean
   nothing).

``--tiny-model`` scores with a small random architecture instead, fast enough to stream
hundreds of thousands of pairs on two cores, to watch memory as the pair count grows.

Usage::

    python benchmarks/pipeline_scale.py --workdir /tmp/prism-scale
    python benchmarks/pipeline_scale.py --workdir /tmp/prism-scale --predict-sizes 0 \\
        --bed-predict-distance 0                                      # pairs only
    python benchmarks/pipeline_scale.py --workdir /tmp/prism-scale --tiny-model \\
        --predict-sizes 0 --bed-predict-distance 15000 75000 300000  # memory vs pair count

Prints one line per run and a JSON summary on stdout.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

LINE_WIDTH = 60
SAMPLE_S = 0.2
BASES = np.frombuffer(b"ACGT", dtype=np.uint8)


def write_genome(path: Path, chromosomes: int, length: int, seed: int) -> None:
    """Random ACGT chromosomes ``chr1..chrN`` of ``length`` bp, 60 bases a line."""
    rng = np.random.default_rng(seed)
    with open(path, "wb") as handle:
        for index in range(1, chromosomes + 1):
            handle.write(f">chr{index}\n".encode())
            bases = BASES[rng.integers(0, 4, length, dtype=np.uint8)]
            full = length // LINE_WIDTH * LINE_WIDTH
            lines = np.hstack(
                [
                    bases[:full].reshape(-1, LINE_WIDTH),
                    np.full((full // LINE_WIDTH, 1), 10, np.uint8),
                ]
            )
            handle.write(lines.tobytes())
            if full < length:
                handle.write(bases[full:].tobytes() + b"\n")


def write_bed(
    path: Path, n: int, prefix: str, chromosomes: int, length: int, widths: tuple, seed: int
) -> None:
    """``n`` random, unsorted, named regions spread over the chromosomes."""
    rng = np.random.default_rng(seed)
    chrom = rng.integers(1, chromosomes + 1, n)
    width = rng.integers(widths[0], widths[1] + 1, n)
    start = rng.integers(0, length - widths[1], n)
    with open(path, "w") as handle:
        for i in range(n):
            handle.write(f"chr{chrom[i]}\t{start[i]}\t{start[i] + width[i]}\t{prefix}{i}\n")


def _memory_kib(pid: int) -> dict[str, int]:
    """``RssAnon`` and ``RssFile`` of a process from ``/proc`` (empty once it has gone)."""
    try:
        text = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return {}
    return {
        key: int(value) for key, value in re.findall(r"^(RssAnon|RssFile):\s+(\d+)", text, re.M)
    }


def _child(pid: int) -> int | None:
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return None
    return int(children[0]) if children else None


def timed(command: list[str], stdout=None) -> dict:
    """Run under ``/usr/bin/time -v``: wall seconds and peak RSS (MiB).

    The command's ``RssAnon`` (heap: what grows with the data) and ``RssFile`` (mapped
    files, mostly the memory-mapped FASTA: shared and reclaimable) are sampled from
    ``/proc`` every ``SAMPLE_S`` seconds and their peaks reported too.
    """
    began = time.perf_counter()
    with tempfile.TemporaryFile("w+") as log:
        process = subprocess.Popen(["/usr/bin/time", "-v", *command], stdout=stdout, stderr=log)
        peaks = {"RssAnon": 0, "RssFile": 0}
        while process.poll() is None:
            child = _child(process.pid)
            for key, value in (_memory_kib(child) if child else {}).items():
                peaks[key] = max(peaks[key], value)
            time.sleep(SAMPLE_S)
        wall = time.perf_counter() - began
        log.seek(0)
        report = log.read()
    if process.returncode != 0:
        sys.exit(f"failed ({process.returncode}): {' '.join(command)}\n{report}")
    rss_kib = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", report)[1])
    return {
        "wall_s": round(wall, 2),
        "peak_rss_mib": round(rss_kib / 1024, 1),
        "peak_anon_mib": round(peaks["RssAnon"] / 1024, 1),
        "peak_file_mib": round(peaks["RssFile"] / 1024, 1),
    }


def count_records(path: Path) -> int:
    with open(path, "rb") as handle:
        return sum(1 for line in handle if not line.startswith(b"#"))


def head_records(source: Path, target: Path, n: int) -> None:
    """The header line and the first ``n`` records of a BEDPE."""
    with open(source) as read, open(target, "w") as write:
        kept = 0
        for line in read:
            if line.startswith("#"):
                write.write(line)
                continue
            if kept == n:
                break
            write.write(line)
            kept += 1


# A deliberately small architecture: fast enough to stream hundreds of thousands of pairs
# on two cores, so memory can be watched as the pair count grows (--tiny-model).
TINY_MODEL = {
    "enhancer_length": 600, "promoter_length": 400, "channels": 8, "element_dim": 8,
    "d_interaction": 8, "d_environment": 8, "env_hidden": 8,
}  # fmt: skip


def random_weights(path: Path, seed: int, tiny: bool) -> None:
    import torch

    from kipoi_prism.config import ModelConfig
    from kipoi_prism.model.network import PrismEnergy
    from kipoi_prism.model.weights import save_weights

    torch.manual_seed(seed)
    config = ModelConfig(**TINY_MODEL) if tiny else ModelConfig()
    save_weights(path, PrismEnergy(config).eval(), metadata={"note": "random init"})


def bench_pairs(args, work: Path, exe: str) -> dict:
    common = [exe, "pairs", "--enhancers", str(work / "enhancers.bed"),
              "--promoters", str(work / "promoters.bed"), "--cell-line", "SIM",
              "--fasta", str(work / "genome.fa")]  # fmt: skip
    out = work / "candidates.bedpe"
    results = {}
    run = timed([*common, "--max-distance", str(args.max_distance), "--out", str(out)])
    run["candidates"] = count_records(out)
    run["candidates_per_s"] = round(run["candidates"] / run["wall_s"])
    results["pairs_to_file"] = run
    with open(work / "stdout.bedpe", "w") as sink:
        piped = timed([*common, "--max-distance", str(args.max_distance), "--out", "-"], sink)
    piped["candidates_per_s"] = round(run["candidates"] / piped["wall_s"])
    results["pairs_to_stdout"] = piped
    small = timed([*common, "--max-distance", str(args.max_distance // 10),
                   "--out", str(work / "small.bedpe")])  # fmt: skip
    small["candidates"] = count_records(work / "small.bedpe")
    results["pairs_tenth_window"] = small
    (work / "stdout.bedpe").unlink()
    return results


def bench_predict(args, work: Path, exe: str) -> dict:
    weights = work / "random.pt"
    random_weights(weights, args.seed, args.tiny_model)
    results = {}
    for n in args.predict_sizes:
        subset = work / f"candidates_{n}.bedpe"
        head_records(work / "candidates.bedpe", subset, n)
        run = timed([exe, "predict", "--pairs", str(subset), "--fasta", str(work / "genome.fa"),
                     "--weights", str(weights), "--device", "cpu",
                     "--out", str(work / f"scores_{n}.tsv")])  # fmt: skip
        run["pairs"] = n
        run["pairs_per_s"] = round(n / run["wall_s"], 1)
        results[f"predict_{n}"] = run
    for distance in args.bed_predict_distance:
        out = work / f"scores_from_beds_{distance}.tsv"
        run = timed([exe, "predict", "--enhancers", str(work / "enhancers.bed"),
                     "--promoters", str(work / "promoters.bed"), "--cell-line", "SIM",
                     "--max-distance", str(distance),
                     "--fasta", str(work / "genome.fa"), "--weights", str(weights),
                     "--device", "cpu", "--out", str(out)])  # fmt: skip
        run["pairs"] = count_records(out) - 1  # minus the TSV header
        run["pairs_per_s"] = round(run["pairs"] / run["wall_s"], 1)
        results[f"predict_from_beds_{distance}"] = run
    return results


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--workdir", type=Path, required=True, help="scratch folder (outside the repo)"
    )
    parser.add_argument("--chromosomes", type=int, default=3)
    parser.add_argument("--length", type=int, default=50_000_000, help="bp per chromosome")
    parser.add_argument("--enhancers", type=int, default=20_000)
    parser.add_argument("--promoters", type=int, default=5_000)
    parser.add_argument("--max-distance", type=int, default=1_000_000)
    parser.add_argument("--predict-sizes", type=int, nargs="+", default=[20_000, 100_000],
                        help="candidate subsets to score (0 skips scoring)")  # fmt: skip
    parser.add_argument("--bed-predict-distance", type=int, nargs="+", default=[15_000],
                        help="also score from the BEDs at these windows (0 skips)")  # fmt: skip
    parser.add_argument("--tiny-model", action="store_true",
                        help="score with a small random model (memory scaling)")  # fmt: skip
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--keep", action="store_true", help="keep the scratch folder")
    args = parser.parse_args(argv)
    args.predict_sizes = [n for n in args.predict_sizes if n > 0]
    args.bed_predict_distance = [d for d in args.bed_predict_distance if d > 0]
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    work = args.workdir
    work.mkdir(parents=True, exist_ok=True)
    exe = shutil.which("kipoi-prism", path=str(Path(sys.executable).parent)) or "kipoi-prism"
    began = time.perf_counter()
    write_genome(work / "genome.fa", args.chromosomes, args.length, args.seed)
    write_bed(work / "enhancers.bed", args.enhancers, "enh", args.chromosomes, args.length,
              (200, 2000), args.seed + 1)  # fmt: skip
    write_bed(work / "promoters.bed", args.promoters, "prom", args.chromosomes, args.length,
              (500, 2000), args.seed + 2)  # fmt: skip
    print(f"inputs made in {time.perf_counter() - began:.1f} s in {work}", file=sys.stderr)
    inputs = ("chromosomes", "length", "enhancers", "promoters", "max_distance")
    summary = {"inputs": {k: getattr(args, k) for k in inputs}}
    summary.update(bench_pairs(args, work, exe))
    if args.predict_sizes or args.bed_predict_distance:
        summary.update(bench_predict(args, work, exe))
    for name, result in summary.items():
        print(f"{name}: {result}", file=sys.stderr)
    print(json.dumps(summary, indent=2))
    if not args.keep:
        shutil.rmtree(work)
    return 0


if __name__ == "__main__":
    sys.exit(main())
