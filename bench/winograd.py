#!/usr/bin/python3
"""What Winograd F(2x2, 3x3) costs on the simulated chip when its transforms are separate ops.

    bench/winograd.py [--size 56] [--channels 64] [--precision bf16] [--threads 2]

Builds two ONNX models of one 3x3 stride-1 convolution with bias and ReLU: the Conv node, and the
same convolution spelled out as Winograd F(2x2, 3x3) (input transform B^T d B of every 4x4 patch
by slices and adds, 16 1x1 convolutions by the transformed weights G g G^T, output transform
A^T m A by adds, the 2x2 outputs interleaved back). Each is compiled with tt-compile and run once
with tt-run; it prints their simulated cycles, dispatches and PCC against float64 numpy.
Winograd's 2.25x fewer multiplications are worth nothing while each transform step is a
dispatch of its own: this measures how much, until fusion keeps the transforms on chip.
"""
import argparse
import json
import subprocess
import tempfile
from pathlib import Path

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

BIN = Path(__file__).resolve().parents[1] / "build" / "bin"
G = np.array([[1, 0, 0], [.5, .5, .5], [.5, -.5, .5], [0, 0, 1]])
BT = np.array([[1, 0, -1, 0], [0, 1, 1, 0], [0, -1, 1, 0], [0, 1, 0, -1]])
AT = np.array([[1, 1, 1, 0], [0, 1, -1, -1]])


def model(nodes, inits, c, k, n):
    graph = helper.make_graph(
        nodes, "conv", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, c, n, n])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, k, n, n])], inits)
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])


def winograd(w, b, n):
    """The convolution of `w` (k, c, 3, 3) with bias `b` and ReLU, padding 1, as F(2x2, 3x3)."""
    k, c = w.shape[:2]
    u = np.einsum("ia,kcab,jb->ijkc", G, w.astype(np.float64), G).astype(np.float32)
    nodes, inits = [], []

    def const(name, value):
        if all(t.name != name for t in inits):
            inits.append(numpy_helper.from_array(np.asarray(value), name))
        return name

    def combine(coeffs, names, out):
        """out = sum of coeffs[i] * names[i], coefficients 0 or +-1."""
        terms = [(s, v) for s, v in zip(coeffs, names) if s]
        cur = terms[0][1]
        if terms[0][0] < 0:
            nodes.append(helper.make_node("Neg", [cur], [out + "_neg"]))
            cur = out + "_neg"
        for i, (s, v) in enumerate(terms[1:]):
            nxt = out if i == len(terms) - 2 else f"{out}_{i}"
            nodes.append(helper.make_node("Add" if s > 0 else "Sub", [cur, v], [nxt]))
            cur = nxt

    nodes.append(helper.make_node("Pad", ["x", const("pads", np.array([0, 0, 1, 1] * 2))], ["xp"]))
    for a in range(4):
        for bb in range(4):
            nodes.append(helper.make_node(
                "Slice", ["xp", const(f"start{a}{bb}", np.array([a, bb])),
                          const(f"end{a}{bb}", np.array([a + n - 1, bb + n - 1])),
                          const("axes", np.array([2, 3])), const("steps", np.array([2, 2]))],
                [f"d{a}{bb}"]))
    for i in range(4):
        for bb in range(4):
            combine(BT[i], [f"d{a}{bb}" for a in range(4)], f"e{i}{bb}")
    for i in range(4):
        for j in range(4):
            combine(BT[j], [f"e{i}{bb}" for bb in range(4)], f"v{i}{j}")
            nodes.append(helper.make_node(
                "Conv", [f"v{i}{j}", const(f"u{i}{j}", u[i, j][:, :, None, None])], [f"m{i}{j}"]))
    for p in range(2):
        for j in range(4):
            combine(AT[p], [f"m{i}{j}" for i in range(4)], f"f{p}{j}")
        for q in range(2):
            combine(AT[q], [f"f{p}{j}" for j in range(4)], f"y{p}{q}")
            nodes.append(helper.make_node("Unsqueeze", [f"y{p}{q}", const("at", np.array([3, 5]))],
                                          [f"z{p}{q}"]))
        nodes.append(helper.make_node("Concat", [f"z{p}0", f"z{p}1"], [f"row{p}"], axis=5))
    nodes.append(helper.make_node("Concat", ["row0", "row1"], ["blocks"], axis=3))
    nodes.append(helper.make_node("Reshape", ["blocks", const("shape", np.array([1, k, n, n]))],
                                  ["yr"]))
    nodes.append(helper.make_node("Add", ["yr", const("b", b[None, :, None, None])], ["yb"]))
    nodes.append(helper.make_node("Relu", ["yb"], ["y"]))
    return model(nodes, inits, c, k, n)


def direct(w, b, n):
    nodes = [helper.make_node("Conv", ["x", "w", "b"], ["c"], pads=[1, 1, 1, 1]),
             helper.make_node("Relu", ["c"], ["y"])]
    return model(nodes, [numpy_helper.from_array(w, "w"), numpy_helper.from_array(b, "b")],
                 w.shape[1], w.shape[0], n)


def reference(x, w, b):
    n = x.shape[-1]
    xp = np.pad(x.astype(np.float64), ((0, 0), (0, 0), (1, 1), (1, 1)))
    y = sum(np.einsum("kc,nchw->nkhw", w[:, :, dy, dx], xp[:, :, dy:dy + n, dx:dx + n])
            for dy in range(3) for dx in range(3))
    return np.maximum(y + b[None, :, None, None], 0)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--size", type=int, default=56, help="image height and width (even)")
    ap.add_argument("--channels", type=int, default=64, help="input and output channels")
    ap.add_argument("--precision", default="bf16", choices=["fp32", "bf16"])
    ap.add_argument("--threads", type=int, default=2, help="tt-run host threads")
    args = ap.parse_args()
    rng = np.random.default_rng(0)
    n, c = args.size, args.channels
    w = (rng.standard_normal((c, c, 3, 3)) * 0.05).astype(np.float32)
    b = rng.standard_normal(c).astype(np.float32)
    x = rng.standard_normal((1, c, n, n)).astype(np.float32)
    ref = reference(x, w, b)
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        np.save(tmp / "x.npy", x)
        for name, build in (("direct", direct), ("winograd", winograd)):
            onnx.save(build(w, b, n), tmp / f"{name}.onnx")
            subprocess.run([BIN / "tt-compile", tmp / f"{name}.onnx", "-o", tmp / f"{name}.ttb",
                            f"--precision={args.precision}"], check=True, capture_output=True)
            subprocess.run([BIN / "tt-run", tmp / f"{name}.ttb", f"--input=@{tmp / 'x.npy'}",
                            f"--output=@{tmp / 'y.npy'}", f"--perf-report={tmp / 'p.json'}",
                            f"--threads={args.threads}", "--quiet"], check=True)
            report = json.loads((tmp / "p.json").read_text())
            y = np.load(tmp / "y.npy")
            pcc = float(np.corrcoef(y.ravel(), ref.ravel())[0, 1])
            results[name] = report["totals"]["cycles"]
            print(f"{name:8s} {report['totals']['cycles']:>9} cycles "
                  f"{len(report['dispatches']):>4} dispatches  PCC {pcc:.6f}")
    print(f"winograd / direct: {results['winograd'] / results['direct']:.2f}x the cycles")


if __name__ == "__main__":
    main()
