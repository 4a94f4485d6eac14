"""The cross-cell-line benchmark: leave-one-cell-line-out on simulated sequence and on
real chromatin features, with ablations and baselines (``kipoi-prism benchmark``)."""
