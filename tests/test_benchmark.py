"""The quick benchmark as a smoke test: it runs end to end and writes every artefact.

Asserts the structure of what it writes, not its numbers (those belong to the full run,
docs/BENCHMARK.md).
"""

import json
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from kipoi_prism.benchmark.harness import PROFILES, BenchmarkConfig
from kipoi_prism.cli.main import main
from kipoi_prism.config.variants import VARIANTS, resolve


def test_every_variant_changes_its_configuration():
    from kipoi_prism.benchmark.harness import base_configs

    base = base_configs(PROFILES["quick"], seed=0)
    for key, variant in VARIANTS.items():
        changed = variant.change(*base)
        assert (changed == base) == (key == "full"), key


def test_unknown_rows_and_tracks_are_named():
    with pytest.raises(ValueError, match="unknown variant"):
        resolve(["full", "nope"])
    with pytest.raises(ValueError, match="tracks"):
        BenchmarkConfig(tracks=("sequence", "video"))


def benchmark_script(name: str):
    """``benchmarks/<name>.py`` loaded as a module."""
    import importlib.util

    path = Path(__file__).resolve().parents[1] / "benchmarks" / f"{name}.py"
    spec = importlib.util.spec_from_file_location(name, path)
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    return script


def test_quick_benchmark_writes_its_results(quick_run):
    out = quick_run
    results = pd.read_csv(out / "results.csv")
    quick = PROFILES["quick"]
    expected_rows = {
        "sequence": set(quick.rows) | set(quick.baselines),
        "features": set(quick.feature_rows) | set(quick.feature_baselines),
    }
    for track, rows in expected_rows.items():
        got = results[results["track"] == track]
        assert set(got["row"]) == rows
        assert set(got["held_out"]) == set(quick.held_out)
    for column in ("aupr", "auroc", "f1", "brier", "aupr_ci_low", "aupr_ci_high", "threshold"):
        assert results[column].notna().all(), column
    # Every row of a track is scored on the same held-out pairs (all of them in the sequence
    # track) and its F1 is the harmonic mean of the precision and recall it records.
    assert (results.groupby("track")[["n", "positives"]].nunique() == 1).all().all()
    sequence = results[results["track"] == "sequence"]
    assert (sequence["n"] == quick.pairs_per_cell_line).all()
    p, r = results["precision"].to_numpy(), results["recall"].to_numpy()
    f1 = np.divide(2 * p * r, p + r, out=np.zeros_like(p), where=p + r > 0)
    np.testing.assert_allclose(results["f1"], f1, rtol=1e-9)
    # The oracle (the simulation's true probabilities) is one number per held-out cell line
    # and seed, far above the base rate a random ranking gets.
    assert sequence["oracle_aupr"].nunique() == 1
    assert (sequence["oracle_aupr"] > 2 * sequence["positives"] / sequence["n"]).all()
    text = (out / "results.md").read_text()
    for heading in ("### Track: sequence", "### Track: features", "SPEC success signs"):
        assert heading in text
    held_out = len(quick.held_out)
    assert "| prism-energy (full) |" in text and f"| {held_out} | 1 | {held_out} |" in text
    assert "Against the full model, paired" in text
    run = json.loads((out / "run.json").read_text())
    assert run["command"].startswith("kipoi-prism ") and run["commit"] and run["wall_s"] > 0
    assert len(list(out.glob("pr-*.png"))) == 2
    assert (out / "lam_T_trajectories.png").is_file()
    history = pd.read_csv(out / "training_history.csv")
    assert {"lam", "T", "row", "held_out"} <= set(history.columns)
    # Every trained row leaves the warm-up and trains its environment stream for more than
    # one epoch, so the lam = 0 row is not the full row under another name (both rank the
    # pairs of one held-out cell line by U_I alone: R_E is one value per cell line).
    trained = history.groupby(["track", "row"])["warmup"].agg(lambda w: int((w == 0).sum()))
    assert (trained >= 2).all(), trained
    # Their AUPR can tie on the quick run's few positives: compare what each row learned.
    by_row = sequence.set_index("row")
    assert by_row.loc["lam0", "lam"] == 0 and by_row.loc["full", "lam"] != 0
    assert by_row.loc["full", "brier"] != by_row.loc["lam0", "brier"]


