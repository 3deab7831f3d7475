"""`pip install --no-build-isolation ./python` into a fresh virtual environment (with the
system's site packages: numpy, onnx, setuptools from Debian; nothing from PyPI), then the package
imported from there, outside the source tree, compiles and runs a model in process."""
import os
import shutil
import subprocess
import sys

from conftest import BIN, SRC


def test_pip_install_into_a_fresh_venv(tmp):
    venv = tmp / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--system-site-packages", venv], check=True)
    # pip builds in the tree it is given: a copy of python/ keeps the source tree clean.
    shutil.copytree(SRC / "python", tmp / "python",
                    ignore=shutil.ignore_patterns("build", "*.egg-info", "__pycache__"))
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "TESSEL_BIN")}
    env.update(TESSEL_SRC=str(SRC), TESSEL_BUILD=str(BIN.parent))
    proc = subprocess.run([venv / "bin" / "python", "-m", "pip", "install", "--no-index",
                           "--no-build-isolation", "--no-deps", tmp / "python"], cwd=tmp,
                          env=env, capture_output=True, text=True, timeout=1200)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    script = """
import numpy as np, tessel
from tessel import models
assert "site-packages" in tessel.__file__, tessel.__file__
assert "site-packages" in tessel._compiler.__file__ and "site-packages" in tessel._runtime.__file__
model, reference = models.cnn()
session = tessel.InferenceSession(tessel.compile(model))
x = np.random.default_rng(4).standard_normal((1, 3, 32, 32)).astype(np.float32)
[y] = session.run(None, {"x": x})
print(models.pcc(y, reference(x)[0]))
"""
    run = subprocess.run([venv / "bin" / "python", "-c", script], cwd=tmp, env=env,
                         capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stdout + run.stderr
    assert float(run.stdout.strip()) >= 0.9999, run.stdout
