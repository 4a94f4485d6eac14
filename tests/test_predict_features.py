"""``kipoi-prism predict`` (and ``predict_pairs``) with feature-backbone weights: chromatin
feature tables scored with the recipe the weights record, no genome."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from predict_helpers import make_pairs, single_thread, tiny_model, tiny_weights  # noqa: F401

import kipoi_prism
from kipoi_prism.cli.main import main
from kipoi_prism.config import InferenceConfig
from kipoi_prism.errors import PrismInputError
from kipoi_prism.io.feature_inputs import (
    FEATURE_INPUTS,
    RECIPE_KEY,
    feature_recipe,
    read_feature_table,
    recipe_normalise,
)
from kipoi_prism.io.feature_table import FEATURE_COLUMNS, TABLE_COLUMNS
from kipoi_prism.model.weights import load_weights, save_weights

CELLS = ("cellA", "cellB", "cellC")
WIDTHS = tuple(len(columns) for columns in FEATURE_INPUTS)
CONFIG = InferenceConfig(support_size=8, seed=1)

pytestmark = pytest.mark.usefixtures("single_thread")


def make_table(n: int = 90, seed: int = 0, labels: bool = True) -> pd.DataFrame:
    """A feature table as ``kipoi-prism features`` writes it, rows of the cell lines mixed."""
    rng = np.random.default_rng(seed)
    starts = rng.integers(0, 1_000_000, n) * 10
    gaps = rng.integers(1_000, 200_000, n)
    cells = rng.choice(CELLS, n)
    label = rng.integers(0, 2, n) if labels else np.full(n, -1)
    label[0] = -1  # one pair without a label
    region = [f"chr{1 + i % 3}:{s}-{s + 500}" for i, s in enumerate(starts)]
    promoter = [f"chr{1 + i % 3}:{s + g}-{s + g + 1000}" for i, (s, g) in
                enumerate(zip(starts, gaps, strict=True))]  # fmt: skip
    frame = pd.DataFrame(
        {
            "label": label,
            "enh_name": [f"{r}|{c}|pair{i}" for i, (r, c) in enumerate(zip(region, cells,
                                                                            strict=True))],
            "prom_name": [f"{r}|{c}|pair{i}" for i, (r, c) in enumerate(zip(promoter, cells,
                                                                             strict=True))],
            "celltype": cells,
            "chrom": [r.split(":")[0] for r in region],
            "enhancer_distance_to_promoter": gaps + 250,
        }
    )  # fmt: skip
    marks = rng.lognormal(-1, 1, (n, len(FEATURE_COLUMNS)))  # bigWig-like mean signal
    return pd.concat([frame, pd.DataFrame(marks, columns=FEATURE_COLUMNS)], axis=1)[TABLE_COLUMNS]


def write_table(frame: pd.DataFrame, path: Path) -> Path:
    frame.to_csv(path, sep="\t", index=False, na_rep="NA", float_format="%.8g")
    return path


def feature_weights(path: Path, normalise: str | None, seed: int = 3) -> Path:
    """Tiny feature-backbone weights reading the table's 17 + 8 inputs."""
    metadata = {} if normalise is None else {RECIPE_KEY: feature_recipe(normalise)}
    model = tiny_model(seed, backbone="features", feature_dims=WIDTHS)
    return save_weights(path, model, threshold=0.5, metadata=metadata)


@pytest.fixture
def table(tmp_path) -> Path:
    return write_table(make_table(), tmp_path / "features.tsv")


@pytest.fixture
def rank_weights(tmp_path) -> Path:
    return feature_weights(tmp_path / "rank.pt", "rank")


def predict(*args) -> int:
    return main(["--quiet", "predict", *map(str, args)])


def scores(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, sep="\t", keep_default_na=False)


def test_predict_scores_a_feature_table_in_input_order_keeping_labels(
    tmp_path, table, rank_weights
):
    out = tmp_path / "scores.tsv"
    assert predict("--weights", rank_weights, "--pairs", table, "--out", out,
                   "--support-size", 8) == 0  # fmt: skip
    written, source = scores(out), pd.read_csv(table, sep="\t")
    assert written["name"].tolist() == [f"pair{i}" for i in range(len(source))]
    assert written["cell_line"].tolist() == source["celltype"].tolist()
    assert written["label"].astype(str).tolist() == [
        "." if v < 0 else str(v) for v in source["label"]
    ]
    assert written["enhancer_chrom"].tolist() == source["chrom"].tolist()
    starts = source["enh_name"].str.split("|").str[0].str.split(":").str[1].str.split("-").str[0]
    assert written["enhancer_start"].tolist() == starts.astype(int).tolist()
    assert written["distance"].tolist() == source["enhancer_distance_to_promoter"].tolist()
    assert written["probability"].between(0, 1).all()
    assert not [c for c in written.columns if c.startswith("x_") or c in FEATURE_COLUMNS]

    h5 = tmp_path / "scores.h5"
    assert predict("--weights", rank_weights, "--pairs", table, "--out", h5,
                   "--support-size", 8) == 0  # fmt: skip
    h5py = pytest.importorskip("h5py")
    with h5py.File(h5) as f:
        np.testing.assert_allclose(f["probability"][:], written["probability"], rtol=1e-6)
        assert f["label"][0] == -1