def _one_track(run: Path, track: str, into: Path) -> Path:
    """A results directory holding only ``track`` of ``run`` (as a narrowed run writes)."""
    into.mkdir()
    for name in ("results.csv", "pooled.csv"):
        frame = pd.read_csv(run / name)
        frame[frame["track"] == track].to_csv(into / name, index=False)
    meta = json.loads((run / "run.json").read_text())
    meta["command"] = f"kipoi-prism benchmark --quick --tracks {track}"
    (into / "run.json").write_text(json.dumps(meta))
    return into


def test_merge_recombines_runs_split_by_track(quick_run, tmp_path, capsys):
    parts = [_one_track(quick_run, t, tmp_path / t) for t in ("sequence", "features")]
    out = tmp_path / "merged"
    assert main(["benchmark", "--merge", *map(str, parts), "--out", str(out)]) == 0
    key = ["track", "row", "held_out", "seed"]
    merged = pd.read_csv(out / "results.csv").sort_values(key).reset_index(drop=True)
    original = pd.read_csv(quick_run / "results.csv").sort_values(key).reset_index(drop=True)
    pd.testing.assert_frame_equal(merged, original)
    text = (out / "results.md").read_text()
    assert "merged from 2 runs" in text
    for track in ("sequence", "features"):
        assert f"### Track: {track}" in text and f"--tracks {track}`" in text
    run = json.loads((out / "run.json").read_text())
    assert [m["source"] for m in run["merged_from"]] == [str(p) for p in parts]
    again = tmp_path / "merged-again"  # a merged directory merges again, keeping its sources
    assert main(["benchmark", "--merge", str(out), "--out", str(again)]) == 0
    merged_again = pd.read_csv(again / "results.csv")
    pd.testing.assert_frame_equal(merged_again, pd.read_csv(out / "results.csv"))
    assert json.loads((again / "run.json").read_text())["merged_from"] == run["merged_from"]
    pooled_key = ["track", "row", "seed"]
    pd.testing.assert_frame_equal(
        pd.read_csv(out / "pooled.csv").sort_values(pooled_key).reset_index(drop=True),
        pd.read_csv(quick_run / "pooled.csv").sort_values(pooled_key).reset_index(drop=True),
        check_like=True,
    )


def test_merge_leaves_pooled_metrics_empty_across_runs(quick_run, tmp_path):
    """Pooled metrics need every held-out cell line's scores: not there when runs split cells."""
    first = _one_track(quick_run, "features", tmp_path / "first")
    second = _one_track(quick_run, "features", tmp_path / "second")
    results = pd.read_csv(second / "results.csv")
    results["held_out"] = "another cell line"
    results.to_csv(second / "results.csv", index=False)
    out = tmp_path / "merged"
    assert main(["benchmark", "--merge", str(first), str(second), "--out", str(out)]) == 0
    assert len(pd.read_csv(out / "results.csv")) == 2 * len(results)
    pooled = pd.read_csv(out / "pooled.csv")
    assert len(pooled) and pooled["pooled_aupr"].isna().all()
    summary = (out / "results.md").read_text().split("pooled = all held-out")[1]
    full = next(line for line in summary.splitlines() if line.startswith("| prism-energy (full)"))
    assert full.split(" | ")[10] == "–"  # pooled_aupr: not the mean of what is left


def test_merge_keeps_identical_repeats_once_and_refuses_differing_ones(quick_run, tmp_path, capsys):
    twice = tmp_path / "twice"
    assert main(["benchmark", "--merge", str(quick_run), str(quick_run), "--out", str(twice)]) == 0
    pd.testing.assert_frame_equal(pd.read_csv(twice / "results.csv"),
                                  pd.read_csv(quick_run / "results.csv"))  # fmt: skip
    changed = _one_track(quick_run, "features", tmp_path / "changed")
    results = pd.read_csv(changed / "results.csv")
    results.loc[0, "aupr"] += 0.01
    results.to_csv(changed / "results.csv", index=False)
    status = main(["benchmark", "--merge", str(quick_run), str(changed),
                   "--out", str(tmp_path / "merged")])  # fmt: skip
    assert status == 2
    error = capsys.readouterr().err
    assert "differs between runs" in error and str(changed) in error
    assert not (tmp_path / "merged").exists()


def test_merge_refuses_an_unfinished_run(quick_run, tmp_path, capsys):
    part = _one_track(quick_run, "features", tmp_path / "features")
    (part / "pooled.csv").unlink()
    status = main(["benchmark", "--merge", str(part), "--out", str(tmp_path / "merged")])
    assert status == 2
    assert "did not finish" in capsys.readouterr().err


