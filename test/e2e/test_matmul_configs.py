"""Matmuls under the configs tt-choose-op-configs picks, against float64 numpy: bf16 to PCC 0.999,
fp32 to ONNX's tolerances, and a small --l1-budget that forces streaming configs."""
import numpy as np
import onnx
import pytest
from onnx import TensorProto, helper, numpy_helper

from conftest import run


def matmul_model(path, a_shape, b_shape, seed=0):
    rng = np.random.default_rng(seed)
    w = rng.standard_normal(b_shape).astype(np.float32)
    out_shape = list(np.broadcast_shapes(a_shape[:-2], b_shape[:-2])) + [a_shape[-2], b_shape[-1]]
    graph = helper.make_graph(
        [helper.make_node("MatMul", ["x", "w"], ["y"], name="mm")], "mm",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, list(a_shape))],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, out_shape)],
        [numpy_helper.from_array(w, "w")])
    onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)]), path)
    x = rng.standard_normal(a_shape).astype(np.float32)
    return x, x.astype(np.float64) @ w.astype(np.float64)


def compile_and_run(tmp, x, *flags):
    np.save(tmp / "x.npy", x)
    configs = run(["tt-compile", tmp / "mm.onnx", "-o", tmp / "mm.ttb", "--print-op-configs",
                   *flags]).stdout
    run(["tt-run", tmp / "mm.ttb", f"--input=@{tmp / 'x.npy'}", f"--output=@{tmp / 'y.npy'}",
         "--quiet"])
    return configs, np.load(tmp / "y.npy")


def pcc(a, b):
    return float(np.corrcoef(a.ravel(), b.ravel())[0, 1])


# Square, ragged (partial tiles on every side), one row of activations, batched with a shared rhs
# (whose batch's rows are one matrix, in two batch dims too, unless they leave a partial tile).
SHAPES = [((512, 512), (512, 512)), ((200, 300), (300, 100)), ((32, 1024), (1024, 256)),
          ((3, 64, 96), (96, 80)), ((2, 3, 96, 64), (64, 200)), ((4, 50, 96), (96, 64))]


@pytest.mark.parametrize("a_shape,b_shape", SHAPES)
def test_bf16_chosen_config(tmp, a_shape, b_shape):
    x, ref = matmul_model(tmp / "mm.onnx", a_shape, b_shape)
    configs, y = compile_and_run(tmp, x, "--precision=bf16")
    assert configs.startswith("mm (graph.matmul): #grid.matmul_config<grid = ")
    assert pcc(y, ref) >= 0.999


@pytest.mark.parametrize("a_shape,b_shape", SHAPES)
def test_fp32_chosen_config(tmp, a_shape, b_shape):
    x, ref = matmul_model(tmp / "mm.onnx", a_shape, b_shape)
    _, y = compile_and_run(tmp, x, "--precision=fp32")
    np.testing.assert_allclose(y, ref, rtol=1e-3, atol=1e-4)


def test_small_l1_budget_streams(tmp):
    """32 KiB of L1 per core cannot hold the blocks the full chip would use: the chooser picks a
    streaming config that fits, and the numbers stay as accurate. Its more K chunks each round
    their sums to bf16 once more as they are added to the block in L1 (the packer's L1
    accumulation, as on the chip): measured, an RMS error of 0.24 against the full chip's 0.16."""
    x, ref = matmul_model(tmp / "mm.onnx", (512, 1024), (1024, 512))
    full, y_full = compile_and_run(tmp, x, "--precision=bf16")
    small, y_small = compile_and_run(tmp, x, "--precision=bf16", "--l1-budget=32768")
    assert full != small
    assert pcc(y_small, ref) >= 0.999
    rms = lambda y: np.sqrt(np.mean((y - ref) ** 2))
    assert rms(y_small) <= 2 * rms(y_full), (rms(y_small), rms(y_full))


def test_l1_budget_below_any_config_is_an_error(tmp):
    matmul_model(tmp / "mm.onnx", (64, 64), (64, 64))
    proc = run(["tt-compile", tmp / "mm.onnx", "-o", tmp / "mm.ttb", "--l1-budget=1000"],
               check=False)
    assert proc.returncode == 1
    assert "node 'mm': no matmul blocking fits 1000 bytes of L1 per core" in proc.stderr
    assert not (tmp / "mm.ttb").exists()


def test_print_op_configs_shows_l1_tensors(tmp):
    """A ReLU's result that only the matmul reads stays in L1; the matmul's, returned, goes to
    DRAM. With --dram-tensors nothing stays in L1, and the numbers do not change."""
    rng = np.random.default_rng(0)
    w = rng.standard_normal((256, 128)).astype(np.float32)
    graph = helper.make_graph(
        [helper.make_node("Relu", ["x"], ["h"], name="act"),
         helper.make_node("MatMul", ["h", "w"], ["y"], name="mm")], "g",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [64, 256])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [64, 128])],
        [numpy_helper.from_array(w, "w")])
    onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)]),
              tmp / "mm.onnx")
    x = rng.standard_normal((64, 256)).astype(np.float32)
    ref = np.maximum(x, 0).astype(np.float64) @ w
    configs, y = compile_and_run(tmp, x, "--precision=bf16")
    lines = configs.splitlines()
    assert lines[0] == ("act (graph.unary): result in L1, block_sharded 1x1 tiles per core over "
                        "8x2 cores"), configs
    assert lines[1].startswith("mm (graph.matmul): #grid.matmul_config<") and \
        lines[1].endswith("; result in DRAM"), configs
    dram, y_dram = compile_and_run(tmp, x, "--precision=bf16", "--dram-tensors")
    assert "result in L1" not in dram, dram
    assert pcc(y, ref) >= 0.999
    np.testing.assert_allclose(y, y_dram, rtol=0.05, atol=0.5)


