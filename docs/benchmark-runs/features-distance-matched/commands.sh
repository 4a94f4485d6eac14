#!/bin/bash
# Round 12 of the feature track (issue 18, goal 1): the distance-matched AUPR. Each run
# folder's run.json has its command, commit and wall time; 2 CPU cores shared with two
# sequence-track runs (nice 10 for all).
# Clone: git clone /work/main /tmp/s20/fclone (commit 8072dda, which adds the
# aupr_distance_matched column to every feature-track evaluation), then
cd /tmp/s20/fclone
export PYTHONPATH=/tmp/s20/fclone
PY="/work/main/.venv/bin/python -m kipoi_prism.cli.main"

# ---- /tmp/s20/qf.sh GM12878 NHEK, then /tmp/s20/qf.sh K562 HUVEC HeLa-S3 IMR90 (dmatch-<cell>)
# H: the network's loss to gradient boosting on held-out GM12878 (0.333 against 0.506, seed 0)
# comes from how the two read distance on a table whose negatives lie near their promoters
# (median 59 kb against 217 kb for positives; distance alone AUROC 0.12): at equal distance
# (negatives reweighted to the positives' distance deciles) the network is within gradient
# boosting's interval. Refuted if gradient boosting stays ahead outside both intervals.
# NHEK (the other loss at seed 0) first as a control, then the four other cell lines so that
# goal 1's count of wins can be read at matched distance too. The same seed-0 fits as
# ../features-equal-data (same command but the baselines; the AUPR columns repeat exactly).
for cell in GM12878 NHEK K562 HUVEC HeLa-S3 IMR90; do
  nice -n 10 $PY benchmark --full --tracks features --seeds 0 --no-bengi --threads 1 \
      --data-dir /work/shared/data --feature-rows full --feature-baselines gbm,abc,distance \
      --held-out $cell --out /tmp/s20/runs/dmatch-$cell
done

# ---- /tmp/s20/qg.sh (after the queue above): GM12878 at seeds 1 and 2 (dmatch-seed<S>-GM12878)
# H: the seed-0 reading on GM12878 (gradient boosting ahead at matched distance, barely
# outside the intervals) holds at the other seeds; the network's seed spread there is the
# largest of the six (0.333, 0.303, 0.237 plain).
for seed in 1 2; do
  nice -n 10 $PY benchmark --full --tracks features --seeds $seed --no-bengi --threads 1 \
      --data-dir /work/shared/data --feature-rows full --feature-baselines gbm,abc,distance \
      --held-out GM12878 --out /tmp/s20/runs/dmatch-seed$seed-GM12878
done

# The six seed-0 runs as one table (docs/BENCHMARK.md quotes its results.md):
cd /work/main
D=docs/benchmark-runs/features-distance-matched
kipoi-prism --quiet benchmark --merge $D/dmatch-GM12878 $D/dmatch-HUVEC $D/dmatch-HeLa-S3 \
    $D/dmatch-IMR90 $D/dmatch-K562 $D/dmatch-NHEK --out $D/merged
