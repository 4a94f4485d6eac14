"""The inference engine and the writers (kipoi_prism.inference, kipoi_prism.io.writers)."""

from __future__ import annotations

import importlib
import io
import logging

import h5py
import numpy as np
import pandas as pd
import pytest
import torch
from predict_helpers import make_pairs, single_thread, tiny_weights  # noqa: F401

from kipoi_prism.config import InferenceConfig
from kipoi_prism.errors import PrismInputError
from kipoi_prism.inference import (
    FilePairSource,
    FramePairSource,
    Predictor,
    StdinPairSource,
    predict_pairs,
    write_all,
)
from kipoi_prism.io.genome import Genome
from kipoi_prism.io.pairs import PAIR_COLUMNS, read_pairs
from kipoi_prism.io.support import select_support
from kipoi_prism.io.writers import SCORE_COLUMNS, OutputContext, open_output
from kipoi_prism.model.weights import load_weights

SCORES = ["probability", "U_I", "R_E", "lam", "T"]

pytestmark = pytest.mark.usefixtures("single_thread")


def scored(pairs, genome, weights, chunk_size=50_000, num_workers=0, **config) -> pd.DataFrame:
    predictor = Predictor(
        load_weights(weights), Genome(genome), InferenceConfig(**config), num_workers
    )
    _, batches = predictor.predict(FilePairSource(pairs, chunk_size=chunk_size))
    return pd.concat(list(batches), ignore_index=True)


def assert_same_scores(a: pd.DataFrame, b: pd.DataFrame) -> None:
    merged = a.merge(b, on="name", suffixes=("_a", "_b"), validate="one_to_one")
    assert len(merged) == len(a) == len(b)
    for column in SCORES:
        np.testing.assert_allclose(merged[f"{column}_a"], merged[f"{column}_b"], rtol=0, atol=1e-6)
    assert (merged["call_a"] == merged["call_b"]).all()


def test_one_row_per_pair_in_input_order(pairs_file, small_genome, weights):
    frame = scored(pairs_file, small_genome, weights, batch_size=7)
    expected = read_pairs(pairs_file)
    assert frame["name"].tolist() == expected["name"].tolist()
    assert set(SCORE_COLUMNS) <= set(frame.columns)
    assert frame["probability"].between(0, 1).all()
    assert frame["probability"].dtype == np.float32
    assert (frame["R_E"] >= 0).all()
    # each cell line has its own environment, hence its own R_E
    assert frame.groupby("cell_line")["R_E"].nunique().eq(1).all()
    assert frame["R_E"].nunique() == 3


@pytest.mark.parametrize("batch_size", [1, 4, 64])
def test_batch_size_does_not_change_predictions(pairs_file, small_genome, weights, batch_size):
    reference = scored(pairs_file, small_genome, weights, batch_size=16)
    assert_same_scores(scored(pairs_file, small_genome, weights, batch_size=batch_size), reference)


def test_row_order_and_chunking_do_not_change_predictions(
    tmp_path, pairs_file, small_genome, weights
):
    lines = pairs_file.read_text().splitlines(keepends=True)
    rng = np.random.default_rng(7)
    shuffled = tmp_path / "shuffled.bedpe"
    shuffled.write_text(lines[0] + "".join(rng.permutation(lines[1:])))
    reference = scored(pairs_file, small_genome, weights)
    reordered = scored(shuffled, small_genome, weights, chunk_size=4, batch_size=5)
    assert reordered["name"].tolist() == read_pairs(shuffled)["name"].tolist()
    assert_same_scores(reordered, reference)


def test_worker_count_does_not_change_predictions(pairs_file, small_genome, weights):
    reference = scored(pairs_file, small_genome, weights, batch_size=4)
    with_workers = scored(pairs_file, small_genome, weights, batch_size=4, num_workers=2)
    assert with_workers["name"].tolist() == reference["name"].tolist()
    assert_same_scores(with_workers, reference)


