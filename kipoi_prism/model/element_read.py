"""The element read: ``U_I`` as a linear read of the element vectors, fitted after training.

With ``model.element_read: true`` the network carries an :class:`ElementRead`: a weight per
element-vector unit and a bias, ``U_I = w . [v_E, v_P] + b``. They are not trained by
gradient steps: while the network trains, the read is unfitted and ``U_I = g_I(z_I)`` as in
the SPEC's head. When training ends, :func:`kipoi_prism.training.element_read.fit_element_read`
fits them in closed form (an L2 logistic regression on the trained network's element vectors
of the training pairs, shrinkage chosen on validation AUPR) and from then on the read
replaces ``g_I(z_I)`` in the head; ``R_E``, ``lam`` and ``T`` are kept. They are buffers, so
the weights file carries them and a loaded model scores as the fitted one did.
"""

from __future__ import annotations

import torch
from torch import nn


class ElementRead(nn.Module):
    """``U_I = w . [v_E, v_P] + b`` once fitted (see the module docstring).

    Parameters
    ----------
    n_inputs : int
        Width of ``[v_E, v_P]`` (the backbone's ``feature_dim``).
    """

    def __init__(self, n_inputs: int) -> None:
        super().__init__()
        self.register_buffer("weight", torch.zeros(n_inputs))
        self.register_buffer("bias", torch.zeros(()))
        self.register_buffer("fitted", torch.tensor(False))

    @property
    def is_fitted(self) -> bool:
        return bool(self.fitted)

    def set(self, weight, bias: float) -> None:
        """Store a fitted read (``weight`` of shape ``(n_inputs,)``, on the raw element
        vectors: any standardisation folded in)."""
        weight = torch.as_tensor(weight, dtype=self.weight.dtype)
        if weight.shape != self.weight.shape:
            raise ValueError(f"element read: {tuple(weight.shape)} weights for "
                             f"{self.weight.numel()} element-vector units")  # fmt: skip
        with torch.no_grad():
            self.weight.copy_(weight)
            self.bias.fill_(float(bias))
            self.fitted.fill_(True)

    def forward(self, elements: torch.Tensor) -> torch.Tensor:
        """``(B, n_inputs) -> (B,)``."""
        return elements @ self.weight + self.bias
