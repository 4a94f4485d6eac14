"""``benchmarks/sequence_learnability.py``: its k-mer reader, options and row names, and the
docs tables built from its runs (the site counts it reads: tests/test_site_counts.py)."""

from __future__ import annotations

import argparse
import importlib.util
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from benchmark_docs import (
    DOCS,
    INITIALISATIONS,
    flat_text,
    head_forms,
    mean_se,
    reader_aupr,
    reader_scores,
    recommended_fits,
    task_only_aupr,
    task_only_aupr_of,
    three_fits,
)

from kipoi_prism.io.sequence import one_hot_encode

SCRIPT = Path(__file__).resolve().parent.parent / "benchmarks" / "sequence_learnability.py"
spec = importlib.util.spec_from_file_location("sequence_learnability", SCRIPT)
learnability = importlib.util.module_from_spec(spec)
spec.loader.exec_module(learnability)


def _windows(*sequences: str) -> np.ndarray:
    return np.stack([one_hot_encode(s) for s in sequences]).astype(np.float32)


def test_kmer_counts_count_every_kmer_and_skip_n():
    counts = np.expm1(learnability.kmer_counts(_windows("ACGTA", "ACNTA"), k=2))
    index = {"AC": 1, "CG": 6, "GT": 11, "TA": 12}
    expected = np.zeros((2, 16))
    expected[0, list(index.values())] = 1
    expected[1, [index["AC"], index["TA"]]] = 1  # CN and NT are skipped
    np.testing.assert_allclose(counts, expected, atol=1e-9)


def test_background_orders_parse_uniform_and_orders():
    assert learnability.background_orders("uniform,0,4") == (None, 0, 4)
    with pytest.raises(argparse.ArgumentTypeError, match="order 0-6"):
        learnability.background_orders("7")
    assert learnability.occupancy_name("known", 1e-4, None) == "known at 0.0001"
    assert learnability.occupancy_name("known", 1e-4, 2) == "known at 0.0001, order-2 background"


@pytest.mark.parametrize("text", ["0.75,x", "0.75,1.2", "0"])
def test_scan_thresholds_are_fractions(text):
    with pytest.raises(SystemExit):
        learnability.main(["--data-dir", ".", "--scan-thresholds", text])


def test_scan_rows_keep_their_names_at_the_default_threshold():
    assert learnability.scan_name("known-motif scan", (0.75,), 0.75) == "known-motif scan"
    assert learnability.scan_name("known-motif scan", (0.6, 0.75), 0.6) == "known-motif scan at 0.6"


def test_readers_read_the_distance_unless_told_not_to():
    table = pd.DataFrame({"distance": [9, 99999]})
    np.testing.assert_allclose(learnability.distance_input(table, True), [[1.0], [5.0]])
    features = learnability.with_products(np.ones((2, 2)), np.ones((2, 3)),
                                          learnability.distance_input(table, False))  # fmt: skip
    assert features.shape == (2, 2 + 3 + 6)


def test_benchmark_doc_strand_table_is_the_committed_runs():
    """docs/BENCHMARK.md's round-17 table (one strand, both strands, the reader with and
    without the distance) is what the committed runs measured, not typed."""
    runs = DOCS / "benchmark-runs"
    one = pd.read_csv(runs / "sequence-counts" / "frozen-seed0" / "results.csv")
    both = pd.read_csv(runs / "sequence-strands" / "frozen-both-seed0" / "results.csv")
    one, both = (f[f["row"] == "task_only"].set_index("held_out") for f in (one, both))
    text = (DOCS / "BENCHMARK.md").read_text()
    for cell in ("GM12878", "HUVEC", "HeLa-S3", "IMR90", "K562", "NHEK"):
        row = both.loc[cell]
        readers = f"{reader_aupr(cell):.3f} | {reader_aupr(cell, '-without-distance'):.3f}"
        line = (f"| {cell} | {one.loc[cell, 'aupr']:.3f} | **{row['aupr']:.3f}** "
                f"[{row['aupr_ci_low']:.3f}-{row['aupr_ci_high']:.3f}] | {readers} |")  # fmt: skip
        assert line in text, line


