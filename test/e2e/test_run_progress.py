"""A long tt-run shows its progress, and Ctrl-C stops it without leaving an output behind; a file
it cannot write leaves none of its files behind."""
import signal
import subprocess
import time

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

from conftest import BIN, run


def long_chain(path, layers=10, n=1024, rows=2048):
    """fp32 matmuls one after another: several seconds of simulation."""
    rng = np.random.default_rng(0)
    nodes, inits, x = [], [], "x"
    for i in range(layers):
        w = (rng.standard_normal((n, n)) / np.sqrt(n)).astype(np.float32)
        inits.append(numpy_helper.from_array(w, f"w{i}"))
        nodes.append(helper.make_node("MatMul", [x, f"w{i}"], [f"y{i}"], name=f"mm{i}"))
        x = f"y{i}"
    graph = helper.make_graph(
        nodes, "chain", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [rows, n])],
        [helper.make_tensor_value_info(x, TensorProto.FLOAT, [rows, n])], initializer=inits)
    onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)]), path)


def test_progress_then_ctrl_c(tmp):
    long_chain(tmp / "chain.onnx")
    run(["tt-compile", tmp / "chain.onnx", "-o", tmp / "chain.ttb", "--precision=fp32"])
    np.save(tmp / "x.npy", np.ones((2048, 1024), np.float32))
    out, report = tmp / "y.npy", tmp / "perf.json"
    proc = subprocess.Popen([BIN / "tt-run", tmp / "chain.ttb", f"--input=@{tmp / 'x.npy'}",
                             f"--output=@{out}", f"--perf-report={report}", "--threads=1"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    start = time.monotonic()
    line = proc.stderr.readline()
    shown = time.monotonic() - start
    assert line.startswith("tt-run: dispatch "), line
    assert " of 10" in line and "cycles simulated" in line, line
    assert shown >= 1.9, f"progress after {shown:.1f} s; it should wait for 2 s"
    proc.send_signal(signal.SIGINT)
    rest = proc.stderr.read()
    assert proc.wait(timeout=60) == 130, rest
    assert "interrupted; no output written" in rest, rest
    assert sorted(p.name for p in tmp.iterdir()) == ["chain.onnx", "chain.ttb", "x.npy"]


def test_a_file_that_cannot_be_written_leaves_none_behind(tmp):
    """tt-run writes its outputs and reports together: when one path cannot be written (here a
    directory that does not exist), none of them appears, not even those before it."""
    long_chain(tmp / "chain.onnx", layers=1, n=64, rows=64)
    run(["tt-compile", tmp / "chain.onnx", "-o", tmp / "chain.ttb", "--precision=fp32"])
    np.save(tmp / "x.npy", np.ones((64, 64), np.float32))
    before = sorted(p.name for p in tmp.iterdir())
    proc = run(["tt-run", tmp / "chain.ttb", f"--input=@{tmp / 'x.npy'}",
                f"--output=@{tmp / 'y.npy'}", f"--perf-report={tmp / 'perf.json'}",
                f"--trace={tmp / 'missing' / 'trace.json'}", "--quiet"], check=False)
    assert proc.returncode != 0
    assert "cannot write" in proc.stderr and "missing" in proc.stderr, proc.stderr
    assert sorted(p.name for p in tmp.iterdir()) == before
    # And with every path writable, all of them are written.
    (tmp / "missing").mkdir()
    run(["tt-run", tmp / "chain.ttb", f"--input=@{tmp / 'x.npy'}", f"--output=@{tmp / 'y.npy'}",
         f"--perf-report={tmp / 'perf.json'}", f"--trace={tmp / 'missing' / 'trace.json'}",
         "--quiet"])
    assert np.load(tmp / "y.npy").shape == (64, 64)
    assert (tmp / "perf.json").stat().st_size > 0 and (tmp / "missing" / "trace.json").exists()
