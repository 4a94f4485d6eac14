"""docs/BENCHMARK.md's round-31 section (per-cell-line motifs merged by similarity, the
pooled search at more motifs, a stem trained from discovered motifs) states what the
committed runs measured."""

from __future__ import annotations

import pandas as pd
from benchmark_docs import (
    DOCS,
    assert_rows_in,
    flat_text,
    mean_se,
    paired,
    reader_scores,
    task_only_aupr,
)

RUNS = DOCS / "benchmark-runs"
CELLS = ("K562", "IMR90", "HUVEC")
FIT_CELLS = ("K562", "IMR90", "HUVEC", "GM12878", "HeLa-S3", "NHEK")
DISCOVERED = "discovered-motif scan (training cell lines)"
READERS = {"pooled": "motif-discovery/h59", "pooled24": "motif-merge/h70",
           "bycell": "motif-em/h66", "merged": "motif-merge/h68"}  # fmt: skip


def _reader(cell: str, output: str) -> tuple[float, int]:
    """Test AUPR of the discovered-motif reader in a committed learnability run, and how
    many motifs it scanned (its first line lists them)."""
    path = RUNS / f"{output}-{cell}-seed1.md"
    return reader_scores(cell, reader=DISCOVERED, path=path)[1], len(_seed_words(path))


def _motif_ids(meme) -> list[str]:
    return [line.split()[1] for line in meme.read_text().splitlines() if line.startswith("MOTIF ")]


def test_reader_table_and_claims_are_the_committed_runs():
    table = pd.DataFrame([{"cell": cell, **{name: _reader(cell, output)
                                              for name, output in READERS.items()}}
                          for cell in CELLS])  # fmt: skip
    assert_rows_in(table, lambda r: "| " + " | ".join(
        [r["cell"]] + [f"{r[n][0]:.3f} ({r[n][1]})" for n in READERS]) + " |")  # fmt: skip
    aupr = table[list(READERS)].map(lambda cell: cell[0])
    flat = flat_text()
    merged = aupr["merged"].mean()
    assert f"Mean {merged:.3f} against the unmerged per-cell-line reader's " \
           f"{aupr['bycell'].mean():.3f}" in flat  # fmt: skip
    assert round(merged, 3) >= 0.110 and "H68 supported, at its floor" in flat
    assert aupr["merged"].mean() < aupr["bycell"].mean()
    assert f"mean {aupr['pooled24'].mean():.3f} against {aupr['pooled'].mean():.3f}" in flat
    assert aupr["pooled24"].mean() < 0.110 and "H70 refuted" in flat
    assert (table["merged"].str[1] < table["bycell"].str[1]).all()  # fewer motifs merged


def _task_only(run) -> tuple[pd.Series, pd.DataFrame]:
    """The task-only fit's row of a committed benchmark run, and the run's whole table."""
    results = pd.read_csv(run / "results.csv")
    return results[results["row"] == "task_only"].iloc[0], results


def _fits(prefix: str) -> pd.DataFrame:
    """One row per held-out cell line at seed 1: the round-31 fit in ``prefix``-seed1-CELL
    against the pooled (round 29) and unmerged per-cell-line (round 30) frozen stems."""
    rows = []
    for cell in FIT_CELLS:
        run = RUNS / "motif-merge" / f"{prefix}-seed1-{cell}"
        fit, results = _task_only(run)
        bycell, _ = _task_only(RUNS / "motif-em" / f"bycell-seed1-{cell}")
        rows.append({
            "cell": cell, "fit": fit["aupr"], "epochs": int(fit["epochs"]),
            "train_s": fit["train_s"], "bycell": bycell["aupr"],
            "bycell_train_s": bycell["train_s"],
            "pooled": task_only_aupr(f"motif-discovery/discovered-seed1-{cell}")[cell],
            "distance": results[results["row"] == "distance"]["aupr"].item(),
            "motifs": len(_motif_ids(run / f"discovered-{cell}-seed1.meme")),
        })  # fmt: skip
    return pd.DataFrame(rows)


def test_merged_fits_froze_the_merged_motifs_without_the_held_out_cell_line():
    for cell in FIT_CELLS:
        run = RUNS / "motif-merge" / f"merged-seed1-{cell}"
        config = (run / "fits" / f"seq-task_only-{cell}-seed1" / "config.yaml").read_text()
        assert f"discovered-{cell}-seed1.meme" in config and "freeze_stem: true" in config
        ids = _motif_ids(run / f"discovered-{cell}-seed1.meme")
        unmerged = _motif_ids(RUNS / "motif-em" / f"bycell-seed1-{cell}" /
                              f"discovered-{cell}-seed1.meme")  # fmt: skip
        assert len(ids) < len(unmerged) and set(ids) <= set(unmerged)
        assert [i for i in unmerged if i in ids] == ids  # order kept, earlier copies kept
        assert cell not in {i.split("_")[0] for i in ids}


