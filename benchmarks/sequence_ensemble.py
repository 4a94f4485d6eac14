"""Ensembles of sequence-track fits: the mean of several fits' probabilities on the same
held-out pairs, against each member.

Each ``--member LABEL RUN [RUN ...]`` names one member and the benchmark runs that hold its
fits (``runs/seq-<row>-<cell>-seed<k>/weights.pt``, a member's cell lines often split over
several runs). An evaluation (held-out cell line, simulation seed) is kept where every
member has a fit. Every run of one seed must hold the same simulation (``sim-seed<k>``:
its ``pairs.bedpe`` and ``genome.fa`` are compared byte for byte), so every member reads
the same held-out pairs. Each member scores them again as the benchmark did (a support set
of 32 of the held-out pairs, seeded by the simulation seed) and its AUPR is checked against
the one its run recorded in ``results.csv``; the ensemble's probability is the members'
mean. With ``--readers`` (a folder of ``benchmarks/sequence_learnability.py`` outputs,
``<cell>-seed<k>.md``) the known-motif scan reader's held-out AUPR on the same simulation
is reported beside it.

Prints and writes (``--out``: ``ensemble.csv``, ``ensemble.md`` with the paired summaries,
``run.json`` with the command, commit and wall time) one row per evaluation. Nothing is
typed: every number is measured in the run.

    python benchmarks/sequence_ensemble.py \\
        --member both results/frozen-both-seed1-a results/frozen-both-seed1-b \\
        --member init11 results/init11-a results/init11-b \\
        --readers docs/benchmark-runs/learnability --out results/ensemble-seed1
"""

from __future__ import annotations

import argparse
import filecmp
import logging
import sys
import time
from pathlib import Path
from typing import NamedTuple

import numpy as np
import pandas as pd

REPOSITORY = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPOSITORY))
sys.path.insert(0, str(REPOSITORY / "benchmarks"))

from run_record import command_line, paired_line, write_run  # noqa: E402

from kipoi_prism.benchmark.harness import git_commit, held_out_rows  # noqa: E402
from kipoi_prism.benchmark.sequence_track import (  # noqa: E402
    SEQUENCE_FIT,
    predict_frame,
    prepare_pairs,
)
from kipoi_prism.io.pairs import read_pairs  # noqa: E402
from kipoi_prism.metrics import aupr, paired_bootstrap_difference  # noqa: E402

SIMULATION = ("pairs.bedpe", "genome.fa")  # what must match between runs of one seed
RECORDED_TOLERANCE = 1e-6  # a member scored again must give the AUPR its run recorded
READER = "known-motif scan"


class Fit(NamedTuple):
    """One fitted network: the run that holds it, its weights and the AUPR it recorded."""

    run: Path
    weights: Path
    recorded_aupr: float


def find_member_fits(label: str, runs: list[Path], row: str) -> dict[tuple[str, int], Fit]:
    """``{(cell line, seed): Fit}`` of ``row`` under ``runs``; a fit found twice or none at
    all is an error naming the member, a fit its run did not record (a run stopped before
    scoring it) is skipped with a message."""
    fits: dict[tuple[str, int], Fit] = {}
    for run in runs:
        results = pd.read_csv(run / "results.csv")
        results = results[(results["track"] == "sequence") & (results["row"] == row)]
        recorded = results.set_index(["held_out", "seed"])["aupr"]
        for weights in sorted((run / "runs").glob("seq-*/weights.pt")):
            match = SEQUENCE_FIT.match(weights.parent.name)
            if not match or match["row"] != row:
                continue
            key = (match["cell"], int(match["seed"]))
            if key in fits:
                raise SystemExit(f"member {label}: {key} is fitted in {fits[key].run} and {run}")
            if key not in recorded.index:  # a run stopped before it scored the fit
                print(f"member {label}: {weights} skipped: {run / 'results.csv'} records "
                      "no evaluation of it", flush=True)  # fmt: skip
                continue
            fits[key] = Fit(run, weights, float(recorded[key]))
    if not fits:
        raise SystemExit(f"member {label}: no runs/seq-{row}-<cell>-seed<k>/weights.pt under "
                         f"{', '.join(map(str, runs))}")  # fmt: skip
    return fits


def same_simulation(fits: list[Fit], seed: int) -> Path:
    """The simulation folder the fits share (``sim-seed<seed>`` of the first one's run);
    runs whose simulations differ are an error."""
    folders = list(dict.fromkeys(fit.run / f"sim-seed{seed}" for fit in fits))  # each once
    for folder in folders[1:]:
        for name in SIMULATION:
            if not filecmp.cmp(folders[0] / name, folder / name, shallow=False):
                raise SystemExit(f"{folder / name} differs from {folders[0] / name}: the "
                                 "members did not read the same simulation")  # fmt: skip
    return folders[0]


def reader_aupr(readers: Path | None, cell: str, seed: int) -> float:
    """The known-motif scan reader's held-out AUPR in ``readers/<cell>-seed<seed>.md``
    (NaN without ``--readers``; a missing file or row is an error)."""
    if readers is None:
        return np.nan
    path = readers / f"{cell}-seed{seed}.md"
    if not path.is_file():
        raise SystemExit(f"--readers: no {path}")
    for line in path.read_text().splitlines():
        if line.startswith(f"| {READER} |"):
            return float(line.split("|")[4])
    raise SystemExit(f"{path}: no '{READER}' row")


