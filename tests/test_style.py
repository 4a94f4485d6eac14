"""The code stays lint-clean and formatted (ruff; settings in pyproject.toml)."""

import subprocess
from pathlib import Path

import pytest
from tool_paths import venv_tool

REPO = Path(__file__).resolve().parents[1]
SOURCES = ["kipoi_prism", "tests", "benchmarks"]


@pytest.mark.parametrize("command", [["check"], ["format", "--check"]])
def test_ruff(command):
    result = subprocess.run(
        venv_tool("ruff") + command + SOURCES, cwd=REPO, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr
