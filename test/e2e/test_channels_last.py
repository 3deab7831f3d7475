"""Convolutions and pools computed channels-last, against float64 numpy: a small ResNet-style
network (stem, max pool, a bottleneck with its residual, a strided bottleneck with a downsample,
an average pool and a global one), MobileNetV2-style inverted residuals (depthwise convolutions
as windowed multiply-accumulates) and pools with every padding rule. fp32 to ONNX's tolerances,
bf16 to PCC 0.999. Between convolutions nothing goes back to [N, C, H, W]: the only layout
changes left are the input's and the windows of the 3x3 convolutions and pools, and every bias,
residual add and ReLU runs inside a matmul."""
import json

import numpy as np
import onnx
import pytest
from onnx import TensorProto, helper, numpy_helper

from conftest import run


def conv_ref(x, w, b, stride, pad, depthwise=False):
    n, c, h, wd = x.shape
    m, _, k, _ = w.shape
    xp = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    oh, ow = (h + 2 * pad - k) // stride + 1, (wd + 2 * pad - k) // stride + 1
    out = np.zeros((n, m, oh, ow))
    for i in range(k):
        for j in range(k):
            patch = xp[:, :, i:i + stride * oh:stride, j:j + stride * ow:stride]
            if depthwise:
                out += patch * w[None, :, 0, i, j, None, None]
            else:
                out += np.einsum("nchw,mc->nmhw", patch, w[:, :, i, j])
    return out + b[None, :, None, None]


def pool_ref(x, kind, k, stride, pads, out_hw, count_include_pad=False):
    """ONNX pooling with begin pads pads[:2] and end pads pads[2:]; windows past the end pad (ceil
    mode) count nothing."""
    n, c, h, w = x.shape
    oh, ow = out_hw
    out = np.zeros((n, c, oh, ow))
    for i in range(oh):
        for j in range(ow):
            r0, c0 = i * stride - pads[0], j * stride - pads[1]
            rows = [r for r in range(r0, r0 + k) if 0 <= r < h]
            cols = [q for q in range(c0, c0 + k) if 0 <= q < w]
            win = x[:, :, rows][:, :, :, cols]
            if kind == "max":
                out[:, :, i, j] = win.max(axis=(2, 3))
            else:
                if count_include_pad:
                    rr = [r for r in range(r0, r0 + k) if -pads[0] <= r < h + pads[2]]
                    cc = [q for q in range(c0, c0 + k) if -pads[1] <= q < w + pads[3]]
                    count = len(rr) * len(cc)
                else:
                    count = len(rows) * len(cols)
                out[:, :, i, j] = win.sum(axis=(2, 3)) / count
    return out


