"""Run a benchmark profile end to end and write its results directory."""

from __future__ import annotations

import dataclasses
import datetime
import logging
import os
import platform
import sys
import time
from pathlib import Path

import pandas as pd

from kipoi_prism.benchmark import report
from kipoi_prism.benchmark.harness import BenchmarkConfig, git_commit, torch_threads, write_json

log = logging.getLogger(__name__)


def machine() -> str:
    system = f"{platform.system()} {platform.release()}"
    return f"{platform.machine()}, {os.cpu_count()} CPU cores, {system}"


def run_benchmark(config: BenchmarkConfig, data_dir: Path, out_dir: Path, command: str) -> Path:
    """Run every track of ``config``; write ``out_dir`` (see docs/BENCHMARK.md).

    Results are rewritten after each evaluation, so a stopped run keeps what it measured.
    """
    from kipoi_prism.benchmark.feature_track import run_feature_track
    from kipoi_prism.benchmark.sequence_track import run_sequence_track

    out_dir.mkdir(parents=True, exist_ok=True)
    torch_threads(config)
    started = time.perf_counter()
    meta = {"command": command, "commit": git_commit(Path(__file__).parents[2]),
            "machine": machine(), "python": sys.version.split()[0],
            "started": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
            "config": dataclasses.asdict(config)}  # fmt: skip
    write_json(out_dir / "run.json", meta)
    runners = {"sequence": run_sequence_track, "features": run_feature_track}
    evaluations, histories, records = [], [], []
    for track in config.tracks:
        for evaluation in runners[track](config, data_dir, out_dir):
            history = evaluation.extra.pop("history", None)
            if history is not None:
                histories.append(history.assign(track=evaluation.track))
            evaluations.append(evaluation)
            records.append(evaluation.record(config.bootstrap))
            log.info(
                "%s | %-14s | held out %-22s | seed %d | AUPR %.3f AUROC %.3f | %.0f s",
                evaluation.track,
                evaluation.row,
                evaluation.held_out,
                evaluation.seed,
                records[-1]["aupr"],
                records[-1]["auroc"],
                time.perf_counter() - started,
            )
            report.write_csv(pd.DataFrame(records), out_dir / "results.csv")
    meta["wall_s"] = round(time.perf_counter() - started, 1)
    write_json(out_dir / "run.json", meta)
    _write_report(out_dir, meta, pd.DataFrame(records), evaluations, histories)
    return out_dir


def _write_report(out_dir: Path, meta: dict, results: pd.DataFrame, evaluations, histories) -> None:
    pooled = report.pooled(evaluations)
    report.write_csv(pooled, out_dir / "pooled.csv")
    report.pr_curves(evaluations, out_dir)
    report.trajectories(histories, out_dir)
    text = [
        f"# prism-energy benchmark ({meta['config']['mode']})\n",
        f"- command: `{meta['command']}`",
        f"- commit: {meta['commit']}",
        f"- machine: {meta['machine']}",
        f"- wall time: {meta['wall_s']} s\n",
        report.markdown_tables(results, pooled),
        "### SPEC success signs (full model)\n",
        report.success_signs(results, histories),
    ]
    path = out_dir / "results.md"
    temporary = path.with_name(".results.md.tmp")
    temporary.write_text("\n".join(text))
    temporary.replace(path)
