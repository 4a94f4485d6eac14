"""Training configuration: the ``data``, ``train`` and ``trainer`` sections of a run.

:class:`RunConfig` is one training run, the four sections of ``configs/train.yaml``
(``data``, ``model``, ``train``, ``trainer``) mapping one-to-one onto :class:`DataConfig`,
:class:`~kipoi_prism.config.model.ModelConfig`, :class:`TrainConfig` (loss weights,
schedule) and :class:`TrainerConfig`; a key left out keeps its default here.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any

from kipoi_prism.config.checks import (
    check,
    check_choice,
    check_non_negative_int,
    check_positive_int,
    is_number,
)
from kipoi_prism.config.model import ModelConfig, from_mapping
from kipoi_prism.errors import PrismInputError

# train.stem_motifs: find the first layer's motifs in the run's own windows, no labels used
DISCOVER = "discover"

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
            ok = isinstance(value, (int, float)) and value >= 0
            check(ok, f"loss weight {name}", value, "a number >= 0")
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
    weight_l2 : float
        Weight of the L2 penalty ``|W|^2 / 2`` on the network's trainable weight matrices
        (not biases, norms or scalars), in the loss: unlike AdamW's ``weight_decay``, which
        acts beside Adam's normalised step, it moves the fit's optimum, as a logistic
        regression's ``C`` does (0: off).
    distill_weight : float
        Weight of a distillation term: the binary cross-entropy between the network's
        logit and another model's probability for each training pair, the pair table's
        ``teacher`` column (:data:`kipoi_prism.training.datasets.TEACHER_COLUMN`), added to
        the task loss on the labels (0: off; above 0 the training table must have the
        column, checked when training starts).
    lam_fallback : float
        ``lam`` is reset to this value when a training loss is not finite.
    gradient_clip : float
        Gradient-norm clip (0: off).
    seed : int
        Seeds the model, the sampler, support sets and dropout (same seed, same run).
    stem_motifs : str or None
        A MEME motif file (e.g. JASPAR): the sequence backbone's first convolution starts
        from these motifs' log-odds matrices, each on both strands (two filters a motif;
        the other filters keep their random start). ``discover``: motifs found without
        labels in the training and validation pairs' own windows, written to the run
        folder (:mod:`kipoi_prism.training.stem`). ``None``: a random start.
    stem_motif_ids : list of str
        Which motifs of ``stem_motifs``, by matrix ID or factor name (empty: all of them;
        empty with ``discover``).
    freeze_stem : bool
        Keep the first convolution as initialised (not trained); needs ``stem_motifs``.
    freeze_thresholds : bool
        Keep the count encoder's site thresholds at their start (a site scores at least
        three quarters of the filter's best score: the known-motif scan's rule; with
        ``model.count_form: occupancy``, the prior site rate at ``model.site_rate``) instead
        of learning them; needs ``model.encoder: counts`` (checked when training starts).
    reverse_complement : bool
        Training augmentation: with probability 0.5, a training pair has both its windows
        (enhancer and promoter) replaced by their reverse complements. One draw per pair,
        not per element: the pair is then read as if off the other strand, which keeps
        the relative orientation of its two elements (which an orientation-dependent
        interaction, such as convergent CTCF sites, would need). Either choice preserves
        the labels of simulated pairs, which count motifs on both strands.
    max_shift : int
        Training augmentation: every training window is shifted by a uniform integer in
        ``[-max_shift, max_shift]`` bp (one draw per window), the bases coming in are
        ``N`` (zeros) and the width is kept; must be below the shorter window (0: off).
    pretrain_epochs : int
        Before training, this many epochs pre-train each element encoder to predict which
        training cell lines use an element (a multi-hot target from the training pairs;
        a temporary linear layer, binary cross-entropy, AdamW); 0: off. Needs the sequence
        backbone and at least two training cell lines; see
        :mod:`kipoi_prism.training.pretrain`.
    pretrain_lr : float
        AdamW learning rate of that pre-training.

    Both augmentations change only the query pairs of training batches (their support
    rows, which give ``z_E``, stay as they are, as every support set does at validation
    and prediction), draw from ``(seed, epoch, batch)`` (the same run whatever the number
    of DataLoader workers), and need the sequence backbone (``model.backbone: prism``);
    see :mod:`kipoi_prism.training.augment`.
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
    weight_l2: float = 0.0
    distill_weight: float = 0.0
    lam_fallback: float = 0.01
    gradient_clip: float = 0.0
    seed: int = 0
    stem_motifs: str | None = None
    stem_motif_ids: list[str] = field(default_factory=list)
    freeze_stem: bool = False
    freeze_thresholds: bool = False
    reverse_complement: bool = False
    max_shift: int = 0
    pretrain_epochs: int = 0
    pretrain_lr: float = 1e-3

    def __post_init__(self) -> None:
        check_choice("train.task_loss", self.task_loss, TASK_LOSSES)
        if self.freeze_stem and not self.stem_motifs:
            raise PrismInputError(
                f"train.freeze_stem: needs train.stem_motifs (a MEME file or {DISCOVER})"
            )
        if self.stem_motif_ids and not self.stem_motifs:
            raise PrismInputError("train.stem_motif_ids: needs train.stem_motifs (a MEME file)")
        if self.stem_motif_ids and self.stem_motifs == DISCOVER:
            raise PrismInputError(
                f"train.stem_motif_ids: not with train.stem_motifs={DISCOVER} (the motifs "
                "found are all used; their ids are only known once they are found)"
            )
        check_choice("train.decouple", self.decouple, DECOUPLINGS)
        for name, defaults in (("weights", LossWeights()), ("caps", LOSS_WEIGHT_CAPS)):
            value = getattr(self, name)
            if isinstance(value, dict):  # a key left out keeps its default, caps their caps
                value = {**dataclasses.asdict(defaults), **value}
                setattr(self, name, from_mapping(LossWeights, value, f"train.{name}"))
        for name in ("blocks_per_batch", "block_size", "support_size", "max_epochs"):
            check_positive_int(f"train.{name}", getattr(self, name))
        value = self.reverse_complement
        check(isinstance(value, bool), "train.reverse_complement", value, "true or false")
        for name in ("warmup_epochs", "patience", "domain_hidden", "max_shift",
                     "pretrain_epochs"):  # fmt: skip
            check_non_negative_int(f"train.{name}", getattr(self, name))
        for name in ("lr", "infonce_tau", "pretrain_lr"):
            value = getattr(self, name)
            check(is_number(value) and value > 0, f"train.{name}", value, "a number > 0")
        mu = self.proto_momentum
        check(0 <= mu < 1, "train.proto_momentum", mu, "0 <= mu < 1")
        for name in ("weight_l2", "distill_weight"):
            value = getattr(self, name)
            check(is_number(value) and value >= 0, f"train.{name}", value, "a number >= 0")

    def check_leaves_warmup(self, source: str | None = None) -> None:
        """Refuse a Lightning run that would end inside the warm-up.

        With the curriculum on and ``max_epochs <= warmup_epochs`` every epoch is warm-up:
        the environment stream (``f_E'``, ``g_E``, ``lam``, ``t``) would never train, yet
        weights would be exported and scored with it. Nothing to refuse without a
        curriculum or a warm-up (``curriculum: false`` or ``warmup_epochs: 0``).

        Raises
        ------
        PrismInputError
            Naming both keys and the two ways out; ``source`` is the config file.
        """
        if self.curriculum and self.warmup_epochs and self.max_epochs <= self.warmup_epochs:
            raise PrismInputError(
                f"train.max_epochs ({self.max_epochs}) must be larger than "
                f"train.warmup_epochs ({self.warmup_epochs}): every epoch would be warm-up "
                "and the environment stream (f_E', g_E, lam, T) would never train; raise "
                "train.max_epochs, or set train.warmup_epochs=0 (or train.curriculum=false) "
                "to train everything from epoch 1",
                source,
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
        check_choice("data.split.by", self.by, SPLIT_BY)
        for name in ("val", "exclude"):
            value = getattr(self, name)
            if isinstance(value, str):
                value = [value]
            check(isinstance(value, (list, tuple)), f"data.split.{name}", value, "a list of names")
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
        check_non_negative_int("data.num_workers", self.num_workers)


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
        check_choice("trainer.logger", self.logger, LOGGERS)
        value = self.deterministic
        check(isinstance(value, bool), "trainer.deterministic", value, "true or false")
        for name in ("log_every_n_steps", "num_nodes"):
            check_positive_int(f"trainer.{name}", getattr(self, name))
        for name in ("checkpoint_every_n_steps", "threads"):
            check_non_negative_int(f"trainer.{name}", getattr(self, name))


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
