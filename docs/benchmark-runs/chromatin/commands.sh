#!/bin/bash
# The chromatin model's run (TargetFinder -> BENGI at equal data, marks ranked within each
# cell line; seed 0): from a clone of main at ad1074d (/tmp/q/clone), one process, nice 10,
# on 2 cores shared with the sequence runs; 1,772 s, most of it gradient boosting's tuning.
# The same command is scripts/train_chromatin_weights.sh's first step; its full row's weights
# are kipoi_prism/weights/prism-energy-chromatin.pt.
kipoi-prism benchmark --full --tracks features --transfer-only --seeds 0 --threads 1 \
    --data-dir ../shared/data --normalise rank --feature-rows full,task_only \
    --feature-baselines gbm,abc,distance --out /tmp/q/runs/bengi-rank
# What each missing mark costs the shipped model on the four BENGI Hi-C tables (227 s):
python benchmarks/missing_marks.py --weights prism-energy-chromatin \
    --tables ../shared/data/bengi/features/BENGI.{GM12878,HeLa,IMR90,NHEK}.HiC-Benchmark.v3.targetfinder_features.tsv.gz \
    --out docs/benchmark-runs/chromatin/missing-marks-bengi-hic.md
# rank-3cells (the second command of queue4.sh) was stopped at its start to give its core to the random-stem run; not measured
