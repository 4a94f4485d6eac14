"""Real chromatin-feature tables (TargetFinder / BENGI, as distributed with TransEPI).

Each table has a label, enhancer and promoter names (``chrN:start-end|CELL|...``), the
cell line, the enhancer-promoter distance and 24 features: 8 marks (CTCF, DNase,
H3K27ac, H3K27me3, H3K36me3, H3K4me1, H3K4me3, H3K9me3), each at the enhancer, the
promoter and the window between them. Reading them and making the model's inputs
(:func:`read_feature_table`, :func:`rank_marks`, :func:`feature_matrix`) live in
:mod:`kipoi_prism.io.feature_inputs`, which ``kipoi-prism predict`` shares; re-exported here.
"""

from __future__ import annotations

from pathlib import Path

from kipoi_prism.config import TARGETFINDER_CELL_LINES
from kipoi_prism.errors import PrismInputError
from kipoi_prism.io.feature_inputs import feature_matrix, rank_marks, read_feature_table
from kipoi_prism.io.feature_table import FEATURE_COLUMNS

__all__ = [
    "FEATURE_COLUMNS",
    "feature_matrix",
    "rank_marks",
    "read_feature_table",
    "table_name",
    "targetfinder_feature_paths",
]


def targetfinder_feature_paths(data_dir: str | Path) -> dict[str, Path]:
    """``{cell line: path}`` of the six TargetFinder feature tables under ``data_dir``."""
    folder = Path(data_dir) / "targetfinder" / "features"
    paths = {c: folder / f"Whalen.{c}.HiC-Whalen.targetfinder_features.tsv.gz"
             for c in TARGETFINDER_CELL_LINES}  # fmt: skip
    absent = [str(p) for p in paths.values() if not p.is_file()]
    if absent:
        raise PrismInputError(f"feature tables not found: {', '.join(absent[:2])}")
    return paths


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
