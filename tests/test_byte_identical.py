"""Predictions stay byte-identical across refactors: stored SHA-256 of `predict`'s outputs.

The checksums in ``data/prediction_checksums.json`` were written by the code before the
package was reorganised into layers (``python tests/test_byte_identical.py --write``), and
every later change to the package must reproduce them to the byte: the shipped weights on
the shipped example, and on a 10,000-pair made set (a seeded made genome). A change that is
meant to move predictions (new weights, a new default) rewrites them in the same commit and
says so.

The checksum is of the TSV and BEDPE that ``kipoi-prism predict`` writes on one CPU
thread in float32, with the pinned torch (requirements/constraints.txt). The kernels torch
and its BLAS pick depend on the CPU (AVX2 against AVX-512 moves the last printed digit), so
the file holds one set of checksums per kind of CPU that recorded one (``cpu_kind``), and
the outputs must equal one of them to the byte; the check runs on x86-64 only.
``--write`` records the set of the CPU it runs on beside the others; ``--write --only``
replaces every set (for a change meant to move predictions: the other kinds' sets are
then recorded on those CPUs).
"""

from __future__ import annotations

import hashlib
import json
import platform
import sys
from pathlib import Path

import numpy as np
import pytest

TESTS = Path(__file__).resolve().parent
REPO = TESTS.parent
CHECKSUMS = TESTS / "data" / "prediction_checksums.json"
MADE_PAIRS = 10_000
CHROMOSOMES = {"chrA": 400_000, "chrB": 300_000, "chrC": 200_000}


def made_inputs(folder: Path, n_pairs: int = MADE_PAIRS, seed: int = 7) -> tuple[Path, Path]:
    """A seeded made genome and ``n_pairs`` pairs in four cell lines (BEDPE, with labels)."""
    rng = np.random.default_rng(seed)
    fasta = folder / "made.fa"
    with open(fasta, "w") as out:
        for chrom, length in CHROMOSOMES.items():
            bases = np.array(list("ACGTacgtN"))[
                rng.choice(9, size=length, p=[0.22] * 4 + [0.02] * 4 + [0.04])
            ]
            text = "".join(bases)
            out.write(f">{chrom}\n")
            for start in range(0, length, 70):
                out.write(text[start : start + 70] + "\n")
    chroms = list(CHROMOSOMES)
    pairs = folder / "made.bedpe"
    with open(pairs, "w") as out:
        for i in range(n_pairs):
            chrom = chroms[rng.integers(len(chroms))]
            length = CHROMOSOMES[chrom]
            e_start = int(rng.integers(0, length - 2_000))
            p_start = int(rng.integers(0, length - 1_000))
            e_end = e_start + int(rng.integers(100, 2_000))
            p_end = p_start + int(rng.integers(100, 1_000))
            cell = f"cell{rng.integers(4)}"
            label = int(rng.random() < 0.1)
            out.write(
                f"{chrom}\t{e_start}\t{e_end}\t{chrom}\t{p_start}\t{p_end}\tpair{i:05d}"
                f"\t.\t.\t.\t{cell}\t{label}\n"
            )
    return pairs, fasta


def prediction_checksums(folder: Path) -> dict[str, str]:
    """SHA-256 of ``predict``'s TSV and BEDPE on the example and on the made set."""
    import torch

    from kipoi_prism.cli.main import main

    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        made_pairs, made_fasta = made_inputs(folder)
        inputs = {
            "example": (REPO / "example" / "pairs.bedpe", REPO / "example" / "genome.fa"),
            "made10000": (made_pairs, made_fasta),
        }
        sums = {}
        for key, (pairs, fasta) in inputs.items():
            for suffix in ("tsv", "bedpe"):
                out = folder / f"{key}.{suffix}"
                argv = [
                    "--quiet",
                    "predict",
                    "--pairs",
                    str(pairs),
                    "--fasta",
                    str(fasta),
                    "--out",
                    str(out),
                ]
                assert main(argv) == 0, argv
                sums[f"{key}.{suffix}"] = hashlib.sha256(out.read_bytes()).hexdigest()
        return sums
    finally:
        torch.set_num_threads(threads)


@pytest.mark.skipif(
    platform.machine() not in ("x86_64", "AMD64"), reason="checksums were recorded on x86-64"
)
def test_predictions_are_byte_identical_to_the_stored_checksums(tmp_path):
    stored = json.loads(CHECKSUMS.read_text())
    got = prediction_checksums(tmp_path)
    assert got in stored.values(), (
        f"predictions on this CPU ({cpu_kind()}) match none of the checksum sets recorded "
        f"on {sorted(stored)}: {got}"
    )


def cpu_kind() -> str:
    """The machine and the kernel family torch uses on it, e.g. ``x86_64 AVX512``."""
    import torch

    return f"{platform.machine()} {torch.backends.cpu.get_cpu_capability()}"


if __name__ == "__main__":
    if sys.argv[1:] not in (["--write"], ["--write", "--only"]):
        sys.exit("usage: python tests/test_byte_identical.py --write [--only]")
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        sums = prediction_checksums(Path(folder))
    sets = {} if "--only" in sys.argv else json.loads(CHECKSUMS.read_text())
    sets[cpu_kind()] = sums
    CHECKSUMS.write_text(json.dumps(sets, indent=2, sort_keys=True) + "\n")
    print(json.dumps(sets, indent=2))
