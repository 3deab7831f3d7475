"""Writes the ONNX models of test/Import/import-data-movement.test into the directory argv[1].

Run with /usr/bin/python3 (Debian's python3-onnx); only onnx.helper is needed, no numpy.
"""
from onnx import TensorProto, helper

from onnx_models import model, ramp, vi, write_models

F, I64 = TensorProto.FLOAT, TensorProto.INT64


def ints(name, values):
    return helper.make_tensor(name, I64, [len(values)], values)


def floats(name, shape, values):
    return helper.make_tensor(name, F, shape, values)


def concat():
    # Three inputs along axis 1 ([2,2] each into [2,6]); two along a negative axis.
    nodes = [
        helper.make_node("Concat", ["a", "b", "c"], ["y"], axis=1, name="concat3"),
        helper.make_node("Concat", ["r", "s"], ["z"], axis=-2, name="concat_neg"),
    ]
    return model("concat", nodes,
                 [vi("a", F, [2, 2]), vi("b", F, [2, 2]), vi("c", F, [2, 2]), vi("r", F, [1, 3]),
                  vi("s", F, [2, 3])],
                 [vi("y", F, [2, 6]), vi("z", F, [3, 3])])


def concat_small():
    # [1,3] then [8,3]: the result reads the first input up to 8 rows above its end.
    nodes = [helper.make_node("Concat", ["a", "b"], ["y"], axis=0, name="concat_small")]
    return model("concat_small", nodes, [vi("a", F, [1, 3]), vi("b", F, [8, 3])],
                 [vi("y", F, [9, 3])])


def slice_():
    # x[1:3, 0:6:2] with the axes listed out of order; a reversal with a negative start;
    # default axes and steps.
    inits = [
        ints("st", [0, 1]), ints("en", [6, 3]), ints("ax", [1, 0]), ints("sp", [2, 1]),
        ints("rst", [-1]), ints("ren", [-100]), ints("rax", [1]), ints("rsp", [-1]),
        ints("dst", [2]), ints("den", [4]),
    ]
    nodes = [
        helper.make_node("Slice", ["x", "st", "en", "ax", "sp"], ["y"], name="strided"),
        helper.make_node("Slice", ["x", "rst", "ren", "rax", "rsp"], ["r"], name="reversed"),
        helper.make_node("Slice", ["x", "dst", "den"], ["d"], name="defaults"),
    ]
    return model("slice", nodes, [vi("x", F, [4, 6])],
                 [vi("y", F, [2, 3]), vi("r", F, [4, 6]), vi("d", F, [2, 6])], initializer=inits)


def slice_dynamic():
    inits = [ints("en", [3])]
    nodes = [helper.make_node("Slice", ["x", "st", "en"], ["y"], name="dyn_slice")]
    return model("slice_dynamic", nodes, [vi("x", F, [4, 6]), vi("st", I64, [1])],
                 [vi("y", F, [3, 6])], initializer=inits)


def pad():
    # Begins [1, 2], ends [0, 1], fill 1.5; then the default fill 0 with a negative (cropping) pad.
    inits = [ints("pads", [1, 2, 0, 1]), floats("val", [], [1.5]), ints("crop", [0, -1, 2, 0])]
    nodes = [
        helper.make_node("Pad", ["x", "pads", "val"], ["y"], mode="constant", name="pad_value"),
        helper.make_node("Pad", ["x", "crop"], ["z"], name="pad_crop"),
    ]
    return model("pad", nodes, [vi("x", F, [2, 3])], [vi("y", F, [3, 6]), vi("z", F, [4, 2])],
                 initializer=inits)


def pad_runtime():
    nodes = [helper.make_node("Pad", ["x", "pads"], ["y"], mode="reflect", name="pad_runtime")]
    return model("pad_runtime", nodes, [vi("x", F, [3, 3]), vi("pads", TensorProto.INT64, [4])],
                 [vi("y", F, [5, 5])])


