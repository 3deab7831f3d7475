"""Writes the ONNX models of test/Import/import-elementwise.test into the directory argv[1].

Run with /usr/bin/python3 (Debian's python3-onnx); only onnx.helper is needed, no numpy.
"""
from onnx import TensorProto, helper

from onnx_models import model, vi, write_models

F, I64, B, U8 = TensorProto.FLOAT, TensorProto.INT64, TensorProto.BOOL, TensorProto.UINT8


def unary():
    # A chain through every attribute-free float function, then the predicates (HardSwish is
    # opset 14).
    kinds = ["Abs", "Neg", "Exp", "Log", "Sqrt", "Reciprocal", "Sigmoid", "Tanh", "Erf", "Sin",
             "Cos", "Floor", "Ceil", "Round", "Sign", "Relu", "Softplus", "Softsign", "HardSwish",
             "Identity"]
    nodes, prev = [], "x"
    for i, k in enumerate(kinds):
        nodes.append(helper.make_node(k, [prev], [f"u{i}"], name=k.lower()))
        prev = f"u{i}"
    nodes.append(helper.make_node("IsNaN", [prev], ["nan"], name="isnan"))
    nodes.append(helper.make_node("Not", ["nan"], ["y"], name="not"))
    return model("unary", nodes, [vi("x", F, [2, 3])], [vi("y", B, [2, 3])], opset=14)


def attrs():
    lo = helper.make_tensor("lo", F, [], [-1.0])
    nodes = [
        helper.make_node("LeakyRelu", ["x"], ["a"], alpha=0.25),
        helper.make_node("LeakyRelu", ["a"], ["a2"]),                  # default alpha 0.01
        helper.make_node("Elu", ["a2"], ["b"]),                        # default alpha 1
        helper.make_node("Selu", ["b"], ["c"], alpha=2.0, gamma=3.0),
        helper.make_node("Selu", ["c"], ["c2"]),                       # defaults
        helper.make_node("HardSigmoid", ["c2"], ["d"]),                # defaults 0.2, 0.5
        helper.make_node("HardSigmoid", ["d"], ["d2"], alpha=0.5, beta=0.25),
        helper.make_node("ThresholdedRelu", ["d2"], ["e"], alpha=0.5),
        helper.make_node("Constant", [], ["hi"], value=helper.make_tensor("hi", F, [], [6.0])),
        # Opset 13 Clip: bounds are optional constant inputs.
        helper.make_node("Clip", ["e", "lo", "hi"], ["f"], name="clip_both"),
        helper.make_node("Clip", ["f", "", "hi"], ["g"], name="clip_max"),
        helper.make_node("Clip", ["g"], ["h"], name="clip_none"),
        helper.make_node("Dropout", ["h"], ["i"]),
        helper.make_node("IsInf", ["i"], ["inf_both"]),
        helper.make_node("IsInf", ["i"], ["inf_pos"], detect_negative=0),
        helper.make_node("IsInf", ["i"], ["inf_neg"], detect_positive=0),
    ]
    return model("attrs", nodes, [vi("x", F, [4])],
                 [vi("i", F, [4]), vi("inf_both", B, [4]), vi("inf_pos", B, [4]),
                  vi("inf_neg", B, [4])], initializer=[lo])


def clip6():
    nodes = [
        helper.make_node("Clip", ["x"], ["a"], min=-2.0, max=2.0, name="clip_both"),
        helper.make_node("Clip", ["a"], ["y"], max=1.5, name="clip_max"),
    ]
    return model("clip6", nodes, [vi("x", F, [4])], [vi("y", F, [4])], opset=6)


