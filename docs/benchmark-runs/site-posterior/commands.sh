#!/bin/bash
# Round 33 (sequence track): the posterior site count taken further. Each hypothesis was
# written here before its runs, with the time from `date -u`. Commands run in a clone of
# the named commit beside ../shared (PYTHONPATH=$PWD; HOME pointed at a scratch folder).
#
# H81 (written at 05:49 UTC, before its fits). Round 32's occupancy reader gained +0.007
# +- 0.004 with discovered motifs (H78, 1.7 standard errors), and the model with the
# occupancy count form follows its reader (H79: fit minus reader +0.004). Prediction: the
# recommended configuration (now count_form occupancy) frozen at motifs discovered without
# labels (--stem-motifs discovered) beats the same configuration with the ReLU count
# committed in round 29 (motif-discovery/discovered-seed1-*: mean 0.109 over the six
# held-out cell lines at seed 1) by a mean paired test-AUPR difference above two standard
# errors over the six, and reaches a mean of at least 0.115. Refuted otherwise. The
# discovered motifs must be the round-29 ones (the .meme files are compared).
#   kipoi-prism benchmark --full --tracks sequence --rows task_only --baselines '' \
#       --threads 1 --data-dir ../shared/data --set model.encoder=counts \
#       --set model.count_both_strands=true --set model.count_form=occupancy \
#       --stem-motifs discovered --set model.bilinear_rank=16 --set model.element_read=true \
#       --seeds 1 --held-out K562,IMR90,HUVEC --out /tmp/r33/runs/discovered-occupancy-seed1-K562-IMR90-HUVEC
#   (and GM12878,HeLa-S3,NHEK beside it)
#
# H82 (written at 05:51 UTC, before its runs). The occupancy reader scores each window's
# likelihood ratio against uniform bases, but the simulator draws the windows from an
# order-4 Markov chain fitted on human sequence (promoters a GC- and CpG-boosted copy), so
# background words that resemble a matrix (AT-rich motifs in AT-rich enhancers, GC-rich
# ones in promoters) count as sites. New --occupancy-backgrounds: the ratio against an
# order-k chain fitted, without labels, on the training cell lines' enhancer and promoter
# windows apart. Prediction: at rate 1e-4, the known-motif occupancy reader against an
# order-4 chain beats the same reader against uniform bases by a mean paired test-AUPR
# difference above two standard errors over the six held-out cell lines at seed 1 (K562,
# IMR90, HUVEC first; the other three only if those three are not all lower). Refuted
# otherwise. Beside it: orders 0 and 2 (if order 0, base composition alone, carries most
# of the gain, the model needs only its frozen filters shifted), rate 1e-3, and the
# discovered motifs.
#   python benchmarks/sequence_learnability.py --held-out CELL --seed 1 \
#       --occupancy-rates 1e-4,1e-3 --occupancy-backgrounds uniform,0,2,4 \
#       --workdir /tmp/r33/learn-CELL  # -> h82-CELL-seed1.md
# H81 result (read at 06:34 UTC): refuted. The discovered motifs are the round-29 ones (each
# cell line's .meme file byte-identical to motif-discovery/discovered-seed1-CELL's, so not
# committed again). Occupancy against the committed ReLU fits, seed 1: K562 0.107/0.104,
# IMR90 0.093/0.084, HUVEC 0.121/0.112, GM12878 0.124/0.110, HeLa-S3 0.139/0.154, NHEK
# 0.082/0.085: mean 0.111 against 0.108, +0.003 +- 0.004 (0.7 standard errors), higher on
# 4 of 6; the mean is below the 0.115 asked. Commit b9044ad; two three-fit runs side by
# side (with H82's readers beside them), 2296 and 2390 s wall, 623-777 s of training a fit.
# Outputs: discovered-occupancy-seed1-K562-IMR90-HUVEC, discovered-occupancy-seed1-GM12878-HeLa-S3-NHEK.
#
# H83 (written at 06:44 UTC, while H82's last three runs go; its first three read: the
# known-motif reader against the order-4 chain K562 -0.002, IMR90 +0.011, HUVEC +0.015).
# One prior site rate for every motif (1e-4) treats a factor planted in many regions like
# one planted in few; the site-or-background mixture fits a rate per motif by
# expectation-maximisation without labels (M-step: the mean posterior over every position
# and strand of the training windows; new --occupancy-em STEPS, each role apart, 2000
# windows a role). Prediction: the known-motif occupancy reader (uniform background) with
# rates by EM beats the same reader at the single rate 1e-4 by a mean paired test-AUPR
# difference above two standard errors over the six held-out cell lines at seed 1 (K562,
# IMR90, HUVEC first; the other three only if those three are not all lower). Refuted
# otherwise. Beside it: the same against the order-4 chain, and the discovered motifs.
# The unchanged rows must reproduce H82's (the readers' code moved to
# benchmarks/site_counts.py).
#   python benchmarks/sequence_learnability.py --held-out CELL --seed 1 \
#       --occupancy-rates 1e-4 --occupancy-backgrounds uniform,4 --occupancy-em 10 \
#       --workdir /tmp/r33/learn-CELL  # -> h83-CELL-seed1.md
# H82 result (read at 07:06 UTC): supported. Known-motif occupancy reader at 1e-4, uniform
# -> order-4 background, seed 1, test AUPR: K562 0.118 -> 0.116, IMR90 0.140 -> 0.151,
# HUVEC 0.158 -> 0.173, GM12878 0.187 -> 0.192, HeLa-S3 0.149 -> 0.159, NHEK 0.159 ->
# 0.179: +0.010 +- 0.003 (3.3 standard errors), higher on 5 of 6; validation higher on 6 of
# 6 (+0.010 +- 0.002). Order 0 (base composition alone) +0.001 +- 0.002 (3 of 6) and order
# 2 +0.007 +- 0.004 (4 of 6): the gain needs the chain's context, so a shift of the frozen
# filters (order 0) would not carry it. With the discovered motifs, order 4 is +0.001 +-
# 0.003 (4 of 6; validation lower on 5 of 6). Commit c802fe4 (clone at the same); 458-947 s
# a run, two or three runs side by side with H81's fits. Outputs: h82-CELL-seed1.md.
#
# H84 (written at 07:06 UTC, before its runs). One seed does not earn a change of the
# model (seeds differ in motifs and grammar). Prediction: at seeds 0 and 2 as well, the
# known-motif occupancy reader against the order-4 chain beats it against uniform bases by
# a mean paired test-AUPR difference above two standard errors over the twelve held-out
# evaluations. Refuted otherwise. Only if it holds does the count encoder get a fitted
# Markov background (the model change H82 asks for).
#   python benchmarks/sequence_learnability.py --held-out CELL --seed SEED \
#       --occupancy-rates 1e-4 --occupancy-backgrounds uniform,4 \
#       --workdir /tmp/r33/learn-CELL-sSEED  # -> h84-CELL-seedSEED.md (commit dc62373)
#
# H85 (written at 07:12 UTC, before its fits, while H84 runs: H84's seed-0 K562 reads
# 0.202 -> 0.195, lower). H84's text made the model change conditional on H84; to fit
# within the session, model.site_background was built while H84 ran (commit 94c9a27, off
# by default, so no behaviour changed) and these fits start before H84 is read. The
# recommended configuration is changed only if H84 and H85 both hold. Prediction: the
# recommended configuration (occupancy, frozen at the true motifs) with --set
# model.site_background=4 beats the same configuration's committed seed-1 fits (round 32,
# discovery-misses/occupancy-seed1-*: mean 0.156) by a mean paired test-AUPR difference
# above two standard errors over the six held-out cell lines. Refuted otherwise.
#   kipoi-prism benchmark --full --tracks sequence --rows task_only --baselines '' \
#       --threads 1 --data-dir ../shared/data --set model.encoder=counts \
#       --set model.count_both_strands=true --set model.count_form=occupancy \
#       --set model.bilinear_rank=16 --set model.element_read=true --seeds 1 \
#       --held-out K562,IMR90,HUVEC --stem-motifs frozen --set model.site_background=4 \
#       --out /tmp/r33/runs/background-seed1-K562-IMR90-HUVEC   (and GM12878,HeLa-S3,NHEK)
# H83, first three read (at 07:17 UTC; commit dc62373): known-motif occupancy at 1e-4,
# single rate -> rates by EM: K562 0.118 -> 0.111, IMR90 0.140 -> 0.121, HUVEC 0.158 ->
# 0.159: -0.008 +- 0.006, validation lower on 3 of 3. Not all three lower, so by H83's
# rule the other three run (queued after H84's seed-2 runs, the gate of a model change).
# The unchanged rows reproduce H82's exactly (the code moved to site_counts.py). 501-802 s
# a run, beside other runs.
# H83 result (read at 07:50 UTC): refuted on the three run; the other three (GM12878,
# HeLa-S3, NHEK), which H83's rule asked for, were queued behind H85's fits and H84's runs
# and stopped for the session's time: not run. Rates by EM against the single rate 1e-4:
# known motifs -0.008 +- 0.006 (validation -0.020 +- 0.002, lower on 3 of 3); against the
# order-4 chain +0.005 +- 0.008 (validation lower on 2 of 3); discovered +0.000 +- 0.001.
# H84 result (read at 07:56 UTC): refuted. Known-motif occupancy at 1e-4, uniform -> order-4
# chain, test AUPR: seed 0 K562 0.202 -> 0.195, IMR90 0.255 -> 0.270, HUVEC 0.187 -> 0.185,
# GM12878 0.166 -> 0.166, HeLa-S3 0.173 -> 0.168, NHEK 0.238 -> 0.222 (-0.002 +- 0.004);
# seed 2 K562 0.168 -> 0.193, IMR90 0.148 -> 0.158, HUVEC 0.160 -> 0.191, GM12878 0.153 ->
# 0.190, HeLa-S3 0.110 -> 0.118, NHEK 0.126 -> 0.124 (+0.018 +- 0.006). Over the twelve:
# +0.008 +- 0.005 (1.6 standard errors), higher on 6 of 12; with seed 1's six, all
# eighteen: +0.009 +- 0.003, higher on 11 of 18. The gain depends on the simulation's
# motif set: none at seed 0. Commit dc62373 (clone at the same); 173-748 s a run (seed 2's
# IMR90 run was paused for 7.6 minutes while H85's fits ran). Outputs: h84-CELL-seedSEED.md.
# As H84 stated, the recommended configuration does not change on this evidence.
# H85 result (read at 08:09 UTC): refuted. The recommended configuration with
# model.site_background=4 against the committed round-32 fits (uniform background), seed 1:
# K562 0.106/0.114, IMR90 0.157/0.140, HUVEC 0.178/0.173, GM12878 0.180/0.191, HeLa-S3
# 0.165/0.156, NHEK 0.182/0.160: mean 0.161 against 0.156, +0.006 +- 0.005 (1.1 standard
# errors), higher on 4 of 6. The fits follow the reader against the same chain (fit minus
# reader -0.000). Commit 8f45d23 (clone at the same); two three-fit runs side by side,
# with the readers of H83-H84 beside them for most of it: 2756 and 3123 s wall, 232-1296 s
# of training a fit. Outputs: background-seed1-K562-IMR90-HUVEC, background-seed1-GM12878-HeLa-S3-NHEK.
# The recommended configuration and the shipped weights do not change; model.site_background
# stays an option, off by default.
#
# ---- Round 34 (2026-12-05)
# H89 (written at 09:26 UTC on 2026-12-05, before its fits). H81 measured the recommended
# configuration frozen at motifs discovered without labels (--stem-motifs discovered; what
# a user without a motif file gets from `kipoi-prism motifs`) at seed 1 only: 0.111 against
# the ReLU count's 0.108. The label-free stem's level across seeds is what a user needs.
# Prediction: at seeds 0 and 2 (six held-out cell lines each) the same configuration beats
# the round-29 ReLU-count fits (motif-discovery/discovered-seed{0,2}-*: means 0.090 and
# 0.097) by a mean paired difference above two standard errors over the twelve, and the
# eighteen evaluations with H81's seed 1 average at least 0.10 (twice the prevalence, the
# level goal 2 asks of a random first layer). Refuted if either fails. The discovered motifs
# must be the round-29 ones (the .meme files are compared).
#   kipoi-prism benchmark --full --tracks sequence --rows task_only --baselines '' \
#       --threads 1 --data-dir ../shared/data --set model.encoder=counts \
#       --set model.count_both_strands=true --set model.count_form=occupancy \
#       --stem-motifs discovered --set model.bilinear_rank=16 --set model.element_read=true \
#       --seeds S --held-out GM12878,HUVEC,HeLa-S3,IMR90,K562,NHEK \
#       --out /tmp/r34/runs/discovered-occupancy-seedS      # S = 0 and 2, side by side
# H89 result (read at 10:20 UTC): supported. The discovered motifs are the round-29 ones
# (each cell line's .meme file byte-identical to motif-discovery/discovered-seedS-CELL's,
# so not committed again). The posterior count against the committed ReLU fits: seed 0
# GM12878 0.139/0.105, HUVEC 0.077/0.059, HeLa-S3 0.104/0.098, IMR90 0.134/0.107, K562
# 0.096/0.076, NHEK 0.116/0.092; seed 2 GM12878 0.109/0.089, HUVEC 0.106/0.094, HeLa-S3
# 0.082/0.084, IMR90 0.127/0.129, K562 0.123/0.099, NHEK 0.113/0.090. Over the twelve:
# +0.017 +- 0.003 (higher on 10 of 12); with H81's seed 1 the eighteen: +0.012 +- 0.003
# (14 of 18), mean 0.111 (seeds 0, 1, 2: 0.111, 0.111, 0.110), at least the 0.10 asked.
# Commit 4d619d3; two six-fit runs side by side, 2826 s and 2706 s wall, 383-474 s of
# training a fit. Outputs: discovered-occupancy-seed0, discovered-occupancy-seed2.
