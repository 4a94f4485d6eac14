"""docs/BENCHMARK.md's section on the recommended configuration without a motif file
(round 34: a random first layer, H88) states what the committed runs measured."""

from __future__ import annotations

import pandas as pd
from benchmark_docs import DOCS, assert_rows_in, flat_text, mean_se, paired, task_only_rows

RUNS = DOCS / "benchmark-runs"
CELLS = ("K562", "IMR90", "HUVEC")


def _h88() -> pd.DataFrame:
    relu = pd.read_csv(RUNS / "sequence-readout" / "refit-random" / "refit.csv")
    relu = relu.set_index("held_out")
    rows = []
    for cell in CELLS:
        run = f"random-occupancy/random-occupancy-seed1-{cell}"
        before = RUNS / "sequence-readout" / f"random-seed1-{cell}"
        results = pd.read_csv(before / "results.csv")
        history = pd.read_csv(RUNS / run / "training_history.csv")
        rows.append({
            "cell": cell, "occupancy": task_only_rows(run).loc[cell, "aupr"],
            "relu_read": relu.loc[cell, "elements"],
            "distance": results.loc[results["row"] == "distance", "aupr"].iloc[0],
            "train": history["train_aupr"].max(),
            "relu_train": pd.read_csv(before / "training_history.csv")["train_aupr"].max(),
        })  # fmt: skip
    return pd.DataFrame(rows)


def test_h88_table_and_claims_are_the_committed_runs():
    table = _h88()
    assert_rows_in(table, lambda r: (
        f"| {r['cell']} | {r['occupancy']:.3f} | {r['relu_read']:.3f} | {r['distance']:.3f} | "
        f"{r['train']:.3f} / {r['relu_train']:.3f} |"))  # fmt: skip
    over_distance = table["occupancy"] - table["distance"]
    over_relu = table["occupancy"] - table["relu_read"]
    flat = flat_text()
    assert (f"Mean {table['occupancy'].mean():.3f}: {mean_se(over_distance)} over distance "
            f"alone and {paired(over_relu)} over the ReLU count's fits") in flat  # fmt: skip
    ratio = over_relu.mean() / (over_relu.std(ddof=1) / len(over_relu) ** 0.5)
    assert f"{ratio:.2f} standard errors" in flat
    supported = over_distance.mean() > 0.01 and ratio > 2
    assert not supported and "**H88 refuted.**" in flat
    assert f"training AUPR at most {table['train'].max():.3f}" in flat
    assert (f"training AUPR up to {table['relu_train'].min():.2f}-"
            f"{table['relu_train'].max():.2f}") in flat  # fmt: skip
