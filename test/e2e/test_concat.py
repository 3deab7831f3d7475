"""Concat end to end against numpy: along the channels of [N, C, H, W] (a batch axis of the
tiled layout, where the kernel copies whole tiles from the input that holds each), along the
last two axes (placed inputs added, as tt-decompose-graph writes it), with uneven sizes and an
input much smaller than the result."""
import json

import numpy as np
import onnx
import pytest
from onnx import TensorProto, helper

from conftest import run


def concat_model(path, shapes, axis):
    names = [f"x{i}" for i in range(len(shapes))]
    out = list(shapes[0])
    out[axis] = sum(s[axis] for s in shapes)
    graph = helper.make_graph(
        [helper.make_node("Concat", names, ["y"], axis=axis)], "concat",
        [helper.make_tensor_value_info(n, TensorProto.FLOAT, s) for n, s in zip(names, shapes)],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, out)])
    onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)]), path)
    return names


@pytest.mark.parametrize("shapes,axis", [
    ([(2, 3, 5, 7), (2, 5, 5, 7), (2, 1, 5, 7)], 1),   # channels, batch 2
    ([(3, 4, 40), (2, 4, 40)], 0),                      # leading axis of a rank-3 tensor
    ([(2, 33, 5), (2, 40, 5)], 1),                      # rows: tiles straddle the inputs
    ([(6, 3), (6, 70), (6, 1)], 1),                     # columns, uneven
    ([(1, 3), (64, 3)], 0),                             # a small input far from the end
])
def test_concat(tmp, shapes, axis):
    names = concat_model(tmp / "m.onnx", shapes, axis)
    rng = np.random.default_rng(len(shapes) + axis)
    xs = [rng.standard_normal(s).astype(np.float32) for s in shapes]
    inputs = []
    for n, x in zip(names, xs):
        np.save(tmp / f"{n}.npy", x)
        inputs.append(f"--input=@{tmp / f'{n}.npy'}")
    run(["tt-compile", tmp / "m.onnx", "-o", tmp / "m.ttb"])
    run(["tt-run", tmp / "m.ttb", *inputs, f"--output=@{tmp / 'y.npy'}",
         f"--perf-report={tmp / 'perf.json'}", "--quiet"])
    np.testing.assert_array_equal(np.load(tmp / "y.npy"), np.concatenate(xs, axis=axis))
    ops = [d["op"] for d in json.loads((tmp / "perf.json").read_text())["dispatches"]]
    if axis < len(shapes[0]) - 2:
        assert ops == ["concat"], ops
    else:
        # The padded remaps and their adds, which tt-fuse-tile-loops may make one dispatch
        # ("remap+remap+add").
        kinds = [k for op in ops for k in op.split("+")]
        assert "concat" not in kinds and kinds.count("add") == len(shapes) - 1, ops
