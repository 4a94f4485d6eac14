"""The chromatin Kipoi models (prism-energy-chromatin and prism-energy-chromatin-window, one
dataloader): pairs + 8 tracks in, the same scores as ``kipoi-prism features`` +
``kipoi-prism predict --weights <model>``."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import h5py
import numpy as np
import pandas as pd
import pytest
from predict_helpers import read_tsv, single_thread  # noqa: F401
from test_kipoi import kipoi_cli, kipoi_env

from kipoi_prism.cli.main import main
from kipoi_prism.errors import PrismInputError
from kipoi_prism.integrations.kipoi.register import CHROMATIN_MODELS, MODEL_NAMES, kipoi_source_dir
from kipoi_prism.model.weights import SHIPPED_WEIGHTS

MODEL_DIR = kipoi_source_dir() / "prism-energy-chromatin"  # the dataloader's folder
EXAMPLE = MODEL_DIR / "example"
EXPECT = EXAMPLE / "expect.h5"
WINDOW = "prism-energy-chromatin-window"
MARK_FILES = {
    "ctcf": "ctcf.narrowPeak", "dnase": "dnase.bw", "h3k27ac": "h3k27ac.bw",
    "h3k27me3": "h3k27me3.narrowPeak", "h3k36me3": "h3k36me3.bw", "h3k4me1": "h3k4me1.bw",
    "h3k4me3": "h3k4me3.narrowPeak", "h3k9me3": "h3k9me3.narrowPeak",
}  # fmt: skip
ARGUMENTS = {"pairs": str(EXAMPLE / "pairs.bedpe"),
             **{mark: str(EXAMPLE / name) for mark, name in MARK_FILES.items()}}  # fmt: skip
SCORES = ("probability", "U_I", "R_E", "lam", "T")
pytestmark = [
    pytest.mark.usefixtures("single_thread"),
    pytest.mark.skipif(not all(SHIPPED_WEIGHTS[name].is_file() for name in CHROMATIN_MODELS),
                       reason="no shipped chromatin weights"),
]  # fmt: skip


@pytest.fixture
def loader_class(monkeypatch):
    import kipoi

    monkeypatch.chdir(MODEL_DIR)  # Kipoi's "dir" source is the working directory
    return kipoi.get_dataloader_factory(".", "dir")


@pytest.fixture(scope="module")
def model():
    from kipoi_prism.integrations.kipoi.model import PrismEnergyKipoiModel

    return PrismEnergyKipoiModel("prism-energy-chromatin", device="cpu")


@pytest.fixture(params=CHROMATIN_MODELS)
def kipoi_model(request, monkeypatch):
    """Each chromatin model as Kipoi loads it from its ``model.yaml`` (weights, dataloader)."""
    import kipoi

    monkeypatch.chdir(kipoi_source_dir() / request.param)  # Kipoi's "dir" source
    return kipoi.get_model(".", "dir")


def features_then_predict(
    tmp_path: Path, *extra: str, weights: str = "prism-energy-chromatin"
) -> pd.DataFrame:
    """``kipoi-prism features`` then ``kipoi-prism predict`` on the example, by name."""
    features, scores = tmp_path / "features.tsv", tmp_path / f"scores-{weights}.tsv"
    tracks = [f"--track={mark}={path}" for mark, path in ARGUMENTS.items() if mark != "pairs"]
    argv = ["-q", "features", "--pairs", ARGUMENTS["pairs"], *tracks, *extra]
    assert main([*argv, "--out", str(features)]) == 0
    argv = ["-q", "predict", "--weights", weights, "--pairs", str(features)]
    assert main([*argv, "--out", str(scores)]) == 0
    return read_tsv(scores).set_index("name")


def kipoi_scores(loader, model, batch_size: int) -> pd.DataFrame:
    rows = []
    for batch in loader.batch_iter(batch_size=batch_size):
        preds = model.predict_on_batch(batch["inputs"])
        metadata = batch["metadata"]
        rows.append(pd.DataFrame({"name": metadata["name"], "cell_line": metadata["cell_line"],
                                  **preds}))  # fmt: skip
    return pd.concat(rows).set_index("name")


def test_batches_hold_one_cell_line_its_support_set_and_feature_rows(loader_class):
    loader = loader_class(**ARGUMENTS, support_size="8")
    batches = list(loader.batch_iter(batch_size=5))
    assert sum(len(b["metadata"]["name"]) for b in batches) == 32
    assert loader_class.get_output_schema().compatible_with_batch(batches[0])
    for batch in batches:
        inputs, metadata = batch["inputs"], batch["metadata"]
        assert len(set(metadata["cell_line"])) == 1
        assert inputs["enhancer"].shape == (len(metadata["name"]), 17)
        assert inputs["promoter"].shape == (len(metadata["name"]), 8)
        assert inputs["support_enhancer"].shape == (8, 17)
        assert inputs["support_promoter"].shape == (8, 8)
        marks = np.hstack([inputs["enhancer"][:, :16], inputs["promoter"]])
        assert ((marks > 0) & (marks <= 1)).all()  # ranks within the cell line, in (0, 1]
    assert [b["metadata"]["cell_line"][0] for b in batches] == ["cellA"] * 4 + ["cellB"] * 4
    given = pd.read_csv(ARGUMENTS["pairs"], sep="\t")
    assert list(batches[0]["metadata"]["promoter_range"]["strand"]) == list(
        given["promoter_strand"][:5]
    )  # the pair table's strands, which the feature table does not keep


@pytest.mark.parametrize("extra", [{}, {"cell_line": "HepG2"}])
def test_kipoi_model_equals_features_then_predict(tmp_path, kipoi_model, extra):
    loader = kipoi_model.default_dataloader(**ARGUMENTS, **extra)
    ours = kipoi_scores(loader, kipoi_model, batch_size=7)
    weights = Path(kipoi_model.source_dir).name  # each model named as the weights it loads
    assert kipoi_model.args["weights"] == weights
    cli = features_then_predict(tmp_path, *[f"--cell-line={v}" for v in extra.values()],
                                weights=weights)  # fmt: skip
    cli = cli.loc[ours.index]
    for column in SCORES:
        np.testing.assert_allclose(ours[column], cli[column], rtol=0, atol=1e-6)
    assert (ours["call"] == cli["call"]).all()
    assert set(ours["cell_line"]) == ({"HepG2"} if extra else {"cellA", "cellB"})
    assert ours["probability"].std() > 0.005  # the example separates pairs


def test_cell_line_ranks_marks_over_the_given_pairs(loader_class):
    """One cell line for all 32 pairs ranks each mark over 32 pairs, not 16: other inputs."""
    apart = loader_class(**ARGUMENTS)[0]["inputs"]["enhancer"]
    together = loader_class(**ARGUMENTS, cell_line="HepG2")[0]["inputs"]["enhancer"]
    assert not np.allclose(apart[:16, :16], together[:16, :16])
    np.testing.assert_array_equal(apart[:, 16], together[:16, 16])  # log distance unranked


def test_several_cell_lines_on_one_set_of_tracks_warn(loader_class, caplog):
    loader_class(**ARGUMENTS)
    warned = [r.getMessage() for r in caplog.records if "one set of tracks" in r.getMessage()]
    assert len(warned) == 1 and warned[0].startswith("the pairs name 2 cell lines (")
    caplog.clear()
    loader_class(**ARGUMENTS, cell_line="HepG2")
    assert "one set of tracks" not in caplog.text


def test_a_duplicate_pair_name_is_refused_naming_both_lines(loader_class, tmp_path):
    lines = Path(ARGUMENTS["pairs"]).read_text().splitlines()
    pairs = tmp_path / "pairs.bedpe"
    pairs.write_text("\n".join([*lines[:3], lines[2]]) + "\n")
    with pytest.raises(PrismInputError, match=r"line 4: duplicate .* \(first seen on line 3\)"):
        loader_class(**{**ARGUMENTS, "pairs": str(pairs)})


def test_a_missing_mark_is_named(loader_class):
    arguments = {k: v for k, v in ARGUMENTS.items() if k not in ("h3k9me3", "ctcf")}
    with pytest.raises(PrismInputError) as caught:
        loader_class(**arguments)
    message = str(caught.value)
    assert message.startswith("no track for ctcf, h3k9me3: the chromatin models were trained on")
    assert "all 8 marks" in message and "\n" not in message


def test_bad_arguments_are_refused_in_one_line(loader_class, tmp_path):
    with pytest.raises(PrismInputError, match="cell_line: expected a cell-line name"):
        loader_class(**ARGUMENTS, cell_line=" ")
    with pytest.raises(PrismInputError, match="these read DNA sequence"):
        loader_class(**ARGUMENTS, weights="prism-energy")
    with pytest.raises(PrismInputError, match="track file not found"):
        loader_class(**{**ARGUMENTS, "dnase": str(tmp_path / "absent.bw")})


def test_model_rejects_feature_rows_of_another_width(model):
    x = {k: np.zeros((2, 16), np.float32) for k in
         ("enhancer", "promoter", "support_enhancer", "support_promoter")}  # fmt: skip
    with pytest.raises(ValueError, match=r"x\['enhancer'\]: expected shape \(N, 17\)"):
        model.predict_on_batch(x)


@pytest.mark.parametrize("name", CHROMATIN_MODELS)
def test_shipped_expectation_is_the_shipped_weights_on_the_example(tmp_path, name):
    """Each model's expect.h5: the one dataloader's example inputs (default arguments, as
    Kipoi calls it) scored by the model's weights, as ``kipoi-prism predict`` scores them."""
    from kipoi_prism.integrations.kipoi.chromatin import PrismChromatinDataLoader
    from kipoi_prism.integrations.kipoi.expect import BLOCK, loader_blocks
    from kipoi_prism.integrations.kipoi.model import PrismEnergyKipoiModel

    model = PrismEnergyKipoiModel(name, device="cpu")
    blocks = loader_blocks(PrismChromatinDataLoader(**ARGUMENTS), model)
    with h5py.File(kipoi_source_dir() / name / "example" / "expect.h5") as handle:
        assert handle["inputs/enhancer"].shape == (BLOCK * 2, 17)
        assert handle["inputs/enhancer"].dtype == np.float32  # feature rows stay float32
        for group in ("inputs", "preds"):
            assert sorted(handle[group]) == sorted(blocks[0][group])
            for key in handle[group]:
                ours = np.concatenate([b[group][key] for b in blocks])
                np.testing.assert_allclose(handle[group][key][:], ours, rtol=0, atol=1e-6)
        names = handle["metadata/name"].asstr()[:]
        probability = handle["preds/probability"][:]
    cli = features_then_predict(tmp_path, weights=name).loc[names, "probability"]
    np.testing.assert_allclose(probability, cli, rtol=0, atol=1e-6)
    if name != CHROMATIN_MODELS[0]:  # another model: the same inputs, its own scores
        with h5py.File(EXPECT) as first, h5py.File(kipoi_source_dir() / name / "example" /
                                                   "expect.h5") as handle:  # fmt: skip
            for key in first["inputs"]:
                np.testing.assert_array_equal(handle["inputs"][key][:], first["inputs"][key][:])
            assert (
                np.abs(handle["preds/probability"][:] - first["preds/probability"][:]).max() > 0.01
            )


