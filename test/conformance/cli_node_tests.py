#!/usr/bin/python3
"""The ONNX backend suite's node tests through the command-line tools alone: tt-compile each
model, tt-run it on the test's .pb inputs, and compare its .npy outputs with the .pb outputs
(ONNX's tolerances: rtol 1e-3, atol 1e-7). Prints how many pass and why the others fail.

    test/conformance/cli_node_tests.py [--build build] [--data /usr/share/libonnx-testdata/data]
                                       [--only 'test_nonmax*'] [--verbose]
"""
import argparse
import collections
import fnmatch
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
import onnx
from onnx import numpy_helper


def load_pb(path, declared):
    """The tensor's values; bfloat16 (its bits in uint16, as numpy and the suite's own data keep
    them) as float32, as tt-run writes it."""
    t = onnx.TensorProto()
    t.ParseFromString(path.read_bytes())
    return load_pb_proto(t, declared)


def load_sequence(path, declared):
    """A SequenceProto's tensors, as load_pb gives each."""
    proto = onnx.SequenceProto()
    proto.ParseFromString(path.read_bytes())
    return [load_pb_proto(t, declared) for t in proto.tensor_values]


def load_optional(path, declared):
    """An OptionalProto's value: None, a tensor or a list of tensors."""
    proto = onnx.OptionalProto()
    proto.ParseFromString(path.read_bytes())
    if proto.HasField("tensor_value"):
        return load_pb_proto(proto.tensor_value, declared)
    if proto.HasField("sequence_value"):
        return [load_pb_proto(t, declared) for t in proto.sequence_value.tensor_values]
    return None


def elem_type(type_proto):
    """The element type of a tensor type, or of the tensors a sequence or optional holds."""
    while not type_proto.HasField("tensor_type"):
        type_proto = (type_proto.sequence_type.elem_type if type_proto.HasField("sequence_type")
                      else type_proto.optional_type.elem_type)
    return type_proto.tensor_type.elem_type


def same_value(want, got):
    """same() over what a tensor, sequence or optional holds."""
    if want is None or got is None:
        return want is None and got is None
    if isinstance(want, list) or isinstance(got, list):
        return (isinstance(want, list) and isinstance(got, list) and len(want) == len(got)
                and all(same(w, g) for w, g in zip(want, got)))
    return same(want, got)


def load_pb_proto(t, declared):
    a = numpy_helper.to_array(t)
    if onnx.TensorProto.BFLOAT16 in (t.data_type, declared):
        a = (a.astype(np.uint32) << 16).view(np.float32)
    return a


def same(want, got):
    """ONNX's tolerances for floats, equality otherwise."""
    if want.dtype.kind in "fc" or got.dtype.kind in "fc":
        return want.shape == got.shape and np.allclose(
            got.astype(np.float64), want.astype(np.float64), rtol=1e-3, atol=1e-7,
            equal_nan=True)
    return want.shape == got.shape and np.array_equal(got, want)


def run_case(case, bindir, tmp):
    """'pass', or the reason the case fails: 'compile', 'run', 'mismatch' with a line."""
    ttb = tmp / "m.ttb"
    proc = subprocess.run([bindir / "tt-compile", case / "model.onnx", "-o", ttb],
                          capture_output=True, text=True, timeout=600)
    if proc.returncode:
        return "compile", proc.stderr.strip().splitlines()[-1] if proc.stderr else ""
    data = case / "test_data_set_0"
    inputs = sorted(data.glob("input_*.pb"), key=lambda p: int(p.stem.split("_")[1]))
    expected = sorted(data.glob("output_*.pb"), key=lambda p: int(p.stem.split("_")[1]))
    graph_outputs = onnx.load(case / "model.onnx").graph.output
    sequences = [o.type.HasField("sequence_type") or o.type.HasField("optional_type")
                 for o in graph_outputs]
    outputs = [tmp / (f"out{i}.pb" if s else f"out{i}.npy") for i, s in
               zip(range(len(expected)), sequences)]
    proc = subprocess.run([bindir / "tt-run", ttb, "--quiet", *[f"--input=@{p}" for p in inputs],
                           *[f"--output=@{p}" for p in outputs]],
                          capture_output=True, text=True, timeout=600)
    if proc.returncode:
        return "run", proc.stderr.strip().splitlines()[-1] if proc.stderr else ""
    for want_path, got_path, o, seq in zip(expected, outputs, graph_outputs, sequences):
        if seq:
            load = load_optional if o.type.HasField("optional_type") else load_sequence
            want, got = load(want_path, elem_type(o.type)), load(got_path, elem_type(o.type))
            if not same_value(want, got):
                return "mismatch", f"{want_path.name}: a sequence or optional differs"
            continue
        want, got = load_pb(want_path, o.type.tensor_type.elem_type), np.load(got_path)
        if not same(want, got):
            return "mismatch", f"{want_path.name}: {want.dtype}{list(want.shape)} vs {got.dtype}{list(got.shape)}"
    return "pass", ""


def main():
    root = Path(__file__).resolve().parents[2]
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--build", default=str(root / "build"))
    p.add_argument("--data", default="/usr/share/libonnx-testdata/data")
    p.add_argument("--verbose", action="store_true", help="print every failing case")
    p.add_argument("--only", default="*", help="run the cases whose name matches this glob")
    a = p.parse_args()
    bindir = Path(a.build) / "bin"
    cases = sorted(d for d in (Path(a.data) / "node").iterdir()
                   if (d / "model.onnx").exists() and fnmatch.fnmatch(d.name, a.only))
    results = collections.Counter()
    with tempfile.TemporaryDirectory() as tmp:
        for i, case in enumerate(cases):
            kind, why = run_case(case, bindir, Path(tmp))
            results[kind] += 1
            if kind != "pass" and a.verbose:
                print(f"{case.name}: {kind}: {why}")
            if (i + 1) % 100 == 0:
                print(f"{i + 1} of {len(cases)}...", file=sys.stderr)
    print(f"{results['pass']} of {len(cases)} node tests pass through tt-compile + tt-run "
          f"(compile errors {results['compile']}, run errors {results['run']}, "
          f"mismatches {results['mismatch']})")


if __name__ == "__main__":
    main()
