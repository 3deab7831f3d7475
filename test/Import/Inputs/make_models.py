"""Writes the ONNX models of the test/Import lit tests into the directory given as argv[1].

Run with /usr/bin/python3 (Debian's python3-onnx); only onnx.helper is needed, no numpy.
"""
import os
import sys

from onnx import TensorProto, checker, helper, save


def floats(n, scale=0.01):
    return [scale * ((i * 7) % 13 - 6) for i in range(n)]


def mlp():
    # x[2,8] -> MatMul W1[8,16] -> Add b1[16] -> Relu -> Gemm(W2[4,16], b2[4], transB) -> Softmax
    w1 = helper.make_tensor("w1", TensorProto.FLOAT, [8, 16], floats(128))   # > 64 values: a resource
    b1 = helper.make_tensor("b1", TensorProto.FLOAT, [16], floats(16))       # small: dense
    w2 = helper.make_tensor("w2", TensorProto.FLOAT, [4, 16], floats(64))    # exactly 64: dense
    b2 = helper.make_tensor("b2", TensorProto.FLOAT, [4], [0.5, -0.5, 1.0, 0.0])
    nodes = [
        helper.make_node("MatMul", ["x", "w1"], ["h0"], name="fc1_matmul"),
        helper.make_node("Add", ["h0", "b1"], ["h1"], name="fc1_bias"),
        helper.make_node("Relu", ["h1"], ["h2"], name="act"),
        helper.make_node("Gemm", ["h2", "w2", "b2"], ["logits"], name="fc2", alpha=0.5, transB=1),
        # No name: the importer names it after its type and position.
        helper.make_node("Softmax", ["logits"], ["y"], axis=-1),
    ]
    graph = helper.make_graph(
        nodes, "mlp",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [2, 8])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [2, 4])],
        initializer=[w1, b1, w2, b2])
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])


def unsupported():
    nodes = [
        helper.make_node("Twiddle", ["x"], ["a"], domain="com.example", name="twiddle_first"),
        helper.make_node("Relu", ["a"], ["b"], name="fine"),
        helper.make_node("Frobnicate", ["b"], ["c"], domain="com.example", name="the_custom"),
        helper.make_node("Twiddle", ["c"], ["y"], domain="com.example"),  # Twiddle_3
    ]
    graph = helper.make_graph(
        nodes, "unsupported",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [3, 5])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [3, 5])])
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13),
                                                  helper.make_opsetid("com.example", 1)])


def dynamic():
    w = helper.make_tensor("w", TensorProto.FLOAT, [8, 3], floats(24))
    nodes = [
        helper.make_node("MatMul", ["x", "w"], ["h"], name="mm"),
        helper.make_node("Relu", ["h"], ["y"], name="relu"),
    ]
    graph = helper.make_graph(
        nodes, "dynamic",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["N", 8])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["N", 3])],
        initializer=[w])
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])


def dynamic_reshape():
    # As exported: the batch dim is read back with Shape -> Gather and joined with the rest.
    inits = [helper.make_tensor("zero", TensorProto.INT64, [], [0]),
             helper.make_tensor("axes", TensorProto.INT64, [1], [0]),
             helper.make_tensor("rest", TensorProto.INT64, [1], [12])]
    nodes = [
        helper.make_node("Shape", ["x"], ["s"], name="shape"),
        helper.make_node("Gather", ["s", "zero"], ["n"], axis=0, name="batch"),
        helper.make_node("Unsqueeze", ["n", "axes"], ["n1"], name="unsqueeze"),
        helper.make_node("Concat", ["n1", "rest"], ["target"], axis=0, name="target"),
        helper.make_node("Reshape", ["x", "target"], ["y"], name="flatten"),
    ]
    graph = helper.make_graph(
        nodes, "dynamic_reshape",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["N", 3, 4])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["N", 12])], initializer=inits)
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    for name, build in [("mlp", mlp), ("unsupported", unsupported), ("dynamic", dynamic),
                        ("dynamic_reshape", dynamic_reshape)]:
        model = build()
        if name != "unsupported":
            checker.check_model(model)
        save(model, os.path.join(out, name + ".onnx"))


if __name__ == "__main__":
    main()
