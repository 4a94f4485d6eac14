"""Training prism-energy with Selene (selene-sdk 0.6.0): sampler, model-module hooks, fixes.

``selene_sdk configs/selene_train.yml`` trains the same network with the same objective and
curriculum as ``kipoi-prism train``: this module plugs the project's data path and
:class:`kipoi_prism.training.lightning.PrismLightning`'s objective into Selene's loop, which knows
nothing of pairs, cell lines or support sets. Selene's training step is::

    inputs, targets = sampler.sample(batch_size)        # numpy, (N, L, 4) and (Q, F)
    predictions = model(torch.Tensor(inputs).transpose(1, 2))
    loss = criterion(predictions, torch.Tensor(targets))
    optimizer.zero_grad(); loss.backward(); optimizer.step()

so everything a step needs travels in those two arrays.


The pieces: :mod:`~kipoi_prism.integrations.selene.packing` (the arrays' layout),
:mod:`~kipoi_prism.integrations.selene.model` (the model, criterion and optimizer the
model file re-exports), :mod:`~kipoi_prism.integrations.selene.workarounds` (selene-sdk
fixes, applied on import) and this module: the sampler and the checkpoint export.
"""

from __future__ import annotations

import logging
import os
import tempfile
from collections.abc import Sequence
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
from selene_sdk.samplers import Sampler

from kipoi_prism.config import ModelConfig, TrainConfig
from kipoi_prism.errors import PrismInputError
from kipoi_prism.integrations.selene.model import CHECKPOINT_FORMAT, PrismSeleneModel
from kipoi_prism.integrations.selene.packing import (
    NO_EPOCH,
    pack_inputs,
    pack_targets,
    plan_layout,
    row_tags,
)
from kipoi_prism.io.encode import PairEncoder
from kipoi_prism.io.genome import Genome
from kipoi_prism.io.pairs import PAIR_COLUMNS, read_pairs
from kipoi_prism.io.support import select_support
from kipoi_prism.training.datasets import CellLineBlockSampler, check_labelled

log = logging.getLogger(__name__)
selene_log = logging.getLogger("selene")  # Selene's run log (output_dir/*.log)

FEATURES = ("interaction",)
SPLIT_BY = ("cell_line", "chromosome")
MODES = ("train", "validate", "test")


# --------------------------------------------------------------------------- sampler


