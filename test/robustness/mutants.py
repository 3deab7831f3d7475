"""Structured mutants of small valid ONNX models, for the mutation test (test_mutants.py).

Seed models cover the importer's main paths: an MLP, a CNN block with BatchNormalization and
pooling, PyTorch-style shape arithmetic, an If on an input, attention, and host ops after a
convolution (RoiAlign, NonMaxSuppression, the gathers after it). Each mutant applies one
operator to one seed: an attribute of the wrong type or an extreme value, a node removed or
rewired, an initializer truncated, retyped or given extreme values, the opset changed, a
declared input reshaped, or the serialized bytes damaged. Everything is drawn from one `random.Random(seed)`, so a seed gives
the same mutants on every machine.
"""
import itertools
import math
import random

import numpy as np
import onnx
from onnx import TensorProto as T, helper as h, numpy_helper

OPSET = 17


def _init(name, shape, rng, dtype=np.float32):
    return numpy_helper.from_array((rng.standard_normal(shape) * 0.1).astype(dtype), name)


def _ints(name, values):
    return numpy_helper.from_array(np.array(values, np.int64), name)


def _model(name, nodes, inputs, outputs, inits):
    graph = h.make_graph(nodes, name, inputs, outputs, initializer=inits)
    model = h.make_model(graph, opset_imports=[h.make_opsetid("", OPSET)])
    model.ir_version = 8
    onnx.checker.check_model(model)
    return model


