"""Integer tensors on the chip are exact over the whole int32 range: the compiler holds them in
int32 tiles and computes their math in an int32 Dst (tt-assign-layouts, tt-assign-precision), and
tt-run reads and writes them exactly. Beyond 2^24 an f32 tile would round them."""
import json

import numpy as np
import onnx
import pytest
from onnx import TensorProto, helper, numpy_helper

from conftest import run

BIG = [2**31 - 1, -2**31, 16777217, -16777219, 123456789, 7, 0, -1]


def save(path, nodes, inputs, outputs, inits=()):
    graph = helper.make_graph(nodes, "g", inputs, outputs, initializer=list(inits))
    onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 18)]), path)


def compile_and_run(tmp, arrays, outputs, precision="bf16", pb=False):
    run(["tt-compile", tmp / "m.onnx", "-o", tmp / "m.ttb", f"--precision={precision}"])
    args = ["tt-run", tmp / "m.ttb", "--quiet"]
    for i, a in enumerate(arrays):
        if pb:
            (tmp / f"x{i}.pb").write_bytes(numpy_helper.from_array(a).SerializeToString())
            args.append(f"--input=@{tmp / f'x{i}.pb'}")
        else:
            np.save(tmp / f"x{i}.npy", a)
            args.append(f"--input=@{tmp / f'x{i}.npy'}")
    args += [f"--output=@{tmp / f'y{i}.npy'}" for i in range(outputs)]
    run(args)
    return [np.load(tmp / f"y{i}.npy") for i in range(outputs)]


def dump_ir(tmp, precision="bf16"):
    run(["tt-compile", tmp / "m.onnx", "-o", tmp / "m.ttb", f"--precision={precision}",
         f"--dump-ir-dir={tmp / 'ir'}"])
    return next((tmp / "ir").glob("*tt-assign-precision.mlir")).read_text()


def save_arithmetic(path, onnx_type, dtype):
    """(a + b) * 3 - max(a, b), neg(min(a, b)), abs(a)."""
    i = lambda n: helper.make_tensor_value_info(n, onnx_type, [4, 40])
    three = numpy_helper.from_array(np.array(3, dtype), "three")
    save(path,
         [helper.make_node("Add", ["a", "b"], ["s"], name="sum"),
          helper.make_node("Mul", ["s", "three"], ["p"], name="times3"),
          helper.make_node("Max", ["a", "b"], ["m"]), helper.make_node("Sub", ["p", "m"], ["y"]),
          helper.make_node("Min", ["a", "b"], ["n"]), helper.make_node("Neg", ["n"], ["z"]),
          helper.make_node("Abs", ["a"], ["w"])],
         [i("a"), i("b")], [i("y"), i("z"), i("w")], [three])


@pytest.mark.parametrize("precision", ["fp32", "bf16"])
def test_arithmetic_wraps_as_int32(tmp, precision):
    """int32 arithmetic is exact over the whole range, wrapping as numpy's int32 does, at every
    precision."""
    save_arithmetic(tmp / "m.onnx", TensorProto.INT32, np.int32)
    rng = np.random.default_rng(7)
    a = rng.integers(-2**31, 2**31, (4, 40), dtype=np.int64)
    a.ravel()[:len(BIG)] = BIG
    b = rng.integers(-2**31, 2**31, (4, 40), dtype=np.int64)
    y, z, w = compile_and_run(tmp, [a.astype(np.int32), b.astype(np.int32)], 3, precision)
    a32, b32 = a.astype(np.int32), b.astype(np.int32)
    with np.errstate(over="ignore"):
        want_y = (a32 + b32) * np.int32(3) - np.maximum(a32, b32)
        want_z = -np.minimum(a32, b32)
        want_w = np.abs(a32)
    assert y.dtype == np.int32
    np.testing.assert_array_equal(y, want_y)
    np.testing.assert_array_equal(z, want_z)
    np.testing.assert_array_equal(w, want_w)
    assert "int32, dram" in dump_ir(tmp, precision)


