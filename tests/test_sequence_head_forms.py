"""``benchmarks/sequence_head_forms.py``: the head forms it fits on motif-count features."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest
import torch
from test_benchmark import benchmark_script

head_forms = benchmark_script("sequence_head_forms")
ONE, TWO, EIGHT = (head_forms.Regime(epochs=n) for n in (1, 2, 8))


def _made_evaluation(seed: int = 0, n: int = 900, factors: int = 4):
    """Count-like features of made enhancers and promoters whose label is additive in
    them; the first 500 rows train, the next 200 validate, the last 200 are held out."""
    rng = np.random.default_rng(seed)
    x = np.log1p(rng.poisson(1.0, size=(n, 2 * factors)).astype(float))
    logit = 2.0 * x[:, 0] + 2.0 * x[:, factors] - 4.0
    y = (rng.random(n) < 1 / (1 + np.exp(-logit))).astype(int)
    split = head_forms.Split(np.arange(500), np.arange(500, 700), np.arange(700, n))
    return x, y, split


def test_identity_form_is_affine_and_relu_form_is_not():
    identity = head_forms.HeadForm(6, "identity", products=False).eval()
    a, b = torch.randn(4, 6), torch.randn(4, 6)
    zero = torch.zeros(1, 6)
    torch.testing.assert_close(identity(a + b) - identity(b), identity(a) - identity(zero))
    relu = head_forms.HeadForm(6, "relu", products=True).eval()
    assert relu.layers[1].in_features == 6 + 3  # [e, p, e * p]
    assert not torch.allclose(relu(-a) + relu(a), 2 * relu(zero).expand(4))


def test_rank_term_adds_the_enhancer_by_promoter_products_of_a_low_rank_matrix():
    form = head_forms.HeadForm(6, "identity", products=True, rank=2).eval()
    assert form.layers[1].in_features == 6 + 3 + 2
    x = torch.randn(5, 6)
    e, p = x[:, :3], x[:, 3:]
    q = (e @ form.left.weight.T) * (p @ form.right.weight.T)
    linear, out = form.layers[1], form.layers[3]
    expected = (torch.cat([x, e * p, q], 1) @ linear.weight.T + linear.bias) @ out.weight.T
    torch.testing.assert_close(form(x), (expected + out.bias).squeeze(-1))


def test_every_form_learns_an_additive_label_and_the_same_init_repeats():
    x, y, split = _made_evaluation()
    hidden = tuple(form for form in head_forms.FORMS if form != "linear")  # learns slower
    row = head_forms.evaluate(x, y, split, inits=2, regime=EIGHT, forms=hidden)
    prevalence = y[split.test].mean()
    for form in ("reader", *hidden):
        assert row[form] > prevalence + 0.1, (form, row[form], prevalence)
    assert row["relu"] == pytest.approx((row["relu init0"] + row["relu init1"]) / 2)
    again = head_forms.fit_network(
        head_forms.StandardScaler().fit(x[split.train]).transform(x), y, split, "relu", 0, EIGHT
    )
    assert again == row["relu init0"]


def test_summaries_pair_the_forms_on_each_evaluation():
    table = pd.DataFrame({"reader": [0.20, 0.30], "relu": [0.10, 0.20],
                          "identity": [0.15, 0.21], "relu + products": [0.1, 0.1],
                          "identity + products": [0.1, 0.2],
                          "relu + products + rank 16": [0.1, 0.1],
                          "identity + products + rank 16": [0.1, 0.1]})  # fmt: skip
    lines = head_forms.summaries(table)
    assert lines[0] == "identity minus relu: +0.030 +- 0.020 (higher on 2 of 2)"
    assert lines[3].startswith("reader minus identity: +0.070 +- 0.020 (higher on 2 of 2)")


def test_immax_loss_learns_too_and_is_not_the_weighted_cross_entropy():
    x, y, split = _made_evaluation()
    scaled = head_forms.StandardScaler().fit(x[split.train]).transform(x)
    immax = head_forms.fit_network(scaled, y, split, "identity", 0, EIGHT._replace(loss="immax"))
    bce = head_forms.fit_network(scaled, y, split, "identity", 0, EIGHT)
    assert immax > y[split.test].mean() + 0.1
    assert immax != bce


def test_a_subset_of_forms_is_fitted_and_summarised_alone():
    x, y, split = _made_evaluation()
    row = head_forms.evaluate(x, y, split, inits=1, regime=TWO, forms=("identity", "relu"))
    assert set(row) == {"reader", "identity init0", "identity", "relu init0", "relu"}
    lines = head_forms.summaries(pd.DataFrame([row, row]))
    named = [line.split(":")[0] for line in lines]
    assert named == ["identity minus relu", "reader minus identity"]


def test_an_unknown_form_is_refused(capsys):
    with pytest.raises(SystemExit):
        head_forms.main(["--forms", "identity,sigmoid", "--out", "unused"])
    assert "--forms: unknown sigmoid" in capsys.readouterr().err


def test_cell_terms_start_at_zero_and_leave_the_held_out_pairs_alone():
    """``--cell-terms``: a made label whose base rate differs by cell line; the fit with a
    scale and shift per cell line differs from the plain one from the same start, and
    held-out scores carry no cell-line term."""
    x, y, split = _made_evaluation()
    rng = np.random.default_rng(1)
    cells = np.r_[rng.integers(0, 2, 700), np.full(200, 2)]  # two training cell lines
    y = np.where((cells == 1) & (rng.random(len(y)) < 0.3), 1, y)  # cell 1: more positives
    torch.manual_seed(0)
    form = head_forms.HeadForm(x.shape[1], "identity", products=False, cells=3).eval()
    torch.manual_seed(0)
    plain = head_forms.HeadForm(x.shape[1], "identity", products=False)
    for mine, theirs in zip(form.layers.parameters(), plain.layers.parameters(), strict=True):
        torch.testing.assert_close(mine, theirs)  # the same start: a paired comparison
    inputs = torch.randn(4, x.shape[1])
    torch.testing.assert_close(form(inputs, torch.tensor([0, 1, 2, 0])), form(inputs))
    scaled = head_forms.StandardScaler().fit(x[split.train]).transform(x)
    with_terms = head_forms.fit_network(scaled, y, split, "identity", 0, EIGHT, cells=cells)
    without = head_forms.fit_network(scaled, y, split, "identity", 0, EIGHT)
    assert with_terms != without
    row = head_forms.evaluate(x, y, split, inits=1, regime=EIGHT, forms=("identity",), cells=cells)
    assert row["identity"] == with_terms


def test_cell_shifts_are_learned_per_cell_line(monkeypatch):
    x, y, split = _made_evaluation()
    rng = np.random.default_rng(1)
    cells = np.r_[rng.integers(0, 2, 700), np.full(200, 2)]
    y = np.where((cells == 1) & (rng.random(len(y)) < 0.3), 1, y)
    made = []
    original = head_forms.HeadForm

    def keep(*args, **kwargs):
        made.append(original(*args, **kwargs))
        return made[-1]

    monkeypatch.setattr(head_forms, "HeadForm", keep)
    scaled = head_forms.StandardScaler().fit(x[split.train]).transform(x)
    head_forms.fit_network(
        scaled, y, split, "identity", 0, head_forms.Regime(epochs=30), cells=cells
    )
    shifts = made[0].cell_terms.weight.detach()[:, 1]
    assert len(shifts) == 2  # the training cell lines' codes; the held-out one has none
    assert shifts[0] > shifts[1] + 0.2  # cell 1's extra positives: a smaller R_E


def _one_hot(text: str) -> np.ndarray:
    return np.eye(4, dtype=np.float32)[["ACGT".index(b) for b in text]].T


def test_model_features_count_each_motif_twice_as_the_frozen_stem_does():
    """``--features model``: the count encoder's own inputs, each motif's sites counted by
    its filter and by its reverse complement's (both strands each: the same count)."""
    from kipoi_prism.benchmark.harness import PROFILES
    from kipoi_prism.io.motifs import Motif

    gata = Motif("M1", "GATA", np.full((6, 4), 0.01) + np.eye(4)[[0, 0, 2, 3, 0, 1]] * 0.96)
    ccat = Motif("M2", "CCAT", np.full((5, 4), 0.01) + np.eye(4)[[1, 1, 0, 3, 3]] * 0.96)
    background = "T" * 40
    once = background[:10] + "AAGTAC" + background[16:]  # M1 once
    one_hot = np.stack([_one_hot(background), _one_hot(once), _one_hot(once)[::-1, ::-1]])
    encoded = type("Encoded", (), {"enhancer": one_hot, "promoter": one_hot[::-1].copy()})
    profile = dataclasses.replace(PROFILES["full"], enhancer_length=40, promoter_length=40)
    x = head_forms.features(encoded, [gata, ccat], "model", profile)
    assert x.shape == (3, 8)  # (filter, its reverse complement) x 2 motifs, x 2 elements
    enhancer = x[:, :4]
    np.testing.assert_allclose(enhancer[:, 0], enhancer[:, 1])  # M1 and its complement
    assert enhancer[0, 0] == 0 and enhancer[1, 0] > 0
    np.testing.assert_allclose(enhancer[2], enhancer[1], rtol=1e-5)  # the other strand
    np.testing.assert_allclose(x[:, 4:], enhancer[::-1])  # the promoter's columns
    scan = head_forms.features(encoded, [gata, ccat], "scan", profile)
    assert scan.shape == (3, 4)  # the reader's: each motif once


