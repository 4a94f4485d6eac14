"""Environment files (``kipoi-prism environment``, ``predict --environment``) and shards
(``--shard K/N`` on ``pairs`` and ``predict``), on the made example genome and pairs."""

from __future__ import annotations

import json
from pathlib import Path

import h5py
import numpy as np
import pandas as pd
import pytest
import torch
from predict_helpers import read_tsv, tiny_weights

from kipoi_prism.cli.main import main
from kipoi_prism.inference.environments import ENVIRONMENT_FORMAT, read_environment
from kipoi_prism.io.checksums import file_sha256
from kipoi_prism.io.encode import PairEncoder
from kipoi_prism.io.genome import Genome
from kipoi_prism.io.pairs import read_pairs
from kipoi_prism.io.shards import Shard, parse_shard
from kipoi_prism.model.weights import load_weights

pytestmark = pytest.mark.usefixtures("single_thread")

EXAMPLE = Path(__file__).parents[1] / "example"
PAIRS, FASTA = EXAMPLE / "pairs.bedpe", EXAMPLE / "genome.fa"
CELLS = ("cellA", "cellB", "cellC")


@pytest.fixture
def cli(tmp_path, capsys):
    """``main`` with tiny weights; returns (status, stderr lines)."""
    weights = tiny_weights(tmp_path / "tiny.pt")

    def call(command: str, *extra: str, weights=weights, source=True):
        argv = ["-q", command]
        if source:
            argv += ["--pairs", str(PAIRS), "--fasta", str(FASTA), "--device", "cpu"]
        if weights is not None:
            argv += ["--weights", str(weights)]
        status = main(argv + list(extra))
        return status, capsys.readouterr().err.splitlines()

    call.weights = weights
    return call


def text_of(path: Path) -> pd.DataFrame:
    """An output table as its text: every field a string, compared exactly."""
    return pd.read_csv(path, sep="\t", dtype=str, keep_default_na=False)


def in_order_of(parts: list[pd.DataFrame], whole: pd.DataFrame) -> pd.DataFrame:
    """Shard outputs concatenated and put in ``whole``'s row order (the input's: outputs
    carry no line column, and pair names are unique)."""
    position = {name: i for i, name in enumerate(whole["name"])}
    joined = pd.concat(parts, ignore_index=True)
    return joined.iloc[np.argsort(joined["name"].map(position).to_numpy())].reset_index(drop=True)


def environment_files(cli, folder: Path, *extra: str) -> list[str]:
    """One environment file per example cell line (support size 8, seed 3)."""
    paths = []
    for cell in CELLS:
        out = folder / f"{cell}.env.json"
        status, err = cli("environment", "--cell-line", cell, "--out", str(out),
                          "--support-size", "8", "--seed", "3", *extra)  # fmt: skip
        assert status == 0, err
        paths.append(str(out))
    return paths


def test_environment_file_records_its_recipe_and_reads_back(tmp_path, cli):
    out = tmp_path / "cellB.env.json"
    status, err = cli("environment", "--cell-line", "cellB", "--out", str(out),
                      "--support-size", "8", "--seed", "3")  # fmt: skip
    assert status == 0, err
    payload = json.loads(out.read_text())
    assert payload["format"] == ENVIRONMENT_FORMAT and payload["version"] == 1
    assert payload["weights_sha256"] == file_sha256(cli.weights)
    assert payload["recipe"] == {"support": "seeded", "size": 8, "seed": 3, "n": 8}
    assert payload["input"] == {"pairs": {"path": str(PAIRS), "sha256": file_sha256(PAIRS)}}
    environment = read_environment(out)
    assert environment.cell_line == "cellB"
    assert environment.z_e.dtype == np.float32 and environment.z_e.shape == (4,)
    assert environment.z_e.tolist() == payload["z_E"]


def test_environment_needs_a_cell_line_when_the_input_holds_several(tmp_path, cli):
    status, err = cli("environment", "--out", str(tmp_path / "x.json"))
    assert status == 2
    assert "--cell-line: the input holds 3 cell lines (cellA, cellB, cellC)" in err[-1]
    status, err = cli("environment", "--cell-line", "HeLa", "--out", str(tmp_path / "x.json"))
    assert status == 2 and "--cell-line HeLa: no pairs of this cell line" in err[-1]
    assert not (tmp_path / "x.json").exists()


