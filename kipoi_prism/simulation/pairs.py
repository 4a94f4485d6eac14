"""The real pairs the simulator keeps, and the distinct regions they use.

:func:`load_pairs` reads the pair tables (cell lines selected, each cell line's real
prevalence attached, optionally a stratified :func:`subsample`); :func:`build_regions` gives
every distinct region (keyed by its original ``chrom:start-end``) one row, the span of
sequence stored for it (the region plus every model window centred on it) and its FASTA
record name.
"""

from __future__ import annotations

import math
import os
from collections.abc import Sequence

import numpy as np
import pandas as pd

from kipoi_prism.config import SimulationConfig
from kipoi_prism.errors import PrismInputError
from kipoi_prism.io.pairs import PAIR_COLUMNS, detect_format, iter_pairs
from kipoi_prism.simulation.randomness import STREAM_SUBSAMPLE, keyed_uniforms


def load_pairs(pair_tables: Sequence[str | os.PathLike], config: SimulationConfig) -> pd.DataFrame:
    """Read, select and subsample the real pairs.

    Parameters
    ----------
    pair_tables : sequence of path
        TargetFinder CSV, BENGI TSV or BEDPE files (format detected per file).
    config : SimulationConfig

    Returns
    -------
    pandas.DataFrame
        Canonical pair columns, ``line``, ``source`` (index into ``pair_tables``) and
        ``target_prevalence`` (the cell line's real positive fraction), in input order.
    """
    if not pair_tables:
        raise ValueError("pair_tables: expected at least one pair table, got none")
    frames = []
    for index, path in enumerate(pair_tables):
        chunks = iter_pairs(path, detect_format(path))
        frame = pd.concat([c[PAIR_COLUMNS + ["line"]] for c in chunks], ignore_index=True)
        frames.append(frame.assign(source=index))
    pairs = pd.concat(frames, ignore_index=True)
    _check_names(pairs, pair_tables)
    pairs = _select_cell_lines(pairs, config.cell_lines, pair_tables)
    pairs["target_prevalence"] = _target_prevalence(pairs, config.prevalence, pair_tables)
    if config.max_pairs_per_cell_line is not None:
        pairs = subsample(pairs, config.max_pairs_per_cell_line, config.seed)
    _check_cis(pairs, pair_tables)
    return pairs.reset_index(drop=True)


def _check_names(pairs: pd.DataFrame, paths) -> None:
    duplicated = pairs["name"].duplicated(keep="first")
    if duplicated.any():
        row = pairs[duplicated].iloc[0]
        first = pairs[pairs["name"] == row["name"]].iloc[0]
        raise PrismInputError(
            f"duplicate pair name {row['name']!r} (first seen in {paths[first['source']]} line "
            f"{first['line']}); give each pair once",
            paths[row["source"]],
            int(row["line"]),
        )


def _select_cell_lines(pairs: pd.DataFrame, wanted, paths) -> pd.DataFrame:
    if wanted is None:
        return pairs
    present = sorted(pairs["cell_line"].unique())
    missing = [c for c in wanted if c not in present]
    if missing:
        raise PrismInputError(
            f"cell line(s) {', '.join(missing)} not in the pair tables "
            f"({', '.join(str(p) for p in paths)}); present: {', '.join(present)}"
        )
    return pairs[pairs["cell_line"].isin(wanted)].reset_index(drop=True)


def _target_prevalence(pairs: pd.DataFrame, prevalence: float | None, paths) -> np.ndarray:
    if prevalence is not None:
        return np.full(len(pairs), prevalence)
    known = pairs[pairs["label"] >= 0]
    rate = known.groupby("cell_line")["label"].mean()
    for cell in pairs["cell_line"].unique():
        if cell not in rate.index or not 0 < rate[cell] < 1:
            raise PrismInputError(
                f"cell line {cell!r} has no mix of 0/1 labels to match its prevalence; "
                "set the prevalence (--prevalence)",
                paths[int(pairs.loc[pairs["cell_line"] == cell, "source"].iloc[0])],
            )
    return pairs["cell_line"].map(rate).to_numpy(np.float64)


def subsample(pairs: pd.DataFrame, size: int, seed: int) -> pd.DataFrame:
    """At most ``size`` pairs per cell line, stratified by label, in input order.

    Each label stratum keeps its share of ``size`` (largest remainders round); within a
    stratum the pairs with the smallest keyed uniforms (seed, cell line, name) are kept,
    so the choice does not depend on row order, and a larger ``size`` keeps a superset
    (with two labels the quotas only grow).

    Parameters
    ----------
    pairs : pandas.DataFrame
        ``name``, ``cell_line`` and ``label`` columns.
    size : int
    seed : int

    Returns
    -------
    pandas.DataFrame
    """
    keys = keyed_uniforms(seed, STREAM_SUBSAMPLE, pairs["cell_line"], pairs["name"])
    names = pairs["name"].to_numpy()
    cells, labels = pairs["cell_line"].to_numpy(), pairs["label"].to_numpy()
    keep = np.zeros(len(pairs), dtype=bool)
    for cell in sorted(set(cells)):
        rows = np.flatnonzero(cells == cell)
        if len(rows) <= size:
            keep[rows] = True
            continue
        strata = {label: rows[labels[rows] == label] for label in sorted(set(labels[rows]))}
        quotas = _largest_remainder({k: len(v) for k, v in strata.items()}, size)
        for label, stratum in strata.items():
            order = np.lexsort((names[stratum], keys[stratum]))
            keep[stratum[order[: quotas[label]]]] = True
    return pairs[keep].reset_index(drop=True)


