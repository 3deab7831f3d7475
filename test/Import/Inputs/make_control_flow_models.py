"""Writes the ONNX models of test/Import/import-control-flow.test into the directory argv[1]."""
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
    then_graph = helper.make_graph([helper.make_node("Frobnicate", ["x"], ["t"],
                                                     domain="com.example")], "then_body",
                                   [], [vi("t", F, [6])])
    else_graph = helper.make_graph([helper.make_node("Twiddle", ["x"], ["e"],
                                                     domain="com.example")],
                                   "else_body", [], [vi("e", F, [6])])
    nodes = [helper.make_node("If", ["c"], ["y"], then_branch=then_graph, else_branch=else_graph)]
    m = model("if_unsupported", nodes, [vi("c", B, []), vi("x", F, [6])], [vi("y", F, [6])])
    m.opset_import.append(helper.make_opsetid("com.example", 1))
    return m


def sum_body():
    """A Scan body: the running sum of 2-vectors, and each partial sum."""
    return helper.make_graph(
        [helper.make_node("Add", ["sum_in", "row"], ["sum_out"]),
         helper.make_node("Identity", ["sum_out"], ["partial"])],
        "sum_body", [vi("sum_in", F, [2]), vi("row", F, [2])],
        [vi("sum_out", F, [2]), vi("partial", F, [2])])


def scan_cumulative():
    # A running sum over the rows of x, scanned in reverse, with every partial sum output.
    nodes = [helper.make_node("Scan", ["init", "x"], ["total", "partials"], body=sum_body(),
                              num_scan_inputs=1, scan_input_directions=[1], name="scan")]
    return model("scan_cumulative", nodes, [vi("init", F, [2]), vi("x", F, [3, 2])],
                 [vi("total", F, [2]), vi("partials", F, [3, 2])])


def scan_batched():
    # Opset 8's Scan: a batch dim before the scanned one, and no sequence lengths given.
    nodes = [helper.make_node("Scan", ["", "init", "x"], ["total", "partials"], body=sum_body(),
                              num_scan_inputs=1, name="scan")]
    return model("scan_batched", nodes, [vi("init", F, [2, 2]), vi("x", F, [2, 3, 2])],
                 [vi("total", F, [2, 2]), vi("partials", F, [2, 3, 2])], opset=8)


def scan_batched_lens():
    # The same, with sequence lengths known only at run time.
    m = scan_batched()
    m.graph.node[0].input[0] = "lens"
    m.graph.input.append(vi("lens", TensorProto.INT32, [2]))
    return m


def loop_constant_trips():
    # Three steps of x <- 2x + i, every partial result kept; as a scripted exporter writes it.
    body = helper.make_graph(
        [helper.make_node("Identity", ["cond_in"], ["cond_out"]),
         helper.make_node("Cast", ["i"], ["i_f"], to=F),
         helper.make_node("Add", ["x_in", "x_in"], ["twice"]),
         helper.make_node("Add", ["twice", "i_f"], ["x_out"]),
         helper.make_node("Identity", ["x_out"], ["partial"])],
        "step_body",
        [vi("i", TensorProto.INT64, []), vi("cond_in", B, []), vi("x_in", F, [2])],
        [vi("cond_out", B, []), vi("x_out", F, [2]), vi("partial", F, [2])])
    nodes = [helper.make_node("Constant", [], ["m"],
                              value=helper.make_tensor("m", TensorProto.INT64, [], [3])),
             helper.make_node("Constant", [], ["go"], value=helper.make_tensor("go", B, [], [1])),
             helper.make_node("Loop", ["m", "go", "x"], ["y", "partials"], body=body,
                              name="loop")]
    return model("loop_constant_trips", nodes, [vi("x", F, [2])],
                 [vi("y", F, [2]), vi("partials", F, [3, 2])])


