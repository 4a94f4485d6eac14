"""A cell line's environment as a file: ``z_E`` computed once, reused by every scoring job.

A genome-wide run is split across jobs (``--shard K/N``, :mod:`kipoi_prism.io.shards`); each
job would otherwise draw its cell lines' support sets from its own rows and so score with a
different ``z_E``. ``kipoi-prism environment`` computes a cell line's ``z_E`` once, from the
whole input, and ``kipoi-prism predict --environment FILE`` scores with it.

The file is JSON (small, readable, exact: every float32 of ``z_E`` survives the round trip
through JSON's decimal form)::

    {
      "format": "kipoi-prism-environment",
      "version": 1,
      "kipoi_prism_version": "0.9.0",
      "weights_sha256": "<SHA-256 of the weights file, 64 hex digits>",
      "cell_line": "K562",
      "recipe": {"support": "seeded", "size": 32, "seed": 0, "n": 32},
      "input": {"pairs": {"path": "pairs.bedpe", "sha256": "<64 hex digits>"}},
      "z_E": [0.0123, ...]
    }

``recipe`` is ``{"support": "seeded", "size": m, "seed": s, "n": pairs drawn}`` (the support
set ``predict`` would draw, :mod:`kipoi_prism.io.support`, so scores equal those of an
unsharded ``predict`` with the same ``--support-size`` and ``--seed``) or ``{"support": "all
pairs", "n": N}`` (the mean ``e`` over every pair of the cell line, streamed, accumulated in
float64). ``input`` names what the pairs came from: ``pairs`` (a file; ``path`` ``"stdin"``
for standard input, hashed as read), or ``enhancers`` and ``promoters`` (BED files) with
``min_distance`` and ``max_distance`` for a candidate set. The head derives everything else
(``R_E``, ``lam``, the FiLM terms) from ``z_E`` at scoring time, so ``z_E`` is all a file holds.
"""

from __future__ import annotations

import json
import logging
import math
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import torch

from kipoi_prism.errors import PrismInputError
from kipoi_prism.inference.engine import Predictor
from kipoi_prism.inference.sources import PairSource, SelectedPairSource
from kipoi_prism.io.atomic import atomic_open
from kipoi_prism.io.checksums import file_sha256
from kipoi_prism.io.progress import progress

log = logging.getLogger(__name__)

ENVIRONMENT_FORMAT = "kipoi-prism-environment"
ENVIRONMENT_VERSION = 1
_FIELDS = ("weights_sha256", "cell_line", "recipe", "input", "z_E")


@dataclass
class Environment:
    """One cell line's ``z_E`` and where it came from (see the module docstring).

    Attributes
    ----------
    cell_line : str
    z_e : numpy.ndarray of float32, shape=(d_E,)
    weights_sha256 : str
        SHA-256 of the weights file that computed it.
    recipe : dict
    input : dict
    kipoi_prism_version : str
    path : Path, optional
        The file it was read from.
    """

    cell_line: str
    z_e: np.ndarray
    weights_sha256: str
    recipe: dict[str, Any]
    input: dict[str, Any] = field(default_factory=dict)
    kipoi_prism_version: str = ""
    path: Path | None = None

    def describe(self) -> str:
        """The recipe in words: ``seeded support set of 32 pairs (seed 0)``."""
        if self.recipe.get("support") == "all pairs":
            return f"mean over all {self.recipe.get('n')} pairs"
        return (
            f"seeded support set of {self.recipe.get('n')} pairs "
            f"(size {self.recipe.get('size')}, seed {self.recipe.get('seed')})"
        )


def write_environment(environment: Environment, path: str | os.PathLike) -> Path:
    """Write ``environment`` to ``path`` as JSON, atomically; returns ``path``."""
    from kipoi_prism import __version__

    payload = {
        "format": ENVIRONMENT_FORMAT,
        "version": ENVIRONMENT_VERSION,
        "kipoi_prism_version": __version__,
        "weights_sha256": environment.weights_sha256,
        "cell_line": environment.cell_line,
        "recipe": environment.recipe,
        "input": environment.input,
        "z_E": np.asarray(environment.z_e, np.float32).tolist(),
    }
    with atomic_open(path) as out:
        json.dump(payload, out, indent=1)
        out.write("\n")
    return Path(path)


