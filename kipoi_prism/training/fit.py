"""Train prism-energy on two pair tables and export the package weights file.

:func:`fit` is the Python API behind ``kipoi-prism train`` (every ablation is a config
switch): it builds the :class:`~kipoi_prism.training.module.PrismLightning` module, the
:class:`~kipoi_prism.training.datamodule.PrismDataModule` and the Lightning ``Trainer``
(:func:`build_trainer`), trains, and writes the run folder: ``checkpoints/`` (``last.ckpt``,
``best.ckpt``), ``logs/``, ``config.yaml``, ``history.csv``, ``summary.json`` and
``weights.pt`` (:func:`export_weights`, from the best epoch).

Determinism
-----------
Model initialisation, batches, support sets and dropout are functions of the seed (dropout
is reseeded at every step from ``(seed, global step, rank)``), so the same seed gives the
same run, and a run resumed from a mid-epoch checkpoint ends with the same weights.
"""

from __future__ import annotations

import json
import logging
import math
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import pytorch_lightning as pl
import torch
from pytorch_lightning.callbacks import Callback, ModelCheckpoint

from kipoi_prism.config import ModelConfig, TrainConfig, TrainerConfig
from kipoi_prism.config.training import DISCOVER
from kipoi_prism.errors import PrismInputError
from kipoi_prism.io.atomic import write_text
from kipoi_prism.io.encode import ELEMENTS
from kipoi_prism.io.genome import Genome
from kipoi_prism.io.inputs import make_source
from kipoi_prism.io.sequence import encode_codes
from kipoi_prism.model.weights import save_weights
from kipoi_prism.training.callbacks import (
    EpochProgress,
    RunCheckpoint,
    WarmupEarlyStopping,
    quiet_lightning,
)
from kipoi_prism.training.curriculum import environment_trained
from kipoi_prism.training.datamodule import PrismDataModule, open_genome
from kipoi_prism.training.datasets import check_labelled, check_teachers
from kipoi_prism.training.element_read import fit_element_read
from kipoi_prism.training.module import PrismLightning
from kipoi_prism.training.objective import PrismObjective
from kipoi_prism.training.stem import initialise_stem_from_config, resolve_discovered_stem

log = logging.getLogger(__name__)

MONITOR = "val_aupr"


@dataclass
class FitResult:
    """What :func:`fit` produced.

    Attributes
    ----------
    run_dir : Path
    weights_path : Path or None
        The exported weights file (``None`` on processes other than rank 0).
    best_checkpoint, last_checkpoint : Path or None
    best_epoch : int or None
        1-based epoch of the best validation AUPR.
    element_read : dict or None
        With ``model.element_read``: the fitted read's ``C``, training pairs and the
        validation measures after it (``val_aupr``, ``val_threshold``, ...); else ``None``.
    environment_trained : bool
        Whether the exported epoch comes after the warm-up (``False``: its environment
        stream, ``f_E'``, ``g_E``, ``lam`` and ``t``, never trained; a warning says so).
    ended_by : str
        ``"max_epochs"``, ``"early_stopping"`` or ``"interrupted"``.
    best_val_aupr : float
    threshold : float
        Decision threshold calibrated on validation at the best epoch.
    epochs_run : int
    history : pandas.DataFrame
        One row per epoch (see ``docs/TRAINING.md`` for the columns).
    """

    run_dir: Path
    weights_path: Path | None
    best_checkpoint: Path | None
    last_checkpoint: Path | None
    best_epoch: int | None
    best_val_aupr: float
    threshold: float
    epochs_run: int
    history: pd.DataFrame = field(repr=False)
    environment_trained: bool = True
    ended_by: str = "max_epochs"
    element_read: dict | None = None


