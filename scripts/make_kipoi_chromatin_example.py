"""Make the chromatin models' Kipoi example: made tracks, pairs and the expected predictions.

Writes into ``kipoi_prism/kipoi_source/prism-energy-chromatin/example/`` (the folder of
the chromatin models' one dataloader):

- ``pairs.bedpe``: 32 made enhancer-promoter pairs, two cell lines of 16, on two made
  chromosomes (``chr1`` 60 kb, ``chr2`` 40 kb), about one in four labelled 1;
- one track per mark, a few KB each: bigWigs (pyBigWig, no zoom levels) for DNase,
  H3K27ac, H3K36me3 and H3K4me1, narrowPeak files for CTCF, H3K27me3, H3K4me3 and H3K9me3,
  signal in random islands (both cell lines use the same tracks; in real use each cell
  line's pairs go with its own tracks, ``cell_line`` naming it);
- ``expect.h5``: what ``kipoi test`` compares with, the shipped ``prism-energy-chromatin``
  weights on the example (blocks of 32 rows, one cell line each,
  :mod:`kipoi_prism.integrations.kipoi.expect`);

and, for every other chromatin model (``CHROMATIN_MODELS``: ``prism-energy-chromatin-window``,
whose ``model.yaml`` names that dataloader), its ``<model>/example/expect.h5``: the same
inputs, as the dataloader makes them with its default arguments, scored by that model's
shipped weights.

Deterministic (fixed seed). Nothing here is real biology. Run from the repository root
after either chromatin model's weights change (it prints, per model, the largest
difference from ``kipoi-prism features`` + ``kipoi-prism predict --weights <model>``)::

    python scripts/make_kipoi_chromatin_example.py
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parent.parent
#: The Kipoi model source: one folder per model.
SOURCE = REPO / "kipoi_prism" / "kipoi_source"
SEED = 20261201
CHROMOSOMES = {"chr1": 60_000, "chr2": 40_000}
CELL_LINES = ("cellA", "cellB")
PAIRS_PER_CELL_LINE = 16
MAX_DISTANCE = 15_000
#: Dataloader argument -> example file (bigWig or narrowPeak).
TRACK_FILES = {
    "ctcf": "ctcf.narrowPeak",
    "dnase": "dnase.bw",
    "h3k27ac": "h3k27ac.bw",
    "h3k27me3": "h3k27me3.narrowPeak",
    "h3k36me3": "h3k36me3.bw",
    "h3k4me1": "h3k4me1.bw",
    "h3k4me3": "h3k4me3.narrowPeak",
    "h3k9me3": "h3k9me3.narrowPeak",
}
ISLANDS_PER_CHROMOSOME = 30


def islands(rng: np.random.Generator, length: int) -> list[tuple[int, int, float]]:
    """Sorted, non-overlapping ``(start, end, value)`` signal islands on one chromosome."""
    starts = np.sort(rng.choice(np.arange(0, length - 2_000, 1_000), ISLANDS_PER_CHROMOSOME,
                                replace=False))  # fmt: skip
    widths = rng.integers(150, 900, size=len(starts))
    values = np.round(rng.gamma(2.0, 3.0, size=len(starts)), 2)
    return [(int(s), int(s + w), float(v)) for s, w, v in zip(starts, widths, values, strict=True)]


def write_bigwig(path: Path, rng: np.random.Generator) -> None:
    import pyBigWig

    handle = pyBigWig.open(str(path), "w")
    handle.addHeader(list(CHROMOSOMES.items()), maxZooms=0)
    for chrom, length in CHROMOSOMES.items():
        rows = islands(rng, length)
        handle.addEntries([chrom] * len(rows), [r[0] for r in rows], ends=[r[1] for r in rows],
                          values=[r[2] for r in rows])  # fmt: skip
    handle.close()


def write_narrowpeak(path: Path, rng: np.random.Generator) -> None:
    with open(path, "w") as handle:
        for chrom, length in CHROMOSOMES.items():
            for i, (start, end, value) in enumerate(islands(rng, length)):
                summit = (end - start) // 2
                handle.write(f"{chrom}\t{start}\t{end}\t{path.stem}_{chrom}_{i}\t0\t.\t"
                             f"{value:.2f}\t-1\t-1\t{summit}\n")  # fmt: skip


def write_pairs(path: Path, rng: np.random.Generator) -> None:
    header = (
        "#enhancer_chrom\tenhancer_start\tenhancer_end\tpromoter_chrom\tpromoter_start\t"
        "promoter_end\tname\tscore\tenhancer_strand\tpromoter_strand\tcell_line\tlabel\n"
    )
    chroms = list(CHROMOSOMES)
    with open(path, "w") as handle:
        handle.write(header)
        for cell in CELL_LINES:
            for i in range(PAIRS_PER_CELL_LINE):
                chrom = chroms[int(rng.integers(len(chroms)))]
                length = CHROMOSOMES[chrom]
                p_start = int(rng.integers(MAX_DISTANCE, length - MAX_DISTANCE - 2_000))
                p_end = p_start + int(rng.integers(400, 1000))
                e_start = p_start + int(rng.integers(-MAX_DISTANCE, MAX_DISTANCE))
                e_end = e_start + int(rng.integers(300, 1200))
                label = int(rng.random() < 0.25)
                strand = "+-"[int(rng.integers(2))]
                handle.write(
                    f"{chrom}\t{e_start}\t{e_end}\t{chrom}\t{p_start}\t{p_end}\t"
                    f"{cell}_pair{i + 1:02d}\t.\t.\t{strand}\t{cell}\t{label}\n"
                )


def write_inputs(folder: Path) -> dict[str, str]:
    """Write the pairs and the 8 tracks; returns the dataloader's arguments (paths)."""
    rng = np.random.default_rng(SEED)
    folder.mkdir(parents=True, exist_ok=True)
    write_pairs(folder / "pairs.bedpe", rng)
    arguments = {"pairs": str(folder / "pairs.bedpe")}
    for argument, name in TRACK_FILES.items():
        path = folder / name
        (write_bigwig if name.endswith(".bw") else write_narrowpeak)(path, rng)
        arguments[argument] = str(path)
    return arguments


