"""How much of the simulated signal could a sequence model learn from the benchmark's data?

The sequence track of ``kipoi-prism benchmark`` trains on a few thousand simulated pairs.
This script asks what readers that need no motif discovery reach on exactly that data
(same simulation, same held-out cell line, same training subsample and chr1-chr3
validation split as the ``--full`` profile), from most to least privileged (each also
reads ``log10`` distance unless ``--without-distance``, which the sequence models cannot):

1. ``planted counts``: a logistic regression on the planted motif-site counts the labels
   were drawn from (log(1 + n) per factor, enhancer and promoter) and log distance;
2. ``planted counts x products``: the same plus every enhancer-factor x promoter-factor
   product (the form of the simulated compatibility ``x_e^T W x_p``);
3. ``known-motif scan``: the same two regressions on soft site counts from scanning the
   sequences with the vocabulary's own JASPAR matrices (log-odds, both strands; a frozen
   "perfect" first convolution layer): what a model that had already found every motif
   could use;
4. ``discovered-motif scan``: the known-motif scan's regression on a scan with motifs
   found in the windows themselves, without labels or a motif file
   (:mod:`kipoi_prism.training.motif_discovery`), in the training cell lines' regions (and,
   with ``--discover-in-all``, in every cell line's, the held-out one's included: still no
   label);
5. ``5-mer counts``: a logistic regression on 5-mer counts of the model windows (a
   motif-agnostic sequence reader);
6. the oracle (the probabilities the labels were drawn with).

Every reader is scored on the validation pairs and on the held-out cell line (AUPR, AUROC;
prevalence for reference). Nothing here is trained by gradient descent on sequence; the
table bounds what the trained models of the benchmark could reach at this data size.

Usage::

    python benchmarks/sequence_learnability.py                 # held-out K562, seed 0
    python benchmarks/sequence_learnability.py --held-out GM12878 --seed 1
    python benchmarks/sequence_learnability.py --pairs-per-cell-line 10000 \
        --train-pairs-per-cell-line 8000                         # how the readers scale with data
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import platform
import shlex
import sys
import time
from pathlib import Path
from typing import NamedTuple

import numpy as np
import pandas as pd
import torch

from kipoi_prism.benchmark.harness import PROFILES, chromosome_split, stratified_subsample
from kipoi_prism.config import SimulationConfig
from kipoi_prism.config.model import MAX_BACKGROUND_ORDER
from kipoi_prism.io.encode import PairEncoder
from kipoi_prism.io.genome import Genome
from kipoi_prism.metrics import aupr, auroc
from kipoi_prism.simulation.run import simulate
from kipoi_prism.training.element_read import READ_C, shrunk_read
from kipoi_prism.training.motif_discovery import (
    DiscoveryConfig,
    discover_by_contrast,
    discover_in_pairs,
)

sys.path.insert(0, str(Path(__file__).resolve().parent))

from site_counts import (  # noqa: E402
    ROLES,
    SCAN_THRESHOLD,
    em_rates,
    motif_occupancy,
    motif_scan,
    training_windows,
    window_chains,
)

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"
# The windows per role on which --occupancy-em fits each motif's rate.
EM_WINDOWS = 2000


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data-dir", type=Path, default=DATA)
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/kipoi-prism-learnability"))
    parser.add_argument("--held-out", default="K562")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--pairs-per-cell-line",
        type=int,
        help="simulated pairs per cell line (default: the --full profile's)",
    )
    parser.add_argument(
        "--train-pairs-per-cell-line",
        type=int,
        help="training subsample per cell line (default: the --full profile's)",
    )
    parser.add_argument(
        "--without-distance",
        action="store_true",
        help="readers see sequence only (the benchmark's sequence models do not see the "
        "distance); default: log distance is one more input of every reader",
    )
    parser.add_argument(
        "--discover-n-motifs",
        type=int,
        default=DiscoveryConfig().n_motifs,
        help="discovered-motif scan: at most this many motifs per element (default: %(default)s)",
    )
    parser.add_argument(
        "--discover-k",
        type=int,
        default=DiscoveryConfig().k,
        help="discovered-motif scan: word length, 4-10 (default: %(default)s)",
    )
    parser.add_argument(
        "--discover-refine",
        type=int,
        default=DiscoveryConfig().refine,
        help="discovered-motif scan: passes rebuilding each matrix from its own scan hits",
    )
    parser.add_argument(
        "--discover-em",
        type=int,
        default=DiscoveryConfig().em_iterations,
        help="discovered-motif scan: expectation-maximisation steps fitting each matrix "
        "(default: %(default)s)",
    )
    parser.add_argument(
        "--discover-by-cell-line",
        action="store_true",
        help="discovered-motif scan: motifs found in each cell line's regions apart, joined "
        "without merging across cell lines",
    )
    parser.add_argument(
        "--discover-merge",
        type=float,
        default=DiscoveryConfig().merge_similarity,
        metavar="R",
        help="discovered-motif scan: leave out a motif whose matrix matches an earlier one at "
        "mean column r >= R (0: keep all; default: %(default)s)",
    )
    parser.add_argument(
        "--discover-from-pairs",
        type=int,
        metavar="N",
        help="discovered-motif scan: search the training cell lines' regions of the same "
        "simulation drawn at N pairs a cell line (a superset of the regions; keyed "
        "randomness), the readers still fitted and scored on the usual pairs",
    )
    parser.add_argument(
        "--discover-contrast",
        action="store_true",
        help="discovered-motif scan: the pooled search's motifs plus, per cell line, the "
        "words of its enhancer windows over-represented against the other cell lines'",
    )
    parser.add_argument(
        "--scan-thresholds",
        type=fractions_list,
        default=(SCAN_THRESHOLD,),
        metavar="T[,T...]",
        help="the scan readers count a site where the log-odds reaches this share of the "
        "matrix's best; several give one row each, named 'at T' (default: %(default)s)",
    )
    parser.add_argument(
        "--occupancy-rates",
        type=fractions_list,
        default=(),
        metavar="R[,R...]",
        help="also the occupancy readers (known and discovered motifs): each position's "
        "posterior of being a site at prior site rate R, summed (default: none)",
    )
    parser.add_argument(
        "--occupancy-backgrounds",
        type=background_orders,
        default=(None,),
        metavar="B[,B...]",
        help="the occupancy readers' likelihood ratio against 'uniform' bases or an order-k "
        "Markov chain (k = 0-6) fitted, without labels, on the training cell lines' enhancer "
        "and promoter windows apart; several give one row each (default: uniform)",
    )
    parser.add_argument(
        "--occupancy-em",
        type=int,
        default=0,
        metavar="STEPS",
        help="also each occupancy reader with one prior site rate per motif and role, fitted "
        "by STEPS expectation-maximisation steps from the given rate on the training "
        "windows (no labels; default: 0, none)",
    )
    parser.add_argument(
        "--discover-in-all",
        action="store_true",
        help="also the discovered-motif scan with motifs found in every cell line's regions, "
        "the held-out one's included (labels are never used)",
    )
    args = parser.parse_args(argv)
    if not args.data_dir.is_dir():
        print(f"shared data folder not found: {args.data_dir} (give --data-dir)", file=sys.stderr)
        return 2
    torch.manual_seed(args.seed)
    profile = PROFILES["full"]
    sizes = {"pairs_per_cell_line": args.pairs_per_cell_line,
             "train_pairs_per_cell_line": args.train_pairs_per_cell_line}  # fmt: skip
    profile = dataclasses.replace(profile, **{k: v for k, v in sizes.items() if v is not None})
    started = time.perf_counter()
    result = simulate_like_the_benchmark(profile, args.data_dir, args.workdir, args.seed)
    table = numbered_rows(result)
    train, val, test = held_out_split(table, args.held_out, profile, args.seed)

    encoder = PairEncoder(Genome(result.fasta), profile.enhancer_length, profile.promoter_length)
    encoded = encoder.encode(table)
    log_distance = distance_input(table, not args.without_distance)
    planted = np.log1p(result.site_counts.astype(float))
    planted_e = planted[table["enhancer_region"].to_numpy()]
    planted_p = planted[table["promoter_region"].to_numpy()]
    readers = {
        "planted counts": np.hstack([planted_e, planted_p, log_distance]),
        "planted counts x products": with_products(planted_e, planted_p, log_distance),
    }
    for threshold in args.scan_thresholds:
        scan_e = motif_scan(encoded.enhancer, result.vocabulary, threshold)
        scan_p = motif_scan(encoded.promoter, result.vocabulary, threshold)
        for name, inputs in (("known-motif scan", np.hstack([scan_e, scan_p, log_distance])),
                             ("known-motif scan x products",
                              with_products(scan_e, scan_p, log_distance))):  # fmt: skip
            readers[scan_name(name, args.scan_thresholds, threshold)] = inputs
    chains = {order: window_chains(encoded, table, train, order)
              for order in args.occupancy_backgrounds}  # fmt: skip
    fit_on = (encoded, table, train)
    readers.update(occupancy_readers("known-motif occupancy", result.vocabulary, args, chains,
                                     encoded, log_distance, fit_on))  # fmt: skip
    readers.update(discovered_readers(encoder, encoded, table, args, log_distance, profile,
                                      chains, fit_on))  # fmt: skip
    readers["5-mer counts"] = np.hstack(
        [kmer_counts(encoded.enhancer), kmer_counts(encoded.promoter), log_distance]
    )
    rows = []
    for name, features in readers.items():
        scores = fit_and_score(features, table["label"].to_numpy(), train, val, test)
        rows.append({"reader": name, **scores})
    oracle = table["oracle_probability"].to_numpy(float)
    rows.append({"reader": "oracle (true probabilities)",
                 **{f"{part}_{m}": f(table["label"].to_numpy()[s["row_id"]], oracle[s["row_id"]])
                    for part, s in (("val", val), ("test", test))
                    for m, f in (("aupr", aupr), ("auroc", auroc))}})  # fmt: skip
    report(rows, args, train, val, test, time.perf_counter() - started)
    return 0


def simulate_like_the_benchmark(profile, data_dir: Path, workdir: Path, seed: int):
    """The sequence track's simulation (``kipoi_prism.benchmark.sequence_track``)."""
    tables = [data_dir / "targetfinder" / "pairs" / f"{c}.pairs.csv" for c in profile.cell_lines]
    config = SimulationConfig(
        seed=seed, max_pairs_per_cell_line=profile.pairs_per_cell_line,
        enhancer_length=profile.enhancer_length, promoter_length=profile.promoter_length,
        enhancer_motif_span=min(1000, profile.enhancer_length),
        promoter_motif_span=min(1000, profile.promoter_length),
    )  # fmt: skip
    return simulate(
        tables,
        data_dir / "motifs" / "jaspar2024_core_vertebrates.meme",
        data_dir / "human-sequence" / "human_200bp_regions.fa",
        workdir / f"sim-seed{seed}-{profile.pairs_per_cell_line}",
        config,
        progress=False,
    )


