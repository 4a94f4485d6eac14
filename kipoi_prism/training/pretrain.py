"""``train.pretrain_epochs``: pre-train the element encoders on which cell lines use an element.

The interaction labels are few (hundreds of positives); the training pair table holds a
label-free signal that is much larger: every enhancer and promoter belongs to the region
sets of the cell lines whose pairs contain it. Before the interaction model trains, each
element encoder (:mod:`kipoi_prism.model.elements`) learns to predict that multi-hot
target over the training cell lines, through a temporary linear layer, with binary
cross-entropy; the layer is then discarded and the encoder keeps its weights.

Only the training pair frame is read (never validation or test pairs). Windows are the
training windows (same widths, same centring: :class:`~kipoi_prism.io.encode.PairEncoder`).
With ``model.shared_encoder`` the one encoder trains on enhancers and promoters together.
Frozen parameters (``train.freeze_stem``) stay as they are. The same ``train.seed`` gives
the same weights, and the global random state is left as it was.
"""

from __future__ import annotations

import logging
import math

import numpy as np
import pandas as pd
import torch
from torch import nn

from kipoi_prism.config import ModelConfig, TrainConfig
from kipoi_prism.errors import PrismInputError
from kipoi_prism.io.encode import ELEMENTS
from kipoi_prism.io.inputs import make_source
from kipoi_prism.io.sequence import one_hot_encode_array
from kipoi_prism.metrics import auroc
from kipoi_prism.training.datamodule import open_genome
from kipoi_prism.training.datasets import derived_seed

log = logging.getLogger(__name__)

BATCH_SIZE = 64
SEED_SALT = 0x9E7  # pre-training draws its own stream from train.seed


def element_targets(
    pairs: pd.DataFrame, element: str, cell_lines: list[str]
) -> tuple[pd.DataFrame, np.ndarray]:
    """The unique ``element`` regions of ``pairs`` and which cell lines use each.

    Parameters
    ----------
    pairs : pandas.DataFrame
        Canonical pair table (the training split).
    element : {"enhancer", "promoter"}
    cell_lines : list of str
        Target columns, in this order.

    Returns
    -------
    regions : pandas.DataFrame
        ``{element}_chrom``, ``{element}_start``, ``{element}_end``, one row per region,
        sorted by those columns.
    targets : numpy.ndarray of float32, shape=(n_regions, n_cell_lines)
        1 where a pair of that cell line contains the region.
    """
    key = [f"{element}_chrom", f"{element}_start", f"{element}_end"]
    used = pairs[key + ["cell_line"]].astype({key[0]: str, "cell_line": str})
    used = used.drop_duplicates().sort_values(key, kind="stable")
    regions = used[key].drop_duplicates().reset_index(drop=True)
    index = pd.MultiIndex.from_frame(regions)
    rows = index.get_indexer(pd.MultiIndex.from_frame(used[key]))
    column = {cell: j for j, cell in enumerate(cell_lines)}
    cols = used["cell_line"].map(column).to_numpy()
    targets = np.zeros((len(regions), len(cell_lines)), np.float32)
    targets[rows, cols] = 1.0
    return regions, targets


