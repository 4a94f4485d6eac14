"""Embeddings of numeric inputs for the feature backbone.

A multilayer perceptron reads each chromatin mark as one number through a linear layer, so
its first layer can only draw straight cuts through the marks' scale; gradient boosting cuts
each mark anywhere. Periodic embeddings (Gorishniy, Rubachev and Babenko 2022, "On
embeddings for numerical features in tabular deep learning", the PLR variant) give every
scalar input its own small representation first:

    v_j = ReLU(W_j [sin(2 pi c_j x_j), cos(2 pi c_j x_j)] + b_j)

with ``k`` learned frequencies ``c_j`` per input (initialised from N(0, sigma^2)) and a
per-input linear map ``W_j`` to ``dim`` values; the MLP then reads the concatenated ``v_j``.
"""

from __future__ import annotations

import math

import torch
from torch import nn

from kipoi_prism.config.model import FEATURE_EMBEDDINGS


class PeriodicEmbedding(nn.Module):
    """``(B, n)`` scalars -> ``(B, n * dim)``: one periodic embedding per input column.

    Parameters
    ----------
    n_inputs : int
        Number of scalar inputs (columns).
    frequencies : int
        ``k``, learned frequencies per input.
    dim : int
        Output values per input.
    sigma : float
        Standard deviation of the frequencies' initialisation (in cycles per input unit).
    """

    def __init__(self, n_inputs: int, frequencies: int = 16, dim: int = 16, sigma: float = 0.5):
        super().__init__()
        self.n_inputs, self.dim = n_inputs, dim
        self.frequencies = nn.Parameter(torch.randn(n_inputs, frequencies) * sigma)
        bound = 1.0 / math.sqrt(2 * frequencies)
        self.weight = nn.Parameter(
            torch.empty(n_inputs, 2 * frequencies, dim).uniform_(-bound, bound)
        )
        self.bias = nn.Parameter(torch.empty(n_inputs, dim).uniform_(-bound, bound))

    @property
    def out_features(self) -> int:
        return self.n_inputs * self.dim

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """
        Parameters
        ----------
        x : torch.Tensor, shape=(B, n_inputs)

        Returns
        -------
        torch.Tensor, shape=(B, n_inputs * dim)
        """
        if x.shape[-1] != self.n_inputs:
            raise ValueError(f"expected {self.n_inputs} input columns, got {x.shape[-1]}")
        angle = 2 * math.pi * x.unsqueeze(-1) * self.frequencies  # (B, n, k)
        periodic = torch.cat([torch.sin(angle), torch.cos(angle)], dim=-1)  # (B, n, 2k)
        out = torch.relu(torch.einsum("bnf,nfd->bnd", periodic, self.weight) + self.bias)
        return out.flatten(1)


class WithRawInputs(nn.Module):
    """``(B, n)`` -> ``(B, n + n * dim)``: the inputs as they are, then ``embedding``'s
    output (``feature_embedding: periodic_raw``: the MLP can cut an input anywhere through
    its embedding and still read it on a straight scale)."""

    def __init__(self, embedding: PeriodicEmbedding):
        super().__init__()
        self.embedding = embedding

    @property
    def out_features(self) -> int:
        return self.embedding.n_inputs + self.embedding.out_features

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.cat([x, self.embedding(x)], dim=-1)


def embedding_layers(kind: str, n_inputs: int) -> tuple[list[nn.Module], int]:
    """The layers that embed ``n_inputs`` columns as ``kind`` says, and their output width.

    ``"none"`` is no layer at all (not an identity), so the MLP's layer indices, hence the
    weights files of models without embeddings, stay as they were.
    """
    if kind in ("periodic", "periodic_raw"):
        embedding = PeriodicEmbedding(n_inputs)
        if kind == "periodic_raw":
            embedding = WithRawInputs(embedding)
        return [embedding], embedding.out_features
    if kind == "none":
        return [], n_inputs
    raise ValueError(
        f"feature_embedding: expected one of {', '.join(FEATURE_EMBEDDINGS)}, got {kind!r}"
    )
