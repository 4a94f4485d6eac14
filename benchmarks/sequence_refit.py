"""The trained sequence model's scoring layer refitted with shrinkage chosen on validation.

Within one cell line the energy head ranks pairs as ``U_I = g_I(z_I)``, a linear read of the
backbone's hidden units ``z_I`` (the environment enters as one scale and shift per cell line).
Round 25 found the known-motif reader's edge over small networks on its own features is its
shrinkage, chosen on validation. This script asks whether the trained model would gain the
same by refitting only ``g_I``: for each fit (``runs/seq-<row>-<cell>-seed<k>/weights.pt``
of a benchmark run), the evaluation's pairs are rebuilt as the sequence track made them
(the run's own simulation ``sim-seed<k>``, its split settings from ``run.json``), ``z_I`` is
computed for the training, validation and held-out pairs (eval mode), and

* ``model``: the held-out AUPR of the fit's own ``U_I`` (checked against the AUPR its run
  recorded: a fit that scores differently here is an error);
* ``network``: the held-out AUPR of the head's own ``g_I(z_I)``, the network as trained: for
  a fit with a fitted element read the score without it (``model`` minus ``network`` is the
  read's paired gain on held-out pairs); for any other fit the same as ``model``;
* ``refit``: an L2 logistic regression on ``z_I`` (standardised on the training pairs,
  balanced classes, C chosen from the reader's grid on validation AUPR: the known-motif
  reader's own fit, ``benchmarks/sequence_learnability.py``);
* ``refit C=100``: the same at C = 100 only (next to no shrinkage), which separates the
  shrinkage from the refit itself;
* ``elements``: the refit's regression on the element vectors ``[v_E, v_P]`` the combine
  layer reads instead of ``z_I`` (a linear read that skips the hidden layer), which says
  whether what a linear reader can use is still in ``z_I``;
* ``elements+model``: the same regression on ``[v_E, v_P, U_I]`` (the element vectors and
  the fit's own score, a stacked read), and ``elements+z_I`` on ``[v_E, v_P, z_I]``: whether
  the combine layer's nonlinear read adds to the element vectors' linear one;
* ``elements, wide grid``: the ``elements`` regression with C chosen from
  :data:`WIDE_READ_C`, two decades beyond each end of the reader's grid (which the
  product's element read, ``model.element_read``, shares: for such a fit ``elements`` is the
  fit's own score again);
* ``silent_units``: hidden units that are never above 0 on the training pairs.

With ``--readers`` (``<cell>-seed<k>.md`` outputs of ``sequence_learnability.py``) the
reader's held-out AUPR on the same simulation is reported beside them.

Prints and writes (``--out``: ``refit.csv``, ``refit.md`` with the paired summaries,
``run.json`` with the command, commit and wall time) one row per fit. Nothing is typed:
every number is measured in the run. Single-threaded: the same fits give the same numbers.

    python benchmarks/sequence_refit.py results/frozen-both-seed1 results/frozen-both-seed2 \\
        --readers docs/benchmark-runs/learnability --out results/refit
"""

from __future__ import annotations

import argparse
import dataclasses
import functools
import json
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import torch

REPOSITORY = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPOSITORY))
sys.path.insert(0, str(REPOSITORY / "benchmarks"))

import sequence_learnability as learnability  # noqa: E402
from run_record import command_line, paired_line, write_run  # noqa: E402
from sequence_ensemble import reader_aupr  # noqa: E402

from kipoi_prism.benchmark.harness import PROFILES, git_commit  # noqa: E402
from kipoi_prism.benchmark.sequence_track import (  # noqa: E402
    SEQUENCE_FIT,
    evaluation_pairs,
    prepare_pairs,
)
from kipoi_prism.io.encode import PairEncoder  # noqa: E402
from kipoi_prism.io.genome import Genome  # noqa: E402
from kipoi_prism.io.pairs import read_pairs  # noqa: E402
from kipoi_prism.metrics import aupr  # noqa: E402
from kipoi_prism.model.weights import load_weights  # noqa: E402

SPLIT_SETTINGS = ("cell_lines", "pairs_per_cell_line", "train_pairs_per_cell_line",
                  "val_chromosomes", "validate_on", "enhancer_length",
                  "promoter_length")  # fmt: skip
