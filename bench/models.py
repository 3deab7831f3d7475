"""ONNX models for the roofline benchmarks: one MatMul (alone, or between two ops that keep its
operands in L1), ResNet-50 v1.5 and MobileNetV2.

The networks follow torchvision's topologies layer for layer, with seeded random weights in place
of trained ones: the simulated time depends only on the shapes, and He-scaled convolutions with
near-identity BatchNorms keep the activations O(1) so bf16 stays meaningful. Every builder returns
(model, input_name, input_shape).
"""
import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

OPSET = 13


def _finish(nodes, inits, name, input_shape, output, output_shape):
    graph = helper.make_graph(
        nodes, name, [helper.make_tensor_value_info("input", TensorProto.FLOAT, input_shape)],
        [helper.make_tensor_value_info(output, TensorProto.FLOAT, output_shape)],
        initializer=inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)],
                              producer_name="tessel.bench")
    onnx.checker.check_model(model)
    return model, "input", list(input_shape)


def matmul(m, k, n, seed=0):
    """y[m,n] = x[m,k] @ w[k,n] with w an initializer."""
    rng = np.random.default_rng(seed)
    w = (rng.standard_normal((k, n)) / np.sqrt(k)).astype(np.float32)
    nodes = [helper.make_node("MatMul", ["input", "w"], ["y"], name="matmul")]
    return _finish(nodes, [numpy_helper.from_array(w, "w")], f"matmul_{m}x{k}x{n}", [m, k],
                   "y", [m, n])


def matmul_in_l1(m, k, n, seed=0):
    """|x| @ w, then | |: the MatMul's lhs is made on the chip and its product used there, so
    that both stay in L1 between the ops, as tt-metal's hand-tuned matmul runs keep in0 and the
    output sharded in L1 (its GEMM_FLOPS tech report); the weight comes from DRAM."""
    rng = np.random.default_rng(seed)
    w = (rng.standard_normal((k, n)) / np.sqrt(k)).astype(np.float32)
    nodes = [helper.make_node("Abs", ["input"], ["a"], name="lhs"),
             helper.make_node("MatMul", ["a", "w"], ["p"], name="matmul"),
             helper.make_node("Abs", ["p"], ["y"], name="product")]
    return _finish(nodes, [numpy_helper.from_array(w, "w")], f"matmul_in_l1_{m}x{k}x{n}",
                   [m, k], "y", [m, n])


