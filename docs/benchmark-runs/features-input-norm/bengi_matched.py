"""Distance-matched AUPR of chromatin-feature fits on the seven BENGI tables (round 13).

python bengi_matched.py DATA_DIR WEIGHTS...: each weights file scores every BENGI feature
table under DATA_DIR as the benchmark's transfer rows do (the tables read by
``transfer_tables``, marks ranked within each table's cell line; a support set of 32 pairs,
seed 0); prints plain and distance-matched AUPR per table for each.
"""

import sys
from pathlib import Path

import pandas as pd

from kipoi_prism.benchmark.feature_track import feature_probabilities, transfer_tables
from kipoi_prism.config import BenchmarkConfig
from kipoi_prism.metrics import aupr, distance_matched_aupr
from kipoi_prism.model.weights import load_weights

data_dir, *paths = sys.argv[1:]
models = {p: load_weights(p) for p in paths}
rows = []
for name, test in transfer_tables(BenchmarkConfig(normalise="rank"), Path(data_dir)).items():
    y, d = test["label"].to_numpy(), test["distance"].to_numpy(float)
    for path, weights in models.items():
        p = feature_probabilities(weights, test, 0)
        rows.append({"table": name, "model": path, "aupr": aupr(y, p),
                     "matched": distance_matched_aupr(y, p, d)})  # fmt: skip
table = pd.DataFrame(rows).pivot(index="table", columns="model", values=["aupr", "matched"])
print(table.round(4).to_markdown())
print(table.mean().round(4).to_string())
