"""The simulation's host threads change nothing: the same models at 1, 2 and 4 threads give the
same outputs, perf reports and traces, byte for byte. Every kind of tile math runs on the cores'
lanes (runtime/lib/MathLanes.h) while the main thread moves data in and out of the same circular
buffers."""
import numpy as np
import onnx
import pytest

from conftest import run
from tessel import models


@pytest.mark.parametrize("builder,precision", [("cnn", "fp32"), ("transformer_block", "bf16"),
                                               ("mlp", "bf16")])
def test_threads_change_nothing(builder, precision, tmp):
    model = getattr(models, builder)()[0]
    onnx.save(model, tmp / "m.onnx")
    shape = [d.dim_value for d in model.graph.input[0].type.tensor_type.shape.dim]
    np.save(tmp / "x.npy", np.random.default_rng(5).standard_normal(shape).astype(np.float32))
    run(["tt-compile", tmp / "m.onnx", "-o", tmp / "m.ttb", f"--precision={precision}"])
    files = {}
    for threads in (1, 2, 4):
        out = [tmp / f"{name}{threads}" for name in ("y.npy", "perf.json", "trace.json")]
        run(["tt-run", tmp / "m.ttb", f"--input=@{tmp / 'x.npy'}", f"--output=@{out[0]}",
             f"--perf-report={out[1]}", f"--trace={out[2]}", f"--threads={threads}", "--quiet"])
        files[threads] = [p.read_bytes() for p in out]
    for threads in (2, 4):
        for name, one, many in zip(("outputs", "perf report", "trace"), files[1], files[threads]):
            assert one == many, f"{builder}: the {name} at {threads} threads differs from 1"


def test_sparse_matmul_repeatedly(tmp):
    """Zero-tile tests and multicast operands keep the host threads busiest; the lanes fall far
    behind and the workers leave decoding to the main thread. Eight runs at four threads must all
    match the one-thread run (a race shows as a mismatch or a fault in some of them)."""
    from test_sparsity import matmul_model, zero_tiles
    rng = np.random.default_rng(2)
    w = (rng.standard_normal((2048, 2048)) / 45).astype(np.float32)
    zero_tiles(w, 0.5, rng)
    matmul_model(tmp / "m.onnx", (64, 2048), w)
    np.save(tmp / "x.npy", rng.standard_normal((64, 2048)).astype(np.float32))
    run(["tt-compile", tmp / "m.onnx", "-o", tmp / "m.ttb"])
    outputs = []
    for threads in (1, *[4] * 8):
        run(["tt-run", tmp / "m.ttb", f"--input=@{tmp / 'x.npy'}", f"--output=@{tmp / 'y.npy'}",
             f"--perf-report={tmp / 'perf.json'}", f"--threads={threads}", "--quiet"])
        outputs.append((tmp / "y.npy").read_bytes() + (tmp / "perf.json").read_bytes())
    assert all(o == outputs[0] for o in outputs[1:])
