"""The simulator (kipoi_prism.simulation: pairs, environments, sequences, labels, outputs, run,
background; ``kipoi-prism simulate``).

Two worlds: a handwritten one (a few motifs, a random background, a small BEDPE with regions
reused across pairs and cell lines) that needs no shared data, and subsamples of the real
TargetFinder tables with the real JASPAR motifs and human sequence (skipped where
``../shared/data`` is absent).
"""

from __future__ import annotations

import filecmp
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from conftest import SHARED_DATA, random_sequence, write_fasta
from test_benchmark import benchmark_script

from kipoi_prism.cli.main import main
from kipoi_prism.config import SimulationConfig
from kipoi_prism.errors import PrismInputError
from kipoi_prism.io.encode import PairEncoder
from kipoi_prism.io.genome import Genome
from kipoi_prism.io.motifs import count_matches, find_motif, read_meme
from kipoi_prism.io.pairs import read_pairs
from kipoi_prism.io.sequence import encode_codes
from kipoi_prism.simulation.background import MarkovBackground, composition
from kipoi_prism.simulation.environments import irwin_hall_cdf
from kipoi_prism.simulation.labels import calibrate_offset, energy_logit
from kipoi_prism.simulation.pairs import subsample
from kipoi_prism.simulation.run import simulate

OUTPUTS = ("genome.fa", "genome.fa.fai", "pairs.bedpe", "truth.json", "sites.bed")

# ---------------------------------------------------------------------- handwritten world

TOY_MOTIFS = {
    "PROM1": "GGGGCGGGG",
    "PROM2": "CCAATCA",
    "FA1": "AGATAAG",
    "FA2": "CAGCTG",
    "FB1": "GAGGAAGT",
    "FB2": "TGACTCA",
}


def toy_meme(path: Path) -> Path:
    lines = ["MEME version 4", "", "ALPHABET= ACGT", ""]
    for number, (name, consensus) in enumerate(TOY_MOTIFS.items(), start=1):
        lines += [f"MOTIF TOY{number:04d}.1 {name}",
                  f"letter-probability matrix: alength= 4 w= {len(consensus)}"]  # fmt: skip
        for base in consensus:
            row = [0.9 if b == base else 0.1 / 3 for b in "ACGT"]
            lines.append(" ".join(f"{p:.6f}" for p in row))
        lines.append("")
    path.write_text("\n".join(lines) + "\n")
    return path