def test_int64_exact_or_refused(tmp):
    """The same arithmetic on int64, which numpy computes in 64 bits and the chip in int32: the
    compiler bounds each input so that every tensor stays within int32 ((a + b) * 3 needs
    |a|, |b| < 2^28), values up to the bounds come back exact as int64, and a value beyond them
    is refused naming the node that would have wrapped, with no output written."""
    save_arithmetic(tmp / "m.onnx", TensorProto.INT64, np.int64)
    compiled = run(["tt-compile", tmp / "m.onnx", "-o", tmp / "m.ttb"])
    assert ("tt-compile: input 'b' takes values in [-268435456, 268435455]: beyond them, node "
            "'times3' (i64) would leave int32") in compiled.stderr
    edge = [2**28 - 1, -2**28, 2**28 - 2, -2**28 + 1, 16777217, -16777219, 0, -1]
    rng = np.random.default_rng(7)
    a = rng.integers(-2**28, 2**28, (4, 40), dtype=np.int64)
    a.ravel()[:len(edge)] = edge
    b = rng.integers(-2**28, 2**28, (4, 40), dtype=np.int64)
    b.ravel()[:len(edge)] = edge
    y, z, w = compile_and_run(tmp, [a, b], 3)
    assert y.dtype == np.int64
    np.testing.assert_array_equal(y, (a + b) * 3 - np.maximum(a, b))
    np.testing.assert_array_equal(z, -np.minimum(a, b))
    np.testing.assert_array_equal(w, np.abs(a))
    dump = json.loads(run(["tt-translate", "--dump-ttb", tmp / "m.ttb"]).stdout)
    assert [s.get("exact_range") for s in dump["inputs"]] == [[-2**28, 2**28 - 1]] * 2
    a[1, 3] = 2**28
    np.save(tmp / "x0.npy", a)
    outs = [tmp / f"refused{k}.npy" for k in range(3)]
    proc = run(["tt-run", tmp / "m.ttb", f"--input=@{tmp / 'x0.npy'}",
                f"--input=@{tmp / 'x1.npy'}", *[f"--output=@{o}" for o in outs]], check=False)
    assert proc.returncode != 0
    assert ("input 'a': value 268435456 (element 43) is outside [-268435456, 268435455]; beyond "
            "it, node 'times3' (i64) would leave int32") in proc.stderr
    assert not any(o.exists() for o in outs)


def test_comparisons_where_and_casts(tmp):
    """Comparisons of integers one apart beyond 2^24 (f32 would call them equal), a Where picking
    between large integers, and casts both ways: int to float rounds to the nearest f32, float
    to int truncates. Only the inputs of the int64 sum are bounded (to 2^30, so that it stays in
    int32), the float one too; the compared ones keep the whole int32 range."""
    i = lambda n, t=TensorProto.INT64: helper.make_tensor_value_info(n, t, [2, 8])
    save(tmp / "m.onnx",
         [helper.make_node("Less", ["a", "b"], ["lt"]), helper.make_node("Equal", ["a", "b"], ["eq"]),
          helper.make_node("Where", ["lt", "a", "b"], ["lo"]),
          helper.make_node("Cast", ["a"], ["af"], to=TensorProto.FLOAT),
          helper.make_node("Cast", ["f"], ["fi"], to=TensorProto.INT64),
          helper.make_node("Add", ["fi", "b"], ["fb"])],
         [i("a"), i("b"), i("f", TensorProto.FLOAT)],
         [i("lt", TensorProto.BOOL), i("eq", TensorProto.BOOL), i("lo"),
          i("af", TensorProto.FLOAT), i("fb")])
    a = np.array([BIG, [16777217, 16777218, -5, 5, 2**30, -2**30, 1, 2]], np.int64)
    b = np.array([[16777216, -2**30 + 5, 16777216, -16777218, 123456789, 8, 0, 0],
                  [16777216, 16777218, -5, 6, 2**30 - 1, -2**30, 1, 3]], np.int64)
    f = np.array([[1.9, -1.9, 2.5, -2.5, 1e9, -1e9, 0.0, 7.0]] * 2, np.float32)
    lt, eq, lo, af, fb = compile_and_run(tmp, [a, b, f], 5, "fp32")
    np.testing.assert_array_equal(lt, a < b)
    np.testing.assert_array_equal(eq, a == b)
    np.testing.assert_array_equal(lo, np.where(a < b, a, b))
    np.testing.assert_array_equal(af, a.astype(np.float32))
    np.testing.assert_array_equal(fb, f.astype(np.int64) + b)
    dump = json.loads(run(["tt-translate", "--dump-ttb", tmp / "m.ttb"]).stdout)
    assert [s.get("exact_range") for s in dump["inputs"]] == [None] + [[-2**30, 2**30 - 1]] * 2