class Net:
    def __init__(self, seed):
        self.rng = np.random.default_rng(seed)
        self.nodes, self.inits, self.params = [], [], {}

    def conv(self, x, cin, cout, k, stride, name, group=1):
        w = self.rng.standard_normal((cout, cin // group, k, k)) / np.sqrt(cin // group * k * k)
        b = 0.1 * self.rng.standard_normal(cout)
        self.inits += [numpy_helper.from_array(w.astype(np.float32), f"{name}.w"),
                       numpy_helper.from_array(b.astype(np.float32), f"{name}.b")]
        self.params[name] = (w.astype(np.float32).astype(np.float64),
                             b.astype(np.float32).astype(np.float64))
        self.nodes.append(helper.make_node("Conv", [x, f"{name}.w", f"{name}.b"], [name], name=name,
                                           strides=[stride] * 2, pads=[k // 2] * 4, group=group))
        return name

    def op(self, op, inputs, name, **attrs):
        self.nodes.append(helper.make_node(op, inputs, [name], name=name, **attrs))
        return name


def resnet_like(path, seed=0, batch=1):
    """[1,16,16,16] -> stem 3x3 to 64, ReLU, max pool 3x3/2 -> [1,64,8,8] -> bottleneck (64, 32)
    with identity residual -> strided bottleneck (32, 128) with a 1x1/2 downsample -> [1,128,4,4]
    -> average pool 3x3/1 pad 1 -> global average pool -> [1,128]."""
    net = Net(seed)
    x = net.op("Relu", [net.conv("x", 16, 64, 3, 1, "stem")], "stem.relu")
    x = net.op("MaxPool", [x], "maxpool", kernel_shape=[3, 3], strides=[2, 2], pads=[1] * 4)
    y = net.op("Relu", [net.conv(x, 64, 32, 1, 1, "b1.c1")], "b1.r1")
    y = net.op("Relu", [net.conv(y, 32, 32, 3, 1, "b1.c2")], "b1.r2")
    y = net.conv(y, 32, 64, 1, 1, "b1.c3")
    x = net.op("Relu", [net.op("Add", [y, x], "b1.add")], "b1.out")
    y = net.op("Relu", [net.conv(x, 64, 32, 1, 1, "b2.c1")], "b2.r1")
    y = net.op("Relu", [net.conv(y, 32, 32, 3, 2, "b2.c2")], "b2.r2")
    y = net.conv(y, 32, 128, 1, 1, "b2.c3")
    s = net.conv(x, 64, 128, 1, 2, "b2.ds")
    x = net.op("Relu", [net.op("Add", [y, s], "b2.add")], "b2.out")
    x = net.op("AveragePool", [x], "avg", kernel_shape=[3, 3], strides=[1, 1], pads=[1] * 4)
    x = net.op("GlobalAveragePool", [x], "gap")
    net.op("Flatten", [x], "y")
    graph = helper.make_graph(
        net.nodes, "resnet_like",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [batch, 16, 16, 16])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [batch, 128])], net.inits)
    onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)]), path)

    p = net.params
    relu = lambda v: np.maximum(v, 0)  # noqa: E731
    x = net.rng.standard_normal((batch, 16, 16, 16)).astype(np.float32)
    h = relu(conv_ref(x.astype(np.float64), *p["stem"], 1, 1))
    h = pool_ref(h, "max", 3, 2, [1] * 4, (8, 8))
    y = relu(conv_ref(h, *p["b1.c1"], 1, 0))
    y = relu(conv_ref(y, *p["b1.c2"], 1, 1))
    h = relu(conv_ref(y, *p["b1.c3"], 1, 0) + h)
    y = relu(conv_ref(h, *p["b2.c1"], 1, 0))
    y = relu(conv_ref(y, *p["b2.c2"], 2, 1))
    h = relu(conv_ref(y, *p["b2.c3"], 1, 0) + conv_ref(h, *p["b2.ds"], 2, 0))
    h = pool_ref(h, "avg", 3, 1, [1] * 4, (4, 4))
    return x, h.mean(axis=(2, 3))


def check(y, ref, precision):
    if precision == "fp32":
        np.testing.assert_allclose(y, ref, rtol=1e-3, atol=1e-4)
    else:
        assert np.corrcoef(y.ravel(), ref.ravel())[0, 1] >= 0.999


def compile_and_run(tmp, x, precision):
    np.save(tmp / "x.npy", x)
    run(["tt-compile", tmp / "m.onnx", "-o", tmp / "m.ttb", f"--precision={precision}"])
    run(["tt-run", tmp / "m.ttb", f"--input=@{tmp / 'x.npy'}", f"--output=@{tmp / 'y.npy'}",
         f"--perf-report={tmp / 'perf.json'}", "--quiet"])
    return np.load(tmp / "y.npy"), json.loads((tmp / "perf.json").read_text())["dispatches"]


# A batch of 3: the images' rows of channels follow each other, windows never cross from one
# image into the next, and the global pool reduces each image's rows.
@pytest.mark.parametrize("batch", [1, 3])
@pytest.mark.parametrize("precision", ["fp32", "bf16"])
def test_resnet_like(tmp, precision, batch):
    x, ref = resnet_like(tmp / "m.onnx", batch=batch)
    y, dispatches = compile_and_run(tmp, x, precision)
    check(y, ref, precision)
    ops = [d["op"] for d in dispatches]
    # Biases, residual adds and ReLUs all joined the matmuls.
    assert not {"add", "relu"} & set(ops), ops
    assert ops.count("matmul") == 8, ops
    # Layout changes: the input to rows, the windows of the stem, the max pool, both 3x3
    # convolutions, the strided downsample and the average pool, and the output's.
    assert ops.count("remap") <= 8, ops