def fit(
    train_pairs: pd.DataFrame,
    val_pairs: pd.DataFrame,
    genome: str | os.PathLike | Genome | None,
    model_config: ModelConfig | None = None,
    train_config: TrainConfig | None = None,
    out_dir: str | os.PathLike | None = None,
    *,
    trainer_config: TrainerConfig | None = None,
    num_workers: int = 0,
    h5_cache: str | os.PathLike | None = None,
    feature_columns: tuple[Sequence[str], Sequence[str]] | None = None,
    resume: str | os.PathLike | None = None,
    callbacks: Sequence[Callback] = (),
    run_config: dict | None = None,
    metadata: dict | None = None,
) -> FitResult:
    """Train prism-energy and export the package weights file.

    With ``model_config.element_read`` the exported network's ``U_I`` is the element read
    fitted on the best epoch's element vectors once training ends, and the threshold is
    calibrated again for it (:mod:`kipoi_prism.training.element_read`).

    Parameters
    ----------
    train_pairs, val_pairs : pandas.DataFrame
        Canonical pair tables (:func:`kipoi_prism.io.pairs.read_pairs`) of the training and
        validation split (split by cell line or chromosome, never by random pair).
    genome : str, Path or Genome
        FASTA of the genome the coordinates refer to (``None`` with the feature backbone).
    model_config, train_config : optional
        Defaults: :class:`ModelConfig()`, :class:`TrainConfig()`.
    out_dir : str or Path, optional
        Run folder (default ``trainer_config.out_dir``): ``checkpoints/``, ``logs/``,
        ``history.csv``, ``weights.pt``, ``summary.json``.
    trainer_config : TrainerConfig, optional
        Lightning settings (devices, strategy, logger, progress bar, ...).
    num_workers : int
    h5_cache : str or Path, optional
    feature_columns : (list of str, list of str), optional
        Enhancer-side and promoter-side feature columns for ``model_config.backbone ==
        "features"``.
    resume : str or Path, optional
        A checkpoint to continue from, or ``"auto"`` for ``checkpoints/last.ckpt`` of the
        run folder when it exists.
    callbacks : sequence of Callback
        Extra Lightning callbacks.
    run_config : dict, optional
        The full configuration, written to ``config.yaml`` in the run folder.
    metadata : dict, optional
        Entries added to the weights file's metadata (and kept in the checkpoints, so
        ``kipoi-prism export`` writes them too): for the feature backbone, the recipe of
        its inputs, ``{"feature_inputs": kipoi_prism.io.feature_inputs.feature_recipe("rank")}``
        (without it, ``kipoi-prism predict`` assumes ``"log"``). Plain types only.

    Returns
    -------
    FitResult

    Raises
    ------
    PrismInputError
        ``train_config.max_epochs <= train_config.warmup_epochs`` with the curriculum on
        (:meth:`~kipoi_prism.config.TrainConfig.check_leaves_warmup`).
    """
    model_config = model_config or ModelConfig()
    train_config = train_config or TrainConfig()
    train_config.check_leaves_warmup()
    trainer_config = trainer_config or TrainerConfig()
    run_dir = Path(out_dir if out_dir is not None else trainer_config.out_dir)
    check_labelled(train_pairs, "training")
    check_labelled(val_pairs, "validation")
    if train_config.distill_weight:
        check_teachers(train_pairs)
    cells = sorted(train_pairs["cell_line"].astype(str).unique())
    val_cells = sorted(val_pairs["cell_line"].astype(str).unique())
    if trainer_config.threads:
        torch.set_num_threads(trainer_config.threads)
    checkpoint, pretrained = _resume_path(run_dir, resume), None
    if train_config.stem_motifs == DISCOVER:
        model_config, train_config = resolve_discovered_stem(
            train_pairs, val_pairs, open_genome(genome), model_config, train_config, run_dir,
            resuming=checkpoint is not None,
        )  # fmt: skip
    pl.seed_everything(train_config.seed, verbose=False)
    module = PrismLightning(model_config, train_config, cells, val_cells)
    module.weights_metadata = dict(metadata or {})
    if train_config.stem_motifs:
        initialise_stem_from_config(module.model, model_config, train_config)
    if train_config.freeze_thresholds:
        freeze_thresholds_from_config(module.model, model_config)
    if model_config.site_background is not None and checkpoint is None:  # a resumed run has it
        fit_site_backgrounds(module.model, train_pairs, genome, model_config)
    if train_config.pretrain_epochs and checkpoint is None:  # a resumed run has its weights
        from kipoi_prism.training.pretrain import pretrain_encoders

        device = "cuda" if _pretrain_on_gpu(trainer_config) else "cpu"
        pretrained = pretrain_encoders(module.model, train_pairs, genome, model_config,
                                       train_config, device)  # fmt: skip
    data = PrismDataModule(train_pairs, val_pairs, genome, model_config, train_config, cells,
                           val_cells, num_workers, h5_cache, feature_columns)  # fmt: skip
    trainer = build_trainer(run_dir, train_config, trainer_config, callbacks)
    if trainer.is_global_zero:
        _write_run_config(run_dir, run_config, model_config, train_config, trainer_config)
    trainer.fit(module, datamodule=data, ckpt_path=checkpoint, weights_only=False)
    return _finish(trainer, run_dir, train_config, data, pretrained)


