"""The scoring engine: pair source + weights -> one scored row per pair, input order.

Two passes over a re-iterable *pair source* (:mod:`kipoi_prism.inference.sources`: a file,
standard input, a DataFrame, a candidate set):

1. **Scan** (:func:`kipoi_prism.inference.scan.scan`). Every row is validated, pair names
   are checked for duplicates and each cell line's support set is kept. Then ``z_E(c)`` =
   mean environment embedding over the support set of cell line ``c``
   (:func:`environment_of`), or the saved prototype of a training cell line when prototypes
   are asked for.
2. **Score.** The source is read again, cut into batches, encoded (optionally in torch
   DataLoader workers, :mod:`kipoi_prism.inference.batches`), scored with each row's ``z_E``
   (:func:`score_arrays`) and handed out in input order.

The model's inputs are one-hot windows from a genome (sequence backbone) or feature columns
of the table (feature backbone, :mod:`kipoi_prism.inference.encoders`). Memory stays
bounded: one chunk, a few batches in flight, ``m`` support rows per cell line and an 8-byte
hash per pair name. The model is in eval mode (BatchNorm uses running statistics, dropout
is off), so a pair's scores depend only on the pair and its cell line's ``z_E``: not on
batch size, worker count or row order.

Every tool scores through this module: ``kipoi-prism predict`` and :func:`predict_pairs`
(files), :func:`score_frame` (a DataFrame: the benchmark, validation checks), the Kipoi
model (:func:`environment_of`, :func:`score_arrays`).
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterable, Iterator

import numpy as np
import pandas as pd
import torch
from torch.utils.data import DataLoader

from kipoi_prism.config import InferenceConfig, check_non_negative_int, check_positive_int
from kipoi_prism.errors import PrismInputError
from kipoi_prism.inference.batches import BatchStream, identity, in_order
from kipoi_prism.inference.device import (
    autocast,
    check_precision,
    exact_float32,
    model_device,
    one_hot_on,
    resolve_device,
)
from kipoi_prism.inference.encoders import FeatureColumns, FeatureEncoder, make_encoder
from kipoi_prism.inference.feature_tables import (
    feature_table_frame,
    is_feature_model,
    without_inputs,
)
from kipoi_prism.inference.scan import ScanResult, scan, warn_small_support
from kipoi_prism.inference.sources import (
    FEATURE_PAIR_COLUMNS,
    FilePairSource,
    FramePairSource,
    PairSource,
)
from kipoi_prism.io.feature_inputs import FEATURE_INPUTS
from kipoi_prism.io.genome import Genome
from kipoi_prism.io.pairs import PAIR_COLUMNS
from kipoi_prism.io.progress import progress
from kipoi_prism.io.writers import PADDED_COLUMN, SCORE_COLUMNS, OutputContext, PairWriter
from kipoi_prism.model.weights import WeightsBundle

log = logging.getLogger(__name__)


@torch.inference_mode()
def environment_of(model, enhancer: np.ndarray, promoter: np.ndarray) -> torch.Tensor:
    """``z_E`` of one cell line from its encoded support set.

    Parameters
    ----------
    model : PrismEnergy
        In eval mode.
    enhancer : numpy.ndarray of float32, shape=(m, 4, L_E)
        Or ``(m, n_enhancer_features)`` for the feature backbone.
    promoter : numpy.ndarray of float32, shape=(m, 4, L_P)
        Or ``(m, n_promoter_features)``.

    Returns
    -------
    torch.Tensor, shape=(d_E,)
        On the model's device.
    """
    device = model_device(model)
    return model.support_embedding(
        torch.as_tensor(enhancer).to(device), torch.as_tensor(promoter).to(device)
    )


@torch.inference_mode()
def score_arrays(
    model,
    enhancer: np.ndarray | torch.Tensor,
    promoter: np.ndarray | torch.Tensor,
    z_e: torch.Tensor,
    threshold: float,
    precision: str = "fp32",
    logit: bool = False,
) -> dict[str, np.ndarray]:
    """Score encoded pairs: probability, calibrated call and the energy terms.

    Parameters
    ----------
    model : PrismEnergy
        In eval mode.
    enhancer : numpy.ndarray or torch.Tensor of float32, shape=(B, 4, L_E)
        Or ``(B, n_enhancer_features)`` for the feature backbone.
    promoter : numpy.ndarray or torch.Tensor of float32, shape=(B, 4, L_P)
        Or ``(B, n_promoter_features)``.
    z_e : torch.Tensor, shape=(B, d_E) or (d_E,)
        Each pair's cell-line environment (one row per pair, or one for all).
    threshold : float
        Decision threshold saved with the weights.
    precision : {"fp32", "bf16", "fp16"}
        ``fp32`` computes in float32; the others run the forward pass under
        :func:`torch.autocast` (see :func:`kipoi_prism.inference.device.autocast`).
    logit : bool
        Also return ``logit`` (float32), the head's output before the sigmoid (variant
        effects report it; ``predict`` does not).

    Returns
    -------
    dict of numpy.ndarray, each shape=(B,)
        :data:`kipoi_prism.io.writers.SCORE_COLUMNS`: ``probability`` (float32), ``call``
        (int8, probability >= threshold), ``U_I``, ``R_E``, ``lam``, ``T`` (float32).
    """
    device = model_device(model)
    with autocast(device, precision):
        out = model(
            torch.as_tensor(enhancer).to(device, non_blocking=True),
            torch.as_tensor(promoter).to(device, non_blocking=True),
            z_e.to(device),
        )
    probability = torch.sigmoid(out["logit"]).float().cpu().numpy()
    scores = {"probability": probability, "call": (probability >= threshold).astype(np.int8)}
    for key in SCORE_COLUMNS[2:]:
        scores[key] = out[key].float().cpu().numpy()
    if logit:
        scores["logit"] = out["logit"].float().cpu().numpy()
    return scores


class Predictor:
    """Scores pair sources with one set of weights (see module docstring).

    Parameters
    ----------
    bundle : WeightsBundle
        Loaded weights (:func:`kipoi_prism.model.weights.load_weights`).
    genome : Genome, optional
        Where the sequence backbone's windows come from (``None`` for the feature backbone).
    config : InferenceConfig, optional
        Support-set size, seed, prototypes, batch size.
    num_workers : int
        DataLoader workers encoding batches in pass 2 (0: the main process).
    device : str
        ``"auto"``, ``"cpu"`` or ``"cuda"``.
    progress : bool
        Report progress on stderr (:func:`kipoi_prism.io.progress.progress`: a tqdm bar on
        a terminal, a log line every 30 s elsewhere).
    precision : {"fp32", "bf16", "fp16"}
        Precision of the scoring forward passes (:func:`autocast`); support-set
        environments ``z_E`` are always computed in float32.
    encode_on_device : bool, optional
        Move each batch's window bases (uint8) to the model's device and one-hot encode
        them there (:func:`one_hot_on`) instead of moving float32 one-hot windows: 16 times
        fewer bytes through worker shared memory, pinned memory and the bus. Identical
        inputs either way. Default: on for CUDA, off for the CPU; always off for the
        feature backbone.
    feature_columns : (list of str, list of str), optional
        The feature backbone's enhancer-side and promoter-side columns.
    threshold : float, optional
        Decision threshold of the ``call`` column, in [0, 1] (default: the calibrated
        threshold saved with the weights).
    """

    def __init__(
        self,
        bundle: WeightsBundle,
        genome: Genome | None = None,
        config: InferenceConfig | None = None,
        num_workers: int = 0,
        device: str = "cpu",
        progress: bool = False,
        precision: str = "fp32",
        encode_on_device: bool | None = None,
        feature_columns: FeatureColumns | None = None,
        threshold: float | None = None,
    ) -> None:
        check_precision(precision)
        if threshold is not None and not 0.0 <= threshold <= 1.0:
            raise PrismInputError(f"--threshold: expected a probability in [0, 1], got {threshold}")
        self.threshold = float(bundle.threshold if threshold is None else threshold)
        self.threshold_source = "calibrated" if threshold is None else "--threshold"
        self.precision = precision
        self.config = config or InferenceConfig()
        check_positive_int("--batch-size", self.config.batch_size)
        check_positive_int("--support-size", self.config.support_size)
        check_non_negative_int("--num-workers", num_workers)
        self.bundle = bundle
        self.device = resolve_device(device)
        exact_float32(self.device)
        self.model = bundle.model.to(self.device).eval()
        self.encoder = make_encoder(self.model.config, genome, feature_columns)
        self.num_workers = num_workers
        self.progress = progress
        if encode_on_device is None:
            encode_on_device = self.device.type == "cuda"
        self.encode_on_device = bool(encode_on_device) and not self.reads_features

    @property
    def reads_features(self) -> bool:
        """Whether the model reads feature columns (feature backbone) rather than windows."""
        return isinstance(self.encoder, FeatureEncoder)

    def frame_source(
        self, frame: pd.DataFrame, name: str = "<pairs>", unique_names: bool = True
    ) -> FramePairSource:
        """``frame`` as a pair source, checked for the columns this model reads."""
        columns = FEATURE_PAIR_COLUMNS if self.reads_features else PAIR_COLUMNS
        return FramePairSource(frame, name, columns=columns, unique_names=unique_names)

    # ---------------------------------------------------------------- pass 1

    def scan(self, source: PairSource) -> ScanResult:
        """Pass 1 (see :func:`kipoi_prism.inference.scan.scan`)."""
        return scan(source, self.encoder, self.config.support_size, self.config.seed, self.progress)

    @torch.inference_mode()
    def environments(
        self, support: dict[str, pd.DataFrame], given: dict[str, torch.Tensor] | None = None
    ) -> dict[str, torch.Tensor]:
        """``z_E`` per cell line, shape (d_E,): the one ``given`` for it (an environment
        file, :mod:`kipoi_prism.inference.environments`), else from its support rows or its
        saved prototype."""
        given = given or {}
        z_e = {}
        for cell, rows in support.items():
            if cell in given:
                z_e[cell] = given[cell].to(self.device, torch.float32)
                continue
            prototype = self.bundle.prototypes.get(cell) if self.config.use_prototypes else None
            if prototype is not None:
                z_e[cell] = prototype.to(self.device, torch.float32)
                log.info("%s: using its saved prototype (a training cell line)", cell)
                continue
            if self.config.use_prototypes:
                log.info("%s: no saved prototype; using a support set of %d pairs", cell, len(rows))
            encoded = self.encoder.encode(rows)
            z_e[cell] = environment_of(self.model, encoded.enhancer, encoded.promoter)
        skip = set(given)
        if self.config.use_prototypes:
            skip |= {cell for cell in support if cell in self.bundle.prototypes}
        warn_small_support(support, self.config.support_size, skip)
        return z_e

    # ---------------------------------------------------------------- pass 2

    def score(
        self, source: PairSource, z_e: dict[str, torch.Tensor], total: int | None = None
    ) -> Iterator[pd.DataFrame]:
        """Pass 2: scored batches in input order: the rows (an input column named like an
        output column renamed ``input_<name>``) plus :data:`SCORE_COLUMNS` and ``padded``
        (windows of the pair padded with N: 0, 1 or 2)."""
        cells = list(z_e)
        table = torch.stack([z_e[c] for c in cells]).to(self.device)
        index = {c: i for i, c in enumerate(cells)}
        with progress(self.progress, "scoring pairs", total) as bar:
            for rows, enhancer, promoter in self.inputs(source):
                # pandas 3 hands out read-only arrays; torch indexing wants a writable one.
                codes = torch.from_numpy(np.array(rows["cell_line"].map(index), dtype=np.int64))
                z_rows = table[codes.to(table.device)]
                scores = score_arrays(
                    self.model, enhancer, promoter, z_rows, self.threshold, self.precision
                )
                scores[PADDED_COLUMN] = self.encoder.padded(rows)
                yield _keep_input_columns(rows, scores).assign(**scores)
                bar.update(len(rows))

    def inputs(
        self, source: PairSource
    ) -> Iterator[tuple[pd.DataFrame, torch.Tensor, torch.Tensor]]:
        """Pass 2's batches in input order: ``(rows, enhancer, promoter)``, the model's inputs
        (one-hot encoded on the model's device where :attr:`encode_on_device`)."""
        for _, rows, enhancer, promoter in in_order(self._loader(source)):
            if self.encode_on_device:
                enhancer = one_hot_on(self.device, enhancer)
                promoter = one_hot_on(self.device, promoter)
            yield rows, enhancer, promoter

    def _loader(self, source: PairSource) -> Iterator[tuple]:
        stream = BatchStream(source, self.encoder, self.config.batch_size, self.encode_on_device)
        if self.num_workers == 0:
            return iter(stream)
        return iter(
            DataLoader(
                stream,
                batch_size=None,
                num_workers=self.num_workers,
                collate_fn=identity,
                pin_memory=self.device.type == "cuda",
            )
        )

    # ---------------------------------------------------------------- both

    def predict(
        self,
        source: PairSource,
        environment_from: PairSource | None = None,
        given: dict[str, torch.Tensor] | None = None,
    ) -> tuple[ScanResult, Iterator[pd.DataFrame]]:
        """Run pass 1 now; return its result and pass 2's scored batches (lazy).

        ``given`` (``{cell line: z_E}``, from environment files) replaces the support sets of
        the cell lines it names. ``environment_from`` (pairs of one cell line) is the same
        for every cell line of ``source``: each is scored with that cell line's ``z_E``
        (:func:`borrowed_environment`); not both.
        """
        if environment_from is not None and given:
            raise ValueError("predict: pass environment_from or given, not both")
        result = self.scan(source)
        if environment_from is not None:
            given = borrowed_environment(self, environment_from, result.counts)
        z_e = self.environments(result.support, given)
        return result, self.score(source, z_e, total=result.n_pairs)

    def predict_all(
        self, source: PairSource, environment_from: PairSource | None = None
    ) -> pd.DataFrame:
        """Both passes, every scored row in one table (input order)."""
        _, batches = self.predict(source, environment_from)
        return pd.concat(list(batches), ignore_index=True)

    def output_context(self, result: ScanResult) -> OutputContext:
        """What the writers record besides the rows (labels present, run metadata)."""
        from kipoi_prism import __version__

        return OutputContext(
            has_labels=result.has_labels,
            attributes={
                "kipoi_prism_version": __version__,
                "weights_sha256": self.bundle.digest,
                "threshold": self.threshold,
                "threshold_source": self.threshold_source,
                "calibrated_threshold": float(self.bundle.threshold),
                "support_size": int(self.config.support_size),
                "seed": int(self.config.seed),
                "use_prototypes": bool(self.config.use_prototypes),
                "precision": self.precision,
            },
        )


def borrowed_environment(
    predictor: Predictor, donor: PairSource, cells: Iterable[str]
) -> dict[str, torch.Tensor]:
    """The ``z_E`` of ``donor``'s one cell line, handed to every cell line in ``cells``.

    ``donor`` goes through pass 1 like any source (checked rows, the same support-set
    size and seeded draw; a saved prototype where prototypes are asked for), so the
    borrowed environment is exactly the one that cell line gets when its own pairs are
    scored: the environment-swap ablation.

    Raises
    ------
    PrismInputError
        When ``donor`` holds pairs of more than one cell line.
    """
    support = predictor.scan(donor).support
    if len(support) != 1:
        raise PrismInputError(
            f"the environment's pairs must be of one cell line, got {len(support)}: "
            + ", ".join(map(str, support)),
            donor.name,
        )
    (z_e,) = predictor.environments(support).values()
    return dict.fromkeys(cells, z_e)


def _keep_input_columns(rows: pd.DataFrame, scores: dict) -> pd.DataFrame:
    """``rows`` with any input column named like an output column renamed ``input_<name>``
    (a scored table read back in), so the scores do not overwrite what the user gave."""
    clashes = {c: f"input_{c}" for c in scores if c in rows.columns}
    return rows.rename(columns=clashes) if clashes else rows


def write_all(writer: PairWriter, batches: Iterator[pd.DataFrame], rows: int = 8192) -> None:
    """Write batches, grouped into blocks of about ``rows`` rows (fewer, larger writes)."""
    block: list[pd.DataFrame] = []
    held = 0
    for batch in batches:
        block.append(batch)
        held += len(batch)
        if held >= rows:
            writer.write(pd.concat(block, ignore_index=True))
            block, held = [], 0
    if block:
        writer.write(pd.concat(block, ignore_index=True))


def predict_pairs(
    pairs: str | os.PathLike | pd.DataFrame,
    fasta: str | os.PathLike | None = None,
    weights: str | os.PathLike | None = None,
    format: str | None = None,
    config: InferenceConfig | None = None,
    device: str = "cpu",
    threshold: float | None = None,
    impute_missing_marks: bool = False,
) -> pd.DataFrame:
    """Score a whole pair table in memory (convenience for small inputs).

    Parameters
    ----------
    pairs : str, PathLike or pandas.DataFrame
        Pair table file (BEDPE, TargetFinder CSV or BENGI TSV), or a canonical pair table
        in a DataFrame (:data:`kipoi_prism.io.pairs.PAIR_COLUMNS`, as
        :func:`kipoi_prism.io.pairs.read_pairs` returns; rows numbered from 1 in messages
        when it has no ``line`` column). For feature-backbone weights: a chromatin feature
        table file (TargetFinder CSV, BENGI TSV, ``kipoi-prism features`` output) or a frame
        as :func:`kipoi_prism.io.feature_inputs.read_feature_table` returns it
        (:mod:`kipoi_prism.inference.feature_tables`).
    fasta : str or PathLike, optional
        Genome FASTA; required by the sequence backbone, not used (a warning) by the
        feature backbone.
    weights : str or PathLike, optional
        Default: the weights shipped with the package.
    format : str, optional
        File format (files only).
    config : InferenceConfig, optional
    device : str
    threshold : float, optional
        Decision threshold of ``call`` (default: the calibrated one saved with the weights).
    impute_missing_marks : bool
        Feature tables with NA marks: impute them as the middle rank (weights that rank
        their marks) instead of refusing the table.

    Returns
    -------
    pandas.DataFrame
        One row per pair, input order: the input's columns, ``line``,
        :data:`kipoi_prism.io.writers.SCORE_COLUMNS` and ``padded``; for a feature table,
        the pair columns (coordinates from ``enh_name``/``prom_name``), ``line`` and
        ``distance`` in place of the input's columns.

    Raises
    ------
    PrismInputError
        No ``fasta`` for sequence weights; bad rows (the file and line named).
    """
    bundle = weights_bundle(weights, device)
    if is_feature_model(bundle):
        if fasta is not None:
            log.warning("fasta: not used; the weights read chromatin feature tables")
        if format is not None:
            raise PrismInputError("format: not used with feature-backbone weights")
        predictor = predictor_for(bundle, None, FEATURE_INPUTS, config, device, threshold)
        name = "<feature table>" if isinstance(pairs, pd.DataFrame) else str(pairs)
        frame = feature_table_frame(bundle, pairs, name, impute_missing_marks)
        _, batches = predictor.predict(predictor.frame_source(frame, name, unique_names=False))
        return pd.concat(list(without_inputs(batches)), ignore_index=True)
    if fasta is None:
        raise PrismInputError(
            "fasta: a genome FASTA is needed (the weights have the sequence backbone)",
            bundle.path,
        )
    predictor = predictor_for(bundle, fasta, None, config, device, threshold)
    if isinstance(pairs, pd.DataFrame):
        if format is not None:
            raise PrismInputError("format: only for a pair-table file, not a DataFrame")
        return predictor.predict_all(predictor.frame_source(pairs))
    return predictor.predict_all(FilePairSource(pairs, format))


def score_frame(
    weights: str | os.PathLike | WeightsBundle | None,
    frame: pd.DataFrame,
    genome: str | os.PathLike | Genome | None = None,
    feature_columns: FeatureColumns | None = None,
    config: InferenceConfig | None = None,
    device: str = "cpu",
    name: str = "<pairs>",
    unique_names: bool = True,
    environment_from: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Score a pair table held in a DataFrame, exactly as ``kipoi-prism predict`` scores files.

    The same two passes, support sets, environments, TF32 rule and output dtypes as
    :class:`Predictor` (it is one); the table is checked the same way (windows, duplicate
    names, feature values).

    Parameters
    ----------
    weights : str, PathLike or WeightsBundle, optional
        Weights file or loaded weights (default: the weights shipped with the package).
    frame : pandas.DataFrame
        Canonical pair table (:data:`kipoi_prism.io.pairs.PAIR_COLUMNS`); for the feature
        backbone ``name``, ``cell_line``, ``label`` and the feature columns suffice.
    genome : str, PathLike or Genome, optional
        Genome FASTA of the sequence backbone (``None`` for the feature backbone).
    feature_columns : (list of str, list of str), optional
        Enhancer-side and promoter-side columns of the feature backbone.
    config : InferenceConfig, optional
        Support-set size, seed, prototypes, batch size.
    device : str
        ``"auto"``, ``"cpu"`` or ``"cuda"``.
    name : str
        What error messages call the table.
    unique_names : bool
        Refuse repeated pair names (as ``predict`` does). ``False`` for tables that list
        some pairs twice (the BENGI feature tables): rows are matched by position, and a
        repeated pair counts twice in its cell line's support draw.
    environment_from : pandas.DataFrame, optional
        Pairs of one other cell line (same columns as ``frame``): every pair of ``frame`` is
        scored with the ``z_E`` drawn from these pairs' support set (same size and seed)
        instead of its own cell line's (:func:`borrowed_environment`; the
        environment-swap ablation of the benchmark).

    Returns
    -------
    pandas.DataFrame
        One row per pair, input order: ``frame``'s columns and
        :data:`kipoi_prism.io.writers.SCORE_COLUMNS` (``probability`` float32, ``call`` int8,
        the energy terms float32) and ``padded`` (int8, 0 for the feature backbone).
    """
    predictor = predictor_for(weights, genome, feature_columns, config, device)
    donor = None
    if environment_from is not None:
        donor = predictor.frame_source(environment_from, f"{name} (environment)", unique_names)
    return predictor.predict_all(predictor.frame_source(frame, name, unique_names), donor)


def weights_bundle(weights, device) -> WeightsBundle:
    """Weights given as a file, a bundle or nothing (the default), loaded onto ``device``."""
    from kipoi_prism.model.weights import load_weights

    if isinstance(weights, WeightsBundle):
        return weights
    return load_weights(weights, map_location=resolve_device(device))


def predictor_for(
    weights, genome, feature_columns, config, device: str, threshold: float | None = None
) -> Predictor:
    """A :class:`Predictor` for weights given as a file, a bundle or nothing (the default)."""
    resolved = resolve_device(device)
    bundle = weights_bundle(weights, device)
    if genome is not None and not isinstance(genome, Genome):
        genome = Genome(genome)
    return Predictor(
        bundle, genome, config, device=str(resolved), feature_columns=feature_columns,
        threshold=threshold,
    )  # fmt: skip
