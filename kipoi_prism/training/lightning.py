"""Transitional: names still imported from here by modules that move to the split training
package in their own commits (Selene's model, the benchmark tracks). Removed once they do;
new code imports from :mod:`kipoi_prism.training.fit`, ``module``, ``curriculum``...."""

from kipoi_prism.training.curriculum import AUXILIARY, Phase, phase_at
from kipoi_prism.training.fit import fit
from kipoi_prism.training.legacy_scoring import score_pairs
from kipoi_prism.training.module import PrismLightning
from kipoi_prism.training.monitors import classification_metrics

__all__ = ["AUXILIARY", "Phase", "PrismLightning", "classification_metrics", "fit", "phase_at",
           "score_pairs"]  # fmt: skip