def toy_pairs(path: Path) -> Path:
    """Two cell lines over shared regions: every enhancer pairs with every promoter."""
    enhancers = [("chr1", 10_000 + 5_000 * i, 10_400 + 5_000 * i) for i in range(12)]
    promoters = [("chr1", 200_000 + 8_000 * i, 201_500 + 8_000 * i) for i in range(6)]
    rows = []
    for cell in ("CELLA", "CELLB"):
        for e in enhancers:
            for p in promoters:
                name = f"{cell}|{e[0]}:{e[1]}-{e[2]}|{p[0]}:{p[1]}-{p[2]}"
                label = int((e[1] // 5_000 + p[1] // 8_000) % 7 == 0)
                rows.append([*e, *p, name, ".", ".", ".", cell, label])
    pd.DataFrame(rows).to_csv(path, sep="\t", header=False, index=False)
    return path


def toy_config(**overrides) -> SimulationConfig:
    values = dict(
        shared_promoter_factors=("PROM1", "PROM2"),
        environments={"CELLA": ("FA1", "FA2"), "CELLB": ("FB1", "FB2")},
        enhancer_sites=8.0,
        promoter_sites=6.0,
        enhancer_motif_span=300,
        promoter_motif_span=300,
        markov_order=3,
    )
    values.update(overrides)
    return SimulationConfig(**values)


@pytest.fixture
def toy(tmp_path: Path) -> dict:
    background = write_fasta(
        tmp_path / "background.fa",
        {f"s{i}": random_sequence(500, 100 + i) for i in range(20)},
    )
    return {
        "pairs": toy_pairs(tmp_path / "toy.bedpe"),
        "motifs": toy_meme(tmp_path / "toy.meme"),
        "background": background,
        "tmp": tmp_path,
    }


def run_toy(toy: dict, name: str, **overrides):
    return simulate(
        toy["pairs"], toy["motifs"], toy["background"], toy["tmp"] / name,
        toy_config(**overrides), progress=False,
    )  # fmt: skip


def same_files(first: Path, second: Path) -> bool:
    return all(filecmp.cmp(first / f, second / f, shallow=False) for f in OUTPUTS)


def test_round_trip_through_the_user_path(toy) -> None:
    result = run_toy(toy, "out")
    frame = read_pairs(result.pairs)
    assert len(frame) == 2 * 12 * 6
    assert frame["name"].tolist() == result.table["name"].tolist()
    assert frame["label"].tolist() == result.table["label"].tolist()
    genome = Genome(result.fasta)
    assert genome.index_path == result.fai  # the written index is current
    encoder = PairEncoder(genome, 3000, 2000)
    assert encoder.validate(frame, result.pairs) == 0  # no window runs off a record
    encoded = encoder.encode(frame.iloc[:7])
    assert encoded.enhancer.shape == (7, 4, 3000) and encoded.promoter.shape == (7, 4, 2000)
    assert (encoded.enhancer.sum(axis=1) == 1).all() and (encoded.promoter.sum(axis=1) == 1).all()
    oracle = frame["oracle_probability"].astype(float).to_numpy()
    np.testing.assert_allclose(oracle, result.table["oracle_probability"], rtol=1e-9)
    original = frame[["original_enhancer_chrom", "original_enhancer_start"]].iloc[0].tolist()
    assert original == ["chr1", "10000"]


def test_one_sequence_per_region_shared_across_pairs_and_cell_lines(toy) -> None:
    result = run_toy(toy, "out")
    genome = Genome(result.fasta)
    assert len(genome.entries) == 12 + 6  # one record per distinct region
    frame = read_pairs(result.pairs)
    encoder = PairEncoder(genome)
    for element in ("enhancer", "promoter"):
        key = frame[f"original_{element}_start"]
        windows = pd.Series(encoder.fetch(frame, element))
        per_region = windows.groupby(key.to_numpy()).nunique()
        assert (per_region == 1).all()
        assert frame.groupby(key.to_numpy())["cell_line"].nunique().min() == 2


def test_same_seed_same_bytes_other_seed_other_bytes(toy) -> None:
    first = run_toy(toy, "a", seed=7)
    second = run_toy(toy, "b", seed=7)
    assert same_files(first.fasta.parent, second.fasta.parent)
    third = run_toy(toy, "c", seed=8)
    assert not filecmp.cmp(first.fasta, third.fasta, shallow=False)


def test_batches_do_not_change_the_result(toy) -> None:
    whole = run_toy(toy, "whole")
    pieces = run_toy(toy, "pieces", batch_bases=5_000)  # one region per batch
    for name in OUTPUTS[:3] + OUTPUTS[4:]:
        assert filecmp.cmp(whole.fasta.parent / name, pieces.fasta.parent / name, shallow=False)
    assert pieces.truth_data["config"].pop("batch_bases") == 5_000
    whole.truth_data["config"].pop("batch_bases")
    assert pieces.truth_data == whole.truth_data


def read_sites(path: Path) -> pd.DataFrame:
    table = pd.read_csv(path, sep="\t", dtype={"start": int, "end": int})
    return table.rename(columns={"#chrom": "chrom"})


def reverse_complement(text: str) -> str:
    return text[::-1].translate(str.maketrans("ACGT", "TGCA"))


def test_sites_bed_holds_every_planted_site_where_the_fasta_has_it(toy) -> None:
    sharp = toy["tmp"] / "sharp.meme"  # every position certain: each site is the consensus
    text = toy["motifs"].read_text().replace("0.900000", "1.000000")
    sharp.write_text(text.replace("0.033333", "0.000000"))
    result = run_toy({**toy, "motifs": sharp}, "sharp")
    sites = read_sites(result.sites)
    pd.testing.assert_frame_equal(sites, result.site_table, check_dtype=False)
    assert sites["score"].eq(0).all() and set(sites["strand"]) == {"+", "-"}
    genome = Genome(result.fasta)
    for site in sites.itertuples():
        held = genome.fetch(site.chrom, site.start, site.end).decode()
        on_strand = reverse_complement(held) if site.strand == "-" else held
        assert on_strand == site.sequence == TOY_MOTIFS[site.name]
    # sites of a record never overlap; per region and factor they add up to site_counts
    assert (sites["start"].to_numpy()[1:] >= sites["end"].to_numpy()[:-1])[
        sites["chrom"].to_numpy()[1:] == sites["chrom"].to_numpy()[:-1]
    ].all()
    region = pd.Index(result.regions["record"]).get_indexer(sites["chrom"])
    factor = pd.Index([m.id for m in result.vocabulary]).get_indexer(sites["motif_id"])
    counts = np.zeros_like(result.site_counts)
    np.add.at(counts, (region, factor), 1)
    np.testing.assert_array_equal(counts, result.site_counts)
    promoter = result.regions["promoter_use"].to_numpy()[region]
    assert (sites["role"] == np.where(promoter, "promoter", "enhancer")).all()


def test_sites_bed_sequence_is_the_sampled_instance_on_its_strand(toy) -> None:
    result = run_toy(toy, "out")  # 0.9 per consensus base: instances vary
    sites, genome = read_sites(result.sites), Genome(result.fasta)
    matches, total = 0, 0
    for site in sites.itertuples():
        held = genome.fetch(site.chrom, site.start, site.end).decode()
        assert (reverse_complement(held) if site.strand == "-" else held) == site.sequence
        consensus = TOY_MOTIFS[site.name]
        matches += sum(a == b for a, b in zip(site.sequence, consensus, strict=True))
        total += len(consensus)
    assert len(sites) > 50 and 0.85 < matches / total < 0.95


def test_lam_zero_gives_an_additive_truth(toy) -> None:
    additive = run_toy(toy, "additive", lam_star=0.0, t_star=1.7)
    table = additive.table
    np.testing.assert_allclose(
        table["logit_star"], (table["u_star"] - table["r_star"]) / 1.7, rtol=1e-13, atol=1e-13
    )
    synergy = run_toy(toy, "synergy", lam_star=0.4, t_star=1.7).table
    additive_form = (synergy["u_star"] - synergy["r_star"]) / 1.7
    assert np.abs(synergy["logit_star"] - additive_form).max() > 0.1
    u, r = synergy["u_star"], synergy["r_star"]
    np.testing.assert_allclose(synergy["logit_star"], (u - r + 0.4 * u * r) / 1.7, rtol=1e-13)


@pytest.mark.parametrize(
    ("u", "r", "lam", "t", "logit"),
    [
        (1.5, 0.8, 0.3, 2.0, 0.53),  # (1.5 - 0.8 + 0.3 * 1.5 * 0.8) / 2 = (0.7 + 0.36) / 2
        (-2.0, 1.2, -0.25, 0.5, -5.2),  # (-2 - 1.2 + 0.6) / 0.5
        (0.0, 2.5, 0.4, 1.0, -2.5),  # no sequence signal: -R* / T*
        (3.0, 0.0, 0.9, 1.5, 2.0),  # R* = 0: U* / T*, lam* has nothing to act on
    ],
)  # fmt: skip
def test_energy_logit_by_hand(u, r, lam, t, logit) -> None:
    assert energy_logit(u, r, lam, t) == pytest.approx(logit, rel=1e-12)
    both = energy_logit(np.array([u, u]), np.array([r, r]), lam, t)  # elementwise
    np.testing.assert_allclose(both, [logit, logit], rtol=1e-12)


def test_gating_makes_rankings_cell_specific(toy) -> None:
    def rank_agreement(result) -> float:
        table = result.table.assign(pair=result.table["name"].str.partition("|")[2])
        wide = table.pivot(index="pair", columns="cell_line", values="u_star")
        return wide.rank().corr(method="pearson").iloc[0, 1]

    ungated = run_toy(toy, "ungated", gating_strength=0.0, distance_weight=0)
    assert rank_agreement(ungated) == pytest.approx(1.0, abs=1e-12)
    gated = run_toy(toy, "gated", gating_strength=1.0, distance_weight=0)
    assert rank_agreement(gated) < 0.95
    # the truth of another environment ranks as well as the oracle only without gating
    for cell in ("CELLA", "CELLB"):
        oracle = ungated.oracle[cell]
        assert oracle["aupr_other_environments"] == pytest.approx(oracle["aupr"], abs=1e-12)
    assert any(
        gated.oracle[c]["aupr_other_environments"] < gated.oracle[c]["aupr"] - 0.02
        for c in ("CELLA", "CELLB")
    )


def test_truth_json_reports_the_mechanism(toy) -> None:
    result = run_toy(toy, "out", lam_star=-0.2, r_star={"CELLA": 0.5})
    truth = result.truth_data
    assert truth["mechanism"]["lam_star"] == -0.2
    assert truth["cell_lines"]["CELLA"]["r_star"] == 0.5
    assert truth["cell_lines"]["CELLA"]["factors"] == ["FA1", "FA2"]
    assert truth["cell_lines"]["CELLB"]["factor_motif_ids"] == ["TOY0005.1", "TOY0006.1"]
    assert len(truth["compatibility_matrix"]) == len(TOY_MOTIFS)
    assert set(truth["oracle"]) == {"CELLA", "CELLB", "pooled"}
    assert truth["inputs"]["motifs"]["file"] == "toy.meme"
    assert truth["regions"] == {"total": 18, "promoter_role": 6, "enhancer_only": 12,
                                "bases": 12 * 3000 + 6 * 2000}  # fmt: skip


def test_unknown_cell_line_and_missing_motif_are_named(toy) -> None:
    with pytest.raises(PrismInputError, match="'CELLB' has no TF environment.*--environment"):
        run_toy(toy, "out", environments={"CELLA": ("FA1",)})
    with pytest.raises(PrismInputError, match="motif 'GATA9' is not among the 6 motifs"):
        run_toy(toy, "out", environments={"CELLA": ("FA1",), "CELLB": ("GATA9",)})
    with pytest.raises(PrismInputError, match="not in the pair tables"):
        run_toy(toy, "out", cell_lines=("CELLC",))


def test_inter_chromosomal_pairs_are_rejected(toy) -> None:
    text = toy["pairs"].read_text().splitlines()
    fields = text[3].split("\t")
    fields[3] = "chr2"
    text[3] = "\t".join(fields)
    toy["pairs"].write_text("\n".join(text) + "\n")
    with pytest.raises(PrismInputError, match="inter-chromosomal") as caught:
        run_toy(toy, "out")
    assert caught.value.line == 4


def test_duplicate_pairs_across_tables_are_rejected(toy) -> None:
    with pytest.raises(PrismInputError, match="duplicate pair name"):
        simulate([toy["pairs"], toy["pairs"]], toy["motifs"], toy["background"],
                 toy["tmp"] / "out", toy_config(), progress=False)  # fmt: skip


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("t_star", 0.0), ("gating_strength", 1.5), ("label_noise", 1.0), ("markov_order", 2),
        ("r_star_range", (2.0, 1.0)), ("enhancer_motif_span", 4000), ("prevalence", 1.0),
        ("max_pairs_per_cell_line", 0), ("seed", -1), ("compatibility_density", 0.0),
    ],
)  # fmt: skip
def test_config_validation_names_the_field(field, value) -> None:
    with pytest.raises(ValueError, match=f"^{field}: expected"):
        SimulationConfig(**{field: value})


