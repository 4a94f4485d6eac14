"""Selene: the YAML config trains and evaluates, the checkpoint converts, the fixes hold.

The Selene runs use a copy of ``configs/selene_train.yml`` with a tiny network, short
windows and a few steps on the example data; everything they write goes to a temporary
folder.
"""

from __future__ import annotations

import math
import re
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
import torch
from predict_helpers import read_tsv, single_thread  # noqa: F401

from kipoi_prism.cli.main import main
from kipoi_prism.config import ModelConfig
from kipoi_prism.errors import PrismInputError

selene = pytest.importorskip("kipoi_prism.integrations.selene.sampler")
import selene_sdk.train_model  # noqa: E402 - after the skip when selene-sdk is absent
import selene_sdk.utils  # noqa: E402

from kipoi_prism.integrations.selene import checkpoint as selene_checkpoint  # noqa: E402
from kipoi_prism.integrations.selene import model as selene_model  # noqa: E402
from kipoi_prism.integrations.selene import packing, splits, workarounds  # noqa: E402

pytestmark = pytest.mark.usefixtures("single_thread")

REPO = Path(__file__).parent.parent
CONFIG = REPO / "configs" / "selene_train.yml"
MODEL_FILE = REPO / "kipoi_prism" / "selene_model.py"
EXAMPLE_PAIRS, EXAMPLE_FASTA = REPO / "example" / "pairs.bedpe", REPO / "example" / "genome.fa"
TINY = dict(enhancer_length=200, promoter_length=150, channels=8, stem_kernel=9, stem_pool=4,
            res_blocks=1, res_kernel=3, res_pool=2, element_dim=8, d_interaction=8,
            d_environment=4, env_hidden=8)  # fmt: skip
CELLS = ["cellA", "cellB", "cellC"]


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


# --------------------------------------------------------------------------- workarounds


def test_kipoi_prism_export_selene_keeps_the_pkg_resources_warning_off_the_terminal(tmp_path):
    """Selene imports setuptools' deprecated pkg_resources; a user of kipoi-prism sees none of
    it (a fresh process: the warning comes once, on the first import). Other warnings stay."""
    import os
    import subprocess
    import sys

    command = "main(['export-selene', 'missing.pth.tar', '--out', 'w.pt'])"
    code = (f"import warnings; from kipoi_prism.cli.main import main; "
            f"warnings.warn('another warning'); raise SystemExit({command})")  # fmt: skip
    environment = {k: v for k, v in os.environ.items() if k != "PYTHONWARNINGS"}
    done = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True,
                          text=True, env=environment)  # fmt: skip
    assert done.returncode == 2 and "missing.pth.tar: checkpoint not found" in done.stderr
    assert "another warning" in done.stderr
    assert "pkg_resources" not in done.stderr


def test_plateau_scheduler_takes_verbose_and_torch_is_left_alone():
    def optimizer():
        return torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=1.0)

    scheduler = selene_sdk.train_model.ReduceLROnPlateau(
        optimizer(), "min", patience=0, factor=0.5, verbose=True
    )
    assert isinstance(scheduler, workarounds.PlateauScheduler)
    scheduler.step(1.0)
    scheduler.step(2.0)  # no improvement, patience 0: halve
    assert scheduler.optimizer.param_groups[0]["lr"] == 0.5
    with pytest.raises(TypeError, match="verbose"):
        torch.optim.lr_scheduler.ReduceLROnPlateau(optimizer(), "min", verbose=True)


def test_checkpoints_with_a_numpy_min_loss_load_weights_only(tmp_path):
    model = torch.nn.Linear(2, 1)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    path = tmp_path / "best_model.pth.tar"
    torch.save({"step": 7, "state_dict": model.state_dict(), "optimizer": optimizer.state_dict(),
                "min_loss": np.average([0.5, 0.25])}, path)  # fmt: skip
    with pytest.raises(Exception, match="Weights only load failed"):
        torch.load(path)  # outside Selene's loaders nothing is relaxed
    trainer = SimpleNamespace(model=torch.nn.Linear(2, 1), optimizer=torch.optim.SGD(
        torch.nn.Linear(2, 1).parameters(), lr=0.1), max_steps=10, use_cuda=False)  # fmt: skip
    selene_sdk.train_model.TrainModel._load_checkpoint(trainer, str(path))
    assert trainer.step == 7 and trainer._min_loss == 0.375
    assert torch.equal(trainer.model.weight, model.weight)


