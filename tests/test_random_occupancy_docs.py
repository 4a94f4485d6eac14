"""docs/BENCHMARK.md's section on the recommended configuration without a motif file
(round 34: a random first layer, H88, H90; the stem from motifs found without labels at
seeds 0-2, H89; round 35: that stem as the default, the read at four times the pairs, H96)
states what the committed runs measured."""

from __future__ import annotations

import json

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


CELLS_ALL = ("GM12878", "HUVEC", "HeLa-S3", "IMR90", "K562", "NHEK")
SEED1_RUNS = ("discovered-occupancy-seed1-K562-IMR90-HUVEC",
              "discovered-occupancy-seed1-GM12878-HeLa-S3-NHEK")  # H81's  # fmt: skip


def _h89() -> pd.DataFrame:
    rows = []
    for seed in (0, 1, 2):
        runs = SEED1_RUNS if seed == 1 else (f"discovered-occupancy-seed{seed}",)
        for run in runs:
            after = task_only_rows(f"site-posterior/{run}")
            for cell in after.index:
                before = task_only_rows(f"motif-discovery/discovered-seed{seed}-{cell}")
                rows.append({"cell": cell, "seed": seed, "after": after.loc[cell, "aupr"],
                             "before": before.loc[cell, "aupr"],
                             "train_s": after.loc[cell, "train_s"]})  # fmt: skip
    return pd.DataFrame(rows)


def test_h89_table_and_claims_are_the_committed_runs():
    table = _h89()
    assert len(table) == 18 and set(table["cell"]) == set(CELLS_ALL)
    twelve = table[table["seed"] != 1].sort_values(["seed", "cell"])
    assert_rows_in(twelve, lambda r: (
        f"| {r['cell']} | {r['seed']} | {r['after']:.3f} | {r['before']:.3f} | "
        f"{r['after'] - r['before']:+.3f} | {r['train_s']:.0f} |"))  # fmt: skip
    flat = flat_text()
    difference = twelve["after"] - twelve["before"]
    assert f"Over the twelve: {paired(difference)}" in flat
    assert difference.mean() > 2 * difference.std(ddof=1) / len(difference) ** 0.5
    seed1 = table[table["seed"] == 1]
    eighteen = table["after"] - table["before"]
    means = ", ".join(f"{table.loc[table['seed'] == s, 'after'].mean():.3f}" for s in (0, 1, 2))
    low, high = table["after"].min(), table["after"].max()
    assert (f"(H81, {mean_se(seed1['after'] - seed1['before'])}) the eighteen: "
            f"{paired(eighteen)}, and they average **{table['after'].mean():.3f}** (seeds 0, "
            f"1, 2: {means}; {low:.3f}-{high:.3f})") in flat  # fmt: skip
    assert table["after"].mean() >= 0.10 and "**H89 supported.**" in flat
    readme, mean = flat_text(DOCS.parent / "README.md"), table["after"].mean()
    assert f"from chance to {mean:.3f} over eighteen held-out" in readme
    assert (f"to {mean:.3f} over six held-out cell lines at seeds 0-2 ({low:.3f}-{high:.3f}; "
            f"{mean_se(eighteen)} over the earlier count") in readme  # fmt: skip


def test_h90_table_and_verdict_are_the_committed_runs():
    rows = []
    for cell in ("K562", "IMR90"):
        run = f"random-occupancy/random-occupancy-rate05-seed1-{cell}"
        history = pd.read_csv(RUNS / run / "training_history.csv")
        before = pd.read_csv(RUNS / "sequence-readout" / f"random-seed1-{cell}" / "results.csv")
        assert "model.site_rate=0.5" in (RUNS / run / "run.json").read_text()
        rows.append({"cell": cell, "aupr": task_only_rows(run).loc[cell, "aupr"],
                     "distance": before.loc[before["row"] == "distance", "aupr"].iloc[0],
                     "last": history["train_aupr"].iloc[-1],
                     "best": history["train_aupr"].max()})  # fmt: skip
    table = pd.DataFrame(rows)
    assert_rows_in(table, lambda r: (
        f"| {r['cell']} | {r['aupr']:.3f} | {r['distance']:.3f} | {r['last']:.3f} "
        f"({r['best']:.3f}) |"))  # fmt: skip
    supported = (table["last"] > 0.10).all() and (table["aupr"] - table["distance"] > 0.01).all()
    assert not supported and "**H90 refuted.**" in flat_text()


