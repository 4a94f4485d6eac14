"""benchmarks/read_guard.py: the read is kept where its validation AUPR is at least the
network's, the arms are paired per evaluation, and runs that trained differently are refused."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from test_benchmark import benchmark_script

KEY = {"track": "sequence", "row": "task_only"}


def make_run(folder: Path, fits: dict[str, tuple[float, float, float | None]]) -> Path:
    """A finished sequence run; ``fits``: held-out cell -> (held-out AUPR, best validation
    AUPR of the network, validation AUPR of its read or None for a run without the read)."""
    results, history = [], []
    for cell, (aupr, val_network, val_read) in fits.items():
        key = {**KEY, "held_out": cell, "seed": 1}
        results.append({**key, "aupr": aupr, "epochs": 3.0})
        results.append({**key, "row": "distance", "aupr": 0.05, "epochs": None})
        history += [{**key, "epoch": 1, "val_aupr": val_network - 0.01},
                    {**key, "epoch": 2, "val_aupr": val_network}]  # fmt: skip
        if val_read is not None:
            fit = folder / "fits" / f"seq-task_only-{cell}-seed1"
            fit.mkdir(parents=True)
            summary = {"val_aupr": val_network, "element_read": {"val_aupr": val_read}}
            (fit / "summary.json").write_text(json.dumps(summary))
    folder.mkdir(parents=True, exist_ok=True)
    pd.DataFrame(results).to_csv(folder / "results.csv", index=False)
    pd.DataFrame(history).to_csv(folder / "training_history.csv", index=False)
    return folder


def test_guard_keeps_the_read_only_where_validation_does_not_drop(tmp_path, capsys):
    script = benchmark_script("read_guard")
    with_read = make_run(
        tmp_path / "read",
        {
            "HeLa-S3": (0.30, 0.20, 0.25),  # kept
            "K562": (0.40, 0.20, 0.15),  # dropped
            "NHEK": (0.10, 0.20, 0.20),  # a tie: kept
        },
    )
    without = make_run(tmp_path / "plain", {"HeLa-S3": (0.22, 0.20, None),
                                            "K562": (0.10, 0.20, None),
                                            "NHEK": (0.12, 0.20, None)})  # fmt: skip
    out = tmp_path / "out"
    argv = ["--with-read", str(with_read), "--without-read", str(without), "--out", str(out)]
    assert script.main(argv) == 0
    table = pd.read_csv(out / "guard.csv").set_index("held_out")
    assert list(table["kept"]) == [True, False, True]
    assert table["held_out_guarded"].to_dict() == pytest.approx(
        {"HeLa-S3": 0.30, "K562": 0.10, "NHEK": 0.10}
    )
    text = (out / "guard.md").read_text()
    assert "Read kept on 2 of 3 evaluations." in text
    assert "guarded minus always: -0.100 +- 0.100 (higher on 0 of 3)" in text
    assert "always minus never: +0.120" in text
    assert text.strip() in capsys.readouterr().out
    assert "read_guard.py" in json.loads((out / "run.json").read_text())["command"]


def test_runs_that_trained_differently_are_refused(tmp_path, capsys):
    script = benchmark_script("read_guard")
    with_read = make_run(tmp_path / "read", {"K562": (0.30, 0.20, 0.25)})
    without = make_run(tmp_path / "plain", {"K562": (0.22, 0.21, None)})
    argv = ["--with-read", str(with_read), "--without-read", str(without),
            "--out", str(tmp_path / "out")]  # fmt: skip
    assert script.main(argv) == 2
    assert "trained differently" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


def test_unpaired_or_unfinished_runs_are_named(tmp_path, capsys):
    script = benchmark_script("read_guard")
    with_read = make_run(tmp_path / "read", {"K562": (0.30, 0.20, 0.25)})
    other = make_run(tmp_path / "plain", {"IMR90": (0.22, 0.20, None)})
    argv = ["--with-read", str(with_read), "--without-read", str(other), "--out", str(tmp_path)]
    assert script.main(argv) == 2
    assert "no evaluation is present in both" in capsys.readouterr().err
    empty = tmp_path / "empty"
    empty.mkdir()
    assert script.main(["--with-read", str(with_read), "--without-read", str(empty),
                        "--out", str(tmp_path)]) == 2  # fmt: skip
    assert f"{empty}: no results.csv" in capsys.readouterr().err
