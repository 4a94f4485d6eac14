"""Inference: ``kipoi-prism predict`` end to end against the model's forward pass and SPEID's.

Measured in one run, on the same made genome and pairs, all with ``--threads`` CPU threads:

* the SPEID-style CNN-LSTM forward pass (:class:`kipoi_prism.benchmark.baselines.SpeidNet`
  at its published sizes), batches of 32, on encoded windows of the made pairs;
* prism-energy's forward pass alone (the weights' architecture, randomly initialised),
  batches of ``--batch-size`` on the same encoded windows, ``z_E`` given;
* ``kipoi-prism predict`` end to end: read and check the BEDPE, support sets, encode,
  forward, write TSV. Timed in this process (the command's own time) and as a fresh
  process (``kipoi-prism predict ...``: Python start-up and imports included);
* where an in-process ``predict`` spends its time: each stage timed (scan, support sets,
  encoding, forward, writing), then the top functions of a cProfile by own time;
* with ``--precision fp32 bf16 [fp16]``: the same under autocast, and the largest
  probability difference from float32;
* with ``--device cuda``: everything on the GPU (SPEID too), predict with ``--workers``.

Usage::

    python benchmarks/perf_predict.py                         # 3,000 pairs, 2 threads
    python benchmarks/perf_predict.py --pairs 200 --genome-mb 2 --max-seconds 2  # smoke
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import functools
import io
import pstats
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import common
import numpy as np


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    common.add_common_arguments(parser)
    parser.add_argument(
        "--pairs", type=int, default=3000, help="pairs scored end to end (default %(default)s)"
    )
    parser.add_argument(
        "--profile-pairs",
        type=int,
        default=1000,
        help="pairs in the profiled run (default %(default)s)",
    )
    parser.add_argument(
        "--threads", type=int, default=2, help="torch CPU threads everywhere (default %(default)s)"
    )
    parser.add_argument(
        "--batch-size", type=int, default=64, help="predict's batch size (default %(default)s)"
    )
    parser.add_argument(
        "--workers",
        type=int,
        nargs="+",
        default=[0],
        help="predict --num-workers values to time (default 0)",
    )
    parser.add_argument(
        "--max-seconds",
        type=float,
        default=20.0,
        help="time cap of each forward-pass measurement (default %(default)s)",
    )
    parser.add_argument(
        "--device",
        default="cpu",
        choices=["cpu", "cuda"],
        help="where the models run (default %(default)s)",
    )
    parser.add_argument(
        "--speid-batch",
        type=int,
        default=32,
        help="SPEID's batch size (default %(default)s, as published)",
    )
    parser.add_argument(
        "--precision",
        nargs="+",
        default=["fp32"],
        choices=["fp32", "bf16", "fp16"],
        help="predict precisions to time (default fp32)",
    )
    parser.add_argument(
        "--tiny-model",
        action="store_true",
        help="a small random architecture instead of the default one",
    )
    parser.add_argument(
        "--rounds",
        type=int,
        default=2,
        help="interleaved rounds; each rate is the best round (default %(default)s)",
    )
    parser.add_argument(
        "--no-subprocess", action="store_true", help="skip the fresh-process predict run"
    )
    return parser.parse_args(argv)


# --------------------------------------------------------------------------- forward passes


def encoded_batch(fasta: Path, frame, size: int, enhancer: int, promoter: int):
    """Encoded windows of the first ``size`` made pairs, as torch tensors."""
    import torch

    from kipoi_prism.io.encode import PairEncoder
    from kipoi_prism.io.genome import Genome

    encoded = PairEncoder(Genome(fasta), enhancer, promoter).encode(frame.iloc[:size])
    return torch.from_numpy(encoded.enhancer), torch.from_numpy(encoded.promoter)


def forward_rate(call, batch: int, max_seconds: float, at_least: int = 2) -> tuple[float, int]:
    """Pairs/s of ``call()`` (one batch each) after one warm-up call."""
    call()
    done, began = 0, time.perf_counter()
    while done < at_least * batch or time.perf_counter() - began < max_seconds:
        call()
        done += batch
    return done / (time.perf_counter() - began), done


def speid_rate(
    fasta: Path, frame, batch: int, max_seconds: float, device: str
) -> tuple[float, int]:
    import torch

    from kipoi_prism.benchmark.baselines import SpeidNet

    torch.manual_seed(0)
    model = SpeidNet().eval().to(device)
    enhancer, promoter = (x.to(device) for x in encoded_batch(fasta, frame, batch, 3000, 2000))
    with torch.inference_mode():
        return forward_rate(
            synchronised(lambda: model(enhancer, promoter), device), batch, max_seconds
        )


def prism_rate(
    fasta: Path, frame, weights: Path, batch: int, max_seconds: float, precision: str, device: str
) -> tuple[float, int]:
    import torch

    from kipoi_prism.inference import autocast, exact_float32
    from kipoi_prism.model.weights import load_weights

    exact_float32(torch.device(device))  # as predict sets it
    model = load_weights(weights, map_location=device).model.eval()
    config = model.config
    enhancer, promoter = encoded_batch(
        fasta, frame, batch, config.enhancer_length, config.promoter_length
    )
    enhancer, promoter = enhancer.to(device), promoter.to(device)
    z_e = torch.rand(config.d_environment, device=device)

    def call():
        with autocast(torch.device(device), precision):
            return model(enhancer, promoter, z_e)

    with torch.inference_mode():
        return forward_rate(synchronised(call, device), batch, max_seconds)


def synchronised(call, device: str):
    """``call`` followed by waiting for the GPU (a no-op on the CPU)."""
    import torch

    if not device.startswith("cuda"):
        return call

    def waited():
        call()
        torch.cuda.synchronize()

    return waited


# --------------------------------------------------------------------------- predict


def predict_argv(
    bedpe: Path, fasta: Path, weights: Path, out: Path, args, workers: int, precision: str
) -> list[str]:
    return common.predict_argv(
        bedpe, fasta, weights, out, device=args.device, threads=args.threads,
        batch_size=args.batch_size, workers=workers, precision=precision,
    )  # fmt: skip


def predict_in_process(argv: list[str]) -> float:
    """Seconds ``kipoi-prism`` takes in this process (imports already done)."""
    from kipoi_prism.cli.main import main

    began = time.perf_counter()
    status = main(argv)
    seconds = time.perf_counter() - began
    if status != 0:
        sys.exit(f"kipoi-prism {' '.join(argv)} failed with status {status}")
    return seconds


def predict_subprocess(argv: list[str]) -> float:
    """Wall seconds of ``python -m kipoi_prism ...`` as a fresh process (start-up included)."""
    began = time.perf_counter()
    subprocess.run([sys.executable, "-m", "kipoi_prism", *argv], check=True)
    return time.perf_counter() - began


# (label, module, owner class or None, attribute): what each stage's timer wraps.
STAGES = [
    ("pass 1: read + check the table, keep support sets", "Predictor", "scan"),
    ("support sets -> z_E (their encoding + forward)", "Predictor", "environments"),
    ("pass 2: read + batch + encode (waiting for batches)", "Predictor", "_loader"),
    ("pass 2: model forward (score_arrays)", None, "score_arrays"),
    ("write TSV (PairWriter.write)", "PairWriter", "write"),
    # Nested in the stages above (not added to them):
    ("  of which: encoding (every PairEncoder.encode)", "PairEncoder", "encode"),
    ("  of which: reading the BEDPE (both passes)", "FilePairSource", "chunks"),
]
_MODULES = {None: "kipoi_prism.inference.engine", "Predictor": "kipoi_prism.inference.engine",
            "PairWriter": "kipoi_prism.io.writers", "PairEncoder": "kipoi_prism.io.encode",
            "FilePairSource": "kipoi_prism.inference.sources"}  # fmt: skip
_ITERATORS = {"_loader", "chunks"}  # return iterators: their items are timed


@contextlib.contextmanager
def stage_timers() -> Iterator[dict[str, float]]:
    """Wrap each function of :data:`STAGES` with a timer for the duration of the block.

    Yields ``{label: seconds}``; time spent in DataLoader workers is not seen (profile with
    0 workers).
    """
    import importlib

    seconds: dict[str, float] = dict.fromkeys((label for label, *_ in STAGES), 0.0)
    saved = []
    for label, owner_name, attribute in STAGES:
        module = importlib.import_module(_MODULES[owner_name])
        owner = getattr(module, owner_name) if owner_name else module
        original = owner.__dict__[attribute] if owner_name else getattr(owner, attribute)
        saved.append((owner, attribute, original))
        wrap = _timed_items if attribute in _ITERATORS else _timed
        setattr(owner, attribute, wrap(original, seconds, label))
    try:
        yield seconds
    finally:
        for owner, attribute, original in saved:
            setattr(owner, attribute, original)


def _timed(function, seconds: dict[str, float], label: str):
    @functools.wraps(function)
    def timed(*args, **kwargs):
        began = time.perf_counter()
        try:
            return function(*args, **kwargs)
        finally:
            seconds[label] += time.perf_counter() - began

    return timed


def _timed_items(function, seconds: dict[str, float], label: str):
    """Like :func:`_timed` for a function returning an iterator: times every item too."""

    @functools.wraps(function)
    def timed(*args, **kwargs):
        began = time.perf_counter()
        items = iter(function(*args, **kwargs))
        seconds[label] += time.perf_counter() - began
        while True:
            began = time.perf_counter()
            try:
                item = next(items)
            except StopIteration:
                seconds[label] += time.perf_counter() - began
                return
            seconds[label] += time.perf_counter() - began
            yield item

    return timed


def profile_predict(argv: list[str], table: common.Table, top: int = 12) -> str:
    """Time predict's stages (one run), then profile it (another); return the top functions."""
    with stage_timers() as seconds:
        total = predict_in_process(argv)
    for label, spent in seconds.items():
        table.add(f"stage: {label}", f"{100 * spent / total:.1f}", "% of predict")
    table.add(
        "stage: the rest (start, weights, glue)",
        f"{100 * (1 - _top_level(seconds) / total):.1f}",
        "% of predict",
    )
    from kipoi_prism.cli.main import main

    profiler = cProfile.Profile()
    profiler.runcall(main, argv)
    text = io.StringIO()
    pstats.Stats(profiler, stream=text).sort_stats("tottime").print_stats(top)
    return _trim_profile(text.getvalue())


