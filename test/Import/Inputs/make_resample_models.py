"""Writes the ONNX models of test/Import/import-resample.test into the directory argv[1].

Run with /usr/bin/python3 (Debian's python3-onnx); only onnx.helper is needed, no numpy.
"""
import os
import sys

from onnx import TensorProto, checker, helper, save

F, I64 = TensorProto.FLOAT, TensorProto.INT64


def vi(name, elt, shape):
    return helper.make_tensor_value_info(name, elt, shape)


def ints(name, values, shape=None):
    return helper.make_tensor(name, I64, [len(values)] if shape is None else shape, values)


def floats(name, values):
    return helper.make_tensor(name, F, [len(values)], values)


def model(name, nodes, inputs, outputs, initializer=(), opset=13):
    graph = helper.make_graph(nodes, name, inputs, outputs, initializer=list(initializer))
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)])


def resize_nearest():
    # Scales [1, 1, 2, 1.5] on [1, 1, 2, 2]: the unit axes are skipped, the last two each get a
    # matrix (asymmetric, floor: output i reads input floor(i / scale)).
    nodes = [helper.make_node("Resize", ["x", "", "scales"], ["y"], mode="nearest",
                              coordinate_transformation_mode="asymmetric", nearest_mode="floor",
                              name="resize_nearest")]
    return model("resize_nearest", nodes, [vi("x", F, [1, 1, 2, 2])], [vi("y", F, [1, 1, 4, 3])],
                 initializer=[floats("scales", [1, 1, 2, 1.5])])


def resize_linear():
    # Sizes [1, 3, 1, 4] on [1, 3, 1, 2], align_corners: only the last axis is resized, with the
    # weights of positions 0, 1/3, 2/3, 1.
    nodes = [helper.make_node("Resize", ["x", "", "", "sizes"], ["y"], mode="linear",
                              coordinate_transformation_mode="align_corners",
                              name="resize_linear")]
    return model("resize_linear", nodes, [vi("x", F, [1, 3, 1, 2])], [vi("y", F, [1, 3, 1, 4])],
                 initializer=[ints("sizes", [1, 3, 1, 4])])


def resize_cubic():
    # Cubic half_pixel upsampling by 2 along the last axis of a [2, 4] input.
    nodes = [helper.make_node("Resize", ["x", "", "scales"], ["y"], mode="cubic",
                              cubic_coeff_a=-0.5, exclude_outside=1, name="resize_cubic")]
    return model("resize_cubic", nodes, [vi("x", F, [2, 4])], [vi("y", F, [2, 8])],
                 initializer=[floats("scales", [1, 2])])


def resize_crop():
    # tf_crop_and_resize over roi [0.5, 1.5] of a length-3 axis: the last output lies beyond the
    # input, so its row is zero and the extrapolation value 7 is added.
    nodes = [helper.make_node("Resize", ["x", "roi", "", "sizes"], ["y"], mode="linear",
                              coordinate_transformation_mode="tf_crop_and_resize",
                              extrapolation_value=7.0, name="resize_crop")]
    return model("resize_crop", nodes, [vi("x", F, [2, 3])], [vi("y", F, [2, 3])],
                 initializer=[floats("roi", [0, 0.5, 1, 1.5]), ints("sizes", [2, 3])])


def resize_runtime_sizes():
    # Sizes fed at run time only restate the output shape, which is static.
    nodes = [helper.make_node("Resize", ["x", "", "", "sizes"], ["y"], mode="nearest",
                              name="resize_runtime_sizes")]
    return model("resize_runtime_sizes", nodes, [vi("x", F, [1, 2]), vi("sizes", I64, [2])],
                 [vi("y", F, [1, 4])])


def resize_runtime_scales():
    # Linear, half_pixel, scales fed at run time: the unit axis is left alone and the matrix of
    # the last one is computed on the chip from the scale.
    nodes = [helper.make_node("Resize", ["x", "", "scales"], ["y"], mode="linear",
                              name="resize_runtime_scales")]
    return model("resize_runtime_scales", nodes, [vi("x", F, [1, 2]), vi("scales", F, [2])],
                 [vi("y", F, [1, 4])])