class _Builder:
    """Accumulates nodes and initializers; each method returns the name of its output."""

    def __init__(self, seed):
        self.rng = np.random.default_rng(seed)
        self.nodes, self.inits = [], []
        self.clip_bounds = False

    def _init(self, name, array):
        self.inits.append(numpy_helper.from_array(array.astype(np.float32), name))
        return name

    def _node(self, op, inputs, name, **attrs):
        self.nodes.append(helper.make_node(op, inputs, [name], name=name, **attrs))
        return name

    def conv_bn(self, x, cin, cout, kernel, stride, name, group=1, gamma=1.0):
        """Conv without bias, then BatchNormalization, as torchvision exports them.

        BatchNorm with fixed statistics is an affine map, not a normalization, so every residual
        add would double the variance (ResNet-50's logits would reach ~1e3). The last BatchNorm of
        a residual branch takes gamma ~ 1/sqrt(residual adds), as Fixup-style inits do, to keep
        the sum O(1)."""
        fan_in = cin // group * kernel * kernel
        w = self.rng.standard_normal((cout, cin // group, kernel, kernel)) * np.sqrt(2 / fan_in)
        pad = kernel // 2
        y = self._node("Conv", [x, self._init(f"{name}.weight", w)], name, kernel_shape=[kernel] * 2,
                       strides=[stride] * 2, pads=[pad] * 4, group=group)
        bn = [self._init(f"{name}.bn.{k}", v) for k, v in [
            ("scale", gamma * (1 + 0.1 * self.rng.standard_normal(cout))),
            ("bias", 0.05 * self.rng.standard_normal(cout)),
            ("mean", 0.05 * self.rng.standard_normal(cout)),
            ("var", 1 + 0.1 * np.abs(self.rng.standard_normal(cout)))]]
        return self._node("BatchNormalization", [y, *bn], f"{name}.bn")

    def relu(self, x):
        return self._node("Relu", [x], f"{x}.relu")

    def relu6(self, x):
        if not self.clip_bounds:  # opset 13's Clip takes its bounds as inputs
            self._init("clip.min", np.array(0.0))
            self._init("clip.max", np.array(6.0))
            self.clip_bounds = True
        return self._node("Clip", [x, "clip.min", "clip.max"], f"{x}.relu6")

    def head(self, x, channels, classes):
        """GlobalAveragePool, Flatten, then a Gemm with a [classes, channels] weight (transB)."""
        g = self._node("Flatten", [self._node("GlobalAveragePool", [x], "avgpool")], "flatten")
        w = self.rng.standard_normal((classes, channels)) / np.sqrt(channels)
        b = 0.01 * self.rng.standard_normal(classes)
        return self._node("Gemm", [g, self._init("fc.weight", w), self._init("fc.bias", b)],
                          "logits", transB=1)


def resnet50(batch, seed=0):
    """torchvision's resnet50 (v1.5: the stride sits on each bottleneck's 3x3 conv)."""
    b = _Builder(seed)
    x = b.relu(b.conv_bn("input", 3, 64, 7, 2, "conv1"))
    x = b._node("MaxPool", [x], "maxpool", kernel_shape=[3, 3], strides=[2, 2], pads=[1] * 4)
    cin = 64
    for stage, (width, blocks) in enumerate(zip([64, 128, 256, 512], [3, 4, 6, 3]), start=1):
        for i in range(blocks):
            stride = 2 if stage > 1 and i == 0 else 1
            name, cout = f"layer{stage}.{i}", width * 4
            y = b.relu(b.conv_bn(x, cin, width, 1, 1, f"{name}.conv1"))
            y = b.relu(b.conv_bn(y, width, width, 3, stride, f"{name}.conv2"))
            y = b.conv_bn(y, width, cout, 1, 1, f"{name}.conv3", gamma=16 ** -0.5)
            if i == 0:
                x = b.conv_bn(x, cin, cout, 1, stride, f"{name}.downsample")
            x = b.relu(b._node("Add", [y, x], f"{name}.add"))
            cin = cout
    out = b.head(x, 2048, 1000)
    return _finish(b.nodes, b.inits, "resnet50", [batch, 3, 224, 224], out, [batch, 1000])


# torchvision's inverted residual settings: expansion t, output channels c, repeats n, stride s
MOBILENETV2_SETTINGS = [(1, 16, 1, 1), (6, 24, 2, 2), (6, 32, 3, 2), (6, 64, 4, 2),
                        (6, 96, 3, 1), (6, 160, 3, 2), (6, 320, 1, 1)]


def mobilenetv2(batch, size=224, seed=0):
    """torchvision's mobilenet_v2 (width 1.0) without the dropout before the classifier."""
    b = _Builder(seed)
    x = b.relu6(b.conv_bn("input", 3, 32, 3, 2, "features.0"))
    cin, index = 32, 1
    for t, c, n, s in MOBILENETV2_SETTINGS:
        for i in range(n):
            stride, name, hidden = s if i == 0 else 1, f"features.{index}", cin * t
            y = x
            if t != 1:
                y = b.relu6(b.conv_bn(y, cin, hidden, 1, 1, f"{name}.expand"))
            y = b.relu6(b.conv_bn(y, hidden, hidden, 3, stride, f"{name}.dw", group=hidden))
            residual = stride == 1 and cin == c
            y = b.conv_bn(y, hidden, c, 1, 1, f"{name}.project", gamma=10 ** -0.5 if residual else 1)
            x = b._node("Add", [x, y], f"{name}.add") if residual else y
            cin, index = c, index + 1
    x = b.relu6(b.conv_bn(x, cin, 1280, 1, 1, f"features.{index}"))
    out = b.head(x, 1280, 1000)
    return _finish(b.nodes, b.inits, "mobilenetv2", [batch, 3, size, size], out, [batch, 1000])


class _Transformer:
    """Nodes of a transformer layer as PyTorch's exporter writes them, over the initializers
    `inits` (names to arrays): LayerNorm spelled out, linear layers as MatMul and Add, heads split
    by Reshape (to `heads_shape`) and Transpose."""

    def __init__(self, inits):
        self.inits = [numpy_helper.from_array(a, n) for n, a in inits.items()]
        self.nodes = []

    def node(self, op, ins, out, **attrs):
        self.nodes.append(helper.make_node(op, ins, [out], name=out, **attrs))
        return out

    def layernorm(self, x, g, b, tag):
        mean = self.node("ReduceMean", [x], f"{tag}_mean", axes=[-1])
        d = self.node("Sub", [x, mean], f"{tag}_sub")
        var = self.node("ReduceMean", [self.node("Pow", [d, "two"], f"{tag}_pow")], f"{tag}_var",
                        axes=[-1])
        std = self.node("Sqrt", [self.node("Add", [var, "eps"], f"{tag}_addeps")], f"{tag}_sqrt")
        n = self.node("Div", [d, std], f"{tag}_div")
        return self.node("Add", [self.node("Mul", [n, g], f"{tag}_mul"), b], f"{tag}_out")

    def linear(self, x, wn, bn, tag):
        return self.node("Add", [self.node("MatMul", [x, wn], f"{tag}_mm"), bn], f"{tag}_add")

    def heads_of(self, t, tag, perm):
        return self.node("Transpose", [self.node("Reshape", [t, "heads_shape"], f"{tag}_split")],
                         f"{tag}_heads", perm=perm)

    def merged(self, context):
        return self.node("Reshape", [self.node("Transpose", [context], "merge_t",
                                               perm=[0, 2, 1, 3]), "model_shape"], "merged")


def _layer_weights(rng, hidden, ff):
    f32 = lambda *s, scale=1.0: (rng.standard_normal(s) * scale).astype(np.float32)  # noqa: E731
    w = {n: f32(hidden, hidden, scale=hidden ** -0.5) for n in ("wq", "wk", "wv", "wo")}
    w.update({"w1": f32(hidden, ff, scale=hidden ** -0.5), "w2": f32(ff, hidden, scale=ff ** -0.5)})
    w.update({n: f32(hidden, scale=0.1) for n in ("bq", "bk", "bv", "bo", "b2", "be1", "be2")})
    w.update({n: 1 + f32(hidden, scale=0.1) for n in ("g1", "g2")})
    w["b1"] = f32(ff, scale=0.1)
    return w


def bert_layer(batch=8, seq=384, hidden=1024, heads=16, seed=0):
    """One BERT encoder layer (post-norm) as PyTorch's exporter writes it: Q, K and V
    projections split into heads by Reshape and Transpose, scores divided by sqrt(head dim), a
    softmax, the context merged back, the output projection and residual, LayerNorm spelled
    out (ReduceMean, Sub, Pow, Sqrt, Div, Mul, Add), an erf GELU MLP of 4 x hidden, residual
    and LayerNorm again."""
    dh = hidden // heads
    consts = {"two": np.array(2.0, np.float32), "eps": np.array(1e-12, np.float32),
              "sqrt_dh": np.array(np.sqrt(dh), np.float32),
              "sqrt2": np.array(np.sqrt(2.0), np.float32), "one": np.array(1.0, np.float32),
              "half": np.array(0.5, np.float32),
              "heads_shape": np.array([batch, seq, heads, dh], np.int64),
              "model_shape": np.array([batch, seq, hidden], np.int64)}
    t = _Transformer({**_layer_weights(np.random.default_rng(seed), hidden, 4 * hidden), **consts})
    q = t.heads_of(t.linear("input", "wq", "bq", "q"), "q", [0, 2, 1, 3])
    k = t.heads_of(t.linear("input", "wk", "bk", "k"), "k", [0, 2, 3, 1])
    v = t.heads_of(t.linear("input", "wv", "bv", "v"), "v", [0, 2, 1, 3])
    scores = t.node("Div", [t.node("MatMul", [q, k], "scores"), "sqrt_dh"], "scaled")
    ctx = t.node("MatMul", [t.node("Softmax", [scores], "probs", axis=-1), v], "context")
    x1 = t.layernorm(t.node("Add", ["input", t.linear(t.merged(ctx), "wo", "bo", "o")], "resid1"),
                     "g1", "be1", "ln1")
    h = t.linear(x1, "w1", "b1", "ff1")
    erf = t.node("Erf", [t.node("Div", [h, "sqrt2"], "gelu_div")], "gelu_erf")
    gelu = t.node("Mul", [t.node("Mul", [h, t.node("Add", [erf, "one"], "gelu_add")], "gelu_mul"),
                          "half"], "gelu")
    out = t.layernorm(t.node("Add", [x1, t.linear(gelu, "w2", "b2", "ff2")], "resid2"),
                      "g2", "be2", "ln2")
    return _finish(t.nodes, t.inits, "bert_layer", [batch, seq, hidden], out,
                   [batch, seq, hidden])


def attention(batch=1, heads=16, seq=2048, head_dim=64):
    """Self-attention alone, as exporters write its core: softmax(x x^T / sqrt(head dim)) x
    over [batch, heads, seq, head dim], the keys transposed by a Transpose."""
    consts = [numpy_helper.from_array(np.array(np.sqrt(head_dim), np.float32), "sqrt_dh")]
    nodes = [helper.make_node("Transpose", ["input"], ["kt"], name="kt", perm=[0, 1, 3, 2]),
             helper.make_node("MatMul", ["input", "kt"], ["scores"], name="scores"),
             helper.make_node("Div", ["scores", "sqrt_dh"], ["scaled"], name="scaled"),
             helper.make_node("Softmax", ["scaled"], ["probs"], name="probs", axis=-1),
             helper.make_node("MatMul", ["probs", "input"], ["context"], name="context")]
    shape = [batch, heads, seq, head_dim]
    return _finish(nodes, consts, "attention", shape, "context", shape)


def gpt_block(batch=1, seq=1024, hidden=768, heads=12, seed=0):
    """One GPT-2 decoder block (pre-norm) as exporters write it: LayerNorm spelled out, Q, K and
    V projections split into heads by Reshape and Transpose, scores over sqrt(head dim), the
    causal mask as a Where on a lower-triangular constant that fills hidden scores with a very
    negative value, softmax, the context merged back, the output projection and residual, then
    LayerNorm, a tanh-GELU MLP of 4 x hidden and the residual."""
    dh = hidden // heads
    consts = {"two": np.array(2.0, np.float32), "three": np.array(3.0, np.float32),
              "eps": np.array(1e-5, np.float32), "sqrt_dh": np.array(np.sqrt(dh), np.float32),
              "fill": np.array(-3.4e38, np.float32), "one": np.array(1.0, np.float32),
              "half": np.array(0.5, np.float32), "c0": np.array(0.044715, np.float32),
              "c1": np.array(np.sqrt(2 / np.pi), np.float32),
              "causal": np.tril(np.ones((1, 1, seq, seq), bool)),
              "heads_shape": np.array([batch, seq, heads, dh], np.int64),
              "model_shape": np.array([batch, seq, hidden], np.int64)}
    t = _Transformer({**_layer_weights(np.random.default_rng(seed), hidden, 4 * hidden), **consts})
    y = t.layernorm("input", "g1", "be1", "ln1")
    q = t.heads_of(t.linear(y, "wq", "bq", "q"), "q", [0, 2, 1, 3])
    k = t.heads_of(t.linear(y, "wk", "bk", "k"), "k", [0, 2, 3, 1])
    v = t.heads_of(t.linear(y, "wv", "bv", "v"), "v", [0, 2, 1, 3])
    scores = t.node("Div", [t.node("MatMul", [q, k], "scores"), "sqrt_dh"], "scaled")
    masked = t.node("Where", ["causal", scores, "fill"], "masked")
    ctx = t.node("MatMul", [t.node("Softmax", [masked], "probs", axis=-1), v], "context")
    x1 = t.node("Add", ["input", t.linear(t.merged(ctx), "wo", "bo", "o")], "resid1")
    h = t.linear(t.layernorm(x1, "g2", "be2", "ln2"), "w1", "b1", "fc")
    cube = t.node("Mul", [t.node("Pow", [h, "three"], "gelu_cube"), "c0"], "gelu_c0")
    inner = t.node("Mul", [t.node("Add", [h, cube], "gelu_inner"), "c1"], "gelu_scale")
    tanh = t.node("Tanh", [inner], "gelu_tanh")
    gelu = t.node("Mul", [t.node("Mul", ["half", h], "gelu_half"),
                          t.node("Add", ["one", tanh], "gelu_one")], "gelu")
    out = t.node("Add", [x1, t.linear(gelu, "w2", "b2", "proj")], "resid2")
    return _finish(t.nodes, t.inits, "gpt_block", [batch, seq, hidden], out,
                   [batch, seq, hidden])


def llama_decode_layer(batch=32, hidden=4096, heads=32, kv_heads=8, ff=14336, context=128,
                       seed=0):
    """One Llama-3-8B-shaped decoder layer at decode: `batch` users each bring one token and a
    KV cache of `context - 1` earlier positions (inputs past_k, past_v: [batch, kv heads, context
    - 1, head dim]). RMSNorm spelled out (Pow, ReduceMean, Add, Sqrt, Div, Mul), grouped QKV in
    one projection (heads + 2 x kv heads), the new key and value appended to the cache by Concat,
    each KV head shared by heads / kv_heads query heads through a Reshape, a softmax over the
    context, the output projection and residual, then RMSNorm and the SiLU-gated MLP (gate and up
    projections, Sigmoid and two Muls, the down projection) and the residual. No rotary
    embedding: it does not change the bytes a decode step moves."""
    dh, group = hidden // heads, heads // kv_heads
    rng = np.random.default_rng(seed)
    f32 = lambda *s, scale=1.0: (rng.standard_normal(s) * scale).astype(np.float32)  # noqa: E731
    qkv = hidden + 2 * kv_heads * dh
    inits = {"wqkv": f32(hidden, qkv, scale=hidden ** -0.5), "wo": f32(hidden, hidden,
                                                                   scale=hidden ** -0.5),
             "wg": f32(hidden, ff, scale=hidden ** -0.5), "wu": f32(hidden, ff,
                                                                  scale=hidden ** -0.5),
             "wd": f32(ff, hidden, scale=ff ** -0.5),
             "g1": 1 + f32(hidden, scale=0.1), "g2": 1 + f32(hidden, scale=0.1),
             "two": np.array(2.0, np.float32), "eps": np.array(1e-5, np.float32),
             "sqrt_dh": np.array(np.sqrt(dh), np.float32),
             "split": np.array([hidden, kv_heads * dh, kv_heads * dh], np.int64),
             "q_shape": np.array([batch, kv_heads, group, dh], np.int64),
             "kv_shape": np.array([batch, kv_heads, 1, dh], np.int64),
             "model_shape": np.array([batch, hidden], np.int64)}
    t = _Transformer(inits)

    def rmsnorm(x, g, tag):
        ms = t.node("ReduceMean", [t.node("Pow", [x, "two"], f"{tag}_pow")], f"{tag}_ms", axes=[-1])
        rms = t.node("Sqrt", [t.node("Add", [ms, "eps"], f"{tag}_addeps")], f"{tag}_rms")
        return t.node("Mul", [t.node("Div", [x, rms], f"{tag}_div"), g], f"{tag}_out")

    h = t.node("MatMul", [rmsnorm("input", "g1", "norm1"), "wqkv"], "qkv")
    t.nodes.append(helper.make_node("Split", [h, "split"], ["q", "k", "v"], name="qkv_split",
                                    axis=-1))
    q = t.node("Reshape", ["q", "q_shape"], "q_heads")
    k = t.node("Concat", ["past_k", t.node("Reshape", ["k", "kv_shape"], "k_heads")], "keys",
               axis=2)
    v = t.node("Concat", ["past_v", t.node("Reshape", ["v", "kv_shape"], "v_heads")], "values",
               axis=2)
    kt = t.node("Transpose", [k], "keys_t", perm=[0, 1, 3, 2])
    scores = t.node("Div", [t.node("MatMul", [q, kt], "scores"), "sqrt_dh"], "scaled")
    ctx = t.node("MatMul", [t.node("Softmax", [scores], "probs", axis=-1), v], "context")
    attn = t.node("MatMul", [t.node("Reshape", [ctx, "model_shape"], "merged"), "wo"], "o_proj")
    x1 = t.node("Add", ["input", attn], "resid1")
    y = rmsnorm(x1, "g2", "norm2")
    gate = t.node("MatMul", [y, "wg"], "gate")
    silu = t.node("Mul", [gate, t.node("Sigmoid", [gate], "gate_sigmoid")], "gate_silu")
    up = t.node("Mul", [silu, t.node("MatMul", [y, "wu"], "up")], "gated")
    out = t.node("Add", [x1, t.node("MatMul", [up, "wd"], "down")], "resid2")
    past = [batch, kv_heads, context - 1, dh]
    graph = helper.make_graph(
        t.nodes, "llama_decode_layer",
        [helper.make_tensor_value_info("input", TensorProto.FLOAT, [batch, hidden]),
         helper.make_tensor_value_info("past_k", TensorProto.FLOAT, past),
         helper.make_tensor_value_info("past_v", TensorProto.FLOAT, past)],
        [helper.make_tensor_value_info(out, TensorProto.FLOAT, [batch, hidden])],
        initializer=t.inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)],
                              producer_name="tessel.bench")
    onnx.checker.check_model(model)
    return model, "input", [batch, hidden]


