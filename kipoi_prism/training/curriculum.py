"""The training curriculum: warm-up, then auxiliary weights ramped to their caps.

Schedule (SPEC, Training schedule; epochs counted from 1 as in the SPEC)
--------------------------------------------------------------------------
Epochs ``1..warmup_epochs``: the environment stream ``f_E'``, ``g_E``, ``lam`` (and
``w_T``, the linear/FiLM head's ``z_E`` weights) and ``t`` get no updates and the head runs
without environment (``R_E = 0``, ``lam = 0``: ``logit = U_I / T``); the auxiliary losses
keep their start weights and reach ``f_I`` (and the domain classifier). From epoch
``warmup_epochs + 1`` everything learns and each non-zero auxiliary weight grows by
``ramp_per_epoch`` per epoch up to its cap (epoch ``warmup_epochs + k`` adds ``k`` steps).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import torch

from kipoi_prism.config import LossWeights, TrainConfig

AUXILIARY = ("corr", "inv", "hcont", "sparse", "proto")


@dataclass(frozen=True)
class Phase:
    """Where the curriculum stands in one epoch.

    Attributes
    ----------
    epoch : int
        0-based epoch index (Lightning's ``current_epoch``).
    warmup : bool
        Environment stream frozen, head without environment.
    weights : LossWeights
        Auxiliary loss weights of this epoch.
    """

    epoch: int
    warmup: bool
    weights: LossWeights


def phase_at(config: TrainConfig, epoch: int) -> Phase:
    """The curriculum at 0-based ``epoch`` (see the module docstring).

    A weight that starts at 0 stays 0; ``curriculum=False`` means no warm-up and constant
    weights.
    """
    if not config.curriculum:
        return Phase(epoch, False, config.weights)
    steps = max(0, epoch - config.warmup_epochs + 1)
    values = {}
    for name in AUXILIARY:
        start, cap = getattr(config.weights, name), getattr(config.caps, name)
        grown = min(max(cap, start), start + config.ramp_per_epoch * steps)
        values[name] = round(grown, 10) if start > 0 else 0.0
    return Phase(epoch, epoch < config.warmup_epochs, LossWeights(**values))


def environment_trained(row: Mapping[str, Any]) -> bool:
    """Whether the environment stream had trained by the end of an epoch.

    ``row`` is the epoch's row of ``history.csv``: ``False`` for a warm-up epoch (its
    ``f_E'``, ``g_E``, ``lam`` and ``t`` are still as initialised), ``True`` otherwise,
    also without a curriculum. An empty row (no epoch) counts as not trained.
    """
    return bool(row) and not int(row.get("warmup", 0))


def frozen_during_warmup(model) -> list[torch.nn.Parameter]:
    """What the warm-up freezes: ``f_E'``, ``g_E``, ``lam`` and the other environment
    weights of ``model`` (a :class:`~kipoi_prism.model.network.PrismEnergy`), plus ``t``."""
    frozen = list(model.environment_parameters())
    frozen.append(model.head.temperature.t)
    return frozen
