"""Writes the ONNX models of test/Import/import-if.test into the directory argv[1]."""
import os
import sys

from onnx import TensorProto, helper, save

from onnx_models import model, vi, write_models

F, B = TensorProto.FLOAT, TensorProto.BOOL


def branches():
    then_graph = helper.make_graph([helper.make_node("Relu", ["x"], ["t"])], "then_body", [],
                                   [vi("t", F, [2, 3])])
    else_graph = helper.make_graph([helper.make_node("Neg", ["x"], ["e"])], "else_body", [],
                                   [vi("e", F, [2, 3])])
    return then_graph, else_graph


def if_runtime():
    then_graph, else_graph = branches()
    nodes = [helper.make_node("If", ["c"], ["y"], then_branch=then_graph, else_branch=else_graph,
                              name="choose")]
    return model("if_runtime", nodes, [vi("c", B, []), vi("x", F, [2, 3])], [vi("y", F, [2, 3])])


def if_constant():
    then_graph, else_graph = branches()
    nodes = [helper.make_node("Constant", [], ["c"], value=helper.make_tensor("v", B, [], [0])),
             helper.make_node("If", ["c"], ["y"], then_branch=then_graph, else_branch=else_graph,
                              name="choose")]
    return model("if_constant", nodes, [vi("x", F, [2, 3])], [vi("y", F, [2, 3])])


def if_unsupported():
    then_graph = helper.make_graph([helper.make_node("Unique", ["x"], ["t"])], "then_body", [],
                                   [vi("t", F, [6])])
    else_graph = helper.make_graph([helper.make_node("NonZero", ["x"], ["e"])], "else_body", [],
                                   [vi("e", F, [6])])
    nodes = [helper.make_node("If", ["c"], ["y"], then_branch=then_graph, else_branch=else_graph)]
    return model("if_unsupported", nodes, [vi("c", B, []), vi("x", F, [6])], [vi("y", F, [6])])


def main():
    write_models([if_runtime, if_constant])
    # Not checked: the checker would not take the unsupported branches' types.
    save(if_unsupported(), os.path.join(sys.argv[1], "if_unsupported.onnx"))


if __name__ == "__main__":
    main()
