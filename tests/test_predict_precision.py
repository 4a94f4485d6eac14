"""``predict --precision``: opt-in bfloat16 / float16 autocast for the scoring forward passes."""

from __future__ import annotations

import h5py
import numpy as np
import pandas as pd
import pytest
import torch
from predict_helpers import make_pairs, single_thread, tiny_weights  # noqa: F401

from kipoi_prism.cli.main import main
from kipoi_prism.config import InferenceConfig
from kipoi_prism.errors import PrismInputError
from kipoi_prism.inference import FilePairSource, Predictor, autocast
from kipoi_prism.io.genome import Genome
from kipoi_prism.model.weights import load_weights

pytestmark = pytest.mark.usefixtures("single_thread")

SCORES = ["probability", "U_I", "R_E", "lam", "T"]


def scored(pairs, genome, weights, precision, device="cpu", batch_size=64) -> pd.DataFrame:
    bundle = load_weights(weights, map_location=device)
    predictor = Predictor(
        bundle,
        Genome(genome),
        InferenceConfig(batch_size=batch_size),
        device=device,
        precision=precision,
    )
    _, batches = predictor.predict(FilePairSource(pairs))
    return pd.concat(list(batches), ignore_index=True)


@pytest.mark.parametrize("precision", ["bf16", "fp16"])
def test_cpu_autocast_stays_within_1e3_of_float32(pairs_file, small_genome, weights, precision):
    exact = scored(pairs_file, small_genome, weights, "fp32")
    lower = scored(pairs_file, small_genome, weights, precision)
    assert list(lower["name"]) == list(exact["name"])
    for column in SCORES:
        assert lower[column].dtype == np.float32
    difference = np.abs(lower["probability"] - exact["probability"]).max()
    assert difference <= 1e-3
    assert difference > 0  # autocast really ran in the lower precision


def test_fp32_is_the_default_and_exact(pairs_file, small_genome, weights):
    bundle = load_weights(weights)
    predictor = Predictor(bundle, Genome(small_genome))
    assert predictor.precision == "fp32"
    _, batches = predictor.predict(FilePairSource(pairs_file))
    default = pd.concat(list(batches), ignore_index=True)
    explicit = scored(pairs_file, small_genome, weights, "fp32")
    for column in SCORES:
        np.testing.assert_array_equal(default[column], explicit[column])


def test_autocast_context():
    assert not torch.is_autocast_enabled("cpu")
    with autocast(torch.device("cpu"), "bf16"):
        assert torch.is_autocast_enabled("cpu")
        assert torch.get_autocast_dtype("cpu") == torch.bfloat16
    with autocast(torch.device("cpu"), "fp32"):
        assert not torch.is_autocast_enabled("cpu")


def test_unknown_precision_is_a_named_error(small_genome, weights):
    with pytest.raises(PrismInputError, match="--precision: 'fp8' is not one of fp32, bf16, fp16"):
        Predictor(load_weights(weights), Genome(small_genome), precision="fp8")
    with pytest.raises(PrismInputError, match="--precision: 'half'"):
        autocast(torch.device("cpu"), "half")


def test_cli_precision_option_and_h5_attribute(tmp_path, pairs_file, small_genome, weights):
    out = tmp_path / "scores.h5"
    status = main(
        [
            "-q",
            "predict",
            "--pairs",
            str(pairs_file),
            "--fasta",
            str(small_genome),
            "--weights",
            str(weights),
            "--out",
            str(out),
            "--device",
            "cpu",
            "--precision",
            "bf16",
        ]
    )
    assert status == 0
    with h5py.File(out, "r") as handle:
        assert handle.attrs["precision"] == "bf16"
        probabilities = handle["probability"][()]
    exact = scored(pairs_file, small_genome, weights, "fp32")
    assert np.abs(probabilities - exact["probability"].to_numpy()).max() <= 1e-3


def test_cli_rejects_an_unknown_precision(tmp_path, pairs_file, small_genome, weights, capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(
            [
                "predict",
                "--pairs",
                str(pairs_file),
                "--fasta",
                str(small_genome),
                "--weights",
                str(weights),
                "--out",
                str(tmp_path / "x.tsv"),
                "--precision",
                "fp8",
            ]
        )
    assert exit_info.value.code == 2
    assert "invalid choice: 'fp8'" in capsys.readouterr().err


@pytest.mark.gpu
@pytest.mark.parametrize("precision", ["bf16", "fp16"])
def test_gpu_autocast_stays_within_1e3_of_cpu_float32(pairs_file, small_genome, weights, precision):
    exact = scored(pairs_file, small_genome, weights, "fp32")
    for batch_size in (1, 7, 64):
        lower = scored(pairs_file, small_genome, weights, precision, "cuda", batch_size)
        assert np.abs(lower["probability"] - exact["probability"]).max() <= 1e-3
