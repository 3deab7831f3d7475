"""The ONNX backend test suite (node, pytorch-converted, pytorch-operator, simple) through
tessel.backend, in fp32 with the suite's own tolerances.

Known failures are listed, each with its reason, in expected_failures.txt; they run as expected
failures, so a test that starts passing must be taken off the list. Those whose reason starts with
"random:" (expected values drawn from an unseeded generator) do not run: they pass by chance.
"""
import os
import sys
from pathlib import Path

import numpy as np
import onnx.backend.test

# Debian's onnx 1.12 compares outputs through np.object, which numpy 1.24 removed (asking numpy
# for it by name warns, so its module's own names are looked at instead).
if "object" not in vars(np):
    np.object = object

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "python"))
from tessel.backend import TesselBackend  # noqa: E402


def expected_failures():
    names = {}
    if os.environ.get("TESSEL_EXPECTED_FAILURES") == "none":
        return names
    for line in (Path(__file__).parent / "expected_failures.txt").read_text().splitlines():
        name, _, reason = line.partition("#")
        if name.strip():
            names[name.strip()] = reason.strip()
    return names


backend_test = onnx.backend.test.BackendTest(TesselBackend, __name__)
# The "real" collection downloads whole models from the network.
backend_test.exclude(r"^test_(bvlc_alexnet|densenet121|inception_v[12]|resnet50|shufflenet"
                     r"|squeezenet|vgg19|zfnet512)_")
for name, why in expected_failures().items():
    # A test whose expected values are a draw of an unseeded generator passes or fails by chance
    # (about one run in sixty for a Bernoulli of ten values): it cannot run as an expected
    # failure, which would then fail that run. Its reason starts with "random:".
    if why.startswith("random:"):
        backend_test.exclude(f"^{name}_(cpu|cuda)$")
    else:
        backend_test.xfail(f"^{name}_(cpu|cuda)$")
globals().update(backend_test.test_cases)
