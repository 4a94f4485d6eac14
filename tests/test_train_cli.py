"""``kipoi-prism train``, ``report`` and ``export`` from the command line."""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path

import pytest
import yaml
from toy_training import make_toy, tiny_model

from kipoi_prism.cli.main import main
from kipoi_prism.config import DataConfig, ModelConfig, TrainConfig, TrainerConfig, load_config
from kipoi_prism.model.weights import load_weights
from kipoi_prism.training.report import best_epoch, read_history, success_signs

REPO = Path(__file__).parent.parent


def _write_config(folder: Path, genome: Path, **sections) -> Path:
    config = {
        "data": {"pairs": str(folder / "pairs.bedpe"), "genome": str(genome),
                 "split": {"by": "cell_line", "val": ["C"]}},
        "model": tiny_model().to_dict(),
        "train": {"blocks_per_batch": 3, "block_size": 8, "support_size": 8, "max_epochs": 3,
                  "warmup_epochs": 1, "lr": 0.01},
        "trainer": {"progress_bar": False, "out_dir": str(folder / "run")},
    }  # fmt: skip
    for name, values in sections.items():
        config[name].update(values)
    path = folder / "train.yaml"
    path.write_text(yaml.safe_dump(config))
    return path


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    folder = tmp_path_factory.mktemp("cli")
    genome, _ = make_toy(folder, per_cell=32)
    config = _write_config(folder, genome)
    return folder, genome, config


def test_train_writes_a_run_folder_and_prints_the_weights(trained, capsys, recwarn):
    folder, _, config = trained
    assert main(["train", "--config", str(config)]) == 0
    run = folder / "run"
    printed = capsys.readouterr()
    assert printed.out.strip() == str(run / "weights.pt")
    # Lightning's advertisements and its own deprecation noise stay out of the log.
    assert "Tip:" not in printed.err and "epoch" in printed.err
    assert not [w for w in recwarn if "LeafSpec" in str(w.message)]
    for name in ("weights.pt", "history.csv", "config.yaml", "summary.json",
                 "checkpoints/last.ckpt", "checkpoints/best.ckpt"):  # fmt: skip
        assert (run / name).is_file(), name
    saved = yaml.safe_load((run / "config.yaml").read_text())
    assert saved["train"]["max_epochs"] == 3 and saved["data"]["split"]["val"] == ["C"]
    bundle = load_weights(run / "weights.pt")
    assert bundle.model.config.enhancer_length == 200
    assert sorted(bundle.prototypes) == ["A", "B"]
    assert not list(run.glob(".*.tmp")) and not list((run / "checkpoints").glob(".*tmp"))
    umask = os.umask(0)
    os.umask(umask)
    assert (run / "history.csv").stat().st_mode & 0o777 == 0o666 & ~umask


def test_report_draws_curves_and_prints_the_success_signs(trained, capsys):
    folder, _, _ = trained
    run = folder / "run"
    if not (run / "history.csv").is_file():
        main(["train", "--config", str(folder / "train.yaml")])
    capsys.readouterr()
    assert main(["report", str(run)]) == 0
    out = capsys.readouterr().out
    for sign in ("train AUPR", "L_corr", "domain-classifier accuracy", "validation AUPR"):
        assert sign in out
    assert (run / "report.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    history = read_history(run)
    row = best_epoch(history)
    signs = {s.name: s for s in success_signs(row)}
    assert signs["L_corr"].met == (row["corr"] < 1e-3)
    assert signs["L_corr"].measured == f"{row['corr']:.5f}"


def test_export_a_checkpoint(trained, tmp_path, capsys):
    folder, _, _ = trained
    checkpoint = folder / "run" / "checkpoints" / "last.ckpt"
    if not checkpoint.is_file():
        main(["train", "--config", str(folder / "train.yaml")])
    capsys.readouterr()
    assert main(["export", str(checkpoint), "-o", str(tmp_path / "w.pt")]) == 0
    bundle = load_weights(tmp_path / "w.pt")
    assert bundle.metadata["epoch"] == 3 and 0 < bundle.threshold < 1


def test_report_on_a_folder_without_history_is_an_input_error(tmp_path, capsys):
    assert main(["report", str(tmp_path)]) == 2
    assert "no history.csv" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("change", "message", "where"),
    [
        ({"train": {"learning_rate": 1}}, "train: unknown key(s) learning_rate; valid keys:",
         "train.yaml"),
        ({"train": {"task_loss": "focal"}}, "train.task_loss: 'focal' is not one of immax, bce",
         "train.yaml"),
        ({"model": {"head": "mlp"}}, "head: 'mlp' is not one of", "train.yaml"),
        ({"data": {"split": {"by": "cell_line", "val": []}}}, "data.split.val: name the held-out",
         "train.yaml"),
        ({"data": {"split": {"by": "cell_line", "val": ["Z"]}}}, "data.split.val: Z not found",
         "pairs.bedpe"),
        ({"trainer": {"logger": "wandb"}}, "trainer.logger: 'wandb' is not one of", "train.yaml"),
    ],
)  # fmt: skip
def test_config_errors_name_the_key(trained, tmp_path, capsys, change, message, where):
    folder, genome, _ = trained
    config = _write_config(tmp_path, genome, **change)
    (tmp_path / "pairs.bedpe").write_text((folder / "pairs.bedpe").read_text())
    assert main(["train", "--config", str(config)]) == 2
    err = capsys.readouterr().err.strip().splitlines()[-1]
    assert message in err and f"{tmp_path / where}:" in err


