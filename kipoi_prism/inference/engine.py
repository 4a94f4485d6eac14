"""Streaming inference: pair table + genome + weights -> one scored row per pair, input order.

Two passes over a re-iterable *pair source* (anything with ``name`` and ``chunks()``
yielding canonical chunks as :func:`kipoi_prism.io.pairs.iter_pairs` does):

1. **Scan.** Every chunk is validated (:meth:`PairEncoder.validate`: chromosomes, windows),
   pair names are checked for duplicates (:class:`kipoi_prism.io.pairs.UniqueNameGuard`), windows
   needing N padding are counted (one warning), and each cell line's support set is kept
   (:class:`kipoi_prism.io.support.SupportReservoir`, seeded, order-independent). Then
   ``z_E(c)`` = mean environment embedding over the support set of cell line ``c``, or
   the saved prototype of a training cell line when prototypes are asked for.
2. **Score.** The source is read again, cut into batches, encoded (optionally in torch
   DataLoader workers), scored with each row's ``z_E`` and handed out in input order.

Memory stays bounded: one chunk, a few batches in flight, ``m`` support rows per cell line
and an 8-byte hash per pair name. The model is in eval mode (BatchNorm uses running
statistics, dropout is off), so a pair's scores depend only on the pair and its cell
line's ``z_E``: not on batch size, worker count or row order.
"""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO, Protocol

import numpy as np
import pandas as pd
import torch
from torch.utils.data import DataLoader, IterableDataset, get_worker_info
from tqdm import tqdm

from kipoi_prism.config import InferenceConfig
from kipoi_prism.errors import PrismInputError
from kipoi_prism.io.encode import PairEncoder
from kipoi_prism.io.genome import Genome
from kipoi_prism.io.pairs import (
    DEFAULT_CHUNK_SIZE,
    PAIR_COLUMNS,
    UniqueNameGuard,
    detect_format,
    iter_pairs,
)
from kipoi_prism.io.sequence import byte_one_hot_table
from kipoi_prism.io.support import SupportReservoir
from kipoi_prism.io.writers import SCORE_COLUMNS, OutputContext, PairWriter
from kipoi_prism.model.weights import WeightsBundle

log = logging.getLogger(__name__)

DEVICES = ("auto", "cpu", "cuda")
#: ``--precision`` choices: float32 (default, exact), or autocast to bfloat16 / float16.
PRECISIONS = ("fp32", "bf16", "fp16")
_AUTOCAST = {"bf16": torch.bfloat16, "fp16": torch.float16}


# --------------------------------------------------------------------------- sources


class PairSource(Protocol):
    """A pair table that can be read more than once.

    Attributes
    ----------
    name : str
        What error messages call it (usually the file path).
    """

    name: str

    def chunks(self) -> Iterator[pd.DataFrame]:
        """Canonical chunks (:data:`kipoi_prism.io.pairs.PAIR_COLUMNS`, ``line``, extras), input
        order."""
        ...


class FilePairSource:
    """A pair table on disk (BEDPE, TargetFinder CSV or BENGI TSV; gzip accepted).

    Parameters
    ----------
    path : str or PathLike
    format : {"bedpe", "targetfinder", "bengi"}, optional
        Detected once from the first record when omitted (and logged).
    chunk_size : int
        Rows per chunk.
    name : str, optional
        What messages call the source (default: ``path``).
    """

    def __init__(
        self,
        path: str | os.PathLike,
        format: str | None = None,
        chunk_size: int = DEFAULT_CHUNK_SIZE,
        name: str | None = None,
    ) -> None:
        self.path = Path(path)
        self.name = str(path) if name is None else name
        self.chunk_size = chunk_size
        if format is None:
            format = detect_format(self.path)
            log.info("%s: detected pair-table format %r", self.name, format)
        self.format = format

    def chunks(self) -> Iterator[pd.DataFrame]:
        yield from iter_pairs(self.path, self.format, self.chunk_size)


