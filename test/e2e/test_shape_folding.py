"""Shape arithmetic as real exporters write it folds at compile time, at opsets 9, 11, 13 and 17,
in the main graph and inside If branches that read the enclosing graph's values.

Each model is in the shape of one exporter's output: PaddlePaddle's (paddle2onnx: Shape -> Cast
int32 -> Slice -> Cast int64 -> Concat -> Reshape), TensorFlow's (tf2onnx: int32 shape vectors,
Squeeze/Unsqueeze, ConstantOfShape for ones_like, Range for positions) and PyTorch's (Shape ->
Gather -> Unsqueeze -> Concat, padding to a multiple computed with Mod, masks with Equal/Where and
Expand). The expected outputs are computed with numpy from the same inputs.
"""
import numpy as np
import onnx
import pytest
from onnx import TensorProto as T, helper as h, numpy_helper

from conftest import run

OPSETS = [9, 11, 13, 17]


def const(name, value, dtype=np.int64):
    return h.make_node("Constant", [], [name], value=numpy_helper.from_array(
        np.array(value, dtype), name + "_v"))


def slice_node(opset, data, out, starts, ends, axes, tag):
    """Slice in the form of `opset`: attributes before 10, inputs from 10 on."""
    if opset < 10:
        return [h.make_node("Slice", [data], [out], starts=starts, ends=ends, axes=axes)]
    return [const(f"{tag}_s", starts), const(f"{tag}_e", ends), const(f"{tag}_a", axes),
            h.make_node("Slice", [data, f"{tag}_s", f"{tag}_e", f"{tag}_a"], [out])]


def axes_node(op, opset, data, out, axes, tag):
    """Squeeze/Unsqueeze: axes as an attribute before 13, as an input from 13 on."""
    if opset < 13:
        return [h.make_node(op, [data], [out], axes=axes)]
    return [const(f"{tag}_ax", axes), h.make_node(op, [data, f"{tag}_ax"], [out])]


def save(path, nodes, inputs, outputs, opset):
    graph = h.make_graph(nodes, path.stem, inputs, outputs)
    model = h.make_model(graph, opset_imports=[h.make_opsetid("", opset)])
    model.ir_version = 7 if opset >= 13 else 6 if opset >= 11 else 4
    onnx.checker.check_model(model)
    onnx.save(model, path)


def vi(name, shape, elem=T.FLOAT):
    return h.make_tensor_value_info(name, elem, shape)


def compile_and_run(tmp, model, inputs, n_out):
    ttb = tmp / "m.ttb"
    run(["tt-compile", model, "-o", ttb, "--precision=fp32"])
    args = []
    for i, x in enumerate(inputs):
        np.save(tmp / f"in{i}.npy", x)
        args.append(f"--input=@{tmp / f'in{i}.npy'}")
    outs = [tmp / f"out{i}.npy" for i in range(n_out)]
    run(["tt-run", ttb, "--quiet", *args, *[f"--output=@{o}" for o in outs]])
    return [np.load(o) for o in outs]


def paddle(opset):
    """paddle2onnx's flatten of the trailing dims, and a mean over Size(x)."""
    nodes = [h.make_node("Shape", ["x"], ["s"]), h.make_node("Cast", ["s"], ["s32"], to=T.INT32)]
    nodes += slice_node(opset, "s32", "lead", [0], [2], [0], "sl")
    nodes += [h.make_node("Cast", ["lead"], ["lead64"], to=T.INT64), const("m1", [-1]),
              h.make_node("Concat", ["lead64", "m1"], ["shp"], axis=0),
              h.make_node("Reshape", ["x", "shp"], ["y"]),
              h.make_node("Size", ["x"], ["n"]), h.make_node("Cast", ["n"], ["nf"], to=T.FLOAT),
              h.make_node("ReduceSum", ["x"], ["sum"], keepdims=0),
              h.make_node("Div", ["sum", "nf"], ["mean"])]
    outs = [vi("y", [2, 3, 20]), vi("mean", [])]
    return nodes, outs, lambda x: [x.reshape(2, 3, 20), np.array(x.mean(), np.float32)]


