"""docs/BENCHMARK.md's round-28 section (the element read fitted after training,
``model.element_read``) states what the committed runs measured (nothing typed)."""

from __future__ import annotations

import json

import pandas as pd
from benchmark_docs import (
    DOCS,
    assert_rows_in,
    fit_label,
    flat_text,
    mean_se,
    paired,
    reader_aupr,
    task_only_aupr,
)

RUNS = DOCS / "benchmark-runs" / "sequence-readout"
GROUPS = ("K562-IMR90-HUVEC", "GM12878-HeLa-S3-NHEK")
CELLS = ("K562", "IMR90", "HUVEC", "GM12878", "HeLa-S3", "NHEK")


def _refits() -> pd.DataFrame:
    return pd.concat([pd.read_csv(RUNS / f / "refit.csv") for f in
                      ("refit-seed0-inits", "refit-seed1-2")], ignore_index=True)  # fmt: skip


def _read_fits() -> pd.DataFrame:
    """H57's fits (``read-seed<s>-<cells>``) beside the same configuration's committed fits
    without the read and the known-motif reader, one row per evaluation."""
    rows = []
    for seed in (0, 1, 2):
        without = task_only_aupr(f"sequence-strands/frozen-both-seed{seed}")
        for group in GROUPS:
            run = RUNS / f"read-seed{seed}-{group}"
            for cell, read in task_only_aupr(run.relative_to(DOCS / "benchmark-runs")).items():
                summary = run / "fits" / f"seq-task_only-{cell}-seed{seed}" / "summary.json"
                fitted = json.loads(summary.read_text())["element_read"]
                rows.append({"held_out": cell, "seed": seed, "without": without[cell],
                             "read": read, "C": fitted["C"],
                             "reader": reader_aupr(cell, seed=seed)})  # fmt: skip
    return pd.DataFrame(rows)


def test_stacked_reads_table_and_claims_are_the_committed_refits():
    table = _refits()
    assert len(table) == 12

    def line(row) -> str:
        fit = fit_label(row["run"])
        return (f"| {row['held_out']} | {row['seed']} | {fit} | {row['model']:.3f} | "
                f"{row['elements']:.3f} | {row['elements+model']:.3f} | "
                f"{row['elements+z_I']:.3f} | {row['reader']:.3f} |")  # fmt: skip

    assert_rows_in(table, line)
    flat = flat_text()
    stacked, joint = (table[c] - table["elements"] for c in ("elements+model", "elements+z_I"))
    assert f"minus the read of `[v_E, v_P]` alone: {paired(stacked)}" in flat
    assert f"`[v_E, v_P, z_I]`: {paired(joint)}" in flat


def test_read_fits_cover_six_cell_lines_at_three_seeds_and_repeat_the_refit():
    """Eighteen fits; where H56's refit read the same fits (seeds 1-2 on K562, IMR90 and
    HUVEC), the fitted read scores the held-out pairs as the refit's element regression."""
    table = _read_fits()
    assert len(table) == 18
    evaluations = set(zip(table["held_out"], table["seed"], strict=True))
    assert evaluations == {(c, s) for c in CELLS for s in (0, 1, 2)}
    refit = _refits()
    refit = refit[refit["seed"] > 0].set_index(["held_out", "seed"])["elements"]
    fits = table.set_index(["held_out", "seed"])
    for key, elements in refit.items():
        assert abs(fits.loc[key, "read"] - elements) < 1e-5, key


def test_read_table_and_claims_are_the_committed_fits():
    table = _read_fits()
    assert_rows_in(table, lambda row: (
        f"| {row['held_out']} | {row['seed']} | {row['without']:.3f} | "
        f"{row['read']:.3f} ({row['C']:g}) | {row['reader']:.3f} | "
        f"{row['read'] - row['reader']:+.3f} |"
    ))  # fmt: skip
    flat = flat_text()
    read, reader, without = table["read"], table["reader"], table["without"]
    assert f"the read minus the reader: {paired(read - reader)}" in flat
    assert f"The read minus the same fits without it: {paired(read - without)}" in flat
    assert (f"mean {read.mean():.3f} against the reader's {reader.mean():.3f} and "
            f"{without.mean():.3f} without the read") in flat  # fmt: skip
    readme = flat_text(DOCS.parent / "README.md")
    assert f"({mean_se(read - reader)} against the reader over eighteen" in readme


def test_random_stem_read_claims_are_the_committed_runs():
    """H58: the random-stem fits (their recorded AUPR) and their element read (the refit)."""
    table = pd.read_csv(RUNS / "refit-random" / "refit.csv")
    assert list(table["held_out"]) == ["K562", "IMR90", "HUVEC"]
    distance = []
    for cell, model in zip(table["held_out"], table["model"], strict=True):
        results = pd.read_csv(RUNS / f"random-seed1-{cell}" / "results.csv").set_index("row")
        assert abs(results.loc["task_only", "aupr"] - model) < 1e-5
        distance.append(f"{results.loc['distance', 'aupr']:.3f}")
    flat = flat_text()
    assert (f"own score is {paired(table['elements'] - table['model'])}: the fits score "
            f"{', '.join(f'{v:.3f}' for v in table['model'])}, the read "
            f"{', '.join(f'{v:.3f}' for v in table['elements'])}, distance alone "
            f"{', '.join(distance)}.") in flat  # fmt: skip