def test_merged_fit_table_and_claims_are_the_committed_fits():
    table = _fits("merged")
    assert_rows_in(table, lambda r: (
        f"| {r['cell']} | {r['fit']:.3f} | {r['pooled']:.3f} | {r['bycell']:.3f} | "
        f"{r['distance']:.3f} | {r['motifs']} | {r['epochs']} | {r['train_s']:.0f} "
        f"({r['bycell_train_s']:.0f}) |"))  # fmt: skip
    flat = flat_text()
    versus_pooled = table["fit"] - table["pooled"]
    assert (f"the model averages {table['fit'].mean():.3f} against the pooled stem's "
            f"{table['pooled'].mean():.3f}: {paired(versus_pooled)}") in flat  # fmt: skip
    assert versus_pooled.mean() < 2 * versus_pooled.std(ddof=1) / len(table) ** 0.5
    assert "H69 refuted" in flat
    assert f"stem ({paired(table['fit'] - table['bycell'])})" in flat
    seconds, unmerged = table["train_s"].sum(), table["bycell_train_s"].sum()
    assert f"({seconds:.0f} s against {unmerged:.0f} s for the six fits" in flat
    assert seconds < unmerged / 2
    assert f"above distance alone by {paired(table['fit'] - table['distance'])}" in flat
    means = sorted(table[["fit", "pooled", "bycell"]].mean())
    assert f"sits at {means[0]:.3f}-{means[-1]:.3f}" in flat


def test_trained_stem_started_at_the_pooled_motifs_round_29_froze():
    for cell in FIT_CELLS:
        run = RUNS / "motif-merge" / f"init-seed1-{cell}"
        config = (run / "fits" / f"seq-task_only-{cell}-seed1" / "config.yaml").read_text()
        assert f"discovered-{cell}-seed1.meme" in config and "freeze_stem: false" in config
        frozen = RUNS / "motif-discovery" / f"discovered-seed1-{cell}"
        meme = f"discovered-{cell}-seed1.meme"
        assert (run / meme).read_text() == (frozen / meme).read_text()


def _trained_fits() -> pd.DataFrame:
    rows = []
    for cell in FIT_CELLS:
        runs = {name: RUNS / folder for name, folder in (
            ("init", f"motif-merge/init-seed1-{cell}"),
            ("frozen", f"motif-discovery/discovered-seed1-{cell}"))}  # fmt: skip
        row = {"cell": cell}
        for name, run in runs.items():
            fit, results = _task_only(run)
            history = pd.read_csv(run / "training_history.csv")
            history = history[history["row"] == "task_only"]
            peak = int(history.loc[history["val_aupr"].idxmax(), "epoch"])
            row |= {name: fit["aupr"], f"{name}_epochs": int(fit["epochs"]),
                    f"{name}_s": fit["train_s"], f"{name}_train": history["train_aupr"].max(),
                    f"{name}_peak": peak}  # fmt: skip
            if name == "init":
                row["distance"] = results[results["row"] == "distance"]["aupr"].item()
        rows.append(row)
    return pd.DataFrame(rows)


def test_trained_stem_table_and_claims_are_the_committed_fits():
    table = _trained_fits()
    assert_rows_in(table, lambda r: (
        f"| {r['cell']} | {r['init']:.3f} | {r['frozen']:.3f} | {r['distance']:.3f} | "
        f"{r['init_epochs']} ({r['frozen_epochs']}) | {r['init_s']:.0f} ({r['frozen_s']:.0f}) |"
    ))  # fmt: skip
    flat = flat_text()
    difference = table["init"] - table["frozen"]
    assert (f"averages {table['init'].mean():.3f} against the frozen one's "
            f"{table['frozen'].mean():.3f}: {paired(difference)}") in flat  # fmt: skip
    assert difference.mean() < 0 and "H71 refuted" in flat
    assert f"by {paired(table['init'] - table['distance'])}" in flat
    assert (
        f"(best {table['init_train'].min():.2f}-{table['init_train'].max():.2f} against "
        f"{table['frozen_train'].min():.2f}-{table['frozen_train'].max():.2f} frozen)"
    ) in flat
    peaks = table["init_peak"]
    assert f"(epochs {peaks.min()}-{peaks.max()})" in flat


