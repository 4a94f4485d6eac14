"""Round 25's probes of where the reader's edge over the networks lies (H46-H46g): the two
tables and every paired summary of docs/BENCHMARK.md's "Where the reader's edge over the
networks lies", rebuilt from the committed ``benchmarks/sequence_head_forms.py`` runs."""

from __future__ import annotations

import numpy as np
import pandas as pd
from benchmark_docs import (
    DOCS,
    flat_text,
    head_forms,
    mean_se,
    paired,
    recommended_fits,
    task_only_aupr_of,
)

RECOMMENDED_FORM = "relu + products + rank 16"
SEEDS = (0, 1, 2)
CELLS = ("K562", "IMR90", "HUVEC")
PENALTIES = {  # train.weight_l2: its fits' folders (H47, H48)
    "0.1": "frozen-weight-l2-seed{seed}-*",
    "0.01": "frozen-weight-l2-0.01-seed{seed}-*",
}


def _probe(name: str) -> pd.DataFrame:
    return head_forms(name, SEEDS).set_index(["held_out", "seed"])


def _seed0_mean(differences: pd.Series) -> str:
    return f"{differences.xs(0, level='seed').mean():+.3f}"


def _row(key, values) -> str:
    return f"| {key[0]} | {key[1]} | " + " | ".join(f"{v:.3f}" for v in values) + " |"


def _penalised_fits():
    """Per (seed, cell line): the recommended configuration's three fits and each penalty's
    fit, ``[(seed, cell, [three fits], {penalty: fit})]``."""
    rows = []
    for seed in SEEDS:
        recommended = recommended_fits(seed)
        fits = {v: task_only_aupr_of(p.format(seed=seed)) for v, p in PENALTIES.items()}
        for cell in CELLS:
            rows.append((seed, cell, [fit[cell] for fit in recommended],
                         {v: fits[v][cell] for v in PENALTIES}))  # fmt: skip
    return rows


def test_benchmark_doc_shrinkage_tables_are_the_committed_runs():
    regime, no_dropout = _probe("head-forms-model-regime"), _probe("head-forms-no-dropout")
    linear, linear_bce = _probe("head-forms-linear"), _probe("head-forms-linear-bce")
    c100, penalised = _probe("head-forms-reader-c100"), _probe("head-forms-l2-0.1")
    text = (DOCS / "BENCHMARK.md").read_text()
    for key in regime.index:
        values = [regime.loc[key, "reader"], c100.loc[key, "reader"],
                  regime.loc[key, "identity"], no_dropout.loc[key, "identity"],
                  linear.loc[key, "linear"], linear_bce.loc[key, "linear"],
                  regime.loc[key, RECOMMENDED_FORM],
                  penalised.loc[key, RECOMMENDED_FORM]]  # fmt: skip
        assert _row(key, values) in text, _row(key, values)
    # the same fit twice: H46d repeats H46c's linear form, the Regime refactor H41's column
    assert (c100["linear"] == linear_bce["linear"]).all()
    repeat = head_forms("head-forms-repeat", (0,)).set_index(["held_out", "seed"])
    assert (repeat[RECOMMENDED_FORM] == regime.xs(0, level="seed", drop_level=False)[
        RECOMMENDED_FORM]).all()  # fmt: skip
    plain, other = _probe("head-forms-other-cells-l2-0"), _probe("head-forms-other-cells-l2-0.1")
    for key in plain.index:
        values = [plain.loc[key, "reader"], plain.loc[key, RECOMMENDED_FORM],
                  other.loc[key, RECOMMENDED_FORM]]  # fmt: skip
        assert "  " + _row(key, values) in text, _row(key, values)