def test_bad_yaml_names_the_line(tmp_path, capsys):
    path = tmp_path / "bad.yaml"
    path.write_text("train:\n  lr: 0.1\n  seed: [1, 2\n")
    assert main(["train", "--config", str(path)]) == 2
    assert f"{path} line" in capsys.readouterr().err


def test_set_overrides_and_print_config(tmp_path, capsys):
    path = tmp_path / "t.yaml"
    path.write_text("train:\n  lr: 0.1\n")
    argv = ["train", "--config", str(path), "--set", "train.weights.inv=0", "--set",
            "model.head=linear", "--print-config"]  # fmt: skip
    assert main(argv) == 0
    printed = yaml.safe_load(capsys.readouterr().out)
    assert printed["train"]["lr"] == 0.1 and printed["train"]["weights"]["inv"] == 0.0
    assert printed["model"]["head"] == "linear"
    assert main(["train", "--config", str(path), "--set", "lr=1"]) == 2
    assert "expected SECTION.KEY=VALUE" in capsys.readouterr().err


def test_train_resume_continues_from_the_last_checkpoint(trained, tmp_path, capsys):
    """``--resume`` goes on from ``last.ckpt``: the finished epochs are not run again."""
    import pandas as pd
    import torch

    folder, _, config = trained
    if not (folder / "run" / "checkpoints" / "last.ckpt").is_file():
        main(["train", "--config", str(config)])  # the same run in one go (3 epochs)
    out = tmp_path / "resumed"
    first = ["train", "--config", str(config), "--out", str(out), "--set", "train.max_epochs=2"]
    assert main(first) == 0
    two = pd.read_csv(out / "history.csv")
    saved = torch.load(out / "checkpoints" / "last.ckpt", weights_only=False, map_location="cpu")
    steps = saved["global_step"]
    assert len(two) == 2 and steps > 0
    capsys.readouterr()
    argv = ["train", "--config", str(config), "--out", str(out), "--set", "train.max_epochs=3",
            "--resume"]  # fmt: skip
    assert main(argv) == 0
    assert capsys.readouterr().out.strip() == str(out / "weights.pt")
    three = pd.read_csv(out / "history.csv")
    assert three["epoch"].tolist() == [1, 2, 3]
    # A restart would run epochs 1-2 again: other measured times, other checkpointed steps.
    pd.testing.assert_frame_equal(three.iloc[:2], two)
    final = torch.load(out / "checkpoints" / "last.ckpt", weights_only=False, map_location="cpu")
    assert final["global_step"] == steps * 3 // 2 and final["epoch"] == 2
    whole = torch.load(folder / "run" / "checkpoints" / "last.ckpt", weights_only=False,
                       map_location="cpu")  # fmt: skip
    for key, value in whole["state_dict"].items():
        torch.testing.assert_close(final["state_dict"][key], value, rtol=1e-5, atol=1e-6)


def test_resume_from_a_missing_checkpoint_is_an_input_error(trained, tmp_path, capsys):
    _, _, config = trained
    argv = ["train", "--config", str(config), "--out", str(tmp_path / "r"), "--resume",
            str(tmp_path / "nope.ckpt")]  # fmt: skip
    assert main(argv) == 2
    assert "checkpoint to resume from not found" in capsys.readouterr().err


def test_shipped_config_holds_every_knob_at_its_default():
    config = load_config(REPO / "configs" / "train.yaml")
    assert config.model == ModelConfig()
    assert config.train == TrainConfig()
    assert config.trainer == TrainerConfig()
    raw = yaml.safe_load((REPO / "configs" / "train.yaml").read_text())
    for section, cls in (("data", DataConfig), ("model", ModelConfig), ("train", TrainConfig),
                         ("trainer", TrainerConfig)):  # fmt: skip
        assert set(raw[section]) == {f.name for f in dataclasses.fields(cls)}, section