def test_environment_is_the_mean_over_the_seeded_support_set(pairs_file, small_genome, weights):
    bundle = load_weights(weights)
    predictor = Predictor(bundle, Genome(small_genome), InferenceConfig(support_size=5, seed=3))
    result = predictor.scan(FilePairSource(pairs_file))
    table = read_pairs(pairs_file)
    for cell, positions in select_support(table, 5, 3).items():
        assert result.support[cell]["name"].tolist() == table["name"].iloc[positions].tolist()
        encoded = predictor.encoder.encode(table.iloc[positions])
        with torch.no_grad():
            _, e, _ = bundle.model.encode(
                torch.from_numpy(encoded.enhancer), torch.from_numpy(encoded.promoter)
            )
        z_e = predictor.environments(result.support)[cell]
        torch.testing.assert_close(z_e, e.mean(dim=0), rtol=0, atol=1e-6)
    assert result.counts == {"cellA": 15, "cellB": 15, "cellC": 15}
    assert result.has_labels and result.n_pairs == 45


def test_seed_and_support_size_choose_the_environment(pairs_file, small_genome, weights):
    first = scored(pairs_file, small_genome, weights, support_size=4, seed=1)
    again = scored(pairs_file, small_genome, weights, support_size=4, seed=1)
    other = scored(pairs_file, small_genome, weights, support_size=4, seed=2)
    pd.testing.assert_frame_equal(first, again)
    assert not np.allclose(first["R_E"], other["R_E"])


def test_prototypes_replace_support_sets_for_training_cell_lines(
    tmp_path, pairs_file, small_genome
):
    prototype = torch.tensor([0.5, 0.0, 1.0, 2.0])
    path = tiny_weights(tmp_path / "proto.pt", prototypes={"cellA": prototype})
    bundle = load_weights(path)
    frame = scored(pairs_file, small_genome, path, use_prototypes=True)
    plain = scored(pairs_file, small_genome, path)
    head = bundle.model.head
    with torch.no_grad():
        expected_r = torch.nn.functional.softplus(head.g_e(prototype)).item()
    a = frame["cell_line"] == "cellA"
    np.testing.assert_allclose(frame.loc[a, "R_E"], expected_r, atol=1e-6)
    assert_same_scores(frame[~a], plain[~a])  # no prototype: support set as before


def test_call_uses_the_saved_threshold(tmp_path, pairs_file, small_genome):
    path = tiny_weights(tmp_path / "t.pt", threshold=0.45)
    frame = scored(pairs_file, small_genome, path)
    assert (frame["call"] == (frame["probability"] >= 0.45)).all()
    assert frame["call"].dtype == np.int8


EDGE_PAIRS = {  # on the conftest genome (chr1 20 kb, chr2 12 kb)
    "edge1": "chr1\t0\t50\tchr1\t1000\t1100\tedge1\t.\t.\t.\tcellA\t1\n",  # 1 padded
    "edge2": "chr2\t11990\t12000\tchr2\t11950\t12000\tedge2\t.\t.\t.\tcellA\t0\n",  # 2
    "inside": "chr1\t5000\t5100\tchr1\t6000\t6100\tinside\t.\t.\t.\tcellA\t0\n",
}


def edge_pairs(path, *names: str):
    path.write_text("".join(EDGE_PAIRS[name] for name in names))
    return path


def test_padding_is_counted_in_one_warning(tmp_path, small_genome, weights, caplog):
    path = edge_pairs(tmp_path / "edge.bedpe", "edge1", "edge2", "inside")
    with caplog.at_level(logging.WARNING, logger="kipoi_prism.inference"):
        frame = scored(path, small_genome, weights)
    warnings = [r.getMessage() for r in caplog.records if "padded" in r.getMessage()]
    assert warnings == [
        f"{path}: 3 window(s) of 2 pair(s) run off a chromosome end and were padded with N: "
        "edge1 (line 1), edge2 (line 2) (the output's padded column marks every one)"
    ]
    assert len(frame) == 3
    assert frame["padded"].tolist() == [1, 2, 0]  # which pairs, and how many of their windows


def test_padding_warning_names_the_first_few_and_counts_the_rest(
    tmp_path, small_genome, weights, caplog, monkeypatch
):
    scan_module = importlib.import_module("kipoi_prism.inference.scan")  # not the function
    monkeypatch.setattr(scan_module, "NAMED_PADDED", 1)
    path = edge_pairs(tmp_path / "edge.bedpe", "inside", "edge1", "edge2")
    with caplog.at_level(logging.WARNING, logger="kipoi_prism.inference"):
        scored(path, small_genome, weights, chunk_size=1)
    (warning,) = [r.getMessage() for r in caplog.records if "padded" in r.getMessage()]
    assert ": edge1 (line 2) and 1 more (the output's padded column" in warning


