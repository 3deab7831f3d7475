#!/usr/bin/python3
"""What the Python extensions gain: the ONNX backend's node tests (tessel.backend, through
pytest) with the compiler and the simulator in process (tessel._compiler, tessel._runtime) and
with the tools driven as subprocesses (TESSEL_NO_EXTENSIONS=1), each run `--repeats` times in
turn; and one small model's InferenceSession.run against a tt-run process on the same binary.

    bench/python.py [--build build] [--repeats 3] [--write-readme]
"""
import argparse
import datetime
import io
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import onnx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT / "python"))
from roofline import commit_note, log, write_readme  # noqa: E402

BEGIN, END = "<!-- python:begin -->", "<!-- python:end -->"
SECTION = "## Python"


def node_tests(build, extensions):
    env = dict(os.environ, TESSEL_BIN=str(Path(build) / "bin"), TESSEL_SRC=str(ROOT),
               TESSEL_CHIPS_DIR=str(ROOT / "runtime" / "chips"))
    if not extensions:
        env["TESSEL_NO_EXTENSIONS"] = "1"
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                           str(ROOT / "test" / "conformance" / "test_onnx_backend.py"), "-k",
                           "Node"], cwd=build, env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    summary = proc.stdout.strip().splitlines()[-1]
    if proc.returncode:
        sys.exit(f"node tests failed ({'in process' if extensions else 'subprocesses'}): "
                 f"{summary}")
    return seconds, summary.split(" in ")[0]


def small_run(build, repeats):
    """Median seconds of InferenceSession.run and of a whole tt-run command on the MLP."""
    os.environ["TESSEL_BIN"] = str(Path(build) / "bin")
    import tessel
    from tessel import models
    model, _ = models.mlp(batch=8, width=64)
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        binary = tessel.compile(model)
        (tmp / "m.ttb").write_bytes(binary)
        shape = [d.dim_value for d in model.graph.input[0].type.tensor_type.shape.dim]
        x = np.random.default_rng(0).standard_normal(shape).astype(np.float32)
        np.save(tmp / "x.npy", x)
        session = tessel.InferenceSession(binary)
        name = session.get_inputs()[0].name
        runs, commands = [], []
        for _ in range(repeats * 10):
            start = time.perf_counter()
            session.run(None, {name: x})
            runs.append(time.perf_counter() - start)
        for _ in range(repeats):
            start = time.perf_counter()
            subprocess.run([str(Path(build) / "bin" / "tt-run"), tmp / "m.ttb",
                            f"--input=@{tmp / 'x.npy'}", f"--output=@{tmp / 'y.npy'}",
                            "--quiet"], check=True)
            commands.append(time.perf_counter() - start)
    return statistics.median(runs), statistics.median(commands)


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--build", default=str(ROOT / "build"))
    p.add_argument("--repeats", type=int, default=3)
    p.add_argument("--write-readme", action="store_true",
                   help="replace the table between the python markers in bench/README.md")
    a = p.parse_args()
    times = {True: [], False: []}
    summaries = {}
    for i in range(a.repeats):
        for extensions in (False, True):
            log(f"node tests, {'in process' if extensions else 'subprocesses'}, run {i + 1}")
            seconds, summaries[extensions] = node_tests(a.build, extensions)
            times[extensions].append(seconds)
    sub, inproc = statistics.median(times[False]), statistics.median(times[True])
    run, command = small_run(a.build, a.repeats)
    rows = [
        f"{commit_note()}, {datetime.date.today()}, medians of {a.repeats} runs:",
        "",
        "| what | subprocesses (tt-compile, tt-run) | in process (tessel._compiler, tessel._runtime) | ratio |",
        "| --- | --- | --- | --- |",
        f"| ONNX backend node tests (pytest) | {sub:.1f} s | {inproc:.1f} s | {sub / inproc:.2f}x |",
        f"| MLP 8x64 (fp32): one run, host ms | {1000 * command:.1f} (a tt-run command) | "
        f"{1000 * run:.2f} (InferenceSession.run) | {command / run:.1f}x |",
        "",
        f"Both node-test runs: {summaries[False]} (subprocesses), {summaries[True]} (in process).",
    ]
    text = "\n".join(rows)
    print(text)
    if a.write_readme:
        write_readme(text, BEGIN, END, SECTION)


if __name__ == "__main__":
    main()
