"""The 3-layer MLP at width 1024, batch 32, in fp32 and bf16 against a numpy reference."""
import json

import numpy as np
import onnx
import pytest

from conftest import run
from tessel.models import mlp, pcc


@pytest.fixture(scope="module")
def model(tmp_path_factory):
    d = tmp_path_factory.mktemp("mlp")
    m, ref = mlp(batch=32, width=1024, seed=0)
    onnx.save(m, d / "mlp.onnx")
    x = np.random.default_rng(1).standard_normal((32, 1024)).astype(np.float32)
    np.save(d / "x.npy", x)
    return d, ref(x)[0]


@pytest.mark.parametrize("precision", ["fp32", "bf16"])
def test_mlp(model, precision):
    d, expected = model
    ttb, out, perf = d / f"{precision}.ttb", d / f"y_{precision}.npy", d / f"perf_{precision}.json"
    run(["tt-compile", d / "mlp.onnx", "-o", ttb, f"--precision={precision}"])
    run(["tt-run", ttb, f"--input=@{d / 'x.npy'}", f"--output=@{out}",
         f"--perf-report={perf}", "--quiet"])
    got = np.load(out)
    assert got.shape == expected.shape
    if precision == "fp32":
        np.testing.assert_allclose(got, expected, rtol=1e-3, atol=1e-6)
    else:
        assert pcc(got, expected) >= 0.999

    report = json.loads(perf.read_text())
    ops = report["dispatches"]
    matmuls = [o for o in ops if o["op"] == "matmul"]
    assert len(matmuls) == 3
    for o in ops:
        assert o["cycles"] > 0 and o["dram_bytes_read"] + o["l1_bytes_read"] > 0
    # The hidden activations stay in L1 between the layers; only the output goes to DRAM.
    for o in ops[:-1]:
        assert o["dram_bytes_written"] == 0 and o["l1_bytes_written"] > 0, o["name"]
    assert ops[-1]["dram_bytes_written"] > 0 and ops[-1]["l1_bytes_written"] == 0
    assert sum(o["l1_bytes_read"] for o in ops) == sum(o["l1_bytes_written"] for o in ops)
    for o in matmuls:
        assert 0 < o["fpu_utilization"] <= 1
        # Each layer's bias add (and ReLU) is fused into its matmul, whose location names them.
        assert o["location"].split(",")[0] in {"fc1/MatMul", "fc2/Gemm", "fc3/MatMul"}
    assert len(ops) == 4, [o["location"] for o in ops]


def test_summary_counts_l1_tensors(model, tmp):
    """tt-run's summary says how much the tensors kept in L1 moved, and nothing when none were
    (--dram-tensors)."""
    d, _ = model
    for flags, expected in (([], True), (["--dram-tensors"], False)):
        run(["tt-compile", d / "mlp.onnx", "-o", tmp / "m.ttb", *flags])
        summary = run(["tt-run", tmp / "m.ttb", f"--input=@{d / 'x.npy'}",
                       f"--output=@{tmp / 'y.npy'}"]).stderr
        assert ("tensors kept in L1: " in summary) == expected, summary