def test_the_window_model_uses_the_chromatin_dataloader_which_serves_its_weights():
    """prism-energy-chromatin-window's model.yaml is prism-energy-chromatin's but for its
    weights, its description and its dataloader: prism-energy-chromatin's folder, sound
    because the dataloader reads only the recipe and input widths from its weights and
    both weights record the same (its inputs with either weights are equal)."""
    import yaml

    from kipoi_prism.integrations.kipoi.chromatin import PrismChromatinDataLoader
    from kipoi_prism.model.weights import load_weights

    first, window = (yaml.safe_load((kipoi_source_dir() / name / "model.yaml").read_text())
                     for name in (CHROMATIN_MODELS[0], WINDOW))  # fmt: skip
    assert (kipoi_source_dir() / WINDOW / window["default_dataloader"]).resolve() == MODEL_DIR
    assert not (kipoi_source_dir() / WINDOW / "dataloader.yaml").exists()
    assert first["args"] == {**window["args"], "weights": CHROMATIN_MODELS[0]}
    assert window["args"]["weights"] == WINDOW
    differ = {key for key in first if first[key] != window[key]}
    assert differ == {"args", "info", "default_dataloader"}
    differ = {key for key in first["info"] if first["info"][key] != window["info"][key]}
    assert differ == {"doc", "trained_on"}
    recorded = load_weights(WINDOW).metadata  # what its trained_on must say it trained on
    trained_on = " ".join(window["info"]["trained_on"].split())
    assert ", ".join(recorded["trained_on"]["cell_lines"]) in trained_on
    assert f"validation AUPR {recorded['fit']['val_aupr']:.3f}" in trained_on
    assert f"AUROC {recorded['fit']['val_auroc']:.3f}" in trained_on
    default = PrismChromatinDataLoader(**ARGUMENTS, support_size=8)
    windowed = PrismChromatinDataLoader(**ARGUMENTS, support_size=8, weights=WINDOW)
    assert len(default) == len(windowed) == 2
    for ours, theirs in zip(default, windowed, strict=True):
        for key in ours["inputs"]:
            np.testing.assert_array_equal(ours["inputs"][key], theirs["inputs"][key])