class HeldOutSetup(NamedTuple):
    """One held-out evaluation of the diagnostics: the simulation, its numbered pair table,
    the split and every pair's encoded windows."""

    result: object
    table: pd.DataFrame
    train: pd.DataFrame
    val: pd.DataFrame
    test: pd.DataFrame
    encoder: PairEncoder
    encoded: object


def held_out_parser(doc: str, workdir: str) -> argparse.ArgumentParser:
    """The diagnostics' shared arguments: ``--held-out``, ``--seed`` (default 1),
    ``--data-dir`` and ``--workdir``."""
    parser = argparse.ArgumentParser(description=doc.split("\n\n")[0])
    parser.add_argument("--held-out", required=True)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--data-dir", type=Path, default=DATA)
    parser.add_argument("--workdir", type=Path, default=Path(workdir))
    return parser


def data_missing(data_dir: Path) -> bool:
    """Says so (on stderr) when the shared data folder is not there."""
    if data_dir.is_dir():
        return False
    print(f"shared data folder not found: {data_dir} (give --data-dir)", file=sys.stderr)
    return True


def held_out_setup(data_dir: Path, workdir: Path, held_out: str, seed: int) -> HeldOutSetup:
    """The ``--full`` profile's simulation at ``seed`` with ``held_out`` held out, as
    ``benchmarks/motif_recovery.py`` and ``benchmarks/discovery_misses.py`` read it."""
    profile = PROFILES["full"]
    result = simulate_like_the_benchmark(profile, data_dir, workdir, seed)
    table = numbered_rows(result)
    train, val, test = held_out_split(table, held_out, profile, seed)
    encoder = PairEncoder(Genome(result.fasta), profile.enhancer_length, profile.promoter_length)
    return HeldOutSetup(result, table, train, val, test, encoder, encoder.encode(table))


