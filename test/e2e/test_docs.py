"""Every command the user docs show runs, in order, and succeeds (lines starting `!` must fail)."""
import os
import re
import subprocess

import pytest

from conftest import BIN, SRC

DOCS = ["getting-started.md", "pipeline.md"]


def shell_blocks(text):
    return re.findall(r"```sh\n(.*?)```", text, re.S)


def strict(line):
    # `set -e` ignores a failing `! cmd`, and so would pass a command that should fail but didn't.
    if line.startswith("! "):
        return f"if {line[2:]}; then echo 'expected to fail: {line[2:]}' >&2; exit 1; fi"
    return line


@pytest.mark.parametrize("doc", DOCS)
def test_doc_commands(doc, tmp):
    blocks = shell_blocks((SRC / "docs" / doc).read_text())
    assert blocks, f"{doc} shows no commands"
    (tmp / "build").mkdir()
    (tmp / "build" / "bin").symlink_to(BIN)
    (tmp / "scripts").symlink_to(SRC / "scripts")
    (tmp / "python").symlink_to(SRC / "python")
    env = dict(os.environ, PATH=f"{BIN}:/usr/bin:/bin")
    lines = [strict(l) for b in blocks for l in b.splitlines()]
    script = "set -e -o pipefail\n" + "\n".join(lines)
    proc = subprocess.run(["bash", "-c", script], cwd=tmp, env=env, capture_output=True,
                          text=True, timeout=600)
    assert proc.returncode == 0, f"{doc}:\n{proc.stdout}\n{proc.stderr}"


def test_python_doc_examples(tmp):
    """docs/python.md's examples, run in order as one script, as a user would paste them."""
    blocks = re.findall(r"```python\n(.*?)```", (SRC / "docs" / "python.md").read_text(), re.S)
    assert blocks, "python.md shows no examples"
    env = dict(os.environ, PYTHONPATH=str(SRC / "python"), TESSEL_BIN=str(BIN))
    proc = subprocess.run(["/usr/bin/python3", "-c", "\n".join(blocks)], cwd=tmp, env=env,
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, f"{proc.stdout}\n{proc.stderr}"
    assert "expected shape [8, 64], got [8, 63]" in proc.stdout, proc.stdout
    assert (tmp / "trace.json").exists() and (tmp / "mlp.ttb").exists()
