"""``kipoi-prism benchmark --resume``: a finished run given a higher ``--max-epochs`` goes on
from each fit's ``last.ckpt`` and ends where a run to that cap from the start ends."""

from pathlib import Path

import pandas as pd
import pytest

from kipoi_prism.cli.main import main

METRICS = ["aupr", "auroc", "brier", "epochs"]


def _benchmark(shared_data: Path, out: Path, epochs: int, *extra: str) -> Path:
    status = main(["--quiet", "benchmark", "--quick", "--tracks", "sequence", "--rows",
                   "task_only", "--baselines", "", "--data-dir", str(shared_data), "--out",
                   str(out), "--threads", "1", "--max-epochs", str(epochs),
                   "--set", "train.patience=10", *extra])  # fmt: skip
    assert status == 0
    return out


def _history(out: Path) -> pd.DataFrame:
    return pd.read_csv(out / "training_history.csv")


@pytest.fixture(scope="module")
def runs(shared_data, tmp_path_factory):
    """A 2-epoch run resumed to 3 epochs, and a 3-epoch run from the start."""
    root = tmp_path_factory.mktemp("resume")
    resumed = _benchmark(shared_data, root / "resumed", 2)
    two_epochs = _history(resumed)
    _benchmark(shared_data, resumed, 3, "--resume")
    fresh = _benchmark(shared_data, root / "fresh", 3)
    return two_epochs, resumed, fresh


def test_a_resumed_run_ends_as_a_run_to_the_higher_cap_from_the_start(runs):
    _, resumed, fresh = runs
    got = pd.read_csv(resumed / "results.csv")[METRICS]
    want = pd.read_csv(fresh / "results.csv")[METRICS]
    assert got["epochs"].tolist() == [3]
    pd.testing.assert_frame_equal(got, want)
    metrics = ["train_aupr", "train_loss", "val_aupr", "val_auroc"]
    pd.testing.assert_frame_equal(_history(resumed)[metrics], _history(fresh)[metrics])


def test_a_resumed_run_trains_only_the_epochs_it_lacks(runs):
    two_epochs, resumed, fresh = runs
    # the first two epochs are the checkpoint's, wall times included (a fit started again
    # would time them anew), the third is new
    seconds = _history(resumed)["train_seconds"]
    assert seconds[:2].tolist() == two_epochs["train_seconds"].tolist()
    assert seconds[:2].tolist() != _history(fresh)["train_seconds"][:2].tolist()


def test_without_resume_a_run_in_the_same_folder_starts_again(shared_data, runs, tmp_path):
    two_epochs, _, _ = runs
    out = _benchmark(shared_data, tmp_path / "again", 2)
    first = _history(out)["train_seconds"].tolist()
    _benchmark(shared_data, out, 3)
    assert _history(out)["train_seconds"][:2].tolist() != first
