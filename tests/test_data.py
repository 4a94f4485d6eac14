"""Splits, the cell-line block sampler and training datasets (the cache: test_h5cache.py)."""

from __future__ import annotations

from collections import Counter

import numpy as np
import pandas as pd
import pytest
import torch
from torch.utils.data import DataLoader
from toy_training import make_toy, tiny_model

from kipoi_prism.config import SplitConfig
from kipoi_prism.errors import PrismInputError
from kipoi_prism.io.encode import PairEncoder
from kipoi_prism.io.genome import Genome
from kipoi_prism.io.inputs import WindowSource
from kipoi_prism.training.datasets import (
    BlockBatchDataset,
    CellLineBlockSampler,
    ChunkSampler,
    PairRowsDataset,
    check_labelled,
    seed_worker,
    support_windows,
)
from kipoi_prism.training.h5cache import open_cache
from kipoi_prism.training.split import split_pairs


@pytest.fixture(scope="module")
def toy(tmp_path_factory):
    folder = tmp_path_factory.mktemp("toy")
    return make_toy(folder, per_cell=30)


def _table(cells: dict[str, int], unlabelled: int = 0) -> pd.DataFrame:
    rows = []
    for cell, n in cells.items():
        for i in range(n):
            rows.append({"name": f"{cell}_{i}", "cell_line": cell, "label": i % 2})
    for i in range(unlabelled):
        rows.append({"name": f"u_{i}", "cell_line": "A", "label": -1})
    return pd.DataFrame(rows)


def _sampler(frame, **changes):
    values = dict(blocks_per_batch=3, block_size=4, support_size=5, seed=0)
    values.update(changes)
    return CellLineBlockSampler(frame, sorted(frame["cell_line"].unique()), **values)


# --------------------------------------------------------------------------- splits


def test_split_by_cell_line_and_exclude(toy):
    _, frame = toy
    train, val = split_pairs(frame, SplitConfig(by="cell_line", val=["B"], exclude=["C"]))
    assert train["name"].tolist() == [f"A_{i}" for i in range(30)]
    assert val["name"].tolist() == [f"B_{i}" for i in range(30)]
    assert train.index.tolist() == list(range(30))  # index reset


def _chromosomes() -> pd.DataFrame:
    return pd.DataFrame({"name": ["p0", "p1", "p2", "p3"],
                         "enhancer_chrom": ["chr1", "chr2", "chr1", "chr3"],
                         "promoter_chrom": ["chr1", "chr2", "chr2", "chr3"],
                         "original_enhancer_chrom": ["chr9", "chr9", "chr8", "chr7"],
                         "cell_line": "A", "label": 1})  # fmt: skip


def test_split_by_chromosome_sends_mixed_pairs_to_validation():
    train, val = split_pairs(_chromosomes(), SplitConfig(by="chromosome", val=["chr2"]))
    assert train["name"].tolist() == ["p0", "p3"] and val["name"].tolist() == ["p1", "p2"]
    split = SplitConfig(by="chromosome", val=["chr2"], exclude=["chr3"])
    train, val = split_pairs(_chromosomes(), split)
    assert train["name"].tolist() == ["p0"] and val["name"].tolist() == ["p1", "p2"]


def test_split_on_named_columns_as_the_benchmark_does():
    split = SplitConfig(by="chromosome", val=["chr9"])
    frame = _chromosomes()
    train, val = split_pairs(frame, split, columns=["original_enhancer_chrom"], require_both=True)
    assert train["name"].tolist() == ["p2", "p3"] and val["name"].tolist() == ["p0", "p1"]
    everything = SplitConfig(by="chromosome", val=["chr7", "chr8", "chr9"])
    with pytest.raises(
        ValueError, match=r"validation chromosomes \('chr7', 'chr8', 'chr9'\) leave"
    ):
        split_pairs(frame, everything, columns=["original_enhancer_chrom"], require_both=True)
    # Without require_both (kipoi-prism train) an empty training split is left to
    # check_labelled, which names the split.
    train, val = split_pairs(frame, everything, columns=["original_enhancer_chrom"])
    assert train.empty and len(val) == 4


