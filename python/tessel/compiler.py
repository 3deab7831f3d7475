"""numpy in, numpy out: compile ONNX models and run them on the simulated chip.

The compiler and the simulator run in process through the extensions `make` builds
(`tessel._compiler`, `tessel._runtime`, in build/python/tessel); without them
(or with TESSEL_NO_EXTENSIONS=1) `tt-compile` and `tt-run` do the work, driven with temporary
files. A Python user needs no build of their own beyond `make`.
"""
import importlib
import json
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import numpy as np
import onnx
from onnx import numpy_helper

_ROOT = Path(__file__).resolve().parents[2]


class TesselError(RuntimeError):
    """A tool reported a user error (its one-line message is the exception's text)."""


def _tool(name):
    for d in (os.environ.get("TESSEL_BIN"), _ROOT / "build" / "bin"):
        if d and (Path(d) / name).exists():
            return str(Path(d) / name)
    found = shutil.which(name)
    if not found:
        raise TesselError(f"cannot find {name}; build Tessel (make) or set TESSEL_BIN")
    return found


def _extension(name):
    """tessel._compiler or tessel._runtime when `make` built them, unless TESSEL_NO_EXTENSIONS
    is set (to compare with the tools driven as subprocesses)."""
    if os.environ.get("TESSEL_NO_EXTENSIONS"):
        return None
    try:
        return importlib.import_module(f".{name}", __package__)
    except ImportError:
        return None


def _run(cmd):
    proc = subprocess.run([str(c) for c in cmd], capture_output=True, text=True)
    if proc.returncode != 0:
        raise TesselError(proc.stderr.strip() or f"{cmd[0]} failed with {proc.returncode}")
    return proc


def compile(model, precision="fp32", chip="wormhole_b0", input_shapes=None):  # noqa: A001
    """Compiles an ONNX model (a path, bytes or a ModelProto) and returns a tessel.Binary (the
    .ttb bytes, with the binary's signature): in process through the `tessel._compiler`
    extension when `make` built it, else with tt-compile."""
    _compiler = _extension("_compiler")
    if _compiler is not None:
        name = str(model) if isinstance(model, (str, Path)) else "<model>"
        data = (Path(model).read_bytes() if isinstance(model, (str, Path))
                else model if isinstance(model, bytes) else model.SerializeToString())
        shapes = {k: [int(d) for d in v] for k, v in (input_shapes or {}).items()}
        try:
            return _binary(_compiler.compile(data, precision, chip, shapes, name))
        except _compiler.Error as e:
            raise TesselError(str(e)) from None
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "model.onnx"
        if isinstance(model, (str, Path)):
            src = Path(model)
        elif isinstance(model, bytes):
            src.write_bytes(model)
        else:
            src.write_bytes(model.SerializeToString())
        out = Path(tmp) / "model.ttb"
        cmd = [_tool("tt-compile"), src, "-o", out, f"--precision={precision}", f"--chip={chip}"]
        for name, shape in (input_shapes or {}).items():
            cmd.append(f"--input-shape={name}:{'x'.join(map(str, shape))}")
        _run(cmd)
        return _binary(out.read_bytes())


def _binary(data):
    from .session import Binary
    return Binary(data)


class Runtime:
    """Runs a compiled binary; `run(arrays)` returns the outputs as numpy arrays."""

    def __init__(self, binary):
        self._tmp = tempfile.TemporaryDirectory()
        self.path = Path(self._tmp.name) / "model.ttb"
        self.path.write_bytes(binary)
        self.perf = None

    def run(self, inputs):
        session = self._session()
        if session is not None:
            outputs = session.run(None, {a.name: x for a, x in zip(session.get_inputs(), inputs)})
            self.perf = session.last_perf
            return outputs
        d = Path(self._tmp.name)
        args = [_tool("tt-run"), self.path, "--quiet", f"--perf-report={d / 'perf.json'}"]
        in_types, out_types = self._signature()
        for i, x in enumerate(inputs):
            if in_types[i].startswith(("seq(", "opt(")):
                # A sequence or an optional goes as an ONNX SequenceProto or OptionalProto.
                proto = (numpy_helper.from_optional(x) if in_types[i].startswith("opt(")
                         else numpy_helper.from_list([np.asarray(e) for e in x]))
                (d / f"in{i}.pb").write_bytes(proto.SerializeToString())
                args.append(f"--input=@{d / f'in{i}.pb'}")
                continue
            # In its own element type: tt-run converts it as the chip holds it.
            # (ascontiguousarray would turn a scalar into shape (1,).)
            x = np.asarray(x, order="C")
            # ONNX hands strings over as objects; .npy holds them as unicode without pickling.
            if x.dtype == object:
                x = x.astype(np.str_)
            np.save(d / f"in{i}.npy", x)
            args.append(f"--input=@{d / f'in{i}.npy'}")
        outputs = [d / (f"out{i}.pb" if t.startswith(("seq(", "opt(")) else f"out{i}.npy")
                   for i, t in enumerate(out_types)]
        args += [f"--output=@{o}" for o in outputs]
        _run(args)
        self.perf = json.loads((d / "perf.json").read_text())
        return [_load_pb(o, t) if t.startswith(("seq(", "opt(")) else np.load(o)
                for o, t in zip(outputs, out_types)]

    def _session(self):
        """The binary in process (tessel.InferenceSession) when the extension is built; else
        None, and tt-run runs it."""
        if not hasattr(self, "_in_process"):
            from .session import InferenceSession
            self._in_process = (InferenceSession(self.path)
                                if _extension("_runtime") is not None else None)
        return self._in_process

    def num_outputs(self):
        return len(self._signature()[1])

    def _signature(self):
        """The element types of the inputs and of the outputs, as the binary names them
        ("f32", "seq(f32)", "opt(...)")."""
        if not hasattr(self, "_types"):
            dump = json.loads(_run([_tool("tt-translate"), "--dump-ttb", self.path]).stdout)
            self._types = tuple([s["element_type"] for s in dump[k]] for k in ("inputs", "outputs"))
        return self._types


def _load_pb(path, element_type):
    """A sequence (a list) or an optional (None, an array or a list) tt-run wrote."""
    proto = onnx.OptionalProto() if element_type.startswith("opt(") else onnx.SequenceProto()
    proto.ParseFromString(Path(path).read_bytes())
    return (numpy_helper.to_optional(proto) if element_type.startswith("opt(")
            else numpy_helper.to_list(proto))
