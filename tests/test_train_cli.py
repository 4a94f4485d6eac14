"""``kipoi-prism train``, ``report`` and ``export`` from the command line."""

from __future__ import annotations

import dataclasses
import json
import os
from pathlib import Path

import pytest
import yaml
from toy_training import make_toy, tiny_model

from kipoi_prism.cli.main import main
from kipoi_prism.config import DataConfig, ModelConfig, TrainConfig, TrainerConfig, load_config
from kipoi_prism.config.loading import RECOMMENDED_CONFIG
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
    assert bundle.metadata["fit"] == {"environment_trained": True}  # epoch 3 > warm-up 1


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


def test_without_config_train_uses_the_recommended_configuration(trained, tmp_path, capsys):
    folder, genome, _ = trained
    assert main(["train", "--print-config"]) == 0
    printed = yaml.safe_load(capsys.readouterr().out)
    assert printed["model"]["encoder"] == "counts" and printed["model"]["bilinear_rank"] == 16
    assert printed["model"]["count_both_strands"] is True
    assert printed["train"]["curriculum"] is False
    assert not any(printed["train"]["weights"].values())
    assert (REPO / "configs" / "recommended.yaml").resolve() == RECOMMENDED_CONFIG
    assert main(["train"]) == 2
    assert "recommended.yaml: data.pairs: required" in capsys.readouterr().err
    tiny = {
        k: v
        for k, v in tiny_model().to_dict().items()
        if k not in ("encoder", "bilinear_rank", "count_both_strands")
    }
    sets = [f"data.pairs={folder / 'pairs.bedpe'}", f"data.genome={genome}",
            "data.split.by=cell_line", "data.split.val=[C]", "train.max_epochs=1",
            "train.blocks_per_batch=3", "train.block_size=8", "train.support_size=8",
            "trainer.progress_bar=false",
            *[f"model.{k}={json.dumps(v)}" for k, v in tiny.items()]]  # fmt: skip
    argv = ["train", "--out", str(tmp_path / "run")] + [a for x in sets for a in ("--set", x)]
    assert main(argv) == 0
    bundle = load_weights(tmp_path / "run" / "weights.pt")
    assert bundle.model.config.encoder == "counts" and bundle.model.config.bilinear_rank == 16
    assert bundle.model.config.count_both_strands
    # no motif file given: the first layer is frozen at motifs found in the windows
    assert printed["train"]["stem_motifs"] == "discover" and printed["train"]["freeze_stem"]
    recorded = bundle.metadata["train_config"]
    assert recorded["stem_motifs"] == str(tmp_path / "run" / "discovered_motifs.meme")
    assert recorded["freeze_stem"] and recorded["stem_motif_ids"]


def test_shipped_config_holds_every_knob_at_its_default():
    config = load_config(REPO / "configs" / "train.yaml")
    assert config.model == ModelConfig()
    assert config.train == TrainConfig()
    assert config.trainer == TrainerConfig()
    raw = yaml.safe_load((REPO / "configs" / "train.yaml").read_text())
    for section, cls in (("data", DataConfig), ("model", ModelConfig), ("train", TrainConfig),
                         ("trainer", TrainerConfig)):  # fmt: skip
        assert set(raw[section]) == {f.name for f in dataclasses.fields(cls)}, section


def test_a_run_inside_the_warmup_is_refused_naming_both_keys(trained, tmp_path, capsys):
    _, _, config = trained
    argv = ["train", "--config", str(config), "--out", str(tmp_path / "r"),
            "--set", "train.max_epochs=1"]  # fmt: skip
    assert main(argv) == 2
    err = capsys.readouterr().err.strip().splitlines()[-1]
    assert f"{config}: train.max_epochs (1) must be larger than train.warmup_epochs (1)" in err
    assert not (tmp_path / "r").exists()
    assert main(argv + ["--set", "train.warmup_epochs=0"]) == 0  # nothing to warm up


def test_progress_goes_to_stderr_counting_epochs_from_one(trained, tmp_path, capsys, monkeypatch,
                                                          recwarn):  # fmt: skip
    """On a terminal the bar reads "Epoch 1/3" .. "Epoch 3/3" on stderr; every epoch also
    logs a line; stdout holds only the weights path; Lightning's warning that an epoch has
    fewer batches than the logging interval (3 < 10 here) is not shown."""
    import sys

    _, _, config = trained
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)
    out = tmp_path / "bar"
    argv = ["train", "--config", str(config), "--out", str(out),
            "--set", "trainer.progress_bar=true",
            "--set", "trainer.log_every_n_steps=10"]  # fmt: skip
    assert main(argv) == 0
    printed = capsys.readouterr()
    assert printed.out == f"{out / 'weights.pt'}\n"
    for epoch in (1, 2, 3):
        assert f"Epoch {epoch}/3" in printed.err
        assert f"kipoi-prism: epoch {epoch}/3" in printed.err
    assert "Epoch 0" not in printed.err and "Epoch 3/2" not in printed.err
    assert "epoch 1/3 (warm-up: environment stream frozen)" in printed.err
    assert not [w for w in recwarn if "logging interval" in str(w.message)]
    assert "logging interval" not in printed.err


