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
