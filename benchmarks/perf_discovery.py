"""Motif discovery: seconds and peak memory of the label-free search by number of windows.

The recommended configuration searches the run's own windows before training
(``train.stem_motifs: discover``, :mod:`kipoi_prism.training.stem`), so its cost is paid
by every run without a motif file. For each ``--windows`` count, that many random
enhancer windows and half as many promoter windows (the model's lengths) are made in
memory, twelve 10-base words planted in 30% of them (so the search finds and builds its
full count of matrices, as on real regions), and
:func:`kipoi_prism.training.motif_discovery.discover_in_element_sets` runs with the default
settings. Counts run in ascending order in one process, so the peak resident memory read
after each is that count's own (it only grows). No scratch files.

Usage::

    python benchmarks/perf_discovery.py                        # 4,000, 16,000, 32,000 windows
    python benchmarks/perf_discovery.py --windows 200 --enhancer-length 300 --promoter-length 200
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from common import Table  # noqa: E402

from kipoi_prism.config import ModelConfig  # noqa: E402
from kipoi_prism.training.motif_discovery import (  # noqa: E402
    DiscoveryConfig,
    discover_in_element_sets,
)

PLANTED_WORDS, WORD_WIDTH, PLANTED_SHARE = 12, 10, 0.3


def made_windows(rng: np.random.Generator, count: int, length: int,
                 words: list[np.ndarray]) -> np.ndarray:  # fmt: skip
    """``count`` random windows (codes) with each of ``words`` in ``PLANTED_SHARE`` of them."""
    codes = rng.integers(0, 4, (count, length)).astype(np.uint8)
    for word in words:
        rows = np.flatnonzero(rng.random(count) < PLANTED_SHARE)
        starts = rng.integers(0, length - len(word), len(rows))
        for row, start in zip(rows, starts, strict=True):
            codes[row, start : start + len(word)] = word
    return codes


def peak_memory_gb() -> float:
    """Peak resident memory of this process so far (Linux reports kB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e6


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--windows", type=int, nargs="+", default=[4000, 16000, 32000],
                        help="enhancer windows per run (promoters: half as many)")  # fmt: skip
    parser.add_argument("--enhancer-length", type=int, default=ModelConfig().enhancer_length)
    parser.add_argument("--promoter-length", type=int, default=ModelConfig().promoter_length)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    rng = np.random.default_rng(args.seed)
    words = [rng.integers(0, 4, WORD_WIDTH).astype(np.uint8) for _ in range(PLANTED_WORDS)]
    half = PLANTED_WORDS * 2 // 3  # two thirds of the words in enhancers, the rest in promoters
    table = Table("Motif discovery (train.stem_motifs: discover): cost by windows")
    for count in sorted(args.windows):
        sets = {
            "enhancer": made_windows(rng, count, args.enhancer_length, words[:half]),
            "promoter": made_windows(rng, count // 2, args.promoter_length, words[half:]),
        }
        bases = sum(codes.size for codes in sets.values())
        began = time.perf_counter()
        motifs = discover_in_element_sets(sets, DiscoveryConfig())
        seconds = time.perf_counter() - began
        label = f"{count:,} + {count // 2:,} windows ({bases / 1e6:.1f} Mb)"
        table.add(f"{label}: search, {len(motifs)} motifs", seconds, "s")
        table.add(f"{label}: peak resident memory", peak_memory_gb(), "GB")
    table.note(f"windows {args.enhancer_length} + {args.promoter_length} bp, random bases "
               f"with {PLANTED_WORDS} planted {WORD_WIDTH}-mers (seed {args.seed}); one "
               "process, counts in ascending order")  # fmt: skip
    table.print(["benchmarks/perf_discovery.py", *(argv if argv is not None else sys.argv[1:])])
    return 0


if __name__ == "__main__":
    sys.exit(main())
