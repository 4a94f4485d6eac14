"""Distance-matched AUPR of two chromatin-feature fits on the seven BENGI tables (round 13).

python bengi_matched.py WEIGHTS_A WEIGHTS_B: each scores every BENGI feature table as the
benchmark's transfer rows do (marks ranked within the table's cell line, a support set of
32 pairs, seed 0); prints plain and distance-matched AUPR per table for both.
"""

import sys
from pathlib import Path

import pandas as pd

from kipoi_prism.benchmark.feature_track import feature_probabilities, read_table
from kipoi_prism.config import BenchmarkConfig
from kipoi_prism.metrics import aupr, distance_matched_aupr
from kipoi_prism.model.weights import load_weights

config = BenchmarkConfig(normalise="rank")
models = {p: load_weights(p) for p in sys.argv[1:]}
rows = []
for path in sorted(Path("/work/shared/data/bengi/features").glob("BENGI.*.tsv.gz")):
    test = read_table(path, config)
    y, d = test["label"].to_numpy(), test["distance"].to_numpy(float)
    for name, weights in models.items():
        p = feature_probabilities(weights, test, 0)
        rows.append(
            {
                "table": path.name.split(".targetfinder")[0],
                "model": name,
                "aupr": aupr(y, p),
                "matched": distance_matched_aupr(y, p, d),
            }
        )
table = pd.DataFrame(rows).pivot(index="table", columns="model", values=["aupr", "matched"])
print(table.round(4).to_markdown())
print(table.mean().round(4).to_string())
