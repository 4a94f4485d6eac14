"""The PRISM sequence backbone ``f_I`` and the environment stream ``f_E'``.

PRISM (Pooled Residual Interaction Sequence Model) encodes each element (enhancer,
promoter) with a convolutional stem, dilated residual blocks and mean+max global pooling,
then combines the two element vectors by concatenation plus element-wise product:

    h = [v_E, v_P]                              intermediate features, (B, 4 * element_dim)
    z_I = ReLU(W [v_E, v_P, v_E * v_P, q] + b)  sequence representation, (B, d_I)

with ``q = (A v_E) * (B v_P)`` the optional low-rank bilinear term (``bilinear_rank`` > 0;
absent by default): every enhancer-channel x promoter-channel product that a rank-r
compatibility matrix ``v_E^T A^T B v_P`` needs, which the element-wise product (channel k
with channel k only) cannot express. ``element_products: false`` drops ``v_E * v_P``;
``interaction_activation: identity`` drops the ReLU (``z_I`` affine in its inputs).
``element_skip: true`` adds a linear path beside the combine layer, ``z_I = act(W [...] + b)
+ S [v_E, v_P]``, so that ``U_I = g_I(z_I)`` keeps a linear read of the element vectors
(docs/BENCHMARK.md, "The scoring layer refitted": a shrunk linear read of a trained
model's element vectors is level with the known-motif reader, the read of its ``z_I`` is
not). The element encoders are in :mod:`.elements`.

``h`` is what the environment stream reads; with the ReLU (and no skip) ``z_I`` is
non-negative so its sparsity (``|z_I|_0 / d_I``) is a real count of silent units.
"""

from __future__ import annotations

import torch
from torch import nn

from kipoi_prism.config import ModelConfig
from kipoi_prism.errors import PrismInputError
from kipoi_prism.model.elements import build_element_encoder
from kipoi_prism.model.numeric_embeddings import embedding_layers


class LowRankBilinear(nn.Module):
    """``q = (A v_E) * (B v_P)``, shape (B, rank): the rank-r enhancer x promoter products."""

    def __init__(self, enhancer_dim: int, promoter_dim: int, rank: int) -> None:
        super().__init__()
        self.left = nn.Linear(enhancer_dim, rank, bias=False)
        self.right = nn.Linear(promoter_dim, rank, bias=False)

    def forward(self, v_e: torch.Tensor, v_p: torch.Tensor) -> torch.Tensor:
        return self.left(v_e) * self.right(v_p)


def interaction_layers(
    element: int, config: ModelConfig
) -> tuple[nn.Module, nn.Module | None, nn.Module | None]:
    """The combine layer ``z_I = act(W [...] + b)``, the optional bilinear term and the
    optional linear path ``S [v_E, v_P]`` (``element_skip``)."""
    rank = config.bilinear_rank
    width = (3 if config.element_products else 2) * element + rank
    activation = nn.ReLU() if config.interaction_activation == "relu" else nn.Identity()
    combine = nn.Sequential(
        nn.Dropout(config.dropout), nn.Linear(width, config.d_interaction), activation
    )
    bilinear = LowRankBilinear(element, element, rank) if rank else None
    skip = nn.Linear(2 * element, config.d_interaction, bias=False) if config.element_skip else None
    return combine, bilinear, skip


def combine_elements(backbone: nn.Module, v_e: torch.Tensor, v_p: torch.Tensor) -> torch.Tensor:
    """``z_I`` from the two element vectors (``backbone.combine``, ``backbone.bilinear`` and
    ``backbone.skip``; ``backbone.element_products`` says whether ``v_E * v_P`` is an
    input)."""
    parts = [v_e, v_p, v_e * v_p] if backbone.element_products else [v_e, v_p]
    if backbone.bilinear is not None:
        parts.append(backbone.bilinear(v_e, v_p))
    z_i = backbone.combine(torch.cat(parts, dim=-1))
    if backbone.skip is not None:
        z_i = z_i + backbone.skip(torch.cat([v_e, v_p], dim=-1))
    return z_i


class PrismBackbone(nn.Module):
    """``f_I``: (enhancer, promoter) one-hot -> (``z_I``, intermediate features ``h``).

    Parameters
    ----------
    config : ModelConfig
    """

    def __init__(self, config: ModelConfig) -> None:
        super().__init__()
        self.enhancer_encoder = build_element_encoder(config)
        self.promoter_encoder = (
            self.enhancer_encoder if config.shared_encoder else build_element_encoder(config)
        )
        element = self.enhancer_encoder.output_dim
        self.feature_dim = 2 * element
        self.element_products = config.element_products
        self.combine, self.bilinear, self.skip = interaction_layers(element, config)

    def forward(
        self, enhancer: torch.Tensor, promoter: torch.Tensor
    ) -> tuple[torch.Tensor, torch.Tensor]:
        """
        Parameters
        ----------
        enhancer : torch.Tensor, shape=(B, 4, L_E)
        promoter : torch.Tensor, shape=(B, 4, L_P)

        Returns
        -------
        z_I : torch.Tensor, shape=(B, d_I)
        features : torch.Tensor, shape=(B, feature_dim)
        """
        v_e = self.enhancer_encoder(enhancer)
        v_p = self.promoter_encoder(promoter)
        return combine_elements(self, v_e, v_p), torch.cat([v_e, v_p], dim=-1)


class EnvironmentEncoder(nn.Module):
    """``f_E'``: a light MLP on the backbone's intermediate features -> ``e``, (B, d_E), >= 0."""

    def __init__(self, feature_dim: int, config: ModelConfig) -> None:
        super().__init__()
        self.mlp = nn.Sequential(
            nn.Linear(feature_dim, config.env_hidden),
            nn.ReLU(),
            nn.Dropout(config.dropout),
            nn.Linear(config.env_hidden, config.d_environment),
            nn.ReLU(),
        )

    def forward(self, features: torch.Tensor) -> torch.Tensor:
        return self.mlp(features)


