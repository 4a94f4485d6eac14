"""``model.site_background``: the count encoder scores sites against an order-k Markov chain
of the training windows (kipoi_prism/model/site_background.py)."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
import torch
from toy_training import quiet_trainer, tiny_model, tiny_train, toy_split_run

from kipoi_prism.config import ModelConfig
from kipoi_prism.errors import PrismInputError
from kipoi_prism.io.sequence import encode_codes, one_hot_encode
from kipoi_prism.model.describe import describe
from kipoi_prism.model.elements import CountEncoder, scan_weight
from kipoi_prism.model.network import PrismEnergy
from kipoi_prism.model.site_background import SiteBackground, word_index
from kipoi_prism.model.weights import load_weights, save_weights
from kipoi_prism.training.fit import fit


def _one_hot(*sequences: str) -> torch.Tensor:
    return torch.from_numpy(np.stack([one_hot_encode(s) for s in sequences]).astype(np.float32))


def _counts_config(**changes) -> ModelConfig:
    values = dict(encoder="counts", count_both_strands=True, count_form="occupancy",
                  site_background=2, channels=4, stem_kernel=7, enhancer_length=80,
                  promoter_length=80)  # fmt: skip
    values.update(changes)
    return ModelConfig(**values)


def test_word_index_reads_each_word_ending_at_a_position_and_skips_n():
    index, valid = word_index(_one_hot("ACGTNACG"), 3)
    codes = [0, 1, 2, 3, None, 0, 1, 2]
    for position in range(8):
        word = codes[max(0, position - 2) : position + 1]
        expected_valid = position >= 2 and None not in word
        assert bool(valid[0, position]) == expected_valid
        if expected_valid:
            assert int(index[0, position]) == word[0] * 16 + word[1] * 4 + word[2]


def test_the_fitted_chain_is_a_chain_and_favours_what_the_windows_hold():
    background = SiteBackground(1)
    background.fit([encode_codes("ACACACACACACACAC" * 4)])
    transitions = 0.25 * 2.0**background.log2_ratio  # back to probabilities
    np.testing.assert_allclose(transitions.sum(dim=1).numpy(), 1.0, rtol=1e-6)
    # After A comes C (and, on the other strand, after G comes T); after C, A (after T, G).
    assert transitions[0].argmax() == 1 and transitions[1].argmax() == 0
    assert transitions[2].argmax() == 3 and transitions[3].argmax() == 2


def test_an_unfitted_background_is_uniform_and_changes_nothing():
    torch.manual_seed(0)
    with_background = CountEncoder(_counts_config())
    without = CountEncoder(_counts_config(site_background=None))
    without.load_state_dict(with_background.state_dict(), strict=False)
    windows = _one_hot(*("".join(np.random.default_rng(i).choice(list("ACGT"), 80))
                         for i in range(3)))  # fmt: skip
    torch.testing.assert_close(with_background.counts(windows), without.counts(windows))


def test_the_shift_sums_each_filters_own_columns_against_the_chain():
    """A filter with weight in columns 2-4 of 7 is shifted by the base scores of the three
    bases under those columns; a full filter by all seven."""
    encoder = CountEncoder(_counts_config(count_both_strands=False, channels=2))
    generator = torch.Generator().manual_seed(1)
    encoder.background.log2_ratio.copy_(torch.randn(16, 4, generator=generator))
    with torch.no_grad():
        encoder.stem.weight.zero_()
        encoder.stem.weight[0, :, 2:5] = 1.0
        encoder.stem.weight[1] = 1.0
    window = _one_hot("".join(np.random.default_rng(2).choice(list("ACGT"), 80)))
    base = encoder.background.base_scores(window)[0]
    shift = encoder.background.shift(window, scan_weight(encoder.stem))[0]
    for output in (10, 40, 76):
        # 'same' padding: output t reads columns t - 3 .. t + 3.
        assert shift[0, output] == pytest.approx(float(base[output - 1 : output + 2].sum()))
        assert shift[1, output] == pytest.approx(float(base[output - 3 : output + 4].sum()))


def test_a_site_background_needs_the_occupancy_form_and_an_order_0_6():
    assert ModelConfig().site_background is None
    with pytest.raises(PrismInputError, match="site_background.*occupancy"):
        _counts_config(count_form="relu")
    for order in (7, -1, True, 2.0, "2"):
        with pytest.raises(PrismInputError, match="site_background"):
            _counts_config(site_background=order)


def test_the_chain_is_saved_and_loaded_with_the_weights(tmp_path):
    model = PrismEnergy(dataclasses.replace(tiny_model(), **_model_changes()))
    for encoder in (model.backbone.enhancer_encoder, model.backbone.promoter_encoder):
        encoder.background.fit([encode_codes("GGGCGCGCAT" * 30)])
    path = save_weights(tmp_path / "w.pt", model.eval())
    loaded = load_weights(path).model
    torch.testing.assert_close(loaded.backbone.enhancer_encoder.background.log2_ratio,
                               model.backbone.enhancer_encoder.background.log2_ratio)  # fmt: skip
    assert loaded.config.site_background == 2
    network = describe(load_weights(path))["network"]
    assert network["site_background"] == "order-2 Markov chain of the training windows"


def _model_changes() -> dict:
    return dict(encoder="counts", count_both_strands=True, count_form="occupancy",
                site_background=2)  # fmt: skip


def test_training_fits_each_elements_chain_on_its_training_windows(tmp_path, caplog):
    folder, genome, train, val = toy_split_run(tmp_path, per_cell=8)
    config = dataclasses.replace(tiny_model(), **_model_changes())
    with caplog.at_level("INFO", logger="kipoi_prism.training.fit"):
        result = fit(train, val, genome, config, tiny_train(max_epochs=1, warmup_epochs=0),
                     folder / "run", trainer_config=quiet_trainer(logger="none"))  # fmt: skip
    assert "order-2 chain fitted on 16 enhancer windows" in caplog.text  # training pairs only
    model = load_weights(result.weights_path).model
    chains = [e.background.log2_ratio for e in (model.backbone.enhancer_encoder,
                                                model.backbone.promoter_encoder)]  # fmt: skip
    assert all(chain.abs().max() > 0.05 for chain in chains)  # fitted, not uniform
    assert not torch.allclose(chains[0], chains[1])  # each element's own windows
