"""The model's architecture and how query pairs are scored.

:class:`ModelConfig` is saved inside the weights file, so a model rebuilds exactly the
architecture it was trained with. :func:`from_mapping` builds any of the configuration
dataclasses from a mapping (a YAML section, a saved dictionary), naming unknown keys.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass
from typing import Any

from kipoi_prism.config.checks import check, check_choice, is_number
from kipoi_prism.errors import PrismInputError

HEADS = ("energy", "linear", "film")
BACKBONES = ("prism", "features")
ENCODERS = ("residual", "counts")
COUNT_FORMS = ("relu", "occupancy")
MAX_BACKGROUND_ORDER = 6
TEMPERATURES = ("scalar", "cell")
INTERACTION_ACTIVATIONS = ("relu", "identity")
FEATURE_EMBEDDINGS = ("none", "periodic", "periodic_raw")

# softplus(T_INIT_RAW) == 1.0 exactly: log(e - 1).
T_INIT_RAW = math.log(math.e - 1.0)


@dataclass
class ModelConfig:
    """Architecture of prism-energy (see SPEC: backbone, environment stream, head).

    Attributes
    ----------
    enhancer_length, promoter_length : int
        Window widths in bp centred on each region.
    channels : int
        Convolution channels in the PRISM backbone.
    stem_kernel, stem_pool : int
        First convolution's width and the max-pool after it.
    res_blocks : int
        Dilated residual blocks (dilations 2, 4, 8, ...).
    res_kernel, res_pool : int
        Residual convolution width and the max-pool after the blocks.
    element_dim : int
        Channels of the last convolution; each element pools to ``2 * element_dim``
        (mean and max).
    encoder : {"residual", "counts"}
        Sequence element encoder: ``residual`` (stem, dilated residual blocks, mean+max
        pooling) or ``counts`` (one motif-detector convolution with a learned threshold per
        filter and log-sum pooling: soft ``log(1 + sites)`` per filter; ``element_dim``,
        ``res_*`` and ``stem_pool`` unused). See :mod:`kipoi_prism.model.elements`.
    count_both_strands : bool
        Count encoder: each filter also scans the reverse strand and its sites on both
        strands are counted together (strand-symmetric counts, as motif scanners count
        sites). Off: each filter counts its sites on the given strand only.
    count_form : {"relu", "occupancy"}
        Count encoder: what a position adds to its filter's count. ``relu``: its score
        above a learned share of the filter's best (starting at 0.75), the soft count.
        ``occupancy``: its posterior of being a site, ``sigmoid(ln 2 * score + log r)``
        (the score read as a log2 likelihood ratio, as a motif-initialised filter's is), with
        ``r`` a learned prior site rate per filter starting at ``site_rate``: the expected
        number of sites, which counts a weak site nearly whole once it is likely.
    site_rate : float
        ``count_form: occupancy``: the prior site rate per position and strand it starts at.
    site_background : int or None
        ``count_form: occupancy``: score each window's likelihood ratio against an order-k
        Markov chain (k = 0-6) fitted, without labels, on each element's training windows
        when training starts (saved with the weights), instead of uniform bases (null).
    bilinear_rank : int
        Rank of the explicit enhancer x promoter bilinear term added to ``z_I``'s input
        (0: none, the SPEC's backbone).
    element_products : bool
        ``z_I``'s input holds the element-wise product ``v_E * v_P`` (the SPEC's backbone).
        Off: ``z_I = ReLU(W [v_E, v_P, q] + b)``, no product inputs unless ``bilinear_rank``
        adds them (with rank 0 one ReLU layer is all that mixes the two elements).
    interaction_activation : {"relu", "identity"}
        The activation of ``z_I = act(W [...] + b)``: ``relu`` (the SPEC's backbone) or
        ``identity``, which makes ``z_I``, and with it ``U_I = g_I(z_I)``, an affine
        function of ``z_I``'s inputs: with ``element_products: false`` and rank 0, a score
        additive over the two elements' features, the form of a linear motif-count reader.
    element_skip : bool
        A linear path beside the combine layer: ``z_I = act(W [...] + b) + S [v_E, v_P]``,
        so that the score keeps a linear read of the element vectors (off: the SPEC's
        backbone; on, ``z_I`` can be negative).
    backbone : {"prism", "features"}
        ``prism``: the convolutional sequence backbone on one-hot windows; ``features``:
        an MLP backbone on per-element feature vectors (the benchmark's real-feature
        track), with ``feature_dims`` = (enhancer-side, promoter-side) input sizes.
    feature_dims : tuple of int
    feature_embedding : {"none", "periodic", "periodic_raw"}
        Feature backbone: each scalar input passes a periodic embedding (learned
        frequencies, :mod:`kipoi_prism.model.numeric_embeddings`) before the MLP, enters
        as it is (``none``), or both (``periodic_raw``: the inputs, then their embeddings).
    feature_input_norm : bool
        Feature backbone: each side's inputs pass a batch normalisation (per input column:
        batch mean and variance in training, their running averages when scoring) before
        the embedding and MLP, so that an input on a narrow scale (``log10`` distance, about
        5 +- 0.4) enters as the marks do. Off: the inputs enter as they are.
    feature_distance_products : bool
        Feature backbone, with ``feature_input_norm``: the enhancer side's normalised
        inputs are followed by each of them but the last multiplied by the last (the
        distance, in the feature recipe), so the MLP reads a distance x marks interaction
        directly instead of building it from ReLUs. Off: the inputs alone.
    feature_distance : bool
        Feature backbone: the enhancer side's last input, which the feature recipe fills
        with ``log10(distance + 1)`` (:mod:`kipoi_prism.io.feature_inputs`), is read. Off:
        it is zeroed before the MLP, so the model cannot read the distance (for candidate
        sets whose negatives were drawn at other distances than the training table's).
    shared_encoder : bool
        One convolutional encoder for enhancer and promoter (else one each).
    d_interaction : int
        ``d_I``, size of the sequence representation ``z_I``.
    d_environment : int
        ``d_E``, size of the environment embedding ``e`` and ``z_E``.
    env_hidden : int
        Hidden width of the environment MLP ``f_E'``.
    dropout : float
    head : {"energy", "linear", "film"}
        ``energy``: the SPEC's head; ``linear``: the linear-interaction fallback;
        ``film``: the comparator in which ``z_E`` modulates ``z_I`` per pair.
    lam_init : float
        Initial interaction coefficient (0.1; 0.01 is the SPEC's fallback).
    learn_lam, learn_temperature : bool
        Ablations: ``lam`` fixed at ``lam_init``, ``T`` fixed at 1.
    temperature : {"scalar", "cell"}
        One learnable ``T``, or ``T(c) = softplus(t + w_T . z_E)``.
    t_clamp : tuple of float or None
        Clamp for ``T``; ``None`` disables.
    """

    enhancer_length: int = 3000
    promoter_length: int = 2000
    channels: int = 48
    stem_kernel: int = 15
    stem_pool: int = 8
    res_blocks: int = 2
    res_kernel: int = 5
    res_pool: int = 4
    element_dim: int = 96
    encoder: str = "residual"
    count_both_strands: bool = False
    count_form: str = "relu"
    site_rate: float = 1e-4
    site_background: int | None = None
    bilinear_rank: int = 0
    element_products: bool = True
    interaction_activation: str = "relu"
    element_skip: bool = False
    element_read: bool = False
    backbone: str = "prism"
    feature_dims: tuple[int, int] = (17, 8)
    feature_embedding: str = "none"
    feature_input_norm: bool = False
    feature_distance_products: bool = False
    feature_distance: bool = True
    shared_encoder: bool = False
    d_interaction: int = 64
    d_environment: int = 32
    env_hidden: int = 64
    dropout: float = 0.3
    head: str = "energy"
    lam_init: float = 0.1
    learn_lam: bool = True
    learn_temperature: bool = True
    temperature: str = "scalar"
    t_clamp: tuple[float, float] | None = (0.5, 2.0)

    def __post_init__(self) -> None:
        check_choice("backbone", self.backbone, BACKBONES)
        check_choice("encoder", self.encoder, ENCODERS)
        check_choice("feature_embedding", self.feature_embedding, FEATURE_EMBEDDINGS)
        check(self.bilinear_rank >= 0, "bilinear_rank", self.bilinear_rank, "an integer >= 0")
        check(not self.count_both_strands or self.encoder == "counts", "count_both_strands",
              self.count_both_strands, "false unless encoder is counts")  # fmt: skip
        check_choice("count_form", self.count_form, COUNT_FORMS)
        check(self.count_form == "relu" or self.encoder == "counts", "count_form",
              self.count_form, "relu unless encoder is counts")  # fmt: skip
        check(is_number(self.site_rate) and 0 < self.site_rate < 1, "site_rate",
              self.site_rate, "a number in (0, 1)")  # fmt: skip
        check(self.site_background is None or (
            isinstance(self.site_background, int) and not isinstance(self.site_background, bool)
            and 0 <= self.site_background <= MAX_BACKGROUND_ORDER), "site_background",
            self.site_background, f"null or a Markov order 0-{MAX_BACKGROUND_ORDER}")  # fmt: skip
        check(self.site_background is None or self.count_form == "occupancy", "site_background",
              self.site_background, "null unless count_form is occupancy")  # fmt: skip
        self.feature_dims = (int(self.feature_dims[0]), int(self.feature_dims[1]))
        check(
            not self.feature_distance_products or self.feature_input_norm,
            "feature_distance_products",
            self.feature_distance_products,
            "false unless feature_input_norm is true (raw inputs' products are off scale)",
        )
        check_choice("head", self.head, HEADS)
        check(not self.element_read or self.head != "film", "element_read", self.element_read,
              "false with the film head (it reads z_I itself)")  # fmt: skip
        check_choice("interaction_activation", self.interaction_activation,
                     INTERACTION_ACTIVATIONS)  # fmt: skip
        check_choice("temperature", self.temperature, TEMPERATURES)
        for name in ("enhancer_length", "promoter_length", "channels", "d_interaction",
                     "d_environment", "element_dim", "env_hidden"):  # fmt: skip
            value = getattr(self, name)
            check(value > 0, name, value, "a positive integer")
        if self.t_clamp is not None:
            low, high = self.t_clamp
            check(0 < low < high, "t_clamp", self.t_clamp, "0 < low < high")
            self.t_clamp = (float(low), float(high))

    def to_dict(self) -> dict[str, Any]:
        data = dataclasses.asdict(self)
        data["t_clamp"] = None if self.t_clamp is None else list(self.t_clamp)
        data["feature_dims"] = list(self.feature_dims)
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ModelConfig:
        return from_mapping(cls, data, "model")


def from_mapping(cls, data: dict[str, Any] | None, section: str):
    """Build dataclass ``cls`` from a mapping, naming any unknown key and the valid ones."""
    data = dict(data or {})
    known = {f.name for f in dataclasses.fields(cls)}
    unknown = sorted(set(data) - known)
    if unknown:
        raise PrismInputError(
            f"{section}: unknown key(s) {', '.join(unknown)}; "
            f"valid keys: {', '.join(sorted(known))}"
        )
    if isinstance(data.get("t_clamp"), list):
        data["t_clamp"] = tuple(data["t_clamp"])
    return cls(**data)


@dataclass
class InferenceConfig:
    """How query pairs are scored (SPEC, Inference).

    Attributes
    ----------
    support_size : int
        ``m``, pairs per cell line whose mean environment embedding is ``z_E``.
    seed : int
        Seeds the support-set draw (a hash of seed, cell line and pair name, so the draw
        does not depend on row order).
    use_prototypes : bool
        For a cell line seen in training, use its saved prototype instead of a support set.
    batch_size : int
    """

    support_size: int = 32
    seed: int = 0
    use_prototypes: bool = False
    batch_size: int = 64
