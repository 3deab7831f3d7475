"""An ONNX backend (onnx.backend.base.Backend) that runs models on Tessel's simulated chip."""
from onnx.backend.base import Backend, BackendRep
from onnx.mapping import TENSOR_TYPE_TO_NP_TYPE

from . import compiler


class TesselRep(BackendRep):
    def __init__(self, model, precision):
        self._runtime = compiler.Runtime(compiler.compile(model, precision=precision))
        # ONNX inputs that are initializers are not fed; the binary takes the others in order.
        inits = {t.name for t in model.graph.initializer}
        self._inputs = [i for i in model.graph.input if i.name not in inits]
        self._types = [o.type.tensor_type.elem_type for o in model.graph.output]

    def run(self, inputs, **kwargs):
        if isinstance(inputs, dict):
            inputs = [inputs[i.name] for i in self._inputs]
        elif not isinstance(inputs, (list, tuple)):
            inputs = [inputs]
        outputs = self._runtime.run(list(inputs))
        # The chip computes in float; outputs go back in the model's declared element type.
        return [o.astype(TENSOR_TYPE_TO_NP_TYPE[t]) for o, t in zip(outputs, self._types)]


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