def tf2onnx(opset):
    """tf2onnx's reshape with an int32 shape vector, ones_like and, from opset 11, positions."""
    nodes = [h.make_node("Shape", ["x"], ["s"]), h.make_node("Cast", ["s"], ["s32"], to=T.INT32)]
    nodes += slice_node(opset, "s32", "d1", [1], [2], [0], "sl")
    nodes += axes_node("Squeeze", opset, "d1", "d1s", [0], "sq")
    nodes += axes_node("Unsqueeze", opset, "d1s", "d1u", [0], "uq")
    nodes += [const("two", [2], np.int32), const("m1", [-1], np.int32),
              h.make_node("Concat", ["two", "d1u", "m1"], ["shp32"], axis=0),
              h.make_node("Cast", ["shp32"], ["shp"], to=T.INT64),
              h.make_node("Reshape", ["x", "shp"], ["r"]),
              h.make_node("ConstantOfShape", ["s"], ["ones"],
                          value=numpy_helper.from_array(np.array([1], np.float32), "one")),
              h.make_node("Add", ["x", "ones"], ["xp1"])]
    outs = [vi("r", [2, 3, 20]), vi("xp1", [2, 3, 4, 5])]
    want = [lambda x: x.reshape(2, 3, 20), lambda x: x + 1]
    if opset >= 11:
        nodes += slice_node(opset, "s", "last", [-1], [2**62], [0], "sl2")
        nodes += axes_node("Squeeze", opset, "last", "lasts", [0], "sq2")
        nodes += [const("zero", 0), const("step", 1),
                  h.make_node("Range", ["zero", "lasts", "step"], ["pos"]),
                  h.make_node("Cast", ["pos"], ["posf"], to=T.FLOAT),
                  h.make_node("Add", ["x", "posf"], ["xpos"])]
        outs.append(vi("xpos", [2, 3, 4, 5]))
        want.append(lambda x: x + np.arange(5, dtype=np.float32))
    return nodes, outs, lambda x: [f(x) for f in want]


def pytorch(opset):
    """PyTorch's view(x.size(0), -1), and from opset 11 F.pad to a multiple of 4 with pads
    computed from the input's shape, and an attention-style mask built with Equal/Where."""
    nodes = [h.make_node("Shape", ["x"], ["s"]), const("i0", 0),
             h.make_node("Gather", ["s", "i0"], ["b"], axis=0)]
    nodes += axes_node("Unsqueeze", opset, "b", "bu", [0], "uq")
    nodes += [const("m1", [-1]), h.make_node("Concat", ["bu", "m1"], ["shp"], axis=0),
              h.make_node("Reshape", ["x", "shp"], ["flat"])]
    outs = [vi("flat", [2, 60])]
    want = [lambda x: x.reshape(2, -1)]
    if opset >= 11:
        # pad_w = (4 - w % 4) % 4; pads = [0, 0, 0, 0, 0, 0, 0, pad_w]
        nodes += [const("i3", 3), h.make_node("Gather", ["s", "i3"], ["w"], axis=0),
                  const("four", 4), h.make_node("Mod", ["w", "four"], ["wm"]),
                  h.make_node("Sub", ["four", "wm"], ["rest"]),
                  h.make_node("Mod", ["rest", "four"], ["padw"])]
        nodes += axes_node("Unsqueeze", opset, "padw", "padwu", [0], "uq2")
        nodes += [const("zeros7", [0] * 7),
                  h.make_node("Concat", ["zeros7", "padwu"], ["pads"], axis=0),
                  h.make_node("Pad", ["x", "pads"], ["padded"], mode="constant"),
                  # mask = where(arange(w) == w - 1, -1e4, 0), expanded to x's shape
                  const("zero", 0), const("one", 1),
                  h.make_node("Range", ["zero", "w", "one"], ["cols"]),
                  h.make_node("Sub", ["w", "one"], ["wl"]),
                  h.make_node("Equal", ["cols", "wl"], ["is_last"]),
                  const("neg", -1e4, np.float32), const("zf", 0.0, np.float32),
                  h.make_node("Where", ["is_last", "neg", "zf"], ["mask"]),
                  h.make_node("Expand", ["mask", "s"], ["maskx"]),
                  h.make_node("Add", ["x", "maskx"], ["masked"])]
        outs += [vi("padded", [2, 3, 4, 8]), vi("masked", [2, 3, 4, 5])]
        last = np.where(np.arange(5) == 4, -1e4, 0).astype(np.float32)
        want += [lambda x: np.pad(x, [(0, 0), (0, 0), (0, 0), (0, 3)]), lambda x: x + last]
    return nodes, outs, lambda x: [f(x) for f in want]


