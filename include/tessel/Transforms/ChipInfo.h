#ifndef TESSEL_TRANSFORMS_CHIPINFO_H
#define TESSEL_TRANSFORMS_CHIPINFO_H

#include "mlir/IR/BuiltinOps.h"
#include "tessel/runtime/Chip.h"

namespace tessel {
/// Module attribute naming the descriptor file when the chip was given as a path.
inline constexpr llvm::StringLiteral kChipFileAttrName = "grid.chip_file";

/// Loads the descriptor of the chip a module targets (its `grid.chip`), or emits an error.
mlir::FailureOr<rt::ChipDesc> getChipDesc(mlir::ModuleOp module);
} // namespace tessel

#endif
