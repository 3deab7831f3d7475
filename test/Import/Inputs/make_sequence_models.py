"""Writes the ONNX models of test/Import/import-sequence.test into the directory argv[1]."""
from onnx import TensorProto, helper

from onnx_models import model, vi, write_models

F, I64 = TensorProto.FLOAT, TensorProto.INT64


def split_concat():
    # Split into rows, drop the middle one, append x's first row again, concatenate as columns.
    nodes = [helper.make_node("SplitToSequence", ["x"], ["rows"], axis=0, keepdims=0),
             helper.make_node("Constant", [], ["one"], value=helper.make_tensor("v", I64, [], [1])),
             helper.make_node("SequenceErase", ["rows", "one"], ["kept"]),
             helper.make_node("SequenceLength", ["kept"], ["n"]),
             helper.make_node("SequenceAt", ["rows", "one"], ["middle"]),
             helper.make_node("SequenceInsert", ["kept", "middle"], ["again"]),
             helper.make_node("ConcatFromSequence", ["again"], ["y"], axis=0, new_axis=1)]
    return model("split_concat", nodes, [vi("x", F, [3, 4])],
                 [vi("y", F, [3, 4]), vi("n", I64, [])])


def pick_runtime():
    nodes = [helper.make_node("SequenceConstruct", ["a", "b", "c"], ["s"]),
             helper.make_node("SequenceAt", ["s", "p"], ["y"], name="pick")]
    return model("pick_runtime", nodes,
                 [vi("a", F, [2, 2]), vi("b", F, [2, 2]), vi("c", F, [2, 2]), vi("p", I64, [])],
                 [vi("y", F, [2, 2])])


def insert_runtime():
    nodes = [helper.make_node("SequenceConstruct", ["a", "b"], ["s"]),
             helper.make_node("SequenceInsert", ["s", "a", "p"], ["t"], name="insert"),
             helper.make_node("SequenceLength", ["t"], ["n"])]
    return model("insert_runtime", nodes, [vi("a", F, [2]), vi("b", F, [2]), vi("p", I64, [])],
                 [vi("n", I64, [])])


def main():
    write_models([split_concat, pick_runtime, insert_runtime])


if __name__ == "__main__":
    main()
