"""The test session's temporary HOME does not outlive the session."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

TESTS = Path(__file__).parent


def test_a_test_session_removes_its_temporary_home(tmp_path):
    """A pytest session run with its temporary folder under ``tmp_path`` leaves no
    ``kipoi-prism-test-home-*`` folder behind."""
    env = {**os.environ, "TMPDIR": str(tmp_path)}
    test = f"{TESTS / 'test_metrics.py'}::test_hand_computed_metrics"
    done = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                           "--basetemp", str(tmp_path / "base"), test],
                          cwd=TESTS.parent, env=env, capture_output=True, text=True)  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    assert "1 passed" in done.stdout
    assert not list(tmp_path.glob("kipoi-prism-test-home-*"))
