"""The robustness tests drive the tools of the sanitized build (-DTESSEL_FUZZ=ON: AddressSanitizer,
UBSan, libFuzzer), which `make check` makes in build-san and names in TESSEL_SAN_BIN."""
import os
from pathlib import Path

import pytest


def _in_ci():
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


@pytest.fixture(scope="module")
def san_bin():
    path = os.environ.get("TESSEL_SAN_BIN")
    if not path or not (Path(path) / "tt-compile").exists():
        msg = ("the sanitized tools are missing: `make check` builds them in build-san; set "
               "TESSEL_SAN_BIN to build-san/bin")
        if _in_ci():
            pytest.fail(msg, pytrace=False)
        pytest.skip(msg)
    return Path(path)
