"""Shared by the Selene tests: the example data, a tiny network, the example's sampler.

Importing this module skips the importing test module where selene-sdk is absent.
"""

from __future__ import annotations

from pathlib import Path

import pytest

selene = pytest.importorskip("kipoi_prism.integrations.selene.sampler")

REPO = Path(__file__).parent.parent
CONFIG = REPO / "configs" / "selene_train.yml"
MODEL_FILE = REPO / "kipoi_prism" / "selene_model.py"
EXAMPLE_PAIRS, EXAMPLE_FASTA = REPO / "example" / "pairs.bedpe", REPO / "example" / "genome.fa"
TINY = dict(enhancer_length=200, promoter_length=150, channels=8, stem_kernel=9, stem_pool=4,
            res_blocks=1, res_kernel=3, res_pool=2, element_dim=8, d_interaction=8,
            d_environment=4, env_hidden=8)  # fmt: skip
CELLS = ["cellA", "cellB", "cellC"]


def example_sampler():
    """The sampler over the example: chr1 validation, chr2 test, blocks of the three cells."""
    return selene.PrismPairSampler(
        str(EXAMPLE_PAIRS), str(EXAMPLE_FASTA), validation_holdout=["chr1"],
        test_holdout=["chr2"], train_cell_lines=CELLS, enhancer_length=200, promoter_length=150,
        blocks_per_batch=4, support_size=5, seed=3,
    )  # fmt: skip
