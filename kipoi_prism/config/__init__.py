"""Every configuration dataclass, its defaults and its validation, in one package.

=====================  ===================================================================
``config.model``       :class:`ModelConfig` (saved in the weights file), :class:`InferenceConfig`,
                       :func:`from_mapping`
``config.training``    :class:`RunConfig` = :class:`DataConfig` (+ :class:`SplitConfig`),
                       :class:`ModelConfig`, :class:`TrainConfig` (+ :class:`LossWeights`),
                       :class:`TrainerConfig`: the four sections of ``configs/train.yaml``
``config.loading``     :func:`load_config`: a run config YAML plus ``--set`` overrides
``config.simulation``  :class:`SimulationConfig`, the simulator's knobs
``config.benchmark``   :class:`BenchmarkConfig`, what a benchmark run covers; its rows are
                       ``config.variants`` (:data:`VARIANTS`: the full model and its ablations)
``config.checks``      the shared validators (:func:`check_choice`, :func:`check_positive_int`...)
=====================  ===================================================================

No torch here: every layer may import this package.
"""

from kipoi_prism.config.benchmark import TARGETFINDER_CELL_LINES, TRACKS, BenchmarkConfig
from kipoi_prism.config.checks import (
    check,
    check_choice,
    check_non_negative_int,
    check_positive_int,
    is_int,
)
from kipoi_prism.config.loading import load_config
from kipoi_prism.config.model import (
    BACKBONES,
    HEADS,
    T_INIT_RAW,
    TEMPERATURES,
    InferenceConfig,
    ModelConfig,
    from_mapping,
)
from kipoi_prism.config.simulation import DEFAULT_SHARED_PROMOTER_FACTORS, SimulationConfig
from kipoi_prism.config.training import (
    DECOUPLINGS,
    LOGGERS,
    LOSS_WEIGHT_CAPS,
    SPLIT_BY,
    TASK_LOSSES,
    DataConfig,
    LossWeights,
    RunConfig,
    SplitConfig,
    TrainConfig,
    TrainerConfig,
)
from kipoi_prism.config.variants import BASELINES, VARIANTS, Variant, resolve

__all__ = [
    "BACKBONES",
    "BASELINES",
    "DECOUPLINGS",
    "DEFAULT_SHARED_PROMOTER_FACTORS",
    "HEADS",
    "LOGGERS",
    "LOSS_WEIGHT_CAPS",
    "SPLIT_BY",
    "TARGETFINDER_CELL_LINES",
    "TASK_LOSSES",
    "TEMPERATURES",
    "TRACKS",
    "T_INIT_RAW",
    "VARIANTS",
    "BenchmarkConfig",
    "DataConfig",
    "InferenceConfig",
    "LossWeights",
    "ModelConfig",
    "RunConfig",
    "SimulationConfig",
    "SplitConfig",
    "TrainConfig",
    "TrainerConfig",
    "Variant",
    "check",
    "check_choice",
    "check_non_negative_int",
    "check_positive_int",
    "from_mapping",
    "is_int",
    "load_config",
    "resolve",
]
