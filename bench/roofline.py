#!/usr/bin/python3
"""How close the compiled code comes to the simulated chip's roofline, on matmuls and CNNs.

    bench/roofline.py [--workloads matmul-512,resnet50-b1] [--threads 2] [--write-readme]

Each workload is compiled with `tt-compile --precision=bf16` and run once with `tt-run`, in a
temporary directory. From the perf report it prints the simulated time, images/s, the share of
the cycles the FPU would need at its peak for the matmuls alone, the fraction of the model-level
roofline reached and the DRAM traffic over the compulsory traffic; the last two come from the
runtime's `model` report ("n/a" without it). Progress goes to stderr: ResNet-50 takes minutes to
simulate.
"""
import argparse
import datetime
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import onnx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))
import models  # noqa: E402

# name -> (builder, its arguments, batch for images/s or None for kernels[, precision: bf16])
WORKLOADS = {
    **{f"matmul-{n}": (models.matmul, (n, n, n), None) for n in (512, 1024, 2048, 4096)},
    # The precision issue's targets: bfp8 weights at HiFi2, bfp4 at LoFi.
    **{f"matmul-2048-{p}": (models.matmul, (2048, 2048, 2048), None, p) for p in ("bfp8", "bfp4")},
    # The same matmuls with the lhs made and the product used on the chip, both kept in L1, as
    # the issues' anchors (tt-metal's hand-tuned runs) were measured: its dispatch's column.
    **{f"matmul-2048-in-l1-{p}": (models.matmul_in_l1, (2048, 2048, 2048), None, p)
       for p in ("bf16", "bfp8", "bfp4")},
    "resnet50-b1": (models.resnet50, (1,), 1),
    "resnet50-b16": (models.resnet50, (16,), 16),
    "mobilenetv2-b1": (models.mobilenetv2, (1,), 1),
    **{f"resnet50-b1-{p}": (models.resnet50, (1,), 1, p) for p in ("bfp8", "bfp4", "auto")},
    **{f"resnet50-b16-{p}": (models.resnet50, (16,), 16, p) for p in ("bfp4", "auto")},
    # The precision issue's decode target: a Llama-3-8B-shaped layer at batch 32, DRAM-bound,
    # with bf16 and with bfp8 weights (its roofline is then the bfp8 bytes).
    **{f"llama3-8b-decode-layer-{p}": (models.llama_decode_layer, (), None, p)
       for p in ("bf16", "bfp8")},
}
COLUMNS = ["workload", "simulated us", "images/s", "% of ideal FPU cycles",
           "same, matmul dispatches only",
           "fraction of model roofline", "DRAM moved / compulsory",
           "same, weights from the ONNX file", "tt-compile s", "tt-run s", "dispatches"]
BEGIN, END = "<!-- roofline:begin -->", "<!-- roofline:end -->"
SECTION = """## Roofline

`bench/roofline.py` compiles a square MatMul at four sizes, ResNet-50 and MobileNetV2
(`bench/models.py`, random weights) in bf16 (and the 2048^3 matmul in bfp8 and bfp4, alone and
between two ops that keep its lhs and product in L1), runs each once on the simulated chip and
reads the perf report: the cycles the FPU needs at its peak for the matmul work over the cycles
taken (the whole run's, and the matmul dispatches' own), and
the runtime's model-level roofline (`model` in the report) with the DRAM traffic over the
compulsory traffic. The runtime counts every constant of the binary as compulsory, including
constants the compiler materialises (BatchNorm parameters broadcast in memory); the next column
gives the same fraction and ratio with only the ONNX file's weights (2 bytes a value), the input and
the output as compulsory.

```sh
bench/roofline.py --threads 2 --write-readme
```
"""


def log(msg):
    print(f"{Path(sys.argv[0]).stem}: {msg}", file=sys.stderr, flush=True)