def _pretrain_on_gpu(trainer_config: TrainerConfig) -> bool:
    """Pre-train on the GPU where the run will train on one (else on the CPU)."""
    return trainer_config.accelerator in ("auto", "gpu", "cuda") and torch.cuda.is_available()


def fit_site_backgrounds(model, train_pairs: pd.DataFrame, genome,
                         model_config: ModelConfig) -> None:  # fmt: skip
    """``model.site_background``: each element encoder's Markov chain, fitted on the distinct
    training regions' windows of its element (of both, for a shared encoder; no labels)."""
    from kipoi_prism.training.pretrain import element_targets

    frame = train_pairs.reset_index(drop=True)
    cells = sorted(frame["cell_line"].astype(str).unique())
    source = make_source(frame, model_config, open_genome(genome)).encoder
    encoders = {e: getattr(model.backbone, f"{e}_encoder") for e in ELEMENTS}
    for encoder in {id(e): e for e in encoders.values()}.values():
        elements = [e for e in ELEMENTS if encoders[e] is encoder]
        windows = [source.fetch_array(element_targets(frame, e, cells)[0], e) for e in elements]
        encoder.background.fit(encode_codes(bases) for bases in windows)
        log.info("site background: order-%d chain fitted on %d %s windows",
                 encoder.background.order, sum(map(len, windows)),
                 " and ".join(elements))  # fmt: skip


def freeze_thresholds_from_config(model, model_config: ModelConfig) -> None:
    """``train.freeze_thresholds``: the count encoder's site thresholds stay at their start."""
    from kipoi_prism.model.backbone import freeze_site_thresholds

    if model_config.backbone != "prism" or model_config.encoder != "counts":
        raise PrismInputError(
            "train.freeze_thresholds: only the count encoder has site thresholds "
            f"(model.backbone is {model_config.backbone!r}, model.encoder is "
            f"{model_config.encoder!r}; set model.encoder=counts)"
        )
    freeze_site_thresholds(model.backbone)
    log.info("site thresholds: frozen at their start")