def numbered_rows(result) -> pd.DataFrame:
    """The simulation's pair table with ``row_id`` = its row number (the readers' index)."""
    table = result.table.reset_index(drop=True)
    table["row_id"] = np.arange(len(table))
    return table


def held_out_split(table: pd.DataFrame, held_out: str, profile, seed: int):
    """``(train, val, test)`` as the ``--full`` profile makes them: the held-out cell
    line's pairs are the test; the others, subsampled per cell line, are split by the
    enhancer's original chromosome."""
    test = table[table["cell_line"] == held_out]
    rest = stratified_subsample(
        table[table["cell_line"] != held_out], profile.train_pairs_per_cell_line, seed
    )
    train, val = chromosome_split(rest, profile.val_chromosomes, "original_enhancer_chrom")
    return train, val, test


def distance_input(table: pd.DataFrame, include: bool) -> np.ndarray:
    """The readers' distance column, ``log10(distance + 1)`` (n, 1), or none (n, 0)."""
    log_distance = np.log10(table["distance"].to_numpy(float) + 1.0)[:, None]
    return log_distance if include else log_distance[:, :0]


def fractions_list(text: str) -> tuple[float, ...]:
    """``--scan-thresholds``, ``--occupancy-rates``: comma-separated numbers in (0, 1)."""
    try:
        values = tuple(float(part) for part in text.split(","))
    except ValueError:
        raise argparse.ArgumentTypeError(f"not numbers: {text!r}") from None
    if not all(0 < value < 1 for value in values):
        raise argparse.ArgumentTypeError(f"each value must lie in (0, 1): {text!r}")
    return values


