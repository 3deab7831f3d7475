"""Sharded L1 tensors (tt-choose-op-configs), against float64 numpy: a ResNet bottleneck
over 56x56x64 at batch 1 (1x1, 3x3 and 1x1 convolutions with ReLUs and the residual add) whose
convolutions' cores each compute whole rows of the image in one pass, so that their results
stay in the L1 of the cores that wrote them, and a chain of elementwise ops and a softmax whose
cores write pieces of rows or whole rows. fp32 to ONNX's tolerances, bf16 to PCC 0.999."""
import numpy as np
import onnx
import pytest
from onnx import TensorProto, helper, numpy_helper

from conftest import run
from tessel.models import pcc
from test_channels_last import conv_ref


def bottleneck(path, channels=64, size=56, seed=0, blocks=1, stem=False):
    """`blocks` bottlenecks in a row, each adding its input to its last convolution, after a 1x1
    convolution and ReLU with `stem`; returns the input and float64 numpy's output."""
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((1, channels, size, size)).astype(np.float32)
    nodes, inits = [], []
    block_in, block_ref = "x", x.astype(np.float64)
    if stem:
        w = (rng.standard_normal((channels, channels, 1, 1)) / np.sqrt(channels)).astype(np.float32)
        inits.append(numpy_helper.from_array(w, "s.w"))
        nodes += [helper.make_node("Conv", ["x", "s.w"], ["s"], name="s", kernel_shape=[1, 1]),
                  helper.make_node("Relu", ["s"], ["s.r"], name="s.relu")]
        block_in = "s.r"
        block_ref = np.maximum(conv_ref(block_ref, w.astype(np.float64), np.zeros(channels), 1, 0),
                               0.0)
    for blk in range(blocks):
        value, source = block_in, block_ref
        for i, (name, k, pad) in enumerate([("c1", 1, 0), ("c2", 3, 1), ("c3", 1, 0)]):
            name = f"b{blk}.{name}" if blocks > 1 else name
            w = (rng.standard_normal((channels, channels, k, k)) / np.sqrt(channels * k * k))
            b = rng.standard_normal(channels) * 0.1
            w, b = w.astype(np.float32), b.astype(np.float32)
            inits += [numpy_helper.from_array(w, f"{name}.w"),
                      numpy_helper.from_array(b, f"{name}.b")]
            nodes.append(helper.make_node("Conv", [value, f"{name}.w", f"{name}.b"], [name],
                                          name=name, kernel_shape=[k, k], pads=[pad] * 4))
            source = conv_ref(source, w.astype(np.float64), b.astype(np.float64), 1, pad)
            value = name
            if i < 2:
                nodes.append(helper.make_node("Relu", [name], [f"{name}.r"], name=f"{name}.relu"))
                source, value = np.maximum(source, 0.0), f"{name}.r"
        out = "y" if blk == blocks - 1 else f"b{blk}.y"
        nodes += [helper.make_node("Add", [value, block_in], [f"{out}.s"], name=f"{out}.add"),
                  helper.make_node("Relu", [f"{out}.s"], [out], name=f"{out}.out")]
        block_in, block_ref = out, np.maximum(source + block_ref, 0.0)
    graph = helper.make_graph(
        nodes, "g", [helper.make_tensor_value_info("x", TensorProto.FLOAT, list(x.shape))],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, list(x.shape))], inits)
    onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)]), path)
    return x, block_ref


def compile_and_run(tmp, model, x, precision):
    """Compiles `model` at `precision`, runs it on `x`; returns --print-op-configs and the
    output."""
    np.save(tmp / "x.npy", x)
    configs = run(["tt-compile", model, "-o", tmp / "m.ttb", f"--precision={precision}",
                   "--print-op-configs"]).stdout
    run(["tt-run", tmp / "m.ttb", f"--input=@{tmp / 'x.npy'}", f"--output=@{tmp / 'y.npy'}",
         "--quiet"])
    return configs, np.load(tmp / "y.npy")


def check_numbers(y, ref, precision, atol):
    if precision == "fp32":
        np.testing.assert_allclose(y, ref, rtol=1e-3, atol=atol)
    else:
        assert pcc(y, ref) >= 0.999


@pytest.mark.parametrize("precision", ["fp32", "bf16"])
def test_bottleneck_with_height_shards(tmp, precision):
    x, ref = bottleneck(tmp / "block.onnx")
    configs, y = compile_and_run(tmp, tmp / "block.onnx", x, precision)
    # Convolution results are sharded over the cores that computed them (in bf16 all three; in
    # fp32 the 3x3 takes its rows in two passes, so the first stays interleaved).
    sharded = {line.split(" ")[0] for line in configs.splitlines() if "height_sharded" in line}
    assert sharded >= ({"c3"} if precision == "fp32" else {"c1,c1.relu", "c2,c2.relu", "c3"}), configs
    check_numbers(y, ref, precision, atol=1e-3)


@pytest.mark.parametrize("precision", ["fp32", "bf16"])
def test_bottleneck_written_over_its_residual(tmp, precision):
    # Each block adds its input, the stem's or the first block's output: a matmul's L1 result
    # that the block's first convolution has read by then. Its last convolution writes over it,
    # in one buffer.
    x, ref = bottleneck(tmp / "blocks.onnx", blocks=2, stem=True)
    configs, y = compile_and_run(tmp, tmp / "blocks.onnx", x, precision)
    over = [line.split(" ")[0] for line in configs.splitlines()
            if line.endswith("written over its residual")]
    assert over == ["b0.c3,b0.y.add,b0.y.out", "b1.c3,y.add,y.out"], configs
    check_numbers(y, ref, precision, atol=1e-3)


def streaming_chain(path, rows=256, cols=512, seed=1):
    """y = softmax(x * x + x) * x over the last axis: elementwise results whose cores each write
    a piece of a row, and a softmax whose cores each write whole rows."""
    x = np.random.default_rng(seed).standard_normal((rows, cols)).astype(np.float32) * 0.5
    nodes = [helper.make_node("Mul", ["x", "x"], ["sq"], name="sq"),
             helper.make_node("Add", ["sq", "x"], ["sum"], name="sum"),
             helper.make_node("Softmax", ["sum"], ["p"], name="p", axis=-1),
             helper.make_node("Mul", ["p", "x"], ["y"], name="out")]
    graph = helper.make_graph(
        nodes, "g", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [rows, cols])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [rows, cols])])
    onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)]), path)
    s = x.astype(np.float64) ** 2 + x
    e = np.exp(s - s.max(axis=-1, keepdims=True))
    return x, e / e.sum(axis=-1, keepdims=True) * x


@pytest.mark.parametrize("precision", ["fp32", "bf16"])
def test_streaming_ops_with_shards(tmp, precision):
    x, ref = streaming_chain(tmp / "chain.onnx")
    configs, y = compile_and_run(tmp, tmp / "chain.onnx", x, precision)
    layouts = {line.split(" ")[0]: line for line in configs.splitlines()}
    assert "block_sharded 1x2 tiles per core over 8x8 cores" in layouts["sq"], configs
    assert "block_sharded 1x2 tiles per core over 8x8 cores" in layouts["sum"], configs
    assert "height_sharded 1x16 tiles per core over 8x1 cores" in layouts["p"], configs
    check_numbers(y, ref, precision, atol=1e-5)
