"""Round 23's checks of where the frozen-stem model's gap to the reader lies: the site
thresholds, the training regime on the reader's features (H39) and the additive head
without the ReLU (H38), as docs/BENCHMARK.md states them from the committed runs."""

from __future__ import annotations

import numpy as np
import pandas as pd
from benchmark_docs import (
    DOCS,
    INITIALISATIONS,
    flat_text,
    head_forms,
    mean_se,
    reader_aupr,
    recommended_fits,
    task_only_aupr,
    three_fits,
)

RUNS = DOCS / "benchmark-runs" / "sequence-transfer"
RECOMMENDED_FORM = "relu + products + rank 16"


def test_benchmark_doc_site_thresholds_are_the_committed_run():
    table = pd.read_csv(RUNS / "site-thresholds" / "site_thresholds.csv")
    fits = len(table[["run", "fit"]].drop_duplicates())
    claim = (f"({fits} fits, {len(table)} element encoders, {table['filters'].sum():,} "
             f"filters), every threshold ends between {table['min'].min():.3f} and "
             f"{table['max'].max():.3f} of its filter's best score (start 0.75), and no "
             "filter moved more than 0.05")  # fmt: skip
    assert claim in flat_text()
    assert table["moved"].sum() == 0


def _head_forms(name: str) -> pd.DataFrame:
    return head_forms(name).set_index(["held_out", "seed"])


def test_benchmark_doc_training_regime_table_is_the_committed_runs():
    """H39: the head-form networks trained as the model is (6 epochs, IMMAX), alone and
    together, against round 22's committed runs of the same initialisations."""
    base, regime = _head_forms("head-forms"), _head_forms("head-forms-model-regime")
    assert len(regime) == 6
    text, flat = (DOCS / "BENCHMARK.md").read_text(), flat_text()
    for (cell, seed), row in regime.iterrows():
        before = base.loc[(cell, seed)]
        values = [row["reader"], before["identity"], row["identity"],
                  before[RECOMMENDED_FORM], row[RECOMMENDED_FORM]]  # fmt: skip
        line = f"| {cell} | {seed} | " + " | ".join(f"{v:.3f}" for v in values) + " |"
        assert line in text, line

    def change(name: str, form: str) -> tuple[str, int]:
        difference = _head_forms(name)[form] - base[form]
        return mean_se(difference), int((difference > 0).sum())

    (identity, up_i), (rank, up_r) = (change("head-forms-model-regime", f)
                                      for f in ("identity", RECOMMENDED_FORM))  # fmt: skip
    assert (
        f"the identity network changes by {identity} (higher on {up_i} of 6) and the "
        f"recommended form by {rank} (higher on {up_r} of 6): refuted for both"
    ) in flat
    epochs = [change("head-forms-6-epochs", f)[0] for f in ("identity", RECOMMENDED_FORM)]
    immax = [change("head-forms-immax", f)[0] for f in ("identity", RECOMMENDED_FORM)]
    assert f"6 epochs change them by {epochs[0]} and {epochs[1]}, IMMAX by {immax[0]} and " \
           f"{immax[1]}" in flat  # fmt: skip
    for name in ("head-forms-model-regime", "head-forms-6-epochs", "head-forms-immax"):
        readers = _head_forms(name)["reader"]
        assert (readers == base.loc[readers.index, "reader"]).all(), name
    gap = mean_se(regime["reader"] - regime[RECOMMENDED_FORM])
    assert f"the recommended form trained as the model is stays {gap}" in flat


def test_benchmark_doc_additive_identity_tables_are_the_committed_runs():
    """H38 (three fits per evaluation at seeds 1-2) and H40 (seed 0), paired with the
    recommended configuration and the readers, as docs/BENCHMARK.md, its Reading and the
    README state them."""
    text, flat = (DOCS / "BENCHMARK.md").read_text(), flat_text()
    without_distance = _head_forms("head-forms")["reader"]
    rows = []
    for seed, labels in INITIALISATIONS.items():
        recommended = recommended_fits(seed, labels)
        additive = three_fits("frozen-additive-identity", seed, labels)
        identity = three_fits("frozen-identity", seed, labels)
        for cell in additive[0].index:
            fits = [s[cell] for s in additive]
            mine, theirs = np.mean(fits), np.mean([s[cell] for s in recommended])
            reader, plain = reader_aupr(cell, seed=seed), without_distance[(cell, seed)]
            line = (f"| {cell} | {seed} | {theirs:.3f} | " + ", ".join(f"{v:.3f}" for v in fits)
                    + f" | **{mine:.3f}** | {mine - theirs:+.3f} | {reader:.3f} | "
                    f"{mine - reader:+.3f} | {plain:.3f} | {mine - plain:+.3f} |")  # fmt: skip
            assert line in text, line
            h37 = np.mean([s[cell] for s in identity])
            rows.append((mine - theirs, mine - reader, mine - plain, mine - h37, theirs - reader))
    assert len(rows) == 6
    gain, to_reader, to_plain, to_h37, before = (np.array(c) for c in zip(*rows, strict=True))
    assert (f"minus the recommended configuration's is {mean_se(gain)} (higher on "
            f"{(gain > 0).sum()} of 6)") in flat  # fmt: skip
    assert (f"Minus the reader it is {mean_se(to_reader)} (higher on {(to_reader > 0).sum()} "
            "of 6)") in flat  # fmt: skip
    assert f"configuration: {mean_se(before)})" in flat
    assert f"(+{mean_se(to_h37)[1:]}, {(to_h37 > 0).sum()} of 6)" in flat
    assert f"cannot read, it is {mean_se(to_plain)} (higher on {(to_plain > 0).sum()} of 6)" in flat
    reading = f"({mean_se(to_reader)} against the recommended configuration's {mean_se(before)};"
    assert reading in flat
    readme = flat_text(DOCS.parent / "README.md")
    assert f"halves the gap to the reader at seeds 1-2 ({mean_se(to_reader)}, three" in readme
    seed0 = task_only_aupr("sequence-strands/frozen-both-seed0")
    differences = []
    for part, cell in zip("abc", ("K562", "IMR90", "HUVEC"), strict=True):
        mine = task_only_aupr(f"sequence-transfer/frozen-additive-identity-seed0-{part}")[cell]
        line = f"| {cell} | 0 | {seed0[cell]:.3f} | {mine:.3f} | {mine - seed0[cell]:+.3f} |"
        assert line in text, line
        differences.append(mine - seed0[cell])
    higher = sum(d > 0 for d in differences)
    assert f"The mean difference is {mean_se(differences)} (higher on {higher} of 3)" in flat
    loss = -np.mean(differences)
    assert f"loses {loss:.3f} at seed 0" in flat