def test_python_api_scores_a_feature_table_file_or_frame(table, rank_weights):
    from_file = kipoi_prism.predict_pairs(table, weights=rank_weights, config=CONFIG)
    frame = read_feature_table(table, names=True)
    from_frame = kipoi_prism.predict_pairs(frame, weights=rank_weights, config=CONFIG)
    np.testing.assert_array_equal(from_file["probability"], from_frame["probability"])
    assert from_file["name"].tolist() == frame["name"].tolist()
    assert from_file["line"].tolist() == list(range(2, len(frame) + 2))
    with pytest.raises(PrismInputError, match="format: not used"):
        kipoi_prism.predict_pairs(table, weights=rank_weights, format="bedpe")


def _monotone_in_one_cell_line(frame: pd.DataFrame) -> pd.DataFrame:
    changed = frame.copy()
    rows, column = changed["celltype"] == "cellB", "H3K27ac (enhancer)"
    changed.loc[rows, column] = 10 * changed.loc[rows, column] ** 2 + 3
    return changed


def test_rank_recipe_is_invariant_to_a_monotone_change_of_a_mark_within_a_cell_line(tmp_path):
    plain = write_table(make_table(), tmp_path / "plain.tsv")
    changed = write_table(_monotone_in_one_cell_line(make_table()), tmp_path / "changed.tsv")
    cell_b = pd.read_csv(plain, sep="\t")["celltype"].eq("cellB").to_numpy()
    for normalise in ("rank", "log"):
        weights = feature_weights(tmp_path / f"{normalise}.pt", normalise)
        before = kipoi_prism.predict_pairs(plain, weights=weights, config=CONFIG)
        after = kipoi_prism.predict_pairs(changed, weights=weights, config=CONFIG)
        if normalise == "rank":
            np.testing.assert_array_equal(before["probability"], after["probability"])
        else:
            moved = np.abs(before["probability"] - after["probability"]).to_numpy()
            assert (moved[cell_b] > 1e-6).mean() > 0.5


def test_weights_without_a_recipe_use_the_log_recipe(tmp_path, table):
    bare = feature_weights(tmp_path / "bare.pt", None)
    logged = feature_weights(tmp_path / "log.pt", "log")
    ranked = feature_weights(tmp_path / "rank.pt", "rank")
    assert recipe_normalise(load_weights(bare).metadata) == "log"
    assert load_weights(ranked).metadata[RECIPE_KEY]["normalise"] == "rank"
    a, b, c = (kipoi_prism.predict_pairs(table, weights=w, config=CONFIG)["probability"]
               for w in (bare, logged, ranked))  # fmt: skip
    np.testing.assert_array_equal(a, b)
    assert not np.allclose(a, c)


def test_a_recipe_from_another_version_is_refused():
    with pytest.raises(PrismInputError, match="normalise 'zscore' is not one of"):
        recipe_normalise({RECIPE_KEY: {"normalise": "zscore"}}, "w.pt")
    other = {**feature_recipe("rank"), "promoter": ["DNase (promoter)"]}
    with pytest.raises(PrismInputError, match="feature_inputs.promoter"):
        recipe_normalise({RECIPE_KEY: other}, "w.pt")


def _one_line_error(capsys) -> str:
    error = capsys.readouterr().err.strip()
    assert len(error.splitlines()) == 1, error
    return error


def test_a_table_missing_columns_is_refused_naming_them(tmp_path, rank_weights, capsys):
    lacking = make_table().drop(columns=["CTCF (window)", "H3K9me3 (enhancer)"])
    path = write_table(lacking, tmp_path / "lacking.tsv")
    out = tmp_path / "scores.tsv"
    assert predict("--weights", rank_weights, "--pairs", path, "--out", out) == 2
    error = _one_line_error(capsys)
    assert str(path) in error and "lacks columns CTCF (window), H3K9me3 (enhancer)" in error
    assert not out.exists()
    bedpe = make_pairs(tmp_path / "pairs.bedpe", n=5)
    assert predict("--weights", rank_weights, "--pairs", bedpe, "--out", out) == 2
    assert "not a chromatin feature table: lacks columns enh_name, prom_name" in _one_line_error(
        capsys
    )


