"""LpNormalization, LpPool and GlobalLpPool run on the chip as reductions and pools of |x|^p, and
match float64 numpy in fp32 (an ArcFace-style embedding is L2-normalised by LpNormalization)."""
import numpy as np
import onnx
import pytest
from onnx import TensorProto, helper

from conftest import assert_clean_failure, run

RNG = np.random.default_rng(4)


def compile_and_run(tmp, node, x, out_shape, opset=11):
    graph = helper.make_graph(
        [node], "lp", [helper.make_tensor_value_info("x", TensorProto.FLOAT, list(x.shape))],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, list(out_shape))])
    onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)]),
              tmp / "lp.onnx")
    run(["tt-compile", tmp / "lp.onnx", "-o", tmp / "lp.ttb"])
    np.save(tmp / "x.npy", x)
    run(["tt-run", tmp / "lp.ttb", f"--input=@{tmp / 'x.npy'}", f"--output=@{tmp / 'y.npy'}",
         "--quiet"])
    return np.load(tmp / "y.npy")


@pytest.mark.parametrize("p, axis", [(2, -1), (1, 1), (2, 0)])
def test_lp_normalization(tmp, p, axis):
    x = RNG.standard_normal((6, 40)).astype(np.float32)
    y = compile_and_run(tmp, helper.make_node("LpNormalization", ["x"], ["y"], p=p, axis=axis),
                        x, x.shape)
    ref = x / np.linalg.norm(x.astype(np.float64), ord=p, axis=axis, keepdims=True)
    np.testing.assert_allclose(y, ref, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("p", [1, 2, 3])
def test_global_lp_pool(tmp, p):
    x = RNG.standard_normal((2, 3, 7, 9)).astype(np.float32)
    y = compile_and_run(tmp, helper.make_node("GlobalLpPool", ["x"], ["y"], p=p), x,
                        (2, 3, 1, 1))
    ref = (np.abs(x.astype(np.float64)) ** p).sum(axis=(2, 3), keepdims=True) ** (1.0 / p)
    np.testing.assert_allclose(y, ref, rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("p", [1, 2, 3])
def test_lp_pool_with_pads_and_strides(tmp, p):
    x = RNG.standard_normal((1, 2, 9, 8)).astype(np.float32)
    node = helper.make_node("LpPool", ["x"], ["y"], p=p, kernel_shape=[3, 2], strides=[2, 2],
                            pads=[1, 0, 1, 1])
    y = compile_and_run(tmp, node, x, (1, 2, 5, 4))
    padded = np.pad(np.abs(x.astype(np.float64)) ** p, ((0, 0), (0, 0), (1, 1), (0, 1)))
    ref = np.zeros((1, 2, 5, 4))
    for i in range(5):
        for j in range(4):
            ref[:, :, i, j] = padded[:, :, 2 * i:2 * i + 3, 2 * j:2 * j + 2].sum(axis=(2, 3))
    np.testing.assert_allclose(y, ref ** (1.0 / p), rtol=1e-4, atol=1e-5)


def test_lp_normalization_of_order_three_is_one_clear_error(tmp):
    x = np.ones((2, 4), np.float32)
    graph = helper.make_graph(
        [helper.make_node("LpNormalization", ["x"], ["y"], p=3, name="embed_norm")], "lp",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, list(x.shape))],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, list(x.shape))])
    onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 11)]),
              tmp / "bad.onnx")
    proc = run(["tt-compile", tmp / "bad.onnx", "-o", tmp / "bad.ttb"], check=False)
    assert_clean_failure(proc, "embed_norm", "p must be 1 or 2, got 3")
    assert not (tmp / "bad.ttb").exists()
