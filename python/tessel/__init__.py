"""Tessel from Python: compile ONNX models and run them on the simulated chip.

    import tessel
    binary = tessel.compile("model.onnx", precision="bf16")
    outputs = tessel.Runtime(binary).run([x])

    session = tessel.InferenceSession(binary)        # in process, ONNX Runtime's shape
    [y] = session.run(None, {session.get_inputs()[0].name: x})

`tessel.backend` is an ONNX backend (onnx.backend.base.Backend); `tessel.models` builds test models.
"""
import os as _os
from pathlib import Path as _Path

# The compiled extension (tessel._runtime) lives in the build tree: build/python/tessel, or
# $TESSEL_BIN/../python/tessel.
for _d in (_os.environ.get("TESSEL_BIN"), _Path(__file__).resolve().parents[2] / "build" / "bin"):
    if _d and (_Path(_d).parent / "python" / "tessel").is_dir():
        __path__.append(str(_Path(_d).parent / "python" / "tessel"))
        break

from .compiler import Runtime, TesselError, compile  # noqa: E402,F401
from .session import Binary, InferenceSession, NodeArg  # noqa: E402,F401
from .compiler import _extension as _ext  # noqa: E402

# The extensions themselves, where they are built (None otherwise).
_compiler, _runtime = _ext("_compiler"), _ext("_runtime")
