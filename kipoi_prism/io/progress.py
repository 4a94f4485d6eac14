"""Progress of long runs on stderr: a tqdm bar on a terminal, log lines everywhere else.

A cluster job's stderr is a file, where a tqdm bar writes nothing useful; there
:func:`progress` logs one line every :data:`DEFAULT_INTERVAL` seconds (the environment
variable :data:`INTERVAL_VARIABLE` changes it, in seconds; ``0`` logs on every update) with
the count, the rate and, where the total is known, the share done and an estimate of the
time left::

    kipoi-prism: scoring pairs: 120000 of 480000 pairs (25%), 2100 pairs/s, about 2.9 min left

No torch here: ``predict``, ``pairs`` and ``simulate`` all report through this module.
"""

from __future__ import annotations

import logging
import os
import sys
import time
from collections.abc import Iterable, Iterator

import pandas as pd
from tqdm import tqdm

log = logging.getLogger("kipoi_prism.progress")

#: Environment variable: seconds between progress log lines (default 30).
INTERVAL_VARIABLE = "KIPOI_PRISM_PROGRESS_SECONDS"
DEFAULT_INTERVAL = 30.0


def log_interval() -> float:
    """Seconds between progress log lines (:data:`INTERVAL_VARIABLE`, else 30)."""
    text = os.environ.get(INTERVAL_VARIABLE, "").strip()
    if not text:
        return DEFAULT_INTERVAL
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not value >= 0:
        log.warning("%s=%r is not a number of seconds >= 0; using 30", INTERVAL_VARIABLE, text)
        return DEFAULT_INTERVAL
    return value


def _duration(seconds: float) -> str:
    if seconds < 90:
        return f"{seconds:.0f} s"
    if seconds < 5400:
        return f"{seconds / 60:.1f} min"
    return f"{seconds / 3600:.1f} h"


class LogProgress:
    """Counts work and logs a progress line at most every ``interval`` seconds.

    Parameters
    ----------
    what : str
        What is being done (``"scoring pairs"``).
    total : int, optional
        Units expected, when known (adds the share done and the time left).
    unit : str
        What is counted (``"pairs"``).
    interval : float, optional
        Seconds between lines (default :func:`log_interval`).
    """

    def __init__(
        self, what: str, total: int | None, unit: str = "pairs", interval: float | None = None
    ) -> None:
        self.what, self.total, self.unit = what, total, unit
        self.interval = log_interval() if interval is None else interval
        self.done = 0
        self.lines = 0
        self._began = self._last = time.monotonic()

    def update(self, n: int) -> None:
        """Count ``n`` more units; log a line when ``interval`` has passed since the last."""
        self.done += n
        now = time.monotonic()
        if now - self._last >= self.interval:
            self._last = now
            self._log(now)

    def _log(self, now: float) -> None:
        elapsed = max(now - self._began, 1e-9)
        rate = self.done / elapsed
        text = f"{self.what}: {self.done}"
        if self.total:
            text += f" of {self.total} {self.unit} ({100 * self.done / self.total:.0f}%)"
        else:
            text += f" {self.unit}"
        text += f", {rate:.0f} {self.unit}/s"
        if self.total and rate > 0 and self.done < self.total:
            text += f", about {_duration((self.total - self.done) / rate)} left"
        log.info("%s", text)
        self.lines += 1

    def __enter__(self) -> LogProgress:
        return self

    def __exit__(self, kind, error, traceback) -> None:
        if kind is None and self.lines:
            elapsed = time.monotonic() - self._began
            log.info("%s: done, %d %s in %s", self.what, self.done, self.unit, _duration(elapsed))


class _Silent:
    def update(self, n: int) -> None:
        pass

    def __enter__(self) -> _Silent:
        return self

    def __exit__(self, *exc) -> None:
        return None


def progress(enabled: bool, what: str, total: int | None = None, unit: str = "pairs"):
    """A progress reporter (a context manager with ``update(n)``) for stderr.

    Parameters
    ----------
    enabled : bool
        ``False``: reports nothing (``--quiet``, ``--no-progress``).
    what : str
    total : int, optional
    unit : str

    Returns
    -------
    tqdm.tqdm, LogProgress or a silent stand-in
        A tqdm bar when stderr is a terminal, else a :class:`LogProgress`.
    """
    if not enabled:
        return _Silent()
    if sys.stderr.isatty():
        return tqdm(
            total=total, desc=what, unit=f" {unit}", file=sys.stderr, leave=False,
            dynamic_ncols=True,
        )  # fmt: skip
    return LogProgress(what, total, unit)


def counted(chunks: Iterable[pd.DataFrame], reporter) -> Iterator[pd.DataFrame]:
    """Pass ``chunks`` through, counting each one's rows on ``reporter`` once it is used."""
    for chunk in chunks:
        yield chunk
        reporter.update(len(chunk))