def test_token_ids_gather_and_move_exactly(tmp):
    """Ids read from int64 .pb inputs index an embedding (int32 index tiles); an int64 tensor
    reshaped, transposed, padded with zeros and concatenated keeps every value."""
    f = lambda n, s: helper.make_tensor_value_info(n, TensorProto.FLOAT, s)
    i = lambda n, s: helper.make_tensor_value_info(n, TensorProto.INT64, s)
    table = np.arange(50 * 32, dtype=np.float32).reshape(50, 32)
    pads = numpy_helper.from_array(np.array([0, 1, 0, 2], np.int64), "pads")
    shape = numpy_helper.from_array(np.array([8, 5], np.int64), "shape")
    save(tmp / "m.onnx",
         [helper.make_node("Gather", ["table", "ids"], ["emb"]),
          helper.make_node("Reshape", ["v", "shape"], ["r"]),
          helper.make_node("Transpose", ["r"], ["t"], perm=[1, 0]),
          helper.make_node("Pad", ["t", "pads"], ["p"]),
          helper.make_node("Concat", ["p", "p"], ["c"], axis=0)],
         [i("ids", [6]), i("v", [40])], [f("emb", [6, 32]), i("c", [10, 11])],
         [numpy_helper.from_array(table, "table"), pads, shape])
    ids = np.array([49, 0, 3, -1, 17, 2], np.int64)
    v = np.array(BIG * 5, np.int64)
    emb, c = compile_and_run(tmp, [ids, v], 2, "fp32", pb=True)
    np.testing.assert_array_equal(emb, table[ids])
    p = np.pad(v.reshape(8, 5).T, [(0, 0), (1, 2)])
    np.testing.assert_array_equal(c, np.concatenate([p, p]))
    assert "int32, dram" in dump_ir(tmp, "fp32")


