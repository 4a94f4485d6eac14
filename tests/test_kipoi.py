"""prism-energy as a Kipoi model: dataloader, model class, numpy-2 shim, `kipoi test/predict`."""

from __future__ import annotations

import configparser
import fnmatch
import logging
import os
import shutil
import subprocess
import sys
from pathlib import Path

import h5py
import numpy as np
import pandas as pd
import pytest
from predict_helpers import make_pairs, read_tsv, single_thread, tiny_weights  # noqa: F401

from kipoi_prism.cli.main import main
from kipoi_prism.inference import predict_pairs
from kipoi_prism.integrations.kipoi.register import kipoi_source_dir
from kipoi_prism.model.weights import DEFAULT_WEIGHTS

pytestmark = pytest.mark.usefixtures("single_thread")

REPO = Path(__file__).parent.parent
MODEL_FILES = ("model.yaml", "dataloader.yaml", "dataloader.py")
EXAMPLE_PAIRS, EXAMPLE_FASTA = REPO / "example" / "pairs.bedpe", REPO / "example" / "genome.fa"
EXPECT = REPO / "example" / "expect.h5"  # model.yaml's test.expect
needs_default_weights = pytest.mark.skipif(
    not DEFAULT_WEIGHTS.is_file(), reason=f"no default weights at {DEFAULT_WEIGHTS}"
)


@pytest.mark.parametrize("name", MODEL_FILES)
def test_repository_model_directory_matches_the_packaged_one(name):
    packaged = kipoi_source_dir() / "prism-energy" / name
    assert (REPO / name).read_bytes() == packaged.read_bytes(), (
        f"{name} at the repository root differs from {packaged}; keep them identical"
    )


def test_package_data_ships_the_model_directory():
    setup = configparser.ConfigParser()
    setup.read(REPO / "setup.cfg")
    patterns = [p.strip() for p in setup["options.package_data"]["kipoi_prism"].split(",")]
    package = REPO / "kipoi_prism"
    shipped = [p.relative_to(package).as_posix() for p in kipoi_source_dir().rglob("*")]
    shipped = [p for p in shipped if (package / p).is_file() and "__pycache__" not in p]
    sequence_model = [p for p in shipped if p.split("/")[1] == "prism-energy"]
    assert sorted(p.rsplit("/", 1)[1] for p in sequence_model) == sorted(MODEL_FILES)
    for path in shipped:
        assert any(fnmatch.fnmatch(path, pattern) for pattern in patterns), path


def test_numpy_aliases_for_kipoi_h5_writer(tmp_path):
    from kipoi.writers import HDF5BatchWriter

    import kipoi_prism.integrations.kipoi.model  # noqa: F401 - applies the shim

    assert np.string_ is np.bytes_ and np.unicode_ is np.str_
    path = tmp_path / "out.h5"
    batch = {"preds": {"p": np.array([0.5, 0.25])}, "metadata": {"name": np.array(["a", "b"])}}
    HDF5BatchWriter.dump(str(path), batch)
    with h5py.File(path) as handle:
        assert handle["metadata/name"].asstr()[:].tolist() == ["a", "b"]


@pytest.fixture
def tiny(tmp_path, small_genome):
    """Tiny weights and 30 made pairs over three cell lines."""
    return {
        "weights": tiny_weights(tmp_path / "tiny.pt", seed=2),
        "pairs": make_pairs(tmp_path / "pairs.bedpe", n=30, seed=4),
        "fasta": small_genome,
    }


@pytest.fixture
def dataloader_class(monkeypatch):
    import kipoi

    monkeypatch.chdir(REPO)  # Kipoi's "dir" source is the working directory
    return kipoi.get_dataloader_factory(".", "dir")


def test_dataloader_batches_hold_one_cell_line_and_its_support_set(tiny, dataloader_class):
    loader = dataloader_class(
        pairs=str(tiny["pairs"]), fasta=str(tiny["fasta"]), weights=str(tiny["weights"]),
        support_size=4,
    )  # fmt: skip
    batches = list(loader.batch_iter(batch_size=3))
    assert sum(len(b["metadata"]["name"]) for b in batches) == 30
    assert dataloader_class.get_output_schema().compatible_with_batch(batches[0])
    for batch in batches:
        inputs, metadata = batch["inputs"], batch["metadata"]
        assert len(set(metadata["cell_line"])) == 1
        assert inputs["enhancer"].shape[1:] == (4, 200) and inputs["promoter"].shape[1:] == (4, 150)
        assert inputs["enhancer"].shape[0] == len(metadata["name"]) <= 3
        assert inputs["support_enhancer"].shape == (4, 4, 200)
        assert inputs["support_promoter"].shape == (4, 4, 150)
        assert set(metadata["enhancer_range"]) == {"chr", "start", "end", "id", "strand"}
    cells = [b["metadata"]["cell_line"][0] for b in batches]
    assert cells == sorted(cells)


