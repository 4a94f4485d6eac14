"""Selene end to end: the YAML config trains, validates and evaluates; the checkpoint
converts to a weights file that predicts as `kipoi-prism predict` and Kipoi do.

The Selene runs use a copy of ``configs/selene_train.yml`` with a tiny network, short
windows and a few steps on the example data; everything they write goes to a temporary
folder.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import selene_sdk.train_model
import selene_sdk.utils
import torch
from predict_helpers import read_tsv, single_thread  # noqa: F401
from selene_helpers import (
    CELLS,
    CONFIG,
    EXAMPLE_FASTA,
    EXAMPLE_PAIRS,
    MODEL_FILE,
    TINY,
)

from kipoi_prism.cli.main import main
from kipoi_prism.errors import PrismInputError
from kipoi_prism.integrations.selene import checkpoint as selene_checkpoint
from kipoi_prism.integrations.selene import model as selene_model
from kipoi_prism.integrations.selene import splits

pytestmark = pytest.mark.usefixtures("single_thread")


# --------------------------------------------------------------------------- configs


def edit(text: str, old: str, new: str) -> str:
    """Replace the one occurrence of ``old`` (fails when the shipped config changed)."""
    assert text.count(old) == 1, f"expected one {old!r} in {CONFIG.name}"
    return text.replace(old, new)


def tiny_config_text(out_dir: Path) -> str:
    """``configs/selene_train.yml`` with a tiny network, 6 steps, paths made absolute."""
    architecture = ", ".join(f"{k}: {v}" for k, v in TINY.items() if not k.endswith("_length"))
    text = CONFIG.read_text()
    for old, new in [
        ("path: kipoi_prism/selene_model.py", f"path: {MODEL_FILE}"),
        ("enhancer_length: &enhancer_length 3000,",
         f"enhancer_length: &enhancer_length 200, {architecture},"),
        ("promoter_length: &promoter_length 2000,", "promoter_length: &promoter_length 150,"),
        ("warmup_epochs: 2,", "warmup_epochs: 1,"),
        ("pairs: example/pairs.bedpe,", f"pairs: {EXAMPLE_PAIRS},"),
        ("genome: example/genome.fa,", f"genome: {EXAMPLE_FASTA},"),
        ("support_size: 32,", "support_size: 8,"),
        ("batch_size: 64,", "batch_size: 16,"),  # 7 blocks of <= 4 pairs: 2 batches an epoch
        ("report_stats_every_n_steps: 1,", "report_stats_every_n_steps: 2,"),
        ("max_steps: 20,", "max_steps: 6,"),
        ("cpu_n_threads: 2,", "cpu_n_threads: 1,"),
        ("lr: 1.0e-3", "lr: 1e-3"),  # YAML reads this as a string: the lr fix must apply
        ("output_dir: runs/selene", f"output_dir: {out_dir}"),
    ]:  # fmt: skip
        text = edit(text, old, new)
    return text


def evaluate_only_text(train_text: str, checkpoint: Path, out_dir: Path) -> str:
    """The same config, ``ops: [evaluate]`` with Selene's EvaluateModel on a checkpoint."""
    text = edit(train_text, "ops: [train, evaluate]", "ops: [evaluate]")
    # Selene binds output_dir to the sampler only when training: save nothing here.
    text = edit(text, "save_datasets: [test],", "mode: test,")
    text = re.sub(r"output_dir: .*", f"output_dir: {out_dir}", text)
    return text.replace("\n...\n", "\n") + (
        "evaluate_model: !obj:selene_sdk.EvaluateModel {\n"
        f"    features: [interaction], trained_model_path: {checkpoint},\n"
        "    batch_size: 16, report_gt_feature_n_positives: 1,\n}\n"
    )


def detach_selene_logs(folder: Path) -> None:
    """Close the log files Selene opened under ``folder``.

    Selene adds file handlers to process-wide loggers for every run, so without this a
    later run in the same process would also write into this run's files.
    """
    import logging

    for logger in [logging.getLogger(n) for n in list(logging.root.manager.loggerDict)]:
        for handler in list(getattr(logger, "handlers", [])):
            path = getattr(handler, "baseFilename", None)
            if path is not None and Path(path).is_relative_to(folder):
                logger.removeHandler(handler)
                handler.close()


