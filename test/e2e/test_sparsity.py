"""Zero weight tiles: a matmul whose constant weight has all-zero 32x32 tiles stores only the
others and neither reads nor multiplies the zero ones (`--sparsity=on`, the default, where the
cost model estimates it faster), and `--prune=tile:F` makes such tiles. Checked against float64
numpy and against the same model compiled with `--sparsity=off`, with the perf report's skipped
tiles and the binary's size, and the cost model's estimate of the skipping kernels against the
simulator's cycles."""
import json
import re
import sys

import numpy as np
import onnx
import pytest
from onnx import TensorProto, helper, numpy_helper

from conftest import SRC, assert_clean_failure, run

sys.path.insert(0, str(SRC / "bench"))
import models  # noqa: E402


def tiles_of(w):
    """w [K, N] as [K/32, 32, N/32, 32] (K and N multiples of 32)."""
    k, n = w.shape
    return w.reshape(k // 32, 32, n // 32, 32)


def zero_tiles(w, share, rng):
    """Zeroes a random `share` of w's tiles; returns how many."""
    mask = rng.random((w.shape[0] // 32, w.shape[1] // 32)) < share
    tiles_of(w)[:] *= ~mask[:, None, :, None]
    return int(mask.sum())


def matmul_model(path, lhs_shape, w, extra=()):
    """y = x @ w, then the ops of `extra` (node, initializer) pairs; returns nothing."""
    nodes = [helper.make_node("MatMul", ["x", "w"], ["y"], name="mm")]
    inits = [numpy_helper.from_array(w, "w")]
    out_shape = [*lhs_shape[:-1], w.shape[1]]
    graph = helper.make_graph(nodes, "sparse", [helper.make_tensor_value_info(
        "x", TensorProto.FLOAT, list(lhs_shape))], [helper.make_tensor_value_info(
            "y", TensorProto.FLOAT, out_shape)], inits)
    onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)]), path)


def compile_and_run(tmp, model, x, tag, *flags):
    ttb = tmp / f"{tag}.ttb"
    proc = run(["tt-compile", model, "-o", ttb, "--precision=bf16", *flags])
    np.save(tmp / "x.npy", x)
    run(["tt-run", ttb, f"--input=@{tmp / 'x.npy'}", f"--output=@{tmp / f'{tag}.npy'}",
         f"--perf-report={tmp / f'{tag}.json'}", "--quiet"])
    perf = json.loads((tmp / f"{tag}.json").read_text())
    return np.load(tmp / f"{tag}.npy"), perf, ttb.stat().st_size, proc.stderr


def pcc(a, b):
    return float(np.corrcoef(a.ravel(), b.ravel())[0, 1])


def matmul_dispatch(perf):
    return next(d for d in perf["dispatches"] if d["op"] == "matmul")


# Shapes whose chosen blockings share the weight in each way the kernels do: a two-dimensional
# grid (columns of cores multicast the rhs), one row of output tiles (each core reads its own
# columns), one column (the whole rectangle shares the rhs), and a batch whose rows are one
# matrix.
SHAPES = [(256, 1024, 1024), (32, 1024, 2048), (2048, 2048, 32), (4, 128, 2048, 512)]