def test_dataloader_names_a_cell_line_whose_support_set_is_small(tiny, dataloader_class, caplog):
    common = dict(pairs=str(tiny["pairs"]), fasta=str(tiny["fasta"]),
                  weights=str(tiny["weights"]))  # fmt: skip
    with caplog.at_level(logging.WARNING, logger="kipoi_prism.inference"):
        dataloader_class(**common, support_size=10)  # 10 pairs per cell line: enough
        assert not [r for r in caplog.records if "rests on" in r.getMessage()]
        dataloader_class(**common, support_size=11)
    messages = [r.getMessage() for r in caplog.records if "rests on" in r.getMessage()]
    assert [m.split(":")[0] for m in messages] == [f"cell line cell{c}" for c in "ABC"]
    assert "rests on 10 pairs, fewer than the support set's 11 (--support-size)" in messages[0]


def test_dataloader_integer_arguments(tiny, dataloader_class):
    from kipoi_prism.errors import PrismInputError

    common = {
        "pairs": str(tiny["pairs"]),
        "fasta": str(tiny["fasta"]),
        "weights": str(tiny["weights"]),
    }
    loader = dataloader_class(**common, support_size="2", seed="1")  # JSON strings are fine
    assert loader[0]["inputs"]["support_enhancer"].shape[0] == 2
    with pytest.raises(PrismInputError, match="support_size: expected an integer, got 'two'"):
        dataloader_class(**common, support_size="two")


def test_kipoi_model_equals_kipoi_prism_predict(tmp_path, tiny, dataloader_class):
    from kipoi_prism.integrations.kipoi.model import PrismEnergyKipoiModel

    model = PrismEnergyKipoiModel(weights=str(tiny["weights"]), device="cpu")
    loader = dataloader_class(
        pairs=str(tiny["pairs"]), fasta=str(tiny["fasta"]), weights=str(tiny["weights"])
    )
    rows = []
    for batch in loader.batch_iter(batch_size=4):
        preds = model.predict_on_batch(batch["inputs"])
        rows.append(pd.DataFrame({"name": batch["metadata"]["name"], **preds}))
    kipoi_scores = pd.concat(rows).set_index("name")
    out = tmp_path / "scores.tsv"
    argv = ["-q", "predict", "--pairs", str(tiny["pairs"]), "--fasta", str(tiny["fasta"])]
    assert main([*argv, "--weights", str(tiny["weights"]), "--out", str(out)]) == 0
    ours = read_tsv(out).set_index("name").loc[kipoi_scores.index]
    for column in ("probability", "U_I", "R_E", "lam", "T"):
        np.testing.assert_allclose(kipoi_scores[column], ours[column], rtol=0, atol=1e-6)
    assert (kipoi_scores["call"] == ours["call"]).all()
    assert len(model._environments) == 3  # one z_E per cell line, computed once


def test_kipoi_model_rejects_inputs_for_other_weights(tiny):
    from kipoi_prism.integrations.kipoi.model import PrismEnergyKipoiModel

    model = PrismEnergyKipoiModel(weights=str(tiny["weights"]), device="cpu")
    x = {k: np.zeros((2, 4, 100), np.float32) for k in
         ("enhancer", "promoter", "support_enhancer", "support_promoter")}  # fmt: skip
    with pytest.raises(ValueError, match=r"expected shape \(N, 4, 200\)"):
        model.predict_on_batch(x)


# --------------------------------------------------------------------------- kipoi CLI


def kipoi_env(home: Path) -> dict[str, str]:
    home.mkdir(exist_ok=True)
    return {**os.environ, "HOME": str(home), "OMP_NUM_THREADS": "1"}


def kipoi_cli() -> list[str]:
    script = Path(sys.executable).with_name("kipoi")
    return [str(script)] if script.exists() else [sys.executable, "-m", "kipoi"]


def kipoi_test(home: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [*kipoi_cli(), "test", ".", *args], cwd=REPO, env=kipoi_env(home),
        capture_output=True, text=True,
    )  # fmt: skip


@needs_default_weights
def test_kipoi_test_passes_in_the_repository_and_checks_values(tmp_path):
    done = kipoi_test(tmp_path / "home")
    assert done.returncode == 0, done.stderr[-3000:]
    output = done.stdout + done.stderr
    assert f"expected ones in the file: {EXPECT.relative_to(REPO)}" in output
    assert "All predictions match" in output and "Successfully ran test_predict" in output


