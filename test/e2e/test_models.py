"""Models in the shape of real exports, compiled and run in fp32 against float64 numpy."""
import numpy as np
import onnx
import pytest

from conftest import run
from tessel import models


@pytest.mark.parametrize("builder", ["cnn", "transformer_block"])
def test_model(builder, tmp):
    model, reference = getattr(models, builder)()
    onnx.save(model, tmp / "m.onnx")
    shape = [d.dim_value for d in model.graph.input[0].type.tensor_type.shape.dim]
    x = np.random.default_rng(3).standard_normal(shape).astype(np.float32)
    np.save(tmp / "x.npy", x)
    run(["tt-compile", tmp / "m.onnx", "-o", tmp / "m.ttb"])
    run(["tt-run", tmp / "m.ttb", f"--input=@{tmp / 'x.npy'}", f"--output=@{tmp / 'y.npy'}", "--quiet"])
    got, want = np.load(tmp / "y.npy"), reference(x)[0]
    assert models.pcc(got, want) >= 0.9999
    np.testing.assert_allclose(got, want, rtol=1e-3, atol=1e-4)
