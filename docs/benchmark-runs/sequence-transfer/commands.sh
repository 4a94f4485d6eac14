#!/bin/bash
# Round 19 (sequence track, issue 18 goal 2, first part): why the frozen-motif-stem model
# falls short of the known-motif scan reader on held-out cell lines at seeds 1 and 2
# (-0.023 +- 0.004, round 18). Written before the runs. Each run's own command, commit and
# wall time are in its run.json; queue wall times are added below as the runs end.
#
# What the committed runs already say (written at 09:08 UTC, before any run of this round):
# - In distribution the model is as good as the reader. Best validation AUPR (chr1-3 of the
#   training cell lines) against the reader's validation AUPR, frozen-both-seedS
#   training_history.csv against learnability/CELL-seedS.md: seed 1 0.153 vs 0.166, seed 2
#   0.182 vs 0.182. On the held-out cell line it falls to 0.109 / 0.113 against 0.137 /
#   0.131. The gap is transfer to an unseen cell line, not fitting.
# - The readers show the same pattern for interaction terms. Over the 18 committed readers
#   (seeds 0-2, six held-out cell lines), adding every enhancer-motif x promoter-motif product
#   to the known-motif scan reader changes validation AUPR by +0.003 +- 0.003 but held-out
#   AUPR by -0.012 +- 0.004. The network's z_I reads v_E * v_P and a rank-16 bilinear term.
# - Chromosome validation never holds a region seen in training, while the held-out cell
#   line's pairs reuse the training cell lines' regions; and it measures fit to the training
#   cell lines' environments, not transfer to a new one. Early stopping and the calibrated
#   threshold are chosen on it.
#
# H27 (frozen stem, both strands, task-loss row, seed 1): model selection on the wrong shift.
# Validating on one whole unseen training cell line (--validate-on cell_line) stops training
# where the model transfers. Prediction: held-out AUPR, paired against frozen-both-seed1 on
# the three cell lines furthest below the reader (NHEK, K562, HUVEC), rises by more than
# +0.01 on average. Refuted if the mean change is below +0.01.
#
# H28 (same setting): explicit product inputs fit the training cell lines' compatibility,
# which does not transfer. New option model.element_products (default true, as before):
# false drops v_E * v_P from z_I's input; with model.bilinear_rank=0 z_I reads [v_E, v_P]
# alone (one ReLU layer still mixes them). Prediction: paired against frozen-both-seed1 on
# NHEK, K562, HUVEC, held-out AUPR rises by more than +0.01 on average. Refuted if the mean
# change is below +0.01.
#
# Either supported: the same change at seed 2 (and the other three cell lines at seed 1)
# before any claim about goal 2.
#
# Queues (a clone of main at the commit that adds these lines; one thread each):
cd /tmp/r19/clone
export PYTHONPATH=/tmp/r19/clone
PY="/work/main/.venv/bin/python -m kipoi_prism.cli.main"
COMMON19="benchmark --full --tracks sequence --rows task_only --baselines distance --threads 1 --data-dir /work/shared/data --set model.encoder=counts --set model.count_both_strands=true --stem-motifs frozen"
# queue A (H27):
$PY $COMMON19 --set model.bilinear_rank=16 --seeds 1 --held-out NHEK,K562,HUVEC --validate-on cell_line --out /tmp/r19/runs/frozen-both-valcell-seed1
# queue B (H28, at the commit that adds model.element_products):
$PY $COMMON19 --set model.bilinear_rank=0 --set model.element_products=false --seeds 1 --held-out NHEK,K562,HUVEC --out /tmp/r19/runs/frozen-both-additive-seed1
# then, for each:
#   python benchmarks/compare_runs.py --first docs/benchmark-runs/sequence-strands/frozen-both-seed1 --second RUN
#
# H27 result: validation on an unseen training cell line, paired against frozen-both-seed1:
# +0.002 +- 0.003, higher on 2 of 3 (NHEK 0.099, K562 0.099, HUVEC 0.109): refuted. The
# validation cell line's AUPR peaked at epoch 1 or 2 and fell after; the held-out AUPR of
# those early epochs is no better. Wall time 1,412 s (three fits, beside queue B).
# H28 result: without product inputs (element_products=false, bilinear_rank=0), paired
# against frozen-both-seed1: +0.020 +- 0.007, higher on 3 of 3 (NHEK 0.120, K562 0.100,
# HUVEC 0.142, above its reader's 0.135): supported. Training AUPR ends at 0.19-0.21
# instead of 0.26-0.29. Wall time 1,729 s (frozen-both-additive-seed1 -> folder -seed1-a).
#
# H29 (written at 09:39 UTC, after H28's result; seed1-b's fits (started 09:35) and
# seed2-a's (09:38) were running, none had finished):
# H28's gain is not a draw of the three cell lines picked for their gap, nor of seed 1.
# Prediction: over the twelve evaluations of seeds 1 and 2 (six held-out cell lines each,
# H28's three included), without products minus with products (frozen-both-seed1/-seed2,
# same simulations) is above +0.01 and above two standard errors. Refuted otherwise. Also
# counted, with no threshold set in advance: on how many of the twelve the model reaches the
# known-motif scan reader, and model minus reader.
#   queue A: q.sh frozen-both-additive-seed1-b --set model.bilinear_rank=0 --set model.element_products=false --seeds 1 --held-out GM12878,HeLa-S3,IMR90
#            then frozen-both-additive-seed2-b (the same at --seeds 2 --held-out GM12878,HeLa-S3,NHEK)
#   queue B: frozen-both-additive-seed2-a (--seeds 2 --held-out K562,IMR90,HUVEC)
#   merged per seed with kipoi-prism benchmark --merge into frozen-both-additive-seed1, -seed2.
#
# H30 (written at 11:23 UTC, after H28, before any seed-0 fit without
# product inputs): the recommended configuration should drop the product inputs only if it
# loses nothing at seed 0, where the product model already matched the reader (0.181 against
# 0.186, round 17). Prediction: at seed 0, over six held-out cell lines, without products
# minus with products (sequence-strands/frozen-both-seed0, same simulation) is above minus
# two standard errors (no loss). Refuted if it is below that.
#   queue B (after seed2-a): q.sh frozen-both-additive-seed0-a --set model.bilinear_rank=0 --set model.element_products=false --seeds 0 --held-out K562,IMR90,HUVEC
#   queue A (after seed2-b): the same --held-out GM12878,HeLa-S3,NHEK (-b)
#
# H29 result: over the eleven evaluations that finished, without minus with products
# +0.013 +- 0.004, higher on 10 of 11: supported. Model minus reader -0.010 +- 0.003,
# at or above the reader on 3 of 11 (1 of 12 with products). Wall times (queue.log):
# frozen-both-additive-seed1-b 1,859 s, -seed2-a 1,831 s (two processes on the two
# cores). The seed-2 second half ran at 11:23 as two processes: -seed2-b2 (HeLa-S3) 511 s;
# -seed2-b1 (NHEK, then GM12878) was stopped at 11:38 during GM12878's third epoch to leave
# the cores to the fresh-clone checks, so its folder holds NHEK's finished evaluation
# (results.csv, run.json) only. seed1-a and seed1-b merged into frozen-both-additive-seed1.
# H30: not run this round.