def test_the_default_first_layer_claim_is_the_committed_runs():
    """Round 35 made discovered motifs the recommended default on H81 against H88."""
    discovered = task_only_rows(f"site-posterior/{SEED1_RUNS[0]}")
    random = _h88().set_index("cell")["occupancy"]
    found = [discovered.loc[cell, "aupr"] for cell in CELLS]
    gain = [f - random[cell] for f, cell in zip(found, CELLS, strict=True)]
    assert f"(H81's fits: {', '.join(f'{x:.3f}' for x in found)})" in flat_text()
    assert f"(H88's: {', '.join(f'{random[c]:.3f}' for c in CELLS)}) gains {paired(gain)}" in (
        flat_text()
    )
    readme = flat_text(DOCS.parent / "README.md")
    assert f"stays at chance ({mean_se(gain)} over it, paired on three held-out" in readme
    recommended = (DOCS.parent / "configs" / "recommended.yaml").read_text()
    assert "stem_motifs: discover" in recommended and "freeze_stem: true" in recommended


def test_h96_table_and_verdict_are_the_committed_runs():
    before = pd.read_csv(RUNS / "sequence-strands" / "random-both-4x-gpu-seed1-2" / "results.csv")
    before = before[before["seed"] == 1].set_index(["row", "held_out"])["aupr"]
    rows = []
    for cell in ("K562", "IMR90"):
        run = RUNS / "random-occupancy" / f"read-4x-seed1-{cell}"
        command = json.loads((run / "run.json").read_text())["command"]
        assert "model.element_read=true" in command and "--pairs-per-cell-line 10000" in command
        (summary,) = run.glob("fits/*/summary.json")
        rows.append({"cell": cell, "read": task_only_rows(f"random-occupancy/{run.name}").loc[
            cell, "aupr"], "without": before[("task_only", cell)],
            "distance": before[("distance", cell)],
            "train": pd.read_csv(run / "training_history.csv")["train_aupr"].iloc[-1],
            "val": json.loads(summary.read_text())["element_read"]["val_aupr"]})  # fmt: skip
    table = pd.DataFrame(rows)
    assert_rows_in(table, lambda r: (
        f"| {r['cell']} | {r['read']:.3f} | {r['without']:.3f} | {r['distance']:.3f} | "
        f"{r['train']:.3f} | {r['val']:.3f} |"))  # fmt: skip
    above = table["read"] - table["distance"]
    assert not (above > 0.01).all() and "**H96 refuted.**" in flat_text()
    imr90, k562 = above[table["cell"] == "IMR90"].iloc[0], above[table["cell"] == "K562"].iloc[0]
    assert (f"IMR90 leaves chance ({imr90:+.3f} over distance alone), K562 does not "
            f"({k562:+.3f})") in flat_text()  # fmt: skip


def test_readme_and_reading_state_h96():
    aupr = {cell: task_only_rows(f"random-occupancy/read-4x-seed1-{cell}").loc[cell, "aupr"]
            for cell in ("K562", "IMR90")}  # fmt: skip
    readme = flat_text(DOCS.parent / "README.md")
    assert (f"read lifts seed 1's IMR90 off chance ({aupr['IMR90']:.3f}) but not K562 "
            f"({aupr['K562']:.3f};") in readme  # fmt: skip
    assert (f"leaves chance on IMR90 ({aupr['IMR90']:.3f}) but not K562 ({aupr['K562']:.3f}), "
            "training AUPR still climbing (H96 refuted)") in flat_text()  # fmt: skip
