"""Softmax rows too long for its kernel to hold in L1 (a language model's logits over its
vocabulary) stream through a max reduction, exp, a sum reduction and a scale instead, and give
the numbers of numpy's softmax in float64."""
import numpy as np
import onnx
import pytest
from onnx import TensorProto, helper

from conftest import run


def softmax_model(path, op, shape):
    graph = helper.make_graph(
        [helper.make_node(op, ["x"], ["y"], name="sm", axis=-1)], "sm",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, list(shape))],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, list(shape))])
    onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)]), path)


def reference(op, x):
    x = x.astype(np.float64)
    shifted = x - x.max(axis=-1, keepdims=True)
    log_sum = np.log(np.exp(shifted).sum(axis=-1, keepdims=True))
    return shifted - log_sum if op == "LogSoftmax" else np.exp(shifted - log_sum)


def compile_and_run(tmp, x, *flags):
    np.save(tmp / "x.npy", x)
    run(["tt-compile", tmp / "sm.onnx", "-o", tmp / "sm.ttb", *flags])
    dispatches = run(["tt-translate", "--dump-ttb", tmp / "sm.ttb"]).stdout
    run(["tt-run", tmp / "sm.ttb", f"--input=@{tmp / 'x.npy'}", f"--output=@{tmp / 'y.npy'}",
         "--quiet"])
    return dispatches, np.load(tmp / "y.npy")


@pytest.mark.parametrize("op", ["Softmax", "LogSoftmax"])
def test_small_l1_budget_streams_the_row(tmp, op):
    """64 KiB of L1 cannot hold a row of 2000 values twice: the row is streamed, and the result
    matches both numpy and the kernel that holds the row."""
    shape = (5, 2000)
    softmax_model(tmp / "sm.onnx", op, shape)
    x = np.random.default_rng(0).standard_normal(shape).astype(np.float32) * 4
    held, y_held = compile_and_run(tmp, x, "--precision=fp32")
    streamed, y = compile_and_run(tmp, x, "--precision=fp32", "--l1-budget=65536")
    assert '"name": "softmax_0"' in held and "reduce_max" not in held
    assert "softmax" not in streamed and '"name": "reduce_max_0"' in streamed
    np.testing.assert_allclose(y, reference(op, x), rtol=1e-4, atol=1e-6)
    np.testing.assert_allclose(y, y_held, rtol=1e-4, atol=1e-6)


@pytest.mark.parametrize("precision", ["fp32", "bf16"])
def test_vocabulary_sized_row_compiles_without_a_budget(tmp, precision):
    """A row of 50257 logits (GPT-2's vocabulary) needs more L1 than a core has: it compiles and
    runs with no option given. (In bf16 the sum of 50257 exponentials accumulates in bf16 Dst,
    which loses the small ones: only the ranking and shape of the row are checked there.)"""
    shape = (2, 50257)
    softmax_model(tmp / "sm.onnx", "Softmax", shape)
    x = np.random.default_rng(1).standard_normal(shape).astype(np.float32) * 3
    dispatches, y = compile_and_run(tmp, x, f"--precision={precision}")
    # The streamed row's sum, perhaps with its exp fused in ("exp+reduce_sum_3").
    assert 'reduce_sum_' in dispatches and "softmax" not in dispatches
    ref = reference("Softmax", x)
    if precision == "fp32":
        np.testing.assert_allclose(y, ref, rtol=1e-3, atol=1e-8)
    else:
        assert float(np.corrcoef(y.ravel(), ref.ravel())[0, 1]) >= 0.999
