"""Shared helpers of the end-to-end tests: they drive the real tools, as a deployer would."""
import os
import subprocess
import sys
from pathlib import Path

import pytest

SRC = Path(os.environ.get("TESSEL_SRC", Path(__file__).resolve().parents[2]))
BIN = Path(os.environ.get("TESSEL_BIN", SRC / "build" / "bin"))
sys.path.insert(0, str(SRC / "python"))
NODE_TESTS = Path("/usr/share/libonnx-testdata/data/node")


def run(args, check=True, **kw):
    """Runs a tool from the build; returns the CompletedProcess (text mode)."""
    exe = args[0]
    if not os.path.sep in exe:
        exe = str(BIN / exe)
    proc = subprocess.run([exe, *map(str, args[1:])], capture_output=True, text=True,
                          timeout=600, **kw)
    if check and proc.returncode != 0:
        raise AssertionError(f"{args} failed ({proc.returncode}):\n{proc.stderr}")
    return proc


def assert_clean_failure(proc, *needles):
    """A user error: non-zero exit, no crash (no signal), one line naming the problem."""
    assert proc.returncode > 0, f"expected an error exit, got {proc.returncode}: {proc.stderr}"
    lines = [l for l in proc.stderr.splitlines() if l.strip()]
    assert len(lines) == 1, f"expected one error line, got:\n{proc.stderr}"
    for n in needles:
        assert n in lines[0], f"{n!r} not in {lines[0]!r}"
    return lines[0]


@pytest.fixture
def tmp(tmp_path):
    return tmp_path
