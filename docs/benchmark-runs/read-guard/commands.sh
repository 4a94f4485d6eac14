# The element read kept only where it does not lower validation AUPR (round 37).
#
# H102 (written at 17:00 UTC on 2026-12-05, before any of its numbers were computed).
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