def test_ensemble_and_importance_scripts_transfer_mode_rescore_the_bengi_fits(
    shared_data, extra_table, tmp_path, capsys
):
    """--transfer: the TargetFinder -> BENGI fit (and a --weights file) score each transfer
    table as the run did, and gradient boosting refitted on every training pair reproduces
    its recorded AUPR."""
    run = tmp_path / "bench"
    assert main(["--quiet", "benchmark", "--tracks", "features", "--transfer-only",
                 "--feature-rows", "task_only", "--feature-pairs-per-cell-line", "60",
                 "--feature-max-epochs", "1", "--feature-baselines", "gbm", "--no-bengi",
                 "--extra-test", str(extra_table), "--data-dir", str(shared_data),
                 "--out", str(run), "--threads", "1"]) == 0  # fmt: skip
    fit = run / "runs" / "bengi-task_only-seed0" / "weights.pt"
    script = benchmark_script("feature_ensemble")
    out = tmp_path / "ensemble"
    args = ["--transfer", "--runs", str(run), "--row", "task_only", "--weights", str(fit),
            "--gbm-results", str(run / "results.csv"), "--data-dir", str(shared_data),
            "--out", str(out), "--bootstrap", "20"]  # fmt: skip
    assert script.main(args) == 0
    table = pd.read_csv(out / "ensemble.csv", dtype={"seeds": str}).set_index("held_out")
    recorded = pd.read_csv(run / "results.csv").set_index("row")["aupr"]
    row = table.loc["BENGI HMEC.HiC-Benchmark"]
    assert row["seeds"] == "0,0" and row["pairs"] == 300  # the run's fit, then --weights
    assert row["member_aupr_mean"] == pytest.approx(recorded["task_only"], abs=1e-4)
    assert row["ensemble_aupr"] == pytest.approx(recorded["task_only"], abs=1e-4)
    assert row["gbm_aupr"] == pytest.approx(recorded["gbm"], abs=1e-4)
    assert "BENGI HMEC.HiC-Benchmark" in capsys.readouterr().out
    with pytest.raises(SystemExit, match="no runs/bengi-full-seed<k>"):
        script.find_fits([run], "full", transfer=True)
    alone = tmp_path / "alone"  # the run gives the settings; the --weights file is the member
    alone_args = ["--transfer", "--runs", str(run), "--row", "full", "--weights", str(fit),
                  *args[7:11], "--out", str(alone), "--bootstrap", "20"]  # fmt: skip
    assert script.main(alone_args) == 0
    row = pd.read_csv(alone / "ensemble.csv", dtype={"seeds": str}).iloc[0]
    assert row["seeds"] == "0" and row["ensemble_aupr"] == pytest.approx(recorded["task_only"],
                                                                         abs=1e-4)  # fmt: skip
    importance = benchmark_script("input_importance")  # the same fits, their inputs shuffled
    shuffled = tmp_path / "importance"
    assert importance.main([*args[:-3], str(shuffled), "--repeats", "1",
                            "--kinds", "group"]) == 0  # fmt: skip
    table = pd.read_csv(shuffled / "importance.csv")
    groups = {g for g, (kind, _) in importance.input_groups().items() if kind == "group"}
    assert len(table) == 2 * 2 * len(groups)  # two fits of seed 0 kept apart, two models
    for fit in (0, 1):
        read = table[table["fit"] == fit].set_index(["model", "group"])
        assert set(read.index.get_level_values("group")) == groups
        assert read.loc[("network", "distance"), "aupr"] == pytest.approx(
            recorded["task_only"], abs=1e-4)  # fmt: skip
        assert read.loc[("gbm", "distance"), "aupr"] == pytest.approx(recorded["gbm"], abs=1e-4)
    assert len(importance.side_by_side(table)) == 2 * len(groups)
    ranked = tmp_path / "ranked"  # gradient boosting alone reads ranked marks
    assert script.main([*alone_args[:-3], str(ranked), "--bootstrap", "20",
                        "--gbm-normalise", "rank"]) == 0  # fmt: skip
    other = pd.read_csv(ranked / "ensemble.csv").iloc[0]
    assert other["ensemble_aupr"] == pytest.approx(row["ensemble_aupr"], abs=1e-6)
    assert np.isfinite(other["gbm_aupr"]) and other["gbm_aupr"] != pytest.approx(row["gbm_aupr"])
    with pytest.raises(SystemExit):
        script.parse_args(["--runs", str(run), "--gbm-results", "x", "--out", "y",
                           "--weights", str(fit)])  # fmt: skip