def test_predict_with_environment_files_equals_predict_without(tmp_path, cli):
    files = environment_files(cli, tmp_path)
    plain, given = tmp_path / "plain.h5", tmp_path / "given.h5"
    common = ("--support-size", "8", "--seed", "3")
    assert cli("predict", "--out", str(plain), *common)[0] == 0
    assert cli("predict", "--out", str(given), "--environment", *files[:2], *common)[0] == 0
    with h5py.File(plain) as a, h5py.File(given) as b:
        for column in ("probability", "R_E", "lam", "T"):
            np.testing.assert_array_equal(a[column][:], b[column][:])
        assert "environment_files" not in a.attrs
        used = json.loads(b.attrs["environment_files"])
    assert sorted(used) == ["cellA", "cellB"]  # cellC drew its support set as usual
    assert used["cellA"] == {"file": files[0], "recipe": {"support": "seeded", "size": 8,
                                                          "seed": 3, "n": 8}}  # fmt: skip


def test_a_file_changes_the_scores_of_its_cell_line_only(tmp_path, cli):
    """Guards against a file being ignored: an all-pairs environment moves cellA's scores."""
    out = tmp_path / "cellA.env.json"
    assert cli("environment", "--cell-line", "cellA", "--all-pairs", "--out", str(out))[0] == 0
    plain, given = tmp_path / "plain.tsv", tmp_path / "given.tsv"
    small = ("--support-size", "4")  # cellA's 16 pairs would all be its support set
    assert cli("predict", "--out", str(plain), *small)[0] == 0
    assert cli("predict", "--out", str(given), "--environment", str(out), *small)[0] == 0
    a, b = read_tsv(plain), read_tsv(given)
    moved = a["R_E"] != b["R_E"]
    assert moved.any() and (a.loc[moved, "cell_line"] == "cellA").all()


def test_a_file_made_with_other_weights_is_refused(tmp_path, cli):
    other = tiny_weights(tmp_path / "other.pt", seed=1)
    out = tmp_path / "cellA.env.json"
    assert cli("environment", "--cell-line", "cellA", "--out", str(out), weights=other)[0] == 0
    status, err = cli("predict", "--out", str(tmp_path / "s.tsv"), "--environment", str(out))
    assert status == 2 and len(err) == 1
    assert file_sha256(other) in err[0] and file_sha256(cli.weights) in err[0]
    assert err[0].startswith(f"kipoi-prism: error: {out}: made with other weights")


def test_two_files_for_one_cell_line_are_refused(tmp_path, cli):
    out = tmp_path / "cellA.env.json"
    assert cli("environment", "--cell-line", "cellA", "--out", str(out))[0] == 0
    copy = tmp_path / "copy.json"
    copy.write_text(out.read_text())
    status, err = cli("predict", "--out", str(tmp_path / "s.tsv"),
                      "--environment", str(out), str(copy))  # fmt: skip
    assert status == 2 and "a second environment file for cell line cellA" in err[-1]


def test_not_an_environment_file_is_refused(tmp_path, cli):
    bad = tmp_path / "bad.json"
    bad.write_text('{"format": "something else"}')
    status, err = cli("predict", "--out", str(tmp_path / "s.tsv"), "--environment", str(bad))
    assert status == 2 and f"{bad}: not an environment file" in err[-1]


def test_all_pairs_is_the_mean_of_e_over_every_pair(tmp_path, cli):
    out = tmp_path / "cellC.env.json"
    status, _ = cli("environment", "--cell-line", "cellC", "--all-pairs", "--batch-size", "5",
                    "--out", str(out))  # fmt: skip
    assert status == 0
    environment = read_environment(out)
    rows = read_pairs(PAIRS).query("cell_line == 'cellC'").reset_index(drop=True)
    assert environment.recipe == {"support": "all pairs", "n": len(rows)}
    model = load_weights(cli.weights).model.eval()
    encoder = PairEncoder(Genome(FASTA), model.config.enhancer_length,
                          model.config.promoter_length)  # fmt: skip
    encoded = encoder.encode(rows)
    with torch.inference_mode():
        _, e, _ = model.encode(torch.from_numpy(encoded.enhancer),
                               torch.from_numpy(encoded.promoter))  # fmt: skip
    np.testing.assert_allclose(environment.z_e, e.double().mean(0).numpy(), rtol=0, atol=1e-6)