def test_report_marks_the_exported_epoch_the_warmup_and_the_end(trained, capsys):
    import pandas as pd

    from kipoi_prism.training.report import figure_marks, merge_identical, read_summary

    folder, _, _ = trained
    run = folder / "run"
    if not (run / "history.csv").is_file():
        main(["train", "--config", str(folder / "train.yaml")])
    history, summary = read_history(run), read_summary(run)
    marks = figure_marks(history, summary)
    assert marks.exported_epoch == summary["best_epoch"] == int(best_epoch(history)["epoch"])
    assert marks.warmup_epochs == [1] and marks.last_epoch == 3
    assert marks.ended_by == "epoch cap (train.max_epochs)"
    early = figure_marks(history.iloc[:2], {"ended_by": "early_stopping"})
    assert early.last_epoch == 2 and early.ended_by == "early stopping (train.patience)"
    assert "environment untrained" in figure_marks(history.iloc[:1]).title()
    assert figure_marks(history, {}).ended_by is None  # an older run folder does not say
    capsys.readouterr()
    assert main(["report", str(run)]) == 0
    assert marks.title() in capsys.readouterr().out
    # Curves with equal values are drawn once, labelled together; absent columns skipped.
    frame = pd.DataFrame({"a": [0.1, 0.2], "b": [0.1, 0.2], "c": [0.1, 0.3], "d": [None, None]})
    series = [("a", "a"), ("b", "b"), ("c", "c"), ("d", "d"), ("e", "e")]
    assert merge_identical(frame, series) == [("a", "a = b"), ("c", "c")]


# The documented recipe on simulated data (README), as typed from the repository root with
# D=../shared/data; only the sizes are small (two cell lines, short windows, a tiny network,
# two epochs), so that it runs in seconds.
SIMULATE = (
    "simulate --pairs {D}/targetfinder/pairs/K562.pairs.csv "
    "{D}/targetfinder/pairs/GM12878.pairs.csv "
    "--motifs {D}/motifs/jaspar2024_core_vertebrates.meme "
    "--background {D}/human-sequence/human_200bp_regions.fa --out sim "
    "--max-pairs-per-cell-line 120 --prevalence 0.3 --enhancer-length 400 "
    "--promoter-length 300 --enhancer-motif-span 400 --promoter-motif-span 300"
)
TRAIN = (
    "train --config configs/train.yaml --out runs/sim --set data.pairs=sim/pairs.bedpe "
    "--set data.genome=sim/genome.fa --set data.split.by=chromosome "
    "--set data.split.val=[chr8,chr9] --set train.max_epochs=2 --set train.warmup_epochs=1 "
    "--set model.enhancer_length=400 --set model.promoter_length=300 "
    "--set model.channels=8 --set model.res_blocks=1 --set model.element_dim=8 "
    "--set train.support_size=8"
)
REPORT = "report runs/sim"
PREDICT = ("predict --weights runs/sim/weights.pt --pairs sim/pairs.bedpe --fasta sim/genome.fa "
           "--out runs/sim/scores.tsv")  # fmt: skip


def test_the_documented_recipe_runs_on_simulated_data(shared_data, tmp_path, monkeypatch, capsys):
    """simulate -> train (split by the simulated pairs' original chromosomes) -> report ->
    predict, through the command line in a temporary folder."""
    import pandas as pd

    monkeypatch.chdir(tmp_path)
    (tmp_path / "configs").symlink_to(REPO / "configs")
    assert main(SIMULATE.format(D=shared_data).split()) == 0
    pairs = pd.read_csv("sim/pairs.bedpe", sep="\t")
    held_out = pairs[["original_enhancer_chrom", "original_promoter_chrom"]].isin(["chr8", "chr9"])
    capsys.readouterr()
    assert main(TRAIN.split()) == 0
    printed = capsys.readouterr()
    assert printed.out == "runs/sim/weights.pt\n"
    assert "splitting by the pairs' original chromosomes (original_enhancer_chrom, " in printed.err
    history = read_history("runs/sim")
    assert (history["val_pairs"] == held_out.any(axis=1).sum()).all() and len(history) == 2
    fit_meta = load_weights("runs/sim/weights.pt").metadata["fit"]
    assert fit_meta["environment_trained"] == (fit_meta["best_epoch"] == 2)
    assert main(REPORT.split()) == 0
    assert "figure: runs/sim/report.png" in capsys.readouterr().out
    assert Path("runs/sim/report.png").read_bytes()[:4] == b"\x89PNG"
    assert main(PREDICT.split()) == 0
    scores = pd.read_csv("runs/sim/scores.tsv", sep="\t")
    assert scores["name"].tolist() == pairs["name"].tolist()
    assert scores["probability"].between(0, 1).all()


def test_quiet_keeps_lightning_and_epoch_lines_out(trained, tmp_path, capsys):
    """``kipoi-prism -q`` logs warnings only, Lightning's own INFO lines included."""
    _, _, config = trained
    out = tmp_path / "quiet"
    assert main(["-q", "train", "--config", str(config), "--out", str(out)]) == 0
    printed = capsys.readouterr()
    assert printed.out == f"{out / 'weights.pt'}\n"
    for line in ("GPU available", "epoch 1/3", "training on"):
        assert line not in printed.err, printed.err


def test_the_report_names_each_auxiliary_weight_by_its_loss():
    from kipoi_prism.training import report

    panel = dict((title, series) for title, series, *_ in report._PANELS)["auxiliary weights"]
    for column, label in panel:
        assert column.removeprefix("w_") in label.split(), (column, label)
