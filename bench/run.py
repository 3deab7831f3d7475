#!/usr/bin/python3
"""Tessel's simulator against ONNX Runtime's CPU build, in one run, on the same models.

    bench/run.py [--build build] [--threads 2] [--repeats 5]

For each model it reports the wall time of `tt-run` (load the binary, simulate every core of the
chip, write the outputs) next to ONNX Runtime's, both as a whole command (process start to exit)
and, for ONNX Runtime, per inference in a warm session; the ratios are what to compare. It also
checks that both produced the same numbers (PCC) and prints the simulated chip time.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import onnx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "python"))
from tessel import models  # noqa: E402

# name -> (builder, its keyword arguments, precision)
MODELS = {
    "mlp-fp32": (models.mlp, dict(batch=32, width=1024), "fp32"),
    "mlp-bf16": (models.mlp, dict(batch=32, width=1024), "bf16"),
    "cnn-fp32": (models.cnn, dict(batch=1, size=32), "fp32"),
    "xfmr-fp32": (models.transformer_block, dict(seq=64, dim=64, heads=4), "fp32"),
}


def ensure_ort():
    if not (ROOT / "bench" / "node_modules" / "onnxruntime-node").exists():
        print("bench: installing onnxruntime-node from npm", file=sys.stderr)
        subprocess.run(["npm", "install", "--ignore-scripts", "--no-audit", "--no-fund", "--silent"],
                       cwd=ROOT / "bench", check=True)


def timed(cmd, repeats):
    walls = []
    for _ in range(repeats):
        start = time.perf_counter()
        proc = subprocess.run(cmd, capture_output=True, text=True)
        walls.append((time.perf_counter() - start) * 1e3)
        if proc.returncode:
            sys.exit(f"bench: {' '.join(map(str, cmd))} failed:\n{proc.stderr}")
    return statistics.median(walls), proc


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--build", default=str(ROOT / "build"))
    p.add_argument("--threads", type=int, default=os.cpu_count())
    p.add_argument("--repeats", type=int, default=5)
    p.add_argument("--models", default=",".join(MODELS))
    a = p.parse_args()
    ensure_ort()
    bindir = Path(a.build) / "bin"
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        for name in a.models.split(","):
            builder, kwargs, precision = MODELS[name]
            model, _ = builder(**kwargs)
            d = tmp / name
            d.mkdir()
            onnx.save(model, d / "model.onnx")
            inputs = []
            rng = np.random.default_rng(0)
            for i, vi in enumerate(model.graph.input):
                shape = [dim.dim_value for dim in vi.type.tensor_type.shape.dim]
                inputs.append(d / f"in{i}.npy")
                np.save(inputs[-1], rng.standard_normal(shape).astype(np.float32))
            subprocess.run([bindir / "tt-compile", d / "model.onnx", "-o", d / "model.ttb",
                            f"--precision={precision}"], check=True, capture_output=True)
            tt_ms, _ = timed([bindir / "tt-run", d / "model.ttb", *[f"--input=@{x}" for x in inputs],
                              f"--output=@{d / 'tt.npy'}", f"--perf-report={d / 'perf.json'}",
                              "--quiet"], a.repeats)
            ort_cmd = ["node", ROOT / "bench" / "ort_run.js", d / "model.onnx", str(a.threads),
                       str(a.repeats), *inputs, "--", d / "ort.npy"]
            ort_ms, proc = timed(ort_cmd, a.repeats)
            ort = json.loads(proc.stdout)
            perf = json.loads((d / "perf.json").read_text())
            tt_out, ort_out = np.load(d / "tt.npy"), np.load(d / "ort.npy")
            pcc = float(np.corrcoef(tt_out.ravel(), ort_out.ravel())[0, 1])
            rows.append((name, tt_ms, ort_ms, ort["median_run_ms"], pcc,
                         perf["totals"]["cycles"] / perf["clock_mhz"]))

    print(f"threads: {a.threads}; medians of {a.repeats} runs; ratios are tt-run / ONNX Runtime\n")
    print(f"{'model':10} {'tt-run ms':>10} {'ORT cmd ms':>11} {'ratio':>6} {'ORT run ms':>11} "
          f"{'ratio':>7} {'PCC':>9} {'chip us':>9}")
    for name, tt, ortc, ortr, pcc, chip_us in rows:
        print(f"{name:10} {tt:10.1f} {ortc:11.1f} {tt / ortc:6.2f} {ortr:11.2f} {tt / ortr:7.1f} "
              f"{pcc:9.6f} {chip_us:9.1f}")


if __name__ == "__main__":
    main()
