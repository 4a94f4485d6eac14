#!/bin/bash
# The attribution and variant-effect truth check (issue: variant effects and attributions),
# full size, one thread, from the repository root. results.json holds the command, commit
# and wall time; effects.tsv (1.2 MB, every scored SNV) is left out: rerun to get it.
python benchmarks/attribution_truth.py --out /tmp/truth-run --workdir /tmp/truth-work --threads 1
