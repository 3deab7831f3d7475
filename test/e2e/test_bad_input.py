"""Bad input gets one clear line and a non-zero exit, never a crash."""
import subprocess

import numpy as np
import onnx
import pytest
from onnx import TensorProto, helper, numpy_helper

from conftest import BIN, NODE_TESTS, assert_clean_failure, run

RELU = NODE_TESTS / "test_relu" / "model.onnx"  # x: 3x4x5 float


def test_missing_model(tmp):
    proc = run(["tt-compile", tmp / "nope.onnx", "-o", tmp / "o.ttb"], check=False)
    assert_clean_failure(proc, "nope.onnx", "No such file")
    assert not (tmp / "o.ttb").exists()


def test_truncated_model(tmp):
    data = (NODE_TESTS / "test_gemm_all_attributes" / "model.onnx").read_bytes()
    bad = tmp / "bad.onnx"
    bad.write_bytes(data[: len(data) // 2])
    proc = run(["tt-compile", bad, "-o", tmp / "o.ttb"], check=False)
    assert_clean_failure(proc, "bad.onnx")
    assert not (tmp / "o.ttb").exists()


def test_unsupported_ops_listed_at_once(tmp):
    nodes = [helper.make_node("Twiddle", ["x"], ["a"], domain="com.example", name="twiddle_1"),
             helper.make_node("Twiddle", ["a"], ["b"], domain="com.example", name="twiddle_2"),
             helper.make_node("Frobnicate", ["b"], ["y"], domain="com.example",
                              name="custom_1")]
    g = helper.make_graph(nodes, "g",
                          [helper.make_tensor_value_info("x", TensorProto.FLOAT, [2, 3])],
                          [helper.make_tensor_value_info("y", TensorProto.FLOAT, [2, 3])])
    onnx.save(helper.make_model(g, opset_imports=[helper.make_opsetid("", 13),
                                                  helper.make_opsetid("com.example", 1)]),
              tmp / "u.onnx")
    proc = run(["tt-compile", tmp / "u.onnx", "-o", tmp / "o.ttb"], check=False)
    assert_clean_failure(proc, "Twiddle", "twiddle_1", "twiddle_2", "Frobnicate", "custom_1")


def test_wrong_input_shape_and_dtype(tmp):
    run(["tt-compile", RELU, "-o", tmp / "m.ttb"])
    np.save(tmp / "shape.npy", np.zeros((3, 4), np.float32))
    proc = run(["tt-run", tmp / "m.ttb", f"--input=@{tmp / 'shape.npy'}"], check=False)
    assert_clean_failure(proc, "x")
    np.save(tmp / "dtype.npy", np.zeros((3, 4, 5), np.complex64))
    proc = run(["tt-run", tmp / "m.ttb", f"--input=@{tmp / 'dtype.npy'}"], check=False)
    assert_clean_failure(proc, "x")


def test_corrupted_binary(tmp):
    run(["tt-compile", RELU, "-o", tmp / "m.ttb"])
    data = bytearray((tmp / "m.ttb").read_bytes())
    x = tmp / "x.npy"
    np.save(x, np.ones((3, 4, 5), np.float32))
    (tmp / "trunc.ttb").write_bytes(data[: len(data) // 3])
    assert_clean_failure(run(["tt-run", tmp / "trunc.ttb", f"--input=@{x}"], check=False))
    rng = np.random.default_rng(0)
    for trial in range(40):
        flipped = bytearray(data)
        for pos in rng.integers(0, len(flipped), size=4):
            flipped[pos] ^= 1 << int(rng.integers(0, 8))
        (tmp / "flip.ttb").write_bytes(flipped)
        proc = run(["tt-run", tmp / "flip.ttb", f"--input=@{x}", "--quiet",
                    f"--output=@{tmp / 'y.npy'}"], check=False)
        # A flip may land in bytes that do not matter; then the run must still succeed.
        if proc.returncode != 0:
            assert_clean_failure(proc)


# ---------------------------------------------------------------------------------------------
# Malformed graphs, tensors and attributes: the compiler rejects them before doing any work.

CRASH_SIGNS = ("Traceback", "Aborted", "Segmentation", "Stack dump", "LLVM ERROR",
               "terminate called", "PLEASE submit a bug report", "core dumped")


def compile_bounded(model, out, *flags, timeout=60, cwd=None):
    """tt-compile, failing the test if it hangs instead of answering."""
    cmd = [str(BIN / "tt-compile"), str(model), "-o", str(out), *flags]
    try:
        return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, cwd=cwd)
    except subprocess.TimeoutExpired:
        pytest.fail(f"{' '.join(cmd)} did not finish within {timeout} s", pytrace=False)


def assert_rejected(proc, out, *needles):
    """One clean error line naming the problem, no crash, and no binary left behind."""
    for sign in CRASH_SIGNS:
        assert sign not in proc.stderr, f"crash sign {sign!r} in:\n{proc.stderr}"
    line = assert_clean_failure(proc, *needles)
    assert not out.exists(), f"{out} was written despite the error"
    return line


def save_unchecked(path, nodes, inputs, outputs, initializers=()):
    """Saves a graph as given: onnx.checker would refuse most of these models."""
    graph = helper.make_graph(nodes, "bad", inputs, outputs, initializer=list(initializers))
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(model.SerializeToString())
    return path


def f32(name, shape):
    return helper.make_tensor_value_info(name, TensorProto.FLOAT, shape)


def test_graph_cycle(tmp):
    # a = x + b; b = relu(a): each node reads the other's output.
    model = save_unchecked(tmp / "cycle.onnx",
                           [helper.make_node("Add", ["x", "b"], ["a"], name="add_a"),
                            helper.make_node("Relu", ["a"], ["b"], name="relu_b")],
                           [f32("x", [2, 3])], [f32("b", [2, 3])])
    line = assert_rejected(compile_bounded(model, tmp / "o.ttb"), tmp / "o.ttb")
    assert "cycle" in line.lower(), f"the error does not say the graph has a cycle: {line!r}"
    assert "add_a" in line or "relu_b" in line, f"the error names neither node: {line!r}"


def test_undefined_node_input(tmp):
    model = save_unchecked(tmp / "undef.onnx",
                           [helper.make_node("Add", ["x", "ghost"], ["y"], name="add_ghost")],
                           [f32("x", [2, 3])], [f32("y", [2, 3])])
    assert_rejected(compile_bounded(model, tmp / "o.ttb"), tmp / "o.ttb", "ghost", "add_ghost")


@pytest.mark.parametrize("values", [5, 7], ids=["short", "long"])
def test_initializer_raw_data_size(values, tmp):
    w = TensorProto(name="w", data_type=TensorProto.FLOAT, dims=[2, 3],
                    raw_data=np.arange(values, dtype=np.float32).tobytes())
    model = save_unchecked(tmp / "raw.onnx",
                           [helper.make_node("Add", ["x", "w"], ["y"], name="add")],
                           [f32("x", [2, 3])], [f32("y", [2, 3])], [w])
    assert_rejected(compile_bounded(model, tmp / "o.ttb"), tmp / "o.ttb", "'w'")


@pytest.mark.parametrize("perm", [1.5, "1,0"], ids=["float", "string"])
def test_attribute_of_wrong_type(perm, tmp):
    node = helper.make_node("Transpose", ["x"], ["y"], name="transpose_1", perm=perm)
    model = save_unchecked(tmp / "attr.onnx", [node], [f32("x", [2, 3])], [f32("y", [3, 2])])
    assert_rejected(compile_bounded(model, tmp / "o.ttb"), tmp / "o.ttb", "perm", "transpose_1")


def test_input_negative_dim(tmp):
    model = save_unchecked(tmp / "neg.onnx", [helper.make_node("Relu", ["x"], ["y"], name="relu")],
                           [f32("x", [3, -4, 5])], [f32("y", [3, -4, 5])])
    assert_rejected(compile_bounded(model, tmp / "o.ttb"), tmp / "o.ttb", "'x'", "-4")


@pytest.mark.parametrize("shape", [[2 ** 40, 4], [2 ** 16] * 4], ids=["dim", "product"])
def test_input_enormous_dim(shape, tmp):
    # [2**16]*4: every dim is modest, but the element count (2**64) overflows an int64.
    model = save_unchecked(tmp / "huge.onnx", [helper.make_node("Relu", ["x"], ["y"], name="relu")],
                           [f32("x", shape)], [f32("y", shape)])
    line = assert_rejected(compile_bounded(model, tmp / "o.ttb"), tmp / "o.ttb")
    assert "too large" in line or "bytes" in line, f"the error does not say it is too big: {line!r}"


def _external(tensor, location, length=None):
    tensor.data_location = TensorProto.EXTERNAL
    entries = [("location", location), ("offset", "0")]
    if length is not None:
        entries.append(("length", str(length)))
    for key, value in entries:
        entry = tensor.external_data.add()
        entry.key, entry.value = key, value
    return tensor


@pytest.mark.parametrize("where", ["parent", "absolute"])
def test_external_data_outside_model_folder(where, tmp):
    w = np.arange(6, dtype=np.float32).reshape(2, 3)
    outside = tmp / "outside.bin"
    outside.write_bytes(w.tobytes())  # It exists and is the right size: only its place is wrong.
    location = "../outside.bin" if where == "parent" else str(outside)
    tensor = _external(TensorProto(name="w", data_type=TensorProto.FLOAT, dims=[2, 3]), location,
                       length=24)
    model = save_unchecked(tmp / "model" / "m.onnx",
                           [helper.make_node("Add", ["x", "w"], ["y"], name="add")],
                           [f32("x", [2, 3])], [f32("y", [2, 3])], [tensor])
    assert_rejected(compile_bounded(model, tmp / "model" / "o.ttb"), tmp / "model" / "o.ttb",
                    "outside.bin", "'w'")


def test_external_data_in_model_folder(tmp):
    rng = np.random.default_rng(5)
    w = rng.standard_normal((8, 16)).astype(np.float32)
    b = rng.standard_normal(16).astype(np.float32)
    graph = helper.make_graph(
        [helper.make_node("MatMul", ["x", "w"], ["h"], name="matmul"),
         helper.make_node("Add", ["h", "b"], ["y"], name="add")],
        "ext", [f32("x", [4, 8])], [f32("y", [4, 16])],
        initializer=[numpy_helper.from_array(w, "w"), numpy_helper.from_array(b, "b")])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    (tmp / "model").mkdir()
    # Both tensors in one file, the second at an offset; relative to the model, not the cwd.
    onnx.save(model, str(tmp / "model" / "m.onnx"), save_as_external_data=True,
              all_tensors_to_one_file=True, location="weights.bin", size_threshold=0)
    saved = onnx.load(str(tmp / "model" / "m.onnx"), load_external_data=False)
    assert all(t.data_location == TensorProto.EXTERNAL for t in saved.graph.initializer)
    offsets = [int(e.value) for t in saved.graph.initializer for e in t.external_data
               if e.key == "offset"]
    assert any(offsets), f"expected one tensor at a non-zero offset, got {offsets}"
    (tmp / "elsewhere").mkdir()
    proc = compile_bounded(tmp / "model" / "m.onnx", tmp / "m.ttb", cwd=tmp / "elsewhere")
    assert proc.returncode == 0, proc.stderr
    x = rng.standard_normal((4, 8)).astype(np.float32)
    np.save(tmp / "x.npy", x)
    run(["tt-run", tmp / "m.ttb", f"--input=@{tmp / 'x.npy'}", f"--output=@{tmp / 'y.npy'}",
         "--quiet"])
    want = x.astype(np.float64) @ w + b
    np.testing.assert_allclose(np.load(tmp / "y.npy"), want, rtol=1e-4, atol=1e-4)


def _ints(name, values):
    return numpy_helper.from_array(np.array(values, np.int64), name)


def test_matmul_of_a_scalar(tmp):
    model = save_unchecked(tmp / "mm.onnx",
                           [helper.make_node("MatMul", ["x", "two"], ["y"], name="scaled")],
                           [f32("x", [2, 5])], [f32("y", [2, 5])],
                           [numpy_helper.from_array(np.float32(2), "two")])
    assert_rejected(compile_bounded(model, tmp / "o.ttb"), tmp / "o.ttb", "scaled", "scalar")


def test_matmul_contraction_mismatch(tmp):
    model = save_unchecked(tmp / "mm.onnx",
                           [helper.make_node("MatMul", ["x", "w"], ["y"], name="proj")],
                           [f32("x", [2, 5])], [f32("y", [2, 3])],
                           [numpy_helper.from_array(np.ones((4, 3), np.float32), "w")])
    assert_rejected(compile_bounded(model, tmp / "o.ttb"), tmp / "o.ttb", "proj", "5 columns",
                    "4 rows")


@pytest.mark.parametrize("split,words", [(0, ["split 0", "not positive"]),
                                         ([1, 2], ["sums to 3"]),
                                         ([6, -2], ["does not divide"])],
                         ids=["zero", "sum", "negative"])
def test_split_to_sequence_bad_split(split, words, tmp):
    nodes = [helper.make_node("SplitToSequence", ["x", "s"], ["seq"], name="pieces", axis=1),
             helper.make_node("SequenceAt", ["seq", "i"], ["y"], name="first")]
    model = save_unchecked(tmp / "split.onnx", nodes, [f32("x", [2, 4])], [f32("y", [2, 2])],
                           [_ints("s", split), _ints("i", 0)])
    assert_rejected(compile_bounded(model, tmp / "o.ttb"), tmp / "o.ttb", "pieces", *words)


def test_pad_amount_out_of_range(tmp):
    node = helper.make_node("Pad", ["x", "p"], ["y"], name="padded")
    model = save_unchecked(tmp / "pad.onnx", [node], [f32("x", [2, 4])], [f32("y", [2, 4])],
                           [_ints("p", [0, 2 ** 62, 0, 0])])
    assert_rejected(compile_bounded(model, tmp / "o.ttb"), tmp / "o.ttb", "padded")