def timed(cmd, timeout):
    """Runs cmd; returns its wall seconds, or raises RuntimeError with its stderr."""
    start = time.perf_counter()
    try:
        proc = subprocess.run([str(c) for c in cmd], capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        raise RuntimeError(f"{Path(cmd[0]).name} timed out after {timeout} s")
    if proc.returncode:
        raise RuntimeError(f"{Path(cmd[0]).name} exited with {proc.returncode}:\n"
                           f"{proc.stderr.strip()}")
    return time.perf_counter() - start


def compile_and_run(label, builder, args, a, d, flags):
    """Builds the model, compiles it with `flags`, runs it once on seeded normal inputs in `d`;
    returns the model, its input shape, the perf report and the compile and run seconds."""
    model, _, shape = builder(*args)
    onnx.save(model, d / "model.onnx")
    # Seeded normal values for every input (a decoder layer's KV cache too), in order.
    rng = np.random.default_rng(0)
    inputs = []
    for i, value in enumerate(model.graph.input):
        dims = [dim.dim_value for dim in value.type.tensor_type.shape.dim]
        np.save(d / f"x{i}.npy", rng.standard_normal(dims).astype(np.float32))
        inputs.append(f"--input=@{d / f'x{i}.npy'}")
    bindir = Path(a.build) / "bin"
    log(f"{label}: compiling")
    compile_s = timed([bindir / "tt-compile", d / "model.onnx", "-o", d / "model.ttb", *flags],
                      a.timeout)
    log(f"{label}: compiled in {compile_s:.1f} s; running")
    threads = [f"--threads={a.threads}"] if a.threads else []
    run_s = timed([bindir / "tt-run", d / "model.ttb", *inputs, f"--output=@{d / 'y.npy'}", f"--perf-report={d / 'perf.json'}", "--quiet",
                   *threads], a.timeout)
    log(f"{label}: ran in {run_s:.1f} s")
    return model, shape, json.loads((d / "perf.json").read_text()), compile_s, run_s


def run_workload(name, a, d):
    builder, args, batch, *precision = WORKLOADS[name]
    model, shape, perf, compile_s, run_s = compile_and_run(
        name, builder, args, a, d, [f"--precision={precision[0] if precision else 'bf16'}"])
    totals = perf["totals"]
    # The runtime counts every constant of the binary as compulsory, including ones the compiler
    # materialises (parameters broadcast in memory); the ONNX file's own initializers at 2 bytes
    # a value (bf16), the inputs and the output give the stricter denominator.
    out = np.load(d / "y.npy")
    inputs = sum(int(np.prod([dim.dim_value for dim in v.type.tensor_type.shape.dim]))
                 for v in model.graph.input)
    strict_bytes = 2 * (sum(int(np.prod(t.dims)) for t in model.graph.initializer) + inputs
                        + out.size)
    strict_roofline = max(totals["ideal_matmul_cycles"],
                          strict_bytes / perf["peak_dram_bytes_per_cycle"])
    moved = totals["dram_bytes_read"] + totals["dram_bytes_written"]
    strict = f"{strict_roofline / totals['cycles']:.3f}, {moved / strict_bytes:.2f}"
    # The model-level roofline is the runtime's to compute; older runtimes do not report it.
    m = perf.get("model")
    # The matmul dispatches alone, each with its launch or its barrier in a joined program.
    matmuls = [x for x in perf["dispatches"] if x["op"] == "matmul"]
    matmul_cycles = sum(x["cycles"] + x["launch_cycles"] for x in matmuls)
    return [name, f"{totals['time_us']:.1f}",
            f"{batch / (totals['time_us'] * 1e-6):.1f}" if batch else "-",
            f"{100 * totals['ideal_matmul_cycles'] / totals['cycles']:.3g}" if totals["cycles"]
            else "-",
            f"{100 * sum(x['ideal_matmul_cycles'] for x in matmuls) / matmul_cycles:.3g}"
            if matmul_cycles else "-",
            f"{m['achieved_fraction']:.3f} ({m['roofline_bound']}-bound)" if m else "n/a",
            f"{m['dram_moved_over_compulsory']:.2f}" if m else "n/a", strict,
            f"{compile_s:.1f}", f"{run_s:.1f}", str(len(perf["dispatches"]))]


def table(rows, columns=COLUMNS):
    lines = ["| " + " | ".join(columns) + " |", "|" + " --- |" * len(columns)]
    return "\n".join(lines + ["| " + " | ".join(r) + " |" for r in rows])


def run_all(label, names, run, columns, a, precision="bf16", markers=None):
    """Runs `run(name, directory)` for each workload in a directory of its own, a failed one
    making a row of its own; prints the table under the commit and date, writes it into
    bench/README.md with --write-readme (between `markers`: begin, end, section), and exits
    non-zero if any failed."""
    rows, failed = [], []
    with tempfile.TemporaryDirectory(prefix=f"tessel-{label}-") as tmp:
        for name in names:
            d = Path(tmp) / name
            d.mkdir()
            try:
                rows.append(run(name, d))
            except RuntimeError as e:
                log(f"{name}: FAILED: {e}")
                failed.append(name)
                rows.append([name, "failed"] + ["-"] * (len(columns) - 2))
    threads = a.threads or "all host cores"
    text = (f"{commit_note()}, {datetime.date.today().isoformat()}, {precision}, tt-run "
            f"--threads {threads}:\n\n{table(rows, columns)}")
    print(text)
    if a.write_readme:
        write_readme(text, *(markers or ()))
    if failed:
        sys.exit(f"{label}: failed: {', '.join(failed)}")


def write_readme(text, begin=BEGIN, end=END, section=SECTION):
    """Puts `text` between the markers `begin` and `end` of bench/README.md, or appends
    `section` and the marked text when the markers are not there yet."""
    readme = ROOT / "bench" / "README.md"
    old = readme.read_text()
    if begin in old and end in old:
        head, rest = old.split(begin, 1)
        new = head + begin + "\n" + text + "\n" + end + rest.split(end, 1)[1]
    else:
        new = old.rstrip("\n") + "\n\n" + section + f"\n{begin}\n{text}\n{end}\n"
    readme.write_text(new)
    log(f"wrote the table to {readme}")


def commit_note():
    """The commit the tools were built from, noting edits not yet committed (outside bench/)."""
    git = lambda *args: subprocess.run(["git", "-C", str(ROOT), *args],  # noqa: E731
                                       capture_output=True, text=True)
    commit = git("rev-parse", "--short", "HEAD").stdout.strip()
    if git("diff", "--quiet", "HEAD", "--", ".", ":!bench").returncode:
        commit += " with uncommitted changes"
    return f"Commit {commit}"


def parse_args(description, workloads, table):
    """The benchmarks' command line: the build, which of `workloads` to run, tt-run's threads,
    a timeout, and whether to write the `table` section of bench/README.md. Returns the
    arguments and the workload names."""
    p = argparse.ArgumentParser(description=description,
                                formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--build", default=str(ROOT / "build"))
    p.add_argument("--workloads", default=",".join(workloads))
    p.add_argument("--threads", type=int, help="tt-run --threads (default: all host cores)")
    p.add_argument("--timeout", type=float, default=3600, help="seconds per command")
    p.add_argument("--write-readme", action="store_true",
                   help=f"replace the table between the {table} markers in bench/README.md")
    a = p.parse_args()
    names = a.workloads.split(",")
    unknown = [n for n in names if n not in workloads]
    if unknown:
        p.error(f"unknown workloads {', '.join(unknown)}; choose from {', '.join(workloads)}")
    for tool in ("tt-compile", "tt-run"):
        if not (Path(a.build) / "bin" / tool).exists():
            p.error(f"no {tool} in {a.build}/bin: build the tools first")
    return a, names


def main():
    a, names = parse_args(__doc__, WORKLOADS, "roofline")
    run_all("roofline", names, lambda name, d: run_workload(name, a, d), COLUMNS, a,
            "bf16 unless named")


if __name__ == "__main__":
    main()