def test_benchmark_doc_random_stem_strand_table_is_the_committed_runs():
    """Each committed four-times random-stem fit with both strands (round 17, H20-H23) has
    its row in docs/BENCHMARK.md, as measured: AUPR and interval, distance alone, the best
    validation epoch, and round 11's ten-times one-strand fit of the same cell line."""
    runs = DOCS / "benchmark-runs"
    folders = sorted((runs / "sequence-strands").glob("random-both-augment-4x-*"))
    assert {f.name.rsplit("-4x-", 1)[1] for f in folders} >= {"K562", "GM12878", "HUVEC"}
    text = (DOCS / "BENCHMARK.md").read_text()
    for folder in folders:
        cell = folder.name.rsplit("-4x-", 1)[1]
        results = pd.read_csv(folder / "results.csv").set_index("row")
        history = pd.read_csv(folder / "training_history.csv")
        best = history.loc[history["val_aupr"].idxmax()]
        ten = pd.read_csv(runs / "sequence-counts" / f"random-augment-10x-{cell}" / "results.csv")
        model = results.loc["task_only"]
        line = (f"| {cell} | **{model['aupr']:.3f}** [{model['aupr_ci_low']:.3f}-"
                f"{model['aupr_ci_high']:.3f}] | {results.loc['distance', 'aupr']:.3f} | "
                f"{best['val_aupr']:.3f} ({int(best['epoch'])}) | "
                f"{ten.set_index('row').loc['task_only', 'aupr']:.3f} |")  # fmt: skip
        assert line in text, line


def test_benchmark_doc_frozen_stem_seeds_table_is_the_committed_runs():
    """docs/BENCHMARK.md's round-18 table (H24: the frozen-stem model with both strands at
    seeds 1 and 2, each against the known-motif scan reader on the same simulation) and its
    paired summary are what the committed runs measured."""
    runs = DOCS / "benchmark-runs" / "sequence-strands"
    folders = sorted(runs.glob("frozen-both-seed[12]"))
    assert [f.name for f in folders] == ["frozen-both-seed1", "frozen-both-seed2"]
    text = (DOCS / "BENCHMARK.md").read_text()
    differences = []
    for folder in folders:
        seed = int(folder.name[-1])
        results = pd.read_csv(folder / "results.csv")
        distance = results[results["row"] == "distance"].set_index("held_out")["aupr"]
        model = results[results["row"] == "task_only"]
        assert len(model) == 6
        for _, row in model.iterrows():
            cell = row["held_out"]
            reader = reader_aupr(cell, seed=seed)
            differences.append(row["aupr"] - reader)
            line = (f"| {cell} | {seed} | **{row['aupr']:.3f}** [{row['aupr_ci_low']:.3f}-"
                    f"{row['aupr_ci_high']:.3f}] | {reader:.3f} | {row['aupr'] - reader:+.3f} | "
                    f"{distance[cell]:.3f} |")  # fmt: skip
            assert line in text, line
    assert f"model minus reader {mean_se(differences)}" in text


def test_benchmark_doc_strand_gain_at_seed1_is_the_committed_runs():
    """H25's table: one strand against both strands, frozen motif stem, seed 1, paired."""
    one = task_only_aupr("sequence-strands/frozen-one-seed1")
    both = task_only_aupr("sequence-strands/frozen-both-seed1")
    assert sorted(one.index) == sorted(both.index)
    text = (DOCS / "BENCHMARK.md").read_text()
    for cell in one.index:
        gain = both[cell] - one[cell]
        line = f"| {cell} | {one[cell]:.3f} | **{both[cell]:.3f}** | {gain:+.3f} |"
        assert line in text, line
    assert f"both minus one strand at seed 1: {mean_se(both - one[both.index])}" in text


