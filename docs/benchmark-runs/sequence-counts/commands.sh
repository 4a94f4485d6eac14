#!/bin/bash
# The count-encoder experiments of the sequence track (issue: make prism-energy learn).
# Each run's own command, commit and wall time are in its run.json / results.md; these are
# the queues that ran them, in order, from clones of main (/tmp/e/clone at 419bdef for e1,
# /tmp/e/clone2 at 300b368 for e2-e4, pulled to 8050024 for e5-e7).

# ---- /tmp/e/e1.sh
# H1: count pooling + bilinear term; frozen motif stem then random stem; held-out K562, seed 0.
cd /tmp/e/clone
export PYTHONPATH=/tmp/e/clone
PY="/work/main/.venv/bin/python -m kipoi_prism.cli.main"
COMMON="benchmark --full --tracks sequence --held-out K562 --seeds 0 --rows full,task_only --baselines distance --threads 1 --data-dir /work/shared/data --set model.encoder=counts --set model.bilinear_rank=16"
start=$(date +%s); $PY $COMMON --stem-motifs frozen --out /tmp/e/runs/counts-frozen-K562 > /tmp/e/runs/counts-frozen-K562.log 2>&1; echo "counts-frozen-K562 $(( $(date +%s) - start )) s rc $?" >> /tmp/e/runs/queue.log
start=$(date +%s); $PY $COMMON --out /tmp/e/runs/counts-random-K562 > /tmp/e/runs/counts-random-K562.log 2>&1; echo "counts-random-K562 $(( $(date +%s) - start )) s rc $?" >> /tmp/e/runs/queue.log

# ---- /tmp/e/e2.sh
# H1 again with the relative site threshold (300b368): task loss row, held-out K562, seed 0.
cd /tmp/e/clone2
export PYTHONPATH=/tmp/e/clone2
PY="/work/main/.venv/bin/python -m kipoi_prism.cli.main"
COMMON="benchmark --full --tracks sequence --held-out K562 --seeds 0 --rows task_only --baselines distance --threads 1 --data-dir /work/shared/data --set model.encoder=counts --set model.bilinear_rank=16"
start=$(date +%s); $PY $COMMON --stem-motifs frozen --out /tmp/e/runs/c2-frozen-K562 > /tmp/e/runs/c2-frozen-K562.log 2>&1; echo "c2-frozen-K562 $(( $(date +%s) - start )) s rc $?" >> /tmp/e/runs/queue.log
start=$(date +%s); $PY $COMMON --out /tmp/e/runs/c2-random-K562 > /tmp/e/runs/c2-random-K562.log 2>&1; echo "c2-random-K562 $(( $(date +%s) - start )) s rc $?" >> /tmp/e/runs/queue.log

# ---- /tmp/e/e3.sh
# Round 3 (task loss row, held-out K562, seed 0, counts encoder + bilinear 16):
# a) random stem + reverse-complement and shift augmentation; c) frozen stem at 4x pairs;
# b) random stem + augmentation at 4x pairs.
cd /tmp/e/clone2
export PYTHONPATH=/tmp/e/clone2
PY="/work/main/.venv/bin/python -m kipoi_prism.cli.main"
COMMON="benchmark --full --tracks sequence --held-out K562 --seeds 0 --rows task_only --baselines distance --threads 1 --data-dir /work/shared/data --set model.encoder=counts --set model.bilinear_rank=16"
AUG="--set train.reverse_complement=true --set train.max_shift=20"
BIG="--pairs-per-cell-line 10000 --train-pairs-per-cell-line 8000"
start=$(date +%s); $PY $COMMON $AUG --out /tmp/e/runs/c3-random-aug-K562 > /tmp/e/runs/c3-random-aug-K562.log 2>&1; echo "c3-random-aug-K562 $(( $(date +%s) - start )) s rc $?" >> /tmp/e/runs/queue.log
start=$(date +%s); $PY $COMMON $BIG --stem-motifs frozen --out /tmp/e/runs/c3-frozen-4x-K562 > /tmp/e/runs/c3-frozen-4x-K562.log 2>&1; echo "c3-frozen-4x-K562 $(( $(date +%s) - start )) s rc $?" >> /tmp/e/runs/queue.log
start=$(date +%s); $PY $COMMON $BIG $AUG --out /tmp/e/runs/c3-random-aug-4x-K562 > /tmp/e/runs/c3-random-aug-4x-K562.log 2>&1; echo "c3-random-aug-4x-K562 $(( $(date +%s) - start )) s rc $?" >> /tmp/e/runs/queue.log

