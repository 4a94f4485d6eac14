"""A tiny learnable training set for the training tests (made in a temporary folder).

Pairs of three cell lines on a random genome. A positive pair carries one motif in its
enhancer and one in its promoter; every pair of a cell line carries that cell line's own
k-mer beside its promoter, so the environment stream has something to find. Windows are
short (200 + 150 bp) and the network is small, so an epoch takes well under a second.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import torch
from conftest import write_fasta

from kipoi_prism.config import ModelConfig, TrainConfig, TrainerConfig
from kipoi_prism.io.pairs import PAIR_COLUMNS

ENHANCER_MOTIF = "TGACTCATGACTCA"
PROMOTER_MOTIF = "CCAATCGCGCCAAT"
CELL_KMERS = {"A": "AAAAAAAAAAAA", "B": "CGCGCGCGCGCG", "C": "GGGTTTGGGTTT"}
SPACING = 600


def tiny_model() -> ModelConfig:
    return ModelConfig(
        enhancer_length=200, promoter_length=150, channels=8, stem_kernel=9, stem_pool=4,
        res_blocks=1, res_kernel=3, res_pool=2, element_dim=8, d_interaction=8,
        d_environment=4, env_hidden=8, dropout=0.1,
    )  # fmt: skip


def tiny_train(**changes) -> TrainConfig:
    values = dict(blocks_per_batch=3, block_size=8, support_size=8, max_epochs=4,
                  warmup_epochs=2, lr=0.01, patience=3, seed=0)  # fmt: skip
    values.update(changes)
    return TrainConfig(**values)


def quiet_trainer(**changes) -> TrainerConfig:
    values = dict(progress_bar=False, logger="csv", log_every_n_steps=1)
    values.update(changes)
    return TrainerConfig(**values)


def _plant(bases: list[str], centre: int, text: str) -> None:
    start = centre - len(text) // 2
    bases[start : start + len(text)] = list(text)


def make_toy(
    folder: Path,
    per_cell: int = 48,
    cells: tuple[str, ...] = ("A", "B", "C"),
    positive_rate: float = 0.35,
    seed: int = 0,
) -> tuple[Path, pd.DataFrame]:
    """Write ``genome.fa`` and ``pairs.bedpe`` in ``folder``; return the FASTA path and pairs.

    Each cell line lives on its own chromosome (``chr1``, ``chr2``, ...), so a chromosome
    split and a cell-line split coincide.
    """
    rng = np.random.default_rng(seed)
    records, sequences = [], {}
    for k, cell in enumerate(cells):
        chrom = f"chr{k + 1}"
        bases = list(rng.choice(list("ACGT"), size=per_cell * SPACING + 1000))
        for i in range(per_cell):
            enhancer = 500 + i * SPACING
            promoter = enhancer + 300
            label = int(rng.random() < positive_rate)
            if label:
                _plant(bases, enhancer, ENHANCER_MOTIF)
                _plant(bases, promoter, PROMOTER_MOTIF)
            _plant(bases, promoter + 40, CELL_KMERS[cell])
            records.append((chrom, enhancer - 50, enhancer + 50, chrom, promoter - 50,
                            promoter + 50, f"{cell}_{i}", ".", ".", ".", cell, label))  # fmt: skip
        sequences[chrom] = "".join(bases)
    genome = write_fasta(Path(folder) / "genome.fa", sequences)
    frame = pd.DataFrame(records, columns=PAIR_COLUMNS)
    frame["line"] = np.arange(1, len(frame) + 1)
    with open(Path(folder) / "pairs.bedpe", "w") as out:
        for record in records:
            out.write("\t".join(str(v) for v in record) + "\n")
    return genome, frame


def split_toy(frame: pd.DataFrame, val_cell: str = "C") -> tuple[pd.DataFrame, pd.DataFrame]:
    train = frame[frame["cell_line"] != val_cell].reset_index(drop=True)
    val = frame[frame["cell_line"] == val_cell].reset_index(drop=True)
    return train, val


def toy_split_run(
    folder: Path, per_cell: int = 48
) -> tuple[Path, Path, pd.DataFrame, pd.DataFrame]:
    """A made toy genome in ``folder``, split by cell line: (folder, genome, train, val)."""
    genome, frame = make_toy(folder, per_cell=per_cell)
    train, val = split_toy(frame)
    return folder, genome, train, val


def toy_batch(
    genome: Path, train: pd.DataFrame, cells: list[str], teachers: bool = False
) -> dict[str, torch.Tensor]:
    """The first training block batch of ``train`` (epoch 0), as tensors (with
    ``teachers``, each query's ``teacher`` column too)."""
    from kipoi_prism.io.genome import Genome
    from kipoi_prism.io.inputs import make_source
    from kipoi_prism.training.datasets import BlockBatchDataset, CellLineBlockSampler

    config = tiny_train()
    sampler = CellLineBlockSampler(train, cells, config.blocks_per_batch, config.block_size,
                                   config.support_size, config.seed)  # fmt: skip
    sampler.set_epoch(0)
    source = make_source(train.reset_index(drop=True), tiny_model(), Genome(genome))
    batch = BlockBatchDataset(source, teachers=teachers)[next(iter(sampler))]
    return {k: torch.as_tensor(v) for k, v in batch.items()}
