"""Memory: peak RSS of ``kipoi-prism predict`` as the number of pairs grows (streaming).

Scores made BEDPEs of each size in ``--sizes`` (same made genome, 4 cell lines) with
``python -m kipoi_prism predict`` as a fresh process under ``/usr/bin/time -v`` and reports
its peak resident set size, plus the peaks of its anonymous memory (heap: what would grow
with the input) and of its file-backed memory (mostly the memory-mapped FASTA: shared,
reclaimable, bounded by the genome's size), sampled from ``/proc``.

``--tiny-model`` (the default) scores with a small random architecture so that hundreds of
thousands of pairs stream through in minutes on two cores; the model's own memory is then
small, which makes any growth with the input easier to see, not harder. ``--full-model``
uses the default architecture.

Usage::

    python benchmarks/perf_memory.py                          # 10,000 and 100,000 pairs
    python benchmarks/perf_memory.py --sizes 10000 100000 1000000   # about 10 minutes
    python benchmarks/perf_memory.py --sizes 200 2000 --genome-mb 2   # smoke
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import common


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    common.add_common_arguments(parser)
    parser.add_argument(
        "--sizes",
        type=int,
        nargs="+",
        default=[10_000, 100_000],
        help="pair counts to score (default 10000 100000)",
    )
    model = parser.add_mutually_exclusive_group()
    model.add_argument(
        "--tiny-model",
        dest="tiny",
        action="store_true",
        default=True,
        help="small random architecture (default)",
    )
    model.add_argument(
        "--full-model", dest="tiny", action="store_false", help="the default architecture"
    )
    parser.add_argument(
        "--threads",
        type=int,
        default=1,
        help="predict --threads (default 1: memory does not depend on it, and "
        "one thread keeps a tiny model fast on a shared machine)",
    )
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--workers", type=int, default=0, help="predict --num-workers")
    return parser.parse_args(argv)


def run_predict(bedpe: Path, fasta: Path, weights: Path, out: Path, args) -> dict:
    """Peak memory and wall time of one ``predict`` process (``pipeline_scale.timed``)."""
    argv = common.predict_argv(
        bedpe, fasta, weights, out, device="cpu", threads=args.threads,
        batch_size=args.batch_size, workers=args.workers,
    )  # fmt: skip
    command = [sys.executable, "-m", "kipoi_prism", *argv]
    return common.timed(command)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    common.apply_allocator(args.default_allocator)
    table = common.Table("Memory: peak RSS of kipoi-prism predict as the input grows")
    work = args.workdir
    fasta = common.genome_path(work, args.genome_mb, args.seed)
    weights = work / ("random_tiny.pt" if args.tiny else "random_default.pt")
    common.random_weights(weights, args.seed, args.tiny)
    length = common.chrom_length(args.genome_mb)
    peaks, anon = {}, {}
    for n in sorted(args.sizes):
        bedpe = common.write_pairs(
            work / f"memory_{n}.bedpe", common.made_frame(n, length, args.seed)
        )
        out = work / f"memory_{n}.tsv"
        run = run_predict(bedpe, fasta, weights, out, args)
        out.unlink(missing_ok=True)
        bedpe.unlink(missing_ok=True)
        peaks[n], anon[n] = run["peak_rss_mib"], run["peak_anon_mib"]
        label = f"{n:,} pairs"
        table.add(f"{label}: wall time ({n / run['wall_s']:,.0f} pairs/s)", run["wall_s"], "s")
        table.add(f"{label}: peak RSS", run["peak_rss_mib"], "MiB")
        table.add(
            f"{label}: peak anonymous / file-backed",
            f"{run['peak_anon_mib']:.0f} / {run['peak_file_mib']:.0f}",
            "MiB",
        )
    if len(peaks) > 1:
        table.ratio(
            "largest / smallest peak RSS",
            max(peaks.values()) / min(peaks.values()),
            1.2,
            at_most=True,
        )
        if min(anon.values()) > 0:
            table.ratio(
                "largest / smallest peak anonymous memory",
                max(anon.values()) / min(anon.values()),
                1.2,
                at_most=True,
            )
    kind = "tiny random architecture" if args.tiny else "default architecture"
    table.note(
        f"{kind}; {args.threads} threads, batch {args.batch_size}, {args.workers} "
        f"worker(s); {args.genome_mb:g} Mb made genome (memory-mapped: file-backed "
        "pages grow with the part of the genome read, up to its size)"
    )
    table.note(
        "peak RSS from /usr/bin/time -v; anonymous and file-backed peaks sampled "
        "from /proc every 0.2 s"
    )
    table.note(common.allocator())
    table.print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