def background_orders(text: str) -> tuple[int | None, ...]:
    """``--occupancy-backgrounds``: comma-separated ``uniform`` (None) or Markov orders, up
    to the model's ``site_background`` limit."""
    orders = []
    for part in text.split(","):
        if part == "uniform":
            orders.append(None)
        elif part.isdigit() and int(part) <= MAX_BACKGROUND_ORDER:
            orders.append(int(part))
        else:
            raise argparse.ArgumentTypeError(
                f"not 'uniform' or an order 0-{MAX_BACKGROUND_ORDER}: {part!r}"
            )
    return tuple(orders)


def occupancy_name(name: str, rate: float, order: int | None) -> str:
    """An occupancy reader's row name: as in round 32 against uniform bases, else with the
    background's order."""
    return f"{name} at {rate:g}" + ("" if order is None else f", order-{order} background")


def scan_name(name: str, thresholds: tuple[float, ...], threshold: float) -> str:
    """A scan reader's row name: as it always was at the default threshold alone, else with
    ``at T``."""
    return name if thresholds == (SCAN_THRESHOLD,) else f"{name} at {threshold:g}"


def kmer_counts(one_hot: np.ndarray, k: int = 5) -> np.ndarray:
    """Counts of every k-mer (4^k columns) per window; windows with N skip those k-mers."""
    codes = one_hot.argmax(axis=1).astype(np.int64)
    valid = one_hot.sum(axis=1) > 0
    index = np.zeros((codes.shape[0], codes.shape[1] - k + 1), np.int64)
    ok = np.ones_like(index, dtype=bool)
    for j in range(k):
        index = index * 4 + codes[:, j : codes.shape[1] - k + 1 + j]
        ok &= valid[:, j : codes.shape[1] - k + 1 + j]
    flat = (np.arange(codes.shape[0])[:, None] * 4**k + index)[ok]
    counts = np.bincount(flat, minlength=codes.shape[0] * 4**k).reshape(codes.shape[0], 4**k)
    return np.log1p(counts.astype(np.float64))


