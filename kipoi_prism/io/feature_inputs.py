"""The feature backbone's inputs from a chromatin feature table: one recipe. No torch here.

A feature table (TargetFinder CSV, BENGI TSV or the output of ``kipoi-prism features``,
:mod:`kipoi_prism.io.feature_table`) gives, per pair, 24 marks (8 :data:`MARKS` at the
enhancer, the promoter and the window between them) and the distance. The feature backbone
(``ModelConfig(backbone="features")``) reads two vectors per pair, made here for training,
the benchmark and ``kipoi-prism predict`` alike (:func:`with_model_inputs`):

enhancer side (17 values, :data:`ENHANCER_INPUTS`)
    the 8 marks at the enhancer and the 8 in the window, then ``log10(distance + 1)``;
promoter side (8 values, :data:`PROMOTER_INPUTS`)
    the 8 marks at the promoter.

The marks enter in one of two normalisations (:data:`NORMALISATIONS`): ``"log"``,
``log1p(1e3 x)`` of the mean signal per bp, or ``"rank"``, the mark's rank within the
row's cell line in the table at hand, scaled to (0, 1] (:func:`rank_marks`). A weights file
records which, with the input columns, under ``metadata["feature_inputs"]``
(:func:`feature_recipe`); files without it were made with ``"log"``
(:func:`recipe_normalise`).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from kipoi_prism.errors import PrismInputError
from kipoi_prism.io.feature_table import DISTANCE_COLUMN, FEATURE_COLUMNS, MARKS, PLACES
from kipoi_prism.io.pairs import PAIR_COLUMNS, parse_region

NORMALISATIONS = ("log", "rank")
#: What weights files without a recorded recipe were trained with (the benchmark's default).
DEFAULT_NORMALISE = "log"
#: The weights metadata key holding the recipe (:func:`feature_recipe`).
RECIPE_KEY = "feature_inputs"
# The input an NA mark gets when missing marks are imputed (rank recipe): the middle rank.
MID_RANK = 0.5
#: The columns a feature table must have.
TABLE_COLUMNS = ["label", "enh_name", "prom_name", "celltype", DISTANCE_COLUMN, *FEATURE_COLUMNS]
#: The columns :func:`read_feature_table` returns (``name`` besides, when asked for).
CANONICAL_COLUMNS = ["label", "cell_line", "enhancer", "promoter", "distance", *FEATURE_COLUMNS]
DISTANCE_INPUT = "log10(distance + 1)"

ENHANCER_SIDE = [i for i, c in enumerate(FEATURE_COLUMNS) if "(promoter)" not in c]
PROMOTER_SIDE = [i for i, c in enumerate(FEATURE_COLUMNS) if "(promoter)" in c]
ENHANCER_INPUTS = [f"x_enhancer_{i}" for i in range(len(ENHANCER_SIDE) + 1)]
PROMOTER_INPUTS = [f"x_promoter_{i}" for i in range(len(PROMOTER_SIDE))]
#: The feature backbone's (enhancer-side, promoter-side) input columns.
FEATURE_INPUTS = (ENHANCER_INPUTS, PROMOTER_INPUTS)


def read_feature_table(path: str | Path, names: bool = False) -> pd.DataFrame:
    """Read one feature table into a frame with canonical columns.

    Parameters
    ----------
    path : str or Path
        Comma-separated when the name holds ``.csv`` (or ``Whalen``), else the separator is
        sniffed; ``.gz`` accepted.
    names : bool
        Add ``name``, each pair's name: the name ``kipoi-prism features`` wrote (the third
        ``|`` field of both ``enh_name`` and ``prom_name``), else
        ``CELL|chrN:start-end|chrN:start-end`` as the TargetFinder pair reader names pairs.

    Returns
    -------
    pandas.DataFrame
        ``label`` (int8), ``cell_line``, ``enhancer``, ``promoter`` (region keys
        ``chrN:start-end``), ``distance`` (bp), the 24 :data:`FEATURE_COLUMNS` (float32,
        NaN where the table says ``NA``), then ``name`` when asked for.

    Raises
    ------
    PrismInputError
        The file is missing, or is not a feature table (the missing columns named).
    """
    path = Path(path)
    if not path.is_file():
        raise PrismInputError("feature table not found", path)
    sep = "," if ".csv" in path.name or "Whalen" in path.name else None
    frame = pd.read_csv(path, sep=sep, engine="python" if sep is None else "c")
    missing = [c for c in TABLE_COLUMNS if c not in frame.columns]
    if missing:
        more = f" and {len(missing) - 6} more" if len(missing) > 6 else ""
        raise PrismInputError(
            f"not a chromatin feature table: lacks columns {', '.join(missing[:6])}{more} "
            "(expected a TargetFinder/BENGI feature table or the output of kipoi-prism features)",
            path,
            1,
        )
    try:
        distance = frame[DISTANCE_COLUMN].astype(np.float64).abs()
        features = frame[FEATURE_COLUMNS].astype(np.float32)
    except ValueError as error:
        raise PrismInputError(f"a feature or distance column is not numeric ({error})",
                              path) from None  # fmt: skip
    out = pd.DataFrame(
        {
            "label": _labels(frame["label"], path),
            "cell_line": frame["celltype"].astype(str),
            "enhancer": frame["enh_name"].astype(str).str.split("|").str[0],
            "promoter": frame["prom_name"].astype(str).str.split("|").str[0],
            "distance": distance,
        }
    )
    out = pd.concat([out, features], axis=1)
    if names:
        out["name"] = _pair_names(frame, out)
    return out


def _labels(labels: pd.Series, path: Path) -> pd.Series:
    """0/1 labels as int8, ``-1`` where unknown (``-1``, ``.``, ``NA`` or empty)."""
    unknown = labels.isna() | labels.astype(str).str.strip().isin(["", ".", "NA"])
    values = pd.to_numeric(labels.where(~unknown, -1), errors="coerce")
    bad = ~values.isin([0, 1, -1]).to_numpy()
    if bad.any():
        row = int(np.flatnonzero(bad)[0])
        raise PrismInputError(f"label {labels.iloc[row]!r} is not 0 or 1", path, row + 2)
    return values.astype(np.int8)


def _pair_names(raw: pd.DataFrame, frame: pd.DataFrame) -> np.ndarray:
    """The pair name ``kipoi-prism features`` wrote, else ``CELL|enhancer|promoter``."""
    enhancer = raw["enh_name"].astype(str).str.split("|", n=2).str[2]
    promoter = raw["prom_name"].astype(str).str.split("|", n=2).str[2]
    written = enhancer.notna() & (enhancer == promoter) & ~enhancer.isin(["", "_"])
    made = frame["cell_line"] + "|" + frame["enhancer"] + "|" + frame["promoter"]
    return np.where(written, enhancer, made).astype(object)


def rank_marks(frame: pd.DataFrame) -> pd.DataFrame:
    """The 24 marks replaced by their rank within the row's cell line, scaled to (0, 1].

    A cell line's assays differ in depth and scale; ranks within its candidate set (the
    cell line's whole table, labels unused) put every cell line on one scale. Ties share
    their average rank.
    """
    ranks = frame.groupby("cell_line", sort=False)[FEATURE_COLUMNS].rank(pct=True)
    return frame.assign(**{c: ranks[c].astype(np.float32) for c in FEATURE_COLUMNS})


def feature_matrix(frame: pd.DataFrame, ranked: bool = False) -> np.ndarray:
    """Model input: the 24 marks plus ``log10(distance + 1)``.

    The marks enter as ``log1p(1e3 * feature)``, or as they are when ``ranked`` (the frame
    went through :func:`rank_marks`: values in (0, 1]).

    Returns
    -------
    numpy.ndarray of float32, shape=(N, 25)
    """
    marks = np.clip(frame[FEATURE_COLUMNS].to_numpy(np.float64), 0, None)
    if not ranked:
        marks = np.log1p(1e3 * marks)
    distance = np.log10(frame["distance"].to_numpy(np.float64) + 1.0)[:, None]
    return np.hstack([marks, distance]).astype(np.float32)


def with_model_inputs(frame: pd.DataFrame, ranked: bool = False) -> pd.DataFrame:
    """Add the feature backbone's inputs as columns (:data:`FEATURE_INPUTS`).

    Enhancer side: transformed marks at the enhancer and in the window, then log distance
    (17 values); promoter side: transformed marks at the promoter (8 values). ``ranked``:
    the marks are within-cell-line ranks (:func:`rank_marks`).
    """
    x = feature_matrix(frame, ranked)
    marks, distance = x[:, :-1], x[:, -1:]
    enhancer = np.hstack([marks[:, ENHANCER_SIDE], distance])
    promoter = marks[:, PROMOTER_SIDE]
    columns = {**dict(zip(ENHANCER_INPUTS, enhancer.T, strict=True)),
               **dict(zip(PROMOTER_INPUTS, promoter.T, strict=True))}  # fmt: skip
    return frame.assign(**columns)


def check_normalise(normalise: str) -> None:
    """Refuse a normalisation that is not one of :data:`NORMALISATIONS`."""
    if normalise not in NORMALISATIONS:
        raise PrismInputError(
            f"normalise: expected one of {', '.join(NORMALISATIONS)}, got {normalise!r}"
        )


def model_inputs(frame: pd.DataFrame, normalise: str) -> pd.DataFrame:
    """:func:`with_model_inputs` after :func:`rank_marks` when ``normalise`` is ``"rank"``.

    Raises
    ------
    PrismInputError
        ``normalise`` is not one of :data:`NORMALISATIONS`.
    """
    check_normalise(normalise)
    if normalise == "rank":
        frame = rank_marks(frame)
    return with_model_inputs(frame, ranked=normalise == "rank")


def feature_recipe(normalise: str) -> dict:
    """What a weights file records about its inputs (``metadata["feature_inputs"]``).

    ``{"normalise": ..., "enhancer": [...], "promoter": [...]}``: the normalisation and, in
    input order, the table columns each side's inputs come from.

    Raises
    ------
    PrismInputError
        ``normalise`` is not one of :data:`NORMALISATIONS`.
    """
    check_normalise(normalise)
    return {
        "normalise": normalise,
        "enhancer": [FEATURE_COLUMNS[i] for i in ENHANCER_SIDE] + [DISTANCE_INPUT],
        "promoter": [FEATURE_COLUMNS[i] for i in PROMOTER_SIDE],
    }


def recipe_normalise(metadata: dict, source: str | Path | None = None) -> str:
    """The normalisation a weights file's metadata records (:func:`feature_recipe`).

    Weights without ``metadata["feature_inputs"]`` (written before the recipe was recorded)
    are taken to use ``"log"``, the benchmark's default normalisation then.

    Raises
    ------
    PrismInputError
        The recorded recipe has another normalisation or other input columns than this
        version of kipoi-prism makes (naming ``source``, the weights file).
    """
    recorded = metadata.get(RECIPE_KEY)
    if recorded is None:
        return DEFAULT_NORMALISE
    normalise = recorded.get("normalise", DEFAULT_NORMALISE)
    if normalise not in NORMALISATIONS:
        raise PrismInputError(
            f"feature_inputs.normalise {normalise!r} is not one of {', '.join(NORMALISATIONS)}",
            source,
        )
    ours = feature_recipe(normalise)
    for side in ("enhancer", "promoter"):
        if side in recorded and list(recorded[side]) != ours[side]:
            raise PrismInputError(
                f"feature_inputs.{side} ({len(recorded[side])} columns from "
                f"{recorded[side][0]!r}) is not the input this kipoi-prism makes from a "
                "feature table",
                source,
            )
    return normalise


def missing_marks(frame: pd.DataFrame) -> list[str]:
    """The marks with at least one NA value in ``frame``, in :data:`MARKS` order."""
    missing = frame[FEATURE_COLUMNS].isna().to_numpy()
    by_mark = missing.reshape(len(frame), len(MARKS), len(PLACES)).any(axis=(0, 2))
    return [mark for mark, absent in zip(MARKS, by_mark, strict=True) if absent]


def check_complete(frame: pd.DataFrame, source: str | Path, marks: bool = True) -> None:
    """Refuse a table with missing (NA) marks (unless ``marks`` is False) or distances,
    naming the marks.

    Raises
    ------
    PrismInputError
        One line: the marks with NA values and the first line with one.
    """
    absent = missing_marks(frame) if marks else []
    if absent:
        missing = frame[FEATURE_COLUMNS].isna().to_numpy()
        line = int(_lines(frame)[np.flatnonzero(missing.any(axis=1))[0]])
        raise PrismInputError(
            f"no values (NA) for {', '.join(absent)} (first at line {line}): the feature model "
            f"was trained on all {len(MARKS)} marks and cannot score pairs without them; give "
            "kipoi-prism features a --track for each mark, or impute them (predict "
            "--missing-marks impute)",
            source,
        )
    bad = ~np.isfinite(frame["distance"].to_numpy(np.float64))
    if bad.any():
        line = int(_lines(frame)[np.flatnonzero(bad)[0]])
        raise PrismInputError(f"{DISTANCE_COLUMN} is missing or not a number", source, line)


def _lines(frame: pd.DataFrame) -> np.ndarray:
    """File line of each row: a ``line`` column, else row ``i`` on line ``i + 2``."""
    if "line" in frame.columns:
        return frame["line"].to_numpy(np.int64)
    return np.arange(len(frame)) + 2


def scoring_table(
    frame: pd.DataFrame, normalise: str, source: str | Path, impute_missing: bool = False
) -> pd.DataFrame:
    """A feature table as a canonical pair table with the model's inputs, input order.

    ``impute_missing`` (rank recipe only): an NA mark value enters as the middle rank,
    :data:`MID_RANK`, the value that says least about where the pair stands in its cell
    line (a mark the user lacks is NA in every row).

    Parameters
    ----------
    frame : pandas.DataFrame
        As :func:`read_feature_table` returns it (with ``name``; without, pairs are named
        ``CELL|enhancer|promoter``).
    normalise : {"log", "rank"}
        The weights' recipe; ``"rank"`` ranks each mark within each cell line of ``frame``.
    source : str or Path
        What messages call the table.

    Returns
    -------
    pandas.DataFrame
        :data:`~kipoi_prism.io.pairs.PAIR_COLUMNS` (coordinates parsed from the region
        names, strands and score ``.``), ``line``, ``distance``, then
        :data:`FEATURE_INPUTS`.

    Raises
    ------
    PrismInputError
        NA marks (:func:`check_complete`) or a region name not of the form
        ``chrN:start-end``.
    """
    missing = [c for c in CANONICAL_COLUMNS if c not in frame.columns]
    if missing:
        raise PrismInputError(
            f"feature table lacks columns {', '.join(missing[:6])} (read the table with "
            "kipoi_prism.io.feature_inputs.read_feature_table)",
            source,
        )
    frame = frame.reset_index(drop=True)
    if impute_missing and normalise != "rank":
        raise PrismInputError(
            "imputing missing marks needs weights whose marks are ranks within each cell line "
            f"(these weights' recipe: {normalise})",
            source,
        )
    check_complete(frame, source, marks=not impute_missing)
    lines = _lines(frame)
    enhancer = _regions(frame["enhancer"], lines, source)
    promoter = _regions(frame["promoter"], lines, source)
    if "name" not in frame.columns:
        frame = frame.assign(name=frame["cell_line"] + "|" + frame["enhancer"] + "|"
                             + frame["promoter"])  # fmt: skip
    inputs = model_inputs(frame, normalise)
    if impute_missing:
        inputs = inputs.fillna({c: MID_RANK for c in ENHANCER_INPUTS + PROMOTER_INPUTS})
    table = pd.DataFrame(
        {
            **{f"enhancer_{k}": v for k, v in enhancer.items()},
            **{f"promoter_{k}": v for k, v in promoter.items()},
            "name": frame["name"].astype(str).to_numpy(object),
            "score": ".",
            "enhancer_strand": ".",
            "promoter_strand": ".",
            "cell_line": frame["cell_line"].astype(str).to_numpy(object),
            "label": frame["label"].to_numpy(np.int64),
            "line": lines,
            "distance": frame["distance"].to_numpy(np.float64),
        }
    )
    return pd.concat([table[[*PAIR_COLUMNS, "line", "distance"]],
                      inputs[ENHANCER_INPUTS + PROMOTER_INPUTS]], axis=1)  # fmt: skip


def _regions(keys: pd.Series, lines: np.ndarray, source) -> dict[str, np.ndarray]:
    """``chrN:start-end`` keys -> ``{"chrom", "start", "end"}`` arrays (each key parsed once)."""
    unique, first, codes = np.unique(keys.astype(str).to_numpy(), return_index=True,
                                     return_inverse=True)  # fmt: skip
    parsed = [parse_region(key, source, int(lines[row]))
              for key, row in zip(unique, first, strict=True)]  # fmt: skip
    chrom, start, end = ([p[i] for p in parsed] for i in range(3))
    return {
        "chrom": np.asarray(chrom, dtype=object)[codes],
        "start": np.asarray(start, dtype=np.int64)[codes],
        "end": np.asarray(end, dtype=np.int64)[codes],
    }
