"""tessel.InferenceSession: the simulator in process (tessel._runtime), against tt-run on the same
binary: the same outputs and cycles, every element type the model declares in and out, errors as
TesselError, sessions in parallel threads."""
import json
import threading

import numpy as np
import onnx
import pytest
from onnx import TensorProto, helper

import tessel
from conftest import run
from tessel import models


def compiled(tmp, model, name="m"):
    onnx.save(model, tmp / f"{name}.onnx")
    run(["tt-compile", tmp / f"{name}.onnx", "-o", tmp / f"{name}.ttb"])
    return tmp / f"{name}.ttb"


def test_same_outputs_and_cycles_as_tt_run(tmp):
    model, _ = models.cnn()
    ttb = compiled(tmp, model)
    x = np.random.default_rng(1).standard_normal((1, 3, 32, 32)).astype(np.float32)
    np.save(tmp / "x.npy", x)
    run(["tt-run", ttb, f"--input=@{tmp / 'x.npy'}", f"--output=@{tmp / 'y.npy'}",
         f"--perf-report={tmp / 'perf.json'}", "--quiet"])
    session = tessel.InferenceSession(ttb)
    [arg] = session.get_inputs()
    assert (arg.name, arg.shape, arg.type) == ("x", [1, 3, 32, 32], "tensor(float)")
    [y] = session.run(None, {"x": x}, trace=tmp / "trace.json")
    np.testing.assert_array_equal(y, np.load(tmp / "y.npy"))
    # An f32 output is the runtime's own values, not a copy: the array views memory it owns.
    assert y.dtype == np.float32 and y.base is not None
    perf = json.loads((tmp / "perf.json").read_text())
    assert session.last_perf["totals"]["cycles"] == perf["totals"]["cycles"]
    assert "traceEvents" in json.loads((tmp / "trace.json").read_text())
    # From the bytes tessel.compile returns, too.
    again = tessel.InferenceSession(ttb.read_bytes())
    np.testing.assert_array_equal(again.run([session.get_outputs()[0].name], {"x": x})[0], y)


def test_element_types_in_and_out(tmp):
    """int64 ids and a bool mask go in unchanged; the int64 and float outputs come back in
    their declared types."""
    nodes = [helper.make_node("Add", ["ids", "ids"], ["twice"], name="twice"),
             helper.make_node("Where", ["mask", "x", "zero"], ["kept"], name="kept")]
    graph = helper.make_graph(
        nodes, "g",
        [helper.make_tensor_value_info("ids", TensorProto.INT64, [2, 3]),
         helper.make_tensor_value_info("mask", TensorProto.BOOL, [2, 3]),
         helper.make_tensor_value_info("x", TensorProto.FLOAT, [2, 3])],
        [helper.make_tensor_value_info("twice", TensorProto.INT64, [2, 3]),
         helper.make_tensor_value_info("kept", TensorProto.FLOAT, [2, 3])],
        [helper.make_tensor("zero", TensorProto.FLOAT, [], [0.0])])
    ttb = compiled(tmp, helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)]))
    session = tessel.InferenceSession(ttb)
    assert [a.type for a in session.get_inputs()] == ["tensor(int64)", "tensor(bool)",
                                                      "tensor(float)"]
    ids = np.array([[1, -2, 3], [40000, 5, -6]], dtype=np.int64)
    mask = np.array([[True, False, True], [False, True, True]])
    x = np.arange(6, dtype=np.float32).reshape(2, 3)
    twice, kept = session.run(None, {"ids": ids, "mask": mask, "x": x})
    assert twice.dtype == np.int64 and kept.dtype == np.float32
    np.testing.assert_array_equal(twice, ids * 2)
    np.testing.assert_array_equal(kept, np.where(mask, x, 0))


def test_errors_are_tessel_errors(tmp):
    model, _ = models.cnn()
    session = tessel.InferenceSession(compiled(tmp, model))
    with pytest.raises(tessel.TesselError, match=r"missing \['x'\]"):
        session.run(None, {})
    with pytest.raises(tessel.TesselError, match=r"input 0 'x': expected shape \[1, 3, 32, 32\]"):
        session.run(None, {"x": np.zeros((1, 3, 32, 31), np.float32)})
    with pytest.raises(tessel.TesselError, match="no output 'nope'"):
        session.run(["nope"], {"x": np.zeros((1, 3, 32, 32), np.float32)})
    with pytest.raises(tessel.TesselError, match="not a .ttb binary"):
        tessel.InferenceSession(b"not a binary")