def test_benchmark_doc_weight_decay_check_is_the_committed_runs():
    """H26: the paired change from ten times the weight decay, as docs/BENCHMARK.md states it."""
    base = task_only_aupr("sequence-strands/frozen-both-seed1")
    strong = task_only_aupr("sequence-strands/frozen-both-wd01-seed1")
    assert sorted(strong.index) == ["HUVEC", "K562", "NHEK"]
    text = (DOCS / "BENCHMARK.md").read_text()
    assert (
        f"weight decay 0.01 minus 0.001 at seed\n1: {mean_se(strong - base[strong.index])}" in text
    )


def test_benchmark_doc_product_inputs_table_is_the_committed_runs():
    """docs/BENCHMARK.md's round-19 table (H28-H29: the frozen-stem model without product
    inputs in z_I, against round 18's model with them and against each seed's reader) and
    its paired summaries are what the committed runs measured."""
    runs = DOCS / "benchmark-runs"
    text = (DOCS / "BENCHMARK.md").read_text()
    against_products, against_reader = [], []
    for seed in (1, 2):
        products = task_only_aupr(f"sequence-strands/frozen-both-seed{seed}")
        folders = sorted((runs / "sequence-transfer").glob(f"frozen-both-additive-seed{seed}*"))
        assert folders, seed
        for folder in folders:
            results = pd.read_csv(folder / "results.csv")
            for _, row in results[results["row"] == "task_only"].iterrows():
                cell, aupr = row["held_out"], row["aupr"]
                reader = reader_aupr(cell, seed=seed)
                change = aupr - products[cell]
                against_products.append(change)
                against_reader.append(aupr - reader)
                line = (f"| {cell} | {seed} | {products[cell]:.3f} | **{aupr:.3f}** "
                        f"[{row['aupr_ci_low']:.3f}-{row['aupr_ci_high']:.3f}] | "
                        f"{change:+.3f} | {reader:.3f} | {aupr - reader:+.3f} |")  # fmt: skip
                assert line in text, line
    reached = sum(d >= 0 for d in against_reader)
    assert f"without minus with products {mean_se(against_products)}" in text
    assert f"without products minus reader {mean_se(against_reader)}" in text
    assert f"reaches the reader on {reached} of {len(against_reader)}" in text


def test_benchmark_doc_cell_line_validation_check_is_the_committed_runs():
    """H27's paired change (validation on an unseen cell line, round 19) is the committed runs'."""
    products = task_only_aupr("sequence-strands/frozen-both-seed1")
    validated = task_only_aupr("sequence-transfer/frozen-both-valcell-seed1")
    text = (DOCS / "BENCHMARK.md").read_text()
    change = mean_se(validated - products[validated.index])
    assert f"{change} paired (NHEK" in text


CELLS = ("GM12878", "HUVEC", "HeLa-S3", "IMR90", "K562", "NHEK")


def test_benchmark_doc_transfer_diagnosis_is_the_committed_runs():
    """Round 19's diagnosis: the frozen-stem model against the reader on the validation
    split and on the held-out cell line (seeds 1-2), and what product terms do to the
    readers (seeds 0-2), as docs/BENCHMARK.md states them (line breaks ignored)."""
    text = flat_text()
    for seed in (1, 2):
        run = f"sequence-strands/frozen-both-seed{seed}"
        history = pd.read_csv(DOCS / "benchmark-runs" / run / "training_history.csv")
        model_val = history.groupby("held_out")["val_aupr"].max()
        model_test = task_only_aupr(run)
        readers = pd.DataFrame([reader_scores(c, seed=seed) for c in CELLS], index=CELLS,
                               columns=["val", "test"])  # fmt: skip
        for model, reader in ((model_val, readers["val"]), (model_test, readers["test"])):
            model = model[list(CELLS)]
            claim = f"{model.mean():.3f} against {reader.mean():.3f} ({mean_se(model - reader)})"
            assert claim in text, claim
    scan, products = (
        np.array([reader_scores(c, seed=s, reader=r) for s in (0, 1, 2) for c in CELLS])
        for r in ("known-motif scan", "known-motif scan x products")
    )
    change = products - scan
    claim = (f"moves validation AUPR by {mean_se(change[:, 0])} and held-out AUPR by "
             f"{mean_se(change[:, 1])}")  # fmt: skip
    assert claim in text, claim