def test_a_small_support_set_is_named_with_its_count(tmp_path, small_genome, weights, caplog):
    path = make_pairs(tmp_path / "few.bedpe", n=7)  # cellA 3 pairs, cellB and cellC 2
    with caplog.at_level(logging.WARNING, logger="kipoi_prism.inference"):
        scored(path, small_genome, weights, support_size=2)
    assert not [r for r in caplog.records if "rests on" in r.getMessage()]
    with caplog.at_level(logging.WARNING, logger="kipoi_prism.inference"):
        scored(path, small_genome, weights, support_size=3)
    messages = [r.getMessage() for r in caplog.records if "rests on" in r.getMessage()]
    assert messages == [
        f"cell line {cell}: its environment rests on 2 pairs, fewer than the support set's 3 "
        "(--support-size): its scores are less certain"
        for cell in ("cellB", "cellC")
    ]


def test_duplicate_names_across_chunks_are_found(tmp_path, pairs_file, small_genome, weights):
    text = pairs_file.read_text()
    first = text.splitlines()[1]
    path = tmp_path / "dup.bedpe"
    path.write_text(text + first + "\n")
    with pytest.raises(PrismInputError, match="line 47: duplicate pair name 'pair000'"):
        scored(path, small_genome, weights, chunk_size=4)


def test_sources_read_twice_and_stdin_is_spooled(pairs_file):
    source = FilePairSource(pairs_file)
    assert source.format == "bedpe"
    assert [len(c) for c in source.chunks()] == [len(c) for c in source.chunks()] == [45]
    with StdinPairSource(stream=io.BytesIO(pairs_file.read_bytes())) as stdin:
        first = pd.concat(list(stdin.chunks()))
        pd.testing.assert_frame_equal(first, pd.concat(list(stdin.chunks())))
        spool = stdin.spool
        assert spool.exists()
    assert not spool.exists()
    frame = read_pairs(pairs_file)
    assert [len(c) for c in FramePairSource(frame, chunk_size=20).chunks()] == [20, 20, 5]


def test_stdin_errors_name_standard_input():
    bad = b"chr1\t5\t1\tchr1\t1\t2\tp\t.\t.\t.\tcellA\t1\n"
    with pytest.raises(PrismInputError, match=r"^- line 1: enhancer start 5 >= end 1"):
        with StdinPairSource(stream=io.BytesIO(bad)) as source:
            list(source.chunks())
    with pytest.raises(PrismInputError, match=r"^-: no pairs in the file"):
        StdinPairSource(stream=io.BytesIO(b""))


def test_predict_pairs_api(pairs_file, small_genome, weights):
    frame = predict_pairs(pairs_file, small_genome, weights)
    assert len(frame) == 45 and frame["name"].iloc[0] == "pair000"


def test_predict_pairs_accepts_a_dataframe(pairs_file, small_genome, weights):
    from_file = predict_pairs(pairs_file, small_genome, weights)
    table = read_pairs(pairs_file).assign(note="kept")
    from_frame = predict_pairs(table, small_genome, weights)
    assert from_frame["name"].tolist() == from_file["name"].tolist()
    np.testing.assert_array_equal(from_frame["probability"], from_file["probability"])
    assert (from_frame["note"] == "kept").all()
    with pytest.raises(PrismInputError, match="lacks column"):
        predict_pairs(table.drop(columns="cell_line"), small_genome, weights)
    with pytest.raises(PrismInputError, match="format: only for a pair-table file"):
        predict_pairs(table, small_genome, weights, format="bedpe")


def test_threshold_overrides_the_calibrated_one(pairs_file, small_genome, weights):
    bundle = load_weights(weights)
    calibrated = Predictor(bundle, Genome(small_genome)).predict_all(FilePairSource(pairs_file))
    threshold = float(np.median(calibrated["probability"]))
    predictor = Predictor(bundle, Genome(small_genome), threshold=threshold)
    result, batches = predictor.predict(FilePairSource(pairs_file))
    frame = pd.concat(list(batches), ignore_index=True)
    assert (frame["call"] == (frame["probability"] >= threshold)).all()
    assert (frame["call"] != calibrated["call"]).any()  # the override really moved calls
    np.testing.assert_array_equal(frame["probability"], calibrated["probability"])
    attributes = predictor.output_context(result).attributes
    assert attributes["threshold"] == threshold
    assert attributes["threshold_source"] == "--threshold"
    assert attributes["calibrated_threshold"] == pytest.approx(bundle.threshold)
    for bad in (-0.1, 1.5, float("nan")):
        with pytest.raises(PrismInputError, match="--threshold: expected a probability"):
            Predictor(bundle, Genome(small_genome), threshold=bad)