def test_benchmark_doc_shrinkage_verdicts_are_the_committed_runs():
    regime, no_dropout = _probe("head-forms-model-regime"), _probe("head-forms-no-dropout")
    linear, linear_bce = _probe("head-forms-linear"), _probe("head-forms-linear-bce")
    c100, flat = _probe("head-forms-reader-c100"), flat_text()
    claims = [
        f"trails it by {mean_se(regime['reader'] - regime['identity'])} over nine evaluations",
        f"The identity network without it changes by "
        f"{paired(no_dropout['identity'] - regime['identity'])}; the reader minus it stays "
        f"{paired(no_dropout['reader'] - no_dropout['identity'])}.",
        f"minus the identity network: {paired(linear['linear'] - regime['identity'])}; the "
        f"reader minus it: {paired(linear['reader'] - linear['linear'])}.",
        f"still trails the reader by {paired(linear_bce['reader'] - linear_bce['linear'])}.",
        f"minus the linear form of H46c: {paired(c100['reader'] - c100['linear'])}",
    ]
    shrinkage = linear_bce["reader"] - c100["reader"]
    claims.append(f"C = 100: {paired(shrinkage)}, all of it on K562 "
                  f"({shrinkage[('K562', 0)]:+.3f}) and HUVEC ({shrinkage[('HUVEC', 0)]:+.3f}) "
                  f"at seed 0.")  # fmt: skip
    others = shrinkage.drop([("K562", 0), ("HUVEC", 0)])
    assert others.abs().max() <= 0.005
    decay = _probe("head-forms-decay1")[RECOMMENDED_FORM] - regime[RECOMMENDED_FORM]
    claims.append(f"At weight decay 1 the recommended form gains {paired(decay)} over nine, "
                  f"{_seed0_mean(decay)} at seed 0")  # fmt: skip
    for value in ("0.3", "1", "3"):
        moved = _probe(f"head-forms-decay{value}")["linear"] - linear["linear"]
        assert abs(moved.mean()) < 0.0015, value  # "the linear form does not move"
    light, heavy = _probe("head-forms-l2-0.01"), _probe("head-forms-l2-0.1")
    light_gain = light[RECOMMENDED_FORM] - regime[RECOMMENDED_FORM]
    heavy_gain = heavy[RECOMMENDED_FORM] - regime[RECOMMENDED_FORM]
    claims += [
        f"`--l2 0.01`: {paired(light_gain)} over nine (seed 0 {_seed0_mean(light_gain)}, 0.01 "
        f"predicted)",
        f"tested): {paired(heavy_gain)}, seed 0 {_seed0_mean(heavy_gain)}, and the reader "
        f"minus it falls from {paired(regime['reader'] - regime[RECOMMENDED_FORM])} to "
        f"{paired(heavy['reader'] - heavy[RECOMMENDED_FORM])}.",
    ]
    for name in ("head-forms-l2-0.01", "head-forms-l2-0.03", "head-forms-l2-0.1"):
        assert abs((_probe(name)["linear"] - linear["linear"]).mean()) < 0.0015, name
    plain, other = _probe("head-forms-other-cells-l2-0"), _probe("head-forms-other-cells-l2-0.1")
    unseen = other[RECOMMENDED_FORM] - plain[RECOMMENDED_FORM]
    by_seed = ", ".join(f"seed {s} {unseen.xs(s, level='seed').mean():+.3f}" for s in SEEDS)
    pooled = np.r_[heavy_gain.to_numpy(), unseen.to_numpy()]
    claims += [
        f"The penalty minus none: {paired(unseen)} ({by_seed}), under the 0.01",
        f"Over all eighteen evaluations the value 0.1 gives {paired(pooled)}, but 0.1 was",
    ]
    for claim in claims:
        assert claim in flat, claim


def test_benchmark_doc_penalised_model_fits_are_the_committed_runs():
    """H47 and H48: the model with ``train.weight_l2`` at 0.1 and 0.01, one fit per
    evaluation, against the recommended configuration's three fits."""
    text, flat = (DOCS / "BENCHMARK.md").read_text(), flat_text()
    to_mean = {value: [] for value in PENALTIES}
    to_first = {value: [] for value in PENALTIES}
    for seed, cell, theirs, fits in _penalised_fits():
        line = (f"| {cell} | {seed} | " + ", ".join(f"{v:.3f}" for v in theirs)
                + f" | **{np.mean(theirs):.3f}** | "
                + " | ".join(f"{fits[v]:.3f}" for v in PENALTIES) + " |")  # fmt: skip
        assert line in text, line
        for value in PENALTIES:
            to_mean[value].append(fits[value] - np.mean(theirs))
            to_first[value].append(fits[value] - theirs[0])
    for value in PENALTIES:
        claim = (
            f"`train.weight_l2={value}` minus the three-fit mean: {paired(to_mean[value])}; "
            f"minus the fit from the same initialisation: {paired(to_first[value])}"
        )
        assert claim in flat, claim


def test_benchmark_doc_reading_states_round_25_as_measured():
    regime, light = _probe("head-forms-model-regime"), _probe("head-forms-l2-0.01")
    probe_gain = paired(light[RECOMMENDED_FORM] - regime[RECOMMENDED_FORM])
    gains = {value: [] for value in PENALTIES}
    for _, _, theirs, fits in _penalised_fits():
        for value in PENALTIES:
            gains[value].append(fits[value] - np.mean(theirs))
    reading = (
        f"an L2 penalty in the loss lifts the recommended form there (at 0.01, {probe_gain}), "
        f"but not the model: `train.weight_l2` at 0.1 is {mean_se(gains['0.1'])} and at 0.01 "
        f"{mean_se(gains['0.01'])} against the recommended configuration's three fits"
    )
    assert reading in flat_text(), reading
    readme = flat_text(DOCS.parent / "README.md")
    assert (
        f"(`--set train.weight_l2=0.01`, off by default) gains {mean_se(gains['0.01'])}" in readme
    )
