"""docs/BENCHMARK.md's round-30 section (discovered matrices refined by EM, motifs found per
cell line, ``--stem-motifs discovered-by-cell-line``) states what the committed runs
measured."""

from __future__ import annotations

import numpy as np
import pandas as pd
from benchmark_docs import DOCS, assert_rows_in, flat_text, paired, reader_scores, task_only_aupr

RUNS = DOCS / "benchmark-runs" / "motif-em"
POOLED_RUNS = DOCS / "benchmark-runs" / "motif-discovery"
CELLS = ("K562", "IMR90", "HUVEC")
FIT_CELLS = ("K562", "IMR90", "HUVEC", "GM12878", "HeLa-S3", "NHEK")
DISCOVERED = "discovered-motif scan (training cell lines)"


def _recovery_table(cell: str) -> dict[str, float]:
    """test AUPR per reader of a committed motif_recovery.py output."""
    rows = {}
    for line in (RUNS / f"d12-{cell}-seed1.md").read_text().splitlines():
        cells = [c.strip() for c in line.split("|")]
        if len(cells) == 6 and cells[1] in ("known all", "known recovered",
                                            "known per discovered", "discovered"):  # fmt: skip
            rows[cells[1]] = float(cells[4])
    return rows


def _reader(cell: str, output: str) -> float:
    return reader_scores(cell, reader=DISCOVERED, path=RUNS / f"{output}-{cell}-seed1.md")[1]


def _pooled_reader(cell: str) -> float:
    return reader_scores(cell, reader=DISCOVERED, path=POOLED_RUNS / f"h59-{cell}-seed1.md")[1]


def test_reader_table_and_claims_are_the_committed_runs():
    table = pd.DataFrame([{
        "cell": c, **{k.replace(" ", "_"): v for k, v in _recovery_table(c).items()},
        "pooled": _pooled_reader(c), "em": _reader(c, "h65"), "bycell": _reader(c, "h66"),
    } for c in CELLS])  # fmt: skip
    assert_rows_in(table, lambda r: (
        f"| {r['cell']} | {r['known_all']:.3f} | {r['known_recovered']:.3f} | "
        f"{r['known_per_discovered']:.3f} | {r['pooled']:.3f} | {r['em']:.3f} | "
        f"{r['bycell']:.3f} |"))  # fmt: skip
    flat = flat_text()
    # D1/D2: the recovery script's own discovered reader is H59's (same discovery, same data).
    assert np.allclose(table["discovered"], table["pooled"], atol=0.0005)
    em = table["em"] - table["pooled"]
    assert f"mean {table['em'].mean():.3f} against {table['pooled'].mean():.3f}" in flat
    assert em.mean() < 0.005 and "H65 **refuted**" in flat
    bycell = table["bycell"] - table["pooled"]
    assert f"mean {table['bycell'].mean():.3f} against {table['pooled'].mean():.3f}" in flat
    assert bycell.mean() >= 0.005 and "H66 **supported**" in flat
    assert f"({paired(bycell)})" in flat


def _fits() -> pd.DataFrame:
    """H67: one row per held-out cell line at seed 1: the fit frozen at motifs found per cell
    line, the pooled discovered stem (round 29), the true-motif stem (round 28), distance."""
    rows = []
    for cell in FIT_CELLS:
        results = pd.read_csv(RUNS / f"bycell-seed1-{cell}" / "results.csv")
        fit = results[results["row"] == "task_only"].iloc[0]
        group = "K562-IMR90-HUVEC" if cell in CELLS else "GM12878-HeLa-S3-NHEK"
        rows.append({
            "cell": cell, "bycell": fit["aupr"], "epochs": int(fit["epochs"]),
            "train_s": fit["train_s"],
            "distance": results[results["row"] == "distance"]["aupr"].item(),
            "pooled": task_only_aupr(f"motif-discovery/discovered-seed1-{cell}")[cell],
            "true": task_only_aupr(f"sequence-readout/read-seed1-{group}")[cell],
        })  # fmt: skip
    return pd.DataFrame(rows)


def test_each_fit_froze_its_first_layer_at_motifs_found_per_cell_line_without_its_own():
    for cell in FIT_CELLS:
        run = RUNS / f"bycell-seed1-{cell}"
        config = (run / "fits" / f"seq-task_only-{cell}-seed1" / "config.yaml").read_text()
        assert f"discovered-{cell}-seed1.meme" in config and "freeze_stem: true" in config
        ids = [line.split()[1] for line in (run / f"discovered-{cell}-seed1.meme").read_text()
               .splitlines() if line.startswith("MOTIF ")]  # fmt: skip
        cell_lines = {i.split("_")[0] for i in ids}
        assert cell not in cell_lines and len(cell_lines) == 5, cell_lines


def test_fit_table_and_claims_are_the_committed_fits():
    table = _fits()
    assert_rows_in(table, lambda r: (
        f"| {r['cell']} | {r['bycell']:.3f} | {r['pooled']:.3f} | {r['true']:.3f} | "
        f"{r['distance']:.3f} | {r['epochs']} | {r['train_s']:.0f} |"))  # fmt: skip
    flat = flat_text()
    mean = table["bycell"].mean()
    assert f"the model averages {mean:.3f} (goal 2's 0.10 reached at this seed)" in flat
    assert mean >= 0.10
    versus_pooled = table["bycell"] - table["pooled"]
    assert f"({table['pooled'].mean():.3f}): the difference is {paired(versus_pooled)}" in flat
    assert abs(versus_pooled.mean()) < 2 * versus_pooled.std(ddof=1) / len(table) ** 0.5
    assert f"Above distance alone by {paired(table['bycell'] - table['distance'])}" in flat
    assert f"below the true-motif stem by {paired(table['bycell'] - table['true'])}" in flat
    readme = " ".join((DOCS.parent / "README.md").read_text().split())
    assert f"({mean:.3f} against {table['pooled'].mean():.3f} over six held-out" in readme