def test_an_input_column_named_like_an_output_column_is_kept(pairs_file, small_genome, weights):
    table = read_pairs(pairs_file).assign(probability="mine", padded="also mine")
    frame = predict_pairs(table, small_genome, weights)
    assert (frame["input_probability"] == "mine").all()
    assert (frame["input_padded"] == "also mine").all()
    assert frame["probability"].dtype == np.float32


def test_predictor_option_checks(small_genome, weights):
    bundle, genome = load_weights(weights), Genome(small_genome)
    with pytest.raises(PrismInputError, match="--batch-size"):
        Predictor(bundle, genome, InferenceConfig(batch_size=0))
    with pytest.raises(PrismInputError, match="--num-workers"):
        Predictor(bundle, genome, num_workers=-1)
    with pytest.raises(PrismInputError, match="--device"):
        Predictor(bundle, genome, device="tpu")
    if not torch.cuda.is_available():
        with pytest.raises(PrismInputError, match="no CUDA device"):
            Predictor(bundle, genome, device="cuda")


# --------------------------------------------------------------------------- writers


def write(path, pairs, genome, weights) -> None:
    predictor = Predictor(load_weights(weights), Genome(genome))
    result, batches = predictor.predict(FilePairSource(pairs))
    with open_output(path, predictor.output_context(result)) as writer:
        write_all(writer, batches, rows=10)


def test_tsv_output(tmp_path, pairs_file, small_genome, weights):
    out = tmp_path / "out.tsv"
    write(out, pairs_file, small_genome, weights)
    table = pd.read_csv(out, sep="\t")
    assert list(table.columns) == [
        "name", "cell_line", *SCORE_COLUMNS, "label", "enhancer_chrom", "enhancer_start",
        "enhancer_end", "promoter_chrom", "promoter_start", "promoter_end", "padded",
    ]  # fmt: skip
    assert table["enhancer_start"].tolist() == read_pairs(pairs_file)["enhancer_start"].tolist()
    reference = scored(pairs_file, small_genome, weights)
    assert table["name"].tolist() == reference["name"].tolist()
    np.testing.assert_allclose(table["probability"], reference["probability"], atol=1e-6)
    assert (
        table["label"].astype(str).tolist() == read_pairs(pairs_file)["label"].astype(str).tolist()
    )


def test_tsv_without_labels_has_no_label_column(tmp_path, small_genome, weights):
    pairs = make_pairs(tmp_path / "unlabelled.bedpe", n=6, labels=False)
    out = tmp_path / "out.tsv"
    write(out, pairs, small_genome, weights)
    assert "label" not in pd.read_csv(out, sep="\t").columns


def test_bedpe_output_reads_back_as_labelled_bedpe(tmp_path, pairs_file, small_genome, weights):
    out = tmp_path / "out.bedpe"
    write(out, pairs_file, small_genome, weights)
    back = read_pairs(out)
    original = read_pairs(pairs_file)
    for column in [
        "enhancer_chrom",
        "enhancer_start",
        "promoter_end",
        "name",
        "cell_line",
        "label",
    ]:
        assert back[column].tolist() == original[column].tolist()
    reference = scored(pairs_file, small_genome, weights)
    np.testing.assert_allclose(back["score"].astype(float), reference["probability"], atol=1e-6)
    assert {"call", "U_I", "R_E", "lam", "T"} <= set(back.columns)


def test_h5_output(tmp_path, pairs_file, small_genome, weights):
    out = tmp_path / "out.h5"
    write(out, pairs_file, small_genome, weights)
    reference = scored(pairs_file, small_genome, weights)
    with h5py.File(out) as handle:
        assert handle["name"].asstr()[:].tolist() == reference["name"].tolist()
        np.testing.assert_array_equal(handle["probability"][:], reference["probability"])
        assert handle["label"].dtype == np.int8
        assert handle.attrs["support_size"] == 32
        assert handle.attrs["weights_sha256"] == load_weights(weights).digest