EXPORTERS = {"paddle": paddle, "tf2onnx": tf2onnx, "pytorch": pytorch}


@pytest.mark.parametrize("opset", OPSETS)
@pytest.mark.parametrize("exporter", EXPORTERS)
def test_exporter_shape_arithmetic_folds(exporter, opset, tmp):
    nodes, outs, reference = EXPORTERS[exporter](opset)
    save(tmp / "m.onnx", nodes, [vi("x", [2, 3, 4, 5])], outs, opset)
    x = np.random.default_rng(0).standard_normal((2, 3, 4, 5)).astype(np.float32)
    got = compile_and_run(tmp, tmp / "m.onnx", [x], len(outs))
    for g, w in zip(got, reference(x)):
        np.testing.assert_allclose(g, w, rtol=1e-5, atol=1e-5)


def branch_pad(opset, tag, extra):
    """A branch that pads the enclosing graph's x at the end of its last axis by `extra`, with
    pads computed from x's shape inside the branch (Pad's pads become an input at opset 11)."""
    nodes = [h.make_node("Shape", ["x"], [f"{tag}_s"]), const(f"{tag}_i", [3]),
             h.make_node("Gather", [f"{tag}_s", f"{tag}_i"], [f"{tag}_w"], axis=0),
             h.make_node("Sub", [f"{tag}_w", f"{tag}_w"], [f"{tag}_z"]),
             const(f"{tag}_x", [extra]),
             h.make_node("Add", [f"{tag}_z", f"{tag}_x"], [f"{tag}_e"]),
             h.make_node("Concat", [f"{tag}_z"] * 7 + [f"{tag}_e"], [f"{tag}_p"], axis=0)]
    if opset >= 11:
        nodes.append(h.make_node("Pad", ["x", f"{tag}_p"], [f"{tag}_y"], mode="constant"))
    else:  # pads as an attribute: only the Reshape's target is computed in the branch
        nodes.append(h.make_node("Pad", ["x"], [f"{tag}_y"], mode="constant",
                                 pads=[0] * 7 + [extra]))
    nodes += [h.make_node("Shape", [f"{tag}_y"], [f"{tag}_ys"])]
    nodes += slice_node(opset, f"{tag}_ys", f"{tag}_lead", [0], [1], [0], f"{tag}_sl")
    nodes += [const(f"{tag}_m1", [-1]),
              h.make_node("Concat", [f"{tag}_lead", f"{tag}_m1"], [f"{tag}_shp"], axis=0),
              h.make_node("Reshape", [f"{tag}_y", f"{tag}_shp"], [f"{tag}_out"])]
    width = 3 * 4 * (5 + extra)
    return h.make_graph(nodes, tag, [], [vi(f"{tag}_out", [2, width])])


