"""Motifs found without labels (:mod:`kipoi_prism.training.motif_discovery`), the MEME writer,
``kipoi-prism motifs`` and ``kipoi-prism benchmark --stem-motifs discovered``."""

from __future__ import annotations

import itertools
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import torch
from conftest import write_fasta

from kipoi_prism.cli.main import main
from kipoi_prism.errors import PrismInputError
from kipoi_prism.io.encode import PairEncoder
from kipoi_prism.io.genome import Genome
from kipoi_prism.io.motifs import Motif, read_meme, write_meme
from kipoi_prism.io.sequence import encode_codes
from kipoi_prism.training.motif_discovery import (
    DiscoveryConfig,
    discover_in_pairs,
    discover_motifs,
    element_codes,
    encode,
    markov_expectation,
    merged_intervals,
    overlaps,
    scan_matrix,
    simple_repeat,
    word_index,
)

PLANTED = {"TGACTCAG": 0.9, "CCAATCGG": 0.9}  # seed word: share of base draws that keep it
BASES = np.array(list("ACGT"))


def _planted_windows(n: int, length: int, seed: int, words=PLANTED, per_window: float = 0.6):
    """Random windows (codes) with noisy copies of ``words`` planted on either strand."""
    rng = np.random.default_rng(seed)
    codes = rng.integers(0, 4, size=(n, length)).astype(np.uint8)
    for word, keep in words.items():
        site = np.array(["ACGT".index(c) for c in word], np.uint8)
        for row in np.flatnonzero(rng.random(n) < per_window):
            copy = np.where(rng.random(len(site)) < keep, site, rng.integers(0, 4, len(site)))
            if rng.random() < 0.5:
                copy = (3 - copy)[::-1]
            start = rng.integers(0, length - len(site))
            codes[row, start : start + len(site)] = copy
    return codes


def _text(codes) -> str:
    return "".join(BASES[codes])


def _reverse(word: str) -> str:
    return word[::-1].translate(str.maketrans("ACGT", "TGCA"))


def _matches(motif: Motif, word: str) -> bool:
    """Whether the motif's consensus holds ``word`` or its reverse complement."""
    return word in motif.consensus or _reverse(word) in motif.consensus


def test_discovery_finds_planted_words_on_either_strand():
    codes = _planted_windows(400, 300, seed=0)
    motifs, words = discover_motifs(codes, DiscoveryConfig(markov_order=2))
    found = {planted: [m for m in motifs if _matches(m, planted)] for planted in PLANTED}
    assert all(found.values()), [m.consensus for m in motifs]
    # The planted words rank first (as themselves, either strand), far above the background.
    top = {w.text for w in words[:2]}
    assert all(p in top or _reverse(p) in top for p in PLANTED), [w.text for w in words]
    assert words[1].z > 20 and words[1].observed > 2 * words[1].expected
    # The matrices are sharp at the word and flat in the flanks (width k + 2 * flank).
    motif = found["TGACTCAG"][0]
    assert motif.width == 8 + 2 * 3
    information = 2 + (motif.probabilities * np.log2(motif.probabilities)).sum(axis=1)
    assert information[3:11].min() > 0.8 and information[:3].max() < 0.2


def test_simple_repeats_are_not_motifs():
    codes = _planted_windows(400, 300, seed=6, words={"ACACACAC": 0.95, "AAAAAAAA": 0.95,
                                                      "TGACTCAG": 0.9})  # fmt: skip
    motifs, words = discover_motifs(codes, DiscoveryConfig(markov_order=2))
    assert [w.text for w in words][:1] in (["TGACTCAG"], ["CTGAGTCA"])
    assert not any(simple_repeat(encode(w.text)) for w in words)


def test_random_windows_give_no_motif():
    codes = np.random.default_rng(1).integers(0, 4, size=(300, 300)).astype(np.uint8)
    motifs, words = discover_motifs(codes, DiscoveryConfig(markov_order=2))
    assert motifs == [] and words == []


