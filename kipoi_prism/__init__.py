"""kipoi-prism: the prism-energy enhancer-promoter interaction model.

A PRISM convolutional sequence backbone with an energy-interaction head,
``P(y=1) = sigmoid((U_I - R_E + lam * U_I * R_E) / T)``, whose environment term
``R_E`` comes from a support set of the query cell line's own pairs, so a cell line
never seen in training needs no retraining.
"""

__version__ = "0.1.0"


def lazy_submodules(package: str):
    """A module ``__getattr__`` that imports ``package``'s submodules on first access.

    Kipoi resolves ``defined_as: kipoi_prism.integrations.kipoi.model.PrismEnergyKipoiModel``
    by attribute access from the top package, so each package on that path loads its
    submodules when they are named (and not before: they import torch and kipoi).
    """
    import importlib
    import importlib.util

    def __getattr__(name: str):
        if not name.startswith("_") and importlib.util.find_spec(f"{package}.{name}"):
            return importlib.import_module(f"{package}.{name}")
        raise AttributeError(f"module {package!r} has no attribute {name!r}")

    return __getattr__


_submodule = lazy_submodules(__name__)


def __getattr__(name: str):
    """``kipoi_prism.predict_pairs`` (imported on first use: it needs torch), else a
    submodule."""
    if name == "predict_pairs":
        from kipoi_prism.inference.engine import predict_pairs

        return predict_pairs
    return _submodule(name)
