"""ONNX backend node tests of the first slice, in fp32 with the suite's own tolerances."""
import numpy as np
import onnx
import pytest
from onnx import numpy_helper

from conftest import NODE_TESTS, run

SLICE = [
    "test_matmul_2d", "test_matmul_3d", "test_matmul_4d",
    "test_gemm_default_no_bias", "test_gemm_all_attributes", "test_gemm_transposeA",
    "test_gemm_transposeB", "test_gemm_default_vector_bias",
    "test_add", "test_add_bcast", "test_relu", "test_softmax_example", "test_softmax_axis_1",
]
# onnx.backend.test's defaults for node tests.
RTOL, ATOL = 1e-3, 1e-7


def load_pb(path):
    t = onnx.TensorProto()
    t.ParseFromString(path.read_bytes())
    return numpy_helper.to_array(t)


@pytest.mark.parametrize("name", SLICE)
def test_node(name, tmp):
    case = NODE_TESTS / name
    ttb = tmp / "model.ttb"
    run(["tt-compile", case / "model.onnx", "-o", ttb, "--precision=fp32"])
    for data in sorted(case.glob("test_data_set_*")):
        inputs = sorted(data.glob("input_*.pb"), key=lambda p: int(p.stem.split("_")[1]))
        expected = sorted(data.glob("output_*.pb"), key=lambda p: int(p.stem.split("_")[1]))
        outs = [tmp / f"out_{i}.npy" for i in range(len(expected))]
        run(["tt-run", ttb, "--quiet", *[f"--input=@{p}" for p in inputs],
             *[f"--output=@{p}" for p in outs]])
        for want, got in zip(expected, outs):
            np.testing.assert_allclose(np.load(got), load_pb(want), rtol=RTOL, atol=ATOL)