def read_environment(path: str | os.PathLike) -> Environment:
    """Read an environment file.

    Raises
    ------
    PrismInputError
        Not readable, not JSON, not an environment file, a version this package does not
        read, a field missing or a ``z_E`` that is not a list of finite numbers.
    """
    path = Path(path)
    try:
        payload = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise PrismInputError("environment file not found", path) from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise PrismInputError(f"not an environment file ({error})", path) from None
    if not isinstance(payload, dict) or payload.get("format") != ENVIRONMENT_FORMAT:
        raise PrismInputError(
            f'not an environment file (no "format": "{ENVIRONMENT_FORMAT}"); make one with '
            "kipoi-prism environment",
            path,
        )
    if payload.get("version") != ENVIRONMENT_VERSION:
        raise PrismInputError(
            f"environment file version {payload.get('version')!r}; this package reads "
            f"version {ENVIRONMENT_VERSION}",
            path,
        )
    missing = [name for name in _FIELDS if name not in payload]
    if missing:
        raise PrismInputError(f"environment file lacks {', '.join(missing)}", path)
    values = payload["z_E"]
    if (
        not isinstance(values, list)
        or not values
        or not all(isinstance(v, (int, float)) and math.isfinite(v) for v in values)
    ):
        raise PrismInputError("z_E: expected a list of finite numbers", path)
    return Environment(
        cell_line=str(payload["cell_line"]),
        z_e=np.asarray(values, np.float32),
        weights_sha256=str(payload["weights_sha256"]),
        recipe=dict(payload["recipe"]),
        input=dict(payload["input"]),
        kipoi_prism_version=str(payload.get("kipoi_prism_version", "")),
        path=path,
    )


def load_environments(
    paths: list[str | os.PathLike], sha256: str, d_environment: int
) -> dict[str, Environment]:
    """Read environment files for scoring with the weights whose file hash is ``sha256``.

    Returns
    -------
    dict
        ``{cell line: Environment}``.

    Raises
    ------
    PrismInputError
        A file made with other weights (both hashes named), two files for one cell line,
        a ``z_E`` of the wrong length, or any error of :func:`read_environment`.
    """
    found: dict[str, Environment] = {}
    for path in paths:
        environment = read_environment(path)
        if environment.weights_sha256 != sha256:
            raise PrismInputError(
                f"made with other weights (sha256 {environment.weights_sha256}) than the ones "
                f"in use (sha256 {sha256}); remake it with kipoi-prism environment --weights",
                path,
            )
        if len(environment.z_e) != d_environment:
            raise PrismInputError(
                f"z_E has {len(environment.z_e)} values; the weights' environment has "
                f"{d_environment}",
                path,
            )
        earlier = found.get(environment.cell_line)
        if earlier is not None:
            raise PrismInputError(
                f"a second environment file for cell line {environment.cell_line} "
                f"(the first: {earlier.path})",
                path,
            )
        found[environment.cell_line] = environment
    return found


def as_tensors(environments: dict[str, Environment]) -> dict[str, torch.Tensor]:
    """``{cell line: z_E tensor}`` for :meth:`Predictor.predict`'s ``given``."""
    return {cell: torch.from_numpy(env.z_e.copy()) for cell, env in environments.items()}