def _run_with_row_as(run: Path, row: str, as_row: str, out: Path, aupr_shift=0.0) -> Path:
    """A run folder sharing ``run``'s simulation whose ``as_row`` fit is ``run``'s ``row``
    fit (symlinked), with the AUPR ``run`` recorded for it (plus ``aupr_shift``)."""
    cell = PROFILES["quick"].held_out[0]
    (out / "runs").mkdir(parents=True)
    (out / "sim-seed0").symlink_to(run / "sim-seed0")
    fits = out / "runs", run / "runs"
    (fits[0] / f"seq-{as_row}-{cell}-seed0").symlink_to(fits[1] / f"seq-{row}-{cell}-seed0")
    results = pd.read_csv(run / "results.csv")
    mine = results[(results["track"] == "sequence") & (results["row"] == row)]
    mine.assign(row=as_row, aupr=mine["aupr"] + aupr_shift).to_csv(out / "results.csv", index=False)
    return out


def test_sequence_ensemble_rescores_each_member_and_averages_them(quick_run, tmp_path, capsys):
    """benchmarks/sequence_ensemble.py on the quick run's two trained rows as two members:
    each scores as the benchmark recorded, the ensemble is their probabilities' mean, the
    reader's AUPR is read from its file; a member whose run recorded another AUPR, or that
    read another simulation, is refused."""
    from kipoi_prism.benchmark.harness import held_out_rows
    from kipoi_prism.io.pairs import read_pairs
    from kipoi_prism.metrics import aupr

    script = benchmark_script("sequence_ensemble")
    cell = PROFILES["quick"].held_out[0]
    other = _run_with_row_as(quick_run, "lam0", "full", tmp_path / "other")
    readers = tmp_path / "readers"
    readers.mkdir()
    (readers / f"{cell}-seed0.md").write_text(
        "| reader | val_aupr | val_auroc | test_aupr | test_auroc | C |\n"
        "| known-motif scan | 0.300 | 0.800 | 0.125 | 0.700 | 0.01 |\n")  # fmt: skip
    out = tmp_path / "ensemble"
    common = ["--row", "full", "--threads", "2", "--bootstrap", "20"]  # the run's threads
    args = ["--member", "full", str(quick_run), "--member", "lam0", str(other), *common]
    assert script.main([*args, "--readers", str(readers), "--out", str(out)]) == 0
    row = pd.read_csv(out / "ensemble.csv").iloc[0]
    recorded = pd.read_csv(quick_run / "results.csv")
    recorded = recorded[recorded["track"] == "sequence"].set_index("row")["aupr"]
    assert (row["held_out"], row["seed"]) == (cell, 0)
    assert row["aupr_full"] == pytest.approx(recorded["full"], abs=1e-6)
    assert row["aupr_lam0"] == pytest.approx(recorded["lam0"], abs=1e-6)
    assert row["member_mean"] == pytest.approx((recorded["full"] + recorded["lam0"]) / 2, abs=1e-6)
    test = held_out_rows(script.prepare_pairs(read_pairs(quick_run / "sim-seed0" / "pairs.bedpe")),
                         cell)  # fmt: skip
    fasta = quick_run / "sim-seed0" / "genome.fa"
    probabilities = [script.predict_frame(quick_run / "runs" / f"seq-{r}-{cell}-seed0" /
                                          "weights.pt", fasta, test, 0)[0]
                     for r in ("full", "lam0")]  # fmt: skip
    expected = aupr(test["label"].to_numpy(), np.mean(probabilities, axis=0))
    assert row["ensemble"] == pytest.approx(expected, abs=1e-6)  # the CSV keeps 6 decimals
    assert row["reader"] == 0.125
    assert row["ensemble_minus_first_low"] <= row["ensemble_minus_first_high"]
    text = (out / "ensemble.md").read_text()
    assert "ensemble minus member lam0:" in text and "known-motif scan reader:" in text
    command = json.loads((out / "run.json").read_text())["command"]
    assert command.startswith("python benchmarks/sequence_ensemble.py --member full ")
    assert f"held out {cell}, seed 0" in capsys.readouterr().out
    shifted = _run_with_row_as(quick_run, "lam0", "full", tmp_path / "shifted", aupr_shift=0.01)
    with pytest.raises(SystemExit, match="its run recorded"):
        script.main(["--member", "full", str(quick_run), "--member", "lam0", str(shifted),
                     *common, "--out", str(tmp_path / "no")])  # fmt: skip
    elsewhere = _run_with_row_as(quick_run, "lam0", "full", tmp_path / "elsewhere")
    (elsewhere / "sim-seed0").unlink()
    shutil.copytree(quick_run / "sim-seed0", elsewhere / "sim-seed0")
    with (elsewhere / "sim-seed0" / "pairs.bedpe").open("a") as handle:
        handle.write("# another simulation\n")
    with pytest.raises(SystemExit, match="did not read the same simulation"):
        script.main(["--member", "full", str(quick_run), "--member", "lam0", str(elsewhere),
                     *common, "--out", str(tmp_path / "no")])  # fmt: skip
    with pytest.raises(SystemExit):  # one member is no ensemble
        script.parse_args(["--member", "full", str(quick_run), "--out", "x"])


