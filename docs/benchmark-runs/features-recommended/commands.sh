#!/bin/bash
# Round 34 of the feature track (issue 18, goal 1): the recommended configuration's head on
# real features at equal data. Each hypothesis was written here before its runs, with the
# time from `date -u`; the results lines after them. Each run folder's run.json has its
# command, commit and wall time.
#
# H86 (written at 08:45 UTC on 2026-12-05, before its runs; the time first typed here, 08:46,
# was ahead of `date -u`: the commit that adds it is 08:45:34, the first run started 08:45:41). The recommended configuration
# (configs/recommended.yaml) was chosen on the sequence track in rounds 22-32: the task loss
# alone, a rank-16 bilinear enhancer x promoter term in z_I's input, and U_I read from the
# element vectors [v_E, v_P] by a shrunk linear read fitted when training ends. Its head was
# never run on the feature track, where goal 1 is read. Prediction: on real features at
# equal data (every training pair), seed 0, the six held-out TargetFinder cell lines, the
# task-loss row with `model.bilinear_rank=16 model.element_read=true` minus the committed
# task-loss row of the same seed (docs/benchmark-runs/features-equal-data, the same command
# without the two settings) is above two standard errors of the paired difference and higher
# on at least 4 of 6. Refuted otherwise. Read from the same fits, not a hypothesis: goal 1's
# count, wins over tuned gradient boosting outside both bootstrap intervals (committed
# gradient boosting rows of the same seed). My expectation before the runs: the read is
# additive in v_E and v_P, and gradient boosting's edge on GM12878 is a distance x marks
# interaction (round 13), so the read may cost there; the bilinear term adds products.
# Two queues on 2 cores (one thread each), in a fresh clone at the commit that adds this:
#   kipoi-prism benchmark --full --tracks features --seeds 0 --no-bengi --threads 1 \
#       --data-dir ../shared/data --feature-rows task_only --feature-baselines '' \
#       --set model.bilinear_rank=16 --set model.element_read=true \
#       --held-out CELL --out runs/rec-CELL
# (GM12878, NHEK, HUVEC in one queue; K562, HeLa-S3, IMR90 in the other.)
#
# H86 result (read at 08:57 UTC): refuted. The recommended head minus the task-loss row,
# paired over the six held-out cell lines: -0.004 +- 0.006 (higher on 4 of 6; GM12878
# 0.296 against 0.293, HUVEC 0.168 against 0.198, HeLa-S3 0.118 against 0.130, IMR90 0.187
# against 0.177, K562 0.112 against 0.108, NHEK 0.131 against 0.130; mean 0.169 against
# 0.173). Goal 1 from the same fits: 0 of 6 wins over tuned gradient boosting outside both
# intervals (ahead on IMR90 and K562, but the intervals overlap; GM12878 0.296 against
# 0.506). The read's shrinkage came out at the grid's edge (C 1e-4) on GM12878 and IMR90,
# and the read lowered the validation AUPR of the kept epoch on GM12878 (0.156 -> 0.151)
# and K562 (0.298 -> 0.278), raised it on the other four. Commit 9d39159; fits 81-289 s by
# their own records, wall 100-314 s a run, two at a time. Runs in rec-<cell>.
