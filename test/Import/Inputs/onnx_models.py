"""What the make_*_models.py scripts share: value infos, model wrappers and writing them out.

Run those scripts with /usr/bin/python3 (Debian's python3-onnx); only onnx.helper is needed.
"""
import os
import sys

from onnx import TensorProto, checker, helper, save

F, I32, I64 = TensorProto.FLOAT, TensorProto.INT32, TensorProto.INT64


def vi(name, elt, shape):
    return helper.make_tensor_value_info(name, elt, shape)


def ramp(name, shape, scale=0.125):
    """A float initializer of small, varied values (-3..3 times scale)."""
    n = 1
    for d in shape:
        n *= d
    return helper.make_tensor(name, F, shape, [((i % 7) - 3) * scale for i in range(n)])


def model(name, nodes, inputs, outputs, initializer=(), opset=13):
    graph = helper.make_graph(nodes, name, inputs, outputs, initializer=list(initializer))
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)])


def write_models(builders):
    """Checks each builder's model and saves it as <builder name>.onnx in the folder argv[1]."""
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    for build in builders:
        m = build()
        checker.check_model(m)
        save(m, os.path.join(out, build.__name__.rstrip("_") + ".onnx"))
