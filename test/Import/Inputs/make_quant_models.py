"""Writes the ONNX models of test/Import/import-quant.test into the directory argv[1].

Run with /usr/bin/python3 (Debian's python3-onnx); only onnx.helper is needed, no numpy.
"""
from onnx import TensorProto, helper

from onnx_models import model, vi, write_models

F, U8, I8, I32 = TensorProto.FLOAT, TensorProto.UINT8, TensorProto.INT8, TensorProto.INT32


def tensor(name, elt, shape, values):
    return helper.make_tensor(name, elt, shape, values)


def quantize():
    # Per-tensor to uint8 with constant parameters; per-axis (axis 1) to int8 with run-time ones;
    # no zero point (uint8 0).
    inits = [tensor("s", F, [], [0.5]), tensor("zp", U8, [], [128])]
    nodes = [
        helper.make_node("QuantizeLinear", ["x", "s", "zp"], ["q"], name="per_tensor"),
        helper.make_node("QuantizeLinear", ["x", "sa", "zpa"], ["qa"], axis=1, name="per_axis"),
        helper.make_node("QuantizeLinear", ["x", "s"], ["qn"], name="no_zero_point"),
    ]
    return model("quantize", nodes, [vi("x", F, [2, 3]), vi("sa", F, [3]), vi("zpa", I8, [3])],
                 [vi("q", U8, [2, 3]), vi("qa", I8, [2, 3]), vi("qn", U8, [2, 3])],
                 initializer=inits)


def dequantize():
    # Per-axis along the last axis of int8, and int32 without a zero point.
    nodes = [
        helper.make_node("DequantizeLinear", ["x", "s", "zp"], ["y"], axis=-1, name="per_axis"),
        helper.make_node("DequantizeLinear", ["i", "t"], ["z"], name="int32"),
    ]
    return model("dequantize", nodes,
                 [vi("x", I8, [2, 4]), vi("s", F, [4]), vi("zp", I8, [4]), vi("i", I32, [3]),
                  vi("t", F, [])],
                 [vi("y", F, [2, 4]), vi("z", F, [3])])


def dynamic():
    nodes = [helper.make_node("DynamicQuantizeLinear", ["x"], ["y", "s", "zp"], name="dyn")]
    return model("dynamic", nodes, [vi("x", F, [2, 3])],
                 [vi("y", U8, [2, 3]), vi("s", F, []), vi("zp", U8, [])], opset=11)


def matmul_integer():
    # A per-row zero point [M] and a per-column one [N].
    nodes = [helper.make_node("MatMulInteger", ["a", "b", "azp", "bzp"], ["y"], name="mmi")]
    return model("matmul_integer", nodes,
                 [vi("a", U8, [4, 3]), vi("b", I8, [3, 2]), vi("azp", U8, [4]),
                  vi("bzp", I8, [2])],
                 [vi("y", I32, [4, 2])], opset=10)


def conv_integer():
    # Padded, with a constant per-output-channel weight zero point.
    inits = [tensor("wzp", U8, [2], [1, 3])]
    nodes = [helper.make_node("ConvInteger", ["x", "w", "xzp", "wzp"], ["y"], pads=[1, 1, 1, 1],
                              name="convi")]
    return model("conv_integer", nodes,
                 [vi("x", U8, [1, 1, 3, 3]), vi("w", U8, [2, 1, 2, 2]), vi("xzp", U8, [])],
                 [vi("y", I32, [1, 2, 4, 4])], initializer=inits, opset=10)


def qlinear():
    # QLinearMatMul with one-element parameters; QLinearConv with a per-channel weight scale and
    # an int32 bias.
    nodes = [
        helper.make_node("QLinearMatMul", ["a", "as", "azp", "b", "bs", "bzp", "ys", "yzp"],
                         ["y"], name="qmm"),
        helper.make_node("QLinearConv",
                         ["x", "xs", "xzp", "w", "ws", "wzp", "cs", "czp", "bias"], ["c"],
                         name="qconv"),
    ]
    inputs = [vi("a", U8, [2, 4]), vi("as", F, [1]), vi("azp", U8, [1]), vi("b", U8, [4, 3]),
              vi("bs", F, [1]), vi("bzp", U8, [1]), vi("ys", F, [1]), vi("yzp", U8, [1]),
              vi("x", I8, [1, 1, 3, 3]), vi("xs", F, []), vi("xzp", I8, []),
              vi("w", I8, [2, 1, 1, 1]), vi("ws", F, [2]), vi("wzp", I8, [2]), vi("cs", F, []),
              vi("czp", I8, []), vi("bias", I32, [2])]
    return model("qlinear", nodes, inputs, [vi("y", U8, [2, 3]), vi("c", I8, [1, 2, 3, 3])],
                 opset=10)


def bad_qlinear_conv():
    # A per-channel input scale, which QLinearConv does not allow.
    nodes = [helper.make_node("QLinearConv", ["x", "xs", "xzp", "w", "ws", "wzp", "ys", "yzp"],
                              ["y"], name="bad_qconv")]
    inputs = [vi("x", U8, [1, 2, 3, 3]), vi("xs", F, [2]), vi("xzp", U8, []),
              vi("w", U8, [1, 2, 1, 1]), vi("ws", F, []), vi("wzp", U8, []), vi("ys", F, []),
              vi("yzp", U8, [])]
    return model("bad_qlinear_conv", nodes, inputs, [vi("y", U8, [1, 1, 3, 3])], opset=10)


def bad_quantize_axis():
    # A per-axis scale whose length does not match the quantized axis.
    nodes = [helper.make_node("QuantizeLinear", ["x", "s", "zp"], ["y"], axis=0,
                              name="bad_axis")]
    return model("bad_quantize_axis", nodes,
                 [vi("x", F, [2, 3]), vi("s", F, [3]), vi("zp", U8, [3])],
                 [vi("y", U8, [2, 3])])


def main():
    write_models([quantize, dequantize, dynamic, matmul_integer, conv_integer, qlinear,
                  bad_qlinear_conv, bad_quantize_axis])


if __name__ == "__main__":
    main()