def test_input_importance_rescores_the_runs_models_then_shuffles_each_group(
    quick_run, shared_data, tmp_path, capsys
):
    """benchmarks/input_importance.py on the quick run: the unshuffled network and the
    refitted gradient boosting score as the benchmark recorded; every group is shuffled for
    both models."""
    script = benchmark_script("input_importance")
    out = tmp_path / "importance"
    args = ["--runs", str(quick_run), "--gbm-results", str(quick_run / "results.csv"),
            "--data-dir", str(shared_data), "--out", str(out), "--repeats", "1",
            "--kinds", "group"]  # fmt: skip
    assert script.main(args) == 0
    table = pd.read_csv(out / "importance.csv")
    recorded = pd.read_csv(quick_run / "results.csv")
    recorded = recorded[recorded["track"] == "features"].set_index(["row", "held_out"])["aupr"]
    cell = PROFILES["quick"].held_out[0]
    for model, row in (("network", "full"), ("gbm", "gbm")):
        mine = table[table["model"] == model]
        groups = {g for g, (kind, _) in script.input_groups().items() if kind == "group"}
        assert set(mine["group"]) == groups
        assert mine["aupr"].to_numpy() == pytest.approx(recorded[(row, cell)], abs=1e-4)
        assert np.isfinite(mine["aupr_lost"]).all()
    assert "gbm_excess" in (out / "importance.md").read_text()
    assert json.loads((out / "run.json").read_text())["command"].startswith("python ")
    assert "| K562" in capsys.readouterr().out


def test_input_importance_charges_only_the_groups_a_model_reads():
    """A scorer that reads only the distance loses AUPR when the distance is shuffled and
    none when any mark is; shuffles move a group's columns together."""
    from kipoi_prism.io.feature_table import FEATURE_COLUMNS

    script = benchmark_script("input_importance")
    rng = np.random.default_rng(0)
    n = 400
    test = pd.DataFrame(rng.random((n, len(FEATURE_COLUMNS))), columns=FEATURE_COLUMNS)
    test["distance"] = rng.integers(1_000, 1_000_000, n).astype(float)
    test["label"] = (test["distance"] < 200_000).astype(int)

    def by_distance(frame):
        return {"network": -frame["distance"].to_numpy(), "gbm": np.zeros(len(frame))}

    table = script.importance(test, by_distance, repeats=3, seed=0).set_index(["model", "group"])
    assert table.loc[("network", "distance"), "aupr_lost"] > 0.4
    marks = [g for g, (kind, _) in script.input_groups().items() if g != "distance"]
    assert (table.loc[[("network", g) for g in marks], "aupr_lost"] == 0).all()
    assert (table.xs("gbm")["aupr_lost"] == 0).all()  # a constant score: nothing to lose
    order = rng.permutation(n)
    moved = script.shuffled(test, ["CTCF (window)", "distance"], order)
    assert (moved["distance"].to_numpy() == test["distance"].to_numpy()[order]).all()
    assert (moved["CTCF (window)"].to_numpy() == test["CTCF (window)"].to_numpy()[order]).all()
    assert moved["CTCF (enhancer)"].equals(test["CTCF (enhancer)"])


def test_paired_differences_against_the_full_model():
    from kipoi_prism.benchmark.report import paired_against_full

    frame = pd.DataFrame({"row": ["full", "full", "lam0", "lam0", "film"],
                          "held_out": ["A", "B", "A", "B", "A"], "seed": [0, 0, 0, 0, 1],
                          "aupr": [0.10, 0.20, 0.13, 0.19, 0.50]})  # fmt: skip
    paired = paired_against_full(frame, ["full", "lam0", "film"])
    assert list(paired.index) == ["lam0"]  # film shares no (cell, seed) with full
    assert paired.loc["lam0", "delta_aupr"] == pytest.approx(0.01)
    assert paired.loc["lam0", "delta_se"] == pytest.approx(0.02)  # sd([0.03, -0.01]) / sqrt(2)
    assert (paired.loc["lam0", "wins"], paired.loc["lam0", "pairs"]) == (1, 2)


