"""Reading a run configuration: a YAML file plus ``--set SECTION.KEY=VALUE`` overrides.

Example::

    config = load_config("configs/train.yaml", ["train.lr=3e-4", "model.head=linear"])

Every problem raises :class:`~kipoi_prism.errors.PrismInputError`: unreadable YAML names the
file and line, an unknown section or key names the valid ones, a bad value in the file names
the file and the key, a bad override names the override and what its key expects
(``--set train.lr=abc: expected a number``).
"""

from __future__ import annotations

import dataclasses
import types
import typing
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from kipoi_prism.config.checks import is_int, is_number
from kipoi_prism.config.model import ModelConfig
from kipoi_prism.config.training import RunConfig, TrainConfig
from kipoi_prism.errors import PrismInputError

# What ``kipoi-prism train`` reads when no ``--config`` is given (configs/recommended.yaml).
RECOMMENDED_CONFIG = Path(__file__).resolve().parents[1] / "data" / "recommended.yaml"


def load_config(path: str | Path, overrides: list[str] = ()) -> RunConfig:
    """Read a run config YAML and apply ``SECTION.KEY=VALUE`` overrides.

    Parameters
    ----------
    path : str or Path
        YAML with the sections ``data``, ``model``, ``train``, ``trainer``.
    overrides : list of str
        ``SECTION.KEY=VALUE`` (nested keys allowed, e.g. ``train.weights.inv=0``); the value
        is YAML, applied in order (a later override of the same key wins).

    Returns
    -------
    RunConfig

    Raises
    ------
    PrismInputError
        Unreadable YAML (with its line), unknown sections or keys, bad values (naming the
        ``--set`` override when the value came from one).
    """
    import yaml

    path = Path(path)
    if not path.is_file():
        raise PrismInputError("config file not found", path)
    try:
        data = yaml.safe_load(path.read_text()) or {}
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        problem = getattr(error, "problem", None) or error
        raise PrismInputError(f"invalid YAML ({problem})", path, line) from None
    if not isinstance(data, dict):
        raise PrismInputError("expected a mapping of sections (data, model, train, trainer)", path)
    for override in overrides:
        _apply_override(data, override)
    _check_scalars(data, RunConfig, "", path)
    try:
        return RunConfig.from_dict(data)
    except PrismInputError as error:
        blamed = _blame_override(error.problem, overrides)
        if blamed is not None:
            raise PrismInputError(blamed) from None
        raise PrismInputError(error.problem, path) from None
    except TypeError as error:
        raise PrismInputError(f"bad configuration ({error})", path) from None


def apply_overrides(
    model: ModelConfig, train: TrainConfig, overrides: Sequence[str]
) -> tuple[ModelConfig, TrainConfig]:
    """``model.KEY=VALUE`` / ``train.KEY=VALUE`` overrides applied to ready configurations.

    The benchmark's ``--set``: the same typed checks and messages as :func:`load_config`,
    on the ``model`` and ``train`` sections only.
    """
    data = {"model": model.to_dict(), "train": train.to_dict()}
    for override in overrides:
        section = override.partition("=")[0].strip().split(".")[0]
        if section not in data:
            raise PrismInputError(
                f"--set {override}: only model.* and train.* settings can be set here"
            )
        _apply_override(data, override)
    try:
        return ModelConfig.from_dict(data["model"]), TrainConfig.from_dict(data["train"])
    except PrismInputError as error:
        raise PrismInputError(_blame_override(error.problem, overrides) or error.problem) from None


def _apply_override(data: dict, override: str) -> None:
    """Set one ``SECTION.KEY=VALUE`` in the raw mapping ``data``, its type checked."""
    import yaml

    key, sep, text = override.partition("=")
    parts = key.strip().split(".")
    if not sep or len(parts) < 2 or not all(parts):
        raise PrismInputError(f"--set {override}: expected SECTION.KEY=VALUE, e.g. train.lr=3e-4")
    target = data
    for part in parts[:-1]:
        target = target.setdefault(part, {})
        if not isinstance(target, dict):
            raise PrismInputError(f"--set {override}: {part} is not a section")
    try:
        value = yaml.safe_load(text)
    except yaml.YAMLError:
        raise PrismInputError(f"--set {override}: the value is not valid YAML") from None
    value, expected = _typed(value, _field_type(parts, override))
    if expected is not None:
        raise PrismInputError(f"--set {override}: expected {expected}")
    target[parts[-1]] = value


def _field_type(parts: list[str], override: str) -> Any:
    """The annotated type of the setting ``parts`` (``["train", "lr"]``).

    None below a setting that is not a configuration dataclass (a free-form value).
    """
    owner: Any = RunConfig
    hint: Any = None
    for depth, part in enumerate(parts):
        if not dataclasses.is_dataclass(owner):
            return None
        hints = typing.get_type_hints(owner)
        if part not in hints:
            what = "section" if depth == 0 else "key"
            raise PrismInputError(
                f"--set {override}: unknown {what} {'.'.join(parts[: depth + 1])}; "
                f"valid {what}s: {', '.join(hints if depth == 0 else sorted(hints))}"
            )
        hint = owner = hints[part]
    return hint


# What a scalar setting accepts: (test, description); a None-able setting also takes null.
_SCALARS = {
    bool: (lambda v: isinstance(v, bool), "true or false"),
    int: (is_int, "an integer"),
    float: (is_number, "a number"),
}


def _typed(value: Any, hint: Any) -> tuple[Any, str | None]:
    """``value`` against a bool, int or float setting of type ``hint`` (others: unchecked).

    YAML reads ``3e-4`` (no dot) as a string; a number setting takes it as the number.

    Returns
    -------
    value : object
        ``value``, a number where a number setting was given one as text.
    expected : str or None
        What the setting takes (``"a number"``), where ``value`` does not fit; else None.
    """
    options = typing.get_args(hint) if isinstance(hint, types.UnionType) else (hint,)
    nullable = type(None) in options
    scalars = [t for t in options if t in _SCALARS]
    if len(scalars) != 1 or len(options) - nullable != 1:
        return value, None
    accepts, expected = _SCALARS[scalars[0]]
    if scalars[0] is float and isinstance(value, str):
        try:
            value = float(value)
        except ValueError:
            pass
    if accepts(value) or (nullable and value is None):
        return value, None
    return value, expected + (" or null" if nullable else "")


def _check_scalars(data: Any, owner: Any, prefix: str, path: Path) -> None:
    """Check (and read ``3e-4`` as a number) every bool, int and float setting of ``data``.

    Unknown keys are left to :meth:`RunConfig.from_dict`, which names the valid ones.
    """
    if not isinstance(data, dict):
        return
    hints = typing.get_type_hints(owner)
    for key, value in data.items():
        if key not in hints:
            continue
        name = f"{prefix}{key}"
        if dataclasses.is_dataclass(hints[key]):
            _check_scalars(value, hints[key], f"{name}.", path)
            continue
        data[key], expected = _typed(value, hints[key])
        if expected is not None:
            raise PrismInputError(f"{name}: expected {expected}, got {value!r}", path)


def _blame_override(problem: str, overrides: list[str]) -> str | None:
    """``problem`` restated against the last override that set the key it names, if any.

    Messages name a setting as ``section.key`` (model settings: the bare key).
    """
    for override in reversed(overrides):
        key = override.partition("=")[0].strip()
        names = (key, key.removeprefix("model.")) if key.startswith("model.") else (key,)
        for name in names:
            if problem.startswith(f"{name}:"):
                return f"--set {override}:{problem[len(name) + 1 :]}"
    return None
