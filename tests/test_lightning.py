"""Training end to end on a tiny made data set: curriculum, ramp, losses, export, resume."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest
import torch
from pytorch_lightning.callbacks import Callback
from toy_training import (
    quiet_trainer,
    tiny_model,
    tiny_train,
    toy_batch,
    toy_split_run,
)

from kipoi_prism import metrics
from kipoi_prism.config import InferenceConfig, LossWeights
from kipoi_prism.errors import PrismInputError
from kipoi_prism.inference import score_frame
from kipoi_prism.model.weights import load_weights
from kipoi_prism.training.curriculum import AUXILIARY, phase_at
from kipoi_prism.training.fit import fit
from kipoi_prism.training.module import PrismLightning


class Snapshots(Callback):
    """Copies of the warm-up-frozen and backbone parameters before training and after each epoch."""

    def __init__(self) -> None:
        self.states: list[tuple[list[torch.Tensor], list[torch.Tensor]]] = []

    def _grab(self, module: PrismLightning) -> None:
        frozen = [p.detach().clone() for p in module.objective.frozen_during_warmup()]
        backbone = [p.detach().clone() for p in module.model.backbone.parameters()]
        self.states.append((frozen, backbone))

    def on_train_start(self, trainer, pl_module) -> None:
        self._grab(pl_module)

    def on_train_epoch_end(self, trainer, pl_module) -> None:
        self._grab(pl_module)


class SimulatedKill(RuntimeError):
    pass


class BatchCounter(Callback):
    """The global step at the first training batch, and how many batches ran."""

    def __init__(self) -> None:
        self.first_step: int | None = None
        self.batches = 0

    def on_train_batch_start(self, trainer, pl_module, batch, batch_idx) -> None:
        if self.first_step is None:
            self.first_step = trainer.global_step
        self.batches += 1


class KillAt(Callback):
    def __init__(self, step: int) -> None:
        self.step = step

    def on_train_batch_end(self, trainer, pl_module, outputs, batch, batch_idx) -> None:
        if trainer.global_step == self.step:
            raise SimulatedKill(f"killed after step {self.step}")


@pytest.fixture(scope="module")
def toy(tmp_path_factory):
    return toy_split_run(tmp_path_factory.mktemp("toy"))


@pytest.fixture(scope="module")
def run(toy):
    """2 warm-up + 2 full epochs, checkpoints every 2 steps (4 steps per epoch)."""
    folder, genome, train, val = toy
    snapshots = Snapshots()
    result = fit(train, val, genome, tiny_model(), tiny_train(), folder / "run",
                 trainer_config=quiet_trainer(checkpoint_every_n_steps=2),
                 callbacks=[snapshots])  # fmt: skip
    return result, snapshots


def _same(a: list[torch.Tensor], b: list[torch.Tensor]) -> bool:
    return all(torch.equal(x, y) for x, y in zip(a, b, strict=True))


# --------------------------------------------------------------------------- the run


def test_environment_frozen_during_warmup_and_learning_after(run):
    result, snapshots = run
    assert len(snapshots.states) == 5  # start + 4 epochs
    (env0, bb0), (env1, bb1), (env2, _), (env3, _), (env4, _) = snapshots.states
    assert _same(env0, env1) and _same(env1, env2), "environment parameters moved in warm-up"
    assert not _same(bb0, bb1), "the backbone did not learn in warm-up"
    assert not _same(env2, env3) and not _same(env3, env4), "environment frozen after warm-up"
    history = result.history
    assert history["warmup"].tolist() == [1, 1, 0, 0]
    assert (history.loc[history["warmup"] == 1, "R_E"] == 0).all()
    assert (history.loc[history["warmup"] == 0, "R_E"] > 0).all()


def test_history_follows_the_ramp_and_holds_every_monitor(run, toy):
    result, _ = run
    history = result.history
    config = tiny_train()
    for name in AUXILIARY:
        expected = [getattr(phase_at(config, e).weights, name) for e in range(4)]
        assert history[f"w_{name}"].tolist() == pytest.approx(expected)
    for column in ("train_aupr", "train_auroc", "train_f1", "val_aupr", "val_auroc", "val_f1",
                   "corr", "domain_acc", "domain_chance", "zI_l0", "zE_l0", "T", "lam",
                   "train_loss_task", "train_loss_corr", "train_loss_inv", "train_loss_hcont",
                   "train_loss_sparse", "train_loss_proto", "train_pairs_per_s"):  # fmt: skip
        assert history[column].notna().all(), column
    assert (history["domain_chance"] == 0.5).all()
    # The chance level of AUPR and F1 at the calibrated threshold, as the report draws them.
    assert (history["val_prevalence"] == toy[3]["label"].mean()).all()
    p, r = history["val_precision"], history["val_recall"]
    np.testing.assert_allclose(history["val_f1_calibrated"], 2 * p * r / (p + r))
    assert history["train_f1_calibrated"].between(0, 1).all()
    assert (result.run_dir / "history.csv").is_file()
    assert list((result.run_dir / "logs").glob("version_*/metrics.csv"))


def test_export_has_prototypes_threshold_and_scores_like_validation(run, toy):
    result, _ = run
    _, genome, _, val = toy
    bundle = load_weights(result.weights_path)
    assert sorted(bundle.prototypes) == ["A", "B"]
    assert bundle.prototypes["A"].shape == (4,)
    best = result.history.loc[result.history["epoch"] == result.best_epoch].iloc[0]
    assert result.best_val_aupr == pytest.approx(result.history["val_aupr"].max())
    assert bundle.threshold == pytest.approx(best["val_threshold"])
    assert bundle.metadata["fit"]["best_epoch"] == result.best_epoch
    trained = result.best_epoch > tiny_train().warmup_epochs
    assert bundle.metadata["fit"]["environment_trained"] is trained is result.environment_trained
    assert bundle.metadata["fit"]["ended_by"] == result.ended_by == "max_epochs"
    scores = score_frame(bundle, val, genome, config=InferenceConfig(support_size=8, seed=0))
    assert scores["name"].tolist() == val["name"].tolist()
    aupr = metrics.aupr(scores["label"].to_numpy(), scores["probability"].to_numpy())
    assert aupr == pytest.approx(best["val_aupr"], abs=1e-6)
    shuffled = score_frame(bundle, val.sample(frac=1, random_state=3), genome,
                           config=InferenceConfig(support_size=8))  # fmt: skip
    merged = scores.merge(shuffled, on="name")
    np.testing.assert_allclose(merged["probability_x"], merged["probability_y"], atol=1e-6)


def test_resume_after_kill_mid_epoch_ends_with_the_same_weights(run, toy):
    result, _ = run
    folder, genome, train, val = toy
    out = folder / "killed"
    every_2 = quiet_trainer(checkpoint_every_n_steps=2)
    with pytest.raises(SimulatedKill):
        fit(train, val, genome, tiny_model(), tiny_train(), out, trainer_config=every_2,
            callbacks=[KillAt(11)])  # fmt: skip
    saved = torch.load(out / "checkpoints" / "last.ckpt", weights_only=False, map_location="cpu")
    assert saved["global_step"] == 10 and saved["epoch"] == 2  # mid-epoch 3, step 11 lost
    # Resumed with loader workers: they prefetch as soon as Lightning builds the iterator.
    counter = BatchCounter()
    resumed = fit(train, val, genome, tiny_model(), tiny_train(), out, trainer_config=every_2,
                  resume="auto", num_workers=2, callbacks=[counter])  # fmt: skip
    # Not a silent restart (which would reach the same weights): it went on from step 10.
    assert counter.first_step == 10 and counter.batches == 16 - 10
    done = pd.DataFrame(saved["prism"]["history"])  # epochs 1-2 with their measured times
    pd.testing.assert_frame_equal(resumed.history.iloc[:2][list(done)], done)
    reference = torch.load(result.last_checkpoint, weights_only=False, map_location="cpu")
    final = torch.load(resumed.last_checkpoint, weights_only=False, map_location="cpu")
    assert reference["global_step"] == final["global_step"] == 16
    for key, value in reference["state_dict"].items():
        torch.testing.assert_close(final["state_dict"][key], value, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(resumed.history["val_aupr"], result.history["val_aupr"], atol=1e-6)


# --------------------------------------------------------------------------- one batch


def _module_and_batch(toy, epoch_index: int = 2):
    _, genome, train, _ = toy
    cells = sorted(train["cell_line"].unique())
    module = PrismLightning(tiny_model(), tiny_train(), cells, ["C"])
    return module, toy_batch(genome, train, cells), phase_at(module.train_config, epoch_index)


def test_every_auxiliary_loss_has_a_gradient_on_a_real_batch(toy):
    module, batch, phase = _module_and_batch(toy)
    module.train()
    objective = module.objective
    out, cells, z_e_cells = objective.encode_batch(batch, use_environment=not phase.warmup)
    assert len(cells) >= 2, "the batch should hold several cell lines"
    terms, monitors = objective.loss_terms(out, batch, cells, z_e_cells, phase)
    assert set(AUXILIARY) <= set(terms)
    backbone = list(module.model.backbone.parameters())
    environment = list(module.model.environment.parameters())
    for name in AUXILIARY:
        grads = torch.autograd.grad(terms[name], backbone + environment, retain_graph=True,
                                    allow_unused=True)  # fmt: skip
        norm = sum(float(g.abs().sum()) for g in grads if g is not None)
        assert terms[name].item() > 0 and norm > 0, f"L_{name} has no gradient"
    grads = torch.autograd.grad(terms["inv"], list(objective.domain.parameters()))
    assert sum(float(g.abs().sum()) for g in grads) > 0
    assert 0 <= monitors["domain_acc"].item() <= 1


def test_early_stopping_fires_on_a_plateau(toy, monkeypatch):
    folder, genome, train, val = toy
    labels = np.array([0, 1, 0, 1])
    flat = np.array([0.2, 0.6, 0.4, 0.3])
    monkeypatch.setattr(PrismLightning, "validation_predictions", lambda self: (labels, flat))
    result = fit(train, val, genome, tiny_model(), tiny_train(max_epochs=10, patience=3),
                 folder / "plateau", trainer_config=quiet_trainer())  # fmt: skip
    assert result.epochs_run == 4  # best at epoch 1, then 3 epochs without improvement
    assert result.best_epoch == 1


def test_early_stopping_waits_for_the_warmup_and_says_the_export_is_untrained(
    toy, monkeypatch, caplog
):
    """A plateau from epoch 1 with patience 1 would stop at epoch 2, inside the warm-up; the
    run goes on to epoch 3, exports epoch 1 and says that its environment never trained."""
    folder, genome, train, val = toy
    labels = np.array([0, 1, 0, 1])
    flat = np.array([0.2, 0.6, 0.4, 0.3])
    monkeypatch.setattr(PrismLightning, "validation_predictions", lambda self: (labels, flat))
    with caplog.at_level("WARNING", logger="kipoi_prism.training.fit"):
        result = fit(train, val, genome, tiny_model(), tiny_train(max_epochs=10, patience=1),
                     folder / "warmup-plateau", trainer_config=quiet_trainer())  # fmt: skip
    assert result.history["warmup"].tolist() == [1, 1, 0]
    assert (result.epochs_run, result.ended_by, result.best_epoch) == (3, "early_stopping", 1)
    assert result.environment_trained is False
    fit_meta = load_weights(result.weights_path).metadata["fit"]
    assert fit_meta["environment_trained"] is False and fit_meta["ended_by"] == "early_stopping"
    warnings = [r.getMessage() for r in caplog.records if r.levelname == "WARNING"]
    assert any("the exported epoch 1 lies inside the warm-up (epochs 1-2)" in w
               and "untrained environment stream" in w for w in warnings), warnings  # fmt: skip
    # kipoi-prism export of that checkpoint says the same.
    from kipoi_prism.training.export import export_checkpoint

    caplog.clear()
    exported = export_checkpoint(result.best_checkpoint, folder / "warmup-plateau" / "w1.pt")
    assert load_weights(exported).metadata["fit"] == {"environment_trained": False}
    assert "epoch 1 lies inside the warm-up" in caplog.text


def test_a_run_inside_the_warmup_is_refused_before_training(toy):
    folder, genome, train, val = toy
    with pytest.raises(PrismInputError, match=r"train.max_epochs \(2\) must be larger than "
                       r"train.warmup_epochs \(2\)"):  # fmt: skip
        fit(train, val, genome, tiny_model(), tiny_train(max_epochs=2), folder / "refused",
            trainer_config=quiet_trainer())  # fmt: skip
    assert not (folder / "refused").exists()


def test_feature_backbone_trains_on_table_columns(toy):
    folder, _, train, val = toy
    rng = np.random.default_rng(0)

    def with_features(frame):
        frame = frame.copy()
        signal = frame["label"].to_numpy() * 2.0
        for i in range(3):
            frame[f"e{i}"] = rng.normal(size=len(frame)) + (signal if i == 0 else 0)
        frame["p0"] = rng.normal(size=len(frame)) + signal
        return frame

    columns = (["e0", "e1", "e2"], ["p0"])
    model = tiny_model()
    model.backbone, model.feature_dims = "features", (3, 1)
    result = fit(with_features(train), with_features(val), None, model,
                 tiny_train(max_epochs=3, warmup_epochs=1), folder / "features",
                 trainer_config=quiet_trainer(), feature_columns=columns)  # fmt: skip
    assert result.epochs_run == 3 and result.best_val_aupr > 0.8
    scores = score_frame(result.weights_path, with_features(val), feature_columns=columns,
                         config=InferenceConfig(support_size=8))  # fmt: skip
    assert len(scores) == len(val) and scores["probability"].between(0, 1).all()


def test_exported_weights_score_the_same_in_kipoi_prism_predict(run, toy, tmp_path):
    pytest.importorskip("kipoi_prism.inference.engine")
    from kipoi_prism.cli.main import main
    from kipoi_prism.io.pairs import read_pairs

    result, _ = run
    folder, genome, _, _ = toy
    out = tmp_path / "scores.tsv"
    argv = ["predict", "--pairs", str(folder / "pairs.bedpe"), "--fasta", str(genome),
            "--weights", str(result.weights_path), "--out", str(out)]  # fmt: skip
    assert main(argv) == 0
    engine = pd.read_csv(out, sep="\t")
    ours = score_frame(result.weights_path, read_pairs(folder / "pairs.bedpe"), genome)
    assert engine["name"].tolist() == ours["name"].tolist()
    np.testing.assert_allclose(engine["probability"], ours["probability"], atol=1e-6)


OFF = LossWeights(corr=0.0, inv=0.0, hcont=0.0, sparse=0.0, proto=0.0)


@pytest.mark.parametrize(
    ("model_changes", "train_changes"),
    [
        ({"head": "linear", "temperature": "cell"},
         {"task_loss": "bce", "decouple": "orth", "curriculum": False, "t_l2": 0.1}),
        ({"head": "film"}, {"weights": OFF}),
        ({"lam_init": 0.0, "learn_lam": False, "learn_temperature": False}, {}),
    ],
    ids=["linear-bce-orth-flat", "film-no-aux", "additive-fixed-T"],
)  # fmt: skip
def test_ablations_train(toy, model_changes, train_changes):
    folder, genome, train, val = toy
    model = dataclasses.replace(tiny_model(), **model_changes)
    config = tiny_train(max_epochs=2, warmup_epochs=1, **train_changes)
    name = "-".join(f"{k}{v}" for k, v in model_changes.items())
    result = fit(train, val, genome, model, config, folder / f"ablation-{name}",
                 trainer_config=quiet_trainer())  # fmt: skip
    history = result.history
    assert result.epochs_run == 2 and history["val_aupr"].notna().all()
    if not config.curriculum:
        assert history["warmup"].eq(0).all() and history["w_corr"].eq(0.1).all()
    if config.weights == OFF:
        assert not any(c in history for c in ("train_loss_inv", "train_loss_hcont"))
    if not model.learn_lam:
        assert history["lam"].eq(0.0).all() and history["T"].eq(1.0).all()
    assert load_weights(result.weights_path).model.config == model


def test_loader_workers_do_not_change_the_run(run, toy):
    result, _ = run
    folder, genome, train, val = toy
    workers = fit(train, val, genome, tiny_model(), tiny_train(), folder / "workers",
                  trainer_config=quiet_trainer(), num_workers=2)  # fmt: skip
    np.testing.assert_allclose(workers.history["val_aupr"], result.history["val_aupr"], atol=1e-6)
    np.testing.assert_allclose(workers.history["train_loss"], result.history["train_loss"],
                               rtol=1e-5)  # fmt: skip