def test_linear_form_is_one_layer_and_input_dropout_is_set_and_changes_the_fit():
    linear = head_forms.HeadForm(6, "linear", products=False, dropout=0.0)
    assert [type(layer).__name__ for layer in linear.layers] == ["Dropout", "Linear"]
    assert linear.layers[0].p == 0.0 and linear.layers[1].in_features == 6
    x, y, split = _made_evaluation()
    scaled = head_forms.StandardScaler().fit(x[split.train]).transform(x)
    assert head_forms.fit_network(scaled, y, split, "linear", 0) > y[split.test].mean() + 0.1
    kept = head_forms.fit_network(scaled, y, split, "identity", 0, EIGHT._replace(dropout=0.0))
    assert kept != head_forms.fit_network(scaled, y, split, "identity", 0, EIGHT)
    row = head_forms.evaluate(x, y, split, inits=1, regime=EIGHT._replace(dropout=0.0),
                              forms=("identity",))  # fmt: skip
    assert row["identity"] == kept


def test_an_input_dropout_outside_zero_to_one_is_refused(capsys):
    with pytest.raises(SystemExit):
        head_forms.main(["--input-dropout", "1.0", "--out", "unused"])
    assert "--input-dropout: 1.0 is not in [0, 1)" in capsys.readouterr().err


