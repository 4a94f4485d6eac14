"""Kipoi entry point: the dataloader lives in the package
(kipoi_prism.integrations.kipoi.dataloader)."""

from kipoi_prism.integrations.kipoi.dataloader import PrismPairDataLoader

__all__ = ["PrismPairDataLoader"]
