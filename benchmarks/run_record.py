"""What a research script leaves behind: its table, its Markdown and how it was run.

``write_run`` writes ``<stem>.csv`` (the table, six decimals), ``<stem>.md`` (the Markdown
with its paired summaries) and ``run.json`` (command, commit, wall time and any extra
fields) into ``out``, each atomically, then prints the Markdown and the command line.
``paired_line`` is the one format of a paired summary line.
"""

from __future__ import annotations

import json
import shlex
import sys
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from kipoi_prism.benchmark.report import summarise_differences  # noqa: E402
from kipoi_prism.io.atomic import write_text  # noqa: E402


def command_line(script: str, argv: list[str] | None) -> str:
    """``python <script> <arguments>``, the arguments as given (or ``sys.argv``)."""
    return "python " + shlex.join([script, *(argv if argv is not None else sys.argv[1:])])


def paired_line(first: str, second: str, difference) -> str:
    """``<first> minus <second>: +m +- se (higher on k of n)``, the paired summary line."""
    mean, error, higher, count = summarise_differences(difference)
    return f"{first} minus {second}: {mean:+.3f} +- {error:.3f} (higher on {higher} of {count})"


def write_run(out: Path, stem: str, table: pd.DataFrame, markdown: str, command: str,
              commit: str, wall: float, **extra) -> None:  # fmt: skip
    out.mkdir(parents=True, exist_ok=True)
    write_text(out / f"{stem}.csv", table.to_csv(index=False, float_format="%.6f"))
    write_text(out / f"{stem}.md", markdown + "\n")
    meta = {"command": command, "commit": commit, "wall_s": wall, **extra}
    write_text(out / "run.json", json.dumps(meta, indent=2) + "\n")
    print(markdown)
    print(f"{command}\ncommit {commit}, {wall} s")