@pytest.mark.filterwarnings("ignore:color is redundantly defined")  # Selene's plotting code
def test_evaluation_plots_use_a_style_matplotlib_knows(tmp_path):
    import matplotlib.style

    assert "seaborn-colorblind" not in matplotlib.style.available  # renamed in matplotlib 3.6
    assert workarounds.matplotlib_style("seaborn-colorblind") == "seaborn-v0_8-colorblind"
    assert workarounds.matplotlib_style("ggplot") == "ggplot"
    curves = selene_sdk.utils.performance_metrics
    target = np.array([[0.0], [1.0], [1.0], [0.0]])
    prediction = np.array([[0.1], [0.8], [0.4], [0.3]])
    curves.visualize_roc_curves(prediction, target, str(tmp_path), report_gt_feature_n_positives=0)
    assert (tmp_path / "roc_curves.svg").stat().st_size > 0


def test_criterion_refuses_training_predictions_without_the_model_step():
    predictions = torch.full((3, 1), 0.5, requires_grad=True)
    targets = torch.tensor([[0.0, 0.0], [1.0, 0.0], [1.0, 1.0]])
    with pytest.raises(ValueError, match="not the output of PrismSeleneModel"):
        selene_model.criterion()(predictions * 1, targets)
    loss = selene_model.criterion()(predictions.detach(), targets[:, :1])  # EvaluateModel's columns
    assert float(loss) == pytest.approx(math.log(2), rel=1e-6)


def test_lr_from_yaml_becomes_a_float():
    model_configs = {"path": str(MODEL_FILE), "class": "PrismSeleneModel",
                     "class_args": {"cell_lines": CELLS, "model": TINY}}  # fmt: skip
    _, loss, optimizer_class, kwargs = selene_sdk.utils.config_utils.initialize_model(
        model_configs, train=True, lr="1e-3"
    )
    assert kwargs["lr"] == 0.001 and isinstance(kwargs["lr"], float)
    assert issubclass(optimizer_class, torch.optim.AdamW)
    assert isinstance(loss, selene_model.PrismSeleneCriterion)
    with pytest.raises(PrismInputError, match="lr: 'fast' is not a number"):
        selene_sdk.utils.config_utils.initialize_model(model_configs, train=True, lr="fast")


# --------------------------------------------------------------------------- one encoding


def test_one_interval_encodes_identically_in_selene_lightning_and_kipoi(tmp_path):
    from kipoi_prism.integrations.kipoi.dataloader import PrismPairDataLoader
    from kipoi_prism.io.genome import Genome
    from kipoi_prism.io.pairs import read_pairs
    from kipoi_prism.model.network import PrismEnergy
    from kipoi_prism.model.weights import save_weights
    from kipoi_prism.training.datasets import PairRowsDataset, WindowSource

    lengths = {"enhancer_length": 3000, "promoter_length": 2000}  # the example's default
    name = "cellB_pair05"
    sampler = selene.PrismPairSampler(
        str(EXAMPLE_PAIRS), str(EXAMPLE_FASTA), validation_holdout=["chr1"], support_size=4,
        **lengths,
    )  # fmt: skip
    frame = sampler.frames["validate"]
    assert name in set(frame["name"])
    batches, _ = sampler.get_validation_set(64)
    inputs, targets = batches[0]
    packed = packing.unpack_inputs(torch.Tensor(inputs).transpose(1, 2), 3000, 2000)
    labelled = frame[frame["label"] >= 0]
    cells = labelled["cell_line"].map(sampler.cell_lines.index).to_numpy()
    order = np.lexsort((np.arange(len(labelled)), cells))
    row = int(np.flatnonzero(labelled["name"].to_numpy()[order] == name)[0])
    selene_windows = (packed.enhancer[row].numpy(), packed.promoter[row].numpy())

    table = read_pairs(EXAMPLE_PAIRS)
    position = int(np.flatnonzero(table["name"].to_numpy() == name)[0])
    dataset = PairRowsDataset(WindowSource(table, Genome(EXAMPLE_FASTA), **lengths), CELLS)
    item = dataset[np.array([position])]
    lightning_windows = (item["enhancer"][0], item["promoter"][0])

    weights = save_weights(tmp_path / "w.pt", PrismEnergy(ModelConfig(**{**TINY, **lengths})))
    loader = PrismPairDataLoader(str(EXAMPLE_PAIRS), str(EXAMPLE_FASTA), weights=str(weights))
    batch = next(b for b in loader.batch_iter(batch_size=64) if name in b["metadata"]["name"])
    index = list(batch["metadata"]["name"]).index(name)
    kipoi_windows = (batch["inputs"]["enhancer"][index], batch["inputs"]["promoter"][index])

    for selene_array, lightning_array, kipoi_array in zip(
        selene_windows, lightning_windows, kipoi_windows, strict=True
    ):
        assert selene_array.dtype == lightning_array.dtype == kipoi_array.dtype == np.float32
        np.testing.assert_array_equal(selene_array, lightning_array)
        np.testing.assert_array_equal(selene_array, kipoi_array)
    assert selene_windows[0].shape == (4, 3000) and selene_windows[1].shape == (4, 2000)
    assert selene_windows[0].sum() > 0


