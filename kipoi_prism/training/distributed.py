"""Collectives for data-parallel training that are identities in a single process."""

from __future__ import annotations

from typing import Any

import torch


def _distributed() -> bool:
    dist = torch.distributed
    return dist.is_available() and dist.is_initialized() and dist.get_world_size() > 1


def all_reduce_sum(tensor: torch.Tensor) -> torch.Tensor:
    """Sum over processes (identity without distributed training)."""
    if not _distributed():
        return tensor
    tensor = tensor.clone()
    torch.distributed.all_reduce(tensor)
    return tensor


def gather_objects(obj: Any) -> list[Any]:
    """``[obj of rank 0, obj of rank 1, ...]`` (``[obj]`` without distributed training)."""
    if not _distributed():
        return [obj]
    out: list[Any] = [None] * torch.distributed.get_world_size()
    torch.distributed.all_gather_object(out, obj)
    return out
