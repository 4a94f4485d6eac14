#!/usr/bin/env bash
# Reproduces kipoi_prism/weights/prism-energy-chromatin.pt, the chromatin model:
#   1. the benchmark's transfer run: prism-energy on the feature backbone (an MLP per element
#      over the 24 TargetFinder marks + distance; energy head, environment stream, support
#      sets as designed) trained with the full objective (auxiliary losses and curriculum:
#      the feature track's best at equal data, docs/BENCHMARK.md) on every pair of the six
#      TargetFinder cell lines (validation: pairs whose enhancer lies on chr1-chr3), the
#      marks as ranks within each cell line (--normalise rank: any monotone change of a
#      track's scale gives the same scores), scored on the seven BENGI tables against tuned
#      gradient boosting, ABC-style and distance (results in RUN_DIR/results.md);
#   2. the full row's weights copied into the package with what they were trained on.
# Usage: scripts/train_chromatin_weights.sh [RUN_DIR]   (about 50 minutes on 2 cores, most of
# it gradient boosting's tuning; the network alone about 5 minutes)
set -euo pipefail
cd "$(dirname "$0")/.."
run=${1:-runs/chromatin}
data=../shared/data
.venv/bin/kipoi-prism benchmark --full --tracks features --transfer-only --seeds 0 \
  --threads "${THREADS:-1}" --data-dir "$data" --normalise rank \
  --feature-rows full,task_only --feature-baselines gbm,abc,distance --out "$run"
.venv/bin/python - "$run/runs/bengi-full-seed0/weights.pt" \
  kipoi_prism/weights/prism-energy-chromatin.pt <<'PY'
import sys
from kipoi_prism.model.weights import load_weights, save_weights
source, target = sys.argv[1:]
bundle = load_weights(source)
bundle.metadata["data"] = (
    "the six TargetFinder feature tables (GM12878, HUVEC, HeLa-S3, IMR90, K562, NHEK; real "
    "ENCODE chromatin features and Hi-C-derived labels, as distributed with TransEPI), every "
    "pair; validation: pairs whose enhancer lies on chr1-chr3; marks as ranks within each cell "
    "line; objective: the full objective (IMMAX + auxiliary losses + curriculum); recipe: "
    "scripts/train_chromatin_weights.sh (docs/BENCHMARK.md, 'The chromatin model')"
)
save_weights(target, bundle.model, bundle.prototypes, bundle.threshold, bundle.metadata)
print(f"shipped: {target}")
PY
