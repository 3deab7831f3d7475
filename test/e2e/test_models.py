"""Models in the shape of real exports, compiled and run in fp32 against float64 numpy."""
import numpy as np
import onnx
import pytest

from conftest import run
from tessel import models


@pytest.mark.parametrize("builder", ["cnn", "transformer_block"])
def test_model(builder, tmp):
    model, reference = getattr(models, builder)()
    onnx.save(model, tmp / "m.onnx")
    shape = [d.dim_value for d in model.graph.input[0].type.tensor_type.shape.dim]
    x = np.random.default_rng(3).standard_normal(shape).astype(np.float32)
    np.save(tmp / "x.npy", x)
    run(["tt-compile", tmp / "m.onnx", "-o", tmp / "m.ttb"])
    run(["tt-run", tmp / "m.ttb", f"--input=@{tmp / 'x.npy'}", f"--output=@{tmp / 'y.npy'}", "--quiet"])
    got, want = np.load(tmp / "y.npy"), reference(x)[0]
    assert models.pcc(got, want) >= 0.9999
    np.testing.assert_allclose(got, want, rtol=1e-3, atol=1e-4)


def test_log_sum_exp_of_large_values(tmp):
    # exp(200) overflows f32; the max is taken out first, as numerically careful code does.
    from onnx import TensorProto, helper
    node = helper.make_node("ReduceLogSumExp", ["x"], ["y"], axes=[1], keepdims=0)
    g = helper.make_graph([node], "lse",
                          [helper.make_tensor_value_info("x", TensorProto.FLOAT, [3, 40])],
                          [helper.make_tensor_value_info("y", TensorProto.FLOAT, [3])])
    onnx.save(helper.make_model(g, opset_imports=[helper.make_opsetid("", 13)]), tmp / "m.onnx")
    x = np.random.default_rng(5).uniform(150, 250, (3, 40)).astype(np.float32)
    np.save(tmp / "x.npy", x)
    run(["tt-compile", tmp / "m.onnx", "-o", tmp / "m.ttb"])
    run(["tt-run", tmp / "m.ttb", f"--input=@{tmp / 'x.npy'}", f"--output=@{tmp / 'y.npy'}", "--quiet"])
    x64 = x.astype(np.float64)
    top = x64.max(axis=1)
    want = top + np.log(np.exp(x64 - top[:, None]).sum(axis=1))
    np.testing.assert_allclose(np.load(tmp / "y.npy"), want, rtol=1e-6)
