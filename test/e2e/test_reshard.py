"""grid.reshard on the simulated chip: a ReLU's result kept in L1 (as tt-choose-op-configs lays
it out) is resharded before the op that reads it, into height, width or block shards or DRAM,
through the rest of the pipeline with tt-opt; the output must be numpy's."""
import re

import numpy as np
import onnx
import pytest
from onnx import TensorProto, helper

from conftest import run

PIPELINE = ["--tt-lower-graph-to-grid", "--tt-fuse-tile-loops", "--tt-lower-grid-to-kernels",
            "--canonicalize", "--cse", "--tt-allocate-buffers", "--tt-form-programs"]
SHAPE = (2, 224, 96)  # 14 x 3 tiles

LAYOUTS = {
    "height": "l1, height_sharded, shard 2x3, cores <(0, 0) to (6, 0)>",
    "width": "l1, width_sharded, shard 14x1, cores <(0, 0) to (2, 0)>",
    "block": "l1, block_sharded, shard 7x1, cores <(0, 0) to (2, 1)>",
    "dram": "dram, interleaved",
}


@pytest.mark.parametrize("name", LAYOUTS)
def test_reshard_between_two_ops(tmp, name):
    nodes = [helper.make_node("Relu", ["x"], ["a"], name="first"),
             helper.make_node("Neg", ["a"], ["y"], name="second")]
    graph = helper.make_graph(nodes, "g", [helper.make_tensor_value_info("x", TensorProto.FLOAT, SHAPE)],
                              [helper.make_tensor_value_info("y", TensorProto.FLOAT, SHAPE)])
    onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)]),
              tmp / "m.onnx")
    run(["tt-compile", tmp / "m.onnx", "-o", tmp / "m.ttb", "--precision=bf16", "--fusion=graph",
         f"--dump-ir-dir={tmp / 'ir'}"])
    chosen = next((tmp / "ir").glob("*tt-choose-op-configs.mlir")).read_text()
    # The ReLU's result type as the pass laid it out, and the type to reshard it to.
    relu = re.search(r"(%\d+) = graph.unary relu .* -> (tensor<2x224x96xf32, #grid.layout<[^\n]*>>)\n",
                     chosen)
    assert relu and ", l1, " in relu.group(2), chosen
    value, before = relu.groups()
    after = f"tensor<2x224x96xf32, #grid.layout<tile 32x32, bf16, {LAYOUTS[name]}>>"
    neg = re.search(rf"\n( *%\d+ = graph.unary neg ){value} ([^\n]*)", chosen)
    assert neg and before in neg.group(2), chosen
    reads = neg.group(2).replace(f": {before} ->", f": {after} ->", 1)
    forced = chosen.replace(
        neg.group(0), f"\n    %resharded = grid.reshard {value} : {before} -> {after}"
                      f"\n{neg.group(1)}%resharded {reads}")
    (tmp / "forced.mlir").write_text(forced)
    run(["tt-opt", tmp / "forced.mlir", *PIPELINE, "-o", tmp / "out.mlir"])
    lowered = (tmp / "out.mlir").read_text()
    assert "reshard" in lowered and "grid.reshard" not in lowered, lowered
    run(["tt-translate", "--serialize-ttb", tmp / "out.mlir", "-o", tmp / "r.ttb"])
    x = np.random.default_rng(0).standard_normal(SHAPE).astype(np.float32)
    np.save(tmp / "x.npy", x)
    run(["tt-run", tmp / "r.ttb", f"--input=@{tmp / 'x.npy'}", f"--output=@{tmp / 'y.npy'}",
         "--quiet"])
    y = np.load(tmp / "y.npy")
    reference = -np.maximum(x, 0)
    # bf16: 8 significant bits.
    np.testing.assert_allclose(y, reference, rtol=2 ** -8, atol=1e-6)
