# The element read kept only where it does not lower validation AUPR (round 37).
#
# H102 (written at 16:59 UTC on 2026-12-05, before any of its numbers were computed).
# model.element_read fits its read after training and always keeps it. In round 36's three
# ten-times random-stem fits it lowered validation AUPR every time (IMR90 0.116 -> 0.108,
# K562 0.117 -> 0.099, GM12878 0.122 -> 0.102), and the held-out figures are with the read.
# A guard would keep the read only where its validation AUPR is at least the network's own
# (the same validation pairs that chose its C). Training is unchanged by the read, so the
# committed fits already hold both arms where the same fit was run with and without it:
# the eighteen frozen-stem evaluations of H57 (sequence-readout/read-seed{0,1,2}-* with the
# read, sequence-strands/frozen-both-seed{0,1,2} without), whose validation AUPR before
# and after the read each summary.json records. Prediction: over those eighteen, the
# guarded choice minus always-read is not below zero (mean >= 0; the guard never costs the
# recommended configuration on average), and the guarded choice minus never-read is above
# zero by more than two standard errors (the guard keeps the read's gain). Refuted if
# either fails; if the first fails the guard is not built. No fits: an analysis of
# committed files, benchmarks/read_guard.py.
#
# Run (commit 264d801, 0.1 s; the pairing check passed: each run without the read reached
# the network's validation AUPR of the run with it to 1e-6 on all eighteen):
#   python benchmarks/read_guard.py \
#       --with-read docs/benchmark-runs/sequence-readout/read-seed{0,1,2}-{K562-IMR90-HUVEC,GM12878-HeLa-S3-NHEK} \
#       --without-read docs/benchmark-runs/sequence-strands/frozen-both-seed{0,1,2} \
#       --out docs/benchmark-runs/read-guard/frozen-stem
#
# H102 result (read at 17:01 UTC): refuted on the first count, so the guard is not built.
# Guarded minus always-read: -0.005 +- 0.003 (higher on 2 of 18); guarded minus never-read:
# +0.011 +- 0.005 (higher on 8 of 18); always minus never (H57's gain, recomputed): +0.016
# +- 0.005 (14 of 18). Means: never 0.134, always 0.150, guarded 0.145. The read lowered
# validation AUPR in 8 of 18 fits, yet raised held-out AUPR in 6 of those 8: on these
# validation sets (about 2,500 pairs of two or three cell lines) a drop in validation AUPR
# does not say the read hurts on an unseen cell line. The same holds, untested, for round
# 36's three ten-times random-stem fits whose read lowered validation AUPR: a guard would
# not be evidence-based there either; what the read does there needs the network's
# held-out AUPR without it (the runs' best.ckpt), not measured. The random-stem
# four-times fits with the read (random-occupancy/read-4x-seed1-*) have no CPU twin without
# it (round 26's seed-1 fits ran on a GPU; the pairing check refuses them).
