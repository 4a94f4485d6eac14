"""Inference: the one scoring engine every tool uses (CLI, Python API, Kipoi, benchmark,
validation).

Modules, in the order a pair travels through them: :mod:`~kipoi_prism.inference.sources`
(pair tables read twice), :mod:`~kipoi_prism.inference.encoders` (rows -> the model's
inputs), :mod:`~kipoi_prism.inference.scan` (pass 1: checks, support sets),
:mod:`~kipoi_prism.inference.batches` (pass 2's batches), :mod:`~kipoi_prism.inference.device`
(device, precision), :mod:`~kipoi_prism.inference.engine` (environments, scores, the entry
points); :mod:`~kipoi_prism.inference.feature_tables` (chromatin feature tables for
feature-backbone weights).
"""

from kipoi_prism.inference.batches import BatchStream
from kipoi_prism.inference.device import (
    DEVICES,
    PRECISIONS,
    autocast,
    check_precision,
    exact_float32,
    one_hot_on,
    resolve_device,
)
from kipoi_prism.inference.encoders import FeatureEncoder, make_encoder
from kipoi_prism.inference.engine import (
    Predictor,
    environment_of,
    predict_pairs,
    score_arrays,
    score_frame,
    write_all,
)
from kipoi_prism.inference.scan import ScanResult, scan, warn_small_support
from kipoi_prism.inference.sources import (
    FilePairSource,
    FramePairSource,
    PairSource,
    StdinPairSource,
)

__all__ = [
    "DEVICES",
    "PRECISIONS",
    "BatchStream",
    "FeatureEncoder",
    "FilePairSource",
    "FramePairSource",
    "PairSource",
    "Predictor",
    "ScanResult",
    "StdinPairSource",
    "autocast",
    "check_precision",
    "environment_of",
    "exact_float32",
    "make_encoder",
    "one_hot_on",
    "predict_pairs",
    "resolve_device",
    "scan",
    "score_arrays",
    "score_frame",
    "warn_small_support",
    "write_all",
]