def seeds():
    """The seed models, by name; each valid and compiled by tt-compile as it is."""
    rng = np.random.default_rng(0)
    vi = h.make_tensor_value_info
    models = {}
    models["mlp"] = _model("mlp", [
        h.make_node("MatMul", ["x", "w1"], ["h"], name="fc1"),
        h.make_node("Add", ["h", "b1"], ["hb"], name="bias1"),
        h.make_node("Relu", ["hb"], ["a"], name="relu"),
        h.make_node("Gemm", ["a", "w2", "b2"], ["y"], name="fc2", transB=1, alpha=1.0),
    ], [vi("x", T.FLOAT, [4, 32])], [vi("y", T.FLOAT, [4, 16])],
        [_init("w1", (32, 64), rng), _init("b1", (64,), rng), _init("w2", (16, 64), rng),
         _init("b2", (16,), rng)])
    models["cnn"] = _model("cnn", [
        h.make_node("Conv", ["x", "cw", "cb"], ["c"], name="conv", kernel_shape=[3, 3],
                    pads=[1, 1, 1, 1], strides=[1, 1]),
        h.make_node("BatchNormalization", ["c", "g", "be", "mu", "var"], ["n"], name="bn",
                    epsilon=1e-5),
        h.make_node("Relu", ["n"], ["r"], name="relu"),
        h.make_node("MaxPool", ["r"], ["p"], name="pool", kernel_shape=[2, 2], strides=[2, 2]),
        h.make_node("GlobalAveragePool", ["p"], ["gp"], name="gap"),
        h.make_node("Flatten", ["gp"], ["f"], name="flatten", axis=1),
        h.make_node("Softmax", ["f"], ["y"], name="softmax", axis=-1),
    ], [vi("x", T.FLOAT, [1, 3, 8, 8])], [vi("y", T.FLOAT, [1, 8])],
        [_init("cw", (8, 3, 3, 3), rng), _init("cb", (8,), rng),
         numpy_helper.from_array(np.ones(8, np.float32), "g"), _init("be", (8,), rng),
         _init("mu", (8,), rng), numpy_helper.from_array(np.ones(8, np.float32), "var")])
    models["shapes"] = _model("shapes", [
        h.make_node("Shape", ["x"], ["s"], name="shape"),
        h.make_node("Gather", ["s", "i0"], ["b"], name="gather", axis=0),
        h.make_node("Unsqueeze", ["b", "ax0"], ["bu"], name="unsqueeze"),
        h.make_node("Concat", ["bu", "m1"], ["shp"], name="concat", axis=0),
        h.make_node("Reshape", ["x", "shp"], ["flat"], name="reshape"),
        h.make_node("Slice", ["flat", "st", "en", "ax1"], ["sl"], name="slice"),
        h.make_node("Transpose", ["sl"], ["y"], name="transpose", perm=[1, 0]),
    ], [vi("x", T.FLOAT, [2, 3, 4])], [vi("y", T.FLOAT, [6, 2])],
        [_ints("i0", 0), _ints("ax0", [0]), _ints("m1", [-1]), _ints("st", [2]),
         _ints("en", [8]), _ints("ax1", [1])])
    then_g = h.make_graph([h.make_node("Mul", ["x", "two"], ["t"], name="double")], "then", [],
                          [vi("t", T.FLOAT, [2, 5])])
    else_g = h.make_graph([h.make_node("Neg", ["x"], ["e"], name="negate")], "else", [],
                          [vi("e", T.FLOAT, [2, 5])])
    models["branch"] = _model("branch", [
        h.make_node("If", ["c"], ["z"], name="if", then_branch=then_g, else_branch=else_g),
        h.make_node("Tanh", ["z"], ["y"], name="tanh"),
    ], [vi("x", T.FLOAT, [2, 5]), vi("c", T.BOOL, [])], [vi("y", T.FLOAT, [2, 5])],
        [numpy_helper.from_array(np.array(2, np.float32), "two")])
    models["attention"] = _model("attention", [
        h.make_node("LayerNormalization", ["x", "lg", "lb"], ["n"], name="ln", axis=-1,
                    epsilon=1e-5),
        h.make_node("MatMul", ["n", "wq"], ["q"], name="q"),
        h.make_node("MatMul", ["n", "wk"], ["k"], name="k"),
        h.make_node("Transpose", ["k"], ["kt"], name="kt", perm=[0, 2, 1]),
        h.make_node("MatMul", ["q", "kt"], ["s"], name="scores"),
        h.make_node("Div", ["s", "scale"], ["ss"], name="scale"),
        h.make_node("Softmax", ["ss"], ["p"], name="softmax", axis=-1),
        h.make_node("MatMul", ["p", "n"], ["o"], name="context"),
        h.make_node("ReduceMean", ["o"], ["y"], name="mean", axes=[2], keepdims=1),
    ], [vi("x", T.FLOAT, [1, 8, 16])], [vi("y", T.FLOAT, [1, 8, 1])],
        [numpy_helper.from_array(np.ones(16, np.float32), "lg"), _init("lb", (16,), rng),
         _init("wq", (16, 16), rng), _init("wk", (16, 16), rng),
         numpy_helper.from_array(np.array(4, np.float32), "scale")])
    # Host ops after the chip: RoiAlign on a convolution's features, NMS and the data movement
    # after it, so that mutated attributes and shapes reach the runtime's host ops.
    models["host"] = _model("host", [
        h.make_node("Conv", ["x", "hw", "hb"], ["feat"], name="conv", kernel_shape=[1, 1]),
        h.make_node("RoiAlign", ["feat", "rois", "rbatch"], ["pooled"], name="roialign",
                    output_height=2, output_width=2, sampling_ratio=2, spatial_scale=1.0),
        h.make_node("Sigmoid", ["logits"], ["scores"], name="score"),
        h.make_node("NonMaxSuppression", ["boxes", "scores", "keep", "iou"], ["sel"], name="nms"),
        h.make_node("Gather", ["sel", "i2"], ["ids"], name="ids", axis=1),
        h.make_node("Gather", ["boxes2", "ids"], ["y"], name="kept", axis=0),
    ], [vi("x", T.FLOAT, [1, 3, 8, 8]), vi("boxes", T.FLOAT, [1, 5, 4]),
        vi("logits", T.FLOAT, [1, 1, 5])],
        [vi("pooled", T.FLOAT, [2, 4, 2, 2]), vi("y", T.FLOAT, ["k", 4])],
        [_init("hw", (4, 3, 1, 1), rng), _init("hb", (4,), rng),
         numpy_helper.from_array(np.array([[0, 0, 4, 4], [2, 2, 7, 7]], np.float32), "rois"),
         _ints("rbatch", [0, 0]), _ints("keep", [3]),
         numpy_helper.from_array(np.array([0.5], np.float32), "iou"), _ints("i2", 2),
         _init("boxes2", (5, 4), rng)])
    return models