def test_benchmark_doc_seed0_product_inputs_table_is_the_committed_runs():
    """H30's table (round 20): the frozen-stem model without product inputs at seed 0,
    against the product model and the reader on the same simulation, and its paired
    summaries, as docs/BENCHMARK.md states them."""
    products = task_only_aupr("sequence-strands/frozen-both-seed0")
    run = DOCS / "benchmark-runs" / "sequence-transfer" / "frozen-both-additive-seed0"
    results = pd.read_csv(run / "results.csv")
    rows = results[results["row"] == "task_only"].set_index("held_out")
    assert sorted(rows.index) == sorted(CELLS)
    readers = pd.Series({cell: reader_aupr(cell) for cell in CELLS})
    text = (DOCS / "BENCHMARK.md").read_text()
    for cell, row in rows.iterrows():
        change, gap = row["aupr"] - products[cell], row["aupr"] - readers[cell]
        line = (f"| {cell} | {products[cell]:.3f} | **{row['aupr']:.3f}** "
                f"[{row['aupr_ci_low']:.3f}-{row['aupr_ci_high']:.3f}] | {change:+.3f} | "
                f"{readers[cell]:.3f} | {gap:+.3f} |")  # fmt: skip
        assert line in text, line
    flat = " ".join(text.split()).lower()
    assert f"without minus with products at seed 0: {mean_se(rows['aupr'] - products)}" in flat
    assert f"without products minus reader at seed 0: {mean_se(rows['aupr'] - readers)}" in flat
    # Over seeds 0-2: seed 0 here and H29's twelve (seeds 1-2, round 19's folders).
    changes = list(rows["aupr"] - products)
    for seed in (1, 2):
        without = task_only_aupr_of(f"frozen-both-additive-seed{seed}*")
        changes += list(
            without - task_only_aupr(f"sequence-strands/frozen-both-seed{seed}")[without.index]
        )
    assert len(changes) == 18
    assert f"dropping both terms changes held-out aupr by {mean_se(changes)}" in flat


def _product_inputs(seed: int) -> dict[str, pd.Series]:
    """Held-out AUPR by cell line of the frozen-stem model at ``seed`` with each ``z_I``
    input fitted: both product terms (round 18), the bilinear term alone (round 20),
    neither (round 19)."""
    return {
        "both": task_only_aupr(f"sequence-strands/frozen-both-seed{seed}"),
        "bilinear": task_only_aupr_of(f"frozen-bilinear-only-seed{seed}*"),
        "neither": task_only_aupr_of(f"frozen-both-additive-seed{seed}*"),
    }


