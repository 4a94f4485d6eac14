"""prism-energy: backbone ``f_I``, environment stream ``f_E'`` and an interaction head.

Data flow for a batch of pairs from one or more cell lines::

    enhancer (B,4,L_E), promoter (B,4,L_P) --f_I--> z_I (B,d_I), features h (B,F)
    h --f_E'--> e (B,d_E)
    support set of cell line c --f_I, f_E'--> mean e = z_E(c) (d_E,)
    head(z_I, z_E[cell of each pair]) --> logit, U_I, R_E, lam, T

With ``element_read`` fitted (:mod:`kipoi_prism.model.element_read`), the head's ``U_I`` is
the read of ``h = [v_E, v_P]`` instead of ``g_I(z_I)``.

The cell line reaches the model only through ``z_E``, the mean environment embedding of
pairs drawn from it (its support set), never through a learned per-cell-line vector.
"""

from __future__ import annotations

from collections.abc import Iterator

import torch
from torch import nn

from kipoi_prism.config import ModelConfig
from kipoi_prism.model.backbone import EnvironmentEncoder, build_backbone
from kipoi_prism.model.element_read import ElementRead
from kipoi_prism.model.heads import build_head


class PrismEnergy(nn.Module):
    """The prism-energy network.

    Parameters
    ----------
    config : ModelConfig, optional
        Architecture; defaults to :class:`ModelConfig()`.
    """

    def __init__(self, config: ModelConfig | None = None) -> None:
        super().__init__()
        self.config = config or ModelConfig()
        self.backbone = build_backbone(self.config)
        self.environment = EnvironmentEncoder(self.backbone.feature_dim, self.config)
        self.head = build_head(self.config)
        self.element_read = (
            ElementRead(self.backbone.feature_dim) if self.config.element_read else None
        )

    def encode(
        self, enhancer: torch.Tensor, promoter: torch.Tensor
    ) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """Sequence and environment representations of pairs.

        Parameters
        ----------
        enhancer : torch.Tensor, shape=(B, 4, L_E)
        promoter : torch.Tensor, shape=(B, 4, L_P)

        Returns
        -------
        z_I : torch.Tensor, shape=(B, d_I)
        e : torch.Tensor, shape=(B, d_E)
            Per-pair environment embeddings (their mean over a support set is ``z_E``).
        features : torch.Tensor, shape=(B, F)
            The backbone's intermediate features.
        """
        z_i, features = self.backbone(enhancer, promoter)
        return z_i, self.environment(features), features

    def support_embedding(self, enhancer: torch.Tensor, promoter: torch.Tensor) -> torch.Tensor:
        """``z_E`` of one cell line: the mean ``e`` over its support set.

        Parameters
        ----------
        enhancer : torch.Tensor, shape=(m, 4, L_E)
        promoter : torch.Tensor, shape=(m, 4, L_P)

        Returns
        -------
        torch.Tensor, shape=(d_E,)
        """
        _, e, _ = self.encode(enhancer, promoter)
        return e.mean(dim=0)

    def head_outputs(
        self,
        z_i: torch.Tensor,
        z_e: torch.Tensor,
        use_environment: bool = True,
        features: torch.Tensor | None = None,
    ) -> dict[str, torch.Tensor]:
        """Head terms for given representations; ``z_e`` of shape (d_E,) is broadcast.
        ``features`` (the element vectors ``[v_E, v_P]``) are needed once the element read
        is fitted: it then gives ``U_I``."""
        if z_e.dim() == 1:
            z_e = z_e.unsqueeze(0).expand(z_i.shape[0], -1)
        return self.head(z_i, z_e, use_environment=use_environment, u=self.read(features))

    @property
    def reads_elements(self) -> bool:
        """Whether ``U_I`` comes from the fitted element read (else ``g_I(z_I)``)."""
        return self.element_read is not None and self.element_read.is_fitted

    def read(self, features: torch.Tensor | None) -> torch.Tensor | None:
        """``U_I`` from the fitted element read, or ``None`` (the head's ``g_I(z_I)``)."""
        if not self.reads_elements:
            return None
        if features is None:
            raise ValueError("the fitted element read needs the element vectors [v_E, v_P]")
        return self.element_read(features)

    def forward(
        self,
        enhancer: torch.Tensor,
        promoter: torch.Tensor,
        z_e: torch.Tensor,
        use_environment: bool = True,
    ) -> dict[str, torch.Tensor]:
        """Score pairs given their cell lines' ``z_E``.

        Parameters
        ----------
        enhancer : torch.Tensor, shape=(B, 4, L_E)
        promoter : torch.Tensor, shape=(B, 4, L_P)
        z_e : torch.Tensor, shape=(B, d_E) or (d_E,)
            Each pair's cell-line environment (one row per pair, or one for all).
        use_environment : bool
            ``False`` during the curriculum's warm-up (``R_E = 0``, ``lam = 0``).

        Returns
        -------
        dict of torch.Tensor
            ``logit, U_I, R_E, lam, T`` (each (B,)), and ``z_I`` (B, d_I), ``e`` (B, d_E).
        """
        z_i, e, features = self.encode(enhancer, promoter)
        out = self.head_outputs(z_i, z_e, use_environment, features)
        out["z_I"] = z_i
        out["e"] = e
        return out

    def environment_parameters(self) -> Iterator[nn.Parameter]:
        """Parameters frozen during warm-up: ``f_E'``, ``g_E``, ``lam`` and ``z_E``'s other uses."""
        yield from self.environment.parameters()
        for name, parameter in self.head.named_parameters():
            if not name.startswith(("g_i.", "temperature.t")):
                yield parameter
