"""tt-run takes inputs of every ONNX numeric element type, as .npy, .pb (raw or typed fields)
and inline values, and refuses an integer the chip cannot hold with an error naming the input."""
import numpy as np
import onnx
import pytest
from onnx import TensorProto, helper, numpy_helper

from conftest import assert_clean_failure, run

# numpy dtype (None: bfloat16, which numpy lacks), ONNX type, tt-run's inline name.
TYPES = [(np.bool_, TensorProto.BOOL, "bool"), (np.int8, TensorProto.INT8, "i8"),
         (np.uint8, TensorProto.UINT8, "u8"), (np.int16, TensorProto.INT16, "i16"),
         (np.uint16, TensorProto.UINT16, "u16"), (np.int32, TensorProto.INT32, "i32"),
         (np.uint32, TensorProto.UINT32, "u32"), (np.int64, TensorProto.INT64, "i64"),
         (np.uint64, TensorProto.UINT64, "u64"), (np.float16, TensorProto.FLOAT16, "f16"),
         (None, TensorProto.BFLOAT16, "bf16"), (np.float32, TensorProto.FLOAT, "f32"),
         (np.float64, TensorProto.DOUBLE, "f64")]


def cast_model(path, elem_type, shape):
    """y = float(x) * 2, for an input of `elem_type` (as a detector casting its uint8 image)."""
    graph = helper.make_graph(
        [helper.make_node("Cast", ["x"], ["xf"], to=TensorProto.FLOAT),
         helper.make_node("Mul", ["xf", "two"], ["y"])], "cast",
        [helper.make_tensor_value_info("x", elem_type, shape)],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, shape)],
        initializer=[numpy_helper.from_array(np.array(2, np.float32), "two")])
    onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)]), path)


def values(dtype):
    v = np.array([[0, 1, 1], [0, 1, 0]] if dtype == np.bool_ else [[0, 1, 7], [100, 3, 5]])
    return v.astype(dtype if dtype else np.float32)


@pytest.mark.parametrize("dtype,onnx_type,name", TYPES, ids=[t[2] for t in TYPES])
def test_every_element_type_as_npy_pb_and_inline(dtype, onnx_type, name, tmp):
    cast_model(tmp / "m.onnx", onnx_type, [2, 3])
    run(["tt-compile", tmp / "m.onnx", "-o", tmp / "m.ttb", "--precision=fp32"])
    x = values(dtype)
    want = x.astype(np.float32) * 2
    inputs = []
    if dtype is not None:
        np.save(tmp / "x.npy", x)
        inputs.append(f"@{tmp / 'x.npy'}")
    # The same values as raw bytes and, where ONNX has one, as the typed field.
    proto = helper.make_tensor("x", onnx_type, [2, 3], x.astype(np.float32).ravel().tolist()
                               if dtype is None else x.ravel().tolist())
    (tmp / "typed.pb").write_bytes(proto.SerializeToString())
    inputs.append(f"@{tmp / 'typed.pb'}")
    if dtype is not None:
        (tmp / "raw.pb").write_bytes(numpy_helper.from_array(x, "x").SerializeToString())
        inputs.append(f"@{tmp / 'raw.pb'}")
    inputs.append(f"2x3x{name}=" + ",".join(str(int(v)) for v in x.astype(np.float64).ravel()))
    for i, spec in enumerate(inputs):
        run(["tt-run", tmp / "m.ttb", f"--input={spec}", f"--output=@{tmp / f'y{i}.npy'}",
             "--quiet"])
        np.testing.assert_array_equal(np.load(tmp / f"y{i}.npy"), want, err_msg=spec)


def test_an_integer_beyond_int32_is_an_error_naming_the_input(tmp):
    cast_model(tmp / "m.onnx", TensorProto.INT64, [2, 3])
    run(["tt-compile", tmp / "m.onnx", "-o", tmp / "m.ttb", "--precision=fp32"])
    x = values(np.int64)
    x[1, 2] = 1 << 40
    np.save(tmp / "x.npy", x)
    proc = run(["tt-run", tmp / "m.ttb", f"--input=@{tmp / 'x.npy'}",
                f"--output=@{tmp / 'y.npy'}"], check=False)
    assert_clean_failure(proc, "'x'", "1099511627776 (element 5) is beyond the int32 range")
    assert not (tmp / "y.npy").exists()


