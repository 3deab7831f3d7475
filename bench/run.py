#!/usr/bin/python3
"""Tessel's simulator against ONNX Runtime's CPU build, in one run, on the same models.

    bench/run.py [--build build] [--threads 2] [--repeats 3] [--models mlp-bf16,...] [--write-readme]

For each model it reports the wall time of `tt-run` (load the binary, simulate every core of the
chip, write the outputs) next to ONNX Runtime's (`onnxruntime-node` from npm), both as a whole
command (process start to exit, same thread count) and, for ONNX Runtime, per inference in a warm
session; the ratios are what to compare, and the summary gives their maximum and geometric mean.
It also gives the host cores `tt-run` kept busy (its CPU time over its wall time), how much
faster it runs on all its threads than on one (the two runs alternating, so that a change in the
machine's speed touches both), the round trip of a cache line between two host threads just
before and after those runs (`host-latency`: what a second thread gains depends on it, and on a
virtual machine it changes with where the host places the processors), the simulated cycles it
gets through per host second, the chip time and the PCC of the two outputs.
"""
import argparse
import datetime
import json
import math
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import onnx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "python"))
sys.path.insert(0, str(ROOT / "bench"))
from tessel import models  # noqa: E402
import models as bench_models  # noqa: E402
from roofline import commit_note, write_readme  # noqa: E402

# name -> (builder returning the model first, its keyword arguments, precision)
MODELS = {
    "mlp-fp32": (models.mlp, dict(batch=32, width=1024), "fp32"),
    "mlp-bf16": (models.mlp, dict(batch=32, width=1024), "bf16"),
    "cnn-fp32": (models.cnn, dict(batch=1, size=32), "fp32"),
    "xfmr-fp32": (models.transformer_block, dict(seq=64, dim=64, heads=4), "fp32"),
    "resnet50-b1": (bench_models.resnet50, dict(batch=1), "bf16"),
    "resnet50-b16": (bench_models.resnet50, dict(batch=16), "bf16"),
    "bert-large-layer": (bench_models.bert_layer, dict(), "bf16"),
}
BEGIN, END = "<!-- host:begin -->", "<!-- host:end -->"


def ensure_ort():
    if not (ROOT / "bench" / "node_modules" / "onnxruntime-node").exists():
        print("bench: installing onnxruntime-node from npm", file=sys.stderr)
        subprocess.run(["npm", "install", "--ignore-scripts", "--no-audit", "--no-fund", "--silent"],
                       cwd=ROOT / "bench", check=True)


def run_once(cmd):
    """Wall ms, host cores busy and the process of one run of `cmd`."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode:
        sys.exit(f"bench: {' '.join(map(str, cmd))} failed:\n{proc.stderr}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall * 1e3, cpu / wall, proc


def timed(*cmds, repeats):
    """Per command, the median wall ms over `repeats` runs, the median host cores busy and the
    last process; the commands take turns, run after run."""
    runs = [[] for _ in cmds]
    for _ in range(repeats):
        for cmd, r in zip(cmds, runs):
            r.append(run_once(cmd))
    return [(statistics.median(w for w, _, _ in r), statistics.median(c for _, c, _ in r),
             r[-1][2]) for r in runs]


def round_trip(bindir):
    """The host's cross-thread round trip in ns, as `host-latency` prints it ("-": one core)."""
    return subprocess.run([bindir / "host-latency"], check=True, capture_output=True,
                          text=True).stdout.strip()


