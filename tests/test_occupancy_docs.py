"""docs/BENCHMARK.md's round-32 section (what the motif search misses, D3; stricter scan
thresholds, H76; sites counted by their posterior, H77-H79) states what the committed runs
measured."""

from __future__ import annotations

import re

import pandas as pd
from benchmark_docs import DOCS, assert_rows_in, flat_text, paired, reader_scores, task_only_rows

RUNS = DOCS / "benchmark-runs" / "discovery-misses"
FIRST = ("K562", "IMR90", "HUVEC")
CELLS = (*FIRST, "GM12878", "HeLa-S3", "NHEK")
DISCOVERED = "discovered-motif scan (training cell lines)"


def _test_aupr(cell: str, output: str, reader: str) -> float:
    return reader_scores(cell, reader=reader, path=RUNS / f"{output}-{cell}-seed1.md")[1]


def _misses(cell: str) -> tuple[int, float, float]:
    """D3's last line: factors missed, the reader with their true scans, and its gain."""
    text = (RUNS / f"d3-{cell}-seed1.md").read_text()
    found = re.search(r"(\d+) factors missed .*: (\d\.\d+) \(\+(\d\.\d+)\)", text)
    return int(found[1]), float(found[2]), float(found[3])


def test_d3_claims_are_the_committed_runs():
    misses = [_misses(cell) for cell in FIRST]
    flat = flat_text()
    gains = ", ".join(f"+{m[2]:.3f}" for m in misses[:2]) + f" and +{misses[2][2]:.3f}"
    assert f"by {gains} (to {', '.join(f'{m[1]:.3f}' for m in misses)})" in flat
    assert {m[0] for m in misses} == {24} and "24 of 28 factors have R2 disc below 0.5" in flat


def test_stricter_thresholds_table_is_the_committed_runs():
    thresholds = ("0.75", "0.85", "0.9", "0.95")
    table = pd.DataFrame([{
        "cell": cell,
        **{f"k{t}": _test_aupr(cell, "h76", f"known-motif scan at {t}") for t in thresholds},
        **{f"d{t}": _test_aupr(cell, "h76", f"{DISCOVERED} at {t}") for t in thresholds},
    } for cell in FIRST])  # fmt: skip
    columns = [f"k{t}" for t in thresholds] + [f"d{t}" for t in thresholds]
    assert_rows_in(table, lambda r: f"| {r['cell']} | " + " | ".join(
        f"{r[c]:.3f}" for c in columns) + " |")  # fmt: skip
    means = ", ".join(f"{table[f'k{t}'].mean():.3f}" for t in thresholds)
    assert f"(mean {means})" in flat_text() and "H76 refuted" in flat_text()
    assert (table["k0.75"] > table["k0.85"]).all()  # refuted: stricter is lower


def _occupancy_table() -> pd.DataFrame:
    rows = []
    for cell in CELLS:
        output, at = ("h77", " at 0.75") if cell in FIRST else ("h78", "")
        rows.append({
            "cell": cell,
            "known": _test_aupr(cell, output, f"known-motif scan{at}"),
            "known_occ": _test_aupr(cell, output, "known-motif occupancy at 0.0001"),
            "disc": _test_aupr(cell, output, f"{DISCOVERED}{at}"),
            "disc_occ": _test_aupr(cell, output, "discovered-motif occupancy (training cell "
                                                 "lines) at 0.0001"),
            "planted": _test_aupr(cell, output, "planted counts"),
        })  # fmt: skip
    return pd.DataFrame(rows)


def test_occupancy_reader_table_and_claims_are_the_committed_runs():
    table = _occupancy_table()
    columns = ("known", "known_occ", "disc", "disc_occ", "planted")
    assert_rows_in(table, lambda r: f"| {r['cell']} | " + " | ".join(
        f"{r[c]:.3f}" for c in columns) + " |")  # fmt: skip
    flat = flat_text()
    known = paired(table["known_occ"] - table["known"])
    discovered = paired(table["disc_occ"] - table["disc"])
    assert f"above the 0.75 scan by {known.split(' (')[0]}" in flat
    assert f"with the discovered motifs by {discovered.split(' (')[0]}" in flat
    assert known.endswith("(higher on 5 of 6)") and discovered.endswith("(higher on 5 of 6)")


PARTS = {"K562-IMR90-HUVEC": FIRST, "GM12878-HeLa-S3-NHEK": CELLS[3:]}