# ---- /tmp/e/e4.sh
# Round 4: the frozen-stem count encoder (+ bilinear 16), task loss row, seed 0, on the other
# five held-out cell lines (K562 is c2-frozen-K562), paired with the residual encoder's seed 0.
while kill -0 18792 2>/dev/null; do sleep 5; done
cd /tmp/e/clone2
export PYTHONPATH=/tmp/e/clone2
PY="/work/main/.venv/bin/python -m kipoi_prism.cli.main"
COMMON="benchmark --full --tracks sequence --seeds 0 --rows task_only --baselines distance --threads 1 --data-dir /work/shared/data --set model.encoder=counts --set model.bilinear_rank=16 --stem-motifs frozen"
start=$(date +%s); $PY $COMMON --held-out IMR90,GM12878,HeLa-S3,HUVEC,NHEK --out /tmp/e/runs/c4-frozen-5cells > /tmp/e/runs/c4-frozen-5cells.log 2>&1; echo "c4-frozen-5cells $(( $(date +%s) - start )) s rc $?" >> /tmp/e/runs/queue.log

# ---- /tmp/e/e5.sh
# Round 5, after the IMR90 feature run: (a) random stem + count encoder + pre-training of the
# element encoders on which training cell lines use each element (5 epochs), task loss row,
# held-out K562, seed 0; (b) the environment-swap ablation under strong gating (0.95) with the
# frozen-stem count encoder, rows full and film, held-out K562, seed 0.
# (started at once)
cd /tmp/e/clone2
export PYTHONPATH=/tmp/e/clone2
PY="/work/main/.venv/bin/python -m kipoi_prism.cli.main"
BASE="benchmark --full --tracks sequence --held-out K562 --seeds 0 --threads 1 --data-dir /work/shared/data --set model.encoder=counts --set model.bilinear_rank=16"
start=$(date +%s); $PY $BASE --rows task_only --baselines distance --set train.pretrain_epochs=5 --out /tmp/e/runs/c5-random-pretrain-K562 > /tmp/e/runs/c5-random-pretrain-K562.log 2>&1; echo "c5-random-pretrain-K562 $(( $(date +%s) - start )) s rc $?" >> /tmp/e/runs/queue.log
start=$(date +%s); $PY $BASE --rows full,film --baselines "" --stem-motifs frozen --gating-strength 0.95 --environment-swap --out /tmp/e/runs/c5-swap-K562 > /tmp/e/runs/c5-swap-K562.log 2>&1; echo "c5-swap-K562 $(( $(date +%s) - start )) s rc $?" >> /tmp/e/runs/queue.log

# ---- /tmp/e/e6.sh
# Round 6, after round 5: ablations of the frozen-stem count model on three held-out cell lines
# (seed 0), each paired with c2/c4 (task loss row, bilinear rank 16):
# (a) no bilinear term (rank 0); (b) the full objective (auxiliary losses + curriculum).
while pgrep -f "/tmp/e/e5.sh" > /dev/null; do sleep 5; done
cd /tmp/e/clone2
export PYTHONPATH=/tmp/e/clone2
PY="/work/main/.venv/bin/python -m kipoi_prism.cli.main"
BASE="benchmark --full --tracks sequence --held-out K562,IMR90,GM12878 --seeds 0 --threads 1 --data-dir /work/shared/data --set model.encoder=counts --stem-motifs frozen --baselines ''"
start=$(date +%s); eval $PY $BASE --rows task_only --set model.bilinear_rank=0 --out /tmp/e/runs/c6-frozen-rank0 > /tmp/e/runs/c6-frozen-rank0.log 2>&1; echo "c6-frozen-rank0 $(( $(date +%s) - start )) s rc $?" >> /tmp/e/runs/queue.log
start=$(date +%s); eval $PY $BASE --rows full --set model.bilinear_rank=16 --out /tmp/e/runs/c6-frozen-full > /tmp/e/runs/c6-frozen-full.log 2>&1; echo "c6-frozen-full $(( $(date +%s) - start )) s rc $?" >> /tmp/e/runs/queue.log

