"""Which planted factors does the discovered-motif scan miss, and what would finding each be
worth? (docs/BENCHMARK.md, "What the motif search misses", diagnostic D3.)

On the sequence track's simulation (``--full`` profile, one held-out cell line and seed)
this script discovers motifs in the training cell lines' regions without labels
(:func:`kipoi_prism.training.motif_discovery.discover_in_pairs`, as ``--stem-motifs
discovered`` does), scans every window with them, and asks of each of the simulation's
factors (its vocabulary: the motifs planted, whose site counts the labels were drawn from):

* ``R2 disc`` / ``R2 true``: how much of the factor's planted site count per window,
  ``log(1 + n)``, a least-squares fit on all the discovered scans (or on all the true
  matrices' scans) explains, over the training cell lines' distinct enhancer and promoter
  windows: near 1 the search has the factor, near 0 it is lost;
* ``+planted`` / ``+true scan``: the change in the learnability reader's held-out test AUPR
  (``benchmarks/sequence_learnability.py``: L2 logistic regression, C on validation AUPR)
  when the factor's planted counts (or its true matrix's scan), enhancer and promoter, are
  added to the discovered scans: what finding that factor would be worth;
* its shape (the consensus with lower case for 0.5-1 bit columns and ``n`` below 0.5 bit,
  so a gapped factor reads ``TTCnnnGAA``), how many cell lines use it (``shared``: a
  promoter factor every cell line uses), whether the held-out one does, and its
  compatibility weight (``sum |W|`` over its row and column).

Last, the reader on the discovered scans plus every factor whose ``R2 disc`` is below 0.5
(their true scans): what a search that found all the missed factors would reach.

Usage (beside ../shared)::

    python benchmarks/discovery_misses.py --held-out K562 --seed 1
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from sequence_learnability import (  # noqa: E402
    data_missing,
    distance_input,
    fit_and_score,
    held_out_parser,
    held_out_setup,
)
from site_counts import motif_scan  # noqa: E402

from kipoi_prism.training.motif_discovery import discover_in_pairs  # noqa: E402

MISSED = 0.5  # a factor counts as missed when the discovered scans explain less of it


def main(argv: list[str] | None = None) -> int:
    parser = held_out_parser(__doc__, "runs/discovery-misses")
    args = parser.parse_args(argv)
    if data_missing(args.data_dir):
        return 2
    started = time.perf_counter()
    setup = held_out_setup(args.data_dir, args.workdir, args.held_out, args.seed)
    result, table, encoded = setup.result, setup.table, setup.encoded
    found = discover_in_pairs(table[table["cell_line"] != args.held_out], setup.encoder)
    scans = {
        name: {e: motif_scan(getattr(encoded, e), motifs) for e in ("enhancer", "promoter")}
        for name, motifs in (("disc", found), ("true", result.vocabulary))
    }
    planted = np.log1p(result.site_counts.astype(float))
    regions = {e: table[f"{e}_region"].to_numpy() for e in ("enhancer", "promoter")}
    windows = training_windows(table, regions, args.held_out)
    labels = table["label"].to_numpy()
    log_distance = distance_input(table, True)

    def reader(*extra_columns: np.ndarray) -> float:
        base = [scans["disc"]["enhancer"], scans["disc"]["promoter"], log_distance]
        inputs = np.hstack([*base, *extra_columns])
        return fit_and_score(inputs, labels, setup.train, setup.val, setup.test)["test_aupr"]

    base = reader()
    truth = result.truth_data
    users = {cell: set(data["factor_motif_ids"]) for cell, data in truth["cell_lines"].items()}
    shared = set(truth["shared_promoter_factors"])
    weights = np.abs(np.asarray(truth["compatibility_matrix"], float))
    print(f"command: python {' '.join(sys.argv)}")
    print(f"held out {args.held_out}, seed {args.seed}: {len(found)} motifs discovered; "
          f"the reader on their scans: test AUPR {base:.3f}\n")  # fmt: skip
    print("| factor | shape | cell lines | held-out uses | weight | R2 disc | R2 true "
          "| +planted | +true scan |\n|---|---|---|---|---|---|---|---|---|")  # fmt: skip
    missed = []
    for k, motif in enumerate(result.vocabulary):
        explained = {name: explained_share(scans[name], planted, regions, windows, k)
                     for name in ("disc", "true")}  # fmt: skip
        if explained["disc"] < MISSED:
            missed.append(k)
        own = [planted[regions[e], k][:, None] for e in ("enhancer", "promoter")]
        true_scan = [scans["true"][e][:, [k]] for e in ("enhancer", "promoter")]
        is_shared = truth["vocabulary"][k]["query"] in shared
        n_users = "shared" if is_shared else sum(motif.id in ids for ids in users.values())
        print(f"| {motif.name} | {shape(motif.probabilities)} | {n_users} | "
              f"{'yes' if is_shared or motif.id in users[args.held_out] else 'no'} | "
              f"{weights[k].sum() + weights[:, k].sum():.1f} | {explained['disc']:.2f} | "
              f"{explained['true']:.2f} | {reader(*own) - base:+.3f} | "
              f"{reader(*true_scan) - base:+.3f} |")  # fmt: skip
    every_true = reader(*[scans["true"][e][:, missed] for e in ("enhancer", "promoter")])
    print(
        f"\n{len(missed)} factors missed (R2 disc < {MISSED}); the reader on the discovered "
        f"scans plus their true scans: {every_true:.3f} ({every_true - base:+.3f})"
    )
    print(f"\nwall time {time.perf_counter() - started:.0f} s")
    return 0


def training_windows(table, regions, held_out: str) -> dict[str, np.ndarray]:
    """Per element, the rows of the training cell lines' first pair for each distinct region
    (each window counted once)."""
    training = (table["cell_line"] != held_out).to_numpy()
    out = {}
    for element, region in regions.items():
        _, first = np.unique(region[training], return_index=True)
        out[element] = np.flatnonzero(training)[first]
    return out


def explained_share(scan, planted, regions, windows, k: int) -> float:
    """R^2 of factor ``k``'s planted ``log(1 + n)`` from a least-squares fit on ``scan``'s
    columns (and an intercept) over the training windows, enhancer and promoter together."""
    inputs = np.vstack([scan[e][windows[e]] for e in ("enhancer", "promoter")])
    target = np.concatenate([planted[regions[e][windows[e]], k] for e in ("enhancer", "promoter")])
    if target.var() == 0:
        return float("nan")
    design = np.hstack([inputs, np.ones((len(inputs), 1))])
    coefficients, *_ = np.linalg.lstsq(design, target, rcond=None)
    residual = target - design @ coefficients
    return float(1.0 - residual.var() / target.var())


def shape(probabilities: np.ndarray) -> str:
    """The consensus: upper case at >= 1 bit, lower case at 0.5-1 bit, ``n`` below."""
    p = np.clip(probabilities, 1e-9, 1.0)
    bits = 2.0 + (p * np.log2(p)).sum(axis=1)
    letters = np.array(list("ACGT"))[p.argmax(axis=1)]
    return "".join(
        letter if b >= 1 else (letter.lower() if b >= 0.5 else "n")
        for letter, b in zip(letters, bits, strict=True)
    )


if __name__ == "__main__":
    raise SystemExit(main())
