"""Training: pairs/s per epoch from the FASTA and from the HDF5 cache, and what the
auxiliary losses and the support sets cost relative to the task loss alone.

Trains on made pairs (4 training cell lines, 1 validation cell line, random labels) with
:func:`kipoi_prism.training.fit.fit`, one short run per configuration, no curriculum (the
environment stream is on from the first epoch), all else at the defaults of
:class:`kipoi_prism.config.TrainConfig` (batches of 4 cell-line blocks of 16 queries):

==========================  ==================================  ============  =======
configuration               losses                              support sets  windows
==========================  ==================================  ============  =======
full objective, FASTA       task + every auxiliary (defaults)   32 a cell     FASTA
full objective, cache       task + every auxiliary (defaults)   32 a cell     HDF5
auxiliaries, support 1      task + every auxiliary (defaults)   1 a cell      HDF5
support sets, task only     task (auxiliary weights 0)          32 a cell     HDF5
task loss alone             task (auxiliary weights 0)          1 a cell      HDF5
==========================  ==================================  ============  =======

(``support_size`` cannot be 0: every batch needs ``z_E``, so "task loss alone" still runs
one support row per block.) The rate is the module's own ``train_pairs_per_s`` of the last
epoch (labelled query pairs per second, from the first training batch to validation, data
loading included), so the first epoch's start-up is left out when ``--epochs`` > 1.

Usage::

    python benchmarks/perf_training.py                        # 256 pairs, 2 epochs each
    python benchmarks/perf_training.py --train-pairs 64 --epochs 1 --tiny-model --genome-mb 2
"""

from __future__ import annotations

import argparse
import dataclasses
import logging
import shutil
import sys
import time
import warnings

import common

CONFIGURATIONS = {
    # name: (auxiliary losses on, support size, h5 cache)
    "full objective, FASTA": (True, None, False),
    "full objective, h5 cache": (True, None, True),
    "auxiliary losses, support 1, h5 cache": (True, 1, True),
    "support sets, task loss only, h5 cache": (False, None, True),
    "task loss alone (support 1), h5 cache": (False, 1, True),
}


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    common.add_common_arguments(parser)
    parser.add_argument(
        "--train-pairs",
        type=int,
        default=256,
        help="training pairs (default %(default)s; a batch holds 64)",
    )
    parser.add_argument("--val-pairs", type=int, default=64)
    parser.add_argument(
        "--epochs",
        type=int,
        default=2,
        help="epochs per configuration; the last one is timed (default 2)",
    )
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--workers", type=int, default=0, help="DataLoader workers")
    parser.add_argument(
        "--support-size",
        type=int,
        default=32,
        help="support-set size of the configurations with support sets",
    )
    parser.add_argument(
        "--tiny-model",
        action="store_true",
        help="a small random architecture instead of the default one",
    )
    parser.add_argument(
        "--only", nargs="+", choices=list(CONFIGURATIONS), help="run these configurations only"
    )
    return parser.parse_args(argv)


def made_split(args) -> tuple:
    """Training pairs of cell lines CELL1-4 and validation pairs of CELL5."""
    length = common.chrom_length(args.genome_mb)
    train = common.made_frame(args.train_pairs, length, args.seed, cell_lines=4)
    val = common.made_frame(args.val_pairs, length, args.seed + 1, cell_lines=1)
    val["cell_line"] = "CELL5"
    val["name"] = "val" + val["name"]
    return train, val


