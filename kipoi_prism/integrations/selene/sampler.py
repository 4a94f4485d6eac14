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

Batch packing
-------------
A batch is several cell-line-pure blocks of query pairs plus the support set of every cell
line in it (SPEC, "A contradiction..."): ``Q`` query rows first, then ``S`` support rows.
``inputs`` (after Selene's transpose) has shape ``(Q + S, 4, L_E + L_P + 1)``::

    x[:, :, :L_E]              enhancer window, one-hot (kipoi_prism.io.sequence layout)
    x[:, :, L_E:L_E + L_P]     promoter window, one-hot
    x[:, :, -1]                the row tag, one number per channel:
                                 0 role   1 = query, 0 = support row
                                 1 cell   cell-line id (sampler.cell_lines index)
                                 2 epoch  sampler epoch, 0-based (-1 outside training)
                                 3 block  block of the query in the batch (-1: support)

The tag column never reaches the network: :func:`unpack_inputs` cuts it off. ``z_E`` of
a query is the mean environment embedding ``e`` over the support rows of its cell line.
``targets`` has one row per query, ``(Q, 2)``: ``label`` (0/1) and ``cell`` (the same
id as the tag). Cell ids ``0 .. C-1`` are the training cell lines (the domain classifier's
classes, the prototypes' rows); validation- or test-only cell lines come after them.

The model returns ``(Q, 1)`` probabilities (one feature, ``interaction``), so Selene's
metrics, ``test_predictions.npz`` and ``best_model.pth.tar`` work unchanged. The tensor
carries a :class:`SeleneStep` (attribute ``prism_step``) with everything the criterion
needs: the head outputs, ``z_I``, ``e``, ``z_E``, the curriculum phase. The objective
(IMMAX counts, domain classifier, prototypes) lives inside the model, so Selene's
optimizer trains the domain classifier and its checkpoints keep every buffer.

Curriculum
----------
The sampler counts epochs (one epoch: every labelled training pair once as a query, as
:class:`kipoi_prism.training.datasets.CellLineBlockSampler` plans it) and tags each batch with it.
The
model takes the phase from :func:`kipoi_prism.training.lightning.phase_at`: during warm-up the head
runs without environment (``R_E = 0``, ``lam = 0``) and the gradients of ``f_E'``,
``g_E``, ``lam`` and ``t`` are dropped before the optimizer step (a post-accumulate hook),
so they do not move, exactly as in ``kipoi-prism train``; afterwards the auxiliary weights
ramp. Set ``report_stats_every_n_steps`` to the batches per epoch (the sampler logs it) so
Selene's validation, learning-rate schedule and early stopping count epochs as the SPEC
does.

selene-sdk 0.6.0 on today's torch
---------------------------------
Importing this module (the YAML's ``!obj:kipoi_prism.integrations.selene.sampler...`` tag does)
applies three
narrow fixes to Selene's own names, never to torch's (:func:`apply_selene_workarounds`):

1. ``selene_sdk.train_model.ReduceLROnPlateau`` becomes :class:`PlateauScheduler`, which
   accepts the ``verbose`` argument torch 2.x removed (Selene passes ``verbose=True``).
2. ``TrainModel._load_checkpoint`` and ``EvaluateModel.__init__`` load checkpoints inside
   :func:`torch.serialization.safe_globals` allowing numpy scalars: Selene stores
   ``min_loss`` as ``numpy.float64``, which ``torch.load``'s default ``weights_only=True``
   rejects. Loading stays weights-only; nothing else is allowed.
3. ``initialize_model`` receives ``lr`` as a float: YAML reads ``1e-3`` (no dot) as a
   string and Selene's check ``isinstance(lr, float)`` then refuses to train.
4. The ROC and precision-recall plots of ``EvaluateModel`` ask matplotlib for the style
   ``seaborn-colorblind``, renamed ``seaborn-v0_8-colorblind`` in matplotlib 3.6; the
   two drawing functions in ``selene_sdk.utils.performance_metrics`` get the new name.
"""

from __future__ import annotations

import functools
import logging
import os
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import torch
import torch.nn.functional as F
from torch import nn

try:
    import selene_sdk.evaluate_model
    import selene_sdk.train_model
    import selene_sdk.utils
    import selene_sdk.utils.config_utils
    import selene_sdk.utils.performance_metrics
    from selene_sdk.samplers import Sampler
except ModuleNotFoundError as error:  # pragma: no cover - depends on the installation
    raise ModuleNotFoundError(
        f"kipoi_prism.integrations.selene needs selene-sdk 0.6.0 ({error}); install it with "
        "scripts/setup.sh, or: pip install -r requirements/selene.txt && "
        "pip install --no-deps selene-sdk==0.6.0"
    ) from error

from kipoi_prism.config import ModelConfig, TrainConfig
from kipoi_prism.errors import PrismInputError
from kipoi_prism.io.encode import PairEncoder
from kipoi_prism.io.genome import Genome
from kipoi_prism.io.pairs import PAIR_COLUMNS, read_pairs
from kipoi_prism.io.support import select_support
from kipoi_prism.training.datasets import CellLineBlockSampler, check_labelled
from kipoi_prism.training.lightning import (
    AUXILIARY,
    Phase,
    PrismLightning,
    classification_metrics,
    phase_at,
)
from kipoi_prism.training.losses import bce_loss, l0_fraction

log = logging.getLogger(__name__)
selene_log = logging.getLogger("selene")  # Selene's run log (output_dir/*.log)

FEATURES = ("interaction",)
SPLIT_BY = ("cell_line", "chromosome")
MODES = ("train", "validate", "test")
CHECKPOINT_FORMAT = "kipoi-prism-selene"

# Channels of the row tag (the last position along the length axis).
TAG_ROLE, TAG_CELL, TAG_EPOCH, TAG_BLOCK = range(4)
QUERY, SUPPORT = 1.0, 0.0
NO_EPOCH = -1
# Where TrainConfig knobs live in a Selene run instead of the model's class_args.
SELENE_OWNED = {
    "lr": "the top-level `lr` of the Selene config",
    "weight_decay": "get_optimizer(lr) in the model file",
    "max_epochs": "train_model.max_steps",
    "patience": "train_model.stopping_criteria",
    "blocks_per_batch": "the sampler's blocks_per_batch",
    "block_size": "train_model.batch_size / the sampler's blocks_per_batch",
    "support_size": "the sampler's support_size",
    "gradient_clip": "nowhere: Selene's loop does not clip gradients",
}
DEFAULT_WEIGHT_DECAY = TrainConfig.weight_decay


# --------------------------------------------------------------------------- workarounds


class PlateauScheduler(torch.optim.lr_scheduler.ReduceLROnPlateau):
    """``ReduceLROnPlateau`` that accepts ``verbose`` (removed from torch's class in 2.x).

    With ``verbose=True`` each reduction is logged to Selene's log.
    """

    def __init__(self, optimizer: torch.optim.Optimizer, *args, verbose: bool = False, **kwargs):
        super().__init__(optimizer, *args, **kwargs)
        self.verbose = bool(verbose)

    def step(self, metrics, *args, **kwargs) -> None:
        before = [group["lr"] for group in self.optimizer.param_groups]
        super().step(metrics, *args, **kwargs)
        if not self.verbose:
            return
        for index, (old, group) in enumerate(zip(before, self.optimizer.param_groups, strict=True)):
            if group["lr"] < old:
                selene_log.info("reducing learning rate of group %d to %.4e", index, group["lr"])


def numpy_scalar_globals() -> list[Any]:
    """What a weights-only ``torch.load`` needs to read numpy scalars (Selene's ``min_loss``)."""
    core = getattr(np, "_core", None) or np.core
    return [core.multiarray.scalar, np.dtype, *_numpy_dtype_classes()]


def _numpy_dtype_classes() -> list[type]:
    dtypes = getattr(np, "dtypes", None)
    names = ("Float64DType", "Float32DType", "Int64DType", "Int32DType", "BoolDType")
    return [getattr(dtypes, n) for n in names if dtypes is not None and hasattr(dtypes, n)]


def with_numpy_scalars(function: Callable) -> Callable:
    """Run ``function`` with numpy scalars allowed in weights-only ``torch.load`` calls."""

    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        with torch.serialization.safe_globals(numpy_scalar_globals()):
            return function(*args, **kwargs)

    wrapper.prism_workaround = True
    return wrapper


def as_float_lr(lr: Any) -> Any:
    """``lr`` as a float when YAML left a number as a string (``1e-3``) or an int.

    ``None`` stays ``None`` (Selene then reports the missing learning rate itself).

    Raises
    ------
    PrismInputError
        ``lr`` is a string that is not a number.
    """
    if isinstance(lr, bool) or lr is None or isinstance(lr, float):
        return lr
    if isinstance(lr, int):
        return float(lr)
    if isinstance(lr, str):
        try:
            return float(lr)
        except ValueError:
            raise PrismInputError(f"lr: {lr!r} is not a number (e.g. lr: 1.0e-3)") from None
    return lr


def _float_lr(initialize_model: Callable) -> Callable:
    @functools.wraps(initialize_model)
    def wrapper(model_configs, train=True, lr=None):
        return initialize_model(model_configs, train=train, lr=as_float_lr(lr))

    wrapper.prism_workaround = True
    return wrapper


def matplotlib_style(style: str) -> str:
    """A style name matplotlib knows: ``seaborn-*`` became ``seaborn-v0_8-*`` in 3.6."""
    import matplotlib.style

    if style in matplotlib.style.available or not style.startswith("seaborn-"):
        return style
    renamed = style.replace("seaborn-", "seaborn-v0_8-", 1)
    return renamed if renamed in matplotlib.style.available else style


def _known_style(draw: Callable) -> Callable:
    @functools.wraps(draw)
    def wrapper(*args, style: str = "seaborn-colorblind", **kwargs):
        return draw(*args, style=matplotlib_style(style), **kwargs)

    wrapper.prism_workaround = True
    return wrapper


def apply_selene_workarounds() -> None:
    """Patch selene-sdk 0.6.0's names for torch 2.x (see the module docstring). Idempotent."""
    selene_sdk.train_model.ReduceLROnPlateau = PlateauScheduler
    train_model = selene_sdk.train_model.TrainModel
    if not getattr(train_model._load_checkpoint, "prism_workaround", False):
        train_model._load_checkpoint = with_numpy_scalars(train_model._load_checkpoint)
    evaluate_model = selene_sdk.evaluate_model.EvaluateModel
    if not getattr(evaluate_model.__init__, "prism_workaround", False):
        evaluate_model.__init__ = with_numpy_scalars(evaluate_model.__init__)
    curves = selene_sdk.utils.performance_metrics
    for name in ("visualize_roc_curves", "visualize_precision_recall_curves"):
        if not getattr(getattr(curves, name), "prism_workaround", False):
            setattr(curves, name, _known_style(getattr(curves, name)))
    config_utils = selene_sdk.utils.config_utils
    if not getattr(config_utils.initialize_model, "prism_workaround", False):
        config_utils.initialize_model = _float_lr(config_utils.initialize_model)
        selene_sdk.utils.initialize_model = config_utils.initialize_model


apply_selene_workarounds()


# --------------------------------------------------------------------------- packing


def pack_inputs(enhancer: np.ndarray, promoter: np.ndarray, tags: np.ndarray) -> np.ndarray:
    """Selene's ``inputs`` array (see the module docstring).

    Parameters
    ----------
    enhancer : numpy.ndarray of float32, shape=(N, 4, L_E)
    promoter : numpy.ndarray of float32, shape=(N, 4, L_P)
    tags : numpy.ndarray, shape=(N, 4)
        Role, cell id, epoch and block of every row.

    Returns
    -------
    numpy.ndarray of float32, shape=(N, L_E + L_P + 1, 4)
        Length before channels, as Selene's samplers hand out sequences.
    """
    stacked = np.concatenate([enhancer, promoter, tags.astype(np.float32)[:, :, None]], axis=2)
    return np.ascontiguousarray(stacked.transpose(0, 2, 1), dtype=np.float32)


def row_tags(n_query: int, cells: np.ndarray, blocks: np.ndarray, epoch: int) -> np.ndarray:
    """Tags of ``n_query`` query rows followed by support rows.

    Parameters
    ----------
    n_query : int
    cells : numpy.ndarray of int64, shape=(N,)
        Cell id of every row, queries first.
    blocks : numpy.ndarray of int64, shape=(N,)
        Block of every query, -1 for support rows.
    epoch : int

    Returns
    -------
    numpy.ndarray of float32, shape=(N, 4)
    """
    tags = np.zeros((len(cells), 4), dtype=np.float32)
    tags[:n_query, TAG_ROLE] = QUERY
    tags[:, TAG_CELL] = cells
    tags[:, TAG_EPOCH] = epoch
    tags[:, TAG_BLOCK] = blocks
    return tags


@dataclass
class PackedBatch:
    """A batch unpacked from Selene's ``inputs`` (queries first, then support rows).

    Attributes
    ----------
    enhancer : torch.Tensor, shape=(Q + S, 4, L_E)
    promoter : torch.Tensor, shape=(Q + S, 4, L_P)
    n_query : int
        ``Q``.
    cell : torch.Tensor of int64, shape=(Q,)
    support_cell : torch.Tensor of int64, shape=(S,)
    block : torch.Tensor of int64, shape=(Q,)
    epoch : int
        The sampler's epoch (``-1`` outside training).
    """

    enhancer: torch.Tensor
    promoter: torch.Tensor
    n_query: int
    cell: torch.Tensor
    support_cell: torch.Tensor
    block: torch.Tensor
    epoch: int

    def as_dict(self) -> dict[str, Any]:
        """The batch layout of :meth:`PrismLightning.encode_batch` (labels not included)."""
        return {"enhancer": self.enhancer, "promoter": self.promoter, "n_query": self.n_query,
                "cell": self.cell, "support_cell": self.support_cell}  # fmt: skip


def unpack_inputs(x: torch.Tensor, enhancer_length: int, promoter_length: int) -> PackedBatch:
    """Split Selene's transposed ``inputs`` into windows and bookkeeping.

    Parameters
    ----------
    x : torch.Tensor, shape=(Q + S, 4, L_E + L_P + 1)
    enhancer_length, promoter_length : int
        The model's window widths.

    Returns
    -------
    PackedBatch

    Raises
    ------
    ValueError
        Wrong shape, support rows before queries, or a query whose cell line has no
        support row in the batch.
    """
    width = enhancer_length + promoter_length + 1
    if x.dim() != 3 or x.shape[1] != 4 or x.shape[2] != width:
        raise ValueError(
            f"inputs: expected shape (N, 4, {enhancer_length} + {promoter_length} + 1) after "
            f"Selene's transpose, got {tuple(x.shape)}; the sampler's enhancer_length and "
            "promoter_length must equal the model's"
        )
    tags = x[:, :, -1].detach().round().long().cpu()
    role = tags[:, TAG_ROLE]
    n_query = int(role.sum())
    if n_query == 0 or not bool((role[:n_query] == 1).all()) or bool(role[n_query:].any()):
        raise ValueError("inputs: expected query rows (tag role 1) first, then support rows")
    cell = tags[:, TAG_CELL].contiguous().to(x.device)
    query_cells, support_cells = cell[:n_query], cell[n_query:]
    missing = set(query_cells.tolist()) - set(support_cells.tolist())
    if missing:
        raise ValueError(f"inputs: cell id(s) {sorted(missing)} have queries but no support rows")
    return PackedBatch(
        enhancer=x[:, :, :enhancer_length],
        promoter=x[:, :, enhancer_length : enhancer_length + promoter_length],
        n_query=n_query,
        cell=query_cells,
        support_cell=support_cells,
        block=tags[:n_query, TAG_BLOCK].contiguous().to(x.device),
        epoch=int(tags[:, TAG_EPOCH].max()),
    )


def pack_targets(labels: np.ndarray, cells: np.ndarray) -> np.ndarray:
    """Selene's ``targets``: ``(Q, 2)`` float32 columns ``label, cell``."""
    return np.stack([labels.astype(np.float32), cells.astype(np.float32)], axis=1)


def unpack_targets(targets: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor | None]:
    """``(labels (Q,) float32, cells (Q,) int64)`` from Selene's targets.

    ``(Q, 2)`` as the sampler packs them, or ``(Q, 1)`` (labels only, cells ``None``):
    ``EvaluateModel`` keeps only the feature columns.
    """
    if targets.dim() != 2 or targets.shape[1] not in (1, 2):
        raise ValueError(
            f"targets: expected shape (Q, 2) (label, cell) from PrismPairSampler, "
            f"got {tuple(targets.shape)}"
        )
    cells = targets[:, 1].round().long() if targets.shape[1] == 2 else None
    return targets[:, 0].float(), cells


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


def plan_layout(plan) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Rows of a :class:`kipoi_prism.training.datasets.BatchPlan` in packing order.

    Returns
    -------
    query : numpy.ndarray of int64, shape=(Q,)
        Row positions of the queries, block after block.
    support : numpy.ndarray of int64, shape=(S,)
        Row positions of the support rows, cell line after cell line.
    cells : numpy.ndarray of int64, shape=(Q + S,)
        Cell id of every row.
    blocks : numpy.ndarray of int64, shape=(Q + S,)
        Block of every query, -1 for support rows.
    """
    query = np.concatenate([rows for _, rows in plan.blocks])
    support = np.concatenate([rows for _, rows in plan.support])
    cells = [np.full(len(rows), cell) for cell, rows in (*plan.blocks, *plan.support)]
    blocks = [np.full(len(rows), k) for k, (_, rows) in enumerate(plan.blocks)]
    blocks.append(np.full(len(support), -1))
    return (
        query,
        support,
        np.concatenate(cells).astype(np.int64),
        np.concatenate(blocks).astype(np.int64),
    )


def bedpe_text(rows: pd.DataFrame) -> str:
    """Canonical BEDPE text of pair rows (``#`` header, label ``.`` where unknown)."""
    table = rows[PAIR_COLUMNS].copy()
    labels = table["label"].astype(int)
    table["label"] = np.where(labels >= 0, labels.astype(str), ".")
    header = "#" + "\t".join(PAIR_COLUMNS) + "\n"
    return header + table.to_csv(sep="\t", header=False, index=False)


# --------------------------------------------------------------------------- model


@dataclass
class SeleneStep:
    """What :class:`PrismSeleneModel` hands its criterion with the predictions.

    Attributes
    ----------
    objective : PrismLightning
        Owner of the network and the objective's state.
    out : dict of torch.Tensor
        :meth:`PrismLightning.encode_batch` outputs (``logit``, ``z_I``, ``e``, ``z_E``...).
    cells : torch.Tensor of int64, shape=(K,)
        Distinct cell lines of the batch.
    z_e_cells : torch.Tensor, shape=(K, d_E)
    query_cells : torch.Tensor of int64, shape=(Q,)
    phase : Phase
    training : bool
        The model's mode when it produced the predictions.
    """

    objective: PrismLightning
    out: dict[str, torch.Tensor]
    cells: torch.Tensor
    z_e_cells: torch.Tensor
    query_cells: torch.Tensor
    phase: Phase
    training: bool


def selene_train_config(train: dict[str, Any] | None) -> TrainConfig:
    """:class:`TrainConfig` from the model's ``class_args.train``.

    Raises
    ------
    PrismInputError
        A key that a Selene run sets elsewhere (learning rate, batch layout, epochs...).
    """
    train = dict(train or {})
    for key, where in SELENE_OWNED.items():
        if key in train:
            raise PrismInputError(f"model.class_args.train.{key}: set it in {where}")
    return TrainConfig.from_dict(train)


class PrismSeleneModel(nn.Module):
    """The model Selene trains: prism-energy plus its objective (see the module docstring).

    Parameters
    ----------
    cell_lines : list of str
        Training cell lines, in the sampler's order (its ``train_cell_lines``).
    model : dict, optional
        :class:`ModelConfig` fields (window widths, architecture).
    train : dict, optional
        :class:`TrainConfig` fields of the objective and curriculum (loss weights, ramp,
        warm-up epochs, IMMAX, seed); Selene sets lr, epochs and batch layout elsewhere.
    """

    def __init__(
        self,
        cell_lines: Sequence[str],
        model: dict[str, Any] | None = None,
        train: dict[str, Any] | None = None,
    ) -> None:
        super().__init__()
        if isinstance(cell_lines, str) or not cell_lines:
            raise PrismInputError(
                "model.class_args.cell_lines: expected the list of training cell lines"
            )
        model_config = ModelConfig.from_dict(model)
        train_config = selene_train_config(train)
        train_args = {k: v for k, v in train_config.to_dict().items() if k not in SELENE_OWNED}
        self.class_args = {"cell_lines": [str(c) for c in cell_lines],
                           "model": model_config.to_dict(), "train": train_args}  # fmt: skip
        self.objective = PrismLightning(model_config, train_config, self.class_args["cell_lines"])
        self.register_buffer("epoch", torch.tensor(0, dtype=torch.int64))
        self._warmup_step = False
        for parameter in self.objective.frozen_during_warmup():
            if parameter.requires_grad:
                parameter.register_post_accumulate_grad_hook(self._drop_warmup_gradient)

    @property
    def network(self):
        """The :class:`kipoi_prism.model.network.PrismEnergy` being trained."""
        return self.objective.model

    def phase(self) -> Phase:
        """The curriculum at the latest training epoch seen."""
        return phase_at(self.objective.train_config, int(self.epoch))

    def _drop_warmup_gradient(self, parameter: torch.Tensor) -> None:
        if self._warmup_step:
            parameter.grad = None

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Probabilities of the query pairs of a packed batch.

        Parameters
        ----------
        x : torch.Tensor, shape=(Q + S, 4, L_E + L_P + 1)
            Selene's transposed inputs (see the module docstring).

        Returns
        -------
        torch.Tensor, shape=(Q, 1)
            ``P(interaction)`` per query, carrying a :class:`SeleneStep` as ``prism_step``.
        """
        config = self.objective.model_config
        batch = unpack_inputs(x, config.enhancer_length, config.promoter_length)
        if self.training and batch.epoch > int(self.epoch):
            self.epoch.fill_(batch.epoch)
        phase = self.phase()
        self._warmup_step = self.training and phase.warmup
        out, cells, z_e_cells = self.objective.encode_batch(
            batch.as_dict(), use_environment=not phase.warmup
        )
        probabilities = torch.sigmoid(out["logit"]).unsqueeze(1)
        probabilities.prism_step = SeleneStep(
            self.objective, out, cells, z_e_cells, batch.cell, phase, self.training
        )
        return probabilities

    def get_extra_state(self) -> dict[str, Any]:
        """Saved in every Selene checkpoint: what rebuilds this model (plain types only)."""
        return {"format": CHECKPOINT_FORMAT, "version": 1, "class_args": self.class_args}

    def set_extra_state(self, state: dict[str, Any]) -> None:
        if not isinstance(state, dict) or state.get("format") != CHECKPOINT_FORMAT:
            raise ValueError("state_dict: not a kipoi-prism Selene checkpoint")
        if state["class_args"]["model"] != self.class_args["model"]:
            raise ValueError(
                "state_dict: saved from another architecture (model class_args differ)"
            )


class PrismSeleneCriterion(nn.Module):
    """The SPEC objective for Selene's loop: ``criterion(predictions, targets)``.

    In training, the full ``L = L_task + a L_corr + b L_inv + g L_hcont + d L_sparse +
    h L_proto`` with the phase's weights, computed by :meth:`PrismLightning.loss_terms`
    and :meth:`PrismLightning.total_loss` (a non-finite loss sets ``lam`` to its fallback
    and skips the step, :meth:`PrismLightning.guard`). In evaluation, the task loss only
    (IMMAX margins frozen), which Selene uses to pick ``best_model.pth.tar``. Predictions
    that lost their :class:`SeleneStep` (``EvaluateModel`` indexes the feature columns)
    are scored with binary cross-entropy on the probabilities.

    The training monitors (AUPR, AUROC and F1 of the training predictions, every loss
    term, ``L_corr``, domain accuracy and chance, sparsity of ``z_I`` and ``z_E``, ``T``,
    ``lam``, the weights) are gathered between validations, logged to Selene's log and
    kept in :attr:`history`; Selene logs the validation AUROC and AUPR itself.
    """

    def __init__(self) -> None:
        super().__init__()
        self.history: list[dict[str, float]] = []
        self._sums: dict[str, float] = {}
        self._steps = 0
        self._last: dict[str, float] = {}
        self._predictions: list[np.ndarray] = []
        self._labels: list[np.ndarray] = []

    def forward(self, predictions: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
        labels, cells = unpack_targets(targets)
        step = getattr(predictions, "prism_step", None)
        if step is None:
            if predictions.requires_grad:
                raise ValueError(
                    "predictions: not the output of PrismSeleneModel (data_parallel is not "
                    "supported); the training objective needs the model's step"
                )
            probabilities = predictions[:, 0].clamp(1e-7, 1 - 1e-7)
            return F.binary_cross_entropy(probabilities, labels)
        if cells is not None and not torch.equal(cells, step.query_cells.to(cells.device)):
            raise ValueError("targets: cell ids differ from the inputs' tags (another batch?)")
        if not step.training:
            self.flush()
            return self.task_loss(step, labels)
        if cells is None:
            raise ValueError("targets: training needs (label, cell) columns from PrismPairSampler")
        return self.training_loss(step, labels, cells)

    @staticmethod
    def task_loss(step: SeleneStep, labels: torch.Tensor) -> torch.Tensor:
        """``L_task`` alone (IMMAX with the running margins, or BCE)."""
        objective = step.objective
        if objective.train_config.task_loss == "immax":
            return objective.task_loss(step.out["logit"], labels)
        return bce_loss(step.out["logit"], labels)

    def training_loss(
        self, step: SeleneStep, labels: torch.Tensor, cells: torch.Tensor
    ) -> torch.Tensor:
        """The full objective of one training batch (updates IMMAX counts and prototypes)."""
        objective, phase = step.objective, step.phase
        batch = {"label": labels, "cell": cells}
        terms, monitors = objective.loss_terms(step.out, batch, step.cells, step.z_e_cells, phase)
        loss = objective.guard(objective.total_loss(terms, phase))
        self.record(step, loss, terms, monitors, labels)
        return loss

    def record(
        self, step: SeleneStep, loss, terms: dict, monitors: dict, labels: torch.Tensor
    ) -> None:
        """Add one step's monitors to the running means and keep its predictions."""
        out, head = step.out, step.objective.model.head
        self._predictions.append(torch.sigmoid(out["logit"].detach()).cpu().numpy())
        self._labels.append(labels.detach().cpu().numpy())
        lam = head.lam if hasattr(head, "lam") else out["lam"].mean()
        values = {"loss": loss, **{f"loss_{k}": v for k, v in terms.items()}, **monitors,
                  "zI_l0": l0_fraction(out["z_I"]), "zE_l0": l0_fraction(out["z_E"]),
                  "T": out["T"].mean(), "lam": lam}  # fmt: skip
        for key, value in values.items():
            self._sums[key] = self._sums.get(key, 0.0) + float(value.detach())
        self._steps += 1
        self._last = {"epoch": step.phase.epoch + 1, "warmup": int(step.phase.warmup),
                      "domain_chance": 1.0 / len(step.objective.cell_lines),
                      **{f"w_{k}": getattr(step.phase.weights, k) for k in AUXILIARY}}  # fmt: skip

    def flush(self) -> None:
        """Log the means since the last flush (called at Selene's validation)."""
        if not self._steps:
            return
        scores = classification_metrics(
            np.concatenate(self._labels).astype(np.int64), np.concatenate(self._predictions)
        )
        row = {**self._last, "steps": self._steps,
               **{f"train_{k}": v for k, v in scores.items()},
               **{k: v / self._steps for k, v in self._sums.items()}}  # fmt: skip
        self.history.append(row)
        self._sums, self._steps, self._predictions, self._labels = {}, 0, [], []
        text = " ".join(f"{k}={v:.4g}" for k, v in row.items())
        selene_log.info("prism-energy training monitors: %s", text)


class PrismAdamW(torch.optim.AdamW):
    """AdamW with weight decay on weight matrices and kernels only, as ``kipoi-prism train``.

    Parameters
    ----------
    params : iterable of torch.nn.Parameter
        Selene passes ``model.parameters()``.
    lr : float
    weight_decay : float
        Applied to parameters with 2 or more dimensions; biases, norms and scalars get 0.
    """

    def __init__(
        self, params, lr: float = 1e-3, weight_decay: float = DEFAULT_WEIGHT_DECAY, **kwargs
    ):
        params = [p for p in params if p.requires_grad]
        groups = [
            {"params": [p for p in params if p.ndim >= 2], "weight_decay": weight_decay},
            {"params": [p for p in params if p.ndim < 2], "weight_decay": 0.0},
        ]
        super().__init__([g for g in groups if g["params"]], lr=lr, **kwargs)


def criterion() -> PrismSeleneCriterion:
    """Selene's model-module hook: the loss."""
    return PrismSeleneCriterion()


def get_optimizer(
    lr: float, weight_decay: float = DEFAULT_WEIGHT_DECAY
) -> tuple[type[torch.optim.Optimizer], dict[str, float]]:
    """Selene's model-module hook: ``(optimizer class, keyword arguments)``."""
    return PrismAdamW, {"lr": as_float_lr(lr), "weight_decay": float(weight_decay)}


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
            "not a checkpoint of kipoi_prism.integrations.selene.sampler.PrismSeleneModel "
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
