"""Scoring chromatin feature tables with feature-backbone weights.

A weights file whose model has ``backbone: features`` scores a feature table
(TargetFinder CSV, BENGI TSV or the output of ``kipoi-prism features``) with no genome:
the table is read (:func:`kipoi_prism.io.feature_inputs.read_feature_table`), refused where
a mark has NA values, turned into the model's inputs with the recipe the weights record
(:func:`kipoi_prism.io.feature_inputs.recipe_normalise`; ``rank`` ranks each mark within each
cell line of the table being scored) and scored by the engine like any pair table: support
sets from the table's own pairs of each cell line, rows in input order. The scored rows
carry the pair columns (coordinates parsed from ``enh_name``/``prom_name``), the label and
the distance; the model-input columns are dropped (:func:`without_inputs`).
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator

import pandas as pd

from kipoi_prism.errors import PrismInputError
from kipoi_prism.io.feature_inputs import (
    ENHANCER_INPUTS,
    FEATURE_INPUTS,
    PROMOTER_INPUTS,
    missing_marks,
    read_feature_table,
    recipe_normalise,
    scoring_table,
)
from kipoi_prism.model.weights import WeightsBundle

log = logging.getLogger(__name__)

#: The model-input columns a scored feature table drops.
INPUT_COLUMNS = ENHANCER_INPUTS + PROMOTER_INPUTS


def is_feature_model(bundle: WeightsBundle) -> bool:
    """Whether the weights read feature columns (``model.backbone == "features"``)."""
    return bundle.model.config.backbone == "features"


def require_sequence_weights(bundle: WeightsBundle, task: str, why: str) -> None:
    """Refuse feature-backbone (chromatin) weights for a ``task`` that changes or reads bases.

    Raises
    ------
    PrismInputError
        ``--weights: <task> need sequence weights (prism-energy): these are chromatin
        (feature-backbone) weights, which read feature tables, <why>``, naming the file.
    """
    if is_feature_model(bundle):
        raise PrismInputError(
            f"--weights: {task} need sequence weights (prism-energy): these are chromatin "
            f"(feature-backbone) weights, which read feature tables, {why}",
            bundle.path,
        )


def feature_normalise(bundle: WeightsBundle) -> str:
    """The weights' recipe (``"log"`` or ``"rank"``), checked against the table's inputs.

    Raises
    ------
    PrismInputError
        The model's input widths are not those a feature table gives (17 enhancer-side,
        8 promoter-side), or the recorded recipe is not this version's.
    """
    source = bundle.path or "weights"
    widths = [len(columns) for columns in FEATURE_INPUTS]
    if list(bundle.model.config.feature_dims) != widths:
        raise PrismInputError(
            f"feature-backbone weights with feature_dims {list(bundle.model.config.feature_dims)} "
            f"do not read chromatin feature tables (those give {widths})",
            source,
        )
    return recipe_normalise(bundle.metadata, source)


def feature_table_frame(
    bundle: WeightsBundle,
    table: str | os.PathLike | pd.DataFrame,
    name: str | None = None,
    impute_missing: bool = False,
) -> pd.DataFrame:
    """A feature table (file, or a frame as ``read_feature_table`` returns it) ready to score.

    ``impute_missing``: NA marks enter as the middle rank (rank recipe only), with a warning
    naming them; otherwise they are refused.

    Returns
    -------
    pandas.DataFrame
        :func:`kipoi_prism.io.feature_inputs.scoring_table`: pair columns, ``line``,
        ``distance`` and the model inputs made with the weights' recipe.
    """
    normalise = feature_normalise(bundle)
    if isinstance(table, pd.DataFrame):
        frame, name = table, name or "<feature table>"
    else:
        frame, name = read_feature_table(table, names=True), name or str(table)
    scoring = scoring_table(frame, normalise, name, impute_missing)
    absent = missing_marks(frame) if impute_missing else []
    if absent:
        log.warning("%s: no values for %s in some or all pairs: imputed as the middle rank "
                    "(docs/BENCHMARK.md measures what each missing mark costs)",
                    name, ", ".join(absent))  # fmt: skip
    if normalise == "rank":
        cells = scoring["cell_line"].nunique()
        log.info("%s: marks ranked within each of its %d cell line%s (the weights' recipe); "
                 "a pair's inputs depend on the other pairs of its cell line in this table",
                 name, cells, "" if cells == 1 else "s")  # fmt: skip
    else:
        log.info("%s: marks as log1p(1e3 x) (the weights' recipe)", name)
    return scoring


def without_inputs(batches: Iterator[pd.DataFrame]) -> Iterator[pd.DataFrame]:
    """Scored batches without the model-input columns."""
    for batch in batches:
        yield batch.drop(columns=INPUT_COLUMNS)