class StdinPairSource(FilePairSource):
    """Standard input, spooled to a temporary file first so it can be read twice.

    Errors name ``name`` (default ``-``), not the temporary file. Use as a context manager,
    or call :meth:`close`, to remove the temporary file.

    Parameters
    ----------
    format : str, optional
    chunk_size : int
    stream : binary file object, optional
        Read instead of ``sys.stdin.buffer``.
    name : str
    """

    def __init__(
        self,
        format: str | None = None,
        chunk_size: int = DEFAULT_CHUNK_SIZE,
        stream: BinaryIO | None = None,
        name: str = "-",
    ) -> None:
        handle, spool = tempfile.mkstemp(prefix="kipoi-prism-stdin-", suffix=".pairs")
        self.spool = Path(spool)
        try:
            with os.fdopen(handle, "wb") as out:
                shutil.copyfileobj(stream or sys.stdin.buffer, out, 1 << 20)
            with _RenameErrors(self.spool, name):
                super().__init__(self.spool, format, chunk_size, name)
        except BaseException:
            self.close()
            raise

    def chunks(self) -> Iterator[pd.DataFrame]:
        with _RenameErrors(self.spool, self.name):
            yield from super().chunks()

    def close(self) -> None:
        """Remove the spooled copy."""
        self.spool.unlink(missing_ok=True)

    def __enter__(self) -> StdinPairSource:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


class FramePairSource:
    """Pairs already in memory: a canonical table (as :func:`kipoi_prism.io.pairs.read_pairs`
    returns).

    Parameters
    ----------
    frame : pandas.DataFrame
        Columns :data:`kipoi_prism.io.pairs.PAIR_COLUMNS` (``line`` optional).
    name : str
        What messages call it.
    chunk_size : int
    """

    def __init__(
        self, frame: pd.DataFrame, name: str = "<pairs>", chunk_size: int = DEFAULT_CHUNK_SIZE
    ) -> None:
        missing = [c for c in PAIR_COLUMNS if c not in frame.columns]
        if missing:
            raise PrismInputError(f"pair table lacks column(s) {', '.join(missing)}", name)
        self.frame = frame.reset_index(drop=True)
        self.name = name
        self.chunk_size = chunk_size

    def chunks(self) -> Iterator[pd.DataFrame]:
        for start in range(0, len(self.frame), self.chunk_size):
            yield self.frame.iloc[start : start + self.chunk_size]


class _RenameErrors:
    """Re-raise a :class:`PrismInputError` about ``spool`` as one about ``name``."""

    def __init__(self, spool: Path, name: str) -> None:
        self.spool, self.name = str(spool), name

    def __enter__(self) -> None:
        return None

    def __exit__(self, kind, error, traceback) -> bool:
        if isinstance(error, PrismInputError) and error.path == self.spool:
            raise PrismInputError(error.problem, self.name, error.line) from None
        return False


# --------------------------------------------------------------------------- pass 1


@dataclass
class ScanResult:
    """What pass 1 learnt about a source.

    Attributes
    ----------
    counts : dict
        ``{cell line: number of pairs}``, in order of first appearance.
    padded_windows : int
        Windows running off a chromosome end (padded with N).
    has_labels : bool
        Whether any pair carries a 0/1 label.
    support : dict
        ``{cell line: its support rows}`` (:meth:`SupportReservoir.support_sets`).
    """

    counts: dict[str, int] = field(default_factory=dict)
    padded_windows: int = 0
    has_labels: bool = False
    support: dict[str, pd.DataFrame] = field(default_factory=dict)

    @property
    def n_pairs(self) -> int:
        return sum(self.counts.values())


