"""Attributions and variant effects against the simulator's planted sites
(kipoi_prism.benchmark.attribution_truth), at small size.

The world: six handwritten motifs (each base 90% its consensus), three cell lines on 16
enhancers x 6 promoters each (288 pairs, windows 400 + 300 bp, about 3 sites per element);
cell line CELLC is held out, CELLA and CELLB train (validation: enhancers on chr1). The model
is the recommended configuration (count encoder) with the first layer frozen at the six
motifs, trained for a few epochs; the control is the same network with a random first layer
and no training.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from conftest import random_sequence, write_fasta
from test_simulate import TOY_MOTIFS, toy_meme

from kipoi_prism.benchmark.attribution_truth import (
    TruthCheckConfig,
    attribution_enrichment,
    check_model,
    effect_summary,
    knockout_variants,
    model_configs,
    simulate_world,
    site_index,
    site_mask,
    train_model,
    untrained_model,
)
from kipoi_prism.io.attribution_tracks import ElementAttribution, PairAttribution
from kipoi_prism.io.genome import Genome

COMPLEMENT = str.maketrans("ACGT", "TGCA")
TOY = TruthCheckConfig(
    cell_lines=("CELLA", "CELLB", "CELLC"),
    held_out="CELLC",
    pairs_per_cell_line=1000,
    enhancer_length=400,
    promoter_length=300,
    val_chromosomes=("chr1",),
    max_epochs=4,
    patience=4,
    explain_pairs=8,
    top_k=(10,),
    ig_steps=16,
    controls=(),
    threads=0,  # leave torch as the suite has it
    device="cpu",
    simulation=dict(
        shared_promoter_factors=("PROM1", "PROM2"),
        environments={"CELLA": ("FA1", "FA2"), "CELLB": ("FB1", "FB2"), "CELLC": ("FA1", "FB2")},
        enhancer_sites=3.0,
        promoter_sites=3.0,
        markov_order=3,
        signal_scale=4.0,
    ),  # fmt: skip
)


def toy_world_inputs(folder: Path) -> tuple[list[Path], Path, Path]:
    """The pair table, MEME file and background FASTA of the toy world."""
    enhancers = [(f"chr{1 + i % 4}", 10_000 + 5_000 * i, 10_400 + 5_000 * i) for i in range(16)]
    rows = []
    for cell in ("CELLA", "CELLB", "CELLC"):
        for e in enhancers:
            promoters = [(e[0], 300_000 + 8_000 * j, 301_500 + 8_000 * j) for j in range(6)]
            for p in promoters:
                label = int((e[1] // 5_000 + p[1] // 8_000) % 5 == 0)
                rows.append([*e, *p, f"{cell}|{e[0]}:{e[1]}|{p[1]}", ".", ".", ".", cell, label])
    pd.DataFrame(rows).to_csv(folder / "toy.bedpe", sep="\t", header=False, index=False)
    background = {f"s{i}": random_sequence(500, 100 + i) for i in range(20)}
    motifs = toy_meme(folder / "toy.meme")  # test_simulate's six motifs
    return [folder / "toy.bedpe"], motifs, write_fasta(folder / "bg.fa", background)


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    folder = tmp_path_factory.mktemp("truth")
    tables, motifs, background = toy_world_inputs(folder)
    return folder, simulate_world(tables, motifs, background, folder / "simulation", TOY)


def test_site_mask_marks_the_sites_of_a_window() -> None:
    sites = pd.DataFrame({"chrom": ["r1", "r1", "r2"], "start": [5, 18, 0], "end": [9, 25, 4]})
    mask = site_mask(site_index(sites), "r1", 3, 20)  # window [3, 23): one site cut at its end
    np.testing.assert_array_equal(np.flatnonzero(mask), [2, 3, 4, 5, 15, 16, 17, 18, 19])
    assert not site_mask(site_index(sites), "r3", 0, 10).any()


def test_enrichment_by_hand() -> None:
    scores = np.zeros(20, np.float32)
    scores[[2, 3, 10]] = [5.0, -4.0, 3.0]  # two of the top three inside the site (2-5)
    one_hot = np.zeros((4, 20), np.float32)
    elements = {e: ElementAttribution(e, "r1", 3, one_hot, {"ism": scores}) for e in
                ("enhancer", "promoter")}  # fmt: skip
    pair = PairAttribution("p", "c", 1, 0.0, elements)
    sites = pd.DataFrame({"chrom": ["r1"], "start": [5], "end": [9]})
    table = attribution_enrichment([pair], site_index(sites), (3,)).set_index("element")
    assert table.loc["both", "top_bases"] == 6 and table.loc["both", "top_in_sites"] == 4
    assert table.loc["enhancer", "base_rate"] == pytest.approx(4 / 20)
    assert table.loc["enhancer", "enrichment"] == pytest.approx((2 / 3) / (4 / 20))


def test_knockouts_hit_the_most_informative_base_and_background_avoids_sites(world) -> None:
    folder, w = world
    sample = w.test.iloc[:6]
    genome = Genome(w.fasta)
    variants, kinds = knockout_variants(sample, w.sites, w.vocabulary, genome,
                                        {"enhancer": 400, "promoter": 300}, 0)  # fmt: skip
    sites = w.sites.set_index("chrom")
    kind = kinds["kind"]
    assert set(kind) == {"site", "background"} and kinds.index.tolist() == [v.id for v in variants]
    assert abs((kind == "site").sum() - (kind == "background").sum()) <= 2
    for variant in variants:
        assert genome.fetch(variant.chrom, variant.pos, variant.pos + 1).decode() == variant.ref
        assert variant.alt != variant.ref
        here = sites.loc[[variant.chrom]]
        inside = here[(here["start"] <= variant.pos) & (variant.pos < here["end"])]
        assert len(inside) == (1 if kind[variant.id] == "site" else 0)
        if kind[variant.id] == "site":  # every column equally informative: the first is hit
            site = inside.iloc[0]
            assert kinds.loc[variant.id, "motif_id"] == site["motif_id"]
            first = site["start"] if site["strand"] == "+" else site["end"] - 1
            assert variant.pos == first
            alt = variant.alt if site["strand"] == "+" else variant.alt.translate(COMPLEMENT)
            assert alt != TOY_MOTIFS[site["name"]][0]  # never the consensus base


def test_models_are_the_recommended_configuration_with_a_frozen_or_random_stem(world) -> None:
    folder, w = world
    model, train = model_configs(TOY, w, "frozen")
    assert model.encoder == "counts" and model.bilinear_rank == 16 and not train.curriculum
    assert train.freeze_stem and train.stem_motif_ids == [m.id for m in w.vocabulary]
    assert model.channels >= 2 * len(w.vocabulary) and model.enhancer_length == 400
    random_model, random_train = model_configs(TOY, w, "random")
    assert random_model == model and not random_train.stem_motifs and not random_train.freeze_stem


def test_effect_summary_orders_site_above_background() -> None:
    effects = pd.DataFrame({"id": ["s1", "s2", "b1", "b2"], "delta_logit": [-2.0, 1.5, 0.1, -0.2]})
    kinds = pd.DataFrame(
        {"kind": ["site", "site", "background", "background"]}, index=["s1", "s2", "b1", "b2"]
    )
    summary = effect_summary(effects, kinds)
    assert summary["auroc"] == 1.0 and summary["site"]["median"] == pytest.approx(1.75)
    assert summary["background"]["rows"] == 2 and summary["mannwhitney_p"] < 0.2


SPEC_HEAD = dataclasses.replace(TOY, model={"element_read": False})  # U_I = g_I(z_I)


@pytest.fixture(scope="module")
def spec_head_check(world) -> dict:
    """The truth check of the recommended configuration without the element read."""
    folder, w = world
    return check_model(train_model(SPEC_HEAD, w, folder / "trained", "frozen"), w, SPEC_HEAD)


def test_trained_motif_stem_model_puts_attributions_and_effects_on_planted_sites(
    world, spec_head_check
) -> None:
    """The recommended configuration without the element read (``U_I = g_I(z_I)``): the
    attribution machinery against the planted truth, with a model that reads sites only."""
    folder, w = world
    trained = spec_head_check
    control = check_model(untrained_model(TOY, w, folder / "random.pt", "random"), w, TOY)
    for method in ("ism", "ig"):
        row = trained["enrichment"].set_index(["method", "element"]).loc[(method, "both")]
        floor = control["enrichment"].set_index(["method", "element"]).loc[(method, "both")]
        assert row["enrichment"] > 4.0, (method, row.to_dict())
        assert floor["enrichment"] < 2.0, (method, floor.to_dict())
    variants = trained["variants"]  # a site knock-out moves the logit, a background SNV hardly
    assert variants["site"]["mean"] > 10 * variants["background"]["mean"]
    assert variants["auroc"] > 0.7 and variants["mannwhitney_p"] < 1e-3
    assert control["variants"]["auroc"] < 0.6  # the motif-blind control: no difference
    effects = trained["effects"]  # every site knock-out has its true effect, background none
    site = (effects["kind"] == "site").to_numpy()
    assert np.isfinite(effects["true_delta_logit"][site]).all()
    assert effects["true_delta_logit"][~site].isna().all()
    assert 0 <= variants["no_true_effect"] < 1


def test_the_element_read_keeps_attributions_and_effects_on_sites_at_toy_size(world):
    """The recommended configuration as shipped (``model.element_read``) at toy size:
    attributions stay on the planted sites and a site knock-out moves the logit more than a
    background SNV. At this size (a few hundred pairs, one validation chromosome) the read is
    noisier than ``g_I``; at full size it is as sharp (docs/EXPLAIN.md, "With the element
    read")."""
    folder, w = world
    read = check_model(train_model(TOY, w, folder / "read", "frozen"), w, TOY)
    for method in ("ism", "ig"):
        row = read["enrichment"].set_index(["method", "element"]).loc[(method, "both")]
        assert row["enrichment"] > 3.0, (method, row.to_dict())
    variants = read["variants"]
    assert variants["site"]["mean"] > 1.5 * variants["background"]["mean"]


def test_explain_doc_states_the_committed_element_read_check():
    """docs/EXPLAIN.md's element-read row is the committed full-size run's (nothing typed)."""
    import json

    docs = Path(__file__).resolve().parents[1] / "docs"
    run = json.loads((docs / "benchmark-runs/attribution-truth-read/results.json").read_text())
    trained = run["models"]["trained"]
    table = pd.DataFrame(trained["enrichment"])
    both = table[table["element"] == "both"].set_index(["method", "k"])
    enrichment = {key: f"{value:.1f}" for key, value in both["enrichment"].items()}
    precision = {key: f"{value:.2f}" for key, value in both["precision_at_k"].items()}
    site, background = trained["variants"]["site"], trained["variants"]["background"]
    p = f"{trained['variants']['mannwhitney_p']:.0e}"
    row = (f"| trained, frozen motif stem, element read | {enrichment[('ism', 10)]} / "
           f"{enrichment[('ism', 50)]} | {enrichment[('ig', 10)]} / {enrichment[('ig', 50)]} | "
           f"{precision[('ism', 10)]} / {precision[('ig', 10)]} | {site['median']:.3f} "
           f"({site['mean']:.3f}) | {background['median']:.0f} ({background['mean']:.3f}) | "
           f"{trained['variants']['auroc']:.3f} (p {p}) | "
           f"{trained['variants']['spearman_true']:.2f} |")  # fmt: skip
    assert row in (docs / "EXPLAIN.md").read_text(), row