def binary():
    # The second operand broadcasts: [3] against [2, 3].
    kinds = ["Add", "Sub", "Mul", "Div", "Pow", "PRelu"]
    nodes, prev = [], "x"
    for i, k in enumerate(kinds):
        nodes.append(helper.make_node(k, [prev, "v"], [f"b{i}"], name=k.lower()))
        prev = f"b{i}"
    nodes.append(helper.make_node("Mod", [prev, "v"], ["fm"], fmod=1, name="fmod"))
    nodes.append(helper.make_node("Mod", ["i", "j"], ["im"], name="mod"))
    for k in ["Equal", "Less", "Greater", "LessOrEqual", "GreaterOrEqual"]:
        nodes.append(helper.make_node(k, ["fm", "v"], [k.lower()], name=k.lower()))
    nodes.append(helper.make_node("And", ["equal", "less"], ["p"], name="and"))
    nodes.append(helper.make_node("Or", ["p", "greater"], ["q"], name="or"))
    nodes.append(helper.make_node("Xor", ["q", "lessorequal"], ["r"], name="xor"))
    return model("binary", nodes,
                 [vi("x", F, [2, 3]), vi("v", F, [3]), vi("i", I64, [2, 3]), vi("j", I64, [1])],
                 [vi("r", B, [2, 3]), vi("greaterorequal", B, [2, 3]), vi("im", I64, [2, 3])])


def variadic():
    nodes = [
        helper.make_node("Max", ["a", "b", "c"], ["mx"]),
        helper.make_node("Min", ["a", "b"], ["mn"]),
        helper.make_node("Sum", ["a"], ["s1"]),
        helper.make_node("Sum", ["mx", "mn", "s1"], ["s3"]),
        helper.make_node("Mean", ["s3", "b", "c"], ["y"]),
    ]
    return model("variadic", nodes, [vi("a", F, [2, 3]), vi("b", F, [3]), vi("c", F, [1, 1])],
                 [vi("y", F, [2, 3])])


def where_cast():
    nodes = [
        helper.make_node("Where", ["c", "x", "y"], ["w"]),
        helper.make_node("Cast", ["w"], ["wi"], to=I64),          # float -> int: trunc
        helper.make_node("Cast", ["wi"], ["wf"], to=F),           # int -> float: identity
        helper.make_node("Cast", ["wf"], ["wb"], to=B),           # -> bool: to_bool
        helper.make_node("CastLike", ["wb", "x"], ["out"]),       # bool -> float: identity
    ]
    return model("where_cast", nodes, [vi("c", B, [2, 1]), vi("x", F, [2, 3]), vi("y", F, [3])],
                 [vi("out", F, [2, 3]), vi("wi", I64, [2, 3])], opset=15)  # CastLike: opset 15


def shapes():
    nodes = [
        helper.make_node("Shape", ["x"], ["shape"]),
        helper.make_node("Shape", ["x"], ["tail"], start=1),
        helper.make_node("Shape", ["x"], ["mid"], start=-2, end=-1),
        helper.make_node("Size", ["x"], ["size"]),
        helper.make_node("ConstantOfShape", ["tail"], ["ones"],
                         value=helper.make_tensor("v", F, [1], [1.5])),
        helper.make_node("ConstantOfShape", ["mid"], ["zeros"]),
        # A shape input computed by Shape is a folded constant by the time Reshape reads it.
        helper.make_node("Reshape", ["x", "shape"], ["same"]),
    ]
    return model("shapes", nodes, [vi("x", F, [2, 3, 4])],
                 [vi("shape", I64, [3]), vi("tail", I64, [2]), vi("mid", I64, [1]),
                  vi("size", I64, []), vi("ones", F, [3, 4]), vi("zeros", F, [3]),
                  vi("same", F, [2, 3, 4])], opset=15)


def reshapes():
    shape = helper.make_tensor("shape", I64, [2], [-1, 4])
    axes0 = helper.make_tensor("axes0", I64, [1], [0])
    axes2 = helper.make_tensor("axes2", I64, [2], [0, 2])
    nodes = [
        helper.make_node("Reshape", ["x", "shape"], ["r"]),       # [2, 3, 4] -> [6, 4]
        helper.make_node("Flatten", ["x"], ["f"], axis=2),        # -> [6, 4]
        helper.make_node("Flatten", ["x"], ["f0"], axis=0),       # -> [1, 24]
        helper.make_node("Unsqueeze", ["r", "axes2"], ["u"]),     # -> [1, 6, 1, 4]
        helper.make_node("Squeeze", ["u", "axes0"], ["s"]),       # -> [6, 1, 4]
        helper.make_node("Squeeze", ["s"], ["y"]),                # all ones -> [6, 4]
        helper.make_node("Reshape", ["n", "shape"], ["ni"]),      # int64 values keep their type
    ]
    return model("reshapes", nodes, [vi("x", F, [2, 3, 4]), vi("n", I64, [8])],
                 [vi("y", F, [6, 4]), vi("f", F, [6, 4]), vi("f0", F, [1, 24]),
                  vi("ni", I64, [2, 4])], initializer=[shape, axes0, axes2])