def test_markov_expectation_is_the_chain_formula():
    codes = _planted_windows(50, 120, seed=2)
    k, m = 5, 2
    expected = markov_expectation(codes, k, m)
    # Both-strand counts of the (m+1)- and m-mers, counted by hand.
    text = [_text(row) for row in codes]
    reverse = [_reverse(t) for t in text]

    def count(word):
        return sum(s.count(word) if len(word) == 1 else _overlapping(s, word)
                   for s in text + reverse)  # fmt: skip

    for word in ("TGACT", "AAAAA", "CGCGA"):
        value = count(word[: m + 1])
        for i in range(1, k - m):
            value *= count(word[i : i + m + 1]) / count(word[i : i + m])
        index = int("".join(str("ACGT".index(c)) for c in word), 4)
        assert expected[index] == pytest.approx(value, rel=1e-9)
    # Over all words the chain expects about as many words as there are.
    index, ok = word_index(codes, k)
    assert expected.sum() == pytest.approx(2 * ok.sum(), rel=0.05)


def _overlapping(text: str, word: str) -> int:
    return sum(text.startswith(word, i) for i in range(len(text) - len(word) + 1))


@pytest.mark.parametrize(
    "a, b, same",
    [
        ("TGACTCAG", "TGACTCAG", True),
        ("TGACTCAG", "CTGAGTCA", True),  # reverse complement
        ("TGACTCAG", "GACTCAGA", True),  # shifted by one
        ("TGACTCAG", "TGACTTAG", True),  # one mismatch
        ("TGACTCAG", "TGTCTTAG", False),  # two mismatches
        ("TGACTCAG", "CCAATCGG", False),
    ],
)
def test_overlap_covers_strands_shifts_and_one_mismatch(a, b, same):
    digits = {w: encode(w) for w in (a, b)}
    assert overlaps(digits[a], digits[b]) is same


def test_write_meme_round_trips(tmp_path):
    rng = np.random.default_rng(3)
    motifs = [Motif(f"found_{i}", name, rng.dirichlet(np.ones(4), size=width))
              for i, (name, width) in enumerate((("ACGTACGT", 8), ("CCAAT", 5)))]  # fmt: skip
    write_meme(tmp_path / "m.meme", motifs)
    again = read_meme(tmp_path / "m.meme")
    assert [(m.id, m.name) for m in again] == [(m.id, m.name) for m in motifs]
    for a, b in zip(again, motifs, strict=True):
        np.testing.assert_allclose(a.probabilities, b.probabilities, atol=1e-5)


@pytest.fixture
def planted_pairs(tmp_path):
    """A made genome of 200 enhancer and 50 promoter windows (1 kb apart) and a labelled
    pair table over them (each enhancer paired with two promoters)."""
    enhancers = _planted_windows(200, 300, seed=4, words={"TGACTCAG": 0.9})
    promoters = _planted_windows(50, 300, seed=5, words={"CCAATCGG": 0.9})
    spacer = "N" * 200
    chrom = spacer.join(_text(w) for w in np.vstack([enhancers, promoters]))
    fasta = write_fasta(tmp_path / "genome.fa", {"chr1": chrom})
    starts = np.arange(250) * 500
    rows = []
    for i, p in itertools.product(range(200), range(2)):
        promoter = 200 + (i + 17 * p) % 50
        rows.append(
            {
                "enhancer_chrom": "chr1",
                "enhancer_start": starts[i],
                "enhancer_end": starts[i] + 300,
                "promoter_chrom": "chr1",
                "promoter_start": starts[promoter],
                "promoter_end": starts[promoter] + 300,
                "cell_line": "A" if i < 100 else "B",
                "label": int((i + p) % 7 == 0),
            }
        )
    table = pd.DataFrame(rows)
    path = tmp_path / "pairs.bedpe"
    bedpe = table.assign(name=[f"pair{i}" for i in range(len(table))], score=0, strand1=".",
                         strand2=".")  # fmt: skip
    bedpe.to_csv(path, sep="\t", index=False, header=False,
                 columns=["enhancer_chrom", "enhancer_start", "enhancer_end", "promoter_chrom",
                          "promoter_start", "promoter_end", "name", "score", "strand1",
                          "strand2", "cell_line", "label"])  # fmt: skip
    return fasta, table, path


