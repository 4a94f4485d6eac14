"""The element encoders and the low-rank bilinear term (``model.encoder``,
``model.bilinear_rank``, ``model.element_products``), and the benchmark's ``--set`` overrides."""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest
import torch
from predict_helpers import TINY, single_thread  # noqa: F401

from kipoi_prism.benchmark.harness import PROFILES, base_configs
from kipoi_prism.config import ModelConfig, TrainConfig
from kipoi_prism.config.loading import apply_overrides
from kipoi_prism.errors import PrismInputError
from kipoi_prism.io.motifs import Motif
from kipoi_prism.model.backbone import (
    PrismBackbone,
    build_backbone,
    combine_elements,
    initialise_stem,
)
from kipoi_prism.model.elements import ElementEncoder
from kipoi_prism.model.network import PrismEnergy

pytestmark = pytest.mark.usefixtures("single_thread")


def one_hot(sequence: str) -> torch.Tensor:
    index = torch.tensor(["ACGT".index(base) for base in sequence])
    return torch.nn.functional.one_hot(index, 4).T.float().unsqueeze(0)


def counts_config(**changes) -> ModelConfig:
    return ModelConfig(**{**TINY, "encoder": "counts", **changes})


def test_default_encoder_is_the_residual_one_and_the_default_has_no_bilinear_term():
    backbone = PrismBackbone(ModelConfig(**TINY))
    assert isinstance(backbone.enhancer_encoder, ElementEncoder)
    assert backbone.bilinear is None
    # The shipped weights' keys: the default backbone's state is unchanged by the options.
    assert not any("bilinear" in key or "threshold" in key for key in backbone.state_dict())


def test_count_encoder_counts_planted_sites_of_a_motif_filter():
    """A filter equal to the motif's log-odds (threshold just under a site's score) counts sites."""
    motif = Motif("M1", "TEST", np.full((4, 4), 0.01) + np.eye(4) * 0.96)
    background = "T" * 40
    one_site = background[:10] + "ACGT" + background[14:]
    two_sites = background[:5] + "ACGT" + background[9:25] + "ACGT" + background[29:]
    backbone = PrismBackbone(counts_config(channels=2, stem_kernel=5))
    initialise_stem(backbone, [motif])
    encoder = backbone.enhancer_encoder
    with torch.no_grad():
        site_score = float(encoder.stem(one_hot("TACGTT"))[0, 0].max())
        assert site_score == pytest.approx(float(encoder.thresholds()[0]) / 0.75, rel=1e-5)
        # The threshold just under a site's score: each site contributes exactly 1.0.
        encoder.threshold_logit.fill_(math.log((site_score - 1.0) / 1.0))
    with torch.no_grad():
        counts = [
            float(encoder.counts(one_hot(s))[0, 0]) for s in (background, one_site, two_sites)
        ]
    assert counts == pytest.approx([0.0, 1.0, 2.0], abs=1e-5)


def test_both_strand_counts_find_a_site_on_the_other_strand():
    """Filters 0 and 1 are a motif and its reverse complement; one site, read off the reverse
    strand: counted by filter 1 only on one strand, by both filters on both strands."""
    motif = Motif("M1", "TEST", np.full((4, 4), 0.01) + np.eye(4)[[0, 0, 1, 1]] * 0.96)  # AACC
    window = one_hot("T" * 10 + "GGTT" + "T" * 10)  # GGTT: AACC on the other strand
    counts = {}
    for both in (False, True):
        backbone = PrismBackbone(counts_config(channels=2, stem_kernel=5,
                                               count_both_strands=both))  # fmt: skip
        initialise_stem(backbone, [motif])
        encoder = backbone.enhancer_encoder
        with torch.no_grad():
            encoder.threshold_logit.fill_(math.log(0.95 / 0.05))  # only a perfect site counts
            counts[both] = encoder.counts(window)[0].tolist()
    assert counts[False][0] == pytest.approx(0.0, abs=1e-6) and counts[False][1] > 0.1
    assert counts[True] == pytest.approx([counts[False][1]] * 2, rel=1e-5)


