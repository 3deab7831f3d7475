"""Models in the shape of real PyTorch exports, compiled in fp32, run on the simulated chip and
compared with ONNX Runtime's CPU build on the same inputs: a CNN with Resize, a transformer block,
the same block behind token and position embeddings, and a model with a dynamic batch dim.

ONNX Runtime is `onnxruntime-node` from npm, installed into bench/node_modules the way
bench/run.py does it (`npm install --ignore-scripts`) and driven through bench/ort_run.js. Without
node, npm or a working install these tests fail when CI is set and skip otherwise.
"""
import json
import os
import shutil
import subprocess

import numpy as np
import onnx
import pytest
from onnx import TensorProto, helper, numpy_helper

from conftest import SRC, assert_clean_failure, run

BENCH = SRC / "bench"
ORT_RUN = BENCH / "ort_run.js"
OPSET = 14


# ---------------------------------------------------------------------------------------------
# ONNX Runtime (the reference)

def _in_ci():
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def _unavailable(why):
    msg = (f"ONNX Runtime reference unavailable: {why}. Install node and npm, then "
           f"`cd {BENCH} && npm install --ignore-scripts`.")
    if _in_ci():
        pytest.fail(msg, pytrace=False)
    pytest.skip(msg)


@pytest.fixture(scope="module")
def ort():
    """Returns run(model_path, inputs, tmp) -> outputs, computed by ONNX Runtime."""
    node = shutil.which("node")
    if not node:
        _unavailable("`node` is not on PATH")
    if not ORT_RUN.exists():
        _unavailable(f"{ORT_RUN} is missing")
    if not (BENCH / "node_modules" / "onnxruntime-node").exists():
        npm = shutil.which("npm")
        if not npm:
            _unavailable("onnxruntime-node is not installed and `npm` is not on PATH")
        try:  # As bench/run.py's ensure_ort() does.
            proc = subprocess.run([npm, "install", "--ignore-scripts", "--no-audit", "--no-fund",
                                   "--silent"], cwd=BENCH, capture_output=True, text=True,
                                  timeout=600)
        except subprocess.TimeoutExpired:
            _unavailable("`npm install` in bench/ timed out")
        if proc.returncode != 0:
            _unavailable(f"`npm install` in bench/ failed ({proc.returncode}): "
                         f"{proc.stderr.strip()[-2000:]}")
    # The package may be present but unusable (e.g. no prebuilt binary for this platform).
    proc = subprocess.run([node, "-e", "require('onnxruntime-node')"], cwd=BENCH,
                          capture_output=True, text=True, timeout=120)
    if proc.returncode != 0:
        _unavailable(f"onnxruntime-node does not load: {proc.stderr.strip()[-2000:]}")

    def run_ort(model_path, inputs, tmp):
        ins = []
        for i, x in enumerate(inputs):
            ins.append(tmp / f"ort_in{i}.npy")
            x = np.asarray(x)
            dtype = np.int64 if x.dtype.kind in "iu" else np.float32
            np.save(ins[-1], np.ascontiguousarray(x, dtype))
        n_out = len(onnx.load(str(model_path), load_external_data=False).graph.output)
        outs = [tmp / f"ort_out{i}.npy" for i in range(n_out)]
        proc = subprocess.run([node, str(ORT_RUN), str(model_path), "1", "0", *map(str, ins), "--",
                               *map(str, outs)], capture_output=True, text=True, timeout=120)
        assert proc.returncode == 0, f"ONNX Runtime failed on {model_path}:\n{proc.stderr}"
        json.loads(proc.stdout)  # ort_run.js reports its times; a crash would not.
        return [np.load(o) for o in outs]

    return run_ort


def run_tessel(model_path, inputs, tmp, *compile_flags):
    ttb = tmp / "m.ttb"
    run(["tt-compile", model_path, "-o", ttb, "--precision=fp32", *compile_flags])
    args = ["tt-run", ttb, "--quiet"]
    for i, x in enumerate(inputs):
        np.save(tmp / f"tt_in{i}.npy", np.ascontiguousarray(x, np.float32))
        args.append(f"--input=@{tmp / f'tt_in{i}.npy'}")
    n_out = len(onnx.load(str(model_path)).graph.output)
    outs = [tmp / f"tt_out{i}.npy" for i in range(n_out)]
    run(args + [f"--output=@{o}" for o in outs])
    return [np.load(o) for o in outs]