def test_lam_star_must_keep_the_energy_direction(toy) -> None:
    with pytest.raises(ValueError, match="lam_star: expected 1 \\+ lam\\* R\\*_c > 0"):
        run_toy(toy, "out", lam_star=-1.0, r_star={"CELLA": 1.5})


def test_calibrated_offset_hits_the_target() -> None:
    u = np.random.default_rng(3).normal(size=5000)
    for lam in (-0.3, 0.0, 0.5):
        b = calibrate_offset(u, 1.2, 0.05, lam, 0.8)
        mean = (1 / (1 + np.exp(-energy_logit(u + b, 1.2, lam, 0.8)))).mean()
        assert mean == pytest.approx(0.05, abs=1e-12)


def test_irwin_hall_cdf_and_r_star_range(toy) -> None:
    assert irwin_hall_cdf(0.3, 1) == pytest.approx(0.3)
    assert irwin_hall_cdf(1.0, 2) == pytest.approx(0.5)
    assert irwin_hall_cdf(0.5, 2) == pytest.approx(0.125)  # x^2 / 2
    assert irwin_hall_cdf(-1.0, 3) == 0.0 and irwin_hall_cdf(3.5, 3) == 1.0
    sums = np.random.default_rng(0).random((200_000, 4)).sum(axis=1)
    assert irwin_hall_cdf(1.5, 4) == pytest.approx((sums <= 1.5).mean(), abs=0.005)
    result = run_toy(toy, "out", r_star_range=(0.2, 0.9))
    r_star = [result.truth_data["cell_lines"][c]["r_star"] for c in ("CELLA", "CELLB")]
    assert all(0.2 <= r <= 0.9 for r in r_star) and r_star[0] != r_star[1]