def test_both_strand_counts_do_not_depend_on_the_strand_read():
    """Counts of a window equal those of its reverse complement (odd kernel: the padding is
    symmetric), and the option adds no parameter (the same weights load either way)."""
    torch.manual_seed(0)
    config = counts_config(channels=6, stem_kernel=7, count_both_strands=True)
    encoder = PrismBackbone(config).enhancer_encoder.eval()
    window = torch.nn.functional.one_hot(torch.randint(0, 4, (3, 60)), 4).transpose(1, 2).float()
    with torch.no_grad():
        forward, reverse = encoder(window), encoder(window.flip((1, 2)))
        one_strand = PrismBackbone(counts_config(channels=6, stem_kernel=7)).enhancer_encoder
        assert not torch.allclose(one_strand.eval()(window), one_strand(window.flip((1, 2))))
    torch.testing.assert_close(forward, reverse)
    assert encoder.stem(window).shape == (3, 12, 60)
    assert set(encoder.state_dict()) == set(one_strand.state_dict())
    with pytest.raises(PrismInputError, match="count_both_strands"):
        ModelConfig(count_both_strands=True)  # the residual encoder has no site counts


def test_occupancy_counts_each_sites_posterior_on_both_strands():
    """``count_form: occupancy``: a motif-initialised filter (log2 likelihood ratios) adds
    each position's posterior of being a site, sigmoid(ln 2 * score + log r); the window
    read off the other strand counts the same, two sites twice, a higher start rate more."""
    motif = Motif("M1", "TEST", np.full((4, 4), 0.01) + np.eye(4)[[0, 0, 1, 1]] * 0.96)  # AACC
    background = "T" * 40
    one_site = background[:10] + "AACC" + background[14:]
    other_strand = one_site[::-1].translate(str.maketrans("ACGT", "TGCA"))  # its reverse complement
    windows = [background, one_site, other_strand,
               background[:5] + "AACC" + background[9:25] + "AACC" + background[29:]]  # fmt: skip
    counts = {}
    for rate in (1e-2, 1e-1):
        backbone = PrismBackbone(counts_config(channels=2, stem_kernel=5, count_both_strands=True,
                                               count_form="occupancy", site_rate=rate))  # fmt: skip
        initialise_stem(backbone, [motif])
        encoder = backbone.enhancer_encoder
        with torch.no_grad():
            counts[rate] = [float(encoder.counts(one_hot(w))[0, 0]) for w in windows]
    with torch.no_grad():
        ratio = 2.0 ** float(encoder.stem(one_hot("TAACCT"))[0, 0].max())  # the site's LR
    posterior = 1e-2 * ratio / (1 + 1e-2 * ratio)
    empty, one, other, two = counts[1e-2]
    assert one - empty == pytest.approx(posterior, abs=5e-3) and posterior > 0.5
    assert other == pytest.approx(one, rel=1e-5)
    assert two - empty == pytest.approx(2 * (one - empty), abs=1e-3)
    assert all(high > low for high, low in zip(counts[1e-1], counts[1e-2], strict=True))
    assert "enhancer_encoder.log_rate" in backbone.state_dict()
    assert not any("threshold" in key for key in backbone.state_dict())


def test_occupancy_is_a_count_encoder_form_with_a_rate_in_0_1():
    with pytest.raises(PrismInputError, match="count_form"):
        ModelConfig(count_form="occupancy")  # the residual encoder counts no sites
    with pytest.raises(PrismInputError, match="count_form"):
        counts_config(count_form="posterior")
    for rate in (0, 1, "often"):
        with pytest.raises(PrismInputError, match="site_rate"):
            counts_config(count_form="occupancy", site_rate=rate)


