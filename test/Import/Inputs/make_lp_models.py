"""Writes the ONNX models of test/Import/import-lp.test into the directory argv[1].

Run with /usr/bin/python3 (Debian's python3-onnx); only onnx.helper is needed.
"""
from onnx import TensorProto, helper

from onnx_models import model, vi, write_models

F = TensorProto.FLOAT


def l2_normalize():
    nodes = [helper.make_node("LpNormalization", ["x"], ["y"], p=2, axis=1, name="norm")]
    return model("l2_normalize", nodes, [vi("x", F, [4, 16])], [vi("y", F, [4, 16])], opset=11)


def global_l1_pool():
    nodes = [helper.make_node("GlobalLpPool", ["x"], ["y"], p=1, name="pool")]
    return model("global_l1_pool", nodes, [vi("x", F, [1, 3, 5, 5])], [vi("y", F, [1, 3, 1, 1])],
                 opset=11)


def lp3_pool():
    nodes = [helper.make_node("LpPool", ["x"], ["y"], p=3, kernel_shape=[2, 2], strides=[2, 2],
                              name="pool")]
    return model("lp3_pool", nodes, [vi("x", F, [1, 2, 4, 4])], [vi("y", F, [1, 2, 2, 2])],
                 opset=11)


def lp0_pool():
    nodes = [helper.make_node("GlobalLpPool", ["x"], ["y"], p=0, name="zero_norm")]
    return model("lp0_pool", nodes, [vi("x", F, [1, 3, 5, 5])], [vi("y", F, [1, 3, 1, 1])],
                 opset=11)


def main():
    write_models([l2_normalize, global_l1_pool, lp3_pool, lp0_pool])


if __name__ == "__main__":
    main()
