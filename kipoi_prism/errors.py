"""Errors the user can act on.

Every problem with user input (a file, a line in it, an option) raises
:class:`PrismInputError`. Its message names the file, the line where there is one, and
what is wrong; the command line prints that one line and exits with status 2.
"""

from __future__ import annotations

from os import PathLike


class PrismInputError(ValueError):
    """Bad user input.

    Parameters
    ----------
    problem : str
        What is wrong, in one sentence.
    path : str or PathLike, optional
        The file the problem is in.
    line : int, optional
        1-based line number in ``path``.
    """

    def __init__(
        self, problem: str, path: str | PathLike | None = None, line: int | None = None
    ) -> None:
        self.problem = problem
        self.path = None if path is None else str(path)
        self.line = line
        super().__init__(self._format())

    def _format(self) -> str:
        if self.path is None:
            return self.problem
        where = self.path if self.line is None else f"{self.path} line {self.line}"
        return f"{where}: {self.problem}"
