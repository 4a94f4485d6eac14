#!/bin/bash
# Sequential queue of the equal-data experiment (one process at a time, nice 10).
cd /tmp/p3/clone
PY="nice -n 10 /work/main/.venv/bin/python -m kipoi_prism.cli.main"
COMMON="benchmark --full --tracks features --seeds 0 --no-bengi --threads 1 --data-dir /work/shared/data"
while kill -0 $(cat /tmp/p3/runs/net-K562.pid) 2>/dev/null; do sleep 10; done
export PYTHONPATH=/tmp/p3/clone
start=$(date +%s); $PY $COMMON --held-out K562,HeLa-S3,GM12878 --feature-rows "" --out /tmp/p3/runs/baselines > /tmp/p3/runs/baselines.log 2>&1; echo "baselines $(( $(date +%s) - start )) s rc $?" >> /tmp/p3/runs/queue.log
for cell in HeLa-S3 GM12878; do
  start=$(date +%s); $PY $COMMON --held-out $cell --feature-rows task_only --feature-baselines "" --out /tmp/p3/runs/net-$cell > /tmp/p3/runs/net-$cell.log 2>&1; echo "net-$cell $(( $(date +%s) - start )) s" >> /tmp/p3/runs/queue.log
done
#!/bin/bash
# Learning curve of the recommended network on held-out K562 (seed 0), after queue.sh.
cd /tmp/p3/clone
while kill -0 $(cat /tmp/p3/runs/queue.pid) 2>/dev/null; do sleep 10; done
export PYTHONPATH=/tmp/p3/clone
PY="nice -n 10 /work/main/.venv/bin/python -m kipoi_prism.cli.main"
COMMON="benchmark --full --tracks features --seeds 0 --no-bengi --threads 1 --data-dir /work/shared/data --held-out K562 --feature-rows task_only --feature-baselines"
for n in 1500 6000; do
  start=$(date +%s); $PY $COMMON "" --feature-pairs-per-cell-line $n --out /tmp/p3/runs/curve-$n > /tmp/p3/runs/curve-$n.log 2>&1; echo "curve-$n $(( $(date +%s) - start )) s" >> /tmp/p3/runs/queue.log
done
#!/bin/bash
# Patience sensitivity: the HeLa-S3 fit stopped at epoch 7 on a noisy validation AUPR.
cd /tmp/p3/clone
while kill -0 $(cat /tmp/p3/runs/queue2.pid) 2>/dev/null; do sleep 10; done
export PYTHONPATH=/tmp/p3/clone
PY="nice -n 10 /work/main/.venv/bin/python -m kipoi_prism.cli.main"
COMMON="benchmark --full --tracks features --seeds 0 --no-bengi --threads 1 --data-dir /work/shared/data --feature-rows task_only --feature-baselines "
for cell in HeLa-S3 K562; do
  start=$(date +%s); $PY $COMMON "" --held-out $cell --feature-max-epochs 30 --feature-patience 6 --out /tmp/p3/runs/patience6-$cell > /tmp/p3/runs/patience6-$cell.log 2>&1; echo "patience6-$cell $(( $(date +%s) - start )) s" >> /tmp/p3/runs/queue.log
done
# Then, from /work/main (the merge reads the four finished runs):
# kipoi-prism benchmark --merge /tmp/p3/runs/baselines /tmp/p3/runs/net-K562 /tmp/p3/runs/net-HeLa-S3 /tmp/p3/runs/net-GM12878 --out /tmp/p3/runs/merged
# python benchmarks/learning_curve.py docs/benchmark-runs/features-equal-data/learning-curve/pairs-1500 docs/benchmark-runs/features-equal-data/learning-curve/pairs-6000 docs/benchmark-runs/features-equal-data/learning-curve/pairs-all --row task_only --held-out K562 --out docs/benchmark-runs/features-equal-data/learning-curve/learning_curve.md
# queue3.sh's K562 run (patience 6) was stopped by hand after 38 s to give its time to
# queue4.sh; only patience6-HeLa-S3 finished and is kept.
#!/bin/bash
# The full objective (energy head + auxiliary losses + curriculum) at equal data, after queue3.sh.
cd /tmp/p3/clone
while kill -0 $(cat /tmp/p3/runs/queue3.pid) 2>/dev/null; do sleep 10; done
export PYTHONPATH=/tmp/p3/clone
PY="nice -n 10 /work/main/.venv/bin/python -m kipoi_prism.cli.main"
COMMON="benchmark --full --tracks features --seeds 0 --no-bengi --threads 1 --data-dir /work/shared/data --feature-rows full --feature-baselines "
for cell in HeLa-S3 GM12878 K562; do
  start=$(date +%s); $PY $COMMON "" --held-out $cell --out /tmp/p3/runs/full-$cell > /tmp/p3/runs/full-$cell.log 2>&1; echo "full-$cell $(( $(date +%s) - start )) s" >> /tmp/p3/runs/queue.log
done
# Then, from /work/main, the seven finished runs merged (replacing the first four-run merge):
# kipoi-prism benchmark --merge /tmp/p3/runs/baselines /tmp/p3/runs/net-K562 /tmp/p3/runs/net-HeLa-S3 /tmp/p3/runs/net-GM12878 /tmp/p3/runs/full-HeLa-S3 /tmp/p3/runs/full-GM12878 /tmp/p3/runs/full-K562 --out /tmp/p3/runs/merged2
# learning-curve/pairs-all is a copy of the net-K562 run (the curve's every-pair point).
#!/bin/bash
# Seed 1 of both networks on held-out K562 (how far a seed moves them at equal data).
cd /tmp/p3/clone
export PYTHONPATH=/tmp/p3/clone
PY="nice -n 10 /work/main/.venv/bin/python -m kipoi_prism.cli.main"
COMMON="benchmark --full --tracks features --seeds 1 --no-bengi --threads 1 --data-dir /work/shared/data --held-out K562 --feature-baselines "
for row in full task_only; do
  start=$(date +%s); $PY $COMMON "" --feature-rows $row --out /tmp/p3/runs/seed1-$row-K562 > /tmp/p3/runs/seed1-$row-K562.log 2>&1; echo "seed1-$row-K562 $(( $(date +%s) - start )) s" >> /tmp/p3/runs/queue.log
done
# kipoi-prism benchmark --merge /tmp/p3/runs/seed1-full-K562 /tmp/p3/runs/seed1-task_only-K562 --out /tmp/p3/runs/seed1-K562
#!/bin/bash
# Seed 1 of both networks on held-out HeLa-S3 (how far a seed moves them at equal data).
cd /tmp/p3/clone
export PYTHONPATH=/tmp/p3/clone
PY="nice -n 10 /work/main/.venv/bin/python -m kipoi_prism.cli.main"
COMMON="benchmark --full --tracks features --seeds 1 --no-bengi --threads 1 --data-dir /work/shared/data --held-out HeLa-S3 --feature-baselines "
for row in full task_only; do
  start=$(date +%s); $PY $COMMON "" --feature-rows $row --out /tmp/p3/runs/seed1-$row-HeLa-S3 > /tmp/p3/runs/seed1-$row-HeLa-S3.log 2>&1; echo "seed1-$row-HeLa-S3 $(( $(date +%s) - start )) s" >> /tmp/p3/runs/queue.log
done
# kipoi-prism benchmark --merge /tmp/p3/runs/seed1-full-K562 /tmp/p3/runs/seed1-task_only-K562 /tmp/p3/runs/seed1-full-HeLa-S3 /tmp/p3/runs/seed1-task_only-HeLa-S3 --out /tmp/p3/runs/seed1  (replaces seed1-K562)

# ---- this round (main at 939b6a9, clone /tmp/q/clone): seed 0 on the other three cell lines
# Seed 0 at equal data on the other three TargetFinder cell lines (one process at a time, nice 10).
cd /tmp/q/clone
export PYTHONPATH=/tmp/q/clone
PY="nice -n 10 /work/main/.venv/bin/python -m kipoi_prism.cli.main"
COMMON="benchmark --full --tracks features --seeds 0 --no-bengi --threads 1 --data-dir /work/shared/data"
for cell in HUVEC IMR90 NHEK; do
  start=$(date +%s); $PY $COMMON --held-out $cell --feature-rows full,task_only --feature-baselines gbm,abc,distance --out /tmp/q/runs/eq-$cell > /tmp/q/runs/eq-$cell.log 2>&1; echo "eq-$cell $(( $(date +%s) - start )) s rc $?" >> /tmp/q/runs/queue.log
done
# (the queue was stopped after IMR90 to free a core; NHEK ran from queue2.sh, the same command)
# Merged with the earlier seed-0 merge (this folder) into this folder:
# kipoi-prism benchmark --merge docs/benchmark-runs/features-equal-data /tmp/q/runs/eq-HUVEC /tmp/q/runs/eq-IMR90 /tmp/q/runs/eq-NHEK --out /tmp/q/merged6
