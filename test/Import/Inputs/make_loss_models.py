"""Writes the ONNX models of test/Import/import-loss.test into the directory argv[1].

Run with /usr/bin/python3 (Debian's python3-onnx); only onnx.helper is needed, no numpy.
"""
from onnx import TensorProto, helper

from onnx_models import model, vi, write_models

F, I64 = TensorProto.FLOAT, TensorProto.INT64


def nll_none():
    # [N, C, d1] = [2, 3, 4] without weights or ignore_index, one loss per target.
    nodes = [helper.make_node("NegativeLogLikelihoodLoss", ["x", "t"], ["loss"],
                              reduction="none", name="nll_none")]
    return model("nll_none", nodes, [vi("x", F, [2, 3, 4]), vi("t", I64, [2, 4])],
                 [vi("loss", F, [2, 4])], opset=12)


def nll_mean():
    # [N, C] = [3, 4] with a weight input and ignore_index 1 (a class): the weight of class 1
    # is zeroed, and the mean divides by the weights of the targets.
    nodes = [helper.make_node("NegativeLogLikelihoodLoss", ["x", "t", "w"], ["loss"],
                              reduction="mean", ignore_index=1, name="nll_mean")]
    return model("nll_mean", nodes,
                 [vi("x", F, [3, 4]), vi("t", I64, [3]), vi("w", F, [4])], [vi("loss", F, [])])


def nll_mean_plain():
    # The default reduction (mean) without weights nor ignore_index: divides by the count.
    nodes = [helper.make_node("NegativeLogLikelihoodLoss", ["x", "t"], ["loss"], name="nll_plain")]
    return model("nll_mean_plain", nodes, [vi("x", F, [3, 4]), vi("t", I64, [3])],
                 [vi("loss", F, [])])


def sce_sum():
    # [N, C, d1, d2] = [2, 3, 2, 2], sum, ignore_index -1 (no class: nothing to mask), with the
    # log_prob output.
    nodes = [helper.make_node("SoftmaxCrossEntropyLoss", ["x", "t"], ["loss", "log_prob"],
                              reduction="sum", ignore_index=-1, name="sce_sum")]
    return model("sce_sum", nodes, [vi("x", F, [2, 3, 2, 2]), vi("t", I64, [2, 2, 2])],
                 [vi("loss", F, []), vi("log_prob", F, [2, 3, 2, 2])])


def nll_bad_reduction():
    nodes = [helper.make_node("NegativeLogLikelihoodLoss", ["x", "t"], ["loss"],
                              reduction="max", name="nll_bad")]
    return model("nll_bad_reduction", nodes, [vi("x", F, [3, 4]), vi("t", I64, [3])],
                 [vi("loss", F, [])])


def lrn():
    # size 4 on 5 channels: the window runs from c - 1 to c + 2.
    nodes = [helper.make_node("LRN", ["x"], ["y"], size=4, alpha=0.25, beta=0.5, bias=2.0,
                              name="lrn")]
    return model("lrn", nodes, [vi("x", F, [1, 5, 2, 2])], [vi("y", F, [1, 5, 2, 2])])


def mvn():
    # The default axes [0, 2, 3], then axes [-1, 1].
    nodes = [
        helper.make_node("MeanVarianceNormalization", ["x"], ["y"], name="mvn_default"),
        helper.make_node("MeanVarianceNormalization", ["x"], ["z"], axes=[-1, 1],
                         name="mvn_axes"),
    ]
    return model("mvn", nodes, [vi("x", F, [2, 3, 2, 2])],
                 [vi("y", F, [2, 3, 2, 2]), vi("z", F, [2, 3, 2, 2])])


def mvn_rank3():
    # The default axes name axis 3, which a rank-3 input lacks.
    nodes = [helper.make_node("MeanVarianceNormalization", ["x"], ["y"], name="mvn_rank3")]
    return model("mvn_rank3", nodes, [vi("x", F, [2, 3, 4])], [vi("y", F, [2, 3, 4])])


def main():
    write_models([nll_none, nll_mean, nll_mean_plain, sce_sum, nll_bad_reduction, lrn, mvn,
                  mvn_rank3])


if __name__ == "__main__":
    main()
