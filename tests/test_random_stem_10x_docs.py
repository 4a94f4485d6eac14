"""docs/BENCHMARK.md's round-36 section on the random first layer at ten times the pairs with
both strands and the element read (H97, H99, H100) states what the committed runs measured."""

from __future__ import annotations

import json

import pandas as pd
from benchmark_docs import (
    DOCS,
    assert_rows_in,
    fit_summary,
    flat_text,
    mean_se,
    paired,
    task_only_rows,
)

RUNS = DOCS / "benchmark-runs"
CELLS = ("IMR90", "K562", "GM12878")  # H100's three (NHEK stopped for time)


def _before(cell: str) -> pd.Series:
    """Round 12's one-strand fit without the read at seed 1, by row (``task_only``,
    ``distance``)."""
    results = pd.read_csv(RUNS / "sequence-counts" / f"random-augment-10x-seed1-{cell}" /
                          "results.csv")  # fmt: skip
    return results.set_index("row")["aupr"]


OWN_DISTANCE = {"IMR90": "distance-10x-seed1-IMR90", "K562": "read-10x-seed1-K562"}


def _distance(cell: str) -> float:
    """Distance alone on the same pairs: this round's baseline where it ran one, else
    round 12's (the same simulated world: where both ran they agree to the digit)."""
    if cell not in OWN_DISTANCE:
        return float(_before(cell)["distance"])
    results = pd.read_csv(RUNS / "random-occupancy" / OWN_DISTANCE[cell] / "results.csv")
    return float(results.loc[results["row"] == "distance", "aupr"].iloc[0])


def _committed_fit(cell: str, name: str = "read-10x-seed1"):
    """``(run folder, task-loss results row, training history)`` of the ten-times fit held
    out on ``cell`` at seed 1 (``name``: the run's folder less ``-<cell>``), after checking
    its command is the configuration's."""
    run = RUNS / "random-occupancy" / f"{name}-{cell}"
    command = json.loads((run / "run.json").read_text())["command"]
    parts = ("model.element_read=true", "model.count_both_strands=true",
             "--pairs-per-cell-line 25000", "--train-pairs-per-cell-line 20000")  # fmt: skip
    for part in parts:
        assert part in command, (cell, part)
    fit = task_only_rows(f"random-occupancy/{run.name}").loc[cell]
    return run, fit, pd.read_csv(run / "training_history.csv")


def _table() -> pd.DataFrame:
    rows = []
    for cell in CELLS:
        _, fit, history = _committed_fit(cell)
        rows.append({"cell": cell, "read": fit["aupr"], "low": fit["aupr_ci_low"],
                     "high": fit["aupr_ci_high"], "before": _before(cell)["task_only"],
                     "distance": _distance(cell), "train": history["train_aupr"].iloc[-1],
                     "val": history["val_aupr"].iloc[-1],
                     "epochs": len(history)})  # fmt: skip
    return pd.DataFrame(rows)


def test_the_table_is_the_committed_runs_in_the_same_simulated_world():
    table = _table()
    for cell in OWN_DISTANCE:  # round 12's distance baseline is this round's, to the digit
        assert abs(_before(cell)["distance"] - _distance(cell)) < 1e-12, cell
    assert_rows_in(table, lambda r: (
        f"| {r['cell']} | {r['read']:.3f} [{r['low']:.3f}-{r['high']:.3f}] | {r['before']:.3f} | "
        f"{r['distance']:.3f} | {r['train']:.3f} | {r['val']:.3f} |"))  # fmt: skip


def test_h97_h99_and_h100_verdicts_as_written():
    table = _table().set_index("cell")
    text = flat_text()
    imr90 = table.loc["IMR90", "read"]
    assert imr90 >= 0.10 and "**H97 supported.**" in text
    k562 = table.loc["K562", "read"] - table.loc["K562", "distance"]
    h99 = "supported" if k562 > 0.01 else "refuted"
    assert f"**H99 {h99}.**" in text
    assert f"K562 {table.loc['K562', 'read']:.3f}, {k562:+.3f} over distance alone" in text
    gain = table["read"] - table["before"]
    mean = table["read"].mean()
    error = gain.std(ddof=1) / len(gain) ** 0.5
    h100 = (gain > 0).all() and gain.mean() > 2 * error and mean >= 0.10
    assert f"**H100 {'supported' if h100 else 'refuted'}.**" in text
    assert f"{paired(gain)} over round 12's one-strand fits" in text
    assert f"mean {mean:.3f} over the three" in text


ROUND_37 = ("NHEK", "HUVEC", "HeLa-S3")  # H101's two and H104's one


def _round_37() -> pd.DataFrame:
    """Round 37's fits: held-out AUPR with the read (the run), without it (the refit's
    ``network`` column), round 12's one-strand fit and distance alone, and the epochs."""
    rows = []
    for cell in ROUND_37:
        run, fit, history = _committed_fit(cell)
        refit = pd.read_csv(RUNS / "random-occupancy" / f"refit-10x-{cell}" / "refit.csv").iloc[0]
        assert abs(refit["model"] - fit["aupr"]) < 1e-4  # the refit scored the committed fit
        summary = fit_summary(run, cell)
        rows.append({"cell": cell, "read": fit["aupr"], "low": fit["aupr_ci_low"],
                     "high": fit["aupr_ci_high"], "network": refit["network"],
                     "before": _before(cell)["task_only"], "distance": _before(cell)["distance"],
                     "best": summary["best_epoch"], "train": history["train_aupr"].iloc[-1],
                     "val": summary["val_aupr"],
                     "val_read": summary["element_read"]["val_aupr"]})  # fmt: skip
    return pd.DataFrame(rows)


