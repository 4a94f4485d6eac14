# Round 14 (feature track): ensembles of plain and input-normalised networks, paired with
# gradient boosting on the same held-out pairs (benchmarks/feature_ensemble.py; a paired
# bootstrap of 500 resamples gives each difference's 95% interval). Fits: the plain
# full-objective fits at equal data (seed 0: the distance-matched runs of round 12,
# ../features-distance-matched; seed 1: round 12's seeds runs, ../features-seeds-periodic, and
# K562 and HeLa-S3 again below; seed 2 of K562 below) and the input-normalised fits
# (model.feature_input_norm=true: ../features-input-norm, seeds 1-2 of the other cell lines
# below). Gradient boosting: refitted at the setting the distance-matched runs chose for each
# cell line (../features-distance-matched/merged/results.csv; its AUPR reproduces the recorded
# one on every cell line, column gbm_recorded_aupr).
#
# H1 (TargetFinder, leave one cell line out): the plain network under-reads the distance and
# the normalised one over-reads it on some cell lines (K562 falls); their errors differ, so a
# mixed ensemble beats gradient boosting (paired interval above 0) on more held-out cell lines
# than either family's own two-seed ensemble. Refuted if the mixed ensemble's wins do not
# exceed both two-seed controls'. Goal 1 asks for 5 of 6.
# H2 (TargetFinder -> BENGI): the same mix (the shipped chromatin model + the normalised
# chromatin-recipe fit of round 13) keeps the shipped model's lead on BENGI; refuted if it
# falls below the shipped model alone.
#
# Clones: /tmp/s22/clone at 32444b9 (fits), /tmp/s22/clone2 at 562353d..b0af462 (ensembles;
# each run.json names its commit). Fit times in the comments are the queue's process wall
# times (each fit's results.md records its own, 3-11 s less). One thread per process, nice 5, beside a sequence-track fit
# at nice 10 on the 2 cores.
PY="python"
G=docs/benchmark-runs/features-distance-matched/merged/results.csv

# ---- the fits (clone at 32444b9; /tmp/s22/f.sh), equal data, one thread each:
BASE="benchmark --full --tracks features --no-bengi --threads 1 --data-dir /work/shared/data --feature-rows full"
NORM="--feature-baselines distance --set model.feature_input_norm=true"
kipoi-prism $BASE $NORM --seeds 1 --held-out HeLa-S3 --out runs/norm-seed1-HeLa-S3   # 194 s
kipoi-prism $BASE $NORM --seeds 1 --held-out IMR90 --out runs/norm-seed1-IMR90       # 198 s
kipoi-prism $BASE $NORM --seeds 1 --held-out NHEK --out runs/norm-seed1-NHEK         # 204 s
kipoi-prism $BASE --feature-baselines distance --seeds 1 --held-out K562 --out runs/plain-seed1-K562       # 328 s
kipoi-prism $BASE --feature-baselines distance --seeds 1 --held-out HeLa-S3 --out runs/plain-seed1-HeLa-S3 # 209 s
kipoi-prism $BASE $NORM --seeds 2 --held-out HUVEC --out runs/norm-seed2-HUVEC       # 235 s
kipoi-prism $BASE $NORM --seeds 2 --held-out K562 --out runs/norm-seed2-K562         # 264 s
kipoi-prism $BASE $NORM --seeds 2 --held-out HeLa-S3 --out runs/norm-seed2-HeLa-S3   # 269 s
kipoi-prism $BASE $NORM --seeds 2 --held-out IMR90 --out runs/norm-seed2-IMR90       # 238 s
kipoi-prism $BASE $NORM --seeds 2 --held-out NHEK --out runs/norm-seed2-NHEK         # 195 s
kipoi-prism $BASE --feature-baselines distance --seeds 2 --held-out K562 --out runs/plain-seed2-K562       # 402 s
# Gradient boosting alone on log-scaled marks, TargetFinder -> BENGI (its better recipe on
# BENGI; no setting was recorded by the run of round 9 that first measured it):
kipoi-prism benchmark --full --tracks features --transfer-only --seeds 0 --threads 1 \
    --data-dir /work/shared/data --feature-rows "" --feature-baselines gbm --out runs/bengi-loggbm  # 422 s

