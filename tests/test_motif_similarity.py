"""Matrix similarity and merging near-copies of discovered motifs
(:mod:`kipoi_prism.training.motif_similarity`), and the merge as discovery, the ``motifs``
command and the benchmark apply it."""

from __future__ import annotations

import numpy as np
import pytest
from test_motif_discovery import RELATIVES, _matches, relatives_pairs  # noqa: F401

from kipoi_prism.errors import PrismInputError
from kipoi_prism.io.encode import PairEncoder
from kipoi_prism.io.genome import Genome
from kipoi_prism.io.motifs import Motif
from kipoi_prism.training.motif_discovery import DiscoveryConfig, discover_in_pairs
from kipoi_prism.training.motif_similarity import matrix_similarity, merge_similar


def _matrix(seed: int, width: int = 10) -> np.ndarray:
    return np.random.default_rng(seed).dirichlet(np.full(4, 0.3), size=width)


def test_matrix_similarity_finds_a_factor_on_either_strand_and_shift():
    motif = _matrix(0)
    assert matrix_similarity(motif, motif) > 0.999
    assert matrix_similarity(motif, motif[::-1, ::-1]) > 0.999  # reverse complement
    assert matrix_similarity(motif, motif[2:]) > 0.999  # trimmed: a shift
    padded = np.vstack([np.full((2, 4), 0.25), motif])  # flat flank before: a shift of 2
    assert matrix_similarity(motif, padded) > 0.999
    # Every column in common counts: a flat one (r undefined) as 0, 2 of 10 here.
    middle = np.vstack([motif[:4], np.full((2, 4), 0.25), motif[6:]])
    assert abs(matrix_similarity(motif, middle) - 0.8) < 1e-6
    assert matrix_similarity(motif, _matrix(1)) < 0.6
    assert matrix_similarity(motif, motif[:5]) == -1.0  # cannot overlap by 6 columns


def test_merge_keeps_the_first_of_each_near_copy_in_order():
    a, b = _matrix(0), _matrix(1)
    noisy = 0.9 * a + 0.1 * _matrix(2)  # a, slightly blurred
    motifs = [Motif("x_1", "a", a), Motif("x_2", "b", b),
              Motif("y_1", "a'", noisy[::-1, ::-1].copy()),
              Motif("y_2", "b", b[1:].copy())]  # fmt: skip
    assert matrix_similarity(a, noisy) > 0.9
    assert [m.id for m in merge_similar(motifs, 0.9)] == ["x_1", "x_2"]
    assert [m.id for m in merge_similar(motifs, 1.0)] == ["x_1", "x_2", "y_1", "y_2"]
    assert merge_similar(motifs, 0.9)[0] is motifs[0]  # kept unchanged
    with pytest.raises(ValueError, match="threshold"):
        merge_similar(motifs, 0.0)
    with pytest.raises(ValueError, match="merge_similarity"):
        DiscoveryConfig(merge_similarity=1.5)


def test_discovery_by_cell_line_merges_shared_factors_not_relatives(relatives_pairs):  # noqa: F811
    """Cell lines A and B share their promoters' word and carry a relative each in their
    enhancers: merged, the shared word is kept once (A's) and the relatives stay apart."""
    fasta, table = relatives_pairs
    encoder = PairEncoder(Genome(fasta), 300, 300)
    apart = discover_in_pairs(table, encoder, DiscoveryConfig(markov_order=2), by_cell_line=True)
    config = DiscoveryConfig(markov_order=2, merge_similarity=0.9)
    merged = discover_in_pairs(table, encoder, config, by_cell_line=True)
    shared = [m for m in apart if _matches(m, "CCAATCGG")]
    assert {m.id.split("_")[0] for m in shared} == {"A", "B"}  # found in each cell line
    assert [m.id for m in merged if _matches(m, "CCAATCGG")] == [shared[0].id]
    for cell_line, word in RELATIVES.items():
        assert any(m.id.startswith(f"{cell_line}_") and _matches(m, word) for m in merged)
    kept = {m.id for m in merged}
    assert [m.id for m in merged] == [m.id for m in apart if m.id in kept]  # order kept
    assert len(merged) < len(apart)


def test_benchmark_and_motifs_command_pass_the_merge_threshold(relatives_pairs, tmp_path):  # noqa: F811
    from kipoi_prism.benchmark.sequence_track import discovered_motifs
    from kipoi_prism.cli.main import main
    from kipoi_prism.config.benchmark import BenchmarkConfig
    from kipoi_prism.io.motifs import read_meme

    fasta, table = relatives_pairs
    encoder = PairEncoder(Genome(fasta), 300, 300)
    counts = {}
    for merge in (0.0, 0.9):
        config = BenchmarkConfig(stem_motifs="discovered-by-cell-line", stem_merge_similarity=merge)
        _, ids = discovered_motifs(config, table, encoder, "none", tmp_path / f"{merge}.meme")
        counts[merge] = len(ids)
    assert counts[0.9] < counts[0.0]
    with pytest.raises(PrismInputError, match="only with stem_motifs discovered"):
        BenchmarkConfig(stem_merge_similarity=0.9)
    with pytest.raises(PrismInputError, match="stem_merge_similarity"):
        BenchmarkConfig(stem_motifs="discovered", stem_merge_similarity=2.0)
    pairs = tmp_path / "pairs.bedpe"
    bedpe = table.assign(name=[f"pair{i}" for i in range(len(table))], score=0, strand1=".",
                         strand2=".")  # fmt: skip
    bedpe.to_csv(pairs, sep="\t", index=False, header=False,
                 columns=[*table.columns[:6], "name", "score", "strand1", "strand2",
                          "cell_line"])  # fmt: skip
    for merge in ("0", "0.9"):
        out = tmp_path / f"cli-{merge}.meme"
        assert main(["motifs", "--fasta", str(fasta), "--pairs", str(pairs), "--by-cell-line",
                     "--merge-similar", merge, "--out", str(out), "--enhancer-length", "300",
                     "--promoter-length", "300"]) == 0  # fmt: skip
    assert len(read_meme(tmp_path / "cli-0.9.meme")) < len(read_meme(tmp_path / "cli-0.meme"))