def test_discovery_in_pairs_reads_each_window_once_and_no_label(planted_pairs):
    fasta, table, _ = planted_pairs
    encoder = PairEncoder(Genome(fasta), 300, 300)
    config = DiscoveryConfig(markov_order=2)
    motifs = discover_in_pairs(table, encoder, config)
    assert any(_matches(m, "TGACTCAG") for m in motifs if m.id.startswith("enhancer"))
    assert any(_matches(m, "CCAATCGG") for m in motifs if m.id.startswith("promoter"))
    # Repeated rows and other labels change nothing: windows are counted once, labels unread.
    shuffled = table.assign(label=table["label"].sample(frac=1, random_state=0).to_numpy())
    again = discover_in_pairs(pd.concat([shuffled, shuffled]), encoder, config)
    assert [m.name for m in again] == [m.name for m in motifs]
    for a, b in zip(again, motifs, strict=True):
        np.testing.assert_array_equal(a.probabilities, b.probabilities)


def test_motifs_command_writes_meme_that_train_reads(planted_pairs, tmp_path, capsys):
    fasta, _, pairs = planted_pairs
    out = tmp_path / "found.meme"
    status = main(["motifs", "--pairs", str(pairs), "--fasta", str(fasta), "--out", str(out),
                   "--enhancer-length", "300", "--promoter-length", "300"])  # fmt: skip
    assert status == 0
    motifs = read_meme(out)
    assert any(_matches(m, "TGACTCAG") for m in motifs)
    # Standard output when --out is left out; one cell line's pairs on request.
    assert main(["motifs", "--pairs", str(pairs), "--fasta", str(fasta), "--cell-line", "A",
                 "--enhancer-length", "300", "--promoter-length", "300"]) == 0  # fmt: skip
    assert capsys.readouterr().out.startswith("MEME version 4")
    # Each cell line's windows apart: the ids name the cell line.
    assert main(["motifs", "--pairs", str(pairs), "--fasta", str(fasta), "--by-cell-line",
                 "--enhancer-length", "300", "--promoter-length", "300"]) == 0  # fmt: skip
    ids = re.findall(r"^MOTIF (\S+)", capsys.readouterr().out, flags=re.MULTILINE)
    assert ids and {i.split("_")[0] for i in ids} == {"A", "B"}, ids
    # The stem takes them: both strands of each motif in the first filters.
    from kipoi_prism.config import ModelConfig
    from kipoi_prism.model.backbone import PrismBackbone, initialise_stem

    backbone = PrismBackbone(ModelConfig(channels=2 * len(motifs) + 2, enhancer_length=300,
                                         promoter_length=300))  # fmt: skip
    assert initialise_stem(backbone, motifs, freeze=True) == 2 * len(motifs)
    assert not backbone.enhancer_encoder.stem.weight.requires_grad
    assert torch.isfinite(backbone.enhancer_encoder.stem.weight).all()


def test_motifs_command_errors_name_the_problem(planted_pairs, tmp_path, capsys):
    fasta, _, pairs = planted_pairs
    status = main(["motifs", "--pairs", str(pairs), "--fasta", str(fasta), "--cell-line", "Z"])
    assert status == 2
    assert "--cell-line Z: no such pairs; the table has A, B" in capsys.readouterr().err
    flat = write_fasta(tmp_path / "flat.fa", {"chr1": "ACGT" * 40_000})
    status = main(["motifs", "--pairs", str(pairs), "--fasta", str(flat), "--k", "12"])
    assert status == 2
    assert "k: 12; expected 4-10" in capsys.readouterr().err
    # The shipped example's 48 pairs: too few windows for any word to stand out.
    example = Path(__file__).resolve().parents[1] / "example"
    status = main(["motifs", "--pairs", str(example / "pairs.bedpe"),
                   "--fasta", str(example / "genome.fa")])  # fmt: skip
    assert status == 2
    assert "no word over-represented with z >= 5.0 in the windows of 48 pairs" in (
        capsys.readouterr().err
    )


