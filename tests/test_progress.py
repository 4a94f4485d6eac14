"""Progress on stderr (kipoi_prism.io.progress): log lines where stderr is not a terminal."""

from __future__ import annotations

import logging

import pytest
from test_simulate import toy_meme, toy_pairs

from kipoi_prism.cli.main import main
from kipoi_prism.io import progress as progress_module
from kipoi_prism.io.progress import INTERVAL_VARIABLE, LogProgress, counted, log_interval, progress


@pytest.fixture
def clock(monkeypatch):
    """A settable stand-in for time.monotonic."""
    now = [100.0]
    monkeypatch.setattr(progress_module.time, "monotonic", lambda: now[0])
    return now


def messages(caplog) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == "kipoi_prism.progress"]


def test_a_line_every_interval_with_rate_share_and_time_left(clock, caplog):
    caplog.set_level(logging.INFO, logger="kipoi_prism.progress")
    with LogProgress("scoring pairs", 1000, interval=30) as reporter:
        clock[0] += 10
        reporter.update(100)  # 10 s: before the interval, no line
        clock[0] += 20
        reporter.update(200)  # 30 s: 300 pairs, 10 pairs/s, 700 left
        clock[0] += 5
        reporter.update(100)  # 5 s after the last line: none
        clock[0] += 565
        reporter.update(600)
    assert messages(caplog) == [
        "scoring pairs: 300 of 1000 pairs (30%), 10 pairs/s, about 70 s left",
        "scoring pairs: 1000 of 1000 pairs (100%), 2 pairs/s",
        "scoring pairs: done, 1000 pairs in 10.0 min",
    ]


def test_without_a_total_the_count_and_rate(clock, caplog):
    caplog.set_level(logging.INFO, logger="kipoi_prism.progress")
    with LogProgress("checking pairs", None, interval=0) as reporter:
        clock[0] += 2
        reporter.update(50)
    assert messages(caplog)[0] == "checking pairs: 50 pairs, 25 pairs/s"


def test_a_short_run_logs_nothing(clock, caplog):
    caplog.set_level(logging.INFO, logger="kipoi_prism.progress")
    with LogProgress("scoring pairs", 10, interval=30) as reporter:
        reporter.update(10)
    assert messages(caplog) == []


def test_the_interval_comes_from_the_environment(monkeypatch, caplog):
    monkeypatch.setenv(INTERVAL_VARIABLE, "0.5")
    assert log_interval() == 0.5
    monkeypatch.delenv(INTERVAL_VARIABLE)
    assert log_interval() == 30
    monkeypatch.setenv(INTERVAL_VARIABLE, "soon")
    assert log_interval() == 30
    assert "KIPOI_PRISM_PROGRESS_SECONDS='soon' is not a number" in caplog.text


def test_a_terminal_gets_a_bar_and_disabled_gets_nothing(monkeypatch):
    assert not isinstance(progress(False, "x"), LogProgress)
    monkeypatch.setattr(progress_module.sys.stderr, "isatty", lambda: False, raising=False)
    assert isinstance(progress(True, "x", 5), LogProgress)
    monkeypatch.setattr(progress_module.sys.stderr, "isatty", lambda: True, raising=False)
    bar = progress(True, "x", 5)
    assert type(bar).__name__ == "tqdm"
    bar.close()


def test_counted_counts_each_chunk_once_it_is_used():
    class Tally:
        done = 0

        def update(self, n):
            self.done += n

    tally = Tally()
    chunks = counted([[1, 2], [3]], tally)
    assert next(chunks) == [1, 2] and tally.done == 0
    assert list(chunks) == [[3]] and tally.done == 3


def test_simulate_logs_progress_when_stderr_is_not_a_terminal(tmp_path, monkeypatch, capsys):
    from conftest import random_sequence, write_fasta

    monkeypatch.setenv(INTERVAL_VARIABLE, "0")
    background = write_fasta(
        tmp_path / "background.fa", {f"s{i}": random_sequence(500, 100 + i) for i in range(20)}
    )
    common = ["simulate", "--pairs", str(toy_pairs(tmp_path / "toy.bedpe")),
              "--motifs", str(toy_meme(tmp_path / "toy.meme")), "--background", str(background),
              "--shared-promoter-factors", "PROM1,PROM2", "--environment", "CELLA=FA1,FA2",
              "--environment", "CELLB=FB1,FB2", "--markov-order", "3"]  # fmt: skip
    assert main([*common, "--out", str(tmp_path / "a")]) == 0
    lines = capsys.readouterr().err.splitlines()
    progress_lines = [line for line in lines if "simulate: sequences:" in line]
    assert progress_lines[0].startswith("kipoi-prism: simulate: sequences: ")
    assert " of 18 regions (" in progress_lines[0]
    assert progress_lines[-1].startswith("kipoi-prism: simulate: sequences: done, 18 regions")
    assert main([*common, "--out", str(tmp_path / "b"), "--no-progress"]) == 0
    assert "simulate: sequences:" not in capsys.readouterr().err
