"""``model.element_read``: U_I as a linear read of [v_E, v_P], fitted when training ends."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
import torch
from toy_training import quiet_trainer, tiny_model, tiny_train, toy_split_run

from kipoi_prism import metrics
from kipoi_prism.config import InferenceConfig, ModelConfig
from kipoi_prism.errors import PrismInputError
from kipoi_prism.inference import score_frame
from kipoi_prism.model.network import PrismEnergy
from kipoi_prism.model.weights import load_weights
from kipoi_prism.training.element_read import READ_C, shrunk_read
from kipoi_prism.training.fit import fit

SUPPORT = InferenceConfig(support_size=8, seed=0)


@pytest.fixture(scope="module")
def toy(tmp_path_factory):
    return toy_split_run(tmp_path_factory.mktemp("toy-read"))


@pytest.fixture(scope="module")
def read_run(toy):
    folder, genome, train, val = toy
    config = dataclasses.replace(tiny_model(), element_read=True)
    return fit(train, val, genome, config, tiny_train(), folder / "run",
               trainer_config=quiet_trainer())  # fmt: skip


def _batch(seed: int = 0):
    generator = torch.Generator().manual_seed(seed)
    config = tiny_model()
    enhancer = torch.rand(6, 4, config.enhancer_length, generator=generator)
    promoter = torch.rand(6, 4, config.promoter_length, generator=generator)
    return enhancer, promoter, torch.rand(config.d_environment, generator=generator)


def test_an_unfitted_read_scores_as_g_i_and_a_fitted_one_gives_u_i():
    torch.manual_seed(3)
    plain = PrismEnergy(tiny_model()).eval()
    torch.manual_seed(3)
    reading = PrismEnergy(dataclasses.replace(tiny_model(), element_read=True)).eval()
    enhancer, promoter, z_e = _batch()
    with torch.no_grad():
        before = reading(enhancer, promoter, z_e)
        torch.testing.assert_close(before["logit"], plain(enhancer, promoter, z_e)["logit"])
        assert not reading.reads_elements
        weight = torch.linspace(-1, 1, reading.backbone.feature_dim)
        reading.element_read.set(weight, 0.25)
        after = reading(enhancer, promoter, z_e)
        _, _, features = reading.encode(enhancer, promoter)
    assert reading.reads_elements
    torch.testing.assert_close(after["U_I"], features @ weight + 0.25)
    u, r, lam, t = (after[k] for k in ("U_I", "R_E", "lam", "T"))
    torch.testing.assert_close(after["logit"], (u - r + lam * u * r) / t)
    with pytest.raises(ValueError, match="element-vector units"):
        reading.element_read.set(torch.zeros(3), 0.0)


def test_the_read_is_a_shrunk_balanced_regression_with_its_standardisation_folded_in():
    from sklearn.linear_model import LogisticRegression
    from sklearn.preprocessing import StandardScaler

    rng = np.random.default_rng(0)
    x = rng.normal(size=(400, 6)) * [1, 3, 0.5, 2, 1, 10] + [0, 5, 0, -2, 1, 40]
    y = (x[:, 0] + 0.3 * x[:, 1] + rng.normal(size=400) > 1.5).astype(int)
    read = shrunk_read(x[:300], y[:300], x[300:], y[300:])
    assert read.c in READ_C
    scaler = StandardScaler().fit(x[:300])
    train_z, val_z = scaler.transform(x[:300]), scaler.transform(x[300:])

    def regression(c):
        return LogisticRegression(C=c, max_iter=2000, class_weight="balanced").fit(train_z, y[:300])

    np.testing.assert_allclose(x @ read.weight + read.bias,
                               regression(read.c).decision_function(scaler.transform(x)),
                               atol=1e-8)  # fmt: skip
    best = max(metrics.aupr(y[300:], regression(c).decision_function(val_z)) for c in READ_C)
    assert read.val_aupr == pytest.approx(best)


def test_fit_exports_the_read_fitted_on_the_training_pairs_and_its_threshold(read_run, toy):
    """The weights file's U_I is the read of the training pairs' element vectors (refitted
    here independently at the recorded C); the threshold is calibrated on validation as the
    read scores it, and `kipoi-prism predict`'s scores reach the validation AUPR recorded."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.preprocessing import StandardScaler

    _, genome, train, val = toy
    bundle = load_weights(read_run.weights_path)
    recorded = bundle.metadata["fit"]["element_read"]
    assert bundle.model.reads_elements and recorded["C"] in READ_C
    assert recorded["train_pairs"] == len(train)
    model = bundle.model.eval()

    def vectors(frame):
        from kipoi_prism.io.encode import PairEncoder
        from kipoi_prism.io.genome import Genome

        encoded = PairEncoder(Genome(genome), model.config.enhancer_length,
                              model.config.promoter_length).encode(frame)  # fmt: skip
        with torch.no_grad():
            _, _, h = model.encode(torch.from_numpy(encoded.enhancer),
                                   torch.from_numpy(encoded.promoter))  # fmt: skip
        return h.double().numpy()

    train_x, val_x = vectors(train), vectors(val)
    scaler = StandardScaler().fit(train_x)
    regression = LogisticRegression(C=recorded["C"], max_iter=2000, class_weight="balanced")
    regression.fit(scaler.transform(train_x), train["label"])
    scores = score_frame(bundle, val, genome, config=SUPPORT)
    np.testing.assert_allclose(scores["U_I"], regression.decision_function(scaler.transform(val_x)),
                               atol=1e-4)  # fmt: skip
    labels, probabilities = scores["label"].to_numpy(), scores["probability"].to_numpy()
    assert metrics.aupr(labels, probabilities) == pytest.approx(recorded["val_aupr"], abs=1e-6)
    assert bundle.threshold == pytest.approx(metrics.calibrate_threshold(labels, probabilities))
    assert read_run.threshold == pytest.approx(bundle.threshold)
    assert read_run.element_read == recorded


