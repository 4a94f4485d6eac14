"""The PRISM sequence backbone ``f_I`` and the environment stream ``f_E'``.

PRISM (Pooled Residual Interaction Sequence Model) encodes each element (enhancer,
promoter) with a convolutional stem, dilated residual blocks and mean+max global pooling,
then combines the two element vectors by concatenation plus element-wise product:

    h = [v_E, v_P]                              intermediate features, (B, 4 * element_dim)
    z_I = ReLU(W [v_E, v_P, v_E * v_P] + b)     sequence representation, (B, d_I)

``h`` is what the environment stream reads; ``z_I`` is non-negative so its sparsity
(``|z_I|_0 / d_I``) is a real count of silent units.
"""

from __future__ import annotations

import torch
from torch import nn

from kipoi_prism.config import ModelConfig
from kipoi_prism.errors import PrismInputError


class ResidualBlock(nn.Module):
    """Pre-activation dilated convolution with a skip connection; keeps length and channels."""

    def __init__(self, channels: int, kernel: int, dilation: int, dropout: float) -> None:
        super().__init__()
        self.body = nn.Sequential(
            nn.BatchNorm1d(channels),
            nn.ReLU(),
            nn.Conv1d(channels, channels, kernel, dilation=dilation, padding="same"),
            nn.Dropout(dropout),
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x + self.body(x)


class ElementEncoder(nn.Module):
    """One element's one-hot ``(B, 4, L)`` -> pooled vector ``(B, 2 * element_dim)``."""

    def __init__(self, config: ModelConfig) -> None:
        super().__init__()
        c = config.channels
        blocks = [
            ResidualBlock(c, config.res_kernel, 2 ** (i + 1), config.dropout / 3)
            for i in range(config.res_blocks)
        ]
        self.layers = nn.Sequential(
            # Pool before normalising: the full-length map is the costliest tensor here.
            nn.Conv1d(4, c, config.stem_kernel, padding="same"),
            nn.MaxPool1d(config.stem_pool),
            nn.BatchNorm1d(c),
            nn.ReLU(),
            *blocks,
            nn.MaxPool1d(config.res_pool),
            nn.Conv1d(c, config.element_dim, 3, padding="same"),
            nn.BatchNorm1d(config.element_dim),
            nn.ReLU(),
        )
        self.output_dim = 2 * config.element_dim

    def forward(self, one_hot: torch.Tensor) -> torch.Tensor:
        maps = self.layers(one_hot)
        return torch.cat([maps.mean(dim=-1), maps.amax(dim=-1)], dim=-1)


class PrismBackbone(nn.Module):
    """``f_I``: (enhancer, promoter) one-hot -> (``z_I``, intermediate features ``h``).

    Parameters
    ----------
    config : ModelConfig
    """

    def __init__(self, config: ModelConfig) -> None:
        super().__init__()
        self.enhancer_encoder = ElementEncoder(config)
        self.promoter_encoder = (
            self.enhancer_encoder if config.shared_encoder else ElementEncoder(config)
        )
        element = self.enhancer_encoder.output_dim
        self.feature_dim = 2 * element
        self.combine = nn.Sequential(
            nn.Dropout(config.dropout),
            nn.Linear(3 * element, config.d_interaction),
            nn.ReLU(),
        )

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
        z_i = self.combine(torch.cat([v_e, v_p, v_e * v_p], dim=-1))
        return z_i, torch.cat([v_e, v_p], dim=-1)


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

        def element(n_in: int) -> nn.Module:
            return nn.Sequential(
                nn.Linear(n_in, hidden), nn.ReLU(), nn.Dropout(config.dropout / 3),
                nn.Linear(hidden, hidden), nn.ReLU(),
            )  # fmt: skip

        self.enhancer_encoder = element(config.feature_dims[0])
        self.promoter_encoder = element(config.feature_dims[1])
        self.feature_dim = 2 * hidden
        self.combine = nn.Sequential(
            nn.Dropout(config.dropout), nn.Linear(3 * hidden, config.d_interaction), nn.ReLU()
        )

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
        v_e = self.enhancer_encoder(enhancer)
        v_p = self.promoter_encoder(promoter)
        z_i = self.combine(torch.cat([v_e, v_p, v_e * v_p], dim=-1))
        return z_i, torch.cat([v_e, v_p], dim=-1)


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
        conv = encoder.layers[0]
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
