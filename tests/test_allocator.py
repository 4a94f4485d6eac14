"""kipoi_prism.allocator: glibc thresholds for batch loops (where memory comes from only)."""

from __future__ import annotations

import platform
import subprocess
import sys

import pytest

from kipoi_prism import allocator

GLIBC = platform.system() == "Linux" and platform.libc_ver()[0] == "glibc"


@pytest.mark.skipif(not GLIBC, reason="glibc only")
def test_applies_on_glibc():
    # In a child process: the setting is process-wide.
    code = "from kipoi_prism.allocator import reuse_freed_memory as r; print(r(), r(1 << 20))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["True", "True"]


def test_does_nothing_off_glibc(monkeypatch):
    monkeypatch.setattr(allocator.platform, "libc_ver", lambda: ("musl", "1.2"))
    assert allocator.reuse_freed_memory() is False
    monkeypatch.setattr(allocator.platform, "system", lambda: "Darwin")
    assert allocator.reuse_freed_memory() is False


@pytest.mark.parametrize("threshold", [0, -5])
def test_threshold_must_be_positive(threshold):
    with pytest.raises(
        ValueError, match=f"threshold: expected a positive number of bytes, got {threshold}"
    ):
        allocator.reuse_freed_memory(threshold)