def test_seed_spread_only_where_seeds_cover_the_same_cells():
    from kipoi_prism.benchmark.report import seed_spread

    frame = pd.DataFrame({"row": ["a", "a", "a", "a", "b", "b", "b"],
                          "held_out": ["X", "Y", "X", "Y", "X", "Y", "X"],
                          "seed": [0, 0, 1, 1, 0, 0, 1],
                          "aupr": [0.1, 0.3, 0.2, 0.4, 0.1, 0.3, 0.2]})  # fmt: skip
    spread = seed_spread(frame)
    assert spread["a"] == pytest.approx(np.std([0.2, 0.3], ddof=1))
    assert np.isnan(spread["b"])  # seed 1 holds X only


def test_git_commit_says_when_the_tree_differs_from_its_commit(tmp_path, monkeypatch):
    import subprocess

    from kipoi_prism.benchmark.harness import git_commit

    monkeypatch.delenv("KIPOI_PRISM_COMMIT", raising=False)
    assert git_commit(tmp_path) == "unknown"  # not a checkout
    monkeypatch.setenv("KIPOI_PRISM_COMMIT", "abc1234")
    assert git_commit(tmp_path) == "abc1234"  # a copied tree names its commit
    git = ["git", "-C", str(tmp_path), "-c", "user.name=t", "-c", "user.email=t@t"]
    subprocess.run([*git, "init", "-q"], check=True)
    (tmp_path / "code.py").write_text("x = 1\n")
    subprocess.run([*git, "add", "code.py"], check=True)
    subprocess.run([*git, "commit", "-q", "-m", "c"], check=True)
    head = subprocess.run([*git, "rev-parse", "--short=7", "HEAD"], check=True,
                          capture_output=True, text=True).stdout.strip()  # fmt: skip
    assert git_commit(tmp_path) == head
    (tmp_path / "code.py").write_text("x = 2\n")
    assert git_commit(tmp_path) == f"{head}-dirty"


@pytest.mark.parametrize(
    "run",
    [
        "features",
        "features-equal-data",
        "features-seeds-periodic/merged-plain",
        "features-seeds-periodic/merged-periodic",
        "features-seeds-periodic/merged-ablation",
        "features-distance-matched/merged",
        "features-input-norm/merged",
        "bengi-loo/merged",
        "sequence",
        "sequence-gpu",
        "sequence-4x",
        "sequence-motif-stem",
        "sequence-motif-init",
    ],
)
def test_benchmark_doc_tables_are_the_committed_runs_tables(run):
    """docs/BENCHMARK.md's tables are copied from a committed run's results.md, not typed."""
    docs = Path(__file__).resolve().parent.parent / "docs"
    lines = (docs / "benchmark-runs" / run / "results.md").read_text().splitlines()
    first = next(i for i, line in enumerate(lines) if line.startswith("### Track:"))
    demoted = [line.replace("### ", "#### ", 1) if line.startswith("### ") else line
               for line in lines[first:]]  # fmt: skip
    assert "\n".join(demoted).strip() in (docs / "BENCHMARK.md").read_text()


