"""Which of the simulation's true motifs does label-free discovery recover, and what is each
part of the gap to the known-motif reader worth? (docs/BENCHMARK.md, "Motifs found per cell
line", diagnostics D1 and D2.)

On the sequence track's simulation (``--full`` profile, one held-out cell line and seed)
this script discovers motifs in the training cell lines' regions
(:func:`kipoi_prism.training.motif_discovery.discover_in_pairs`; pooled, or each cell line
apart with ``--by-cell-line``), prints each true motif's best match among them (mean column
Pearson r over the best strand and shift, at least 6 columns overlapping), and fits the
learnability reader (``benchmarks/sequence_learnability.py``: L2 logistic regression, C on
validation AUPR) on scans with

* ``known all``: every true matrix;
* ``known recovered``: the true matrices matched at r >= 0.8;
* ``known per discovered``: for each discovered motif, its best-matching true matrix (each
  once): the factors discovery finds, with their true shapes;
* ``discovered``: the discovered matrices.

Usage (beside ../shared)::

    python benchmarks/motif_recovery.py --held-out K562 --seed 1 [--by-cell-line]
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
    scan_inputs,
)

from kipoi_prism.training.motif_discovery import discover_in_pairs  # noqa: E402
from kipoi_prism.training.motif_similarity import matrix_similarity  # noqa: E402

RECOVERED = 0.8  # a true motif counts as recovered at this best column r


def main(argv: list[str] | None = None) -> int:
    parser = held_out_parser(__doc__, "runs/motif-recovery")
    parser.add_argument("--by-cell-line", action="store_true")
    args = parser.parse_args(argv)
    if data_missing(args.data_dir):
        return 2
    started = time.perf_counter()
    setup = held_out_setup(args.data_dir, args.workdir, args.held_out, args.seed)
    result, table, encoded = setup.result, setup.table, setup.encoded
    train, val, test = setup.train, setup.val, setup.test
    log_distance = distance_input(table, True)
    found = discover_in_pairs(table[table["cell_line"] != args.held_out], setup.encoder,
                              by_cell_line=args.by_cell_line)  # fmt: skip
    similarity = np.array([[matrix_similarity(true.probabilities, motif.probabilities)
                            for motif in found] for true in result.vocabulary])  # fmt: skip
    print(f"command: python {' '.join(sys.argv)}")
    print(f"held out {args.held_out}, seed {args.seed}: {len(found)} motifs discovered "
          f"({'each cell line apart' if args.by_cell_line else 'pooled'})\n")  # fmt: skip
    print("| true motif | factor | best r | best discovered |\n|---|---|---|---|")
    for true, row in zip(result.vocabulary, similarity, strict=True):
        match = found[int(row.argmax())]
        print(f"| {true.id} | {true.name} | {row.max():.2f} | {match.id} {match.name} |")
    per_found = list(dict.fromkeys(int(column.argmax()) for column in similarity.T))
    scans = {
        "known all": result.vocabulary,
        "known recovered": [
            m for m, r in zip(result.vocabulary, similarity.max(1), strict=True) if r >= RECOVERED
        ],  # fmt: skip
        "known per discovered": [result.vocabulary[i] for i in per_found],
        "discovered": found,
    }
    labels = table["label"].to_numpy()
    print("\n| reader | motifs | val_aupr | test_aupr |\n|---|---|---|---|")
    for name, motifs in scans.items():
        scores = fit_and_score(scan_inputs(encoded, motifs, log_distance), labels, train, val, test)
        print(f"| {name} | {len(motifs)} | {scores['val_aupr']:.3f} | {scores['test_aupr']:.3f} |")
    print(f"\nwall time {time.perf_counter() - started:.0f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
