"""Element encoders: one element's one-hot window ``(B, 4, L)`` -> a vector per element.

Two encoders, chosen by ``ModelConfig.encoder``:

- ``residual`` (:class:`ElementEncoder`, the PRISM default): a convolutional stem, max-pool,
  dilated residual blocks, a last convolution and mean+max global pooling.
- ``counts`` (:class:`CountEncoder`): one convolution whose filters act as motif detectors,
  a learned threshold per filter (a fraction of the filter's best score), and the log of the
  summed above-threshold scores over the window (or, with ``model.count_form:
  occupancy``, of the summed posteriors that each position is a site) -- a soft
  ``log(1 + sites)`` per filter,
  the quantity an enhancer's or promoter's motif grammar is usually summarised by (and the
  one the project's simulator draws its labels from). Few parameters and no
  position-specific layer, so it cannot memorise a region's exact layout.

Both expose ``stem`` (the first convolution, which ``train.stem_motifs`` initialises from
known motifs) and ``output_dim``. With ``model.count_both_strands`` the count encoder's stem
is a :class:`StrandSymmetricConv`: each filter also scans the reverse strand and a filter's
sites on the two strands are counted together, as motif scanners count them.
"""

from __future__ import annotations

import math

import torch
from torch import nn

from kipoi_prism.config import ModelConfig
from kipoi_prism.model.site_background import SiteBackground


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

    @property
    def stem(self) -> nn.Conv1d:
        return self.layers[0]

    def forward(self, one_hot: torch.Tensor) -> torch.Tensor:
        return self.from_stem(self.stem(one_hot))

    @property
    def stem_pool(self) -> nn.MaxPool1d:
        """The max-pool right after the stem."""
        return self.layers[1]

    def from_stem(self, stem_out: torch.Tensor) -> torch.Tensor:
        """The rest of :meth:`forward` from the stem's output ``(B, channels, L)`` (in-silico
        mutagenesis changes the stem's output only near the mutated base)."""
        return self.summarise(self.maps_from_pooled(self.stem_pool(stem_out)))

    def maps_from_pooled(self, pooled: torch.Tensor) -> torch.Tensor:
        """The last feature maps ``(B, element_dim, L')`` from the pooled stem output."""
        return self.layers[2:](pooled)

    @staticmethod
    def summarise(maps: torch.Tensor) -> torch.Tensor:
        """Mean and max over positions of the last feature maps: the encoding."""
        return torch.cat([maps.mean(dim=-1), maps.amax(dim=-1)], dim=-1)


class StrandSymmetricConv(nn.Conv1d):
    """A stem convolution that scans both strands: output ``(B, 2 * out_channels, L)``.

    Channels ``0 .. C - 1`` are the filters on the window as given, ``C .. 2C - 1`` the same
    filters reverse-complemented (bases A, C, G, T reversed in order and position), i.e. the
    filters read off the other strand. Its parameters are a plain ``Conv1d``'s (``weight``
    ``(C, 4, K)``, ``bias``), so known motifs initialise and freeze it the same way.
    """

    def scan_weight(self) -> torch.Tensor:
        """The filters it applies, ``(2C, 4, K)``: each filter, then its reverse complement."""
        return torch.cat([self.weight, self.weight.flip((1, 2))])

    def scan_bias(self) -> torch.Tensor:
        return torch.cat([self.bias, self.bias])

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self._conv_forward(x, self.scan_weight(), self.scan_bias())


def scan_weight(stem: nn.Conv1d) -> torch.Tensor:
    """The filters a stem applies, ``(output channels, 4, K)`` (both strands' when it is a
    :class:`StrandSymmetricConv`)."""
    return stem.scan_weight() if isinstance(stem, StrandSymmetricConv) else stem.weight