def test_benchmark_doc_bilinear_only_table_is_the_committed_runs():
    """Round 20's H32-H33 table: the frozen-stem model with the bilinear term alone,
    against both product terms (round 18) and neither (round 19) on the same simulations,
    and the paired summaries, as docs/BENCHMARK.md states them (line breaks ignored)."""
    text = (DOCS / "BENCHMARK.md").read_text()
    records = []
    for seed in (0, 1, 2):
        inputs = _product_inputs(seed)
        alone, both, neither = inputs["bilinear"], inputs["both"], inputs["neither"]
        for cell in alone.index:
            to_both, to_neither = alone[cell] - both[cell], alone[cell] - neither[cell]
            to_reader = alone[cell] - reader_aupr(cell, seed=seed)
            records.append((seed, cell, to_both, to_neither, to_reader))
            line = (f"| {cell} | {seed} | {both[cell]:.3f} | {neither[cell]:.3f} | "
                    f"**{alone[cell]:.3f}** | {to_both:+.3f} | {to_neither:+.3f} |")  # fmt: skip
            assert line in text, line
    frame = pd.DataFrame(records, columns=["seed", "cell", "both", "neither", "reader"])
    assert len(frame) == 18
    flat = " ".join(text.split()).lower()
    assert f"over the 18 evaluations, minus both terms {mean_se(frame['both'])}" in flat
    assert f"minus neither {mean_se(frame['neither'])}" in flat
    h32_cells = frame["seed"].isin([0, 1]) & frame["cell"].isin(["NHEK", "K562", "HUVEC"])
    # H33: the twelve evaluations that did not suggest it.
    h33 = frame.loc[~h32_cells, "both"]
    assert f"minus both terms is {mean_se(h33)}, higher on {(h33 > 0).sum()} of 12" in flat
    by_seed = {seed: rows for seed, rows in frame.groupby("seed")}
    assert f"(the bilinear term alone {mean_se(by_seed[0]['both'])} against it)" in flat
    assert f"(the bilinear term alone {mean_se(by_seed[1]['both'])} against both terms" in flat
    assert f"level with neither: {mean_se(by_seed[1]['neither'])})" in flat
    assert f"(the bilinear term alone {mean_se(by_seed[2]['neither'])} against neither)" in flat
    h32 = frame[h32_cells]
    h32_a = h32.loc[h32["seed"] == 1, "both"].mean()
    h32_b = h32.loc[h32["seed"] == 0, "neither"].mean()
    assert f"both held: (a) {h32_a:+.3f}, (b) {h32_b:+.3f};" in flat
    reached = (frame["reader"] >= 0).sum()
    claim = f"the bilinear term alone is {mean_se(frame['reader'])} (at or above it on {reached}"
    assert claim in flat


def test_benchmark_doc_elementwise_only_arm_is_the_committed_runs():
    """Round 20's arm P (the element-wise product alone), paired against both terms,
    neither and the bilinear term alone, as docs/BENCHMARK.md states it."""
    differences = {"both": [], "neither": [], "alone": []}
    for seed in (0, 1):
        arm = task_only_aupr_of(f"frozen-elementwise-only-seed{seed}*")
        assert sorted(arm.index) == ["HUVEC", "K562", "NHEK"]
        others = _product_inputs(seed)
        others["alone"] = others.pop("bilinear")
        for name, other in others.items():
            differences[name] += list(arm - other[arm.index])
    higher = sum(d > 0 for d in differences["both"])
    claim = (
        f"minus both terms {mean_se(differences['both'])} (higher on {higher} of 6), minus "
        f"neither {mean_se(differences['neither'])}, minus the bilinear term alone "
        f"{mean_se(differences['alone'])}"
    )
    flat = flat_text()
    assert claim in flat, claim


def _ensemble_table(folder: str) -> pd.DataFrame:
    """A committed ``benchmarks/sequence_ensemble.py`` output under sequence-transfer."""
    return pd.read_csv(DOCS / "benchmark-runs" / "sequence-transfer" / folder / "ensemble.csv")


def test_benchmark_doc_variant_ensemble_is_the_committed_runs():
    """Round 21's H35: the ensemble of the three z_I variants' fits. Its members are the
    committed runs (each rescored to the AUPR its run recorded), its reader the committed
    reader; the per-seed table and the paired summaries are as docs/BENCHMARK.md states."""
    table = _ensemble_table("ensemble-variants")
    assert len(table) == 18
    text = (DOCS / "BENCHMARK.md").read_text()
    for seed, rows in table.groupby("seed"):
        members = {f"aupr_{name}": runs for name, runs in _product_inputs(seed).items()}
        for row in rows.itertuples():
            for column, recorded in members.items():
                assert getattr(row, column) == pytest.approx(recorded[row.held_out], abs=1e-6)
            assert row.reader == reader_aupr(row.held_out, seed=seed)
        means = rows[[*members, "member_mean", "ensemble", "reader"]].mean()
        gain = (rows["ensemble"] - rows["member_mean"]).mean()
        line = "| " + " | ".join([str(seed), *(f"{v:.3f}" for v in means), f"{gain:+.3f}"]) + " |"
        assert line in text, line
    flat = " ".join(text.split())
    gain = table["ensemble"] - table["member_mean"]
    assert (f"the ensemble minus its members' mean is {mean_se(gain)} (higher on "
            f"{(gain > 0).sum()} of 18)") in flat  # fmt: skip
    names = {"both terms": "aupr_both", "the bilinear term alone": "aupr_bilinear",
             "neither": "aupr_neither"}  # fmt: skip
    for name, column in names.items():
        assert f"{name} {mean_se(table['ensemble'] - table[column])}" in flat, name
    to_reader = table["ensemble"] - table["reader"]
    assert (f"Against the known-motif scan reader it is {mean_se(to_reader)} (at or above it "
            f"on {(to_reader >= 0).sum()} of 18)") in flat  # fmt: skip
    one = table["aupr_both"] - table["reader"]
    assert f"where the recommended model (both terms) is {mean_se(one)}" in flat
    assert (f"({mean_se(to_reader)} against the reader, at or above it on "
            f"{(to_reader >= 0).sum()} of 18)") in flat  # the Reading's summary  # fmt: skip