def scan(
    source: PairSource, encoder: PairEncoder, support_size: int, seed: int, progress: bool = False
) -> ScanResult:
    """Pass 1: validate every row, check names are unique, keep the support sets.

    Raises
    ------
    PrismInputError
        On the first bad row (file and line named).
    """
    guard = UniqueNameGuard(source.name)
    reservoir = SupportReservoir(support_size, seed)
    result = ScanResult()
    with _bar(progress, "checking pairs", None) as bar:
        for chunk in source.chunks():
            result.padded_windows += encoder.validate(chunk, source.name)
            guard.update(chunk)
            reservoir.update(chunk)
            result.has_labels |= bool((chunk["label"] >= 0).any())
            bar.update(len(chunk))
    if not reservoir.counts:
        raise PrismInputError("no pairs in the input", source.name)
    result.counts = dict(reservoir.counts)
    result.support = reservoir.support_sets()
    if result.padded_windows:
        log.warning(
            "%s: %d window(s) run off a chromosome end and were padded with N",
            source.name,
            result.padded_windows,
        )
    return result


# --------------------------------------------------------------------------- pass 2


class _BatchStream(IterableDataset):
    """Batches of rows, encoded; with workers, worker ``k`` encodes batches ``k, k+W, ...``.

    Yields ``(batch index, rows, enhancer, promoter)``: the windows as float32 one-hot
    tensors ``(B,4,L_E)``, ``(B,4,L_P)``, or with ``bases=True`` as their uint8 bases
    ``(B,L_E)``, ``(B,L_P)`` (16 times fewer bytes to move; one-hot encoded where the model
    runs, :func:`one_hot_on`).
    """

    def __init__(
        self, source: PairSource, encoder: PairEncoder, batch_size: int, bases: bool = False
    ) -> None:
        self.source = source
        self.encoder = encoder
        self.batch_size = batch_size
        self.bases = bases

    def __iter__(self):
        info = get_worker_info()
        worker, workers = (0, 1) if info is None else (info.id, info.num_workers)
        for index, rows in enumerate(_batches(self.source.chunks(), self.batch_size)):
            if index % workers == worker:
                # Tensors, not arrays: from workers they travel through shared memory.
                if self.bases:
                    enhancer = torch.from_numpy(self.encoder.fetch_array(rows, "enhancer"))
                    promoter = torch.from_numpy(self.encoder.fetch_array(rows, "promoter"))
                else:
                    encoded = self.encoder.encode(rows)
                    enhancer = torch.from_numpy(encoded.enhancer)
                    promoter = torch.from_numpy(encoded.promoter)
                yield index, rows, enhancer, promoter


def _batches(chunks: Iterator[pd.DataFrame], size: int) -> Iterator[pd.DataFrame]:
    """Re-cut chunks into batches of exactly ``size`` rows (the last may be short)."""
    pending: list[pd.DataFrame] = []
    held = 0
    for chunk in chunks:
        start = 0
        while start < len(chunk):
            take = min(size - held, len(chunk) - start)
            pending.append(chunk.iloc[start : start + take])
            held, start = held + take, start + take
            if held == size:
                yield _join(pending)
                pending, held = [], 0
    if pending:
        yield _join(pending)


def _join(parts: list[pd.DataFrame]) -> pd.DataFrame:
    frame = parts[0] if len(parts) == 1 else pd.concat(parts)
    return frame.reset_index(drop=True)


def _in_order(items: Iterator[tuple]) -> Iterator[tuple]:
    """Hand out ``(index, ...)`` items by increasing index, whatever order they arrive in."""
    waiting: dict[int, tuple] = {}
    expected = 0
    for item in items:
        waiting[item[0]] = item
        while expected in waiting:
            yield waiting.pop(expected)
            expected += 1
    if waiting:
        raise RuntimeError(f"batches {sorted(waiting)} arrived without batch {expected}")


def _identity(item):
    return item


# --------------------------------------------------------------------------- engine


def _model_device(model: torch.nn.Module) -> torch.device:
    return next(model.parameters()).device


_TABLES: dict[torch.device, torch.Tensor] = {}


def one_hot_on(device: torch.device, bases: torch.Tensor) -> torch.Tensor:
    """One-hot encode uint8 bases on ``device``, exactly as :mod:`kipoi_prism.io.sequence` does.

    Parameters
    ----------
    device : torch.device
    bases : torch.Tensor of uint8, shape=(B, L)
        Window bytes (:meth:`kipoi_prism.io.encode.PairEncoder.fetch_array`).

    Returns
    -------
    torch.Tensor of float32, shape=(B, 4, L)
        On ``device``; equal, value for value, to
        :func:`kipoi_prism.io.sequence.one_hot_encode_array` of the same bytes.
    """
    table = _TABLES.get(device)
    if table is None:
        table = _TABLES[device] = torch.from_numpy(byte_one_hot_table()).to(device)
    index = bases.to(device, non_blocking=True).long()
    return table[index].transpose(1, 2).contiguous()


