#!/bin/bash
# Round 34 of the feature track (issue 18, goal 1): the recommended configuration's head on
# real features at equal data. Each hypothesis was written here before its runs, with the
# time from `date -u`; the results lines after them. Each run folder's run.json has its
# command, commit and wall time.
#
# H86 (written at 08:46 UTC on 2026-12-05, before its runs). The recommended configuration
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
