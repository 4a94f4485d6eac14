"""The Kipoi model, its dataloader and the numpy-2 compatibility fix Kipoi needs."""

from kipoi_prism import lazy_submodules

__getattr__ = lazy_submodules(__name__)