def test_benchmark_stem_frozen_at_discovered_motifs(shared_data, tmp_path):
    out = tmp_path / "bench"
    status = main(
        [
            "--quiet",
            "benchmark",
            "--tracks",
            "sequence",
            "--rows",
            "task_only",
            "--baselines",
            "",
            "--stem-motifs",
            "discovered",
            "--held-out",
            "K562",
            "--data-dir",
            str(shared_data),
            "--out",
            str(out),
            "--threads",
            "2",
        ]
    )
    assert status == 0
    motifs = read_meme(out / "discovered-K562-seed0.meme")
    assert len(motifs) >= 5
    # The fit's first layer was frozen at them: its recorded configuration says so.
    config = (out / "runs" / "seq-task_only-K562-seed0" / "config.yaml").read_text()
    assert "discovered-K562-seed0.meme" in config and "freeze_stem: true" in config


def test_overlapping_windows_count_each_base_once(planted_pairs):
    fasta, table, _ = planted_pairs
    encoder = PairEncoder(Genome(fasta), 300, 300)
    alone = element_codes(table, encoder, "enhancer")
    assert alone.shape == (200, 300)  # windows that do not overlap: one row each
    # The same windows again, 100 bp to the right: each base of the union once, in order.
    shifted = table.assign(enhancer_start=table["enhancer_start"] + 100,
                           enhancer_end=table["enhancer_end"] + 100)  # fmt: skip
    both = element_codes(pd.concat([table, shifted]), encoder, "enhancer")
    assert both.shape == (400, 300)  # 400 bp stretches: a full row and a 100 bp row each
    assert (both[1::2, 100:] == 4).all()  # the short rows' padding
    assert (both < 4).sum() == (alone < 4).sum()  # the shifted windows add only spacer N
    genome = Genome(fasta)
    first = encode_codes(np.frombuffer(genome.fetch("chr1", 0, 400), np.uint8))
    np.testing.assert_array_equal(np.concatenate([both[0], both[1, :100]]), first)
    assert merged_intervals(np.array([5, 0, 20, 8]), np.array([10, 6, 30, 12])) == [
        (0, 12),
        (20, 30),
    ]


def test_benchmark_says_when_no_motif_stands_out(tmp_path):
    from kipoi_prism.benchmark.sequence_track import discovered_motifs
    from kipoi_prism.config.benchmark import BenchmarkConfig

    genome = write_fasta(
        tmp_path / "random.fa", {"chr1": _text(_planted_windows(1, 60_000, 7, {})[0])}
    )
    frame = pd.DataFrame({"enhancer_chrom": "chr1", "enhancer_start": np.arange(40) * 1000,
                          "enhancer_end": np.arange(40) * 1000 + 300, "promoter_chrom": "chr1",
                          "promoter_start": np.arange(40) * 1000 + 500,
                          "promoter_end": np.arange(40) * 1000 + 800,
                          "cell_line": ["A", "B"] * 20})  # fmt: skip
    encoder = PairEncoder(Genome(genome), 300, 300)
    config = BenchmarkConfig(stem_motifs="discovered")
    with pytest.raises(PrismInputError, match="no motif stands out .* without A"):
        discovered_motifs(config, frame, encoder, "A", tmp_path / "found.meme")
    assert not (tmp_path / "found.meme").exists()
    assert discovered_motifs(BenchmarkConfig(), frame, encoder, "A", tmp_path / "x") is None


