#ifndef TESSEL_TRANSFORMS_CHIPINFO_H
#define TESSEL_TRANSFORMS_CHIPINFO_H

#include "Grid/GridDialect.h"
#include "mlir/IR/BuiltinOps.h"
#include "tessel/runtime/Chip.h"
#include "tessel/runtime/Formats.h"

namespace tessel {
/// The `#grid.chip` that records every figure of `desc`.
grid::ChipAttr chipAttr(mlir::MLIRContext *ctx, const rt::ChipDesc &desc);

/// The chip a module targets, from its `grid.chip` alone (no file is read), or an error when it
/// has none or the attribute lacks figures.
mlir::FailureOr<rt::ChipDesc> getChipDesc(mlir::ModuleOp module);

/// Loads the descriptor `chip` names (a name under runtime/chips or a path) and records it as
/// the module's `grid.chip`, unless the module has one already: the only place a descriptor
/// file is read. Fails with a diagnostic on the module.
mlir::LogicalResult recordChip(mlir::ModuleOp module, llvm::StringRef chip);

/// Bytes a tensor with a #grid.layout takes in each of the `parts` (DRAM channels or cores) its
/// tiles are dealt to round-robin, rounded up to 64 so that every placement stays aligned.
int64_t interleavedBytes(mlir::RankedTensorType type, int parts);

/// Bytes of each core's L1 a tensor with an L1 #grid.layout takes: its shard, or its share of
/// the tiles interleaved over all `cores`; rounded up to 64.
int64_t l1BytesPerCore(mlir::RankedTensorType type, int cores);

/// `type` with an L1 layout `sharding` over the rectangle of `coresX` x `coresY` cores at the
/// origin, blocks of `rows` x `cols` tiles dealt row-major over it (ttb.fbs, table Buffer).
mlir::RankedTensorType withShards(mlir::RankedTensorType type, grid::Sharding sharding,
                                  int64_t rows, int64_t cols, int64_t coresX, int64_t coresY);

/// The share of a dispatch each core gets: `units` split evenly over a `width` x `height` range,
/// core c (row-major) taking units [c * perCore, (c + 1) * perCore).
struct CoreSplit {
  int64_t width = 1, height = 1, perCore = 1;
  int64_t cores() const { return width * height; }
};
/// The most cores that divide `units` evenly and form a rectangle of the grid at its origin.
CoreSplit splitOverCores(int64_t units, const rt::ChipDesc &chip);

/// `type`, a ranked tensor, in 32 x 32 tiles: its batch, rows and columns of tiles.
rt::TiledShape tiledShapeOf(mlir::Type type);

/// Rows of 32 x 32 tiles of `type`: its leading dims times the tiles of its second-to-last.
int64_t tileRows(mlir::RankedTensorType type);

/// Whether `v`'s layout keeps it in L1 (false for null or a value without a layout).
bool inL1(mlir::Value v);

/// `type` with its layout moved to `memory`, interleaved.
mlir::RankedTensorType withMemory(mlir::RankedTensorType type, grid::MemorySpace memory);
} // namespace tessel

#endif