def depth_bad_mode():
    nodes = [helper.make_node("DepthToSpace", ["x"], ["y"], blocksize=2, mode="RCD",
                              name="bad_depth")]
    return model("depth_bad_mode", nodes, [vi("x", F, [1, 8, 2, 2])], [vi("y", F, [1, 2, 4, 4])])


def expand_tile():
    inits = [ints("shape", [2, 3, 4]), ints("reps", [2, 2]), ints("reps1", [3, 1])]
    nodes = [
        helper.make_node("Expand", ["x", "shape"], ["e"], name="expand"),
        helper.make_node("Tile", ["t", "reps"], ["y"], name="tile"),
        helper.make_node("Tile", ["u", "reps1"], ["z"], name="tile_unit"),
    ]
    return model("expand_tile", nodes,
                 [vi("x", F, [3, 1]), vi("t", F, [2, 3]), vi("u", F, [1, 3])],
                 [vi("e", F, [2, 3, 4]), vi("y", F, [4, 6]), vi("z", F, [3, 3])],
                 initializer=inits)


def split():
    inits = [ints("sizes", [2, 4])]
    nodes = [
        helper.make_node("Split", ["x", "sizes"], ["a", "b"], axis=0, name="split_sizes"),
        helper.make_node("Split", ["w"], ["p", "q", "r"], axis=-1, name="split_equal"),
    ]
    return model("split", nodes, [vi("x", F, [6, 4]), vi("w", F, [2, 6])],
                 [vi("a", F, [2, 4]), vi("b", F, [4, 4]), vi("p", F, [2, 2]), vi("q", F, [2, 2]),
                  vi("r", F, [2, 2])], initializer=inits)


def depth_space():
    nodes = [
        helper.make_node("DepthToSpace", ["x"], ["dcr"], blocksize=2, name="d2s_dcr"),
        helper.make_node("DepthToSpace", ["x"], ["crd"], blocksize=2, mode="CRD", name="d2s_crd"),
        helper.make_node("SpaceToDepth", ["s"], ["s2d"], blocksize=2, name="s2d"),
    ]
    return model("depth_space", nodes, [vi("x", F, [1, 8, 2, 3]), vi("s", F, [1, 2, 4, 6])],
                 [vi("dcr", F, [1, 2, 4, 6]), vi("crd", F, [1, 2, 4, 6]),
                  vi("s2d", F, [1, 8, 2, 3])])


def conv2d():
    # 4 channels in 2 groups, 6 out; kernel 3x3, pads [1, 2, 1, 2], strides [2, 1],
    # dilations [1, 2]: [1,4,5,5] -> [1,6,3,5].
    inits = [ramp("w", [6, 2, 3, 3]), floats("b", [6], [0.5, -0.5, 1.0, -1.0, 2.0, -2.0])]
    nodes = [helper.make_node("Conv", ["x", "w", "b"], ["y"], group=2, pads=[1, 2, 1, 2],
                              strides=[2, 1], dilations=[1, 2], kernel_shape=[3, 3], name="conv")]
    return model("conv2d", nodes, [vi("x", F, [1, 4, 5, 5])], [vi("y", F, [1, 6, 3, 5])],
                 initializer=inits)


def conv1d():
    # No bias, stride 2: [1,2,8] * [4,2,3] -> [1,4,3].
    inits = [ramp("w", [4, 2, 3])]
    nodes = [helper.make_node("Conv", ["x", "w"], ["y"], strides=[2], name="conv1d")]
    return model("conv1d", nodes, [vi("x", F, [1, 2, 8])], [vi("y", F, [1, 4, 3])],
                 initializer=inits)


