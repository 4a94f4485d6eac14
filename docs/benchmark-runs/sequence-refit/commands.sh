# Round 27: refitting the trained sequence model's scoring layer with shrinkage chosen on
# validation (docs/BENCHMARK.md, "The scoring layer refitted"). Each hypothesis was written
# here before its runs; the results lines after them.
#
# H52 (written at 13:45 UTC on 2026-12-04, before any refit was run). Round 25 located the
# known-motif reader's edge over small networks on its own features in its shrinkage (L2
# chosen on validation AUPR), and an L2 penalty in the model's loss (train.weight_l2) did
# not carry it over (H47, H48). The penalty acts on every layer during training; the
# reader's shrinkage acts on a linear score of fixed features. The frozen-stem model's
# score within a cell line ranks as U_I = g_I(z_I), a linear read of the 64 hidden units
# z_I. Prediction: replacing g_I by an L2 logistic regression on the trained model's z_I
# (training pairs, C chosen from the reader's grid on the validation pairs' AUPR,
# balanced classes: the reader's own fit) lifts held-out AUPR over the model's own g_I by
# more than +0.01 on average and by more than two standard errors of the paired
# difference, over the recommended configuration's fits on K562, IMR90 and HUVEC
# (seeds 1-2 and seed 0 at the benchmark's initialisation, refitted now; seed 0's two
# round-24 initialisations train.seed=10, 20). Refuted otherwise. Secondary, not a
# hypothesis: the same refit at C = 100 (next to no shrinkage) says whether any gain is
# the shrinkage or the refit itself; and the same refit on round 25's train.weight_l2 fits
# (0.1 and 0.01; seeds 0-2, the same three cell lines).
#
# The recommended configuration's fits (the benchmark's initialisation; they should
# repeat docs/benchmark-runs/sequence-strands/frozen-both-seed{0,1,2} on these cell
# lines: same seed, same result), two processes on 2 cores, in a fresh clone:
#   kipoi-prism benchmark --full --tracks sequence --rows task_only --baselines '' \
#       --threads 1 --data-dir ../shared/data --set model.encoder=counts \
#       --set model.count_both_strands=true --stem-motifs frozen --set model.bilinear_rank=16 \
#       --seeds S --held-out K562,IMR90,HUVEC --out /tmp/r27/runs/frozen-both-seedS
# Before the fits above finished, the script was tried on one secondary fit
# (frozen-weight-l2-0.01-seed1-K562: model 0.098, refit 0.120 at C = 0.01, C = 100 0.120,
# reader 0.123; 54 s beside the two fits), at 13:46 UTC: one exploratory number, seen
# before the primary fits were read; the prediction above was not changed.
#
# The refits (each run's fits in turn; one process beside the fits, in a fresh clone):
#   python benchmarks/sequence_refit.py /tmp/r24/runs/frozen-both-seed0-init10 \
#       /tmp/r24/runs/frozen-both-seed0-init20 --readers docs/benchmark-runs/learnability \
#       --out /tmp/r27/refit-seed0-inits
#   python benchmarks/sequence_refit.py /tmp/r25/runs/frozen-weight-l2-{,0.01-}seed{0,1,2}-{K562,IMR90,HUVEC} \
#       --readers docs/benchmark-runs/learnability --out /tmp/r27/refit-weight-l2
#   python benchmarks/sequence_refit.py /tmp/r27/runs/frozen-both-seed{0,1,2} \
#       --readers docs/benchmark-runs/learnability --out /tmp/r27/refit-recommended
# (At 13:57 UTC, before any primary refit: seed 0's fit at the benchmark's initialisation
# dropped for time; seed 0 is represented by round 24's two initialisations.)
#
# The recommended configuration's fits repeated the committed ones exactly (seed 1: K562
# 0.093, IMR90 0.110, HUVEC 0.113; seed 2: 0.156, 0.117, 0.124; commit bffa5c7; wall
# 1,750 s and 1,955 s beside each other and the refits).
# H52 result (read at 14:31 UTC): refuted. Over the twelve fits (seed 0's two
# initialisations, seeds 1-2 at the benchmark's), the refit minus the fit's own g_I:
# -0.002 +- 0.002 (higher on 5 of 12); at C = 100: -0.016 +- 0.005 (higher on 3 of 12);
# the reader minus the refit: +0.015 +- 0.006 (higher on 9 of 12). The model's g_I,
# early-stopped, reads z_I as well as the best shrunk logistic regression does; the gap to
# the reader is in z_I, not in the scoring layer. C sat at the grid's lower end (1e-4) in
# 5 of 12. Secondary (round 25's train.weight_l2 fits, 18): +0.004 +- 0.003 (higher on 11
# of 18). Refit wall times: seed-0 initialisations 1,640 s (niced, beside two fits),
# weight_l2 fits 691 s, seeds 1-2 200 s (commit 8fe697c: the script as at 9c2688a but for
# a fix that reads a run of both tracks). Outputs in
# docs/benchmark-runs/sequence-refit/recommended-seed0-inits, recommended-seed1-2 and
# weight-l2.
#
# H53 (written at 14:34 UTC, after H52's numbers, before its run): the information the
# reader uses is lost in the combine layer. Prediction: on the same twelve fits, the same
# logistic regression on the fit's own element vectors [v_E, v_P] (the combine layer's
# inputs, without products) comes within 0.005 of the reader on average, while the refit
# on z_I trails it by 0.015 (H52). Refuted if the reader minus the [v_E, v_P] refit is
# above +0.005 on average. (The script gains an "elements" column; rerun on the twelve fits
# with the same commands.)
# H53 result (read at 14:38 UTC): supported. The regression on the fit's element vectors
# [v_E, v_P] is level with the reader (reader minus it -0.000 +- 0.003, higher on 7 of 12)
# and above the refit on z_I by +0.015 +- 0.006 (higher on 9 of 12): what a linear reader
# uses is in the combine layer's inputs and lost in its 64 hidden units. Rerun at commit
# 70e9fb8 (the same refit columns again, to the digit, plus "elements"), two processes
# side by side: seed-0 initialisations 234 s, seeds 1-2 235 s. Its outputs replace H52's
# in recommended-seed0-inits and recommended-seed1-2 (weight-l2 kept from H52's run,
# without the column).
#
# H54 (written at 14:43 UTC, after H53, before its fits): a linear path beside the combine
# layer carries the element vectors' linear read into the model. New option
# model.element_skip: z_I = act(W [...] + b) + S [v_E, v_P]. Prediction: the recommended
# configuration with --set model.element_skip=true, one fit per evaluation at the
# benchmark's initialisation on K562, IMR90 and HUVEC at seeds 0-2, minus the recommended
# configuration's three-fit mean at each evaluation (the committed frozen-both-seed* runs
# and their initialisations, tests/benchmark_docs.recommended_fits), is above +0.005 on
# average and above two standard errors. Refuted otherwise. (H53's read gained +0.014 on
# the model's own score, but round 23's additive head lost at seed 0; a fit trained with
# AdamW and early stopping is not a shrunk logistic regression.)
# One job per (seed, cell line), two queues on 2 cores, in a fresh clone:
#   kipoi-prism benchmark --full --tracks sequence --rows task_only --baselines '' \
#       --threads 1 --data-dir ../shared/data --set model.encoder=counts \
#       --set model.count_both_strands=true --stem-motifs frozen --set model.bilinear_rank=16 \
#       --set model.element_skip=true --seeds S --held-out CELL --out /tmp/r27/runs/skip-seedS-CELL
# H54 result (read at 15:30 UTC): refuted. model.element_skip minus the recommended
# configuration's three-fit mean: +0.002 +- 0.006 (higher on 6 of 9); +0.006 +- 0.006 at
# seeds 1-2 (higher on 5 of 6) and -0.008 +- 0.015 at seed 0 (higher on 1 of 3): round
# 23's pattern again (the linear path helps where the combine layer transferred worst and
# costs seed 0's K562 and HUVEC). Not adopted; the option stays, off by default. Commit
# 2676bf5; wall 386-602 s a fit, two at a time. Runs in
# docs/benchmark-runs/sequence-refit/skip-seed{0,1,2}-{K562,IMR90,HUVEC}.
#
# H55 (written at 15:43 UTC, after H54, before its run): with the linear path, z_I holds
# the element vectors' linear read, so refitting g_I the reader's way now lifts the model
# (on the recommended fits it did not, H52, because z_I had lost that read). Prediction: on
# the nine model.element_skip fits, the refit minus the fit's own score is above +0.005 on
# average and above two standard errors. Refuted otherwise. (Niced, beside a fresh-clone CI
# run.)
#   python benchmarks/sequence_refit.py /tmp/r27/runs/skip-seed{0,1,2}-{K562,IMR90,HUVEC} \
#       --readers docs/benchmark-runs/learnability --out /tmp/r27/refit-skip
# H55 result (read at 15:50 UTC): refuted. On the nine element_skip fits the refit minus
# the fit's own score: -0.000 +- 0.002 (higher on 5 of 9); the shrunk read of the element
# vectors stays above the read of z_I by +0.013 +- 0.007 (higher on 7 of 9) and level with
# the reader (reader minus it +0.001 +- 0.003). With the path, as without it, the trained
# g_I is as good as any linear read of z_I, and z_I does not hold the read a shrunk
# regression finds in [v_E, v_P]. Commit 020f4a5, 411 s (niced, beside CI); outputs in
# docs/benchmark-runs/sequence-refit/skip-refit.