def test_frozen_thresholds_freeze_the_occupancy_rate():
    from kipoi_prism.model.backbone import freeze_site_thresholds

    backbone = PrismBackbone(counts_config(count_form="occupancy"))
    assert backbone.enhancer_encoder.log_rate.requires_grad
    freeze_site_thresholds(backbone)
    assert not backbone.enhancer_encoder.log_rate.requires_grad
    assert not backbone.promoter_encoder.log_rate.requires_grad


def test_frozen_stem_keeps_the_count_threshold_trainable():
    backbone = PrismBackbone(counts_config())
    motif = Motif("M1", "TEST", np.array([[0.7, 0.1, 0.1, 0.1]] * 5))
    initialise_stem(backbone, [motif], freeze=True)
    encoder = backbone.enhancer_encoder
    assert not encoder.stem.weight.requires_grad
    assert encoder.threshold_logit.requires_grad


def test_bilinear_term_adds_enhancer_by_promoter_products():
    """z_I's input grows by rank columns, and those columns are (A v_E) * (B v_P)."""
    config = counts_config(bilinear_rank=3, dropout=0.0)
    backbone = PrismBackbone(config).eval()
    element = backbone.enhancer_encoder.output_dim
    assert backbone.combine[1].in_features == 3 * element + 3
    v_e, v_p = torch.randn(5, element), torch.randn(5, element)
    products = backbone.bilinear(v_e, v_p)
    expected = (v_e @ backbone.bilinear.left.weight.T) * (v_p @ backbone.bilinear.right.weight.T)
    torch.testing.assert_close(products, expected)


@pytest.mark.parametrize("backbone_kind", ["prism", "features"])
def test_without_element_products_z_i_reads_the_two_elements_side_by_side(backbone_kind):
    """element_products=false: z_I = ReLU(W [v_E, v_P] + b), no v_E * v_P columns."""
    config = ModelConfig(**{**TINY, "backbone": backbone_kind, "encoder": "counts",
                            "element_products": False, "dropout": 0.0})  # fmt: skip
    backbone = build_backbone(config).eval()
    element = backbone.feature_dim // 2
    linear = backbone.combine[1]
    assert linear.in_features == 2 * element
    v_e, v_p = torch.randn(5, element), torch.randn(5, element)
    expected = torch.relu(torch.cat([v_e, v_p], dim=-1) @ linear.weight.T + linear.bias)
    torch.testing.assert_close(combine_elements(backbone, v_e, v_p), expected)
    with_products = build_backbone(dataclasses.replace(config, element_products=True))
    assert with_products.combine[1].in_features == 3 * element


@pytest.mark.parametrize("backbone_kind", ["prism", "features"])
def test_identity_interaction_activation_makes_z_i_affine_in_its_inputs(backbone_kind):
    """interaction_activation=identity: z_I = W [v_E, v_P] + b, negative values kept; with
    no products the score is additive over the two elements."""
    config = ModelConfig(**{**TINY, "backbone": backbone_kind, "encoder": "counts",
                            "element_products": False, "interaction_activation": "identity",
                            "dropout": 0.0})  # fmt: skip
    backbone = build_backbone(config).eval()
    element = backbone.feature_dim // 2
    linear = backbone.combine[1]
    v_e, v_p = torch.randn(5, element), torch.randn(5, element)
    z_i = combine_elements(backbone, v_e, v_p)
    torch.testing.assert_close(z_i, torch.cat([v_e, v_p], dim=-1) @ linear.weight.T + linear.bias)
    assert (z_i < 0).any()
    # Additive: changing the promoter moves every pair's z_I by the same amount.
    shift = combine_elements(backbone, v_e, v_p + 1.0) - z_i
    torch.testing.assert_close(shift, shift[:1].expand_as(shift))
    relu = build_backbone(dataclasses.replace(config, interaction_activation="relu")).eval()
    relu.load_state_dict(backbone.state_dict())
    torch.testing.assert_close(combine_elements(relu, v_e, v_p), torch.relu(z_i))
    with pytest.raises(PrismInputError, match="interaction_activation"):
        ModelConfig(interaction_activation="tanh")