def pools():
    # 3x3 windows, stride 2, pads 1: [1,2,5,5] -> [1,2,3,3].
    attrs = dict(kernel_shape=[3, 3], strides=[2, 2], pads=[1, 1, 1, 1])
    nodes = [
        helper.make_node("MaxPool", ["x"], ["mx"], name="maxpool", **attrs),
        helper.make_node("AveragePool", ["x"], ["av0"], name="avg_exclude", **attrs),
        helper.make_node("AveragePool", ["x"], ["av1"], count_include_pad=1, name="avg_include",
                         **attrs),
    ]
    return model("pools", nodes, [vi("x", F, [1, 2, 5, 5])],
                 [vi("mx", F, [1, 2, 3, 3]), vi("av0", F, [1, 2, 3, 3]),
                  vi("av1", F, [1, 2, 3, 3])])


def global_pools():
    nodes = [
        helper.make_node("GlobalAveragePool", ["x"], ["avg"], name="gap"),
        helper.make_node("GlobalMaxPool", ["x"], ["max"], name="gmp"),
    ]
    return model("global_pools", nodes, [vi("x", F, [1, 3, 4, 5])],
                 [vi("avg", F, [1, 3, 1, 1]), vi("max", F, [1, 3, 1, 1])])


def batch_norm():
    inits = [floats("scale", [3], [1.0, 2.0, 0.5]), floats("bias", [3], [0.0, 0.1, -0.1]),
             floats("mean", [3], [0.5, -0.5, 0.0]), floats("var", [3], [1.0, 4.0, 0.25])]
    nodes = [helper.make_node("BatchNormalization", ["x", "scale", "bias", "mean", "var"], ["y"],
                              epsilon=1e-3, name="bn")]
    return model("batch_norm", nodes, [vi("x", F, [1, 3, 4, 4])], [vi("y", F, [1, 3, 4, 4])],
                 initializer=inits)


def batch_norm_training():
    inits = [floats("scale", [3], [1.0, 2.0, 0.5]), floats("bias", [3], [0.0, 0.1, -0.1]),
             floats("mean", [3], [0.5, -0.5, 0.0]), floats("var", [3], [1.0, 4.0, 0.25])]
    nodes = [helper.make_node("BatchNormalization", ["x", "scale", "bias", "mean", "var"],
                              ["y", "running_mean", "running_var"], training_mode=1,
                              momentum=0.8, name="bn_train")]
    return model("batch_norm_training", nodes, [vi("x", F, [2, 3, 4, 4])],
                 [vi("y", F, [2, 3, 4, 4]), vi("running_mean", F, [3]), vi("running_var", F, [3])],
                 initializer=inits, opset=15)


def instance_norm():
    inits = [floats("scale", [3], [1.0, 2.0, 0.5]), floats("bias", [3], [0.0, 0.1, -0.1])]
    nodes = [helper.make_node("InstanceNormalization", ["x", "scale", "bias"], ["y"],
                              name="in")]
    return model("instance_norm", nodes, [vi("x", F, [2, 3, 4, 5])], [vi("y", F, [2, 3, 4, 5])],
                 initializer=inits)


def layer_norm():
    # The default last axis with scale and bias; then axis 1 without bias, all three outputs.
    inits = [floats("scale", [4], [1.0, 2.0, 0.5, 1.0]), floats("bias", [4], [0.0, 0.1, -0.1, 0.0]),
             ramp("scale2", [3, 4])]
    nodes = [
        helper.make_node("LayerNormalization", ["x", "scale", "bias"], ["y"], name="ln_last"),
        helper.make_node("LayerNormalization", ["x", "scale2"], ["z", "mean", "inv"], axis=1,
                         epsilon=1e-3, name="ln_axis1"),
    ]
    return model("layer_norm", nodes, [vi("x", F, [2, 3, 4])],
                 [vi("y", F, [2, 3, 4]), vi("z", F, [2, 3, 4]), vi("mean", F, [2, 1, 1]),
                  vi("inv", F, [2, 1, 1])], initializer=inits, opset=17)


def main():
    write_models([concat, concat_small, slice_, slice_dynamic, pad, pad_runtime, depth_bad_mode,
                  expand_tile, split, depth_space, conv2d, conv1d, pools, global_pools, batch_norm,
                  batch_norm_training, instance_norm, layer_norm])


if __name__ == "__main__":
    main()