def score_member(label: str, fit: Fit, simulation: Path, test: pd.DataFrame, seed: int):
    """The member's probabilities on ``test``, checked against the AUPR its run recorded."""
    probabilities, _ = predict_frame(fit.weights, simulation / "genome.fa", test, seed)
    measured = aupr(test["label"].to_numpy(), probabilities)
    if abs(measured - fit.recorded_aupr) > RECORDED_TOLERANCE:
        raise SystemExit(f"member {label}: {fit.weights} scores AUPR {measured:.6f} again, "
                         f"its run recorded {fit.recorded_aupr:.6f} (another thread count "
                         "or code?)")  # fmt: skip
    return probabilities


def simulations(members: dict[str, dict], keys: list[tuple[str, int]]) -> dict:
    """``{seed: (simulation folder, its pairs as the track reads them)}``: each seed's
    simulation checked (:func:`same_simulation`) and read once, for all its evaluations."""
    loaded = {}
    for seed in sorted({seed for _, seed in keys}):
        fits = [member_fits[key] for member_fits in members.values()
                for key in keys if key[1] == seed]  # fmt: skip
        folder = same_simulation(fits, seed)
        loaded[seed] = folder, prepare_pairs(read_pairs(folder / "pairs.bedpe"))
    return loaded


def evaluate(members: dict[str, dict], key: tuple[str, int], simulation: Path,
             pairs: pd.DataFrame, readers: Path | None, n_boot: int) -> dict:  # fmt: skip
    """One evaluation on ``simulation`` (its ``pairs``): each member's AUPR, their mean, the
    ensemble's, the reader's, and the ensemble against the first member by a paired
    bootstrap."""
    cell, seed = key
    fits = {label: member_fits[key] for label, member_fits in members.items()}
    test = held_out_rows(pairs, cell)
    labels = test["label"].to_numpy()
    scores = {label: score_member(label, fit, simulation, test, seed)
              for label, fit in fits.items()}  # fmt: skip
    ensemble = np.mean(list(scores.values()), axis=0)
    first = next(iter(scores.values()))
    _, low, high = paired_bootstrap_difference(labels, ensemble, first, n_boot=n_boot)
    member_aupr = {f"aupr_{label}": aupr(labels, s) for label, s in scores.items()}
    return {"held_out": cell, "seed": seed, "pairs": len(labels),
            "positives": int(labels.sum()), **member_aupr,
            "member_mean": float(np.mean(list(member_aupr.values()))),
            "ensemble": aupr(labels, ensemble), "reader": reader_aupr(readers, cell, seed),
            "ensemble_minus_first_low": low, "ensemble_minus_first_high": high}  # fmt: skip


def summaries(table: pd.DataFrame, labels: list[str]) -> list[str]:
    """Paired lines: the ensemble minus the members' mean, minus each member, minus the
    reader (where read)."""
    against = {"the members' mean": table["member_mean"]}
    against.update({f"member {label}": table[f"aupr_{label}"] for label in labels})
    if table["reader"].notna().all():
        against["the known-motif scan reader"] = table["reader"]
    return [paired_line("ensemble", name, table["ensemble"] - column)
            for name, column in against.items()]  # fmt: skip


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--member", nargs="+", action="append", required=True,
                        metavar=("LABEL", "RUN"),
                        help="a member's label, then the runs holding its fits")  # fmt: skip
    parser.add_argument("--row", default="task_only", help="the row fitted (default task_only)")
    parser.add_argument("--readers", type=Path,
                        help="sequence_learnability's <cell>-seed<k>.md files")  # fmt: skip
    parser.add_argument("--bootstrap", type=int, default=500, help="resamples (default 500)")
    parser.add_argument("--threads", type=int, default=1,
                        help="torch threads (the runs' count repeats their AUPR)")  # fmt: skip
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    if any(len(member) < 2 for member in args.member):
        parser.error("--member needs a label and at least one run")
    labels = [member[0] for member in args.member]
    if len(args.member) < 2 or len(set(labels)) < len(labels):
        parser.error("give at least two --member, each with its own label")
    return args


def main(argv: list[str] | None = None) -> int:
    import torch

    logging.basicConfig(level=logging.WARNING)
    args = parse_args(argv)
    torch.set_num_threads(args.threads)
    start = time.time()
    commit = git_commit(REPOSITORY)
    members = {label: find_member_fits(label, [Path(r) for r in runs], args.row)
               for label, *runs in args.member}  # fmt: skip
    keys = sorted(set.intersection(*(set(fits) for fits in members.values())))
    if not keys:
        raise SystemExit("the members share no (held-out cell line, seed)")
    loaded, rows = simulations(members, keys), []
    for number, key in enumerate(keys, 1):
        print(f"[{number}/{len(keys)}] held out {key[0]}, seed {key[1]}", flush=True)
        rows.append(evaluate(members, key, *loaded[key[1]], args.readers, args.bootstrap))
    table = pd.DataFrame(rows)
    lines = summaries(table, list(members))
    markdown = table.to_markdown(index=False, floatfmt=".3f") + "\n\n" + "\n".join(lines)
    script = str(Path(__file__).resolve().relative_to(REPOSITORY))
    members_runs = {label: sorted({str(f.run) for f in fits.values()})
                    for label, fits in members.items()}  # fmt: skip
    write_run(args.out, "ensemble", table, markdown, command_line(script, argv), commit,
              round(time.time() - start, 1), members=members_runs)  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
