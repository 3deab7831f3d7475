// A graph.matmul's tile loop, in the order its #grid.matmul_config computes it:
// tt-lower-graph-to-grid builds the loop from these maps, and tt-lower-grid-to-kernels checks a
// loop against them before it builds the config's multicast kernels.
#ifndef TESSEL_CONVERSION_MATMULTILELOOP_H
#define TESSEL_CONVERSION_MATMULTILELOOP_H

#include "tessel/Conversion/DispatchBuilder.h"

namespace tessel::lowering {

/// Where a core's output tiles are. Unit u of the loop is output tile i = u mod perCore of core
/// c = u floordiv perCore; i walks the core's passes, each pass's block in Dst-sized subblocks,
/// and each subblock's tiles row-major: the order in which the kernels finish them.
struct MatmulTiles {
  /// Passes over the core's blocks, and K chunks (of kChunk tiles) per pass.
  int64_t passes = 1, chunks = 1;
  /// K tiles of each pass's chunks before those of kChunk (the config's k_lead, or the shorter
  /// first chunk where kChunk does not divide K), and of two consecutive chunks, which an
  /// operand's buffer holds (cost::MatmulPlan).
  llvm::SmallVector<int64_t, 4> lead;
  int64_t chunkPairK = 2;
  /// Subblocks per block, and tiles per subblock.
  int64_t subblocks = 1, subTiles = 1;
  /// Units per core, and K tiles (the steps of every unit).
  int64_t perCore = 1, steps = 1;
  /// Over d0 = core, d1 = pass: the block's batch index, first row tile and first column tile.
  mlir::AffineExpr batch, row0, col0;
  /// Over d0 = core, d1 = pass, d2 = subblock, d3 = tile of the subblock: the output tile's row
  /// tile, column tile and index.
  mlir::AffineExpr row, col, tile;
  /// Over d0 = core, d1 = pass, d2 = subblock, d3 = tile of the subblock: the unit.
  mlir::AffineExpr unit;
  /// Over d0 = unit: the output tile, its row tile and its column tile.
  mlir::AffineExpr unitTile, unitRow, unitCol;
  /// Over d0 = unit, d1 = K tile: the tiles of the lhs and of the rhs a step multiplies.
  mlir::AffineExpr lhsTile, rhsTile;
};

/// The maps of a matmul of `lhs` by `rhs` into `out`, blocked by `config`.
MatmulTiles matmulTiles(grid::MatmulConfigAttr config, const TiledView &lhs, const TiledView &rhs,
                        const TiledView &out);

/// The lhs of a matmul into `out` over `kt` K tiles, as a reader that gathers it from windows
/// sees it: the output's batch and rows.
TiledView gatheredLhsView(const TiledView &out, int64_t kt);

} // namespace tessel::lowering

#endif