def test_failed_run_leaves_no_output_file(tmp_path):
    out = tmp_path / "out.tsv"

    def failing_batches():
        yield pd.DataFrame({"name": ["a"], "cell_line": ["c"], "label": [1], "padded": [0],
                            "enhancer_chrom": ["chr1"], "enhancer_start": [0], "enhancer_end": [9],
                            "promoter_chrom": ["chr1"], "promoter_start": [20],
                            "promoter_end": [29], **{c: [0.5] for c in SCORE_COLUMNS}})  # fmt: skip
        raise PrismInputError("simulated failure half-way")

    with pytest.raises(PrismInputError, match="half-way"):
        with open_output(out, OutputContext(has_labels=True)) as writer:
            write_all(writer, failing_batches(), rows=1)
    assert list(tmp_path.iterdir()) == []


def test_existing_output_is_kept_when_a_run_fails(tmp_path):
    out = tmp_path / "out.tsv"
    out.write_text("previous results\n")
    with pytest.raises(RuntimeError):
        with open_output(out, OutputContext()):
            raise RuntimeError("boom")
    assert out.read_text() == "previous results\n"
    assert [p.name for p in tmp_path.iterdir()] == ["out.tsv"]


@pytest.mark.parametrize(
    "name, problem",
    [("out.csv", "unknown output format"), ("missing/out.tsv", "does not exist"), (".", "folder")],
)
def test_bad_output_paths(tmp_path, name, problem):
    with pytest.raises(PrismInputError, match=problem):
        with open_output(tmp_path / name, OutputContext()):
            pass


def test_stdout_output(capsys, pairs_file, small_genome, weights):
    write("-", pairs_file, small_genome, weights)
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split("\t")[:3] == ["name", "cell_line", "probability"]
    assert len(lines) == 46


def test_writer_registry_picks_the_longest_suffix(monkeypatch, tmp_path):
    from kipoi_prism.io import writers

    class Interact(writers.TsvWriter):
        suffix = ".interact.bed"

    monkeypatch.setitem(writers.WRITERS, ".bed", writers.TsvWriter)
    monkeypatch.setitem(writers.WRITERS, Interact.suffix, Interact)
    assert writers.writer_class(tmp_path / "x.interact.bed") is Interact
    assert writers.writer_class(tmp_path / "x.bed") is writers.TsvWriter
    assert writers.writer_class("-") is writers.TsvWriter


@pytest.mark.gpu
def test_gpu_scores_match_cpu_whatever_the_batch_size(pairs_file, small_genome, weights):
    frame = pd.read_csv(pairs_file, sep="\t", comment="#", header=None, names=PAIR_COLUMNS)
    frame["line"] = np.arange(2, len(frame) + 2)

    def run(device: str, batch_size: int) -> pd.DataFrame:
        bundle = load_weights(weights, map_location=device)
        config = InferenceConfig(batch_size=batch_size)
        predictor = Predictor(bundle, Genome(small_genome), config, device=device)
        return pd.concat(list(predictor.predict(FramePairSource(frame))[1]), ignore_index=True)

    cpu = run("cpu", 16)
    for batch_size in (1, 7, 64):
        assert_same_scores(run("cuda", batch_size), cpu)


# --------------------------------------------------------------------------- score_frame


