"""Real chromatin-feature tables (TargetFinder / BENGI, as distributed with TransEPI).

Each table has a label, enhancer and promoter names (``chrN:start-end|CELL|...``), the
cell line, the enhancer-promoter distance and 24 features: 8 marks (CTCF, DNase,
H3K27ac, H3K27me3, H3K36me3, H3K4me1, H3K4me3, H3K9me3), each at the enhancer, the
promoter and the window between them.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from kipoi_prism.config import TARGETFINDER_CELL_LINES
from kipoi_prism.errors import PrismInputError
from kipoi_prism.io.feature_table import DISTANCE_COLUMN, FEATURE_COLUMNS


def read_feature_table(path: str | Path) -> pd.DataFrame:
    """Read one feature table into a frame with canonical columns.

    Returns
    -------
    pandas.DataFrame
        ``label`` (int8), ``cell_line``, ``enhancer``, ``promoter`` (region keys
        ``chrN:start-end``), ``distance`` (bp), and the 24 :data:`FEATURE_COLUMNS`.
    """
    path = Path(path)
    if not path.is_file():
        raise PrismInputError("feature table not found", path)
    sep = "," if ".csv" in path.name or "Whalen" in path.name else None
    frame = pd.read_csv(path, sep=sep, engine="python" if sep is None else "c")
    missing = [c for c in ["label", "enh_name", "prom_name", "celltype", DISTANCE_COLUMN]
               + FEATURE_COLUMNS if c not in frame.columns]  # fmt: skip
    if missing:
        raise PrismInputError(f"feature table lacks columns {missing[:4]}", path, 1)
    out = pd.DataFrame(
        {
            "label": frame["label"].astype(np.int8),
            "cell_line": frame["celltype"].astype(str),
            "enhancer": frame["enh_name"].str.split("|").str[0],
            "promoter": frame["prom_name"].str.split("|").str[0],
            "distance": frame[DISTANCE_COLUMN].astype(np.float64).abs(),
        }
    )
    features = frame[FEATURE_COLUMNS].astype(np.float32)
    return pd.concat([out, features], axis=1)


def targetfinder_feature_paths(data_dir: str | Path) -> dict[str, Path]:
    """``{cell line: path}`` of the six TargetFinder feature tables under ``data_dir``."""
    folder = Path(data_dir) / "targetfinder" / "features"
    paths = {c: folder / f"Whalen.{c}.HiC-Whalen.targetfinder_features.tsv.gz"
             for c in TARGETFINDER_CELL_LINES}  # fmt: skip
    absent = [str(p) for p in paths.values() if not p.is_file()]
    if absent:
        raise PrismInputError(f"feature tables not found: {', '.join(absent[:2])}")
    return paths


def rank_marks(frame: pd.DataFrame) -> pd.DataFrame:
    """The 24 marks replaced by their rank within the row's cell line, scaled to (0, 1].

    A cell line's assays differ in depth and scale; ranks within its candidate set (the
    cell line's whole table, labels unused) put every cell line on one scale. Ties share
    their average rank.
    """
    ranks = frame.groupby("cell_line", sort=False)[FEATURE_COLUMNS].rank(pct=True)
    return frame.assign(**{c: ranks[c].astype(np.float32) for c in FEATURE_COLUMNS})


def table_name(path: str | Path) -> str:
    """A feature table's held-out name: ``BENGI HMEC.HiC-Benchmark`` for
    ``BENGI.HMEC.HiC-Benchmark.v3.targetfinder_features.tsv.gz``, else the file name
    without its ``.gz``/``.tsv``/``.csv``/``.txt`` endings."""
    name = Path(path).name
    if name.startswith("BENGI.") and name.count(".") >= 3:
        return "BENGI " + ".".join(name.split(".")[1:3])
    while Path(name).suffix in (".gz", ".tsv", ".csv", ".txt"):
        name = Path(name).stem
    return name


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
