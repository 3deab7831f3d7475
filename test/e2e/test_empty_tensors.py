"""Empty tensors (a dim of 0) hold no data: as model inputs and outputs they have no buffer on
the chip, but the binary takes and gives them in their places; nodes whose results are all empty
compute nothing, and an empty axes input reads as "no axes"."""
import json

import numpy as np
import onnx
from onnx import TensorProto as T, helper as h

from conftest import assert_clean_failure, run

vi = h.make_tensor_value_info


def save(path, nodes, inputs, outputs):
    graph = h.make_graph(nodes, "empty", inputs, outputs)
    onnx.save(h.make_model(graph, opset_imports=[h.make_opsetid("", 13)]), path)


def test_empty_inputs_and_outputs_keep_their_places(tmp):
    save(tmp / "m.onnx", [h.make_node("ReduceSum", ["x", "axes"], ["s"], keepdims=1),
                          h.make_node("Concat", ["e", "x"], ["c"], axis=0),
                          h.make_node("Relu", ["e"], ["er"])],
         [vi("x", T.FLOAT, [2, 3]), vi("axes", T.INT64, [0]), vi("e", T.FLOAT, [0, 3])],
         [vi("s", T.FLOAT, [1, 1]), vi("er", T.FLOAT, [0, 3]), vi("c", T.FLOAT, [2, 3])])
    run(["tt-compile", tmp / "m.onnx", "-o", tmp / "m.ttb", "--precision=fp32"])
    dump = json.loads(run(["tt-translate", "--dump-ttb", tmp / "m.ttb"]).stdout)
    assert [(s["name"], s["shape"], s["buffer"] is None) for s in dump["inputs"]] == \
        [("x", [2, 3], False), ("axes", [0], True), ("e", [0, 3], True)]
    assert [(s["name"], s["buffer"] is None) for s in dump["outputs"]] == \
        [("s", False), ("er", True), ("c", False)]
    x = np.arange(6, dtype=np.float32).reshape(2, 3)
    np.save(tmp / "x.npy", x)
    np.save(tmp / "axes.npy", np.zeros(0, np.int64))
    np.save(tmp / "e.npy", np.zeros((0, 3), np.float32))
    outs = [tmp / f"{n}.npy" for n in ("s", "er", "c")]
    run(["tt-run", tmp / "m.ttb", "--quiet", *[f"--input=@{tmp / n}.npy" for n in
                                               ("x", "axes", "e")],
         *[f"--output=@{o}" for o in outs]])
    s, er, c = (np.load(o) for o in outs)
    np.testing.assert_array_equal(s, [[15]])
    assert er.shape == (0, 3) and er.dtype == np.float32
    np.testing.assert_array_equal(c, x)
    # The empty input still has to be given, in its shape.
    proc = run(["tt-run", tmp / "m.ttb", f"--input=@{tmp / 'x.npy'}",
                f"--input=@{tmp / 'x.npy'}", f"--input=@{tmp / 'e.npy'}"], check=False)
    assert_clean_failure(proc, "'axes'", "expected shape [0]")


def test_computing_on_an_empty_tensor_is_a_clear_error(tmp):
    """A sum over no rows is zeros of a shape that is not empty: the chip would compute it from
    nothing, which the importer does not do."""
    save(tmp / "m.onnx", [h.make_node("ReduceSum", ["e", "ax"], ["y"], keepdims=1)],
         [vi("e", T.FLOAT, [0, 3]), vi("ax", T.INT64, [1])], [vi("y", T.FLOAT, [1, 3])])
    proc = run(["tt-compile", tmp / "m.onnx", "-o", tmp / "m.ttb"], check=False)
    assert_clean_failure(proc, "reads an empty tensor")
    assert not (tmp / "m.ttb").exists()