def with_features(frame: pd.DataFrame, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    return frame.assign(e0=rng.normal(size=len(frame)), e1=rng.normal(size=len(frame)),
                        e2=rng.normal(size=len(frame)), p0=rng.normal(size=len(frame)))  # fmt: skip


FEATURES = (["e0", "e1", "e2"], ["p0"])


@pytest.fixture
def feature_weights(tmp_path):
    return tiny_weights(tmp_path / "features.pt", seed=3, backbone="features", feature_dims=(3, 1))


def test_score_frame_scores_a_frame_as_predict_scores_its_file(pairs_file, small_genome, weights):
    from kipoi_prism.inference import score_frame

    config = InferenceConfig(support_size=5, seed=2, batch_size=7)
    frame = read_pairs(pairs_file)
    ours = score_frame(weights, frame, small_genome, config=config)
    pd.testing.assert_frame_equal(ours, predict_pairs(pairs_file, small_genome, weights,
                                                      config=config))  # fmt: skip
    assert ours["probability"].dtype == np.float32 and ours["call"].dtype == np.int8


def test_score_frame_reads_feature_columns(tmp_path, pairs_file, feature_weights):
    from kipoi_prism.inference import environment_of, score_arrays, score_frame

    frame = with_features(read_pairs(pairs_file))
    scores = score_frame(feature_weights, frame, feature_columns=FEATURES,
                         config=InferenceConfig(support_size=4))  # fmt: skip
    assert scores["name"].tolist() == frame["name"].tolist()
    bundle = load_weights(feature_weights)
    for cell, positions in select_support(frame, 4, 0).items():
        rows = frame.iloc[positions]
        z_e = environment_of(bundle.model, *(np.array(rows[c], np.float32) for c in FEATURES))
        mine = frame.index[frame["cell_line"] == cell]
        inputs = (np.array(frame.loc[mine, c], np.float32) for c in FEATURES)
        expected = score_arrays(bundle.model, *inputs, z_e, bundle.threshold)
        for column in SCORE_COLUMNS:
            np.testing.assert_allclose(scores.loc[mine, column], expected[column], atol=1e-6)
    shuffled = frame.sample(frac=1, random_state=1)
    shuffled = score_frame(feature_weights, shuffled, feature_columns=FEATURES,
                           config=InferenceConfig(support_size=4))  # fmt: skip
    merged = scores.merge(shuffled, on="name")
    np.testing.assert_allclose(merged["probability_x"], merged["probability_y"], atol=1e-6)


def test_score_frame_needs_only_name_cell_line_label_and_features(pairs_file, feature_weights):
    from kipoi_prism.inference import score_frame

    frame = with_features(read_pairs(pairs_file))[["name", "cell_line", "label", "e0", "e1",
                                                   "e2", "p0"]]  # fmt: skip
    scores = score_frame(feature_weights, frame, feature_columns=FEATURES)
    assert len(scores) == len(frame) and scores["probability"].between(0, 1).all()


def test_score_frame_refuses_repeated_names_unless_told(pairs_file, feature_weights):
    from kipoi_prism.inference import score_frame

    frame = with_features(read_pairs(pairs_file))
    twice = pd.concat([frame, frame.iloc[:1]], ignore_index=True)
    with pytest.raises(PrismInputError, match="duplicate pair name"):
        score_frame(feature_weights, twice, feature_columns=FEATURES)
    scores = score_frame(feature_weights, twice, feature_columns=FEATURES, unique_names=False)
    assert len(scores) == len(twice)
    assert scores["probability"].iloc[0] == scores["probability"].iloc[-1]


def test_score_frame_input_errors(pairs_file, weights, feature_weights):
    from kipoi_prism.inference import score_frame

    frame = with_features(read_pairs(pairs_file))
    with pytest.raises(PrismInputError, match="a genome FASTA is needed"):
        score_frame(weights, frame)
    with pytest.raises(PrismInputError, match="needs feature columns"):
        score_frame(feature_weights, frame)
    with pytest.raises(PrismInputError, match=r"held-out: .*\['p9'\] not in the pair table"):
        score_frame(feature_weights, frame, feature_columns=(FEATURES[0], ["p9"]),
                    name="held-out")  # fmt: skip
    with pytest.raises(PrismInputError, match="model.feature_dims is"):
        score_frame(feature_weights, frame, feature_columns=(["e0"], ["p0"]))
    with pytest.raises(PrismInputError, match="pair table lacks column"):
        score_frame(feature_weights, frame.drop(columns="label"), feature_columns=FEATURES)
    frame = frame.drop(columns="line")  # rows numbered from 1 instead
    frame.loc[3, "e1"] = np.nan
    with pytest.raises(PrismInputError, match=r"^<pairs>: line 4: enhancer feature 'e1'"):
        score_frame(feature_weights, frame, feature_columns=FEATURES)
    twice = pd.concat([frame.iloc[:3], frame.iloc[:1]], ignore_index=True)
    with pytest.raises(PrismInputError, match=r"^<pairs> line 4: duplicate pair name .* line 1"):
        score_frame(feature_weights, twice, feature_columns=FEATURES)
