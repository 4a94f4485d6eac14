"""The model's inputs for a pair table: one-hot windows from a genome, or feature columns.

An *input source* wraps a canonical pair table and hands out the model's inputs for any
rows (:meth:`encode`, by 0-based row position) as :class:`kipoi_prism.io.encode.EncodedPairs`:
``(B, 4, L)`` one-hot windows for the sequence backbone (:class:`WindowSource`, from the
FASTA or an HDF5 window cache), ``(B, n_features)`` rows for the feature backbone
(:class:`FeatureSource`). Training, validation, inference and the benchmark all take their
inputs from one of these, chosen by :func:`make_source` from the model's configuration.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from kipoi_prism.errors import PrismInputError
from kipoi_prism.io.encode import EncodedPairs, PairEncoder
from kipoi_prism.io.genome import Genome


class WindowSource:
    """One-hot windows of a table's rows, read from the FASTA or from an HDF5 cache.

    Parameters
    ----------
    frame : pandas.DataFrame
        Canonical pair table rows.
    genome : Genome
    enhancer_length, promoter_length : int
    cache : kipoi_prism.training.h5cache.H5Windows, optional
        Encoded windows of exactly these rows (built by :mod:`kipoi_prism.training.h5cache`).
    """

    def __init__(
        self,
        frame: pd.DataFrame,
        genome: Genome,
        enhancer_length: int,
        promoter_length: int,
        cache=None,
    ) -> None:
        self.frame = frame
        self.encoder = PairEncoder(genome, enhancer_length, promoter_length)
        self.cache = cache

    def __len__(self) -> int:
        return len(self.frame)

    def encode(self, positions: np.ndarray) -> EncodedPairs:
        """Windows of the rows at ``positions`` (0-based row positions, any order)."""
        if self.cache is not None:
            return self.cache.encode(positions)
        return self.encoder.encode(self.frame.iloc[positions])


class FeatureSource:
    """Per-element feature vectors from columns of the pair table (``backbone: features``).

    Takes the place of :class:`WindowSource` for the MLP feature backbone: ``encode``
    returns ``EncodedPairs`` whose arrays are ``(B, n_enhancer_features)`` and
    ``(B, n_promoter_features)`` float32 rows instead of one-hot windows.

    Parameters
    ----------
    frame : pandas.DataFrame
    enhancer_columns, promoter_columns : list of str
        Numeric columns of ``frame`` (e.g. marks at the enhancer and in the window, the
        distance; marks at the promoter).
    """

    def __init__(
        self, frame: pd.DataFrame, enhancer_columns: Sequence[str], promoter_columns: Sequence[str]
    ) -> None:
        self.frame = frame
        self.arrays = {
            element: _feature_matrix(frame, list(columns), element)
            for element, columns in (("enhancer", enhancer_columns), ("promoter", promoter_columns))
        }

    def __len__(self) -> int:
        return len(self.frame)

    def encode(self, positions: np.ndarray) -> EncodedPairs:
        """Feature rows at ``positions``."""
        return EncodedPairs(self.arrays["enhancer"][positions], self.arrays["promoter"][positions])


def _feature_matrix(frame: pd.DataFrame, columns: list[str], element: str) -> np.ndarray:
    missing = [c for c in columns if c not in frame.columns]
    if not columns or missing:
        raise PrismInputError(
            f"{element} feature columns {missing or columns} not in the pair table "
            f"(columns: {', '.join(map(str, frame.columns))})"
        )
    block = frame[columns]
    if not all(pd.api.types.is_numeric_dtype(dtype) for dtype in block.dtypes):
        block = block.apply(pd.to_numeric, errors="coerce")  # text: unparsable -> NaN, named below
    values = block.to_numpy(np.float32)
    bad = ~np.isfinite(values)
    if bad.any():
        row, column = np.argwhere(bad)[0]
        where = f"line {int(frame['line'].iloc[row])}" if "line" in frame.columns else f"row {row}"
        raise PrismInputError(
            f"{where}: {element} feature {columns[column]!r} is not a finite number "
            f"({frame[columns[column]].iloc[row]!r})"
        )
    return values


def make_source(
    frame: pd.DataFrame,
    model_config,
    genome: Genome | None = None,
    feature_columns: tuple[Sequence[str], Sequence[str]] | None = None,
    cache=None,
    source: str | None = None,
) -> WindowSource | FeatureSource:
    """The model's input for ``frame``: one-hot windows (``prism``) or feature rows (``features``).

    Windows are validated first (a chromosome missing from the FASTA or a window entirely
    off its chromosome raises :class:`PrismInputError` naming the line).
    """
    if model_config.backbone == "features":
        if feature_columns is None:
            raise PrismInputError("backbone 'features' needs feature columns (enhancer, promoter)")
        features = FeatureSource(frame, *feature_columns)
        widths = tuple(features.arrays[e].shape[1] for e in ("enhancer", "promoter"))
        if widths != tuple(model_config.feature_dims):
            raise PrismInputError(
                f"feature columns give {widths[0]} enhancer and {widths[1]} promoter features; "
                f"model.feature_dims is {list(model_config.feature_dims)}"
            )
        return features
    if genome is None:
        raise PrismInputError("a genome FASTA is needed for the sequence backbone")
    windows = WindowSource(frame, genome, model_config.enhancer_length,
                           model_config.promoter_length, cache)  # fmt: skip
    if cache is None:
        windows.encoder.validate(frame, source)
    return windows
