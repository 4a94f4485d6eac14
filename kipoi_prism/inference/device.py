"""Where and at what precision the model runs: device choice, TF32 rule, autocast, one-hot on
the device.

Every scoring path (:class:`kipoi_prism.inference.engine.Predictor`,
:func:`kipoi_prism.inference.engine.score_frame`, the Kipoi model) resolves its device with
:func:`resolve_device` and applies :func:`exact_float32` to it, so float32 scores agree across
batch sizes and between CPU and GPU.
"""

from __future__ import annotations

import contextlib

import torch

from kipoi_prism.config import check_choice
from kipoi_prism.errors import PrismInputError
from kipoi_prism.io.sequence import byte_one_hot_table

DEVICES = ("auto", "cpu", "cuda")
#: ``--precision`` choices: float32 (default, exact), or autocast to bfloat16 / float16.
PRECISIONS = ("fp32", "bf16", "fp16")
_AUTOCAST = {"bf16": torch.bfloat16, "fp16": torch.float16}

_TABLES: dict[torch.device, torch.Tensor] = {}


def resolve_device(device: str) -> torch.device:
    """``"auto"`` -> CUDA when available else CPU; ``"cuda"`` without a GPU is an error."""
    check_choice("--device", device, DEVICES)
    if device == "auto":
        device = "cuda" if torch.cuda.is_available() else "cpu"
    if device == "cuda" and not torch.cuda.is_available():
        raise PrismInputError("--device cuda: no CUDA device is available (use --device cpu)")
    return torch.device(device)


def model_device(model: torch.nn.Module) -> torch.device:
    """The device ``model``'s parameters live on."""
    return next(model.parameters()).device


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


def check_precision(precision: str) -> None:
    """Raise a :class:`PrismInputError` unless ``precision`` is one of :data:`PRECISIONS`."""
    check_choice("--precision", precision, PRECISIONS)


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
