"""ONNX models for the roofline benchmarks: one MatMul, ResNet-50 v1.5 and MobileNetV2.

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
