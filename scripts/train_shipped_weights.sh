#!/usr/bin/env bash
# Reproduces the weights shipped in kipoi_prism/weights/prism-energy.pt:
#   1. simulate the six TargetFinder cell lines (real pair graph, simulated sequence;
#      every planted motif lies within the central 1 kb of its region),
#   2. split by the pairs' original chromosome (validation: chr1-chr3, as the benchmark),
#   3. train prism-energy on 1,000 + 1,000 bp windows (they hold all the simulated signal
#      and cost 2.5 times less than the 3,000 + 2,000 bp default on a CPU) with the
#      recommended configuration (kipoi_prism/data/recommended.yaml, what `kipoi-prism
#      train` uses without --config): the count encoder, each filter's sites counted on
#      both strands, each position adding its posterior of being a site
#      (model.count_form: occupancy), with a rank-16 bilinear term, the task loss (IMMAX)
#      alone, no auxiliary loss, no curriculum, and U_I read from the element encodings
#      by a shrunk linear read fitted when training ends (model.element_read); it beat the residual encoder on
#      all six held-out cell lines of the benchmark (docs/BENCHMARK.md, "The count
#      encoder", "Sites on both strands", "The element read fitted after training",
#      "What the motif search misses, and sites counted by their posterior").
#      The first convolution starts from the simulation's motif vocabulary
#      (its JASPAR matrices, both strands, 56 filters) and stays frozen: without it the
#      first layer does not find the motifs at this data size,
#   4. copy the exported weights into the package.
# Usage: scripts/train_shipped_weights.sh [RUN_DIR] [PAIRS_PER_CELL_LINE] [MAX_EPOCHS]
set -euo pipefail
cd "$(dirname "$0")/.."
run=${1:-runs/shipped}
per_cell=${2:-2500}
epochs=${3:-12}
window_e=${WINDOW_ENHANCER:-1000}
window_p=${WINDOW_PROMOTER:-1000}
data=../shared/data
kp=.venv/bin/kipoi-prism
mkdir -p "$run"
$kp simulate --pairs "$data"/targetfinder/pairs/*.pairs.csv \
  --motifs "$data/motifs/jaspar2024_core_vertebrates.meme" \
  --background "$data/human-sequence/human_200bp_regions.fa" \
  --max-pairs-per-cell-line "$per_cell" --seed 0 --out "$run/sim" --no-progress \
  --enhancer-length "$window_e" --promoter-length "$window_p"
# Column 13 is the enhancer's original chromosome (see docs/SIMULATOR.md).
awk -F'\t' -v OFS='\t' '/^#/ {print > t; print > v; next}
  $13 == "chr1" || $13 == "chr2" || $13 == "chr3" {print > v; next} {print > t}' \
  t="$run/sim/train.bedpe" v="$run/sim/val.bedpe" "$run/sim/pairs.bedpe"
# The simulation's motif vocabulary (matrix IDs), for the first convolution.
vocabulary=$(.venv/bin/python -c 'import json, sys
print(",".join(m["id"] for m in json.load(open(sys.argv[1]))["vocabulary"]))' "$run/sim/truth.json")
stem_channels=$((2 * $(tr ',' '\n' <<<"$vocabulary" | wc -l)))  # both strands of each motif
$kp train --config kipoi_prism/data/recommended.yaml --out "$run/train" \
  --set train.stem_motifs="$data/motifs/jaspar2024_core_vertebrates.meme" \
  --set train.stem_motif_ids="[$vocabulary]" --set train.freeze_stem=true \
  --set model.channels="$stem_channels" \
  --set data.pairs="$run/sim/train.bedpe" --set data.val_pairs="$run/sim/val.bedpe" \
  --set data.genome="$run/sim/genome.fa" --set data.split.val=[] \
  --set model.enhancer_length="$window_e" --set model.promoter_length="$window_p" \
  --set train.max_epochs="$epochs" --set trainer.progress_bar=false \
  --set trainer.threads="${THREADS:-0}"
# Record where the weights came from inside the file (kipoi-prism --version shows its hash).
.venv/bin/python - "$run/train/weights.pt" kipoi_prism/weights/prism-energy.pt "$per_cell" <<'PY'
import sys
from kipoi_prism.model.weights import load_weights, save_weights
source, target, per_cell = sys.argv[1], sys.argv[2], int(sys.argv[3])
bundle = load_weights(source)
bundle.metadata["data"] = (
    "kipoi-prism simulate on the six TargetFinder pair tables (real pair graph, simulated "
    f"sequence and labels), {per_cell} pairs per cell line, seed 0; validation: pairs whose "
    "enhancer lies on original chr1-chr3; the recommended configuration "
    "(kipoi_prism/data/recommended.yaml: count encoder with sites counted on both strands, "
    "each position adding its posterior of being a site, rank-16 bilinear term, task loss "
    "only (IMMAX), no auxiliary loss, no curriculum, U_I from the element read fitted after "
    "training; docs/BENCHMARK.md); first convolution: "
    "the simulation's 28 JASPAR motifs on both strands, frozen; recipe: "
    "scripts/train_shipped_weights.sh"
)
save_weights(target, bundle.model, bundle.prototypes, bundle.threshold, bundle.metadata)
PY
echo "shipped: kipoi_prism/weights/prism-energy.pt (from $run/train)"
