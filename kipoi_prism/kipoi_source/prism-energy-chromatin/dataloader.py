"""Kipoi entry point: the dataloader lives in the package
(kipoi_prism.integrations.kipoi.chromatin)."""

from kipoi_prism.integrations.kipoi.chromatin import PrismChromatinDataLoader

__all__ = ["PrismChromatinDataLoader"]
