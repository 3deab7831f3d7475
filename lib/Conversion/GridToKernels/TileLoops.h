// What tt-lower-grid-to-kernels's patterns share: recognising a dispatch's tile loop over the
// running core's units, and the reductions' kernels.
#ifndef TESSEL_LIB_CONVERSION_GRIDTOKERNELS_TILELOOPS_H
#define TESSEL_LIB_CONVERSION_GRIDTOKERNELS_TILELOOPS_H

#include "tessel/Conversion/DispatchBuilder.h"
#include "tessel/Conversion/MatmulTileLoop.h"
#include "tessel/Transforms/TileLoopIndex.h"
#include "tessel/Transforms/ZeroTiles.h"

#include "mlir/IR/IRMapping.h"

#include <memory>

namespace tessel::lowering {

using tessel::agreeOver;
using tessel::indexExpr;
using tessel::isUnitOfCore;
using tessel::tripCount;

/// Whether the dispatch's body is a tile loop (rather than kernels).
bool hasTileLoop(grid::DispatchOp op);

/// Reports on `op` why its tile loop has no kernels; always failure().
mlir::LogicalResult tileLoopError(grid::DispatchOp op, const llvm::Twine &why);

/// Whether the kernels can compute index `v` again: from constants, the running core, the
/// loops' `counters` and pure ops over them.
bool recomputable(mlir::Value v, llvm::ArrayRef<mlir::Value> counters);

/// `v`, an index recomputable from the core and the tile loop's counters (which `m` maps to the
/// kernel's), computed again in the kernel being built.
mlir::Value recomputeIndex(DispatchBuilder &db, mlir::Value v, mlir::IRMapping &m);

/// The ops of a grid.compute's `body` other than its constants and terminator: its math.
llvm::SmallVector<mlir::Operation *> mathOf(mlir::Block &body);

/// The reader's plan for a grid.gather: its map and attributes.
TileGather tileGatherOf(grid::GatherOp gather);

/// Puts back the loops of one trip that canonicalization folds away: the loop over the units
/// of a core with one unit, and a reduction's loop of one step, so that the tile loop has its
/// usual shape.
void restoreFoldedLoops(grid::DispatchOp op);

/// A reduction's tile loop: per unit, reads of whole-unit tiles (a bias), an accumulator that
/// starts as `init`'s result, a loop of `stepCount` steps each reading tiles and folding them
/// into the accumulator with `step` (its first input), and `finish`, which takes the accumulator
/// and the unit's reads and gives the tile `store` writes.
struct ReductionLoop {
  mlir::scf::ForOp units;
  int64_t perCore = 1;
  mlir::Value unit;
  llvm::SmallVector<grid::LoadOp> unitReads;
  grid::ComputeOp init, step, finish;
  mlir::scf::ForOp steps;
  int64_t stepCount = 1;
  /// grid.load or grid.gather ops, in the order of `step`'s inputs after the accumulator.
  llvm::SmallVector<mlir::Operation *> stepReads;
  grid::StoreOp store;
};

/// Takes apart a reduction's tile loop, whose loop over the units is `units`; reports why on
/// `op` when it is not one.
mlir::FailureOr<ReductionLoop> matchReductionLoop(grid::DispatchOp op, mlir::scf::ForOp units,
                                                  int64_t perCore);

/// Builds the kernels of `loop` into `db`: the reader fetches each unit's steps in batches, the
/// compute kernel keeps the accumulator in Dst from `init` through the last `step` to `finish`
/// (tiles a body packs for itself go through a one-tile buffer), and the writer stores.
void buildReductionKernels(DispatchBuilder &db, const ReductionLoop &loop);

/// A row loop: each unit reads rows of tiles once (grid.load_row; rows loaded before the unit
/// loop, once per core) and computes over them in passes, in order: grid.computes of one tile
/// (a statistic, or a masked tile that a tensor.insert puts in place of one of a row's),
/// reductions along a row (a grid.compute that starts the accumulator, from a row's tile or
/// from none, an scf.for of steps folding tiles into it, and a grid.compute that finishes it),
/// scf.fors that fill a new row (tensor.insert of each computed tile), perhaps folding each new
/// tile into an accumulator too, and last an scf.for that stores each tile it computes into the
/// output.
struct RowLoop {
  mlir::scf::ForOp units;
  int64_t perCore = 1;
  mlir::Value unit;
  llvm::SmallVector<grid::LoadRowOp> rows;
  /// Rows every unit of a core shares, loaded before the loop over the units.
  llvm::SmallVector<grid::LoadRowOp> coreRows;
  /// The last pass: its loop (null where canonicalization folded a pass over a row of one
  /// tile), and the store of each tile.
  mlir::scf::ForOp storeLoop;
  grid::StoreOp store;
};

/// Takes apart a row loop, whose loop over the units is `units`; reports why on `op` when it is
/// not one.
mlir::FailureOr<RowLoop> matchRowLoop(grid::DispatchOp op, mlir::scf::ForOp units,
                                      int64_t perCore);

/// Builds the kernels of `loop` into `db`: the reader brings each row into a buffer of its
/// tiles once per unit, the compute kernel runs the passes over the held rows (a reduction's
/// accumulator stays in Dst, a statistic and a filled row go through buffers of their own), and
/// the writer stores the last pass's tiles.
void buildRowKernels(DispatchBuilder &db, const RowLoop &loop);

/// A matmul's tile loop, a reduction loop over K tiles that follows its dispatch's
/// #grid.matmul_config: the units are output tiles in the config's order, each step multiplies a
/// tile of the lhs (read or gathered from windows) by a tile of the rhs, and the finish is the
/// epilogue, which may read the first row of the unit's column's tile (a bias) and the unit's
/// own tile (a residual).
struct MatmulLoop : ReductionLoop {
  grid::MatmulConfigAttr config;
  TiledView lhs, rhs, out;
  /// The config's maps and counts, which the loop follows.
  MatmulTiles tiles;
  std::optional<TileGather> gather;
  /// For each unit read: whether it is a bias's row, else a residual's tile.
  llvm::SmallVector<bool> rowReads;
  /// When the config skips the rhs's zero tiles (a constant's): its tiles, and the dispatch
  /// input that will hold the stored tiles' places (ConstantTiles::map). The kernels read the
  /// stored tiles from input 1.
  std::shared_ptr<const ConstantTiles> rhsTiles;
  unsigned placesInput = 0;
};

/// The stored tiles and their places in front of `op`, whose matmul config skips the zero
/// tiles `tiles` of its constant rhs `rhs`: the dispatch's inputs with them, the places last.
llvm::SmallVector<mlir::Value> skipZeroRhsTiles(mlir::OpBuilder &b, grid::DispatchOp op,
                                                mlir::Value rhs, const ConstantTiles &tiles);

/// Checks that reduction loop `r` of `op` is the matmul loop `config` describes; reports why on
/// `op` when it is not.
mlir::FailureOr<MatmulLoop> matchMatmulLoop(grid::DispatchOp op, grid::MatmulConfigAttr config,
                                            const ReductionLoop &loop);

/// Builds the kernels of `loop` into `db`: the config's blocks, K chunks, subblocks and
/// multicasts, with the loop's finish run on each finished subblock.
void buildMatmulKernels(DispatchBuilder &db, const MatmulLoop &loop);

} // namespace tessel::lowering

#endif