# ---------------------------------------------------------------------------------------------
# Operators. Each takes a ModelProto copy and the Random, changes it, and says what it did.

EXTREME_INTS = [0, -1, -2, 1, 2**31 - 1, -2**31, 2**62, -2**63, 2**63 - 1, 65536, 3, 1000000]
EXTREME_FLOATS = [math.nan, math.inf, -math.inf, 0.0, -0.0, 1e38, -1e38, 1e-45]


def _all_nodes(graph):
    """Every node, in subgraphs too, with the graph holding it."""
    for node in graph.node:
        yield graph, node
        for a in node.attribute:
            if a.type == onnx.AttributeProto.GRAPH:
                yield from _all_nodes(a.g)


def _pick_node(model, rng, with_attrs=False):
    nodes = [(g, n) for g, n in _all_nodes(model.graph) if n.attribute or not with_attrs]
    return rng.choice(nodes) if nodes else (None, None)


def attr_wrong_type(model, rng):
    _, node = _pick_node(model, rng, with_attrs=True)
    if node is None:
        return attr_add_unknown(model, rng)
    a = rng.choice(node.attribute)
    kind = rng.choice(["float", "int", "ints", "string", "tensor", "floats", "graph", "empty"])
    name = a.name
    node.attribute.remove(a)
    if kind == "float":
        node.attribute.append(h.make_attribute(name, 1.5))
    elif kind == "int":
        node.attribute.append(h.make_attribute(name, 7))
    elif kind == "ints":
        node.attribute.append(h.make_attribute(name, [1, 2, 3, 4, 5, 6, 7, 8, 9]))
    elif kind == "string":
        node.attribute.append(h.make_attribute(name, "bogus"))
    elif kind == "tensor":
        node.attribute.append(h.make_attribute(name, numpy_helper.from_array(
            np.zeros((2, 2), np.float32))))
    elif kind == "floats":
        node.attribute.append(h.make_attribute(name, [0.5, -1.0]))
    elif kind == "graph":
        node.attribute.append(h.make_attribute(name, h.make_graph([], "empty", [], [])))
    else:  # declared with no value at all
        node.attribute.append(onnx.AttributeProto(name=name, type=onnx.AttributeProto.INT))
        node.attribute[-1].ClearField("type")
    return f"attribute {node.name}.{name} given a {kind}"


def attr_extreme(model, rng):
    _, node = _pick_node(model, rng, with_attrs=True)
    if node is None:
        return attr_add_unknown(model, rng)
    a = rng.choice(node.attribute)
    if a.type == onnx.AttributeProto.INT:
        a.i = rng.choice(EXTREME_INTS)
        what = a.i
    elif a.type == onnx.AttributeProto.FLOAT:
        a.f = rng.choice(EXTREME_FLOATS)
        what = a.f
    elif a.type == onnx.AttributeProto.INTS:
        n = rng.choice([0, 1, len(a.ints), len(a.ints) + 3])
        del a.ints[:]
        a.ints.extend(rng.choice(EXTREME_INTS) for _ in range(n))
        what = list(a.ints)
    elif a.type == onnx.AttributeProto.STRING:
        a.s = rng.choice([b"", b"\xff\xfe", b"NOTSET" * 100, b"reflect"])
        what = a.s[:20]
    else:
        return attr_wrong_type(model, rng)
    return f"attribute {node.name}.{a.name} = {what}"


def attr_add_unknown(model, rng):
    _, node = _pick_node(model, rng)
    node.attribute.append(h.make_attribute(rng.choice(["axis", "perm", "mode", "zzz"]),
                                           rng.choice([5, -9, [9, 9], "x"])))
    return f"attribute {node.attribute[-1].name} added to {node.name}"


def node_removed(model, rng):
    graph, node = _pick_node(model, rng)
    graph.node.remove(node)
    return f"node {node.name} removed"


def _pick_input(model, rng):
    """A node with inputs and the index of one, or (None, None)."""
    _, node = _pick_node(model, rng)
    return (node, rng.randrange(len(node.input))) if node.input else (None, None)