@pytest.mark.parametrize("backbone_kind", ["prism", "features"])
def test_element_skip_adds_a_linear_path_beside_the_combine_layer(backbone_kind):
    """element_skip=true: z_I = ReLU(W [...] + b) + S [v_E, v_P]; with S at zero the
    backbone is the one without the path (old weights load without it)."""
    config = ModelConfig(**{**TINY, "backbone": backbone_kind, "encoder": "counts",
                            "bilinear_rank": 4, "element_skip": True,
                            "dropout": 0.0})  # fmt: skip
    backbone = build_backbone(config).eval()
    element = backbone.feature_dim // 2
    assert backbone.skip.weight.shape == (config.d_interaction, 2 * element)
    assert backbone.skip.bias is None
    plain = build_backbone(dataclasses.replace(config, element_skip=False)).eval()
    assert plain.skip is None
    unexpected = plain.load_state_dict(backbone.state_dict(), strict=False).unexpected_keys
    assert unexpected == ["skip.weight"]
    v_e, v_p = torch.randn(5, element), torch.randn(5, element)
    path = torch.cat([v_e, v_p], dim=-1) @ backbone.skip.weight.T
    z_i = combine_elements(backbone, v_e, v_p)
    torch.testing.assert_close(z_i, combine_elements(plain, v_e, v_p) + path)
    with torch.no_grad():
        backbone.skip.weight.zero_()
    torch.testing.assert_close(combine_elements(backbone, v_e, v_p),
                               combine_elements(plain, v_e, v_p))  # fmt: skip


@pytest.mark.parametrize("encoder", ["residual", "counts"])
def test_network_scores_pairs_with_either_encoder_and_rank(encoder):
    config = ModelConfig(**{**TINY, "encoder": encoder, "bilinear_rank": 4})
    model = PrismEnergy(config).eval()
    enhancer = torch.rand(3, 4, config.enhancer_length)
    promoter = torch.rand(3, 4, config.promoter_length)
    z_e = model.support_embedding(enhancer, promoter)
    out = model(enhancer, promoter, z_e)
    assert out["logit"].shape == (3,) and torch.isfinite(out["logit"]).all()


def test_encoder_and_rank_are_validated():
    with pytest.raises(PrismInputError, match="encoder"):
        ModelConfig(encoder="lstm")
    with pytest.raises(PrismInputError, match="bilinear_rank"):
        ModelConfig(bilinear_rank=-1)


def test_overrides_set_model_and_train_keys_with_typed_checks():
    model, train = apply_overrides(
        ModelConfig(),
        TrainConfig(),
        ["model.encoder=counts", "model.bilinear_rank=8", "train.lr=3e-4"],
    )
    assert (model.encoder, model.bilinear_rank, train.lr) == ("counts", 8, 3e-4)
    with pytest.raises(PrismInputError, match="--set train.lr=abc: expected a number"):
        apply_overrides(ModelConfig(), TrainConfig(), ["train.lr=abc"])
    with pytest.raises(PrismInputError, match="only model.. and train.. settings"):
        apply_overrides(ModelConfig(), TrainConfig(), ["data.pairs=x"])
    with pytest.raises(PrismInputError, match="--set model.encoder=lstm"):
        apply_overrides(ModelConfig(), TrainConfig(), ["model.encoder=lstm"])


def test_benchmark_overrides_reach_every_row_and_are_checked_at_once():
    import dataclasses

    config = dataclasses.replace(PROFILES["quick"], overrides=("model.encoder=counts",))
    model, _ = base_configs(config, seed=0)
    assert model.encoder == "counts"
    with pytest.raises(PrismInputError, match="model.nope"):
        dataclasses.replace(PROFILES["quick"], overrides=("model.nope=1",))
