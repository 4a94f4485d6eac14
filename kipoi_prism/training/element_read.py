"""Fitting the element read once training ends (``model.element_read: true``).

The trained network's element vectors ``[v_E, v_P]`` of every labelled training pair are
computed (eval mode, no augmentation), standardised, and an L2 logistic regression with
balanced classes is fitted for each shrinkage in :data:`READ_C`; the one with the best
validation AUPR (of the read alone, pooled over the validation pairs) is kept, its
standardisation folded into the weights, and stored in the network's
:class:`~kipoi_prism.model.element_read.ElementRead`. From then on the head's ``U_I`` is the
read. The decision threshold is calibrated again on the validation pairs, scored as
``kipoi-prism predict`` scores them (each validation cell line's ``z_E`` from its support
set), since the old one belonged to ``g_I``'s scale.

This is the known-motif reader's own fit (``benchmarks/sequence_learnability.py``) on the
network's element vectors instead of the true motif counts: docs/BENCHMARK.md ("The element
read fitted after training") says why the read is fitted here rather than by gradient steps.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import numpy as np
import torch

from kipoi_prism import metrics
from kipoi_prism.training.module import support_environments
from kipoi_prism.training.monitors import validation_measures

log = logging.getLogger(__name__)

READ_C = (0.0001, 0.001, 0.01, 0.1, 1.0)  # inverse L2 strengths tried (the reader's grid)


@dataclass
class ShrunkRead:
    """A fitted read on raw inputs: ``score = inputs @ weight + bias``."""

    weight: np.ndarray
    bias: float
    c: float
    val_aupr: float


def shrunk_read(train_x: np.ndarray, train_y: np.ndarray, val_x: np.ndarray,
                val_y: np.ndarray, grid=READ_C) -> ShrunkRead:  # fmt: skip
    """L2 logistic regression on standardised ``train_x`` (balanced classes), ``C`` from
    ``grid`` by validation AUPR (the first best on a tie); the standardisation is folded into
    the returned weights."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.preprocessing import StandardScaler

    scaler = StandardScaler().fit(train_x)
    train_z, val_z = scaler.transform(train_x), scaler.transform(val_x)
    best = None
    for c in grid:
        regression = LogisticRegression(C=c, max_iter=2000, class_weight="balanced")
        regression.fit(train_z, train_y)
        score = metrics.aupr(val_y, regression.decision_function(val_z))
        if best is None or score > best[0]:
            best = (score, regression, c)
    score, regression, c = best
    coefficients = regression.coef_[0] / scaler.scale_
    bias = float(regression.intercept_[0] - coefficients @ scaler.mean_)
    return ShrunkRead(coefficients, bias, float(c), float(score))


def element_vectors(model, loader) -> tuple[np.ndarray, np.ndarray]:
    """``([v_E, v_P], labels)`` of every pair the loader yields (``model`` in eval mode)."""
    features, labels = [], []
    with torch.no_grad():
        for batch in loader:
            _, _, h = model.encode(torch.as_tensor(batch["enhancer"]),
                                   torch.as_tensor(batch["promoter"]))  # fmt: skip
            features.append(h.double().numpy())
            labels.append(np.asarray(batch["label"]))
    return np.concatenate(features), np.concatenate(labels).astype(np.int64)


def validation_probabilities(model, data) -> tuple[np.ndarray, np.ndarray]:
    """Validation ``(labels, probabilities)``, each cell line's ``z_E`` from its support set
    (as the training loop's validation scores them)."""
    z_e = support_environments(model, data.val_support, len(data.val_cell_lines))
    labels, probabilities = [], []
    with torch.no_grad():
        for batch in data.rows_dataloader("val"):
            out = model(torch.as_tensor(batch["enhancer"]), torch.as_tensor(batch["promoter"]),
                        z_e[torch.as_tensor(batch["cell"])])  # fmt: skip
            probabilities.append(torch.sigmoid(out["logit"].float()).numpy())
            labels.append(np.asarray(batch["label"]))
    return np.concatenate(labels).astype(np.int64), np.concatenate(probabilities)


def fit_element_read(objective, data) -> dict:
    """Fit ``objective.model``'s element read on ``data`` (a set-up
    :class:`~kipoi_prism.training.datamodule.PrismDataModule`) and recalibrate
    ``objective.threshold``; returns what the weights file's metadata records."""
    model = objective.model.eval()
    log.info("element read: encoding the %d training and %d validation pairs",
             int((data.frames["train"]["label"] >= 0).sum()),
             int((data.frames["val"]["label"] >= 0).sum()))  # fmt: skip
    train_x, train_y = element_vectors(model, data.rows_dataloader("train"))
    val_x, val_y = element_vectors(model, data.rows_dataloader("val"))
    read = shrunk_read(train_x, train_y, val_x, val_y)
    model.element_read.set(read.weight, read.bias)
    labels, probabilities = validation_probabilities(model, data)
    measures = validation_measures(labels, probabilities)
    objective.threshold.fill_(measures["val_threshold"])
    log.info("element read: C %g on %d training pairs; validation AUPR %.4f (the read alone "
             "%.4f)", read.c, len(train_y), measures["val_aupr"], read.val_aupr)  # fmt: skip
    return {"C": read.c, "train_pairs": int(len(train_y)), "read_val_aupr": read.val_aupr,
            **{k: float(v) for k, v in measures.items() if k != "val_pairs"}}  # fmt: skip
