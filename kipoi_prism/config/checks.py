"""The shared validators of the configuration dataclasses.

Each raises :class:`~kipoi_prism.errors.PrismInputError` whose message starts with the
setting's name (``train.lr: expected a number > 0, got -1``), so that a command line or a
YAML loader can say which setting is wrong and what it expects.
"""

from __future__ import annotations

from typing import Any

from kipoi_prism.errors import PrismInputError


def check(ok: bool, name: str, value: Any, expected: str) -> None:
    """Raise ``"{name}: expected {expected}, got {value!r}"`` unless ``ok``.

    Parameters
    ----------
    ok : bool
        The condition the value must meet.
    name : str
        The setting, as the user writes it (``train.lr``, ``seed``).
    value : object
        The value given.
    expected : str
        What a valid value is, e.g. ``"a number in [0, 1]"``.
    """
    if not ok:
        raise PrismInputError(f"{name}: expected {expected}, got {value!r}")


def check_choice(name: str, value: Any, choices: tuple[str, ...]) -> None:
    """``value`` must be one of ``choices`` (the message lists them)."""
    if value not in choices:
        raise PrismInputError(f"{name}: {value!r} is not one of {', '.join(choices)}")


def is_int(value: Any) -> bool:
    """An integer and not a bool (``True`` is an ``int`` to Python, never a count here)."""
    return isinstance(value, int) and not isinstance(value, bool)


def is_number(value: Any) -> bool:
    """An int or a float and not a bool."""
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def check_fraction(name: str, value: Any) -> None:
    """``value`` must be a number in [0, 1] (not a bool)."""
    check(is_number(value) and 0 <= value <= 1, name, value, "a number in [0, 1]")


def check_positive_int(name: str, value: Any) -> None:
    """``value`` must be an integer >= 1 (not a bool, not a float)."""
    check(is_int(value) and value >= 1, name, value, "a positive integer")


def check_non_negative_int(name: str, value: Any) -> None:
    """``value`` must be an integer >= 0 (not a bool, not a float)."""
    check(is_int(value) and value >= 0, name, value, "an integer >= 0")