def test_the_source_lists_every_model_folder():
    folders = sorted(path.parent.name for path in kipoi_source_dir().glob("*/model.yaml"))
    assert folders == sorted(MODEL_NAMES)
    assert set(CHROMATIN_MODELS) <= set(SHIPPED_WEIGHTS)


def test_package_data_ships_the_example():
    import configparser
    import fnmatch

    setup = configparser.ConfigParser()
    setup.read(Path(__file__).parent.parent / "setup.cfg")
    patterns = [p.strip() for p in setup["options.package_data"]["kipoi_prism"].split(",")]
    package = kipoi_source_dir().parent
    expected = {
        "model.yaml",
        "dataloader.yaml",
        "dataloader.py",
        "example/expect.h5",
        "example/pairs.bedpe",
        *(f"example/{name}" for name in MARK_FILES.values()),
    }
    for name in CHROMATIN_MODELS:
        folder = kipoi_source_dir() / name
        files = [p.relative_to(package).as_posix() for p in folder.rglob("*") if p.is_file()]
        files = [p for p in files if "__pycache__" not in p]
        assert {p.split("/", 2)[2] for p in files} == expected, name
        for path in files:
            assert any(fnmatch.fnmatch(path, pattern) for pattern in patterns), path
        expected = {"model.yaml", "example/expect.h5"}  # the others: the first's dataloader


