"""Every tool explains its flags; translations compose with pipes."""
import subprocess

import pytest

from conftest import BIN, NODE_TESTS, run


@pytest.mark.parametrize("tool,flags", [
    ("tt-compile", ["--chip", "--precision", "--input-shape", "--dump-ir-dir", "-o"]),
    ("tt-run", ["--input", "--output", "--perf-report", "--trace", "--chip"]),
    ("tt-opt", ["--tt-compile-pipeline", "--tt-lower-graph-to-grid", "--tt-lower-grid-to-kernels",
                "--tt-allocate-buffers"]),
    ("tt-translate", ["--import-onnx", "--serialize-ttb", "--dump-ttb"]),
])
def test_help(tool, flags):
    out = run([tool, "--help"]).stdout
    for f in flags:
        assert f in out, f"{tool} --help does not mention {f}"


def test_translations_pipe(tmp):
    model = NODE_TESTS / "test_gemm_transposeB" / "model.onnx"
    cmd = (f"{BIN}/tt-translate --import-onnx {model} | {BIN}/tt-opt --tt-compile-pipeline | "
           f"{BIN}/tt-translate --serialize-ttb | {BIN}/tt-translate --dump-ttb")
    out = subprocess.run(cmd, shell=True, capture_output=True, text=True, check=True).stdout
    assert '"op": "matmul"' in out and '"chip": "wormhole_b0"' in out