@needs_default_weights
def test_kipoi_test_fails_on_a_wrong_expectation(tmp_path):
    wrong = tmp_path / "wrong.h5"
    shutil.copy(EXPECT, wrong)
    with h5py.File(wrong, "r+") as handle:
        handle["preds/probability"][40] += 1e-3  # one pair of the second block
    done = kipoi_test(tmp_path / "home", "--expect", str(wrong))
    assert done.returncode != 0
    assert "predictions don't match the expected predictions" in done.stdout + done.stderr


@needs_default_weights
def test_shipped_expectation_is_the_shipped_weights_on_the_example():
    from kipoi_prism.integrations.kipoi.expect import BLOCK, expected_blocks

    blocks = expected_blocks(EXAMPLE_PAIRS, EXAMPLE_FASTA)
    with h5py.File(EXPECT) as handle:
        assert handle["inputs/enhancer"].shape[0] == BLOCK * len(blocks) == BLOCK * 3
        for group in ("inputs", "preds"):
            assert sorted(handle[group]) == sorted(blocks[0][group])
            for key in handle[group]:
                ours = np.concatenate([b[group][key] for b in blocks])
                np.testing.assert_allclose(handle[group][key][:], ours, rtol=0, atol=1e-6)
        names = handle["metadata/name"].asstr()[:]
    # Whole support sets (16 pairs per cell line, twice in a block of 32): the expected
    # values are kipoi-prism predict's.
    ours = predict_pairs(EXAMPLE_PAIRS, EXAMPLE_FASTA).set_index("name").loc[names]
    with h5py.File(EXPECT) as handle:
        for column in ("probability", "U_I", "R_E", "lam", "T"):
            np.testing.assert_allclose(handle[f"preds/{column}"][:], ours[column], atol=1e-6)
        assert (handle["preds/call"][:] == ours["call"].to_numpy()).all()


def test_expectation_blocks_hold_one_cell_line_and_its_support_set(tiny, tmp_path):
    from kipoi_prism.config import InferenceConfig
    from kipoi_prism.integrations.kipoi.expect import expected_blocks, write_expectation

    blocks = expected_blocks(tiny["pairs"], tiny["fasta"], tiny["weights"], block=8,
                             config=InferenceConfig(support_size=4))  # fmt: skip
    assert len(blocks) == 3
    for block in blocks:
        assert len(set(block["metadata"]["cell_line"])) == 1
        assert all(len(v) == 8 for v in (*block["inputs"].values(), *block["preds"].values()))
        support = block["inputs"]["support_enhancer"]
        np.testing.assert_array_equal(support[:4], support[4:])  # 4 pairs, repeated whole
    path = write_expectation(tmp_path / "expect.h5", blocks)
    with h5py.File(path) as handle:
        assert handle["inputs/enhancer"].dtype == np.uint8
        assert handle["preds/call"].dtype == np.int8
        np.testing.assert_array_equal(
            handle["inputs/promoter"][:8], blocks[0]["inputs"]["promoter"]
        )


@needs_default_weights
def test_register_then_kipoi_predict_matches_kipoi_prism(tmp_path):
    env = kipoi_env(tmp_path / "home")
    registered = subprocess.run(
        [sys.executable, "-m", "kipoi_prism", "register"], env=env, capture_output=True, text=True
    )
    assert registered.returncode == 0, registered.stderr
    args = f'{{"pairs": "{EXAMPLE_PAIRS}", "fasta": "{EXAMPLE_FASTA}"}}'
    done = subprocess.run(
        [*kipoi_cli(), "predict", "prism-energy", "--source", "prism", f"--dataloader_args={args}",
         "--keep_metadata", "-o", "kipoi.tsv", "kipoi.h5"],
        cwd=tmp_path, env=env, capture_output=True, text=True,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    table = pd.read_csv(tmp_path / "kipoi.tsv", sep="\t")
    n_pairs = len(read_tsv_pairs(EXAMPLE_PAIRS))
    assert len(table) == n_pairs
    with h5py.File(tmp_path / "kipoi.h5") as handle:
        assert handle["preds/probability"].shape == (n_pairs,)
    ours = tmp_path / "ours.tsv"
    argv = ["-q", "predict", "--pairs", str(EXAMPLE_PAIRS), "--fasta", str(EXAMPLE_FASTA)]
    assert main([*argv, "--out", str(ours)]) == 0
    expected = read_tsv(ours).set_index("name").loc[table["metadata/name"], "probability"]
    np.testing.assert_allclose(table["preds/probability"], expected, rtol=0, atol=1e-6)


def read_tsv_pairs(path: Path) -> pd.DataFrame:
    from kipoi_prism.io.pairs import read_pairs

    return read_pairs(path)