class PrismPairSampler(Sampler):
    """Selene sampler over a labelled pair table and a genome (see the module docstring).

    Reads the table with :func:`kipoi_prism.io.pairs.read_pairs`, validates every window with
    :class:`kipoi_prism.io.encode.PairEncoder` (the encoder ``kipoi-prism predict``, the
    Lightning datasets and the Kipoi dataloader use), and splits it by held-out cell line
    or chromosome (a pair is held out when either element lies on a held-out
    chromosome; test is taken first). Training batches are planned by
    :class:`kipoi_prism.training.datasets.CellLineBlockSampler` with ``block_size = batch_size //
    blocks_per_batch``; support sets of the validation and test splits are drawn once
    with :func:`kipoi_prism.io.support.select_support`.

    Parameters
    ----------
    pairs : str
        Labelled pair table (BEDPE, TargetFinder CSV or BENGI TSV).
    genome : str
        Genome FASTA.
    split_by : {"chromosome", "cell_line"}
    validation_holdout : list of str
        Chromosomes or cell lines of the validation split (required: Selene validates).
    test_holdout : list of str, optional
        Chromosomes or cell lines of the test split (adds the ``test`` mode).
    train_cell_lines : list of str, optional
        The model's ``cell_lines`` (pass the same list, e.g. a YAML alias); the training
        split must hold exactly these cell lines, and their order sets the cell ids.
        Default: the training split's cell lines, sorted.
    enhancer_length, promoter_length : int
        Window widths; must equal the model's.
    blocks_per_batch : int
        Cell-line-pure blocks per training batch.
    support_size : int
        ``m``, support-set pairs per cell line.
    seed : int
        Seeds the batch plans and the support sets.
    format : str, optional
        Pair-table format (detected when omitted).
    features : list of str
        Selene's feature names (one: the interaction probability).
    mode : {"train", "validate", "test"}
        Initial mode (``EvaluateModel`` samples in the sampler's current mode).
    save_datasets : list of str
        Modes whose query pairs :meth:`save_dataset_to_file` writes to
        ``output_dir/<mode>_pairs.bedpe``.
    output_dir : str, optional
        Set by Selene from the top-level ``output_dir``.
    """

    def __init__(
        self,
        pairs: str,
        genome: str,
        split_by: str = "chromosome",
        validation_holdout: Sequence[str] | str = (),
        test_holdout: Sequence[str] | str = (),
        train_cell_lines: Sequence[str] | None = None,
        enhancer_length: int = ModelConfig.enhancer_length,
        promoter_length: int = ModelConfig.promoter_length,
        blocks_per_batch: int = TrainConfig.blocks_per_batch,
        support_size: int = TrainConfig.support_size,
        seed: int = TrainConfig.seed,
        format: str | None = None,
        features: Sequence[str] = FEATURES,
        mode: str = "train",
        save_datasets: Sequence[str] = (),
        output_dir: str | None = None,
    ) -> None:
        _check_choice("sampler.split_by", split_by, SPLIT_BY)
        for name, value in (("blocks_per_batch", blocks_per_batch), ("support_size", support_size)):
            _check_positive(f"sampler.{name}", value)
        if len(features) != 1:
            raise PrismInputError(
                f"sampler.features: expected one feature name, got {list(features)}"
            )
        save_datasets = list(save_datasets)
        if save_datasets and output_dir is None:
            raise PrismInputError(
                "sampler.save_datasets needs an output_dir (top-level output_dir)"
            )
        super().__init__(list(features), save_datasets=save_datasets, output_dir=output_dir)
        self.source = str(pairs)
        self.genome = Genome(genome)
        self.encoder = PairEncoder(self.genome, enhancer_length, promoter_length)
        self.split_by = split_by
        self.blocks_per_batch, self.support_size, self.seed = blocks_per_batch, support_size, seed
        frame = read_pairs(pairs, format)
        self.encoder.validate(frame, self.source)
        self.holdouts = {"validate": _names(validation_holdout), "test": _names(test_holdout)}
        self.frames = self._split(frame, self.holdouts["validate"], self.holdouts["test"])
        self.cell_lines = self._vocabulary(train_cell_lines)
        self._cell_id = {cell: i for i, cell in enumerate(self.cell_lines)}
        self.modes = [m for m in MODES if m in self.frames]
        for name in save_datasets:
            _check_choice("sampler.save_datasets", name, tuple(self.modes))
        self.set_mode(mode)
        self.epoch = 0
        self._plans: list | None = None
        self._next_plan = 0
        self._block_sampler: CellLineBlockSampler | None = None
        self._batch_size: int | None = None
        self._eval_batches: dict[str, list] = {}
        self._eval_cursor: dict[str, int] = {}

    # ---------------------------------------------------------------- set-up

    def _split(
        self, frame: pd.DataFrame, validation: list[str], test: list[str]
    ) -> dict[str, pd.DataFrame]:
        if not validation:
            raise PrismInputError(
                f"sampler.validation_holdout: name the held-out {self.split_by.replace('_', ' ')}"
                "(s) of the validation split (Selene validates during training)"
            )
        in_test = self._holdout(frame, test, "test_holdout")
        in_validation = self._holdout(frame, validation, "validation_holdout") & ~in_test
        frames = {"train": frame[~in_test & ~in_validation], "validate": frame[in_validation]}
        if test:
            frames["test"] = frame[in_test]
        frames = {mode: part.reset_index(drop=True) for mode, part in frames.items()}
        for mode, part in frames.items():
            check_labelled(part, mode, self.source)
        return frames

    def _holdout(self, frame: pd.DataFrame, names: list[str], option: str) -> pd.Series:
        if self.split_by == "cell_line":
            available = set(frame["cell_line"].astype(str))
            mask = frame["cell_line"].astype(str).isin(names)
        else:
            available = set(frame["enhancer_chrom"]) | set(frame["promoter_chrom"])
            mask = frame["enhancer_chrom"].isin(names) | frame["promoter_chrom"].isin(names)
        missing = sorted(set(names) - available)
        if missing:
            shown = ", ".join(sorted(map(str, available))[:10])
            raise PrismInputError(
                f"sampler.{option}: {', '.join(missing)} not among the {self.split_by} values "
                f"of the pairs ({shown})",
                self.source,
            )
        return mask

    def _vocabulary(self, train_cell_lines: Sequence[str] | None) -> list[str]:
        present = sorted(set(self.frames["train"]["cell_line"].astype(str)))
        if train_cell_lines is None:
            train = present
        else:
            train = [str(c) for c in _names(train_cell_lines)]
            if sorted(train) != present or len(set(train)) != len(train):
                raise PrismInputError(
                    f"sampler.train_cell_lines: the training split holds the cell lines "
                    f"{', '.join(present)}, but train_cell_lines (the model's cell_lines) "
                    f"lists {', '.join(train)}",
                    self.source,
                )
        others = {str(c) for f in self.frames.values() for c in f["cell_line"]} - set(train)
        return train + sorted(others)

    # ---------------------------------------------------------------- Selene contract

    def get_feature_from_index(self, index: int) -> str:
        """Name of Selene's feature ``index`` (the one feature, ``interaction``)."""
        return self._features[index]

    def sample(
        self, batch_size: int = 64, mode: str | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        """One batch: ``(inputs (Q + S, L_E + L_P + 1, 4), targets (Q, 2))``.

        In ``train`` mode, the next block batch of the current epoch (``batch_size`` =
        ``blocks_per_batch`` x block size queries at most); otherwise the next batch of
        the mode's evaluation set, cyclically.
        """
        mode = mode or self.mode
        if mode != "train":
            return self._next_eval_batch(mode, batch_size)
        query, support, cells, blocks = plan_layout(self._next_training_plan(batch_size))
        self._remember("train", query)
        return self._pack("train", query, support, cells, blocks, self.epoch)

    def get_data_and_targets(
        self, batch_size: int, n_samples: int | None = None, mode: str | None = None
    ) -> tuple[list[tuple[np.ndarray, np.ndarray]], np.ndarray]:
        """The labelled pairs of a split in batches, each with its cell lines' support rows.

        Queries are ordered by cell id, then by their row in the table; ``n_samples``
        keeps the first ``n_samples`` of that order (default: all).

        Returns
        -------
        batches : list of (numpy.ndarray, numpy.ndarray)
            ``(inputs, targets)`` as :meth:`sample` returns them.
        labels : numpy.ndarray of float32, shape=(Q_total, 1)
            Every query's label, in batch order (Selene's targets matrix).
        """
        if mode is not None:
            self.set_mode(mode)
        mode = self.mode
        _check_positive("batch_size", batch_size)
        batches = self._build_eval_batches(mode, batch_size, n_samples)
        labels = np.concatenate([targets[:, :1] for _, targets in batches])
        if mode in self._save_datasets:
            self.save_dataset_to_file(mode, close_filehandle=True)
        return batches, labels

    def get_validation_set(self, batch_size: int, n_samples: int | None = None):
        """:meth:`get_data_and_targets` on the validation split."""
        return self.get_data_and_targets(batch_size, n_samples, mode="validate")

    def get_test_set(self, batch_size: int, n_samples: int | None = None):
        """:meth:`get_data_and_targets` on the test split.

        Raises
        ------
        PrismInputError
            The sampler has no test split (no ``test_holdout``).
        """
        if "test" not in self.modes:
            raise PrismInputError("sampler: no test split; name test_holdout to evaluate")
        return self.get_data_and_targets(batch_size, n_samples, mode="test")

    def save_dataset_to_file(self, mode: str, close_filehandle: bool = False) -> None:
        """Write the query pairs sampled so far in ``mode`` to ``output_dir/<mode>_pairs.bedpe``.

        Rows in sampling order (a training pair appears once per epoch it was sampled);
        the file is rewritten atomically on every call. Modes not in ``save_datasets``
        are ignored, as Selene's samplers do.
        """
        if mode not in self._save_datasets:
            return
        parts = self._save_datasets[mode]
        positions = np.concatenate(parts) if parts else np.zeros(0, np.int64)
        rows = self.frames[mode].iloc[positions]
        path = Path(self._output_dir) / f"{mode}_pairs.bedpe"
        _write_atomic(path, bedpe_text(rows))

    # ---------------------------------------------------------------- batches

    def _next_training_plan(self, batch_size: int):
        if self._block_sampler is None or batch_size != self._batch_size:
            self._start_plans(batch_size)
        if self._next_plan >= len(self._plans):
            self.epoch += 1
            self._plans, self._next_plan = self._block_sampler.plans(self.epoch), 0
        plan = self._plans[self._next_plan]
        self._next_plan += 1
        return plan

    def _start_plans(self, batch_size: int) -> None:
        if self._block_sampler is not None:
            raise PrismInputError(
                f"sampler: batch size changed from {self._batch_size} to {batch_size} "
                "during training"
            )
        if batch_size % self.blocks_per_batch:
            raise PrismInputError(
                f"train_model.batch_size {batch_size} is not a multiple of the sampler's "
                f"blocks_per_batch {self.blocks_per_batch}"
            )
        block_size = batch_size // self.blocks_per_batch
        self._block_sampler = CellLineBlockSampler(
            self.frames["train"], self.cell_lines, self.blocks_per_batch, block_size,
            self.support_size, self.seed,
        )  # fmt: skip
        self._batch_size = batch_size
        self._plans, self._next_plan = self._block_sampler.plans(self.epoch), 0
        selene_log.info(
            "PrismPairSampler: %d training batches per epoch (%d blocks of %d pairs, support "
            "%d); set report_stats_every_n_steps to it to validate once per epoch",
            len(self._plans), self.blocks_per_batch, block_size, self.support_size,
        )  # fmt: skip

    def _pack(
        self, mode: str, query: np.ndarray, support: np.ndarray, cells: np.ndarray,
        blocks: np.ndarray, epoch: int,
    ) -> tuple[np.ndarray, np.ndarray]:  # fmt: skip
        frame = self.frames[mode]
        windows = self.encoder.encode(frame.iloc[np.concatenate([query, support])])
        tags = row_tags(len(query), cells, blocks, epoch)
        labels = frame["label"].to_numpy()[query]
        inputs = pack_inputs(windows.enhancer, windows.promoter, tags)
        return inputs, pack_targets(labels, cells[: len(query)])

    def _cell_ids(self, frame: pd.DataFrame) -> np.ndarray:
        return frame["cell_line"].astype(str).map(self._cell_id).to_numpy(np.int64)

    def _build_eval_batches(
        self, mode: str, batch_size: int, n_samples: int | None
    ) -> list[tuple[np.ndarray, np.ndarray]]:
        frame = self.frames[mode]
        cells = self._cell_ids(frame)
        labelled = np.flatnonzero(frame["label"].to_numpy() >= 0)
        order = labelled[np.lexsort((labelled, cells[labelled]))]
        if n_samples is not None:
            order = order[: int(n_samples)]
        support = {
            self._cell_id[c]: rows
            for c, rows in select_support(frame, self.support_size, self.seed).items()
        }
        batches = []
        for start in range(0, len(order), batch_size):
            query = order[start : start + batch_size]
            batches.append(self._eval_batch(mode, query, cells, support))
            self._remember(mode, query)
        return batches

    def _eval_batch(
        self, mode: str, query: np.ndarray, cells: np.ndarray, support: dict[int, np.ndarray]
    ) -> tuple[np.ndarray, np.ndarray]:
        """Queries plus the support rows of their cell lines; a block per cell line."""
        present = list(dict.fromkeys(cells[query].tolist()))
        rows = np.concatenate([support[c] for c in present])
        all_cells = np.concatenate([cells[query], cells[rows]])
        blocks = np.concatenate([[present.index(c) for c in cells[query]], np.full(len(rows), -1)])
        return self._pack(mode, query, rows, all_cells, blocks.astype(np.int64), NO_EPOCH)

    def _next_eval_batch(self, mode: str, batch_size: int) -> tuple[np.ndarray, np.ndarray]:
        _check_choice("mode", mode, tuple(self.modes))
        if mode not in self._eval_batches:
            self._eval_batches[mode] = self._build_eval_batches(mode, batch_size, None)
            self._eval_cursor[mode] = 0
        batches = self._eval_batches[mode]
        batch = batches[self._eval_cursor[mode] % len(batches)]
        self._eval_cursor[mode] += 1
        return batch

    def _remember(self, mode: str, query: np.ndarray) -> None:
        if mode in self._save_datasets:
            self._save_datasets[mode].append(np.asarray(query, dtype=np.int64))


def bedpe_text(rows: pd.DataFrame) -> str:
    """Canonical BEDPE text of pair rows (``#`` header, label ``.`` where unknown)."""
    table = rows[PAIR_COLUMNS].copy()
    labels = table["label"].astype(int)
    table["label"] = np.where(labels >= 0, labels.astype(str), ".")
    header = "#" + "\t".join(PAIR_COLUMNS) + "\n"
    return header + table.to_csv(sep="\t", header=False, index=False)


# --------------------------------------------------------------------------- checkpoints


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
    from kipoi_prism.inference.engine import FramePairSource, Predictor
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


# --------------------------------------------------------------------------- helpers


def _names(value: Sequence[str] | str | None) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    return [str(v) for v in value]


def _check_choice(name: str, value: Any, choices: tuple[str, ...]) -> None:
    if value not in choices:
        raise PrismInputError(f"{name}: {value!r} is not one of {', '.join(choices)}")


def _check_positive(name: str, value: Any) -> None:
    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
        raise PrismInputError(f"{name}: expected a positive integer, got {value!r}")


def _write_atomic(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w") as out:
            out.write(text)
        os.chmod(temporary, 0o666 & ~_umask())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