def test_split_names_unknown_values(toy):
    _, frame = toy
    with pytest.raises(PrismInputError, match=r"data.split.val: Z not found .*A, B, C"):
        split_pairs(frame, SplitConfig(val=["Z"]), "pairs.bedpe")
    with pytest.raises(PrismInputError, match=r"data.split.exclude: chr5 not found among the "
                       r"chromosome values of the pairs \(chr1, chr2, chr3\)"):  # fmt: skip
        split_pairs(frame, SplitConfig(by="chromosome", val=["chr1"], exclude=["chr5"]))


def test_check_labelled_needs_both_classes():
    with pytest.raises(PrismInputError, match="0 negatives and 2 positives"):
        check_labelled(pd.DataFrame({"label": [1, 1, -1]}), "validation")


# --------------------------------------------------------------------------- sampler


def test_every_labelled_pair_is_a_query_once_per_epoch_in_pure_blocks():
    frame = _table({"A": 13, "B": 9, "C": 4}, unlabelled=3)
    sampler = _sampler(frame)
    plans = list(sampler)
    queries = np.concatenate([rows for plan in plans for _, rows in plan.blocks])
    assert sorted(queries.tolist()) == list(range(26))  # unlabelled rows 26-28 never queried
    for plan in plans:
        for cell, rows in plan.blocks:
            assert set(frame["cell_line"].iloc[rows]) == {sampler.cell_lines[cell]}
            assert len(rows) <= 4
        assert [c for c, _ in plan.support] == list(dict.fromkeys(c for c, _ in plan.blocks))
    assert len(plans) == len(sampler) == 3  # ceil((4 + 3 + 1) blocks / 3)


def test_batches_mix_cell_lines_when_possible():
    frame = _table({"A": 40, "B": 40, "C": 40})
    for plan in _sampler(frame):
        cells = [c for c, _ in plan.blocks]
        assert len(set(cells)) == len(cells) == 3


def test_support_sets_are_per_cell_line_seeded_and_include_unlabelled():
    frame = _table({"A": 12, "B": 12}, unlabelled=20)
    sampler = _sampler(frame, support_size=6)
    plan = next(iter(sampler))
    for cell, rows in plan.support:
        assert len(rows) == 6
        assert set(frame["cell_line"].iloc[rows]) == {sampler.cell_lines[cell]}
    support_a = {tuple(r) for p in sampler.plans(0) for c, r in p.support if c == 0}
    assert len(support_a) == 1  # one support set per cell line and epoch
    other_epoch = {tuple(r) for p in sampler.plans(1) for c, r in p.support if c == 0}
    assert support_a != other_epoch


def test_same_seed_same_plans_other_epoch_other_plans():
    frame = _table({"A": 20, "B": 20})
    first, second = _sampler(frame).plans(0), _sampler(frame).plans(0)
    flat = lambda plans: [r.tolist() for p in plans for _, r in p.blocks]  # noqa: E731
    assert flat(first) == flat(second)
    assert flat(first) != flat(_sampler(frame).plans(1))
    assert flat(first) != flat(_sampler(frame, seed=1).plans(0))


def test_distributed_ranks_get_disjoint_equal_shares():
    frame = _table({"A": 30, "B": 25, "C": 17})  # 8 + 7 + 5 blocks: 7 batches of 3
    whole = _sampler(frame).plans(0)
    ranks = [list(_sampler(frame, rank=r, world_size=2)) for r in range(2)]
    assert len(ranks[0]) == len(ranks[1]) == len(whole) // 2
    seen = Counter(q for plans in ranks for p in plans for _, rows in p.blocks for q in rows)
    assert max(seen.values()) == 1
    dropped = sum(len(rows) for p in whole[2 * len(ranks[0]) :] for _, rows in p.blocks)
    assert len(whole) == 7 and len(ranks[0]) == 3 and dropped > 0
    assert len(seen) == 72 - dropped


def test_too_few_pairs_for_the_processes_is_an_input_error():
    with pytest.raises(PrismInputError, match="too few training pairs for 4 process"):
        _sampler(_table({"A": 4}), world_size=4)


def test_resume_skips_the_batches_already_done():
    frame = _table({"A": 20, "B": 20})
    sampler = _sampler(frame)
    sampler.set_epoch(1)
    full = [p.index for p in sampler]
    sampler.resume(1, 2)
    assert [p.index for p in sampler] == full[2:]
    assert [p.index for p in sampler] == full  # the skip applies once
    sampler.resume(0, 2)
    assert [p.index for p in sampler] == full  # another epoch: nothing skipped


