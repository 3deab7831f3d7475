"""`pip install --no-build-isolation ./python`: the tessel package with its two extensions
(tessel._compiler, tessel._runtime), built by the project's CMake into its build folder
($TESSEL_BUILD, else build/ beside python/; configured as `make` does when it is not yet) and
copied into the package. Debian's setuptools builds it; nothing comes from PyPI."""
import os
import shutil
import subprocess
from pathlib import Path

from setuptools import Distribution, setup
from setuptools.command.build_py import build_py

ROOT = Path(os.environ.get("TESSEL_SRC", Path(__file__).resolve().parent.parent))
TARGETS = ["tessel_compiler_module", "tessel_runtime_module"]


class BuildWithCMake(build_py):
    def run(self):
        super().run()
        build = Path(os.environ.get("TESSEL_BUILD", ROOT / "build")).resolve()
        if not (build / "build.ninja").exists():
            subprocess.run(["make", "-C", str(ROOT), "configure", f"BUILD={build}"], check=True)
        subprocess.run(["ninja", "-C", str(build), *TARGETS], check=True)
        built = sorted((build / "python" / "tessel").glob("_*.so"))
        if len(built) != len(TARGETS):
            raise RuntimeError(f"expected {len(TARGETS)} extensions in {build}/python/tessel, "
                               f"found {[p.name for p in built]}")
        for so in built:
            shutil.copy2(so, Path(self.build_lib) / "tessel" / so.name)


class WithExtensions(Distribution):
    """The wheel holds compiled extensions: it is tagged for this Python and platform."""

    def has_ext_modules(self):
        return True


setup(
    name="tessel",
    version="0.1",
    description="Tessel: compile ONNX models for a tile-based many-core AI chip and run them on "
                "its simulator",
    packages=["tessel"],
    python_requires=">=3.9",
    cmdclass={"build_py": BuildWithCMake},
    distclass=WithExtensions,
)
