"""docs/BENCHMARK.md's round-35 feature-track section (distance x marks products, H91-H92;
the normalised network blended with gradient boosting, H93) states what the committed runs
measured."""

from __future__ import annotations

import pandas as pd
from benchmark_docs import DOCS, assert_rows_in, flat_text, mean_se, paired

RUNS = DOCS / "benchmark-runs"
PRODUCTS = RUNS / "features-distance-products"
CELLS = ("GM12878", "HUVEC", "HeLa-S3", "IMR90", "K562", "NHEK")


def _full(folder) -> pd.Series:
    results = pd.read_csv(folder / "results.csv")
    return results[results["row"] == "full"].iloc[0]


def _verdict(low, high, other_low, other_high) -> str:
    return "win" if low > other_high else "loss" if high < other_low else "level"


def _products() -> pd.DataFrame:
    gbm = pd.read_csv(RUNS / "features-distance-matched" / "merged" / "results.csv")
    gbm = gbm[gbm["row"] == "gbm"].set_index("held_out")
    rows = []
    for cell, seed in [(c, 0) for c in CELLS] + [("GM12878", 1), ("GM12878", 2)]:
        run = f"products-{cell}" if seed == 0 and cell in ("GM12878", "HUVEC") else (
            f"products-{cell}-seed{seed}")  # fmt: skip
        products = _full(PRODUCTS / run)
        assert "model.feature_distance_products=true" in (PRODUCTS / run / "run.json").read_text()
        normalised = _full(RUNS / "features-input-norm" / f"norm-seed{seed}-{cell}")
        rows.append({"cell": cell, "seed": seed, "products": products,
                     "normalised": normalised, "gbm": gbm.loc[cell]})  # fmt: skip
    return pd.DataFrame(rows)


def _gains(table: pd.DataFrame, column: str = "products") -> pd.Series:
    """Each row's AUPR minus the normalised network's."""
    return table.apply(lambda r: r[column]["aupr"] - r["normalised"]["aupr"], axis=1)


def _interval(row: pd.Series) -> str:
    return f"{row['aupr']:.3f} [{row['aupr_ci_low']:.3f}-{row['aupr_ci_high']:.3f}]"


def test_products_table_and_verdicts_are_the_committed_runs():
    table = _products()

    def line(r) -> str:
        p, n, g = r["products"], r["normalised"], r["gbm"]
        first = r["seed"] == 0
        verdict = _verdict(p["aupr_ci_low"], p["aupr_ci_high"], g["aupr_ci_low"],
                           g["aupr_ci_high"])  # fmt: skip
        return (f"| {r['cell']} | {r['seed']} | {_interval(p)} | {_interval(n)} | "
                f"{p['aupr'] - n['aupr']:+.3f} | {_interval(g) if first else '–'} | "
                f"{verdict if first else '–'} | {p['aupr_distance_matched']:.3f} |")  # fmt: skip

    assert_rows_in(table, line)
    difference = _gains(table)
    flat = flat_text()
    six = difference[table["seed"] == 0]
    assert f"Over the six at seed 0: {paired(six)}" in flat
    assert abs(six.mean()) < 2 * six.std(ddof=1) / len(six) ** 0.5  # within 2 SE: refuted
    assert "**H92 refuted.**" in flat
    gm = difference[table["cell"] == "GM12878"]
    assert (gm > 0).all()
    assert f"GM12878 gains at every seed ({', '.join(f'{d:+.3f}' for d in gm)})" in flat
    gm0, huvec = table.iloc[0], table.iloc[1]
    assert gm0["products"]["aupr"] > gm0["normalised"]["aupr_ci_high"]  # H91: above
    assert huvec["products"]["aupr"] > huvec["normalised"]["aupr_ci_low"]  # and not below
    assert "**H91 supported, narrowly.**" in flat


def test_the_controls_repeat_the_committed_normalised_fits():
    for cell in CELLS:
        run = f"control-{cell}" if cell in ("GM12878", "HUVEC") else f"control-{cell}-seed0"
        control = _full(PRODUCTS / run)
        committed = _full(RUNS / "features-input-norm" / f"norm-seed0-{cell}")
        assert control["aupr"] == committed["aupr"], cell


