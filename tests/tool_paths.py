"""Where the test suite finds the command-line tools it runs (ruff, lint-imports)."""

import shutil
import sys
from pathlib import Path

import pytest


def venv_tool(name: str) -> list[str]:
    """The tool beside this Python (the project's .venv), else on PATH, else skip the test."""
    beside = Path(sys.executable).with_name(name)
    if beside.exists():
        return [str(beside)]
    if shutil.which(name):
        return [name]
    pytest.skip(f"{name} is not installed (pip install -e '.[test]')")
