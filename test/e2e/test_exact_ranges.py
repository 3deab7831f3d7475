"""The input bounds tt-bound-integer-inputs gives (the binary's exact_range) are sound: random
int64 graphs, run on the chip with inputs at the corners of their bounds and at random within
them, give numpy's int64 results exactly. A bound too wide would let a tensor wrap in int32 and
the comparison fail."""
import json

import numpy as np
import onnx
import pytest
from onnx import TensorProto, helper, numpy_helper

from conftest import run

SHAPE = [2, 3, 8]


def random_graph(rng, n_inputs=3, n_nodes=7):
    """A graph of int64 arithmetic over `n_inputs` inputs and a few constants: its nodes, its
    initializers and the names of the values the last nodes leave (the outputs)."""
    values = [f"x{i}" for i in range(n_inputs)]
    nodes, inits = [], []
    for k in range(n_nodes):
        name = f"v{k}"
        op = rng.choice(["Add", "Sub", "Mul", "Neg", "Abs", "Max", "Min", "Const", "ReduceSum",
                         "MatMul", "Concat", "Div", "Pow"])
        a, b = (values[i] for i in rng.integers(0, len(values), 2))
        if op == "Div":
            # By |b| + 1, never zero (ONNX leaves an integer division by zero undefined).
            one = numpy_helper.from_array(np.array(1, np.int64), f"one{k}")
            inits.append(one)
            nodes += [helper.make_node("Abs", [b], [name + "a"], name=name + "a"),
                      helper.make_node("Add", [name + "a", one.name], [name + "d"],
                                       name=name + "d"),
                      helper.make_node("Div", [a, name + "d"], [name], name=name)]
        elif op == "Pow":
            e = numpy_helper.from_array(np.array(int(rng.integers(0, 4)), np.int64), f"p{k}")
            inits.append(e)
            nodes.append(helper.make_node("Pow", [a, e.name], [name], name=name))
        elif op == "Const":
            c = numpy_helper.from_array(
                rng.integers(-1000, 1000, SHAPE[-1:]).astype(np.int64), f"c{k}")
            inits.append(c)
            nodes.append(helper.make_node("Add", [a, c.name], [name], name=name))
        elif op in ("Neg", "Abs"):
            nodes.append(helper.make_node(op, [a], [name], name=name))
        elif op == "ReduceSum":
            # Summed over the last axis and broadcast back, so every value keeps one shape.
            axes = numpy_helper.from_array(np.array([-1], np.int64), f"axes{k}")
            inits.append(axes)
            nodes.append(helper.make_node("ReduceSum", [a, axes.name], [name + "s"],
                                          keepdims=1, name=name + "s"))
            nodes.append(helper.make_node("Add", [name + "s", b], [name], name=name))
        elif op == "MatMul":
            # [2, 3, 8] x [8, 8]: the last 8 of `b`'s first row block as a square.
            w = numpy_helper.from_array(rng.integers(-9, 10, (8, 8)).astype(np.int64), f"w{k}")
            inits.append(w)
            nodes.append(helper.make_node("MatMul", [a, w.name], [name], name=name))
        elif op == "Concat":
            # Two halves placed apart along the last axis: a concat the compiler decomposes.
            for half, src in (("l", a), ("r", b)):
                starts = numpy_helper.from_array(np.array([0 if half == "l" else 4], np.int64),
                                                 f"s{k}{half}")
                ends = numpy_helper.from_array(np.array([4 if half == "l" else 8], np.int64),
                                               f"e{k}{half}")
                axes = numpy_helper.from_array(np.array([2], np.int64), f"a{k}{half}")
                inits += [starts, ends, axes]
                nodes.append(helper.make_node("Slice", [src, starts.name, ends.name, axes.name],
                                              [name + half], name=name + half))
            nodes.append(helper.make_node("Concat", [name + "r", name + "l"], [name], axis=2,
                                          name=name))
        else:
            nodes.append(helper.make_node(op, [a, b], [name], name=name))
        values.append(name)
    return nodes, inits, values[-2:]


def numpy_eval(nodes, inits, feeds):
    env = dict(feeds)
    env.update({t.name: numpy_helper.to_array(t) for t in inits})
    for n in nodes:
        x = [env[i] for i in n.input]
        if n.op_type == "Add":
            y = x[0] + x[1]
        elif n.op_type == "Sub":
            y = x[0] - x[1]
        elif n.op_type == "Mul":
            y = x[0] * x[1]
        elif n.op_type == "Div":  # truncating, as ONNX's integer Div
            y = np.sign(x[0]) * (np.abs(x[0]) // x[1])
        elif n.op_type == "Pow":
            y = x[0] ** x[1]
        elif n.op_type == "Neg":
            y = -x[0]
        elif n.op_type == "Abs":
            y = np.abs(x[0])
        elif n.op_type == "Max":
            y = np.maximum(x[0], x[1])
        elif n.op_type == "Min":
            y = np.minimum(x[0], x[1])
        elif n.op_type == "ReduceSum":
            y = x[0].sum(axis=-1, keepdims=True)
        elif n.op_type == "MatMul":
            y = x[0] @ x[1]
        elif n.op_type == "Slice":
            y = x[0][..., int(x[1][0]):int(x[2][0])]
        elif n.op_type == "Concat":
            y = np.concatenate(x, axis=2)
        env[n.output[0]] = y
    return env


@pytest.mark.parametrize("seed", range(40))
def test_random_int64_graphs_stay_exact_within_their_bounds(tmp, seed):
    rng = np.random.default_rng(seed)
    nodes, inits, outs = random_graph(rng)
    info = lambda n: helper.make_tensor_value_info(n, TensorProto.INT64, SHAPE)
    graph = helper.make_graph(nodes, "g", [info(f"x{i}") for i in range(3)],
                              [info(o) for o in outs], initializer=inits)
    onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 18)]),
              tmp / "m.onnx")
    run(["tt-compile", tmp / "m.onnx", "-o", tmp / "m.ttb", "--precision=bf16"])
    dump = json.loads(run(["tt-translate", "--dump-ttb", tmp / "m.ttb"]).stdout)
    bounds = [s.get("exact_range") or [-2**31, 2**31 - 1] for s in dump["inputs"]]
    for trial in range(3):
        feeds = {}
        for i, (lo, hi) in enumerate(bounds):
            x = rng.integers(lo, hi + 1, SHAPE, dtype=np.int64)
            # Corners: each input at its lowest and highest bound somewhere, together.
            x.ravel()[trial::3] = [lo, hi][trial % 2]
            feeds[f"x{i}"] = x
        for i in range(3):
            np.save(tmp / f"x{i}.npy", feeds[f"x{i}"])
        run(["tt-run", tmp / "m.ttb", "--quiet", *[f"--input=@{tmp / f'x{i}.npy'}" for i in range(3)],
             *[f"--output=@{tmp / f'y{k}.npy'}" for k in range(len(outs))]])
        want = numpy_eval(nodes, inits, feeds)
        for k, o in enumerate(outs):
            got = np.load(tmp / f"y{k}.npy")
            assert got.dtype == np.int64
            np.testing.assert_array_equal(got, want[o], err_msg=f"{o}, bounds {bounds}")