def test_division_and_remainders(tmp):
    """Integer Div truncates toward zero, Mod takes the divisor's sign and Mod(fmod=1) the
    dividend's, exactly beyond 2^24; a zero divisor gives 0, as numpy's."""
    i = lambda n: helper.make_tensor_value_info(n, TensorProto.INT32, [3, 8])
    save(tmp / "m.onnx",
         [helper.make_node("Div", ["a", "b"], ["q"]), helper.make_node("Mod", ["a", "b"], ["m"]),
          helper.make_node("Mod", ["a", "b"], ["f"], fmod=1)],
         [i("a"), i("b")], [i("q"), i("m"), i("f")])
    a = np.array([BIG, [-7, 7, -7, 7, 2**30 + 3, -(2**30) - 3, 99, -99], BIG], np.int32)
    b = np.array([[3, -3, 2, 7, 1000, -1, 5, 4], [2, 2, -2, -2, 7, 7, 0, 0],
                  [-1, 2, 16777216, 3, -123456789, 2**31 - 1, 1, 1]], np.int32)
    q, m, f = compile_and_run(tmp, [a, b], 3, "bf16")
    a64, b64 = a.astype(np.int64), b.astype(np.int64)
    safe = np.where(b64 == 0, 1, b64)
    want_q = np.sign(a64) * np.sign(safe) * (np.abs(a64) // np.abs(safe)) * (b64 != 0)
    np.testing.assert_array_equal(q, want_q.astype(np.int32))
    np.testing.assert_array_equal(m, np.where(b64 == 0, 0, np.mod(a64, safe)).astype(np.int32))
    np.testing.assert_array_equal(f, np.where(b64 == 0, 0, np.fmod(a64, safe)).astype(np.int32))


def test_reductions(tmp):
    """ReduceSum, ReduceMax and ReduceMin of integers fold int32 tiles on the SFPU, over rows and
    over columns, partial tiles included: exact, sums wrapping as numpy's int32 do."""
    axes = lambda n, v: numpy_helper.from_array(np.array(v, np.int64), n)
    save(tmp / "m.onnx",
         [helper.make_node("ReduceSum", ["a", "ax1"], ["s"], keepdims=0),
          helper.make_node("ReduceMax", ["a"], ["m"], axes=[0], keepdims=1),
          helper.make_node("ReduceMin", ["a"], ["n"], axes=[1], keepdims=1),
          helper.make_node("ReduceSum", ["a", "ax0"], ["s0"], keepdims=1)],
         [helper.make_tensor_value_info("a", TensorProto.INT32, [40, 70])],
         [helper.make_tensor_value_info(n, TensorProto.INT32, s)
          for n, s in [("s", [40]), ("m", [1, 70]), ("n", [40, 1]), ("s0", [1, 70])]],
         [axes("ax0", [0]), axes("ax1", [1])])
    a = np.random.default_rng(1).integers(-2**26, 2**26, (40, 70)).astype(np.int32)
    a[0, 0], a[1, 0] = 2**31 - 1, -2**31
    got = compile_and_run(tmp, [a], 4, "bf16")
    a32 = a.astype(np.int32)
    want = [a32.sum(1, dtype=np.int32), a32.max(0, keepdims=True), a32.min(1, keepdims=True),
            a32.sum(0, keepdims=True, dtype=np.int32)]
    for g, w in zip(got, want):
        np.testing.assert_array_equal(g.astype(np.int32), w)


@pytest.mark.parametrize("precision", ["fp32", "bfp4"])
def test_integer_matmul_and_conv(tmp, precision):
    """MatMulInteger and ConvInteger multiply int32 tiles into an int32 Dst: dot products of 2,100
    and 2,304 8-bit terms, past 2^24 where an f32 accumulation would round, are exact at every
    precision (an integer matmul takes every multiplier phase)."""
    rng = np.random.default_rng(3)
    a = rng.integers(200, 256, (40, 2100)).astype(np.uint8)
    b = rng.integers(100, 128, (2100, 70)).astype(np.int8)
    x = rng.integers(200, 256, (1, 256, 6, 7)).astype(np.uint8)
    w = rng.integers(100, 128, (8, 256, 3, 3)).astype(np.int8)
    zp = lambda n, v, t: numpy_helper.from_array(np.array(v, t), n)
    save(tmp / "m.onnx",
         [helper.make_node("MatMulInteger", ["a", "b", "azp", "bzp"], ["y"]),
          helper.make_node("ConvInteger", ["x", "w", "xzp"], ["z"], pads=[1, 1, 1, 1])],
         [helper.make_tensor_value_info("a", TensorProto.UINT8, [40, 2100]),
          helper.make_tensor_value_info("x", TensorProto.UINT8, [1, 256, 6, 7])],
         [helper.make_tensor_value_info("y", TensorProto.INT32, [40, 70]),
          helper.make_tensor_value_info("z", TensorProto.INT32, [1, 8, 6, 7])],
         [numpy_helper.from_array(b, "b"), numpy_helper.from_array(w, "w"),
          zp("azp", 3, np.uint8), zp("bzp", -2, np.int8), zp("xzp", 3, np.uint8)])
    y, z = compile_and_run(tmp, [a, x], 2, precision)
    want_y = (a.astype(np.int64) - 3) @ (b.astype(np.int64) + 2)
    xp = np.pad(x.astype(np.int64) - 3, [(0, 0), (0, 0), (1, 1), (1, 1)])
    want_z = np.zeros((1, 8, 6, 7), np.int64)
    for i in range(3):
        for j in range(3):
            want_z[0] += np.einsum("chw,mc->mhw", xp[0, :, i:i + 6, j:j + 7],
                                   w[:, :, i, j].astype(np.int64))
    assert np.abs(want_y).max() > 2**24 and np.abs(want_z).max() > 2**24
    np.testing.assert_array_equal(y, want_y)
    np.testing.assert_array_equal(z, want_z)


def test_cumulative_sums(tmp):
    """CumSum of integers is an integer matmul by a triangle of ones: running sums past 2^24
    exact, forward along the last axis and reversed along the first."""
    i = lambda n: helper.make_tensor_value_info(n, TensorProto.INT64, [5, 40])
    axis = lambda n, v: numpy_helper.from_array(np.array(v, np.int64), n)
    save(tmp / "m.onnx",
         [helper.make_node("CumSum", ["x", "a1"], ["y"]),
          helper.make_node("CumSum", ["x", "a0"], ["z"], reverse=1)],
         [i("x")], [i("y"), i("z")], [axis("a1", 1), axis("a0", 0)])
    x = np.random.default_rng(2).integers(-2**25, 2**25, (5, 40))
    y, z = compile_and_run(tmp, [x], 2, "bf16")
    np.testing.assert_array_equal(y, np.cumsum(x, 1))
    np.testing.assert_array_equal(z, np.flip(np.cumsum(np.flip(x, 0), 0), 0))


def test_bit_shifts(tmp):
    """BitShift of uint32 values by run-time amounts: a multiply or divide by 2^y in int32, exact
    past 2^24. The compiler bounds the values to 2^16 and the shifts to 15 so that the left
    shift stays in the int32 the chip holds a uint32 in; a value past them is refused."""
    u = lambda n: helper.make_tensor_value_info(n, TensorProto.UINT32, [8])
    save(tmp / "m.onnx",
         [helper.make_node("BitShift", ["x", "s"], ["l"], direction="LEFT"),
          helper.make_node("BitShift", ["x", "s"], ["r"], direction="RIGHT")],
         [u("x"), u("s")], [u("l"), u("r")])
    x = np.array([65535, 3, 40007, 12345, 1, 0, 99, 65533], np.uint32)
    s = np.array([15, 4, 0, 2, 15, 5, 3, 14], np.uint32)
    left, right = compile_and_run(tmp, [x, s], 2, "fp32")
    np.testing.assert_array_equal(left, x << s)
    np.testing.assert_array_equal(right, x >> s)
    assert left.max() > 2**30
    x[2] = 2**16
    np.save(tmp / "x0.npy", x)
    proc = run(["tt-run", tmp / "m.ttb", f"--input=@{tmp / 'x0.npy'}",
                f"--input=@{tmp / 'x1.npy'}"], check=False)
    assert "input 'x': value 65536 (element 2) is outside [0, 65535]" in proc.stderr


def test_integer_powers(tmp):
    """Pow of integers squares and multiplies in int32: 3^19 and 7^11, past 2^24, exact."""
    i = lambda n: helper.make_tensor_value_info(n, TensorProto.INT32, [6])
    save(tmp / "m.onnx", [helper.make_node("Pow", ["a", "b"], ["y"])], [i("a"), i("b")], [i("y")])
    a = np.array([3, 7, -5, 2, 0, 1], np.int32)
    b = np.array([19, 11, 13, 30, 5, 0], np.int32)
    y, = compile_and_run(tmp, [a, b], 1, "bf16")
    np.testing.assert_array_equal(y, a.astype(np.int64) ** b)


def test_integers_beside_float_math_stay_f32(tmp):
    """An integer tensor that an op without an integer form reads (a Cast to bool) stays an f32
    tile, exact to 2^24, as do the integers linked to it, and the model still runs."""
    i = lambda n: helper.make_tensor_value_info(n, TensorProto.INT64, [2, 3])
    save(tmp / "m.onnx",
         [helper.make_node("Add", ["a", "b"], ["s"]),
          helper.make_node("Cast", ["s"], ["y"], to=TensorProto.BOOL)],
         [i("a"), i("b")], [helper.make_tensor_value_info("y", TensorProto.BOOL, [2, 3])])
    a = np.array([[7, -7, 100], [1000, 9, 0]], np.int64)
    b = np.array([[-7, 3, 1], [2, -9, 0]], np.int64)
    y, = compile_and_run(tmp, [a, b], 1, "fp32")
    np.testing.assert_array_equal(y, (a + b) != 0)
    add = next(l for l in dump_ir(tmp, "fp32").splitlines() if "graph.binary add" in l)
    assert "tensor<2x3xi64, #grid.layout<tile 32x32, f32" in add
    assert "int32" not in add


@pytest.mark.parametrize("dtype,onnx_type", [(np.uint8, TensorProto.UINT8),
                                             (np.int16, TensorProto.INT16)])
def test_narrow_integers_wrap_as_onnx(tmp, dtype, onnx_type):
    """uint8 and int16 sums and products wrap into their type as numpy's do: the chip holds them
    unwrapped in int32, exact modulo the type, and the runtime writes the output wrapped. A sum
    a comparison reads must not wrap: its inputs are bounded to half the type, and a value past
    that is refused."""
    i = lambda n: helper.make_tensor_value_info(n, onnx_type, [3, 8])
    save(tmp / "m.onnx",
         [helper.make_node("Add", ["a", "b"], ["s"]), helper.make_node("Mul", ["s", "a"], ["p"]),
          helper.make_node("Add", ["c", "d"], ["t"], name="t"),
          helper.make_node("Less", ["t", "c"], ["lt"])],
         [i("a"), i("b"), i("c"), i("d")],
         [i("p"), helper.make_tensor_value_info("lt", TensorProto.BOOL, [3, 8])])
    info = np.iinfo(dtype)
    rng = np.random.default_rng(3)
    a, b = (rng.integers(info.min, info.max + 1, (3, 8)).astype(dtype) for _ in range(2))
    half = (info.max + 1) // 2
    c, d = (rng.integers(max(info.min // 2, -half), half, (3, 8)).astype(dtype) for _ in range(2))
    p, lt = compile_and_run(tmp, [a, b, c, d], 2, "bf16")
    with np.errstate(over="ignore"):
        want = (a + b) * a
    assert p.dtype == dtype
    assert (a.astype(np.int64) + b > info.max).any()  # the sums do wrap
    np.testing.assert_array_equal(p, want)
    np.testing.assert_array_equal(lt, (c + d) < c)
    dump = json.loads(run(["tt-translate", "--dump-ttb", tmp / "m.ttb"]).stdout)
    ranges = [s.get("exact_range") for s in dump["inputs"]]
    assert ranges[:2] == [None, None] and ranges[2] == ranges[3] and ranges[2][1] == half - 1
    c[0, 0] = half
    np.save(tmp / "x2.npy", c)
    proc = run(["tt-run", tmp / "m.ttb", *[f"--input=@{tmp / f'x{k}.npy'}" for k in range(4)]],
               check=False)
    assert f"input 'c': value {half} (element 0) is outside" in proc.stderr
    assert "node 't'" in proc.stderr