# ---- /tmp/e/e7.sh
# Round 7, after round 6: four times more simulated pairs (10,000 per cell line, 8,000 per
# training cell line), held-out K562, seed 0, task loss row, count encoder + bilinear 16:
# (a) random stem + reverse-complement/shift augmentation; (b) frozen motif stem.
while pgrep -f "/tmp/e/e6.sh" > /dev/null; do sleep 5; done
cd /tmp/e/clone2
export PYTHONPATH=/tmp/e/clone2
PY="/work/main/.venv/bin/python -m kipoi_prism.cli.main"
BASE="benchmark --full --tracks sequence --held-out K562 --seeds 0 --threads 1 --data-dir /work/shared/data --set model.encoder=counts --set model.bilinear_rank=16 --rows task_only --baselines distance --pairs-per-cell-line 10000 --train-pairs-per-cell-line 8000"
start=$(date +%s); $PY $BASE --set train.reverse_complement=true --set train.max_shift=20 --out /tmp/e/runs/c7-random-aug-4x-K562 > /tmp/e/runs/c7-random-aug-4x-K562.log 2>&1; echo "c7-random-aug-4x-K562 $(( $(date +%s) - start )) s rc $?" >> /tmp/e/runs/queue.log
start=$(date +%s); $PY $BASE --stem-motifs frozen --out /tmp/e/runs/c7-frozen-4x-K562 > /tmp/e/runs/c7-frozen-4x-K562.log 2>&1; echo "c7-frozen-4x-K562 $(( $(date +%s) - start )) s rc $?" >> /tmp/e/runs/queue.log

# e1's random-stem run and e3's two 4x runs were stopped (superseded by the threshold fix, and
# to give e4 the core); e5 was started at once instead of after the IMR90 feature run.
# Merge of the frozen-stem runs:
# kipoi-prism benchmark --merge /tmp/e/runs/c2-frozen-K562 /tmp/e/runs/c4-frozen-5cells --out frozen-seed0
# python benchmarks/compare_runs.py --first docs/benchmark-runs/sequence-motif-stem --second docs/benchmark-runs/sequence-counts/frozen-seed0

# ---- /tmp/e/e8.sh
# Queue after c6-frozen-rank0 (e6's first run; e6 and e7 re-queued here in this order):
# e7's two 4x runs, then e6's full-objective row, then the swap ablation on IMR90 with T(c).
while pgrep -f "c6-frozen-rank0" > /dev/null; do sleep 5; done
cd /tmp/e/clone2
export PYTHONPATH=/tmp/e/clone2
PY="/work/main/.venv/bin/python -m kipoi_prism.cli.main"
BIG="benchmark --full --tracks sequence --held-out K562 --seeds 0 --threads 1 --data-dir /work/shared/data --set model.encoder=counts --set model.bilinear_rank=16 --rows task_only --baselines distance --pairs-per-cell-line 10000 --train-pairs-per-cell-line 8000"
start=$(date +%s); $PY $BIG --set train.reverse_complement=true --set train.max_shift=20 --out /tmp/e/runs/c7-random-aug-4x-K562 > /tmp/e/runs/c7-random-aug-4x-K562.log 2>&1; echo "c7-random-aug-4x-K562 $(( $(date +%s) - start )) s rc $?" >> /tmp/e/runs/queue.log
start=$(date +%s); $PY $BIG --stem-motifs frozen --out /tmp/e/runs/c7-frozen-4x-K562 > /tmp/e/runs/c7-frozen-4x-K562.log 2>&1; echo "c7-frozen-4x-K562 $(( $(date +%s) - start )) s rc $?" >> /tmp/e/runs/queue.log
THREE="benchmark --full --tracks sequence --held-out K562,IMR90,GM12878 --seeds 0 --threads 1 --data-dir /work/shared/data --set model.encoder=counts --stem-motifs frozen --baselines ''"
start=$(date +%s); eval $PY $THREE --rows full --set model.bilinear_rank=16 --out /tmp/e/runs/c6-frozen-full > /tmp/e/runs/c6-frozen-full.log 2>&1; echo "c6-frozen-full $(( $(date +%s) - start )) s rc $?" >> /tmp/e/runs/queue.log
SWAP="benchmark --full --tracks sequence --held-out IMR90 --seeds 0 --threads 1 --data-dir /work/shared/data --set model.encoder=counts --set model.bilinear_rank=16 --stem-motifs frozen --gating-strength 0.95 --environment-swap --baselines ''"
start=$(date +%s); eval $PY $SWAP --rows full,cell_t,film --out /tmp/e/runs/c8-swap-IMR90 > /tmp/e/runs/c8-swap-IMR90.log 2>&1; echo "c8-swap-IMR90 $(( $(date +%s) - start )) s rc $?" >> /tmp/e/runs/queue.log

