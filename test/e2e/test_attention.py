"""Attention as exporters write it: scores = Q K^T divided by sqrt(head dim), a softmax, then
the context P V. The scale joins the scores' matmul (no dispatch of its own), and the result
matches float64 numpy."""
import json

import numpy as np
import onnx
import pytest
from onnx import TensorProto, helper, numpy_helper

from conftest import run


def attention_model(path, b, h, s, d):
    nodes = [helper.make_node("MatMul", ["q", "kt"], ["scores"]),
             helper.make_node("Div", ["scores", "sqrt_d"], ["scaled"]),
             helper.make_node("Softmax", ["scaled"], ["p"], axis=-1),
             helper.make_node("MatMul", ["p", "v"], ["y"])]
    ins = [helper.make_tensor_value_info(n, TensorProto.FLOAT, shape)
           for n, shape in (("q", [b, h, s, d]), ("kt", [b, h, d, s]), ("v", [b, h, s, d]))]
    graph = helper.make_graph(nodes, "attention", ins,
                              [helper.make_tensor_value_info("y", TensorProto.FLOAT, [b, h, s, d])],
                              [numpy_helper.from_array(np.array(np.sqrt(d), np.float32), "sqrt_d")])
    onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)]), path)


@pytest.mark.parametrize("precision", ["fp32", "bf16"])
def test_scaled_scores(tmp, precision):
    b, h, s, d = 1, 2, 96, 40
    attention_model(tmp / "a.onnx", b, h, s, d)
    rng = np.random.default_rng(0)
    q, kt, v = (rng.standard_normal(shape).astype(np.float32)
                for shape in ((b, h, s, d), (b, h, d, s), (b, h, s, d)))
    for name, a in (("q", q), ("kt", kt), ("v", v)):
        np.save(tmp / f"{name}.npy", a)
    run(["tt-compile", tmp / "a.onnx", "-o", tmp / "a.ttb", f"--precision={precision}"])
    dump = json.loads(run(["tt-translate", "--dump-ttb", tmp / "a.ttb"]).stdout)
    assert [x["op"] for x in dump["dispatches"]] == ["matmul", "softmax", "matmul"]
    run(["tt-run", tmp / "a.ttb", *(f"--input=@{tmp / n}.npy" for n in ("q", "kt", "v")),
         f"--output=@{tmp / 'y.npy'}", "--quiet"])
    y = np.load(tmp / "y.npy")
    scores = q.astype(np.float64) @ kt / np.sqrt(d)
    p = np.exp(scores - scores.max(-1, keepdims=True))
    ref = (p / p.sum(-1, keepdims=True)) @ v
    if precision == "fp32":
        np.testing.assert_allclose(y, ref, rtol=1e-4, atol=1e-5)
    else:
        assert float(np.corrcoef(y.ravel(), ref.ravel())[0, 1]) >= 0.999
