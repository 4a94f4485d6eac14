"""The hold-out split: training and validation rows by cell line or chromosome. No torch.

One function, :func:`split_pairs`, serves ``kipoi-prism train`` (the ``data.split`` section)
and the leave-one-cell-line-out benchmark (validation = pairs on held-out original
chromosomes). Never by random pair: pairs sharing a promoter would leak labels across the
split. A row goes to validation when any of the split's columns holds a validation value
and is dropped when any holds an excluded value; so with ``by="chromosome"`` a pair is in
validation when its enhancer or its promoter lies on a validation chromosome.

Simulated pairs (``kipoi-prism simulate``) lie on sequences named by region
(``chr8_12345_13345``) and carry their real chromosomes in ``original_enhancer_chrom`` and
``original_promoter_chrom``: a chromosome split of such a table looks at those
(:func:`split_columns`), so ``data.split.val: [chr8, chr9]`` works on simulated data too.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from kipoi_prism.config import SplitConfig
from kipoi_prism.errors import PrismInputError

# The columns each kind of split looks at, unless the caller names others.
SPLIT_COLUMNS: dict[str, tuple[str, ...]] = {
    "cell_line": ("cell_line",),
    "chromosome": ("enhancer_chrom", "promoter_chrom"),
}
# A chromosome split looks at these instead when the table has both (simulated pairs).
ORIGINAL_CHROMOSOME_COLUMNS = ("original_enhancer_chrom", "original_promoter_chrom")


def split_columns(frame: pd.DataFrame, by: str) -> tuple[str, ...]:
    """The columns a ``by`` split of ``frame`` looks at.

    :data:`SPLIT_COLUMNS` of ``by``, except a chromosome split of a table holding both
    :data:`ORIGINAL_CHROMOSOME_COLUMNS` (pairs of ``kipoi-prism simulate``, whose sequence
    names are regions, not chromosomes): those.
    """
    if by == "chromosome" and set(ORIGINAL_CHROMOSOME_COLUMNS) <= set(frame.columns):
        return ORIGINAL_CHROMOSOME_COLUMNS
    return SPLIT_COLUMNS[by]


def split_pairs(
    frame: pd.DataFrame,
    split: SplitConfig,
    source: str | None = None,
    columns: Sequence[str] | None = None,
    require_both: bool = False,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Training and validation rows by held-out cell line or chromosome.

    Parameters
    ----------
    frame : pandas.DataFrame
        Canonical pair table (:func:`kipoi_prism.io.pairs.read_pairs`), or any table with
        ``columns``.
    split : SplitConfig
        ``by`` (what the values are), ``val`` (held out for validation) and ``exclude``
        (dropped from both).
    source : str, optional
        The table's file name, for error messages.
    columns : sequence of str, optional
        The column(s) to split on (default: :func:`split_columns`), e.g.
        ``["original_enhancer_chrom"]`` to look at simulated enhancers' chromosomes only.
    require_both : bool
        Raise :class:`ValueError` when every row or no row is a validation row.

    Returns
    -------
    train, val : pandas.DataFrame
        Row subsets of ``frame`` (index reset).

    Raises
    ------
    PrismInputError
        A ``val`` or ``exclude`` value occurs in none of the columns.
    ValueError
        With ``require_both``, an empty training or validation split.
    """
    columns = columns or split_columns(frame, split.by)
    in_val = held_out_mask(frame, split.by, split.val, "data.split.val", source, columns)
    if require_both and (in_val.all() or not in_val.any()):
        kind = "chromosomes" if split.by == "chromosome" else "cell lines"
        raise ValueError(f"validation {kind} {tuple(split.val)} leave an empty split")
    excluded = held_out_mask(frame, split.by, split.exclude, "data.split.exclude", source,
                             columns)  # fmt: skip
    train = frame[~in_val & ~excluded].reset_index(drop=True)
    val = frame[in_val & ~excluded].reset_index(drop=True)
    return train, val


def held_out_mask(
    frame: pd.DataFrame,
    by: str,
    names: Sequence[str],
    setting: str,
    source: str | None = None,
    columns: Sequence[str] | None = None,
) -> np.ndarray:
    """Rows with any of ``names`` in any split column (a pair with either element there).

    Parameters
    ----------
    frame : pandas.DataFrame
    by : {"cell_line", "chromosome"}
    names : sequence of str
        Held-out cell lines or chromosomes.
    setting : str
        The option that named them, for the error message (e.g. ``data.split.val``).
    source : str, optional
        The table's file name, for the error message.
    columns : sequence of str, optional
        Default: :func:`split_columns`.

    Raises
    ------
    PrismInputError
        A name that no pair has.
    """
    values = [frame[c].astype(str) for c in (columns or split_columns(frame, by))]
    available = set().union(*(set(v) for v in values))
    missing = sorted(set(names) - available)
    if missing:
        shown = ", ".join(sorted(available)[:10])
        raise PrismInputError(
            f"{setting}: {', '.join(missing)} not found among the {by} values of the pairs "
            f"({shown})",
            source,
        )
    return np.logical_or.reduce([v.isin(list(names)).to_numpy() for v in values])
