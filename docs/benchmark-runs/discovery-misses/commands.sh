# Round 32: what the label-free motif search misses, read against the planted sites, and
# whether gapped words find it (docs/BENCHMARK.md, "What the motif search misses"). Each
# hypothesis was written here before its runs, with its true time (date -u); the results
# lines after them. Runs in a fresh clone at the commit named, beside ../shared.
#
# D3 (diagnostic; written at 02:57 UTC on 2026-12-05, as its first run, K562, started).
# Rounds 29-31: the discovered-motif reader sits at 0.107-0.110 whatever the search varies,
# 0.137 on the true motifs; D2 said the gap is which factors the search finds. D3 reads each
# factor's planted site counts against the discovered scans: how much of each factor's
# log(1 + planted count) per training window a least-squares fit on all discovered scans
# explains (R2 disc; R2 true on the true matrices' scans), and the held-out test AUPR the
# reader gains when that factor's planted counts, or its true scan, are added to the
# discovered scans. Expected (from D2's list of factors never recovered: EBF1, RUNX3, Sox17,
# STAT3, TWIST1, GATA1, TAL1::TCF3, TFAP2A): the missed factors (R2 disc < 0.5) include the
# gapped ones (STAT3 TTCnnnGAA, TFAP2A, EBF1, TAL1::TCF3), and adding every missed factor's
# true scan takes the reader most of the way to the true-motif reader. This decides whether
# gapped words (H76) are worth a search: if the factors the reader needs are not gapped, they
# are not.
#   python benchmarks/discovery_misses.py --held-out CELL --seed 1 --workdir /tmp/r32/learn-CELL  # -> d3-CELL-seed1.md
# D3 K562 (read at 02:58 UTC): 17 motifs discovered, reader 0.113. The factors K562 alone
# uses (GATA1, TAL1::TCF3, KLF1) are absent from the training cell lines' regions and R2
# disc is 0.00 for them, but their true scans add nothing (-0.001 to -0.002); adding the
# true scans of all 24 factors with R2 disc < 0.5 gives 0.124 (+0.012), the true-motif
# reader's level (D2: 0.123). Single-factor changes are mostly within +-0.01 (noise of one
# fit); Yy1's planted counts add +0.039 where its true scan adds +0.006. What stands out is
# R2 true: the true matrices' own scans explain only 0.09-0.85 of their factors' planted
# counts (median about 0.36). The scan, not the search, loses most: the learnability
# reader on planted counts reaches 0.22-0.37 on seed 1's held-out cell lines (round 31's
# h72 files), the known-motif scan 0.14-0.15.
#
# H76 (written at 02:59 UTC, before its runs). The scan counts a site wherever the log-odds
# passes 0.75 of the matrix's best (the reader's rule, and the count encoder's start, which
# training does not move: round 23). Planted sites are drawn from the matrices, so most score
# near the best; chance matches in a 1-2 kb background window mostly score lower. A stricter
# threshold should drop more background than planted sites and bring the scan nearer the
# planted counts. Prediction: over K562, IMR90 and HUVEC at seed 1, the known-motif scan
# reader at one of the thresholds 0.85, 0.9, 0.95 (the same threshold for all three cell
# lines, read as the best mean) beats the reader at 0.75 by at least 0.010 mean test AUPR,
# higher on 3 of 3. Refuted otherwise. The discovered-motif reader at the same thresholds is
# reported beside it. New option --scan-thresholds of sequence_learnability.py.
#   python benchmarks/sequence_learnability.py --held-out CELL --seed 1 \
#       --scan-thresholds 0.75,0.85,0.9,0.95 --workdir /tmp/r32/learn-CELL  # -> h76-CELL-seed1.md
# H76 result (read at 03:02 UTC): refuted, and the other way round. A stricter threshold
# lowers the known-motif scan reader on both cell lines read: K562 0.123 (0.75), 0.105
# (0.85), 0.086 (0.9), 0.085 (0.95); IMR90 0.131, 0.106, 0.099, 0.095; the discovered-motif
# reader likewise (K562 0.113, 0.106, 0.119, 0.106; IMR90 0.086, 0.079, 0.073, 0.065).
# Refuted on two of two, so the prediction (3 of 3) cannot hold; HUVEC was run after the
# reading for the record, with 0.6 added (not part of H76). Planted sites drawn from the
# matrices do not mostly score near the best: a strict threshold drops them with the
# background. Commit: the working tree of this round before its first commit (the
# --scan-thresholds option, committed with these lines); 110-127 s a run.
#
# H77 (written at 03:02 UTC, before its runs). If leniency helps, the measure to try is the
# one the mixture model behind the planted counts implies: each position's posterior of
# being a site, r LR / (1 + r LR), LR the matrix's likelihood ratio against a uniform
# background and r a prior site rate per position and strand, summed over positions and
# strands (the expected number of sites; MEME's ZOOPS E-step), then log(1 + .) as the
# other scans. New option --occupancy-rates of sequence_learnability.py (rows "known-motif
# occupancy at r", "discovered-motif occupancy ... at r"). Variants: occupancy at r = 1e-4,
# 1e-3, 1e-2 and the ReLU scan at 0.5 and 0.6; the one with the best mean validation AUPR
# over K562, IMR90 and HUVEC (seed 1) is read. Prediction: its mean test AUPR beats the
# 0.75 ReLU scan's by at least 0.010, higher on 3 of 3 (known motifs). Refuted otherwise.
#   python benchmarks/sequence_learnability.py --held-out CELL --seed 1 \
#       --scan-thresholds 0.5,0.6,0.75 --occupancy-rates 1e-4,1e-3,1e-2 \
#       --workdir /tmp/r32/learn-CELL  # -> h77-CELL-seed1.md
# H77 result (read at 03:09 UTC): refuted as written. The variant with the best mean
# validation AUPR is the occupancy at r = 1e-4 (0.195 over the three cell lines; ReLU 0.6
# 0.178, 0.75 0.176, occupancy 1e-3 0.172, ReLU 0.5 0.168, occupancy 1e-2 0.130). Its test
# AUPR: K562 0.118, IMR90 0.140, HUVEC 0.158 (mean 0.139) against the 0.75 scan's 0.123,
# 0.131, 0.135 (0.130): +0.009, higher on 2 of 3; the prediction asked +0.010 and 3 of 3.
# On validation it is higher on 3 of 3 (+0.026, +0.017, +0.013). Beside it, the
# discovered motifs' occupancy at 1e-4: 0.116, 0.093, 0.141 (mean 0.117) against 0.113,
# 0.086, 0.115 (0.105): +0.012, higher on 3 of 3. 158-183 s a run. A site-level check
# (sites.bed of K562's seed-1 simulation): 38-93% of planted sites score >= 0.75 of their
# matrix's best (61-99% >= 0.6), while a uniform background gives 0.00-0.38 chance hits
# per kb at 0.75: the soft ReLU count weighs a weak planted site near zero; the occupancy
# at 1e-4 (threshold near LLR = 9.2 nats, about 0.8 of a 9-column matrix's best) counts
# it nearly whole once past the threshold.
#
# H78 (written at 03:09 UTC, before its runs). H77's signal (validation 3 of 3, test +0.009
# known and +0.012 discovered) is one a replication can refute cheaply. Prediction: over all
# six held-out cell lines at seed 1 (H77's three and GM12878, HeLa-S3, NHEK, run now with
# the two variants only), the known-motif occupancy reader at r = 1e-4 beats the 0.75 ReLU
# scan reader by a mean paired test-AUPR difference above two standard errors, and so does
# the discovered-motif one. Refuted otherwise (either). If supported, the count encoder gets
# an occupancy form and the recommended configuration is fitted with it (H79).
#   python benchmarks/sequence_learnability.py --held-out CELL --seed 1 \
#       --occupancy-rates 1e-4 --workdir /tmp/r32/learn-CELL  # -> h78-CELL-seed1.md
# H78 result (read at 03:13 UTC): refuted as written (it asked both); supported for the
# known motifs, not for the discovered ones. Test AUPR, ReLU scan at 0.75 -> occupancy at
# 1e-4, seed 1: K562 0.123 -> 0.118, IMR90 0.131 -> 0.140, HUVEC 0.135 -> 0.158, GM12878
# 0.146 -> 0.187, HeLa-S3 0.138 -> 0.149, NHEK 0.148 -> 0.159: mean 0.137 -> 0.152, +0.015
# +- 0.006 (2.4 standard errors), higher on 5 of 6 (validation higher on 6 of 6). The
# discovered motifs: 0.109 -> 0.116, +0.007 +- 0.004 (1.7 standard errors), higher on 5 of 6.
# GM12878, HeLa-S3, NHEK: 119-160 s a run (h78-CELL-seed1.md); the other three are H77's runs.
#
# H79 (written at 03:14 UTC, before its fits). The known-motif part of H78 held, and the
# recommended configuration freezes its first layer at the known motifs and equals the
# 0.75 reader (round 28), so it is the model to fit: new model.count_form (relu, the
# default and unchanged; occupancy: each position adds sigmoid(ln 2 * score + log r), r a
# learned prior site rate per filter starting at model.site_rate = 1e-4, the reader's).
# Prediction: the recommended configuration with --set model.count_form=occupancy beats
# the same configuration's committed seed-1 fits (round 28, read-seed1-*: the ReLU form,
# mean 0.140 over the six held-out cell lines) by a mean paired test-AUPR difference above
# two standard errors over the six. Refuted otherwise. Beside it: the fit against the
# occupancy reader of H77-H78 (0.152).
#   kipoi-prism benchmark --full --tracks sequence --rows task_only --baselines '' \
#       --threads 1 --data-dir ../shared/data --set model.encoder=counts \
#       --set model.count_both_strands=true --set model.count_form=occupancy \
#       --stem-motifs frozen --set model.bilinear_rank=16 --set model.element_read=true \
#       --seeds 1 --held-out K562,IMR90,HUVEC --out /tmp/r32/runs/occupancy-seed1-K562-IMR90-HUVEC
#   (and GM12878,HeLa-S3,NHEK beside it)
#
# H80 (written at 03:42 UTC, before its fits, while H79's last fit (HUVEC) runs; five of
# H79's six fits read: K562 0.114, IMR90 0.140, GM12878 0.191, HeLa-S3 0.156, NHEK 0.160).
# Seeds differ in motif set and grammar, and round 20's product-term changes flipped sign
# by seed, so one seed does not earn a change of the recommended configuration. Prediction:
# at seeds 0 and 2 as well, the recommended configuration with model.count_form=occupancy
# beats the same configuration's committed fits (round 28, read-seed0-*, read-seed2-*) by a
# mean paired test-AUPR difference above two standard errors over the twelve evaluations,
# and over all eighteen (seeds 0-2) with H79's. Refuted otherwise; only if it holds would
# the recommended configuration and the shipped weights change.
#   /tmp/r32/fit-seed.sh CELLS SEED: H79's command with --seeds SEED
#       --out /tmp/r32/runs/occupancy-seedSEED-CELLS (K562,IMR90,HUVEC and
#       GM12878,HeLa-S3,NHEK; seed 0, then seed 2)
# H79 result (read at 03:43 UTC): refuted, narrowly. The recommended configuration with
# count_form=occupancy at seed 1: K562 0.114, IMR90 0.140, HUVEC 0.173, GM12878 0.191,
# HeLa-S3 0.156, NHEK 0.160 (mean 0.156) against the committed ReLU fits' 0.124, 0.141,
# 0.144, 0.142, 0.140, 0.150 (0.140): +0.015 +- 0.009 (1.75 standard errors), higher on 4
# of 6. The fits follow the occupancy reader of H77-H78 (0.152; fit minus reader +0.004
# on average). The learned rates stay where they start (every filter's between 0.88e-4
# and 1.11e-4), as the ReLU thresholds do. 456-567 s of training a fit (train_s), 1558
# and 1588 s wall for the two three-fit runs side by side; commit 3335e4e. Outputs:
# occupancy-seed1-K562-IMR90-HUVEC, occupancy-seed1-GM12878-HeLa-S3-NHEK.
# H80 result (read at 04:34 UTC): supported. Seeds 0 and 2, occupancy against the committed
# ReLU fits: seed 0 K562 0.193/0.174, IMR90 0.273/0.260, HUVEC 0.183/0.148, GM12878
# 0.164/0.145, HeLa-S3 0.165/0.146, NHEK 0.244/0.245; seed 2 K562 0.152/0.134, IMR90
# 0.141/0.129, HUVEC 0.159/0.145, GM12878 0.139/0.103, HeLa-S3 0.110/0.126, NHEK
# 0.123/0.103. Over the twelve: +0.016 +- 0.004 (3.9 standard errors), higher on 10 of 12;
# with H79's six, all eighteen: +0.016 +- 0.004 (4.1 standard errors), higher on 14 of 18.
# Commit 3335e4e (clone at the same); four three-fit runs, two at a time, 1424-1583 s wall.
# As written in H80, the recommended configuration now counts sites by their posterior and
# the shipped weights are retrained with it (scripts/train_shipped_weights.sh).