def pretrain_encoders(
    model: nn.Module,
    train_pairs: pd.DataFrame,
    genome,
    model_config: ModelConfig,
    train_config: TrainConfig,
    device: str | torch.device = "cpu",
) -> dict:
    """Pre-train ``model``'s element encoders to predict which cell lines use each element.

    Parameters
    ----------
    model : PrismEnergy
        Its ``backbone.enhancer_encoder`` and ``backbone.promoter_encoder`` are trained in
        place (the model ends on the CPU).
    train_pairs : pandas.DataFrame
        The training split only.
    genome : str, Path or Genome
        FASTA of the genome the coordinates refer to.
    model_config, train_config
        Window widths; ``train.pretrain_epochs``, ``train.pretrain_lr``, ``train.seed``,
        ``train.weight_decay``.
    device : str or torch.device
        Where to train (``"cpu"``, or a GPU).

    Returns
    -------
    dict
        ``enhancers``, ``promoters`` (regions), ``cell_lines``, ``epochs``, ``loss`` (per
        epoch), ``auroc`` (macro, per epoch), ``final_loss``.

    Raises
    ------
    PrismInputError
        The feature backbone, or fewer than two training cell lines.
    """
    if model_config.backbone != "prism":
        raise PrismInputError(
            f"train.pretrain_epochs: pre-training needs the sequence backbone "
            f"(model.backbone is {model_config.backbone!r}); set train.pretrain_epochs=0"
        )
    cells = sorted(train_pairs["cell_line"].astype(str).unique())
    if len(cells) < 2:
        raise PrismInputError(
            f"train.pretrain_epochs: pre-training predicts which training cell lines use an "
            f"element and needs at least two; the training split has {len(cells)} "
            f"({', '.join(cells)}); set train.pretrain_epochs=0"
        )
    frame = train_pairs.reset_index(drop=True)
    encoder = make_source(frame, model_config, open_genome(genome)).encoder
    tasks = []
    for element in ELEMENTS:
        regions, targets = element_targets(frame, element, cells)
        bases = encoder.fetch_array(regions, element)
        tasks.append((element, bases, torch.from_numpy(targets)))
    backbone = model.backbone
    encoders = {e: getattr(backbone, f"{e}_encoder") for e in ELEMENTS}
    cuda = [torch.device(device).index or 0] if torch.device(device).type == "cuda" else []
    with torch.random.fork_rng(devices=cuda):  # the caller's random state comes back as it was
        torch.manual_seed(derived_seed(train_config.seed, SEED_SALT))
        heads = {e: nn.Linear(encoders[e].output_dim, len(cells)) for e in ELEMENTS}
        history = _train(encoders, heads, tasks, train_config, torch.device(device))
    model.cpu()
    summary = {
        "enhancers": len(tasks[0][1]),
        "promoters": len(tasks[1][1]),
        "cell_lines": len(cells),
        "epochs": train_config.pretrain_epochs,
        "loss": [h[0] for h in history],
        "auroc": [h[1] for h in history],
        "final_loss": history[-1][0],
    }
    return summary


def _train(encoders, heads, tasks, train_config: TrainConfig, device) -> list[tuple]:
    """The pre-training loop; returns ``(mean loss, macro AUROC)`` per epoch."""
    modules = list({id(m): m for m in [*encoders.values(), *heads.values()]}.values())
    modes = [m.training for m in modules]
    parameters = list({id(p): p for m in modules for p in m.parameters()}.values())
    for module in modules:
        module.to(device).train()
    trainable = [p for p in parameters if p.requires_grad]
    optimiser = torch.optim.AdamW(trainable, lr=train_config.pretrain_lr,
                                  weight_decay=train_config.weight_decay)  # fmt: skip
    loss_fn = nn.BCEWithLogitsLoss()
    rng = np.random.default_rng(derived_seed(train_config.seed, SEED_SALT))
    history = []
    for epoch in range(1, train_config.pretrain_epochs + 1):
        batches = [
            (t, order[i : i + BATCH_SIZE])
            for t, (_, bases, _) in enumerate(tasks)
            for order in [rng.permutation(len(bases))]
            for i in range(0, len(order), BATCH_SIZE)
        ]
        total, count = 0.0, 0
        logits = [np.zeros(tuple(t[2].shape), np.float32) for t in tasks]
        for b in rng.permutation(len(batches)):
            t, rows = batches[b]
            element, bases, targets = tasks[t]
            rows = np.sort(rows)
            if len(rows) < 2:  # BatchNorm needs two elements
                continue
            one_hot = torch.from_numpy(one_hot_encode_array(bases[rows])).to(device)
            out = heads[element](encoders[element](one_hot))
            loss = loss_fn(out, targets[rows].to(device))
            optimiser.zero_grad(set_to_none=True)
            loss.backward()
            optimiser.step()
            total += loss.item() * len(rows)
            count += len(rows)
            logits[t][rows] = out.detach().cpu().numpy()
        mean_loss = total / max(count, 1)
        scores = [_macro_auroc(t[2].numpy(), s) for t, s in zip(tasks, logits, strict=True)]
        history.append((mean_loss, _nanmean(scores)))
        log.info("pre-training epoch %d/%d: loss %.4f, AUROC enhancers %.3f promoters %.3f "
                 "(which of %d cell lines use an element)", epoch,
                 train_config.pretrain_epochs, mean_loss, *scores,
                 tasks[0][2].shape[1])  # fmt: skip
    for module, mode in zip(modules, modes, strict=True):
        module.train(mode)
    return history


def _macro_auroc(targets: np.ndarray, scores: np.ndarray) -> float:
    """Mean AUROC over the cell lines whose column has both classes (NaN if none)."""
    return _nanmean([auroc(targets[:, j], scores[:, j]) for j in range(targets.shape[1])])


def _nanmean(values: list[float]) -> float:
    finite = [v for v in values if not math.isnan(v)]
    return float(np.mean(finite)) if finite else math.nan
