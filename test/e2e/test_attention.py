"""Attention as exporters write it: scores = Q K^T divided by sqrt(head dim), an optional
additive mask, a softmax over the keys, then the context P V. It compiles to one sdpa dispatch
(FlashAttention-style: the scores never leave the core) and matches float64 numpy; with
--fusion=off it is four dispatches with the same numbers. Patterns that almost match (a softmax
over another axis, a log-softmax) stay as written."""
import json

import numpy as np
import onnx
import pytest
from onnx import TensorProto, helper, numpy_helper

from conftest import run


def attention_model(path, shapes, mask_shape=None, scale_op="Div", softmax="Softmax", axis=-1):
    scores_in = "scores"
    nodes = [helper.make_node("MatMul", ["q", "kt"], ["scores"])]
    if scale_op:
        nodes.append(helper.make_node(scale_op, ["scores", "c"], ["scaled"]))
        scores_in = "scaled"
    if mask_shape:
        nodes.append(helper.make_node("Add", [scores_in, "mask"], ["masked"]))
        scores_in = "masked"
    nodes += [helper.make_node(softmax, [scores_in], ["p"], axis=axis),
              helper.make_node("MatMul", ["p", "v"], ["y"])]
    names = ["q", "kt", "v"] + (["mask"] if mask_shape else [])
    ins = [helper.make_tensor_value_info(n, TensorProto.FLOAT, list(s))
           for n, s in zip(names, list(shapes) + ([mask_shape] if mask_shape else []))]
    b, h, s, d = shapes[0]
    out = helper.make_tensor_value_info("y", TensorProto.FLOAT, [b, h, s, shapes[2][-1]])
    c = np.sqrt(d) if scale_op == "Div" else 1 / np.sqrt(d)
    graph = helper.make_graph(nodes, "attention", ins, [out],
                              [numpy_helper.from_array(np.array(c, np.float32), "c")])
    onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)]), path)


def reference(q, kt, v, mask, log=False, axis=-1):
    scores = q.astype(np.float64) @ kt / np.sqrt(q.shape[-1])
    if mask is not None:
        scores = scores + mask
    shifted = scores - scores.max(axis, keepdims=True)
    lse = np.log(np.exp(shifted).sum(axis, keepdims=True))
    p = shifted - lse if log else np.exp(shifted - lse)
    return p @ v


def compile_and_run(tmp, arrays, *flags):
    run(["tt-compile", tmp / "a.onnx", "-o", tmp / "a.ttb", *flags])
    dump = json.loads(run(["tt-translate", "--dump-ttb", tmp / "a.ttb"]).stdout)
    for name, a in arrays.items():
        np.save(tmp / f"{name}.npy", a)
    run(["tt-run", tmp / "a.ttb", *(f"--input=@{tmp / n}.npy" for n in arrays),
         f"--output=@{tmp / 'y.npy'}", "--quiet"])
    return [x["op"] for x in dump["dispatches"]], np.load(tmp / "y.npy")


def inputs(shapes, mask_shape, seed=0):
    rng = np.random.default_rng(seed)
    arrays = {n: rng.standard_normal(s).astype(np.float32) for n, s in zip(("q", "kt", "v"), shapes)}
    if mask_shape:
        # A padding mask: the last keys of each sequence are masked out.
        mask = np.zeros(mask_shape, np.float32)
        mask[..., -7:] = -10000.0
        arrays["mask"] = mask
    return arrays


def check(y, ref, precision):
    if precision == "fp32":
        np.testing.assert_allclose(y, ref, rtol=1e-4, atol=1e-5)
    else:
        assert float(np.corrcoef(y.ravel(), ref.ravel())[0, 1]) >= 0.999


# Sequence 96 keys and 40-wide heads: whole tiles of queries and keys, a partial head dim (one
# chunk of three key tiles); 70 queries and keys: the last tile of each partial; 250: two chunks
# of four key tiles, the last partial; 2040: 128 query tiles, so each core takes blocks of two
# that share every chunk of keys and values it reads.
SHAPES = {"aligned": ((1, 2, 96, 40), (1, 2, 40, 96), (1, 2, 96, 40)),
          "partial": ((2, 3, 70, 32), (2, 3, 32, 70), (2, 3, 70, 48)),
          "chunks": ((1, 2, 250, 64), (1, 2, 64, 250), (1, 2, 250, 64)),
          "blocks": ((1, 2, 2040, 32), (1, 2, 32, 2040), (1, 2, 2040, 32))}


