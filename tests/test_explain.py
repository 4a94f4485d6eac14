"""``kipoi-prism explain``: ISM and integrated gradients, their tracks, logos and errors."""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pyBigWig
import pytest
import torch
from conftest import random_sequence, write_fasta
from predict_helpers import BEDPE_HEADER, tiny_model, tiny_weights

from kipoi_prism.cli.main import main
from kipoi_prism.config import InferenceConfig
from kipoi_prism.inference import FilePairSource, Predictor
from kipoi_prism.inference.attributions import (
    explain_one,
    explain_pairs,
    ig_baseline,
    integrated_gradients,
    ism,
    ism_scores,
)
from kipoi_prism.io.attribution_tracks import write_attributions, write_bedgraph
from kipoi_prism.io.genome import Genome
from kipoi_prism.io.sequence import one_hot_encode
from kipoi_prism.model.weights import load_weights

Z_E = torch.linspace(-1.0, 1.0, 4)


@pytest.fixture(autouse=True)
def _one_thread(single_thread):
    yield


def _windows(seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    enhancer = one_hot_encode("N" * 6 + random_sequence(194, seed))  # 6 bases without a base
    promoter = one_hot_encode(random_sequence(150, seed + 1))
    return enhancer, promoter


@torch.inference_mode()
def _logit(model, enhancer, promoter) -> float:
    out = model(torch.from_numpy(enhancer)[None], torch.from_numpy(promoter)[None], Z_E)
    return float(out["logit"][0])


def _mutant(window: np.ndarray, position: int, base: int) -> np.ndarray:
    mutant = window.copy()
    mutant[:, position] = 0.0
    mutant[base, position] = 1.0
    return mutant


ENCODERS = {
    "residual": dict(encoder="residual"),
    "counts": dict(encoder="counts"),
    "counts-both-strands": dict(encoder="counts", count_both_strands=True),
    "counts-element-read": dict(encoder="counts", element_read=True),
    "counts-occupancy": dict(
        encoder="counts", count_both_strands=True, count_form="occupancy", site_rate=0.02
    ),
    "counts-occupancy-background": dict(
        encoder="counts",
        count_both_strands=True,
        count_form="occupancy",
        site_rate=0.02,
        site_background=2,
    ),
}


def _model(seed: int, encoder: str):
    """:func:`tiny_model` with ``ENCODERS[encoder]``; a site background gets a chain far
    from uniform (random log ratios), so that a mutation moves it."""
    model = tiny_model(seed, **ENCODERS[encoder])
    for element_encoder in (model.backbone.enhancer_encoder, model.backbone.promoter_encoder):
        background = getattr(element_encoder, "background", None)
        if background is not None:
            generator = torch.Generator().manual_seed(seed)
            background.log2_ratio.copy_(torch.randn(background.log2_ratio.shape,
                                                    generator=generator))  # fmt: skip
    return model


@pytest.mark.parametrize("encoder", ENCODERS)
def test_ism_equals_the_forward_difference_of_each_mutation(encoder):
    model = _model(0, encoder)
    enhancer, promoter = _windows()
    reference, deltas = ism(model, enhancer, promoter, Z_E, batch_size=64)
    assert reference == pytest.approx(_logit(model, enhancer, promoter), abs=1e-5)
    for element, position in (("enhancer", 6), ("enhancer", 120), ("promoter", 0),
                              ("promoter", 149)):  # fmt: skip
        windows = {"enhancer": enhancer, "promoter": promoter}
        ref_base = int(windows[element][:, position].argmax())
        for base in range(4):
            windows = {"enhancer": enhancer, "promoter": promoter}
            windows[element] = _mutant(windows[element], position, base)
            expected = _logit(model, windows["enhancer"], windows["promoter"]) - reference
            assert deltas[element][position, base] == pytest.approx(expected, abs=2e-5)
        assert deltas[element][position, ref_base] == 0.0
    # Positions without a base (N) are not mutated and get no score.
    assert np.isnan(deltas["enhancer"][:6]).all()
    scores = ism_scores(deltas["enhancer"])
    assert np.isnan(scores[:6]).all()
    assert scores[50] == pytest.approx(-np.nansum(deltas["enhancer"][50]) / 3)
    assert np.abs(deltas["promoter"]).max() > 1e-4  # the test can fail: deltas are not all 0


@pytest.mark.parametrize("encoder", ENCODERS)
def test_ism_does_not_depend_on_the_batch_size(encoder):
    model = _model(1, encoder)
    enhancer, promoter = _windows(3)
    one = ism(model, enhancer, promoter, Z_E, batch_size=1)
    many = ism(model, enhancer, promoter, Z_E, batch_size=97)
    assert one[0] == many[0]
    # Mutants encoded in full (a site background) sum in a batch-dependent order: 2e-6.
    atol = 2e-6 if "background" in encoder else 1e-6
    for element in ("enhancer", "promoter"):
        np.testing.assert_allclose(one[1][element], many[1][element], atol=atol)


@pytest.mark.parametrize(
    "config",
    [
        dict(enhancer_length=800),
        dict(enhancer_length=800, res_blocks=2, stem_kernel=12, res_pool=3),
    ],
)
def test_ism_of_a_long_window_matches_every_full_forward_pass(config):
    # Long enough that most mutants take the cropped path of the residual encoder.
    model = tiny_model(5, **config)
    enhancer = one_hot_encode("NN" + random_sequence(798, 7))
    promoter = one_hot_encode(random_sequence(150, 8))
    with warnings.catch_warnings():  # torch: an even kernel's 'same' padding copies the input
        warnings.simplefilter("ignore", UserWarning)
        _, deltas = ism(model, enhancer, promoter, Z_E, batch_size=300)
    mutants = np.repeat(enhancer[None], 4 * 798, axis=0)
    positions, bases = np.repeat(np.arange(2, 800), 4), np.tile(np.arange(4), 798)
    mutants[np.arange(len(mutants)), :, positions] = 0.0
    mutants[np.arange(len(mutants)), bases, positions] = 1.0
    with torch.inference_mode(), warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        promoters = torch.from_numpy(promoter)[None].expand(len(mutants), -1, -1)
        logits = model(torch.from_numpy(mutants), promoters, Z_E)["logit"].numpy()
    expected = logits.reshape(798, 4) - _logit(model, enhancer, promoter)
    np.testing.assert_allclose(deltas["enhancer"][2:], expected, atol=2e-6)
    assert np.abs(expected).max() > 1e-3


def test_ig_alone_reports_the_pair_logit():
    model = tiny_model(3)
    enhancer, promoter = _windows(2)
    pair = explain_one(model, enhancer, promoter, Z_E, ["ig"], ig_steps=4)
    assert pair.logit == pytest.approx(_logit(model, enhancer, promoter), abs=1e-6)
    assert list(pair.elements["enhancer"].scores) == ["ig"]


def test_integrated_gradients_are_complete():
    model = tiny_model(2)
    enhancer, promoter = _windows(5)
    scores, delta = integrated_gradients(model, enhancer, promoter, Z_E, steps=256)
    baseline = [ig_baseline(torch.from_numpy(x)).numpy() for x in (enhancer, promoter)]
    difference = _logit(model, enhancer, promoter) - _logit(model, *baseline)
    total = np.nansum(scores["enhancer"]) + np.nansum(scores["promoter"])
    assert abs(difference) > 1e-3
    assert total == pytest.approx(difference, rel=1e-2, abs=1e-4)
    assert delta == pytest.approx(abs(total - difference), abs=1e-6)
    assert np.isnan(scores["enhancer"][:6]).all()  # N: zero input, zero baseline, no score
    assert np.isfinite(scores["enhancer"][6:]).all()


# ------------------------------------------------------------------ genome coordinates

SIZES = {"chr1": 3000, "chr2": 2000}


def _genome(folder: Path, changes: dict[int, str] | None = None) -> Path:
    """chr1 and chr2 of random bases; ``changes`` ({chr1 position: base}) applied."""
    chr1 = list(random_sequence(SIZES["chr1"], 11))
    for position, base in (changes or {}).items():
        chr1[position] = base
    folder.mkdir(exist_ok=True)
    chr2 = random_sequence(SIZES["chr2"], 12)
    return write_fasta(folder / "genome.fa", {"chr1": "".join(chr1), "chr2": chr2})


def _pairs(path: Path, rows: list[tuple]) -> Path:
    lines = [BEDPE_HEADER]
    for name, e_start, p_start in rows:
        fields = ["chr1", e_start, e_start + 20, "chr1", p_start, p_start + 20, name, ".", "+",
                  "+", "cellA", 1]  # fmt: skip
        lines.append("\t".join(map(str, fields)) + "\n")
    path.write_text("".join(lines))
    return path


def _predictor(weights: Path, fasta: Path) -> Predictor:
    return Predictor(load_weights(weights), Genome(fasta), InferenceConfig(support_size=4))


@torch.inference_mode()
def _engine_logit(predictor: Predictor, pairs: Path) -> float:
    """The pair's logit through predict's own windows (the encoder) and network."""
    rows, enhancer, promoter = next(predictor.inputs(FilePairSource(pairs)))
    out = predictor.model(torch.as_tensor(enhancer), torch.as_tensor(promoter), Z_E)
    return float(out["logit"][0])


def test_tracks_put_each_base_score_at_its_genome_position(tmp_path):
    weights = tiny_weights(tmp_path / "tiny.pt", seed=3)
    fasta = _genome(tmp_path / "ref")
    # Pair "plus": windows inside chr1. Pair "edge": its enhancer window starts at
    # 10 - 100 = -90, so its first 90 bases are padding beyond the chromosome start.
    pairs = _pairs(tmp_path / "pairs.bedpe", [("plus", 1000, 2000), ("edge", 0, 2500)])
    predictor = _predictor(weights, fasta)
    given = {"cellA": Z_E}
    explained = list(explain_pairs(predictor, FilePairSource(pairs), ["ism"], given=given))
    assert [p.name for p in explained] == ["plus", "edge"]
    out = tmp_path / "out"
    out.mkdir()
    sizes = Genome(fasta).chrom_sizes
    for pair in explained:
        write_attributions(pair, out, sizes, top_width=10)
    edge = explained[1].elements["enhancer"]
    assert edge.start == -90
    bedgraph = pd.read_csv(out / "edge.enhancer.ism.bedgraph", sep="\t", skiprows=1, header=None)
    assert bedgraph[1].tolist() == list(range(0, 110))  # padded bases left out
    np.testing.assert_allclose(bedgraph[3], edge.scores["ism"][90:], rtol=1e-5)
    track = pyBigWig.open(str(out / "edge.enhancer.ism.bw"))
    assert track.chroms() == SIZES
    assert track.intervals("chr1")[0][:2] == (0, 1)
    track.close()

    # A known base: its track value is the score of mutating that base in the FASTA and
    # scoring the pair as predict reads it.
    pair_rows = _pairs(tmp_path / "plus.bedpe", [("plus", 1000, 2000)])
    for pair, element, position in (("plus", "promoter", 2037), ("edge", "enhancer", 3)):
        source = pair_rows if pair == "plus" else _pairs(tmp_path / "e.bedpe", [("edge", 0, 2500)])
        reference_base = Genome(fasta).fetch("chr1", position, position + 1).decode()
        reference = _engine_logit(predictor, source)
        deltas = []
        for base in "ACGT".replace(reference_base, ""):
            mutated = _genome(tmp_path / f"mut{base}", {position: base})
            deltas.append(_engine_logit(_predictor(weights, mutated), source) - reference)
        expected = -sum(deltas) / 3
        track = pyBigWig.open(str(out / f"{pair}.{element}.ism.bw"))
        assert track.values("chr1", position, position + 1)[0] == pytest.approx(expected, abs=2e-5)
        track.close()
        lines = pd.read_csv(out / f"{pair}.{element}.ism.bedgraph", sep="\t", skiprows=1,
                            header=None)  # fmt: skip
        value = lines.loc[lines[1] == position, 3].item()
        assert value == pytest.approx(expected, abs=2e-5)
        assert abs(expected) > 1e-5


# ------------------------------------------------------------------ the command


def _explain(capsys, *argv: str) -> tuple[int, str]:
    status = main(["explain", *argv])
    return status, capsys.readouterr().err


def _error_line(err: str) -> str:
    """The one error line among the log lines."""
    (line,) = [line for line in err.splitlines() if line.startswith("kipoi-prism: error:")]
    return line


def test_explain_writes_index_tracks_and_logos(tmp_path, capsys):
    weights = tiny_weights(tmp_path / "tiny.pt", seed=4)
    fasta = _genome(tmp_path / "ref")
    pairs = _pairs(tmp_path / "pairs.bedpe", [("p/1", 1000, 2000), ("p2", 500, 1500),
                                              ("p3", 600, 1700)])  # fmt: skip
    out = tmp_path / "explained"
    status, err = _explain(capsys, "--pairs", str(pairs), "--fasta", str(fasta), "--out",
                           str(out), "--weights", str(weights), "--max-pairs", "2",
                           "--ig-steps", "8", "--device", "cpu")  # fmt: skip
    assert status == 0, err
    assert "pair 1/2 p/1" in err and "pair 2/2 p2" in err
    index = pd.read_csv(out / "attributions.tsv", sep="\t")
    assert len(index) == 2 * 2 * 2  # pairs x elements x methods
    assert set(index["method"]) == {"ism", "ig"}
    assert index["pair"].unique().tolist() == ["p/1", "p2"]
    for column in ("bedgraph", "bigwig", "logo"):
        for name in index[column]:
            assert (out / name).stat().st_size > 0
    logo = (out / "p_1.enhancer.png").read_bytes()
    assert logo[:8] == b"\x89PNG\r\n\x1a\n"
    assert (index["top_end"] - index["top_start"] == 30).all()
    assert not list(out.glob(".*.tmp"))


def test_explain_refuses_chromatin_weights_in_one_line(tmp_path, capsys):
    fasta = _genome(tmp_path / "ref")
    pairs = _pairs(tmp_path / "pairs.bedpe", [("p1", 1000, 2000)])
    status, err = _explain(capsys, "--pairs", str(pairs), "--fasta", str(fasta), "--out",
                           str(tmp_path / "o"), "--weights", "prism-energy-chromatin")  # fmt: skip
    assert status == 2
    assert "chromatin" in _error_line(err) and "--weights" in _error_line(err)


def test_explain_names_the_line_of_a_pair_off_the_fasta(tmp_path, capsys):
    weights = tiny_weights(tmp_path / "tiny.pt", seed=4)
    fasta = _genome(tmp_path / "ref")
    pairs = _pairs(tmp_path / "pairs.bedpe", [("p1", 1000, 2000), ("p2", 1000, 2000)])
    text = pairs.read_text().splitlines(keepends=True)
    pairs.write_text(text[0] + text[1] + text[2].replace("chr1", "chr7", 1))
    status, err = _explain(capsys, "--pairs", str(pairs), "--fasta", str(fasta), "--out",
                           str(tmp_path / "o"), "--weights", str(weights))  # fmt: skip
    assert status == 2
    line = _error_line(err)
    assert "chr7" in line and "line 3" in line and str(pairs) in line
    status, err = _explain(capsys, "--pairs", str(pairs), "--fasta", str(fasta), "--out",
                           str(tmp_path / "o"), "--method", "ism,shap")  # fmt: skip
    assert status == 2
    assert "--method" in _error_line(err) and "shap" in _error_line(err)


def test_bedgraph_leaves_out_bases_past_the_chromosome_end_and_n(tmp_path):
    scores = np.array([-0.0, 1.5, np.nan, 2.0, 3.0, 4.0], np.float32)
    path = write_bedgraph(tmp_path / "t.bedgraph", "chr2", 96, scores, chrom_size=100)
    assert path.read_text() == "chr2\t96\t97\t0\nchr2\t97\t98\t1.5\nchr2\t99\t100\t2\n"