def test_sharded_predict_with_environment_files_concatenates_to_the_unsharded(tmp_path, cli):
    files = environment_files(cli, tmp_path)
    whole = tmp_path / "whole.tsv"
    # One pair per model call on both sides: CPU kernels round differently with the batch's
    # size and make-up (last-bit differences, within the engine's 1e-6 batch invariance).
    one = ("--batch-size", "1")
    assert cli("predict", "--out", str(whole), "--support-size", "8", "--seed", "3", *one)[0] == 0
    parts = []
    for k in (1, 2, 3):
        out = tmp_path / f"shard{k}.tsv"
        status, err = cli("predict", "--out", str(out), "--shard", f"{k}/3", *one,
                          "--environment", *files)  # fmt: skip
        assert status == 0 and err == []  # every cell line has a file: no warning
        parts.append(text_of(out))
    assert all(len(part) for part in parts)
    expected = text_of(whole)
    pd.testing.assert_frame_equal(in_order_of(parts, expected), expected, check_exact=True)


def test_sharded_predict_without_environment_files_warns(tmp_path, cli, caplog):
    status, err = cli("predict", "--out", str(tmp_path / "s.tsv"), "--shard", "2/3")
    assert status == 0
    assert any("shard 2/3: cell lines cellA, cellB, cellC drew the support set from this "
               "shard's rows only" in line for line in err)  # fmt: skip


@pytest.fixture
def beds(tmp_path):
    """Enhancer and promoter BEDs on the example genome's chromosomes."""
    rng = np.random.default_rng(0)
    paths = []
    for side, n in (("enhancers", 30), ("promoters", 12)):
        starts = rng.integers(300, 9000, n)
        lines = [f"chr{1 + i % 3}\t{s}\t{s + 200}\t{side[0]}{i}\n" for i, s in enumerate(starts)]
        path = tmp_path / f"{side}.bed"
        path.write_text("".join(lines))
        paths.append(str(path))
    return paths


def test_shards_of_pairs_partition_the_unsharded_output(tmp_path, cli, beds):
    options = ["--enhancers", beds[0], "--promoters", beds[1], "--max-distance", "5000",
               "--cell-line", "K562"]  # fmt: skip
    whole = tmp_path / "whole.bedpe"
    assert cli("pairs", *options, "--out", str(whole), source=False, weights=None)[0] == 0
    parts = []
    for k in (1, 2, 3):
        out = tmp_path / f"shard{k}.bedpe"
        status, _ = cli("pairs", *options, "--out", str(out), "--shard", f"{k}/3",
                        source=False, weights=None)  # fmt: skip
        assert status == 0
        parts.append(text_of(out))
    expected = text_of(whole)
    assert len(expected) > 30 and all(len(part) for part in parts)
    names = [set(part["name"]) for part in parts]
    assert sum(map(len, names)) == len(expected)  # no pair in two shards
    assert set().union(*names) == set(expected["name"])
    pd.testing.assert_frame_equal(in_order_of(parts, expected), expected, check_exact=True)


@pytest.mark.parametrize("text", ["0/3", "4/3", "3", "1/0", "a/b", "1.5/3", "1/3/4"])
@pytest.mark.parametrize("command", ["pairs", "predict"])
def test_bad_shard_values_are_one_line_errors(tmp_path, cli, beds, command, text):
    if command == "pairs":
        extra = ["--enhancers", beds[0], "--promoters", beds[1], "--max-distance", "5000",
                 "--cell-line", "K562"]  # fmt: skip
        status, err = cli("pairs", *extra, "--out", str(tmp_path / "o.bedpe"),
                          "--shard", text, source=False, weights=None)  # fmt: skip
    else:
        status, err = cli("predict", "--out", str(tmp_path / "o.tsv"), "--shard", text)
    assert status == 2 and len(err) == 1
    assert err[0].startswith("kipoi-prism: error: --shard")
    assert not list(tmp_path.glob("o.*"))


