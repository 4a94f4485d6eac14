"""Make the example: a small made genome and a labelled BEDPE of enhancer-promoter pairs.

Deterministic (fixed seed): running it again rewrites identical files. The sequence is
random DNA with soft-masked (lower-case) stretches and a run of N on each chromosome;
the pairs are made up, three cell lines, about one in four labelled 1. Nothing here is
real biology: it exists so that ``kipoi-prism predict`` and ``kipoi test .`` have
something to run on.

    python example/make_example.py            # writes example/genome.fa(.fai), example/pairs.bedpe
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

HERE = Path(__file__).parent
SEED = 20240601
CHROMOSOMES = {"chr1": 60_000, "chr2": 45_000, "chr3": 30_000}
CELL_LINES = ("cellA", "cellB", "cellC")
PAIRS_PER_CELL_LINE = 16
LINE_WIDTH = 60
# Region sizes (bp) as TargetFinder-style tables give them; windows are centred on them.
ENHANCER_SIZE = (300, 1200)
PROMOTER_SIZE = (400, 1000)
BEDPE_COLUMNS = [
    "enhancer_chrom", "enhancer_start", "enhancer_end", "promoter_chrom", "promoter_start",
    "promoter_end", "name", "score", "enhancer_strand", "promoter_strand", "cell_line", "label",
]  # fmt: skip
# Keep every region this far from a chromosome end so 3 kb / 2 kb windows fit.
MARGIN = 2_000


def make_sequence(rng: np.random.Generator, length: int) -> str:
    """Random bases, two soft-masked stretches and one run of N."""
    bases = rng.choice(np.array(list("ACGT")), size=length)
    for _ in range(2):
        start = int(rng.integers(0, length - 2_000))
        bases[start : start + 2_000] = np.char.lower(bases[start : start + 2_000])
    start = int(rng.integers(0, length - 100))
    bases[start : start + 100] = "N"
    return "".join(bases)


def write_fasta(path: Path, sequences: dict[str, str]) -> None:
    with open(path, "w") as handle:
        for name, sequence in sequences.items():
            handle.write(f">{name}\n")
            for i in range(0, len(sequence), LINE_WIDTH):
                handle.write(sequence[i : i + LINE_WIDTH] + "\n")


def write_fai(path: Path, sequences: dict[str, str]) -> None:
    """samtools-style index: name, length, offset of the first base, bases/line, bytes/line."""
    offset = 0
    with open(path.with_name(path.name + ".fai"), "w") as handle:
        for name, sequence in sequences.items():
            offset += len(name) + 2  # ">" + name + "\n"
            handle.write(f"{name}\t{len(sequence)}\t{offset}\t{LINE_WIDTH}\t{LINE_WIDTH + 1}\n")
            lines = -(-len(sequence) // LINE_WIDTH)
            offset += len(sequence) + lines


def region(rng: np.random.Generator, chrom_length: int, size: tuple[int, int]) -> tuple[int, int]:
    width = int(rng.integers(*size))
    start = int(rng.integers(MARGIN, chrom_length - MARGIN - width))
    return start, start + width  # 0-based, half-open


def make_pairs(rng: np.random.Generator) -> list[list[str]]:
    rows = []
    chroms = list(CHROMOSOMES)
    for cell in CELL_LINES:
        for i in range(PAIRS_PER_CELL_LINE):
            chrom = chroms[int(rng.integers(len(chroms)))]
            e_start, e_end = region(rng, CHROMOSOMES[chrom], ENHANCER_SIZE)
            p_start, p_end = region(rng, CHROMOSOMES[chrom], PROMOTER_SIZE)
            label = int(rng.random() < 0.25)
            strand = "+-"[int(rng.integers(2))]
            rows.append([chrom, e_start, e_end, chrom, p_start, p_end,
                         f"{cell}_pair{i + 1:02d}", ".", ".", strand, cell, label])  # fmt: skip
    return [[str(v) for v in row] for row in rows]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=HERE, help="folder to write to")
    args = parser.parse_args()
    rng = np.random.default_rng(SEED)
    sequences = {name: make_sequence(rng, length) for name, length in CHROMOSOMES.items()}
    args.out.mkdir(parents=True, exist_ok=True)
    write_fasta(args.out / "genome.fa", sequences)
    write_fai(args.out / "genome.fa", sequences)
    header = "#" + "\t".join(BEDPE_COLUMNS) + "\n"
    with open(args.out / "pairs.bedpe", "w") as handle:
        handle.write(header)
        for row in make_pairs(rng):
            handle.write("\t".join(row) + "\n")


if __name__ == "__main__":
    main()
