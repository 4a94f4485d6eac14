"""Training-time sequence augmentation: reverse complement and shifts of training windows."""

from __future__ import annotations

import numpy as np
import pytest
from toy_training import quiet_trainer, tiny_model, tiny_train, toy_split_run

from kipoi_prism.config import ModelConfig, TrainConfig, load_config
from kipoi_prism.errors import PrismInputError
from kipoi_prism.io.genome import Genome
from kipoi_prism.io.inputs import make_source
from kipoi_prism.io.sequence import one_hot_encode, one_hot_encode_batch
from kipoi_prism.io.sequence import reverse_complement as reverse_complement_bases
from kipoi_prism.training.augment import Augmenter, reverse_complement, shift
from kipoi_prism.training.datasets import BlockBatchDataset, CellLineBlockSampler
from kipoi_prism.training.fit import fit

SEQUENCES = ["ACGTTGCANNAGGCT", "GGGGCCCCAATTNAC"]


@pytest.fixture(scope="module")
def toy(tmp_path_factory):
    return toy_split_run(tmp_path_factory.mktemp("toy"))


@pytest.fixture(scope="module")
def plans_and_source(toy):
    _, genome, train, _ = toy
    config = tiny_train()
    cells = sorted(train["cell_line"].unique())
    sampler = CellLineBlockSampler(train, cells, config.blocks_per_batch, config.block_size,
                                   config.support_size, config.seed)  # fmt: skip
    source = make_source(train.reset_index(drop=True), tiny_model(), Genome(genome))
    return sampler.plans(0), source


# --------------------------------------------------------------------------- pure functions


def test_reverse_complement_is_the_encoded_reverse_complement_and_twice_identity():
    onehot = one_hot_encode_batch(SEQUENCES)
    flipped = reverse_complement(onehot)
    expected = one_hot_encode_batch([reverse_complement_bases(s) for s in SEQUENCES])
    assert flipped.dtype == np.float32 and flipped.shape == onehot.shape
    np.testing.assert_array_equal(flipped, expected)
    np.testing.assert_array_equal(reverse_complement(flipped), onehot)
    assert not np.shares_memory(flipped, onehot)


def test_shift_moves_bases_and_pads_with_n():
    onehot = one_hot_encode_batch(SEQUENCES)
    moved = shift(onehot, np.array([2, -3]))
    assert moved.shape == onehot.shape and moved.dtype == np.float32
    np.testing.assert_array_equal(moved[0], one_hot_encode("NN" + SEQUENCES[0][:-2]))
    np.testing.assert_array_equal(moved[1], one_hot_encode(SEQUENCES[1][3:] + "NNN"))
    np.testing.assert_array_equal(shift(onehot, np.zeros(2, int)), onehot)
    assert not shift(onehot, np.array([15, -20])).any()


# --------------------------------------------------------------------------- the augmenter


def _augmenter(rc: bool = True, max_shift: int = 5, seed: int = 0) -> Augmenter:
    train = TrainConfig(reverse_complement=rc, max_shift=max_shift, seed=seed)
    return Augmenter.from_config(train, tiny_model())


def test_reverse_complement_flips_both_windows_of_a_pair_together(plans_and_source):
    plans, source = plans_and_source
    plain = BlockBatchDataset(source)[plans[0]]
    item = BlockBatchDataset(source, _augmenter(max_shift=0))[plans[0]]
    q = plain["n_query"]
    flipped = []
    for i in range(q):
        same = [np.array_equal(item[k][i], plain[k][i]) for k in ("enhancer", "promoter")]
        rc = [np.array_equal(item[k][i], reverse_complement(plain[k][i]))
              for k in ("enhancer", "promoter")]  # fmt: skip
        assert all(same) or all(rc)
        flipped.append(not all(same))
    assert 0 < sum(flipped) < q
    for key in ("enhancer", "promoter"):  # support rows as they are
        np.testing.assert_array_equal(item[key][q:], plain[key][q:])


def test_shifts_move_each_window_within_max_shift(plans_and_source):
    plans, source = plans_and_source
    plain = BlockBatchDataset(source)[plans[1]]
    item = BlockBatchDataset(source, _augmenter(rc=False, max_shift=5))[plans[1]]
    q = plain["n_query"]
    offsets = []
    for key in ("enhancer", "promoter"):
        for i in range(q):
            hits = [s for s in range(-5, 6)
                    if np.array_equal(shift(plain[key][i : i + 1], np.array([s]))[0],
                                      item[key][i])]  # fmt: skip
            assert hits, (key, i)
            offsets.append(hits[0])
        np.testing.assert_array_equal(item[key][q:], plain[key][q:])
    assert len(set(offsets)) > 3