def test_blend_table_and_verdict_are_the_committed_run():
    blend = pd.read_csv(PRODUCTS / "blend-norm-seed0" / "ensemble.csv")
    mean = blend[blend["held_out"] == "mean"].iloc[0]
    blend = blend[blend["held_out"] != "mean"]
    assert set(blend["held_out"]) == set(CELLS) and blend["blend"].astype(bool).all()
    assert (blend["gbm_aupr"] - blend["gbm_recorded_aupr"]).abs().max() < 1e-4

    def line(r) -> str:
        verdict = _verdict(r["ensemble_ci_low"], r["ensemble_ci_high"], r["gbm_ci_low"],
                           r["gbm_ci_high"])  # fmt: skip
        return (f"| {r['held_out']} | {r['networks_aupr']:.3f} | {r['gbm_aupr']:.3f} "
                f"[{r['gbm_ci_low']:.3f}-{r['gbm_ci_high']:.3f}] | {r['ensemble_aupr']:.3f} "
                f"[{r['ensemble_ci_low']:.3f}-{r['ensemble_ci_high']:.3f}] | "
                f"{r['difference']:+.3f} [{r['difference_low']:+.3f}, "
                f"{r['difference_high']:+.3f}] | {verdict} |")  # fmt: skip

    assert_rows_in(blend, line)
    wins = int((blend["difference_low"] > 0).sum())
    outside = int((blend["ensemble_ci_low"] > blend["gbm_ci_high"]).sum())
    assert wins >= 2 and outside == 0 and "**H93 refuted.**" in flat_text()
    flat = flat_text()
    assert (f"on **{wins} of 6** held-out cell lines (mean {mean['ensemble_aupr']:.3f} against "
            f"{mean['gbm_aupr']:.3f}; {blend['difference'].min():+.3f} to "
            f"{blend['difference'].max():+.3f}), on none outside both") in flat  # fmt: skip
    above_network = int((blend["ensemble_aupr"] > blend["networks_aupr"]).sum())
    assert f"above the network alone on {above_network} of 6" in flat
    need = ((blend["ensemble_ci_high"] - blend["ensemble_ci_low"]) / 2
            + (blend["gbm_ci_high"] - blend["gbm_ci_low"]) / 2)  # fmt: skip
    assert (blend["difference"] < need).all()
    assert f"half-widths ({need.min():.3f} on K562 to {need.max():.3f} on GM12878 here)" in flat


def test_readme_states_the_products_and_the_blend():
    table = _products()
    difference = _gains(table)
    gm = difference[table["cell"] == "GM12878"]
    blend = pd.read_csv(PRODUCTS / "blend-norm-seed0" / "ensemble.csv")
    mean = blend[blend["held_out"] == "mean"].iloc[0]
    readme = flat_text(DOCS.parent / "README.md")
    six = difference[table["seed"] == 0]
    assert (f"lifts GM12878 at three seeds ({gm.min():+.3f} to {gm.max():+.3f}) and nothing "
            f"elsewhere ({mean_se(six)} over six)") in readme  # fmt: skip
    blended = f"{mean['ensemble_aupr']:.3f} against {mean['gbm_aupr']:.3f}"
    assert f"on all six held-out cell lines ({blended}; three seeds of the network" in readme
    assert "though outside both intervals on none" in readme


def test_the_reading_states_round_35():
    blend = pd.read_csv(PRODUCTS / "blend-norm-seed0" / "ensemble.csv")
    rows = blend[blend["held_out"] != "mean"]
    flat = flat_text()
    assert (f"its gains ({rows['difference'].min():+.3f} to {rows['difference'].max():+.3f}) "
            "below the sum of the two half-widths everywhere") in flat  # fmt: skip
    table = _products()
    six = _gains(table[table["seed"] == 0])
    assert f"the six do not ({mean_se(six)}; H92 refuted)" in flat


