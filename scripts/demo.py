#!/usr/bin/python3
"""`make demo`: compile the bundled MLP, run it on the simulated wormhole_b0, check and report."""
import argparse
import subprocess
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "python"))
from tessel.models import pcc  # noqa: E402


def step(title, cmd):
    print(f"\n== {title}\n$ {' '.join(map(str, cmd))}", flush=True)
    subprocess.run(list(map(str, cmd)), check=True)


def main():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--build", default="build", help="the CMake build directory")
    a = p.parse_args()
    bindir = (ROOT / a.build / "bin").resolve()
    work = (ROOT / a.build / "demo").resolve()
    step("Build the bundled model: a 3-layer MLP, batch 8, width 256",
         [sys.executable, ROOT / "scripts" / "make_model.py", "mlp", "--batch", "8",
          "--width", "256", "--out", work])
    step("Compile it for wormhole_b0 (fp32)",
         [bindir / "tt-compile", work / "mlp.onnx", "-o", work / "mlp.ttb"])
    step("Run it on the simulated chip",
         [bindir / "tt-run", work / "mlp.ttb", f"--input=@{work / 'x.npy'}",
          f"--output=@{work / 'y.npy'}", f"--perf-report={work / 'perf.json'}",
          f"--trace={work / 'trace.json'}"])
    y, expected = np.load(work / "y.npy"), np.load(work / "expected.npy")
    np.set_printoptions(precision=5, suppress=True, linewidth=100)
    print("\n== Outputs (probs, first 2 rows x 8 columns)")
    print(y[:2, :8])
    err = float(np.abs(y - expected).max())
    print(f"\nmax |error| vs numpy reference: {err:.3g}, PCC {pcc(y, expected):.6f}")
    if not np.allclose(y, expected, rtol=1e-3, atol=1e-6):
        sys.exit("demo: outputs do not match the numpy reference")
    print(f"perf report: {work / 'perf.json'}; Perfetto trace: {work / 'trace.json'}")


if __name__ == "__main__":
    main()