def pcc(a, b):
    a, b = np.asarray(a, np.float64).ravel(), np.asarray(b, np.float64).ravel()
    return float(np.corrcoef(a, b)[0, 1])


def assert_matches(got, want, atol_scale=1e-3, rtol=1e-3):
    assert got.shape == want.shape, f"shape {got.shape} != ONNX Runtime's {want.shape}"
    assert np.isfinite(got).all(), "non-finite values in Tessel's output"
    p = pcc(got, want)
    err = np.abs(got.astype(np.float64) - want).max()
    assert p >= 0.9999, f"PCC {p:.6f} < 0.9999 (max abs err {err:.3g})"
    # Loose: the chip sums in a different order than ONNX Runtime's CPU kernels.
    atol = atol_scale * max(float(np.abs(want).max()), 1e-6)
    np.testing.assert_allclose(got, want, rtol=rtol, atol=atol)


# ---------------------------------------------------------------------------------------------
# Model builders

def _model(nodes, name, inputs, outputs, inits):
    graph = helper.make_graph(nodes, name, inputs, outputs, initializer=inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)],
                              producer_name="pytorch", producer_version="2.1.0")
    onnx.checker.check_model(model, full_check=True)
    return model


def _const(name, value):
    """A Constant node, as torch.onnx.export writes scalars and shapes."""
    return helper.make_node("Constant", [], [name], name=f"/Constant_{name}",
                            value=numpy_helper.from_array(np.asarray(value), name))


def cnn(upsample):
    """Conv+BN+HardSwish, Conv(stride 2)+BN+Relu, Resize 2x, Conv+Relu, GlobalAveragePool, Flatten,
    Gemm: nn.Upsample(scale_factor=2, mode='nearest') or mode='bilinear' (align_corners=False)."""
    rng = np.random.default_rng(11)

    def kaiming(*shape):
        fan_in = int(np.prod(shape[1:]))
        return (rng.standard_normal(shape) * np.sqrt(2.0 / fan_in)).astype(np.float32)

    def bias(n):
        return (rng.uniform(-0.1, 0.1, n)).astype(np.float32)

    def bn(c, tag):
        return {f"{tag}.weight": (1 + 0.1 * rng.standard_normal(c)).astype(np.float32),
                f"{tag}.bias": (0.1 * rng.standard_normal(c)).astype(np.float32),
                f"{tag}.running_mean": (0.1 * rng.standard_normal(c)).astype(np.float32),
                f"{tag}.running_var": rng.uniform(0.5, 1.5, c).astype(np.float32)}

    p = {"conv1.weight": kaiming(16, 3, 3, 3), "conv1.bias": bias(16),
         "conv2.weight": kaiming(32, 16, 3, 3), "conv2.bias": bias(32),
         "conv3.weight": kaiming(16, 32, 3, 3), "conv3.bias": bias(16),
         "fc.weight": (rng.standard_normal((10, 16)) / 4).astype(np.float32), "fc.bias": bias(10),
         **bn(16, "bn1"), **bn(32, "bn2")}

    def bnin(tag):
        return [f"{tag}.weight", f"{tag}.bias", f"{tag}.running_mean", f"{tag}.running_var"]

    inits = [numpy_helper.from_array(a, n) for n, a in p.items()]
    inits.append(numpy_helper.from_array(np.array([1, 1, 2, 2], np.float32), "up.scales"))
    if upsample == "nearest":
        resize = dict(mode="nearest", coordinate_transformation_mode="asymmetric",
                      nearest_mode="floor")
    else:
        resize = dict(mode="linear", coordinate_transformation_mode="half_pixel")
    nodes = [
        helper.make_node("Conv", ["x", "conv1.weight", "conv1.bias"], ["/conv1/Conv_output_0"],
                         name="/conv1/Conv", kernel_shape=[3, 3], pads=[1, 1, 1, 1],
                         strides=[1, 1], dilations=[1, 1], group=1),
        helper.make_node("BatchNormalization", ["/conv1/Conv_output_0", *bnin("bn1")],
                         ["/bn1/BatchNormalization_output_0"], name="/bn1/BatchNormalization",
                         epsilon=1e-5, momentum=0.9),
        helper.make_node("HardSwish", ["/bn1/BatchNormalization_output_0"],
                         ["/act1/HardSwish_output_0"], name="/act1/HardSwish"),
        helper.make_node("Conv", ["/act1/HardSwish_output_0", "conv2.weight", "conv2.bias"],
                         ["/conv2/Conv_output_0"], name="/conv2/Conv", kernel_shape=[3, 3],
                         pads=[1, 1, 1, 1], strides=[2, 2], dilations=[1, 1], group=1),
        helper.make_node("BatchNormalization", ["/conv2/Conv_output_0", *bnin("bn2")],
                         ["/bn2/BatchNormalization_output_0"], name="/bn2/BatchNormalization",
                         epsilon=1e-5, momentum=0.9),
        helper.make_node("Relu", ["/bn2/BatchNormalization_output_0"], ["/act2/Relu_output_0"],
                         name="/act2/Relu"),
        # roi is omitted (empty name) and scales is an initializer, as torch exports it.
        helper.make_node("Resize", ["/act2/Relu_output_0", "", "up.scales"],
                         ["/up/Resize_output_0"], name="/up/Resize", cubic_coeff_a=-0.75, **resize),
        helper.make_node("Conv", ["/up/Resize_output_0", "conv3.weight", "conv3.bias"],
                         ["/conv3/Conv_output_0"], name="/conv3/Conv", kernel_shape=[3, 3],
                         pads=[1, 1, 1, 1], strides=[1, 1]),
        helper.make_node("Relu", ["/conv3/Conv_output_0"], ["/act3/Relu_output_0"],
                         name="/act3/Relu"),
        helper.make_node("GlobalAveragePool", ["/act3/Relu_output_0"],
                         ["/pool/GlobalAveragePool_output_0"], name="/pool/GlobalAveragePool"),
        helper.make_node("Flatten", ["/pool/GlobalAveragePool_output_0"], ["/Flatten_output_0"],
                         name="/Flatten", axis=1),
        helper.make_node("Gemm", ["/Flatten_output_0", "fc.weight", "fc.bias"], ["logits"],
                         name="/fc/Gemm", alpha=1.0, beta=1.0, transB=1),
    ]
    return _model(nodes, f"cnn_{upsample}",
                  [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 3, 32, 32])],
                  [helper.make_tensor_value_info("logits", TensorProto.FLOAT, [1, 10])], inits)