@pytest.mark.parametrize("dtype,onnx_type,name", TYPES, ids=[t[2] for t in TYPES])
def test_outputs_come_back_in_the_declared_element_type(dtype, onnx_type, name, tmp):
    graph = helper.make_graph(
        [helper.make_node("Cast", ["x"], ["y"], to=onnx_type)], "cast_out",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [2, 3])],
        [helper.make_tensor_value_info("y", onnx_type, [2, 3])])
    onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)]),
              tmp / "m.onnx")
    run(["tt-compile", tmp / "m.onnx", "-o", tmp / "m.ttb", "--precision=fp32"])
    x = np.array([[0, 1, 7], [100, 3, 0.5]], np.float32)
    np.save(tmp / "x.npy", x)
    run(["tt-run", tmp / "m.ttb", f"--input=@{tmp / 'x.npy'}", f"--output=@{tmp / 'y.npy'}",
         "--quiet"])
    y = np.load(tmp / "y.npy")
    # numpy has no bfloat16: those come back as float32.
    assert y.dtype == np.dtype(dtype or np.float32)
    if dtype is None:
        np.testing.assert_array_equal(y, x)
    elif dtype != np.bool_:
        np.testing.assert_array_equal(y[0], x[0].astype(dtype))
    else:
        np.testing.assert_array_equal(y, x != 0)


def test_uint16_holds_the_bits_of_a_declared_bfloat16(tmp):
    """numpy has no bfloat16, and ONNX's own test data store bfloat16 inputs as uint16: a uint16
    tensor for an input the model declares bfloat16 is read as bfloat16 bits."""
    cast_model(tmp / "m.onnx", TensorProto.BFLOAT16, [2, 3])
    run(["tt-compile", tmp / "m.onnx", "-o", tmp / "m.ttb", "--precision=fp32"])
    x = np.array([[0, 1, 7], [100, 3, 0.5]], np.float32)
    bits = (x.view(np.uint32) >> 16).astype(np.uint16)
    np.save(tmp / "x.npy", bits)
    (tmp / "x.pb").write_bytes(numpy_helper.from_array(bits, "x").SerializeToString())
    for spec in (tmp / "x.npy", tmp / "x.pb"):
        run(["tt-run", tmp / "m.ttb", f"--input=@{spec}", f"--output=@{tmp / 'y.npy'}",
             "--quiet"])
        np.testing.assert_array_equal(np.load(tmp / "y.npy"), x * 2, err_msg=str(spec))


def int64_constant_model(path, op, constants):
    """y = op(x, *constants) on int64 values."""
    graph = helper.make_graph(
        [helper.make_node(op, ["x", *[c.name for c in constants]], ["y"], name=op.lower())],
        "int64", [helper.make_tensor_value_info("x", TensorProto.INT64, [2, 3])],
        [helper.make_tensor_value_info("y", TensorProto.INT64, [2, 3])], initializer=constants)
    onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)]), path)


def test_an_int64_constant_beyond_int32_is_a_compile_error_naming_it(tmp):
    int64_constant_model(tmp / "m.onnx", "Add", [numpy_helper.from_array(
        np.array([1, 2, 1 << 40], np.int64), "offset")])
    proc = run(["tt-compile", tmp / "m.onnx", "-o", tmp / "m.ttb"], check=False)
    assert_clean_failure(proc, "node 'offset'", "constant holds 1099511627776 (element 2)",
                         "beyond the int32 range")
    assert not (tmp / "m.ttb").exists()


def test_int64_sentinels_still_mean_no_bound(tmp):
    """PyTorch writes an unbounded side of a clamp as INT64_MIN / INT64_MAX."""
    int64_constant_model(tmp / "m.onnx", "Clip", [
        numpy_helper.from_array(np.array(-5, np.int64), "lo"),
        numpy_helper.from_array(np.array(np.iinfo(np.int64).max, np.int64), "hi")])
    run(["tt-compile", tmp / "m.onnx", "-o", tmp / "m.ttb", "--precision=fp32"])
    x = np.array([[-9, 0, 7], [100, -5, 3]], np.int64)
    np.save(tmp / "x.npy", x)
    run(["tt-run", tmp / "m.ttb", f"--input=@{tmp / 'x.npy'}", f"--output=@{tmp / 'y.npy'}",
         "--quiet"])
    np.testing.assert_array_equal(np.load(tmp / "y.npy"), np.clip(x, -5, None))
