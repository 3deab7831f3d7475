#ifndef TESSEL_DIALECTS_GRID_GRIDDIALECT_H
#define TESSEL_DIALECTS_GRID_GRIDDIALECT_H

#include "Tile/TileDialect.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Dialect.h"

#include "Grid/GridEnums.h.inc"

#include "Grid/GridDialect.h.inc"

#define GET_ATTRDEF_CLASSES
#include "Grid/GridAttrs.h.inc"

namespace tessel::grid {
/// The name of the module attribute that holds the target `#grid.chip`.
inline constexpr llvm::StringLiteral kChipAttrName = "grid.chip";
/// The name of the attribute that holds an op's chosen `#grid.matmul_config` (a reduce's
/// `#grid.reduce_config`).
inline constexpr llvm::StringLiteral kConfigAttrName = "grid.config";
/// The name of the attribute that holds a DRAM tensor's address (arguments and constants).
inline constexpr llvm::StringLiteral kAddressAttrName = "grid.address";
/// The name of the unit attribute of a graph.reduce whose reader gathers its input from the
/// graph.remap that produces it (a pool's or depthwise convolution's windows): no dispatch
/// writes that remap's result.
inline constexpr llvm::StringLiteral kGatherInputAttrName = "grid.gather_input";
/// The name of the unit attribute of a graph.matmul that writes its result into its residual's
/// buffer (tessel::writesOverResidual): both have one type, and no dispatch reads the residual
/// after it.
inline constexpr llvm::StringLiteral kOverResidualAttrName = "grid.over_residual";

/// The name of the attribute of a grid.reshard that tt-choose-op-configs put before a remap so
/// that it gathers from L1: [staged, direct], the estimated cycles of the copy and the gathers
/// from L1, and of the gathers from DRAM.
inline constexpr llvm::StringLiteral kStagedCyclesAttrName = "grid.staged_cycles";

/// The name of the attribute that holds a graph op's `#grid.compute` (Dst format, fidelity).
inline constexpr llvm::StringLiteral kComputeAttrName = "grid.compute";
/// The name of the module attribute that names the precision the model was compiled at (fp32,
/// bf16, bfp8, bfp4), which the binary records.
inline constexpr llvm::StringLiteral kPrecisionAttrName = "grid.precision";

/// The name of the attribute of a grid.dispatch that counts the tile products its kernels skip
/// (a matmul's zero rhs tiles times the lhs tiles they would meet), which the binary records.
inline constexpr llvm::StringLiteral kSkippedTilesAttrName = "grid.skipped_tiles";

/// The name of the module attribute that says how the precision was chosen and the error it was
/// measured at (tt-compile --precision=auto), which the binary records with it.
inline constexpr llvm::StringLiteral kPrecisionNoteAttrName = "grid.precision_note";

/// The layout of a tensor type, or null when it has none yet.
LayoutAttr getLayout(mlir::Type type);

/// Checks that a sharded `type`'s shards cut its tiles (its leading dimensions' rows of tiles
/// one after another) into one shard per core of its range, each whole rows of tiles when
/// height-sharded and whole columns when width-sharded. An interleaved type passes.
mlir::LogicalResult verifyShards(mlir::RankedTensorType type,
                                 llvm::function_ref<mlir::InFlightDiagnostic()> emitError);

/// Gives the graph ops built just before `op` to take its place (those after `prev`, the op
/// before `op` when the building began, or from the block's start when null) the compute
/// config of `op`, where it has one and they have none: an op a pass expands after
/// tt-assign-precision keeps the format and fidelity chosen for it. Constants compute nothing.
void inheritComputeConfig(mlir::Operation *op, mlir::Operation *prev);
} // namespace tessel::grid

#endif