def test_round_37_table_is_the_committed_runs():
    assert_rows_in(_round_37(), lambda r: (
        f"| {r['cell']} | {r['read']:.3f} [{r['low']:.3f}-{r['high']:.3f}] | {r['network']:.3f} | "
        f"{r['before']:.3f} | {r['distance']:.3f} | {r['best']} | {r['train']:.3f} | "
        f"{r['val']:.3f} | {r['val_read']:.3f} |"))  # fmt: skip


def test_h101_h103_h104_verdicts_and_the_six_cell_line_mean_as_written():
    new = _round_37().set_index("cell")
    text = flat_text()
    h101 = all(new.loc[c, "read"] > new.loc[c, "before"] for c in ("NHEK", "HUVEC"))
    assert f"**H101 {'supported' if h101 else 'refuted'}" in text
    read_gain = new["read"] - new["network"]
    h103 = (read_gain.loc[["NHEK", "HUVEC"]] < 0).all()
    assert f"**H103 {'supported' if h103 else 'refuted'}" in text
    assert f"the read minus the network without it: {paired(read_gain)}" in text
    h104 = new.loc["HeLa-S3", "read"] > new.loc["HeLa-S3", "before"]
    assert f"**H104 {'supported' if h104 else 'refuted'}" in text
    six = pd.concat([_table().set_index("cell")[["read", "before"]], new[["read", "before"]]])
    assert len(six) == 6
    assert f"mean over the six held-out cell lines at seed 1: {six['read'].mean():.3f}" in text
    assert f"{paired(six['read'] - six['before'])} over round 12's one-strand fits" in text
    readme = flat_text(DOCS.parent / "README.md")
    assert f"six held-out cell lines at seed 1 average {six['read'].mean():.3f}" in readme


ROUND_38 = ("NHEK", "HUVEC", "HeLa-S3")  # round 37's fits resumed to twelve epochs (H105: the
# first two; H107: HeLa-S3)


def _twelve_epochs() -> pd.DataFrame:
    """H105: each round-37 fit and the same fit resumed to twelve epochs (whose first six
    epochs must be the committed six-epoch fit's)."""
    rows = []
    for cell in ROUND_38:
        _, six, six_history = _committed_fit(cell)
        run, twelve, history = _committed_fit(cell, "read-10x-12ep-seed1")
        assert "--max-epochs 12 --resume" in json.loads((run / "run.json").read_text())["command"]
        columns = ["train_aupr", "train_loss", "val_aupr"]
        pd.testing.assert_frame_equal(history[columns].iloc[:6], six_history[columns])
        summary = fit_summary(run, cell)
        rows.append({"cell": cell, "twelve": twelve["aupr"], "low": twelve["aupr_ci_low"],
                     "high": twelve["aupr_ci_high"], "six": six["aupr"],
                     "gain": twelve["aupr"] - six["aupr"], "best": summary["best_epoch"],
                     "epochs": summary["epochs_run"], "ended_by": summary["ended_by"],
                     "train": history["train_aupr"].iloc[-1], "val": summary["val_aupr"],
                     "history": len(history)})  # fmt: skip
    return pd.DataFrame(rows)


def test_round_38_table_is_the_committed_runs():
    table = _twelve_epochs()
    assert (table["epochs"] == table["history"]).all()
    assert_rows_in(table, lambda r: (
        f"| {r['cell']} | {r['twelve']:.3f} [{r['low']:.3f}-{r['high']:.3f}] | {r['six']:.3f} | "
        f"{r['gain']:+.3f} | {r['best']} | {r['epochs']} ({r['ended_by'].replace('_', ' ')}) | "
        f"{r['train']:.3f} | {r['val']:.3f} |"))  # fmt: skip


def test_h105_verdict_and_the_seed_1_mean_as_written():
    table = _twelve_epochs().set_index("cell")
    text = flat_text()
    h105 = (table.loc[["NHEK", "HUVEC"], "gain"] >= 0.005).all()
    assert f"**H105 {'supported' if h105 else 'refuted'}.**" in text
    hela = table.loc["HeLa-S3"]
    h107 = abs(hela["gain"]) <= 0.005 and hela["epochs"] <= 9
    assert f"**H107 {'supported' if h107 else 'refuted'}.**" in text
    assert f"twelve epochs minus six: {paired(table['gain'])}" in text
    six = pd.concat([_table().set_index("cell")["read"], _round_37().set_index("cell")["read"]])
    with_twelve = six.copy()
    with_twelve.loc[table.index] = table["twelve"]
    assert (
        f"the seed-1 mean would be {with_twelve.mean():.3f} (six epochs: {six.mean():.3f})" in text
    )
    readme = flat_text(DOCS.parent / "README.md")
    assert "twelve epochs do not change that (three fits resumed to a 12-epoch cap" in readme
    assert f"{mean_se(table['gain'])}, round 38)" in readme
