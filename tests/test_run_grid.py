"""``benchmarks/run_grid.py`` (the grid as parallel jobs) and ``benchmarks/compare_runs.py``."""

from __future__ import annotations

import argparse
import importlib.util
import statistics
import sys
from pathlib import Path

import pandas as pd
import pytest

BENCHMARKS = Path(__file__).resolve().parent.parent / "benchmarks"


def _load(name: str):
    spec = importlib.util.spec_from_file_location(name, BENCHMARKS / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # its dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


run_grid = _load("run_grid")
compare_runs = _load("compare_runs")


def _args(**changes) -> argparse.Namespace:
    values = {"quick": False, "threads": 1, "data_dir": Path("data"), "seeds": "0,1",
              "rows": "full,lam0", "baselines": "speid,distance", "held_out": "",
              "split_cells": False, "benchmark_args": ""}  # fmt: skip
    return argparse.Namespace(**{**values, **changes})


def _option(job, name: str) -> str | None:
    arguments = job.arguments
    return arguments[arguments.index(name) + 1] if name in arguments else None


def test_plan_runs_seed_by_seed_baselines_first(tmp_path):
    jobs = run_grid.plan(_args(), tmp_path)
    names = [job.name for job in jobs]
    assert names == ["baselines-seed0", "full-seed0", "lam0-seed0",
                     "baselines-seed1", "full-seed1", "lam0-seed1"]  # fmt: skip
    baselines, full = jobs[0], jobs[1]
    assert (
        _option(baselines, "--rows") == "" and _option(baselines, "--baselines") == "speid,distance"
    )
    assert _option(full, "--rows") == "full" and _option(full, "--baselines") == ""
    assert _option(full, "--held-out") is None  # every cell line in one job: pooled metrics kept
    assert "--full" in full.arguments and _option(full, "--threads") == "1"
    assert len({job.out for job in jobs}) == len(jobs)


def test_plan_splits_cells_into_their_own_jobs(tmp_path):
    jobs = run_grid.plan(_args(seeds="2", held_out="K562,IMR90", split_cells=True,
                               baselines="", quick=True,
                               benchmark_args="--max-epochs 9 --stem-motifs frozen"),
                         tmp_path)  # fmt: skip
    assert [job.name for job in jobs] == ["full-K562-seed2", "lam0-K562-seed2",
                                          "full-IMR90-seed2", "lam0-IMR90-seed2"]  # fmt: skip
    assert [_option(job, "--held-out") for job in jobs] == ["K562", "K562", "IMR90", "IMR90"]
    assert all("--quick" in job.arguments and _option(job, "--seeds") == "2" for job in jobs)
    assert all(_option(job, "--max-epochs") == "9" for job in jobs)
    assert all(_option(job, "--stem-motifs") == "frozen" for job in jobs)


def test_bad_arguments_are_refused(tmp_path, capsys):
    with pytest.raises(SystemExit):
        run_grid.main(["--out", str(tmp_path), "--rows", "full,nope", "--data-dir", str(tmp_path)])
    assert "nope" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        run_grid.main(["--out", str(tmp_path), "--split-cells", "--data-dir", str(tmp_path)])
    assert "--split-cells needs --held-out" in capsys.readouterr().err


def test_nothing_starts_after_the_deadline(shared_data, tmp_path, capsys):
    status = run_grid.main(["--quick", "--out", str(tmp_path), "--rows", "full", "--seeds", "0",
                            "--baselines", "", "--data-dir", str(shared_data),
                            "--deadline-s", "1e-9"])  # fmt: skip
    assert status == 1
    assert "missing full-seed0: not started (deadline)" in capsys.readouterr().out


def test_grid_runs_jobs_in_parallel_and_merges_them(shared_data, tmp_path, capsys):
    arguments = ["--quick", "--out", str(tmp_path), "--jobs", "2", "--rows", "full",
                 "--seeds", "0", "--baselines", "distance", "--held-out", "K562,IMR90",
                 "--split-cells", "--data-dir", str(shared_data)]  # fmt: skip
    assert run_grid.main(arguments) == 0
    assert "3 of 3 job(s) finished" in capsys.readouterr().out
    merged = pd.read_csv(tmp_path / "merged" / "results.csv")
    got = set(zip(merged["row"], merged["held_out"], strict=True))
    assert got == {("full", "K562"), ("full", "IMR90"), ("distance", "K562"),
                   ("distance", "IMR90")}  # fmt: skip
    # A rerun into the same folder keeps what finished and runs nothing again.
    assert run_grid.main(arguments) == 0
    assert "0 job(s) to run" in capsys.readouterr().out


def _results(folder: Path, rows: list[tuple]) -> Path:
    folder.mkdir(parents=True)
    columns = ["track", "row", "held_out", "seed", "aupr", "auroc", "f1", "brier"]
    pd.DataFrame(rows, columns=columns).to_csv(folder / "results.csv", index=False)
    return folder


def test_compare_runs_pairs_shared_evaluations(tmp_path, capsys):
    first = _results(
        tmp_path / "a",
        [
            ("sequence", "full", "K562", 0, 0.05, 0.5, 0.1, 0.04),
            ("sequence", "full", "IMR90", 0, 0.06, 0.5, 0.1, 0.04),
        ],
    )
    second = _results(
        tmp_path / "b",
        [
            ("sequence", "full", "K562", 0, 0.07, 0.6, 0.1, 0.04),
            ("sequence", "lam0", "K562", 0, 0.09, 0.5, 0.1, 0.04),
        ],
    )
    out = tmp_path / "paired.csv"
    status = compare_runs.main(["--first", str(first), "--second", str(second),
                                "--out", str(out)])  # fmt: skip
    assert status == 0
    printed = capsys.readouterr().out
    assert "1 evaluation(s) measured twice" in printed
    assert "aupr   mean |diff| 0.0200" in printed
    paired = pd.read_csv(out)
    assert paired["held_out"].tolist() == ["K562"]
    assert paired["aupr_diff"].iloc[0] == pytest.approx(0.02)
    assert paired["f1_diff"].iloc[0] == 0
    assert "full             +0.0200 +- nan  second higher in 1 of 1" in printed


def test_compare_runs_signed_shift_per_row():
    rows = [("full", 0.05, 0.07), ("full", 0.06, 0.05), ("full", 0.04, 0.07), ("lam0", 0.05, 0.05)]
    paired = pd.DataFrame(
        {"row": [r[0] for r in rows], "aupr_first": [r[1] for r in rows],
         "aupr_second": [r[2] for r in rows]}
    )  # fmt: skip
    paired["aupr_diff"] = paired["aupr_second"] - paired["aupr_first"]
    shift = compare_runs.shift_by_row(paired)
    assert shift.loc["full", "mean"] == pytest.approx((0.02 - 0.01 + 0.03) / 3)
    assert shift.loc["full", "se"] == pytest.approx(statistics.stdev([0.02, -0.01, 0.03]) / 3**0.5)
    assert (shift.loc["full", "higher"], shift.loc["full", "n"]) == (2, 3)
    assert (shift.loc["lam0", "higher"], shift.loc["lam0", "n"]) == (0, 1)


def test_compare_runs_refuses_an_evaluation_twice_in_one_set(tmp_path):
    row = ("sequence", "full", "K562", 0, 0.05, 0.5, 0.1, 0.04)
    a, b = _results(tmp_path / "a", [row]), _results(tmp_path / "b", [row])
    with pytest.raises(ValueError, match="appears twice"):
        compare_runs.read_results([a, b])


def test_compare_runs_across_tracks_pairs_one_table_scored_by_two_sources(tmp_path):
    table = "BENGI NHEK.HiC-Benchmark"
    first = _results(tmp_path / "a", [("features-bengi", "full", table, 0, 0.33, 0.7, 0.3, 0.1)])
    second = _results(tmp_path / "b", [("features", "full", table, 0, 0.40, 0.8, 0.4, 0.1)])
    read = compare_runs.read_results
    assert compare_runs.compare(read([first]), read([second])).empty  # tracks differ
    paired = compare_runs.compare(read([first]), read([second]), across_tracks=True)
    assert paired[["track_first", "track_second"]].values.tolist() == [["features-bengi",
                                                                          "features"]]  # fmt: skip
    assert paired["aupr_diff"].iloc[0] == pytest.approx(0.07)
