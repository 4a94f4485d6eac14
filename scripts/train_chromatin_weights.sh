#!/usr/bin/env bash
# Reproduces the shipped chromatin models (docs/BENCHMARK.md, "The chromatin model" and
# "Trained on BENGI-style candidates"): prism-energy on the feature backbone (an MLP per
# element over the 24 TargetFinder marks + distance; energy head, environment stream, support
# sets as designed) with the full objective (auxiliary losses and curriculum), the marks as
# ranks within each cell line (--normalise rank: any monotone change of a track's scale gives
# the same scores), every training pair (validation: pairs whose enhancer lies on chr1-chr3).
#
#   targetfinder (default) -> kipoi_prism/weights/prism-energy-chromatin.pt: trained on the six
#     TargetFinder cell lines' tables (negatives drawn TargetFinder's way), scored on the
#     seven BENGI tables against tuned gradient boosting, ABC-style and distance; about 50
#     minutes on 2 cores, most of it gradient boosting's tuning (the network about 5).
#   window -> kipoi_prism/weights/prism-energy-chromatin-window.pt: trained on the four BENGI
#     cell lines' tables (GM12878, HeLa, IMR90, NHEK: every candidate within a window of a
#     promoter, as `kipoi-prism pairs` draws them), scored on TargetFinder's K562 and HUVEC
#     tables (cell lines it never saw) against distance alone (gradient boosting there:
#     docs/benchmark-runs/bengi-loo/bengi-all-to-targetfinder); about 7 minutes.
#
# Then the full row's weights are copied into the package with what they were trained on.
# Usage: scripts/train_chromatin_weights.sh [targetfinder|window] [RUN_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
model=${1:-targetfinder}
data=../shared/data
common=(--full --tracks features --transfer-only --seeds 0 --threads "${THREADS:-1}"
        --data-dir "$data" --normalise rank --feature-rows full)
case "$model" in
  targetfinder)
    run=${2:-runs/chromatin}
    target=kipoi_prism/weights/prism-energy-chromatin.pt
    .venv/bin/kipoi-prism benchmark "${common[@]}" --feature-rows full,task_only \
      --feature-baselines gbm,abc,distance --out "$run"
    trained_on="the six TargetFinder feature tables (GM12878, HUVEC, HeLa-S3, IMR90, K562, NHEK; \
real ENCODE chromatin features and Hi-C-derived labels, as distributed with TransEPI), every pair"
    section="'The chromatin model'" ;;
  window)
    run=${2:-runs/chromatin-window}
    target=kipoi_prism/weights/prism-energy-chromatin-window.pt
    tables=$data/targetfinder/features
    .venv/bin/kipoi-prism benchmark "${common[@]}" --feature-source bengi \
      --feature-baselines distance --out "$run" \
      --extra-test "$tables/Whalen.K562.HiC-Whalen.targetfinder_features.tsv.gz" \
                   "$tables/Whalen.HUVEC.HiC-Whalen.targetfinder_features.tsv.gz"
    trained_on="the four BENGI feature tables' cell lines (GM12878, HeLa, IMR90, NHEK; every \
candidate pair within a window of a promoter, real ENCODE chromatin features, labels from \
Hi-C and CTCF or RNAPII ChIA-PET, as distributed with TransEPI; a pair listed once per \
transcript of its promoter counted once), every pair"
    section="'Trained on BENGI-style candidates'" ;;
  *)
    echo "usage: $0 [targetfinder|window] [RUN_DIR]" >&2
    exit 2 ;;
esac
.venv/bin/python - "$run/runs/bengi-full-seed0/weights.pt" "$target" "$trained_on" "$section" <<'PY'
import sys
from kipoi_prism.model.weights import load_weights, save_weights
source, target, trained_on, section = sys.argv[1:]
bundle = load_weights(source)
bundle.metadata["data"] = (
    f"{trained_on}; validation: pairs whose enhancer lies on chr1-chr3; marks as ranks within "
    "each cell line; objective: the full objective (IMMAX + auxiliary losses + curriculum); "
    f"recipe: scripts/train_chromatin_weights.sh (docs/BENCHMARK.md, {section})"
)
save_weights(target, bundle.model, bundle.prototypes, bundle.threshold, bundle.metadata)
print(f"shipped: {target}")
PY