# ---- the ensembles (/tmp/s22/e1.sh, b1-b5.sh); wall times in each run.json. Run folders:
P=/tmp/s20/runs   # round 12: dmatch-<cell> (plain, seed 0)
O=/tmp/s18/runs   # round 12: seed1-full-<cell>, seed2-full-<cell> (plain)
N=/tmp/s21/runs   # round 13: norm-GM12878, norm-HUVEC, norm-seed0-<cell>, norm-seed1-<cell>, norm-seed2-GM12878, norm-bengi-rank
R=runs            # above
PLAIN0="$P/dmatch-GM12878 $P/dmatch-HUVEC $P/dmatch-HeLa-S3 $P/dmatch-IMR90 $P/dmatch-K562 $P/dmatch-NHEK"
PLAIN1="$O/seed1-full-GM12878 $O/seed1-full-HUVEC $R/plain-seed1-HeLa-S3 $O/seed1-full-IMR90 $R/plain-seed1-K562 $O/seed1-full-NHEK"
PLAIN2="$O/seed2-full-GM12878 $O/seed2-full-HUVEC $O/seed2-full-HeLa-S3 $O/seed2-full-IMR90 $R/plain-seed2-K562 $O/seed2-full-NHEK"
NORM0="$N/norm-GM12878 $N/norm-HUVEC $N/norm-seed0-HeLa-S3 $N/norm-seed0-IMR90 $N/norm-seed0-K562 $N/norm-seed0-NHEK"
NORM1="$N/norm-seed1-GM12878 $N/norm-seed1-HUVEC $R/norm-seed1-HeLa-S3 $R/norm-seed1-IMR90 $N/norm-seed1-K562 $R/norm-seed1-NHEK"
NORM2="$N/norm-seed2-GM12878 $R/norm-seed2-HUVEC $R/norm-seed2-HeLa-S3 $R/norm-seed2-IMR90 $R/norm-seed2-K562 $R/norm-seed2-NHEK"
E="python benchmarks/feature_ensemble.py --data-dir /work/shared/data"
$E --runs $PLAIN0 --gbm-results $G --out ens-plain-seed0
$E --runs $NORM0 --gbm-results $G --out ens-norm-seed0
$E --runs $PLAIN0 $NORM0 --gbm-results $G --out ens-mixed-seed0
$E --runs $PLAIN0 $PLAIN1 --gbm-results $G --out ens-plain-seeds01-six
$E --runs $NORM0 $NORM1 --gbm-results $G --out ens-norm-seeds01-six
$E --runs $PLAIN0 $PLAIN1 $NORM0 $NORM1 --gbm-results $G --out ens-mixed-seeds01
$E --runs $PLAIN0 $PLAIN1 $PLAIN2 $NORM0 $NORM1 $NORM2 --gbm-results $G --out ens-mixed-seeds012
$E --runs $NORM0 $NORM1 $NORM2 --gbm-results $G --out ens-norm-seeds012
$E --runs $PLAIN0 $PLAIN1 $PLAIN2 --gbm-results $G --out ens-plain-seeds012
# TargetFinder -> BENGI: the shipped chromatin model (= the full row of ../chromatin), the
# normalised chromatin-recipe fit, both; against gradient boosting on ranked marks (the
# chromatin run's own) and on log-scaled marks (bengi-loggbm above):
SHIP=kipoi_prism/weights/prism-energy-chromatin.pt
CG=docs/benchmark-runs/chromatin/results.csv
LG=runs/bengi-loggbm/results.csv
$E --transfer --runs $N/norm-bengi-rank --row none --weights $SHIP --gbm-results $CG --out ens-bengi-shipped
$E --transfer --runs $N/norm-bengi-rank --gbm-results $CG --out ens-bengi-norm
$E --transfer --runs $N/norm-bengi-rank --weights $SHIP --gbm-results $CG --out ens-bengi-mixed
$E --transfer --runs $N/norm-bengi-rank --row none --weights $SHIP --gbm-results $LG --gbm-normalise none --out ens-bengi-shipped-loggbm
$E --transfer --runs $N/norm-bengi-rank --weights $SHIP --gbm-results $LG --gbm-normalise none --out ens-bengi-mixed-loggbm

