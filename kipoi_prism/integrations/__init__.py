"""Adapters to other tools (Kipoi, Selene); they depend on the core, never the reverse."""

from kipoi_prism import lazy_submodules

__getattr__ = lazy_submodules(__name__)
