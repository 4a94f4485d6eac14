"""docs/BENCHMARK.md's round-26 section (the strand-symmetric random-stem model at four
times the pairs, seeds 0-2, and seed 1 at twelve epochs) states what the committed runs
measured (nothing typed)."""

from __future__ import annotations

import pandas as pd
from benchmark_docs import DOCS, flat_text, mean_se, paired, reader_aupr

RUNS = DOCS / "benchmark-runs" / "sequence-strands"
CELLS = ("GM12878", "HUVEC", "HeLa-S3", "IMR90", "K562", "NHEK")


def _rows(folder: str, row: str = "task_only") -> pd.Series:
    results = pd.read_csv(RUNS / folder / "results.csv")
    return results[results["row"] == row].set_index(["seed", "held_out"])["aupr"]


def _seed0_cpu(row: str) -> pd.Series:
    """Round 17-18's seed-0 fits (one CPU run per held-out cell line), by cell line."""
    return pd.Series({cell: pd.read_csv(RUNS / f"random-both-augment-4x-{cell}" / "results.csv")
                      .set_index("row").loc[row, "aupr"] for cell in CELLS})  # fmt: skip


def _runs():
    seeds12, distance12 = (
        _rows("random-both-4x-gpu-seed1-2"),
        _rows("random-both-4x-gpu-seed1-2", "distance"),
    )
    gpu0 = _rows("random-both-4x-gpu-seed0").xs(0)
    twelve = _rows("random-both-4x-gpu-12ep-seed1").xs(1)
    return seeds12, distance12, gpu0, twelve


def test_round26_table_is_the_committed_runs():
    seeds12, distance12, gpu0, twelve = _runs()
    cpu0, cpu0_distance = _seed0_cpu("task_only"), _seed0_cpu("distance")
    text = (DOCS / "BENCHMARK.md").read_text()
    assert set(gpu0.index) == set(twelve.index) == set(CELLS)
    for cell in CELLS:
        line = (f"| {cell} | {cpu0[cell]:.3f} | {gpu0[cell]:.3f} | {seeds12[(1, cell)]:.3f} | "
                f"{seeds12[(2, cell)]:.3f} | {twelve[cell]:.3f} | {cpu0_distance[cell]:.3f}, "
                f"{distance12[(1, cell)]:.3f}, {distance12[(2, cell)]:.3f} |")  # fmt: skip
        assert line in text, line


def test_round26_claims_are_the_committed_runs():
    seeds12, distance12, gpu0, twelve = _runs()
    cpu0, cpu0_distance = _seed0_cpu("task_only"), _seed0_cpu("distance")
    text = flat_text()
    later = pd.concat([seeds12.xs(1), seeds12.xs(2)])
    above = later.to_numpy() - pd.concat([distance12.xs(1), distance12.xs(2)]).to_numpy()
    assert (f"Their twelve evaluations average {later.mean():.3f} ({later.min():.3f}-"
            f"{later.max():.3f}), level with distance alone ({mean_se(above)}, higher on "
            f"{sum(above > 0)} of 12)") in text  # fmt: skip
    eighteen = pd.concat([cpu0, later])
    distance = pd.concat([cpu0_distance, distance12.xs(1), distance12.xs(2)])
    assert (f"the eighteen average **{eighteen.mean():.3f}** ({eighteen.min():.3f}-"
            f"{eighteen.max():.3f})") in text  # fmt: skip
    assert f"above distance alone by {paired(eighteen.to_numpy() - distance.to_numpy())}" in text
    gpu_minus_cpu = (gpu0 - cpu0[gpu0.index]).to_numpy()
    higher = sum(gpu_minus_cpu > 0)
    assert (f"averages {gpu0.mean():.3f} (CPU {cpu0.mean():.3f}; GPU minus CPU "
            f"{mean_se(gpu_minus_cpu)}, higher on {higher} of 6)") in text  # fmt: skip
    fall = later.to_numpy() - pd.concat([cpu0, cpu0]).to_numpy()
    assert f"below the CPU's seed 0 by {paired(fall)}" in text
    gain = (twelve - seeds12.xs(1)[twelve.index]).to_numpy()
    assert (f"seed 1 by {mean_se(gain)} (higher on {sum(gain > 0)} of 6; "
            f"{twelve.mean():.3f})") in text  # fmt: skip
    assert f"the eighteen evaluations of seeds 0-2 average {eighteen.mean():.3f}" in text
    readme = flat_text(DOCS.parent / "README.md")
    assert f"(a GPU run) sit at chance, {later.mean():.3f}, level with distance alone" in readme
    assert f"over three seeds the random stem averages {eighteen.mean():.3f}" in readme


def test_round26_memorisation_and_repeats_are_the_committed_histories():
    seeds12, _, _, twelve = _runs()
    history = pd.read_csv(RUNS / "random-both-4x-gpu-12ep-seed1" / "training_history.csv")
    last = history.groupby("held_out").tail(1).set_index("held_out")
    long = last[last["epoch"] > 6]
    peaks = history.groupby("held_out")["val_aupr"].max()
    text = flat_text()
    assert (f"In the five fits that early stopping let run past six epochs, training AUPR "
            f"climbs to {long['train_aupr'].min():.2f}-{long['train_aupr'].max():.2f}, while "
            "validation AUPR (chromosomes 1-3 of the training cell lines) peaks at "
            f"{peaks.min():.3f}-{peaks.max():.3f} in all six") in text  # fmt: skip
    assert len(long) == 5 and len(peaks) == 6
    stopped = last[last["epoch"] < 12].index
    assert sorted(stopped) == ["GM12878", "HUVEC", "IMR90"]
    for cell in stopped:  # stopped at the 6-epoch fit's best epoch: the same fit again
        assert twelve[cell] == seeds12[(1, cell)]


def test_round26_reader_ranges_are_the_committed_learnability_runs():
    cells = ("K562", "IMR90", "HUVEC")
    seed0 = [reader_aupr(c) for c in cells]
    later = [reader_aupr(c, seed=s) for s in (1, 2) for c in cells]
    assert (f"({min(later):.3f}-{max(later):.3f} against {min(seed0):.3f}-{max(seed0):.3f} at "
            "seed 0 on K562, IMR90 and HUVEC") in flat_text()  # fmt: skip
