"""A short, fixed-seed run of the libFuzzer targets (-DTESSEL_FUZZ=ON): fuzz-import on ONNX
models, fuzz-load on compiled binaries. A crash, a sanitizer report or a target's own check
(an importer refusing without an error, IR that does not verify, a loader or simulator error
that is not one line) stops the fuzzer with a non-zero status and a reproducer in the build tree.

For a longer session: `build-san/bin/fuzz-import -max_total_time=3600 CORPUS_DIR`.
"""
import os
import shutil
import subprocess
from pathlib import Path

import onnx
import pytest

from mutants import seeds

RUNS = int(os.environ.get("TESSEL_FUZZ_RUNS", "20000"))


def corpus(root, san_bin, binaries):
    """The seed models, or the binaries tt-compile makes of them."""
    root.mkdir(parents=True)
    for name, model in seeds().items():
        onnx.save(model, root / f"{name}.onnx")
        if binaries:
            subprocess.run([san_bin / "tt-compile", root / f"{name}.onnx", "-o",
                            root / f"{name}.ttb"], check=True, capture_output=True, timeout=300)
            (root / f"{name}.onnx").unlink()
    return root


@pytest.mark.parametrize("target,binaries", [("fuzz-import", False), ("fuzz-load", True)])
def test_fuzz_target_short_run(target, binaries, san_bin):
    work = Path(os.environ.get("TESSEL_FUZZ_DIR", "fuzz")).resolve() / target
    shutil.rmtree(work, ignore_errors=True)
    seeds_dir = corpus(work / "corpus", san_bin, binaries)
    (work / "artifacts").mkdir()
    env = dict(os.environ, ASAN_OPTIONS="detect_leaks=1", UBSAN_OPTIONS="print_stacktrace=1")
    proc = subprocess.run(
        [san_bin / target, f"-runs={RUNS}", "-seed=1", "-max_len=65536", "-timeout=60",
         "-rss_limit_mb=4096", f"-artifact_prefix={work / 'artifacts'}/", seeds_dir],
        capture_output=True, text=True, errors="replace", timeout=1800, env=env)
    tail = "\n".join(proc.stderr.splitlines()[-40:])
    assert proc.returncode == 0, f"{target} found a failure (reproducer in {work / 'artifacts'}):\n{tail}"
    assert f"Done {RUNS} runs" in proc.stderr, tail
