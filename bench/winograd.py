#!/usr/bin/python3
"""Winograd F(2x2, 3x3) against the implicit GEMM, and the compiler's choice between them.

    bench/winograd.py [--precision fp32,bf16] [--threads 2] [--resnet-batches 1,16]

For each of ResNet-50's 3x3 stride-1 convolutions (56x56x64, 28x28x128, 14x14x256) at batches 1
and 4, with bias and ReLU, compiles the Conv node three times with tt-compile: `--winograd=never`
(implicit GEMM), `always` (Winograd) and `auto` (tt-choose-conv-algorithms decides), runs each
once with tt-run and prints the simulated cycles of the convolution's own dispatches (not the
layout changes of the model's input and output, which all three share), the pass's estimates,
its choice, and the PCC of Winograd's output against float64 numpy. Then ResNet-50 v1.5
(bench/models.py) at the given batches, whole, with `never` and `auto`.
"""
import argparse
import json
import re
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

ROOT = Path(__file__).resolve().parents[1]
BIN = ROOT / "build" / "bin"
sys.path.insert(0, str(ROOT / "bench"))
CONFIG = re.compile(r"algorithm = (\w+), implicit_gemm_cycles = (\d+), winograd_cycles = (\d+)")
SHAPES = [(56, 64), (28, 128), (14, 256)]


def conv(batch, n, c, rng):
    w = (rng.standard_normal((c, c, 3, 3)) / np.sqrt(9 * c)).astype(np.float32)
    b = rng.standard_normal(c).astype(np.float32)
    nodes = [helper.make_node("Conv", ["x", "w", "b"], ["c"], pads=[1, 1, 1, 1], name="conv"),
             helper.make_node("Relu", ["c"], ["y"])]
    graph = helper.make_graph(
        nodes, "conv", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [batch, c, n, n])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [batch, c, n, n])],
        [numpy_helper.from_array(w, "w"), numpy_helper.from_array(b, "b")])
    x = rng.standard_normal((batch, c, n, n)).astype(np.float32)
    xp = np.pad(x.astype(np.float64), ((0, 0), (0, 0), (1, 1), (1, 1)))
    y = sum(np.einsum("kc,nchw->nkhw", w[:, :, dy, dx], xp[:, :, dy:dy + n, dx:dx + n])
            for dy in range(3) for dx in range(3))
    ref = np.maximum(y + b[None, :, None, None], 0)
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)]), x, ref


def compile_and_run(tmp, model, x, precision, winograd, threads):
    onnx.save(model, tmp / "m.onnx")
    np.save(tmp / "x.npy", x)
    out = subprocess.run([BIN / "tt-compile", tmp / "m.onnx", "-o", tmp / "m.ttb",
                          f"--precision={precision}", f"--winograd={winograd}",
                          "--print-op-configs"], check=True, capture_output=True, text=True)
    subprocess.run([BIN / "tt-run", tmp / "m.ttb", f"--input=@{tmp / 'x.npy'}",
                    f"--output=@{tmp / 'y.npy'}", f"--perf-report={tmp / 'p.json'}",
                    f"--threads={threads}", "--quiet"], check=True)
    report = json.loads((tmp / "p.json").read_text())
    configs = CONFIG.findall(out.stdout)
    return report, configs, np.load(tmp / "y.npy")


def own_cycles(report):
    return sum(d["cycles"] + d["launch_cycles"] for d in report["dispatches"]
               if d["op"] != "remap")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--precision", default="fp32,bf16", help="comma-separated: fp32, bf16")
    ap.add_argument("--batches", default="1,4", help="batches of the single convolutions")
    ap.add_argument("--resnet-batches", default="1,16", help="ResNet-50 batches ('' for none)")
    ap.add_argument("--threads", type=int, default=2, help="tt-run host threads")
    args = ap.parse_args()
    precisions = args.precision.split(",")
    rng = np.random.default_rng(0)
    print("| precision | convolution | implicit GEMM cycles (est.) | Winograd cycles (est.) "
          "| Winograd speedup | auto takes | Winograd PCC |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        for precision in precisions:
            for batch in map(int, args.batches.split(",")):
                for n, c in SHAPES:
                    model, x, ref = conv(batch, n, c, rng)
                    gemm, _, _ = compile_and_run(tmp, model, x, precision, "never", args.threads)
                    wino, configs, y = compile_and_run(tmp, model, x, precision, "always",
                                                       args.threads)
                    _, chosen, _ = compile_and_run(tmp, model, x, precision, "auto",
                                                   args.threads)
                    pcc = float(np.corrcoef(y.ravel(), ref.ravel())[0, 1])
                    g, w = own_cycles(gemm), own_cycles(wino)
                    _, est_g, est_w = configs[0]
                    print(f"| {precision} | {batch}x{c}x{n}x{n} -> {c} | {g:,} ({int(est_g):,}) "
                          f"| {w:,} ({int(est_w):,}) | {g / w:.2f}x | {chosen[0][0]} "
                          f"| {pcc:.6f} |", flush=True)
        if args.resnet_batches:
            import models
            print()
            print("| precision | model | cycles, --winograd=never | cycles, auto | speedup "
                  "| convolutions taken | PCC auto vs never |")
            print("| --- | --- | --- | --- | --- | --- | --- |")
            for precision in precisions:
                for batch in map(int, args.resnet_batches.split(",")):
                    model, name, shape = models.resnet50(batch)
                    x = rng.random(shape, dtype=np.float32)
                    never, _, y0 = compile_and_run(tmp, model, x, precision, "never",
                                                   args.threads)
                    auto, configs, y1 = compile_and_run(tmp, model, x, precision, "auto",
                                                        args.threads)
                    a, b = never["totals"]["cycles"], auto["totals"]["cycles"]
                    taken = sum(cfg[0] == "winograd" for cfg in configs)
                    pcc = float(np.corrcoef(y0.ravel(), y1.ravel())[0, 1])
                    print(f"| {precision} | ResNet-50 b{batch} | {a:,} | {b:,} | {a / b:.3f}x "
                          f"| {taken} of {len(configs)} | {pcc:.6f} |", flush=True)


if __name__ == "__main__":
    main()
