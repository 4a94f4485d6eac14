"""Run the sequence-track grid as parallel benchmark processes, then merge them.

The full sequence table is 14 rows x 6 held-out cell lines x 3 seeds plus the SPEID-style
baseline: too many fits for one process on 2 CPU cores, and a GPU is used best by several
processes at once. This splits the grid into one job per (seed, row) - every held-out cell
line inside one job, so the merged run keeps pooled metrics - plus one baseline job per seed
(SPEID, distance, promoter prior), runs ``--jobs`` of them at a time, and merges the finished
ones with ``kipoi-prism benchmark --merge``.

With ``--deadline-s`` no job starts after the deadline and running ones are stopped at it;
stopped jobs are left out of the merge and listed, so a time-boxed run says what it lacks.

    python benchmarks/run_grid.py --out results/seq-grid --jobs 2 --threads 1
    python benchmarks/run_grid.py --out results/seq-grid --jobs 16 --deadline-s 540   # GPU
    python benchmarks/run_grid.py --out results/seq-stem --rows full,task_only \
        --held-out K562,IMR90 --split-cells --benchmark-args "--stem-motifs frozen"

Jobs run seed by seed (seed 0's whole grid first), the baseline job first within a seed.
"""

from __future__ import annotations

import argparse
import shlex
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from kipoi_prism.benchmark.run import run_finished  # noqa: E402
from kipoi_prism.config.variants import VARIANTS  # noqa: E402


@dataclass
class Job:
    name: str
    arguments: list[str]
    out: Path
    process: subprocess.Popen | None = None
    started: float = 0.0
    ended: float = 0.0
    status: str = "waiting"


def plan(args: argparse.Namespace, parts: Path) -> list[Job]:
    """Jobs in run order: per seed, the baseline job, then one job per row (with
    ``--split-cells``: cell line by cell line, every row of one before the next, so paired
    comparisons accumulate as the jobs finish)."""
    profile = "--quick" if args.quick else "--full"
    common = [profile, "--tracks", "sequence", "--threads", str(args.threads),
              "--data-dir", str(args.data_dir), *shlex.split(args.benchmark_args)]  # fmt: skip
    # One job holds every held-out cell line (pooled metrics kept) unless --split-cells.
    cells = args.held_out.split(",") if args.split_cells else [args.held_out]
    jobs = []
    for seed in args.seeds.split(","):
        if args.baselines:
            name = f"baselines-seed{seed}"
            held = ["--held-out", args.held_out] if args.held_out else []
            jobs.append(Job(name, [*common, *held, "--seeds", seed, "--rows", "",
                                   "--baselines", args.baselines], parts / name))  # fmt: skip
        for cell in cells:
            for row in args.rows.split(","):
                name = f"{row}-{cell}-seed{seed}" if args.split_cells else f"{row}-seed{seed}"
                held = ["--held-out", cell] if cell else []
                jobs.append(Job(name, [*common, *held, "--seeds", seed, "--rows", row,
                                       "--baselines", ""], parts / name))  # fmt: skip
    return jobs


def start(job: Job, logs: Path) -> None:
    command = [sys.executable, "-m", "kipoi_prism", "benchmark", *job.arguments,
               "--out", str(job.out)]  # fmt: skip
    log = (logs / f"{job.name}.log").open("w")
    job.process = subprocess.Popen(command, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
    job.started, job.status = time.perf_counter(), "running"


def finished(job: Job) -> bool:
    """The job's run finished as ``--merge`` needs it (:func:`run_finished`)."""
    return run_finished(job.out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--quick", action="store_true", help="the CI-sized profile (a check)")
    parser.add_argument("--jobs", type=int, default=2, help="processes at a time")
    parser.add_argument("--threads", type=int, default=1, help="torch threads per process")
    parser.add_argument("--seeds", default="0,1,2")
    parser.add_argument("--rows", default=",".join(VARIANTS))
    parser.add_argument(
        "--baselines",
        default="speid,distance,promoter_prior",
        help="sequence-track baselines, one job per seed ('' for none)",
    )
    parser.add_argument("--held-out", default="", help="default: all six cell lines")
    parser.add_argument(
        "--split-cells",
        action="store_true",
        help="one job per held-out cell line (finer jobs; pooled metrics are then not kept)",
    )
    parser.add_argument("--data-dir", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument(
        "--benchmark-args",
        default="",
        help="more kipoi-prism benchmark options for every job, e.g. '--max-epochs 12'",
    )
    parser.add_argument(
        "--deadline-s",
        type=float,
        default=0.0,
        help="stop starting jobs, and stop running ones, after this (0: none)",
    )
    args = parser.parse_args(argv)
    if args.jobs < 1:
        parser.error("--jobs: expected at least 1")
    unknown = sorted(set(args.rows.split(",")) - set(VARIANTS))
    if unknown:
        parser.error(f"--rows: unknown {unknown}; valid: {', '.join(VARIANTS)}")
    if args.split_cells and not args.held_out:
        parser.error("--split-cells needs --held-out (the cell lines to split)")
    if not args.data_dir.is_dir():
        parser.error(f"--data-dir: {args.data_dir} is not a folder")
    parts, logs = args.out / "parts", args.out / "logs"
    parts.mkdir(parents=True, exist_ok=True)
    logs.mkdir(parents=True, exist_ok=True)

    jobs = plan(args, parts)
    began = time.perf_counter()
    waiting, running = list(jobs), []
    for job in jobs:  # a rerun into the same --out keeps what already finished
        if finished(job):
            job.status = "done (earlier)"
            waiting.remove(job)
    print(f"{len(waiting)} job(s) to run, {args.jobs} at a time", flush=True)
    while waiting or running:
        late = args.deadline_s and time.perf_counter() - began > args.deadline_s
        while waiting and len(running) < args.jobs and not late:
            job = waiting.pop(0)
            start(job, logs)
            running.append(job)
        for job in list(running):
            code = job.process.poll()
            if code is None and late:
                job.process.terminate()
                job.process.wait()
                code = "stopped at the deadline"
            if code is None:
                continue
            job.ended = time.perf_counter()
            # A job stopped at the deadline while exiting has still finished its results.
            done = finished(job) and (code == 0 or not isinstance(code, int))
            job.status = "done" if done else f"failed ({code})"
            running.remove(job)
            elapsed = job.ended - began
            print(f"[{elapsed:7.0f} s] {job.name}: {job.status} in "
                  f"{job.ended - job.started:.0f} s", flush=True)  # fmt: skip
        if late:
            for job in waiting:
                job.status = "not started (deadline)"
            waiting = []
        time.sleep(1.0)

    done = [job.out for job in jobs if job.status.startswith("done")]
    missing = [f"{job.name}: {job.status}" for job in jobs if not job.status.startswith("done")]
    print(f"{len(done)} of {len(jobs)} job(s) finished in {time.perf_counter() - began:.0f} s")
    for line in missing:
        print(f"  missing {line}")
    if not done:
        return 1
    merged = args.out / "merged"
    command = [sys.executable, "-m", "kipoi_prism", "benchmark", "--merge",
               *map(str, done), "--out", str(merged)]  # fmt: skip
    subprocess.run(command, cwd=ROOT, check=True)
    print(f"merged: {merged / 'results.md'}")
    return 0 if not missing else 2


if __name__ == "__main__":
    raise SystemExit(main())
