"""A Selene checkpoint of prism-energy -> the package weights file (``kipoi-prism export-selene``).

:func:`export_checkpoint` loads the checkpoint weights-only (:func:`load_selene_checkpoint`),
rebuilds the run's sampler from its Selene config (:func:`sampler_from_config`), scores the
validation split with the inference engine as ``kipoi-prism predict`` will
(:func:`calibrate_on_validation`), and writes the network, the momentum prototypes of the
training cell lines and the calibrated threshold with
:func:`kipoi_prism.model.weights.save_weights`.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import torch

# First: it names a missing selene-sdk, and applies the fixes before Selene runs.
from kipoi_prism.integrations.selene.workarounds import numpy_scalar_globals

# isort: split
import selene_sdk.utils

from kipoi_prism.errors import PrismInputError
from kipoi_prism.integrations.selene.model import CHECKPOINT_FORMAT, PrismSeleneModel
from kipoi_prism.integrations.selene.sampler import PrismPairSampler

log = logging.getLogger(__name__)


def load_selene_checkpoint(path: str | os.PathLike) -> tuple[PrismSeleneModel, dict[str, Any]]:
    """Rebuild a :class:`PrismSeleneModel` from a Selene checkpoint (weights-only load).

    Parameters
    ----------
    path : str or PathLike
        ``best_model.pth.tar`` or ``checkpoint.pth.tar`` of a Selene run.

    Returns
    -------
    model : PrismSeleneModel
        In eval mode, on the CPU.
    info : dict
        ``step`` and ``min_loss`` from the checkpoint (``None`` where absent).

    Raises
    ------
    PrismInputError
        Missing, unreadable, or not written by a :class:`PrismSeleneModel`.
    """
    path = Path(path)
    if not path.is_file():
        raise PrismInputError("checkpoint not found", path)
    try:
        with torch.serialization.safe_globals(numpy_scalar_globals()):
            payload = torch.load(path, map_location="cpu", weights_only=True)
    except Exception as error:  # noqa: BLE001 - torch raises many kinds for a bad file
        first = " ".join(str(error).split()).split(". ", 1)[0]
        raise PrismInputError(f"unreadable checkpoint ({first})", path) from None
    state = payload.get("state_dict", payload) if isinstance(payload, dict) else None
    extra = state.get("_extra_state") if isinstance(state, dict) else None
    if not isinstance(extra, dict) or extra.get("format") != CHECKPOINT_FORMAT:
        raise PrismInputError(
            "not a checkpoint of kipoi_prism.integrations.selene.model.PrismSeleneModel "
            "(no model description)",
            path,
        )
    model = PrismSeleneModel(**extra["class_args"])
    model.load_state_dict(state)
    info = {"step": payload.get("step"), "min_loss": payload.get("min_loss")}
    if info["min_loss"] is not None:
        info["min_loss"] = float(info["min_loss"])
    return model.eval(), info


def sampler_from_config(path: str | os.PathLike) -> PrismPairSampler:
    """The :class:`PrismPairSampler` a Selene config describes (without saving datasets).

    Raises
    ------
    PrismInputError
        Missing file, or no ``sampler:
        !obj:kipoi_prism.integrations.selene.sampler.PrismPairSampler``.
    """
    path = Path(path)
    if not path.is_file():
        raise PrismInputError("Selene config not found", path)
    import yaml

    try:
        configs = selene_sdk.utils.load_path(str(path), instantiate=False)
    except yaml.YAMLError as error:
        first = " ".join(str(error).split())
        raise PrismInputError(f"not a readable Selene config ({first})", path) from None
    proxy = configs.get("sampler") if isinstance(configs, dict) else None
    if getattr(proxy, "callable", None) is not PrismPairSampler:
        raise PrismInputError(
            "no `sampler: !obj:kipoi_prism.integrations.selene.sampler.PrismPairSampler {...}` "
            "in the config",
            path,
        )
    keywords = {k: v for k, v in proxy.keywords.items() if k not in ("save_datasets", "output_dir")}
    return PrismPairSampler(**selene_sdk.utils.instantiate(keywords))


@dataclass
class Calibration:
    """Validation scores of exported weights, as ``kipoi-prism predict`` computes them.

    Attributes
    ----------
    threshold : float
        Balances precision and recall (:func:`kipoi_prism.metrics.calibrate_threshold`).
    metrics : dict
        ``aupr, auroc, precision, recall, pairs`` on the labelled validation pairs.
    """

    threshold: float
    metrics: dict[str, float]


def calibrate_on_validation(
    model: PrismSeleneModel, sampler: PrismPairSampler, support_size: int, seed: int
) -> Calibration:
    """Score the validation split with the inference engine and calibrate the threshold."""
    from kipoi_prism import metrics
    from kipoi_prism.config import InferenceConfig
    from kipoi_prism.inference import FramePairSource, Predictor
    from kipoi_prism.model.weights import WeightsBundle

    network = model.network.eval()
    predictor = Predictor(WeightsBundle(model=network), sampler.genome,
                          InferenceConfig(support_size=support_size, seed=seed))  # fmt: skip
    _, batches = predictor.predict(FramePairSource(sampler.frames["validate"], sampler.source))
    scored = pd.concat(list(batches), ignore_index=True)
    scored = scored[scored["label"] >= 0]
    labels = scored["label"].to_numpy(np.int64)
    probabilities = scored["probability"].to_numpy(np.float64)
    threshold = metrics.calibrate_threshold(labels, probabilities)
    precision, recall = metrics.precision_recall_at(labels, probabilities, threshold)
    return Calibration(threshold, {
        "aupr": metrics.aupr(labels, probabilities), "auroc": metrics.auroc(labels, probabilities),
        "precision": float(precision), "recall": float(recall), "pairs": int(len(labels)),
    })  # fmt: skip


def export_checkpoint(
    checkpoint: str | os.PathLike,
    out: str | os.PathLike,
    config: str | os.PathLike | None = None,
    threshold: float | None = None,
    support_size: int = 32,
    seed: int = 0,
) -> Path:
    """A Selene checkpoint -> the package weights file (network, prototypes, threshold).

    Parameters
    ----------
    checkpoint : str or PathLike
        ``best_model.pth.tar`` (or any checkpoint) of a Selene run of
        :class:`PrismSeleneModel`.
    out : str or PathLike
        Weights file to write (atomically).
    config : str or PathLike, optional
        The Selene config of the run, for the validation split (default: the
        ``configuration.yml`` Selene copied next to the checkpoint).
    threshold : float, optional
        Use this decision threshold instead of calibrating one on validation.
    support_size, seed : int
        Support sets of the calibration, as ``kipoi-prism predict`` will draw them.

    Returns
    -------
    Path
    """
    from kipoi_prism import __version__
    from kipoi_prism.model.weights import save_weights

    checkpoint = Path(checkpoint)
    model, info = load_selene_checkpoint(checkpoint)
    phase = model.phase()
    if phase.warmup:
        log.warning("%s: saved during warm-up (epoch %d): the environment stream is untrained",
                    checkpoint, phase.epoch + 1)  # fmt: skip
    metadata = {
        "package_version": __version__, "exported_from": str(checkpoint),
        "selene": {**info, "epoch": phase.epoch + 1, "warmup": bool(phase.warmup)},
        "trained_on": {"cell_lines": list(model.objective.cell_lines)},
        "train_config": model.class_args["train"],
    }  # fmt: skip
    if threshold is None:
        sampler = sampler_from_config(config or _run_config(checkpoint))
        calibration = calibrate_on_validation(model, sampler, support_size, seed)
        threshold = calibration.threshold
        held_out = {"split_by": sampler.split_by, "holdout": sampler.holdouts["validate"]}
        metadata["trained_on"]["validation"] = held_out
        metadata["validation"] = calibration.metrics
        metadata["threshold_rule"] = (
            "precision = recall on the validation split (kipoi_prism.metrics), "
            f"support sets m={support_size}, seed={seed}"
        )
    else:
        metadata["threshold_rule"] = "given on the command line"
    prototypes = model.objective.trained_prototypes()
    return save_weights(out, model.network, prototypes, float(threshold), metadata)


def _run_config(checkpoint: Path) -> Path:
    # `selene_sdk CONFIG` copies the config there; parse_configs_and_run writes a
    # configuration.yaml of Python objects that Selene's loader cannot read back.
    copied = checkpoint.parent / "configuration.yml"
    if copied.is_file():
        return copied
    raise PrismInputError(
        "no Selene configuration.yml beside the checkpoint; pass --config (the YAML that "
        "trained it) to calibrate the threshold, or --threshold",
        checkpoint,
    )
