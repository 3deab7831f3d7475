//===- GatherRuns.h - How many values a gather moves per NoC request ------===//
//
// A gather (graph.remap, graph.reshape) assembles each output tile from input values. It moves
// consecutive columns of an output tile row with one request when they come from consecutive
// columns of one input tile row. Both the gather kernel and the matmul reader that absorbs a
// remap (implicit GEMM) move runs of that length, and the cost model charges requests by it.
//
//===----------------------------------------------------------------------===//
#ifndef TESSEL_TRANSFORMS_GATHERRUNS_H
#define TESSEL_TRANSFORMS_GATHERRUNS_H

#include "Graph/GraphOps.h"

namespace tessel {

/// The longest run of output columns, a power of two up to 32 starting at a multiple of itself,
/// that reads one aligned run of one input tile row, for the gather that reads output index
/// `i` from input index `inputIndex(i)` (with `guards` only compared with bounds): 32 when the
/// last dim maps onto itself, a power of two that divides both last dims when the last output
/// dim walks consecutive input columns in such blocks (the channels of a channels-last window),
/// and 1 otherwise.
int64_t gatherRunLength(llvm::ArrayRef<int64_t> outShape, llvm::ArrayRef<int64_t> inShape,
                        llvm::ArrayRef<mlir::AffineExpr> inputIndex,
                        llvm::ArrayRef<mlir::AffineExpr> guards);
int64_t gatherRunLength(graph::RemapOp op);

/// Runs shorter than this cost a matmul's reader more requests per lhs tile than a dispatch of
/// their own spread over the whole grid.
inline constexpr int64_t kMinAbsorbedRun = 4;

/// Whether a matmul's reader can assemble its lhs from this remap's input instead of reading
/// the remap's result (an implicit GEMM): the remap reads zeros as padding, if any, and moves
/// runs of at least kMinAbsorbedRun values.
bool absorbableIntoMatmul(graph::RemapOp op);

} // namespace tessel

#endif