# ---- round 14, after the tables above: the chromatin recipe at three seeds (/tmp/s22/c.sh,
# clone at edecd8c). H3: the shipped chromatin model's one BENGI table short of a paired win
# against gradient boosting on log-scaled marks (NHEK Hi-C, -0.015 [-0.031, +0.001]) is seed
# noise that a seed ensemble removes: three seeds of the same recipe (the shipped model is
# seed 0) beat that gradient boosting on all 7 tables by the paired interval. Refuted if any
# table's interval still reaches zero.
for seed in 1 2; do
  kipoi-prism benchmark --full --tracks features --transfer-only --seeds $seed --threads 1 \
      --data-dir /work/shared/data --normalise rank --feature-rows full --feature-baselines distance \
      --out runs/chromatin-seed$seed
done
$E --transfer --runs runs/chromatin-seed1 runs/chromatin-seed2 --weights $SHIP --gbm-results $LG --gbm-normalise none --out ens-bengi-chromatin3-loggbm
$E --transfer --runs runs/chromatin-seed1 runs/chromatin-seed2 --weights $SHIP --gbm-results $CG --out ens-bengi-chromatin3

# ---- which inputs the chromatin-recipe fits read on BENGI (/tmp/s22/i.sh, clone at 9c462ca).
# H4: the normalised fit's BENGI loss runs through the distance it reads the TargetFinder way
# (distance fitted on TargetFinder ranks BENGI pairs below chance, AUROC 0.18-0.31): shuffling
# the distance costs it less AUPR than it costs the shipped model, or raises its AUPR, on at
# least 5 of 7 tables. Refuted otherwise.
python benchmarks/input_importance.py --transfer --runs $N/norm-bengi-rank --weights $SHIP \
    --kinds group --repeats 3 --gbm-results $CG --data-dir /work/shared/data --out importance-bengi
# results: chromatin-seed1 (848 s), chromatin-seed2 (227 s; early stop at epoch 5),
# ens-bengi-chromatin3-loggbm (115 s), ens-bengi-chromatin3 (103 s), importance-bengi (567 s)

# ---- H5 (/tmp/s22/n.sh, clone at 1c9e91c): every model gains on BENGI when the distance is
# shuffled (H4), so the chromatin recipe trained without the distance (model.feature_distance,
# new) beats the shipped model on BENGI: mean AUPR over the 7 tables above the shipped
# model's by more than two SE of the paired difference. Refuted otherwise. Then what it
# costs on TargetFinder's held-out GM12878 (where the distance is gradient boosting's lead)
# and K562.
kipoi-prism benchmark --full --tracks features --transfer-only --seeds 0 --threads 1 --data-dir /work/shared/data \
    --normalise rank --feature-rows full --feature-baselines distance --set model.feature_distance=false \
    --out runs/nodist-bengi-rank                                   # 201 s
$E --transfer --runs runs/nodist-bengi-rank --gbm-results $CG --out ens-bengi-nodist                                    # 84 s
$E --transfer --runs runs/nodist-bengi-rank --gbm-results $LG --gbm-normalise none --out ens-bengi-nodist-loggbm        # 92 s
for cell in GM12878 K562; do
  kipoi-prism benchmark --full --tracks features --no-bengi --threads 1 --data-dir /work/shared/data --feature-rows full \
      --feature-baselines distance --set model.feature_distance=false --seeds 0 --held-out $cell --out runs/nodist-seed0-$cell
done                                                               # 143 s, 227 s
