// tessel._compiler: tt-compile's pipeline in process, for tessel.compile (python/tessel/compiler.py).
// An error raises with the tools' one-line message.
#include "tessel/Diagnostics.h"
#include "tessel/Import/OnnxImport.h"
#include "tessel/Pipelines/Pipelines.h"
#include "tessel/Registration.h"
#include "tessel/Target/Ttb.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Pass/PassManager.h"

#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <map>
#include <stdexcept>
#include <string>
#include <vector>

namespace py = pybind11;

namespace {

struct Error : std::runtime_error {
  using std::runtime_error::runtime_error;
};

/// The first error line the diagnostics wrote, without its newline.
std::string firstError(const std::string &lines) {
  size_t at = lines.find(": error: ");
  size_t begin = at == std::string::npos ? 0 : lines.rfind('\n', at);
  begin = begin == std::string::npos || at == std::string::npos ? 0 : begin + 1;
  std::string line = lines.substr(begin, lines.find('\n', begin) - begin);
  return line.empty() ? "tessel.compile: error: compilation failed" : line;
}

py::bytes compileModel(const py::bytes &model, const std::string &precision,
                       const std::string &chip,
                       const std::map<std::string, std::vector<int64_t>> &inputShapes,
                       const std::string &fileName) {
  std::string onnx = model, lines, bytes;
  bool ok;
  {
    py::gil_scoped_release unlocked;
    mlir::DialectRegistry registry;
    tessel::registerAllDialects(registry);
    mlir::MLIRContext context(registry);
    llvm::raw_string_ostream diagnostics(lines);
    tessel::OneLineDiagnostics handler(&context, "tessel.compile", diagnostics);
    tessel::OnnxImportOptions options;
    options.fileName = fileName;
    for (const auto &[name, shape] : inputShapes)
      options.inputShapes[name] = llvm::SmallVector<int64_t>(shape.begin(), shape.end());
    mlir::OwningOpRef<mlir::ModuleOp> module = tessel::importOnnx(onnx, &context, options);
    ok = bool(module);
    if (ok) {
      mlir::PassManager pm(&context);
      tessel::CompileOptions compile;
      compile.chip = chip;
      compile.precision = precision;
      tessel::buildCompilePipeline(pm, compile);
      llvm::raw_string_ostream os(bytes);
      ok = succeeded(pm.run(*module)) && succeeded(tessel::serializeToTtb(*module, os));
    }
  }
  if (!ok)
    throw Error(firstError(lines));
  return py::bytes(bytes);
}

} // namespace

PYBIND11_MODULE(_compiler, m) {
  m.doc() = "Tessel's compiler in process (tessel.compile uses it)";
  py::register_exception<Error>(m, "Error");
  m.def("compile", &compileModel, py::arg("model"), py::arg("precision"), py::arg("chip"),
        py::arg("input_shapes"), py::arg("file_name"));
}
