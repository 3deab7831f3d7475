#!/usr/bin/python3
"""What skipping zero weight tiles gains: each workload compiled with `tt-compile --sparsity=off`
(every tile stored and multiplied) and `--sparsity=on` (the default), or unpruned and with
`--prune=tile:0.5`, in bf16, and run once with `tt-run` on the same seeded inputs.

    bench/sparsity.py [--workloads matmul-4096-half-zero] [--threads 2] [--write-readme]

For each it prints the simulated times and their ratio, the tile products the kernels skipped
(zero weight tiles counted by the compiler, zero activation tiles found at run time),
the binary's size, the FPU's share of its peak on the products it computed, and the PCC of the
second output against the first (1 when only skipping changed; the accuracy cost when pruning).
"""
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))
import models  # noqa: E402
from roofline import compile_and_run, parse_args, run_all  # noqa: E402

# name -> (builder, its arguments, flags of the baseline, flags of the sparse compilation)
WORKLOADS = {
    # The precision issue's target: 4096^3 with half the weight tiles zero, at least 1.8x.
    "matmul-4096-half-zero": (models.sparse_matmul, (4096, 4096, 4096, 0.5),
                              ["--sparsity=off"], []),
    # The same share of zero tiles, exactly half of every tile column: no core multiplies more
    # than another, which random tiles cannot promise (what the cores' imbalance costs above).
    "matmul-4096-half-zero-balanced": (models.sparse_matmul, (4096, 4096, 4096, 0.5, 0, True),
                                       ["--sparsity=off"], []),
    "matmul-2048-half-zero": (models.sparse_matmul, (2048, 2048, 2048, 0.5),
                              ["--sparsity=off"], []),
    # The precision issue's activation target: an MLP whose ReLU leaves 70% of the second
    # matmul's lhs tiles zero, with the zero tiles found by a profile and skipped at run time.
    "mlp-relu-70pct-zero-tiles": (models.relu_mlp, (512, 1024, 4096, 0.7), [],
                                  ["--sparsity=activations"]),
    # Pruning a network's weights: random ones here, so the PCC says what pruning changes, not
    # what a trained network would lose.
    "resnet50-b1-pruned-half": (models.resnet50, (1,), [], ["--prune=tile:0.5"]),
}
COLUMNS = ["workload", "baseline us", "sparse us", "speed-up", "tile products skipped",
           "binary MB (baseline, sparse)", "FPU use (sparse)", "PCC sparse vs baseline"]
BEGIN, END = "<!-- sparsity:begin -->", "<!-- sparsity:end -->"
SECTION = """## Sparsity

`bench/sparsity.py` compiles each workload twice, in bf16: with `--sparsity=off` and with the
default, where each matmul whose constant weight has all-zero 32x32 tiles stores only the others
and neither reads nor multiplies the zero ones (or unpruned and with `--prune=tile:0.5`, or with
the default and with `--sparsity=activations`, where matmuls test their activation tiles and skip
the zero ones), runs both on the same seeded inputs and compares. `FPU use` is the FPU's share of its peak on the tile
products actually computed.

```sh
bench/sparsity.py --threads 2 --write-readme
```
"""


def run_workload(name, a, d):
    builder, args, baseline, sparse = WORKLOADS[name]
    results = []
    for tag, flags in (("baseline", baseline), ("sparse", sparse)):
        (d / tag).mkdir()
        _, _, perf, _, _ = compile_and_run(f"{name} ({tag})", builder, args, a, d / tag,
                                           ["--precision=bf16", *flags])
        results.append((perf, np.load(d / tag / "y.npy"), (d / tag / "model.ttb").stat().st_size))
    (base, y0, size0), (perf, y1, size1) = results
    t0, t1 = base["totals"], perf["totals"]
    pcc = float(np.corrcoef(y0.ravel(), y1.ravel())[0, 1])
    return [name, f"{t0['time_us']:.1f}", f"{t1['time_us']:.1f}",
            f"{t0['cycles'] / t1['cycles']:.2f}x", str(t1.get("skipped_tiles", 0)),
            f"{size0 / 2**20:.1f}, {size1 / 2**20:.1f}", f"{100 * t1['fpu_utilization']:.1f}%",
            f"{pcc:.5f}"]


def main():
    a, names = parse_args(__doc__, WORKLOADS, "sparsity")
    run_all("sparsity", names, lambda name, d: run_workload(name, a, d), COLUMNS, a,
            markers=(BEGIN, END, SECTION))


if __name__ == "__main__":
    main()
