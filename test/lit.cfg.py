# Lit configuration for Tessel's IR-level tests.
import os
import lit.formats

config.name = "Tessel"
config.test_format = lit.formats.ShTest(not lit_config.useValgrind)
config.suffixes = [".mlir", ".test"]
config.excludes = ["Inputs", "CMakeLists.txt", "lit.cfg.py", "lit.site.cfg.py", "unit", "python"]
config.test_source_root = os.path.dirname(__file__)
config.test_exec_root = os.path.join(config.tessel_obj_root, "test")

config.environment["PATH"] = os.pathsep.join(
    [config.tessel_tools_dir, config.llvm_tools_dir, config.environment.get("PATH", "")])
config.environment["TESSEL_CHIPS_DIR"] = os.path.join(config.tessel_src_root, "runtime", "chips")
config.substitutions.append(("%python", config.python_executable))
config.substitutions.append(("%tessel_src", config.tessel_src_root))
config.substitutions.append(("%onnx_node_tests", "/usr/share/libonnx-testdata/data/node"))