def run_configuration(name: str, args, fasta, train, val, model_config) -> dict:
    """One :func:`fit` run; its last epoch's history row and the run's wall time."""
    from kipoi_prism.config import LossWeights, TrainConfig, TrainerConfig
    from kipoi_prism.training.fit import fit

    auxiliaries, support, cached = CONFIGURATIONS[name]
    train_config = TrainConfig(
        max_epochs=args.epochs,
        patience=0,
        curriculum=False,
        seed=args.seed,
        support_size=support or args.support_size,
        weights=LossWeights() if auxiliaries else LossWeights(0, 0, 0, 0, 0),
    )
    trainer_config = TrainerConfig(
        accelerator="cpu", logger="none", progress_bar=False, threads=args.threads
    )
    run_dir = args.workdir / "training_run"
    shutil.rmtree(run_dir, ignore_errors=True)
    began = time.perf_counter()
    result = fit(
        train,
        val,
        fasta,
        model_config,
        train_config,
        run_dir,
        trainer_config=trainer_config,
        num_workers=args.workers,
        h5_cache=args.workdir / "training_windows.h5" if cached else None,
    )
    wall = time.perf_counter() - began
    shutil.rmtree(run_dir, ignore_errors=True)
    row = result.history.iloc[-1].to_dict()
    return {
        "pairs_per_s": row["train_pairs_per_s"],
        "rows_per_s": row["train_rows_per_s"],
        "wall_s": wall,
    }


def quiet() -> None:
    """Keep Lightning's start-up messages and warnings out of the table."""
    for name in ("pytorch_lightning", "lightning", "lightning.pytorch", "lightning_fabric"):
        logging.getLogger(name).setLevel(logging.ERROR)
    warnings.filterwarnings("ignore")


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    common.apply_allocator(args.default_allocator)
    quiet()
    import pipeline_scale

    from kipoi_prism.config import ModelConfig

    table = common.Table(
        f"Training: pairs/s per epoch and the objective's overheads ({args.threads} threads)"
    )
    fasta = common.genome_path(args.workdir, args.genome_mb, args.seed)
    train, val = made_split(args)
    model_config = ModelConfig(**pipeline_scale.TINY_MODEL) if args.tiny_model else ModelConfig()
    (args.workdir / "training_windows.h5").unlink(missing_ok=True)  # built in the first cached run
    names = args.only or list(CONFIGURATIONS)
    runs = {}
    for name in names:
        runs[name] = run_configuration(name, args, fasta, train, val, model_config)
        run = runs[name]
        table.add(
            f"{name} ({run['rows_per_s']:.0f} rows/s through the backbone)",
            run["pairs_per_s"],
            "pairs/s",
        )
    overheads(table, runs)
    config = dataclasses.asdict(model_config)
    table.note(
        f"backbone {config['backbone']} (channels {config['channels']}, windows "
        f"{config['enhancer_length']} + {config['promoter_length']} bp); "
        f"{args.train_pairs} training pairs (4 cell lines), {args.val_pairs} validation "
        f"pairs; rate of epoch {args.epochs} of {args.epochs}; {args.workers} worker(s)"
    )
    table.note(
        "overhead = seconds per query pair relative to 'task loss alone' minus 1 "
        "(same run); the auxiliaries are the losses with weight > 0 in LossWeights()"
    )
    table.note(common.allocator())
    table.print()
    return 0


def overheads(table: common.Table, runs: dict) -> None:
    """Ratios between configurations measured in this run."""
    rate = {name: run["pairs_per_s"] for name, run in runs.items()}
    base = rate.get("task loss alone (support 1), h5 cache")
    if base:
        for name, label in (
            ("full objective, h5 cache", "overhead of auxiliaries + support sets (full objective)"),
            ("auxiliary losses, support 1, h5 cache", "overhead of the auxiliary losses"),
            ("support sets, task loss only, h5 cache", "overhead of the support sets"),
        ):
            if name in rate:
                overhead = base / rate[name] - 1
                met = "met" if overhead < 0.25 else "NOT met"
                table.add(label, f"{100 * overhead:.0f}", "%", f"< 25%: {met}")
    if "full objective, FASTA" in rate and "full objective, h5 cache" in rate:
        table.ratio(
            "h5 cache / FASTA (full objective)",
            rate["full objective, h5 cache"] / rate["full objective, FASTA"],
        )


if __name__ == "__main__":
    sys.exit(main())