def test_a_checkpoint_of_a_read_run_is_not_exported_without_its_read(read_run, tmp_path):
    from kipoi_prism.training.export import export_checkpoint

    with pytest.raises(PrismInputError, match="element_read"):
        export_checkpoint(read_run.best_checkpoint, tmp_path / "weights.pt")


def test_the_film_head_takes_no_element_read():
    with pytest.raises(PrismInputError, match="element_read"):
        ModelConfig(head="film", element_read=True)


def test_the_feature_backbone_fits_its_read_on_the_feature_columns(toy):
    """element_read with the chromatin (feature) backbone: the read is fitted on the two
    feature MLPs' outputs and scores the validation pairs as recorded."""
    folder, _, train, val = toy
    rng = np.random.default_rng(0)

    def with_features(frame):
        frame = frame.copy()
        signal = frame["label"].to_numpy() * 2.0
        frame["e0"] = rng.normal(size=len(frame)) + signal
        frame["p0"] = rng.normal(size=len(frame)) + signal
        return frame

    columns = (["e0"], ["p0"])
    config = dataclasses.replace(tiny_model(), backbone="features", feature_dims=(1, 1),
                                 element_read=True)  # fmt: skip
    val = with_features(val)
    result = fit(with_features(train), val, None, config,
                 tiny_train(max_epochs=3, warmup_epochs=1), folder / "features",
                 trainer_config=quiet_trainer(), feature_columns=columns)  # fmt: skip
    bundle = load_weights(result.weights_path)
    assert bundle.model.reads_elements and result.element_read["C"] in READ_C
    scores = score_frame(bundle, val, feature_columns=columns, config=SUPPORT)
    labels, probabilities = scores["label"].to_numpy(), scores["probability"].to_numpy()
    assert metrics.aupr(labels, probabilities) == pytest.approx(
        result.element_read["val_aupr"], abs=1e-6
    )