def _largest_remainder(counts: dict, size: int) -> dict:
    total = sum(counts.values())
    exact = {k: size * n / total for k, n in counts.items()}
    quotas = {k: math.floor(v) for k, v in exact.items()}
    by_remainder = sorted(counts, key=lambda k: (quotas[k] - exact[k], str(k)))
    for k in by_remainder[: size - sum(quotas.values())]:
        quotas[k] += 1
    return quotas


def _check_cis(pairs: pd.DataFrame, paths) -> None:
    trans = pairs["enhancer_chrom"] != pairs["promoter_chrom"]
    if trans.any():
        row = pairs[trans].iloc[0]
        raise PrismInputError(
            "inter-chromosomal pair: the simulator's distance term needs both regions on one "
            "chromosome",
            paths[row["source"]],
            int(row["line"]),
        )


def build_regions(pairs: pd.DataFrame, cell_lines: list[str], config: SimulationConfig):
    """One row per distinct region, and each pair's enhancer and promoter region index.

    Returns
    -------
    regions : pandas.DataFrame
        ``key, chrom, start, end, enhancer_use, promoter_use, stored_start, stored_end,
        length, span, record``; a region used as a promoter anywhere is generated as a
        promoter. Rows (and FASTA records) are sorted by role (promoters first), stored
        length, then key.
    enhancer_index, promoter_index : numpy.ndarray of int64, shape=(N,)
    cell_sets : numpy.ndarray of int64, shape=(n_regions, C)
        Indices of the cell lines using each region as an enhancer, padded with -1.
    """
    uses = pd.concat([_uses(pairs, "enhancer"), _uses(pairs, "promoter")], ignore_index=True)
    regions = (
        uses.groupby("key", sort=True)
        .agg(
            chrom=("chrom", "first"),
            start=("start", "first"),
            end=("end", "first"),
            enhancer_use=("enhancer", "any"),
            promoter_use=("promoter", "any"),
        )
        .reset_index()
    )
    _stored_span(regions, config)
    regions = regions.sort_values(
        ["promoter_use", "length", "key"], ascending=[False, True, True], kind="stable"
    ).reset_index(drop=True)
    regions["record"] = (
        regions["chrom"] + "_" + regions["start"].astype(str) + "_" + regions["end"].astype(str)
    )
    if regions["record"].duplicated().any():
        clash = regions.loc[regions["record"].duplicated(), "record"].iloc[0]
        raise PrismInputError(f"two regions map to the same FASTA record name {clash!r}")
    where = pd.Index(regions["key"])
    enhancer_index = where.get_indexer(_keys(pairs, "enhancer"))
    promoter_index = where.get_indexer(_keys(pairs, "promoter"))
    cells = pd.Index(cell_lines).get_indexer(pairs["cell_line"])
    return regions, enhancer_index, promoter_index, _cell_sets(enhancer_index, cells, len(regions))


def _keys(pairs: pd.DataFrame, element: str) -> pd.Series:
    return (
        pairs[f"{element}_chrom"]
        + ":"
        + pairs[f"{element}_start"].astype(str)
        + "-"
        + pairs[f"{element}_end"].astype(str)
    )


def _uses(pairs: pd.DataFrame, element: str) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "key": _keys(pairs, element),
            "chrom": pairs[f"{element}_chrom"],
            "start": pairs[f"{element}_start"],
            "end": pairs[f"{element}_end"],
            "enhancer": element == "enhancer",
            "promoter": element == "promoter",
        }
    )


def _stored_span(regions: pd.DataFrame, config: SimulationConfig) -> None:
    """Add ``stored_start/stored_end`` (the region plus every window it needs) and ``span``."""
    start, end = regions["start"].to_numpy(), regions["end"].to_numpy()
    centre = (start + end) // 2  # the window rule of kipoi_prism.io.sequence.centered_window
    low, high = start.copy(), end.copy()
    narrowest = np.full(len(regions), np.iinfo(np.int64).max)
    for element in ("enhancer", "promoter"):
        used = regions[f"{element}_use"].to_numpy()
        width = getattr(config, f"{element}_length")
        window_start = centre - width // 2
        low = np.where(used, np.minimum(low, window_start), low)
        high = np.where(used, np.maximum(high, window_start + width), high)
        narrowest = np.where(used, np.minimum(narrowest, width), narrowest)
    role_span = np.where(
        regions["promoter_use"], config.promoter_motif_span, config.enhancer_motif_span
    )
    regions["stored_start"], regions["stored_end"] = low, high
    regions["length"] = high - low
    regions["span"] = np.minimum(role_span, narrowest)


def _cell_sets(enhancer_index: np.ndarray, cells: np.ndarray, n_regions: int) -> np.ndarray:
    n_cells = int(cells.max()) + 1 if len(cells) else 1
    used = np.zeros((n_regions, n_cells), dtype=bool)
    used[enhancer_index, cells] = True
    order = np.argsort(~used, axis=1, kind="stable")  # used cell lines first, in index order
    return np.where(np.take_along_axis(used, order, axis=1), order, -1).astype(np.int64)