# A gated MLP's gate and up projections over 64 rows: each core computes both rows of its
# columns, width shards that the product's cores read; the down projection, which reads its
# lhs in K chunks, gets its operand interleaved.
def test_width_shards_feed_the_gated_product(tmp):
    rng = np.random.default_rng(1)
    wg, wu = (rng.standard_normal((256, 2048)).astype(np.float32) * 0.1 for _ in range(2))
    wd = rng.standard_normal((2048, 256)).astype(np.float32) * 0.1
    graph = helper.make_graph(
        [helper.make_node("MatMul", ["x", "wg"], ["g"], name="gate"),
         helper.make_node("MatMul", ["x", "wu"], ["u"], name="up"),
         helper.make_node("Mul", ["g", "u"], ["h"], name="product"),
         helper.make_node("MatMul", ["h", "wd"], ["y"], name="down")], "g",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [64, 256])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [64, 256])],
        [numpy_helper.from_array(w, n) for w, n in ((wg, "wg"), (wu, "wu"), (wd, "wd"))])
    onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)]),
              tmp / "mm.onnx")
    x = rng.standard_normal((64, 256)).astype(np.float32)
    x64 = x.astype(np.float64)
    ref = ((x64 @ wg) * (x64 @ wu)) @ wd
    configs, y = compile_and_run(tmp, x, "--precision=bf16")
    lines = {line.split(" ")[0]: line for line in configs.splitlines()}
    for name in ("gate", "up"):
        assert "result in L1, width_sharded 2x1 tiles per core over 8x8 cores" in lines[name], configs
    assert "width_sharded" not in lines["product"], configs
    assert pcc(y, ref) >= 0.999
    dram, y_dram = compile_and_run(tmp, x, "--precision=bf16", "--dram-tensors")
    assert "result in L1" not in dram, dram
    np.testing.assert_allclose(y, y_dram, rtol=0.05, atol=0.5)


# Leading K chunks (k_lead), forced on a 2-D grid: in one pass (8x8 blocks of 2x2 tiles) and in
# four passes (blocks of one tile), K's 32 tiles as 2 + 6 + 24 and 1 + 3 + 8 + 20.
LEADS = [("2, 2", "24, k_lead = [2, 6]"), ("1, 1", "24, k_lead = [2, 6]"),
         ("2, 2", "20, k_lead = [1, 3, 8]")]


@pytest.mark.parametrize("block,chunks", LEADS)
@pytest.mark.parametrize("precision", ["bf16", "fp32"])
def test_leading_k_chunks(tmp, block, chunks, precision):
    rng = np.random.default_rng(1)
    a = rng.standard_normal((512, 1024)).astype(np.float32)
    b = rng.standard_normal((1024, 512)).astype(np.float32)
    config = (f"#grid.matmul_config<grid = [8, 8], cores = [8, 8], block = [{block}], "
              f"subblock = [1, 1], k_chunk = {chunks}>")
    (tmp / "mm.mlir").write_text(
        'func.func @main(%a: tensor<512x1024xf32> {graph.name = "a"}, '
        '%b: tensor<1024x512xf32> {graph.name = "b"}) -> (tensor<512x512xf32> {graph.name = "y"}) {\n'
        f"  %0 = graph.matmul %a, %b {{grid.config = {config}}} : (tensor<512x1024xf32>, "
        "tensor<1024x512xf32>) -> tensor<512x512xf32>\n  return %0 : tensor<512x512xf32>\n}\n")
    run(["tt-opt", tmp / "mm.mlir", f"--tt-assign-layouts=precision={precision}",
         "--tt-choose-op-configs", "--tt-lower-graph-to-grid", "--tt-lower-grid-to-kernels",
         "--canonicalize", "--cse", "--tt-allocate-buffers", "-o", tmp / "lowered.mlir"])
    assert "k_lead" in (tmp / "lowered.mlir").read_text()
    run(["tt-translate", "--serialize-ttb", tmp / "lowered.mlir", "-o", tmp / "mm.ttb"])
    np.save(tmp / "a.npy", a)
    np.save(tmp / "b.npy", b)
    run(["tt-run", tmp / "mm.ttb", f"--input=@{tmp / 'a.npy'}", f"--input=@{tmp / 'b.npy'}",
         f"--output=@{tmp / 'y.npy'}", "--quiet"])
    y, ref = np.load(tmp / "y.npy"), a.astype(np.float64) @ b.astype(np.float64)
    if precision == "fp32":
        np.testing.assert_allclose(y, ref, rtol=1e-3, atol=1e-3)
    else:
        assert pcc(y, ref) >= 0.999
