"""The model's inputs for pair-table rows, whichever backbone the weights have.

The engine reads a pair source in chunks and batches, so it needs an encoder for any rows
rather than an input source over one whole table (:mod:`kipoi_prism.io.inputs`): a
:class:`kipoi_prism.io.encode.PairEncoder` for the sequence backbone (one-hot windows from
the genome) or a :class:`FeatureEncoder` for the feature backbone (the table's feature
columns, through :func:`kipoi_prism.io.inputs.make_source`). Both validate rows and encode
them (:class:`kipoi_prism.inference.scan.RowEncoder`).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from kipoi_prism.config import ModelConfig
from kipoi_prism.errors import PrismInputError
from kipoi_prism.io.encode import EncodedPairs, PairEncoder
from kipoi_prism.io.genome import Genome
from kipoi_prism.io.inputs import FeatureSource, make_source

FeatureColumns = tuple[Sequence[str], Sequence[str]]


class FeatureEncoder:
    """Feature rows of a feature-backbone model (``backbone: features``) for any rows.

    Parameters
    ----------
    model_config : ModelConfig
        ``backbone == "features"``; its ``feature_dims`` must match the columns.
    feature_columns : (list of str, list of str)
        Enhancer-side and promoter-side numeric columns of the pair table.
    """

    def __init__(self, model_config: ModelConfig, feature_columns: FeatureColumns) -> None:
        self.model_config = model_config
        self.feature_columns = feature_columns

    def validate(self, frame: pd.DataFrame, source=None) -> int:
        """Check the feature columns: present, finite, as wide as the model's inputs.

        Raises
        ------
        PrismInputError
            Naming ``source`` and the first bad value's line.

        Returns
        -------
        int
            0: feature rows need no padding.
        """
        self._source(frame, source)
        return 0

    def padded(self, frame: pd.DataFrame) -> np.ndarray:
        """Per row 0: feature rows have no windows to pad."""
        return np.zeros(len(frame), np.int8)

    def encode(self, frame: pd.DataFrame) -> EncodedPairs:
        """Feature rows of every row of ``frame``: ``(B, n_enhancer)``, ``(B, n_promoter)``."""
        return self._source(frame).encode(np.arange(len(frame)))

    def _source(self, frame: pd.DataFrame, source=None) -> FeatureSource:
        try:
            return make_source(frame, self.model_config, feature_columns=self.feature_columns)
        except PrismInputError as error:
            if source is None or error.path is not None:
                raise
            raise PrismInputError(error.problem, source, error.line) from None


def make_encoder(
    model_config: ModelConfig,
    genome: Genome | None = None,
    feature_columns: FeatureColumns | None = None,
) -> PairEncoder | FeatureEncoder:
    """The row encoder for a model: windows from ``genome`` or ``feature_columns``.

    Raises
    ------
    PrismInputError
        When the backbone's input is not given.
    """
    if model_config.backbone == "features":
        if feature_columns is None:
            raise PrismInputError("backbone 'features' needs feature columns (enhancer, promoter)")
        return FeatureEncoder(model_config, feature_columns)
    if genome is None:
        raise PrismInputError("a genome FASTA is needed for the sequence backbone")
    return PairEncoder(genome, model_config.enhancer_length, model_config.promoter_length)
