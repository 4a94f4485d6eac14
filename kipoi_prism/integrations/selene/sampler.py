"""The Selene sampler over a labelled pair table: ``!obj:...sampler.PrismPairSampler``.

Importing this module (the YAML's tag does) applies the selene-sdk fixes of
:mod:`kipoi_prism.integrations.selene.workarounds`. The table is read and split by
:mod:`~kipoi_prism.integrations.selene.splits`, batches are built by
:mod:`~kipoi_prism.integrations.selene.batches` and packed as
:mod:`~kipoi_prism.integrations.selene.packing` describes.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path

import numpy as np

# First: it names a missing selene-sdk, and applies the fixes before Selene runs.
from kipoi_prism.integrations.selene import workarounds  # noqa: F401

# isort: split
from selene_sdk.samplers import Sampler

from kipoi_prism.config import ModelConfig, TrainConfig, check_choice, check_positive_int
from kipoi_prism.errors import PrismInputError
from kipoi_prism.integrations.selene.batches import (
    Batch,
    TrainingPlans,
    evaluation_batches,
    pack_rows,
)
from kipoi_prism.integrations.selene.packing import plan_layout
from kipoi_prism.integrations.selene.splits import check_sampler_settings, read_splits, save_pairs
from kipoi_prism.io.encode import PairEncoder
from kipoi_prism.io.genome import Genome

log = logging.getLogger(__name__)

FEATURES = ("interaction",)


class PrismPairSampler(Sampler):
    """Selene sampler over a labelled pair table and a genome.

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
        check_sampler_settings(
            split_by, blocks_per_batch, support_size, features, save_datasets, output_dir
        )
        save_datasets = list(save_datasets)
        super().__init__(list(features), save_datasets=save_datasets, output_dir=output_dir)
        self.source = str(pairs)
        self.genome = Genome(genome)
        self.encoder = PairEncoder(self.genome, enhancer_length, promoter_length)
        self.blocks_per_batch, self.support_size, self.seed = blocks_per_batch, support_size, seed
        self.splits = read_splits(
            pairs, format, self.encoder, split_by, validation_holdout, test_holdout,
            train_cell_lines,
        )  # fmt: skip
        self.split_by, self.holdouts = split_by, self.splits.holdouts
        self.frames, self.cell_lines = self.splits.frames, self.splits.cell_lines
        self.modes = self.splits.modes
        for name in save_datasets:
            check_choice("sampler.save_datasets", name, tuple(self.modes))
        self.set_mode(mode)
        self.training_plans = TrainingPlans(
            self.frames["train"], self.cell_lines, blocks_per_batch, support_size, seed
        )
        self._eval_batches: dict[str, list[Batch]] = {}
        self._eval_cursor: dict[str, int] = {}

    @property
    def epoch(self) -> int:
        """The training epoch of the latest batch, 0-based."""
        return self.training_plans.epoch

    # ---------------------------------------------------------------- Selene contract

    def get_feature_from_index(self, index: int) -> str:
        """Name of Selene's feature ``index`` (the one feature, ``interaction``)."""
        return self._features[index]

    def sample(self, batch_size: int = 64, mode: str | None = None) -> Batch:
        """One batch: ``(inputs (Q + S, L_E + L_P + 1, 4), targets (Q, 2))``.

        In ``train`` mode, the next block batch of the current epoch (``batch_size`` =
        ``blocks_per_batch`` x block size queries at most); otherwise the next batch of
        the mode's evaluation set, cyclically.
        """
        mode = mode or self.mode
        if mode != "train":
            return self._next_eval_batch(mode, batch_size)
        query, support, cells, blocks = plan_layout(self.training_plans.next_plan(batch_size))
        self._remember("train", query)
        return pack_rows(self.encoder, self.frames["train"], query, support, cells, blocks,
                         self.epoch)  # fmt: skip

    def get_data_and_targets(
        self, batch_size: int, n_samples: int | None = None, mode: str | None = None
    ) -> tuple[list[Batch], np.ndarray]:
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
        check_positive_int("batch_size", batch_size)
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
        save_pairs(
            Path(self._output_dir) / f"{mode}_pairs.bedpe", self.frames[mode].iloc[positions]
        )

    # ---------------------------------------------------------------- evaluation batches

    def _build_eval_batches(self, mode: str, batch_size: int, n_samples: int | None) -> list[Batch]:
        built = evaluation_batches(self.encoder, self.splits, mode, self.support_size,
                                   self.seed, batch_size, n_samples)  # fmt: skip
        for query, _ in built:
            self._remember(mode, query)
        return [batch for _, batch in built]

    def _next_eval_batch(self, mode: str, batch_size: int) -> Batch:
        check_choice("mode", mode, tuple(self.modes))
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
