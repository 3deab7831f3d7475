"""tessel.InferenceSession: a compiled binary run in process, with ONNX Runtime's shape.

    sess = tessel.InferenceSession("model.ttb")          # or the bytes tessel.compile returns
    [y] = sess.run(None, {sess.get_inputs()[0].name: x})
    sess.last_perf["totals"]["cycles"]

The simulator runs in this process (the `tessel._runtime` extension that `make` builds into
build/python/tessel), with the GIL released: sessions may run in parallel threads. Inputs go in
every element type the model declares; outputs come back in theirs.
"""
import functools
import io
import json
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .compiler import TesselError

try:
    from . import _runtime
except ImportError as e:  # not built yet
    _runtime = None
    _import_error = e

# ONNX Runtime's type names for the binary's element types.
_ORT_TYPES = {"bool": "tensor(bool)", "i8": "tensor(int8)", "u8": "tensor(uint8)",
              "i16": "tensor(int16)", "u16": "tensor(uint16)", "i32": "tensor(int32)",
              "u32": "tensor(uint32)", "i64": "tensor(int64)", "u64": "tensor(uint64)",
              "f16": "tensor(float16)", "bf16": "tensor(bfloat16)", "f32": "tensor(float)",
              "f64": "tensor(double)", "string": "tensor(string)"}


@dataclass(frozen=True)
class NodeArg:
    """An input or output of the model, as ONNX Runtime describes it."""
    name: str
    shape: list
    type: str
    element_type: str  # the binary's name for it: f32, i64, bool, seq(f32), ...


def _encode(value, element_type):
    """An input as the extension takes it: a float32 array as it is for an f32 tensor, else .npy
    bytes (in its own element type; the runtime converts it as the chip holds it), a list for a
    sequence, None or the held value for an optional."""
    if element_type.startswith("opt("):
        return None if value is None else _encode(value, element_type[4:-1])
    if element_type.startswith("seq("):
        return [_encode(e, element_type[4:-1]) for e in value]
    # (ascontiguousarray would turn a scalar into shape (1,).)
    x = np.asarray(value, order="C")
    if element_type == "f32" and x.dtype == np.float32:
        return x  # read where it lies
    if x.dtype == object:  # ONNX hands strings over as objects; .npy holds them as unicode
        x = x.astype(np.str_)
    buf = io.BytesIO()
    np.save(buf, x)
    return buf.getvalue()


def _decode(value):
    if value is None or isinstance(value, np.ndarray):
        return value
    if isinstance(value, list):
        return [_decode(e) for e in value]
    return np.load(io.BytesIO(value))


def _node_arg(s):
    return NodeArg(s["name"], list(s["shape"]), _ORT_TYPES.get(s["element_type"],
                                                                s["element_type"]),
                   s["element_type"])


class Binary(bytes):
    """A compiled model (what tessel.compile returns): the .ttb file's bytes, with what the
    binary says of itself. Save it with `save`, read it back with `Binary.load`."""

    @functools.cached_property
    def _description(self):
        """What the binary says of itself, read once: verifying a large binary is not free."""
        if _runtime is None:
            raise TesselError(f"tessel._runtime is not built ({_import_error}); run make")
        try:
            return _runtime.describe(bytes(self))
        except _runtime.Error as e:
            raise TesselError(str(e)) from None

    @property
    def chip(self):
        return self._description["chip"]

    @property
    def precision(self):
        return self._description["precision"]

    @property
    def inputs(self):
        return [_node_arg(s) for s in self._description["inputs"]]

    @property
    def outputs(self):
        return [_node_arg(s) for s in self._description["outputs"]]

    def save(self, path):
        """Writes the file whole or not at all."""
        tmp = Path(f"{path}.tmp-{os.getpid()}")
        tmp.write_bytes(self)
        os.replace(tmp, path)

    @classmethod
    def load(cls, path):
        return cls(Path(path).read_bytes())


class InferenceSession:
    """`seed` seeds the random tensors the model draws without a seed of its own (RandomNormal,
    RandomUniform, their -Like forms, Bernoulli), as tt-run --seed does; without it each run draws
    anew."""

    def __init__(self, path_or_bytes, chip="wormhole_b0", threads=0, seed=None):
        if _runtime is None:
            raise TesselError(f"tessel._runtime is not built ({_import_error}); run make")
        binary = (path_or_bytes if isinstance(path_or_bytes, (bytes, bytearray))
                  else Path(path_or_bytes).read_bytes())
        if seed is not None and not (isinstance(seed, int) and 0 <= seed < 2**32):
            raise TesselError(f"seed must be an integer in [0, 2**32), got {seed!r}")
        try:
            self._session = _runtime.Session(bytes(binary), chip, threads, seed)
        except _runtime.Error as e:
            raise TesselError(str(e)) from None
        self._inputs = [_node_arg(s) for s in self._session.inputs()]
        self._outputs = [_node_arg(s) for s in self._session.outputs()]
        self.last_perf = None

    def get_inputs(self):
        return list(self._inputs)

    def get_outputs(self):
        return list(self._outputs)

    def run(self, output_names, input_feed, trace=None):
        """The outputs named (all when None) for the inputs `input_feed` ({name: array});
        `trace` names a file for the run's Chrome/Perfetto trace."""
        names = [a.name for a in self._inputs]
        unknown = sorted(set(input_feed) - set(names))
        missing = [n for n in names if n not in input_feed]
        if unknown or missing:
            raise TesselError(f"inputs {names} expected; unknown {unknown}, missing {missing}")
        values = [_encode(input_feed[a.name], a.element_type) for a in self._inputs]
        try:
            outs, perf, trace_json = self._session.run(values, trace is not None)
        except _runtime.Error as e:
            raise TesselError(str(e)) from None
        self.last_perf = json.loads(perf)
        if trace is not None:
            tmp = f"{trace}.tmp-{os.getpid()}"
            Path(tmp).write_text(trace_json)
            os.replace(tmp, trace)
        arrays = {a.name: _decode(v) for a, v in zip(self._outputs, outs)}
        wanted = [a.name for a in self._outputs] if output_names is None else list(output_names)
        for n in wanted:
            if n not in arrays:
                raise TesselError(f"no output '{n}'; the model's outputs are {list(arrays)}")
        return [arrays[n] for n in wanted]