def sparse_matmul(m, k, n, zero, seed=0, balanced=False):
    """y[m,n] = x[m,k] @ w[k,n], with a seeded random share `zero` of w's 32x32 tiles zero; with
    `balanced`, exactly that share of every tile column (random rows), so that every core of a
    column-split grid multiplies as many tiles as the others."""
    model, name, shape = matmul(m, k, n, seed)
    rng = np.random.default_rng(seed + 1)
    w = numpy_helper.to_array(model.graph.initializer[0]).copy()
    if balanced:
        zeros = round(zero * (k // 32))
        mask = np.stack([rng.permutation(k // 32) < zeros for _ in range(n // 32)], axis=1)
    else:
        mask = rng.random((k // 32, n // 32)) < zero
    w.reshape(k // 32, 32, n // 32, 32)[:] *= ~mask[:, None, :, None]
    model.graph.initializer[0].CopyFrom(numpy_helper.from_array(w, "w"))
    return model, name, shape


def relu_mlp(m, d, f, dead, seed=0):
    """x[m, d] -> fc1 (d -> f) + bias -> ReLU -> fc2 (f -> d), the bias of a seeded random share
    `dead` of fc1's 32-column blocks far below zero: those columns of the ReLU's output (fc2's
    lhs) are all-zero tiles whatever the input, as a network's dead units leave them."""
    rng = np.random.default_rng(seed)
    w1 = (rng.standard_normal((d, f)) / np.sqrt(d)).astype(np.float32)
    w2 = (rng.standard_normal((f, d)) / np.sqrt(f)).astype(np.float32)
    b1 = np.zeros(f, np.float32)
    b1.reshape(f // 32, 32)[rng.random(f // 32) < dead] = -1e4
    nodes = [helper.make_node("MatMul", ["input", "w1"], ["m"], name="fc1"),
             helper.make_node("Add", ["m", "b1"], ["a"], name="fc1_bias"),
             helper.make_node("Relu", ["a"], ["h"], name="relu"),
             helper.make_node("MatMul", ["h", "w2"], ["y"], name="fc2")]
    inits = [numpy_helper.from_array(v, k) for k, v in {"w1": w1, "b1": b1, "w2": w2}.items()]
    return _finish(nodes, inits, "relu_mlp", [m, d], "y", [m, d])
