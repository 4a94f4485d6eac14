"""The layers hold: import-linter's contracts (pyproject.toml, [tool.importlinter]) are kept.

io never imports torch; inference never imports training; the simulator needs only io and
config; the core never imports an integration; the Selene integration never imports
pytorch-lightning. docs/ARCHITECTURE.md draws the same layers.
"""

import shutil
import subprocess
from pathlib import Path

from tool_paths import venv_tool

REPO = Path(__file__).resolve().parents[1]


def test_import_contracts_are_kept():
    result = subprocess.run(
        [*venv_tool("lint-imports"), "--no-cache"], cwd=REPO, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout
    assert result.stdout.count(" KEPT") == 5


def test_a_broken_layer_is_caught(tmp_path):
    """The contracts can fail: a copy of the package where io imports torch breaks them."""
    package = tmp_path / "kipoi_prism"
    shutil.copytree(REPO / "kipoi_prism", package, ignore=shutil.ignore_patterns("*.pt"))
    (package / "io" / "leak.py").write_text("import torch\n")
    shutil.copy(REPO / "pyproject.toml", tmp_path / "pyproject.toml")
    result = subprocess.run(
        [*venv_tool("lint-imports"), "--no-cache"], cwd=tmp_path, capture_output=True, text=True,
        env={"PYTHONPATH": str(tmp_path), "PATH": "/usr/bin:/bin"},
    )  # fmt: skip
    assert result.returncode != 0
    assert "kipoi_prism.io.leak -> torch" in result.stdout
