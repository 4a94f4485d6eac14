#!/bin/bash
# Issue 18, this round (2026-12-02, 2 shared CPU cores, one benchmark process per core, plus a
# 10^7-pair workflow run at nice 10 and tests: load average 3-6). Each run folder here holds
# the run's results.csv/results.md/run.json (command, commit, wall time) and training_history.csv.

# E1: seeds 1 and 2 of the full objective at equal data where they were missing (clone of main
# at ee5825d; seed 1 of K562 and HeLa-S3 and seed 2 of K562 ran last round: ../features-equal-data).
cd /tmp/s18/clone && export PYTHONPATH=/tmp/s18/clone
COMMON="benchmark --full --tracks features --no-bengi --threads 1 --data-dir /work/shared/data --feature-rows full --feature-baselines "
for job in 1:GM12878 1:HUVEC 1:IMR90 1:NHEK 2:HeLa-S3 2:GM12878 2:HUVEC 2:IMR90 2:NHEK; do
  seed=${job%%:*}; cell=${job#*:}
  kipoi-prism $COMMON "" --seeds $seed --held-out $cell --out runs/seed$seed-full-$cell
done

# E3: periodic numeric embeddings (model.feature_embedding=periodic), full objective, seeds 0
# and 1, six held-out cell lines (clone of main at ee4a307, where the option was added).
cd /tmp/s18/clone2 && export PYTHONPATH=/tmp/s18/clone2
COMMON="benchmark --full --tracks features --no-bengi --threads 1 --data-dir /work/shared/data --feature-rows full --set model.feature_embedding=periodic --feature-baselines "
for cell in HUVEC GM12878 NHEK K562 HeLa-S3 IMR90; do
  kipoi-prism $COMMON "" --seeds 0 --held-out $cell --out runs/periodic-$cell
  kipoi-prism $COMMON "" --seeds 1 --held-out $cell --out runs/periodic-s1-$cell
done

# E5: the chromatin model's recipe (TargetFinder -> BENGI, marks ranked, full objective) with
# periodic embeddings (same clone, ee4a307); compared with ../chromatin (the shipped model's run).
kipoi-prism benchmark --full --tracks features --transfer-only --seeds 0 --threads 1 \
    --data-dir /work/shared/data --normalise rank --feature-rows full --feature-baselines "" \
    --set model.feature_embedding=periodic --out runs/chromatin-periodic

# Merges (the doc's tables; tests/test_benchmark.py checks BENCHMARK.md holds them as written):
kipoi-prism benchmark --merge docs/benchmark-runs/features-equal-data docs/benchmark-runs/features-equal-data/seed1 \
    docs/benchmark-runs/features-equal-data/seed2 docs/benchmark-runs/features-seeds-periodic/seed1-full-* \
    docs/benchmark-runs/features-seeds-periodic/seed2-full-* --out merged-plain
kipoi-prism benchmark --merge docs/benchmark-runs/features-seeds-periodic/periodic-* --out merged-periodic
# Periodic against plain, paired per (held-out cell line, seed): periodic-vs-plain.csv
python benchmarks/compare_runs.py --first docs/benchmark-runs/features-seeds-periodic/merged-plain \
    --second docs/benchmark-runs/features-seeds-periodic/periodic-* --out periodic-vs-plain.csv

# Seed ensembles against gradient boosting refitted on the same pairs (paired bootstrap), from
# the fits' weights (kept in the run folders under /tmp: seed 0 of K562, HeLa-S3, GM12878 from
# /tmp/p3/runs/full-*, of HUVEC, IMR90, NHEK from /tmp/q/runs/eq-*; seed 1 of K562/HeLa-S3 from
# /tmp/p3/runs/seed1-full-*; seed 2 of K562 from /tmp/exp-runs/seed2-full-K562; the rest above).
# The script's code was 611b204's in both runs (run.json records the commit read when each ended).
python benchmarks/feature_ensemble.py --runs <those 18 folders> \
    --gbm-results docs/benchmark-runs/features-equal-data/results.csv --data-dir ../shared/data \
    --out ensemble-plain --threads 1                                        # 1,324 s
python benchmarks/feature_ensemble.py --runs <those 18 folders> runs/periodic-{GM12878,HUVEC,HeLa-S3,IMR90,K562,NHEK} \
    --gbm-results docs/benchmark-runs/features-equal-data/results.csv --data-dir ../shared/data \
    --out ensemble-mixed --threads 1                                        # 637 s

# The ablation rows at equal data (seed 0, K562 and GM12878; clone of main at 77f69a1, one
# queue per cell line, two processes at a time on the 2 cores):
for cell in K562 GM12878; do for row in lam0 linear film no_curriculum bce; do
  kipoi-prism benchmark --full --tracks features --no-bengi --threads 1 --data-dir /work/shared/data \
      --seeds 0 --held-out $cell --feature-rows $row --feature-baselines "" --out runs/ablation-$row-$cell
done; done
kipoi-prism benchmark --merge docs/benchmark-runs/features-seeds-periodic/merged-plain \
    docs/benchmark-runs/features-seeds-periodic/ablation-* --out merged-ablation
