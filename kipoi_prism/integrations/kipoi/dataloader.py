"""The Kipoi dataloader of prism-energy: pairs grouped by cell line, with support sets.

A cell line's environment ``z_E`` is the mean embedding of a support set of its own pairs,
so every batch this dataloader hands out holds pairs of ONE cell line plus that cell
line's support set::

    inputs:   enhancer          (B, 4, L_E)   the batch's pairs
              promoter          (B, 4, L_P)
              support_enhancer  (m, 4, L_E)   the cell line's support set (same for
              support_promoter  (m, 4, L_P)   every batch of that cell line)
    metadata: name, cell_line, label (-1 unknown), enhancer_range, promoter_range

``B`` and ``m`` differ: Kipoi's schema check compares array shapes without the batch axis
and never batch sizes across arrays, and Kipoi's writers only write metadata and
predictions (``kipoi predict --keep_inputs`` cannot be used). The model
(:class:`kipoi_prism.integrations.kipoi.model.PrismEnergyKipoiModel`) computes ``z_E`` once
per support set and caches it. Support sets are drawn exactly as ``kipoi-prism predict`` draws them
(:mod:`kipoi_prism.io.support`), so both give the same predictions.

Batches come cell line by cell line (cell lines sorted by name, pairs in input order within
each), so Kipoi's output is grouped by cell line rather than in input order. Kipoi's
``--batch_size`` sets ``B``. The whole pair table is held in memory (Kipoi indexes batches);
``kipoi-prism predict`` streams instead.
"""

from __future__ import annotations

import os

import numpy as np
import pandas as pd
from kipoi.data import BatchDataset

from kipoi_prism.config import InferenceConfig, ModelConfig
from kipoi_prism.errors import PrismInputError
from kipoi_prism.inference import FramePairSource, scan, warn_small_support
from kipoi_prism.integrations.kipoi.compat import ensure_kipoi_compat
from kipoi_prism.io.encode import EncodedPairs, PairEncoder
from kipoi_prism.io.genome import Genome
from kipoi_prism.io.pairs import read_pairs

ensure_kipoi_compat()

DEFAULT_BATCH_SIZE = 32


def window_lengths(weights: str | os.PathLike | None = None) -> tuple[int, int]:
    """``(enhancer_length, promoter_length)`` of a weights file's architecture.

    Default: the weights shipped with the package, or the :class:`ModelConfig` defaults
    where none are installed.
    """
    from kipoi_prism.model.weights import DEFAULT_WEIGHTS, load_weights

    if weights is None and not DEFAULT_WEIGHTS.is_file():
        config = ModelConfig()
    else:
        config = load_weights(weights).model.config
    return config.enhancer_length, config.promoter_length


