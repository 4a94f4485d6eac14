"""docs/BENCHMARK.md's section on the element read's shrinkage grid (round 34, H87) states
what the committed refits measured."""

from __future__ import annotations

import pandas as pd
from benchmark_docs import DOCS, assert_rows_in, flat_text, paired

RUNS = DOCS / "benchmark-runs" / "read-grid"
WIDE = "elements, wide grid"


def _refits() -> pd.DataFrame:
    return pd.concat([pd.read_csv(RUNS / part / "refit.csv") for part in ("h87-a", "h87-b")])


def test_h87_table_and_claims_are_the_committed_refits():
    table = _refits()
    assert len(table) == 18 and set(table["seed"]) == {0, 1, 2}
    assert (table["elements"] - table["model"]).abs().max() == 0  # the product's read again
    moved = table[table[f"{WIDE}_C"] != table["elements_C"]].sort_values(["seed", "held_out"])
    assert_rows_in(moved, lambda r: (
        f"| {r['held_out']} | {r['seed']} | {r['elements']:.3f} ({r['elements_C']:g}) | "
        f"{r[WIDE]:.3f} ({r[f'{WIDE}_C']:g}) | {r[WIDE] - r['elements']:+.3f} |"))  # fmt: skip
    flat = flat_text()
    assert f"the other {len(table) - len(moved)} kept theirs" in flat
    difference = table[WIDE] - table["elements"]
    assert f"the wider grid minus the shipped one: {paired(difference)}" in flat
    supported = difference.mean() > 2 * difference.std(ddof=1) / len(difference) ** 0.5
    assert not supported and "**H87 refuted.**" in flat
