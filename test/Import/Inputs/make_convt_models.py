"""Writes the ONNX models of test/Import/import-convt.test into the directory argv[1].

Run with /usr/bin/python3 (Debian's python3-onnx); only onnx.helper is needed, no numpy.
"""
from onnx import TensorProto, helper

import onnx_models
from onnx_models import ramp, vi, write_models

F, I32 = TensorProto.FLOAT, TensorProto.INT32


def model(*args, opset=14, **kwargs):
    return onnx_models.model(*args, opset=opset, **kwargs)


def convt2d():
    # 4 channels in 2 groups, 3 outputs per group, constant weights and bias; strides [2, 1]
    # dilate the rows (a 0/1 matmul), the columns are padded by the im2col remap.
    node = helper.make_node("ConvTranspose", ["x", "w", "b"], ["y"], group=2, strides=[2, 1],
                            pads=[1, 0, 0, 1], name="convt2d")
    return model("convt2d", [node], [vi("x", F, [1, 4, 3, 3])], [vi("y", F, [1, 6, 6, 4])],
                 [ramp("w", [4, 3, 3, 3]), ramp("b", [6])])


def convt_latent():
    # A 1x1 latent grown to 4x4: the padding (3) is beyond the remap's reach, so both axes are
    # padded by a 0/1 matmul. The weights are a graph input: the flip is a remap.
    node = helper.make_node("ConvTranspose", ["x", "w"], ["y"], name="convt_latent")
    return model("convt_latent", [node], [vi("x", F, [2, 3, 1, 1]), vi("w", F, [3, 2, 4, 4])],
                 [vi("y", F, [2, 2, 4, 4])])


def convt_same():
    # 1-D, auto_pad SAME_UPPER with stride 2 and dilation 2.
    node = helper.make_node("ConvTranspose", ["x", "w"], ["y"], auto_pad="SAME_UPPER",
                            strides=[2], dilations=[2], name="convt_same")
    return model("convt_same", [node], [vi("x", F, [1, 2, 4])], [vi("y", F, [1, 1, 8])],
                 [ramp("w", [2, 1, 3])])


def convt_bad():
    node = helper.make_node("ConvTranspose", ["x", "w"], ["y"], auto_pad="SAME_MIDDLE",
                            name="convt_bad")
    return model("convt_bad", [node], [vi("x", F, [1, 1, 3])], [vi("y", F, [1, 1, 5])],
                 [ramp("w", [1, 1, 3])], opset=11)


def einsum():
    nodes = [
        helper.make_node("Einsum", ["a", "b"], ["bmm"], equation="bij, bjk -> bik", name="bmm"),
        helper.make_node("Einsum", ["d"], ["diag"], equation="...ii->...i", name="diag"),
        helper.make_node("Einsum", ["p", "q"], ["dot"], equation="i,i", name="dot"),
        helper.make_node("Einsum", ["d"], ["trans"], equation="kij->jk", name="trans"),
    ]
    return model("einsum", nodes,
                 [vi("a", F, [5, 2, 3]), vi("b", F, [5, 3, 4]), vi("d", F, [3, 4, 4]),
                  vi("p", F, [6]), vi("q", F, [6])],
                 [vi("bmm", F, [5, 2, 4]), vi("diag", F, [3, 4]), vi("dot", F, []),
                  vi("trans", F, [4, 3])], opset=12)


def einsum_bad():
    node = helper.make_node("Einsum", ["a", "b"], ["y"], equation="ij,jk,kl->il", name="bad")
    return model("einsum_bad", [node], [vi("a", F, [2, 3]), vi("b", F, [3, 4])],
                 [vi("y", F, [2, 4])], opset=12)


def lstm():
    # Bidirectional, batch-first, 2 steps, every output; constant sequence lengths that stop one
    # batch entry early mask its steps.
    node = helper.make_node("LSTM", ["x", "w", "r", "b", "lens", "h0", "c0", "p"],
                            ["y", "yh", "yc"], hidden_size=3, direction="bidirectional",
                            layout=1, name="lstm")
    inits = [ramp("w", [2, 12, 2]), ramp("r", [2, 12, 3]), ramp("b", [2, 24]), ramp("p", [2, 9]),
             helper.make_tensor("lens", I32, [2], [2, 1])]
    return model("lstm", [node], [vi("x", F, [2, 2, 2]), vi("h0", F, [2, 2, 3]),
                                  vi("c0", F, [2, 2, 3])],
                 [vi("y", F, [2, 2, 2, 3]), vi("yh", F, [2, 2, 3]), vi("yc", F, [2, 2, 3])],
                 inits)


def gru():
    # Reverse, linear_before_reset, clip; weights as graph inputs.
    node = helper.make_node("GRU", ["x", "w", "r", "b"], ["y", "yh"], hidden_size=2,
                            direction="reverse", linear_before_reset=1, clip=2.0, name="gru")
    return model("gru", [node], [vi("x", F, [3, 1, 2]), vi("w", F, [1, 6, 2]),
                                 vi("r", F, [1, 6, 2]), vi("b", F, [1, 12])],
                 [vi("y", F, [3, 1, 1, 2]), vi("yh", F, [1, 1, 2])])


def rnn_bad():
    node = helper.make_node("RNN", ["x", "w", "r"], ["y", "yh"], hidden_size=2,
                            activations=["Swish"], name="rnn_bad")
    return model("rnn_bad", [node], [vi("x", F, [1, 1, 2]), vi("w", F, [1, 2, 2]),
                                     vi("r", F, [1, 2, 2])],
                 [vi("y", F, [1, 1, 1, 2]), vi("yh", F, [1, 1, 2])])


def main():
    write_models([convt2d, convt_latent, convt_same, convt_bad, einsum, einsum_bad, lstm, gru,
                  rnn_bad])


if __name__ == "__main__":
    main()
