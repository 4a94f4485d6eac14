# Round 29: motifs found in the regions themselves, without labels and without a motif file
# (docs/BENCHMARK.md, "Motifs found in the regions"). Each hypothesis was written here
# before its runs; the results lines after them.
#
# H59 (written at 19:15 UTC on 2026-12-04, before its runs). The random first layer stays at
# chance on the simulated benchmark (0.068 over three seeds at four times the pairs; seeds 1-2
# at 0.056) because it must find motifs from a few hundred positive pairs, and memorises the
# training pairs instead (H51). The regions themselves carry the motifs without any label:
# the simulator plants sites in every enhancer and promoter, so the words of a planted motif
# are over-represented against an order-4 Markov chain fitted on the same windows. New module
# kipoi_prism/training/motif_discovery.py finds such words (8-mers, both strands, z against the
# chain of the windows themselves) and turns each into a frequency matrix, with no label and
# no motif file. Prediction: the reader of benchmarks/sequence_learnability.py (the same L2
# logistic regression, C on validation AUPR) on a scan with the motifs discovered in the
# windows of the training cell lines' regions (labels unused) reaches at least half of the
# known-motif scan's margin over prevalence, averaged over three held-out cell lines (K562,
# IMR90, HUVEC) at seed 1 (the seed where the random stem sits at chance): mean over the
# three of (discovered - prevalence) >= 0.5 x mean of (known - prevalence). Refuted
# otherwise. Secondary (not a hypothesis): discovery on every cell line's windows, the held-
# out one's included (labels unused: a user scoring a new cell line has its candidate regions).
# Commands (a fresh clone at commit 2aaab30, two at a time on 2 cores, 67-105 s each):
#   python benchmarks/sequence_learnability.py --held-out CELL --seed 1 --discover-in-all \
#       --workdir /tmp/r29/learn            # CELL = K562, IMR90, HUVEC -> h59-CELL-seed1.md
# H59 result (read at 19:23 UTC): supported. Test AUPR, discovered-motif scan (training cell
# lines' regions) against the known-motif scan and prevalence: K562 0.113 / 0.123 / 0.049,
# IMR90 0.086 / 0.131 / 0.052, HUVEC 0.115 / 0.135 / 0.046. Mean margin over prevalence
# 0.056 against 0.081: 0.69 of the known-motif scan's (the prediction asked 0.5). IMR90 keeps
# the least (0.43). Discovered in every cell line's regions: 0.106, 0.086, 0.120 (no better).
# The 17 seed words include AP-1 (ATGAGTCA), NF-kB (GGATTCCC), ETS (AGGAAGTG), NF-Y
# (CCAATCAG), C/EBP (TTGCGCAA), TEAD (ACATTCCA), IRF (CGAAACCG) and SP/KLF (CCCGCCCC) sites.
#
# H60 (written at 19:24 UTC, after H59, before its fits). If the scan's information reaches
# the reader, a model started from the discovered motifs should leave chance where the random
# first layer does not. Prediction: the recommended configuration (count encoder on both
# strands, rank-16 term, task loss alone, model.element_read) with its first layer frozen at
# the motifs discovered in the training cell lines' regions (new --stem-motifs discovered; no
# label and no motif file used), seed 1, held-out K562, IMR90 and HUVEC (one fit each),
# reaches a mean test AUPR of at least 0.10 (goal 2's "twice the prevalence") and beats
# H58's random-stem fits with the element read (0.054, 0.055, 0.049) by more than two
# standard errors of the paired difference. Refuted otherwise. Secondary: against the same
# configuration frozen at the true motifs (round 28's read-seed1-K562-IMR90-HUVEC) and the
# discovered-motif reader (H59).
#   kipoi-prism benchmark --full --tracks sequence --rows task_only --baselines '' \
#       --threads 1 --data-dir ../shared/data --set model.encoder=counts \
#       --set model.count_both_strands=true --stem-motifs discovered \
#       --set model.bilinear_rank=16 --set model.element_read=true --seeds 1 \
#       --held-out CELL --out /tmp/r29/runs/discovered-seed1-CELL
# H60 result (read at 19:40 UTC): refuted as written, by 0.0002: the mean test AUPR is 0.0998
# (K562 0.104, IMR90 0.084, HUVEC 0.112), below the 0.10 asked. Its second part holds: above
# H58's random-stem fits with the element read by +0.047 +- 0.010 (higher on 3 of 3). Below
# the same configuration frozen at the true motifs (round 28: 0.124, 0.141, 0.144) by -0.037
# +- 0.011. The model leaves chance without being handed the motifs; it keeps about half of
# what the true motifs give over chance. Fits at commit 981e131 (discovery as 2aaab30; the
# Bonferroni stop added in 62eb7c1 leaves these motifs unchanged, every chosen word's tail
# probability < 1e-20); 407-518 s a fit, two at a time. Outputs in discovered-seed1-CELL.
#
# H61 (written at 19:42 UTC, after H60, before its runs). Discovery keeps at most 12 motifs per
# element set and that cap binds (the 20 best enhancer words all have z > 25), while the
# simulated vocabulary holds about twice that. Prediction: the discovered-motif reader with up
# to 24 motifs per set (--discover-n-motifs 24) beats the 12-motif reader of H59 by at least
# +0.005 in mean test AUPR over the same three held-out cell lines at seed 1. If it does, the
# next fits use 24; if not, they keep 12. Refuted otherwise.
#   python benchmarks/sequence_learnability.py --held-out CELL --seed 1 \
#       --discover-n-motifs 24 --workdir /tmp/r29/learn     # -> h61-CELL-seed1.md
# H61 result (read at 19:43 UTC): refuted. With up to 24 motifs per set (27-30 kept) the
# reader reaches K562 0.090, IMR90 0.075, HUVEC 0.143 against 0.113, 0.086, 0.115 with 12:
# mean 0.103 against 0.105 (-0.002). More words add weaker ones (and fragments of the same
# factors); the fits keep 12. Commit 31b2d48 (clone at 11f616a); 54-92 s a run.
#
# H62 (written at 19:44 UTC, after H61, before its fits). Goal 2's second part asks a model
# that is not handed the motifs to reach twice the prevalence (mean AUPR >= 0.10) over the
# held-out cell lines; the issue states it for a random first layer, which three seeds at four
# times the pairs left at 0.068 (round 26). Prediction: the recommended configuration with its
# first layer frozen at the motifs discovered without labels in the training cell lines'
# regions (H60's command) reaches a mean test AUPR of at least 0.10 over all eighteen held-out
# evaluations (six cell lines x seeds 0-2; H60's three fits and fifteen new ones) and is
# above distance alone (the benchmark's baseline, same pairs) by more than two standard
# errors of the paired difference. Refuted otherwise. Secondary: against the same
# configuration frozen at the true motifs (round 28's eighteen read fits), per seed.
# Fifteen jobs, two at a time on 2 cores, a fresh clone at the commit adding this:
#   kipoi-prism benchmark --full --tracks sequence --rows task_only --baselines distance \
#       --threads 1 --data-dir ../shared/data --set model.encoder=counts \
#       --set model.count_both_strands=true --stem-motifs discovered \
#       --set model.bilinear_rank=16 --set model.element_read=true --seeds SEED \
#       --held-out CELL --out /tmp/r29/runs/discovered-seedSEED-CELL
# (seed 0 and 2: all six cell lines; seed 1: GM12878, HeLa-S3, NHEK). Distance alone for
# H60's three: H58's runs (random-seed1-CELL, same simulation and pairs).
#
# H63 (written at 20:06 UTC, during H62's fits, before its runs). Where the discovered-stem
# model falls short of the true-motif stem, is it the motifs or the model? Prediction: over
# the eighteen evaluations the discovered-stem model (H62) is level with the discovered-motif
# reader on the same motifs (the learnability reader: training cell lines' regions, 12 a set):
# model minus reader within two standard errors of zero, as the true-motif model is level
# with the known-motif reader (H57). Then the gap to the true motifs is the motifs'. Refuted
# otherwise. Fifteen new reader runs (H59 ran seed 1 on K562, IMR90, HUVEC), two at a time:
#   python benchmarks/sequence_learnability.py --held-out CELL --seed SEED \
#       --workdir /tmp/r29/learn                          # -> reader-CELL-seedSEED.md
#
# H62 result (read at 20:42 UTC): refuted as written, narrowly. Over the eighteen evaluations
# the discovered-stem model averages 0.098 (0.059-0.154), short of the 0.10 asked; by seed
# 0.090, 0.108, 0.097. Its second part holds: above distance alone by +0.039 +- 0.006 (higher
# on 17 of 18; HUVEC at seed 0, 0.059 against 0.071, is the one below). Against the same
# configuration frozen at the true motifs: -0.052 +- 0.011 (higher on 1 of 18: HeLa-S3 at
# seed 1, 0.154 against 0.140); -0.097 at seed 0, where the true motifs reach 0.25 on IMR90
# and NHEK, -0.03 at seeds 1-2. For scale: the random first layer at the benchmark's size
# sits at chance (H58: 0.049-0.057) and at four times the pairs averages 0.068 over three
# seeds (round 26). Fits at commit e446c87 (discovery as in 2aaab30); the later commits'
# Bonferroni stop, repeat filter and window merging leave these motifs unchanged: the code
# of 3ef50c3 run on each of the eighteen fits' simulations gives the committed matrices
# (same words, entries within 1e-5; checked at 20:50 UTC). 329-518 s a fit, two at a time.
# Outputs in discovered-seedS-CELL (the discovered motifs of each: discovered-CELL-seedS.meme).
# H63 result (read at 20:57 UTC): refuted as written. The discovered-stem model minus the
# discovered-motif reader over the eighteen: -0.005 +- 0.002 (higher on 3 of 18), two and a
# half standard errors below zero where H57's true-motif model is level with its reader
# (-0.002 +- 0.002). The reader itself averages 0.104 and sits below the known-motif reader
# by -0.048 +- 0.010 (1 of 18): most of the gap to the true motifs (-0.052) is the motifs'
# (what discovery finds), a small part (-0.005) the model's. Reader runs at commit ade912f
# (clone at e446c87, the discovery code of the fits), 47-82 s a run, two at a time; outputs
# reader-CELL-seedS.md (and H59's h59-CELL-seed1.md for seed 1 on K562, IMR90, HUVEC).
#
# H64 (written at 21:01 UTC, after H63, before its runs). H63 puts the gap to the true
# motifs in the motifs. Each discovered matrix is built from the word's occurrences within
# one mismatch, which misses sites that differ from the word in two or more places and
# admits background words one mismatch away. New option DiscoveryConfig.refine (default 0,
# unchanged): that many passes of rebuilding each matrix from its own scan hits (log-odds
# score >= 0.75 of the best, the known-motif scan's rule; both strands, oriented). Prediction:
# one pass (--discover-refine 1) lifts the discovered-motif reader by at least +0.005 in mean
# test AUPR over K562, IMR90 and HUVEC at seed 1 (against H59's 0.113, 0.086, 0.115).
# Refuted otherwise. A reader-level test only; no fit is run with it this round.
#   python benchmarks/sequence_learnability.py --held-out CELL --seed 1 --discover-refine 1 \
#       --workdir /tmp/r29/learn                    # -> h64-CELL-seed1.md
# H64 result (read at 21:10 UTC): refuted. One pass rebuilding each matrix from its own scan
# hits lowers the reader: K562 0.100, IMR90 0.082, HUVEC 0.106 against 0.113, 0.086, 0.115
# (mean 0.096 against 0.105, -0.009; lower on 3 of 3). The scan at three quarters of the best
# score admits background windows that dilute the matrices. DiscoveryConfig.refine stays 0.
# Commit f9f95cf (clone at the same); 77-168 s a run beside the fresh-clone CI run.
