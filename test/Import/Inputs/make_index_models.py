"""Writes the ONNX models of test/Import/import-index.test into the directory argv[1].

Run with /usr/bin/python3 (Debian's python3-onnx); only onnx.helper is needed.
"""
from onnx import TensorProto, helper

from onnx_models import model, vi, write_models

F, I64 = TensorProto.FLOAT, TensorProto.INT64


def gather():
    # Embedding lookup: the ids come at run time.
    nodes = [helper.make_node("Gather", ["table", "ids"], ["y"], axis=0, name="embed")]
    return model("gather", nodes, [vi("table", F, [10, 4]), vi("ids", I64, [2, 3])],
                 [vi("y", F, [2, 3, 4])])


def gather_axis1():
    # Along another axis: the one-hot matmul.
    nodes = [helper.make_node("Gather", ["x", "ids"], ["y"], axis=1, name="pick_columns")]
    return model("gather_axis1", nodes, [vi("x", F, [3, 10]), vi("ids", I64, [4])],
                 [vi("y", F, [3, 4])])


def gather_elements():
    nodes = [helper.make_node("GatherElements", ["x", "i"], ["y"], axis=1, name="ge")]
    return model("gather_elements", nodes, [vi("x", F, [3, 5]), vi("i", I64, [3, 2])],
                 [vi("y", F, [3, 2])])


def gather_elements_int():
    # Integer data keeps the one-hot path.
    nodes = [helper.make_node("GatherElements", ["x", "i"], ["y"], axis=0, name="ge_int")]
    return model("gather_elements_int", nodes, [vi("x", I64, [4, 3]), vi("i", I64, [2, 3])],
                 [vi("y", I64, [2, 3])])


def scatter_nd():
    nodes = [helper.make_node("ScatterND", ["x", "i", "u"], ["y"], reduction="add", name="snd")]
    return model("scatter_nd", nodes,
                 [vi("x", F, [4, 3]), vi("i", I64, [2, 1]), vi("u", F, [2, 3])],
                 [vi("y", F, [4, 3])], opset=16)


def onehot():
    depth = helper.make_tensor("depth", I64, [], [5])
    values = helper.make_tensor("values", F, [2], [0.0, 1.0])
    nodes = [helper.make_node("OneHot", ["i", "depth", "values"], ["y"], axis=0, name="oh")]
    return model("onehot", nodes, [vi("i", I64, [3])], [vi("y", F, [5, 3])],
                 initializer=[depth, values], opset=11)


def trilu_runtime_k():
    nodes = [helper.make_node("Trilu", ["x", "k"], ["y"], upper=0, name="tril")]
    return model("trilu_runtime_k", nodes, [vi("x", F, [4, 4]), vi("k", I64, [])],
                 [vi("y", F, [4, 4])], opset=14)


def topk():
    k = helper.make_tensor("k", I64, [1], [2])
    nodes = [helper.make_node("TopK", ["x", "k"], ["v", "i"], axis=1, name="top2")]
    return model("topk", nodes, [vi("x", F, [3, 6])], [vi("v", F, [3, 2]), vi("i", I64, [3, 2])],
                 initializer=[k], opset=11)


def max_unpool():
    nodes = [helper.make_node("MaxUnpool", ["x", "i"], ["y"], kernel_shape=[2, 2], strides=[2, 2],
                              name="unpool")]
    return model("max_unpool", nodes, [vi("x", F, [1, 2, 2, 2]), vi("i", I64, [1, 2, 2, 2])],
                 [vi("y", F, [1, 2, 4, 4])], opset=11)


def reverse_sequence():
    nodes = [helper.make_node("ReverseSequence", ["x", "lens"], ["y"], time_axis=0, batch_axis=1,
                              name="reverse")]
    return model("reverse_sequence", nodes, [vi("x", F, [4, 3, 2]), vi("lens", I64, [3])],
                 [vi("y", F, [4, 3, 2])])


def range_runtime():
    # The bounds come at run time; the declared length makes the result's shape static.
    nodes = [helper.make_node("Range", ["start", "limit", "delta"], ["y"], name="steps")]
    return model("range_runtime", nodes, [vi(n, F, []) for n in ("start", "limit", "delta")],
                 [vi("y", F, [4])])


def scatter_bad_reduction():
    nodes = [helper.make_node("ScatterElements", ["x", "i", "u"], ["y"], reduction="avg",
                              name="bad_scatter")]
    return model("scatter_bad_reduction", nodes,
                 [vi("x", F, [4, 3]), vi("i", I64, [2, 3]), vi("u", F, [2, 3])],
                 [vi("y", F, [4, 3])], opset=16)


def main():
    write_models([gather, gather_axis1, gather_elements, gather_elements_int, scatter_nd, onehot,
                  trilu_runtime_k, topk, max_unpool, reverse_sequence, range_runtime,
                  scatter_bad_reduction])


if __name__ == "__main__":
    main()
