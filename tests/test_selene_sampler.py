"""The Selene sampler: one encoding with the other paths, block batches with support sets,
epochs, evaluation splits, saved datasets and bad settings.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest
import torch
from predict_helpers import single_thread  # noqa: F401 - a fixture
from selene_helpers import (
    CELLS,
    EXAMPLE_FASTA,
    EXAMPLE_PAIRS,
    TINY,
    example_sampler,
    selene,
)

from kipoi_prism.config import ModelConfig
from kipoi_prism.errors import PrismInputError
from kipoi_prism.integrations.selene import packing, splits

pytestmark = pytest.mark.usefixtures("single_thread")


@pytest.fixture
def sampler():
    return example_sampler()


# --------------------------------------------------------------------------- one encoding


def test_one_interval_encodes_identically_in_selene_lightning_and_kipoi(tmp_path):
    from kipoi_prism.integrations.kipoi.dataloader import PrismPairDataLoader
    from kipoi_prism.io.genome import Genome
    from kipoi_prism.io.pairs import read_pairs
    from kipoi_prism.model.network import PrismEnergy
    from kipoi_prism.model.weights import save_weights
    from kipoi_prism.training.datasets import PairRowsDataset, WindowSource

    lengths = {"enhancer_length": 3000, "promoter_length": 2000}  # the example's default
    name = "cellB_pair05"
    sampler = selene.PrismPairSampler(
        str(EXAMPLE_PAIRS), str(EXAMPLE_FASTA), validation_holdout=["chr1"], support_size=4,
        **lengths,
    )  # fmt: skip
    frame = sampler.frames["validate"]
    assert name in set(frame["name"])
    batches, _ = sampler.get_validation_set(64)
    inputs, targets = batches[0]
    packed = packing.unpack_inputs(torch.Tensor(inputs).transpose(1, 2), 3000, 2000)
    labelled = frame[frame["label"] >= 0]
    cells = labelled["cell_line"].map(sampler.cell_lines.index).to_numpy()
    order = np.lexsort((np.arange(len(labelled)), cells))
    row = int(np.flatnonzero(labelled["name"].to_numpy()[order] == name)[0])
    selene_windows = (packed.enhancer[row].numpy(), packed.promoter[row].numpy())

    table = read_pairs(EXAMPLE_PAIRS)
    position = int(np.flatnonzero(table["name"].to_numpy() == name)[0])
    dataset = PairRowsDataset(WindowSource(table, Genome(EXAMPLE_FASTA), **lengths), CELLS)
    item = dataset[np.array([position])]
    lightning_windows = (item["enhancer"][0], item["promoter"][0])

    weights = save_weights(tmp_path / "w.pt", PrismEnergy(ModelConfig(**{**TINY, **lengths})))
    loader = PrismPairDataLoader(str(EXAMPLE_PAIRS), str(EXAMPLE_FASTA), weights=str(weights))
    batch = next(b for b in loader.batch_iter(batch_size=64) if name in b["metadata"]["name"])
    index = list(batch["metadata"]["name"]).index(name)
    kipoi_windows = (batch["inputs"]["enhancer"][index], batch["inputs"]["promoter"][index])

    for selene_array, lightning_array, kipoi_array in zip(
        selene_windows, lightning_windows, kipoi_windows, strict=True
    ):
        assert selene_array.dtype == lightning_array.dtype == kipoi_array.dtype == np.float32
        np.testing.assert_array_equal(selene_array, lightning_array)
        np.testing.assert_array_equal(selene_array, kipoi_array)
    assert selene_windows[0].shape == (4, 3000) and selene_windows[1].shape == (4, 2000)
    assert selene_windows[0].sum() > 0


# --------------------------------------------------------------------------- sampler


def test_training_batches_pack_cell_line_blocks_with_their_support_sets(sampler):
    inputs, targets = sampler.sample(16)
    assert inputs.dtype == np.float32 and inputs.shape[1:] == (200 + 150 + 1, 4)
    packed = packing.unpack_inputs(torch.Tensor(inputs).transpose(1, 2), 200, 150)
    q = packed.n_query
    assert targets.shape == (q, 2) and 0 < q <= 16
    np.testing.assert_array_equal(targets[:, 1], packed.cell.numpy())
    train = sampler.frames["train"]
    assert set(targets[:, 0]) <= {0.0, 1.0}
    for block in packed.block.unique():
        assert len(packed.cell[packed.block == block].unique()) == 1  # cell-line-pure block
    assert packed.block.max() <= 3
    support_cells = packed.support_cell.tolist()
    for cell in packed.cell.unique().tolist():
        expected = min(5, int((train["cell_line"] == CELLS[cell]).sum()))
        assert support_cells.count(cell) == expected
    assert len(packed.cell.unique()) > 1  # the batch mixes cell lines across blocks
    assert packed.epoch == 0
    # one-hot rows: every position of a window is one base or N (zeros)
    column_sums = packed.enhancer.sum(dim=1)
    assert set(column_sums.unique().tolist()) <= {0.0, 1.0}


def test_epochs_cover_every_training_pair_once_and_repeat_with_the_seed(sampler):
    # chr3 training split: cellA 9, cellB 7, cellC 7 labelled pairs -> 3 + 2 + 2 blocks of 4
    epoch = [sampler.sample(16) for _ in range(2)]
    assert sampler.epoch == 0
    queries = sum(len(targets) for _, targets in epoch)
    assert queries == int((sampler.frames["train"]["label"] >= 0).sum()) == 23
    third, _ = sampler.sample(16)
    assert sampler.epoch == 1
    assert packing.unpack_inputs(torch.Tensor(third).transpose(1, 2), 200, 150).epoch == 1
    again = selene.PrismPairSampler(
        str(EXAMPLE_PAIRS), str(EXAMPLE_FASTA), validation_holdout=["chr1"],
        test_holdout=["chr2"], train_cell_lines=CELLS, enhancer_length=200, promoter_length=150,
        support_size=5, seed=3,
    )  # fmt: skip
    for inputs, targets in epoch:
        repeat_inputs, repeat_targets = again.sample(16)
        np.testing.assert_array_equal(inputs, repeat_inputs)
        np.testing.assert_array_equal(targets, repeat_targets)


def test_validation_and_test_sets_hold_every_labelled_pair_once(sampler):
    for mode, chrom in (("validate", "chr1"), ("test", "chr2")):
        batches, labels = sampler.get_data_and_targets(8, mode=mode)
        frame = sampler.frames[mode]
        assert set(frame["enhancer_chrom"]) == {chrom}
        assert labels.shape == (int((frame["label"] >= 0).sum()), 1)
        assert labels.sum() == frame["label"].clip(lower=0).sum()
        assert all(len(targets) <= 8 for _, targets in batches)
        np.testing.assert_array_equal(np.concatenate([t[:, :1] for _, t in batches]), labels)
    batches, labels = sampler.get_validation_set(8, n_samples=5)
    assert len(labels) == 5 and sampler.mode == "validate"
    assert sampler.get_feature_from_index(0) == "interaction"


def test_save_dataset_writes_the_sampled_pairs(tmp_path):
    sampler = selene.PrismPairSampler(
        str(EXAMPLE_PAIRS), str(EXAMPLE_FASTA), validation_holdout=["chr1"],
        enhancer_length=200, promoter_length=150, save_datasets=["train", "validate"],
        output_dir=str(tmp_path),
    )  # fmt: skip
    _, targets = sampler.sample(64)  # chr2 and chr3: one batch of 13 + 10 + 11 pairs
    sampler.save_dataset_to_file("train", close_filehandle=True)
    saved = pd.read_csv(tmp_path / "train_pairs.bedpe", sep="\t")
    assert len(saved) == len(targets) == 34
    assert set(saved["#enhancer_chrom"]) == {"chr2", "chr3"}
    sampler.get_validation_set(64)
    assert len(pd.read_csv(tmp_path / "validate_pairs.bedpe", sep="\t")) == 14


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"validation_holdout": []}, "sampler.validation_holdout: name the held-out chromosome"),
        ({"validation_holdout": ["chr9"]}, "sampler.validation_holdout: chr9 not found among"),
        ({"split_by": "cell_line", "validation_holdout": ["cellD"]}, "cellD not found among"),
        ({"split_by": "random"}, "sampler.split_by: 'random' is not one of"),
        ({"train_cell_lines": ["cellA", "cellB"]}, "the training split holds the cell lines"),
        ({"blocks_per_batch": 0}, "sampler.blocks_per_batch: expected a positive integer"),
        ({"save_datasets": ["test"]}, "save_datasets needs an output_dir"),
        ({"features": ["a", "b"]}, "expected one feature name"),
    ],
)
def test_sampler_names_bad_settings(changes, message):
    settings = dict(
        pairs=str(EXAMPLE_PAIRS), genome=str(EXAMPLE_FASTA), validation_holdout=["chr1"],
        enhancer_length=200, promoter_length=150,
    )  # fmt: skip
    with pytest.raises(PrismInputError, match=re.escape(message)):
        selene.PrismPairSampler(**{**settings, **changes})


def test_splits_hold_out_a_pair_by_either_element_and_number_training_cell_lines_first():
    frame = pd.DataFrame({"enhancer_chrom": ["chr1", "chr2", "chr3"],
                          "promoter_chrom": ["chr2", "chr3", "chr3"],
                          "cell_line": ["b", "a", "c"]})  # fmt: skip
    by_chromosome = splits.holdout_mask(frame, "chromosome", ["chr2"], "test_holdout", "t")
    assert by_chromosome.tolist() == [True, True, False]
    by_cell_line = splits.holdout_mask(frame, "cell_line", ["c"], "test_holdout", "t")
    assert by_cell_line.tolist() == [False, False, True]
    frames = {"train": frame.iloc[:2], "validate": frame.iloc[2:]}
    assert splits.cell_vocabulary(frames, None, "t") == ["a", "b", "c"]
    assert splits.cell_vocabulary(frames, ["b", "a"], "t") == ["b", "a", "c"]
    assert splits.names("chr1") == ["chr1"] and splits.names(None) == []
    # Simulated pairs lie on sequences named by region; their real chromosomes decide.
    simulated = frame.assign(enhancer_chrom=["chr1_5_9", "chr2_5_9", "chr3_5_9"],
                             promoter_chrom=["chr2_1_4", "chr3_1_4", "chr3_2_4"],
                             original_enhancer_chrom=["chr1", "chr2", "chr3"],
                             original_promoter_chrom=["chr2", "chr3", "chr3"])  # fmt: skip
    by_original = splits.holdout_mask(simulated, "chromosome", ["chr2"], "test_holdout", "t")
    assert by_original.tolist() == [True, True, False]


def test_sampler_refuses_a_batch_it_cannot_split_and_a_missing_test_split():
    sampler = selene.PrismPairSampler(
        str(EXAMPLE_PAIRS), str(EXAMPLE_FASTA), validation_holdout=["chr1"],
        enhancer_length=200, promoter_length=150,
    )  # fmt: skip
    assert sampler.modes == ["train", "validate"]
    with pytest.raises(PrismInputError, match="batch_size 10 is not a multiple of"):
        sampler.sample(10)
    with pytest.raises(PrismInputError, match="no test split"):
        sampler.get_test_set(16)
    sampler.sample(16)
    with pytest.raises(PrismInputError, match="batch size changed from 16 to 32"):
        sampler.sample(32)
