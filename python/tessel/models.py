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


def _conv2d(x, w, b, pad):
    n, c, h, wd = x.shape
    m, _, kh, kw = w.shape
    xp = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    out = np.zeros((n, m, h + 2 * pad - kh + 1, wd + 2 * pad - kw + 1))
    for i in range(kh):
        for j in range(kw):
            patch = xp[:, :, i:i + out.shape[2], j:j + out.shape[3]]
            out += np.einsum("nchw,mc->nmhw", patch, w[:, :, i, j])
    return out + b[None, :, None, None]


def cnn(batch=1, size=32, seed=0):
    """A small CNN: Conv+BatchNorm+Relu, MaxPool, Conv+BatchNorm+HardSwish, GlobalAveragePool,
    Flatten, Gemm."""
    rng = np.random.default_rng(seed)
    f32 = lambda *s, scale=1.0: (rng.standard_normal(s) * scale).astype(np.float32)  # noqa: E731
    w1, b1 = f32(16, 3, 3, 3, scale=0.3), f32(16, scale=0.1)
    w2, b2 = f32(32, 16, 3, 3, scale=0.1), f32(32, scale=0.1)
    bn = [(f32(c, scale=0.2) + 1, f32(c, scale=0.1), f32(c, scale=0.1),
           np.abs(f32(c)) + 0.5) for c in (16, 32)]
    fc, fcb = f32(10, 32, scale=0.2), f32(10, scale=0.1)
    inits = [numpy_helper.from_array(a, n) for a, n in
             [(w1, "w1"), (b1, "b1"), (w2, "w2"), (b2, "b2"), (fc, "fc"), (fcb, "fcb")]]
    for i, (s, b, m, v) in enumerate(bn):
        inits += [numpy_helper.from_array(a, f"bn{i}_{k}") for a, k in
                  [(s, "scale"), (b, "bias"), (m, "mean"), (v, "var")]]
    bnin = lambda i: [f"bn{i}_scale", f"bn{i}_bias", f"bn{i}_mean", f"bn{i}_var"]  # noqa: E731
    nodes = [
        helper.make_node("Conv", ["x", "w1", "b1"], ["c1"], name="conv1", pads=[1, 1, 1, 1]),
        helper.make_node("BatchNormalization", ["c1", *bnin(0)], ["n1"], name="bn1"),
        helper.make_node("Relu", ["n1"], ["r1"], name="relu1"),
        helper.make_node("MaxPool", ["r1"], ["p1"], name="pool1", kernel_shape=[2, 2], strides=[2, 2]),
        helper.make_node("Conv", ["p1", "w2", "b2"], ["c2"], name="conv2", pads=[1, 1, 1, 1]),
        helper.make_node("BatchNormalization", ["c2", *bnin(1)], ["n2"], name="bn2"),
        helper.make_node("HardSwish", ["n2"], ["h2"], name="hswish2"),
        helper.make_node("GlobalAveragePool", ["h2"], ["g"], name="gap"),
        helper.make_node("Flatten", ["g"], ["f"], name="flatten"),
        helper.make_node("Gemm", ["f", "fc", "fcb"], ["logits"], name="fc", transB=1),
    ]
    graph = helper.make_graph(
        nodes, "cnn", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [batch, 3, size, size])],
        [helper.make_tensor_value_info("logits", TensorProto.FLOAT, [batch, 10])], initializer=inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 14)],
                              producer_name="tessel.models")
    onnx.checker.check_model(model)

    def reference(x):
        def bnorm(y, p):
            s, b, m, v = (a.astype(np.float64)[None, :, None, None] for a in p)
            return (y - m) / np.sqrt(v + 1e-5) * s + b
        y = np.maximum(bnorm(_conv2d(x.astype(np.float64), w1, b1, 1), bn[0]), 0)
        n, c, h, w = y.shape
        y = y.reshape(n, c, h // 2, 2, w // 2, 2).max(axis=(3, 5))
        y = bnorm(_conv2d(y, w2, b2, 1), bn[1])
        y = y * np.clip(y / 6 + 0.5, 0, 1)
        return [y.mean(axis=(2, 3)) @ fc.T.astype(np.float64) + fcb]

    return model, reference


def transformer_block(seq=64, dim=64, heads=4, seed=0):
    """A pre-norm transformer encoder block as exporters write it: LayerNorm spelled out as
    ReduceMean/Sub/Pow/Sqrt/Div, multi-head attention with Reshape/Transpose, a Relu MLP."""
    rng = np.random.default_rng(seed)
    f32 = lambda *s, scale=1.0: (rng.standard_normal(s) * scale).astype(np.float32)  # noqa: E731
    dh = dim // heads
    p = {n: f32(dim, dim, scale=dim ** -0.5) for n in ("wq", "wk", "wv", "wo")}
    p.update({n: f32(dim, scale=0.1) for n in ("bq", "bk", "bv", "bo", "g1", "be1", "g2", "be2", "b2")})
    p["w1"], p["b1"], p["w2"] = f32(dim, 4 * dim, scale=dim ** -0.5), f32(4 * dim, scale=0.1), \
        f32(4 * dim, dim, scale=(4 * dim) ** -0.5)
    consts = {"two": np.array(2.0, np.float32), "eps": np.array(1e-5, np.float32),
              "scale": np.array(1 / np.sqrt(dh), np.float32),
              "heads_shape": np.array([1, seq, heads, dh], np.int64),
              "model_shape": np.array([1, seq, dim], np.int64)}
    inits = [numpy_helper.from_array(a, n) for n, a in {**p, **consts}.items()]
    nodes = []

    def node(op, ins, out, **attrs):
        nodes.append(helper.make_node(op, ins, [out], name=out, **attrs))
        return out

    def layernorm(x, g, b, tag):
        mean = node("ReduceMean", [x], f"{tag}_mean", axes=[-1])
        d = node("Sub", [x, mean], f"{tag}_sub")
        var = node("ReduceMean", [node("Pow", [d, "two"], f"{tag}_pow")], f"{tag}_var", axes=[-1])
        std = node("Sqrt", [node("Add", [var, "eps"], f"{tag}_addeps")], f"{tag}_sqrt")
        n = node("Div", [d, std], f"{tag}_div")
        return node("Add", [node("Mul", [n, g], f"{tag}_mul"), b], f"{tag}_out")

    def linear(x, w, b, tag):
        return node("Add", [node("MatMul", [x, w], f"{tag}_mm"), b], f"{tag}_add")

    y = layernorm("x", "g1", "be1", "ln1")
    heads_of = lambda t, tag, perm: node(  # noqa: E731
        "Transpose", [node("Reshape", [t, "heads_shape"], f"{tag}_split")], f"{tag}_heads", perm=perm)
    q = heads_of(linear(y, "wq", "bq", "q"), "q", [0, 2, 1, 3])
    k = heads_of(linear(y, "wk", "bk", "k"), "k", [0, 2, 3, 1])
    v = heads_of(linear(y, "wv", "bv", "v"), "v", [0, 2, 1, 3])
    scores = node("Mul", [node("MatMul", [q, k], "scores"), "scale"], "scaled")
    probs = node("Softmax", [scores], "probs", axis=-1)
    ctx = node("MatMul", [probs, v], "context")
    merged = node("Reshape", [node("Transpose", [ctx], "merge_t", perm=[0, 2, 1, 3]), "model_shape"],
                  "merged")
    x2 = node("Add", ["x", linear(merged, "wo", "bo", "o")], "resid1")
    h = node("Relu", [linear(layernorm(x2, "g2", "be2", "ln2"), "w1", "b1", "ff1")], "ff_relu")
    out = node("Add", [x2, node("MatMul", [h, "w2"], "ff2_mm")], "ff2_res")
    out = node("Add", [out, "b2"], "y")
    graph = helper.make_graph(
        nodes, "transformer_block",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, seq, dim])],
        [helper.make_tensor_value_info(out, TensorProto.FLOAT, [1, seq, dim])], initializer=inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)],
                              producer_name="tessel.models")
    onnx.checker.check_model(model)
    P = {n: a.astype(np.float64) for n, a in p.items()}

    def reference(x):
        def ln(t, g, b):
            d = t - t.mean(-1, keepdims=True)
            return d / np.sqrt((d ** 2).mean(-1, keepdims=True) + 1e-5) * g + b
        x = x.astype(np.float64)
        y = ln(x, P["g1"], P["be1"])
        split = lambda t: t.reshape(1, seq, heads, dh).transpose(0, 2, 1, 3)  # noqa: E731
        q, k, v = (split(y @ P[w] + P[b]) for w, b in (("wq", "bq"), ("wk", "bk"), ("wv", "bv")))
        a = _softmax(q @ k.transpose(0, 1, 3, 2) / np.sqrt(dh))
        ctx = (a @ v).transpose(0, 2, 1, 3).reshape(1, seq, dim)
        x2 = x + ctx @ P["wo"] + P["bo"]
        h = np.maximum(ln(x2, P["g2"], P["be2"]) @ P["w1"] + P["b1"], 0)
        return [x2 + h @ P["w2"] + P["b2"]]

    return model, reference