R14 = "features-mixed-ensembles/"  # round 14
ENSEMBLE_ROWS = {  # docs/BENCHMARK.md's ensemble rows -> their folder under benchmark-runs/
    "plain, seed 0": R14 + "ens-plain-seed0",
    "normalised, seed 0": R14 + "ens-norm-seed0",
    "plain, seeds 0-1": R14 + "ens-plain-seeds01-six",
    "normalised, seeds 0-1": R14 + "ens-norm-seeds01-six",
    "mixed, seed 0 of each": R14 + "ens-mixed-seed0",
    "plain, seeds 0-2": R14 + "ens-plain-seeds012",
    "normalised, seeds 0-2": R14 + "ens-norm-seeds012",
    "mixed, seeds 0-1 of each": R14 + "ens-mixed-seeds01",
    "mixed, seeds 0-2 of each": R14 + "ens-mixed-seeds012",
    "chromatin model (shipped), ranked GB": R14 + "ens-bengi-shipped",
    "normalised fit, ranked GB": R14 + "ens-bengi-norm",
    "both, ranked GB": R14 + "ens-bengi-mixed",
    "chromatin model (shipped), log-marks GB": R14 + "ens-bengi-shipped-loggbm",
    "both, log-marks GB": R14 + "ens-bengi-mixed-loggbm",
    "chromatin recipe, seeds 0-2, log-marks GB": R14 + "ens-bengi-chromatin3-loggbm",
    "chromatin recipe, seeds 0-2, ranked GB": R14 + "ens-bengi-chromatin3",
    "without the distance, ranked GB": R14 + "ens-bengi-nodist",
    "without the distance, log-marks GB": R14 + "ens-bengi-nodist-loggbm",
    "BENGI-trained network, ranked GB": "bengi-loo/ens-ranked-gbm",
    "BENGI-trained network, seeds 0-2, ranked GB": "bengi-loo/ens-ranked-gbm-seeds012",
}


@pytest.mark.parametrize("label", ENSEMBLE_ROWS)
def test_benchmark_doc_ensemble_rows_are_the_committed_ensembles(label):
    """Each ensemble row of docs/BENCHMARK.md (differences, intervals, means, win counts)
    is what its committed ensemble.csv says, not typed."""
    docs = Path(__file__).resolve().parent.parent / "docs"
    folder = docs / "benchmark-runs" / ENSEMBLE_ROWS[label]
    table = pd.read_csv(folder / "ensemble.csv", dtype={"seeds": str}).set_index("held_out")
    lines = [line for line in (docs / "BENCHMARK.md").read_text().splitlines()
             if line.startswith(f"| {label} |")]  # fmt: skip
    assert len(lines) == 1, label
    cells = [cell.strip() for cell in lines[0].strip().strip("|").split("|")]
    held = [name for name in table.index if name != "mean"]
    assert cells[1] == str(len(table.loc[held[0], "seeds"].split(",")))
    for name, cell in zip(held, cells[2:-3], strict=True):
        row = table.loc[name]
        low, high = row["difference_low"], row["difference_high"]
        assert cell.replace("**", "") == f"{row['difference']:+.3f} [{low:+.3f}, {high:+.3f}]"
        assert cell.startswith("**") == (row["verdict"] == "win")
    mean = table.loc["mean"]
    assert cells[-3] == f"{mean['ensemble_aupr']:.3f} ({mean['gbm_aupr']:.3f})"
    assert cells[-2] == f"{(table.loc[held, 'verdict'] == 'win').sum()} of {len(held)}"
    apart = (table.loc[held, "ensemble_ci_low"] > table.loc[held, "gbm_ci_high"]).sum()
    assert cells[-1] == f"{apart} of {len(held)}"


def test_sequence_refit_on_an_element_read_fit_repeats_its_read(shared_data, tmp_path):
    """A fit with model.element_read scores by its read (the run's recorded AUPR), and the
    script's own regression on the same fit's element vectors chooses the same C and
    scores the held-out pairs the same: fit() and the script fit one read. Its "network"
    column scores the same fit with the read unfitted."""
    import torch

    from kipoi_prism.metrics import aupr
    from kipoi_prism.model.weights import load_weights

    out = tmp_path / "bench"
    status = main(["--quiet", "benchmark", "--tracks", "sequence", "--rows", "task_only",
                   "--baselines", "", "--data-dir", str(shared_data), "--out", str(out),
                   "--threads", "2", "--set", "model.element_read=true"])  # fmt: skip
    assert status == 0
    script = benchmark_script("sequence_refit")
    assert script.main([str(out), "--out", str(tmp_path / "refit")]) == 0
    table = pd.read_csv(tmp_path / "refit" / "refit.csv")
    assert len(table) >= 1
    for _, row in table.iterrows():
        fit = out / "runs" / f"seq-{row['row']}-{row['held_out']}-seed{row['seed']}"
        read = json.loads((fit / "summary.json").read_text())["element_read"]
        assert row["elements_C"] == read["C"]
        assert row["elements"] == pytest.approx(row["model"], abs=1e-6)
        assert row["model_val"] == pytest.approx(read["read_val_aupr"], abs=1e-6)
        # "network" is the same fit with its read unfitted: the score the network trained
        model = load_weights(fit / "weights.pt").model.eval()
        model.element_read.fitted.fill_(False)
        pairs = script.simulated_pairs(out / f"sim-seed{row['seed']}")
        config = script.split_config(out)
        test = script.evaluation_pairs(pairs, row["held_out"], config, row["seed"])[2]
        encoder = script.PairEncoder(script.Genome(out / f"sim-seed{row['seed']}" / "genome.fa"),
                                     config.enhancer_length, config.promoter_length)  # fmt: skip
        encoded = encoder.encode(test)
        with torch.no_grad():
            z_i, v_ep = model.backbone(torch.from_numpy(encoded.enhancer),
                                       torch.from_numpy(encoded.promoter))  # fmt: skip
            no_environment = torch.zeros(model.config.d_environment)
            u_i = model.head_outputs(z_i, no_environment, use_environment=False, features=v_ep)
        expected = aupr(test["label"].to_numpy(), u_i["U_I"].numpy())
        assert row["network"] == pytest.approx(expected, abs=1e-6)
        assert row["network"] != pytest.approx(row["model"], abs=1e-6)