RECORDED_TOLERANCE = 1e-4  # the fit's U_I must rank the held-out pairs as its run did
NO_SHRINKAGE = (100.0,)
WIDE_READ_C = tuple(10.0**k for k in range(-6, 3))  # 1e-6 ... 100
COMPARISONS = [("model", "network"), ("refit", "model"), ("refit C=100", "model"),
               ("refit", "refit C=100"),
               ("reader", "refit"), ("reader", "model"), ("elements", "refit"),
               ("reader", "elements"), ("elements+model", "elements"),
               ("elements+z_I", "elements"), ("elements+model", "reader"),
               ("elements, wide grid", "elements")]  # fmt: skip


def split_config(run: Path):
    """The ``--full`` profile with the run's split settings (``run.json``'s ``config``)."""
    meta = run / "run.json"
    if not meta.is_file():
        raise SystemExit(f"{run}: not a benchmark results directory (no run.json)")
    given = json.loads(meta.read_text()).get("config", {})
    missing = [name for name in SPLIT_SETTINGS if name not in given]
    if missing:
        raise SystemExit(f"{meta}: its config lacks {', '.join(missing)} (a merged run? give "
                         "the runs that trained the fits)")  # fmt: skip
    settings = {name: tuple(v) if isinstance(v, list) else v
                for name, v in ((n, given[n]) for n in SPLIT_SETTINGS)}  # fmt: skip
    return dataclasses.replace(PROFILES["full"], **settings)


def recorded_aupr(run: Path, row: str, cell: str, seed: int) -> float:
    """The held-out AUPR the run recorded for one sequence fit (``results.csv``)."""
    results = pd.read_csv(run / "results.csv")
    match = results[(results["track"] == "sequence") & (results["row"] == row)
                    & (results["held_out"] == cell) & (results["seed"] == seed)]  # fmt: skip
    if len(match) != 1:
        raise SystemExit(f"{run / 'results.csv'}: no single row {row}, {cell}, seed {seed}")
    return float(match["aupr"].iloc[0])


def hidden_units(model, encoder: PairEncoder, frame: pd.DataFrame):
    """``(z_I, U_I, g_I(z_I), [v_E, v_P])`` of every pair of ``frame`` (the model in eval
    mode), in row order: the hidden units, the fit's own score (its fitted element read
    where it has one, ``model.element_read``), the head's own ``g_I`` score (the network
    without the read) and the element vectors the combine layer reads."""
    if not hasattr(model.head, "g_i"):
        raise SystemExit(f"the fit's head ({type(model.head).__name__}) has no g_I to refit")
    hidden, scores, network, elements = [], [], [], []
    with torch.no_grad():
        for start in range(0, len(frame), 256):
            encoded = encoder.encode(frame.iloc[start : start + 256])
            z_i, v_ep = model.backbone(torch.from_numpy(encoded.enhancer),
                                       torch.from_numpy(encoded.promoter))  # fmt: skip
            hidden.append(z_i.numpy())
            no_environment = torch.zeros(model.config.d_environment)
            own = model.head_outputs(z_i, no_environment, use_environment=False, features=v_ep)
            scores.append(own["U_I"].numpy())
            network.append(model.head.g_i(z_i).squeeze(-1).numpy())
            elements.append(v_ep.numpy())
    parts = (hidden, scores, network, elements)
    return tuple(np.concatenate(part).astype(np.float64) for part in parts)


@functools.cache
def simulated_pairs(simulation: Path) -> pd.DataFrame:
    """A run's simulated pair table as the track reads it (read once per simulation: a
    run's fits of one seed share it)."""
    return prepare_pairs(read_pairs(simulation / "pairs.bedpe"))


