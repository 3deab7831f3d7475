"""An ONNX backend (onnx.backend.base.Backend) that runs models on Tessel's simulated chip."""
import numpy as np
from onnx import TensorProto
from onnx.backend.base import Backend, BackendRep
from onnx.mapping import TENSOR_TYPE_TO_NP_TYPE

from . import compiler


def _from_bf16_bits(bits):
    return (np.asarray(bits, np.uint16).astype(np.uint32) << 16).view(np.float32)


def _to_bf16_bits(values):
    # The chip already rounded bf16 tensors to nearest even; the low half is zero.
    return (np.asarray(values, np.float32).view(np.uint32) >> 16).astype(np.uint16)


def _is_static(value_info):
    """Whether compiling needs no shapes from the inputs. Non-tensor inputs count as static: the
    compiler takes sequences whole (only host ops read them) and rejects the others with a
    message of its own."""
    if not value_info.type.HasField("tensor_type"):
        return True
    shape = value_info.type.tensor_type.shape
    return value_info.type.tensor_type.HasField("shape") and all(
        d.HasField("dim_value") and d.dim_value > 0 for d in shape.dim)


class TesselRep(BackendRep):
    """A prepared model. One with dynamic input dims is compiled on its first run, with those
    dims pinned to the given inputs' shapes (tt-compile --input-shape), and again for each new
    combination of shapes, as a deployer would pin them."""

    def __init__(self, model, precision):
        self._model = model
        self._precision = precision
        # ONNX inputs that are initializers are not fed; the binary takes the others in order.
        inits = {t.name for t in model.graph.initializer}
        self._inputs = [i for i in model.graph.input if i.name not in inits]
        # None for a sequence or an optional, which come back as they are.
        self._types = [o.type.tensor_type.elem_type if o.type.HasField("tensor_type") else None
                       for o in model.graph.output]
        self._dynamic = [i.name for i in self._inputs if not _is_static(i)]
        self._runtimes = {}
        if not self._dynamic:
            self._runtimes[()] = compiler.Runtime(compiler.compile(model, precision=precision))

    def _runtime(self, inputs):
        shapes = {i.name: tuple(np.shape(x)) for i, x in zip(self._inputs, inputs)
                  if i.name in self._dynamic}
        key = tuple(sorted(shapes.items()))
        if key not in self._runtimes:
            self._runtimes[key] = compiler.Runtime(
                compiler.compile(self._model, precision=self._precision, input_shapes=shapes))
        return self._runtimes[key]

    def run(self, inputs, **kwargs):
        if isinstance(inputs, dict):
            inputs = [inputs[i.name] for i in self._inputs]
        elif not isinstance(inputs, (list, tuple)):
            inputs = [inputs]
        # numpy has no bfloat16: ONNX hands its bits over as uint16.
        inputs = [_from_bf16_bits(x) if i.type.tensor_type.elem_type == TensorProto.BFLOAT16 else x
                  for i, x in zip(self._inputs, inputs)]
        outputs = self._runtime(list(inputs)).run(list(inputs))
        # The chip computes in float; outputs go back in the model's declared element type.
        return [o if t is None
                else _to_bf16_bits(o) if t == TensorProto.BFLOAT16
                else o.astype(TENSOR_TYPE_TO_NP_TYPE[t])
                for o, t in zip(outputs, self._types)]


class TesselBackend(Backend):
    precision = "fp32"

    @classmethod
    def prepare(cls, model, device="CPU", **kwargs):
        super().prepare(model, device, **kwargs)
        return TesselRep(model, kwargs.get("precision", cls.precision))

    @classmethod
    def run_model(cls, model, inputs, device="CPU", **kwargs):
        return cls.prepare(model, device, **kwargs).run(inputs)

    @classmethod
    def supports_device(cls, device):
        return device == "CPU"


prepare = TesselBackend.prepare
run_model = TesselBackend.run_model
supports_device = TesselBackend.supports_device