# Round 20 (written at 12:08 UTC). H30's six fits started at 12:08 from a clone at 66467d6
# (queue A: frozen-both-additive-seed0-a, then GM12878 at seed 2, frozen-both-additive-seed2-b3,
# completing H29's twelve; queue B: frozen-both-additive-seed0-b); none had finished.
#   queue A: q.sh frozen-both-additive-seed0-a --set model.bilinear_rank=0 --set model.element_products=false --seeds 0 --held-out K562,IMR90,HUVEC
#            q.sh frozen-both-additive-seed2-b3 (the same at --seeds 2 --held-out GM12878)
#   queue B: q.sh frozen-both-additive-seed0-b (the same at --seeds 0 --held-out GM12878,HeLa-S3,NHEK)
#
# H31 (written at 12:08 UTC, before any random-stem fit without product inputs): the
# product inputs also hold back the random-first-layer model, whose six held-out cell
# lines average 0.091 at four times the pairs (round 18, H23; goal 2 asks 0.10). A pilot
# on two held-out cell lines chosen now: K562 (the best, 0.115: does the change cost it?)
# and HUVEC (at chance, 0.051). Prediction: without products (element_products=false,
# bilinear_rank=0) minus with products (sequence-strands/random-both-augment-4x-<cell>,
# same simulation, seed 0), averaged over the two, is above +0.01. Refuted otherwise. Two
# fits decide nothing about six; supported, the other four run next.
#   (no --stem-motifs; H20's command with the change)
#   R4X="--pairs-per-cell-line 10000 --train-pairs-per-cell-line 8000 --set train.reverse_complement=true --set train.max_shift=20"
#   benchmark --full --tracks sequence --rows task_only --baselines distance --threads 1 --data-dir /work/shared/data --set model.encoder=counts --set model.count_both_strands=true --set model.bilinear_rank=0 --set model.element_products=false --seeds 0 $R4X --held-out K562 --out /tmp/r19/runs/random-both-additive-4x-K562
#   (queue A after seed2-b3; queue B after seed0-b: --held-out HUVEC, random-both-additive-4x-HUVEC)
#
# H30 interim (12:31 UTC; four of six seed-0 fits finished, HUVEC and NHEK running):
# without products minus with products at seed 0: K562 0.138 vs 0.178, GM12878 0.131 vs
# 0.162, IMR90 0.252 vs 0.277, HeLa-S3 0.131 vs 0.136: lower on all four, so H30 is on its
# way to refutation. H31 withdrawn before any fit: its pilot is at seed 0, where the same
# change costs the frozen-stem model on every cell line so far, and the slot goes to H32,
# which asks which of the two product terms does what. H31 moves to "Not run".
#
# H32 (written at 12:31 UTC, before any of its fits): z_I's two product terms do
# different things. v_E * v_P (element-wise, in the embedding's own basis, 2 x 96 features)
# is what fits the training cell lines and fails to transfer at seeds 1-2, while the
# rank-16 bilinear term (A v_E) * (B v_P) (16 features, its own projections; the
# simulator's truth is the bilinear form x_e^T W x_p) carries seed 0's gain. Arm B keeps
# the bilinear term alone (element_products=false, bilinear_rank=16). On H28's three cell
# lines (NHEK, K562, HUVEC) at seeds 0 and 1, paired on the same simulations, predicted:
#   (a) seed 1: arm B minus both terms (sequence-strands/frozen-both-seed1) above +0.01;
#   (b) seed 0: arm B minus neither term (frozen-both-additive-seed0) above +0.01.
# Supported if both hold; refuted otherwise. Then arm P (element_products=true,
# bilinear_rank=0: the element-wise product alone) on the same six, to complete the 2 x 2,
# described, with no threshold.
#   queue A (after GM12878 at seed 2): q.sh frozen-bilinear-only-seed0 --set model.bilinear_rank=16 --set model.element_products=false --seeds 0 --held-out NHEK,K562,HUVEC
#            then q.sh frozen-elementwise-only-seed0 --set model.bilinear_rank=0 --seeds 0 --held-out NHEK,K562,HUVEC
#   queue B (after seed0-b): the same two at --seeds 1 (-seed1)
#
# H30 result: at seed 0, without minus with products -0.017 +- 0.008 over the six, higher
# on 1 of 6 (HUVEC): below minus two standard errors (-0.0166 against -0.0164), so
# refuted, at the edge. Over the eighteen evaluations of seeds 0-2 the change is +0.002 +-
# 0.005: not adopted. Wall times: frozen-both-additive-seed0-a 1,465 s, -b 1,479 s (two
# processes). GM12878 at seed 2 (frozen-both-additive-seed2-b3, 513 s): 0.091 against
# 0.097; H29 over its twelve: +0.011 +- 0.004, higher on 10 of 12 (still supported).
#
# H32 result (arm B, bilinear term alone): (a) seed 1, minus both terms: NHEK +0.017, K562
# +0.012, HUVEC +0.009, mean +0.012 (> +0.01); (b) seed 0, minus neither term: NHEK -0.006,
# K562 +0.050, HUVEC +0.004, mean +0.016 (> +0.01): supported, on three cell lines a seed.
# Wall times: frozen-bilinear-only-seed0 1,073 s, -seed1 1,510 s. Arm P (element-wise
# product alone) was started at 12:58-12:59 and stopped at 13:02, before any evaluation
# finished, to give the cores to H33: it moves to "Not run".
# Correction to H32's wording (not its prediction): with the count encoder and the frozen
# stem, v_E * v_P has 56 features (one per filter: its enhancer count times its promoter
# count), not 2 x 96; the bilinear term mixes filters, so it can pair different motifs.
#
# H33 (written at 13:03 UTC, after H32, before any of its fits): the bilinear-only model
# (element_products=false, bilinear_rank=16) is better than the current recommended model
# (both terms) beyond the six evaluations that suggested it. Prediction: on the twelve
# evaluations not yet run (seeds 0 and 1: GM12878, HeLa-S3, IMR90; seed 2: all six),
# bilinear-only minus both terms (sequence-strands/frozen-both-seedS, same simulations) is
# above zero by more than two standard errors. Refuted otherwise. Adopted in the recommended
# configuration only if supported and, over all eighteen, it also loses nothing against
# dropping both terms (frozen-both-additive-seedS: above minus two standard errors).
B="--set model.bilinear_rank=16 --set model.element_products=false"
#   queue A: q.sh frozen-bilinear-only-seed0-b $B --seeds 0 --held-out GM12878,HeLa-S3,IMR90
#            q.sh frozen-bilinear-only-seed2-a $B --seeds 2 --held-out K562,IMR90,HUVEC
#   queue B: qB.sh frozen-bilinear-only-seed1-b $B --seeds 1 --held-out GM12878,HeLa-S3,IMR90
#            qB.sh frozen-bilinear-only-seed2-b $B --seeds 2 --held-out GM12878,HeLa-S3,NHEK
#
# H33 interim (13:28 UTC; six of twelve in, seed 2 running): bilinear-only minus both terms
# at seed 0 GM12878 -0.026, HeLa-S3 -0.020, IMR90 -0.040; at seed 1 GM12878 +0.018, HeLa-S3
# +0.023, IMR90 +0.028. Which inputs transfer depends on the simulation, not the cell line.
#
# H34 (written at 13:29 UTC, before reading any simulation's compatibility matrix for it):
# v_E * v_P pairs each filter with itself (the same motif in enhancer and promoter), so it
# can only express the diagonal of the simulator's W. The product terms help at seed 0 and
# hurt at seeds 1-2 because seed 0's grammar leans more on same-motif pairs. Measure, per
# seed, on every simulated pair (planted-site counts x = log(1 + n) from sites.bed, W from
# truth.json): the share of the variance of m = 0.3 S + 0.7 G_c (the label's motif term;
# gating_strength 0.7) explained by its diagonal part (the k = j terms), as a squared
# correlation. Prediction: seed 0's share is above both seed 1's and seed 2's. Refuted
# otherwise (with three seeds, a one-in-three chance by luck: a weak test, no fit needed).
#   python benchmarks/grammar_diagonal.py /tmp/r19/runs/frozen-bilinear-only-seed{0,1}/sim-seed{0,1} /tmp/r19/runs/frozen-bilinear-only-seed2-a/sim-seed2
#
# H34 result (13:33 UTC; benchmarks/grammar_diagonal.py, output in grammar-diagonal.md,
# a few seconds): r^2 between m and its diagonal part: seed 0 0.081, seed 1 0.012, seed 2
# 0.089. Seed 0's is not above seed 2's, where dropping the products helped: refuted. At
# every seed the diagonal explains under a tenth of the motif term (3-5% of W's
# magnitude), so the same-motif products cannot be what carries seed 0's gain. The
# recomputed m matches the labels' u_star to 5e-9 at each seed.
#
# Arm P of H32 (the element-wise product alone; described, no threshold, as H32 said),
# queued at 13:35 UTC after H33's seed-2 fits:
#   queue A: q.sh frozen-elementwise-only-seed0 --set model.bilinear_rank=0 --seeds 0 --held-out NHEK,K562,HUVEC
#   queue B: qB.sh frozen-elementwise-only-seed1 (the same at --seeds 1)
#
# H33 result: on the twelve new evaluations, bilinear-only minus both terms -0.003 +-
# 0.006, higher on 6 of 12: refuted. Over all eighteen: minus both +0.001 +- 0.005, minus
# neither -0.001 +- 0.004; by seed, seed 0 favours both terms, seed 1 dropping v_E * v_P,
# seed 2 dropping both. Not adopted. Wall times: frozen-bilinear-only-seed0-b 1,355 s,
# -seed1-b 1,260 s, -seed2-a 1,765 s, -seed2-b 1,751 s (two processes on the two cores).
#
# Arm P result (the element-wise product alone, seeds 0 and 1, NHEK/K562/HUVEC): minus
# both terms -0.004 +- 0.008 (4 of 6), minus neither -0.008 +- 0.004, minus the bilinear
# term alone -0.012 +- 0.008. Wall times 2,356 s (seed 0) and 2,259 s (seed 1), beside the
# fresh-clone checks.
#
# ---- Round 21 (2026-12-03) ----
# Reading of rounds 19-20: each simulation seed favours a different z_I input, and every
# input change moves held-out AUPR by 0.01-0.02 with a sign that follows the seed. That is
# what fit noise (one initialisation per evaluation) would look like as well as what a
# real grammar effect would. Two tests of the noise reading, the free one first.
#
# H35 (written at 15:24 UTC, before any scoring for it): the three z_I variants already
# fitted on the same simulations (both product terms: sequence-strands/frozen-both-seedS;
# the bilinear term alone: frozen-bilinear-only-seedS*; neither: frozen-both-additive-seedS*)
# differ mostly by fit noise, so the mean of their three probabilities is better than its
# members. Prediction: over the 18 evaluations (six held-out cell lines x seeds 0-2), the
# ensemble's held-out AUPR minus its members' mean AUPR is above zero by more than two
# standard errors. Refuted otherwise. Described beside it: the ensemble minus the
# known-motif scan reader on the same simulation (the bar of goal 2's first part).
# The new benchmarks/sequence_ensemble.py scores each member again on the held-out pairs
# (checking the AUPR its run recorded) and averages the probabilities.
#
# H36 (written at 15:24 UTC, before its fits): the same holds within one configuration.
# Three initialisations of the recommended configuration (both product terms; the
# benchmark's train.seed = the simulation seed, plus --set train.seed=11 and 21), same
# simulation, same training pairs, averaged, beat the single benchmark fit. Prediction: at
# simulation seed 1 (where the gap to the reader is largest), over the six held-out cell
# lines, the three-fit ensemble minus the single fit (sequence-strands/frozen-both-seed1)
# is above zero by more than two standard errors. Refuted otherwise. Adopted (the product
# ships or recommends an ensemble) only if supported and it also holds at seed 2.
R="--set model.bilinear_rank=16 --seeds 1"
#   queue A: q.sh frozen-both-seed1-init11-a $R --set train.seed=11 --held-out K562,IMR90,HUVEC
#            q.sh frozen-both-seed1-init11-b $R --set train.seed=11 --held-out HeLa-S3,GM12878,NHEK
#   queue B: qB.sh frozen-both-seed1-init21-a $R --set train.seed=21 --held-out K562,IMR90,HUVEC
#            qB.sh frozen-both-seed1-init21-b $R --set train.seed=21 --held-out HeLa-S3,GM12878,NHEK
#
# H35 run (15:30-16:02 UTC, beside H36's fits; the script as committed in 84f8a5b, not yet
# committed when it started at d1db9c1; output in ensemble-variants/):
#   python benchmarks/sequence_ensemble.py --member both <round 17-18 runs of
#     sequence-strands/frozen-both-seed{0,1,2}> --member bilinear <the runs of
#     frozen-bilinear-only-seed*> --member neither <the runs of frozen-both-additive-seed*>
#     --readers docs/benchmark-runs/learnability --out ensemble-variants
#   (the full command with its /tmp paths is in ensemble-variants/run.json; 1,951 s)
# H35 result: every member rescored to the AUPR its run recorded. Ensemble minus its
# members' mean +0.007 +- 0.001, higher on 18 of 18: supported. Ensemble minus each
# member: both terms +0.008 +- 0.002 (14 of 18), the bilinear term alone +0.007 +- 0.003
# (13 of 18), neither +0.006 +- 0.003 (11 of 18). Ensemble minus the known-motif scan
# reader -0.009 +- 0.003 (at or above it on 5 of 18).
#
# H36b (written at 16:03 UTC, before its fits; H36's seed-1 fits half done): H36's
# adoption check at seed 2, on three held-out cell lines (K562, IMR90, HUVEC; two more
# initialisations, 12 and 22). Prediction: the three-fit ensemble is above the single fit
# (sequence-strands/frozen-both-seed2) on all three. Refuted otherwise.
R2="--set model.bilinear_rank=16 --seeds 2 --held-out K562,IMR90,HUVEC"
#   queue A (after H36's): q.sh frozen-both-seed2-init12 $R2 --set train.seed=12
#   queue B (after H36's): qB.sh frozen-both-seed2-init22 $R2 --set train.seed=22
#
# H36 fits (15:24-16:27 UTC, two processes on the two cores beside H35's scoring; wall
# times 1,736 s, 1,599 s, 2,105 s and 1,647 s for three fits each):
#   frozen-both-seed1-init11-a/-b, frozen-both-seed1-init21-a/-b (the commands above)
# H36 ensemble (16:29-16:39 UTC, 627 s, at 70f5fe9; output in ensemble-inits-seed1/):
#   python benchmarks/sequence_ensemble.py --member single <the runs of
#     sequence-strands/frozen-both-seed1> --member init11 <frozen-both-seed1-init11-a/-b>
#     --member init21 <frozen-both-seed1-init21-a/-b> --readers docs/benchmark-runs/learnability
#     --out ensemble-inits-seed1
# H36 result: ensemble minus the single benchmark fit +0.010 +- 0.003, higher on 6 of 6:
# supported. But the benchmark's fit was the lowest of the three on average (0.109 against
# 0.113 and 0.117), so the fair gain is against the members' mean: +0.006 +- 0.002 (6 of
# 6). Ensemble minus the reader -0.018 +- 0.007 (0 of 6). Adoption waits for H36b.
#
# H36b fits (16:20-16:58 UTC; 1,679 s and 1,852 s for three fits each, two processes):
#   frozen-both-seed2-init12, frozen-both-seed2-init22 (the commands above)
# H36b ensemble (16:58-17:00 UTC, 84 s, at 9248dd6 with this round's doc tests uncommitted;
# output in ensemble-inits-seed2/): sequence_ensemble.py --member single <the run of
# sequence-strands/frozen-both-seed2 holding K562, IMR90, HUVEC> --member init12 ...
# --member init22 ... --readers docs/benchmark-runs/learnability
# H36b result: the ensemble is above the benchmark's fit on 1 of 3 (HUVEC +0.005; IMR90
# level, K562 -0.015): refuted. Here the benchmark's fit was the best of the three on
# K562 (0.156 against 0.133 and 0.128). Against the members' mean +0.004 +- 0.001 (3 of
# 3). Not adopted: averaging initialisations always beats the average fit (9 of 9) but
# not reliably the one fit the benchmark ran; the recommended configuration and the
# shipped weights are unchanged.
#
# ---- Round 22 ----
# Probe (17:59-18:07 UTC, a /tmp script before H37; then committed as
# benchmarks/sequence_head_forms.py at 5cf1f4a, which gave the same numbers, run
# 18:09-18:18 UTC beside H37's fits, 230 s and 292 s; output in head-forms-seed1/, -seed2/):
#   python benchmarks/sequence_head_forms.py --seed 1 --held-out K562,IMR90,HUVEC \
#       --out docs/benchmark-runs/sequence-transfer/head-forms-seed1     # then --seed 2
# On the known-motif scan features of the learnability readers (same simulation, same
# training pairs and validation split), K562/IMR90/HUVEC at seeds 1 and 2, three
# initialisations each, a network of the model's head form (dropout 0.3, 64 ReLU units,
# one output; AdamW, weighted BCE, early stopping on validation AUPR) transfers worse than
# the same network without the ReLU: identity minus ReLU +0.009 (6 of 6) without the
# element-wise products, +0.008 (6 of 6) with them; the L2 logistic reader sits 0.005
# above the identity network. (The /tmp probe also tried weight decay 0.1 instead of
# 0.001 on the ReLU networks: means of three initialisations within 0.007 of 0.001's on
# each of the 12 comparisons, no direction; that variant is not in the committed script.)
#
# H37 (written at 18:06 UTC, before its fits): the sequence model's gap to the
# reader is the ReLU of z_I. The recommended configuration with the first layer frozen at
# the motifs and --set model.interaction_activation=identity (z_I affine, so U_I is linear
# in v_E, v_P, v_E * v_P and the rank-16 term) transfers better than with the ReLU.
# Prediction: on K562, IMR90 and HUVEC at simulation seeds 1 and 2, three initialisations
# each (the benchmark's, 11/21 at seed 1, 12/22 at seed 2: the same as the committed
# ReLU fits of ensemble-inits-seed1/-seed2), the identity members' mean minus the ReLU
# members' mean is above zero by more than two standard errors over the six evaluations;
# refuted otherwise. Goal 2's first part is reached if the identity members' mean minus
# the reader averages >= -0.005 over the six.
# Adoption (added at 18:23 UTC, while the fits ran; K562's results at both seeds had been
# seen: 0.098 and 0.133): if H37 is supported, the recommended configuration gets
# interaction_activation: identity and the shipped sequence weights are retrained with it.
R1="--set model.bilinear_rank=16 --set model.interaction_activation=identity --seeds 1 --held-out K562,IMR90,HUVEC"
R2="--set model.bilinear_rank=16 --set model.interaction_activation=identity --seeds 2 --held-out K562,IMR90,HUVEC"
#   queue A: q.sh frozen-identity-seed1 $R1; q.sh frozen-identity-seed2-init12 $R2 --set train.seed=12
#            q.sh frozen-identity-seed1-init21 $R1 --set train.seed=21
#   queue B: qB.sh frozen-identity-seed2 $R2; qB.sh frozen-identity-seed1-init11 $R1 --set train.seed=11
#            qB.sh frozen-identity-seed2-init22 $R2 --set train.seed=22
#
# H37 fits (18:06-19:34 UTC, two processes on the two cores, with the head-form runs and a
# speculative retraining of the shipped weights beside them; commit 1f5c758; wall times
# 1,518-2,026 s for three fits each): the six commands above, output in
# frozen-identity-seed1, -seed1-init11, -seed1-init21, -seed2, -seed2-init12, -seed2-init22.
# H37 result: identity members' mean minus ReLU members' mean +0.002 +- 0.004 (higher on 4
# of 6): refuted. Identity minus the reader -0.019 +- 0.003 (ReLU: -0.021 +- 0.004). Not
# adopted: the recommended configuration and the shipped weights are unchanged (the
# speculative retraining, validation AUPR 0.158 against the shipped 0.165, was discarded).
# Head forms rerun with the rank-16 forms added (18:58-19:12 UTC, 421 s and 435 s, commit
# 1084edd; seed 2's run is marked -dirty because seed 1's outputs had just been rewritten):
#   python benchmarks/sequence_head_forms.py --seed 1 --held-out K562,IMR90,HUVEC \
#       --out docs/benchmark-runs/sequence-transfer/head-forms-seed1     # then --seed 2
# The four earlier forms gave the same numbers as the first run.
#
# ---- Round 23 ----
# H38 (written at 21:34 UTC, before any of its fits): the frozen-stem model's gap to the
# known-motif scan reader at seeds 1-2 is the form of its interaction head, not its
# encoder. On the reader's own features the additive form without the ReLU (no
# element-wise products, no rank-16 term, z_I affine: "identity" in head-forms-seed1/-2)
# sits 0.004 below the reader, while the recommended form sits 0.019 below it. The
# recommended configuration with the frozen stem and --set model.bilinear_rank=0 --set
# model.element_products=false --set model.interaction_activation=identity (U_I affine in
# [v_E, v_P]: an additive model on the count encoder's pooled sites) is run with three
# initialisations per evaluation (train.seed: the benchmark's, 11/21 at seed 1, 12/22 at
# seed 2, as the ReLU fits of ensemble-inits-seed1/-seed2 and H37's) on K562, IMR90 and
# HUVEC at simulation seeds 1 and 2.
# Prediction: the members' mean minus the reader averages >= -0.005 over the six
# evaluations (goal 2's first part on these six), and the members' mean minus the
# recommended configuration's ReLU members' mean is above zero by more than two standard
# errors. Refuted if either fails. If the first fails while the second holds, the head form
# explains part of the gap and the rest is the encoder (learned site thresholds, log-sum
# pooling): the next check freezes the thresholds. If neither holds, the head form is not
# the gap on the model's own features.
# Adoption (written now): none this round, whatever the result. Seed 0 favoured the
# product terms (H30, H32), so a change of head form needs seed 0's three cell lines with
# three fits each too before it can become the recommended configuration; that is more
# than this round's time.
A="--set model.bilinear_rank=0 --set model.element_products=false --set model.interaction_activation=identity --held-out K562,IMR90,HUVEC"
#   queue A: q.sh frozen-additive-identity-seed1 $A --seeds 1
#            q.sh frozen-additive-identity-seed2-init12 $A --seeds 2 --set train.seed=12
#            q.sh frozen-additive-identity-seed1-init21 $A --seeds 1 --set train.seed=21
#   queue B: qB.sh frozen-additive-identity-seed2 $A --seeds 2
#            qB.sh frozen-additive-identity-seed1-init11 $A --seeds 1 --set train.seed=11
#            qB.sh frozen-additive-identity-seed2-init22 $A --seeds 2 --set train.seed=22
#
# Site thresholds (21:42 UTC, while H38's fits ran; commit 8fe0bdf, 2 s; output in
# site-thresholds/): before spending fits on train.freeze_thresholds (new this round),
# measure how far the learned thresholds moved in round 21's ReLU fits and H37's identity
# fits (their weights, kept outside the repository by the benchmark commands above):
R=/tmp/r19/runs
#   python benchmarks/site_thresholds.py $R/frozen-both-seed1-init11-a $R/frozen-both-seed1-init11-b \
#       $R/frozen-both-seed1-init21-a $R/frozen-both-seed1-init21-b $R/frozen-both-seed2-init12 \
#       $R/frozen-both-seed2-init22 $R/frozen-identity-seed1 $R/frozen-identity-seed1-init11 \
#       $R/frozen-identity-seed1-init21 $R/frozen-identity-seed2 $R/frozen-identity-seed2-init12 \
#       $R/frozen-identity-seed2-init22 --out docs/benchmark-runs/sequence-transfer/site-thresholds
# Result: over 72 encoders (36 fits, each with an enhancer and a promoter encoder),
# every fraction ends between 0.722 and 0.777 of the filter's best score (start 0.75; medians
# 0.744-0.751); no filter of 4,032 moved more than 0.05. The learned thresholds stay at the
# reader's rule, so they are not where the model's features part from the reader's; the
# freeze option is not worth three fits per evaluation this round.
#
# H39 (written at 22:02 UTC, before its runs; H38's first two fits were in, K562 at both
# seeds: 0.106 and 0.137): on the reader's features, the model's training regime, not its
# head form, is what leaves a network short of the reader. benchmarks/sequence_head_forms.py
# trains its networks 40 epochs with class-weighted cross-entropy; the benchmark's model
# trains at most 6 epochs with IMMAX. Prediction: the identity network and the recommended
# form (relu + products + rank 16), three initialisations each, trained as the model is
# (--epochs 6 --loss immax) sit below the same networks trained as the script does (the
# committed head-forms-seed1/-2, same seeds and initialisations) by more than 0.01 on
# average over the six evaluations (K562, IMR90, HUVEC at seeds 1 and 2) and by more than
# two standard errors, for each of the two forms. Refuted otherwise. The two factors alone
# (--epochs 6; --loss immax) are run too and described, no threshold. No model change is
# adopted from a probe; a supported H39 earns a model fit with the changed regime next.
#   python benchmarks/sequence_head_forms.py --seed S --held-out K562,IMR90,HUVEC \
#       --forms identity,"relu + products + rank 16" --epochs 6 --loss immax \
#       --out docs/benchmark-runs/sequence-transfer/head-forms-model-regime-seedS
#   the same with --epochs 6 only (head-forms-6-epochs-seedS) and --loss immax only
#   (head-forms-immax-seedS), S = 1, 2; beside H38's fits (nice 10).
# H39 runs (22:02-22:19 UTC, commit 3e2f2f7, beside H38's fits; the first started at nice 10
# and was set back to 0 after 5 minutes; 80-364 s each): output in
# head-forms-model-regime-seed*, head-forms-6-epochs-seed*, head-forms-immax-seed*.
# H39 result: trained as the model is (6 epochs, IMMAX) minus trained as the script does
# (the committed head-forms-seed1/-2), three initialisations' means over the six: identity
# -0.003 +- 0.003 (higher on 1 of 6), relu + products + rank 16 -0.002 +- 0.003 (3 of 6):
# refuted for both forms (far from -0.01). Alone: 6 epochs -0.004 +- 0.002 and +0.002 +-
# 0.001; IMMAX -0.002 +- 0.003 and -0.003 +- 0.004. The reader's AUPR repeats the committed
# runs exactly. The training regime is not what leaves the model short of the reader.
#
# H40 (written at 22:45 UTC, before its fits; four of H38's six commands were in and their
# per-cell results had been looked at, not yet summarised): whatever H38's verdict, the additive model without the ReLU is only a
# candidate for the recommended configuration if it does not lose where the product terms
# won (seed 0: H30, H32). Prediction: at simulation seed 0, on K562, IMR90 and HUVEC, one
# fit each (the benchmark's initialisation, as frozen-both-seed0 and
# frozen-both-additive-seed0), H38's configuration minus the recommended configuration
# (sequence-strands/frozen-both-seed0) averages above zero. Refuted if not. One fit per
# evaluation is the time this round has left; a supported H40 earns three fits per
# evaluation at seed 0 before any adoption, a refuted one keeps the recommended
# configuration as it is.
A0="--set model.bilinear_rank=0 --set model.element_products=false --set model.interaction_activation=identity --seeds 0"
#   after H38, three processes at once: q.sh frozen-additive-identity-seed0-a $A0 --held-out K562
#   qB.sh frozen-additive-identity-seed0-b $A0 --held-out IMR90
#   q.sh frozen-additive-identity-seed0-c $A0 --held-out HUVEC
# H38 fits (21:34-23:13 UTC, commit bf3147d, two processes on the two cores, with H39's
# probe beside them for 17 minutes; 1,300-2,176 s for three fits each): the six commands
# above, output in frozen-additive-identity-seed1, -seed1-init11, -seed1-init21, -seed2,
# -seed2-init12, -seed2-init22.
# H38 result: members' mean minus the recommended configuration's ReLU members' mean
# +0.011 +- 0.004 (higher on 5 of 6; the second prediction holds); minus the reader -0.010
# +- 0.002 (0 of 6; the first fails): refuted. Minus H37's identity model +0.009 +- 0.002
# (6 of 6); minus the reader without the distance (head-forms-seed*) -0.006 +- 0.003.
# H40 fits (23:13-23:28 UTC, commit bf3147d, three processes on the two cores, 821-843 s):
# frozen-additive-identity-seed0-a (K562), -b (IMR90), -c (HUVEC).
# H40 result: minus the recommended configuration K562 -0.025, IMR90 -0.040, HUVEC +0.006,
# mean -0.020 +- 0.013: refuted. Not adopted (H38 refuted, H40 refuted): the recommended
# configuration and the shipped weights are unchanged.
#
# Round 24 (written at 01:25 UTC on 2026-12-04, from main at 9ea5b07; a fresh machine:
# the venv rebuilt by scripts/setup.sh, no experiment clone yet).
#
# Checked first from committed runs (no new fit; computed at 01:23 UTC, before H41 was
# written): H38's additive identity model (three fits' mean) minus the identity network on
# the reader's features trained as the model is (head-forms-model-regime-seed*, three
# initialisations' mean): +0.001 +- 0.003 over the six (higher on 4 of 6); minus the same
# network at 40 epochs with BCE (head-forms-seed*): -0.002 +- 0.002. So what the model has
# beyond that network (the environment stream and its R_E, lam, T; batch norm on
# cell-line-blocked batches; each motif scanned twice) costs nothing measurable at seeds
# 1-2. The reader without the distance minus that network: +0.007 +- 0.005. An exploratory
# probe (not committed: /tmp/r24/probe_c.py) fitted the reader at each C from 1e-5 to 100 on
# the same six evaluations: validation chooses C = 0.01 or 0.1, and held-out AUPR at C = 100
# (no shrinkage) is within 0.005 of it on every one, so the reader's edge is not its L2
# shrinkage.
#
# H41 (written at 01:25 UTC, before its runs): the head-form probe reproduces the model's
# seed-0 pattern. At simulation seed 0 the recommended configuration beat H38's additive
# identity model by +0.020 +- 0.013 (H40, one fit each, K562, IMR90, HUVEC), the opposite
# of seeds 1-2. If the product terms' seed-0 gain lies in the reader's features, the
# recommended form (relu + products + rank 16) beats the identity network there too.
# Prediction: on the reader's features at seed 0, K562, IMR90 and HUVEC, three
# initialisations each, trained as the model is (6 epochs, IMMAX), the recommended form's
# mean minus the identity network's mean averages above zero over the three cell lines.
# Refuted otherwise. Also run, described without a threshold: every form at 40 epochs with
# BCE (as head-forms-seed1/-2). Supported: head forms can be screened on the probe at seeds
# 0-2 (minutes) before any model fit. Refuted: the seed-0 product gain is not in the
# reader's features, and a head that keeps it must be judged in the model itself.
#   python benchmarks/sequence_head_forms.py --seed 0 --held-out K562,IMR90,HUVEC \
#       --forms identity,"relu + products + rank 16" --epochs 6 --loss immax \
#       --out docs/benchmark-runs/sequence-transfer/head-forms-model-regime-seed0
#   python benchmarks/sequence_head_forms.py --seed 0 --held-out K562,IMR90,HUVEC \
#       --out docs/benchmark-runs/sequence-transfer/head-forms-seed0
# H41 runs (01:28 UTC, commit 3ad2e34, from a clone with ../shared linked to /work/shared;
# a first attempt at 01:25 stopped at once: the clone had no ../shared/data): output in
# head-forms-model-regime-seed0 (42 s) and head-forms-seed0.
# H41 result (model regime): recommended form minus identity network K562 -0.029, IMR90
# -0.011, HUVEC -0.020 (three initialisations' means): refuted. On the reader's features the
# product form loses at seed 0 as at seeds 1-2; the model's seed-0 gain (its recommended
# fit 0.178, 0.277, 0.120 against the probe form's 0.134, 0.235, 0.114) is not there. The
# model's frozen stem holds exactly the vocabulary's 28 motifs on both strands (channels
# raised to 56, no random filters), so its inputs are the reader's; what differs is one fit
# of the model at seed 0 (round 17, commit 9ec19c8) against three of each network.
# Described beside it (40 epochs, BCE, every form; 276 s): the same order as at seeds
# 1-2, identity minus ReLU +0.018 +- 0.007 (3 of 3), the reader minus the recommended form
# +0.024 +- 0.009 (3 of 3).
#
# H42 (written at 01:30 UTC, before its fits): seed 0's product gain is one fit's luck, and
# judged with three fits per evaluation at seeds 0-2 the additive identity head (H38's
# configuration) is the better frozen-stem model. Two more initialisations at seed 0
# (train.seed = 10 and 20; the benchmark's own is the simulation seed) of the recommended
# configuration and of H38's, K562, IMR90 and HUVEC. Predictions: (a) at seed 0, H38's
# three-fit mean minus the recommended three-fit mean averages at least zero over the three
# cell lines; (b) over the nine evaluations (seeds 0-2, three fits each; seeds 1-2 from
# H38's committed fits and round 21's), that difference is above zero by more than two
# standard errors. Refuted if either fails. Adopted as the recommended sequence
# configuration only if both hold; refuted, nothing changes. The seed-0 fits of each
# configuration already committed (sequence-strands/frozen-both-seed0 at 9ec19c8;
# frozen-additive-identity-seed0-a/-b/-c at bf3147d) are the third fit.
RS0="--set model.bilinear_rank=16 --seeds 0 --held-out K562,IMR90,HUVEC"
AS0="--set model.bilinear_rank=0 --set model.element_products=false --set model.interaction_activation=identity --seeds 0 --held-out K562,IMR90,HUVEC"
#   queue A: q.sh frozen-both-seed0-init10 $RS0 --set train.seed=10
#            q.sh frozen-additive-identity-seed0-init10 $AS0 --set train.seed=10
#   queue B: q.sh frozen-both-seed0-init20 $RS0 --set train.seed=20
#            q.sh frozen-additive-identity-seed0-init20 $AS0 --set train.seed=20
#   (q.sh NAME ARGS: cd /tmp/r24/clone; PYTHONPATH=$PWD python -m kipoi_prism.cli.main
#    benchmark --full --tracks sequence --rows task_only --baselines distance --threads 1
#    --data-dir /work/shared/data --set model.encoder=counts --set
#    model.count_both_strands=true --stem-motifs frozen ARGS --out /tmp/r24/runs/NAME)
#
# H43 (written at 01:43 UTC, before its runs; H42's first fit in, K562 with train.seed=20:
# 0.182): what the model has at seed 0 that the probe's networks lack is how the energy
# head treats each training cell line. The head scores a pair of cell line c as
# (U - R_E + lam U R_E) / T: a scale and a shift per cell line, learned through the
# environment stream. benchmarks/sequence_head_forms.py gains --cell-terms: every network
# gets a learned scale and shift per training cell line (zero at the start, the other layers
# starting as without them), logit = (1 + a_c) U - b_c on training and validation pairs,
# U alone on the held-out cell line. Prediction: at seed 0, K562, IMR90 and HUVEC, model
# regime (6 epochs, IMMAX), three initialisations each, the recommended form (relu +
# products + rank 16) with the cell-line terms minus without (head-forms-model-regime-seed0)
# averages above +0.01. Refuted otherwise. Described beside it: the identity form, and both
# forms at seeds 1-2 (against head-forms-model-regime-seed1/-2).
#   python benchmarks/sequence_head_forms.py --seed S --held-out K562,IMR90,HUVEC \
#       --forms identity,"relu + products + rank 16" --epochs 6 --loss immax --cell-terms \
#       --out docs/benchmark-runs/sequence-transfer/head-forms-cell-terms-seedS   (S = 0, 1, 2)
# H43 runs (01:43-01:47 UTC, commit d3c3410, one process beside H42's two; 65-67 s each):
# output in head-forms-cell-terms-seed0, -seed1, -seed2. The readers repeat the committed
# model-regime runs exactly.
# H43 result: with the cell-line terms minus without, the recommended form at seed 0:
# +0.002, +0.000, -0.003 (K562, IMR90, HUVEC), -0.000 +- 0.002: refuted. Over seeds 0-2
# +0.001 +- 0.001 (higher on 6 of 9); the identity form -0.005 +- 0.003 (3 of 9). A scale
# and shift per training cell line do not give the probe the model's seed-0 gain.
#
# H44 (written at 01:53 UTC, before its runs; H42's recommended fits half in: K562 0.126
# and 0.182, IMR90 0.282 and 0.258, against the committed 0.178 and 0.277): the model's
# inputs are not quite the reader's, and the difference is what its product form uses at
# seed 0. The frozen stem holds each motif twice (its filter and its reverse complement,
# each scanning both strands: the same count in two columns, so the input dropout of 0.3
# rarely removes a motif), cuts the one 18-column motif to its most informative 15, and pads
# ("same"). benchmarks/sequence_head_forms.py gains --features model: the probe's networks
# (and the reader) on log(1 + counts) from the count encoder the benchmark builds.
# Prediction: at seed 0, K562, IMR90 and HUVEC, model regime, three initialisations each,
# the recommended form on the model's inputs minus on the reader's
# (head-forms-model-regime-seed0) averages above +0.01. Refuted otherwise. Described: the
# identity form, the reader on those inputs, and seeds 1-2.
#   python benchmarks/sequence_head_forms.py --seed S --held-out K562,IMR90,HUVEC \
#       --forms identity,"relu + products + rank 16" --epochs 6 --loss immax --features model \
#       --out docs/benchmark-runs/sequence-transfer/head-forms-model-inputs-seedS   (S = 0, 1, 2)
# H44 runs (01:53-01:59 UTC, commit dae094d, one process beside H42's two; 93-102 s each):
# output in head-forms-model-inputs-seed0, -seed1, -seed2.
# H44 result: on the model's inputs minus on the reader's, the recommended form at seed 0:
# K562 -0.011, IMR90 +0.024, HUVEC +0.002; mean +0.005 +- 0.010: refuted (below +0.01).
# Over seeds 0-2 +0.000 +- 0.004 (higher on 6 of 9); the identity form -0.002 +- 0.002,
# the reader +0.000 +- 0.003. The model's inputs are the reader's for these networks
# (IMR90 at seed 0 moves up, towards the model's 0.26-0.28, on one cell line only).
# H42 fits, recommended configuration (01:30-01:59 UTC, commit b6477bd, two processes on
# the two cores beside H41/H43/H44's probes; 1,579 s and 1,704 s for three cell lines):
# frozen-both-seed0-init10 (K562 0.126, IMR90 0.282, HUVEC 0.127) and -init20 (0.182,
# 0.258, 0.128).
#
# H45 (written at 02:09 UTC, before its fits; H42's additive fits on K562 in: 0.159 and
# 0.152): the model's seed-0 gain over the probe's networks (H41, H43, H44 refuted) comes
# from its training batches: four cell-line-pure blocks of 16 pairs, with each block's
# 32-pair support set, pass the count encoder's batch normalisation together, while the
# probe standardises once over all training pairs. Prediction: with one cell line per batch
# (--set train.blocks_per_batch=1 --set train.block_size=64: the same 64 pairs a batch), the
# recommended configuration on IMR90 at seed 0 (the cell line whose gain all three fits
# show: 0.277, 0.282, 0.258) falls by more than 0.01 at both initialisations run
# (train.seed=10 and 20), paired with frozen-both-seed0-init10 and -init20 (same code).
# Refuted otherwise. One cell line, two fits: a mechanism check, no configuration change.
RB="--set model.bilinear_rank=16 --seeds 0 --held-out IMR90 --set train.blocks_per_batch=1 --set train.block_size=64"
#   after H42's fits, one process each: q.sh frozen-both-seed0-init10-one-cell-batches $RB --set train.seed=10
#                                       q.sh frozen-both-seed0-init20-one-cell-batches $RB --set train.seed=20
# H42 fits, additive identity (01:56-02:20 UTC, commit b6477bd, two processes; 1,389 s and
# 1,291 s): frozen-additive-identity-seed0-init10 (K562 0.159, IMR90 0.238, HUVEC 0.145) and
# -init20 (0.152, 0.260, 0.125).
# H42 result: at seed 0, the additive identity three-fit mean minus the recommended one:
# K562 -0.007, IMR90 -0.027, HUVEC +0.007; -0.009 +- 0.010 (higher on 1 of 3): (a) fails.
# Over the nine evaluations +0.004 +- 0.005 (higher on 6 of 9): (b) fails. Refuted; not
# adopted: the recommended configuration and the shipped weights are unchanged. With three
# fits, the recommended configuration's IMR90 gain at seed 0 holds (0.277, 0.282, 0.258,
# against the reader's 0.248), its K562 fits spread from 0.126 to 0.182.
# H45 was held back by an interruption of this session (02:20-03:10 UTC) and run after the
# fresh-clone checks.
# H45 fits (03:34-03:38 UTC, commit b6477bd, the same code as H42's fits; two processes;
# 195 s and 262 s, both stopped early with the best validation epoch the first):
# frozen-both-seed0-init10-one-cell-batches (IMR90 0.231) and -init20-one-cell-batches
# (0.240); committed as one-cell-batches-seed0-init10 and -init20 (a name that the
# recommended configuration's frozen-both-seed0-init* folders do not match).
# H45 result: one cell line per batch minus the four-block batches, paired by
# initialisation: -0.051 (init 10, against 0.282) and -0.018 (init 20, against 0.258);
# both below -0.01: supported as written. It does not tell whether mixed batches are where
# the model's gain over the probe comes from or whether one-cell-line batches only harm the
# fit (validation AUPR peaked at epoch 1 in both); batches mixed pair by pair would need a
# support set per pair, and batch normalisation off is not an option yet.
#
# ---- Round 25 ----
# H46 (written at 05:47 UTC, before its runs): what separates the identity network on the
# reader's features, trained as the model is (6 epochs, IMMAX), from the L2 reader (reader
# minus it: +0.009, +0.009, +0.005 at seeds 0-2; head-forms-model-regime-seed*) is its
# input dropout (0.3, the model's model.dropout). Prediction: with --input-dropout 0 the
# identity network gains more than two standard errors over the nine evaluations (seeds
# 0-2 x K562, IMR90, HUVEC; three initialisations each, paired with
# head-forms-model-regime-seed*, whose code path for these forms is unchanged) and the
# reader minus it is within +-0.003. Refuted otherwise. H46b, in the same runs: the
# two-layer parameterisation is not it: the new linear form (one layer, a logistic
# regression trained as the networks are) at dropout 0.3 is within +-0.003 of the identity
# network (mean over the nine). Described, not predicted: the recommended form (relu +
# products + rank 16) at dropout 0. Rule: only if the recommended form at dropout 0 gains
# more than two standard errors over the nine does the model itself get fits with
# --set model.dropout=0 (written as H47 before them).
#   for S in 0 1 2; do
#     python benchmarks/sequence_head_forms.py --seed $S --held-out K562,IMR90,HUVEC \
#       --forms 'identity,linear,relu + products + rank 16' --epochs 6 --loss immax \
#       --input-dropout 0 --out docs/benchmark-runs/sequence-transfer/head-forms-no-dropout-seed$S
#     python benchmarks/sequence_head_forms.py --seed $S --held-out K562,IMR90,HUVEC \
#       --forms linear --epochs 6 --loss immax \
#       --out docs/benchmark-runs/sequence-transfer/head-forms-linear-seed$S
#   done
# H46 runs (05:47-05:49 UTC, commit e139d81, two processes; 30-53 s each; --data-dir
# /work/shared/data and a --workdir of their own, as run.json records):
# head-forms-no-dropout-seed0..2 and head-forms-linear-seed0..2.
# H46 result: the identity network at dropout 0 minus at 0.3: +0.001 +- 0.003 (higher on 4
# of 9); the reader minus it at dropout 0: +0.007 +- 0.003 (6 of 9; at 0.3: +0.008 +-
# 0.003, 8 of 9). Refuted: input dropout is not what separates it from the reader. H46b
# supported: the linear form minus the identity network (both at 0.3) +0.001 +- 0.003 (5 of
# 9); the reader minus the linear form +0.007 +- 0.002 (6 of 9). The recommended form at
# dropout 0 minus at 0.3: +0.003 +- 0.002 (8 of 9), under two standard errors: by the rule,
# no model fits with model.dropout=0.
#
# H46c (written at 05:53 UTC, before its runs): what is left between the reader and a
# logistic regression trained as the networks are is the training regime (IMMAX, 6 epochs,
# the epoch of best validation AUPR kept), not stochastic optimisation itself: the linear
# form at dropout 0 trained with the reader's loss (cross-entropy weighted to balance the
# classes) for 40 epochs is within +-0.003 of the reader (mean over the nine), where at 6
# epochs with IMMAX it trails by +0.007 (head-forms-no-dropout-seed*). Refuted otherwise.
#   for S in 0 1 2; do
#     python benchmarks/sequence_head_forms.py --seed $S --held-out K562,IMR90,HUVEC \
#       --forms linear --epochs 40 --loss bce --input-dropout 0 \
#       --out docs/benchmark-runs/sequence-transfer/head-forms-linear-bce-seed$S
#   done
# H46c runs (05:52-05:54 UTC, commit e139d81 (the script unchanged since), two processes;
# 46-54 s each): head-forms-linear-bce-seed0..2.
# H46c result: the reader minus the linear form (dropout 0, balanced cross-entropy, 40
# epochs): +0.005 +- 0.003 (higher on 7 of 9); that form minus the same at 6 epochs with
# IMMAX: +0.002 +- 0.002 (6 of 9). Refuted: a logistic regression trained by AdamW in
# batches of 64, the epoch of best validation AUPR kept, still trails the reader's fit.
#
# H46d (written at 05:55 UTC, before its runs): the reader's remaining edge is its L2
# shrinkage (C chosen on validation from 1e-4..1; the networks have AdamW's weight decay
# 1e-3 only): the reader with C = 100 (--reader-c 100, next to no shrinkage) falls below the
# reader with C chosen by more than two standard errors over the nine and is within +-0.002
# of the linear form trained with balanced cross-entropy for 40 epochs (the same command
# repeats that form: its column must equal head-forms-linear-bce-seed*). Refuted otherwise.
#   for S in 0 1 2; do
#     python benchmarks/sequence_head_forms.py --seed $S --held-out K562,IMR90,HUVEC \
#       --forms linear --epochs 40 --loss bce --input-dropout 0 --reader-c 100 \
#       --out docs/benchmark-runs/sequence-transfer/head-forms-reader-c100-seed$S
#   done
# H46d runs (05:55-05:58 UTC, commit ca8508c, two processes; 57-77 s each):
# head-forms-reader-c100-seed0..2 (their linear column equals head-forms-linear-bce-seed*
# on all nine: the same seed, the same fit).
# H46d result: the reader with C chosen minus with C = 100: +0.004 +- 0.004 (higher on 4 of
# 9): +0.025 on K562 and +0.024 on HUVEC at seed 0, within +-0.005 on the other seven.
# The reader at C = 100 minus the linear form: +0.001 +- 0.002 (5 of 9). Refuted as written
# (the shrinkage's gain is not above two standard errors over the nine), but its second
# half holds: without shrinkage the reader is the linear form trained by AdamW. The
# reader's edge over the networks is its shrinkage, and only at seed 0 (K562, HUVEC).
#
# H46e (written at 05:58 UTC, before its runs): AdamW's weight decay can do for the
# networks what the reader's C does (the probe's networks decay at 1e-3 only): at seed 0
# the recommended form (relu + products + rank 16; 6 epochs, IMMAX, dropout 0.3) with
# --weight-decay 1 gains more than 0.01 over weight decay 1e-3
# (head-forms-model-regime-seed0, the same initialisations), mean over K562, IMR90 and
# HUVEC, and over the nine evaluations (seeds 0-2) by more than two standard errors.
# Refuted otherwise. Described beside it: weight decay 0.3 and 3, and the linear form.
# Rule: only if supported does the model get fits with --set train.weight_decay (as H47).
#   for W in 0.3 1 3; do for S in 0 1 2; do
#     python benchmarks/sequence_head_forms.py --seed $S --held-out K562,IMR90,HUVEC \
#       --forms 'linear,relu + products + rank 16' --epochs 6 --loss immax \
#       --weight-decay $W --out docs/benchmark-runs/sequence-transfer/head-forms-decay$W-seed$S
#   done; done
# H46e runs (05:58-06:02 UTC, commit 6809afa, two processes; 32-42 s each):
# head-forms-decay0.3-seed*, head-forms-decay1-seed*, head-forms-decay3-seed*. A check of
# the Regime refactor: head-forms-repeat-seed0, the recommended form at seed 0 in the model
# regime at the default weight decay, equals head-forms-model-regime-seed0 on all three.
# H46e result: the recommended form at weight decay 1 minus 1e-3: at seed 0 +0.005 (K562
# +0.010, IMR90 +0.002, HUVEC +0.003), under the 0.01 predicted; over the nine +0.004 +-
# 0.001 (higher on 8 of 9). Refuted as written. At 0.3: +0.001 +- 0.001 (7 of 9); at 3:
# +0.002 +- 0.003 (6 of 9). The linear form moves by at most 0.001 on average at any
# decay (AUPR reads the weights' direction, which AdamW's decoupled decay barely turns);
# the reader minus the recommended form stays +0.020 to +0.023 (9 of 9). By the rule, no
# model fits.
#
# H46f (written at 06:04 UTC, before its runs): an L2 penalty in the objective (--l2, as
# the reader's C; with Adam's normalised steps it turns the weights' direction where
# decoupled decay does not) does what weight decay did not: at seed 0 the recommended form
# (6 epochs, IMMAX, dropout 0.3) with --l2 0.01 gains more than 0.01 over no penalty
# (head-forms-model-regime-seed0), mean over K562, IMR90 and HUVEC, and over the nine by
# more than two standard errors. Refuted otherwise. Described: --l2 0.03 and 0.1, and the
# linear form. Rule: only if supported does the model get fits with an L2 penalty (H47).
#   for L in 0.01 0.03 0.1; do for S in 0 1 2; do
#     python benchmarks/sequence_head_forms.py --seed $S --held-out K562,IMR90,HUVEC \
#       --forms 'linear,relu + products + rank 16' --epochs 6 --loss immax \
#       --l2 $L --out docs/benchmark-runs/sequence-transfer/head-forms-l2-$L-seed$S
#   done; done
# H46f runs (06:04-06:07 UTC, commit 0b35ad6, two processes; 32-36 s each):
# head-forms-l2-0.01-seed*, head-forms-l2-0.03-seed*, head-forms-l2-0.1-seed*.
# H46f result: the recommended form with --l2 0.01 minus without: at seed 0 +0.009 (K562
# +0.018, IMR90 +0.000, HUVEC +0.009), under the 0.01 predicted; over the nine +0.009 +-
# 0.002 (higher on 9 of 9). Refuted as written (by 0.001 at seed 0). Described: --l2 0.03
# +0.010 +- 0.002 (8 of 9; seed 0 +0.009); --l2 0.1 +0.016 +- 0.004 (8 of 9; seed 0
# +0.023: K562 +0.041, IMR90 +0.021, HUVEC +0.006), where the reader minus the recommended
# form falls from +0.023 to +0.008 +- 0.004. The linear form moves by at most 0.001 at
# any penalty. By the rule, no model fits on this evidence: --l2 0.1 was not the value
# tested, so it is tested next on cell lines these runs did not see.
#
# H46g (written at 06:08 UTC, before its runs): the penalty's gain is the recommended
# form's, not a choice fitted to K562, IMR90 and HUVEC: on the other three held-out cell
# lines (GM12878, HeLa-S3, NHEK; seeds 0-2, nine new evaluations, three initialisations
# each) the recommended form with --l2 0.1 beats the same without (both run here) by more
# than 0.01 on average and by more than two standard errors. Refuted otherwise. Rule: if
# supported, the model gets fits with an L2 penalty on its weight matrices (a new
# train.l2, written as H47 before them).
#   for S in 0 1 2; do for L in 0 0.1; do
#     python benchmarks/sequence_head_forms.py --seed $S --held-out GM12878,HeLa-S3,NHEK \
#       --forms 'relu + products + rank 16' --epochs 6 --loss immax --l2 $L \
#       --out docs/benchmark-runs/sequence-transfer/head-forms-other-cells-l2-$L-seed$S
#   done; done
# H46g runs (06:08-06:10 UTC, commit e006dbe, two processes; 29-38 s each):
# head-forms-other-cells-l2-0-seed* and head-forms-other-cells-l2-0.1-seed*.
# H46g result: on GM12878, HeLa-S3 and NHEK the recommended form with --l2 0.1 minus
# without: +0.009 +- 0.005 (higher on 7 of 9; seed 0 +0.025, seed 1 +0.005, seed 2
# -0.005). Refuted: under 0.01 and under two standard errors. Over all eighteen
# evaluations (H46f's nine at 0.1 and these) +0.012 +- 0.003 (higher on 15 of 18), but
# that pools a value chosen after seeing the first nine. By the rule, the model's fits
# below are exploratory, not a test the probe earned.
#
# H47 (written at 06:10 UTC, before its fits; exploratory, see H46g): the probe's gain from
# an L2 penalty in the objective carries over to the model: the recommended configuration
# with the new --set train.weight_l2=0.1 (|W|^2 / 2 over its trainable weight matrices,
# in the loss) at the benchmark's initialisation, K562, IMR90 and HUVEC at seeds 0-2, minus
# the recommended configuration's three-fit mean (recommended_fits) is above +0.005 on
# average and above two standard errors over the nine. Refuted otherwise. Adoption rule:
# only if supported, and then only after a confirmation on GM12878, HeLa-S3 and NHEK
# (the same bar); not in this round otherwise.
#   one job per (seed, cell line), two queues on the two cores:
#   q.sh frozen-weight-l2-seedS-CELL --set model.bilinear_rank=16 --set train.weight_l2=0.1 \
#       --seeds S --held-out CELL
# H47 fits started 06:10 UTC (commit abf97fb), one job per (seed, cell line), two queues.
#
# H48 (written at 06:34 UTC, before its fits, with five of H47's nine fits in: the penalty
# at 0.1 minus the three-fit mean -0.013 +- 0.006, higher on 1 of 5): at 0.1 the model
# underfits within the 6-epoch cap (its histories: training AUPR 0.12-0.16 at the last
# epochs against 0.26 without the penalty; the penalty term falls from 8.1-8.3 to 0.3-0.4,
# most weight matrices driven to zero). The value H46f tested, 0.01 (+0.009 +- 0.002 in
# the probe, higher on 9 of 9), penalises a tenth as much. Prediction: the recommended
# configuration with --set train.weight_l2=0.01, the same nine evaluations, minus the
# three-fit mean is above +0.005 on average and above two standard errors. Refuted
# otherwise. Adoption rule as H47's (a confirmation on GM12878, HeLa-S3 and NHEK first).
#   q.sh frozen-weight-l2-0.01-seedS-CELL --set model.bilinear_rank=16 \
#       --set train.weight_l2=0.01 --seeds S --held-out CELL
# H47 fits (06:10-06:52 UTC, commit abf97fb, two processes; 262-620 s each, one cell line
# a job): frozen-weight-l2-seed{0,1,2}-{K562,IMR90,HUVEC}.
# H47 result: the penalty at 0.1 minus the recommended configuration's three-fit mean:
# +0.000 +- 0.007 (higher on 5 of 9; seed 0 K562 -0.029, HUVEC -0.020; seed 2 IMR90
# +0.027, HUVEC +0.034); minus the fit from the same initialisation: -0.003 +- 0.008 (4
# of 9). Refuted: the probe's gain does not carry over at 0.1. Its fits underfit: training
# AUPR at the last epoch 0.10-0.19 against 0.24-0.29 without the penalty, the penalty
# term falling from 8.1-8.3 to 0.3-0.4. Not adopted.
# H48 fits (06:42-07:22 UTC, commit abf97fb (the code of H47's fits), two processes;
# 359-529 s each): frozen-weight-l2-0.01-seed{0,1,2}-{K562,IMR90,HUVEC}.
# H48 result: the penalty at 0.01 minus the three-fit mean: +0.007 +- 0.004 (higher on 7
# of 9; by seed +0.003, -0.001, +0.020: seed 2's IMR90 +0.037 carries it); minus the fit
# from the same initialisation: +0.004 +- 0.004 (6 of 9). Refuted: above +0.005 but under
# two standard errors. Its fits do not underfit as H47's did (training AUPR at the last
# epoch 0.14-0.22). Not adopted: the recommended configuration and the shipped weights are
# unchanged; train.weight_l2 stays an option, off by default.
