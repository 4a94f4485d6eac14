"""Round 23's checks of where the frozen-stem model's gap to the reader lies: the site
thresholds, the training regime on the reader's features (H39) and the additive head
without the ReLU (H38), as docs/BENCHMARK.md states them from the committed runs."""

from __future__ import annotations

import pandas as pd
from benchmark_docs import DOCS, mean_se

RUNS = DOCS / "benchmark-runs" / "sequence-transfer"
RECOMMENDED_FORM = "relu + products + rank 16"


def _flat_benchmark() -> str:
    return " ".join((DOCS / "BENCHMARK.md").read_text().split())


def test_benchmark_doc_site_thresholds_are_the_committed_run():
    table = pd.read_csv(RUNS / "site-thresholds" / "site_thresholds.csv")
    fits = len(table[["run", "fit"]].drop_duplicates())
    claim = (f"({fits} fits, {len(table)} element encoders, {table['filters'].sum():,} "
             f"filters), every threshold ends between {table['min'].min():.3f} and "
             f"{table['max'].max():.3f} of its filter's best score (start 0.75), and no "
             "filter moved more than 0.05")  # fmt: skip
    assert claim in _flat_benchmark()
    assert table["moved"].sum() == 0


def _head_forms(name: str) -> pd.DataFrame:
    frames = [pd.read_csv(RUNS / f"{name}-seed{seed}" / "head_forms.csv") for seed in (1, 2)]
    return pd.concat(frames).set_index(["held_out", "seed"])


def test_benchmark_doc_training_regime_table_is_the_committed_runs():
    """H39: the head-form networks trained as the model is (6 epochs, IMMAX), alone and
    together, against round 22's committed runs of the same initialisations."""
    base, regime = _head_forms("head-forms"), _head_forms("head-forms-model-regime")
    assert len(regime) == 6
    text, flat = (DOCS / "BENCHMARK.md").read_text(), _flat_benchmark()
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