def discovered_readers(encoder, encoded, table, args, log_distance, profile, chains,
                       fit_on) -> dict[str, np.ndarray]:  # fmt: skip
    """``discovered-motif scan`` inputs: motifs found without labels in the windows of the
    training cell lines' regions (and of every cell line's with ``--discover-in-all``; of
    a larger draw of the same simulation with ``--discover-from-pairs``)."""
    search_table, search_encoder = table, encoder
    if args.discover_from_pairs:
        search_table, search_encoder = larger_draw(table, args, profile)
    sources = {"training cell lines": search_table["cell_line"] != args.held_out}
    if args.discover_in_all:
        sources["all cell lines"] = np.ones(len(search_table), bool)
    config = DiscoveryConfig(k=args.discover_k, n_motifs=args.discover_n_motifs,
                             refine=args.discover_refine,
                             em_iterations=args.discover_em,
                             merge_similarity=args.discover_merge)  # fmt: skip
    readers = {}
    for source, rows in sources.items():
        if args.discover_contrast:
            motifs = discover_by_contrast(search_table[rows], search_encoder, config)
        else:
            motifs = discover_in_pairs(search_table[rows], search_encoder, config,
                                       args.discover_by_cell_line)  # fmt: skip
        print(f"discovered in {source}' regions: {len(motifs)} motifs: "
              + ", ".join(m.name for m in motifs))  # fmt: skip
        for threshold in args.scan_thresholds:
            name = scan_name(f"discovered-motif scan ({source})", args.scan_thresholds, threshold)
            readers[name] = scan_inputs(encoded, motifs, log_distance, threshold)
        readers.update(occupancy_readers(f"discovered-motif occupancy ({source})", motifs,
                                         args, chains, encoded, log_distance, fit_on))  # fmt: skip
    return readers


def occupancy_readers(name: str, motifs, args, chains, encoded, extra,
                      fit_on) -> dict[str, np.ndarray]:  # fmt: skip
    """The occupancy readers' inputs at each ``--occupancy-rates`` rate and background, and
    with ``--occupancy-em``, the same with each motif's rate fitted on the training windows
    (``fit_on``: the encoded windows, the pair table and the training pairs)."""
    readers = {}
    for rate in args.occupancy_rates:
        for order, chain in chains.items():
            row = occupancy_name(name, rate, order)
            readers[row] = scan_inputs(encoded, motifs, extra, occupancy_rate=rate, chains=chain)
            if args.occupancy_em:
                rates = {role: em_rates(training_windows(*fit_on, role, EM_WINDOWS), motifs, rate,
                                        None if chain is None else chain[role], args.occupancy_em)
                         for role in ROLES}  # fmt: skip
                print(f"{row}: rates by EM, enhancer " + " ".join(f"{r:.1e}" for r in
                      rates["enhancer"]) + "; promoter " + " ".join(f"{r:.1e}" for r in
                      rates["promoter"]))  # fmt: skip
                readers[f"{row}, rates by EM"] = scan_inputs(
                    encoded, motifs, extra, occupancy_rate=rates, chains=chain
                )
    return readers