@pytest.mark.parametrize("precision", ["fp32", "bf16"])
@pytest.mark.parametrize("shapes", SHAPES)
@pytest.mark.parametrize("mask", [None, "keys", "full"])
def test_sdpa_is_one_dispatch(tmp, precision, shapes, mask):
    shapes = SHAPES[shapes]
    b, h, s, _ = shapes[0]
    mask_shape = {None: None, "keys": (b, 1, 1, s), "full": (b, h, s, s)}[mask]
    attention_model(tmp / "a.onnx", shapes, mask_shape)
    arrays = inputs(shapes, mask_shape)
    ops, y = compile_and_run(tmp, arrays, f"--precision={precision}")
    assert ops == ["sdpa"]
    check(y, reference(arrays["q"], arrays["kt"], arrays["v"], arrays.get("mask")), precision)


def test_fusion_off_gives_the_same_numbers(tmp):
    shapes = SHAPES["partial"]
    mask_shape = (2, 1, 1, 70)
    attention_model(tmp / "a.onnx", shapes, mask_shape, scale_op="Mul")
    arrays = inputs(shapes, mask_shape, seed=1)
    ops, y = compile_and_run(tmp, arrays, "--precision=fp32")
    ops_off, y_off = compile_and_run(tmp, arrays, "--precision=fp32", "--fusion=off")
    assert ops == ["sdpa"] and ops_off == ["matmul", "mul", "add", "softmax", "matmul"]
    np.testing.assert_allclose(y, y_off, rtol=1e-4, atol=1e-5)
    check(y, reference(arrays["q"], arrays["kt"], arrays["v"], arrays["mask"]), "fp32")


@pytest.mark.parametrize("softmax,axis", [("LogSoftmax", -1), ("Softmax", 2)])
def test_near_misses_stay_as_written(tmp, softmax, axis):
    shapes = SHAPES["aligned"]
    attention_model(tmp / "a.onnx", shapes, softmax=softmax, axis=axis)
    arrays = inputs(shapes, None)
    ops, y = compile_and_run(tmp, arrays, "--precision=fp32")
    assert "sdpa" not in ops and "softmax" in ops
    ref = reference(arrays["q"], arrays["kt"], arrays["v"], None, log=softmax == "LogSoftmax",
                    axis=axis)
    check(y, ref, "fp32")


def heads_model(path, seq, heads, head_dim, merge=False):
    """Self-attention over x [1, seq, heads * head_dim] split into heads as exporters write it:
    Reshape to [1, seq, heads, head_dim], then Transpose to [1, heads, seq, head_dim] (and to
    [1, heads, head_dim, seq] for the keys); with `merge` the context is merged back to
    [1, seq, heads * head_dim] by Transpose and Reshape."""
    hidden = heads * head_dim
    shape = numpy_helper.from_array(np.array([1, seq, heads, head_dim], np.int64), "heads_shape")
    merged = numpy_helper.from_array(np.array([1, seq, hidden], np.int64), "merged_shape")
    c = numpy_helper.from_array(np.array(np.sqrt(head_dim), np.float32), "c")
    nodes = [helper.make_node("Reshape", ["x", "heads_shape"], ["split"]),
             helper.make_node("Transpose", ["split"], ["q"], perm=[0, 2, 1, 3]),
             helper.make_node("Transpose", ["split"], ["kt"], perm=[0, 2, 3, 1]),
             helper.make_node("Transpose", ["split"], ["v"], perm=[0, 2, 1, 3]),
             helper.make_node("MatMul", ["q", "kt"], ["scores"]),
             helper.make_node("Div", ["scores", "c"], ["scaled"]),
             helper.make_node("Softmax", ["scaled"], ["p"], axis=-1),
             helper.make_node("MatMul", ["p", "v"], ["context" if merge else "y"])]
    out_shape = [1, heads, seq, head_dim]
    if merge:
        nodes += [helper.make_node("Transpose", ["context"], ["t"], perm=[0, 2, 1, 3]),
                  helper.make_node("Reshape", ["t", "merged_shape"], ["y"])]
        out_shape = [1, seq, hidden]
    graph = helper.make_graph(
        nodes, "heads", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, seq, hidden])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, out_shape)], [shape, merged, c])
    onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)]), path)


@pytest.mark.parametrize("head_dim,merge", [(64, False), (64, True), (40, False), (40, True)])
def test_heads_read_through_their_layouts(tmp, head_dim, merge):
    """With heads of whole tiles (64) the kernel reads q, the keys (transposing them) and v
    straight from x's tiles, and writes the context merged back into [1, seq, hidden]: one
    dispatch. Heads of 40 values straddle tiles, so their layouts get dispatches of their own
    (the reshape's and the transposes')."""
    seq, heads = 70, 2
    heads_model(tmp / "a.onnx", seq, heads, head_dim, merge)
    x = np.random.default_rng(4).standard_normal((1, seq, heads * head_dim)).astype(np.float32)
    ops, y = compile_and_run(tmp, {"x": x}, "--precision=fp32")
    split = x.reshape(1, seq, heads, head_dim)
    q = split.transpose(0, 2, 1, 3)
    ref = reference(q, split.transpose(0, 2, 3, 1), q, None)
    if merge:
        ref = ref.transpose(0, 2, 1, 3).reshape(1, seq, heads * head_dim)
    if head_dim == 64:
        assert ops == ["sdpa"]
    else:
        assert "sdpa" in ops and "transpose" in ops
    check(y, ref, "fp32")


