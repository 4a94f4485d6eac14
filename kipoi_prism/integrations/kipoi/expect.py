"""The expected predictions ``kipoi test .`` checks (``model.yaml``: ``test: expect``).

Kipoi reads an expectation file (HDF5: ``inputs/<name>``, ``preds/<name>``) in batches of
``kipoi test --batch_size`` rows (default 32), cutting every array at the same rows, and
compares the model's predictions on each batch's inputs with its ``preds``. Here a batch
must hold ONE cell line's pairs and that cell line's support set, so the file is made of
blocks of exactly :data:`BLOCK` rows: per cell line (sorted), its pairs in input order and
its support set, each repeated cyclically to fill the block. A support set of ``m`` pairs
that divides the block (the example: 16 pairs per cell line) repeats whole, so its mean
embedding ``z_E``, and every prediction, equals that of ``kipoi-prism predict``. Kipoi's
``--batch_size`` must be :data:`BLOCK` (its default) for the blocks to line up.

Regenerate after the shipped weights change::

    python scripts/make_kipoi_expect.py      # writes example/expect.h5
    python scripts/make_kipoi_chromatin_example.py   # both chromatin models' expect.h5
"""

from __future__ import annotations

import os
from pathlib import Path

import h5py
import numpy as np

from kipoi_prism.config import InferenceConfig
from kipoi_prism.integrations.kipoi.dataloader import PrismPairDataLoader
from kipoi_prism.integrations.kipoi.model import PrismEnergyKipoiModel
from kipoi_prism.io.atomic import atomic_path

#: Rows per block: ``kipoi test``'s default ``--batch_size``.
BLOCK = 32


def expected_blocks(
    pairs: str | os.PathLike,
    fasta: str | os.PathLike,
    weights: str | os.PathLike | None = None,
    config: InferenceConfig | None = None,
    block: int = BLOCK,
    device: str = "cpu",
) -> list[dict]:
    """One block per cell line: inputs, the model's predictions on them, and metadata.

    Parameters
    ----------
    pairs, fasta : str or PathLike
        Pair table and genome (the dataloader's arguments).
    weights : str or PathLike, optional
        Default: the weights shipped with the package.
    config : InferenceConfig, optional
        Support-set size and seed.
    block : int
        Rows per block (``kipoi test --batch_size``).
    device : str

    Returns
    -------
    list of dict
        ``{"inputs": {...}, "preds": {...}, "metadata": {"name", "cell_line"}}``, every
        array ``block`` rows long.
    """
    config = config or InferenceConfig()
    weights = None if weights is None else str(weights)
    loader = PrismPairDataLoader(str(pairs), str(fasta), support_size=config.support_size,
                                 seed=config.seed, weights=weights)  # fmt: skip
    return loader_blocks(loader, PrismEnergyKipoiModel(weights, device=device), block)


def loader_blocks(loader, model, block: int = BLOCK) -> list[dict]:
    """One block per cell line from any of the Kipoi dataloaders, scored by ``model``.

    Parameters
    ----------
    loader : CellLineBatches
        A dataloader of either model (its batches: one cell line's pairs and support set).
    model : PrismEnergyKipoiModel
        Loaded with the loader's weights.
    block : int
        Rows per block (``kipoi test --batch_size``).

    Returns
    -------
    list of dict
        As :func:`expected_blocks`.
    """
    loader.set_batch_size(block)
    blocks, seen = [], set()
    for index in range(len(loader)):
        batch = loader[index]
        cell = str(batch["metadata"]["cell_line"][0])
        if cell in seen:  # a cell line with more than `block` pairs: its first block only
            continue
        seen.add(cell)
        rows = np.resize(np.arange(len(batch["metadata"]["name"])), block)
        support = np.resize(np.arange(len(batch["inputs"]["support_enhancer"])), block)
        inputs = {k: v[support if k.startswith("support_") else rows]
                  for k, v in batch["inputs"].items()}  # fmt: skip
        metadata = {k: batch["metadata"][k][rows] for k in ("name", "cell_line")}
        blocks.append(
            {"inputs": inputs, "preds": model.predict_on_batch(inputs), "metadata": metadata}
        )
    return blocks


def write_expectation(path: str | os.PathLike, blocks: list[dict]) -> Path:
    """Write blocks as one Kipoi expectation file (HDF5, gzip; written atomically).

    The one-hot inputs (3-D: windows) are stored as uint8 (the Kipoi model takes any
    numeric dtype and scores in float32); feature rows (2-D) and predictions keep their
    dtypes (float32, ``call`` int8).
    """
    path = Path(path)
    with atomic_path(path) as temporary, h5py.File(temporary, "w") as out:
        for group in ("inputs", "preds", "metadata"):
            for key in blocks[0][group]:
                data = np.concatenate([b[group][key] for b in blocks])
                if data.dtype.kind == "U":
                    out.create_dataset(f"{group}/{key}", data=data.astype(object),
                                       dtype=h5py.string_dtype())  # fmt: skip
                    continue
                if group == "inputs" and data.ndim == 3:  # one-hot: uint8, 4 times smaller
                    data = _as_uint8(data)
                out.create_dataset(f"{group}/{key}", data=data, compression="gzip",
                                   shuffle=True)  # fmt: skip
    return path


def _as_uint8(data: np.ndarray) -> np.ndarray:
    small = data.astype(np.uint8)
    if not np.array_equal(small, data):
        raise ValueError("inputs: expected one-hot 0/1 values (N is all zeros)")
    return small