def larger_draw(table: pd.DataFrame, args, profile):
    """The same simulation (seed, motifs, grammar) at ``--discover-from-pairs`` pairs a cell
    line, and an encoder over its genome; says how many of ``table``'s pairs it holds."""
    larger = dataclasses.replace(profile, pairs_per_cell_line=args.discover_from_pairs)
    result = simulate_like_the_benchmark(larger, args.data_dir, args.workdir, args.seed)
    key = ["cell_line", "name"]
    held = table.merge(result.table[key], on=key, how="inner")
    print(
        f"discovery on the draw of {args.discover_from_pairs} pairs a cell line: "
        f"{len(result.table)} pairs, holding {len(held)} of the {len(table)} scored"
    )
    encoder = PairEncoder(Genome(result.fasta), profile.enhancer_length, profile.promoter_length)
    return result.table.reset_index(drop=True), encoder


def scan_inputs(encoded, motifs, extra: np.ndarray, threshold: float = SCAN_THRESHOLD,
                occupancy_rate=None, chains=None) -> np.ndarray:  # fmt: skip
    """A scan reader's inputs: :func:`motif_scan` of the enhancer and promoter windows with
    ``motifs`` at ``threshold`` (or, given ``occupancy_rate``, :func:`motif_occupancy` at
    that rate, or at each role's rates of a dict, against each role's chain of ``chains``
    where given), then ``extra`` (the distance column)."""
    scans = []
    for role in ROLES:
        if occupancy_rate is None:
            scans.append(motif_scan(getattr(encoded, role), motifs, threshold))
            continue
        rate = occupancy_rate[role] if isinstance(occupancy_rate, dict) else occupancy_rate
        chain = None if chains is None else chains[role]
        scans.append(motif_occupancy(getattr(encoded, role), motifs, rate, chain))
    return np.hstack([*scans, extra])


def with_products(enhancer: np.ndarray, promoter: np.ndarray, extra: np.ndarray) -> np.ndarray:
    products = (enhancer[:, :, None] * promoter[:, None, :]).reshape(len(enhancer), -1)
    return np.hstack([enhancer, promoter, products, extra])


READER_C = READ_C  # the reader's shrinkage grid: the one model.element_read chooses from


def fit_and_score(features, labels, train, val, test, grid=READER_C) -> dict[str, float]:
    """L2 logistic regression (balanced classes, C chosen from ``grid`` on validation AUPR;
    the fit of ``model.element_read``, :func:`kipoi_prism.training.element_read.shrunk_read`)
    scored on val and test."""
    rows = {part: frame["row_id"].to_numpy() for part, frame in
            (("train", train), ("val", val), ("test", test))}  # fmt: skip
    read = shrunk_read(features[rows["train"]], labels[rows["train"]], features[rows["val"]],
                       labels[rows["val"]], grid)  # fmt: skip
    out = {"C": read.c}
    for part in ("val", "test"):
        scores = features[rows[part]] @ read.weight + read.bias
        out[f"{part}_aupr"] = aupr(labels[rows[part]], scores)
        out[f"{part}_auroc"] = auroc(labels[rows[part]], scores)
    return out


def report(rows, args, train, val, test, seconds: float) -> None:
    frame = pd.DataFrame(rows)
    command = "python benchmarks/sequence_learnability.py " + " ".join(
        shlex.quote(a) for a in sys.argv[1:]
    )
    print(f"command: {command}")
    print(f"machine: {platform.machine()}, {os.cpu_count()} CPU cores; wall time {seconds:.0f} s")
    print(f"held out {args.held_out}, seed {args.seed}: train {len(train)} pairs "
          f"({int(train['label'].sum())} positive), validation {len(val)} "
          f"(prevalence {val['label'].mean():.3f}), test {len(test)} "
          f"(prevalence {test['label'].mean():.3f})\n")  # fmt: skip
    columns = ["reader", "val_aupr", "val_auroc", "test_aupr", "test_auroc", "C"]
    frame = frame.reindex(columns=columns)
    print("| " + " | ".join(columns) + " |")
    print("|" + "---|" * len(columns))
    for _, row in frame.iterrows():
        cells = [row["reader"]] + [
            "–" if pd.isna(v) else (f"{v:g}" if k == "C" else f"{v:.3f}")
            for k, v in row.items()
            if k != "reader"
        ]
        print("| " + " | ".join(str(c) for c in cells) + " |")


if __name__ == "__main__":
    sys.exit(main())
