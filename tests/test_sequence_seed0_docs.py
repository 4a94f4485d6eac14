"""Round 24's checks of seed 0's product gain: the environment stream against the probe's
network (from committed runs), the probe at seed 0 (H41), with the energy head's
per-cell-line terms (H43) and on the model's own inputs (H44), and three fits per
evaluation at seed 0 (H42), as docs/BENCHMARK.md states them from the committed runs."""

from __future__ import annotations

import numpy as np
from benchmark_docs import (
    DOCS,
    INITIALISATIONS,
    SEED0_INITIALISATIONS,
    flat_text,
    head_forms,
    mean_se,
    paired,
    reader_aupr,
    recommended_fits,
    task_only_aupr_of,
    three_fits,
)

RECOMMENDED_FORM = "relu + products + rank 16"
CELLS = ("K562", "IMR90", "HUVEC")


def _probe(name: str, seeds=(0,)):
    return head_forms(name, seeds).set_index(["held_out", "seed"])


def test_benchmark_doc_environment_check_is_the_committed_runs():
    """H38's additive model against the identity network of the probe, three fits and
    three initialisations each, at seeds 1-2."""
    regime, forty = _probe("head-forms-model-regime", (1, 2)), _probe("head-forms", (1, 2))
    to_regime, to_forty, reader = [], [], []
    for seed, labels in INITIALISATIONS.items():
        fits = three_fits("frozen-additive-identity", seed, labels)
        for cell in fits[0].index:
            mine = np.mean([f[cell] for f in fits])
            to_regime.append(mine - regime.loc[(cell, seed), "identity"])
            to_forty.append(mine - forty.loc[(cell, seed), "identity"])
            reader.append(regime.loc[(cell, seed), "reader"] - regime.loc[(cell, seed), "identity"])
    flat = flat_text()
    assert (f"three initialisations' mean) is {paired(to_regime)} over the six "
            f"evaluations; against the same network at 40 epochs with BCE, "
            f"{paired(to_forty)}.") in flat  # fmt: skip
    assert f"L2 logistic regression, {paired(reader)} without the distance," in flat


def test_benchmark_doc_probe_at_seed_zero_is_the_committed_runs():
    """H41's table and verdict, H43's and H44's paired changes."""
    forty, regime = _probe("head-forms"), _probe("head-forms-model-regime")
    terms, inputs = _probe("head-forms-cell-terms"), _probe("head-forms-model-inputs")
    text, flat = (DOCS / "BENCHMARK.md").read_text(), flat_text()
    for cell in CELLS:
        key = (cell, 0)
        values = [forty.loc[key, "reader"], forty.loc[key, "identity"],
                  forty.loc[key, RECOMMENDED_FORM], regime.loc[key, "identity"],
                  regime.loc[key, RECOMMENDED_FORM], terms.loc[key, RECOMMENDED_FORM],
                  inputs.loc[key, RECOMMENDED_FORM], inputs.loc[key, "reader"]]  # fmt: skip
        line = f"| {cell} | 0 | " + " | ".join(f"{v:.3f}" for v in values) + " |"
        assert line in text, line
        assert (terms.loc[key, "reader"] == regime.loc[key, "reader"]).all()
    recommended = regime[RECOMMENDED_FORM] - regime["identity"]
    assert (f"the recommended form minus the identity network is {paired(recommended)}; "
            f"at 40 epochs with BCE, "
            f"{paired(forty[RECOMMENDED_FORM] - forty['identity'])}. Refuted") in flat  # fmt: skip
    everywhere = (0, 1, 2)
    regime_all = _probe("head-forms-model-regime", everywhere)
    for name, verdict in (("head-forms-cell-terms", "H43"), ("head-forms-model-inputs", "H44")):
        other = _probe(name, everywhere)
        seed0 = (other - regime_all).xs(0, level="seed")
        change = other - regime_all
        claim = (f"{verdict}: the recommended form at seed 0 changes by "
                 f"{mean_se(seed0[RECOMMENDED_FORM])} ("
                 + ", ".join(f"{c} {seed0.loc[c, RECOMMENDED_FORM]:+.3f}" for c in CELLS)
                 + f"), over seeds 0-2 by {paired(change[RECOMMENDED_FORM])}"
                 f"; the identity form by {paired(change['identity'])}")  # fmt: skip
        assert claim in flat, claim
    reader = _probe("head-forms-model-inputs", everywhere)["reader"] - regime_all["reader"]
    assert f"and the reader by {paired(reader)}" in flat


def _additive_seed0_fits() -> list:
    """H38's additive identity configuration's three fits at seed 0: H40's (one run per
    cell line, ``-a``/``-b``/``-c``), then H42's."""
    first = task_only_aupr_of("frozen-additive-identity-seed0-[abc]")
    return [first] + [task_only_aupr_of(f"frozen-additive-identity-seed0-{label}")
                      for label in SEED0_INITIALISATIONS]  # fmt: skip


def test_benchmark_doc_three_fits_at_seed_zero_are_the_committed_runs():
    """H42: the seed-0 table, the seed-0 and nine-evaluation verdicts, and the Reading's
    and README's sentences."""
    text, flat = (DOCS / "BENCHMARK.md").read_text(), flat_text()
    recommended = recommended_fits(0, SEED0_INITIALISATIONS)
    additive = _additive_seed0_fits()
    seed0 = []
    for cell in CELLS:
        theirs, mine = [f[cell] for f in recommended], [f[cell] for f in additive]
        difference = np.mean(mine) - np.mean(theirs)
        reader = reader_aupr(cell, seed=0)
        line = (f"| {cell} | 0 | " + ", ".join(f"{v:.3f}" for v in theirs)
                + f" | **{np.mean(theirs):.3f}** | " + ", ".join(f"{v:.3f}" for v in mine)
                + f" | **{np.mean(mine):.3f}** | {difference:+.3f} | {reader:.3f} |")  # fmt: skip
        assert line in text, line
        seed0.append(difference)
    nine = list(seed0)
    for seed, labels in INITIALISATIONS.items():
        theirs = recommended_fits(seed, labels)
        mine = three_fits("frozen-additive-identity", seed, labels)
        nine += [np.mean([f[c] for f in mine]) - np.mean([f[c] for f in theirs]) for c in CELLS]
    assert f"at seed 0 it is {paired(seed0)}" in flat
    assert f"over the nine evaluations {paired(nine)}" in flat
    reading = f"0-2 ({mean_se(nine)} over nine evaluations; {mean_se(seed0)} at seed 0, where"
    assert reading in flat
    readme = flat_text(DOCS.parent / "README.md")
    assert f"but is {mean_se(seed0)} against it at seed 0" in readme
    assert f"the two are level ({mean_se(nine)})" in readme


def test_benchmark_doc_one_cell_line_batches_are_the_committed_runs():
    """H45: IMR90 at seed 0 with one cell line per batch, paired by initialisation."""
    parts = []
    for label in SEED0_INITIALISATIONS:
        one = task_only_aupr_of(f"one-cell-batches-seed0-{label}")["IMR90"]
        base = task_only_aupr_of(f"frozen-both-seed0-{label}")["IMR90"]
        parts.append(f"init {label[4:]} {one:.3f} against {base:.3f} ({one - base:+.3f})")
    assert ", ".join(parts) in flat_text()
