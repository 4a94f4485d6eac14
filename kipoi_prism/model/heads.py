"""Interaction heads: ``(z_I, z_E) -> logit`` and the energy terms behind it.

Every head returns a dict of ``(B,)`` tensors with the keys of :data:`HEAD_OUTPUTS`:

``energy`` (SPEC)
    ``logit = (U_I - R_E + lam * U_I * R_E) / T``, ``U_I = g_I(z_I)``,
    ``R_E = softplus(g_E(z_E)) >= 0``, ``T = softplus(t)`` (or ``softplus(t + w_T . z_E)``).
``linear`` (SPEC's fallback)
    ``logit = (U_I + (w_U . z_E) * U_I + w_R . z_E) / T``; reported as
    ``R_E = -(w_R . z_E)`` and ``lam = w_U . z_E`` (the per-cell-line slope on ``U_I``).
``film`` (comparator beyond the design)
    ``z_E`` modulates ``z_I`` per feature, ``z' = z_I * (1 + gamma(z_E)) + beta(z_E)``,
    ``logit = g_I(z') / T``; reported with ``R_E = 0`` and ``lam = 0``.

``u``, when given, is ``U_I`` computed elsewhere (the fitted element read,
:mod:`kipoi_prism.model.element_read`) and replaces ``g_I(z_I)`` (energy and linear heads).

``use_environment=False`` is the warm-up head of the curriculum: ``R_E = 0``, ``lam = 0``
(energy) or ``z_E`` ignored (others), so ``logit = U_I / T``.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from kipoi_prism.config import T_INIT_RAW, ModelConfig

HEAD_OUTPUTS = ("logit", "U_I", "R_E", "lam", "T")


class Temperature(nn.Module):
    """``T = softplus(t)`` (scalar) or ``softplus(t + w_T . z_E)`` (per cell line), clamped."""

    def __init__(self, config: ModelConfig) -> None:
        super().__init__()
        self.t = nn.Parameter(torch.tensor(T_INIT_RAW), requires_grad=config.learn_temperature)
        self.per_cell = config.temperature == "cell"
        self.w_t = nn.Parameter(torch.zeros(config.d_environment)) if self.per_cell else None
        self.clamp = config.t_clamp

    def forward(self, z_e: torch.Tensor, use_environment: bool) -> torch.Tensor:
        raw = self.t.expand(z_e.shape[0])
        if self.per_cell and use_environment:
            raw = raw + z_e @ self.w_t
        temperature = F.softplus(raw)
        if self.clamp is not None:
            temperature = temperature.clamp(*self.clamp)
        return temperature


class EnergyHead(nn.Module):
    """The SPEC's energy-interaction head (see module docstring)."""

    def __init__(self, config: ModelConfig) -> None:
        super().__init__()
        self.g_i = nn.Linear(config.d_interaction, 1)
        self.g_e = nn.Linear(config.d_environment, 1)
        self.lam = nn.Parameter(
            torch.tensor(float(config.lam_init)), requires_grad=config.learn_lam
        )
        self.temperature = Temperature(config)

    def forward(
        self,
        z_i: torch.Tensor,
        z_e: torch.Tensor,
        use_environment: bool = True,
        u: torch.Tensor | None = None,
    ) -> dict[str, torch.Tensor]:
        u = self.g_i(z_i).squeeze(-1) if u is None else u
        t = self.temperature(z_e, use_environment)
        if use_environment:
            r = F.softplus(self.g_e(z_e).squeeze(-1))
            lam = self.lam.expand_as(u)
        else:
            r = torch.zeros_like(u)
            lam = torch.zeros_like(u)
        logit = (u - r + lam * u * r) / t
        return {"logit": logit, "U_I": u, "R_E": r, "lam": lam, "T": t}


class LinearInteractionHead(nn.Module):
    """The SPEC's fallback head (see module docstring)."""

    def __init__(self, config: ModelConfig) -> None:
        super().__init__()
        self.g_i = nn.Linear(config.d_interaction, 1)
        self.w_u = nn.Linear(config.d_environment, 1, bias=False)
        self.w_r = nn.Linear(config.d_environment, 1, bias=False)
        nn.init.zeros_(self.w_u.weight)
        self.temperature = Temperature(config)

    def forward(
        self,
        z_i: torch.Tensor,
        z_e: torch.Tensor,
        use_environment: bool = True,
        u: torch.Tensor | None = None,
    ) -> dict[str, torch.Tensor]:
        u = self.g_i(z_i).squeeze(-1) if u is None else u
        t = self.temperature(z_e, use_environment)
        if use_environment:
            slope = self.w_u(z_e).squeeze(-1)
            shift = self.w_r(z_e).squeeze(-1)
        else:
            slope = torch.zeros_like(u)
            shift = torch.zeros_like(u)
        logit = (u + slope * u + shift) / t
        return {"logit": logit, "U_I": u, "R_E": -shift, "lam": slope, "T": t}


class FiLMHead(nn.Module):
    """Comparator: ``z_E`` conditions ``z_I`` per pair (see module docstring)."""

    def __init__(self, config: ModelConfig) -> None:
        super().__init__()
        self.g_i = nn.Linear(config.d_interaction, 1)
        self.film = nn.Linear(config.d_environment, 2 * config.d_interaction)
        nn.init.zeros_(self.film.weight)
        nn.init.zeros_(self.film.bias)
        self.temperature = Temperature(config)

    def forward(
        self,
        z_i: torch.Tensor,
        z_e: torch.Tensor,
        use_environment: bool = True,
        u: torch.Tensor | None = None,
    ) -> dict[str, torch.Tensor]:
        if u is not None:
            raise ValueError("the FiLM head reads z_I itself: it takes no given U_I")
        t = self.temperature(z_e, use_environment)
        if use_environment:
            gamma, beta = self.film(z_e).chunk(2, dim=-1)
            z_i = z_i * (1 + gamma) + beta
        u = self.g_i(z_i).squeeze(-1)
        zero = torch.zeros_like(u)
        return {"logit": u / t, "U_I": u, "R_E": zero, "lam": zero, "T": t}


def build_head(config: ModelConfig) -> nn.Module:
    """The head named by ``config.head``."""
    return {"energy": EnergyHead, "linear": LinearInteractionHead, "film": FiLMHead}[config.head](
        config
    )
