# Round 13 (issue 18, goal 1): which inputs the network and gradient boosting read on each
# held-out cell line. benchmarks/input_importance.py (commit dcee790) on the fits of the
# distance-matched runs (docs/benchmark-runs/features-distance-matched: the seed-0 fits of
# all six cell lines, GM12878 at seeds 1 and 2); their weights were kept under /tmp/s20/runs
# (not in the repository; rerun those runs' commands to make them). One process, one
# thread, nice 5, beside two sequence fits.
#
# Hypothesis: gradient boosting's lead on GM12878 (0.506 against the network's 0.333 at
# seed 0) is an input gradient boosting reads and the network does not. Refuted if no input
# group's shuffle costs gradient boosting more AUPR than it costs the network by more than
# two standard errors (5 shuffles each). (A first try, 2 shuffles on GM12878 alone, pointed
# at the distance before the six-cell run; the hypothesis was written before that run.)
R=/tmp/s20/runs
python benchmarks/input_importance.py --runs $R/dmatch-GM12878 $R/dmatch-HUVEC \
    $R/dmatch-HeLa-S3 $R/dmatch-IMR90 $R/dmatch-K562 $R/dmatch-NHEK \
    --gbm-results docs/benchmark-runs/features-distance-matched/merged/results.csv \
    --data-dir /work/shared/data --repeats 5 --out seed0-six            # 2,038 s
# GM12878 seeds 1 and 2 (gradient boosting is the same model at every seed: its recorded
# AUPR repeats to the last digit; seed 2's network row is in dmatch-seed2-GM12878, so its
# "network_recorded" reads nan here: it is 0.2372 there, as measured):
python benchmarks/input_importance.py --runs $R/dmatch-seed1-GM12878 $R/dmatch-seed2-GM12878 \
    --gbm-results docs/benchmark-runs/features-distance-matched/dmatch-seed1-GM12878/results.csv \
    --data-dir /work/shared/data --repeats 5 --out gm-seeds12           # 273 s

# The input-normalised fits of docs/benchmark-runs/features-input-norm (seed 0, six cell
# lines), same script at 3b1a757 (clone /tmp/s21/clone3), 525 s. Check of the mechanism: with
# its inputs normalised the network reads the distance as gradient boosting does (the
# distance shuffle's cost to it rises). --gbm-results is the merged distance-matched run's
# gradient-boosting rows with the input-normalised runs' full rows appended:
#   python -c "import pandas as pd, glob; m = pd.read_csv('docs/benchmark-runs/features-distance-matched/merged/results.csv');
#              n = [pd.read_csv(f) for f in sorted(glob.glob('/tmp/s21/runs/norm*/results.csv'))];
#              pd.concat([m[m.row == 'gbm'], *[r[r.row == 'full'] for r in n]]).to_csv('/tmp/s21/norm-with-gbm.csv', index=False)"
R=/tmp/s21/runs
python benchmarks/input_importance.py --runs $R/norm-GM12878 $R/norm-HUVEC $R/norm-seed0-HeLa-S3 \
    $R/norm-seed0-IMR90 $R/norm-seed0-K562 $R/norm-seed0-NHEK --gbm-results /tmp/s21/norm-with-gbm.csv \
    --data-dir /work/shared/data --repeats 5 --kinds group --out norm-seed0-six          # 525 s