def test_labels_and_shapes_kept_and_seeds_reproduce_in_any_order(plans_and_source):
    plans, source = plans_and_source
    dataset = BlockBatchDataset(source, _augmenter())
    forward = [dataset[p] for p in plans[:3]]
    backward = [dataset[p] for p in reversed(plans[:3])][::-1]  # as another worker would
    plain = BlockBatchDataset(source)[plans[0]]
    for key in plain:
        np.testing.assert_array_equal(np.shape(forward[0][key]), np.shape(plain[key]))
        if key not in ("enhancer", "promoter"):
            np.testing.assert_array_equal(forward[0][key], plain[key])
    for a, b in zip(forward, backward, strict=True):
        np.testing.assert_array_equal(a["enhancer"], b["enhancer"])
        np.testing.assert_array_equal(a["promoter"], b["promoter"])
    other_seed = BlockBatchDataset(source, _augmenter(seed=1))[plans[0]]
    assert not np.array_equal(other_seed["enhancer"], forward[0]["enhancer"])
    assert not np.array_equal(forward[1]["enhancer"][:8], forward[0]["enhancer"][:8])


def test_defaults_leave_a_training_batch_untouched(plans_and_source):
    plans, source = plans_and_source
    assert Augmenter.from_config(TrainConfig(), ModelConfig()) is None
    item = BlockBatchDataset(source, None)[plans[0]]
    rows = np.concatenate([r for _, r in plans[0].blocks] + [r for _, r in plans[0].support])
    windows = source.encode(rows)
    np.testing.assert_array_equal(item["enhancer"], windows.enhancer)
    np.testing.assert_array_equal(item["promoter"], windows.promoter)


# --------------------------------------------------------------------------- configuration


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"max_shift": -1}, "train.max_shift: expected an integer >= 0, got -1"),
        ({"max_shift": 2.5}, "train.max_shift: expected an integer >= 0"),
        ({"reverse_complement": "yes"}, "train.reverse_complement: expected true or false"),
    ],
)
def test_bad_values_name_the_key(changes, message):
    with pytest.raises(PrismInputError, match=message):
        TrainConfig(**changes)


def test_max_shift_must_be_below_the_shorter_window():
    with pytest.raises(PrismInputError, match=r"train.max_shift: .*\(150 bp\), got 150"):
        Augmenter.from_config(TrainConfig(max_shift=150), tiny_model())


def test_set_reads_the_keys_by_type():
    config = load_config("configs/train.yaml",
                         ["train.max_shift=20", "train.reverse_complement=true"])  # fmt: skip
    assert config.train.max_shift == 20 and config.train.reverse_complement is True
    with pytest.raises(PrismInputError, match="train.max_shift"):
        load_config("configs/train.yaml", ["train.max_shift=lots"])


def test_selene_runs_refuse_the_keys():
    from kipoi_prism.integrations.selene.model import selene_train_config

    with pytest.raises(PrismInputError, match="class_args.train.max_shift: .*does not augment"):
        selene_train_config({"max_shift": 10})


# --------------------------------------------------------------------------- training runs


def test_a_run_with_both_keys_trains_and_differs_from_one_without(toy):
    folder, genome, train, val = toy
    runs = {}
    for name, changes in (("plain", {}), ("augmented", {"reverse_complement": True,
                                                        "max_shift": 20})):  # fmt: skip
        config = tiny_train(max_epochs=2, warmup_epochs=1, **changes)
        runs[name] = fit(train, val, genome, tiny_model(), config, folder / name,
                         trainer_config=quiet_trainer())  # fmt: skip
    plain, augmented = runs["plain"], runs["augmented"]
    assert augmented.epochs_run == 2 and augmented.weights_path.is_file()
    assert np.isfinite(augmented.history["train_loss"]).all()
    assert not np.allclose(plain.history["train_loss"], augmented.history["train_loss"])


def test_the_feature_backbone_refuses_augmentation_before_training(toy):
    folder, _, train, val = toy
    model = tiny_model()
    model.backbone, model.feature_dims = "features", (1, 1)
    train, val = train.assign(e0=0.0, p0=0.0), val.assign(e0=0.0, p0=0.0)
    with pytest.raises(PrismInputError, match="train.reverse_complement: .*sequence backbone"):
        fit(train, val, None, model, tiny_train(reverse_complement=True, max_shift=3),
            folder / "features", trainer_config=quiet_trainer(),
            feature_columns=(["e0"], ["p0"]))  # fmt: skip
    assert not (folder / "features" / "weights.pt").exists()
