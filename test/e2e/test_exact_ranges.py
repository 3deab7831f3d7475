"""The input bounds tt-bound-integer-inputs gives (the binary's exact_range) are sound: random
int64, uint8 and int16 graphs, run on the chip with inputs at the corners of their bounds and at
random within them, give numpy's results exactly (int64 in 64 bits, the narrow types wrapped). A
bound too wide would let an int64 wrap in int32, or a narrow value reach an op that needs it
wrapped unwrapped, and the comparison fail."""
import json

import numpy as np
import onnx
import pytest
from onnx import TensorProto, helper, numpy_helper

from conftest import run

SHAPE = [2, 3, 8]


# The ops ONNX defines on each type that the generator draws from.
OPS = {np.int64: ["Add", "Sub", "Mul", "Neg", "Abs", "Max", "Min", "Const", "ReduceSum",
                  "MatMul", "Concat", "Div", "Pow"],
       np.uint8: ["Add", "Sub", "Mul", "Max", "Min", "Const", "Concat", "Div"],
       np.int16: ["Add", "Sub", "Mul", "Neg", "Abs", "Max", "Min", "Const", "Concat", "Div"]}
ONNX_TYPES = {np.int64: TensorProto.INT64, np.uint8: TensorProto.UINT8,
              np.int16: TensorProto.INT16}


def random_graph(rng, dtype=np.int64, n_inputs=3, n_nodes=7):
    """A graph of `dtype` arithmetic over `n_inputs` inputs and a few constants: its nodes, its
    initializers and the names of the values the last nodes leave (the outputs)."""
    values = [f"x{i}" for i in range(n_inputs)]
    nodes, inits = [], []
    info = np.iinfo(dtype)
    for k in range(n_nodes):
        name = f"v{k}"
        op = rng.choice(OPS[dtype])
        a, b = (values[i] for i in rng.integers(0, len(values), 2))
        if op == "Div":
            # By max(|b|, 1), never zero (ONNX leaves an integer division by zero undefined).
            one = numpy_helper.from_array(np.array(1, dtype), f"one{k}")
            inits.append(one)
            nodes += [helper.make_node("Abs", [b], [name + "a"], name=name + "a"),
                      helper.make_node("Max", [name + "a", one.name], [name + "d"],
                                       name=name + "d"),
                      helper.make_node("Div", [a, name + "d"], [name], name=name)]
        elif op == "Pow":
            e = numpy_helper.from_array(np.array(int(rng.integers(0, 4)), dtype), f"p{k}")
            inits.append(e)
            nodes.append(helper.make_node("Pow", [a, e.name], [name], name=name))
        elif op == "Const":
            c = numpy_helper.from_array(
                rng.integers(max(info.min, -1000), min(info.max, 1000) + 1,
                             SHAPE[-1:]).astype(dtype), f"c{k}")
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
        if n.op_type in ("Add", "Sub", "Mul", "Neg", "Abs", "Div", "Pow") and x[0].dtype != np.int64:
            # numpy wraps a narrow type as ONNX does: computed in int64, wrapped back.
            y = numpy_eval([n], [], {i: v.astype(np.int64) for i, v in zip(n.input, x)})
            env[n.output[0]] = y[n.output[0]].astype(x[0].dtype)
            continue
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


@pytest.mark.parametrize("dtype,seeds", [(np.int64, 40), (np.uint8, 20), (np.int16, 20)])
def test_random_integer_graphs_stay_exact_within_their_bounds(tmp, dtype, seeds):
    """Every graph the compiler does not warn about is exact; the warned ones (a narrow
    difference that wraps before a min reads it: no input bound helps) name their node, and they
    are the minority."""
    warned = 0
    for seed in range(seeds):
        (tmp / str(seed)).mkdir()
        warned += not check_random_graph(tmp / str(seed), np.random.default_rng(seed), dtype)
    assert warned <= seeds // 2, f"{warned} of {seeds} graphs warned"


def check_random_graph(tmp, rng, dtype):
    """Whether the graph compiled without a warning, and then ran exact."""
    nodes, inits, outs = random_graph(rng, dtype)
    info = lambda n: helper.make_tensor_value_info(n, ONNX_TYPES[dtype], SHAPE)
    graph = helper.make_graph(nodes, "g", [info(f"x{i}") for i in range(3)],
                              [info(o) for o in outs], initializer=inits)
    onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 18)]),
              tmp / "m.onnx")
    compiled = run(["tt-compile", tmp / "m.onnx", "-o", tmp / "m.ttb", "--precision=bf16"])
    warnings = [l for l in compiled.stderr.splitlines() if "warning:" in l]
    if warnings:
        assert all("node 'v" in w and "whatever the inputs" in w for w in warnings), warnings
        return False
    dump = json.loads(run(["tt-translate", "--dump-ttb", tmp / "m.ttb"]).stdout)
    full = [max(np.iinfo(dtype).min, -2**31), min(np.iinfo(dtype).max, 2**31 - 1)]
    bounds = [s.get("exact_range") or full for s in dump["inputs"]]
    for trial in range(3):
        feeds = {}
        for i, (lo, hi) in enumerate(bounds):
            x = rng.integers(lo, hi + 1, SHAPE, dtype=np.int64).astype(dtype)
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
            assert got.dtype == dtype
            np.testing.assert_array_equal(got, want[o],
                                          err_msg=f"{o} of {tmp / 'm.onnx'}, bounds {bounds}")
    return True
