"""The sampler's pair table: its settings checked, read, split, numbered and saved.

The table is read with :func:`kipoi_prism.io.pairs.read_pairs`, every window validated by
the sampler's :class:`kipoi_prism.io.encode.PairEncoder`, and split by held-out cell line
or chromosome (a pair is held out when either element lies on a held-out chromosome; test
is taken first). Never a random split: pairs sharing a promoter would leak labels. Cell ids
``0 .. C-1`` are the training cell lines (the domain classifier's classes, the prototypes'
rows); validation- or test-only cell lines come after them.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from kipoi_prism.config import SPLIT_BY, check_choice, check_positive_int
from kipoi_prism.errors import PrismInputError
from kipoi_prism.io.atomic import write_text
from kipoi_prism.io.encode import PairEncoder
from kipoi_prism.io.pairs import PAIR_COLUMNS, read_pairs
from kipoi_prism.training.datasets import check_labelled
from kipoi_prism.training.split import held_out_mask

MODES = ("train", "validate", "test")


def check_sampler_settings(
    split_by: Any,
    blocks_per_batch: Any,
    support_size: Any,
    features: Sequence[str],
    save_datasets: Sequence[str],
    output_dir: str | None,
) -> None:
    """Refuse sampler settings that cannot work, before anything is read.

    Raises
    ------
    PrismInputError
        ``split_by`` unknown, ``blocks_per_batch`` or ``support_size`` not a positive
        integer, not exactly one feature, or ``save_datasets`` without an ``output_dir``.
    """
    check_choice("sampler.split_by", split_by, SPLIT_BY)
    for name, value in (("blocks_per_batch", blocks_per_batch), ("support_size", support_size)):
        check_positive_int(f"sampler.{name}", value)
    if len(features) != 1:
        raise PrismInputError(f"sampler.features: expected one feature name, got {list(features)}")
    if list(save_datasets) and output_dir is None:
        raise PrismInputError("sampler.save_datasets needs an output_dir (top-level output_dir)")


@dataclass
class PairSplits:
    """The labelled pairs of a Selene run, split into its modes.

    Attributes
    ----------
    source : str
        The pair table, for messages.
    split_by : {"chromosome", "cell_line"}
    holdouts : dict of str to list of str
        Held-out chromosomes or cell lines of ``validate`` and ``test``.
    frames : dict of str to pandas.DataFrame
        Pairs of each mode (``train``, ``validate``, ``test`` when held out), index reset.
    cell_lines : list of str
        Cell line of every cell id: the training cell lines first.
    """

    source: str
    split_by: str
    holdouts: dict[str, list[str]]
    frames: dict[str, pd.DataFrame]
    cell_lines: list[str]

    @property
    def modes(self) -> list[str]:
        """The modes the pairs were split into, in Selene's order."""
        return [m for m in MODES if m in self.frames]

    def cell_ids(self, mode: str) -> np.ndarray:
        """Cell id of every pair of ``mode``, shape=(N,), int64."""
        cell_id = {cell: i for i, cell in enumerate(self.cell_lines)}
        return self.frames[mode]["cell_line"].astype(str).map(cell_id).to_numpy(np.int64)


def read_splits(
    pairs: str | os.PathLike,
    format: str | None,
    encoder: PairEncoder,
    split_by: str,
    validation_holdout: Sequence[str] | str,
    test_holdout: Sequence[str] | str,
    train_cell_lines: Sequence[str] | None,
) -> PairSplits:
    """Read, validate and split the pair table (see the module docstring).

    Parameters
    ----------
    pairs : str or PathLike
        Labelled pair table (BEDPE, TargetFinder CSV or BENGI TSV).
    format : str, optional
        Pair-table format (detected when omitted).
    encoder : PairEncoder
        Validates every window.
    split_by : {"chromosome", "cell_line"}
    validation_holdout, test_holdout : list of str
        Chromosomes or cell lines of the validation (required) and test splits.
    train_cell_lines : list of str, optional
        The training split must hold exactly these; their order sets the cell ids.
        Default: the training split's cell lines, sorted.

    Raises
    ------
    PrismInputError
        No validation holdout, a holdout absent from the pairs, an unlabelled split, or
        training cell lines other than ``train_cell_lines``.
    """
    source = str(pairs)
    frame = read_pairs(pairs, format)
    encoder.validate(frame, source)
    holdouts = {"validate": names(validation_holdout), "test": names(test_holdout)}
    if not holdouts["validate"]:
        raise PrismInputError(
            f"sampler.validation_holdout: name the held-out {split_by.replace('_', ' ')}"
            "(s) of the validation split (Selene validates during training)"
        )
    in_test = holdout_mask(frame, split_by, holdouts["test"], "test_holdout", source)
    in_validation = (
        holdout_mask(frame, split_by, holdouts["validate"], "validation_holdout", source) & ~in_test
    )
    frames = {"train": frame[~in_test & ~in_validation], "validate": frame[in_validation]}
    if holdouts["test"]:
        frames["test"] = frame[in_test]
    frames = {mode: part.reset_index(drop=True) for mode, part in frames.items()}
    for mode, part in frames.items():
        check_labelled(part, mode, source)
    cell_lines = cell_vocabulary(frames, train_cell_lines, source)
    return PairSplits(source, split_by, holdouts, frames, cell_lines)


def holdout_mask(
    frame: pd.DataFrame, split_by: str, held_out: list[str], option: str, source: str
) -> np.ndarray:
    """Pairs in the held-out cell lines, or with an element on a held-out chromosome.

    The columns are those of :func:`kipoi_prism.training.split.split_columns` (a simulated
    table's original chromosomes for ``split_by: chromosome``).

    Raises
    ------
    PrismInputError
        A held-out name that no pair has (``option`` names the setting).
    """
    return held_out_mask(frame, split_by, held_out, f"sampler.{option}", source)


def cell_vocabulary(
    frames: dict[str, pd.DataFrame], train_cell_lines: Sequence[str] | None, source: str
) -> list[str]:
    """The training cell lines (given order, or sorted), then the others sorted."""
    present = sorted(set(frames["train"]["cell_line"].astype(str)))
    if train_cell_lines is None:
        train = present
    else:
        train = [str(c) for c in names(train_cell_lines)]
        if sorted(train) != present or len(set(train)) != len(train):
            raise PrismInputError(
                f"sampler.train_cell_lines: the training split holds the cell lines "
                f"{', '.join(present)}, but train_cell_lines (the model's cell_lines) "
                f"lists {', '.join(train)}",
                source,
            )
    others = {str(c) for f in frames.values() for c in f["cell_line"]} - set(train)
    return train + sorted(others)


def names(value: Sequence[str] | str | None) -> list[str]:
    """A YAML value that is one name, a list of names or nothing, as a list."""
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    return [str(v) for v in value]


def bedpe_text(rows: pd.DataFrame) -> str:
    """Canonical BEDPE text of pair rows (``#`` header, label ``.`` where unknown)."""
    table = rows[PAIR_COLUMNS].copy()
    labels = table["label"].astype(int)
    table["label"] = np.where(labels >= 0, labels.astype(str), ".")
    header = "#" + "\t".join(PAIR_COLUMNS) + "\n"
    return header + table.to_csv(sep="\t", header=False, index=False)


def save_pairs(path: str | os.PathLike, rows: pd.DataFrame) -> None:
    """Write ``rows`` to ``path`` as canonical BEDPE, atomically."""
    write_text(path, bedpe_text(rows))