def test_subsample_is_stratified_and_order_free() -> None:
    rng = np.random.default_rng(0)
    labels = (rng.random(2000) < 0.05).astype(np.int8)
    pairs = pd.DataFrame({
        "name": [f"p{i}" for i in range(2000)],
        "cell_line": np.where(np.arange(2000) < 1200, "A", "B"),
        "label": labels,
    })  # fmt: skip
    kept = subsample(pairs, 300, seed=4)
    assert kept.groupby("cell_line").size().tolist() == [300, 300]
    for cell, rows in pairs.groupby("cell_line"):
        expected = round(300 * rows["label"].mean())
        assert abs(kept.loc[kept["cell_line"] == cell, "label"].sum() - expected) <= 1
    shuffled = subsample(pairs.sample(frac=1, random_state=1).reset_index(drop=True), 300, 4)
    assert set(shuffled["name"]) == set(kept["name"])
    # Nested: a larger draw holds a smaller one's pairs (a search on more regions of the same
    # simulation, benchmarks/sequence_learnability.py --discover-from-pairs, relies on it).
    for larger in (600, 1000):
        assert set(kept["name"]) <= set(subsample(pairs, larger, seed=4)["name"])


def test_cli_writes_outputs_and_reports_bad_input(toy, capsys) -> None:
    out = toy["tmp"] / "cli"
    common = ["simulate", "--pairs", str(toy["pairs"]), "--motifs", str(toy["motifs"]),
              "--background", str(toy["background"]), "--out", str(out),
              "--shared-promoter-factors", "PROM1,PROM2", "--environment", "CELLA=FA1,FA2",
              "--markov-order", "3", "--no-progress"]  # fmt: skip
    assert main(common + ["--environment", "CELLB=FB1,FB2", "--lam-star", "0"]) == 0
    assert all((out / f).is_file() for f in OUTPUTS)
    assert main(common + ["--lam-star", "0"]) == 2  # CELLB has no environment
    assert "'CELLB' has no TF environment" in capsys.readouterr().err
    assert main(common + ["--environment", "CELLB=FB1", "--t-star", "-1"]) == 2
    assert "--t-star: expected a positive temperature" in capsys.readouterr().err