# --------------------------------------------------------------------------- kipoi CLI


def kipoi_test(home: Path, *args: str, model_dir: Path = MODEL_DIR) -> subprocess.CompletedProcess:
    return subprocess.run(
        [*kipoi_cli(), "test", ".", *args], cwd=model_dir, env=kipoi_env(home),
        capture_output=True, text=True,
    )  # fmt: skip


@pytest.mark.parametrize("name", CHROMATIN_MODELS)
def test_kipoi_test_passes_and_checks_values(tmp_path, name):
    done = kipoi_test(tmp_path / "home", model_dir=kipoi_source_dir() / name)
    assert done.returncode == 0, done.stderr[-3000:]
    output = done.stdout + done.stderr
    assert "expected ones in the file: example/expect.h5" in output
    assert "All predictions match" in output and "Successfully ran test_predict" in output


def test_kipoi_test_fails_on_a_wrong_expectation(tmp_path):
    wrong = tmp_path / "wrong.h5"
    shutil.copy(EXPECT, wrong)
    with h5py.File(wrong, "r+") as handle:
        handle["preds/probability"][40] += 1e-3  # one pair of the second block
    done = kipoi_test(tmp_path / "home", "--expect", str(wrong))
    assert done.returncode != 0
    assert "predictions don't match the expected predictions" in done.stdout + done.stderr


def test_register_then_kipoi_predict_matches_features_then_predict(tmp_path):
    env = kipoi_env(tmp_path / "home")
    registered = subprocess.run(
        [sys.executable, "-m", "kipoi_prism", "register"], env=env, capture_output=True, text=True
    )
    assert registered.returncode == 0, registered.stderr
    for name in MODEL_NAMES:
        assert f"try: kipoi predict {name} --source prism" in registered.stderr
    for name in CHROMATIN_MODELS:
        done = subprocess.run(
            [*kipoi_cli(), "predict", name, "--source", "prism",
             f"--dataloader_args={json.dumps(ARGUMENTS)}", "--keep_metadata", "-o", f"{name}.tsv"],
            cwd=tmp_path, env=env, capture_output=True, text=True,
        )  # fmt: skip
        assert done.returncode == 0, done.stderr[-3000:]
        table = pd.read_csv(tmp_path / f"{name}.tsv", sep="\t")
        assert len(table) == 32
        cli = features_then_predict(tmp_path, weights=name).loc[table["metadata/name"]]
        for column in SCORES:
            np.testing.assert_allclose(table[f"preds/{column}"], cli[column], rtol=0, atol=1e-6)


def test_kipoi_predict_names_a_missing_mark(tmp_path):
    arguments = {k: v for k, v in ARGUMENTS.items() if k != "h3k27ac"}
    done = subprocess.run(
        [*kipoi_cli(), "predict", str(MODEL_DIR), "--source", "dir",
         f"--dataloader_args={json.dumps(arguments)}", "-o", "kipoi.tsv"],
        cwd=tmp_path, env=kipoi_env(tmp_path / "home"), capture_output=True, text=True,
    )  # fmt: skip
    assert done.returncode != 0
    assert "no track for h3k27ac: the chromatin models were trained on all 8 marks" in done.stderr
