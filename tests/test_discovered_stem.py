"""``train.stem_motifs: discover`` (the recommended configuration's default): the first
layer's motifs found without labels in the run's own windows (kipoi_prism.training.stem)."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest
import torch
from conftest import write_fasta
from toy_training import (
    ENHANCER_MOTIF,
    PROMOTER_MOTIF,
    quiet_trainer,
    tiny_model,
    tiny_train,
    toy_split_run,
)

from kipoi_prism.config import ModelConfig, TrainConfig
from kipoi_prism.errors import PrismInputError
from kipoi_prism.io.motifs import read_meme
from kipoi_prism.io.pairs import PAIR_COLUMNS
from kipoi_prism.model.backbone import motif_filters
from kipoi_prism.model.weights import load_weights
from kipoi_prism.training import stem
from kipoi_prism.training.fit import fit


def _reverse_complement(text: str) -> str:
    return text[::-1].translate(str.maketrans("ACGT", "TGCA"))


def _discovering(**changes) -> TrainConfig:
    return tiny_train(stem_motifs="discover", freeze_stem=True, curriculum=False,
                      warmup_epochs=0, max_epochs=1, **changes)  # fmt: skip


@pytest.fixture(scope="module")
def discovered_run(tmp_path_factory):
    folder, genome, train, val = toy_split_run(tmp_path_factory.mktemp("discover"))
    run = folder / "run"
    result = fit(train, val, genome, tiny_model(), _discovering(), run,
                 trainer_config=quiet_trainer())  # fmt: skip
    return folder, genome, train, val, run, result


def test_the_planted_motifs_are_found_written_and_frozen_into_the_first_layer(discovered_run):
    _, _, _, _, run, result = discovered_run
    motifs = read_meme(run / "discovered_motifs.meme")
    words = {m.name for m in motifs}
    for planted in (ENHANCER_MOTIF, PROMOTER_MOTIF):  # each seed word lies in a planted motif
        assert any(w in planted or w in _reverse_complement(planted) for w in words), planted
    bundle = load_weights(result.weights_path)
    config = bundle.model.config
    assert config.channels == max(tiny_model().channels, 2 * len(motifs))
    recorded = bundle.metadata["train_config"]
    assert recorded["stem_motifs"] == str(run / "discovered_motifs.meme")
    assert recorded["stem_motif_ids"] == [m.id for m in motifs]
    stem_weight = bundle.model.backbone.enhancer_encoder.stem.weight
    expected = motif_filters(motifs, config.stem_kernel)
    assert torch.allclose(stem_weight[: len(expected)], expected)  # frozen: not moved


def test_a_resumed_run_reads_its_motif_file_instead_of_searching_again(discovered_run,
                                                                       monkeypatch):  # fmt: skip
    folder, genome, train, val, run, _ = discovered_run
    written = (run / "discovered_motifs.meme").read_text()

    def no_search(*args, **kwargs):
        raise AssertionError("searched again")

    monkeypatch.setattr(stem, "_discover", no_search)
    model, train_config = stem.resolve_discovered_stem(
        train, val, None, tiny_model(), _discovering(), run, resuming=True
    )
    assert train_config.stem_motifs == str(run / "discovered_motifs.meme")
    assert (run / "discovered_motifs.meme").read_text() == written
    with pytest.raises(AssertionError, match="searched again"):
        stem.resolve_discovered_stem(train, val, None, tiny_model(), _discovering(),
                                     folder / "fresh", resuming=True)  # fmt: skip


def test_windows_without_a_motif_give_an_error_naming_both_ways_on(tmp_path):
    rng = np.random.default_rng(3)
    genome = write_fasta(tmp_path / "g.fa",
                         {"chr1": "".join(rng.choice(list("ACGT"), size=6000))})  # fmt: skip
    rows = [("chr1", 300 + 600 * i, 400 + 600 * i, "chr1", 600 + 600 * i, 700 + 600 * i,
             f"p{i}", ".", ".", ".", "AB"[i % 2], i % 3 == 0) for i in range(8)]  # fmt: skip
    frame = pd.DataFrame(rows, columns=PAIR_COLUMNS)
    from kipoi_prism.io.genome import Genome

    with pytest.raises(PrismInputError) as error:
        stem.resolve_discovered_stem(frame[:6], frame[6:], Genome(genome), tiny_model(),
                                     _discovering(), tmp_path / "run")  # fmt: skip
    message = str(error.value)
    assert "train.stem_motifs: discover: no word stands out" in message
    assert "train.stem_motifs=FILE.meme" in message and "train.stem_motifs=null" in message
    assert not (tmp_path / "run" / "discovered_motifs.meme").exists()


def test_discover_is_refused_for_the_feature_backbone_and_with_chosen_ids(tmp_path):
    features = dataclasses.replace(tiny_model(), backbone="features")
    with pytest.raises(PrismInputError, match="only the sequence backbone"):
        stem.resolve_discovered_stem(pd.DataFrame(), pd.DataFrame(), None, features,
                                     _discovering(), tmp_path)  # fmt: skip
    with pytest.raises(PrismInputError, match="discover: needs the genome FASTA"):
        stem.resolve_discovered_stem(pd.DataFrame(), pd.DataFrame(), None, tiny_model(),
                                     _discovering(), tmp_path)  # fmt: skip
    with pytest.raises(PrismInputError, match="stem_motif_ids: not with train.stem_motifs="):
        TrainConfig(stem_motifs="discover", stem_motif_ids=["enhancer_1"])
    with pytest.raises(PrismInputError, match="a MEME file or discover"):
        TrainConfig(freeze_stem=True)
    assert ModelConfig().channels == 48  # the recommended default holds 24 motifs
