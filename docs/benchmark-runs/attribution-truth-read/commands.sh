#!/bin/bash
# The attribution and variant-effect truth check with the recommended configuration as it
# now stands (model.element_read: U_I from the element read fitted after training), full
# size, one thread, from the repository root (round 28; commit 63c5cbd, 968 s beside three
# other processes). effects.tsv is left out, as in ../attribution-truth: rerun to get it.
python benchmarks/attribution_truth.py --out /tmp/r28/truth-read --workdir /tmp/r28/truth-work --threads 1
