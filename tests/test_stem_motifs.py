"""``train.stem_motifs``: the first convolution starts from known motifs (both strands)."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pytest
import torch
from toy_training import (
    ENHANCER_MOTIF,
    PROMOTER_MOTIF,
    make_toy,
    quiet_trainer,
    split_toy,
    tiny_model,
    tiny_train,
)

from kipoi_prism.config import TrainConfig
from kipoi_prism.errors import PrismInputError
from kipoi_prism.io.motifs import Motif, log_odds
from kipoi_prism.io.sequence import one_hot_encode
from kipoi_prism.model.backbone import PrismBackbone, initialise_stem, motif_filters
from kipoi_prism.model.describe import describe
from kipoi_prism.model.weights import load_weights
from kipoi_prism.training.fit import fit

COMPLEMENT = str.maketrans("ACGT", "TGCA")


def _motif(site: str, name: str = "M", sharp: float = 0.97) -> Motif:
    rest = (1 - sharp) / 3
    matrix = np.full((len(site), 4), rest)
    for i, base in enumerate(site):
        matrix[i, "ACGT".index(base)] = sharp
    return Motif(id=f"MA{abs(hash(site)) % 10000:04d}.1", name=name, probabilities=matrix)


def _score(filters: torch.Tensor, text: str) -> torch.Tensor:
    """Best score of each filter over ``text`` (cross-correlation, as Conv1d computes)."""
    one_hot = torch.from_numpy(one_hot_encode(text).astype(np.float32))[None]
    return torch.nn.functional.conv1d(one_hot, filters).amax(dim=-1)[0].numpy()


def test_filters_are_the_log_odds_on_both_strands():
    site = "TGACTCAT"
    filters = motif_filters([_motif(site)], kernel=12)
    assert filters.shape == (2, 4, 12)
    scores = log_odds(_motif(site)).T
    np.testing.assert_allclose(filters[0, :, 2:10].numpy(), scores, rtol=1e-6)
    assert not filters[:, :, :2].any() and not filters[:, :, 10:].any()  # centred, zero-padded
    padded = "CCCCCC" + site + "CCCCCC"
    reverse = padded.translate(COMPLEMENT)[::-1]
    forward_scores, reverse_scores = _score(filters, padded), _score(filters, reverse)
    # The forward filter finds the site; the reverse-complement filter finds it on the other strand.
    assert forward_scores[0] == pytest.approx(reverse_scores[1], rel=1e-6)
    assert forward_scores[0] == pytest.approx(float(scores.max(axis=0).sum()), rel=1e-6)


def test_a_wide_motif_keeps_its_most_informative_columns():
    site = "ACGTACGTACGT"
    motif = _motif(site)
    motif.probabilities[:4] = 0.25  # four uninformative columns first
    filters = motif_filters([motif], kernel=8)
    np.testing.assert_allclose(filters[0].numpy(), log_odds(motif)[4:].T, rtol=1e-6)


def test_initialise_stem_sets_the_first_filters_and_can_freeze_them():
    torch.manual_seed(0)
    backbone = PrismBackbone(tiny_model())
    before = backbone.enhancer_encoder.layers[0].weight.detach().clone()
    motifs = [_motif(ENHANCER_MOTIF[:9]), _motif(PROMOTER_MOTIF[:9])]
    assert initialise_stem(backbone, motifs, freeze=True) == 4
    for encoder in (backbone.enhancer_encoder, backbone.promoter_encoder):
        conv = encoder.layers[0]
        torch.testing.assert_close(conv.weight[:4].detach(), motif_filters(motifs, 9))
        assert not conv.bias[:4].any()
        assert not conv.weight.requires_grad and not conv.bias.requires_grad
    torch.testing.assert_close(backbone.enhancer_encoder.layers[0].weight[4:].detach(), before[4:])


def test_too_many_motifs_for_the_channels_is_an_error():
    backbone = PrismBackbone(tiny_model())  # 8 channels: at most 4 motifs
    motifs = [_motif("ACGTACGTA", name=f"M{i}") for i in range(5)]
    with pytest.raises(PrismInputError, match="5 motifs on both strands need 10.*channels is 8"):
        initialise_stem(backbone, motifs)


def test_freeze_or_ids_without_a_motif_file_are_refused():
    with pytest.raises(PrismInputError, match="freeze_stem: needs train.stem_motifs"):
        TrainConfig(freeze_stem=True)
    with pytest.raises(PrismInputError, match="stem_motif_ids: needs train.stem_motifs"):
        TrainConfig(stem_motif_ids=["GATA1"])


def _meme(path: Path, motifs: list[Motif]) -> Path:
    lines = ["MEME version 4", "", "ALPHABET= ACGT", "", "strands: + -", ""]
    for motif in motifs:
        lines += [
            f"MOTIF {motif.id} {motif.name}",
            "",
            f"letter-probability matrix: alength= 4 w= {motif.width} nsites= 20 E= 0",
        ]
        lines += [" ".join(f"{p:.6f}" for p in row) for row in motif.probabilities]
        lines.append("")  # fmt: skip
    path.write_text("\n".join(lines))
    return path


def test_fit_trains_with_a_frozen_motif_stem(tmp_path):
    genome, frame = make_toy(tmp_path, per_cell=24)
    train, val = split_toy(frame)
    motifs = [_motif(ENHANCER_MOTIF[:9], "ENH"), _motif(PROMOTER_MOTIF[:9], "PRO")]
    meme = _meme(tmp_path / "motifs.meme", [*motifs, _motif("GGGGCCCC", "OTHER")])
    config = tiny_train(max_epochs=3, warmup_epochs=1, stem_motifs=str(meme),
                        stem_motif_ids=["ENH", motifs[1].id], freeze_stem=True)  # fmt: skip
    result = fit(train, val, genome, tiny_model(), config, tmp_path / "run",
                 trainer_config=quiet_trainer(logger="none"))  # fmt: skip
    conv = load_weights(result.weights_path).model.backbone.promoter_encoder.layers[0]
    torch.testing.assert_close(conv.weight[:4].detach(), motif_filters(motifs, 9))


def test_an_unknown_motif_names_the_file(tmp_path):
    genome, frame = make_toy(tmp_path, per_cell=12)
    train, val = split_toy(frame)
    meme = _meme(tmp_path / "motifs.meme", [_motif("ACGTACGTA", "ONE")])
    config = tiny_train(
        max_epochs=1, warmup_epochs=0, stem_motifs=str(meme), stem_motif_ids=["GATA1"]
    )
    with pytest.raises(PrismInputError, match=r"motifs\.meme.*GATA1|GATA1.*motifs\.meme"):
        fit(train, val, genome, tiny_model(), config, tmp_path / "run",
            trainer_config=quiet_trainer(logger="none"))  # fmt: skip


@pytest.mark.parametrize("freeze", [False, True])
def test_freeze_thresholds_keeps_the_count_encoders_site_thresholds(tmp_path, freeze):
    """``train.freeze_thresholds`` keeps each threshold at 3/4 of its filter's best score;
    without it the same fit moves them (so the check can fail)."""
    genome, frame = make_toy(tmp_path, per_cell=24)
    train, val = split_toy(frame)
    motifs = [_motif(ENHANCER_MOTIF[:9], "ENH"), _motif(PROMOTER_MOTIF[:9], "PRO")]
    config = tiny_train(max_epochs=2, warmup_epochs=1, freeze_thresholds=freeze,
                        stem_motifs=str(_meme(tmp_path / "motifs.meme", motifs)),
                        freeze_stem=True)  # fmt: skip
    model = dataclasses.replace(tiny_model(), encoder="counts")
    result = fit(train, val, genome, model, config, tmp_path / "run",
                 trainer_config=quiet_trainer(logger="none"))  # fmt: skip
    bundle = load_weights(result.weights_path)
    for encoder in (bundle.model.backbone.enhancer_encoder, bundle.model.backbone.promoter_encoder):
        fractions = torch.sigmoid(encoder.threshold_logit.detach())
        at_start = torch.allclose(fractions, torch.full_like(fractions, 0.75))
        assert at_start == freeze
    said = describe(bundle)["objective"].get("site_thresholds")
    assert said == ("frozen at their start" if freeze else None)


def test_freeze_thresholds_needs_the_count_encoder(tmp_path):
    genome, frame = make_toy(tmp_path, per_cell=12)
    train, val = split_toy(frame)
    with pytest.raises(PrismInputError, match="freeze_thresholds: only the count encoder"):
        fit(train, val, genome, tiny_model(), tiny_train(freeze_thresholds=True),
            tmp_path / "run", trainer_config=quiet_trainer(logger="none"))  # fmt: skip
