"""Malformed models of the kinds the mutation test and the importer's fuzzer found crashing
libonnx or the importer: each must be a one-line error naming what is wrong."""
import sys
from pathlib import Path

import numpy as np
import onnx
from onnx import TensorProto as T, helper as h, numpy_helper

out = Path(sys.argv[1])
out.mkdir(parents=True, exist_ok=True)
vi = h.make_tensor_value_info


def save(name, nodes, inputs, outputs, inits=(), opset=13):
    g = h.make_graph(nodes, name, inputs, outputs, initializer=list(inits))
    onnx.save(h.make_model(g, opset_imports=[h.make_opsetid("", opset)]), out / f"{name}.onnx")


x2 = vi("x", T.FLOAT, [2, 4])
y2 = vi("y", T.FLOAT, [2, 4])

# raw_data shorter than the dims call for: libonnx's inference would read past it.
w = numpy_helper.from_array(np.ones(4, np.float32), "w")
w.raw_data = w.raw_data[:2]
save("trunc_raw", [h.make_node("Add", ["x", "w"], ["y"])], [x2], [y2], [w])

# dims whose product overflows 64 bits.
big = numpy_helper.from_array(np.ones(1, np.float32), "w")
big.dims[:] = [2**31, 2**31, 2**31]
save("huge_dims", [h.make_node("Add", ["x", "w"], ["y"])], [x2], [y2], [big])

# A stride of zero: libonnx's inference divides by it.
xc = vi("x", T.FLOAT, [1, 1, 4, 4])
save("zero_stride", [h.make_node("Conv", ["x", "k"], ["y"], name="conv", strides=[0, 1])], [xc],
     [vi("y", T.FLOAT, [1, 1, 3, 3])], [numpy_helper.from_array(np.ones((1, 1, 2, 2), np.float32), "k")])

# Conv weights of the wrong rank.
save("conv_rank", [h.make_node("Conv", ["x", "k"], ["y"], name="conv")], [xc],
     [vi("y", T.FLOAT, ["n", "c", "h", "w"])],
     [numpy_helper.from_array(np.ones(4, np.float32), "k")])

# An axis beyond the rank.
save("gather_axis", [h.make_node("Gather", ["x", "i"], ["y"], name="gather", axis=9)], [x2],
     [vi("y", T.FLOAT, [2])], [numpy_helper.from_array(np.array([0, 1], np.int64), "i")])

# A declared output nothing computes, at an opset the version converter would take.
save("missing_output", [h.make_node("Relu", ["x"], ["z"])], [x2], [y2], opset=10)

# A name holding a newline still gives one line.
save("newline_name", [h.make_node("Relu", ["bad\nname"], ["y"], name="relu")], [x2], [y2])

# INT64_MAX, PyTorch's "to the end", stays INT64_MAX.
save("int64_max", [h.make_node("Slice", ["x", "st", "en", "ax"], ["y"], name="slice")], [x2],
     [vi("y", T.FLOAT, [2, 3])],
     [numpy_helper.from_array(np.array([1], np.int64), "st"),
      numpy_helper.from_array(np.array([2**63 - 1], np.int64), "en"),
      numpy_helper.from_array(np.array([1], np.int64), "ax")])