def node_input_dropped(model, rng):
    node, i = _pick_input(model, rng)
    if node is None:
        return node_removed(model, rng)
    if rng.random() < 0.5:
        del node.input[i]
        return f"input {i} of {node.name} dropped"
    node.input[i] = ""
    return f"input {i} of {node.name} omitted"


def node_input_renamed(model, rng):
    node, i = _pick_input(model, rng)
    if node is None:
        return node_removed(model, rng)
    names = [n for _, m in _all_nodes(model.graph) for n in m.output] + \
        [t.name for t in model.graph.initializer] + ["undefined_value"]
    node.input[i] = rng.choice(names)
    return f"input {i} of {node.name} now reads {node.input[i]}"


def node_output_duplicated(model, rng):
    graph, node = _pick_node(model, rng)
    others = [n for n in graph.node if n is not node and n.output]
    if not others or not node.output:
        node.output.append(node.output[0] if node.output else "dup")
        return f"{node.name} writes an output twice"
    node.output[0] = rng.choice(others).output[0]
    return f"{node.name} writes another node's output"


def node_op_changed(model, rng):
    _, node = _pick_node(model, rng)
    node.op_type = rng.choice(["Conv", "MatMul", "Softmax", "Reshape", "Gather", "Concat",
                               "Loop", "If", "NoSuchOp", "Split", "Pad", "Resize", "TopK"])
    if rng.random() < 0.2:
        node.domain = rng.choice(["com.microsoft", "ai.onnx.ml", "bogus"])
    return f"{node.name} is now a {node.domain or ''}{node.op_type}"


def _pick_init(model, rng):
    inits = list(model.graph.initializer)
    return rng.choice(inits) if inits else None


def init_truncated(model, rng):
    t = _pick_init(model, rng)
    if t is None:
        return raw_bytes(model, rng)
    arr = numpy_helper.to_array(t)
    t.CopyFrom(numpy_helper.from_array(arr, t.name))
    t.raw_data = t.raw_data[:rng.randrange(len(t.raw_data) + 1)]
    return f"initializer {t.name} truncated to {len(t.raw_data)} bytes"


def init_wrong_type(model, rng):
    t = _pick_init(model, rng)
    if t is None:
        return raw_bytes(model, rng)
    t.data_type = rng.choice([T.INT8, T.UINT8, T.INT64, T.DOUBLE, T.STRING, T.BOOL, T.FLOAT16,
                              T.COMPLEX64, 0, 99])
    return f"initializer {t.name} retyped to {t.data_type}"


def init_wrong_dims(model, rng):
    t = _pick_init(model, rng)
    if t is None:
        return raw_bytes(model, rng)
    choice = rng.randrange(4)
    if choice == 0:
        t.dims.append(rng.choice([2, 3, 0]))
    elif choice == 1 and t.dims:
        t.dims[rng.randrange(len(t.dims))] = rng.choice([0, -1, 2**40, 7])
    elif choice == 2:
        del t.dims[:]
    else:
        t.dims.extend([2**31, 2**31])
    return f"initializer {t.name} dims {list(t.dims)}"


def init_extreme(model, rng):
    """Some values of an initializer made extreme: exporters write INT64_MAX for "to the end", and
    every value the importer reads passes through floating point on its way to an integer."""
    t = _pick_init(model, rng)
    if t is None:
        return attr_extreme(model, rng)
    arr = numpy_helper.to_array(t).copy()
    if arr.size == 0:
        return init_wrong_dims(model, rng)
    pool = EXTREME_INTS if np.issubdtype(arr.dtype, np.integer) else EXTREME_FLOATS
    flat = arr.reshape(-1)
    for _ in range(rng.choice([1, 1, flat.size])):
        value = rng.choice(pool)
        if np.issubdtype(arr.dtype, np.integer):
            info = np.iinfo(arr.dtype)
            value = min(max(value, int(info.min)), int(info.max))
        flat[rng.randrange(flat.size)] = value
    t.CopyFrom(numpy_helper.from_array(arr, t.name))
    return f"initializer {t.name} = {flat[:4].tolist()}"