def test_h94_table_and_verdict_are_the_committed_runs():
    gbm = pd.read_csv(RUNS / "features-distance-matched" / "merged" / "results.csv")
    gbm = gbm[gbm["row"] == "gbm"].set_index("held_out")
    rows = []
    for cell in CELLS:
        run = PRODUCTS / f"periodic-raw-{cell}"
        assert "model.feature_embedding=periodic_raw" in (run / "run.json").read_text()
        normalised = _full(RUNS / "features-input-norm" / f"norm-seed0-{cell}")
        rows.append({"cell": cell, "raw": _full(run), "gbm": gbm.loc[cell],
                     "normalised": normalised})  # fmt: skip
    table = pd.DataFrame(rows)

    def line(r) -> str:
        p, g = r["raw"], r["gbm"]
        verdict = _verdict(p["aupr_ci_low"], p["aupr_ci_high"], g["aupr_ci_low"],
                           g["aupr_ci_high"])  # fmt: skip
        return (
            f"| {r['cell']} | {_interval(p)} | {r['normalised']['aupr']:.3f} | "
            f"{p['aupr'] - r['normalised']['aupr']:+.3f} | {_interval(g)} | {verdict} |"
        )

    assert_rows_in(table, line)
    difference = _gains(table, "raw")
    higher = table.loc[difference > 0, "cell"].tolist()
    assert (f"**H94 refuted.** {mean_se(difference)} (higher on {len(higher)} of 6, "
            f"{', '.join(higher)})") in flat_text()  # fmt: skip
    assert not difference.mean() > 2 * difference.std(ddof=1) / len(difference) ** 0.5


def test_h95_table_and_verdict_are_the_committed_runs():
    parts = [pd.read_csv(PRODUCTS / run / "stacking.csv") for run in ("stack-a", "stack-b")]
    table = pd.concat(parts)
    table = table[table["held_out"] != "mean"].sort_values("held_out")
    assert set(table["held_out"]) == set(CELLS)
    assert (table["gbm_aupr"] - table["gbm_recorded_aupr"]).abs().max() < 1e-4
    blend = pd.read_csv(PRODUCTS / "blend-norm-seed0" / "ensemble.csv").set_index("held_out")

    def line(r) -> str:
        return (f"| {r['held_out']} | {r['ensemble_aupr']:.3f} [{r['ensemble_ci_low']:.3f}-"
                f"{r['ensemble_ci_high']:.3f}] | {blend.loc[r['held_out'], 'ensemble_aupr']:.3f} | "
                f"{r['gbm_aupr']:.3f} | {r['difference']:+.3f} [{r['difference_low']:+.3f}, "
                f"{r['difference_high']:+.3f}] | {r['verdict']} |")  # fmt: skip

    assert_rows_in(table, line)
    wins = int((table["verdict"] == "win").sum())
    assert wins < 4 and "**H95 refuted.**" in flat_text()
    assert f"Paired wins on {wins} of 6" in flat_text()
    assert f"{table['ensemble_aupr'].mean():.3f} against the blend's" in flat_text()
    for run in ("stack-a", "stack-b"):
        assert "model.feature_input_norm=true" in (PRODUCTS / run / "run.json").read_text()


def test_readme_and_reading_state_h94_and_h95():
    parts = [pd.read_csv(PRODUCTS / run / "stacking.csv") for run in ("stack-a", "stack-b")]
    stacked = pd.concat(parts)
    stacked = stacked[stacked["held_out"] != "mean"]
    mean = f"{stacked['ensemble_aupr'].mean():.3f}"
    readme = flat_text(DOCS.parent / "README.md")
    assert f"loses HeLa-S3 (mean {mean})" in readme
    wins = int((stacked["verdict"] == "win").sum())
    assert f"wins by the paired interval on {wins} of 6 and loses HeLa-S3 (mean {mean}; H95" in (
        flat_text()
    )


def test_training_guide_states_both_settings_measured():
    table = _products()
    six = _gains(table[table["seed"] == 0])
    raw = [_full(PRODUCTS / f"periodic-raw-{cell}")["aupr"]
           - _full(RUNS / "features-input-norm" / f"norm-seed0-{cell}")["aupr"]
           for cell in CELLS]  # fmt: skip
    guide = flat_text(DOCS / "TRAINING.md")
    claim = f"lifts GM12878 only ({mean_se(six)} over six) and the second loses ({mean_se(raw)})"
    assert claim in guide
