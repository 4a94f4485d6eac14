"""The benchmark's rows: the full model, its ablations and the comparator.

Each variant turns the base :class:`ModelConfig` / :class:`TrainConfig` into the
configuration of one row; nothing else differs between rows. Configuration only (the
benchmark in :mod:`kipoi_prism.benchmark` trains and scores them), so that
:class:`~kipoi_prism.config.benchmark.BenchmarkConfig` can check its row keys here.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass

from kipoi_prism.config.model import ModelConfig
from kipoi_prism.config.training import LossWeights, TrainConfig


@dataclass(frozen=True)
class Variant:
    """One row of the benchmark table."""

    key: str
    label: str
    change: Callable[[ModelConfig, TrainConfig], tuple[ModelConfig, TrainConfig]]


def _model(**changes) -> Callable:
    return lambda m, t: (dataclasses.replace(m, **changes), t)


def _train(**changes) -> Callable:
    return lambda m, t: (m, dataclasses.replace(t, **changes))


def _without(loss: str) -> Callable:
    def change(m: ModelConfig, t: TrainConfig) -> tuple[ModelConfig, TrainConfig]:
        weights = dataclasses.replace(t.weights, **{loss: 0.0})
        caps = dataclasses.replace(t.caps, **{loss: 0.0})
        return m, dataclasses.replace(t, weights=weights, caps=caps)

    return change


def _task_only(m: ModelConfig, t: TrainConfig) -> tuple[ModelConfig, TrainConfig]:
    off = LossWeights(corr=0.0, inv=0.0, hcont=0.0, sparse=0.0, proto=0.0)
    return m, dataclasses.replace(t, curriculum=False, weights=off, caps=off)


def _no_curriculum(m: ModelConfig, t: TrainConfig) -> tuple[ModelConfig, TrainConfig]:
    caps = dataclasses.replace(t.caps)
    return m, dataclasses.replace(t, curriculum=False, weights=LossWeights(**vars(caps)))


VARIANTS: dict[str, Variant] = {
    v.key: v
    for v in [
        Variant("full", "prism-energy (full)", lambda m, t: (m, t)),
        Variant("lam0", "lam = 0 (additive head)", _model(lam_init=0.0, learn_lam=False)),
        Variant("fixed_t", "fixed T = 1", _model(learn_temperature=False, t_clamp=None)),
        Variant("cell_t", "cell-line temperature T(c)", _model(temperature="cell")),
        Variant("orth", "orthogonality instead of correlation", _train(decouple="orth")),
        Variant("bce", "BCE instead of IMMAX", _train(task_loss="bce")),
        Variant("no_inv", "no L_inv (adversarial)", _without("inv")),
        Variant("no_hcont", "no L_hcont (block contrast)", _without("hcont")),
        Variant("no_sparse", "no L_sparse", _without("sparse")),
        Variant("no_proto", "no L_proto", _without("proto")),
        Variant("no_curriculum", "no curriculum (caps from epoch 1)", _no_curriculum),
        Variant("task_only", "task loss only (no auxiliary loss, no curriculum)", _task_only),
        Variant("linear", "linear-interaction fallback head", _model(head="linear")),
        Variant("film", "FiLM comparator (z_E modulates z_I)", _model(head="film")),
    ]
}

BASELINES = {
    "speid": "SPEID-style CNN-LSTM",
    "gbm": "gradient boosting (TargetFinder; tuned on validation)",
    "abc": "ABC-style (activity x contact, per promoter)",
    "distance": "distance only",
    "promoter_prior": "promoter prior",
}


def resolve(keys: list[str]) -> list[Variant]:
    """Variants by key, in the given order; unknown keys raise naming the valid ones."""
    unknown = [k for k in keys if k not in VARIANTS]
    if unknown:
        raise ValueError(f"rows: unknown variant(s) {unknown}; valid: {sorted(VARIANTS)}")
    return [VARIANTS[k] for k in keys]
