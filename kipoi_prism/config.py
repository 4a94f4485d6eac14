"""Every default in one place.

:class:`ModelConfig` is saved inside the weights file, so a model rebuilds exactly the
architecture it was trained with. Training-side knobs live in
:class:`kipoi_prism.config.TrainConfig` (loss weights, schedule) so that one YAML file
maps one-to-one onto these dataclasses.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass, field
from typing import Any

from kipoi_prism.errors import PrismInputError

HEADS = ("energy", "linear", "film")
BACKBONES = ("prism", "features")
TEMPERATURES = ("scalar", "cell")

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
    backbone : {"prism", "features"}
        ``prism``: the convolutional sequence backbone on one-hot windows; ``features``:
        an MLP backbone on per-element feature vectors (the benchmark's real-feature
        track), with ``feature_dims`` = (enhancer-side, promoter-side) input sizes.
    feature_dims : tuple of int
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
    backbone: str = "prism"
    feature_dims: tuple[int, int] = (17, 8)
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
        if self.backbone not in BACKBONES:
            raise PrismInputError(f"backbone: {self.backbone!r} is not one of {BACKBONES}")
        self.feature_dims = (int(self.feature_dims[0]), int(self.feature_dims[1]))
        if self.head not in HEADS:
            raise PrismInputError(f"head: {self.head!r} is not one of {HEADS}")
        if self.temperature not in TEMPERATURES:
            raise PrismInputError(f"temperature: {self.temperature!r} is not one of {TEMPERATURES}")
        for name in ("enhancer_length", "promoter_length", "channels", "d_interaction",
                     "d_environment", "element_dim", "env_hidden"):  # fmt: skip
            if getattr(self, name) <= 0:
                raise PrismInputError(
                    f"{name}: expected a positive integer, got {getattr(self, name)}"
                )
        if self.t_clamp is not None:
            low, high = self.t_clamp
            if not 0 < low < high:
                raise PrismInputError(f"t_clamp: expected 0 < low < high, got {self.t_clamp}")
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


TASK_LOSSES = ("immax", "bce")
DECOUPLINGS = ("corr", "orth")
SPLIT_BY = ("cell_line", "chromosome")
LOGGERS = ("csv", "tensorboard", "none")


@dataclass
class LossWeights:
    """Auxiliary loss weights (SPEC, Losses): start values and caps of the ramp.

    ``corr`` (a), ``inv`` (b), ``hcont`` (g), ``sparse`` (d), ``proto`` (h). A weight of 0
    switches its loss off for the whole run (the ramp never raises it).
    """

    corr: float = 0.1
    inv: float = 0.1
    hcont: float = 0.05
    sparse: float = 0.01
    proto: float = 0.05

    def __post_init__(self) -> None:
        for name, value in dataclasses.asdict(self).items():
            if not isinstance(value, (int, float)) or value < 0:
                raise PrismInputError(f"loss weight {name}: expected a number >= 0, got {value!r}")
            setattr(self, name, float(value))


LOSS_WEIGHT_CAPS = LossWeights(corr=0.2, inv=0.2, hcont=0.1, sparse=0.02, proto=0.1)


@dataclass
class TrainConfig:
    """Training knobs (SPEC, Losses / Training schedule); see ``configs/train.yaml``.

    Attributes
    ----------
    task_loss : {"immax", "bce"}
        IMMAX with adaptive class margins (default) or plain binary cross-entropy.
    immax_prior : float
        Pseudo-count added to each class's running count before IMMAX sets its margins.
    decouple : {"corr", "orth"}
        ``L_corr`` as squared cross-correlation (default) or the orthogonality penalty.
    weights, caps : LossWeights
        Start values and caps of the auxiliary weights a, b, g, d, h.
    ramp_per_epoch : float
        Growth of every non-zero auxiliary weight per epoch after the warm-up.
    curriculum : bool
        ``False``: no warm-up and no ramp (weights stay at their start values).
    warmup_epochs : int
        Epochs with the environment stream and ``t`` frozen, ``R_E = 0``, ``lam = 0``.
    max_epochs, patience : int
        Epoch budget; early stopping when validation AUPR has not improved for
        ``patience`` epochs (0 disables early stopping).
    lr, weight_decay : float
        AdamW; weight decay applies to weight matrices and kernels only.
    blocks_per_batch, block_size, support_size : int
        A batch is ``blocks_per_batch`` cell-line-pure blocks of ``block_size`` pairs;
        ``z_E`` of each block is the mean ``e`` over ``support_size`` pairs of its cell line.
    infonce_tau : float
        Temperature of the hierarchical InfoNCE.
    normalize_embeddings : bool
        L2-normalise ``e`` before the InfoNCE similarities (cosine similarity).
    proto_momentum : float
        ``mu`` of the momentum prototypes.
    grl_scale : float
        Gradient-reversal factor in front of the domain classifier.
    domain_hidden : int
        Hidden width of the domain classifier (0: a linear classifier).
    t_l2 : float
        Weight of the L2 penalty ``(t - t_0)^2 + |w_T|^2`` that keeps ``T`` near 1.
    lam_fallback : float
        ``lam`` is reset to this value when a training loss is not finite.
    gradient_clip : float
        Gradient-norm clip (0: off).
    seed : int
        Seeds the model, the sampler, support sets and dropout (same seed, same run).
    stem_motifs : str or None
        A MEME motif file (e.g. JASPAR): the sequence backbone's first convolution starts
        from these motifs' log-odds matrices, each on both strands (two filters a motif;
        the other filters keep their random start).
    stem_motif_ids : list of str
        Which motifs of ``stem_motifs``, by matrix ID or factor name (empty: all of them).
    freeze_stem : bool
        Keep the first convolution as initialised (not trained); needs ``stem_motifs``.
    """

    task_loss: str = "immax"
    immax_prior: float = 1.0
    decouple: str = "corr"
    weights: LossWeights = field(default_factory=LossWeights)
    caps: LossWeights = field(default_factory=lambda: dataclasses.replace(LOSS_WEIGHT_CAPS))
    ramp_per_epoch: float = 0.01
    curriculum: bool = True
    warmup_epochs: int = 2
    max_epochs: int = 20
    patience: int = 3
    lr: float = 1e-3
    weight_decay: float = 1e-3
    blocks_per_batch: int = 4
    block_size: int = 16
    support_size: int = 32
    infonce_tau: float = 0.1
    normalize_embeddings: bool = True
    proto_momentum: float = 0.9
    grl_scale: float = 1.0
    domain_hidden: int = 32
    t_l2: float = 0.0
    lam_fallback: float = 0.01
    gradient_clip: float = 0.0
    seed: int = 0
    stem_motifs: str | None = None
    stem_motif_ids: list[str] = field(default_factory=list)
    freeze_stem: bool = False

    def __post_init__(self) -> None:
        _choice("train.task_loss", self.task_loss, TASK_LOSSES)
        if self.freeze_stem and not self.stem_motifs:
            raise PrismInputError("train.freeze_stem: needs train.stem_motifs (a MEME file)")
        if self.stem_motif_ids and not self.stem_motifs:
            raise PrismInputError("train.stem_motif_ids: needs train.stem_motifs (a MEME file)")
        _choice("train.decouple", self.decouple, DECOUPLINGS)
        for name in ("weights", "caps"):
            value = getattr(self, name)
            if isinstance(value, dict):
                setattr(self, name, from_mapping(LossWeights, value, f"train.{name}"))
        for name in ("blocks_per_batch", "block_size", "support_size", "max_epochs"):
            _positive_int(f"train.{name}", getattr(self, name))
        for name in ("warmup_epochs", "patience", "domain_hidden"):
            _non_negative_int(f"train.{name}", getattr(self, name))
        for name in ("lr", "infonce_tau"):
            if not getattr(self, name) > 0:
                raise PrismInputError(
                    f"train.{name}: expected a number > 0, got {getattr(self, name)}"
                )
        if not 0 <= self.proto_momentum < 1:
            raise PrismInputError(
                f"train.proto_momentum: expected 0 <= mu < 1, got {self.proto_momentum}"
            )

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any] | None) -> TrainConfig:
        return from_mapping(cls, data, "train")


@dataclass
class SplitConfig:
    """How the pair table is split (never by random pair: shared promoters leak labels).

    Attributes
    ----------
    by : {"cell_line", "chromosome"}
    val : list of str
        Cell lines (or chromosomes) held out for validation.
    exclude : list of str
        Cell lines (or chromosomes) dropped from training and validation, e.g. the test.
    """

    by: str = "cell_line"
    val: list[str] = field(default_factory=list)
    exclude: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        _choice("data.split.by", self.by, SPLIT_BY)
        for name in ("val", "exclude"):
            value = getattr(self, name)
            if isinstance(value, str):
                value = [value]
            if not isinstance(value, (list, tuple)):
                raise PrismInputError(f"data.split.{name}: expected a list of names, got {value!r}")
            setattr(self, name, [str(v) for v in value])


@dataclass
class DataConfig:
    """Where the training data comes from.

    Attributes
    ----------
    pairs : str
        Pair table (BEDPE, TargetFinder CSV or BENGI TSV) with labels.
    genome : str
        Genome FASTA.
    format : str, optional
        Pair-table format (detected when omitted).
    val_pairs : str, optional
        A separate validation table; ``split.val`` must then be empty.
    split : SplitConfig
    num_workers : int
        DataLoader worker processes (each opens the FASTA itself, each seeded).
    h5_cache : str, optional
        HDF5 file of encoded windows, built once and reused while the pairs, genome and
        window widths are unchanged.
    enhancer_features, promoter_features : list of str
        Columns of the pair table the feature backbone (``model.backbone: features``)
        reads instead of sequence; ``genome`` is then not needed.
    """

    pairs: str | list[str] | None = None
    genome: str | None = None
    format: str | None = None
    val_pairs: str | None = None
    split: SplitConfig = field(default_factory=SplitConfig)
    num_workers: int = 0
    h5_cache: str | None = None
    enhancer_features: list[str] = field(default_factory=list)
    promoter_features: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        if isinstance(self.split, dict):
            self.split = from_mapping(SplitConfig, self.split, "data.split")
        _non_negative_int("data.num_workers", self.num_workers)


@dataclass
class TrainerConfig:
    """Lightning ``Trainer`` settings and where a run writes.

    Attributes
    ----------
    out_dir : str
        Run folder: ``checkpoints/``, logs, ``history.csv``, ``weights.pt``.
    accelerator, devices, strategy, num_nodes, precision
        Passed to :class:`pytorch_lightning.Trainer` (``strategy: ddp`` on several GPUs,
        nodes or CPU processes).
    logger : {"csv", "tensorboard", "none"}
    progress_bar : bool
    log_every_n_steps : int
    checkpoint_every_n_steps : int
        Also write ``checkpoints/last.ckpt`` every this many steps (0: epoch ends only).
    threads : int
        ``torch.set_num_threads`` (0: leave PyTorch's default).
    deterministic : bool
        Ask PyTorch for deterministic kernels (Lightning ``deterministic="warn"``: an op
        without one warns instead of failing). CPU training repeats exactly either way;
        on a GPU, without it two runs with the same seed differ (measured in
        docs/BENCHMARK.md), with it they use deterministic cuDNN/cuBLAS paths, at some speed
        cost.
    """

    out_dir: str = "runs/prism-energy"
    accelerator: str = "auto"
    devices: Any = 1
    strategy: str = "auto"
    num_nodes: int = 1
    precision: str = "32-true"
    logger: str = "csv"
    progress_bar: bool = True
    log_every_n_steps: int = 10
    checkpoint_every_n_steps: int = 0
    threads: int = 0
    deterministic: bool = True

    def __post_init__(self) -> None:
        _choice("trainer.logger", self.logger, LOGGERS)
        if not isinstance(self.deterministic, bool):
            raise PrismInputError(
                f"trainer.deterministic: expected true or false, got {self.deterministic!r}"
            )
        for name in ("log_every_n_steps", "num_nodes"):
            _positive_int(f"trainer.{name}", getattr(self, name))
        for name in ("checkpoint_every_n_steps", "threads"):
            _non_negative_int(f"trainer.{name}", getattr(self, name))


@dataclass
class RunConfig:
    """One training run: the four sections of ``configs/train.yaml``."""

    data: DataConfig = field(default_factory=DataConfig)
    model: ModelConfig = field(default_factory=ModelConfig)
    train: TrainConfig = field(default_factory=TrainConfig)
    trainer: TrainerConfig = field(default_factory=TrainerConfig)

    @classmethod
    def from_dict(cls, data: dict[str, Any] | None) -> RunConfig:
        data = dict(data or {})
        sections = {"data": DataConfig, "model": ModelConfig, "train": TrainConfig,
                    "trainer": TrainerConfig}  # fmt: skip
        unknown = sorted(set(data) - set(sections))
        if unknown:
            raise PrismInputError(
                f"unknown section(s) {', '.join(unknown)}; valid sections: {', '.join(sections)}"
            )
        return cls(**{k: from_mapping(c, data.get(k), k) for k, c in sections.items()})

    def to_dict(self) -> dict[str, Any]:
        out = {k: dataclasses.asdict(getattr(self, k)) for k in ("data", "train", "trainer")}
        out["model"] = self.model.to_dict()
        return out


def _choice(name: str, value: Any, choices: tuple[str, ...]) -> None:
    if value not in choices:
        raise PrismInputError(f"{name}: {value!r} is not one of {', '.join(choices)}")


def _positive_int(name: str, value: Any) -> None:
    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
        raise PrismInputError(f"{name}: expected a positive integer, got {value!r}")


def _non_negative_int(name: str, value: Any) -> None:
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise PrismInputError(f"{name}: expected an integer >= 0, got {value!r}")
