"""Softmax, LogSoftmax and the normalisations are row loops at the grid level: each unit holds a
row of tiles (a sample's group for GroupNormalization) in L1 across its passes. Across the
shapes that change how the kernels read and keep rows (a row of one tile, a partial last tile
that softmax masks with -huge, partial row tiles, several units per core, parameter rows shared
by a core, a scale per channel), each op compiles to one dispatch and matches float64 numpy."""
import json

import numpy as np
import onnx
import pytest
from onnx import TensorProto, helper, numpy_helper

from conftest import run


def model(path, op, shape, inits, opset, **attrs):
    inputs = ["x", *inits]
    graph = helper.make_graph(
        [helper.make_node(op, inputs, ["y"], **attrs)], "rows",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, list(shape))],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, list(shape))],
        [numpy_helper.from_array(v.astype(np.float32), k) for k, v in inits.items()])
    onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)]), path)


def softmax_ref(x, log):
    x = x.astype(np.float64)
    e = np.exp(x - x.max(axis=-1, keepdims=True))
    s = e.sum(axis=-1, keepdims=True)
    return (x - x.max(axis=-1, keepdims=True)) - np.log(s) if log else e / s


def layer_norm_ref(x, g, b):
    x = x.astype(np.float64)
    c = x - x.mean(axis=-1, keepdims=True)
    return c / np.sqrt((c ** 2).mean(axis=-1, keepdims=True) + 1e-5) * g + (0 if b is None else b)


def rms_norm_ref(x, w):
    x = x.astype(np.float64)
    return x / np.sqrt((x ** 2).mean(axis=-1, keepdims=True) + 1e-6) * w


def group_norm_ref(x, groups, s, b):
    x = x.astype(np.float64)
    n, c = x.shape[:2]
    g = x.reshape(n, groups, -1)
    g = (g - g.mean(axis=-1, keepdims=True)) / np.sqrt(g.var(axis=-1, keepdims=True) + 1e-5)
    per_channel = (1, c) + (1,) * (x.ndim - 2)
    return g.reshape(x.shape) * s.reshape(per_channel) + b.reshape(per_channel)


SOFTMAX_SHAPES = [(5, 20), (70, 33), (300, 64), (8, 64, 100), (96, 40, 40), (3, 130, 1000)]
NORM_SHAPES = [(5, 20), (33, 300), (96, 40, 40), (2, 200, 64)]
GROUP_SHAPES = [((1, 4, 8, 8), 4), ((2, 8, 5, 5), 4), ((3, 6, 33, 40), 2), ((2, 16, 24, 40), 8)]


def compile_and_run(tmp, x):
    np.save(tmp / "x.npy", x)
    run(["tt-compile", tmp / "m.onnx", "-o", tmp / "m.ttb", "--precision=fp32"])
    dump = json.loads(run(["tt-translate", "--dump-ttb", tmp / "m.ttb"]).stdout)
    run(["tt-run", tmp / "m.ttb", f"--input=@{tmp / 'x.npy'}", f"--output=@{tmp / 'y.npy'}",
         "--quiet"])
    return [d["op"] for d in dump["dispatches"]], np.load(tmp / "y.npy")


@pytest.mark.parametrize("shape", SOFTMAX_SHAPES, ids=str)
@pytest.mark.parametrize("log", [False, True], ids=["softmax", "log_softmax"])
def test_softmax_rows(tmp, shape, log):
    rng = np.random.default_rng(len(shape) * 100 + shape[-1])
    model(tmp / "m.onnx", "LogSoftmax" if log else "Softmax", shape, {}, 13, axis=-1)
    x = (rng.standard_normal(shape) * 4).astype(np.float32)
    ops, y = compile_and_run(tmp, x)
    assert ops == ["softmax"]
    np.testing.assert_allclose(y, softmax_ref(x, log), rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("shape", NORM_SHAPES, ids=str)
@pytest.mark.parametrize("kind", ["layer", "layer_no_bias", "rms"])
def test_norm_rows(tmp, shape, kind):
    rng = np.random.default_rng(shape[-1])
    n = shape[-1]
    w, b = rng.standard_normal(n), rng.standard_normal(n)
    if kind == "rms":
        model(tmp / "m.onnx", "RMSNormalization", shape, {"w": w}, 23, epsilon=1e-6)
        ref = lambda x: rms_norm_ref(x, w)  # noqa: E731
    else:
        inits = {"g": w, "b": b} if kind == "layer" else {"g": w}
        model(tmp / "m.onnx", "LayerNormalization", shape, inits, 17, axis=-1, epsilon=1e-5)
        ref = lambda x: layer_norm_ref(x, w, b if kind == "layer" else None)  # noqa: E731
    x = (rng.standard_normal(shape) * 3 + 1).astype(np.float32)
    ops, y = compile_and_run(tmp, x)
    assert ops == ["rms_norm" if kind == "rms" else "layer_norm"]
    np.testing.assert_allclose(y, ref(x), rtol=1e-4, atol=1e-4)


@pytest.mark.parametrize("shape,groups", GROUP_SHAPES, ids=str)
def test_group_norm_rows(tmp, shape, groups):
    rng = np.random.default_rng(shape[1])
    s, b = rng.standard_normal(shape[1]), rng.standard_normal(shape[1])
    model(tmp / "m.onnx", "GroupNormalization", shape, {"s": s, "b": b}, 21, num_groups=groups,
          epsilon=1e-5)
    x = (rng.standard_normal(shape) * 2 - 1).astype(np.float32)
    ops, y = compile_and_run(tmp, x)
    assert ops == ["group_norm"]
    np.testing.assert_allclose(y, group_norm_ref(x, groups, s, b), rtol=1e-4, atol=1e-4)