def mobilenet_like(path, seed=2, batch=1):
    """[1,24,12,12] -> inverted residual (expand 1x1 to 144, depthwise 3x3, ReLU6 as Clip,
    project 1x1 to 24, residual add) -> inverted residual with a stride-2 depthwise over 144
    channels (a partial tile of channels) -> project to 32."""
    net = Net(seed)
    net.inits += [numpy_helper.from_array(np.array(0.0, np.float32), "lo"),
                  numpy_helper.from_array(np.array(6.0, np.float32), "hi")]
    relu6 = lambda v, name: net.op("Clip", [v, "lo", "hi"], name)  # noqa: E731
    y = relu6(net.conv("x", 24, 144, 1, 1, "e1"), "e1.r")
    y = relu6(net.conv(y, 144, 144, 3, 1, "d1", group=144), "d1.r")
    y = net.conv(y, 144, 24, 1, 1, "p1")
    x = net.op("Add", [y, "x"], "a1")
    y = relu6(net.conv(x, 24, 144, 1, 1, "e2"), "e2.r")
    y = relu6(net.conv(y, 144, 144, 3, 2, "d2", group=144), "d2.r")
    net.conv(y, 144, 32, 1, 1, "y")
    net.nodes[-1].output[0] = "y"
    graph = helper.make_graph(
        net.nodes, "mobilenet_like",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [batch, 24, 12, 12])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [batch, 32, 6, 6])], net.inits)
    onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)]), path)

    p = net.params
    clip = lambda v: np.clip(v, 0, 6)  # noqa: E731
    x = net.rng.standard_normal((batch, 24, 12, 12)).astype(np.float32)
    h = x.astype(np.float64)
    y = clip(conv_ref(h, *p["e1"], 1, 0))
    y = clip(conv_ref(y, *p["d1"], 1, 1, depthwise=True))
    h = conv_ref(y, *p["p1"], 1, 0) + h
    y = clip(conv_ref(h, *p["e2"], 1, 0))
    y = clip(conv_ref(y, *p["d2"], 2, 1, depthwise=True))
    return x, conv_ref(y, *p["y"], 1, 0)


@pytest.mark.parametrize("batch", [1, 2])
@pytest.mark.parametrize("precision", ["fp32", "bf16"])
def test_mobilenet_like(tmp, precision, batch):
    x, ref = mobilenet_like(tmp / "m.onnx", batch=batch)
    y, dispatches = compile_and_run(tmp, x, precision)
    check(y, ref, precision)
    # A dispatch tt-fuse-tile-loops made names each op it computes ("remap+add").
    ops = [op for d in dispatches for op in d["op"].split("+")]
    # Depthwise convolutions multiply their windows and sum the taps; only the four pointwise
    # convolutions are matmuls.
    assert ops.count("matmul") == 4 and ops.count("reduce_sum") == 2, ops
    # Their biases and ReLU6s run in the same dispatch; the one add left is the residual with
    # the network's input, which arrives as [N, C, H, W].
    assert "clip" not in ops and ops.count("add") == 1, ops


