"""Shared pieces of the ``benchmarks/perf_*.py`` scripts: made data, machine, one table.

Every script makes its own inputs in a scratch folder (never the repository):

* a random genome of ``--genome-mb`` megabases (``pipeline_scale.write_genome``: upper-case
  ACGT, 60 bases a line), reused between runs while its size and seed are unchanged;
* a BEDPE of made pairs (:func:`write_pairs`): enhancers of 200-2,000 bp, promoters of
  500-2,000 bp on the same chromosome within ``max_distance``, spread over several cell
  lines, random 0/1 labels;
* randomly initialised weights (``pipeline_scale.random_weights``; timing does not depend
  on the weights' values).

Each script prints one table (:class:`Table`) whose header names the machine (CPU model,
``nproc``, load average before and after) and the command line that produced it.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

BENCHMARKS = Path(__file__).resolve().parent
if str(BENCHMARKS) not in sys.path:
    sys.path.insert(0, str(BENCHMARKS))

from pipeline_scale import random_weights, timed, write_genome  # noqa: E402

from kipoi_prism.io.atomic import atomic_open, atomic_path  # noqa: E402

__all__ = [
    "Table",
    "add_common_arguments",
    "cpu_model",
    "genome_path",
    "load_average",
    "made_frame",
    "random_weights",
    "rate",
    "timed",
    "write_pairs",
]

DEFAULT_WORKDIR = Path("/tmp/kipoi-prism-perf")
CHROMOSOMES = 4
# Keep windows well inside the chromosomes: no N padding in the made pairs.
EDGE = 10_000


# --------------------------------------------------------------------------- machine


def cpu_model() -> str:
    """The ``model name`` line of ``/proc/cpuinfo`` (the platform string elsewhere)."""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def cores() -> int:
    """CPUs this process may run on (what ``nproc`` prints)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


def load_average() -> str:
    """1-, 5- and 15-minute load averages, as ``uptime`` prints them."""
    return ", ".join(f"{x:.2f}" for x in os.getloadavg())


# --------------------------------------------------------------------------- made data


def add_common_arguments(parser: argparse.ArgumentParser) -> None:
    """``--workdir``, ``--genome-mb``, ``--seed``, ``--default-allocator``: in every script."""
    parser.add_argument(
        "--workdir",
        type=Path,
        default=DEFAULT_WORKDIR,
        help="scratch folder outside the repository (default %(default)s)",
    )
    parser.add_argument(
        "--genome-mb",
        type=float,
        default=100.0,
        help="size of the made genome in megabases (default %(default)s)",
    )
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--default-allocator",
        action="store_true",
        help="keep glibc's default mmap and trim thresholds instead of the settings of "
        "kipoi_prism.allocator, which kipoi-prism predict and train apply",
    )


_ALLOCATOR = {"reuse": False}


def apply_allocator(default: bool) -> None:
    """Unless ``default``, apply :func:`kipoi_prism.allocator.reuse_freed_memory` now.

    Every path a script compares then runs under the same allocator settings, those of
    ``kipoi-prism predict``/``train``. Without them, batch-sized buffers are handed back to
    the system when freed and faulted in again at the next batch, which costs every path
    (anchors included) and makes rates depend on the state of the heap.
    """
    if not default:
        from kipoi_prism.allocator import reuse_freed_memory

        _ALLOCATOR["reuse"] = reuse_freed_memory()


def allocator() -> str:
    """How the allocator was set for this run (a table note)."""
    if _ALLOCATOR["reuse"]:
        return (
            "allocator: glibc mmap and trim thresholds at 512 MiB "
            "(kipoi_prism.allocator, as kipoi-prism predict and train set them)"
        )
    return (
        "allocator: glibc defaults (kipoi-prism predict, once run in this process, "
        "applies kipoi_prism.allocator to it)"
    )


def minor_faults() -> int:
    """Minor page faults of this process so far."""
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_minflt


def predict_argv(
    bedpe: Path,
    fasta: Path,
    weights: Path,
    out: Path,
    *,
    device: str,
    threads: int,
    batch_size: int,
    workers: int,
    precision: str = "fp32",
) -> list[str]:
    """``kipoi-prism`` arguments of one ``predict`` run (predict and memory scripts)."""
    argv = [
        "-q", "predict", "--pairs", str(bedpe), "--fasta", str(fasta),
        "--weights", str(weights), "--out", str(out), "--device", device,
        "--threads", str(threads), "--batch-size", str(batch_size),
        "--num-workers", str(workers),
    ]  # fmt: skip
    if precision != "fp32":
        argv += ["--precision", precision]
    return argv


def genome_path(workdir: Path, megabases: float, seed: int) -> Path:
    """A made genome of ``megabases`` Mb in ``CHROMOSOMES`` chromosomes (made once, reused).

    Parameters
    ----------
    workdir : Path
    megabases : float
    seed : int

    Returns
    -------
    Path
        The FASTA; its ``.fai`` is built on first use by :class:`kipoi_prism.io.genome.Genome`.
    """
    length = int(megabases * 1_000_000) // CHROMOSOMES
    if length < 4 * EDGE:
        raise ValueError(f"--genome-mb: expected at least {4 * EDGE * CHROMOSOMES / 1e6} Mb")
    workdir.mkdir(parents=True, exist_ok=True)
    path = workdir / f"genome_{CHROMOSOMES}x{length}_seed{seed}.fa"
    if not path.is_file():
        began = time.perf_counter()
        with atomic_path(path) as partial:
            write_genome(partial, CHROMOSOMES, length, seed)
        print(
            f"made {path} ({megabases:g} Mb) in {time.perf_counter() - began:.1f} s",
            file=sys.stderr,
        )
    return path


