"""benchmarks/feature_stacking.py: gradient boosting's score as a network input, out of fold."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from test_benchmark import benchmark_script

from kipoi_prism.io.feature_inputs import feature_matrix
from kipoi_prism.io.feature_table import FEATURE_COLUMNS

stacking = benchmark_script("feature_stacking")
ensemble = benchmark_script("feature_ensemble")
SETTING = pd.Series({"seed": 0, "gbm_learning_rate": 0.1, "gbm_max_leaf_nodes": 7,
                     "gbm_trees": 20})  # fmt: skip


def _table(rng, cells, n=120) -> pd.DataFrame:
    rows = []
    for cell in cells:
        marks = rng.normal(size=(n, len(FEATURE_COLUMNS))) + (cells.index(cell) * 0.3)
        label = (marks[:, 0] + rng.normal(size=n) > 1).astype(int)
        frame = pd.DataFrame(np.abs(marks), columns=FEATURE_COLUMNS)
        rows.append(frame.assign(label=label, cell_line=cell,
                                 distance=rng.integers(1_000, 100_000, n)))  # fmt: skip
    return pd.concat(rows, ignore_index=True)


def test_training_scores_come_from_models_without_their_cell_line():
    rng = np.random.default_rng(0)
    train = _table(rng, ["A", "B", "C"])
    val = _table(rng, ["A", "B", "C"], n=40)
    test = _table(rng, ["D"], n=60)
    train_s, val_s, test_s, gbm = stacking.out_of_fold_scores(train, val, test, SETTING, False)
    without_b = ensemble.refit_gbm(train[train["cell_line"] != "B"], SETTING, False)
    for part, scored in ((train, train_s), (val, val_s)):
        rows = part["cell_line"] == "B"
        expected = stacking.logit(without_b.predict_proba(feature_matrix(part[rows])))
        assert np.allclose(scored.loc[rows, stacking.SCORE_COLUMN], expected)
    everything = ensemble.refit_gbm(train, SETTING, False)
    assert np.allclose(gbm, everything.predict_proba(feature_matrix(test)))
    assert np.allclose(test_s[stacking.SCORE_COLUMN], stacking.logit(gbm))
    in_fold = stacking.logit(everything.predict_proba(feature_matrix(train)))
    assert not np.allclose(train_s[stacking.SCORE_COLUMN], in_fold)  # not the in-fold score
    assert stacking.SCORE_COLUMN not in train  # the caller's frames are not changed
    with pytest.raises(SystemExit, match="without training pairs"):
        stacking.out_of_fold_scores(train, _table(rng, ["E"], n=10), test, SETTING, False)


def test_the_score_is_the_promoter_sides_last_input():
    assert stacking.COLUMNS[1][-1] == stacking.SCORE_COLUMN
    assert np.allclose(
        stacking.logit(np.array([0.5, 0.0, 1.0])),
        [0.0, np.log(1e-6 / (1 - 1e-6)), np.log((1 - 1e-6) / 1e-6)],
    )


def test_distillation_teaches_with_the_score_and_reads_the_marks_alone(monkeypatch, tmp_path):
    """``--distill``: the network's inputs are the marks alone; each training pair's teacher
    is gradient boosting's out-of-fold probability, at the weight given."""
    import kipoi_prism.model.weights as weights
    import kipoi_prism.training.fit as fitting
    from kipoi_prism.benchmark.harness import PROFILES
    from kipoi_prism.training.datasets import TEACHER_COLUMN

    seen = {}

    def fake_fit(train, val, genome, model_config, train_config, folder, **kwargs):
        seen.update(train=train, model=model_config, train_config=train_config, **kwargs)
        return type("Result", (), {"weights_path": folder / "weights.pt"})()

    monkeypatch.setattr(fitting, "fit", fake_fit)
    monkeypatch.setattr(weights, "load_weights", lambda path: path)
    rng = np.random.default_rng(1)
    train = _table(rng, ["A", "B"]).assign(**{stacking.SCORE_COLUMN: rng.normal(size=240)})
    val = _table(rng, ["A", "B"], n=40).assign(**{stacking.SCORE_COLUMN: 0.0})
    for distill, columns in ((0.5, stacking.PLAIN_COLUMNS), (0.0, stacking.COLUMNS)):
        stacking.network_fit(train, val, PROFILES["full"], 0, tmp_path, columns, distill)
        assert seen["feature_columns"] == columns
        assert seen["model"].feature_dims == (len(columns[0]), len(columns[1]))
        assert seen["train_config"].distill_weight == distill
        assert (TEACHER_COLUMN in seen["train"]) == bool(distill)
    assert stacking.SCORE_COLUMN not in stacking.PLAIN_COLUMNS[1]
    taught = stacking.with_teacher(train)
    assert np.allclose(stacking.logit(taught[TEACHER_COLUMN].to_numpy()),
                       train[stacking.SCORE_COLUMN])  # fmt: skip
    with pytest.raises(SystemExit, match="--distill: expected a weight >= 0, got -1.0"):
        stacking.main(["--held-out", "A", "--gbm-results", "x.csv", "--distill", "-1",
                       "--out", str(tmp_path)])  # fmt: skip


def test_the_networks_training_scores_come_from_fits_without_their_cell_line(monkeypatch):
    """``--teacher blend``: each training cell line's pairs are scored by a network fitted
    on the other training cell lines' pairs (training and validation) alone."""
    rng = np.random.default_rng(2)
    train, val = _table(rng, ["A", "B", "C"]), _table(rng, ["A", "B", "C"], n=40)
    fitted = {}

    def fake_fit(train_part, val_part, config, seed, folder, columns):
        cells = set(train_part["cell_line"]) | set(val_part["cell_line"])
        fitted[folder.name] = cells
        assert columns == stacking.PLAIN_COLUMNS
        return {"A": 0.1, "B": 0.2, "C": 0.3}[({"A", "B", "C"} - cells).pop()]

    monkeypatch.setattr(stacking, "network_fit", fake_fit)
    monkeypatch.setattr(stacking, "network_scores",
                        lambda bundle, rows, columns, seed: np.full(len(rows), bundle))  # fmt: skip
    scored_train, scored_val = stacking.network_out_of_fold(train, val, None, 0, Path("t"))
    assert fitted == {"without-A": {"B", "C"}, "without-B": {"A", "C"},
                      "without-C": {"A", "B"}}  # fmt: skip
    for part, scored in ((train, scored_train), (val, scored_val)):
        expected = part["cell_line"].map({"A": 0.1, "B": 0.2, "C": 0.3}).to_numpy()
        assert np.allclose(scored[stacking.NETWORK_COLUMN], stacking.logit(expected))
    assert stacking.NETWORK_COLUMN not in train


def test_the_blend_teacher_is_the_mean_of_both_probabilities(tmp_path):
    from kipoi_prism.training.datasets import TEACHER_COLUMN

    gbm, network = stacking.logit(np.array([0.1, 0.8])), stacking.logit(np.array([0.3, 0.4]))
    frame = pd.DataFrame({stacking.SCORE_COLUMN: gbm, stacking.NETWORK_COLUMN: network})
    taught = stacking.with_teacher(frame, stacking.TEACHERS["blend"])
    assert np.allclose(taught[TEACHER_COLUMN], [0.2, 0.6])
    assert np.allclose(stacking.with_teacher(frame)[TEACHER_COLUMN], [0.1, 0.8])
    with pytest.raises(SystemExit, match="--teacher blend: a teacher needs --distill"):
        stacking.main(["--held-out", "A", "--gbm-results", "x.csv", "--teacher", "blend",
                       "--out", str(tmp_path)])  # fmt: skip