def make_environment(
    predictor: Predictor,
    source: PairSource,
    cell_line: str | None = None,
    all_pairs: bool = False,
    input_record: dict[str, Any] | None = None,
) -> Environment:
    """A cell line's environment from its pairs in ``source``.

    Every row of ``source`` is checked first (pass 1, as ``predict`` checks it); then
    ``z_E`` is the mean ``e`` over the seeded support set ``predict`` would draw
    (``predictor.config``'s support size and seed), or with ``all_pairs`` over every pair of
    the cell line (streamed: memory does not grow with the input).

    Parameters
    ----------
    predictor : Predictor
    source : PairSource
    cell_line : str, optional
        Required when ``source`` holds pairs of several cell lines.
    all_pairs : bool
    input_record : dict, optional
        What the file records as its input (:func:`describe_input`).

    Raises
    ------
    PrismInputError
        ``cell_line`` not in the input, or not given for an input of several cell lines.
    """
    result = predictor.scan(source)
    cells = list(result.counts)
    if cell_line is None:
        if len(cells) > 1:
            raise PrismInputError(
                f"--cell-line: the input holds {len(cells)} cell lines ({', '.join(cells)}); "
                "name the one to compute",
                source.name,
            )
        cell_line = cells[0]
    elif cell_line not in result.counts:
        raise PrismInputError(
            f"--cell-line {cell_line}: no pairs of this cell line in the input "
            f"(it holds {', '.join(cells)})",
            source.name,
        )
    if all_pairs:
        n = result.counts[cell_line]
        z_e = mean_environment(predictor, source, cell_line, n)
        recipe: dict[str, Any] = {"support": "all pairs", "n": n}
    else:
        rows = result.support[cell_line]
        z_e = predictor.environments({cell_line: rows})[cell_line].float().cpu().numpy()
        recipe = {
            "support": "seeded",
            "size": int(predictor.config.support_size),
            "seed": int(predictor.config.seed),
            "n": len(rows),
        }
    return Environment(
        cell_line=cell_line,
        z_e=np.asarray(z_e, np.float32),
        weights_sha256=predictor.bundle.sha256,
        recipe=recipe,
        input=input_record or {},
    )


@torch.inference_mode()
def mean_environment(
    predictor: Predictor, source: PairSource, cell_line: str, total: int | None = None
) -> np.ndarray:
    """Mean ``e`` over every pair of ``cell_line`` in ``source``, streamed in batches.

    Sums are kept in float64; progress is reported as :mod:`kipoi_prism.io.progress` does.

    Returns
    -------
    numpy.ndarray of float32, shape=(d_E,)
    """
    rows_of = SelectedPairSource(source, lambda chunk: chunk[chunk["cell_line"] == cell_line])
    total_e: torch.Tensor | None = None
    n = 0
    with progress(predictor.progress, f"environment of {cell_line}", total) as bar:
        for rows, enhancer, promoter in predictor.inputs(rows_of):
            _, e, _ = predictor.model.encode(
                torch.as_tensor(enhancer).to(predictor.device),
                torch.as_tensor(promoter).to(predictor.device),
            )
            summed = e.double().sum(dim=0)
            total_e = summed if total_e is None else total_e + summed
            n += len(rows)
            bar.update(len(rows))
    if total_e is None:
        raise PrismInputError(f"no pairs of cell line {cell_line}", source.name)
    return (total_e / n).float().cpu().numpy()


def describe_input(source: PairSource) -> dict[str, Any]:
    """What an environment file records about its input: files and their SHA-256.

    A file source gives ``{"pairs": {"path", "sha256"}}`` (``path`` ``"stdin"`` for
    standard input, hashed as spooled); a candidate set gives its two BED files and the
    distance bounds.
    """
    from kipoi_prism.inference.sources import FilePairSource, StdinPairSource
    from kipoi_prism.io.candidates import CandidatePairSource

    if isinstance(source, StdinPairSource):
        return {"pairs": {"path": "stdin", "sha256": file_sha256(source.spool)}}
    if isinstance(source, FilePairSource):
        return {"pairs": {"path": str(source.path), "sha256": file_sha256(source.path)}}
    if isinstance(source, CandidatePairSource):
        record: dict[str, Any] = {}
        for role, path in zip(("enhancers", "promoters"), source.paths, strict=True):
            record[role] = {"path": str(path), "sha256": file_sha256(path)}
        record["min_distance"] = int(source.window.min_distance)
        record["max_distance"] = int(source.window.max_distance)
        return record
    if Path(source.name).is_file():  # a feature table read into memory
        return {"pairs": {"path": source.name, "sha256": file_sha256(source.name)}}
    return {"pairs": {"path": source.name}}
