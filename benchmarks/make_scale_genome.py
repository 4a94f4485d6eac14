"""A made genome and BED files sized for a given number of workflow candidates.

Writes, into ``--workdir`` (a scratch folder, never the repository):

* ``genome.fa``: ``--chromosomes`` random ACGT chromosomes ``chr1..chrN`` of ``--length``
  bp, 60 bases a line (``pipeline_scale.write_genome``);
* ``peaks/{cell}.bed``: enhancers of ``--enhancer-width`` bp, one every
  ``--enhancer-step`` bp on each chromosome, each shifted by a seeded random offset;
* ``promoters.bed``: promoters of ``--promoter-width`` bp, one every
  ``--promoter-step`` bp, shifted the same way.

and prints the exact number of candidate pairs ``kipoi-prism pairs`` will make at
``--max-distance`` (centre distance ``|c_E - c_P|``, ``c = (start + end) // 2``, both
ends inclusive), counted with a sorted search, so the size is known before the workflow
runs. With the defaults (5 x 20 Mb, enhancers every 2 kb, promoters every 9.5 kb, 1 Mb)
that is about 1.03e7 pairs.

Usage::

    python benchmarks/make_scale_genome.py --workdir /tmp/w7
    snakemake -s workflow/Snakefile --directory /tmp/w7 --cores 1 \\
        --config fasta=genome.fa promoters=promoters.bed enhancers_dir=peaks shards=4

Same arguments, same seed: the same files, byte for byte. Every file is written under a
temporary name and renamed when complete.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

BENCHMARKS = Path(__file__).resolve().parent
if str(BENCHMARKS) not in sys.path:
    sys.path.insert(0, str(BENCHMARKS))

from pipeline_scale import write_genome  # noqa: E402

from kipoi_prism.io.atomic import atomic_open, atomic_path  # noqa: E402


def regions(length: int, step: int, width: int, rng: np.random.Generator) -> np.ndarray:
    """Starts of ``width``-bp regions one every ``step`` bp, each jittered within its step."""
    if width >= step:
        raise SystemExit(f"region width {width} must be smaller than its step {step}")
    base = np.arange(0, length - step + 1, step, dtype=np.int64)
    return base + rng.integers(0, step - width + 1, base.size)


def count_pairs(
    enhancers: np.ndarray, promoters: np.ndarray, widths: tuple[int, int], max_distance: int
) -> int:
    """Pairs on one chromosome whose centres lie at most ``max_distance`` bp apart."""
    centre_e = (2 * enhancers + widths[0]) // 2
    centre_p = np.sort((2 * promoters + widths[1]) // 2)
    low = np.searchsorted(centre_p, centre_e - max_distance, side="left")
    high = np.searchsorted(centre_p, centre_e + max_distance, side="right")
    return int((high - low).sum())


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--workdir", type=Path, required=True, help="scratch folder")
    parser.add_argument("--chromosomes", type=int, default=5)
    parser.add_argument("--length", type=int, default=20_000_000, help="bp per chromosome")
    parser.add_argument("--enhancer-step", type=int, default=2_000)
    parser.add_argument("--enhancer-width", type=int, default=500)
    parser.add_argument("--promoter-step", type=int, default=9_500)
    parser.add_argument("--promoter-width", type=int, default=1_000)
    parser.add_argument("--max-distance", type=int, default=1_000_000)
    parser.add_argument("--cell-line", default="cellA")
    parser.add_argument("--seed", type=int, default=0)
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.workdir.resolve().is_relative_to(BENCHMARKS.parent):
        raise SystemExit("--workdir must be a scratch folder outside the repository")
    (args.workdir / "peaks").mkdir(parents=True, exist_ok=True)
    genome = args.workdir / "genome.fa"
    with atomic_path(genome) as temporary:
        write_genome(temporary, args.chromosomes, args.length, args.seed)
    rng = np.random.default_rng(args.seed + 1)
    widths = (args.enhancer_width, args.promoter_width)
    total = n_enhancers = n_promoters = 0
    outputs = {
        "enh": args.workdir / "peaks" / f"{args.cell_line}.bed",
        "prom": args.workdir / "promoters.bed",
    }
    with atomic_open(outputs["enh"]) as enh_out, atomic_open(outputs["prom"]) as prom_out:
        for index in range(1, args.chromosomes + 1):
            chrom = f"chr{index}"
            enh = regions(args.length, args.enhancer_step, args.enhancer_width, rng)
            prom = regions(args.length, args.promoter_step, args.promoter_width, rng)
            for out, starts, width, prefix in (
                (enh_out, enh, args.enhancer_width, "e_"),
                (prom_out, prom, args.promoter_width, "p_"),
            ):
                out.writelines(
                    f"{chrom}\t{s}\t{s + width}\t{prefix}{chrom}_{i}\n"
                    for i, s in enumerate(starts)
                )
            total += count_pairs(enh, prom, widths, args.max_distance)
            n_enhancers += enh.size
            n_promoters += prom.size
    print(
        f"{genome}: {args.chromosomes} x {args.length:,} bp; {n_enhancers:,} enhancers, "
        f"{n_promoters:,} promoters; {total:,} candidate pairs at max distance "
        f"{args.max_distance:,} bp"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