def refit_fit(run: Path, config, fit: Path, readers: Path | None) -> dict:
    """One fit: its own ``U_I``, the refits and the reader, on its evaluation's pairs
    (``config``: the run's split settings, :func:`split_config`)."""
    parts = SEQUENCE_FIT.match(fit.name)
    row, cell, seed = parts["row"], parts["cell"], int(parts["seed"])
    simulation = run / f"sim-seed{seed}"
    train, val, test = evaluation_pairs(simulated_pairs(simulation), cell, config, seed)
    pairs = pd.concat([train, val, test], ignore_index=True)
    ends = np.cumsum([len(train), len(val), len(test)])
    frames = [pd.DataFrame({"row_id": np.arange(end - len(part), end)})
              for part, end in zip((train, val, test), ends, strict=True)]  # fmt: skip
    model = load_weights(fit / "weights.pt").model.eval()
    encoder = PairEncoder(Genome(simulation / "genome.fa"), config.enhancer_length,
                          config.promoter_length)  # fmt: skip
    z_i, u_i, g_i, elements = hidden_units(model, encoder, pairs)
    labels = pairs["label"].to_numpy()
    test_rows = frames[2]["row_id"].to_numpy()
    model_aupr = aupr(labels[test_rows], u_i[test_rows])
    recorded = recorded_aupr(run, row, cell, seed)
    if abs(model_aupr - recorded) > RECORDED_TOLERANCE:
        raise SystemExit(f"{fit}: U_I scores held-out AUPR {model_aupr:.6f}, its run "
                         f"recorded {recorded:.6f} (another simulation or code?)")  # fmt: skip
    val_rows = frames[1]["row_id"].to_numpy()
    shrunk = learnability.fit_and_score(z_i, labels, *frames)
    loose = learnability.fit_and_score(z_i, labels, *frames, grid=NO_SHRINKAGE)
    linear = learnability.fit_and_score(elements, labels, *frames)
    wide = learnability.fit_and_score(elements, labels, *frames, grid=WIDE_READ_C)
    stacked = learnability.fit_and_score(np.column_stack([elements, u_i]), labels, *frames)
    joint = learnability.fit_and_score(np.column_stack([elements, z_i]), labels, *frames)
    return {"run": run.name, "row": row, "held_out": cell, "seed": seed,
            "model": model_aupr, "model_val": aupr(labels[val_rows], u_i[val_rows]),
            "network": aupr(labels[test_rows], g_i[test_rows]),
            "refit": shrunk["test_aupr"], "refit_val": shrunk["val_aupr"],
            "refit_C": shrunk["C"], "refit C=100": loose["test_aupr"],
            "elements": linear["test_aupr"], "elements_C": linear["C"],
            "elements, wide grid": wide["test_aupr"], "elements, wide grid_C": wide["C"],
            "elements+model": stacked["test_aupr"], "elements+z_I": joint["test_aupr"],
            "reader": reader_aupr(readers, cell, seed),
            "silent_units": int((z_i[frames[0]["row_id"]].max(axis=0) <= 0).sum())}  # fmt: skip


def fits_of(run: Path) -> list[Path]:
    """The fits a run holds (``runs/seq-*/weights.pt``); none is an error."""
    fits = sorted(p.parent for p in (run / "runs").glob("seq-*/weights.pt")
                  if SEQUENCE_FIT.match(p.parent.name))  # fmt: skip
    if not fits:
        raise SystemExit(f"{run}: no runs/seq-<row>-<cell>-seed<k>/weights.pt")
    return fits


def summaries(table: pd.DataFrame) -> list[str]:
    """The paired lines of :data:`COMPARISONS` (the reader's where it was given)."""
    return [paired_line(first, second, table[first] - table[second])
            for first, second in COMPARISONS
            if table[first].notna().all() and table[second].notna().all()]  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("runs", nargs="+", type=Path, help="benchmark runs holding the fits")
    parser.add_argument("--readers", type=Path, default=None,
                        help="sequence_learnability.py outputs (<cell>-seed<k>.md)")  # fmt: skip
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    torch.set_num_threads(1)
    start, commit, rows = time.time(), git_commit(REPOSITORY), []
    for run in args.runs:
        config = split_config(run)
        for fit in fits_of(run):
            rows.append(refit_fit(run, config, fit, args.readers))
            done = rows[-1]
            print(
                f"{run.name} {fit.name}: model {done['model']:.3f}, network "
                f"{done['network']:.3f}, refit {done['refit']:.3f} "
                f"(C {done['refit_C']:g}), C=100 {done['refit C=100']:.3f}",
                flush=True,
            )
    frame = pd.DataFrame(rows)
    shown = frame[["run", "held_out", "seed", "model", "network", "refit", "refit_C",
                   "refit C=100",
                   "elements", "elements_C", "elements, wide grid", "elements, wide grid_C",
                   "elements+model", "elements+z_I", "reader"]]  # fmt: skip
    shown = shown.astype({c: str for c in shown.columns if c.endswith("_C")})  # 1e-05, not 0.000
    markdown = shown.to_markdown(index=False, floatfmt=".3f") + "\n\n"
    markdown += "\n".join(summaries(frame))
    print(markdown)
    command = command_line("benchmarks/sequence_refit.py", argv)
    write_run(args.out, "refit", frame, markdown, command, commit, round(time.time() - start, 1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