def test_reader_c_grid_is_used_and_a_bad_grid_is_refused(capsys):
    x, y, split = _made_evaluation()
    strong = head_forms.evaluate(x, y, split, inits=1, regime=ONE, forms=(), reader_c=(1e-6,))
    weak = head_forms.evaluate(x, y, split, inits=1, regime=ONE, forms=(), reader_c=(100.0,))
    chosen = head_forms.evaluate(x, y, split, inits=1, regime=ONE, forms=())
    assert strong["reader"] != weak["reader"]
    assert chosen["reader"] in {
        head_forms.evaluate(x, y, split, inits=1, regime=ONE, forms=(), reader_c=(c,))["reader"]
        for c in head_forms.learnability.READER_C
    }
    with pytest.raises(SystemExit):
        head_forms.main(["--reader-c", "0.1,x", "--out", "unused"])
    assert "--reader-c: '0.1,x' is not a list of numbers > 0" in capsys.readouterr().err


def test_weight_decay_changes_the_fit_and_a_negative_one_is_refused(capsys):
    x, y, split = _made_evaluation()
    scaled = head_forms.StandardScaler().fit(x[split.train]).transform(x)
    decayed = head_forms.fit_network(scaled, y, split, "linear", 0, EIGHT._replace(weight_decay=10))
    assert decayed != head_forms.fit_network(scaled, y, split, "linear", 0, EIGHT)
    with pytest.raises(SystemExit):
        head_forms.main(["--weight-decay", "-1", "--out", "unused"])
    assert "--weight-decay: -1.0 is below 0" in capsys.readouterr().err


def test_an_l2_penalty_shrinks_the_weights_and_a_negative_one_is_refused(capsys, monkeypatch):
    x, y, split = _made_evaluation()
    scaled = head_forms.StandardScaler().fit(x[split.train]).transform(x)
    made = []

    class Keep(head_forms.HeadForm):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            made.append(self)

    monkeypatch.setattr(head_forms, "HeadForm", Keep)
    for l2 in (0.0, 1.0):
        head_forms.fit_network(scaled, y, split, "linear", 0, head_forms.Regime(l2=l2))
    free, penalised = (form.layers[1].weight.norm().item() for form in made)
    assert penalised < 0.75 * free  # 0.23 against 0.36 when written
    with pytest.raises(SystemExit):
        head_forms.main(["--l2", "-0.5", "--out", "unused"])
    assert "--l2: -0.5 is below 0" in capsys.readouterr().err