# ---------------------------------------------------------------------- background


def test_markov_fit_and_sampling() -> None:
    model = MarkovBackground.fit([b"ACGT" * 200, "acgtnACGT"], order=3, pseudocount=1e-9)
    assert model.order == 3 and model.transitions.shape == (64, 4)
    np.testing.assert_allclose(model.transitions.sum(axis=1), 1.0)
    uniforms = np.random.default_rng(1).random((3, 50))
    codes = model.sample(uniforms)
    assert codes.shape == (3, 50) and codes.dtype == np.uint8
    for row in codes:  # the only learnt cycles: ACGT and its reverse complement ACGT
        text = "".join("ACGT"[c] for c in row)
        assert text[4:] in ("ACGT" * 13)
    # a row's sequence depends on its own uniforms only
    np.testing.assert_array_equal(model.sample(uniforms[1:2]), codes[1:2])
    with pytest.raises(ValueError, match="order: expected an integer from 1"):
        MarkovBackground.fit(["ACGT"], order=0)
    with pytest.raises(ValueError, match="sequences: no window"):
        MarkovBackground.fit(["NNNN"], order=3)


def test_cpg_boost_raises_cpg() -> None:
    model = MarkovBackground.fit([random_sequence(20_000, 5)], order=3)
    uniforms = np.random.default_rng(2).random((20, 2000))
    plain = composition(model.sample(uniforms))
    boosted = composition(model.boosted(cpg=3.0, gc=1.3).sample(uniforms))
    assert boosted["cpg_oe"] > 1.5 * plain["cpg_oe"] and boosted["gc"] > plain["gc"] + 0.05
    with pytest.raises(ValueError, match="cpg: expected a positive factor"):
        model.boosted(cpg=0)


