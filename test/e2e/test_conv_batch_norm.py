"""Convolutions followed by BatchNormalization, against float64 numpy: the batch norm is folded
into the convolution's weights (no dispatch of its own), fp32 to ONNX's tolerances and bf16 to
PCC 0.999."""
import json

import numpy as np
import onnx
import pytest
from onnx import TensorProto, helper, numpy_helper

from conftest import run


def conv_bn_model(path, groups, stride, pad, seed=0):
    rng = np.random.default_rng(seed)
    c, m, k = 8, 8, 3
    x = rng.standard_normal((1, c, 12, 12)).astype(np.float32)
    w = (rng.standard_normal((m, c // groups, k, k)) / np.sqrt(k * k * c // groups)).astype(np.float32)
    scale, bias = rng.uniform(0.5, 1.5, m), rng.standard_normal(m) * 0.1
    mean, var = rng.standard_normal(m) * 0.1, rng.uniform(0.5, 1.5, m)
    inits = [numpy_helper.from_array(v.astype(np.float32), n) for v, n in
             [(w, "w"), (scale, "s"), (bias, "b"), (mean, "m"), (var, "v")]]
    out = (12 + 2 * pad - k) // stride + 1
    nodes = [helper.make_node("Conv", ["x", "w"], ["c"], name="conv", group=groups,
                              strides=[stride, stride], pads=[pad] * 4),
             helper.make_node("BatchNormalization", ["c", "s", "b", "m", "v"], ["y"], name="bn",
                              epsilon=1e-5)]
    graph = helper.make_graph(nodes, "conv_bn",
                              [helper.make_tensor_value_info("x", TensorProto.FLOAT, list(x.shape))],
                              [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, m, out, out])],
                              inits)
    onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)]), path)
    # float64 reference: direct convolution, then the batch norm.
    xp = np.pad(x.astype(np.float64), ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    ref = np.zeros((1, m, out, out))
    per = c // groups
    for o in range(m):
        g = o // (m // groups)
        for i in range(out):
            for j in range(out):
                patch = xp[0, g * per:(g + 1) * per, i * stride:i * stride + k, j * stride:j * stride + k]
                ref[0, o, i, j] = np.sum(patch * w[o])
    ref = (ref - mean[None, :, None, None]) / np.sqrt(var[None, :, None, None] + 1e-5)
    ref = ref * scale[None, :, None, None] + bias[None, :, None, None]
    return x, ref


@pytest.mark.parametrize("groups,stride,pad", [(1, 1, 1), (2, 2, 0), (8, 1, 1)])
@pytest.mark.parametrize("precision", ["fp32", "bf16"])
def test_conv_batch_norm_folded(tmp, groups, stride, pad, precision):
    x, ref = conv_bn_model(tmp / "m.onnx", groups, stride, pad)
    np.save(tmp / "x.npy", x)
    run(["tt-compile", tmp / "m.onnx", "-o", tmp / "m.ttb", f"--precision={precision}"])
    run(["tt-run", tmp / "m.ttb", f"--input=@{tmp / 'x.npy'}", f"--output=@{tmp / 'y.npy'}",
         f"--perf-report={tmp / 'perf.json'}", "--quiet"])
    y = np.load(tmp / "y.npy")
    # The batch norm has no dispatch of its own: it was folded into the convolution's.
    locations = {d["location"] for d in json.loads((tmp / "perf.json").read_text())["dispatches"]}
    assert "bn" not in locations and "conv,bn" in locations, locations
    if precision == "fp32":
        np.testing.assert_allclose(y, ref, rtol=1e-3, atol=1e-4)
    else:
        assert np.corrcoef(y.ravel(), ref.ravel())[0, 1] >= 0.999