def opset_changed(model, rng):
    choice = rng.randrange(4)
    if choice == 0:
        del model.opset_import[:]
        return "no opset_import"
    model.opset_import[0].version = rng.choice([0, 1, 6, 7, 9, 10, 12, 30, -1, 2**40])
    if choice == 3:
        model.opset_import[0].domain = "bogus.domain"
    return f"opset {model.opset_import[0].domain}:{model.opset_import[0].version}"


def input_reshaped(model, rng):
    x = rng.choice(list(model.graph.input))
    dims = x.type.tensor_type.shape.dim
    choice = rng.randrange(4)
    if choice == 0 and dims:
        dims[rng.randrange(len(dims))].dim_value = rng.choice([0, 1, 2**31, 2**40])
    elif choice == 1:
        x.type.tensor_type.elem_type = rng.choice([T.STRING, T.INT64, T.UINT8, T.BOOL, 0, 77])
    elif choice == 2 and dims:
        dims[rng.randrange(len(dims))].dim_param = "n"
    else:
        x.type.tensor_type.shape.dim.add().dim_value = 3
    return f"input {x.name} declared {x.type.tensor_type}".replace("\n", " ")


def raw_bytes(model, rng):
    """Damage the serialized model: the returned description carries the bytes."""
    data = bytearray(model.SerializeToString())
    choice = rng.randrange(3)
    if choice == 0:
        data = data[:rng.randrange(len(data))]
        what = f"truncated to {len(data)} bytes"
    elif choice == 1:
        for _ in range(rng.randint(1, 8)):
            data[rng.randrange(len(data))] = rng.randrange(256)
        what = "bytes overwritten"
    else:
        for _ in range(rng.randint(1, 4)):
            i = rng.randrange(len(data))
            data[i] ^= 1 << rng.randrange(8)
        what = "bits flipped"
    return bytes(data), what


OPERATORS = [attr_wrong_type, attr_extreme, attr_extreme, attr_add_unknown, node_removed,
             node_input_dropped, node_input_renamed, node_output_duplicated, node_op_changed,
             init_truncated, init_wrong_type, init_wrong_dims, init_extreme, opset_changed,
             input_reshaped,
             raw_bytes, raw_bytes]


def _open_output_dims(model):
    for out in model.graph.output:
        for d in out.type.tensor_type.shape.dim:
            d.dim_param = "d"


def mutants(count, seed):
    """Yields (index, seed name, operator name, description, model bytes)."""
    rng = random.Random(seed)
    base = seeds()
    names = sorted(base)
    for index in range(count):
        name = names[index % len(names)]
        model = onnx.ModelProto()
        model.CopyFrom(base[name])
        op = rng.choice(OPERATORS)
        what = op(model, rng)
        if isinstance(what, tuple):
            data, what = what
        else:
            # Half the time the outputs' declared dims go, so that a mutant whose shapes
            # changed is not refused for contradicting them and reaches the passes instead.
            if rng.random() < 0.5:
                _open_output_dims(model)
                what += "; output dims open"
            data = model.SerializeToString()
        yield index, name, op.__name__, what, data


def integer_extremes():
    """Every element of every integer initializer of every seed set in turn to each integer
    extreme, which exporters write (INT64_MAX for "to the end") and which no float holds exactly:
    yields what mutants() does."""
    index = 0
    for name, base in sorted(seeds().items()):
        for k, t in enumerate(base.graph.initializer):
            arr = numpy_helper.to_array(t)
            if not np.issubdtype(arr.dtype, np.integer):
                continue
            for at in range(arr.size):
                for value, open_dims in itertools.product((2**63 - 1, 2**63 - 4, -2**63),
                                                          (False, True)):
                    model = onnx.ModelProto()
                    model.CopyFrom(base)
                    changed = arr.astype(np.int64)
                    changed.reshape(-1)[at] = value
                    model.graph.initializer[k].CopyFrom(numpy_helper.from_array(
                        changed.astype(arr.dtype, casting="unsafe"), t.name))
                    if open_dims:
                        _open_output_dims(model)
                    yield index, name, "integer_extremes", \
                        f"{t.name}[{at}] = {value}{'; output dims open' if open_dims else ''}", \
                        model.SerializeToString()
                    index += 1