# --------------------------------------------------------------------------- sampler


@pytest.fixture
def sampler():
    return selene.PrismPairSampler(
        str(EXAMPLE_PAIRS), str(EXAMPLE_FASTA), validation_holdout=["chr1"],
        test_holdout=["chr2"], train_cell_lines=CELLS, enhancer_length=200, promoter_length=150,
        blocks_per_batch=4, support_size=5, seed=3,
    )  # fmt: skip


def test_training_batches_pack_cell_line_blocks_with_their_support_sets(sampler):
    inputs, targets = sampler.sample(16)
    assert inputs.dtype == np.float32 and inputs.shape[1:] == (200 + 150 + 1, 4)
    packed = packing.unpack_inputs(torch.Tensor(inputs).transpose(1, 2), 200, 150)
    q = packed.n_query
    assert targets.shape == (q, 2) and 0 < q <= 16
    np.testing.assert_array_equal(targets[:, 1], packed.cell.numpy())
    train = sampler.frames["train"]
    assert set(targets[:, 0]) <= {0.0, 1.0}
    for block in packed.block.unique():
        assert len(packed.cell[packed.block == block].unique()) == 1  # cell-line-pure block
    assert packed.block.max() <= 3
    support_cells = packed.support_cell.tolist()
    for cell in packed.cell.unique().tolist():
        expected = min(5, int((train["cell_line"] == CELLS[cell]).sum()))
        assert support_cells.count(cell) == expected
    assert len(packed.cell.unique()) > 1  # the batch mixes cell lines across blocks
    assert packed.epoch == 0
    # one-hot rows: every position of a window is one base or N (zeros)
    column_sums = packed.enhancer.sum(dim=1)
    assert set(column_sums.unique().tolist()) <= {0.0, 1.0}


def test_epochs_cover_every_training_pair_once_and_repeat_with_the_seed(sampler):
    # chr3 training split: cellA 9, cellB 7, cellC 7 labelled pairs -> 3 + 2 + 2 blocks of 4
    epoch = [sampler.sample(16) for _ in range(2)]
    assert sampler.epoch == 0
    queries = sum(len(targets) for _, targets in epoch)
    assert queries == int((sampler.frames["train"]["label"] >= 0).sum()) == 23
    third, _ = sampler.sample(16)
    assert sampler.epoch == 1
    assert packing.unpack_inputs(torch.Tensor(third).transpose(1, 2), 200, 150).epoch == 1
    again = selene.PrismPairSampler(
        str(EXAMPLE_PAIRS), str(EXAMPLE_FASTA), validation_holdout=["chr1"],
        test_holdout=["chr2"], train_cell_lines=CELLS, enhancer_length=200, promoter_length=150,
        support_size=5, seed=3,
    )  # fmt: skip
    for inputs, targets in epoch:
        repeat_inputs, repeat_targets = again.sample(16)
        np.testing.assert_array_equal(inputs, repeat_inputs)
        np.testing.assert_array_equal(targets, repeat_targets)