def causal_model(path, shape, form):
    """Self-attention over x [b, h, s, d] (q = k = v = x) with a causal mask as exporters write
    it: an additive constant (0 on and below the diagonal, -1e9 above), or a Where on a
    lower-triangular boolean constant that fills the hidden scores."""
    b, h, s, d = shape
    tril = np.tril(np.ones((s, s), bool))
    inits = [numpy_helper.from_array(np.array(np.sqrt(d), np.float32), "c")]
    nodes = [helper.make_node("Transpose", ["x"], ["kt"], perm=[0, 1, 3, 2]),
             helper.make_node("MatMul", ["x", "kt"], ["scores"]),
             helper.make_node("Div", ["scores", "c"], ["scaled"])]
    if form == "add":
        inits.append(numpy_helper.from_array(np.where(tril, 0, -1e9).astype(np.float32)[None, None],
                                             "mask"))
        nodes.append(helper.make_node("Add", ["scaled", "mask"], ["masked"]))
    else:
        inits += [numpy_helper.from_array(tril, "tril"),
                  numpy_helper.from_array(np.array(-1e9, np.float32), "fill")]
        nodes.append(helper.make_node("Where", ["tril", "scaled", "fill"], ["masked"]))
    nodes += [helper.make_node("Softmax", ["masked"], ["p"], axis=-1),
              helper.make_node("MatMul", ["p", "x"], ["y"])]
    graph = helper.make_graph(
        nodes, "causal", [helper.make_tensor_value_info("x", TensorProto.FLOAT, list(shape))],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, list(shape))], inits)
    onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)]), path)


@pytest.mark.parametrize("form", ["add", "where"])
@pytest.mark.parametrize("shape", [(1, 2, 70, 32), (1, 2, 250, 64), (1, 2, 2040, 32)])
def test_causal_attention_skips_hidden_keys(tmp, form, shape):
    """The causal mask becomes the kernel's own: one dispatch, no mask input read, and each
    query tile stops at its diagonal (two chunks for 250 keys, blocks of two query tiles for
    2040), matching numpy."""
    causal_model(tmp / "a.onnx", shape, form)
    x = np.random.default_rng(5).standard_normal(shape).astype(np.float32)
    ops, y = compile_and_run(tmp, {"x": x}, "--precision=fp32")
    assert ops == ["sdpa"]
    s = shape[2]
    mask = np.where(np.tril(np.ones((s, s), bool)), 0.0, -np.inf)
    check(y, reference(x, x.transpose(0, 1, 3, 2), x, mask), "fp32")


def cache_model(path, b, hq, hkv, s_q, s_k, d):
    """Attention against a key/value cache given as inputs [b, hkv, s_k, d], as decoders export
    it: the keys transposed, and with fewer key/value heads than query heads (grouped-query
    attention) each repeated by Unsqueeze, Expand and Reshape to the query heads."""
    rep = hq // hkv
    inits = [numpy_helper.from_array(np.array(np.sqrt(d), np.float32), "c"),
             numpy_helper.from_array(np.array([b, hkv, rep, s_k, d], np.int64), "expanded"),
             numpy_helper.from_array(np.array([b, hq, s_k, d], np.int64), "heads"),
             numpy_helper.from_array(np.array([2], np.int64), "axis2")]
    nodes = []
    kv = {}
    for name in ("k", "v"):
        src = name
        if rep > 1:
            nodes += [helper.make_node("Unsqueeze", [name, "axis2"], [f"{name}_u"]),
                      helper.make_node("Expand", [f"{name}_u", "expanded"], [f"{name}_e"]),
                      helper.make_node("Reshape", [f"{name}_e", "heads"], [f"{name}_r"])]
            src = f"{name}_r"
        kv[name] = src
    nodes += [helper.make_node("Transpose", [kv["k"]], ["kt"], perm=[0, 1, 3, 2]),
              helper.make_node("MatMul", ["q", "kt"], ["scores"]),
              helper.make_node("Div", ["scores", "c"], ["scaled"]),
              helper.make_node("Softmax", ["scaled"], ["p"], axis=-1),
              helper.make_node("MatMul", ["p", kv["v"]], ["y"])]
    ins = [helper.make_tensor_value_info("q", TensorProto.FLOAT, [b, hq, s_q, d]),
           helper.make_tensor_value_info("k", TensorProto.FLOAT, [b, hkv, s_k, d]),
           helper.make_tensor_value_info("v", TensorProto.FLOAT, [b, hkv, s_k, d])]
    graph = helper.make_graph(
        nodes, "cache", ins, [helper.make_tensor_value_info("y", TensorProto.FLOAT, [b, hq, s_q, d])],
        inits)
    onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)]), path)


