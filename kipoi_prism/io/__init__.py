"""Input and output without torch: pair tables, genome FASTA, one-hot windows, support-set
selection, candidate pairs from BED files, motif files, output writers and browser tracks."""
