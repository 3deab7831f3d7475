"""LayerNorm and RMSNorm, whether a model has the ONNX op or spells it out as PyTorch's exporter
does, run as one dispatch whose kernel holds each row in L1, and match float64 numpy. The forms
that kernel does not take (several axes, a scale per row, rows longer than L1 holds) and
`--fusion=off` give the same numbers through reduces and elementwise ops."""
import json

import numpy as np
import onnx
import pytest
from onnx import TensorProto, helper, numpy_helper

from conftest import assert_clean_failure, run


def as_initializer(v):
    """Shapes stay int64; every other value is float32."""
    a = np.asarray(v)
    return a if a.dtype == np.int64 else a.astype(np.float32)


def save(path, nodes, inits, shape, opset=17):
    graph = helper.make_graph(
        nodes, "norm", [helper.make_tensor_value_info("x", TensorProto.FLOAT, list(shape))],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, list(shape))],
        [numpy_helper.from_array(as_initializer(v), k) for k, v in inits.items()])
    onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)]), path)


def spelled_layer_norm(path, shape, g, b, axes=(-1,), eps=1e-5):
    """(x - mean) / sqrt(mean((x - mean)^2) + eps) * g + b as torch.onnx.export writes it."""
    nodes = [helper.make_node("ReduceMean", ["x"], ["m"], axes=list(axes)),
             helper.make_node("Sub", ["x", "m"], ["d"]),
             helper.make_node("Pow", ["d", "two"], ["p"]),
             helper.make_node("ReduceMean", ["p"], ["v"], axes=list(axes)),
             helper.make_node("Add", ["v", "eps"], ["ve"]),
             helper.make_node("Sqrt", ["ve"], ["s"]),
             helper.make_node("Div", ["d", "s"], ["n"]),
             helper.make_node("Mul", ["n", "g"], ["ng"]),
             helper.make_node("Add", ["ng", "b"], ["y"])]
    save(path, nodes, {"g": g, "b": b, "two": 2.0, "eps": eps}, shape)


def spelled_rms_norm(path, shape, w, eps=1e-6):
    """x * (1 / sqrt(mean(x^2) + eps)) * w as LLaMA's RMSNorm exports."""
    nodes = [helper.make_node("Pow", ["x", "two"], ["p"]),
             helper.make_node("ReduceMean", ["p"], ["v"], axes=[-1]),
             helper.make_node("Add", ["v", "eps"], ["ve"]),
             helper.make_node("Sqrt", ["ve"], ["s"]),
             helper.make_node("Reciprocal", ["s"], ["r"]),
             helper.make_node("Mul", ["x", "r"], ["n"]),
             helper.make_node("Mul", ["w", "n"], ["y"])]
    save(path, nodes, {"w": w, "two": 2.0, "eps": eps}, shape)


def layer_norm_ref(x, g, b, axes=(-1,), eps=1e-5):
    x = x.astype(np.float64)
    m = x.mean(axis=axes, keepdims=True)
    v = ((x - m) ** 2).mean(axis=axes, keepdims=True)
    return (x - m) / np.sqrt(v + eps) * g + b


def rms_norm_ref(x, w, eps=1e-6):
    x = x.astype(np.float64)
    return x / np.sqrt((x ** 2).mean(axis=-1, keepdims=True) + eps) * w


def compile_and_run(tmp, model, x, *flags):
    np.save(tmp / "x.npy", x)
    run(["tt-compile", model, "-o", tmp / "m.ttb", *flags])
    dump = run(["tt-translate", "--dump-ttb", tmp / "m.ttb"]).stdout
    run(["tt-run", tmp / "m.ttb", f"--input=@{tmp / 'x.npy'}", f"--output=@{tmp / 'y.npy'}",
         "--quiet"])
    return [d["name"] for d in json.loads(dump)["dispatches"]], np.load(tmp / "y.npy")


def check(y, ref, precision):
    if precision == "fp32":
        np.testing.assert_allclose(y, ref, rtol=1e-4, atol=1e-4)
    else:
        assert float(np.corrcoef(y.ravel(), ref.ravel())[0, 1]) >= 0.999


# Rows of 200 values (the last column tile partial) and 40 rows a batch (the last row tile partial).
SHAPE = (3, 40, 200)


@pytest.mark.parametrize("precision", ["fp32", "bf16"])
@pytest.mark.parametrize("form", ["onnx", "spelled"])
def test_layer_norm_is_one_dispatch(tmp, precision, form):
    rng = np.random.default_rng(0)
    g, b = rng.standard_normal(SHAPE[-1]), rng.standard_normal(SHAPE[-1])
    if form == "onnx":
        save(tmp / "m.onnx", [helper.make_node("LayerNormalization", ["x", "g", "b"], ["y"],
                                               axis=-1, epsilon=1e-5)], {"g": g, "b": b}, SHAPE)
    else:
        spelled_layer_norm(tmp / "m.onnx", SHAPE, g, b)
    x = (rng.standard_normal(SHAPE) * 3 + 2).astype(np.float32)
    dump, y = compile_and_run(tmp, tmp / "m.onnx", x, f"--precision={precision}")
    assert dump == ["layer_norm_0"]
    check(y, layer_norm_ref(x, g, b), precision)