def test_validation_and_test_sets_hold_every_labelled_pair_once(sampler):
    for mode, chrom in (("validate", "chr1"), ("test", "chr2")):
        batches, labels = sampler.get_data_and_targets(8, mode=mode)
        frame = sampler.frames[mode]
        assert set(frame["enhancer_chrom"]) == {chrom}
        assert labels.shape == (int((frame["label"] >= 0).sum()), 1)
        assert labels.sum() == frame["label"].clip(lower=0).sum()
        assert all(len(targets) <= 8 for _, targets in batches)
        np.testing.assert_array_equal(np.concatenate([t[:, :1] for _, t in batches]), labels)
    batches, labels = sampler.get_validation_set(8, n_samples=5)
    assert len(labels) == 5 and sampler.mode == "validate"
    assert sampler.get_feature_from_index(0) == "interaction"


def test_save_dataset_writes_the_sampled_pairs(tmp_path):
    sampler = selene.PrismPairSampler(
        str(EXAMPLE_PAIRS), str(EXAMPLE_FASTA), validation_holdout=["chr1"],
        enhancer_length=200, promoter_length=150, save_datasets=["train", "validate"],
        output_dir=str(tmp_path),
    )  # fmt: skip
    _, targets = sampler.sample(64)  # chr2 and chr3: one batch of 13 + 10 + 11 pairs
    sampler.save_dataset_to_file("train", close_filehandle=True)
    saved = pd.read_csv(tmp_path / "train_pairs.bedpe", sep="\t")
    assert len(saved) == len(targets) == 34
    assert set(saved["#enhancer_chrom"]) == {"chr2", "chr3"}
    sampler.get_validation_set(64)
    assert len(pd.read_csv(tmp_path / "validate_pairs.bedpe", sep="\t")) == 14


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"validation_holdout": []}, "sampler.validation_holdout: name the held-out chromosome"),
        ({"validation_holdout": ["chr9"]}, "sampler.validation_holdout: chr9 not found among"),
        ({"split_by": "cell_line", "validation_holdout": ["cellD"]}, "cellD not found among"),
        ({"split_by": "random"}, "sampler.split_by: 'random' is not one of"),
        ({"train_cell_lines": ["cellA", "cellB"]}, "the training split holds the cell lines"),
        ({"blocks_per_batch": 0}, "sampler.blocks_per_batch: expected a positive integer"),
        ({"save_datasets": ["test"]}, "save_datasets needs an output_dir"),
        ({"features": ["a", "b"]}, "expected one feature name"),
    ],
)
def test_sampler_names_bad_settings(changes, message):
    settings = dict(
        pairs=str(EXAMPLE_PAIRS), genome=str(EXAMPLE_FASTA), validation_holdout=["chr1"],
        enhancer_length=200, promoter_length=150,
    )  # fmt: skip
    with pytest.raises(PrismInputError, match=re.escape(message)):
        selene.PrismPairSampler(**{**settings, **changes})


def test_splits_hold_out_a_pair_by_either_element_and_number_training_cell_lines_first():
    frame = pd.DataFrame({"enhancer_chrom": ["chr1", "chr2", "chr3"],
                          "promoter_chrom": ["chr2", "chr3", "chr3"],
                          "cell_line": ["b", "a", "c"]})  # fmt: skip
    by_chromosome = splits.holdout_mask(frame, "chromosome", ["chr2"], "test_holdout", "t")
    assert by_chromosome.tolist() == [True, True, False]
    by_cell_line = splits.holdout_mask(frame, "cell_line", ["c"], "test_holdout", "t")
    assert by_cell_line.tolist() == [False, False, True]
    frames = {"train": frame.iloc[:2], "validate": frame.iloc[2:]}
    assert splits.cell_vocabulary(frames, None, "t") == ["a", "b", "c"]
    assert splits.cell_vocabulary(frames, ["b", "a"], "t") == ["b", "a", "c"]
    assert splits.names("chr1") == ["chr1"] and splits.names(None) == []
    # Simulated pairs lie on sequences named by region; their real chromosomes decide.
    simulated = frame.assign(enhancer_chrom=["chr1_5_9", "chr2_5_9", "chr3_5_9"],
                             promoter_chrom=["chr2_1_4", "chr3_1_4", "chr3_2_4"],
                             original_enhancer_chrom=["chr1", "chr2", "chr3"],
                             original_promoter_chrom=["chr2", "chr3", "chr3"])  # fmt: skip
    by_original = splits.holdout_mask(simulated, "chromosome", ["chr2"], "test_holdout", "t")
    assert by_original.tolist() == [True, True, False]