def pools_model(path, ceil_mode, seed=1):
    nodes = [
        helper.make_node("MaxPool", ["x"], ["mx"], kernel_shape=[3, 3], strides=[2, 2],
                         pads=[1, 0, 0, 1], ceil_mode=ceil_mode),
        helper.make_node("AveragePool", ["x"], ["av0"], kernel_shape=[3, 3], strides=[2, 2],
                         pads=[1, 0, 0, 1], ceil_mode=ceil_mode),
        helper.make_node("AveragePool", ["x"], ["av1"], kernel_shape=[3, 3], strides=[2, 2],
                         pads=[1, 0, 0, 1], ceil_mode=ceil_mode, count_include_pad=1),
        helper.make_node("GlobalMaxPool", ["x"], ["gm"]),
    ]
    h = (7 + 1 - 3 + (1 if ceil_mode else 0)) // 2 + 1
    w = (7 + 1 - 3 + (1 if ceil_mode else 0)) // 2 + 1
    outs = [helper.make_tensor_value_info(n, TensorProto.FLOAT, [1, 64, h, w])
            for n in ("mx", "av0", "av1")]
    outs.append(helper.make_tensor_value_info("gm", TensorProto.FLOAT, [1, 64, 1, 1]))
    graph = helper.make_graph(nodes, "pools",
                              [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 64, 7, 7])],
                              outs)
    onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)]), path)
    x = np.random.default_rng(seed).standard_normal((1, 64, 7, 7)).astype(np.float32)
    xd = x.astype(np.float64)
    pads = [1, 0, 0, 1]
    refs = [pool_ref(xd, "max", 3, 2, pads, (h, w)), pool_ref(xd, "avg", 3, 2, pads, (h, w)),
            pool_ref(xd, "avg", 3, 2, pads, (h, w), count_include_pad=True),
            xd.max(axis=(2, 3), keepdims=True)]
    return x, refs


@pytest.mark.parametrize("ceil_mode", [0, 1])
@pytest.mark.parametrize("precision", ["fp32", "bf16"])
def test_pools(tmp, ceil_mode, precision):
    x, refs = pools_model(tmp / "m.onnx", ceil_mode)
    np.save(tmp / "x.npy", x)
    run(["tt-compile", tmp / "m.onnx", "-o", tmp / "m.ttb", f"--precision={precision}"])
    outs = [tmp / f"y{i}.npy" for i in range(4)]
    run(["tt-run", tmp / "m.ttb", f"--input=@{tmp / 'x.npy'}", "--quiet",
         *[f"--output=@{o}" for o in outs]])
    for o, ref in zip(outs, refs):
        check(np.load(o), ref, precision)


def stem_model(path, c, size, k, pad, seed=3):
    """A stride-2 convolution over few channels, which tt-decompose-graph computes space to
    depth (four times the channels, half the kernel), and a ReLU."""
    net = Net(seed)
    w = net.rng.standard_normal((32, c, k, k)) / np.sqrt(c * k * k)
    b = 0.1 * net.rng.standard_normal(32)
    net.inits += [numpy_helper.from_array(w.astype(np.float32), "w"),
                  numpy_helper.from_array(b.astype(np.float32), "b")]
    net.nodes.append(helper.make_node("Conv", ["x", "w", "b"], ["c"], strides=[2, 2],
                                      pads=[pad] * 4))
    net.op("Relu", ["c"], "y")
    out = (size + 2 * pad - k) // 2 + 1
    graph = helper.make_graph(
        net.nodes, "stem", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, c, size, size])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 32, out, out])], net.inits)
    onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)]), path)
    x = net.rng.standard_normal((1, c, size, size)).astype(np.float32)
    ref = conv_ref(x.astype(np.float64), w.astype(np.float32).astype(np.float64),
                   b.astype(np.float32).astype(np.float64), 2, pad)
    return x, np.maximum(ref, 0)


# ResNet's 7x7 stem on an odd-sized image (the last row and column of blocks half padding), a
# MobileNet-style 3x3 stem, and an even kernel with an odd pad.
@pytest.mark.parametrize("c,size,k,pad", [(3, 23, 7, 3), (3, 16, 3, 1), (8, 12, 4, 2)])
@pytest.mark.parametrize("precision", ["fp32", "bf16"])
def test_strided_stem_space_to_depth(tmp, c, size, k, pad, precision):
    x, ref = stem_model(tmp / "m.onnx", c, size, k, pad)
    y, dispatches = compile_and_run(tmp, x, precision)
    check(y, ref, precision)
    # The windows are gathered by the matmul's reader: the only remaps left are the input's
    # change to blocks of rows (in two steps for an odd size, whose blocks and channels both
    # read padding) and the output's back to [N, C, H, W].
    ops = [d["op"] for d in dispatches]
    assert ops.count("matmul") == 1 and ops.count("remap") == (3 if size % 2 else 2), ops
    assert "lhs = gather" in next(d["config"] for d in dispatches if d["op"] == "matmul")
