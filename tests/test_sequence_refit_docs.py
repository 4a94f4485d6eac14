"""docs/BENCHMARK.md's round-27 section (the trained sequence model's scoring layer refitted,
and a linear read of its element vectors; ``benchmarks/sequence_refit.py``) states what the
committed refits measured (nothing typed)."""

from __future__ import annotations

import pandas as pd
from benchmark_docs import (
    DOCS,
    assert_rows_in,
    fit_label,
    flat_text,
    mean_se,
    paired,
    reader_aupr,
    recommended_fits,
    task_only_aupr,
)

RUNS = DOCS / "benchmark-runs" / "sequence-refit"


def _refits(*folders: str) -> pd.DataFrame:
    return pd.concat([pd.read_csv(RUNS / f / "refit.csv") for f in folders], ignore_index=True)


def _recommended() -> pd.DataFrame:
    return _refits("recommended-seed0-inits", "recommended-seed1-2")


def test_refit_table_is_the_committed_refits():
    table = _recommended()
    assert len(table) == 12 and set(table["held_out"]) == {"K562", "IMR90", "HUVEC"}

    def line(row) -> str:
        fit = fit_label(row["run"])
        return (f"| {row['held_out']} | {row['seed']} | {fit} | {row['model']:.3f} | "
                f"{row['refit']:.3f} ({row['refit_C']:g}) | {row['refit C=100']:.3f} | "
                f"{row['elements']:.3f} | {row['reader']:.3f} |")  # fmt: skip

    assert_rows_in(table, line)


def test_refit_fits_are_the_committed_model_and_reader():
    """Each refitted fit scored as the run that holds it recorded (the script checks it);
    here: seeds 1-2's fits are the committed recommended configuration's, and the reader
    column is the committed learnability runs'."""
    table = _recommended()
    for _, row in table[table["seed"] > 0].iterrows():
        committed = task_only_aupr(f"sequence-strands/frozen-both-seed{row['seed']}")
        assert abs(row["model"] - committed[row["held_out"]]) < 5e-7
    for _, row in table.iterrows():
        assert row["reader"] == reader_aupr(row["held_out"], seed=int(row["seed"]))


def test_refit_claims_are_the_committed_refits():
    table = _recommended()
    text = flat_text()
    refit, model, elements = table["refit"], table["model"], table["elements"]
    loose, reader = table["refit C=100"], table["reader"]
    lowest = sum(table["refit_C"] == 1e-4)
    assert f"`g_I` refitted minus the fit's own: {paired(refit - model)}" in text
    assert f"refitted at C = 100: {paired(loose - model)}" in text
    assert (f"({mean_se(refit - loose)} over C = 100), and the validation-chosen C sat at the "
            f"grid's lower end (1e-4) in {lowest} of 12") in text  # fmt: skip
    assert f"The reader stays ahead of the refit by {paired(reader - refit)}" in text
    closer = reader - elements
    assert f"(reader minus it {mean_se(closer)}, higher on {sum(closer > 0)} of 12)" in text
    assert f"above the read of `z_I` by {paired(elements - refit)}" in text
    seed0, later = table[table["seed"] == 0], table[table["seed"] > 0]
    gain0, gain12 = seed0["elements"] - seed0["model"], later["elements"] - later["model"]
    assert (f"{mean_se(gain12)} at seeds 1-2 (higher on {sum(gain12 > 0)} of 6) and "
            f"{mean_se(gain0)} at seed 0 (higher on {sum(gain0 > 0)} of 6)") in text  # fmt: skip
    penalised = _refits("weight-l2")
    assert len(penalised) == 18
    assert f"the refit gains {paired(penalised['refit'] - penalised['model'])}" in text
    assert f"does not lift it ({mean_se(refit - model)} over twelve fits; H52 refuted)" in text
    assert (f"is level with the reader ({mean_se(reader - elements)}) and above the read of "
            f"`z_I` by {mean_se(elements - refit)} (H53 supported)") in text  # fmt: skip
    readme = flat_text(DOCS.parent / "README.md")
    assert f"does not lift it ({mean_se(refit - model)} over twelve fits)" in readme
    assert f"is level with the reader ({mean_se(reader - elements)})" in readme


def _element_skip_fits() -> pd.DataFrame:
    """H54's fits (``skip-seed<s>-<cell>``) beside the recommended configuration's three
    fits of the same evaluation."""
    rows = []
    for seed in (0, 1, 2):
        fits = recommended_fits(seed)
        for cell in ("K562", "IMR90", "HUVEC"):
            skip = task_only_aupr(f"sequence-refit/skip-seed{seed}-{cell}")
            assert list(skip.index) == [cell]
            three = [fit[cell] for fit in fits]
            rows.append({"held_out": cell, "seed": seed, "three": three,
                         "mean": sum(three) / 3, "skip": skip[cell]})  # fmt: skip
    return pd.DataFrame(rows)


def test_element_skip_table_and_claims_are_the_committed_fits():
    table = _element_skip_fits()
    assert_rows_in(table, lambda row: (
        f"| {row['held_out']} | {row['seed']} | "
        f"{', '.join(f'{x:.3f}' for x in row['three'])} | **{row['mean']:.3f}** | "
        f"{row['skip']:.3f} | {row['skip'] - row['mean']:+.3f} |"
    ))  # fmt: skip
    flat = flat_text()
    gain = table["skip"] - table["mean"]
    seed0, later = gain[table["seed"] == 0], gain[table["seed"] > 0]
    assert f"minus the three-fit mean: {paired(gain)}" in flat
    assert f"{paired(later)} at seeds 1-2 and {paired(seed0)} at seed 0" in flat
    reading = ("`model.element_skip`) is level with the recommended configuration's three "
               f"fits ({mean_se(gain)} over nine; H54 refuted")  # fmt: skip
    assert reading in flat
    readme = flat_text(DOCS.parent / "README.md")
    assert (f"level with the recommended configuration ({mean_se(gain)} over nine "
            "evaluations)") in readme  # fmt: skip


def test_element_skip_refit_claims_are_the_committed_refits():
    table = _refits("skip-refit")
    assert len(table) == 9 and set(table["run"]) == {
        f"skip-seed{s}-{c}" for s in (0, 1, 2) for c in ("K562", "IMR90", "HUVEC")
    }
    fits = _element_skip_fits().set_index(["held_out", "seed"])["skip"]
    for _, row in table.iterrows():
        assert abs(row["model"] - fits[(row["held_out"], row["seed"])]) < 1e-5
    text = flat_text()
    closer = table["reader"] - table["elements"]
    assert (f"refitted minus the fit's own score {paired(table['refit'] - table['model'])}; the "
            "shrunk read of the element vectors stays above the read of `z_I` by "
            f"{paired(table['elements'] - table['refit'])} and level with the reader (reader "
            f"minus it {mean_se(closer)})") in text  # fmt: skip