def test_sampler_refuses_a_batch_it_cannot_split_and_a_missing_test_split():
    sampler = selene.PrismPairSampler(
        str(EXAMPLE_PAIRS), str(EXAMPLE_FASTA), validation_holdout=["chr1"],
        enhancer_length=200, promoter_length=150,
    )  # fmt: skip
    assert sampler.modes == ["train", "validate"]
    with pytest.raises(PrismInputError, match="batch_size 10 is not a multiple of"):
        sampler.sample(10)
    with pytest.raises(PrismInputError, match="no test split"):
        sampler.get_test_set(16)
    sampler.sample(16)
    with pytest.raises(PrismInputError, match="batch size changed from 16 to 32"):
        sampler.sample(32)


# --------------------------------------------------------------------------- model + objective


def selene_step(model, criterion, optimizer, sampler) -> torch.Tensor:
    """One step of Selene's ``TrainModel.train`` (same calls, same order)."""
    model.train()
    sampler.set_mode("train")
    inputs, targets = sampler.sample(16)
    predictions = model(torch.Tensor(inputs).transpose(1, 2))
    loss = criterion(predictions, torch.Tensor(targets))
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    return loss


def snapshot(parameters) -> list[torch.Tensor]:
    return [p.detach().clone() for p in parameters]


def changed(before, parameters) -> bool:
    return any(not torch.equal(b, p) for b, p in zip(before, parameters, strict=True))


def test_selene_loop_runs_the_curriculum_and_the_full_objective(sampler):
    torch.manual_seed(0)
    model = selene_model.PrismSeleneModel(CELLS, model=TINY, train={"warmup_epochs": 1})
    criterion = selene_model.criterion()
    optimizer_class, kwargs = selene_model.get_optimizer(0.01)
    optimizer = optimizer_class(model.parameters(), **kwargs)
    frozen = model.objective.frozen_during_warmup()
    backbone = list(model.network.backbone.parameters())

    env_before, backbone_before = snapshot(frozen), snapshot(backbone)
    for _ in range(2):  # epoch 0: warm-up
        selene_step(model, criterion, optimizer, sampler)
    assert not changed(env_before, frozen) and changed(backbone_before, backbone)
    warmup = criterion.history
    assert warmup == []  # monitors are logged at Selene's validation
    (inputs, targets), *_ = sampler.get_validation_set(16)[0]
    criterion(model.eval()(torch.Tensor(inputs).transpose(1, 2)), torch.Tensor(targets))
    row = criterion.history[-1]
    assert row["warmup"] == 1 and row["epoch"] == 1 and row["steps"] == 2
    assert 0 <= row["train_aupr"] <= 1 and row["domain_chance"] == pytest.approx(1 / 3)
    for name in ("loss_task", "loss_corr", "loss_inv", "loss_hcont", "loss_sparse", "loss_proto",
                 "corr", "domain_acc", "zI_l0", "zE_l0", "T", "lam"):  # fmt: skip
        assert math.isfinite(row[name]), name

    env_before = snapshot(frozen)
    loss = selene_step(model, criterion, optimizer, sampler)  # epoch 1
    assert changed(env_before, frozen)
    assert model.phase().warmup is False and int(model.epoch) == 1
    weights = model.phase().weights
    assert (weights.corr, weights.inv, weights.hcont, weights.sparse, weights.proto) == \
        pytest.approx((0.11, 0.11, 0.06, 0.02, 0.06))  # fmt: skip
    assert math.isfinite(float(loss.detach()))