@pytest.mark.parametrize("precision", ["fp32", "bf16"])
def test_rms_norm_is_one_dispatch(tmp, precision):
    rng = np.random.default_rng(1)
    shape = (2, 64, 256)
    w = rng.standard_normal(shape[-1])
    spelled_rms_norm(tmp / "m.onnx", shape, w)
    x = rng.standard_normal(shape).astype(np.float32)
    dump, y = compile_and_run(tmp, tmp / "m.onnx", x, f"--precision={precision}")
    assert dump == ["rms_norm_0"]
    check(y, rms_norm_ref(x, w), precision)


def test_fusion_off_and_long_rows_give_the_same_numbers(tmp):
    """--fusion=off expands the norm into its ops; so does a budget too small for its row."""
    rng = np.random.default_rng(2)
    g, b = rng.standard_normal(SHAPE[-1]), rng.standard_normal(SHAPE[-1])
    spelled_layer_norm(tmp / "m.onnx", SHAPE, g, b)
    x = rng.standard_normal(SHAPE).astype(np.float32)
    _, y = compile_and_run(tmp, tmp / "m.onnx", x, "--precision=fp32")
    for flags in (["--fusion=off"], ["--l1-budget=16384"]):
        dump, y_other = compile_and_run(tmp, tmp / "m.onnx", x, "--precision=fp32", *flags)
        # Each op of the expansion, some in one dispatch that tt-fuse-tile-loops made.
        ops = [op for d in dump for op in d.rsplit("_", 1)[0].split("+")]
        assert "layer_norm_0" not in dump and "reduce_mean_0" in dump and len(ops) > 5, dump
        np.testing.assert_allclose(y_other, y, rtol=1e-4, atol=1e-5)
    check(y, layer_norm_ref(x, g, b), "fp32")


def test_near_misses_are_computed_as_written(tmp):
    """A weight that varies per row is not a norm's scale, and statistics over two axes are not
    the row kernel's: both still compute what the model says."""
    rng = np.random.default_rng(3)
    shape = (2, 24, 48)
    g = rng.standard_normal((shape[1], 1))  # one value per row
    b = rng.standard_normal(shape[-1])
    spelled_layer_norm(tmp / "m.onnx", shape, g, b)
    x = rng.standard_normal(shape).astype(np.float32)
    dump, y = compile_and_run(tmp, tmp / "m.onnx", x, "--precision=fp32")
    assert dump[0] == "layer_norm_0" and dump[1].split("+")[0] == "mul", dump
    check(y, layer_norm_ref(x, g, b), "fp32")

    g2 = rng.standard_normal(shape[-1])
    spelled_layer_norm(tmp / "m2.onnx", shape, g2, b, axes=(-2, -1))
    dump, y = compile_and_run(tmp, tmp / "m2.onnx", x, "--precision=fp32")
    assert "reduce_mean_0" in dump and not any(d.startswith("layer_norm") for d in dump)
    check(y, layer_norm_ref(x, g2, b, axes=(-2, -1)), "fp32")


def group_norm_model(path, shape, groups, w, b):
    """nn.GroupNorm as torch.onnx.export writes it: Reshape to [N, G, -1],
    InstanceNormalization with unit scale and zero bias, Reshape back, Mul and Add per channel."""
    n, c = shape[0], shape[1]
    spatial = [1] * (len(shape) - 2)
    nodes = [helper.make_node("Reshape", ["x", "grouped"], ["r1"]),
             helper.make_node("InstanceNormalization", ["r1", "ones", "zeros"], ["n"],
                              epsilon=1e-5),
             helper.make_node("Reshape", ["n", "back"], ["r2"]),
             helper.make_node("Mul", ["r2", "w"], ["m"]),
             helper.make_node("Add", ["m", "b"], ["y"])]
    save(path, nodes, {"grouped": np.array([n, groups, -1], np.int64),
                       "back": np.array(shape, np.int64), "ones": np.ones(groups),
                       "zeros": np.zeros(groups), "w": w.reshape([c] + spatial),
                       "b": b.reshape([c] + spatial)}, shape)


def group_norm_ref(x, groups, w, b, eps=1e-5):
    n, c = x.shape[:2]
    g = x.astype(np.float64).reshape(n, groups, -1)
    m = g.mean(-1, keepdims=True)
    v = ((g - m) ** 2).mean(-1, keepdims=True)
    shape = [c] + [1] * (x.ndim - 2)
    return ((g - m) / np.sqrt(v + eps)).reshape(x.shape) * w.reshape(shape) + b.reshape(shape)


