"""Winograd F(2x2, 3x3) convolutions (tt-choose-conv-algorithms, buildWinogradConv).

Forced with `tt-compile --winograd=always`, a 3x3 stride-1 convolution must compute what the
Conv node does (against float64 numpy: fp32 within ONNX's tolerances, bf16 at PCC >= 0.999).
The pass's estimates of both algorithms are checked against the cycles the simulator charges
for the convolution's own dispatches, and its `auto` choice must never be the slower one by
more than the model's margin.
"""
import json
import re

import numpy as np
import onnx
import pytest
from onnx import TensorProto, helper, numpy_helper

from conftest import assert_clean_failure, run

CONFIG = re.compile(r"algorithm = (\w+), implicit_gemm_cycles = (\d+), winograd_cycles = (\d+)")


def conv_model(tmp, n, c, h, w, k, pad, bias=True, relu=True, seed=0):
    rng = np.random.RandomState(seed)
    weight = (rng.randn(k, c, 3, 3) / np.sqrt(9 * c)).astype(np.float32)
    b = rng.randn(k).astype(np.float32)
    ho, wo = h + 2 * pad - 2, w + 2 * pad - 2
    inits = [numpy_helper.from_array(weight, "W")]
    inputs = ["x", "W"]
    if bias:
        inits.append(numpy_helper.from_array(b, "B"))
        inputs.append("B")
    nodes = [helper.make_node("Conv", inputs, ["c" if relu else "y"], pads=[pad] * 4,
                              kernel_shape=[3, 3], name="conv")]
    if relu:
        nodes.append(helper.make_node("Relu", ["c"], ["y"]))
    graph = helper.make_graph(
        nodes, "g", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [n, c, h, w])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [n, k, ho, wo])], inits)
    path = tmp / f"conv_{n}_{c}_{h}_{w}_{k}_{pad}.onnx"
    onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)]), path)
    x = rng.randn(n, c, h, w).astype(np.float32)
    xp = np.pad(x.astype(np.float64), ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    ref = np.zeros((n, k, ho, wo))
    for i in range(3):
        for j in range(3):
            ref += np.einsum("nchw,kc->nkhw", xp[:, :, i:i + ho, j:j + wo],
                             weight[:, :, i, j].astype(np.float64))
    if bias:
        ref += b[None, :, None, None]
    if relu:
        ref = np.maximum(ref, 0)
    np.save(tmp / "x.npy", x)
    return path, ref


def compile_and_run(tmp, model, precision, winograd):
    ttb, out, report = tmp / "m.ttb", tmp / "y.npy", tmp / "perf.json"
    proc = run(["tt-compile", model, f"--precision={precision}", f"--winograd={winograd}",
                "--print-op-configs", "-o", ttb])
    config = CONFIG.search(proc.stdout)
    run(["tt-run", ttb, f"--input=@{tmp / 'x.npy'}", f"--output=@{out}",
         f"--perf-report={report}", "--quiet"])
    dispatches = json.loads(report.read_text())["dispatches"]
    return np.load(out).astype(np.float64), config, dispatches


# (N, C, H, W, M, pad): tiles cut by the border (odd outputs: 7x9, 5x5), few channels (3, 5),
# no padding, a batch.
NUMERIC = [(1, 3, 6, 6, 5, 1), (1, 8, 7, 9, 16, 1), (2, 16, 8, 8, 8, 0), (1, 64, 10, 10, 40, 1),
           (3, 5, 7, 7, 4, 0)]


@pytest.mark.parametrize("shape", NUMERIC, ids=lambda s: "x".join(map(str, s)))
@pytest.mark.parametrize("precision", ["fp32", "bf16"])
def test_winograd_matches_numpy(tmp, shape, precision):
    n, c, h, w, k, pad = shape
    model, ref = conv_model(tmp, n, c, h, w, k, pad, bias=shape[0] != 2, relu=shape[1] != 3)
    y, config, dispatches = compile_and_run(tmp, model, precision, "always")
    assert config and config.group(1) == "winograd"
    # Both transforms and the products: reduces and a batched matmul.
    assert sum(d["op"].startswith("reduce_sum") for d in dispatches) == 2
    assert y.shape == ref.shape
    if precision == "fp32":
        np.testing.assert_allclose(y, ref, rtol=1e-4, atol=1e-4 * np.abs(ref).max())
    else:
        assert np.corrcoef(y.ravel(), ref.ravel())[0, 1] >= 0.999


def conv_cycles(dispatches):
    """The convolution's own dispatches: not the layout changes of the model's input and
    output (and the input's copy to L1 before its change), which both algorithms share."""
    return sum(d["cycles"] + d["launch_cycles"] for d in dispatches
               if d["op"] not in ("remap", "reshard"))


# (N, C, H, M) with H = W and padding 1, from few channels and small images (where the
# transforms' traffic costs more than the products save) to ResNet-50's 28x28 and 14x14 stages
# at batches 1 to 4 (where f32 products dominate).
SWEEP = [(1, 32, 16, 32), (1, 64, 16, 64), (1, 64, 56, 64), (1, 128, 28, 128), (2, 96, 20, 160),
         (2, 128, 16, 256), (1, 256, 14, 256), (4, 256, 14, 256)]
MARGIN = 0.15  # kWinogradMargin


def test_estimates_against_the_simulator(tmp):
    errors = {"implicit_gemm": [], "winograd": []}
    est_ratios, sim_ratios, taken = [], [], []
    for precision in ("fp32", "bf16"):
        for n, c, h, k in SWEEP:
            model, ref = conv_model(tmp, n, c, h, h, k, 1)
            sim = {}
            for algorithm in ("implicit_gemm", "winograd"):
                flag = "never" if algorithm == "implicit_gemm" else "always"
                y, config, dispatches = compile_and_run(tmp, model, precision, flag)
                sim[algorithm] = conv_cycles(dispatches)
                est = {"implicit_gemm": int(config.group(2)), "winograd": int(config.group(3))}
                errors[algorithm].append(abs(est[algorithm] - sim[algorithm]) / sim[algorithm])
            est_ratios.append(est["implicit_gemm"] / est["winograd"])
            sim_ratios.append(sim["implicit_gemm"] / sim["winograd"])
            _, config, _ = compile_and_run(tmp, model, precision, "auto")
            chosen, other = (("winograd", "implicit_gemm") if config.group(1) == "winograd"
                             else ("implicit_gemm", "winograd"))
            # The choice is never the slower by more than the margin the pass demands.
            assert sim[chosen] <= sim[other] * (1 + MARGIN), (precision, n, c, h, k, sim)
            taken.append(chosen == "winograd" and sim_ratios[-1] > 1.2)
    # Measured: 14% and 21% (the transforms miss fixed costs of small convolutions).
    assert np.median(errors["implicit_gemm"]) < 0.2, errors
    assert np.median(errors["winograd"]) < 0.3, errors
    # The model ranks the convolutions' gains as the simulator does.
    rank = lambda v: np.argsort(np.argsort(v))
    spearman = np.corrcoef(rank(est_ratios), rank(sim_ratios))[0, 1]
    assert spearman >= 0.9, (spearman, est_ratios, sim_ratios)
    # Somewhere in the sweep Winograd is the faster by a fifth, and auto takes it there.
    assert any(taken), (est_ratios, sim_ratios)


def test_bad_winograd_flag(tmp):
    model, _ = conv_model(tmp, 1, 8, 8, 8, 8, 1)
    assert_clean_failure(run(["tt-compile", model, "--winograd=sometimes", "-o", tmp / "m.ttb"],
                             check=False), "--winograd must be auto, always or never")