def test_benchmark_doc_initialisation_ensembles_are_the_committed_runs():
    """Round 21's H36 (seed 1) and H36b (seed 2): three initialisations of the recommended
    configuration averaged. The members are the committed runs (the benchmark's own fit
    and the two new ones), the reader the committed reader; the table and the paired
    summaries are as docs/BENCHMARK.md states them."""
    text = (DOCS / "BENCHMARK.md").read_text()
    tables = {}
    for seed, labels in INITIALISATIONS.items():
        table = _ensemble_table(f"ensemble-inits-seed{seed}")
        single = task_only_aupr(f"sequence-strands/frozen-both-seed{seed}")
        fits = [task_only_aupr_of(f"frozen-both-seed{seed}-{label}*") for label in labels]
        for row in table.itertuples():
            cell = row.held_out
            assert row.aupr_single == pytest.approx(single[cell], abs=1e-6)
            others = [getattr(row, f"aupr_{label}") for label in labels]
            assert others == pytest.approx([f[cell] for f in fits], abs=1e-6)
            assert row.reader == reader_aupr(cell, seed=seed)
            values = [row.aupr_single, *others, row.member_mean, row.ensemble, row.reader]
            line = (f"| {cell} | {seed} | " + " | ".join(f"{v:.3f}" for v in values)
                    + f" | {row.ensemble - row.aupr_single:+.3f} |")  # fmt: skip
            assert line in text, line
        tables[seed] = table
    flat = " ".join(text.split())
    one = tables[1]
    to_single, to_mean = one["ensemble"] - one["aupr_single"], one["ensemble"] - one["member_mean"]
    assert (f"At seed 1 the ensemble minus the benchmark's fit is {mean_se(to_single)}, "
            f"higher on {(to_single > 0).sum()} of 6") in flat  # fmt: skip
    assert f"against the members' mean it is {mean_se(to_mean)}" in flat
    to_reader = one["ensemble"] - one["reader"]
    assert f"the ensemble minus the reader is {mean_se(to_reader)} at seed 1" in flat
    alone = (one["aupr_single"] - one["reader"]).mean()
    assert f"(the recommended model's single fit: {alone:+.3f})" in flat
    spread = one[["aupr_single", *(f"aupr_{x}" for x in INITIALISATIONS[1])]].std(axis=1).mean()
    assert f"One initialisation's spread is {spread:.3f} AUPR" in flat
    means = one[["aupr_single", *(f"aupr_{x}" for x in INITIALISATIONS[1])]].mean()
    assert "({:.3f} against {:.3f} and {:.3f})".format(*means) in flat
    both = pd.concat(tables.values())
    gain = both["ensemble"] - both["member_mean"]
    assert (f"Over the nine evaluations, the ensemble minus its members' mean is "
            f"{mean_se(gain)} (higher on {(gain > 0).sum()} of 9)") in flat  # fmt: skip
    higher = (gain > 0).sum()
    assert f"their average beats the average fit on {higher} of 9 ({mean_se(gain)})" in flat
    readme = flat_text(DOCS.parent / "README.md")
    assert f"beats the average fit by {mean_se(gain)} ({higher} of 9)" in readme
    assert f"differ by {spread:.3f} AUPR" in readme and f"differ by {spread:.3f} AUPR" in flat


