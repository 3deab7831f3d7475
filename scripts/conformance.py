#!/usr/bin/python3
"""Runs the ONNX backend test suite through tessel.backend and writes what it found.

    scripts/conformance.py [--build build] [--update-expected] [--doc docs/onnx-support.md]

--update-expected rewrites test/conformance/expected_failures.txt: every failing test with the
first line of its error as the reason. --doc writes the per-op support table from this run.
"""
import argparse
import collections
import os
import re
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
import onnx
from onnx import numpy_helper

ROOT = Path(__file__).resolve().parents[1]
DATA = Path("/usr/share/libonnx-testdata/data")
COLLECTIONS = ["node", "pytorch-converted", "pytorch-operator", "simple"]


def run_suite(build):
    with tempfile.TemporaryDirectory() as tmp:
        xml = Path(tmp) / "report.xml"
        # Expected failures would hide their reasons; run with an empty list.
        env = dict(os.environ, TESSEL_BIN=str(Path(build).resolve() / "bin"),
                   TESSEL_EXPECTED_FAILURES="none")
        subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                        str(ROOT / "test" / "conformance"), f"--junitxml={xml}"],
                       env=env, stdout=subprocess.DEVNULL)
        results = {}
        for case in ET.parse(xml).getroot().iter("testcase"):
            name = re.sub(r"_cpu$", "", case.get("name"))
            failure = case.find("failure")
            if failure is None:
                failure = case.find("error")
            if case.find("skipped") is not None:
                continue
            results[name] = None if failure is None else (
                beyond_float32(name) or reason(failure.get("message", "")))
        return results


def beyond_float32(name):
    """The reason a test cannot pass on a chip that computes in float32: its float64 inputs hold
    values float32 cannot (some of the suite's data is uninitialized memory), or None."""
    _, d = test_dir(name)
    if d is None:
        return None
    big, small = 0.0, float("inf")
    for pb in sorted(d.glob("test_data_set_*/input_*.pb")):
        t = onnx.TensorProto()
        t.ParseFromString(pb.read_bytes())
        if t.data_type != onnx.TensorProto.DOUBLE:
            continue
        a = np.abs(numpy_helper.to_array(t)).ravel()
        a = a[np.isfinite(a) & (a != 0)]
        if a.size:
            big, small = max(big, float(a.max())), min(small, float(a.min()))
    if big > float(np.finfo(np.float32).max) or small < 1.4e-45:
        return (f"its float64 inputs hold values float32 cannot (from {small:.2g} to {big:.2g}: "
                f"uninitialized memory in the suite's data); the chip computes in float32")
    return None


def reason(message):
    # The tools' errors (tt-compile, tt-run) and the in-process compiler's (tessel.compile).
    for line in message.splitlines():
        m = re.search(r"(?:tt-\w+|tessel\.compile): error: (?:[^:]*\.onnx: |<model>: )?(.*)",
                      line)
        if m:
            return m.group(1).strip()
    first = message.strip().splitlines()[0] if message.strip() else "fails"
    first = re.sub(r"^tessel\.\w+\.TesselError: ", "", first)
    if "Not equal to tolerance" in message or "Mismatched elements" in message:
        return "numbers differ beyond the suite's tolerance"
    return first[:200]


def test_dir(name):
    for c in COLLECTIONS:
        if (DATA / c / name).is_dir():
            return c, DATA / c / name
    return None, None


def placement(build, model_path, model):
    """Where each op type of a model ran, from its imported IR: "device" when any of its nodes
    became graph ops, "host" when the runtime runs it after the chip (graph.host_ops),
    "compile time" when all of them folded into constants."""
    proc = subprocess.run([str(Path(build) / "bin" / "tt-translate"), "--import-onnx",
                           str(model_path), "--mlir-print-debuginfo"],
                          capture_output=True, text=True)
    if proc.returncode != 0:
        return {}
    locs = dict(re.findall(r'^#(loc\d+) = loc\("([^"]+)"\(#loc\)\)', proc.stdout, re.M))
    # Nodes are named by the model or, unnamed, <OpType>_<index> (in the model as converted to
    # opset 13, whose indices may differ from the file's).
    op_of = {n.name: n.op_type for n in model.graph.node if n.name}
    where = collections.defaultdict(set)
    for op, loc in re.findall(r"= graph\.(\w+) .*loc\(#(loc\d+)\)", proc.stdout):
        name = locs.get(loc)
        if name is None:
            continue
        m = re.fullmatch(r"(\w+?)_\d+", name)
        op_type = op_of.get(name) or (m.group(1) if m else None)
        if op_type:
            where[op_type].add("compile time" if op == "constant" else "device")
    # The function's line holds graph.host_ops: {..., op = "NonZero", ...} per host op.
    for line in (l for l in proc.stdout.splitlines() if "graph.host_ops" in l):
        for op_type in re.findall(r'\bop = "(\w+)"', line):
            where[op_type].add("host")
    # An op type with any node on the device runs there; the rest folded.
    return {op: ({"device"} if "device" in w else w) for op, w in where.items()}


