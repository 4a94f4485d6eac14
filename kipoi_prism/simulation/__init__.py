"""The simulator: sequences and labels with a known ground truth, on the real pair graph.

No human genome FASTA ships with the project, but real pair tables do (TargetFinder, BENGI):
real regions, real distances, real cell lines, real prevalence. The simulator keeps all of
that and makes up only the sequences and the labels, from a mechanism whose parameters it
reports, so that a model's scores can be read against the truth and its ceiling.

One module per step of :func:`kipoi_prism.simulation.run.simulate`, each documenting its part
of the mechanism; every knob is a field of :class:`kipoi_prism.config.SimulationConfig`.

==============================  ===========================================================
:mod:`.pairs`                   read, select and subsample the real pairs; one row per region
:mod:`.environments`            the motif vocabulary, each cell line's activities and ``R*``
:mod:`.background`              the Markov background fitted on real human sequence
:mod:`.sequences`               region sequences with planted motif sites; the FASTA + .fai
:mod:`.labels`                  ``U*``, ``logit*``, the oracle probability and the labels
:mod:`.outputs`                 the BEDPE, ``truth.json``, ``sites.bed`` (planted sites)
:mod:`.randomness`              keyed random streams (results do not depend on row order)
:mod:`.run`                     :func:`~kipoi_prism.simulation.run.simulate`, the entry point
==============================  ===========================================================
"""