HEAD_FORMS = [
    "reader",
    "relu",
    "identity",
    "relu + products",
    "identity + products",
    "relu + products + rank 16",
    "identity + products + rank 16",
]


def test_benchmark_doc_head_forms_table_is_the_committed_runs():
    """Round 22's table: the L2 reader and networks of the model's head form, ReLU or
    identity, on the known-motif scan (benchmarks/sequence_head_forms.py), and the paired
    summaries, as docs/BENCHMARK.md states them (line breaks ignored)."""
    table = head_forms()
    assert len(table) == 6
    text = (DOCS / "BENCHMARK.md").read_text()
    for _, row in table.iterrows():
        line = (f"| {row['held_out']} | {row['seed']} | "
                + " | ".join(f"{row[form]:.3f}" for form in HEAD_FORMS) + " |")  # fmt: skip
        assert line in text, line
    flat = " ".join(text.split())

    def paired(first: str, second: str) -> str:
        difference = table[first] - table[second]
        return f"{mean_se(difference)} (higher on {(difference > 0).sum()} of 6)"

    assert (f"identity minus ReLU {mean_se(table['identity'] - table['relu'])} without the "
            f"products and {mean_se(table['identity + products'] - table['relu + products'])} "
            "with them (each higher on 6 of 6)") in flat  # fmt: skip
    assert (table["identity"] > table["relu"]).all()
    assert (table["identity + products"] > table["relu + products"]).all()
    assert f"The reader minus the identity network is {paired('reader', 'identity')}" in flat
    assert f"minus the ReLU network with products {paired('reader', 'relu + products')}" in flat
    rank = table["identity + products + rank 16"] - table["relu + products + rank 16"]
    assert (f"dropping the ReLU does not help ({mean_se(rank)}, higher on {(rank > 0).sum()} "
            "of 6;") in flat  # fmt: skip
    cost = table["relu + products + rank 16"] - table["relu + products"]
    assert (f"with the ReLU it costs {mean_se(cost)} against the products alone (higher on "
            f"{(cost > 0).sum()} of 6)") in flat  # fmt: skip
    gap = mean_se(table["reader"] - table["relu + products + rank 16"])
    assert f"the recommended model's form sits {gap} below the reader" in flat


def test_benchmark_doc_identity_activation_table_is_the_committed_runs():
    """Round 22's H37: three fits each of the recommended configuration with and without
    the ReLU of z_I, paired by evaluation, against the reader, as docs/BENCHMARK.md states."""
    text = (DOCS / "BENCHMARK.md").read_text()
    rows = []
    for seed, labels in INITIALISATIONS.items():
        relu = recommended_fits(seed, labels)
        identity = three_fits("frozen-identity", seed, labels)
        for cell in identity[0].index:
            fits = [s[cell] for s in identity]
            mine, theirs = np.mean(fits), np.mean([s[cell] for s in relu])
            reader = reader_aupr(cell, seed=seed)
            line = (f"| {cell} | {seed} | {theirs:.3f} | "
                    + ", ".join(f"{v:.3f}" for v in fits)
                    + f" | **{mine:.3f}** | {mine - theirs:+.3f} | {reader:.3f} | "
                    f"{mine - reader:+.3f} |")  # fmt: skip
            assert line in text, line
            rows.append((mine - theirs, mine - reader, theirs - reader))
    assert len(rows) == 6
    gain, to_reader, relu_to_reader = (np.array(column) for column in zip(*rows, strict=True))
    flat = " ".join(text.split())
    assert (f"the ReLU members' mean is {mean_se(gain)} (higher on {(gain > 0).sum()} of 6): "
            "refuted") in flat  # fmt: skip
    assert (
        f"minus the reader is {mean_se(to_reader)} (the ReLU model: "
        f"{mean_se(relu_to_reader)})" in flat
    )