# --------------------------------------------------------------------------- datasets


def _source(toy, cache=None):
    genome_path, frame = toy
    config = tiny_model()
    return WindowSource(frame, Genome(genome_path), config.enhancer_length,
                        config.promoter_length, cache)  # fmt: skip


def test_block_batch_layout_and_values(toy):
    source = _source(toy)
    frame = source.frame
    sampler = _sampler(frame)
    plan = next(iter(sampler))
    item = BlockBatchDataset(source)[plan]
    n, s = plan.n_query, sum(len(r) for _, r in plan.support)
    assert item["enhancer"].shape == (n + s, 4, 200) and item["promoter"].shape == (n + s, 4, 150)
    assert item["enhancer"].dtype == np.float32 and item["n_query"] == n
    query = np.concatenate([r for _, r in plan.blocks])
    expected = source.encoder.encode(frame.iloc[query])
    np.testing.assert_array_equal(item["enhancer"][:n], expected.enhancer)
    np.testing.assert_array_equal(item["label"], frame["label"].to_numpy(np.float32)[query])
    assert item["support_cell"].tolist() == [c for c, r in plan.support for _ in r]


def test_loader_workers_give_the_same_batches(toy):
    source = _source(toy)
    dataset = BlockBatchDataset(source)
    batches = {}
    for workers in (0, 2):
        loader = DataLoader(dataset, sampler=_sampler(source.frame), batch_size=None,
                            num_workers=workers, worker_init_fn=seed_worker)  # fmt: skip
        batches[workers] = list(loader)
    assert len(batches[0]) == len(batches[2])
    for a, b in zip(batches[0], batches[2], strict=True):
        assert torch.equal(a["enhancer"], b["enhancer"]) and torch.equal(a["row"], b["row"])


def test_chunk_sampler_covers_rows_once_across_ranks():
    positions = np.arange(10)
    chunks = [list(ChunkSampler(positions, 3, r, 2)) for r in range(2)]
    rows = sorted(int(x) for rank in chunks for chunk in rank for x in chunk)
    assert rows == list(range(10)) and len(chunks[0]) == 2 and len(chunks[1]) == 2


def test_rows_dataset_and_support_windows(toy):
    source = _source(toy)
    cells = ["A", "B", "C"]
    item = PairRowsDataset(source, cells)[np.array([0, 45])]
    assert item["cell"].tolist() == [0, 1] and item["enhancer"].shape == (2, 4, 200)
    support = support_windows(source, cells, size=4, seed=0)
    assert sorted(support) == [0, 1, 2] and len(support[2]) == 4


# --------------------------------------------------------------------------- h5 cache


def test_block_dataset_reads_the_same_from_cache(toy, tmp_path):
    genome_path, frame = toy
    encoder = PairEncoder(Genome(genome_path), 200, 150)
    cache = open_cache(tmp_path / "c.h5", {"train": frame}, encoder)["train"]
    plan = next(iter(_sampler(frame)))
    plain = BlockBatchDataset(_source(toy))[plan]
    cached = BlockBatchDataset(_source(toy, cache))[plan]
    np.testing.assert_array_equal(plain["enhancer"], cached["enhancer"])
    np.testing.assert_array_equal(plain["promoter"], cached["promoter"])


def test_feature_source_rows_and_errors():
    from kipoi_prism.io.inputs import FeatureSource

    frame = pd.DataFrame({"a": [1.0, 2.0], "b": [3.0, 4.0], "c": ["5", "x"], "line": [7, 8]})
    source = FeatureSource(frame, ["a", "b"], ["a"])
    rows = source.encode(np.array([1, 0]))
    assert rows.enhancer.tolist() == [[2.0, 4.0], [1.0, 3.0]] and rows.promoter.dtype == np.float32
    with pytest.raises(PrismInputError, match=r"promoter feature columns \['z'\] not in"):
        FeatureSource(frame, ["a"], ["z"])
    with pytest.raises(PrismInputError, match=r"line 8: enhancer feature 'c' is not a finite"):
        FeatureSource(frame, ["c"], ["a"])