def geomean(xs):
    return math.exp(sum(math.log(x) for x in xs) / len(xs))


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--build", default=str(ROOT / "build"))
    p.add_argument("--threads", type=int, default=os.cpu_count())
    p.add_argument("--repeats", type=int, default=3)
    p.add_argument("--models", default=",".join(MODELS))
    p.add_argument("--write-readme", action="store_true",
                   help="replace the table between the host markers in bench/README.md")
    a = p.parse_args()
    ensure_ort()
    bindir = Path(a.build) / "bin"
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        for name in a.models.split(","):
            builder, kwargs, precision = MODELS[name]
            print(f"bench: {name}", file=sys.stderr)
            model = builder(**kwargs)[0]
            d = tmp / name
            d.mkdir()
            onnx.save(model, d / "model.onnx")
            inputs = []
            rng = np.random.default_rng(0)
            for i, vi in enumerate(model.graph.input):
                shape = [dim.dim_value for dim in vi.type.tensor_type.shape.dim]
                inputs.append(d / f"in{i}.npy")
                np.save(inputs[-1], rng.standard_normal(shape).astype(np.float32))
            subprocess.run([bindir / "tt-compile", d / "model.onnx", "-o", d / "model.ttb",
                            f"--precision={precision}"], check=True, capture_output=True)
            tt_cmd = [bindir / "tt-run", d / "model.ttb", *[f"--input=@{x}" for x in inputs],
                      f"--output=@{d / 'tt.npy'}", f"--perf-report={d / 'perf.json'}", "--quiet"]
            trip_before = round_trip(bindir)
            (tt_ms, tt_cores, _), (one_ms, _, _) = timed(
                [*tt_cmd, f"--threads={a.threads}"], [*tt_cmd, "--threads=1"], repeats=a.repeats)
            trips = sorted({trip_before, round_trip(bindir)}, key=lambda t: (len(t), t))
            # The command: start, load, one inference, exit; then, apart and untimed, the warm
            # inferences of one session.
            ort_cmd = ["node", ROOT / "bench" / "ort_run.js", d / "model.onnx", str(a.threads)]
            (ort_ms, _, _), = timed([*ort_cmd, "0", *inputs, "--", d / "ort.npy"],
                                    repeats=a.repeats)
            ort = json.loads(subprocess.run([*ort_cmd, str(a.repeats), *inputs], check=True,
                                            capture_output=True, text=True).stdout)
            perf = json.loads((d / "perf.json").read_text())
            tt_out, ort_out = np.load(d / "tt.npy"), np.load(d / "ort.npy")
            pcc = float(np.corrcoef(tt_out.ravel(), ort_out.ravel())[0, 1])
            cycles = perf["totals"]["cycles"]
            rows.append(dict(name=f"{name} ({precision})", tt=tt_ms, cores=tt_cores,
                             scaling=one_ms / tt_ms, trip="-".join(trips),
                             rate=cycles / (tt_ms / 1e3), ortc=ort_ms, ortr=ort["median_run_ms"],
                             pcc=pcc, chip_us=cycles / perf["clock_mhz"]))

    cmd_ratios = [r["tt"] / r["ortc"] for r in rows]
    run_ratios = [r["tt"] / r["ortr"] for r in rows]
    lines = [f"{commit_note()}, {datetime.date.today()}, threads {a.threads}, medians of "
             f"{a.repeats} runs; ratios are tt-run / ONNX Runtime:", "",
             f"| model | tt-run ms | host cores busy | 1 -> {a.threads} threads | host round trip ns | "
             "simulated Mcycles / host s | ONNX Runtime command ms | ratio | ONNX Runtime run ms | "
             "ratio | PCC | chip us |",
             "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |"]
    for r, rc, rr in zip(rows, cmd_ratios, run_ratios):
        lines.append(f"| {r['name']} | {r['tt']:.1f} | {r['cores']:.2f} | {r['scaling']:.2f}x | "
                     f"{r['trip']} | {r['rate'] / 1e6:.2f} | {r['ortc']:.1f} | {rc:.2f} | {r['ortr']:.2f} | "
                     f"{rr:.1f} | {r['pcc']:.6f} | {r['chip_us']:.1f} |")
    lines.append(f"| maximum | | | | | | | {max(cmd_ratios):.2f} | | {max(run_ratios):.1f} | | |")
    lines.append(f"| geometric mean | | | | | | | {geomean(cmd_ratios):.2f} | | "
                 f"{geomean(run_ratios):.1f} | | |")
    text = "\n".join(lines)
    print(text)
    if a.write_readme:
        write_readme(text, BEGIN, END, "## Host speed\n")


if __name__ == "__main__":
    main()
