"""Writes the ONNX models of test/Import/import-sampling.test into the directory argv[1].

Run with /usr/bin/python3 (Debian's python3-onnx); only onnx.helper is needed.
"""
from onnx import TensorProto, helper

from onnx_models import model, vi, write_models

F, I64 = TensorProto.FLOAT, TensorProto.INT64


def grid_sample(mode, padding):
    nodes = [helper.make_node("GridSample", ["x", "grid"], ["y"], mode=mode,
                              padding_mode=padding, align_corners=0, name="gs")]
    return model("grid_sample", nodes, [vi("x", F, [2, 3, 4, 5]), vi("grid", F, [2, 3, 2, 2])],
                 [vi("y", F, [2, 3, 3, 2])], opset=16)


def grid_bilinear():
    return grid_sample("bilinear", "zeros")


def grid_nearest_border():
    return grid_sample("nearest", "border")


def grid_bicubic_reflection():
    return grid_sample("bicubic", "reflection")


def grid_bad_mode():
    return grid_sample("area", "zeros")


def hann_runtime():
    # The size comes at run time; the output length is declared.
    nodes = [helper.make_node("HannWindow", ["n"], ["w"], periodic=0, name="hann")]
    return model("hann_runtime", nodes, [vi("n", I64, [])], [vi("w", F, [6])], opset=17)


def blackman_const():
    size = helper.make_tensor("n", I64, [], [8])
    nodes = [helper.make_node("BlackmanWindow", ["n"], ["w"], name="blackman")]
    return model("blackman_const", nodes, [], [vi("w", F, [8])], initializer=[size], opset=17)


def stft_runtime():
    nodes = [helper.make_node("STFT", ["s", "step", "", "len"], ["y"], name="stft")]
    return model("stft_runtime", nodes,
                 [vi("s", F, [1, 32, 1]), vi("step", I64, []), vi("len", I64, [])],
                 [vi("y", F, [1, 3, 5, 2])], opset=17)


def stft_window():
    nodes = [helper.make_node("STFT", ["s", "step", "win"], ["y"], name="stft")]
    return model("stft_window", nodes,
                 [vi("s", F, [1, 32, 1]), vi("step", I64, []), vi("win", F, [16])],
                 [vi("y", F, [1, 3, 9, 2])], opset=17)


def mel_weights():
    nodes = [helper.make_node("MelWeightMatrix", ["mels", "dft", "rate", "lo", "hi"], ["w"],
                              name="mel")]
    return model("mel_weights", nodes,
                 [vi("mels", I64, []), vi("dft", I64, []), vi("rate", I64, []), vi("lo", F, []),
                  vi("hi", F, [])], [vi("w", F, [9, 8])], opset=17)


def main():
    write_models([grid_bilinear, grid_nearest_border, grid_bicubic_reflection, grid_bad_mode,
                  hann_runtime, blackman_const, stft_runtime, stft_window, mel_weights])


if __name__ == "__main__":
    main()
