"""Write example/expect.h5: the predictions ``kipoi test .`` expects (model.yaml ``test``).

Run from the repository root after the shipped weights change::

    python scripts/make_kipoi_expect.py

It scores ``example/pairs.bedpe`` on ``example/genome.fa`` with the packaged weights on the
CPU (:mod:`kipoi_prism.integrations.kipoi.expect`) and prints the largest difference from
``kipoi-prism predict`` on the same pairs.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from kipoi_prism.inference import predict_pairs
from kipoi_prism.integrations.kipoi.expect import expected_blocks, write_expectation

REPO = Path(__file__).resolve().parent.parent
PAIRS, FASTA = REPO / "example" / "pairs.bedpe", REPO / "example" / "genome.fa"
OUT = REPO / "example" / "expect.h5"


def main() -> None:
    blocks = expected_blocks(PAIRS, FASTA)
    write_expectation(OUT, blocks)
    names = np.concatenate([b["metadata"]["name"] for b in blocks])
    probability = np.concatenate([b["preds"]["probability"] for b in blocks])
    ours = predict_pairs(PAIRS, FASTA).set_index("name").loc[names, "probability"]
    difference = float(np.abs(probability - ours.to_numpy()).max())
    print(f"wrote {OUT} ({len(names)} rows, {len(blocks)} blocks); largest difference from "
          f"kipoi-prism predict: {difference:.2e}")  # fmt: skip


if __name__ == "__main__":
    main()