@torch.inference_mode()
def environment_of(model, enhancer: np.ndarray, promoter: np.ndarray) -> torch.Tensor:
    """``z_E`` of one cell line from its encoded support set.

    Parameters
    ----------
    model : PrismEnergy
        In eval mode.
    enhancer : numpy.ndarray of float32, shape=(m, 4, L_E)
    promoter : numpy.ndarray of float32, shape=(m, 4, L_P)

    Returns
    -------
    torch.Tensor, shape=(d_E,)
        On the model's device.
    """
    device = _model_device(model)
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
) -> dict[str, np.ndarray]:
    """Score encoded pairs: probability, calibrated call and the energy terms.

    Parameters
    ----------
    model : PrismEnergy
        In eval mode.
    enhancer : numpy.ndarray or torch.Tensor of float32, shape=(B, 4, L_E)
    promoter : numpy.ndarray or torch.Tensor of float32, shape=(B, 4, L_P)
    z_e : torch.Tensor, shape=(B, d_E) or (d_E,)
        Each pair's cell-line environment (one row per pair, or one for all).
    threshold : float
        Decision threshold saved with the weights.
    precision : {"fp32", "bf16", "fp16"}
        ``fp32`` computes in float32; the others run the forward pass under
        :func:`torch.autocast` (see :func:`autocast`).

    Returns
    -------
    dict of numpy.ndarray, each shape=(B,)
        :data:`kipoi_prism.io.writers.SCORE_COLUMNS`: ``probability`` (float32), ``call``
        (int8, probability >= threshold), ``U_I``, ``R_E``, ``lam``, ``T`` (float32).
    """
    device = _model_device(model)
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
    return scores


def check_precision(precision: str) -> None:
    """Raise a :class:`PrismInputError` unless ``precision`` is one of :data:`PRECISIONS`."""
    if precision not in PRECISIONS:
        raise PrismInputError(f"--precision: {precision!r} is not one of {', '.join(PRECISIONS)}")


def autocast(device: torch.device, precision: str):
    """The context a forward pass runs in at ``precision``.

    ``fp32``: no autocast (exact float32; scores independent of batch size to 1e-6).
    ``bf16`` / ``fp16``: :func:`torch.autocast` on ``device``, so convolutions and linear
    layers compute in bfloat16 / float16 while reductions, BatchNorm and the head's
    arithmetic stay float32. Opt-in: faster where the hardware has the lower-precision
    units (bfloat16 on recent CPUs and GPUs, float16 on GPUs), at a cost measured in
    ``docs/PERFORMANCE.md`` (probabilities move by up to about 1e-3).
    """
    check_precision(precision)
    if precision == "fp32":
        return contextlib.nullcontext()
    return torch.autocast(device.type, dtype=_AUTOCAST[precision])


def exact_float32(device: torch.device) -> None:
    """Keep float32 arithmetic exact enough on CUDA for batch-independent scores.

    PyTorch lets cuDNN convolutions use TF32 (10-bit mantissa) by default. Measured on an
    H200, that moved scores by up to 5e-5 between batch sizes and by 3e-5 from the CPU's;
    with TF32 off both differences fall below 2e-7. This sets process-wide PyTorch flags
    (``torch.backends.cudnn.allow_tf32``, ``torch.backends.cuda.matmul.allow_tf32``), and
    only when ``device`` is a CUDA device.
    """
    if device.type == "cuda":
        torch.backends.cudnn.allow_tf32 = False
        torch.backends.cuda.matmul.allow_tf32 = False


