"""Models whose tail runs on the host: ops whose output's shape depends on the data."""
import sys
from pathlib import Path

import numpy as np
import onnx
from onnx import TensorProto as T, helper as h, numpy_helper

out = Path(sys.argv[1])
out.mkdir(parents=True, exist_ok=True)
vi = h.make_tensor_value_info


def save(name, nodes, inputs, outputs, inits=(), opset=13):
    graph = h.make_graph(nodes, name, inputs, outputs, initializer=list(inits))
    model = h.make_model(graph, opset_imports=[h.make_opsetid("", opset)])
    onnx.checker.check_model(model)
    onnx.save(model, out / f"{name}.onnx")


# The chip computes r and the mask g; Compress and then Unique run on the host, one after the
# other. r is an output and a host op's input; g only a host op's.
save("tail", [h.make_node("Relu", ["x"], ["r"], name="relu"),
              h.make_node("Greater", ["r", "half"], ["g"], name="above"),
              h.make_node("Compress", ["r", "g"], ["c"], name="keep", axis=0),
              h.make_node("Unique", ["c"], ["u", "", "", "n"], name="distinct")],
     [vi("x", T.FLOAT, [6])], [vi("r", T.FLOAT, [6]), vi("u", T.FLOAT, ["k"]),
                               vi("n", T.INT64, ["k"])],
     [numpy_helper.from_array(np.array([0.5], np.float32), "half")])

# Multinomial samples the classes of the chip's logits on the host.
save("multinomial", [h.make_node("Relu", ["x"], ["r"], name="relu"),
                     h.make_node("Multinomial", ["r"], ["y"], name="sample", sample_size=3,
                                 seed=1.0)],
     [vi("x", T.FLOAT, [2, 3])], [vi("y", T.INT32, [2, 3])])
save("multinomial_rank3", [h.make_node("Multinomial", ["x"], ["y"], name="sample3")],
     [vi("x", T.FLOAT, [1, 2, 3])], [vi("y", T.INT32, [1, 1])])
# MaxRoiPool pools regions the model takes, on the host, from what the chip computed.
save("max_roi_pool", [h.make_node("Relu", ["x"], ["r"], name="relu"),
                      h.make_node("MaxRoiPool", ["r", "rois"], ["y"], name="roi",
                                  pooled_shape=[2, 2], spatial_scale=0.5)],
     [vi("x", T.FLOAT, [1, 1, 4, 4]), vi("rois", T.FLOAT, [1, 5])],
     [vi("y", T.FLOAT, [1, 1, 2, 2])])
# Dropout that trains draws its mask on the host, from the seed; the chip computes its input.
save("dropout_train", [h.make_node("Relu", ["x"], ["r"], name="relu"),
                       h.make_node("Dropout", ["r", "ratio", "train"], ["y", "mask"], name="drop",
                                   seed=3)],
     [vi("x", T.FLOAT, [2, 4]), vi("ratio", T.FLOAT, [])],
     [vi("y", T.FLOAT, [2, 4]), vi("mask", T.BOOL, [2, 4])],
     [numpy_helper.from_array(np.array(True), "train")])

# A sequence split at lengths the model takes: the host splits what the chip computed.
save("split_runtime", [h.make_node("Relu", ["x"], ["r"], name="relu"),
                       h.make_node("SplitToSequence", ["r", "splits"], ["seq"], name="split"),
                       h.make_node("SequenceLength", ["seq"], ["n"], name="count"),
                       h.make_node("SequenceAt", ["seq", "one"], ["second"], name="second")],
     [vi("x", T.FLOAT, [6]), vi("splits", T.INT64, [3])],
     [vi("n", T.INT64, []), vi("second", T.FLOAT, ["k"])],
     [numpy_helper.from_array(np.array(1, np.int64), "one")])

# An empty model input (a dim of 0) is no argument of the chip's function; host ops read it as
# the user gave it.
save("split_empty", [h.make_node("SplitToSequence", ["x", "splits"], ["seq"], name="split"),
                     h.make_node("SequenceLength", ["seq"], ["n"], name="count")],
     [vi("x", T.FLOAT, [0]), vi("splits", T.INT64, [3])], [vi("n", T.INT64, [])])

# NMS reads a model input as given, a chip result and two initializers.
save("nms", [h.make_node("Sigmoid", ["logits"], ["scores"], name="score"),
             h.make_node("NonMaxSuppression", ["boxes", "scores", "keep", "iou"], ["sel"],
                         name="nms", center_point_box=1)],
     [vi("boxes", T.FLOAT, [1, 4, 4]), vi("logits", T.FLOAT, [1, 1, 4])],
     [vi("sel", T.INT64, ["k", 3])],
     [numpy_helper.from_array(np.array([2], np.int64), "keep"),
      numpy_helper.from_array(np.array([0.5], np.float32), "iou")], opset=11)

# Only host ops may read what a host op computes: data movement and elementwise math do, a
# matmul (heavy math, the chip's) does not.
save("after", [h.make_node("NonZero", ["x"], ["nz"], name="where_nonzero"),
               h.make_node("Transpose", ["nz"], ["y"], name="flip"),
               h.make_node("Cast", ["y"], ["yf"], name="to_float", to=T.FLOAT),
               h.make_node("MatMul", ["yf", "w"], ["z"], name="project")],
     [vi("x", T.FLOAT, [2, 3])], [vi("z", T.FLOAT, ["a", 2])],
     [numpy_helper.from_array(np.eye(2, dtype=np.float32), "w")])
