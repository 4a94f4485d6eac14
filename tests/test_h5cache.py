"""The HDF5 window cache (kipoi_prism.training.h5cache): content, fingerprint, rebuilds."""

from __future__ import annotations

import os
import pickle

import h5py
import numpy as np
import pytest
from toy_training import make_toy

from kipoi_prism.io.encode import PairEncoder
from kipoi_prism.io.genome import Genome
from kipoi_prism.training import h5cache
from kipoi_prism.training.h5cache import H5Windows, fingerprint, open_cache


@pytest.fixture(scope="module")
def toy(tmp_path_factory):
    return make_toy(tmp_path_factory.mktemp("toy"), per_cell=12)


@pytest.fixture
def encoder(toy):
    return PairEncoder(Genome(toy[0]), 200, 150)


def splits(frame):
    return {"train": frame.iloc[:24].reset_index(drop=True),
            "val": frame.iloc[24:].reset_index(drop=True)}  # fmt: skip


def test_cache_content_equals_the_encoder_output(toy, encoder, tmp_path):
    _, frame = toy
    parts = splits(frame)
    caches = open_cache(tmp_path / "w.h5", parts, encoder)
    for name, rows in parts.items():
        positions = np.array([3, 0, 3, len(rows) - 1, 1])  # any order, repeats allowed
        cached = caches[name].encode(positions)
        fresh = encoder.encode(rows.iloc[positions])
        assert cached.enhancer.dtype == fresh.enhancer.dtype == np.float32
        np.testing.assert_array_equal(cached.enhancer, fresh.enhancer)
        np.testing.assert_array_equal(cached.promoter, fresh.promoter)
    with h5py.File(tmp_path / "w.h5") as handle:
        stored = handle["val"]["promoter"][()]
        assert stored.shape == (12, 150) and stored.dtype == np.uint8
        np.testing.assert_array_equal(stored, encoder.fetch_array(parts["val"], "promoter"))
        assert handle["train"].attrs["fingerprint"] == fingerprint(parts["train"], encoder)


def test_fingerprint_follows_the_table_widths_and_genome(toy, tmp_path):
    genome_path, frame = toy
    encoder = PairEncoder(Genome(genome_path), 200, 150)
    base = fingerprint(frame, encoder)
    assert fingerprint(frame.copy(), encoder) == base
    assert fingerprint(frame.assign(name="renamed", label=0), encoder) == base  # not windows
    moved = frame.copy()
    moved.loc[5, "promoter_start"] += 1
    assert fingerprint(moved, encoder) != base
    assert fingerprint(frame.iloc[::-1], encoder) != base  # row order is part of the identity
    assert fingerprint(frame.iloc[:-1], encoder) != base
    assert fingerprint(frame, PairEncoder(Genome(genome_path), 200, 151)) != base
    copy = tmp_path / "genome.fa"
    copy.write_bytes(genome_path.read_bytes())
    other = fingerprint(frame, PairEncoder(Genome(copy), 200, 150))
    assert other != base  # another file
    stat = copy.stat()
    os.utime(copy, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    assert fingerprint(frame, PairEncoder(Genome(copy), 200, 150)) != other  # touched


def test_reused_while_fingerprints_match_rebuilt_when_they_differ(toy, encoder, tmp_path):
    _, frame = toy
    path = tmp_path / "w.h5"
    open_cache(path, splits(frame), encoder)
    inode = path.stat().st_ino
    open_cache(path, splits(frame), encoder)
    assert path.stat().st_ino == inode  # reused, not rewritten
    changed = splits(frame)
    changed["val"] = changed["val"].iloc[::-1].reset_index(drop=True)
    caches = open_cache(path, changed, encoder)
    assert path.stat().st_ino != inode  # rebuilt (a new file renamed into place)
    fresh = encoder.encode(changed["val"].iloc[[0]])
    np.testing.assert_array_equal(caches["val"].encode(np.array([0])).enhancer, fresh.enhancer)
    inode = path.stat().st_ino
    open_cache(path, {**changed, "test": frame.iloc[:3]}, encoder)  # a split it lacks
    assert path.stat().st_ino != inode
    with h5py.File(path) as handle:
        assert sorted(handle) == ["test", "train", "val"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["w.h5"]  # no temporary file


def test_a_failed_build_keeps_the_old_cache(toy, encoder, tmp_path, monkeypatch):
    _, frame = toy
    path = tmp_path / "w.h5"
    open_cache(path, splits(frame), encoder)
    before = path.read_bytes()

    def failing(group, rows, encoder):
        raise OSError("disk full")

    monkeypatch.setattr(h5cache, "_write_split", failing)
    with pytest.raises(OSError, match="disk full"):
        open_cache(path, {"train": frame.iloc[:5]}, encoder)
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["w.h5"]


def test_readers_pickle_without_their_maps(toy, encoder, tmp_path):
    _, frame = toy
    reader = open_cache(tmp_path / "w.h5", {"train": frame}, encoder)["train"]
    expected = reader.encode(np.array([2, 1])).promoter
    copy = pickle.loads(pickle.dumps(reader))
    assert isinstance(copy, H5Windows) and copy._arrays is None
    np.testing.assert_array_equal(copy.encode(np.array([2, 1])).promoter, expected)


def test_empty_split(toy, encoder, tmp_path):
    _, frame = toy
    caches = open_cache(tmp_path / "w.h5", {"train": frame, "val": frame.iloc[:0]}, encoder)
    assert caches["val"].encode(np.array([], dtype=np.int64)).enhancer.shape == (0, 4, 200)