def test_a_pairs_shard_depends_only_on_its_name():
    names = pd.Series([f"e{i}~p{i % 7}" for i in range(500)])
    shuffled = names.sample(frac=1, random_state=1)
    for k in (1, 2, 3, 4):
        shard = Shard(k, 4)
        chosen = set(names[shard.mask(names)])
        assert chosen == set(shuffled[shard.mask(shuffled)])
        assert chosen == set(names[:250][shard.mask(names[:250])]) | set(
            names[250:][shard.mask(names[250:])]
        )
    sizes = [int(Shard(k, 4).mask(names).sum()) for k in (1, 2, 3, 4)]
    assert sum(sizes) == 500 and min(sizes) > 80
    assert parse_shard(" 2 / 5 ") == Shard(2, 5) and parse_shard(None) is None


def test_feature_weights_shards_with_environment_files_equal_the_whole(tmp_path, capsys):
    """Feature-backbone weights (marks ranked within each cell line): every shard ranks over
    the whole table, so with environment files its scores are the unsharded ones."""
    from test_predict_features import feature_weights, make_table, write_table

    table = write_table(make_table(n=40), tmp_path / "features.tsv")
    weights = feature_weights(tmp_path / "rank.pt", "rank")
    common = ["--weights", str(weights), "--pairs", str(table), "--device", "cpu"]
    files = []
    for cell in sorted(set(pd.read_csv(table, sep="\t")["celltype"])):
        files.append(str(tmp_path / f"{cell}.json"))
        argv = ["-q", "environment", *common, "--cell-line", cell, "--support-size", "8"]
        assert main([*argv, "--out", files[-1]]) == 0
    whole = tmp_path / "whole.tsv"
    one = ["--batch-size", "1"]
    assert main(["-q", "predict", *common, *one, "--support-size", "8", "--out", str(whole)]) == 0
    parts = []
    for k in (1, 2, 3):
        out = tmp_path / f"shard{k}.tsv"
        argv = ["-q", "predict", *common, *one, "--shard", f"{k}/3", "--environment", *files]
        assert main([*argv, "--out", str(out)]) == 0
        parts.append(text_of(out))
    expected = text_of(whole)
    pd.testing.assert_frame_equal(in_order_of(parts, expected), expected, check_exact=True)
    assert capsys.readouterr().err == ""


def test_an_empty_shard_writes_the_header_only(tmp_path, cli):
    names = read_pairs(PAIRS)["name"]
    k = next(k for k in range(1, 201) if not Shard(k, 200).mask(names).any())
    out = tmp_path / "empty.tsv"
    status, err = cli("predict", "--out", str(out), "--shard", f"{k}/200")
    assert status == 0 and f"shard {k}/200: no pair of the input falls in it" in err[-1]
    assert len(read_tsv(out)) == 0 and "probability" in read_tsv(out).columns


def test_a_pairs_shard_does_not_count_the_candidates_first(tmp_path, cli, beds, monkeypatch):
    from kipoi_prism.io.candidates import CandidatePairSource

    def refuse(self):
        raise AssertionError("counted: a shard's count is unknown until swept")

    monkeypatch.setattr(CandidatePairSource, "count", refuse)
    status, err = cli("pairs", "--enhancers", beds[0], "--promoters", beds[1],
                      "--max-distance", "5000", "--cell-line", "K562", "--shard", "1/3",
                      "--out", str(tmp_path / "o.bedpe"), source=False, weights=None)  # fmt: skip
    assert status == 0, err
    assert len(text_of(tmp_path / "o.bedpe")) > 0


def test_an_empty_pairs_shard_says_the_shard_is_empty(tmp_path, cli, beds):
    outs = []
    for k in range(1, 65):  # 64 shards of a few candidates: some are empty
        out = tmp_path / f"o{k}.bedpe"
        status, err = cli("pairs", "--enhancers", beds[0], "--promoters", beds[1],
                          "--max-distance", "5000", "--cell-line", "K562", "--shard", f"{k}/64",
                          "--out", str(out), source=False, weights=None)  # fmt: skip
        assert status == 0, err
        if len(text_of(out)) == 0:
            outs.append("\n".join(err) if isinstance(err, list) else err)
    assert outs, "expected an empty shard among 64"
    assert "no candidate pair falls in it" in outs[0]
    assert "no candidate pairs: no enhancer" not in outs[0]