def largest_difference(arguments: dict[str, str], blocks: list[dict], weights: str) -> float:
    """Largest |probability| difference from ``kipoi-prism features`` + ``predict --weights``."""
    import pandas as pd

    from kipoi_prism.cli.main import main as cli

    with tempfile.TemporaryDirectory() as folder:
        features, scores = Path(folder) / "features.tsv", Path(folder) / "scores.tsv"
        tracks = [f"--track={a}={arguments[a]}" for a in TRACK_FILES]
        argv = ["-q", "features", "--pairs", arguments["pairs"], *tracks, "--out", str(features)]
        assert cli(argv) == 0
        argv = ["-q", "predict", "--weights", weights, "--pairs", str(features),
                "--out", str(scores)]  # fmt: skip
        assert cli(argv) == 0
        ours = pd.read_csv(scores, sep="\t", comment="#").set_index("name")["probability"]
    names = np.concatenate([b["metadata"]["name"] for b in blocks])
    probability = np.concatenate([b["preds"]["probability"] for b in blocks])
    return float(np.abs(probability - ours.loc[names].to_numpy()).max())


def main() -> None:
    from kipoi_prism.integrations.kipoi.chromatin import PrismChromatinDataLoader
    from kipoi_prism.integrations.kipoi.expect import loader_blocks, write_expectation
    from kipoi_prism.integrations.kipoi.model import PrismEnergyKipoiModel
    from kipoi_prism.integrations.kipoi.register import CHROMATIN_MODELS

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=SOURCE,
                        help="model source to write into (one folder per model)")  # fmt: skip
    args = parser.parse_args()
    arguments = write_inputs(args.out / CHROMATIN_MODELS[0] / "example")
    loader = PrismChromatinDataLoader(**arguments)  # as Kipoi calls it, for every model
    for model in CHROMATIN_MODELS:
        blocks = loader_blocks(loader, PrismEnergyKipoiModel(model, device="cpu"))
        expect = args.out / model / "example" / "expect.h5"
        expect.parent.mkdir(parents=True, exist_ok=True)
        write_expectation(expect, blocks)
        rows = sum(len(b["metadata"]["name"]) for b in blocks)
        difference = largest_difference(arguments, blocks, model)
        print(f"wrote {expect} ({rows} expected rows, {len(blocks)} blocks); largest "
              f"difference from kipoi-prism features + predict --weights {model}: "
              f"{difference:.2e}")  # fmt: skip


if __name__ == "__main__":
    main()