def test_every_auxiliary_loss_reaches_the_backbone_through_the_packing(sampler):
    model = selene_model.PrismSeleneModel(CELLS, model=TINY, train={"warmup_epochs": 0})
    inputs, targets = sampler.sample(16)
    predictions = model.train()(torch.Tensor(inputs).transpose(1, 2))
    step = predictions.prism_step
    labels, cells = packing.unpack_targets(torch.Tensor(targets))
    terms, _ = model.objective.loss_terms(step.out, {"label": labels, "cell": cells}, step.cells,
                                          step.z_e_cells, step.phase)  # fmt: skip
    assert set(terms) == {"task", "corr", "inv", "hcont", "sparse", "proto"}
    backbone = [p for p in model.network.backbone.parameters() if p.requires_grad]
    for name, term in terms.items():
        gradients = torch.autograd.grad(term, backbone, retain_graph=True, allow_unused=True)
        norm = sum(float(g.norm()) for g in gradients if g is not None)
        assert norm > 0, f"L_{name} has no gradient on the backbone"


def test_criterion_total_is_the_weighted_sum_of_the_terms(sampler):
    model = selene_model.PrismSeleneModel(CELLS, model=TINY, train={"warmup_epochs": 0, "seed": 1})
    inputs, targets = sampler.sample(16)
    torch.manual_seed(0)  # the same dropout masks in both passes
    predictions = model.train()(torch.Tensor(inputs).transpose(1, 2))
    loss = selene_model.criterion()(predictions, torch.Tensor(targets))
    # the same batch through a copy of the objective, before any state was updated
    twin = selene_model.PrismSeleneModel(CELLS, model=TINY, train={"warmup_epochs": 0, "seed": 1})
    torch.manual_seed(0)
    step = twin.train()(torch.Tensor(inputs).transpose(1, 2)).prism_step
    labels, cells = packing.unpack_targets(torch.Tensor(targets))
    terms, _ = twin.objective.loss_terms(step.out, {"label": labels, "cell": cells}, step.cells,
                                         step.z_e_cells, step.phase)  # fmt: skip
    w = step.phase.weights
    expected = terms["task"] + sum(
        getattr(w, name) * terms[name] for name in ("corr", "inv", "hcont", "sparse", "proto")
    )
    assert float(loss.detach()) == pytest.approx(float(expected.detach()), rel=1e-5)
    assert float(loss.detach()) > float(terms["task"].detach())


def test_model_names_inputs_that_do_not_fit():
    model = selene_model.PrismSeleneModel(CELLS, model=TINY)
    with pytest.raises(ValueError, match=re.escape("expected shape (N, 4, 200 + 150 + 1)")):
        model(torch.zeros(3, 4, 350))
    x = torch.zeros(3, 4, 351)
    x[:, packing.TAG_ROLE, -1] = torch.tensor([1.0, 0.0, 1.0])
    with pytest.raises(ValueError, match="query rows .* first"):
        model(x)
    x[:, packing.TAG_ROLE, -1] = torch.tensor([1.0, 1.0, 0.0])
    x[:, packing.TAG_CELL, -1] = torch.tensor([0.0, 1.0, 1.0])
    with pytest.raises(ValueError, match=re.escape("cell id(s) [0] have queries but no support")):
        model(x)


@pytest.mark.parametrize(
    "class_args, message",
    [
        ({"cell_lines": []}, "cell_lines: expected the list of training cell lines"),
        ({"cell_lines": CELLS, "train": {"lr": 0.1}}, "train.lr: set it in the top-level `lr`"),
        ({"cell_lines": CELLS, "train": {"block_size": 4}}, "train.block_size: set it in"),
        ({"cell_lines": CELLS, "train": {"bogus": 1}}, "train: unknown key(s) bogus"),
    ],
)
def test_model_names_bad_class_args(class_args, message):
    with pytest.raises(PrismInputError, match=re.escape(message)):
        selene_model.PrismSeleneModel(**class_args)


def test_optimizer_decays_weight_matrices_only():
    model = selene_model.PrismSeleneModel(CELLS, model=TINY)
    optimizer_class, kwargs = selene_model.get_optimizer("2e-3")
    optimizer = optimizer_class(model.parameters(), **kwargs)
    decay, plain = optimizer.param_groups
    assert decay["weight_decay"] == 1e-3 and plain["weight_decay"] == 0.0
    assert all(p.ndim >= 2 for p in decay["params"]) and all(p.ndim < 2 for p in plain["params"])
    assert optimizer.defaults["lr"] == 0.002