def _six_readers() -> pd.DataFrame:
    """H72-H73: per held-out cell line at seed 1, the discovered-motif readers (pooled,
    10-mer seeds, per cell line, merged) and the models frozen at three of them."""
    rows = []
    for cell in FIT_CELLS:
        three = cell in CELLS
        outputs = {
            "pooled": f"motif-discovery/h59-{cell}-seed1" if three
            else f"motif-merge/h72-{cell}-seed1-pooled",
            "k10": f"motif-merge/h73-{cell}-seed1",
            "larger": f"motif-merge/h74-{cell}-seed1",
            "contrast": f"motif-merge/h75-{cell}-seed1",
            "bycell": f"motif-em/h66-{cell}-seed1" if three
            else f"motif-merge/h72-{cell}-seed1-bycell",
            "merged": f"motif-merge/h68-{cell}-seed1" if three
            else f"motif-merge/h72-{cell}-seed1-merged",
        }  # fmt: skip
        row = {"cell": cell}
        for name, output in outputs.items():
            row[name] = reader_scores(cell, reader=DISCOVERED, path=RUNS / f"{output}.md")[1]
        for name, run in (("pooled", f"motif-discovery/discovered-seed1-{cell}"),
                          ("bycell", f"motif-em/bycell-seed1-{cell}"),
                          ("merged", f"motif-merge/merged-seed1-{cell}")):  # fmt: skip
            row[f"model_{name}"] = task_only_aupr(run)[cell]
        if not three:  # the pooled rerun is round 29's reader, reproduced
            round29 = RUNS / "motif-discovery" / f"reader-{cell}-seed1.md"
            assert reader_scores(cell, reader=DISCOVERED, path=round29)[1] == row["pooled"]
        rows.append(row)
    return pd.DataFrame(rows)


def test_six_cell_line_readers_and_models_table_and_claims():
    table = _six_readers()
    columns = ["pooled", "k10", "larger", "contrast", "bycell", "merged", "model_pooled",
               "model_bycell", "model_merged"]  # fmt: skip
    assert_rows_in(table, lambda r: "| " + " | ".join(
        [r["cell"]] + [f"{r[c]:.3f}" for c in columns]) + " |")  # fmt: skip
    flat = flat_text()
    bycell, merged = table["bycell"] - table["pooled"], table["merged"] - table["pooled"]
    assert f"pooled one, {paired(bycell)}, and so is the merged one, {paired(merged)}" in flat
    assert abs(bycell.mean()) < 0.005 and "H72 refuted" in flat
    k10 = table["k10"] - table["pooled"]
    assert f"falls by {paired(k10)}" in flat and k10.mean() < 0 and "H73 refuted" in flat
    larger = table["larger"] - table["pooled"]
    assert f"regions gives {paired(larger)}" in flat and "H74 refuted" in flat
    assert larger.mean() < 0.005
    contrast = table["contrast"] - table["pooled"]
    assert f"enhancer words gives {paired(contrast)}" in flat and "H75 refuted" in flat
    assert contrast.mean() < 0.005
    gaps = [table[f"model_{n}"] - table[n] for n in ("pooled", "bycell", "merged")]
    assert ", ".join(mean_se(g) for g in gaps[:2]) + f" and {mean_se(gaps[2])}" in flat
    assert all(abs(g.mean()) < 0.005 for g in gaps)
    highers = [int((g > 0).sum()) for g in gaps]
    assert f"(higher on {highers[0]}, {highers[1]} and {highers[2]} of 6)" in flat


def _seed_words(path) -> list[str]:
    line = next(x for x in path.read_text().splitlines() if x.startswith("discovered in"))
    return line.split(": ", 2)[2].split(", ")


def test_larger_draw_held_every_scored_pair_and_found_the_same_words():
    shared, counts = [], []
    for cell in FIT_CELLS:
        output = (RUNS / "motif-merge" / f"h74-{cell}-seed1.md").read_text().splitlines()
        assert output[0].endswith("60000 pairs, holding 15000 of the 15000 scored")
        own = RUNS / ("motif-discovery/h59" if cell in CELLS else "motif-merge/h72")
        own = own.parent / f"{own.name}-{cell}-seed1{'' if cell in CELLS else '-pooled'}.md"
        words = _seed_words(RUNS / "motif-merge" / f"h74-{cell}-seed1.md")
        counts.append(len(words))
        shared.append(len(set(words) & set(_seed_words(own))))
    flat = flat_text()
    assert f"of its {min(counts)}-{max(counts)} seed words {min(shared)}-{max(shared)} are" in flat
    # The known-motif reader of the same runs, the ceiling the section compares with.
    known = [reader_scores(c, path=RUNS / "motif-merge" / f"h73-{c}-seed1.md")[1]
             for c in FIT_CELLS]  # fmt: skip
    assert f"against {sum(known) / len(known):.3f} for the reader on the true motifs" in flat