def resolve_device(device: str) -> torch.device:
    """``"auto"`` -> CUDA when available else CPU; ``"cuda"`` without a GPU is an error."""
    if device not in DEVICES:
        raise PrismInputError(f"--device: {device!r} is not one of {', '.join(DEVICES)}")
    if device == "auto":
        device = "cuda" if torch.cuda.is_available() else "cpu"
    if device == "cuda" and not torch.cuda.is_available():
        raise PrismInputError("--device cuda: no CUDA device is available (use --device cpu)")
    return torch.device(device)


class Predictor:
    """Scores pair sources with one set of weights (see module docstring).

    Parameters
    ----------
    bundle : WeightsBundle
        Loaded weights (:func:`kipoi_prism.model.weights.load_weights`).
    genome : Genome
    config : InferenceConfig, optional
        Support-set size, seed, prototypes, batch size.
    num_workers : int
        DataLoader workers encoding batches in pass 2 (0: the main process).
    device : str
        ``"auto"``, ``"cpu"`` or ``"cuda"``.
    progress : bool
        Show tqdm progress bars on stderr.
    precision : {"fp32", "bf16", "fp16"}
        Precision of the scoring forward passes (:func:`autocast`); support-set
        environments ``z_E`` are always computed in float32.
    encode_on_device : bool, optional
        Move each batch's window bases (uint8) to the model's device and one-hot encode
        them there (:func:`one_hot_on`) instead of moving float32 one-hot windows: 16 times
        fewer bytes through worker shared memory, pinned memory and the bus. Identical
        inputs either way. Default: on for CUDA, off for the CPU.
    """

    def __init__(
        self,
        bundle: WeightsBundle,
        genome: Genome,
        config: InferenceConfig | None = None,
        num_workers: int = 0,
        device: str = "cpu",
        progress: bool = False,
        precision: str = "fp32",
        encode_on_device: bool | None = None,
    ) -> None:
        check_precision(precision)
        self.precision = precision
        self.config = config or InferenceConfig()
        _check_positive("--batch-size", self.config.batch_size)
        _check_positive("--support-size", self.config.support_size)
        if num_workers < 0:
            raise PrismInputError(f"--num-workers: expected 0 or more, got {num_workers}")
        self.bundle = bundle
        self.device = resolve_device(device)
        exact_float32(self.device)
        self.model = bundle.model.to(self.device).eval()
        model_config = self.model.config
        self.encoder = PairEncoder(
            genome, model_config.enhancer_length, model_config.promoter_length
        )
        self.num_workers = num_workers
        self.progress = progress
        if encode_on_device is None:
            encode_on_device = self.device.type == "cuda"
        self.encode_on_device = bool(encode_on_device)

    # ---------------------------------------------------------------- pass 1

    def scan(self, source: PairSource) -> ScanResult:
        """Pass 1 (see :func:`scan`)."""
        return scan(source, self.encoder, self.config.support_size, self.config.seed, self.progress)

    @torch.inference_mode()
    def environments(self, support: dict[str, pd.DataFrame]) -> dict[str, torch.Tensor]:
        """``z_E`` per cell line, shape (d_E,), from its support rows or its saved prototype."""
        z_e = {}
        for cell, rows in support.items():
            prototype = self.bundle.prototypes.get(cell) if self.config.use_prototypes else None
            if prototype is not None:
                z_e[cell] = prototype.to(self.device, torch.float32)
                log.info("%s: using its saved prototype (a training cell line)", cell)
                continue
            if self.config.use_prototypes:
                log.info("%s: no saved prototype; using a support set of %d pairs", cell, len(rows))
            encoded = self.encoder.encode(rows)
            z_e[cell] = environment_of(self.model, encoded.enhancer, encoded.promoter)
        return z_e

    # ---------------------------------------------------------------- pass 2

    def score(
        self, source: PairSource, z_e: dict[str, torch.Tensor], total: int | None = None
    ) -> Iterator[pd.DataFrame]:
        """Pass 2: scored batches in input order (rows plus :data:`SCORE_COLUMNS`)."""
        cells = list(z_e)
        table = torch.stack([z_e[c] for c in cells]).to(self.device)
        index = {c: i for i, c in enumerate(cells)}
        with _bar(self.progress, "scoring pairs", total) as bar:
            for _, rows, enhancer, promoter in _in_order(self._loader(source)):
                # pandas 3 hands out read-only arrays; torch indexing wants a writable one.
                codes = torch.from_numpy(np.array(rows["cell_line"].map(index), dtype=np.int64))
                yield rows.assign(
                    **self._score_batch(enhancer, promoter, table[codes.to(table.device)])
                )
                bar.update(len(rows))

    def _loader(self, source: PairSource) -> Iterator[tuple]:
        stream = _BatchStream(source, self.encoder, self.config.batch_size, self.encode_on_device)
        if self.num_workers == 0:
            return iter(stream)
        return iter(
            DataLoader(
                stream,
                batch_size=None,
                num_workers=self.num_workers,
                collate_fn=_identity,
                pin_memory=self.device.type == "cuda",
            )
        )

    def _score_batch(
        self, enhancer: torch.Tensor, promoter: torch.Tensor, z_e: torch.Tensor
    ) -> dict[str, np.ndarray]:
        if self.encode_on_device:
            enhancer = one_hot_on(self.device, enhancer)
            promoter = one_hot_on(self.device, promoter)
        return score_arrays(
            self.model, enhancer, promoter, z_e, self.bundle.threshold, self.precision
        )

    # ---------------------------------------------------------------- both

    def predict(self, source: PairSource) -> tuple[ScanResult, Iterator[pd.DataFrame]]:
        """Run pass 1 now; return its result and pass 2's scored batches (lazy)."""
        result = self.scan(source)
        z_e = self.environments(result.support)
        return result, self.score(source, z_e, total=result.n_pairs)

    def output_context(self, result: ScanResult) -> OutputContext:
        """What the writers record besides the rows (labels present, run metadata)."""
        from kipoi_prism import __version__

        return OutputContext(
            has_labels=result.has_labels,
            attributes={
                "kipoi_prism_version": __version__,
                "weights_sha256": self.bundle.digest,
                "threshold": float(self.bundle.threshold),
                "support_size": int(self.config.support_size),
                "seed": int(self.config.seed),
                "use_prototypes": bool(self.config.use_prototypes),
                "precision": self.precision,
            },
        )


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
    pairs: str | os.PathLike,
    fasta: str | os.PathLike,
    weights: str | os.PathLike | None = None,
    format: str | None = None,
    config: InferenceConfig | None = None,
    device: str = "cpu",
) -> pd.DataFrame:
    """Score a whole pair table in memory (convenience for small inputs).

    Parameters
    ----------
    pairs : str or PathLike
        Pair table (BEDPE, TargetFinder CSV or BENGI TSV).
    fasta : str or PathLike
        Genome FASTA.
    weights : str or PathLike, optional
        Default: the weights shipped with the package.
    format : str, optional
    config : InferenceConfig, optional
    device : str

    Returns
    -------
    pandas.DataFrame
        One row per pair, input order: the canonical pair columns, ``line`` and
        :data:`kipoi_prism.io.writers.SCORE_COLUMNS`.
    """
    from kipoi_prism.model.weights import load_weights

    resolved = resolve_device(device)
    bundle = load_weights(weights, map_location=resolved)
    predictor = Predictor(bundle, Genome(fasta), config, device=str(resolved))
    _, batches = predictor.predict(FilePairSource(pairs, format))
    return pd.concat(list(batches), ignore_index=True)


def _check_positive(option: str, value: int) -> None:
    if value < 1:
        raise PrismInputError(f"{option}: expected a positive integer, got {value}")


class _NoBar:
    def update(self, n: int) -> None:
        pass

    def __enter__(self) -> _NoBar:
        return self

    def __exit__(self, *exc) -> None:
        return None


def _bar(enabled: bool, what: str, total: int | None):
    if not enabled:
        return _NoBar()
    return tqdm(
        total=total, desc=what, unit=" pairs", file=sys.stderr, leave=False, dynamic_ncols=True
    )
