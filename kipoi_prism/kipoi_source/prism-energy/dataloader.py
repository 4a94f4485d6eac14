"""Kipoi entry point: the dataloader lives in the package (kipoi_prism.dataloader)."""

from kipoi_prism.dataloader import PrismPairDataLoader

__all__ = ["PrismPairDataLoader"]
