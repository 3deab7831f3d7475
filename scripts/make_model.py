#!/usr/bin/python3
"""Writes a bundled model, an input for it and the numpy reference output.

    scripts/make_model.py mlp --batch 8 --width 256 --out DIR
writes DIR/mlp.onnx, DIR/x.npy and DIR/expected.npy.
"""
import argparse
import sys
from pathlib import Path

import numpy as np
import onnx

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "python"))
from tessel.models import mlp  # noqa: E402


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("model", choices=["mlp"], help="which model to build")
    p.add_argument("--batch", type=int, default=32)
    p.add_argument("--width", type=int, default=1024)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--out", type=Path, default=Path("."), help="output directory")
    a = p.parse_args()
    a.out.mkdir(parents=True, exist_ok=True)
    model, reference = mlp(batch=a.batch, width=a.width, seed=a.seed)
    onnx.save(model, a.out / "mlp.onnx")
    x = np.random.default_rng(a.seed + 1).standard_normal((a.batch, a.width)).astype(np.float32)
    np.save(a.out / "x.npy", x)
    np.save(a.out / "expected.npy", reference(x)[0].astype(np.float32))
    print(f"wrote {a.out / 'mlp.onnx'} (batch {a.batch}, width {a.width}), x.npy, expected.npy")


if __name__ == "__main__":
    main()