@pytest.mark.parametrize("precision", ["fp32", "bf16"])
@pytest.mark.parametrize("hq,hkv,s_q", [(4, 4, 1), (8, 2, 1), (8, 2, 64)])
def test_decode_and_grouped_queries(tmp, precision, hq, hkv, s_q):
    """One query per sequence against a cache of 200 keys (decode), and grouped-query heads
    sharing their keys and values: one sdpa dispatch that reads the cache itself (the keys'
    tiles transposed, each query head's from its group's)."""
    b, s_k, d = 2, 200, 64
    cache_model(tmp / "a.onnx", b, hq, hkv, s_q, s_k, d)
    rng = np.random.default_rng(8)
    arrays = {"q": rng.standard_normal((b, hq, s_q, d)).astype(np.float32),
              "k": rng.standard_normal((b, hkv, s_k, d)).astype(np.float32),
              "v": rng.standard_normal((b, hkv, s_k, d)).astype(np.float32)}
    ops, y = compile_and_run(tmp, arrays, f"--precision={precision}")
    assert ops == ["sdpa"]
    rep = hq // hkv
    k, v = (np.repeat(arrays[n], rep, axis=1) for n in ("k", "v"))
    check(y, reference(arrays["q"], k.transpose(0, 1, 3, 2), v, None), precision)


def appended_cache_model(path, b, h, s_past, d, negated=False):
    """Decode against a cache that the model grows by the new key and value (Concat along the
    sequence), as decoders export it: inputs q, k_new, v_new [b, h, 1, d] and the caches
    [b, h, s_past, d] (with `negated`, computed: their negations are appended to)."""
    cache = ["k_past", "v_past"]
    nodes = []
    if negated:
        nodes = [helper.make_node("Neg", [c], [f"{c}_neg"]) for c in cache]
        cache = [f"{c}_neg" for c in cache]
    nodes += [helper.make_node("Concat", [cache[0], "k_new"], ["k"], axis=2),
              helper.make_node("Concat", [cache[1], "v_new"], ["v"], axis=2),
             helper.make_node("Transpose", ["k"], ["kt"], perm=[0, 1, 3, 2]),
             helper.make_node("MatMul", ["q", "kt"], ["scores"]),
             helper.make_node("Div", ["scores", "c"], ["scaled"]),
             helper.make_node("Softmax", ["scaled"], ["p"], axis=-1),
             helper.make_node("MatMul", ["p", "v"], ["y"])]
    one, past = [b, h, 1, d], [b, h, s_past, d]
    ins = [helper.make_tensor_value_info(n, TensorProto.FLOAT, s)
           for n, s in [("q", one), ("k_past", past), ("k_new", one), ("v_past", past),
                        ("v_new", one)]]
    graph = helper.make_graph(
        nodes, "appended", ins, [helper.make_tensor_value_info("y", TensorProto.FLOAT, one)],
        [numpy_helper.from_array(np.array(np.sqrt(d), np.float32), "c")])
    onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)]), path)


@pytest.mark.parametrize("precision", ["fp32", "bf16"])
@pytest.mark.parametrize("s_past,negated", [(127, False), (200, False), (127, True)])
def test_decode_against_an_appended_cache(tmp, precision, s_past, negated):
    """The grown cache is never written: sdpa reads the cache's tiles and, in its last row
    tile, the cache's rows and the new key's or value's as spans (zeros below when the tile is
    not full), in one dispatch (after the negations of a computed cache), matching numpy."""
    b, h, d = 2, 4, 64
    appended_cache_model(tmp / "a.onnx", b, h, s_past, d, negated)
    rng = np.random.default_rng(9)
    arrays = {n: rng.standard_normal(s).astype(np.float32)
              for n, s in [("q", (b, h, 1, d)), ("k_past", (b, h, s_past, d)),
                           ("k_new", (b, h, 1, d)), ("v_past", (b, h, s_past, d)),
                           ("v_new", (b, h, 1, d))]}
    ops, y = compile_and_run(tmp, arrays, f"--precision={precision}")
    assert ops == ["neg", "neg", "sdpa"] if negated else ["sdpa"], ops
    sign = -1 if negated else 1
    k = np.concatenate([sign * arrays["k_past"], arrays["k_new"]], axis=2)
    v = np.concatenate([sign * arrays["v_past"], arrays["v_new"]], axis=2)
    check(y, reference(arrays["q"], k.transpose(0, 1, 3, 2), v, None), precision)