def places_bytes(k, n):
    """The f32 tiles of a weight's map of places: a row of a power of two >= its column tiles
    per K row of tiles."""
    stride = 1 << (n // 32 - 1).bit_length()
    return -(-(k // 32) * stride // 1024) * 4096


@pytest.mark.parametrize("shape", SHAPES, ids=lambda s: "x".join(map(str, s)))
def test_zero_weight_tiles_are_skipped(tmp, shape):
    rng = np.random.default_rng(1)
    *lead, m, k, n = shape
    w = (rng.standard_normal((k, n)) / np.sqrt(k)).astype(np.float32)
    zeros = zero_tiles(w, 0.5, rng)
    x = rng.standard_normal((*lead, m, k)).astype(np.float32)
    matmul_model(tmp / "mm.onnx", x.shape, w)
    ref = x.astype(np.float64) @ w
    # Forced: the kernels must be right in every sharing mode, paying or not.
    y, perf, size, _ = compile_and_run(tmp, tmp / "mm.onnx", x, "on", "--sparsity=always")
    dense_y, dense_perf, dense_size, _ = compile_and_run(tmp, tmp / "mm.onnx", x, "off",
                                                         "--sparsity=off")
    d, dense = matmul_dispatch(perf), matmul_dispatch(dense_perf)
    stored = (k // 32) * (n // 32) - zeros
    assert f"rhs_stored_tiles = {stored}" in d["config"], d["config"]
    assert "rhs_stored_tiles" not in dense["config"]
    assert pcc(y, ref) > 0.9999 and pcc(dense_y, ref) > 0.9999, (pcc(y, ref), pcc(dense_y, ref))
    # Every row of lhs tiles meets each zero tile once; the binary holds the stored tiles (2 KiB
    # each in bf16) and their places, which is all it adds to what must come from DRAM.
    rows = int(np.prod(lead, dtype=np.int64)) * (m // 32) if lead else m // 32
    assert d["skipped_tiles"] == zeros * rows and dense["skipped_tiles"] == 0
    assert perf["totals"]["skipped_tiles"] == zeros * rows
    saved = (dense_perf["model"]["compulsory_dram_bytes"]
             - perf["model"]["compulsory_dram_bytes"])
    assert saved == zeros * 2048 - places_bytes(k, n), saved
    assert size < dense_size
    assert d["macs"] < 0.6 * dense["macs"]
    print(f"{shape}: {d['config']}: {dense['cycles'] / d['cycles']:.2f}x")
    # Where the pass chooses to skip by itself, it is faster.
    _, chosen, _, _ = compile_and_run(tmp, tmp / "mm.onnx", x, "chosen")
    c = matmul_dispatch(chosen)
    assert "rhs_stored_tiles" not in c["config"] or c["cycles"] < dense["cycles"], c


def test_skipping_where_it_does_not_pay_is_left_off(tmp):
    """A tenth of the tiles zero: the lookups and the places' round trips cost about what the
    skipped tiles save, and the pass keeps the dense kernels."""
    rng = np.random.default_rng(5)
    w = (rng.standard_normal((1024, 1024)) / 32).astype(np.float32)
    zero_tiles(w, 0.1, rng)
    x = rng.standard_normal((512, 1024)).astype(np.float32)
    matmul_model(tmp / "mm.onnx", x.shape, w)
    _, perf, _, _ = compile_and_run(tmp, tmp / "mm.onnx", x, "mm")
    assert "rhs_stored_tiles" not in matmul_dispatch(perf)["config"]
    assert perf["totals"]["skipped_tiles"] == 0


def test_cost_model_estimates_the_skipping_kernels(tmp):
    """The estimate the pass records for the blocking it chose, against the simulator's cycles,
    over weights with a tenth to nine tenths of their tiles zero."""
    rng = np.random.default_rng(2)
    errors = []
    # (Skipping does not pay on 512 x 1024 x 1024 with 40% zero, and the pass keeps the dense
    # kernels: they and the skipping ones add each K chunk's sums to the block in L1.)
    for share, (m, k, n) in [(0.4, (1024, 2048, 1024)), (0.5, (512, 2048, 1024)),
                             (0.5, (1024, 1024, 1024)), (0.9, (1024, 2048, 1024)),
                             (0.5, (64, 2048, 2048))]:
        w = (rng.standard_normal((k, n)) / np.sqrt(k)).astype(np.float32)
        zero_tiles(w, share, rng)
        x = rng.standard_normal((m, k)).astype(np.float32)
        matmul_model(tmp / "mm.onnx", x.shape, w)
        _, perf, _, _ = compile_and_run(tmp, tmp / "mm.onnx", x, "mm")
        d = matmul_dispatch(perf)
        assert "rhs_stored_tiles" in d["config"], d["config"]
        estimate = int(re.search(r"cycles = (\d+)", d["config"]).group(1))
        errors.append((share, (m, k, n), estimate, d["cycles"], estimate / d["cycles"] - 1))
    table = "\n".join(f"{s:.0%} zero {shape}: estimate {e}, simulated {c} ({r:+.1%})"
                      for s, shape, e, c, r in errors)
    assert all(abs(r) < 0.25 for *_, r in errors), table
    print("\n" + table)


def prune_like_the_compiler(w, share):
    """Zeroes the `share` of w's tiles of least L2 norm (ties: the earlier tile)."""
    norms = (tiles_of(w).astype(np.float64) ** 2).sum(axis=(1, 3)).ravel()
    order = np.argsort(norms, kind="stable")[:int(np.floor(share * norms.size))]
    mask = np.zeros(norms.size, bool)
    mask[order] = True
    pruned = w.copy()
    tiles_of(pruned)[:] *= ~mask.reshape(w.shape[0] // 32, w.shape[1] // 32)[:, None, :, None]
    return pruned


def test_prune_zeroes_the_weakest_tiles_and_reports_the_loss(tmp):
    rng = np.random.default_rng(3)
    # Tiles of very different norms, as trained weights have: pruning the weakest half costs
    # little accuracy.
    w = rng.standard_normal((512, 512)).astype(np.float32)
    w *= np.repeat(np.repeat(rng.uniform(0.01, 1, (16, 16)), 32, 0), 32, 1).astype(np.float32)
    x = rng.standard_normal((128, 512)).astype(np.float32)
    matmul_model(tmp / "mm.onnx", x.shape, w)
    # Forced: on a matmul this small the pass keeps the dense kernels.
    y, perf, _, log = compile_and_run(tmp, tmp / "mm.onnx", x, "pruned", "--prune=tile:0.5",
                                      "--sparsity=always")
    ref = x.astype(np.float64) @ prune_like_the_compiler(w, 0.5)
    assert pcc(y, ref) > 0.9999, pcc(y, ref)
    assert matmul_dispatch(perf)["skipped_tiles"] == 128 * 4
    line = next(l for l in log.splitlines() if l.startswith("prune:"))
    assert "50% of each weight's tiles zeroed" in line and "seeded random" in line, line
    reported = float(re.search(r"pcc ([0-9.]+)", line).group(1))
    # The report's PCC is the pruned model's against the unpruned one on its own inputs: close to
    # what numpy gives on these.
    expected = pcc(x.astype(np.float64) @ prune_like_the_compiler(w, 0.5),
                   x.astype(np.float64) @ w)
    assert abs(reported - expected) < 0.02, (reported, expected)
    # On the calibration inputs given, instead.
    np.save(tmp / "cal.npy", x)
    proc = run(["tt-compile", tmp / "mm.onnx", "-o", tmp / "c.ttb", "--precision=bf16",
                "--prune=tile:0.25", f"--calibration=@{tmp / 'cal.npy'}"])
    assert "25% of each weight's tiles zeroed; on the calibration inputs" in proc.stderr


def test_prune_applies_to_convolution_weights(tmp):
    """A 3x3 convolution's weights, pruned as the matmul the compiler lowers it to sees them:
    the output still matches numpy's convolution by the pruned weights to bf16 accuracy."""
    rng = np.random.default_rng(4)
    c, m, h = 64, 64, 14
    w = (rng.standard_normal((m, c, 3, 3)) / np.sqrt(9 * c)).astype(np.float32)
    x = rng.standard_normal((1, c, h, h)).astype(np.float32)
    nodes = [helper.make_node("Conv", ["x", "w"], ["y"], name="conv", pads=[1, 1, 1, 1])]
    graph = helper.make_graph(nodes, "conv", [helper.make_tensor_value_info(
        "x", TensorProto.FLOAT, list(x.shape))], [helper.make_tensor_value_info(
            "y", TensorProto.FLOAT, [1, m, h, h])], [numpy_helper.from_array(w, "w")])
    onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)]),
              tmp / "conv.onnx")
    y, perf, _, _ = compile_and_run(tmp, tmp / "conv.onnx", x, "conv", "--prune=tile:0.5",
                                    "--sparsity=always")
    assert perf["totals"]["skipped_tiles"] > 0
    # The compiler's matmul multiplies the windows, taps side by side (K = tap * c + channel),
    # by the weights as [9 c, m].
    w_mat = w.transpose(2, 3, 1, 0).reshape(9 * c, m)
    padded = np.pad(x[0].astype(np.float64), ((0, 0), (1, 1), (1, 1)))
    windows = np.concatenate([padded[:, dy:dy + h, dx:dx + h].reshape(c, h * h).T
                              for dy in range(3) for dx in range(3)], axis=1)
    ref = (windows @ prune_like_the_compiler(w_mat, 0.5)).T.reshape(1, m, h, h)
    assert pcc(y, ref) > 0.999, pcc(y, ref)
    # Pruning really changed the weights the kernels use.
    assert pcc(y, (windows @ w_mat).T.reshape(1, m, h, h)) < 0.95


@pytest.mark.parametrize("flag, needle", [("--prune=tile:0", "--prune must be tile:F"),
                                          ("--prune=half", "--prune must be tile:F"),
                                          ("--sparsity=maybe", "--sparsity must be on, activations, always or off")])
def test_bad_sparsity_flags_fail_cleanly(tmp, flag, needle):
    w = np.ones((64, 64), np.float32)
    matmul_model(tmp / "mm.onnx", (32, 64), w)
    proc = run(["tt-compile", tmp / "mm.onnx", "-o", tmp / "mm.ttb", flag], check=False)
    assert_clean_failure(proc, needle)
    assert not (tmp / "mm.ttb").exists()


def relu_mlp(path, dead):
    """bench/models.py's ReLU MLP (x[512, 1024] -> 4096 -> 1024) with a share `dead` of its first
    layer's 32-column blocks dead: returns an input, float64 numpy's output and the share."""
    model, _, shape = models.relu_mlp(512, 1024, 4096, dead, seed=6)
    onnx.save(model, path)
    w = {t.name: numpy_helper.to_array(t).astype(np.float64) for t in model.graph.initializer}
    x = np.random.default_rng(6).standard_normal(shape).astype(np.float32)
    return x, np.maximum(x @ w["w1"] + w["b1"], 0) @ w["w2"], float((w["b1"] < 0).mean())


def test_zero_activation_tiles_are_skipped_where_they_pay(tmp):
    x, ref, dead = relu_mlp(tmp / "mlp.onnx", 0.7)
    y, perf, _, log = compile_and_run(tmp, tmp / "mlp.onnx", x, "act", "--sparsity=activations")
    base_y, base, _, _ = compile_and_run(tmp, tmp / "mlp.onnx", x, "base")
    assert pcc(y, ref) > 0.9999 and pcc(base_y, ref) > 0.9999
    # The profile measured each matmul's share of zero activation tiles on seeded inputs.
    assert "sparsity: 'fc1': 0.0% of its activation tiles zero" in log, log
    share = float(re.search(r"sparsity: 'fc2': ([0-9.]+)% of its activation tiles zero", log)
                  .group(1)) / 100
    assert abs(share - dead) < 0.01, (share, dead)
    by_node = {d["location"].split(",")[0]: d for d in perf["dispatches"] if d["op"] == "matmul"}
    fc1, fc2 = by_node["fc1"], by_node["fc2"]
    # fc1's input has no zero tiles: testing would only cost; fc2 tests and skips.
    assert "lhs_zero_tiles" not in fc1["config"] and fc1["tiles_tested"] == 0
    assert "lhs_zero_tiles = skipped" in fc2["config"], fc2["config"]
    assert fc2["tiles_tested"] > 0
    assert abs(fc2["zero_tiles_found"] / fc2["tiles_tested"] - dead) < 0.01
    assert fc2["skipped_tiles"] > fc2["zero_tiles_found"]
    base_fc2 = next(d for d in base["dispatches"] if d["location"].startswith("fc2"))
    assert fc2["cycles"] < base_fc2["cycles"], (fc2["cycles"], base_fc2["cycles"])
    assert perf["totals"]["cycles"] < base["totals"]["cycles"]
    # The cost model, charging a test per lhs tile and the products of the nonzero ones at the
    # profiled share, against the simulator.
    estimate = int(re.search(r"cycles = (\d+)", fc2["config"]).group(1))
    assert abs(estimate / fc2["cycles"] - 1) < 0.3, (estimate, fc2["cycles"])
    print(f"fc2 {base_fc2['cycles']} -> {fc2['cycles']} cycles (estimate {estimate}), model "
          f"{base['totals']['cycles'] / perf['totals']['cycles']:.3f}x")


def test_activations_without_zero_tiles_keep_the_plain_kernels(tmp):
    x, ref, _ = relu_mlp(tmp / "mlp.onnx", 0.0)
    y, perf, _, log = compile_and_run(tmp, tmp / "mlp.onnx", x, "act", "--sparsity=activations")
    assert pcc(y, ref) > 0.9995  # bf16 over K = 4096 live columns
    assert all("lhs_zero_tiles" not in d["config"] for d in perf["dispatches"]), log
    assert perf["totals"]["skipped_tiles"] == 0