# ---- /tmp/e/e9.sh
# Round 9: the random-stem count model at 4x pairs with augmentation was still rising when the
# 6-epoch cap stopped it (validation AUPR 0.042 -> 0.075, held-out K562 0.087): the same run
# with up to 16 epochs (early stopping, patience 3).
cd /tmp/e/clone2
export PYTHONPATH=/tmp/e/clone2
PY="/work/main/.venv/bin/python -m kipoi_prism.cli.main"
BIG="benchmark --full --tracks sequence --held-out K562 --seeds 0 --threads 1 --data-dir /work/shared/data --set model.encoder=counts --set model.bilinear_rank=16 --rows task_only --baselines distance --pairs-per-cell-line 10000 --train-pairs-per-cell-line 8000"
start=$(date +%s); $PY $BIG --set train.reverse_complement=true --set train.max_shift=20 --max-epochs 16 --out /tmp/e/runs/c9-random-aug-4x-16ep-K562 > /tmp/e/runs/c9-random-aug-4x-16ep-K562.log 2>&1; echo "c9-random-aug-4x-16ep-K562 $(( $(date +%s) - start )) s rc $?" >> /tmp/e/runs/queue.log

# e6 ran only its first run (rank0-3cells) before being re-queued as e8; e8 ran c7-random-aug-4x-K562
# (random-augment-4x-K562 here) and was stopped at the start of c7-frozen-4x-K562 to give the core
# to e9 (the random-stem run had still been rising at the 6-epoch cap).
# e9 finished: stopped early at epoch 9 (patience 3), kept epoch 6.

# ---- /tmp/e3/qb.sh (commit 54c7590; clone /tmp/e3/clone)
# Goal 3: the environment-swap ablation for T(c) beside the energy head and FiLM, under strong
# gating, on K562 (T(c) only; the other two ran above) and GM12878.
COMMON="benchmark --full --tracks sequence --seeds 0 --threads 1 --data-dir /work/shared/data --set model.encoder=counts --set model.bilinear_rank=16 --baselines= --stem-motifs frozen --gating-strength 0.95 --environment-swap"
$PY $COMMON --rows cell_t --held-out K562 --out /tmp/e3/runs/swap-cellt-K562            # 441 s
$PY $COMMON --rows full,cell_t,film --held-out GM12878 --out /tmp/e3/runs/swap-GM12878  # 2,155 s

# ---- /tmp/e3/qa.sh and /tmp/e3/qc.sh (commit 54c7590; clone /tmp/e3/clone)
# Goal 2: H: with a random first layer the count encoder's held-out AUPR keeps rising with
# training pairs (1,600 -> 8,000 per training cell line: 0.052 -> 0.087); refuted if 20,000
# stay <= 0.09. K562 (qa.sh; its loop was stopped after K562) and GM12878 (qc.sh) side by side.
COMMON="benchmark --full --tracks sequence --seeds 0 --rows task_only --baselines distance --threads 1 --data-dir /work/shared/data --set model.encoder=counts --set model.bilinear_rank=16"
AUG="--set train.reverse_complement=true --set train.max_shift=20"
BIG="--pairs-per-cell-line 25000 --train-pairs-per-cell-line 20000"
$PY $COMMON $BIG $AUG --held-out K562 --out /tmp/e3/runs/random-aug-10x-K562        # 5,003 s
$PY $COMMON $BIG $AUG --held-out GM12878 --out /tmp/e3/runs/random-aug-10x-GM12878  # 3,188 s