def transformer_block(seq=16, dim=64, heads=4):
    """A pre-norm encoder block: LayerNorm spelled out, 4-head attention with Reshape/Transpose,
    an MLP with Gelu in its Erf form, two residuals. Scalars, shapes and the LayerNorm affine
    parameters are Constant nodes; the projections are initializers."""
    rng = np.random.default_rng(12)
    dh = dim // heads
    lin = lambda i, o: (rng.uniform(-1, 1, (i, o)) / np.sqrt(i)).astype(np.float32)  # noqa: E731
    vec = lambda n, s=0.1: (s * rng.standard_normal(n)).astype(np.float32)  # noqa: E731
    inits = {}
    for n in ("q", "k", "v", "out"):
        inits[f"onnx::MatMul_{n}"] = lin(dim, dim)
        inits[f"attn.{n}_proj.bias"] = vec(dim)
    inits["onnx::MatMul_fc1"], inits["mlp.fc1.bias"] = lin(dim, 4 * dim), vec(4 * dim)
    inits["onnx::MatMul_fc2"], inits["mlp.fc2.bias"] = lin(4 * dim, dim), vec(dim)
    nodes, counter = [], [0]

    def const(value, dtype=np.float32):
        counter[0] += 1
        name = f"/Constant_{counter[0]}_output_0"
        nodes.append(_const(name, np.asarray(value, dtype)))
        return name

    def node(op, ins, tag, **attrs):
        out = f"{tag}_output_0"
        nodes.append(helper.make_node(op, ins, [out], name=tag, **attrs))
        return out

    def layernorm(x, tag):
        g = const(1 + 0.1 * rng.standard_normal(dim))
        b = const(0.1 * rng.standard_normal(dim))
        mean = node("ReduceMean", [x], f"/{tag}/ReduceMean", axes=[-1], keepdims=1)
        d = node("Sub", [x, mean], f"/{tag}/Sub")
        sq = node("Pow", [d, const(2.0)], f"/{tag}/Pow")
        var = node("ReduceMean", [sq], f"/{tag}/ReduceMean_1", axes=[-1], keepdims=1)
        std = node("Sqrt", [node("Add", [var, const(1e-5)], f"/{tag}/Add")], f"/{tag}/Sqrt")
        n = node("Div", [d, std], f"/{tag}/Div")
        return node("Add", [node("Mul", [n, g], f"/{tag}/Mul"), b], f"/{tag}/Add_1")

    def linear(x, w, b, tag):
        return node("Add", [b, node("MatMul", [x, w], f"/{tag}/MatMul")], f"/{tag}/Add")

    def split_heads(t, tag):
        r = node("Reshape", [t, const([1, -1, heads, dh], np.int64)], f"/attn/{tag}/Reshape")
        return node("Transpose", [r], f"/attn/{tag}/Transpose", perm=[0, 2, 1, 3])

    y = layernorm("x", "ln1")
    q = split_heads(linear(y, "onnx::MatMul_q", "attn.q_proj.bias", "attn/q_proj"), "q")
    k = split_heads(linear(y, "onnx::MatMul_k", "attn.k_proj.bias", "attn/k_proj"), "k")
    v = split_heads(linear(y, "onnx::MatMul_v", "attn.v_proj.bias", "attn/v_proj"), "v")
    kt = node("Transpose", [k], "/attn/Transpose_kt", perm=[0, 1, 3, 2])
    scores = node("Div", [node("MatMul", [q, kt], "/attn/MatMul"), const(np.sqrt(dh))],
                  "/attn/Div")
    probs = node("Softmax", [scores], "/attn/Softmax", axis=-1)
    ctx = node("MatMul", [probs, v], "/attn/MatMul_1")
    ctx = node("Transpose", [ctx], "/attn/Transpose_out", perm=[0, 2, 1, 3])
    merged = node("Reshape", [ctx, const([1, -1, dim], np.int64)], "/attn/Reshape_out")
    attn = linear(merged, "onnx::MatMul_out", "attn.out_proj.bias", "attn/out_proj")
    x2 = node("Add", ["x", attn], "/Add")
    h = linear(layernorm(x2, "ln2"), "onnx::MatMul_fc1", "mlp.fc1.bias", "mlp/fc1")
    # nn.GELU() (approximate='none') as torch exports it before opset 20.
    erf = node("Erf", [node("Div", [h, const(np.sqrt(2.0))], "/mlp/act/Div")], "/mlp/act/Erf")
    gelu = node("Mul", [node("Mul", [h, node("Add", [erf, const(1.0)], "/mlp/act/Add")],
                             "/mlp/act/Mul"), const(0.5)], "/mlp/act/Mul_1")
    ff = linear(gelu, "onnx::MatMul_fc2", "mlp.fc2.bias", "mlp/fc2")
    nodes.append(helper.make_node("Add", [x2, ff], ["y"], name="/Add_1"))
    return _model(nodes, "transformer_block",
                  [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, seq, dim])],
                  [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, seq, dim])],
                  [numpy_helper.from_array(a, n) for n, a in inits.items()])