def test_sequence_refit_rescores_each_fit_and_refits_its_scoring_layer(quick_run, tmp_path):
    """benchmarks/sequence_refit.py on the quick run: every sequence fit's own U_I scores
    as the run recorded; the C = 100 refit is a balanced logistic regression on the
    training pairs' z_I (standardised); a fit whose run recorded another AUPR is refused."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.preprocessing import StandardScaler

    from kipoi_prism.metrics import aupr
    from kipoi_prism.model.weights import load_weights

    script = benchmark_script("sequence_refit")
    out = tmp_path / "refit"
    assert script.main([str(quick_run), "--out", str(out)]) == 0
    table = pd.read_csv(out / "refit.csv")
    recorded = pd.read_csv(quick_run / "results.csv")
    recorded = recorded[recorded["track"] == "sequence"].set_index(["row", "held_out"])["aupr"]
    fits = sorted((quick_run / "runs").glob("seq-*/weights.pt"))
    assert len(table) == len(fits) >= 2
    for _, row in table.iterrows():
        assert row["model"] == pytest.approx(recorded[(row["row"], row["held_out"])], abs=1e-4)
        assert row["network"] == pytest.approx(row["model"], abs=1e-6)  # no read: g_I is U_I
        assert row["refit_C"] in script.learnability.READER_C
        assert 0 < row["refit"] <= 1 and 0 < row["elements"] <= 1 and np.isnan(row["reader"])
        assert row["elements_C"] in script.learnability.READER_C
        assert row["elements, wide grid_C"] in script.WIDE_READ_C
        assert set(script.learnability.READER_C) < set(script.WIDE_READ_C)
        assert 0 < row["elements+model"] <= 1 and 0 < row["elements+z_I"] <= 1
    first = table.iloc[0]
    config = script.split_config(quick_run)
    frame = script.prepare_pairs(script.read_pairs(quick_run / "sim-seed0" / "pairs.bedpe"))
    train, _, test = script.evaluation_pairs(frame, first["held_out"], config, 0)
    model = load_weights(fits[0]).model.eval()
    encoder = script.PairEncoder(script.Genome(quick_run / "sim-seed0" / "genome.fa"),
                                 config.enhancer_length, config.promoter_length)  # fmt: skip
    (z_train, _, _, v_train), (z_test, _, _, _) = (script.hidden_units(model, encoder, f)
                                                    for f in (train, test))  # fmt: skip
    assert v_train.shape == (len(train), model.backbone.feature_dim)
    scaler = StandardScaler().fit(z_train)
    regression = LogisticRegression(C=100.0, max_iter=2000, class_weight="balanced")
    regression.fit(scaler.transform(z_train), train["label"])
    expected = aupr(
        test["label"].to_numpy(), regression.decision_function(scaler.transform(z_test))
    )
    assert first["refit C=100"] == pytest.approx(expected, abs=1e-6)
    summary = (out / "refit.md").read_text()
    assert "refit minus model:" in summary and "elements+model minus elements:" in summary
    command = json.loads((out / "run.json").read_text())["command"]
    assert command.startswith("python benchmarks/sequence_refit.py ")
    tampered = tmp_path / "tampered"
    shutil.copytree(quick_run, tampered, symlinks=True)
    results = pd.read_csv(tampered / "results.csv")
    results.loc[results["track"] == "sequence", "aupr"] += 0.01
    results.to_csv(tampered / "results.csv", index=False)
    with pytest.raises(SystemExit, match="its run recorded"):
        script.main([str(tampered), "--out", str(tmp_path / "no")])
