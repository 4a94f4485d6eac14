"""Builders shared by the inference, CLI and Kipoi tests: tiny weights, made pair tables."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import torch

from kipoi_prism.config import ModelConfig
from kipoi_prism.model.network import PrismEnergy
from kipoi_prism.model.weights import load_weights, save_weights

# Small enough to run in milliseconds on a CPU, big enough to exercise every layer.
TINY = dict(
    enhancer_length=200,
    promoter_length=150,
    channels=8,
    element_dim=8,
    res_blocks=1,
    d_interaction=8,
    d_environment=4,
    env_hidden=8,
)

BEDPE_HEADER = (
    "#enhancer_chrom\tenhancer_start\tenhancer_end\tpromoter_chrom\tpromoter_start\t"
    "promoter_end\tname\tscore\tenhancer_strand\tpromoter_strand\tcell_line\tlabel\n"
)


@pytest.fixture
def single_thread():
    """Run torch on one thread: tiny models on a busy shared machine are many times faster
    without OpenMP threads competing for the cores. Restores the thread count afterwards."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


@pytest.fixture
def weights(tmp_path) -> Path:
    """Tiny seeded weights (the predict tests' shared model)."""
    return tiny_weights(tmp_path / "tiny.pt", seed=0)


@pytest.fixture
def pairs_file(tmp_path) -> Path:
    """45 made pairs in a BEDPE (the predict tests' shared input)."""
    return make_pairs(tmp_path / "pairs.bedpe", n=45, seed=1)


def tiny_model(seed: int = 0, **overrides) -> PrismEnergy:
    """A randomly initialised tiny model in eval mode, with non-trivial BatchNorm statistics."""
    torch.manual_seed(seed)
    model = PrismEnergy(ModelConfig(**{**TINY, **overrides}))
    generator = torch.Generator().manual_seed(seed)
    for module in model.modules():
        if isinstance(module, torch.nn.BatchNorm1d):
            n = module.num_features
            module.running_mean.copy_(0.1 * torch.randn(n, generator=generator))
            module.running_var.copy_(0.5 + torch.rand(n, generator=generator))
    if model.element_read is not None:  # a fitted read (model.element_read)
        width = model.backbone.feature_dim
        model.element_read.set(torch.randn(width, generator=generator), 0.1)
    return model.eval()


def tiny_weights(path: Path, seed: int = 0, threshold: float = 0.5, prototypes=None, **overrides):
    """Save a tiny model's weights file; returns its path."""
    return save_weights(
        path,
        tiny_model(seed, **overrides),
        prototypes=prototypes,
        threshold=threshold,
        metadata={"trained_on": "nothing: random initialisation for tests"},
    )


def assert_feature_round_trip(model: PrismEnergy, path: Path, feature_dims=(5, 3)):
    """Save a feature-backbone ``model`` (in eval mode) to ``path``, load it, and check the
    loaded backbone gives the same ``z_I`` on random inputs; returns the loaded bundle."""
    model.eval()
    enhancer, promoter = torch.randn(6, feature_dims[0]), torch.randn(6, feature_dims[1])
    bundle = load_weights(save_weights(path, model, threshold=0.5))
    with torch.no_grad():
        assert torch.equal(model.backbone(enhancer, promoter)[0],
                           bundle.model.backbone(enhancer, promoter)[0])  # fmt: skip
    return bundle


def make_pairs(
    path: Path,
    n: int = 40,
    seed: int = 0,
    cells: tuple[str, ...] = ("cellA", "cellB", "cellC"),
    chrom_sizes: dict[str, int] | None = None,
    labels: bool = True,
) -> Path:
    """Write a BEDPE of ``n`` made pairs on the conftest ``small_genome`` chromosomes."""
    sizes = chrom_sizes or {"chr1": 20_000, "chr2": 12_000}
    rng = np.random.default_rng(seed)
    chroms = list(sizes)
    lines = [BEDPE_HEADER]
    for i in range(n):
        chrom = chroms[int(rng.integers(len(chroms)))]
        e_start = int(rng.integers(300, sizes[chrom] - 600))
        p_start = int(rng.integers(300, sizes[chrom] - 600))
        label = str(int(rng.integers(2))) if labels else "."
        fields = [chrom, e_start, e_start + int(rng.integers(50, 300)), chrom, p_start,
                  p_start + int(rng.integers(50, 300)), f"pair{i:03d}", ".", ".", ".",
                  cells[i % len(cells)], label]  # fmt: skip
        lines.append("\t".join(map(str, fields)) + "\n")
    path.write_text("".join(lines))
    return path


def read_tsv(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, sep="\t", dtype={"name": str, "cell_line": str})
