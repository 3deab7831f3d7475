"""Reduces of few long rows, their rows cut into runs reduced on cores of their own and the runs'
partials combined by a second dispatch (tt-choose-op-configs' #grid.reduce_config), against
float64 numpy, and the cost model's estimate of the pair against the simulator."""
import json

import numpy as np
import onnx
import pytest
from onnx import TensorProto, helper

from conftest import run

REFERENCES = {
    "ReduceMean": lambda x: x.mean(-1, keepdims=True),
    "ReduceMax": lambda x: x.max(-1, keepdims=True),
    "ReduceSumSquare": lambda x: (x * x).sum(-1, keepdims=True),
    "ReduceL2": lambda x: np.sqrt((x * x).sum(-1, keepdims=True)),
    "ReduceLogSumExp": lambda x: np.log(np.exp(x).sum(-1, keepdims=True)),
}


def reduce_model(path, op, shape, square_first=False):
    """`op` over the last axis of x (of x * x with `square_first`, as an RMSNorm's statistic:
    the reduce then reads its input from L1)."""
    nodes, src = [], "x"
    if square_first:
        nodes.append(helper.make_node("Mul", ["x", "x"], ["sq"], name="square"))
        src = "sq"
    nodes.append(helper.make_node(op, [src], ["y"], name="reduce", axes=[-1], keepdims=1))
    graph = helper.make_graph(
        nodes, "g", [helper.make_tensor_value_info("x", TensorProto.FLOAT, list(shape))],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [*shape[:-1], 1])])
    onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)]), path)


def compile_and_run(tmp, name, x, precision, *flags):
    np.save(tmp / "x.npy", x)
    run(["tt-compile", tmp / "m.onnx", "-o", tmp / f"{name}.ttb", f"--precision={precision}",
         *flags])
    run(["tt-run", tmp / f"{name}.ttb", f"--input=@{tmp / 'x.npy'}",
         f"--output=@{tmp / f'{name}.npy'}", f"--perf-report={tmp / f'{name}.json'}", "--quiet"])
    return np.load(tmp / f"{name}.npy"), json.loads((tmp / f"{name}.json").read_text())


def reduce_dispatches(report):
    return [d for d in report["dispatches"] if d["op"].startswith("reduce_")]


@pytest.mark.parametrize("op", sorted(REFERENCES))
@pytest.mark.parametrize("shape", [(32, 4096), (2, 32, 1000)], ids=["one-row", "partial-tiles"])
def test_split_reduce_matches_numpy(tmp, op, shape):
    """Split or not, the reduce computes what numpy does: rows of 4096 values (128 tiles) and
    of 1000 (the last of 32 tiles partial, which reads the identity past the row's end)."""
    reduce_model(tmp / "m.onnx", op, shape)
    x = np.random.default_rng(1).standard_normal(shape).astype(np.float32)
    ref = REFERENCES[op](x.astype(np.float64))
    y, report = compile_and_run(tmp, "split", x, "fp32")
    # (ReduceLogSumExp is a max, then a sum of exponentials: two reduces, each split.)
    configs = [d["config"] for d in report["dispatches"] if d["op"].endswith("_combine")]
    assert configs and all("reduce_config<splits" in c for c in configs), report["dispatches"]
    np.testing.assert_allclose(y, ref, rtol=1e-4, atol=1e-4)
    # bf16 holds 8 bits of mantissa: sums of squares near 4096 are a few units apart from row
    # to row, so compare each value, not their correlation.
    yb, _ = compile_and_run(tmp, "bf16", x, "bf16")
    np.testing.assert_allclose(yb, ref, rtol=2e-2, atol=2e-2)


ESTIMATED = {"dram-128": ("ReduceMean", (32, 4096), False),
             "l1-128": ("ReduceMean", (32, 4096), True),
             "dram-8-rows": ("ReduceSumSquare", (256, 4096), False),
             "l1-partial": ("ReduceMax", (64, 3000), True)}


@pytest.mark.parametrize("case", sorted(ESTIMATED))
def test_split_reduce_estimate_and_gain(tmp, case):
    """The cost model's estimate of the split pair (recorded in its config) within 30% of the
    cycles the simulator takes for the two dispatches, and the split faster than the whole rows
    on a core each (`--no-split-reduce`), as the model decided."""
    op, shape, square_first = ESTIMATED[case]
    reduce_model(tmp / "m.onnx", op, shape, square_first)
    x = np.random.default_rng(2).standard_normal(shape).astype(np.float32)
    # Tile loops unfused: the square stays a dispatch of its own, the estimate is the reduce's.
    _, split = compile_and_run(tmp, "split", x, "bf16", "--fusion=graph")
    pair = reduce_dispatches(split)
    assert len(pair) == 2, [d["op"] for d in split["dispatches"]]
    estimate = int(pair[0]["config"].split("cycles = ")[1].rstrip(">"))
    simulated = sum(d["cycles"] for d in pair)
    assert 0.7 <= estimate / simulated <= 1.3, (estimate, simulated)
    _, whole = compile_and_run(tmp, "whole", x, "bf16", "--fusion=graph", "--no-split-reduce")
    assert len(reduce_dispatches(whole)) == 1
    assert split["totals"]["cycles"] < whole["totals"]["cycles"], (
        split["totals"]["cycles"], whole["totals"]["cycles"])