def made_frame(
    n: int,
    chrom_length: int,
    seed: int,
    cell_lines: int = 4,
    max_distance: int = 1_000_000,
) -> pd.DataFrame:
    """``n`` made pairs as a canonical pair table (:data:`kipoi_prism.io.pairs.PAIR_COLUMNS`).

    Parameters
    ----------
    n : int
    chrom_length : int
        Length of each of the ``CHROMOSOMES`` made chromosomes.
    seed : int
    cell_lines : int
        Pairs are dealt to cell lines ``CELL1..CELLk`` at random.
    max_distance : int
        Largest enhancer-promoter distance (same chromosome).

    Returns
    -------
    pandas.DataFrame
        Columns of :data:`kipoi_prism.io.pairs.PAIR_COLUMNS` plus ``line`` (1-based, as read
        back from :func:`write_pairs`'s file, which has one header line).
    """
    rng = np.random.default_rng(seed)
    low, high = EDGE, chrom_length - EDGE
    chrom = rng.integers(1, CHROMOSOMES + 1, n)
    e_start = rng.integers(low, high - 2_000, n)
    e_end = e_start + rng.integers(200, 2_001, n)
    shift = rng.integers(-max_distance, max_distance + 1, n)
    p_start = np.clip(e_start + shift, low, high - 2_000)
    p_end = p_start + rng.integers(500, 2_001, n)
    chroms = np.char.add("chr", chrom.astype(str)).astype(object)
    return pd.DataFrame(
        {
            "enhancer_chrom": chroms,
            "enhancer_start": e_start,
            "enhancer_end": e_end,
            "promoter_chrom": chroms,
            "promoter_start": p_start,
            "promoter_end": p_end,
            "name": np.char.add("pair", np.arange(n).astype(str)).astype(object),
            "score": ".",
            "enhancer_strand": ".",
            "promoter_strand": ".",
            "cell_line": np.char.add("CELL", rng.integers(1, cell_lines + 1, n).astype(str)).astype(
                object
            ),
            "label": rng.integers(0, 2, n).astype(np.int8),
            "line": np.arange(2, n + 2, dtype=np.int64),
        }
    )


def write_pairs(path: Path, frame: pd.DataFrame) -> Path:
    """Write a canonical pair table as a labelled BEDPE (one ``#`` header line)."""
    from kipoi_prism.io.pairs import PAIR_COLUMNS

    with atomic_open(path) as handle:
        handle.write("#" + "\t".join(PAIR_COLUMNS) + "\n")
        frame[PAIR_COLUMNS].to_csv(handle, sep="\t", header=False, index=False, lineterminator="\n")
    return path


def chrom_length(genome_mb: float) -> int:
    """Length of each made chromosome for a genome of ``genome_mb`` megabases."""
    return int(genome_mb * 1_000_000) // CHROMOSOMES


# --------------------------------------------------------------------------- timing


def rate(step: Callable[[], int], max_seconds: float, max_items: int) -> tuple[float, int, float]:
    """Call ``step`` (returning items done) until ``max_items`` or ``max_seconds``.

    Returns
    -------
    (items per second, items, seconds)
    """
    done, began = 0, time.perf_counter()
    while done < max_items:
        done += step()
        if time.perf_counter() - began >= max_seconds:
            break
    seconds = time.perf_counter() - began
    return done / seconds, done, seconds


# --------------------------------------------------------------------------- table


@dataclass
class Table:
    """One printed table of measured figures, ratios and goals.

    Parameters
    ----------
    title : str
    """

    title: str
    rows: list[tuple[str, str, str, str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    began_load: str = field(default_factory=load_average)

    def add(self, what: str, value: float | str, unit: str = "", goal: str = "") -> None:
        """A row: what was measured, its value, the unit, and a goal with met / not met."""
        text = value if isinstance(value, str) else _number(value)
        self.rows.append((what, text, unit, goal))

    def ratio(
        self, what: str, value: float, goal: float | None = None, at_most: bool = False
    ) -> bool:
        """A ratio row; with ``goal``, says whether it is met (``>= goal``, or ``<=``)."""
        if goal is None:
            self.add(what, f"{value:.2f}", "x")
            return True
        met = value <= goal if at_most else value >= goal
        sign = "<=" if at_most else ">="
        self.add(what, f"{value:.2f}", "x", f"{sign} {goal:g}: {'met' if met else 'NOT met'}")
        return met

    def note(self, text: str) -> None:
        self.notes.append(text)

    def render(self, command: Iterable[str] | None = None) -> str:
        import torch

        command = " ".join(command if command is not None else sys.argv)
        head = [
            f"## {self.title}",
            "",
            f"machine: {cpu_model()}, nproc {cores()}, torch {torch.__version__}, "
            f"load average {self.began_load} before / {load_average()} after",
            f"command: python {command}",
            "",
        ]
        width = [max(len(r[i]) for r in [*self.rows, _HEADER]) for i in range(4)]
        lines = [_row(_HEADER, width), "|" + "|".join("-" * (w + 2) for w in width) + "|"]
        lines += [_row(r, width) for r in self.rows]
        tail = [""] + [f"- {n}" for n in self.notes] if self.notes else []
        return "\n".join(head + lines + tail)

    def print(self, command: Iterable[str] | None = None) -> None:
        print(self.render(command), flush=True)


_HEADER = ("measure", "value", "unit", "goal")


def _row(cells: tuple[str, ...], width: list[int]) -> str:
    return "| " + " | ".join(c.ljust(w) for c, w in zip(cells, width, strict=True)) + " |"


def _number(value: float) -> str:
    if value >= 100:
        return f"{value:,.0f}"
    if value >= 10:
        return f"{value:.1f}"
    return f"{value:.3g}"