class LastInputProducts(nn.Module):
    """``[x, x[:, :-1] * x[:, -1:]]``: every input but the last, times the last, appended
    (``model.feature_distance_products``: the enhancer side's marks times its distance)."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.cat([x, x[:, :-1] * x[:, -1:]], dim=-1)


class FeatureBackbone(nn.Module):
    """``f_I`` on per-element feature vectors instead of sequence (real-feature track).

    The enhancer side (e.g. marks at the enhancer and in the window between, and the
    distance) and the promoter side (marks at the promoter) each pass an MLP; they
    combine as in :class:`PrismBackbone`, so the environment stream and the head are
    unchanged.
    """

    def __init__(self, config: ModelConfig) -> None:
        super().__init__()
        hidden = config.element_dim

        def element(n_in: int, products: bool = False) -> nn.Module:
            inputs = [nn.BatchNorm1d(n_in)] if config.feature_input_norm else []
            if products:
                inputs, n_in = [*inputs, LastInputProducts()], 2 * n_in - 1
            embedding, width = embedding_layers(config.feature_embedding, n_in)
            return nn.Sequential(
                *inputs, *embedding, nn.Linear(width, hidden), nn.ReLU(),
                nn.Dropout(config.dropout / 3),
                nn.Linear(hidden, hidden), nn.ReLU(),
            )  # fmt: skip

        self.enhancer_encoder = element(config.feature_dims[0], config.feature_distance_products)
        self.promoter_encoder = element(config.feature_dims[1])
        self.reads_distance = config.feature_distance  # the enhancer side's last input
        self.feature_dim = 2 * hidden
        self.element_products = config.element_products
        self.combine, self.bilinear, self.skip = interaction_layers(hidden, config)

    def forward(
        self, enhancer: torch.Tensor, promoter: torch.Tensor
    ) -> tuple[torch.Tensor, torch.Tensor]:
        """
        Parameters
        ----------
        enhancer : torch.Tensor, shape=(B, feature_dims[0])
        promoter : torch.Tensor, shape=(B, feature_dims[1])

        Returns
        -------
        z_I : torch.Tensor, shape=(B, d_I)
        features : torch.Tensor, shape=(B, 2 * element_dim)
        """
        if not self.reads_distance:
            enhancer = torch.cat([enhancer[:, :-1], torch.zeros_like(enhancer[:, -1:])], dim=-1)
        v_e = self.enhancer_encoder(enhancer)
        v_p = self.promoter_encoder(promoter)
        return combine_elements(self, v_e, v_p), torch.cat([v_e, v_p], dim=-1)


def build_backbone(config: ModelConfig) -> nn.Module:
    """The backbone named by ``config.backbone``."""
    return FeatureBackbone(config) if config.backbone == "features" else PrismBackbone(config)


def motif_filters(motifs, kernel: int) -> torch.Tensor:
    """Log-odds filters, shape ``(2 * len(motifs), 4, kernel)``: each motif, then its
    reverse complement. A motif wider than ``kernel`` keeps its most informative
    ``kernel`` columns; a narrower one is centred, zero-padded."""
    import numpy as np

    from kipoi_prism.io.motifs import log_odds

    filters = np.zeros((2 * len(motifs), 4, kernel), np.float32)
    for i, motif in enumerate(motifs):
        scores = log_odds(motif)  # (W, 4), bases A, C, G, T
        if len(scores) > kernel:
            information = np.cumsum(np.r_[0.0, scores.max(axis=1)])
            start = int(np.argmax(information[kernel:] - information[:-kernel]))
            scores = scores[start : start + kernel]
        offset = (kernel - len(scores)) // 2
        filters[2 * i, :, offset : offset + len(scores)] = scores.T
        # Reverse complement: positions reversed, A<->T and C<->G (the reversed base axis).
        filters[2 * i + 1, :, offset : offset + len(scores)] = scores[::-1, ::-1].T
    return torch.from_numpy(filters)


def initialise_stem(backbone: PrismBackbone, motifs, freeze: bool = False) -> int:
    """Start each element encoder's first convolution from ``motifs`` (both strands).

    Filters ``0 .. 2 * len(motifs) - 1`` get the log-odds matrices (bias 0); the rest keep
    their random start. ``freeze`` stops the whole first convolution from training.
    Returns the number of filters set per encoder.
    """
    encoders = {id(e): e for e in (backbone.enhancer_encoder, backbone.promoter_encoder)}
    for encoder in encoders.values():
        conv = encoder.stem
        needed = 2 * len(motifs)
        if needed > conv.out_channels:
            raise PrismInputError(
                f"train.stem_motifs: {len(motifs)} motifs on both strands need {needed} "
                f"first-layer filters; model.channels is {conv.out_channels} (choose fewer "
                "with train.stem_motif_ids or raise model.channels)"
            )
        with torch.no_grad():
            conv.weight[:needed] = motif_filters(motifs, conv.kernel_size[0])
            conv.bias[:needed] = 0.0
        if freeze:
            conv.weight.requires_grad_(False)
            conv.bias.requires_grad_(False)
    return 2 * len(motifs)


def freeze_site_thresholds(backbone: PrismBackbone) -> None:
    """Stop each count encoder's site rule (``threshold_logit``, or ``log_rate`` with
    ``model.count_form: occupancy``) from training: it stays where it is (at the start:
    three quarters of each filter's best score, or ``model.site_rate``)."""
    for encoder in (backbone.enhancer_encoder, backbone.promoter_encoder):
        encoder.site_parameter.requires_grad_(False)