def run_selene(function, *args, folder: Path) -> None:
    """Run a Selene entry point on one thread, then close its log files."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        function(*args)
    finally:
        torch.set_num_threads(threads)
        detach_selene_logs(folder)


def run_dir(out_dir: Path) -> Path:
    """The one timestamped folder Selene made under ``out_dir``."""
    runs = [p for p in out_dir.iterdir() if p.is_dir()]
    assert len(runs) == 1, runs
    return runs[0]


@pytest.fixture(scope="module")
def cli_run(tmp_path_factory) -> dict:
    """``selene_sdk CONFIG`` (Selene's click entry point) on the tiny config."""
    from click.testing import CliRunner
    from selene_sdk.cli import main as selene_main

    folder = tmp_path_factory.mktemp("selene-cli")
    config = folder / "config.yml"
    config.write_text(tiny_config_text(folder / "out"))
    outcome = {}

    def invoke(path: str) -> None:
        outcome["result"] = CliRunner().invoke(selene_main, [path])

    run_selene(invoke, str(config), folder=folder)
    result = outcome["result"]
    assert result.exit_code == 0, f"{result.output}\n{result.exception!r}"
    return {"config": config, "run": run_dir(folder / "out"), "folder": folder}


# --------------------------------------------------------------------------- end to end


def test_selene_cli_trains_validates_evaluates_and_saves(cli_run):
    run = cli_run["run"]
    for name in ("best_model.pth.tar", "checkpoint.pth.tar", "configuration.yml",
                 "selene_model.py", "test_predictions.npz", "test_targets.npz"):  # fmt: skip
        assert (run / name).is_file(), name
    performance = pd.read_csv(run / "test_performance.txt", sep="\t")
    assert performance["class"].tolist() == ["interaction"]
    assert 0 <= performance["roc_auc"].iloc[0] <= 1
    validation = pd.read_csv(run / "selene_sdk.train_model.validation.txt", sep="\t")
    assert len(validation) == 2 and np.isfinite(validation["loss"]).all()  # steps 2 and 4
    test_pairs = pd.read_csv(run / "test_pairs.bedpe", sep="\t")
    predictions = np.load(run / "test_predictions.npz")["data"]
    assert predictions.shape == (len(test_pairs), 1)
    assert set(test_pairs["#enhancer_chrom"]) == {"chr2"}  # the test chromosome


def test_checkpoint_records_the_curriculum_and_objective_state(cli_run):
    model, info = selene_checkpoint.load_selene_checkpoint(cli_run["run"] / "checkpoint.pth.tar")
    assert info["step"] == 5
    assert int(model.epoch) == 2  # 6 steps of 2 batches per epoch: epochs 0, 1, 2
    assert model.phase().weights.corr == pytest.approx(0.1 + 2 * 0.01)
    assert model.objective.prototypes.seen.all()
    assert model.objective.task_loss.counts.sum() > 2  # IMMAX counted the training labels


def test_parse_configs_and_run_repeats_the_cli_run_exactly(cli_run, tmp_path):
    text = tiny_config_text(tmp_path / "out")
    configs = selene_sdk.utils.load(text, instantiate=False)
    assert configs["lr"] == "1e-3"  # what the lr fix is for
    run_selene(selene_sdk.utils.parse_configs_and_run, configs, folder=tmp_path)
    ours = pd.read_csv(
        run_dir(tmp_path / "out") / "selene_sdk.train_model.validation.txt", sep="\t"
    )
    cli = pd.read_csv(cli_run["run"] / "selene_sdk.train_model.validation.txt", sep="\t")
    pd.testing.assert_frame_equal(ours, cli)  # same seed, same run


@pytest.mark.filterwarnings("ignore:color is redundantly defined")  # Selene's plotting code
def test_evaluate_model_loads_the_checkpoint_and_scores_the_test_split(cli_run, tmp_path):
    best = cli_run["run"] / "best_model.pth.tar"
    text = evaluate_only_text(cli_run["config"].read_text(), best, tmp_path / "out")
    config = tmp_path / "evaluate.yml"
    config.write_text(text)
    run_selene(selene_sdk.utils.load_and_parse_configs_and_run, str(config), folder=tmp_path)
    run = run_dir(tmp_path / "out")
    predictions = np.load(run / "test_predictions.npz")["data"]
    model, _ = selene_checkpoint.load_selene_checkpoint(best)
    sampler = selene_checkpoint.sampler_from_config(config)
    batches, labels = sampler.get_test_set(16)
    with torch.no_grad():
        expected = np.vstack([model(torch.Tensor(x).transpose(1, 2)).numpy() for x, _ in batches])
    np.testing.assert_allclose(predictions, expected, rtol=0, atol=1e-6)
    assert np.load(run / "test_targets.npz")["data"].shape == labels.shape


def test_converted_weights_predict_identically_through_predict_and_kipoi(cli_run, tmp_path):
    from kipoi_prism.integrations.kipoi.dataloader import PrismPairDataLoader
    from kipoi_prism.integrations.kipoi.model import PrismEnergyKipoiModel
    from kipoi_prism.model.weights import load_weights

    best = cli_run["run"] / "best_model.pth.tar"
    weights = tmp_path / "weights.pt"
    assert main(["-q", "export-selene", str(best), "--out", str(weights)]) == 0
    bundle = load_weights(weights)
    model, _ = selene_checkpoint.load_selene_checkpoint(best)
    for key, value in model.network.state_dict().items():
        assert torch.equal(bundle.model.state_dict()[key], value), key
    assert sorted(bundle.prototypes) == CELLS
    assert bundle.metadata["trained_on"]["validation"] == {"split_by": "chromosome",
                                                           "holdout": ["chr1"]}  # fmt: skip

    out = tmp_path / "scores.tsv"
    argv = ["-q", "predict", "--pairs", str(EXAMPLE_PAIRS), "--fasta", str(EXAMPLE_FASTA)]
    assert main([*argv, "--weights", str(weights), "--out", str(out)]) == 0
    ours = read_tsv(out).set_index("name")
    kipoi_model = PrismEnergyKipoiModel(weights=str(weights), device="cpu")
    loader = PrismPairDataLoader(str(EXAMPLE_PAIRS), str(EXAMPLE_FASTA), weights=str(weights))
    rows = []
    for batch in loader.batch_iter(batch_size=5):
        preds = kipoi_model.predict_on_batch(batch["inputs"])
        rows.append(pd.DataFrame({"name": batch["metadata"]["name"], **preds}))
    kipoi_scores = pd.concat(rows).set_index("name")
    assert len(kipoi_scores) == len(ours) == 48
    for column in ("probability", "U_I", "R_E", "lam", "T"):
        np.testing.assert_allclose(kipoi_scores[column], ours.loc[kipoi_scores.index, column],
                                   rtol=0, atol=1e-6)  # fmt: skip
    np.testing.assert_array_equal(kipoi_scores["call"], ours.loc[kipoi_scores.index, "call"])


def test_threshold_is_calibrated_on_the_validation_split(cli_run, tmp_path):
    from kipoi_prism import metrics
    from kipoi_prism.model.weights import load_weights

    weights = tmp_path / "weights.pt"
    selene_checkpoint.export_checkpoint(cli_run["run"] / "best_model.pth.tar", weights,
                             config=cli_run["config"])  # fmt: skip
    validation = tmp_path / "validation.bedpe"
    sampler = selene_checkpoint.sampler_from_config(cli_run["config"])
    validation.write_text(splits.bedpe_text(sampler.frames["validate"]))
    out = tmp_path / "validation.tsv"
    argv = ["-q", "predict", "--pairs", str(validation), "--fasta", str(EXAMPLE_FASTA)]
    assert main([*argv, "--weights", str(weights), "--out", str(out)]) == 0
    scores = read_tsv(out)
    expected = metrics.calibrate_threshold(
        scores["label"].to_numpy(), scores["probability"].to_numpy()
    )
    assert load_weights(weights).threshold == pytest.approx(expected, abs=1e-6)


def test_export_selene_names_bad_inputs(tmp_path, capsys):
    bad = tmp_path / "not-a-checkpoint.pth.tar"
    bad.write_text("hello")
    assert main(["export-selene", str(bad), "--out", str(tmp_path / "w.pt")]) == 2
    assert f"{bad}: unreadable checkpoint" in capsys.readouterr().err
    foreign = tmp_path / "foreign.pth.tar"
    torch.save({"state_dict": {"w": torch.zeros(1)}, "step": 1}, foreign)
    assert main(["export-selene", str(foreign), "--out", str(tmp_path / "w.pt")]) == 2
    assert (
        "not a checkpoint of kipoi_prism.integrations.selene.model.PrismSeleneModel"
        in capsys.readouterr().err
    )
    assert not (tmp_path / "w.pt").exists()


def test_export_without_a_config_asks_for_one(tmp_path):
    model = selene_model.PrismSeleneModel(CELLS, model=TINY)
    checkpoint = tmp_path / "best_model.pth.tar"
    torch.save(
        {"state_dict": model.state_dict(), "step": 3, "min_loss": np.float64(0.5)}, checkpoint
    )
    with pytest.raises(PrismInputError, match="pass --config"):
        selene_checkpoint.export_checkpoint(checkpoint, tmp_path / "w.pt")
    path = selene_checkpoint.export_checkpoint(checkpoint, tmp_path / "w.pt", threshold=0.4)
    from kipoi_prism.model.weights import load_weights

    assert load_weights(path).threshold == pytest.approx(0.4)