# ---- /tmp/s19/q.sh (clone /tmp/s19/clone at 1336018, updated to 08df706 before the runs kept here), round 11
# Goal 2: H: the random-first-layer count encoder at ten times the pairs, with augmentation,
# reaches a mean held-out AUPR >= 0.10 over the held-out cell lines (K562 0.058 and GM12878
# 0.104 ran last round at a 6-epoch cap); refuted if the mean stays below 0.10. The other four
# cell lines were started together with up to 8 epochs; at 18+ minutes an epoch on the shared
# cores all four were stopped by hand after 645 s (the queue log's "rc 0" for them is the
# script's, not the run's). Instead two of them in the cell-line order, last round's protocol
# exactly (6-epoch cap, patience 3), two processes of one thread, nice 10:
COMMON="benchmark --full --tracks sequence --seeds 0 --rows task_only --baselines distance --threads 1 --data-dir /work/shared/data --set model.encoder=counts --set model.bilinear_rank=16"
AUG="--set train.reverse_complement=true --set train.max_shift=20"
BIG="--pairs-per-cell-line 25000 --train-pairs-per-cell-line 20000 --max-epochs 6"
nice -n 10 $PY $COMMON $BIG $AUG --held-out HUVEC --out /tmp/s19/runs/random-aug-10x-HUVEC      # random-augment-10x-HUVEC, 4,929 s
nice -n 10 $PY $COMMON $BIG $AUG --held-out HeLa-S3 --out /tmp/s19/runs/random-aug-10x-HeLa-S3  # random-augment-10x-HeLa-S3, 3,285 s
# then, when those two and the first 4x run below had ended (the planned 4x GM12878 pair was
# dropped to give these its cores):
nice -n 10 $PY $COMMON $BIG $AUG --held-out IMR90 --out /tmp/s19/runs/random-aug-10x-IMR90      # random-augment-10x-IMR90, 2,130 s
nice -n 10 $PY $COMMON $BIG $AUG --held-out NHEK --out /tmp/s19/runs/random-aug-10x-NHEK        # random-augment-10x-NHEK, 2,988 s

# ---- /tmp/s19/q4.sh (commit 08df706; same clone), round 11
# Goal 2: H: the random-stem model's transfer is lost to early stopping on the wrong split (at
# 10x on K562 validation AUPR on the training cell lines' chr1-3 rose while held-out AUPR fell).
# Validating on a whole training cell line kept out of training (--validate-on cell_line, new)
# keeps the epoch that transfers; refuted if held-out AUPR is not above the chromosome-validated
# fit's at the same size (4x: 10,000 pairs per cell line, 8,000 per training cell line;
# random-augment-4x-K562, 0.087), and on GM12878, run both ways here.
SIZE="--pairs-per-cell-line 10000 --train-pairs-per-cell-line 8000"
nice -n 10 $PY $COMMON $SIZE $AUG --held-out K562 --validate-on cell_line --out /tmp/s19/runs/aug4x-valcell-K562  # random-augment-4x-valcell-K562, 2,282 s
# not run (stopped at its start; the cores went to the 10x IMR90 and NHEK runs):
# nice -n 10 $PY $COMMON $SIZE $AUG --held-out GM12878 --validate-on cell_line --out /tmp/s19/runs/aug4x-valcell-GM12878
# nice -n 10 $PY $COMMON $SIZE $AUG --held-out GM12878 --out /tmp/s19/runs/aug4x-GM12878

# ---- /tmp/s20/q.sh (clone /tmp/s20/clone at 7cb7629), round 12
# Goal 2: H: the round-11 mean of 0.1002 over the six held-out cell lines (seed 0) holds at
# another seed: at seed 1 (a separately simulated world and a separate initialisation) the
# random-stem model at ten times the pairs stays at or above 0.10 on the cell lines run;
# refuted if the seed-1 mean of the cell lines run falls below their seed-0 mean by more than
# two standard errors of the paired difference, or below 0.10. Exactly round 11's command
# with --seeds 1; the four cell lines whose seed-0 fits were shortest (IMR90, NHEK, GM12878,
# HeLa-S3; HUVEC and K562 took 80+ minutes each), two processes of one thread, nice 10:
#   /tmp/s20/q.sh 1 IMR90 HeLa-S3 &   /tmp/s20/q.sh 1 NHEK GM12878 &
# where q.sh SEED CELL... runs, for each CELL,
SEED=1
COMMON="benchmark --full --tracks sequence --seeds $SEED --rows task_only --baselines distance --threads 1 --data-dir /work/shared/data --set model.encoder=counts --set model.bilinear_rank=16"
BIG="--pairs-per-cell-line 25000 --train-pairs-per-cell-line 20000 --max-epochs 6"
nice -n 10 $PY $COMMON $BIG $AUG --held-out $CELL --out /tmp/s20/runs/random-aug-10x-seed$SEED-$CELL