def build_trainer(
    run_dir: Path,
    train_config: TrainConfig,
    trainer_config: TrainerConfig,
    callbacks: Sequence[Callback] = (),
) -> pl.Trainer:
    """The Lightning ``Trainer`` of a run (checkpoints, early stopping, logger)."""
    quiet_lightning()
    checkpoints = run_dir / "checkpoints"
    checkpoints.mkdir(parents=True, exist_ok=True)
    # Early stopping and the best checkpoint act when validation ends, and last.ckpt is
    # written after both (Lightning runs checkpoint callbacks last, in this order), so an
    # end-of-epoch last.ckpt holds their state after that epoch and a run resumed from it
    # goes on with the next epoch (at the epoch's end the validation metrics are gone).
    every = [
        ModelCheckpoint(dirpath=checkpoints, filename="best", monitor=MONITOR, mode="max",
                        save_top_k=1, auto_insert_metric_name=False,
                        enable_version_counter=False, save_on_train_epoch_end=False),
        RunCheckpoint(checkpoints, trainer_config.checkpoint_every_n_steps),
    ]  # fmt: skip
    if train_config.patience:
        every.append(WarmupEarlyStopping(monitor=MONITOR, mode="max", check_finite=False,
                                         patience=train_config.patience,
                                         check_on_train_epoch_end=False))  # fmt: skip
    every.append(EpochProgress(bar=trainer_config.progress_bar))
    return pl.Trainer(
        default_root_dir=run_dir,
        max_epochs=train_config.max_epochs,
        accelerator=trainer_config.accelerator,
        devices=trainer_config.devices,
        strategy=_strategy(trainer_config.strategy),
        num_nodes=trainer_config.num_nodes,
        precision=trainer_config.precision,
        logger=_logger(run_dir, trainer_config.logger),
        callbacks=[*every, *callbacks],
        enable_progress_bar=True,  # EpochProgress: the bar where there is a terminal, log lines
        enable_model_summary=False,
        log_every_n_steps=trainer_config.log_every_n_steps,
        num_sanity_val_steps=0,
        use_distributed_sampler=False,
        gradient_clip_val=train_config.gradient_clip or None,
        deterministic="warn" if trainer_config.deterministic else None,
    )


def _strategy(name: str):
    if name in ("ddp", "ddp_spawn"):
        from pytorch_lightning.strategies import DDPStrategy

        # The warm-up leaves the environment head without gradients: unused parameters.
        return DDPStrategy(
            find_unused_parameters=True, start_method="spawn" if name == "ddp_spawn" else "popen"
        )
    return name


def _logger(run_dir: Path, kind: str):
    if kind == "none":
        return False
    if kind == "tensorboard":
        try:
            from pytorch_lightning.loggers import TensorBoardLogger

            return TensorBoardLogger(save_dir=run_dir, name="logs")
        except ModuleNotFoundError as error:
            raise PrismInputError(
                f"trainer.logger: tensorboard is not installed ({error}); "
                "install it (pip install tensorboard) or use logger: csv"
            ) from None
    from pytorch_lightning.loggers import CSVLogger

    return CSVLogger(save_dir=run_dir, name="logs")


def _resume_path(run_dir: Path, resume) -> str | None:
    if resume is None:
        return None
    if str(resume) == "auto":
        last = run_dir / "checkpoints" / "last.ckpt"
        return str(last) if last.is_file() else None
    if not Path(resume).is_file():
        raise PrismInputError("checkpoint to resume from not found", resume)
    return str(resume)


def _finish(
    trainer: pl.Trainer,
    run_dir: Path,
    train_config: TrainConfig,
    data: PrismDataModule,
    pretrained: dict | None = None,
) -> FitResult:
    checkpoints = run_dir / "checkpoints"
    last, best = checkpoints / "last.ckpt", checkpoints / "best.ckpt"
    best = best if best.is_file() else last
    trainer.strategy.barrier("prism-finish")
    final = PrismLightning.load_from_checkpoint(last, map_location="cpu", weights_only=False)
    history = pd.DataFrame(final.history)
    chosen = PrismLightning.load_from_checkpoint(best, map_location="cpu", weights_only=False)
    best_row = chosen.history[-1] if chosen.history else {}
    ended_by = _ended_by(trainer, len(history), train_config.max_epochs)
    weights_path, element_read = None, None
    if trainer.is_global_zero:
        n_train, n_val = len(data.frames["train"]), len(data.frames["val"])
        metadata = {**chosen.weights_metadata, **_metadata(chosen, best_row, n_train, n_val)}
        metadata["fit"].update(epochs_run=len(history), ended_by=ended_by)
        if pretrained is not None:
            metadata["fit"]["pretrain"] = pretrained
        if chosen.model.element_read is not None:
            element_read = fit_element_read(chosen.objective, data)
            metadata["fit"]["element_read"] = element_read
        _warn_about_warmup(final.history, best_row, train_config)
        weights_path = export_weights(chosen.objective, run_dir / "weights.pt", metadata)
        write_text(run_dir / "history.csv", history.to_csv(index=False))
        summary = {"weights": str(weights_path), "best_checkpoint": str(best), **metadata["fit"]}
        write_text(run_dir / "summary.json", json.dumps(summary, indent=2) + "\n")
    return FitResult(
        run_dir=run_dir,
        weights_path=weights_path,
        best_checkpoint=best,
        last_checkpoint=last,
        best_epoch=int(best_row["epoch"]) if best_row else None,
        best_val_aupr=float(best_row.get("val_aupr", math.nan)),
        threshold=float(chosen.threshold),
        epochs_run=len(history),
        history=history,
        environment_trained=environment_trained(best_row),
        ended_by=ended_by,
        element_read=element_read,
    )