def test_sessions_run_in_parallel_threads(tmp):
    """The GIL is released while simulating: two sessions in two threads give what each gives
    alone."""
    model, _ = models.cnn()
    ttb = compiled(tmp, model)
    rng = np.random.default_rng(2)
    xs = [rng.standard_normal((1, 3, 32, 32)).astype(np.float32) for _ in range(2)]
    alone = [tessel.InferenceSession(ttb).run(None, {"x": x})[0] for x in xs]
    got = [None, None]

    def work(i):
        got[i] = tessel.InferenceSession(ttb, threads=1).run(None, {"x": xs[i]})[0]

    threads = [threading.Thread(target=work, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for a, g in zip(alone, got):
        np.testing.assert_array_equal(a, g)


def test_compile_in_process_matches_tt_compile(tmp):
    """tessel.compile runs the pipeline in process (tessel._compiler): the same bytes as
    tt-compile, and a bad model raises TesselError with the tools' one-line message."""
    model, _ = models.cnn()
    ttb = compiled(tmp, model)
    assert tessel.compile(model) == ttb.read_bytes()
    run(["tt-compile", tmp / "m.onnx", "-o", tmp / "b.ttb", "--precision=bf16"])
    assert tessel.compile(tmp / "m.onnx", precision="bf16") == (tmp / "b.ttb").read_bytes()
    with pytest.raises(tessel.TesselError, match=r"^tessel.compile: error: <model>: not a valid "
                                                 r"ONNX model"):
        tessel.compile(b"garbage")


def test_binary_carries_its_signature(tmp):
    """tessel.compile returns a tessel.Binary: the bytes, the chip and precision it was compiled
    for and its inputs and outputs; saved and loaded whole."""
    model, _ = models.cnn()
    binary = tessel.compile(model, precision="bf16")
    assert isinstance(binary, tessel.Binary) and isinstance(binary, bytes)
    assert (binary.chip, binary.precision) == ("wormhole_b0", "bf16")
    assert [(a.name, a.shape, a.type) for a in binary.inputs] == [("x", [1, 3, 32, 32],
                                                                   "tensor(float)")]
    assert [a.element_type for a in binary.outputs] == ["f32"]
    binary.save(tmp / "cnn.ttb")
    assert tessel.Binary.load(tmp / "cnn.ttb") == binary
    with pytest.raises(tessel.TesselError, match="not a .ttb binary"):
        tessel.Binary(b"junk").inputs


def test_sequences_and_optionals(tmp):
    """A sequence goes in and out as a list of arrays, an optional as None or its value."""
    seq = helper.make_sequence_type_proto(helper.make_tensor_type_proto(TensorProto.FLOAT, [2, 3]))
    opt = helper.make_optional_type_proto(helper.make_tensor_type_proto(TensorProto.FLOAT, [2]))
    graph = helper.make_graph(
        [helper.make_node("SequenceInsert", ["s", "x"], ["longer"], name="insert"),
         helper.make_node("SequenceLength", ["longer"], ["n"], name="length"),
         helper.make_node("OptionalHasElement", ["o"], ["has"], name="has")],
        "g",
        [helper.make_value_info("s", seq),
         helper.make_tensor_value_info("x", TensorProto.FLOAT, [2, 3]),
         helper.make_value_info("o", opt)],
        [helper.make_value_info("longer", seq),
         helper.make_tensor_value_info("n", TensorProto.INT64, []),
         helper.make_tensor_value_info("has", TensorProto.BOOL, [])])
    ttb = compiled(tmp, helper.make_model(graph, opset_imports=[helper.make_opsetid("", 18)]))
    session = tessel.InferenceSession(ttb)
    a, b = np.ones((2, 3), np.float32), np.arange(6, dtype=np.float32).reshape(2, 3)
    longer, n, has = session.run(None, {"s": [a], "x": b, "o": None})
    assert isinstance(longer, list) and len(longer) == 2
    np.testing.assert_array_equal(longer[1], b)
    assert (n, has) == (2, False) and n.dtype == np.int64
    _, _, has = session.run(None, {"s": [], "x": b, "o": np.zeros(2, np.float32)})
    assert has
