"""docs/BENCHMARK.md's round-34 section (the recommended head on real features at equal
data, H86) states what the committed runs measured."""

from __future__ import annotations

import json

import pandas as pd
from benchmark_docs import DOCS, assert_rows_in, flat_text, paired, task_only_rows

RUNS = DOCS / "benchmark-runs"
CELLS = ("GM12878", "HUVEC", "HeLa-S3", "IMR90", "K562", "NHEK")


def _interval(row: pd.Series) -> str:
    return f"{row['aupr']:.3f} [{row['aupr_ci_low']:.3f}-{row['aupr_ci_high']:.3f}]"


def _verdict(network: pd.Series, gbm: pd.Series) -> str:
    if network["aupr_ci_low"] > gbm["aupr_ci_high"]:
        return "win"
    return "loss" if network["aupr_ci_high"] < gbm["aupr_ci_low"] else "level"


def _table() -> pd.DataFrame:
    equal = pd.read_csv(RUNS / "features-equal-data" / "results.csv")
    gbm = equal[(equal["row"] == "gbm") & (equal["seed"] == 0)].set_index("held_out")
    before = task_only_rows("features-equal-data")
    rows = []
    for cell in CELLS:
        after = task_only_rows(f"features-recommended/rec-{cell}").loc[cell]
        fit = (
            RUNS / "features-recommended" / f"rec-{cell}" / "fits" / f"feat-task_only-{cell}-seed0"
        )
        summary = json.loads((fit / "summary.json").read_text())
        rows.append({"cell": cell, "after": after, "before": before.loc[cell, "aupr"],
                     "gbm": gbm.loc[cell], "summary": summary})  # fmt: skip
    return pd.DataFrame(rows)


def test_h86_table_and_claims_are_the_committed_runs():
    table = _table()

    def line(r) -> str:
        s, read = r["summary"], r["summary"]["element_read"]
        return (f"| {r['cell']} | {_interval(r['after'])} | {r['before']:.3f} | "
                f"{r['after']['aupr'] - r['before']:+.3f} | {_interval(r['gbm'])} | "
                f"{_verdict(r['after'], r['gbm'])} | {s['val_aupr']:.3f} -> "
                f"{read['val_aupr']:.3f} ({read['C']:g}) | {s['best_epoch']} of "
                f"{s['epochs_run']} |")  # fmt: skip

    assert_rows_in(table, line)
    after = table["after"].map(lambda r: r["aupr"])
    difference = after - table["before"]
    flat = flat_text()
    assert (
        f"Mean {after.mean():.3f} against {table['before'].mean():.3f}: {paired(difference)}"
        in flat
    )
    supported = difference.mean() > 2 * difference.std(ddof=1) / len(difference) ** 0.5
    assert not supported and "**H86 refuted.**" in flat
    wins = sum(_verdict(r["after"], r["gbm"]) == "win" for _, r in table.iterrows())
    assert f"**Goal 1 from the same fits: {wins} of 6**" in flat
    lowered = [r["cell"] for _, r in table.iterrows()
               if r["summary"]["element_read"]["val_aupr"] < r["summary"]["val_aupr"]]  # fmt: skip
    assert f"validation AUPR on {' and '.join(lowered)} and raised it on the other four" in flat
    for _, r in table.iterrows():  # every fit carries the head H86 asked for
        config = (RUNS / "features-recommended" / f"rec-{r['cell']}" / "run.json").read_text()
        assert "model.bilinear_rank=16" in config and "model.element_read=true" in config