def slice_runtime():
    # Starts, ends, axes and steps all fed at run time; only the output shape is static.
    nodes = [helper.make_node("Slice", ["x", "starts", "ends", "axes", "steps"], ["y"],
                              name="slice_runtime")]
    return model("slice_runtime", nodes,
                 [vi("x", F, [4, 3])] + [vi(n, I64, [1]) for n in ["starts", "ends", "axes", "steps"]],
                 [vi("y", F, [2, 3])])


def upsample():
    # Upsample-9, nearest by [1, 3]: output i reads input floor(i / 3).
    nodes = [helper.make_node("Upsample", ["x", "scales"], ["y"], mode="nearest",
                              name="upsample")]
    return model("upsample", nodes, [vi("x", F, [2, 2])], [vi("y", F, [2, 6])],
                 initializer=[floats("scales", [1, 3])], opset=9)


def pad_modes():
    # Reflect by [2 before, 1 after] on a length-3 axis, edge with a crop of the first element,
    # and opset-2 reflect through the attribute.
    nodes = [
        helper.make_node("Pad", ["x", "reflect_pads"], ["r"], mode="reflect", name="pad_reflect"),
        helper.make_node("Pad", ["x", "edge_pads"], ["e"], mode="edge", name="pad_edge"),
    ]
    return model("pad_modes", nodes, [vi("x", F, [2, 3])], [vi("r", F, [2, 6]), vi("e", F, [2, 4])],
                 initializer=[ints("reflect_pads", [0, 2, 0, 1]),
                              ints("edge_pads", [0, -1, 0, 2])])


def pad_runtime():
    # Constant mode with the pads and the value fed at run time.
    nodes = [helper.make_node("Pad", ["x", "pads", "value"], ["y"], mode="constant",
                              name="pad_runtime")]
    return model("pad_runtime", nodes,
                 [vi("x", F, [2, 3]), vi("pads", I64, [4]), vi("value", F, [])],
                 [vi("y", F, [2, 5])])


def resize_runtime_scales_count():
    # Three scales fed at run time for a rank-2 input.
    nodes = [helper.make_node("Resize", ["x", "", "scales"], ["y"], mode="nearest",
                              name="resize_runtime_scales_count")]
    return model("resize_runtime_scales_count", nodes, [vi("x", F, [1, 2]), vi("scales", F, [3])],
                 [vi("y", F, [1, 4])])


def cumsum():
    # Reverse exclusive along axis -1 of [2, 3]: out[i] = sum of x[j] for j > i.
    nodes = [helper.make_node("CumSum", ["x", "axis"], ["y"], exclusive=1, reverse=1,
                              name="cumsum")]
    return model("cumsum", nodes, [vi("x", F, [2, 3])], [vi("y", F, [2, 3])],
                 initializer=[ints("axis", [-1], shape=[])])


def cumsum_runtime_axis():
    nodes = [helper.make_node("CumSum", ["x", "axis"], ["y"], name="cumsum_runtime_axis")]
    return model("cumsum_runtime_axis", nodes, [vi("x", F, [2, 3]), vi("axis", I64, [])],
                 [vi("y", F, [2, 3])])


def dft():
    # A real signal of length 4 along axis 1: the cosine and sine matrices, then the mix into
    # (re, im) along the last axis.
    nodes = [helper.make_node("DFT", ["x"], ["y"], axis=1, name="dft")]
    return model("dft", nodes, [vi("x", F, [1, 4, 1])], [vi("y", F, [1, 4, 2])], opset=17)


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    for make in [resize_nearest, resize_linear, resize_cubic, resize_crop, resize_runtime_sizes,
                 resize_runtime_scales, slice_runtime, upsample, pad_modes, pad_runtime,
                 resize_runtime_scales_count, cumsum, cumsum_runtime_axis, dft]:
        m = make()
        checker.check_model(m)
        save(m, os.path.join(out, m.graph.name + ".onnx"))


if __name__ == "__main__":
    main()