# ---------------------------------------------------------------------- real data


@pytest.fixture(scope="module")
def real(tmp_path_factory) -> dict:
    """K562 and GM12878 TargetFinder pairs (600 per cell line), real motifs and background."""
    if not SHARED_DATA.is_dir():
        pytest.skip(f"shared data not found at {SHARED_DATA}")
    paths = {
        "pairs": [SHARED_DATA / "targetfinder" / "pairs" / f"{c}.pairs.csv"
                  for c in ("K562", "GM12878")],
        "motifs": SHARED_DATA / "motifs" / "jaspar2024_core_vertebrates.meme",
        "background": SHARED_DATA / "human-sequence" / "human_200bp_regions.fa",
    }  # fmt: skip
    out = tmp_path_factory.mktemp("real")
    config = SimulationConfig(max_pairs_per_cell_line=600, seed=11)
    result = simulate(paths["pairs"], paths["motifs"], paths["background"], out, config, False)
    return {**paths, "result": result}


def test_real_oracle_beats_chance_by_a_wide_margin(real) -> None:
    for cell in ("K562", "GM12878"):
        oracle = real["result"].oracle[cell]
        assert oracle["auroc"] > 0.85
        assert oracle["aupr"] > 5 * oracle["prevalence"]


def test_real_prevalence_matches_the_table(real) -> None:
    table = real["result"].table
    for cell, rows in table.groupby("cell_line"):
        target = rows["target_prevalence"].iloc[0]
        truth = pd.read_csv(real["pairs"][0 if cell == "K562" else 1])
        assert target == pytest.approx(truth["label"].mean(), abs=1e-12)
        # calibration is exact in expectation, sampling within 4 binomial SDs
        assert rows["oracle_probability"].mean() == pytest.approx(target, abs=1e-9)
        sd = np.sqrt(target * (1 - target) / len(rows))
        assert abs(rows["label"].mean() - target) < 4 * sd


def test_real_cell_type_motifs_enriched_in_their_enhancers(real) -> None:
    motifs = read_meme(real["motifs"])
    frame = read_pairs(real["result"].pairs)
    encoder = PairEncoder(Genome(real["result"].fasta), 1000, 1000)  # the motif span
    rate = {}
    for cell, rows in frame.groupby("cell_line"):
        enhancers = rows.drop_duplicates("enhancer_chrom")
        codes = np.stack([encode_codes(s) for s in encoder.fetch(enhancers, "enhancer")])
        for factor in ("GATA1", "TAL1::TCF3", "IRF4", "EBF1"):
            rate[cell, factor] = count_matches(codes, find_motif(motifs, factor), 0.95).mean()
    for factor in ("GATA1", "TAL1::TCF3"):
        assert rate["K562", factor] > 2 * rate["GM12878", factor]
    for factor in ("IRF4", "EBF1"):
        assert rate["GM12878", factor] > 2 * rate["K562", factor]