class CountEncoder(nn.Module):
    """Soft motif-site counts: ``log(1 + sum_x site(conv(x)))`` per filter.

    With ``model.count_form: relu`` (the default) ``site(s) = ReLU(s - f * best)``: ``best``
    is the highest score the filter can give (each column's largest weight, plus the bias)
    and ``f = sigmoid(threshold_logit)`` a learned fraction of it, starting at 0.75: a site
    is a window that scores at least three quarters of a perfect match, the usual
    motif-scanning rule. A relative threshold follows the filter as it trains and works the
    same for a stem frozen at known motifs (log-odds sums of 10-20) and for a random one.
    With ``occupancy``, ``site(s) = sigmoid(ln 2 * s + log_rate)``, the posterior that the
    position holds a site when ``s`` is its log2 likelihood ratio (a motif-initialised
    filter's score) and ``exp(log_rate)`` the prior site rate (learned per filter, starting
    at ``model.site_rate``): the sum is the expected number of sites. With
    ``model.site_background: k`` the ratio is taken against an order-``k`` Markov chain of
    the training windows (:mod:`kipoi_prism.model.site_background`) instead of uniform
    bases: :meth:`scores` subtracts its shift from the stem's output. The log counts are
    batch-normalised so that the interaction layers see comparable scales whatever the
    window length.

    With ``model.count_both_strands`` each filter scans both strands
    (:class:`StrandSymmetricConv`) and a filter's count sums its sites on the two; the stem
    output then has ``2 * channels`` rows (:meth:`strand_counts` keeps them apart,
    :meth:`fold_strands` adds them).

    Output ``(B, channels)``.
    """

    START_FRACTION = 0.75

    def __init__(self, config: ModelConfig) -> None:
        super().__init__()
        stem = StrandSymmetricConv if config.count_both_strands else nn.Conv1d
        self.stem = stem(4, config.channels, config.stem_kernel, padding="same")
        self.occupancy = config.count_form == "occupancy"
        if self.occupancy:
            start = math.log(config.site_rate)
            self.log_rate = nn.Parameter(torch.full((config.channels,), start))
        else:
            start = math.log(self.START_FRACTION / (1.0 - self.START_FRACTION))
            self.threshold_logit = nn.Parameter(torch.full((config.channels,), start))
        self.background = (None if config.site_background is None
                           else SiteBackground(config.site_background))  # fmt: skip
        self.norm = nn.BatchNorm1d(config.channels)
        self.output_dim = config.channels

    @property
    def both_strands(self) -> bool:
        return isinstance(self.stem, StrandSymmetricConv)

    @property
    def site_parameter(self) -> nn.Parameter:
        """What the encoder learns of its site rule: ``threshold_logit`` or ``log_rate``."""
        return self.log_rate if self.occupancy else self.threshold_logit

    def thresholds(self) -> torch.Tensor:
        """The site threshold of each stem output row, ``(channels,)`` or ``(2 * channels,)``
        (a filter's reverse complement has the same best score, so the same threshold)."""
        best = self.stem.weight.amax(dim=1).sum(dim=-1) + self.stem.bias
        threshold = torch.sigmoid(self.threshold_logit) * best
        return torch.cat([threshold, threshold]) if self.both_strands else threshold

    def site_values(self, stem_out: torch.Tensor) -> torch.Tensor:
        """What each stem output adds to its row's count, the shape of ``stem_out``
        ``(B, rows, L)``."""
        if self.occupancy:
            rate = torch.cat([self.log_rate] * 2) if self.both_strands else self.log_rate
            return torch.sigmoid(math.log(2.0) * stem_out + rate[None, :, None])
        return torch.relu(stem_out - self.thresholds()[None, :, None])

    def scores(self, one_hot: torch.Tensor) -> torch.Tensor:
        """The stem's scores ``(B, rows, L)``, against the site background where there is
        one."""
        stem_out = self.stem(one_hot)
        if self.background is None:
            return stem_out
        return stem_out - self.background.shift(one_hot, scan_weight(self.stem))

    def counts(self, one_hot: torch.Tensor) -> torch.Tensor:
        """Soft site counts ``(B, channels)`` before the log (for inspection and tests)."""
        return self.counts_from_stem(self.scores(one_hot))

    def strand_counts(self, stem_out: torch.Tensor) -> torch.Tensor:
        """Soft site counts per stem output row, ``(B, rows)``, from the stem's output."""
        return self.site_values(stem_out).sum(dim=-1)

    def fold_strands(self, strand_counts: torch.Tensor) -> torch.Tensor:
        """Each filter's count over both strands, ``(B, channels)`` (unchanged when the stem
        scans one strand)."""
        if not self.both_strands:
            return strand_counts
        forward, reverse = strand_counts.chunk(2, dim=-1)
        return forward + reverse

    def counts_from_stem(self, stem_out: torch.Tensor) -> torch.Tensor:
        """:meth:`counts` from the stem's output ``(B, rows, L)``."""
        return self.fold_strands(self.strand_counts(stem_out))

    def forward(self, one_hot: torch.Tensor) -> torch.Tensor:
        return self.from_stem(self.scores(one_hot))

    def from_stem(self, stem_out: torch.Tensor) -> torch.Tensor:
        """The rest of :meth:`forward` from the stem's scores ``(B, rows, L)``
        (:meth:`scores`)."""
        return self.from_counts(self.counts_from_stem(stem_out))

    def from_counts(self, counts: torch.Tensor) -> torch.Tensor:
        """The encoding from soft site counts ``(B, channels)`` (:meth:`counts`)."""
        return self.norm(torch.log1p(counts))


def build_element_encoder(config: ModelConfig) -> nn.Module:
    """The element encoder named by ``config.encoder``."""
    return CountEncoder(config) if config.encoder == "counts" else ElementEncoder(config)
