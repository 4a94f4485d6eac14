"""``kipoi-prism info``: a weights file describes itself (kipoi_prism.model.describe)."""

from __future__ import annotations

import hashlib
import json

from predict_helpers import tiny_weights

from kipoi_prism.cli.main import main
from kipoi_prism.model.describe import NOT_RECORDED, describe, format_description
from kipoi_prism.model.weights import DEFAULT_WEIGHTS, load_weights


def test_info_of_the_shipped_weights_reports_what_the_file_holds(capsys):
    assert main(["info", "--json"]) == 0
    info = json.loads(capsys.readouterr().out)
    bundle = load_weights(None)
    assert info["file"]["sha256"] == hashlib.sha256(DEFAULT_WEIGHTS.read_bytes()).hexdigest()
    assert info["inputs"]["enhancer_window_bp"] == bundle.model.config.enhancer_length
    assert info["inputs"]["promoter_window_bp"] == bundle.model.config.promoter_length
    assert info["network"]["head"] == bundle.model.config.head
    assert info["network"]["encoder"] == bundle.model.config.encoder == "counts"
    assert info["network"]["bilinear_rank"] == bundle.model.config.bilinear_rank == 16
    assert info["network"]["count_both_strands"] is bundle.model.config.count_both_strands is True
    assert info["network"]["count_form"] == bundle.model.config.count_form == "occupancy"
    assert info["network"]["site_background"] == "uniform"  # the shipped weights' config
    assert info["network"]["score"] == "element read"  # U_I from the fitted element read
    assert bundle.model.reads_elements
    assert info["calibration"]["threshold"] == bundle.threshold
    assert info["prototypes"] == sorted(bundle.prototypes)
    assert info["validation"]["val_aupr"] == bundle.metadata["fit"]["val_aupr"]
    assert info["training"]["cell_lines"] == bundle.metadata["trained_on"]["cell_lines"]


def test_info_text_names_each_section(capsys):
    assert main(["info", str(DEFAULT_WEIGHTS)]) == 0
    text = capsys.readouterr().out
    for section in ("file:", "inputs:", "network:", "training:", "objective:", "calibration:"):
        assert section in text.splitlines()
    assert f"  sha256: {hashlib.sha256(DEFAULT_WEIGHTS.read_bytes()).hexdigest()}" in text


def test_weights_without_metadata_say_not_recorded(tmp_path):
    bundle = load_weights(tiny_weights(tmp_path / "tiny.pt", seed=0))
    info = describe(bundle)
    assert info["training"]["data"] == "nothing: random initialisation for tests"
    assert info["training"]["cell_lines"] == NOT_RECORDED
    assert info["objective"] == {"recorded": NOT_RECORDED}
    assert info["inputs"] == {"kind": "DNA windows (one-hot)", "enhancer_window_bp": 200,
                              "promoter_window_bp": 150}  # fmt: skip
    assert "  cell_lines: not recorded" in format_description(info)


def test_info_of_a_missing_file_is_a_one_line_error(tmp_path, capsys):
    assert main(["info", str(tmp_path / "absent.pt")]) == 2
    assert "weights file not found" in capsys.readouterr().err
