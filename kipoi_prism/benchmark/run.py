"""Run a benchmark profile end to end and write its results directory."""

from __future__ import annotations

import dataclasses
import datetime
import json
import logging
import os
import platform
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

from kipoi_prism.benchmark import report
from kipoi_prism.benchmark.harness import BenchmarkConfig, git_commit, torch_threads, write_json
from kipoi_prism.errors import PrismInputError
from kipoi_prism.io.atomic import write_text

log = logging.getLogger(__name__)


def machine() -> str:
    """CPU architecture and cores, operating system, and the GPU where one is used."""
    import torch

    system = f"{platform.system()} {platform.release()}"
    text = f"{platform.machine()}, {os.cpu_count()} CPU cores, {system}"
    if torch.cuda.is_available():
        text += f", GPU {torch.cuda.get_device_name(0)} (torch {torch.__version__})"
    return text


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
    heading = f"# prism-energy benchmark ({meta['config']['mode']})\n"
    _write_markdown(out_dir, [heading, _provenance(meta) + "\n"], results, pooled, histories)


def _provenance(meta: dict) -> str:
    lines = [f"- command: `{meta['command']}`", f"- commit: {meta['commit']}",
             f"- machine: {meta['machine']}", f"- wall time: {meta['wall_s']} s"]  # fmt: skip
    return "\n".join(lines)


def _write_markdown(out_dir: Path, header: list[str], results, pooled, histories) -> None:
    text = [
        *header,
        report.markdown_tables(results, pooled),
        "### SPEC success signs (full model)\n",
        report.success_signs(results, histories),
    ]
    write_text(out_dir / "results.md", "\n".join(text))


EVALUATION_KEY = ["track", "row", "held_out", "seed"]


METRIC_COLUMNS = ["aupr", "auroc", "f1", "brier", "threshold"]


def _drop_identical_repeats(merged: pd.DataFrame, sources, results) -> pd.DataFrame:
    repeated = merged[merged.duplicated(EVALUATION_KEY, keep=False)]
    for _, group in repeated.groupby(EVALUATION_KEY, sort=False):
        values = group[METRIC_COLUMNS].to_numpy(float)
        if np.allclose(values, values[0], rtol=0, atol=1e-12, equal_nan=True):
            continue
        first = group.iloc[0]
        holds = [(r[EVALUATION_KEY] == first[EVALUATION_KEY]).all(axis=1).any() for r in results]
        where = ", ".join(str(s) for s, held in zip(sources, holds, strict=True) if held)
        raise PrismInputError(
            f"evaluation {first['track']}/{first['row']}/held out {first['held_out']}/seed "
            f"{first['seed']} differs between runs: {where}"
        )
    if len(repeated):
        log.info("merge: %d evaluation(s) found in more than one run with identical metrics; "
                 "kept once", repeated.duplicated(EVALUATION_KEY).sum())  # fmt: skip
    return merged.drop_duplicates(EVALUATION_KEY, keep="first").reset_index(drop=True)


def _pooled_where_whole(merged: pd.DataFrame, results, pooled) -> pd.DataFrame:
    key = ["track", "row", "seed"]
    wanted = merged.groupby(key)["held_out"].agg(frozenset)
    kept = []
    for result, frame in zip(results, pooled, strict=True):
        have = result.groupby(key)["held_out"].agg(frozenset)
        whole = [k for k in have.index if have[k] == wanted.get(k)]
        kept.append(frame.set_index(key).reindex(whole).reset_index())
    whole = pd.concat(kept, ignore_index=True).drop_duplicates(key, keep="first")
    return wanted.reset_index()[key].merge(whole, on=key, how="left")


def run_finished(folder: Path) -> bool:
    """A results directory whose run finished: ``run.json`` holds its wall time and
    ``pooled.csv`` exists (what :func:`merge_runs` needs)."""
    meta_path = folder / "run.json"
    if not meta_path.is_file() or not (folder / "pooled.csv").is_file():
        return False
    return "wall_s" in json.loads(meta_path.read_text())


def merge_runs(sources: list[Path], out_dir: Path, command: str) -> Path:
    """One results directory from several finished runs (e.g. rows split across processes).

    Tables, pooled metrics, training histories and success signs are recomputed over the
    union; ``run.json`` keeps every source run's command, commit, machine and wall time.
    PR curves stay in the source directories (they need the scores, which are not stored).
    An evaluation (track, row, held-out cell line, seed) present in two sources is kept
    once when its metrics agree (a deterministic baseline run twice) and is an error when
    they differ. Pooled metrics need every held-out prediction together: they are kept where
    one source holds all of a (track, row, seed)'s held-out cell lines, and left empty where
    the cell lines came from different runs. A merged directory can be merged again.
    """
    metas, results, pooled, histories = [], [], [], []
    for source in sources:
        meta_path = source / "run.json"
        if not meta_path.is_file():
            raise PrismInputError(f"{source}: not a benchmark results directory (no run.json)")
        if not run_finished(source):
            raise PrismInputError(f"{source}: the run did not finish (no wall time or pooled.csv)")
        meta = json.loads(meta_path.read_text())
        # A merged directory contributes the runs it was merged from.
        metas.extend(meta.get("merged_from") or [{"source": str(source), **meta}])
        results.append(pd.read_csv(source / "results.csv"))
        pooled.append(pd.read_csv(source / "pooled.csv"))
        history = source / "training_history.csv"
        if history.is_file():
            histories.append(pd.read_csv(history))
    merged = _drop_identical_repeats(pd.concat(results, ignore_index=True), sources, results)
    pooled_frame = _pooled_where_whole(merged, results, pooled)
    out_dir.mkdir(parents=True, exist_ok=True)
    report.write_csv(merged, out_dir / "results.csv")
    report.write_csv(pooled_frame, out_dir / "pooled.csv")
    report.trajectories(histories, out_dir)
    wall = round(sum(float(m["wall_s"]) for m in metas), 1)
    write_json(out_dir / "run.json", {"command": command, "merged_from": metas, "wall_s": wall})
    runs = f"{len(metas)} run" + ("s" if len(metas) != 1 else "")
    header = [f"# prism-energy benchmark (merged from {runs})\n"]
    for meta in metas:
        header.append(f"Run `{meta['source']}`:\n\n{_provenance(meta)}\n")
    _write_markdown(out_dir, header, merged, pooled_frame, histories)
    return out_dir
