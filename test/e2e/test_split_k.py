"""Matmuls split along K (tt-choose-op-configs: partial products over more cores, each group of
cores computing its own at once, summed by a reduce that applies the bias and the activation),
against float64 numpy: convolutions over 7x7
at batch 1 with few output channels and a long K, a 3x3 from 512 to 256 channels (an implicit
GEMM) and a 1x1 from 4096 to 128, each followed by a ReLU. fp32 to ONNX's tolerances, bf16 to
PCC 0.999."""
import json
import os
from pathlib import Path

import numpy as np
import onnx
import pytest
from onnx import TensorProto, helper, numpy_helper

from conftest import SRC, run
from tessel.models import pcc
from test_channels_last import conv_ref

CONVS = {"3x3": (512, 256, 3, 1), "1x1": (4096, 128, 1, 0)}
# ResNet-50's last stage at batch 1, its 3x3 and its 1x1 reduction: not split when the reduce
# pays a launch of its own, which costs more than the split saves; split when it joins the
# matmul's program and pays a barrier.
LAST_STAGE = {"3x3": (512, 512, 3, 1), "1x1": (2048, 512, 1, 0)}


def conv_relu_model(path, channels, out_channels, k, pad, seed=0):
    rng = np.random.default_rng(seed)
    w = (rng.standard_normal((out_channels, channels, k, k)) / np.sqrt(channels * k * k))
    b = rng.standard_normal(out_channels) * 0.1
    x = rng.standard_normal((1, channels, 7, 7)).astype(np.float32)
    graph = helper.make_graph(
        [helper.make_node("Conv", ["x", "w", "b"], ["c"], name="conv", kernel_shape=[k, k],
                          pads=[pad] * 4),
         helper.make_node("Relu", ["c"], ["y"], name="act")], "g",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, list(x.shape))],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, out_channels, 7, 7])],
        [numpy_helper.from_array(w.astype(np.float32), "w"),
         numpy_helper.from_array(b.astype(np.float32), "b")])
    onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)]), path)
    ref = np.maximum(conv_ref(x.astype(np.float64), w.astype(np.float32).astype(np.float64),
                              b.astype(np.float32).astype(np.float64), 1, pad), 0.0)
    return x, ref


@pytest.mark.parametrize("conv", sorted(CONVS))
@pytest.mark.parametrize("precision", ["fp32", "bf16"])
def test_split_k_conv(tmp, conv, precision):
    x, ref = conv_relu_model(tmp / "conv.onnx", *CONVS[conv])
    np.save(tmp / "x.npy", x)
    run(["tt-compile", tmp / "conv.onnx", "-o", tmp / "conv.ttb", f"--precision={precision}"])
    run(["tt-run", tmp / "conv.ttb", f"--input=@{tmp / 'x.npy'}", f"--output=@{tmp / 'y.npy'}",
         f"--perf-report={tmp / 'perf.json'}", "--quiet"])
    y = np.load(tmp / "y.npy")
    dispatches = json.loads((tmp / "perf.json").read_text())["dispatches"]
    ops = [d["op"] for d in dispatches]
    # The split happened: a matmul of partial products, computed at once by groups of cores
    # (one per partial product or more), then their sum.
    matmul = ops.index("matmul")
    assert ops[matmul + 1] == "reduce_sum", ops
    assert "groups = " in dispatches[matmul]["config"], dispatches[matmul]["config"]
    if precision == "fp32":
        np.testing.assert_allclose(y, ref, rtol=1e-3, atol=1e-4)
    else:
        assert pcc(y, ref) >= 0.999


def total_cycles(tmp, name, x, *flags):
    run(["tt-compile", tmp / "conv.onnx", "-o", tmp / f"{name}.ttb", "--precision=bf16", *flags])
    run(["tt-run", tmp / f"{name}.ttb", f"--input=@{tmp / 'x.npy'}",
         f"--perf-report={tmp / f'{name}.json'}", "--quiet"])
    report = json.loads((tmp / f"{name}.json").read_text())
    ops = [d["op"] for d in report["dispatches"]]
    return report["totals"]["cycles"], ops


SPLIT = {**{f"7x7-{k}": v for k, v in CONVS.items()},
         **{f"last-stage-{k}": v for k, v in LAST_STAGE.items()}}


@pytest.mark.parametrize("conv", sorted(SPLIT))
def test_split_k_is_faster_in_the_simulator(tmp, conv):
    """The cost model's decision to split, checked against the simulator: the split matmul and
    its reduce, the barrier between them included, take fewer cycles than the matmul the model
    would have chosen unsplit. ResNet-50's last stage splits only because the reduce joins the
    matmul's program (a barrier, not a launch: see the next test)."""
    x, _ = conv_relu_model(tmp / "conv.onnx", *SPLIT[conv])
    np.save(tmp / "x.npy", x)
    split, ops = total_cycles(tmp, "split", x)
    assert "reduce_sum" in ops, ops
    whole, ops = total_cycles(tmp, "whole", x, "--no-split-k")
    assert "reduce_sum" not in ops, ops
    assert split < whole, (split, whole)


@pytest.mark.parametrize("conv", sorted(LAST_STAGE))
def test_split_k_declined_where_the_launch_costs_more(tmp, conv):
    """With every dispatch launched on its own, ResNet-50's last stage at batch 1 is not split:
    the reduce's launch costs more than the split saves. Compiled for a chip that launches for
    free, the cost model splits it; run on the real chip, that binary is slower."""
    x, _ = conv_relu_model(tmp / "conv.onnx", *LAST_STAGE[conv])
    np.save(tmp / "x.npy", x)
    kept, ops = total_cycles(tmp, "kept", x, "--separate-dispatches")
    assert "reduce_sum" not in ops, ops
    chips = os.environ.get("TESSEL_CHIPS_DIR", SRC / "runtime" / "chips")
    text = (Path(chips) / "wormhole_b0.chip").read_text()
    free = tmp / "free_launch.chip"
    free.write_text("\n".join("launch_cycles = 0" if l.startswith("launch_cycles") else l
                              for l in text.splitlines()) + "\n")
    split, ops = total_cycles(tmp, "split", x, f"--chip={free}", "--separate-dispatches")
    assert "reduce_sum" in ops, ops
    assert kept < split, (kept, split)

