//===- TileLoopFusion.h - Dependences and costs of fusing tile loops ------===//
//
// tt-fuse-tile-loops moves a streaming producer's tile loop into the loops of the dispatches
// that read its result: each read of a produced tile becomes the producer's reads and math for
// that tile, so the tile goes from Dst to a one-tile circular buffer and never to memory. Its
// legality comes from the Presburger relations between the iteration points of the loops and
// the tiles they touch; whether it pays, from the estimates below.
//
//===----------------------------------------------------------------------===//
#ifndef TESSEL_TRANSFORMS_TILELOOPFUSION_H
#define TESSEL_TRANSFORMS_TILELOOPFUSION_H

#include "Grid/GridOps.h"
#include "tessel/runtime/Chip.h"
#include "llvm/ADT/DenseSet.h"

#include <array>

namespace tessel {

/// Where a tile loop reads or writes a tensor: the tile's linear index over the loop's iteration
/// points (d0 = the running core, d1 = the unit loop's counter, d2 = a step loop's counter), and
/// how far each of the three runs (1 for a counter the access is not inside).
struct TileAccess {
  mlir::AffineExpr tile;
  std::array<int64_t, 3> extent = {1, 1, 1};
  int64_t points() const { return extent[0] * extent[1] * extent[2]; }
};

/// What a consumer's reads of a produced tensor depend on.
struct TileDependence {
  /// Every tile read is one the producer writes...
  bool covered = false;
  /// ...at one iteration point only, so that point's reads and math give the tile.
  bool singleWriter = false;
  /// No tile is read at two iteration points: fusing recomputes nothing.
  bool readOnce = false;
  /// Iteration points that read a tile: how many times the fused loops compute one.
  int64_t reads = 0;
};

/// The dependence of `reads` on `write` (a store into a tensor of `tiles` tiles), from their
/// Presburger relations; failure when an access is not affine.
mlir::FailureOr<TileDependence> analyzeTileDependence(const TileAccess &write, int64_t tiles,
                                                      llvm::ArrayRef<TileAccess> reads);

/// The estimate of a tile loop dispatch that fusion compares: the larger of its memory time (its
/// reads and stores, DRAM at the channels' sustained rate and at least one latency per unit,
/// L1 over the NoC) and its math time per core (the simulator's per-tile costs of its tile ops),
/// plus the fill and drain of its reader-compute-writer pipeline.
struct TileLoopCost {
  double dramBytes = 0, l1Bytes = 0, memoryCycles = 0, computeCycles = 0, fillCycles = 0;
  /// Bytes of L1 its circular buffers take on each core.
  int64_t bufferBytes = 0;
  /// Dst tiles its math uses at once.
  int64_t dstTiles = 0;
  double cycles() const { return std::max(memoryCycles, computeCycles) + fillCycles; }
};

/// Units whose reads a streaming kernel issues before one barrier, so that their round trips
/// overlap: 4 or 2 where that divides the units of a core and two groups of `bytesPerUnit`
/// (the tiles a unit streams in) take at most a 32nd of the `l1Usable` bytes of a core's L1
/// (32 KiB of wormhole_b0's), which stay for tensors kept in L1; 1 with row gathers, which wait
/// for each unit's index tile.
inline int64_t streamingGroup(int64_t perCore, bool rowGathers, int64_t bytesPerUnit,
                              int64_t l1Usable) {
  if (rowGathers)
    return 1;
  for (int64_t g : {4, 2})
    if (perCore % g == 0 && 2 * g * bytesPerUnit * 32 <= l1Usable)
      return g;
  return 1;
}

/// A tile's round trip as the estimates charge it: from another core's L1, half the grid's
/// perimeter each way, or from DRAM, the channel's latency and the way back; plus its flits.
double tileRoundTrip(const rt::ChipDesc &chip, bool inL1, int64_t tileBytes);

/// Sets `cost`'s memory and fill from what a core's loop moves: each of its `batches` of reads
/// waits for the longer round trip, its NoC link carries `perCoreBytes`, and the DRAM channels
/// stream `cost.dramBytes` for the whole grid; the pipeline fills and drains once.
void chargeTileLoopMemory(TileLoopCost &cost, const rt::ChipDesc &chip, double batches,
                          double readLatency, double writeLatency, double perCoreBytes);

/// The operands of tile op `op` that name Dst slots.
llvm::SmallVector<mlir::OpOperand *> dstOperands(mlir::Operation *op);

/// The estimate of `op`, a dispatch in tile loop form.
TileLoopCost estimateTileLoop(grid::DispatchOp op, const rt::ChipDesc &chip);

} // namespace tessel

#endif