def test_missing_marks_are_refused_naming_them(tmp_path, rank_weights, capsys):
    frame = make_table()
    frame.loc[4:, ["H3K27me3 (enhancer)", "H3K27me3 (promoter)", "H3K27me3 (window)"]] = np.nan
    frame.loc[7, "CTCF (window)"] = np.nan
    path = write_table(frame, tmp_path / "partial.tsv")
    out = tmp_path / "scores.tsv"
    assert predict("--weights", rank_weights, "--pairs", path, "--out", out) == 2
    error = _one_line_error(capsys)
    assert "no values (NA) for CTCF, H3K27me3 (first at line 6)" in error
    assert not out.exists()


def test_missing_marks_imputed_enter_as_the_middle_rank(tmp_path, rank_weights, caplog):
    """--missing-marks impute: a mark the user lacks scores as if each of its three columns
    held the middle rank for every pair; the warning names it."""
    from kipoi_prism.io.feature_inputs import (
        ENHANCER_INPUTS,
        MID_RANK,
        PROMOTER_INPUTS,
        read_feature_table,
        scoring_table,
    )

    frame = make_table()
    lacking = ["H3K27me3 (enhancer)", "H3K27me3 (promoter)", "H3K27me3 (window)"]
    frame[lacking] = np.nan
    path = write_table(frame, tmp_path / "no-k27me3.tsv")
    with caplog.at_level("WARNING", logger="kipoi_prism"):  # before main() sets up logging
        api = kipoi_prism.predict_pairs(path, weights=rank_weights, impute_missing_marks=True)
    assert "H3K27me3" in caplog.text and "middle rank" in caplog.text
    out = tmp_path / "scores.tsv"
    assert predict("--weights", rank_weights, "--pairs", path, "--out", out,
                   "--missing-marks", "impute") == 0  # fmt: skip
    imputed = scores(out)
    assert len(imputed) == len(frame)
    inputs = scoring_table(read_feature_table(path, names=True), "rank", path, True)
    by_hand = scoring_table(read_feature_table(path, names=True).fillna(0.0), "rank", path)
    mark_inputs = [c for c in ENHANCER_INPUTS + PROMOTER_INPUTS if not inputs[c].ne(MID_RANK).any()]
    assert len(mark_inputs) == 3  # the three H3K27me3 inputs, and only those
    assert not by_hand[mark_inputs].eq(MID_RANK).all().all()
    np.testing.assert_allclose(api["probability"], imputed["probability"], rtol=1e-6)


def test_imputing_needs_the_rank_recipe(tmp_path, capsys):
    frame = make_table()
    frame["CTCF (window)"] = np.nan
    path = write_table(frame, tmp_path / "no-ctcf.tsv")
    weights = feature_weights(tmp_path / "log.pt", "log")
    assert predict("--weights", weights, "--pairs", path, "--out", tmp_path / "s.tsv",
                   "--missing-marks", "impute") == 2  # fmt: skip
    assert "imputing missing marks needs weights whose marks are ranks" in _one_line_error(capsys)


def test_sequence_weights_still_need_a_fasta(tmp_path, table, capsys):
    weights = tiny_weights(tmp_path / "sequence.pt")
    assert predict("--weights", weights, "--pairs", table, "--out", tmp_path / "s.tsv") == 2
    assert "--fasta is required: these weights have the sequence backbone" in _one_line_error(
        capsys
    )
    with pytest.raises(PrismInputError, match="fasta: a genome FASTA is needed"):
        kipoi_prism.predict_pairs(table, weights=weights)


def test_a_fasta_with_feature_weights_is_ignored_with_a_warning(
    tmp_path, table, rank_weights, capsys
):
    plain, with_fasta = tmp_path / "plain.tsv", tmp_path / "fasta.tsv"
    assert predict("--weights", rank_weights, "--pairs", table, "--out", plain) == 0
    capsys.readouterr()
    assert main(["predict", "--weights", str(rank_weights), "--pairs", str(table), "--out",
                 str(with_fasta), "--fasta", "nowhere.fa"]) == 0  # fmt: skip
    assert "--fasta nowhere.fa: not used" in capsys.readouterr().err
    pd.testing.assert_frame_equal(scores(plain), scores(with_fasta))


