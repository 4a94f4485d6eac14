"""kipoi-prism: the prism-energy enhancer-promoter interaction model.

A PRISM convolutional sequence backbone with an energy-interaction head,
``P(y=1) = sigmoid((U_I - R_E + lam * U_I * R_E) / T)``, whose environment term
``R_E`` comes from a support set of the query cell line's own pairs, so a cell line
never seen in training needs no retraining.
"""

__version__ = "0.1.0"

# Submodules that Kipoi names in model.yaml/dataloader.yaml. Kipoi resolves
# "kipoi_prism.kipoi_model.PrismEnergyKipoiModel" by attribute access on this package, so
# these load on first access (and not before: they import torch and kipoi).
_LAZY_SUBMODULES = ("kipoi_model", "dataloader")


def __getattr__(name: str):
    if name in _LAZY_SUBMODULES:
        import importlib

        return importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
