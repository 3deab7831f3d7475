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
