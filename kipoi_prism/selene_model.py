"""The model file a Selene config names (``model: {path: kipoi_prism/selene_model.py, ...}``).

Selene loads this file by path and takes three names from it: the model class (here
:class:`kipoi_prism.integrations.selene.model.PrismSeleneModel`), ``criterion()`` and
``get_optimizer(lr)``. Everything lives in :mod:`kipoi_prism.integrations.selene.model`; this
file only re-exports it, so Selene's copy of it in the run folder stays valid. To change the
optimizer's weight decay, copy this file and return ``get_optimizer(lr, weight_decay=...)``
from your own ``get_optimizer``.
"""

from kipoi_prism.integrations.selene.model import PrismSeleneModel, criterion, get_optimizer

__all__ = ["PrismSeleneModel", "criterion", "get_optimizer"]
