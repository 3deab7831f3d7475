"""Tessel from Python: compile ONNX models and run them on the simulated chip.

    import tessel
    binary = tessel.compile("model.onnx", precision="bf16")
    outputs = tessel.Runtime(binary).run([x])

`tessel.backend` is an ONNX backend (onnx.backend.base.Backend); `tessel.models` builds test models.
"""
from .compiler import Runtime, TesselError, compile  # noqa: F401