def test_refining_rebuilds_a_matrix_from_its_scan_hits_on_both_strands():
    codes = _planted_windows(300, 200, seed=8, words={"TGACTCAG": 0.9})
    start = np.full((8, 4), 0.1)
    start[np.arange(8), [3, 2, 0, 1, 3, 1, 0, 2]] = 0.7  # TGACTCAG, blurred
    refined = scan_matrix(codes, start)
    assert "".join("ACGT"[i] for i in refined.argmax(axis=1)) == "TGACTCAG"
    assert refined.max(axis=1).min() > 0.7  # sharper than the start: its sites agree
    # Reverse-strand sites are counted oriented: the planted word's reverse complement alone
    # gives the same matrix.
    flipped = np.where(codes < 4, 3 - codes, codes)[:, ::-1].copy()
    np.testing.assert_allclose(scan_matrix(flipped, start), refined)
    # No site at all: the matrix is returned as it was.
    assert scan_matrix(np.full((3, 50), 4, np.uint8), start) is start
    motifs, _ = discover_motifs(codes, DiscoveryConfig(markov_order=2, refine=1))
    assert _matches(motifs[0], "TGACTCAG")


RELATIVES = {"A": "TGACTCAG", "B": "TGACTCAT"}  # one family's relatives, one base apart


@pytest.fixture
def relatives_pairs(tmp_path):
    """Cell lines A and B whose enhancers carry one relative each (``RELATIVES``), over 40
    shared promoters with their own word: ``(fasta, table)``."""
    windows = [_planted_windows(120, 300, seed=10 + i, words={word: 0.95}, per_window=0.8)
               for i, word in enumerate(RELATIVES.values())]  # fmt: skip
    promoters = _planted_windows(40, 300, seed=12, words={"CCAATCGG": 0.9})
    chrom = ("N" * 200).join(_text(w) for w in np.vstack([*windows, promoters]))
    fasta = write_fasta(tmp_path / "genome.fa", {"chr1": chrom})
    starts = np.arange(280) * 500
    table = pd.DataFrame({"enhancer_chrom": "chr1", "enhancer_start": starts[:240],
                          "enhancer_end": starts[:240] + 300, "promoter_chrom": "chr1",
                          "promoter_start": starts[240 + np.arange(240) % 40],
                          "promoter_end": starts[240 + np.arange(240) % 40] + 300,
                          "cell_line": ["A"] * 120 + ["B"] * 120})  # fmt: skip
    return fasta, table


def test_discovery_by_cell_line_keeps_relatives_apart(relatives_pairs):
    """The pooled search merges the two relatives into one motif; the search per cell line
    keeps a matrix for each, built from that cell line's sites."""
    fasta, table = relatives_pairs
    encoder = PairEncoder(Genome(fasta), 300, 300)
    config = DiscoveryConfig(markov_order=2)
    pooled = [m for m in discover_in_pairs(table, encoder, config) if "enhancer" in m.id]
    assert sum(any(_matches(m, w) for w in RELATIVES.values()) for m in pooled) == 1, [
        (m.name, m.consensus) for m in pooled
    ]
    apart = discover_in_pairs(table, encoder, config, by_cell_line=True)
    for cell_line, word in RELATIVES.items():
        own = [m for m in apart if m.id.startswith(f"{cell_line}_enhancer_")]
        assert own and _matches(own[0], word), [m.consensus for m in own]
    assert {m.id.split("_")[0] for m in apart} == {"A", "B"}
    assert len({m.id for m in apart}) == len(apart)


def test_benchmark_discovers_per_cell_line_without_the_held_out_one(relatives_pairs, tmp_path):
    from kipoi_prism.benchmark.sequence_track import discovered_motifs
    from kipoi_prism.config.benchmark import BenchmarkConfig

    fasta, table = relatives_pairs
    encoder = PairEncoder(Genome(fasta), 300, 300)
    config = BenchmarkConfig(stem_motifs="discovered-by-cell-line")
    path, ids = discovered_motifs(config, table, encoder, "B", tmp_path / "found.meme")
    assert ids and all(i.startswith("A_") for i in ids), ids  # B's regions left out
    assert [m.id for m in read_meme(path)] == ids
    pooled = BenchmarkConfig(stem_motifs="discovered")
    _, pooled_ids = discovered_motifs(pooled, table, encoder, "B", tmp_path / "pooled.meme")
    assert not any(i.startswith("A_") for i in pooled_ids)
    with pytest.raises(PrismInputError, match="discovered-by-cell-line"):
        BenchmarkConfig(stem_motifs="by-cell-line")


