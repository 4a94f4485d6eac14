# Round 28: the element vectors' shrunk linear read, fitted after training (docs/BENCHMARK.md,
# "The element read fitted after training"). Each hypothesis was written here before its
# runs; the results lines after them.
#
# H56 (written at 16:23 UTC on 2026-12-04, before its run). Round 27 (H53) found that an L2
# logistic regression on a trained frozen-stem fit's element vectors [v_E, v_P] (C chosen
# on validation AUPR) is level with the known-motif reader, and above the fit's own score.
# Before that read is built into the product, the question the round-27 note left: does
# the combine layer's nonlinear read add anything on top of it? Prediction: the same
# regression on [v_E, v_P, U_I] (the element vectors plus the fit's own score, a stacked
# read) minus the regression on [v_E, v_P] alone is above +0.005 on average and above two
# standard errors of the paired difference, over the twelve recommended fits of round 27
# (seed 0's two initialisations train.seed=10, 20; seeds 1-2 at the benchmark's; K562,
# IMR90, HUVEC). Refuted otherwise. Secondary, not a hypothesis: the regression on
# [v_E, v_P, z_I] (all 64 hidden units beside the element vectors).
# The refits (new columns elements+model and elements+z_I; two processes, a fresh clone):
#   python benchmarks/sequence_refit.py /tmp/r24/runs/frozen-both-seed0-init10 \
#       /tmp/r24/runs/frozen-both-seed0-init20 --readers docs/benchmark-runs/learnability \
#       --out /tmp/r28/refit-seed0-inits
#   python benchmarks/sequence_refit.py /tmp/r27/runs/frozen-both-seed1 \
#       /tmp/r27/runs/frozen-both-seed2 --readers docs/benchmark-runs/learnability \
#       --out /tmp/r28/refit-seed1-2
# H56 result (read at 16:28 UTC): refuted. The stacked read [v_E, v_P, U_I] minus the read
# of [v_E, v_P] alone: -0.006 +- 0.005 (higher on 5 of 12); [v_E, v_P, z_I]: -0.011 +- 0.006
# (higher on 4 of 12). The combine layer adds nothing a shrunk regression can use on top of
# the element vectors: its outputs on the training pairs are fitted to those pairs (the
# memorisation of H51), so a regression fitted on the same pairs leans on them and loses on
# held-out cell lines. The element read alone stays level with the reader (reader minus it
# -0.000 +- 0.003; 0.165 both) and above the fit's own score by +0.014 +- 0.006 (9 of 12).
# Commit 90dd640; 291 s and 288 s side by side. Outputs in refit-seed0-inits, refit-seed1-2.
