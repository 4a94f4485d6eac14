"""The package's weights format: one ``torch.save`` file with everything inference needs.

Contents (all plain types and tensors, so it loads with ``weights_only=True``)::

    format      "kipoi-prism-weights"
    version     1
    config      ModelConfig as a dict (the architecture is rebuilt from it)
    state_dict  the network's parameters and buffers
    prototypes  {cell line: tensor (d_E,)}, momentum prototypes of the training cell lines
    threshold   decision threshold calibrated on validation data
    metadata    what the weights were trained on, how, and measured validation metrics
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import torch

from kipoi_prism.config import ModelConfig
from kipoi_prism.errors import PrismInputError
from kipoi_prism.io.atomic import atomic_path
from kipoi_prism.io.checksums import file_sha256
from kipoi_prism.model.network import PrismEnergy

WEIGHTS_FORMAT = "kipoi-prism-weights"
WEIGHTS_VERSION = 1
WEIGHTS_DIR = Path(__file__).parents[1] / "weights"
DEFAULT_WEIGHTS = WEIGHTS_DIR / "prism-energy.pt"
# The models shipped in the package, by name: ``--weights prism-energy-chromatin``.
SHIPPED_WEIGHTS = {
    "prism-energy": DEFAULT_WEIGHTS,
    "prism-energy-chromatin": WEIGHTS_DIR / "prism-energy-chromatin.pt",
    "prism-energy-chromatin-window": WEIGHTS_DIR / "prism-energy-chromatin-window.pt",
}


def resolve_weights(path: str | os.PathLike | None) -> Path:
    """A weights file from a path, a shipped model's name (:data:`SHIPPED_WEIGHTS`; a file
    of that name in the working folder wins) or ``None`` (the default shipped weights)."""
    if path is None:
        return DEFAULT_WEIGHTS
    path = Path(path)
    if not path.exists() and str(path) in SHIPPED_WEIGHTS:
        return SHIPPED_WEIGHTS[str(path)]
    return path


@dataclass
class WeightsBundle:
    """A loaded weights file: the model plus what travels with it."""

    model: PrismEnergy
    prototypes: dict[str, torch.Tensor] = field(default_factory=dict)
    threshold: float = 0.5
    metadata: dict[str, Any] = field(default_factory=dict)
    path: Path | None = None

    @property
    def sha256(self) -> str:
        """SHA-256 of the weights file (64 hex digits), or ``"unsaved"``."""
        return "unsaved" if self.path is None else file_sha256(self.path)

    @property
    def digest(self) -> str:
        """Short SHA-256 of the weights file (its identity), or ``"unsaved"``."""
        return "unsaved" if self.path is None else file_digest(self.path)


def file_digest(path: str | os.PathLike, length: int = 12) -> str:
    """First ``length`` hex digits of a file's SHA-256."""
    return file_sha256(path)[:length]


def save_weights(
    path: str | os.PathLike,
    model: PrismEnergy,
    prototypes: dict[str, torch.Tensor] | None = None,
    threshold: float = 0.5,
    metadata: dict[str, Any] | None = None,
) -> Path:
    """Write a weights file atomically (:func:`kipoi_prism.io.atomic.atomic_path`)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    payload = {
        "format": WEIGHTS_FORMAT,
        "version": WEIGHTS_VERSION,
        "config": model.config.to_dict(),
        "state_dict": {k: v.detach().cpu().clone() for k, v in model.state_dict().items()},
        "prototypes": {str(k): v.detach().cpu().float() for k, v in (prototypes or {}).items()},
        "threshold": float(threshold),
        "metadata": dict(metadata or {}),
    }
    with atomic_path(path) as temporary:
        torch.save(payload, temporary)
    return path


def _read_payload(path: Path, map_location) -> dict:
    if not path.is_file():
        raise PrismInputError("weights file not found", path)
    try:
        payload = torch.load(path, map_location=map_location, weights_only=True)
    # Garbage bytes make torch.load fail in many ways (text files: IndexError from the
    # legacy unpickler), so every failure to read the user's file is reported as such.
    except Exception as error:  # noqa: BLE001
        first = _first_sentence(error)
        raise PrismInputError(f"corrupt or unreadable weights file ({first})", path) from None
    if not isinstance(payload, dict) or payload.get("format") != WEIGHTS_FORMAT:
        raise PrismInputError(
            f"not a kipoi-prism weights file (no format tag {WEIGHTS_FORMAT!r})", path
        )
    if payload.get("version") != WEIGHTS_VERSION:
        raise PrismInputError(
            f"weights format version {payload.get('version')} is not supported "
            f"(this kipoi-prism reads version {WEIGHTS_VERSION})",
            path,
        )
    return payload


def _first_sentence(error: BaseException) -> str:
    """The first sentence of an error message, on one line (torch's run to paragraphs)."""
    text = " ".join(str(error).split())
    return text.split(". ", 1)[0].rstrip(".") if text else type(error).__name__


def load_weights(
    path: str | os.PathLike | None = None, map_location: str | torch.device = "cpu"
) -> WeightsBundle:
    """Load a weights file (default: the weights shipped in the package).

    Parameters
    ----------
    path : str or PathLike, optional
        A weights file or a shipped model's name (:data:`SHIPPED_WEIGHTS`).
    map_location : str or torch.device
        Where the tensors go (``"cpu"``, ``"cuda"``, ...).

    Returns
    -------
    WeightsBundle
        The model is in eval mode.
    """
    path = resolve_weights(path)
    payload = _read_payload(path, map_location)
    try:
        config = ModelConfig.from_dict(payload["config"])
    except (PrismInputError, TypeError) as error:
        raise PrismInputError(f"weights from another architecture ({error})", path) from None
    model = PrismEnergy(config)
    wrong_shape = _shape_mismatches(model, payload["state_dict"])
    # load_state_dict raises on a shape mismatch even with strict=False: leave those out
    # and report them with the missing and unexpected keys.
    wrong = {line.split(":", 1)[0] for line in wrong_shape}
    state = {k: v for k, v in payload["state_dict"].items() if k not in wrong}
    result = model.load_state_dict(state, strict=False)
    missing = [k for k in result.missing_keys if k not in wrong]
    if missing or result.unexpected_keys or wrong_shape:
        parts = []
        if missing:
            parts.append(f"missing {', '.join(missing[:3])}")
        if result.unexpected_keys:
            parts.append(f"unexpected {', '.join(result.unexpected_keys[:3])}")
        parts.extend(wrong_shape[:3])
        raise PrismInputError(f"weights from another architecture ({'; '.join(parts)})", path)
    model.to(map_location).eval()
    return WeightsBundle(
        model=model,
        prototypes=dict(payload.get("prototypes", {})),
        threshold=float(payload.get("threshold", 0.5)),
        metadata=dict(payload.get("metadata", {})),
        path=path,
    )


def _shape_mismatches(model: PrismEnergy, state_dict: dict) -> list[str]:
    own = model.state_dict()
    return [
        f"{k}: file {tuple(v.shape)} vs model {tuple(own[k].shape)}"
        for k, v in state_dict.items()
        if k in own and tuple(v.shape) != tuple(own[k].shape)
    ]
