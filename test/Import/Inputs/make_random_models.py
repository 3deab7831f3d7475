"""Writes the ONNX models of test/Import/import-random.test into the directory argv[1].

Run with /usr/bin/python3 (Debian's python3-onnx); only onnx.helper is needed.
"""
from onnx import TensorProto, helper

from onnx_models import model, ramp, vi, write_models

F, D, B = TensorProto.FLOAT, TensorProto.DOUBLE, TensorProto.BOOL


def reparameterize():
    # A VAE's sampling step: z = mu + exp(logvar / 2) * eps, eps = RandomNormalLike(mu).
    nodes = [helper.make_node("MatMul", ["x", "w"], ["mu"], name="mu"),
             helper.make_node("RandomNormalLike", ["mu"], ["eps"], seed=3.0, name="eps"),
             helper.make_node("Mul", ["eps", "mu"], ["s"], name="scale"),
             helper.make_node("Add", ["mu", "s"], ["z"], name="z")]
    return model("reparameterize", nodes, [vi("x", F, [4, 8])], [vi("z", F, [4, 8])],
                 [ramp("w", [8, 8])], opset=17)


def uniform_unseeded():
    nodes = [helper.make_node("RandomUniform", [], ["u"], shape=[3, 5], low=-2.0, high=3.0,
                              name="u")]
    return model("uniform_unseeded", nodes, [], [vi("u", F, [3, 5])], opset=17)


def bernoulli_double():
    nodes = [helper.make_node("Bernoulli", ["p"], ["y"], dtype=D, seed=5.0, name="coin")]
    return model("bernoulli_double", nodes, [vi("p", F, [2, 6])], [vi("y", D, [2, 6])], opset=15)


def negative_scale():
    nodes = [helper.make_node("RandomNormal", [], ["n"], shape=[2], scale=-1.0, name="noise")]
    return model("negative_scale", nodes, [], [vi("n", F, [2])], opset=17)


def in_branch():
    draw = helper.make_node("RandomUniform", [], ["r"], shape=[2], name="draw")
    then = helper.make_graph([draw], "then", [], [vi("r", F, [2])])
    zero = helper.make_node("Constant", [], ["z"], value=helper.make_tensor("zv", F, [2], [0, 0]),
                            name="zero")
    other = helper.make_graph([zero], "else", [], [vi("z", F, [2])])
    nodes = [helper.make_node("If", ["c"], ["y"], then_branch=then, else_branch=other, name="if")]
    return model("in_branch", nodes, [vi("c", B, [])], [vi("y", F, [2])], opset=17)


def main():
    write_models([reparameterize, uniform_unseeded, bernoulli_double, negative_scale, in_branch])


if __name__ == "__main__":
    main()
