"""Data path: pair table + FASTA -> the model's input tensors, against the field's tools.

Every path encodes the same windows (enhancer 3,000 bp + promoter 2,000 bp centred on each
made pair, one-hot, float32) from the same uncompressed made genome, in one process unless
workers are named:

* ``kipoiseq``: ``FastaStringExtractor.extract`` + ``one_hot_dna`` per window;
* ``selene``: ``Genome.get_encoding_from_coords`` per window;
* ``pyfaidx + numpy``: a pyfaidx slice per window and a 256-row numpy lookup table;
* ``kipoi-prism, rows in memory``: :class:`kipoi_prism.io.encode.PairEncoder` on batches of an
  in-memory pair table (the coordinates are given, as they are to the anchors);
* ``kipoi-prism, BEDPE file``: what ``kipoi-prism predict`` does in its scoring pass: read
  and validate the BEDPE (:func:`kipoi_prism.io.pairs.iter_pairs`), cut batches, encode; with 0,
  1 and 2 DataLoader workers.

A missing anchor is skipped with a message. Pairs per second; the ratios in the table are
measured in this run. Before timing, the first batch of every path is checked to hold the
same windows as kipoi-prism's (after transposing and mapping N; the made genome has none).

Usage::

    python benchmarks/perf_datapath.py                      # 100 Mb genome, 20,000 pairs
    python benchmarks/perf_datapath.py --pairs 2000 --genome-mb 2 --max-seconds 2  # smoke
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import common
import numpy as np
import pandas as pd

ENHANCER, PROMOTER = 3000, 2000


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    common.add_common_arguments(parser)
    parser.add_argument(
        "--pairs", type=int, default=20_000, help="pairs in the made table (default %(default)s)"
    )
    parser.add_argument(
        "--batch-size",
        type=int,
        default=64,
        help="pairs per batch, as predict's default (default %(default)s)",
    )
    parser.add_argument(
        "--max-seconds",
        type=float,
        default=15.0,
        help="time cap of each measurement (default %(default)s)",
    )
    parser.add_argument(
        "--workers",
        type=int,
        nargs="+",
        default=[0, 1, 2],
        help="DataLoader worker counts for the file path (default 0 1 2)",
    )
    return parser.parse_args(argv)


# --------------------------------------------------------------------------- windows


class Windows:
    """Window coordinates of the made pairs, in batches (0-based, half-open)."""

    def __init__(self, frame: pd.DataFrame, batch_size: int) -> None:
        from kipoi_prism.io.encode import window_starts

        self.frame = frame
        self.batch_size = batch_size
        self.chroms = frame["enhancer_chrom"].to_numpy()
        self.p_chroms = frame["promoter_chrom"].to_numpy()
        self.e_starts = window_starts(
            frame["enhancer_start"].to_numpy(), frame["enhancer_end"].to_numpy(), ENHANCER
        )
        self.p_starts = window_starts(
            frame["promoter_start"].to_numpy(), frame["promoter_end"].to_numpy(), PROMOTER
        )

    def batches(self) -> Iterator[range]:
        for start in range(0, len(self.frame), self.batch_size):
            yield range(start, min(start + self.batch_size, len(self.frame)))

    def coordinates(self, rows: range) -> Iterator[tuple[str, int, str, int]]:
        for i in rows:
            yield self.chroms[i], int(self.e_starts[i]), self.p_chroms[i], int(self.p_starts[i])


def per_window_path(window_one_hot: Callable[[str, int, int], np.ndarray], windows: Windows):
    """A batch encoder from a one-window encoder returning ``(L, 4)``."""

    def encode(rows: range) -> tuple[np.ndarray, np.ndarray]:
        enhancer, promoter = [], []
        for chrom, e_start, p_chrom, p_start in windows.coordinates(rows):
            enhancer.append(window_one_hot(chrom, e_start, e_start + ENHANCER))
            promoter.append(window_one_hot(p_chrom, p_start, p_start + PROMOTER))
        return np.stack(enhancer), np.stack(promoter)

    return encode


# --------------------------------------------------------------------------- anchors


def kipoiseq_path(fasta: Path, windows: Windows):
    from kipoiseq import Interval
    from kipoiseq.extractors import FastaStringExtractor
    from kipoiseq.transforms.functional import one_hot_dna

    extractor = FastaStringExtractor(str(fasta))
    return per_window_path(
        lambda c, s, e: one_hot_dna(extractor.extract(Interval(c, s, e))), windows
    )


def selene_path(fasta: Path, windows: Windows):
    from selene_sdk.sequences import Genome as SeleneGenome

    genome = SeleneGenome(str(fasta))
    return per_window_path(genome.get_encoding_from_coords, windows)


# byte -> one-hot row (A, C, G, T; either case); everything else all zeros.
_LOOKUP = np.zeros((256, 4), dtype=np.float32)
for _i, _base in enumerate(b"ACGTacgt"):
    _LOOKUP[_base, _i % 4] = 1.0


def pyfaidx_path(fasta: Path, windows: Windows):
    import pyfaidx

    handle = pyfaidx.Fasta(str(fasta), as_raw=True)

    def one_hot(chrom: str, start: int, end: int) -> np.ndarray:
        bases = handle[chrom][start:end]  # pyfaidx slices are 0-based half-open
        return _LOOKUP[np.frombuffer(bases.encode("ascii"), dtype=np.uint8)]

    return per_window_path(one_hot, windows)


def prism_memory_path(fasta: Path, windows: Windows):
    from kipoi_prism.io.encode import PairEncoder
    from kipoi_prism.io.genome import Genome

    encoder = PairEncoder(Genome(fasta), ENHANCER, PROMOTER)

    def encode(rows: range) -> tuple[np.ndarray, np.ndarray]:
        encoded = encoder.encode(windows.frame.iloc[rows.start : rows.stop])
        return encoded.enhancer, encoded.promoter

    return encode


ANCHORS = {
    "kipoiseq FastaStringExtractor + one_hot_dna": ("kipoiseq", kipoiseq_path),
    "selene Genome.get_encoding_from_coords": ("selene_sdk", selene_path),
    "pyfaidx slice + numpy lookup table": ("pyfaidx", pyfaidx_path),
}


def time_batches(encode, windows: Windows, max_seconds: float) -> tuple[float, int, float]:
    """Encode batches in order until all are done or ``max_seconds`` has passed.

    Returns
    -------
    (pairs per second, pairs, minor page faults per pair)
    """
    faults, began, done = common.minor_faults(), time.perf_counter(), 0
    for rows in windows.batches():
        encode(rows)
        done += len(rows)
        if time.perf_counter() - began >= max_seconds:
            break
    seconds = time.perf_counter() - began
    return done / seconds, done, (common.minor_faults() - faults) / done


def same_windows(encode, reference: tuple[np.ndarray, np.ndarray], windows: Windows) -> bool:
    """Whether a path's first batch, as (B, 4, L) with N as zeros, equals kipoi-prism's."""
    first = next(windows.batches())
    for got, want in zip(encode(first), reference, strict=True):
        got = np.asarray(got, dtype=np.float32)
        if got.shape[1:] != want.shape[1:]:
            got = got.transpose(0, 2, 1)
        got = np.where(got == 0.25, 0.0, got)  # kipoiseq and selene encode N as 0.25
        if not np.array_equal(got, want):
            return False
    return True


# --------------------------------------------------------------------------- file path


def file_path_rate(
    bedpe: Path, fasta: Path, batch_size: int, workers: int, max_seconds: float, total: int
) -> tuple[float, int, float]:
    """Pairs/s of predict's scoring-pass data path (read, validate, batch, encode)."""
    from torch.utils.data import DataLoader

    from kipoi_prism.inference import BatchStream, FilePairSource
    from kipoi_prism.inference.batches import identity
    from kipoi_prism.io.encode import PairEncoder
    from kipoi_prism.io.genome import Genome

    encoder = PairEncoder(Genome(fasta), ENHANCER, PROMOTER)
    stream = BatchStream(FilePairSource(bedpe, "bedpe"), encoder, batch_size)
    began = time.perf_counter()
    loader = (
        stream
        if workers == 0
        else DataLoader(stream, batch_size=None, num_workers=workers, collate_fn=identity)
    )
    done = 0
    iterator = iter(loader)
    for _, rows, _, _ in iterator:
        done += len(rows)
        if time.perf_counter() - began >= max_seconds:
            break
    seconds = time.perf_counter() - began
    del iterator
    return done / seconds, done, seconds


