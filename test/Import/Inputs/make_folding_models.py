"""Models whose shape arithmetic folds to constants at import."""
import sys
from pathlib import Path

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

out = Path(sys.argv[1])
out.mkdir(parents=True, exist_ok=True)

# Shape -> Gather -> Unsqueeze -> Concat -> Cast, then used as data: every step folds.
inits = [numpy_helper.from_array(np.array(1, np.int64), "one"),
         numpy_helper.from_array(np.array([0], np.int64), "axes0"),
         numpy_helper.from_array(np.array([7, 8], np.int64), "tail")]
nodes = [
    helper.make_node("Shape", ["x"], ["s"], name="shape"),
    helper.make_node("Gather", ["s", "one"], ["d"], name="gather", axis=0),
    helper.make_node("Unsqueeze", ["d", "axes0"], ["d1"], name="unsqueeze"),
    helper.make_node("Concat", ["d1", "tail"], ["v"], name="concat", axis=0),
    helper.make_node("Mul", ["v", "v"], ["sq"], name="square"),
    helper.make_node("Cast", ["sq"], ["f"], name="cast", to=TensorProto.FLOAT),
    helper.make_node("Add", ["x", "f"], ["y"], name="add"),
]
g = helper.make_graph(nodes, "fold", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [2, 3])],
                      [helper.make_tensor_value_info("y", TensorProto.FLOAT, [2, 3])], initializer=inits)
onnx.save(helper.make_model(g, opset_imports=[helper.make_opsetid("", 13)]), out / "fold.onnx")

# Range whose bounds come at run time has a length only known then: it runs on the host.
nodes = [helper.make_node("Range", ["start", "limit", "delta"], ["y"], name="runtime_range")]
g = helper.make_graph(nodes, "range",
                      [helper.make_tensor_value_info(n, TensorProto.FLOAT, []) for n in ("start", "limit", "delta")],
                      [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["n"])])
onnx.save(helper.make_model(g, opset_imports=[helper.make_opsetid("", 13)]), out / "range.onnx")

# An If on a run-time condition at opset 9 (the version converter leaves If models at their own
# opset): each branch reads the enclosing graph's x and folds its own Reshape target, the then
# branch from Shape -> Slice with attributes (opset 1-9) -> Concat.
def branch(name, tail):
    nodes = [helper.make_node("Shape", ["x"], [f"{name}_s"]),
             helper.make_node("Slice", [f"{name}_s"], [f"{name}_lead"], starts=[0], ends=[1],
                              axes=[0]),
             helper.make_node("Concat", [f"{name}_lead", "minus_one"], [f"{name}_shape"], axis=0),
             helper.make_node("Reshape", ["x", f"{name}_shape"], [f"{name}_r"]),
             helper.make_node(tail, [f"{name}_r"], [f"{name}_y"])]
    return helper.make_graph(nodes, name, [], [helper.make_tensor_value_info(
        f"{name}_y", TensorProto.FLOAT, [2, 60])])


nodes = [helper.make_node("If", ["c"], ["y"], name="if", then_branch=branch("then", "Relu"),
                          else_branch=branch("else", "Neg"))]
g = helper.make_graph(nodes, "branch9",
                      [helper.make_tensor_value_info("x", TensorProto.FLOAT, [2, 3, 4, 5]),
                       helper.make_tensor_value_info("c", TensorProto.BOOL, [])],
                      [helper.make_tensor_value_info("y", TensorProto.FLOAT, [2, 60])],
                      initializer=[numpy_helper.from_array(np.array([-1], np.int64), "minus_one")])
model = helper.make_model(g, opset_imports=[helper.make_opsetid("", 9)])
model.ir_version = 4
onnx.save(model, out / "branch9.onnx")