def test_real_promoters_are_cpg_richer(real) -> None:
    frame = read_pairs(real["result"].pairs)
    encoder = PairEncoder(Genome(real["result"].fasta), 2000, 2000)
    unique = {e: frame.drop_duplicates(f"{e}_chrom").iloc[:300] for e in ("enhancer", "promoter")}
    measured = {
        e: composition(np.stack([encode_codes(s) for s in encoder.fetch(rows, e)]))
        for e, rows in unique.items()
    }
    assert measured["promoter"]["cpg_oe"] > 1.5 * measured["enhancer"]["cpg_oe"]
    assert measured["promoter"]["gc"] > measured["enhancer"]["gc"] + 0.03
    # enhancers keep the human background: GC near the sample's
    sample = MarkovBackground.from_fasta(real["background"], 4)
    human = composition(sample.sample(np.random.default_rng(0).random((50, 2000))))
    assert measured["enhancer"]["gc"] == pytest.approx(human["gc"], abs=0.03)


def test_real_region_sequence_does_not_depend_on_the_subsample(real, tmp_path) -> None:
    config = SimulationConfig(max_pairs_per_cell_line=150, seed=11, cell_lines=("K562",))
    small = simulate(real["pairs"][0], real["motifs"], real["background"], tmp_path, config,
                     progress=False)  # fmt: skip
    config = SimulationConfig(max_pairs_per_cell_line=600, seed=11, cell_lines=("K562",))
    large = simulate(real["pairs"][0], real["motifs"], real["background"], tmp_path / "l",
                     config, progress=False)  # fmt: skip
    shared = sorted(set(small.regions["record"]) & set(large.regions["record"]))
    assert len(shared) > 100
    small_genome, large_genome = Genome(small.fasta), Genome(large.fasta)
    for record in shared[:50]:
        length = small_genome.entries[record].length
        assert small_genome.fetch(record, 0, length) == large_genome.fetch(record, 0, length)


def test_grammar_diagonal_recomputes_the_labels_motif_term(toy, capsys) -> None:
    """benchmarks/grammar_diagonal.py rebuilds each pair's motif term from sites.bed and
    truth.json exactly as the labels used it (checked against u_star, and a shifted term
    fails the check), and W's diagonal and off-diagonal parts add up to it."""
    import json

    grammar = benchmark_script("grammar_diagonal")
    run_toy(toy, "sim")
    folder = toy["tmp"] / "sim"
    truth = json.loads((folder / "truth.json").read_text())
    weights = np.array(truth["compatibility_matrix"])
    pairs, x_e, x_p = grammar.pair_features(folder, truth)
    assert x_e.shape == (len(pairs), len(truth["vocabulary"])) and x_e.sum() > 0
    m = grammar.motif_term(pairs, x_e, x_p, truth, weights)
    assert grammar.check_against_labels(pairs, m, truth) < 1e-6
    assert grammar.check_against_labels(pairs, m + 0.1 * np.std(m), truth) > 1e-3
    diagonal = grammar.motif_term(pairs, x_e, x_p, truth, np.diag(np.diag(weights)))
    off_diagonal = grammar.motif_term(pairs, x_e, x_p, truth, weights - np.diag(np.diag(weights)))
    np.testing.assert_allclose(diagonal + off_diagonal, m, atol=1e-9)
    assert grammar.main([str(folder)]) == 0
    row = capsys.readouterr().out.strip().splitlines()[-1]
    assert row.startswith(f"| sim | {truth['config']['seed']} | {len(pairs)} |")