def replaced_by_converter(model):
    """Op types of `model` that onnx's version converter (as the importer runs it, to opset 13)
    replaces by others."""
    opset = next((o.version for o in model.opset_import if o.domain in ("", "ai.onnx")), 13)
    if opset >= 13:
        return set()
    try:
        from onnx import version_converter
        converted = version_converter.convert_version(model, 13)
    except Exception:  # noqa: BLE001 - no adapter: the importer keeps the model as it is
        return set()
    return {n.op_type for n in model.graph.node} - {n.op_type for n in converted.graph.node}


def write_doc(results, path, build):
    ops = collections.defaultdict(lambda: {"pass": 0, "fail": 0, "opsets": set(), "where": set()})
    per_collection = collections.Counter()
    passed_collection = collections.Counter()
    for name, why in results.items():
        collection, d = test_dir(name)
        if d is None:
            continue
        per_collection[collection] += 1
        passed_collection[collection] += why is None
        model = onnx.load(d / "model.onnx")
        opset = next((o.version for o in model.opset_import if o.domain in ("", "ai.onnx")), 0)
        where = placement(build, d / "model.onnx", model) if why is None else {}
        for op in sorted({n.op_type for n in model.graph.node}):
            ops[op]["pass" if why is None else "fail"] += 1
            if why is None:
                ops[op]["opsets"].add(opset)
                # An op with no graph op of its own was folded or, like the sequence ops,
                # handled while importing; one the version converter replaced (Scatter,
                # Upsample) ran as its opset-13 form.
                fallback = ({"as its opset-13 form"} if op in replaced_by_converter(model)
                            else {"compile time"})
                ops[op]["where"] |= where.get(op, fallback)
    lines = ["# ONNX support", "",
             "Generated by `scripts/conformance.py --doc docs/onnx-support.md` from a run of the ONNX "
             "backend test suite (fp32, the suite's tolerances). A test counts for every op its model "
             "contains. \"runs on\" is read from each passing test's imported IR: `device` when a node "
             "of the op became graph ops that run on the simulated chip, `compile time` when none did: "
             "it folded into a constant (shape arithmetic on known shapes) or was bookkeeping at "
             "import (sequences built in the model, a branch picked by a constant); `host` when the "
             "runtime runs it on the host after the chip (its output's shape depends on the data, "
             "or the chip has no arithmetic for it).", "",
             "| collection | passing | tests |", "| --- | --- | --- |"]
    for c in COLLECTIONS:
        lines.append(f"| {c} | {passed_collection[c]} | {per_collection[c]} |")
    lines += ["", "| op | opsets seen passing | runs on | tests passing | tests failing |",
              "| --- | --- | --- | --- | --- |"]
    for op in sorted(ops):
        o = ops[op]
        opsets = ", ".join(map(str, sorted(o["opsets"]))) or "-"
        known = o["where"] - {"as its opset-13 form"} or o["where"]
        where = ", ".join(sorted(known)) or "-"
        lines.append(f"| {op} | {opsets} | {where} | {o['pass']} | {o['fail']} |")
    Path(path).write_text("\n".join(lines) + "\n")


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--build", default=str(ROOT / "build"))
    p.add_argument("--update-expected", action="store_true")
    p.add_argument("--doc")
    a = p.parse_args()
    results = run_suite(a.build)
    passing = sum(why is None for why in results.values())
    print(f"conformance: {passing} of {len(results)} tests pass")
    if a.update_expected:
        lines = [f"{name}  # {why}" for name, why in sorted(results.items()) if why is not None]
        (ROOT / "test" / "conformance" / "expected_failures.txt").write_text(
            "# ONNX backend tests known to fail, one per line, with the reason.\n"
            "# Regenerate with scripts/conformance.py --update-expected.\n" + "\n".join(lines) + "\n")
    if a.doc:
        write_doc(results, a.doc, a.build)


if __name__ == "__main__":
    main()