save("moved", [h.make_node("NonZero", ["x"], ["nz"], name="where_nonzero"),
               h.make_node("Transpose", ["nz"], ["pairs"], name="flip"),
               h.make_node("Gather", ["pairs", "last"], ["rows"], name="last_pair", axis=0),
               h.make_node("Unsqueeze", ["rows", "zero"], ["y"], name="batch")],
     [vi("x", T.FLOAT, [2, 3])], [vi("y", T.INT64, [1, 2])],
     [numpy_helper.from_array(np.array(-1, np.int64), "last"),
      numpy_helper.from_array(np.array([0], np.int64), "zero")])

# A branch with a host op (NonZero) makes the If a host op with branches of host ops; these give
# y different ranks, which is refused.
then_graph = h.make_graph([h.make_node("NonZero", ["x"], ["t"], name="branch_nonzero")],
                          "then_body", [], [vi("t", T.INT64, [2, "k"])])
else_graph = h.make_graph([h.make_node("Shape", ["x"], ["e"])], "else_body", [],
                          [vi("e", T.INT64, [2])])
save("branch", [h.make_node("If", ["c"], ["y"], then_branch=then_graph,
                            else_branch=else_graph, name="choose")],
     [vi("c", T.BOOL, []), vi("x", T.FLOAT, [2, 3])], [vi("y", T.INT64, ["a", "b"])])

# Strings never reach the chip: the words go to the host as given, and the chip's ReLU output is
# formatted there.
save("strings", [h.make_node("StringNormalizer", ["words"], ["norm"], name="normalize",
                             case_change_action="UPPER", stopwords=["the"]),
                 h.make_node("Relu", ["f"], ["r"], name="relu"),
                 h.make_node("Cast", ["r"], ["text"], name="to_text", to=T.STRING)],
     [vi("words", T.STRING, [4]), vi("f", T.FLOAT, [3])],
     [vi("norm", T.STRING, ["k"]), vi("text", T.STRING, [3])], opset=10)
np.save(out / "words.npy", np.array(["The", "quick", "brown", "ünïcode"]))
np.save(out / "f.npy", np.array([1.5, -2, 0.1], np.float32))

# A string tensor on the chip, or a chip op after a host Cast, is an error naming the node.
save("string_on_chip", [h.make_node("Tile", ["s", "twice"], ["y"], name="repeat")],
     [vi("s", T.STRING, [2])], [vi("y", T.STRING, [4])],
     [numpy_helper.from_array(np.array([2], np.int64), "twice")])
save("after_cast", [h.make_node("Cast", ["s"], ["n"], name="parse", to=T.FLOAT),
                    h.make_node("MatMul", ["n", "w"], ["y"], name="project")],
     [vi("s", T.STRING, [2])], [vi("y", T.FLOAT, [2])],
     [numpy_helper.from_array(np.eye(2, dtype=np.float32), "w")])

# An If on a run-time condition whose branches give different shapes: the chip computes both,
# the host picks one.
then_graph = h.make_graph([h.make_node("Slice", ["x", "s0", "s2"], ["t"], name="first_rows")],
                          "then_rows", [], [vi("t", T.FLOAT, [2, 3])],
                          [numpy_helper.from_array(np.array([0], np.int64), "s0"),
                           numpy_helper.from_array(np.array([2], np.int64), "s2")])
else_graph = h.make_graph([h.make_node("Relu", ["x"], ["e"], name="rectify")], "else_rows", [],
                          [vi("e", T.FLOAT, [4, 3])])
save("if_shapes", [h.make_node("If", ["c"], ["y"], then_branch=then_graph,
                               else_branch=else_graph, name="rows")],
     [vi("c", T.BOOL, []), vi("x", T.FLOAT, [4, 3])], [vi("y", T.FLOAT, ["n", 3])])

# A sequence the model takes: the host inserts the chip's ReLU into it, counts it and joins it.
save("sequences", [h.make_node("Relu", ["x"], ["r"], name="relu"),
                   h.make_node("SequenceInsert", ["seq", "r"], ["longer"], name="append"),
                   h.make_node("SequenceLength", ["longer"], ["n"], name="count"),
                   h.make_node("ConcatFromSequence", ["longer"], ["joined"], name="join",
                               axis=0)],
     [h.make_tensor_sequence_value_info("seq", T.FLOAT, [1, 2]), vi("x", T.FLOAT, [1, 2])],
     [h.make_tensor_sequence_value_info("longer", T.FLOAT, [1, 2]), vi("n", T.INT64, []),
      vi("joined", T.FLOAT, ["k", 2])])
(out / "seq.pb").write_bytes(numpy_helper.from_list(
    [np.array([[1, 2]], np.float32), np.array([[3, 4]], np.float32)]).SerializeToString())

# An optional the model takes: whether it holds a value, and the value.
opt_type = h.make_optional_type_proto(h.make_tensor_type_proto(T.FLOAT, [2]))
save("optional", [h.make_node("OptionalHasElement", ["maybe"], ["has"], name="has"),
                  h.make_node("OptionalGetElement", ["maybe"], ["value"], name="get")],
     [h.make_value_info("maybe", opt_type)],
     [vi("has", T.BOOL, []), vi("value", T.FLOAT, [2])], opset=15)
(out / "some.pb").write_bytes(numpy_helper.from_optional(
    np.array([7, 8], np.float32)).SerializeToString())
(out / "none.pb").write_bytes(numpy_helper.from_optional(None).SerializeToString())
