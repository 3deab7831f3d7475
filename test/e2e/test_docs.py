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