class CellLineBatches(BatchDataset):
    """Batches of one cell line's pairs with that cell line's support set (both models).

    A subclass sets ``encoder`` (a :class:`kipoi_prism.inference.scan.RowEncoder`) and
    ``table`` (the pairs, as the encoder reads them, with the pair columns of
    :func:`_metadata`), then calls :meth:`draw_support`.
    """

    encoder = None
    table: pd.DataFrame

    def draw_support(self, source, support_size, seed) -> None:
        """Pass 1 over ``source`` (the rows of ``table``): checks, support sets, the plan."""
        size = _integer("support_size", support_size)
        scanned = scan(source, self.encoder, size, _integer("seed", seed))
        warn_small_support(scanned.support, size)
        self.support_rows = scanned.support
        self._support_cache: dict[str, EncodedPairs] = {}
        self.set_batch_size(DEFAULT_BATCH_SIZE)

    def set_batch_size(self, batch_size: int) -> None:
        """Re-plan the batches: per cell line (sorted), input order, ``batch_size`` pairs each."""
        if batch_size < 1:
            raise ValueError(f"batch_size: expected a positive integer, got {batch_size}")
        cells = self.table["cell_line"].to_numpy()
        self._plan: list[tuple[str, np.ndarray]] = []
        for cell in sorted(self.support_rows):
            positions = np.flatnonzero(cells == cell)
            for start in range(0, len(positions), batch_size):
                self._plan.append((cell, positions[start : start + batch_size]))

    def batch_iter(self, batch_size: int | None = None, num_workers: int = 0, **kwargs):
        """Kipoi's batch iterator; ``batch_size`` (Kipoi's ``--batch_size``) sets ``B``."""
        if batch_size is not None:
            self.set_batch_size(batch_size)
        return super().batch_iter(num_workers=num_workers, **kwargs)

    def __len__(self) -> int:
        return len(self._plan)

    def __getitem__(self, index: int) -> dict:
        cell, positions = self._plan[index]
        rows = self.table.iloc[positions]
        pairs, support = self.encoder.encode(rows), self._support(cell)
        inputs = {
            "enhancer": pairs.enhancer,
            "promoter": pairs.promoter,
            "support_enhancer": support.enhancer,
            "support_promoter": support.promoter,
        }
        return {"inputs": inputs, "metadata": _metadata(rows)}

    def _support(self, cell: str) -> EncodedPairs:
        if cell not in self._support_cache:
            self._support_cache[cell] = self.encoder.encode(self.support_rows[cell])
        return self._support_cache[cell]


class PrismPairDataLoader(CellLineBatches):
    """Kipoi dataloader of the sequence model (see module docstring).

    Parameters
    ----------
    pairs : str
        Pair table: BEDPE, TargetFinder CSV or BENGI TSV (gzip accepted).
    fasta : str
        Genome FASTA.
    format : str, optional
        ``bedpe``, ``targetfinder`` or ``bengi``; detected when omitted.
    support_size : int
        ``m``, support-set pairs per cell line.
    seed : int
        Seed of the support-set draw.
    weights : str, optional
        Weights file whose window widths to use (default: the packaged weights); must be
        the weights the model loads.
    """

    def __init__(
        self,
        pairs: str,
        fasta: str,
        format: str | None = None,
        support_size: int = InferenceConfig.support_size,
        seed: int = InferenceConfig.seed,
        weights: str | None = None,
    ) -> None:
        self.encoder = PairEncoder(Genome(fasta), *window_lengths(weights))
        self.table = read_pairs(pairs, format)
        self.draw_support(FramePairSource(self.table, str(pairs)), support_size, seed)


def _integer(name: str, value) -> int:
    """Kipoi passes JSON values through; accept ``8`` or ``"8"``, refuse anything else."""
    try:
        return int(value)
    except (TypeError, ValueError):
        raise PrismInputError(f"{name}: expected an integer, got {value!r}") from None


def _strand(values: pd.Series) -> np.ndarray:
    """BEDPE strands; ``.`` (unknown) becomes Kipoi's ``*``."""
    text = values.to_numpy(str)
    return np.where(np.isin(text, ["+", "-"]), text, "*")


def _ranges(rows: pd.DataFrame, element: str) -> dict[str, np.ndarray]:
    """One element's input region as a Kipoi GenomicRanges dict (0-based, half-open)."""
    return {
        "chr": rows[f"{element}_chrom"].to_numpy(str),
        "start": rows[f"{element}_start"].to_numpy(np.int64),
        "end": rows[f"{element}_end"].to_numpy(np.int64),
        "id": rows["name"].to_numpy(str),
        "strand": _strand(rows[f"{element}_strand"]),
    }


def _metadata(rows: pd.DataFrame) -> dict:
    return {
        "name": rows["name"].to_numpy(str),
        "cell_line": rows["cell_line"].to_numpy(str),
        "label": rows["label"].to_numpy(np.int64),
        "enhancer_range": _ranges(rows, "enhancer"),
        "promoter_range": _ranges(rows, "promoter"),
    }