def log_softmax():
    nodes = [
        helper.make_node("LogSoftmax", ["x"], ["a"], axis=-1),
        helper.make_node("LogSoftmax", ["a"], ["b"], axis=0),
        helper.make_node("LogSoftmax", ["b"], ["y"]),             # default -1 since opset 13
    ]
    return model("log_softmax", nodes, [vi("x", F, [3, 4, 5])], [vi("y", F, [3, 4, 5])])


def log_softmax11():
    nodes = [helper.make_node("LogSoftmax", ["x"], ["y"], axis=1, name="old_lsm")]
    return model("log_softmax11", nodes, [vi("x", F, [3, 4, 5])], [vi("y", F, [3, 4, 5])], opset=11)


def typed():
    # int64 and bool inputs and initializers keep their logical element types.
    k = helper.make_tensor("k", I64, [3], [1, -2, 3])
    m = helper.make_tensor("m", B, [3], [1, 0, 1])
    h = helper.make_tensor("h", U8, [3], [2, 4, 8])
    nodes = [
        helper.make_node("Add", ["i", "k"], ["s"]),
        helper.make_node("And", ["p", "m"], ["q"]),
        helper.make_node("Div", ["u", "h"], ["d"]),               # integers: the truncated quotient
    ]
    return model("typed", nodes, [vi("i", I64, [2, 3]), vi("p", B, [3]), vi("u", U8, [3])],
                 [vi("s", I64, [2, 3]), vi("q", B, [3]), vi("d", U8, [3])], initializer=[k, m, h])


def int_div():
    nodes = [helper.make_node("Div", ["a", "b"], ["y"], name="int_div")]
    return model("int_div", nodes, [vi("a", I64, [3]), vi("b", I64, [3])], [vi("y", I64, [3])])


def bitshift_bad():
    nodes = [helper.make_node("BitShift", ["a", "b"], ["y"], name="bad_shift", direction="UP")]
    return model("bitshift_bad", nodes, [vi("a", U8, [3]), vi("b", U8, [3])], [vi("y", U8, [3])])


def momentum_step():
    # Optimizer steps import only the training domain.
    nodes = [helper.make_node("Momentum", ["r", "t", "x", "g", "v"], ["x_new", "v_new"],
                              domain="ai.onnx.preview.training", alpha=0.9, beta=0.5,
                              mode="nesterov", norm_coefficient=0.0, name="step")]
    graph = helper.make_graph(nodes, "momentum_step",
                              [vi("r", F, []), vi("t", I64, []), vi("x", F, [4]), vi("g", F, [4]),
                               vi("v", F, [4])], [vi("x_new", F, [4]), vi("v_new", F, [4])])
    return helper.make_model(graph, opset_imports=[
        helper.make_opsetid("ai.onnx.preview.training", 1)])


def dropout_mask():
    nodes = [helper.make_node("Dropout", ["x"], ["y", "mask"], name="drop")]
    return model("dropout_mask", nodes, [vi("x", F, [3])], [vi("y", F, [3]), vi("mask", B, [3])])


def clip_dynamic():
    nodes = [helper.make_node("Clip", ["x", "lo"], ["y"], name="dyn_clip")]
    return model("clip_dynamic", nodes, [vi("x", F, [3]), vi("lo", F, [])], [vi("y", F, [3])])


def main():
    write_models([unary, attrs, clip6, binary, variadic, where_cast, shapes, reshapes, log_softmax,
                  log_softmax11, typed, int_div, bitshift_bad, momentum_step, dropout_mask,
                  clip_dynamic])


if __name__ == "__main__":
    main()
