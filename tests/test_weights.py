"""The weights file (kipoi_prism.model.weights): round trip, identity, bad files, atomicity."""

from __future__ import annotations

import hashlib
import os
import re
from pathlib import Path

import pytest
import torch
from predict_helpers import tiny_model

from kipoi_prism.errors import PrismInputError
from kipoi_prism.model import weights as weights_module
from kipoi_prism.model.weights import (
    DEFAULT_WEIGHTS,
    WEIGHTS_FORMAT,
    WeightsBundle,
    file_digest,
    load_weights,
    save_weights,
)

PROTOTYPES = {"cellA": torch.tensor([0.5, -1.0, 2.0, 0.25]), "cellB": torch.zeros(4)}
METADATA = {"trained_on": {"cell_lines": ["cellA", "cellB"]}, "epoch": 3}


@pytest.fixture
def saved(tmp_path):
    model = tiny_model(seed=3)
    path = save_weights(tmp_path / "w.pt", model, PROTOTYPES, threshold=0.37, metadata=METADATA)
    return model, path


def _payload(path):
    return torch.load(path, weights_only=True)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def test_round_trip_keeps_everything_inference_needs(saved):
    model, path = saved
    bundle = load_weights(path)
    assert bundle.path == path and not bundle.model.training
    assert bundle.model.config == model.config
    state, loaded = model.state_dict(), bundle.model.state_dict()
    assert list(loaded) == list(state)
    for key, value in state.items():
        assert torch.equal(loaded[key], value), key
    assert sorted(bundle.prototypes) == ["cellA", "cellB"]
    assert torch.equal(bundle.prototypes["cellA"], PROTOTYPES["cellA"])
    assert bundle.threshold == 0.37 and bundle.metadata == METADATA
    payload = _payload(path)
    assert (payload["format"], payload["version"]) == (WEIGHTS_FORMAT, 1)


def test_the_loaded_model_scores_like_the_saved_one(saved):
    model, path = saved
    bundle = load_weights(path)
    torch.manual_seed(0)
    enhancer = torch.rand(3, 4, model.config.enhancer_length)
    promoter = torch.rand(3, 4, model.config.promoter_length)
    z_e = torch.tensor([0.1, -0.2, 0.3, 0.0])
    with torch.no_grad():
        expected = model(enhancer, promoter, z_e)
        got = bundle.model(enhancer, promoter, z_e)
    for key in ("logit", "U_I", "R_E", "e"):
        assert torch.equal(got[key], expected[key]), key


def test_digest_is_the_files_sha256_prefix(saved):
    _, path = saved
    full = hashlib.sha256(path.read_bytes()).hexdigest()
    assert load_weights(path).digest == full[:12]
    assert file_digest(path, length=64) == full
    assert WeightsBundle(model=tiny_model()).digest == "unsaved"


def test_the_shipped_weights_load():
    bundle = load_weights()
    assert bundle.path == DEFAULT_WEIGHTS
    assert bundle.digest == hashlib.sha256(DEFAULT_WEIGHTS.read_bytes()).hexdigest()[:12]


def test_shipped_models_load_by_name_and_a_local_file_of_that_name_wins(
    saved, tmp_path, monkeypatch
):
    from kipoi_prism.model.weights import DEFAULT_WEIGHTS, resolve_weights

    assert load_weights("prism-energy").path == DEFAULT_WEIGHTS
    assert resolve_weights("prism-energy-chromatin").name == "prism-energy-chromatin.pt"
    monkeypatch.chdir(tmp_path)
    (tmp_path / "prism-energy").write_bytes(saved[1].read_bytes())
    assert load_weights("prism-energy").path == Path("prism-energy")


def test_missing_file(tmp_path):
    with pytest.raises(PrismInputError, match="weights file not found") as error:
        load_weights(tmp_path / "absent.pt")
    assert str(tmp_path / "absent.pt") in str(error.value)


@pytest.mark.parametrize("content", [b"these are not weights\n", b"PK\x03\x04broken zip"])
def test_corrupt_file(tmp_path, content):
    path = tmp_path / "bad.pt"
    path.write_bytes(content)
    with pytest.raises(PrismInputError, match=r"corrupt or unreadable weights file \(") as error:
        load_weights(path)
    assert "\n" not in str(error.value)  # one line, whatever torch said


