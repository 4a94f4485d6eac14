"""Do a motif-stem model's attributions and variant effects land on the planted sites?

The full-size run of :mod:`kipoi_prism.benchmark.attribution_truth` (read it for the
procedure and the controls): simulate the TargetFinder pair graph of ``--cell-lines``, train
the recommended configuration with the first layer frozen at the simulator's motifs, and on
``--explain-pairs`` held-out pairs measure (a) how far above chance the top-k ISM and
integrated-gradient attributions fall inside planted sites and (b) how much more SNVs that
destroy a planted site move the logit than SNVs at background positions of the same windows.

Prints what it measured, the command, commit and wall time, and writes into ``--out``
(each file atomically): ``results.json`` (everything: settings, command, commit, machine,
timings, per-model enrichment and variant summaries), ``enrichment.csv``, ``variants.csv``
(one row per model and SNV set) and ``effects.tsv`` (every scored SNV x pair row).

Usage::

    python benchmarks/attribution_truth.py --out /tmp/truth-run              # full size
    python benchmarks/attribution_truth.py --out /tmp/t --pairs-per-cell-line 300 \\
        --max-epochs 2 --explain-pairs 5 --controls untrained_random       # a quick look
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import logging
import platform
import shlex
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
import torch

from kipoi_prism.benchmark.attribution_truth import CONTROLS, TruthCheckConfig, run_truth_check
from kipoi_prism.benchmark.harness import git_commit
from kipoi_prism.benchmark.run import machine
from kipoi_prism.io.atomic import atomic_open, write_text
from kipoi_prism.simulation.outputs import json_ready

REPO = Path(__file__).resolve().parents[1]
DATA = REPO.parent / "shared" / "data"
MOTIFS = Path("motifs") / "jaspar2024_core_vertebrates.meme"
BACKGROUND = Path("human-sequence") / "human_200bp_regions.fa"


def parse(argv: list[str] | None) -> argparse.Namespace:
    defaults = TruthCheckConfig()
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, required=True, help="results folder")
    parser.add_argument("--data-dir", type=Path, default=DATA, help="shared data folder")
    parser.add_argument("--workdir", type=Path, help="simulation and runs (default OUT/work)")
    parser.add_argument("--cell-lines", default=",".join(defaults.cell_lines))
    parser.add_argument("--held-out", default=defaults.held_out)
    parser.add_argument("--pairs-per-cell-line", type=int, default=defaults.pairs_per_cell_line)
    parser.add_argument("--enhancer-length", type=int, default=defaults.enhancer_length)
    parser.add_argument("--promoter-length", type=int, default=defaults.promoter_length)
    parser.add_argument("--max-epochs", type=int, default=defaults.max_epochs)
    parser.add_argument("--patience", type=int, default=defaults.patience)
    parser.add_argument("--explain-pairs", type=int, default=defaults.explain_pairs)
    parser.add_argument("--top-k", default=",".join(map(str, defaults.top_k)))
    parser.add_argument("--ig-steps", type=int, default=defaults.ig_steps)
    known = ", ".join(CONTROLS)
    parser.add_argument("--controls", default=",".join(defaults.controls),
                        help=f"comma-separated, any of {known} ('' for none)")  # fmt: skip
    parser.add_argument("--seed", type=int, default=defaults.seed)
    parser.add_argument("--threads", type=int, default=defaults.threads)
    parser.add_argument("--device", default=defaults.device)
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    if not args.data_dir.is_dir():
        print(f"shared data folder not found: {args.data_dir} (give --data-dir)", file=sys.stderr)
        return 2
    cell_lines = tuple(c for c in args.cell_lines.split(",") if c)
    config = TruthCheckConfig(
        cell_lines=cell_lines, held_out=args.held_out,
        pairs_per_cell_line=args.pairs_per_cell_line, enhancer_length=args.enhancer_length,
        promoter_length=args.promoter_length, max_epochs=args.max_epochs,
        patience=args.patience, explain_pairs=args.explain_pairs,
        top_k=tuple(int(k) for k in args.top_k.split(",")), ig_steps=args.ig_steps,
        controls=tuple(c for c in args.controls.split(",") if c), seed=args.seed,
        threads=args.threads, device=args.device,
    )  # fmt: skip
    tables = [args.data_dir / "targetfinder" / "pairs" / f"{c}.pairs.csv" for c in cell_lines]
    command = "python benchmarks/attribution_truth.py " + " ".join(map(shlex.quote, sys.argv[1:]))
    started = datetime.now(UTC).isoformat(timespec="seconds")
    commit = git_commit(REPO)  # the code that runs: read before, not after, the hours of work
    began = time.perf_counter()
    workdir = args.workdir or args.out / "work"
    results = run_truth_check(tables, args.data_dir / MOTIFS, args.data_dir / BACKGROUND,
                              workdir, config)  # fmt: skip
    wall = time.perf_counter() - began
    record = {
        "command": command,
        "commit": commit,
        "machine": f"{machine()}, torch threads {torch.get_num_threads()}",
        "python": platform.python_version(),
        "started": started,
        "wall_s": wall,
        "config": dataclasses.asdict(config),
        "world": describe_world(results["world"]),
        "timings_s": results["timings"],
        "models": {},
    }
    models = [name for name in ("trained", *CONTROLS) if name in results]
    for name in models:
        record["models"][name] = {
            "enrichment": results[name]["enrichment"].to_dict("records"),
            "variants": results[name]["variants"],
        }
    write_outputs(args.out, record, results, models)
    print_report(record, models)
    return 0


def describe_world(world) -> dict:
    return {
        "train_pairs": len(world.train), "val_pairs": len(world.val),
        "held_out_pairs": len(world.test), "held_out_positives": int(world.test["label"].sum()),
        "planted_sites": len(world.sites), "motifs": len(world.vocabulary),
    }  # fmt: skip


def write_outputs(out: Path, record: dict, results: dict, models: list[str]) -> None:
    out.mkdir(parents=True, exist_ok=True)
    write_text(out / "results.json", json.dumps(json_ready(record), indent=2) + "\n")
    enrichment = pd.concat(
        [results[m]["enrichment"].assign(model=m) for m in models], ignore_index=True
    )
    with atomic_open(out / "enrichment.csv") as handle:
        enrichment.to_csv(handle, index=False, float_format="%.6g", lineterminator="\n")
    rows = []
    for m in models:
        summary = results[m]["variants"]
        for kind in ("site", "background"):
            extra = {k: v for k, v in summary.items() if k not in ("site", "background")}
            rows.append({"model": m, "snvs": kind, **summary[kind], **extra})
    with atomic_open(out / "variants.csv") as handle:
        pd.DataFrame(rows).to_csv(handle, index=False, float_format="%.6g", lineterminator="\n")
    effects = pd.concat([results[m]["effects"].assign(model=m) for m in models], ignore_index=True)
    with atomic_open(out / "effects.tsv") as handle:
        effects.to_csv(handle, sep="\t", index=False, float_format="%.6g", lineterminator="\n")


def print_report(record: dict, models: list[str]) -> None:
    world = record["world"]
    print(f"command: {record['command']}")
    print(f"commit {record['commit']}; {record['machine']}; wall time {record['wall_s']:.0f} s")
    print(f"world: {world['train_pairs']} training, {world['val_pairs']} validation, "
          f"{world['held_out_pairs']} held-out pairs ({world['held_out_positives']} positive); "
          f"{world['planted_sites']} planted sites of {world['motifs']} motifs")  # fmt: skip
    print("timings (s): " + ", ".join(f"{k} {v:.0f}" for k, v in record["timings_s"].items()))
    print("\n(a) top-k attributions inside planted sites (both elements pooled)")
    print(f"{'model':<18}{'method':<8}{'k':>4}{'precision@k':>13}{'base rate':>11}"
          f"{'enrichment':>12}")  # fmt: skip
    for name in models:
        for row in record["models"][name]["enrichment"]:
            if row["element"] == "both":
                print(f"{name:<18}{row['method']:<8}{row['k']:>4}{row['precision_at_k']:>13.3f}"
                      f"{row['base_rate']:>11.4f}{row['enrichment']:>12.2f}")  # fmt: skip
    print("\n(b) |delta logit| of SNVs destroying a planted site vs. background SNVs")
    print(f"{'model':<18}{'snvs':<12}{'rows':>6}{'median':>10}{'mean':>10}{'q90':>10}"
          f"{'AUROC':>8}{'MWU p':>10}")  # fmt: skip
    for name in models:
        summary = record["models"][name]["variants"]
        for kind in ("site", "background"):
            s = summary[kind]
            tail = (f"{summary.get('auroc', float('nan')):>8.3f}"
                    f"{summary.get('mannwhitney_p', float('nan')):>10.2g}"
                    if kind == "site" else "")  # fmt: skip
            print(f"{name:<18}{kind:<12}{s['rows']:>6}{s['median']:>10.4f}{s['mean']:>10.4f}"
                  f"{s['q90']:>10.4f}{tail}")  # fmt: skip

    print("\n(c) site knock-outs against their true effect (delta logit* of the mechanism)")
    print(f"{'model':<18}{'no true effect':>15}{'AUROC relevant':>16}{'Spearman':>10}")
    for name in models:
        s = record["models"][name]["variants"]
        print(f"{name:<18}{s.get('no_true_effect', float('nan')):>15.3f}"
              f"{s.get('auroc_relevant', float('nan')):>16.3f}"
              f"{s.get('spearman_true', float('nan')):>10.3f}")  # fmt: skip


if __name__ == "__main__":
    sys.exit(main())
