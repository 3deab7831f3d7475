"""Builds ONNX models in the shape of real exports, with numpy references.

Every builder returns (model, reference) where reference(inputs) -> outputs computes the same
function in float64 numpy, independently of the compiler.
"""
import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper


def _softmax(x, axis=-1):
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def mlp(batch=32, width=1024, seed=0):
    """A 3-layer MLP: MatMul+Add+Relu, Gemm(transB)+Relu, MatMul+Add, then Softmax."""
    rng = np.random.default_rng(seed)
    scale = 1.0 / np.sqrt(width)
    w1 = (rng.standard_normal((width, width)) * scale).astype(np.float32)
    b1 = (rng.standard_normal(width) * 0.1).astype(np.float32)
    w2t = (rng.standard_normal((width, width)) * scale).astype(np.float32)  # Gemm stores B^T
    b2 = (rng.standard_normal(width) * 0.1).astype(np.float32)
    w3 = (rng.standard_normal((width, width)) * scale).astype(np.float32)
    b3 = (rng.standard_normal(width) * 0.1).astype(np.float32)
    inits = [numpy_helper.from_array(a, n) for a, n in
             [(w1, "w1"), (b1, "b1"), (w2t, "w2t"), (b2, "b2"), (w3, "w3"), (b3, "b3")]]
    nodes = [
        helper.make_node("MatMul", ["x", "w1"], ["h1m"], name="fc1/MatMul"),
        helper.make_node("Add", ["h1m", "b1"], ["h1a"], name="fc1/Add"),
        helper.make_node("Relu", ["h1a"], ["h1"], name="fc1/Relu"),
        helper.make_node("Gemm", ["h1", "w2t", "b2"], ["h2g"], name="fc2/Gemm", transB=1),
        helper.make_node("Relu", ["h2g"], ["h2"], name="fc2/Relu"),
        helper.make_node("MatMul", ["h2", "w3"], ["h3m"], name="fc3/MatMul"),
        helper.make_node("Add", ["h3m", "b3"], ["logits"], name="fc3/Add"),
        helper.make_node("Softmax", ["logits"], ["probs"], name="head/Softmax", axis=-1),
    ]
    graph = helper.make_graph(
        nodes, "mlp",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [batch, width])],
        [helper.make_tensor_value_info("probs", TensorProto.FLOAT, [batch, width])],
        initializer=inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)],
                              producer_name="tessel.models")
    onnx.checker.check_model(model)

    def reference(x):
        x = x.astype(np.float64)
        h1 = np.maximum(x @ w1 + b1, 0)
        h2 = np.maximum(h1 @ w2t.T + b2, 0)
        return [_softmax(h2 @ w3 + b3)]

    return model, reference


def pcc(a, b):
    """Pearson correlation of two arrays, flattened."""
    a = np.asarray(a, np.float64).ravel()
    b = np.asarray(b, np.float64).ravel()
    return float(np.corrcoef(a, b)[0, 1])
