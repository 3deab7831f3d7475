// What recognising a row loop (RowLoops.cpp) and building its kernels (RowKernels.cpp) share:
// the shapes of its rows and passes.
#ifndef TESSEL_LIB_CONVERSION_GRIDTOKERNELS_ROWLOOPS_H
#define TESSEL_LIB_CONVERSION_GRIDTOKERNELS_ROWLOOPS_H

#include "TileLoops.h"

namespace tessel::lowering {

/// Whether `v` is a row of tiles: a one-dimensional tensor of them.
bool isRow(mlir::Value v);

/// The steps of a pass: from a constant lower bound by 1 to a constant upper bound above it
/// (the lower bound and the count).
std::optional<std::pair<int64_t, int64_t>> passRange(mlir::scf::ForOp pass);

/// Whether the tile `compute` gives stays in Dst (of `dstFormat`) for the one op that takes it:
/// the next step of a reduction, or a grid.compute that copies it into Dst[0] first.
bool staysInDst(grid::ComputeOp compute, tile::DataFormat dstFormat);

/// A pass that fills a row (carried first) and folds each new tile into an accumulator (carried
/// second): the compute that makes the tile, and the step that takes it from Dst[0], copying it
/// into Dst[1] right after the accumulator.
struct FilledAndFolded {
  grid::ComputeOp fill, step;
};
std::optional<FilledAndFolded> filledAndFolded(mlir::scf::ForOp pass);

} // namespace tessel::lowering

#endif
