"""The README's commands run as printed.

Every shell block in README.md that follows a ``<!-- test: run -->`` line is run here,
verbatim, with bash (``set -euo pipefail``) in a fresh folder holding copies of the
repository's ``example/`` and ``configs/`` and its Kipoi model files (``model.yaml``,
``dataloader.py``, ``dataloader.yaml``), with the project's ``.venv/bin`` first on PATH and
HOME in a temporary folder (Kipoi writes ``~/.kipoi``); ``../shared/data`` points at the
shared data (a block that reads it is skipped where it is absent). Blocks that need a
genome the machine does not have (hg38, hg19) are not marked and not run. The quick start
is checked against ``.ci/run``: CI runs the README's test command verbatim.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
MARK = "<!-- test: run -->"
BLOCK = re.compile(re.escape(MARK) + r"\s*\n```(?:bash|sh)\n(.*?)```", re.S)


def runnable_blocks() -> list[str]:
    """The shell blocks the README marks as runnable, in order."""
    return BLOCK.findall(README.read_text())


def test_the_readme_marks_its_runnable_blocks():
    blocks = runnable_blocks()
    assert len(blocks) >= 3, "README.md marks fewer runnable blocks than expected"
    assert README.read_text().count(MARK) == len(blocks), "a mark is not followed by a bash block"


def test_ci_runs_the_readme_test_command():
    quick_start = README.read_text().split("## Quick start", 1)[1].split("```bash\n")[1]
    test_command = quick_start.split("```")[0].strip().splitlines()[1]
    assert test_command in (ROOT / ".ci" / "run").read_text().splitlines()


@pytest.fixture
def workspace(tmp_path) -> Path:
    for folder in ("example", "configs"):
        shutil.copytree(ROOT / folder, tmp_path / folder)
    for name in ("model.yaml", "dataloader.py", "dataloader.yaml"):  # the Kipoi model directory
        shutil.copy(ROOT / name, tmp_path / name)
    return tmp_path


@pytest.mark.parametrize("index", range(len(runnable_blocks())))
def test_readme_block_runs_as_printed(index, workspace, tmp_path_factory):
    block = runnable_blocks()[index]
    home = tmp_path_factory.mktemp("home")
    env = {
        **os.environ,
        "HOME": str(home),
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
    }
    if "../shared/data" in block and not (ROOT.parent / "shared" / "data").is_dir():
        pytest.skip("the block reads ../shared/data, which is absent")
    if "../shared/data" in block:
        (workspace.parent / "shared").mkdir(exist_ok=True)
        link = workspace.parent / "shared" / "data"
        if not link.exists():
            link.symlink_to(ROOT.parent / "shared" / "data")
    result = subprocess.run(
        ["bash", "-c", "set -euo pipefail\n" + block],
        cwd=workspace, env=env, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert result.returncode == 0, (
        f"README block {index}:\n{block}\n{result.stdout}\n{result.stderr}"
    )