def test_truncated_file(saved, tmp_path):
    _, path = saved
    cut = tmp_path / "cut.pt"
    cut.write_bytes(path.read_bytes()[:3000])
    with pytest.raises(PrismInputError, match="corrupt or unreadable weights file"):
        load_weights(cut)


def test_a_torch_file_that_is_not_weights(tmp_path):
    path = tmp_path / "other.pt"
    torch.save({"state_dict": {}}, path)
    with pytest.raises(PrismInputError, match="not a kipoi-prism weights file"):
        load_weights(path)


def test_another_format_version(saved, tmp_path):
    _, path = saved
    payload = _payload(path)
    payload["version"] = 2
    torch.save(payload, tmp_path / "v2.pt")
    with pytest.raises(PrismInputError, match="weights format version 2 is not supported"):
        load_weights(tmp_path / "v2.pt")


@pytest.mark.parametrize(
    "change, problem",
    [
        (lambda p: p["config"].update(channels=12), r"file \(8,.*\) vs model \(12,"),
        (lambda p: p["config"].update(colour="red"), "unknown key"),
        (lambda p: p["state_dict"].pop(next(iter(p["state_dict"]))), "missing "),
        (lambda p: p["state_dict"].update(extra=torch.zeros(1)), "unexpected extra"),
    ],
    ids=["other shapes", "unknown config key", "missing tensor", "extra tensor"],
)
def test_weights_of_another_architecture(saved, tmp_path, change, problem):
    _, path = saved
    payload = _payload(path)
    change(payload)
    other = tmp_path / "other.pt"
    torch.save(payload, other)
    with pytest.raises(PrismInputError, match="weights from another architecture") as error:
        load_weights(other)
    assert re.search(problem, str(error.value)), str(error.value)


def test_save_is_atomic_and_leaves_no_temporary_file(saved, tmp_path, monkeypatch):
    model, path = saved
    before = path.read_bytes()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["w.pt"]
    assert path.stat().st_mode & 0o777 == 0o666 & ~_umask()

    def failing_save(payload, target):
        with open(target, "wb") as handle:
            handle.write(b"half a file")
        raise OSError("disk full")

    monkeypatch.setattr(weights_module.torch, "save", failing_save)
    with pytest.raises(OSError, match="disk full"):
        save_weights(path, tiny_model(seed=4))
    assert path.read_bytes() == before
    with pytest.raises(OSError, match="disk full"):
        save_weights(tmp_path / "new.pt", model)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["w.pt"]


# --------------------------------------------------------------------------- from a checkpoint


def test_export_from_a_missing_or_foreign_checkpoint_is_an_input_error(tmp_path):
    from kipoi_prism.training.export import export_checkpoint

    with pytest.raises(PrismInputError, match="checkpoint not found"):
        export_checkpoint(tmp_path / "absent.ckpt", tmp_path / "w.pt")
    foreign = tmp_path / "foreign.ckpt"
    foreign.write_text("not a checkpoint\n")
    with pytest.raises(PrismInputError, match="not a kipoi-prism training checkpoint"):
        export_checkpoint(foreign, tmp_path / "w.pt")
    assert not (tmp_path / "w.pt").exists()


def test_count_encoder_weights_saved_before_count_form_load_as_relu(tmp_path):
    """A weights file whose saved config has no ``count_form`` or ``site_rate`` (written
    before the option existed) loads with the ReLU form and its thresholds, scoring as
    saved."""
    model = tiny_model(seed=5, encoder="counts", count_both_strands=True)
    path = save_weights(tmp_path / "old.pt", model)
    payload = _payload(path)
    del payload["config"]["count_form"], payload["config"]["site_rate"]
    torch.save(payload, path)
    bundle = load_weights(path)
    assert bundle.model.config.count_form == "relu"
    assert "backbone.enhancer_encoder.threshold_logit" in bundle.model.state_dict()
    window = torch.nn.functional.one_hot(torch.randint(0, 4, (2, 60)), 4).transpose(1, 2)
    with torch.no_grad():
        expected = model.backbone.enhancer_encoder(window.float())
        loaded = bundle.model.backbone.enhancer_encoder(window.float())
    torch.testing.assert_close(loaded, expected)