def reader_rate(bedpe: Path, max_seconds: float) -> tuple[float, int, float]:
    """Pairs/s of the BEDPE reader alone (parse and check every record)."""
    from kipoi_prism.io.pairs import iter_pairs

    began, done = time.perf_counter(), 0
    for chunk in iter_pairs(bedpe, "bedpe", chunk_size=10_000):
        done += len(chunk)
        if time.perf_counter() - began >= max_seconds:
            break
    seconds = time.perf_counter() - began
    return done / seconds, done, seconds


# --------------------------------------------------------------------------- main


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    common.apply_allocator(args.default_allocator)
    table = common.Table("Data path: pair table + FASTA -> one-hot tensors (pairs/s)")
    fasta = common.genome_path(args.workdir, args.genome_mb, args.seed)
    frame = common.made_frame(args.pairs, common.chrom_length(args.genome_mb), args.seed)
    bedpe = common.write_pairs(args.workdir / f"datapath_{args.pairs}.bedpe", frame)
    windows = Windows(frame, args.batch_size)
    prism = prism_memory_path(fasta, windows)  # builds the .fai index once
    reference = prism(next(windows.batches()))

    rates: dict[str, float] = {}
    for name, (module, build) in ANCHORS.items():
        try:
            __import__(module)
        except ImportError as error:
            print(f"skipping {name}: {module} is not installed ({error})", file=sys.stderr)
            table.note(f"{name}: skipped, {module} is not installed")
            continue
        encode = build(fasta, windows)
        if not same_windows(encode, reference, windows):
            table.note(f"{name}: its first batch differs from kipoi-prism's windows")
        per_s, done, faults = time_batches(encode, windows, args.max_seconds)
        rates[name] = per_s
        table.add(f"{name} ({done:,} pairs; {faults:.1f} page faults/pair)", per_s, "pairs/s")

    per_s, done, faults = time_batches(prism, windows, args.max_seconds)
    rates["memory"] = per_s
    table.add(
        f"kipoi-prism PairEncoder, rows in memory ({done:,} pairs; {faults:.1f} page faults/pair)",
        per_s,
        "pairs/s",
    )
    per_s, done, _ = reader_rate(bedpe, args.max_seconds)
    table.add(f"kipoi-prism BEDPE reader alone ({done:,} pairs)", per_s, "pairs/s")
    for workers in args.workers:
        per_s, done, seconds = file_path_rate(
            bedpe, fasta, args.batch_size, workers, args.max_seconds, args.pairs
        )
        rates[f"file{workers}"] = per_s
        table.add(
            f"kipoi-prism BEDPE file -> tensors, {workers} worker(s) ({done:,} pairs)",
            per_s,
            "pairs/s",
        )

    headline = rates.get("file0")
    kipoiseq = rates.get("kipoiseq FastaStringExtractor + one_hot_dna")
    plain = rates.get("pyfaidx slice + numpy lookup table")
    selene = rates.get("selene Genome.get_encoding_from_coords")
    if headline is not None:
        if kipoiseq:
            table.ratio("kipoi-prism (BEDPE file, 1 process) / kipoiseq", headline / kipoiseq, 4)
            table.ratio("kipoi-prism (rows in memory) / kipoiseq", rates["memory"] / kipoiseq, 4)
        if plain:
            table.ratio(
                "kipoi-prism (BEDPE file, 1 process) / pyfaidx + numpy", headline / plain, 2
            )
            table.ratio(
                "kipoi-prism (rows in memory) / pyfaidx + numpy", rates["memory"] / plain, 2
            )
        if selene:
            table.ratio("kipoi-prism (BEDPE file, 1 process) / selene", headline / selene)
        for workers in args.workers:
            if workers:
                table.ratio(
                    f"{workers} worker(s) / main process (BEDPE file)",
                    rates[f"file{workers}"] / headline,
                )
    table.note(
        f"{args.pairs:,} made pairs, {args.genome_mb:g} Mb made genome, batches of "
        f"{args.batch_size}, each measurement capped at {args.max_seconds:g} s; windows "
        f"{ENHANCER} + {PROMOTER} bp; worker rates include starting the workers"
    )
    table.note(common.allocator())
    table.print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
