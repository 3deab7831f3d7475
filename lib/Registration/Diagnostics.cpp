#include "tessel/Diagnostics.h"
#include "tessel/runtime/OneLine.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Location.h"

using namespace mlir;

static std::string describe(Location loc) {
  std::string file, node;
  loc->walk([&](Location l) {
    if (auto name = dyn_cast<NameLoc>(l); name && node.empty())
      node = name.getName().str();
    if (auto f = dyn_cast<FileLineColLoc>(l); f && file.empty()) {
      file = f.getFilename().str();
      if (f.getLine())
        file += ":" + std::to_string(f.getLine()) + ":" + std::to_string(f.getColumn());
    }
    return WalkResult::advance();
  });
  std::string out = file;
  if (!node.empty())
    out += (out.empty() ? "" : ": ") + ("node '" + node + "'");
  return out;
}

tessel::OneLineDiagnostics::OneLineDiagnostics(MLIRContext *ctx, StringRef tool,
                                               llvm::raw_ostream &os)
    : ScopedDiagnosticHandler(ctx, [tool = tool.str(), &os](Diagnostic &diag) {
        const char *severity = diag.getSeverity() == DiagnosticSeverity::Error     ? "error"
                               : diag.getSeverity() == DiagnosticSeverity::Warning ? "warning"
                                                                                   : "note";
        std::string where = describe(diag.getLocation());
        os << tool << ": " << severity << ": "
                     << tessel::rt::oneLine((where.empty() ? "" : where + ": ") + diag.str()) << "\n";
        return success();
      }) {}