def loop_runtime_trips():
    body = helper.make_graph(
        [helper.make_node("Identity", ["cond_in"], ["cond_out"]),
         helper.make_node("Add", ["x_in", "x_in"], ["x_out"])],
        "step_body", [vi("i", TensorProto.INT64, []), vi("cond_in", B, []), vi("x_in", F, [2])],
        [vi("cond_out", B, []), vi("x_out", F, [2])])
    nodes = [helper.make_node("Loop", ["m", "", "x"], ["y"], body=body, name="loop")]
    return model("loop_runtime_trips", nodes, [vi("m", TensorProto.INT64, []), vi("x", F, [2])],
                 [vi("y", F, [2])])


def loop_runtime_outer():
    """A run-time trip count and condition: x doubles and adds r = relu(w), computed once on the
    chip outside the body, while the sum stays below 100; each step's x is a scan output."""
    body = helper.make_graph(
        [helper.make_node("Add", ["x_in", "x_in"], ["twice"]),
         helper.make_node("Add", ["twice", "r"], ["x_out"]),
         helper.make_node("ReduceSum", ["x_out"], ["total"], keepdims=0),
         helper.make_node("Constant", [], ["limit"],
                          value=helper.make_tensor("l", F, [], [100.0])),
         helper.make_node("Less", ["total", "limit"], ["cond_out"]),
         helper.make_node("Identity", ["x_out"], ["step"])],
        "grow_body", [vi("i", TensorProto.INT64, []), vi("cond_in", B, []), vi("x_in", F, [2])],
        [vi("cond_out", B, []), vi("x_out", F, [2]), vi("step", F, [2])])
    nodes = [helper.make_node("Relu", ["w"], ["r"]),
             helper.make_node("Loop", ["m", "c", "x"], ["y", "steps"], body=body, name="grow")]
    return model("loop_runtime_outer", nodes,
                 [vi("m", TensorProto.INT64, []), vi("c", B, []), vi("x", F, [2]),
                  vi("w", F, [2])],
                 [vi("y", F, [2]), vi("steps", F, ["n", 2])])


def loop_runtime_if():
    then_graph, else_graph = branches()
    body = helper.make_graph(
        [helper.make_node("Identity", ["cond_in"], ["cond_out"]),
         helper.make_node("If", ["cond_in"], ["x_out"], then_branch=then_graph,
                          else_branch=else_graph)],
        "if_body", [vi("i", TensorProto.INT64, []), vi("cond_in", B, []), vi("x_in", F, [2, 3])],
        [vi("cond_out", B, []), vi("x_out", F, [2, 3])])
    nodes = [helper.make_node("Loop", ["m", "", "x"], ["y"], body=body, name="branchy")]
    return model("loop_runtime_if", nodes, [vi("m", TensorProto.INT64, []), vi("x", F, [2, 3])],
                 [vi("y", F, [2, 3])])


def if_sequences():
    """Branches that give a sequence, on a condition known only at run time."""
    then_graph = helper.make_graph(
        [helper.make_node("Relu", ["x"], ["t"]), helper.make_node("SequenceConstruct", ["t", "x"], ["ts"])],
        "then_seq", [], [helper.make_tensor_sequence_value_info("ts", F, [2])])
    else_graph = helper.make_graph(
        [helper.make_node("Neg", ["x"], ["e"]), helper.make_node("SequenceConstruct", ["e"], ["es"])],
        "else_seq", [], [helper.make_tensor_sequence_value_info("es", F, [2])])
    nodes = [helper.make_node("If", ["c"], ["y"], then_branch=then_graph, else_branch=else_graph,
                              name="pick")]
    graph = helper.make_graph(nodes, "if_sequences", [vi("c", B, []), vi("x", F, [2])],
                              [helper.make_tensor_sequence_value_info("y", F, [2])])
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])


def main():
    write_models([if_runtime, if_constant, scan_cumulative, scan_batched, scan_batched_lens,
                  loop_constant_trips, loop_runtime_trips, loop_runtime_outer, loop_runtime_if])
    save(if_sequences(), os.path.join(sys.argv[1], "if_sequences.onnx"))
    # Not checked: the checker would not take the unsupported branches' types.
    save(if_unsupported(), os.path.join(sys.argv[1], "if_unsupported.onnx"))


if __name__ == "__main__":
    main()
