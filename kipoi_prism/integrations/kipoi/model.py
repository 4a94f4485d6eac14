"""The Kipoi model class of prism-energy and prism-energy-chromatin (``model.yaml``:
``defined_as``; the weights, ``args: weights``, say which).

Each batch from the dataloader
(:class:`kipoi_prism.integrations.kipoi.dataloader.PrismPairDataLoader`: one-hot windows;
:class:`kipoi_prism.integrations.kipoi.chromatin.PrismChromatinDataLoader`: chromatin
feature rows) holds pairs of one cell line and that cell line's support set. The model
computes ``z_E`` from the support set (once: it is cached by a hash of the support arrays)
and scores the pairs with the same functions ``kipoi-prism predict`` uses, so both give the
same predictions.
"""

from __future__ import annotations

import hashlib
import os
from collections import OrderedDict

import numpy as np
import torch
from kipoi.model import BaseModel

from kipoi_prism.inference import environment_of, exact_float32, resolve_device, score_arrays
from kipoi_prism.integrations.kipoi.compat import ensure_kipoi_compat

ensure_kipoi_compat()

INPUTS = ("enhancer", "promoter", "support_enhancer", "support_promoter")
CACHE_SIZE = 64


def support_digest(enhancer: np.ndarray, promoter: np.ndarray) -> str:
    """Identity of a support set: BLAKE2b of its arrays' shapes and bytes."""
    digest = hashlib.blake2b(digest_size=16)
    for array in (enhancer, promoter):
        array = np.ascontiguousarray(array, dtype=np.float32)
        digest.update(repr(array.shape).encode())
        digest.update(memoryview(array).cast("B"))
    return digest.hexdigest()


class PrismEnergyKipoiModel(BaseModel):
    """prism-energy for Kipoi (either backbone).

    Parameters
    ----------
    weights : str, optional
        Weights file or shipped model name (default: the shipped sequence weights,
        ``prism-energy``; the chromatin model's ``model.yaml`` names
        ``prism-energy-chromatin``).
    device : str
        ``"auto"`` (CUDA when available), ``"cpu"`` or ``"cuda"``.
    """

    def __init__(self, weights: str | os.PathLike | None = None, device: str = "auto") -> None:
        from kipoi_prism.model.weights import load_weights

        self.device = resolve_device(device)
        exact_float32(self.device)
        self.bundle = load_weights(weights, map_location=self.device)
        self.model = self.bundle.model.eval()
        self._environments: OrderedDict[str, torch.Tensor] = OrderedDict()

    def predict_on_batch(self, x: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        """Score one batch.

        Parameters
        ----------
        x : dict of numpy.ndarray
            ``enhancer`` (B, 4, L_E), ``promoter`` (B, 4, L_P), ``support_enhancer``
            (m, 4, L_E), ``support_promoter`` (m, 4, L_P); for the feature backbone
            (B, n_enhancer), (B, n_promoter), (m, n_enhancer), (m, n_promoter) feature
            rows. float32 from the dataloader,
            any numeric dtype accepted (scored as float32: the expectation file
            ``kipoi test`` reads stores its one-hot inputs as uint8).

        Returns
        -------
        dict of numpy.ndarray, each shape=(B,)
            ``probability, call, U_I, R_E, lam, T``.
        """
        missing = [k for k in INPUTS if k not in x]
        if missing:
            raise ValueError(
                f"x: expected inputs {', '.join(INPUTS)}; missing {', '.join(missing)}"
            )
        self._check_shapes(x)
        x = {key: np.asarray(x[key], dtype=np.float32) for key in INPUTS}
        z_e = self.environment(x["support_enhancer"], x["support_promoter"])
        return score_arrays(self.model, x["enhancer"], x["promoter"], z_e, self.bundle.threshold)

    def environment(self, enhancer: np.ndarray, promoter: np.ndarray) -> torch.Tensor:
        """``z_E`` (d_E,) of a support set, computed once per distinct support set."""
        key = support_digest(enhancer, promoter)
        if key not in self._environments:
            self._environments[key] = environment_of(self.model, enhancer, promoter)
            if len(self._environments) > CACHE_SIZE:
                self._environments.popitem(last=False)
        return self._environments[key]

    def _check_shapes(self, x: dict[str, np.ndarray]) -> None:
        config = self.model.config
        if config.backbone == "features":  # feature rows: (N, n_enhancer), (N, n_promoter)
            expected = {"enhancer": (config.feature_dims[0],),
                        "promoter": (config.feature_dims[1],)}  # fmt: skip
        else:  # one-hot windows
            expected = {"enhancer": (4, config.enhancer_length),
                        "promoter": (4, config.promoter_length)}  # fmt: skip
        for key in INPUTS:
            want = expected[key.removeprefix("support_")]
            shape = np.shape(x[key])
            if tuple(shape[1:]) != want or len(shape) != len(want) + 1:
                raise ValueError(
                    f"x[{key!r}]: expected shape (N, {', '.join(map(str, want))}) for these "
                    f"weights, got {shape}; give the dataloader the same weights"
                )