def test_feature_weights_refuse_candidate_sets_and_stdin(tmp_path, rank_weights, capsys):
    out = tmp_path / "s.tsv"
    assert predict("--weights", rank_weights, "--pairs", "-", "--out", out) == 2
    assert "not stdin" in _one_line_error(capsys)
    bed = tmp_path / "regions.bed"
    bed.write_text("chr1\t100\t200\n")
    assert predict("--weights", rank_weights, "--enhancers", bed, "--promoters", bed,
                   "--max-distance", 1000, "--cell-line", "X", "--out", out) == 2  # fmt: skip
    assert "make one with kipoi-prism features" in _one_line_error(capsys)


def test_rank_logs_that_ranks_are_within_the_table(table, rank_weights, caplog):
    with caplog.at_level("INFO", logger="kipoi_prism"):
        kipoi_prism.predict_pairs(table, weights=rank_weights, config=CONFIG)
    assert "ranked within each of its 3 cell lines" in caplog.text


def test_fit_records_the_recipe_in_the_weights_and_its_checkpoints(tmp_path):
    """The coordinator's path: fit a feature-backbone model with the rank recipe recorded;
    ``kipoi-prism export`` of a checkpoint carries it too."""
    from toy_training import quiet_trainer, tiny_train

    from kipoi_prism.config import ModelConfig
    from kipoi_prism.io.feature_inputs import model_inputs
    from kipoi_prism.training.export import export_checkpoint
    from kipoi_prism.training.fit import fit

    frame = read_feature_table(write_table(make_table(240, labels=True), tmp_path / "t.tsv"),
                               names=True)  # fmt: skip
    frame = model_inputs(frame[frame["label"] >= 0].reset_index(drop=True), "rank")
    frame["enhancer_chrom"] = frame["enhancer"].str.split(":").str[0]
    val = frame["enhancer_chrom"] == "chr3"
    model = ModelConfig(**{**tiny_model_settings(), "backbone": "features",
                           "feature_dims": WIDTHS})  # fmt: skip
    recipe = {RECIPE_KEY: feature_recipe("rank")}
    result = fit(frame[~val], frame[val], None, model, tiny_train(max_epochs=2, warmup_epochs=1),
                 tmp_path / "run", trainer_config=quiet_trainer(), feature_columns=FEATURE_INPUTS,
                 metadata=recipe)  # fmt: skip
    assert load_weights(result.weights_path).metadata[RECIPE_KEY] == recipe[RECIPE_KEY]
    exported = export_checkpoint(result.last_checkpoint, tmp_path / "exported.pt")
    assert load_weights(exported).metadata[RECIPE_KEY] == recipe[RECIPE_KEY]


def tiny_model_settings() -> dict:
    from predict_helpers import TINY

    return dict(TINY)


@pytest.mark.parametrize(("normalise", "recorded"), [("none", "log"), ("rank", "rank")])
def test_the_benchmark_records_its_normalisation_in_the_weights(
    monkeypatch, tmp_path, normalise, recorded
):
    from kipoi_prism.benchmark import feature_track
    from kipoi_prism.config import BenchmarkConfig
    from kipoi_prism.config.variants import VARIANTS

    seen = {}

    def fake_fit(*args, **kwargs):
        seen.update(kwargs)
        raise RuntimeError("stop here")

    monkeypatch.setattr("kipoi_prism.training.fit.fit", fake_fit)
    with pytest.raises(RuntimeError, match="stop here"):
        feature_track.fit_feature_model(None, None, BenchmarkConfig(normalise=normalise),
                                        VARIANTS["full"], 0, tmp_path)  # fmt: skip
    assert seen["metadata"] == {RECIPE_KEY: feature_recipe(recorded)}
    assert seen["feature_columns"] == FEATURE_INPUTS


def test_unknown_labels_are_kept_and_bad_ones_refused(tmp_path, rank_weights):
    frame = make_table(12).astype({"label": object})
    frame.loc[2, "label"] = "NA"
    scored = kipoi_prism.predict_pairs(write_table(frame, tmp_path / "na.tsv"),
                                       weights=rank_weights)  # fmt: skip
    assert scored["label"].tolist()[:3] == [-1, int(frame.loc[1, "label"]), -1]
    frame.loc[5, "label"] = "yes"
    with pytest.raises(PrismInputError, match="bad.tsv line 7: label 'yes' is not 0 or 1"):
        read_feature_table(write_table(frame, tmp_path / "bad.tsv"))


def test_a_frame_that_is_not_a_read_feature_table_is_refused(table, rank_weights):
    raw = pd.read_csv(table, sep="\t")
    with pytest.raises(PrismInputError, match="lacks columns cell_line, enhancer, promoter"):
        kipoi_prism.predict_pairs(raw, weights=rank_weights)