def _ended_by(trainer: pl.Trainer, epochs_run: int, max_epochs: int) -> str:
    """What ended the run: the epoch cap, early stopping or an interruption."""
    if epochs_run >= max_epochs:
        return "max_epochs"
    return "interrupted" if trainer.interrupted else "early_stopping"


def _warn_about_warmup(history: list[dict], best_row: dict, train_config: TrainConfig) -> None:
    """Say so when the run ended, or its exported epoch lies, inside the warm-up."""
    warmup = f"the warm-up (epochs 1-{train_config.warmup_epochs})"
    if history and not environment_trained(history[-1]):
        log.warning("the run ended inside %s at epoch %d: the environment stream (f_E', g_E, "
                    "lam, T) never trained", warmup, int(history[-1]["epoch"]))  # fmt: skip
    if best_row and not environment_trained(best_row):
        log.warning(
            "the exported epoch %d lies inside %s: weights.pt carries an untrained "
            "environment stream (f_E', g_E, lam, T), so its R_E comes from untrained "
            "layers (metadata fit.environment_trained = false); validation AUPR was best "
            "before the environment trained", int(best_row["epoch"]), warmup,
        )  # fmt: skip


def _metadata(module: PrismLightning, best_row: dict, n_train: int, n_val: int) -> dict:
    from kipoi_prism import __version__

    keys = (
        "val_aupr",
        "val_auroc",
        "val_f1",
        "val_precision",
        "val_recall",
        "val_f1_calibrated",
        "val_prevalence",
        "train_aupr",
    )
    return {
        "package_version": __version__,
        "trained_on": {
            "cell_lines": module.cell_lines,
            "val_cell_lines": module.val_cell_lines,
            "train_pairs": n_train,
            "val_pairs": n_val,
        },  # fmt: skip
        "train_config": module.train_config.to_dict(),
        "threshold_rule": "precision = recall on the validation split (kipoi_prism.metrics)",
        "fit": {
            "best_epoch": int(best_row.get("epoch", 0)),
            "environment_trained": environment_trained(best_row),
            **{k: float(best_row.get(k, math.nan)) for k in keys},
        },  # fmt: skip
    }


def export_weights(
    objective: PrismObjective, path: str | os.PathLike, metadata: dict | None = None
) -> Path:
    """Write the package weights file: network, training prototypes, threshold, metadata."""
    return save_weights(path, objective.model, objective.trained_prototypes(),
                        float(objective.threshold), metadata)  # fmt: skip


def _write_run_config(run_dir, run_config, model_config, train_config, trainer_config) -> None:
    import yaml

    config = dict(run_config or {})
    config.update({"model": model_config.to_dict(), "train": train_config.to_dict(),
                   "trainer": {**trainer_config.__dict__}})  # fmt: skip
    write_text(run_dir / "config.yaml", yaml.safe_dump(config, sort_keys=False))