@pytest.mark.parametrize("precision", ["fp32", "bf16"])
@pytest.mark.parametrize("shape,groups", [((2, 32, 20, 20), 8), ((1, 12, 3, 40, 50), 4)])
def test_group_norm_is_one_dispatch(tmp, precision, shape, groups):
    """PyTorch's GroupNorm export (2-D and 3-D spatial, partial tiles) is one dispatch whose
    unit is a sample's group, with the per-channel scale and bias its own."""
    rng = np.random.default_rng(6)
    w, b = rng.standard_normal(shape[1]), rng.standard_normal(shape[1])
    group_norm_model(tmp / "m.onnx", shape, groups, w, b)
    x = (rng.standard_normal(shape) * 2 + 1).astype(np.float32)
    ops, y = compile_and_run(tmp, tmp / "m.onnx", x, f"--precision={precision}")
    assert ops == ["group_norm_0"]
    check(y, group_norm_ref(x, groups, w, b), precision)


def test_instance_norm_and_other_group_norms(tmp):
    """InstanceNormalization of [N, C, H, W] is a group norm of a group per channel; a group
    norm of [N, C, L] (channels inside the tiles), one --fusion=off and one too large for the
    L1 budget give the same numbers through reshapes, reductions and elementwise ops."""
    rng = np.random.default_rng(7)
    shape = (2, 16, 12, 36)
    w, b = rng.standard_normal(16), rng.standard_normal(16)
    save(tmp / "in.onnx", [helper.make_node("InstanceNormalization", ["x", "w", "b"], ["y"])],
         {"w": w, "b": b}, shape)
    x = rng.standard_normal(shape).astype(np.float32)
    ops, y = compile_and_run(tmp, tmp / "in.onnx", x, "--precision=fp32")
    assert ops == ["group_norm_0"]
    check(y, group_norm_ref(x, 16, w, b), "fp32")

    group_norm_model(tmp / "gn.onnx", shape, 4, w, b)
    for flags in (["--fusion=off"], ["--l1-budget=16384"]):
        ops, y = compile_and_run(tmp, tmp / "gn.onnx", x, "--precision=fp32", *flags)
        assert "group_norm_0" not in ops and any(op.startswith("reduce_mean") for op in ops)
        check(y, group_norm_ref(x, 4, w, b), "fp32")

    rank3 = (2, 16, 100)
    group_norm_model(tmp / "gn3.onnx", rank3, 4, w, b)
    x3 = rng.standard_normal(rank3).astype(np.float32)
    ops, y = compile_and_run(tmp, tmp / "gn3.onnx", x3, "--precision=fp32")
    assert "group_norm_0" not in ops
    check(y, group_norm_ref(x3, 4, w, b), "fp32")


# The ONNX ops newer than the libonnx this project builds with (opset 17): their nodes are
# imported through schemas the importer registers, each as one graph op.
@pytest.mark.parametrize("precision", ["fp32", "bf16"])
@pytest.mark.parametrize("opset", [18, 21])
def test_onnx_group_normalization(tmp, precision, opset):
    shape, groups = (2, 32, 8, 8), 4
    rng = np.random.default_rng(opset)
    # Opset 18 scales and shifts each group by one value; opset 21 each channel.
    n = groups if opset == 18 else shape[1]
    w, b = rng.standard_normal(n), rng.standard_normal(n)
    save(tmp / "m.onnx", [helper.make_node("GroupNormalization", ["x", "w", "b"], ["y"],
                                           num_groups=groups, epsilon=1e-5)],
         {"w": w, "b": b}, shape, opset=opset)
    x = rng.standard_normal(shape).astype(np.float32)
    dump, y = compile_and_run(tmp, tmp / "m.onnx", x, f"--precision={precision}")
    assert dump == ["group_norm_0"], dump
    per_channel = lambda p: np.repeat(p, shape[1] // n)  # noqa: E731
    check(y, group_norm_ref(x, groups, per_channel(w), per_channel(b)), precision)


@pytest.mark.parametrize("precision", ["fp32", "bf16"])
def test_onnx_rms_normalization(tmp, precision):
    shape = (2, 64, 256)
    rng = np.random.default_rng(23)
    w = rng.standard_normal(shape[-1])
    save(tmp / "m.onnx", [helper.make_node("RMSNormalization", ["x", "w"], ["y"], epsilon=1e-6)],
         {"w": w}, shape, opset=23)
    x = rng.standard_normal(shape).astype(np.float32)
    dump, y = compile_and_run(tmp, tmp / "m.onnx", x, f"--precision={precision}")
    assert dump == ["rms_norm_0"], dump
    check(y, rms_norm_ref(x, w), precision)


def test_onnx_group_normalization_needs_groups_that_divide_the_channels(tmp):
    shape = (1, 30, 4, 4)
    save(tmp / "m.onnx", [helper.make_node("GroupNormalization", ["x", "w", "b"], ["y"],
                                           num_groups=4, name="GN")],
         {"w": np.ones(30), "b": np.zeros(30)}, shape, opset=21)
    proc = run(["tt-compile", tmp / "m.onnx", "-o", tmp / "m.ttb"], check=False)
    assert_clean_failure(proc, "GN", "num_groups (4) must divide the 30 channels")
