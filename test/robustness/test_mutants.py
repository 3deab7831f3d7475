"""The mutation test: 1,200 structured mutants of valid models (mutants.py), each compiled by a
tt-compile built with AddressSanitizer and UBSan (-DTESSEL_FUZZ=ON, make check's build-san).

Every mutant must get a clean error (exit status 1, stderr lines all `tt-compile: ...`, exactly
one of them an error) and no output file, or a compile whose binary tt-run (also sanitized)
runs to outputs or a clean one-line error. A signal, a sanitizer report, a hang or a half-written
file fails the test; the offending mutants are kept in the build tree to reproduce.

TESSEL_SAN_BIN names the sanitized tools' directory; without it the test fails in CI and skips
elsewhere. TESSEL_MUTANTS and TESSEL_MUTATION_SEED change the count and the seed.
"""
import concurrent.futures
import os
import shutil
import subprocess
from collections import Counter
from pathlib import Path

import numpy as np
import onnx

from mutants import integer_extremes, mutants

COUNT = int(os.environ.get("TESSEL_MUTANTS", "1200"))
SEED = int(os.environ.get("TESSEL_MUTATION_SEED", "20261204"))
TIMEOUT = 120
SANITIZER_MARKS = ("ERROR: AddressSanitizer", "ERROR: LeakSanitizer", "runtime error:",
                   "UndefinedBehaviorSanitizer", "LLVM ERROR", "PLEASE submit a bug report")


def _env():
    env = dict(os.environ)
    # Any finding ends the process with a report; a leak is a finding too. LLVM's allocators
    # poison memory only where compiled with ASan, and the LLVM libraries linked are not: manual
    # poisoning is off (FuzzImport.cpp says more).
    env["ASAN_OPTIONS"] = "abort_on_error=0:detect_leaks=1:exitcode=86:allow_user_poisoning=0"
    env["UBSAN_OPTIONS"] = "print_stacktrace=1:halt_on_error=1:exitcode=87"
    return env


def _inputs(model_bytes, work):
    """tt-run arguments for inputs of the declared shapes and types, as many as have a usable
    shape (tt-run must say so when some are missing)."""
    try:
        model = onnx.load_from_string(model_bytes)
    except Exception:
        return []
    rng = np.random.default_rng(0)
    args = []
    for i, x in enumerate(model.graph.input):
        dims = [d.dim_value if d.HasField("dim_value") else 1
                for d in x.type.tensor_type.shape.dim]
        if any(d <= 0 or d > 4096 for d in dims) or int(np.prod(dims)) > 1 << 20:
            return args
        elem = x.type.tensor_type.elem_type
        dtype = {onnx.TensorProto.BOOL: np.bool_, onnx.TensorProto.INT64: np.int64,
                 onnx.TensorProto.UINT8: np.uint8}.get(elem, np.float32)
        value = rng.standard_normal(dims).astype(np.float32)
        np.save(work / f"in{i}.npy", (value > 0) if dtype == np.bool_ else value.astype(dtype))
        args.append(f"--input=@{work / f'in{i}.npy'}")
    return args


def _problem(proc, tool):
    """What is wrong with how `tool` ended, or None for a clean result."""
    if proc is None:
        return "hang"
    if proc.returncode < 0:
        return f"signal {-proc.returncode}"
    if any(mark in proc.stderr for mark in SANITIZER_MARKS):
        return "sanitizer report"
    if proc.returncode not in (0, 1):
        return f"exit status {proc.returncode}"
    if proc.returncode == 1:
        lines = [l for l in proc.stderr.splitlines() if l.strip()]
        errors = [l for l in lines if l.startswith(f"{tool}: error:")]
        if len(errors) != 1 or len(lines) != 1:
            return "not one error line"
    return None


def _run(args, env):
    try:
        return subprocess.run(args, capture_output=True, text=True, timeout=TIMEOUT, env=env,
                              errors="replace")
    except subprocess.TimeoutExpired:
        return None


def _check(mutant, san_bin, root):
    index, seed, operator, what, data = mutant
    work = root / f"m{index}"
    work.mkdir()
    (work / "m.onnx").write_bytes(data)
    env = _env()
    out = work / "m.ttb"
    proc = _run([san_bin / "tt-compile", work / "m.onnx", "-o", out], env)
    verdict, problem = "refused", _problem(proc, "tt-compile")
    if problem is None and proc.returncode == 1 and out.exists():
        problem = "output written by a failed compile"
    if problem is None and proc.returncode == 0:
        verdict = "compiled"
        if not out.exists():
            problem = "no output from a successful compile"
        else:
            outs = [work / f"y{i}.npy"
                    for i in range(len(onnx.load_from_string(data).graph.output))]
            run = _run([san_bin / "tt-run", out, "--quiet", "--threads=1",
                        "--max-instructions=20000000", *_inputs(data, work),
                        *[f"--output=@{o}" for o in outs]], env)
            problem = _problem(run, "tt-run")
            if problem is None and run.returncode == 1 and any(o.exists() for o in outs):
                problem = "tt-run wrote outputs and failed"
            if problem:
                problem = "tt-run: " + problem
                proc = run
            elif run.returncode == 0:
                verdict = "ran"
    if problem is None:
        shutil.rmtree(work)
        return verdict, None
    report = f"mutant {index} ({seed}, {operator}: {what}): {problem}\n" + \
        (proc.stderr[:4000] if proc else "")
    (work / "report.txt").write_text(report)
    return verdict, report


def _check_all(models, san_bin, name):
    """Checks every mutant, failing with the reports of those that failed; the verdicts' counts."""
    root = Path(os.environ.get("TESSEL_MUTATION_DIR", "mutation-failures")).resolve() / name
    shutil.rmtree(root, ignore_errors=True)
    root.mkdir(parents=True)
    verdicts, failures = Counter(), []
    with concurrent.futures.ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
        for verdict, report in pool.map(lambda m: _check(m, san_bin, root), models):
            verdicts[verdict] += 1
            if report:
                failures.append(report)
    assert not failures, f"{len(failures)} mutants failed (kept in {root}):\n" + \
        "\n".join(failures[:10])
    return verdicts


def test_mutants_give_a_clean_error_or_a_correct_compile(san_bin):
    verdicts = _check_all(mutants(COUNT, SEED), san_bin, "random")
    print(f"\n{COUNT} mutants (seed {SEED}): {verdicts['refused']} refused with one error line, "
          f"{verdicts['compiled'] + verdicts['ran']} compiled, {verdicts['ran']} of them ran "
          f"to outputs")
    assert verdicts["ran"] > COUNT // 10, "too few mutants compile to test tt-run on them"


def test_integer_extremes_give_a_clean_error_or_a_correct_compile(san_bin):
    """INT64_MAX and its neighbours round to 2^63 in a float: each integer initializer holding
    one must still import without undefined behaviour (a fuzzer's finding)."""
    verdicts = _check_all(integer_extremes(), san_bin, "integer-extremes")
    assert verdicts["ran"] > 0, "no mutant with an integer extreme compiled and ran"