def embedded_encoder(vocab=100, seq=16, dim=64):
    """Token ids -> word embeddings (a Gather on run-time ids) + position embeddings (a Gather on
    constant positions, folded at compile time) -> the transformer block above, as a BERT-style
    encoder exports."""
    rng = np.random.default_rng(14)
    block = transformer_block(seq=seq, dim=dim)
    words = (0.5 * rng.standard_normal((vocab, dim))).astype(np.float32)
    positions = (0.1 * rng.standard_normal((32, dim))).astype(np.float32)
    nodes = [
        helper.make_node("Gather", ["embeddings.word_embeddings.weight", "input_ids"],
                         ["/embeddings/word_embeddings/Gather_output_0"],
                         name="/embeddings/word_embeddings/Gather"),
        _const("/embeddings/Constant_output_0", np.arange(seq, dtype=np.int64)[None, :]),
        helper.make_node("Gather", ["embeddings.position_embeddings.weight",
                                    "/embeddings/Constant_output_0"],
                         ["/embeddings/position_embeddings/Gather_output_0"],
                         name="/embeddings/position_embeddings/Gather"),
        helper.make_node("Add", ["/embeddings/word_embeddings/Gather_output_0",
                                 "/embeddings/position_embeddings/Gather_output_0"], ["x"],
                         name="/embeddings/Add"),
    ] + list(block.graph.node)
    inits = [numpy_helper.from_array(words, "embeddings.word_embeddings.weight"),
             numpy_helper.from_array(positions, "embeddings.position_embeddings.weight")]
    return _model(nodes, "embedded_encoder",
                  [helper.make_tensor_value_info("input_ids", TensorProto.INT64, [1, seq])],
                  list(block.graph.output), inits + list(block.graph.initializer))


