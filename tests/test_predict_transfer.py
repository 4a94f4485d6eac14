"""``Predictor(encode_on_device=...)``: batches travel as uint8 bases and are one-hot encoded
where the model runs; inputs, and so scores, are identical to the float32 path."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import torch
from predict_helpers import make_pairs, single_thread, tiny_weights  # noqa: F401

from kipoi_prism.config import InferenceConfig
from kipoi_prism.inference import FilePairSource, Predictor, one_hot_on
from kipoi_prism.io.genome import Genome
from kipoi_prism.io.sequence import byte_one_hot_table, one_hot_encode, one_hot_encode_array
from kipoi_prism.model.weights import load_weights

pytestmark = pytest.mark.usefixtures("single_thread")

SCORES = ["probability", "call", "U_I", "R_E", "lam", "T"]


def every_byte(rows: int = 3) -> np.ndarray:
    rng = np.random.default_rng(0)
    bases = rng.integers(0, 256, (rows, 300), dtype=np.uint8)
    bases[0, :256] = np.arange(256)
    return bases


def test_byte_one_hot_table_is_the_encoding():
    table = byte_one_hot_table()
    assert table.shape == (256, 4) and table.dtype == np.float32
    for byte in range(256):
        np.testing.assert_array_equal(table[byte], one_hot_encode(bytes([byte]))[:, 0])


def test_one_hot_on_the_cpu_equals_the_numpy_encoding():
    bases = every_byte()
    got = one_hot_on(torch.device("cpu"), torch.from_numpy(bases))
    assert got.dtype == torch.float32 and got.shape == (3, 4, 300) and got.is_contiguous()
    assert got.numpy().tobytes() == one_hot_encode_array(bases).tobytes()


def scored(pairs, genome, weights, device="cpu", **options) -> pd.DataFrame:
    batch_size = options.pop("batch_size", 64)
    bundle = load_weights(weights, map_location=device)
    predictor = Predictor(
        bundle, Genome(genome), InferenceConfig(batch_size=batch_size), device=device, **options
    )
    _, batches = predictor.predict(FilePairSource(pairs))
    return pd.concat(list(batches), ignore_index=True)


def test_the_default_is_off_on_the_cpu(small_genome, weights):
    assert not Predictor(load_weights(weights), Genome(small_genome)).encode_on_device


@pytest.mark.parametrize(("batch_size", "num_workers"), [(64, 0), (7, 0), (5, 2)])
def test_bases_in_batches_give_identical_scores(
    pairs_file, small_genome, weights, batch_size, num_workers
):
    # the same batches on both sides: the CPU's matrix kernels may round a batch of 7
    # differently from a batch of 64 in the last bit, which is not what this test is about
    one_hot = scored(
        pairs_file, small_genome, weights, encode_on_device=False, batch_size=batch_size
    )
    bases = scored(
        pairs_file,
        small_genome,
        weights,
        encode_on_device=True,
        batch_size=batch_size,
        num_workers=num_workers,
    )
    assert list(bases["name"]) == list(one_hot["name"])
    for column in SCORES:
        np.testing.assert_array_equal(bases[column], one_hot[column])


@pytest.mark.gpu
def test_one_hot_on_the_gpu_equals_the_numpy_encoding():
    bases = every_byte()
    got = one_hot_on(torch.device("cuda"), torch.from_numpy(bases))
    assert got.device.type == "cuda"
    assert got.cpu().numpy().tobytes() == one_hot_encode_array(bases).tobytes()


@pytest.mark.gpu
def test_gpu_scores_do_not_depend_on_where_windows_are_encoded(pairs_file, small_genome, weights):
    on_device = scored(pairs_file, small_genome, weights, "cuda", num_workers=2)
    on_host = scored(pairs_file, small_genome, weights, "cuda", encode_on_device=False)
    for column in SCORES:
        np.testing.assert_allclose(on_device[column], on_host[column], rtol=0, atol=1e-6)