@pytest.mark.parametrize("stem, frozen", [("discovered", True),
                                          ("discovered-by-cell-line", True),
                                          ("discovered-init", False)])  # fmt: skip
def test_benchmark_discovered_stems_frozen_or_trained(relatives_pairs, tmp_path, stem, frozen):
    """``discovered-init`` starts the first layer at the pooled search's motifs and trains it;
    the other discovered stems keep it frozen."""
    from kipoi_prism.benchmark.sequence_track import discovered_motifs, with_stem_motifs
    from kipoi_prism.config import ModelConfig, TrainConfig
    from kipoi_prism.config.benchmark import BenchmarkConfig

    fasta, table = relatives_pairs
    config = BenchmarkConfig(stem_motifs=stem)
    found = discovered_motifs(config, table, PairEncoder(Genome(fasta), 300, 300), "B",
                              tmp_path / "found.meme")  # fmt: skip
    model, train = with_stem_motifs(config, tmp_path, ModelConfig(channels=2), TrainConfig(),
                                    [], found)  # fmt: skip
    assert train.freeze_stem is frozen and train.stem_motifs == str(tmp_path / "found.meme")
    assert train.stem_motif_ids == found[1] and model.channels == 2 * len(found[1])
    assert any(i.startswith("A_") for i in found[1]) is (stem == "discovered-by-cell-line")


def test_contrast_finds_what_sets_one_cell_line_apart_not_what_all_share():
    """Against another cell line's windows (``background``) a word both carry is expected
    there as often and is not a motif; the word only this cell line carries is."""
    own = _planted_windows(300, 300, seed=20, words={"TGACTCAG": 0.95, "CCAATCGG": 0.95})
    other = _planted_windows(300, 300, seed=21, words={"CCAATCGG": 0.95, "GATAAGCA": 0.95})
    config = DiscoveryConfig(markov_order=2)
    against_chain, _ = discover_motifs(own, config)
    assert any(_matches(m, "CCAATCGG") for m in against_chain)  # the chain expects neither
    contrast, words = discover_motifs(own, config, "A_contrast", background=other)
    assert contrast and _matches(contrast[0], "TGACTCAG"), [w.text for w in words]
    assert not any(_matches(m, "CCAATCGG") for m in contrast)
    assert contrast[0].id == "A_contrast_1"
    # Expected counts scale the background's to the windows' own word total.
    from kipoi_prism.training.motif_discovery import contrast_expectation, strand_counts

    observed = strand_counts(own, 4)
    expected = contrast_expectation(observed, other, 4)
    assert expected.sum() == pytest.approx(observed.sum())
    assert contrast_expectation(observed, own, 4) == pytest.approx(
        (observed + 0.5) * observed.sum() / (observed + 0.5).sum()
    )