def dynamic_batch():
    """x.view(x.size(0), -1) @ W + b, softmax: the target shape is computed at run time from
    Shape(x), as torch.onnx.export writes it with dynamic_axes={'x': {0: 'batch'}}."""
    rng = np.random.default_rng(13)
    w = (rng.uniform(-1, 1, (192, 10)) / np.sqrt(192)).astype(np.float32)
    b = (0.1 * rng.standard_normal(10)).astype(np.float32)
    nodes = [
        helper.make_node("Shape", ["x"], ["/Shape_output_0"], name="/Shape"),
        _const("/Constant_output_0", np.array(0, np.int64)),
        helper.make_node("Gather", ["/Shape_output_0", "/Constant_output_0"],
                         ["/Gather_output_0"], name="/Gather", axis=0),
        _const("/Constant_1_output_0", np.array([0], np.int64)),
        helper.make_node("Unsqueeze", ["/Gather_output_0", "/Constant_1_output_0"],
                         ["/Unsqueeze_output_0"], name="/Unsqueeze"),
        _const("/Constant_2_output_0", np.array([-1], np.int64)),
        helper.make_node("Concat", ["/Unsqueeze_output_0", "/Constant_2_output_0"],
                         ["/Concat_output_0"], name="/Concat", axis=0),
        helper.make_node("Reshape", ["x", "/Concat_output_0"], ["/Reshape_output_0"],
                         name="/Reshape"),
        helper.make_node("MatMul", ["/Reshape_output_0", "fc.weight_t"], ["/fc/MatMul_output_0"],
                         name="/fc/MatMul"),
        helper.make_node("Add", ["fc.bias", "/fc/MatMul_output_0"], ["/fc/Add_output_0"],
                         name="/fc/Add"),
        helper.make_node("Softmax", ["/fc/Add_output_0"], ["probs"], name="/Softmax", axis=1),
    ]
    return _model(nodes, "dynamic_batch",
                  [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["batch", 3, 8, 8])],
                  [helper.make_tensor_value_info("probs", TensorProto.FLOAT, ["batch", 10])],
                  [numpy_helper.from_array(w, "fc.weight_t"),
                   numpy_helper.from_array(b, "fc.bias")])


# ---------------------------------------------------------------------------------------------
# Tests

@pytest.mark.parametrize("upsample", ["nearest", "linear"])
def test_cnn(upsample, tmp, ort):
    onnx.save(cnn(upsample), tmp / "m.onnx")
    x = np.random.default_rng(1).standard_normal((1, 3, 32, 32)).astype(np.float32)
    want = ort(tmp / "m.onnx", [x], tmp)[0]
    got = run_tessel(tmp / "m.onnx", [x], tmp)[0]
    assert_matches(got, want)


def test_transformer_block(tmp, ort):
    onnx.save(transformer_block(), tmp / "m.onnx")
    x = np.random.default_rng(2).standard_normal((1, 16, 64)).astype(np.float32)
    want = ort(tmp / "m.onnx", [x], tmp)[0]
    got = run_tessel(tmp / "m.onnx", [x], tmp)[0]
    assert_matches(got, want)


def test_embedded_encoder(tmp, ort):
    onnx.save(embedded_encoder(), tmp / "m.onnx")
    ids = np.random.default_rng(4).integers(0, 100, (1, 16)).astype(np.int64)
    want = ort(tmp / "m.onnx", [ids], tmp)[0]
    got = run_tessel(tmp / "m.onnx", [ids], tmp)[0]
    assert_matches(got, want)


@pytest.mark.parametrize("batch", [4, 1])
def test_dynamic_batch(batch, tmp, ort):
    onnx.save(dynamic_batch(), tmp / "m.onnx")
    x = np.random.default_rng(3).standard_normal((batch, 3, 8, 8)).astype(np.float32)
    want = ort(tmp / "m.onnx", [x], tmp)[0]
    assert want.shape == (batch, 10)
    got = run_tessel(tmp / "m.onnx", [x], tmp, f"--input-shape=x:{batch}x3x8x8")[0]
    assert_matches(got, want)


def test_dynamic_batch_needs_input_shape(tmp):
    onnx.save(dynamic_batch(), tmp / "m.onnx")
    proc = run(["tt-compile", tmp / "m.onnx", "-o", tmp / "m.ttb"], check=False)
    assert "Traceback" not in proc.stderr and "Stack dump" not in proc.stderr, proc.stderr
    assert_clean_failure(proc, "x", "batch")
    assert not (tmp / "m.ttb").exists()
