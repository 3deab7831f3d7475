#ifndef TESSEL_TRANSFORMS_CHIPINFO_H
#define TESSEL_TRANSFORMS_CHIPINFO_H

#include "Grid/GridDialect.h"
#include "mlir/IR/BuiltinOps.h"
#include "tessel/runtime/Chip.h"

namespace tessel {
/// The `#grid.chip` that records every figure of `desc`.
grid::ChipAttr chipAttr(mlir::MLIRContext *ctx, const rt::ChipDesc &desc);

/// The chip a module targets, from its `grid.chip` alone (no file is read), or an error when it
/// has none or the attribute lacks figures.
mlir::FailureOr<rt::ChipDesc> getChipDesc(mlir::ModuleOp module);
} // namespace tessel

#endif