def test_discovery_by_contrast_adds_each_cell_lines_own_words_to_the_pooled_list(tmp_path):
    from kipoi_prism.training.motif_discovery import discover_by_contrast

    words = {"A": {"TGACTCAG": 0.95}, "B": {"GATAAGCA": 0.95}, "C": {"CACGTGAC": 0.95}}
    windows = [_planted_windows(100, 300, seed=30 + i, words={**w, "CCAATCGG": 0.9},
                                per_window=0.5) for i, w in enumerate(words.values())]  # fmt: skip
    chrom = ("N" * 200).join(_text(w) for w in np.vstack(windows))
    fasta = write_fasta(tmp_path / "genome.fa", {"chr1": chrom})
    starts = np.arange(300) * 500
    table = pd.DataFrame({"enhancer_chrom": "chr1", "enhancer_start": starts,
                          "enhancer_end": starts + 300, "promoter_chrom": "chr1",
                          "promoter_start": starts[::-1], "promoter_end": starts[::-1] + 300,
                          "cell_line": np.repeat(list(words), 100)})  # fmt: skip
    encoder = PairEncoder(Genome(fasta), 300, 300)
    config = DiscoveryConfig(markov_order=2, n_motifs=1)  # one motif a window set
    pooled = discover_in_pairs(table, encoder, config)
    assert [m for m in pooled if _matches(m, "CCAATCGG")] == pooled  # the shared word only
    found = discover_by_contrast(table, encoder, config)
    assert [m.id for m in found[: len(pooled)]] == [m.id for m in pooled]  # pooled first
    added = found[len(pooled) :]
    assert [m.id for m in added] == ["A_contrast_1", "B_contrast_1", "C_contrast_1"]
    for motif, own in zip(added, words.values(), strict=True):  # each cell line's own word
        assert _matches(motif, next(iter(own))), motif.consensus
    seeds = [encode(m.name) for m in found]
    assert not any(overlaps(a, b) for i, a in enumerate(seeds) for b in seeds[:i])


def test_soft_masked_repeats_are_left_out_of_the_search_unless_kept(tmp_path):
    """A word planted in lower case (a repeat, as UCSC marks them) stands out only when
    soft-masked bases are searched; the upper-case motif stands out either way."""
    enhancers = _planted_windows(200, 300, seed=6, words={"TGACTCAG": 0.9})
    repeats = _planted_windows(200, 300, seed=7, words={"GGTACCAT": 0.95}, per_window=0.9)
    texts = []
    for motif_row, repeat_row in zip(enhancers, repeats, strict=True):
        text = list(_text(motif_row))
        masked = _text(repeat_row[:150]).lower()  # the repeat copies, soft-masked
        text[150:] = masked
        texts.append("".join(text))
    fasta = write_fasta(tmp_path / "genome.fa", {"chr1": ("N" * 200).join(texts)})
    table = pd.DataFrame({"enhancer_chrom": "chr1", "enhancer_start": np.arange(200) * 500,
                          "enhancer_end": np.arange(200) * 500 + 300, "promoter_chrom": "chr1",
                          "promoter_start": np.arange(200) * 500,
                          "promoter_end": np.arange(200) * 500 + 300, "cell_line": "A",
                          "label": 0})  # fmt: skip
    encoder = PairEncoder(Genome(fasta), 300, 300)
    masked = discover_in_pairs(table, encoder, DiscoveryConfig(markov_order=2))
    kept = discover_in_pairs(table, encoder, DiscoveryConfig(markov_order=2,
                                                             soft_masked_as_n=False))  # fmt: skip
    assert any(_matches(m, "TGACTCAG") for m in masked)
    assert not any(_matches(m, "GGTACCAT") for m in masked)
    assert any(_matches(m, "GGTACCAT") for m in kept)
    codes = element_codes(table, encoder, "enhancer", soft_masked_as_n=True)
    assert (codes[:, 150:] == 4).all() and (codes[:, :150] < 4).all()
    pairs = tmp_path / "pairs.bedpe"
    table.assign(name=[f"p{i}" for i in range(200)], score=0, s1=".", s2=".").to_csv(
        pairs, sep="\t", index=False, header=False,
        columns=["enhancer_chrom", "enhancer_start", "enhancer_end", "promoter_chrom",
                 "promoter_start", "promoter_end", "name", "score", "s1", "s2", "cell_line",
                 "label"])  # fmt: skip
    argv = ["motifs", "--pairs", str(pairs), "--fasta", str(fasta), "--enhancer-length", "300",
            "--promoter-length", "300"]  # fmt: skip
    for extra, repeat_found in (([], False), (["--keep-soft-masked"], True)):
        out = tmp_path / f"found{len(extra)}.meme"
        assert main([*argv, *extra, "--out", str(out)]) == 0
        found = read_meme(out)
        assert any(_matches(m, "TGACTCAG") for m in found)
        assert any(_matches(m, "GGTACCAT") for m in found) == repeat_found