def _fits(seed: int) -> pd.DataFrame:
    """Per held-out cell line at ``seed``: the recommended configuration's committed fit
    (round 28, ReLU counts) and the same counting sites by their posterior (round 32)."""
    rows = []
    for part, cells in PARTS.items():
        relu = task_only_rows(f"sequence-readout/read-seed{seed}-{part}")
        occupancy = task_only_rows(f"discovery-misses/occupancy-seed{seed}-{part}")
        rows += [{"cell": cell, "seed": seed, "relu": relu.loc[cell, "aupr"],
                  "occupancy": occupancy.loc[cell, "aupr"],
                  "train_s": occupancy.loc[cell, "train_s"]} for cell in cells]  # fmt: skip
    return pd.DataFrame(rows)


def test_occupancy_fits_table_and_claims_are_the_committed_runs():
    fits = _fits(1)
    fits["reader"] = fits["cell"].map(_occupancy_table().set_index("cell")["known_occ"])
    assert_rows_in(
        fits,
        lambda r: (
            f"| {r['cell']} | {r['relu']:.3f} | {r['occupancy']:.3f} | "
            f"{r['occupancy'] - r['relu']:+.3f} | {r['reader']:.3f} | {r['train_s']:.0f} |"
        ),
    )
    flat = flat_text()
    difference = fits["occupancy"] - fits["relu"]
    assert f"Mean {fits['occupancy'].mean():.3f} against {fits['relu'].mean():.3f}: " \
           f"{paired(difference)}" in flat  # fmt: skip
    assert difference.mean() < 2 * difference.std(ddof=1) / len(difference) ** 0.5
    assert "H79 refuted, narrowly" in flat
    assert f"fit minus reader {(fits['occupancy'] - fits['reader']).mean():+.3f}" in flat


def test_seeds_0_and_2_table_and_the_adoption_are_the_committed_runs():
    fits = pd.concat([_fits(0), _fits(2)], ignore_index=True)
    assert_rows_in(fits, lambda r: (
        f"| {r['cell']} | {r['seed']} | {r['relu']:.3f} | {r['occupancy']:.3f} | "
        f"{r['occupancy'] - r['relu']:+.3f} | {r['train_s']:.0f} |"))  # fmt: skip
    flat = flat_text()
    twelve = fits["occupancy"] - fits["relu"]
    eighteen = pd.concat([twelve, _fits(1).eval("occupancy - relu")])
    assert f"Over the twelve: {paired(twelve)}" in flat
    assert f"all eighteen evaluations: {paired(eighteen)}" in flat
    assert twelve.mean() > 2 * twelve.std(ddof=1) / len(twelve) ** 0.5  # supported
    assert "H80 supported" in flat
    recommended = (DOCS.parent / "configs" / "recommended.yaml").read_text()
    assert "count_form: occupancy" in recommended


def test_readme_states_the_adopted_configurations_committed_fits():
    """The README's held-out figures for the shipped configuration (README, "The shipped
    weights") and its "Does it work" claims are the committed occupancy fits'."""
    fits = pd.concat([_fits(seed) for seed in (0, 1, 2)], ignore_index=True)
    seed0, later = fits[fits["seed"] == 0]["occupancy"], fits[fits["seed"] > 0]["occupancy"]
    readme = flat_text(DOCS.parent / "README.md")
    assert (f"reaches AUPR {seed0.min():.3f}-{seed0.max():.3f} (mean {seed0.mean():.3f} over "
            f"six, seed 0; the oracle 0.71-0.82) and {later.min():.3f}-{later.max():.3f} on "
            f"the simulations of seeds 1 and 2 (mean {later.mean():.3f})") in readme  # fmt: skip
    difference = fits["occupancy"] - fits["relu"]
    mean_error, higher = paired(difference).split(" (higher on ")
    assert f"{mean_error} over the same configuration counting" in readme
    assert f"the recommended configuration by {mean_error} over six held-out cell lines at " \
           f"seeds 0-2 ({higher.rstrip(')')}; mean {fits['occupancy'].mean():.3f} against " \
           f"{fits['relu'].mean():.3f})" in readme  # fmt: skip
    readers = _occupancy_table()
    known, known_higher = paired(readers["known_occ"] - readers["known"]).split(" (higher on ")
    assert f"lifts the regression by {known} (seed 1, {known_higher.rstrip(')')})" in readme


def test_readme_model_table_states_the_adopted_configurations_seed_0():
    seed0 = _fits(0)["occupancy"]
    readme = (DOCS.parent / "README.md").read_text()
    assert (f"unseen cell line, simulated (6 cell lines, seed 0): {seed0.min():.3f}-"
            f"{seed0.max():.3f}, mean {seed0.mean():.3f}") in readme  # fmt: skip