@pytest.mark.parametrize("opset", OPSETS)
@pytest.mark.parametrize("cond", [True, False])
def test_if_on_an_input_scalar_with_shape_arithmetic_in_its_branches(opset, cond, tmp):
    """Both branches give [2, 72]: the then branch pads by 1 and scales, the else branch pads by
    1 and adds; each reads the enclosing graph's x and folds its own shape subgraph."""
    then_g = branch_pad(opset, "then", 1)
    else_g = branch_pad(opset, "else", 1)
    then_g.node.append(h.make_node("Relu", ["then_out"], ["then_r"]))
    then_g.output[0].name = "then_r"
    else_g.node.append(h.make_node("Neg", ["else_out"], ["else_r"]))
    else_g.output[0].name = "else_r"
    nodes = [h.make_node("If", ["c"], ["y"], then_branch=then_g, else_branch=else_g)]
    save(tmp / "m.onnx", nodes, [vi("x", [2, 3, 4, 5]), vi("c", [], T.BOOL)],
         [vi("y", [2, 72])], opset)
    x = np.random.default_rng(1).standard_normal((2, 3, 4, 5)).astype(np.float32)
    (y,) = compile_and_run(tmp, tmp / "m.onnx", [x, np.array(cond)], 1)
    padded = np.pad(x, [(0, 0), (0, 0), (0, 0), (0, 1)]).reshape(2, 72)
    np.testing.assert_allclose(y, np.maximum(padded, 0) if cond else -padded, rtol=1e-6)


@pytest.mark.parametrize("opset", OPSETS)
def test_if_on_a_shape_condition_folds_to_one_branch_of_its_own_shape(opset, tmp):
    """cond = (x.shape[0] == 2), known at compile time: the branches may then differ in shape,
    since only the taken one is compiled."""
    nodes = [h.make_node("Shape", ["x"], ["s"]), const("i0", 0),
             h.make_node("Gather", ["s", "i0"], ["b"], axis=0), const("two", 2),
             h.make_node("Equal", ["b", "two"], ["c"]),
             h.make_node("If", ["c"], ["y"], then_branch=branch_pad(opset, "then", 3),
                         else_branch=branch_pad(opset, "else", 1))]
    save(tmp / "m.onnx", nodes, [vi("x", [2, 3, 4, 5])], [vi("y", [2, None])], opset)
    x = np.random.default_rng(2).standard_normal((2, 3, 4, 5)).astype(np.float32)
    (y,) = compile_and_run(tmp, tmp / "m.onnx", [x], 1)
    np.testing.assert_allclose(y, np.pad(x, [(0, 0)] * 3 + [(0, 3)]).reshape(2, 96), rtol=1e-6)


@pytest.mark.parametrize("opset", OPSETS)
def test_loop_body_folds_shape_arithmetic_on_an_enclosing_value(opset, tmp):
    """A Loop of three trips whose body flattens the enclosing graph's x with a Reshape target
    computed in the body from Shape(x), and accumulates it."""
    body = h.make_graph([
        h.make_node("Shape", ["x"], ["bs"]), const("b0", [0]),
        h.make_node("Gather", ["bs", "b0"], ["bb"], axis=0), const("bm1", [-1]),
        h.make_node("Concat", ["bb", "bm1"], ["bshp"], axis=0),
        h.make_node("Reshape", ["x", "bshp"], ["bx"]),
        h.make_node("Add", ["acc_in", "bx"], ["acc_out"]),
        h.make_node("Identity", ["cond_in"], ["cond_out"])], "body",
        [vi("i", [], T.INT64), vi("cond_in", [], T.BOOL), vi("acc_in", [2, 12])],
        [vi("cond_out", [], T.BOOL), vi("acc_out", [2, 12])])
    nodes = [const("trip", 3), const("go", True, np.bool_), const("acc0", np.zeros((2, 12)),
                                                                    np.float32),
             h.make_node("Loop", ["trip", "go", "acc0"], ["y"], body=body)]
    save(tmp / "m.onnx", nodes, [vi("x", [2, 3, 4])], [vi("y", [2, 12])], opset)
    x = np.random.default_rng(3).standard_normal((2, 3, 4)).astype(np.float32)
    (y,) = compile_and_run(tmp, tmp / "m.onnx", [x], 1)
    np.testing.assert_allclose(y, 3 * x.reshape(2, 12), rtol=1e-5)
