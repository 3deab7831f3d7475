"""The kernels tt-lower-grid-to-kernels builds from tile loops, run on the simulated chip against
float64 numpy: a matmul's loop without its config (lowered as an ordinary reduction, each core
reading its own tiles), and the tile loops of a whole model canonicalized before they are
lowered (loops of one trip folded away and put back)."""
import json
import re

import numpy as np
import onnx
import pytest

from conftest import run
from tessel import models

FRONT = ["--tt-fuse-graph", "--tt-fold-batch-norm", "--tt-decompose-graph", "--canonicalize",
         "--tt-sink-remaps", "--tt-fuse-epilogues", "--tt-assign-layouts", "--tt-choose-op-configs",
         "--tt-lower-graph-to-grid"]
BACK = ["--tt-lower-grid-to-kernels", "--canonicalize", "--cse", "--tt-allocate-buffers"]


def run_ir(tmp, ir, name, inputs):
    """Serializes lowered IR `ir`, runs it with `inputs` (name -> array); returns the output and
    the perf report's total cycles."""
    (tmp / f"{name}.mlir").write_text(ir)
    run(["tt-translate", "--serialize-ttb", tmp / f"{name}.mlir", "-o", tmp / f"{name}.ttb"])
    args = []
    for key, value in inputs.items():
        np.save(tmp / f"{key}.npy", value)
        args.append(f"--input=@{tmp / f'{key}.npy'}")
    run(["tt-run", tmp / f"{name}.ttb", *args, f"--output=@{tmp / 'y.npy'}",
         f"--perf-report={tmp / 'perf.json'}", "--quiet"])
    return np.load(tmp / "y.npy")


@pytest.mark.parametrize("m,k,n", [(64, 96, 64), (50, 200, 70)])
def test_matmul_loop_without_config(tmp, m, k, n):
    """Without `grid.config` the matmul's tile loop is an ordinary reduction: one output tile per
    unit, one K tile per step, the bias and the ReLU as its finish; the result is the same."""
    (tmp / "mm.mlir").write_text(
        f'func.func @main(%a: tensor<{m}x{k}xf32> {{graph.name = "a"}}, '
        f'%b: tensor<{k}x{n}xf32> {{graph.name = "b"}}, %c: tensor<{n}xf32> {{graph.name = "c"}})'
        f' -> (tensor<{m}x{n}xf32> {{graph.name = "y"}}) {{\n'
        f"  %0 = graph.matmul %a, %b, %c then relu : (tensor<{m}x{k}xf32>, tensor<{k}x{n}xf32>, "
        f"tensor<{n}xf32>) -> tensor<{m}x{n}xf32>\n  return %0 : tensor<{m}x{n}xf32>\n}}\n")
    loops = run(["tt-opt", tmp / "mm.mlir", "--tt-assign-layouts",
                 "--tt-choose-op-configs=l1-tensors=false", "--tt-lower-graph-to-grid"]).stdout
    assert "grid.config = #grid.matmul_config" in loops
    plain = re.sub(r"grid\.config = #grid\.matmul_config<[^>]*>, ", "", loops)
    assert "matmul_config" not in plain
    lowered = run(["tt-opt", "-", *BACK], input=plain).stdout
    assert "noc.mcast" not in lowered and "tile.matmul" in lowered
    rng = np.random.default_rng(0)
    a = rng.standard_normal((m, k)).astype(np.float32)
    b = rng.standard_normal((k, n)).astype(np.float32)
    c = rng.standard_normal(n).astype(np.float32)
    y = run_ir(tmp, lowered, "mm", {"a": a, "b": b, "c": c})
    reference = np.maximum(a.astype(np.float64) @ b + c, 0.0)
    np.testing.assert_allclose(y, reference, rtol=1e-4, atol=1e-4)


def test_canonicalized_tile_loops_lower_alike(tmp):
    """The CNN example (convolutions as implicit GEMMs, pools, a classifier) canonicalized
    between the two lowerings gives the same outputs in the same cycles."""
    model, reference = models.cnn()
    onnx.save(model, tmp / "cnn.onnx")
    imported = run(["tt-translate", "--import-onnx", tmp / "cnn.onnx"]).stdout
    x = np.random.default_rng(1).standard_normal((1, 3, 32, 32)).astype(np.float32)
    outputs, cycles = [], []
    for name, middle in (("plain", []), ("canon", ["--canonicalize", "--cse"])):
        if middle:
            folded = run(["tt-opt", "-", *FRONT, *middle], input=imported).stdout
            assert re.search(r"grid\.dispatch [^\n]*\n\s*\^bb0[^\n]*\n\s*%\S+ = grid\.core_index "
                             r"linear\n\s*%\S+ = grid\.(load|compute)", folded), \
                "no dispatch lost its unit loop to canonicalization"
        ir = run(["tt-opt", "-", *FRONT, *middle, *BACK], input=imported).stdout
        outputs.append(run_ir(tmp, ir, name, {model.graph.input[0].name: x}))
        cycles.append(json.loads((tmp / "perf.json").read_text())["totals"]["cycles"])
    np.testing.assert_array_equal(outputs[0], outputs[1])
    assert cycles[0] == cycles[1]
    np.testing.assert_allclose(outputs[0], reference(x)[0], rtol=1e-3, atol=1e-4)
