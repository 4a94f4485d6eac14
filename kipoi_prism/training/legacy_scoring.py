"""The old second scoring path of training (to be removed).

``score_pairs`` scores a DataFrame of pairs with trained weights outside the inference
engine; its callers move to :mod:`kipoi_prism.inference`, and new code must not use it.
Moved here verbatim from ``kipoi_prism/training/lightning.py``.
"""

from __future__ import annotations

import os
from collections.abc import Sequence

import numpy as np
import pandas as pd
import torch

from kipoi_prism.io.genome import Genome
from kipoi_prism.io.inputs import make_source
from kipoi_prism.io.support import select_support
from kipoi_prism.model.weights import WeightsBundle, load_weights


@torch.no_grad()
def score_pairs(
    weights: str | os.PathLike | WeightsBundle,
    pairs: pd.DataFrame,
    genome: str | os.PathLike | Genome | None,
    *,
    support_size: int = 32,
    seed: int = 0,
    use_prototypes: bool = False,
    batch_size: int = 64,
    device: str = "cpu",
    feature_columns: tuple[Sequence[str], Sequence[str]] | None = None,
) -> pd.DataFrame:
    """Score a table of pairs with trained weights, as the inference engine does.

    Each cell line's ``z_E`` is the mean ``e`` over a seeded, order-independent support
    set of ``support_size`` of its pairs (or, with ``use_prototypes``, the saved prototype
    of a training cell line). The model is in eval mode, so a pair's score depends on the
    pair and its cell line's ``z_E`` only. (``kipoi-prism predict`` streams files of any
    size; this works on a DataFrame in memory.)

    Parameters
    ----------
    weights : str, Path or WeightsBundle
    pairs : pandas.DataFrame
        Canonical pair table.
    genome : str, Path or Genome
        ``None`` with the feature backbone.
    support_size, seed : int
    use_prototypes : bool
    batch_size : int
    device : str
    feature_columns : (list of str, list of str), optional
        For ``backbone: features``.

    Returns
    -------
    pandas.DataFrame
        ``name, cell_line, label, logit, probability, call`` in input order (``call``:
        probability >= the weights' threshold).
    """
    bundle = weights if isinstance(weights, WeightsBundle) else load_weights(weights, device)
    model = bundle.model.to(device).eval()
    frame = pairs.reset_index(drop=True)
    source = make_source(frame, model.config, _genome(genome), feature_columns)
    z_e = _score_environments(model, bundle, source, support_size, seed, use_prototypes)
    logits = []
    for start in range(0, len(frame), batch_size):
        positions = np.arange(start, min(start + batch_size, len(frame)))
        windows = source.encode(positions)
        cells = frame["cell_line"].iloc[positions].astype(str)
        environment = torch.stack([z_e[c] for c in cells]).to(device)
        out = model(torch.from_numpy(windows.enhancer).to(device),
                    torch.from_numpy(windows.promoter).to(device), environment)  # fmt: skip
        logits.append(out["logit"].float().cpu())
    logit = torch.cat(logits).numpy().astype(np.float64)
    probability = 1.0 / (1.0 + np.exp(-logit))
    result = frame[["name", "cell_line", "label"]].copy()
    result["logit"], result["probability"] = logit, probability
    result["call"] = probability >= bundle.threshold
    return result


def _score_environments(model, bundle, source, size, seed, use_prototypes):
    device = next(model.parameters()).device
    z_e = {}
    for cell, rows in select_support(source.frame, size, seed).items():
        if use_prototypes and cell in bundle.prototypes:
            z_e[cell] = bundle.prototypes[cell].to(device)
            continue
        windows = source.encode(rows)
        enhancer = torch.from_numpy(windows.enhancer).to(device)
        z_e[cell] = model.support_embedding(enhancer, torch.from_numpy(windows.promoter).to(device))
    return z_e


def _genome(genome) -> Genome | None:
    if genome is None or isinstance(genome, Genome):
        return genome
    return Genome(genome)