# ---- /tmp/s21/q.sh (clone /tmp/s21/clone at 45dd7c9), round 13
# Goal 2: H: the seed-1 random-stem fits at ten times the pairs were stopped by the 6-epoch
# cap, not by what they can learn (validation AUPR on chr1-3 still rising at epoch 6 on
# GM12878 and HeLa-S3): at 12 epochs (patience 3 as before) their held-out AUPR rises.
# Refuted if it does not rise on both. The same fits continued (training is deterministic:
# epochs 1-6 repeat the 6-epoch runs' validation AUPR to the last digit), two processes of
# one thread, nice 10, beside the feature-track runs of round 13:
#   /tmp/s21/q.sh 1 12 GM12878 &   /tmp/s21/q.sh 1 12 HeLa-S3 &
# where q.sh SEED EPOCHS CELL... runs, for each CELL,
SEED=1
COMMON="benchmark --full --tracks sequence --seeds $SEED --rows task_only --baselines distance --threads 1 --data-dir /work/shared/data --set model.encoder=counts --set model.bilinear_rank=16"
BIG="--pairs-per-cell-line 25000 --train-pairs-per-cell-line 20000 --max-epochs 12"
nice -n 10 $PY $COMMON $BIG $AUG --held-out $CELL --out /tmp/s21/runs/random-aug-10x-seed$SEED-ep12-$CELL
# random-augment-10x-seed1-ep12-GM12878 (5,209 s), random-augment-10x-seed1-ep12-HeLa-S3 (5,492 s)

# ---- /tmp/s22/q.sh (clone /tmp/s22/clone at 32444b9), round 14
# Goal 2: no new hypothesis; the measurement goal 2's mean needs: seed 1 on the two cell
# lines it lacked (HUVEC, seed 0 0.128; K562, seed 0 0.058), exactly round 12's command, so
# that the mean covers both seeds on all six. One thread, nice 10, beside the feature-track
# ensembles of round 14:
#   /tmp/s22/q.sh 1 6 HUVEC ;  /tmp/s22/q.sh 1 6 K562
# where q.sh SEED EPOCHS CELL... runs, for each CELL,
SEED=1
COMMON="benchmark --full --tracks sequence --seeds $SEED --rows task_only --baselines distance --threads 1 --data-dir /work/shared/data --set model.encoder=counts --set model.bilinear_rank=16"
BIG="--pairs-per-cell-line 25000 --train-pairs-per-cell-line 20000 --max-epochs 6"
nice -n 10 $PY $COMMON $BIG $AUG --held-out $CELL --out /tmp/s22/runs/random-aug-10x-seed$SEED-ep6-$CELL
# random-augment-10x-seed1-HUVEC (3,755 s), random-augment-10x-seed1-K562 (2,726 s)

# ---- /tmp/s24/q-seq.sh (clone /tmp/s24/clone at 5a2b64f), round 16
# Goal 2: seed 2 of round 12's command on the two cell lines whose fits were shortest (NHEK,
# K562), so the mean rests on a third draw. Written before the runs: the twelve evaluations
# so far average 0.088; for the fourteen to reach 0.10 these two must average 0.172, above
# any single random-stem evaluation yet (0.130): expected not to. Refuted (goal 2's second
# part met on the evaluations run) only if they do. Also read: is seed 2 nearer seed 0's
# (NHEK 0.070, K562 0.058) or seed 1's (0.071, 0.060)? On these two the seeds were level.
# Two processes of one thread, nice 10, beside round 16's feature-track work:
#   /tmp/s24/q-seq.sh NHEK &   /tmp/s24/q-seq.sh K562 &
SEED=2
COMMON="benchmark --full --tracks sequence --seeds $SEED --rows task_only --baselines distance --threads 1 --data-dir /work/shared/data --set model.encoder=counts --set model.bilinear_rank=16"
BIG="--pairs-per-cell-line 25000 --train-pairs-per-cell-line 20000 --max-epochs 6"
AUG="--set train.reverse_complement=true --set train.max_shift=20"
nice -n 10 $PY $COMMON $BIG $AUG --held-out $CELL --out /tmp/s24/runs/random-aug-10x-seed$SEED-$CELL
# random-augment-10x-seed2-NHEK (3,746 s), random-augment-10x-seed2-K562 (4,351 s): 0.066 and
# 0.077; the fourteen evaluations average 0.086 (not met, as predicted).