def _top_level(seconds: dict[str, float]) -> float:
    """Seconds of the stages that do not nest inside one another."""
    return sum(v for k, v in seconds.items() if not k.startswith(" "))


def _trim_profile(text: str) -> str:
    lines = text.splitlines()
    start = next((i for i, line in enumerate(lines) if line.lstrip().startswith("ncalls")), 0)
    return "\n".join(line.replace(str(Path.cwd()) + "/", "") for line in lines[start:] if line)


def max_difference(a: Path, b: Path) -> float:
    import pandas as pd

    left, right = pd.read_csv(a, sep="\t"), pd.read_csv(b, sep="\t")
    return float(np.max(np.abs(left["probability"].to_numpy() - right["probability"].to_numpy())))


# --------------------------------------------------------------------------- main


def measure(args, fasta: Path, frame, bedpe: Path, weights: Path) -> dict[str, tuple]:
    """Every rate, best of ``--rounds`` interleaved rounds (other jobs' load comes and goes).

    Returns
    -------
    dict
        ``{key: (pairs per second, what was timed)}``.
    """
    work = args.workdir
    steps = {
        "speid": lambda: speid_rate(fasta, frame, args.speid_batch, args.max_seconds, args.device)
    }
    for precision in args.precision:
        steps[f"forward {precision}"] = lambda p=precision: prism_rate(
            fasta, frame, weights, args.batch_size, args.max_seconds, p, args.device
        )
        for workers in args.workers:
            out = work / f"scores_{precision}_{workers}.tsv"
            argv = predict_argv(bedpe, fasta, weights, out, args, workers, precision)
            steps[f"predict {precision} {workers}"] = lambda a=argv: (
                args.pairs / predict_in_process(a),
                args.pairs,
            )
    best: dict[str, tuple] = {}
    for _ in range(args.rounds):
        for key, step in steps.items():
            per_s, done = step()
            if key not in best or per_s > best[key][0]:
                best[key] = (per_s, done)
    return best


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    common.apply_allocator(args.default_allocator)
    import torch

    torch.set_num_threads(args.threads)
    from kipoi_prism.model.weights import load_weights

    table = common.Table(
        f"Inference: kipoi-prism predict vs forward passes ({args.threads} threads)"
    )
    work = args.workdir
    fasta = common.genome_path(work, args.genome_mb, args.seed)
    frame = common.made_frame(args.pairs, common.chrom_length(args.genome_mb), args.seed)
    bedpe = common.write_pairs(work / f"predict_{args.pairs}.bedpe", frame)
    weights = work / ("random_tiny.pt" if args.tiny_model else "random_default.pt")
    common.random_weights(weights, args.seed, args.tiny_model)
    model = load_weights(weights).model
    config, n_parameters = model.config, sum(p.numel() for p in model.parameters())

    best = measure(args, fasta, frame, bedpe, weights)
    speid = best["speid"][0]
    table.add(
        f"SPEID-style CNN-LSTM forward, batch {args.speid_batch} ({best['speid'][1]} pairs)",
        speid,
        "pairs/s",
    )
    for precision in args.precision:
        rate, done = best[f"forward {precision}"]
        table.add(
            f"prism-energy forward only, {precision}, batch {args.batch_size} ({done} pairs)",
            rate,
            "pairs/s",
        )
    for precision in args.precision:
        for workers in args.workers:
            rate, _ = best[f"predict {precision} {workers}"]
            table.add(
                f"kipoi-prism predict, {precision}, {workers} worker(s), in process "
                f"({args.pairs:,} pairs)",
                rate,
                "pairs/s",
            )
    fresh = None
    if not args.no_subprocess:
        out = work / "scores_subprocess.tsv"
        seconds = predict_subprocess(predict_argv(bedpe, fasta, weights, out, args, 0, "fp32"))
        fresh = args.pairs / seconds
        table.add(
            f"kipoi-prism predict, fp32, fresh process incl. start-up ({seconds:.1f} s)",
            fresh,
            "pairs/s",
        )

    fastest = {
        precision: max(args.workers, key=lambda w, p=precision: best[f"predict {p} {w}"][0])
        for precision in args.precision
    }
    workers = fastest["fp32"] if "fp32" in fastest else args.workers[0]
    exact = best[f"predict fp32 {workers}"][0]
    table.ratio(f"predict ({workers} worker(s), in process) / SPEID forward", exact / speid, 30)
    if fresh is not None:
        table.ratio("predict (fresh process) / SPEID forward", fresh / speid, 30)
    table.ratio(
        f"predict ({workers} worker(s), in process) / prism forward only",
        exact / best["forward fp32"][0],
        0.7,
    )
    table.ratio("prism forward only / SPEID forward", best["forward fp32"][0] / speid)
    for precision in args.precision:
        if precision == "fp32":
            continue
        lower = best[f"predict {precision} {fastest[precision]}"][0]
        table.ratio(f"predict {precision} / SPEID forward", lower / speid, 30)
        table.ratio(f"predict {precision} / predict fp32", lower / exact)
        table.ratio(
            f"predict {precision} / prism forward only {precision}",
            lower / best[f"forward {precision}"][0],
            0.7,
        )
        difference = max_difference(
            work / f"scores_fp32_{workers}.tsv",
            work / f"scores_{precision}_{fastest[precision]}.tsv",
        )
        table.add(
            f"{precision} vs fp32: largest probability difference",
            f"{difference:.2e}",
            "",
            f"<= 1e-3: {'met' if difference <= 1e-3 else 'NOT met'}",
        )

    profile_pairs = min(args.profile_pairs, args.pairs)
    profiled = common.write_pairs(
        work / f"predict_profile_{profile_pairs}.bedpe", frame.iloc[:profile_pairs]
    )
    top = profile_predict(
        predict_argv(profiled, fasta, weights, work / "scores_profile.tsv", args, 0, "fp32"),
        table,
    )
    table.note(
        f"backbone: {config.backbone} (channels {config.channels}, windows "
        f"{config.enhancer_length} + {config.promoter_length} bp, {n_parameters:,} "
        f"parameters), head {config.head}; random weights (timing does not depend on them)"
    )
    table.note(
        f"{args.pairs:,} made pairs in 4 cell lines (support sets of 32 each), "
        f"{args.genome_mb:g} Mb made genome; rates are the best of {args.rounds} "
        f"interleaved round(s); stages and profile: {profile_pairs:,} pairs, fp32, 0 workers"
    )
    table.note(common.allocator())
    table.print()
    print(
        f"\ncProfile of kipoi-prism predict ({profile_pairs:,} pairs), top functions by own time:\n"
    )
    print(top)
    return 0


if __name__ == "__main__":
    sys.exit(main())
