"""Dispatches joined into programs (tt-form-programs): the chip launches a program once, and the
dispatches after its first start at a barrier on the NoC. Checked on the small CNN and the
transformer block against float64 numpy, against the same models with every dispatch launched
on its own (--separate-dispatches), and the barriers the simulator charges against the cost
model's estimate of them (cost::dispatchGapCycles)."""
import json
import math
import os
from pathlib import Path

import numpy as np
import onnx
import pytest

from conftest import SRC, run
from tessel import models


def chip_figures():
    """The numbers of the Wormhole descriptor, by key."""
    chips = Path(os.environ.get("TESSEL_CHIPS_DIR", SRC / "runtime" / "chips"))
    figures = {}
    for line in (chips / "wormhole_b0.chip").read_text().splitlines():
        key, _, value = line.split("#")[0].partition("=")
        if value.strip().lstrip("-").isdigit():
            figures[key.strip()] = int(value)
    return figures


def compile_and_run(tmp, name, model, x, *flags):
    onnx.save(model, tmp / "m.onnx")
    np.save(tmp / "x.npy", x)
    run(["tt-compile", tmp / "m.onnx", "-o", tmp / f"{name}.ttb", *flags])
    run(["tt-run", tmp / f"{name}.ttb", f"--input=@{tmp / 'x.npy'}",
         f"--output=@{tmp / f'{name}.npy'}", f"--perf-report={tmp / f'{name}.json'}", "--quiet"])
    dump = json.loads(run(["tt-translate", "--dump-ttb", tmp / f"{name}.ttb"]).stdout)
    return (np.load(tmp / f"{name}.npy"), json.loads((tmp / f"{name}.json").read_text()),
            dump["dispatches"])


@pytest.mark.parametrize("builder", ["cnn", "transformer_block"])
def test_joined_programs(builder, tmp):
    model, reference = getattr(models, builder)()
    shape = [d.dim_value for d in model.graph.input[0].type.tensor_type.shape.dim]
    x = np.random.default_rng(3).standard_normal(shape).astype(np.float32)
    joined, report, dispatches = compile_and_run(tmp, "joined", model, x)
    separate, alone, _ = compile_and_run(tmp, "separate", model, x, "--separate-dispatches")
    want = reference(x)[0]
    for got in (joined, separate):
        np.testing.assert_allclose(got, want, rtol=1e-3, atol=1e-4)

    chip = chip_figures()
    # One program holds them all (each model's kernels fit 69 KB); alone, every dispatch is one.
    assert report["totals"]["launches"] == 1
    assert alone["totals"]["launches"] == len(alone["dispatches"]) > 1
    assert [d["joined"] for d in report["dispatches"]] == [False] + [True] * (len(dispatches) - 1)
    assert sum(d["kernel_config_bytes"] for d in dispatches) <= chip["kernel_config_bytes"]
    assert report["totals"]["cycles"] < alone["totals"]["cycles"]

    # The barrier of each joined dispatch (its gap less its configuration streamed at a flit a
    # cycle) is at most the cost model's estimate, which assumes the farthest core, and not far
    # below it on average.
    estimate = 2 * ((chip["grid_x"] + chip["grid_y"]) * chip["noc_hop_cycles"] + 2)
    barriers = [p["launch_cycles"] - math.ceil(d["kernel_config_bytes"] / chip["noc_flit_bytes"])
                for p, d in zip(report["dispatches"], dispatches) if p["joined"]]
    assert all(0 < b <= estimate for b in barriers), (barriers, estimate)
    assert np.mean(barriers) >= estimate / 3, (barriers, estimate)
