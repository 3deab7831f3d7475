//===- SplitK.h - Splitting a matmul's K over more cores ------------------===//
//
// A matmul whose output has fewer tiles than the grid has cores (ResNet-50's last stage at
// batch 1: 2 x 16 tiles) leaves most cores idle while a few stream all the weights. Split S
// ways along K, it becomes a batched matmul of S partial products over S times more cores,
// and a reduce that sums them and applies the bias and the activation:
//
//   %y = graph.matmul %x, %w, %b then relu : ([1,1,M,K], [1,K,N], [N]) -> [1,1,M,N]
// becomes
//   %xs = graph.remap %x : [1,1,M,K] -> [1,S,M,K/S]      (gathered by the matmul's reader)
//   %p = graph.matmul %xs, %ws : ([1,S,M,K/S], [S,K/S,N]) -> [1,S,M,N]   (%ws: %w reshaped)
//   %y = graph.reduce sum %p, %b then relu {axes = [1]} : [1,S,M,N] -> [1,1,M,N]
//
// tt-choose-op-configs splits when its cost model estimates the pair faster.
//
//===----------------------------------------------------------------------===//
#ifndef TESSEL_TRANSFORMS_SPLITK_H
#define TESSEL_TRANSFORMS_SPLITK_H

#include "Graph/GraphOps.h"
#include "Grid/GridDialect.h"
#include "tessel/Transforms/MatmulCostModel.h"

namespace tessel {

/// Splits considered, fewest first.
inline constexpr int64_t kSplits[] = {2, 4, 8};

/// Whether `op` has the form a split applies to: a rank-4 matmul over one group of one batch
/// ([1,1,M,K] x [1,K,N]) with constant weights, K a whole number of tiles, no residual, and an
/// lhs the reader can gather (not block-float).
bool splittable(graph::MatMulOp op);

/// Cycles of the reduce that sums `splits` partial products of `p`'s output tiles and applies
/// its epilogue, spread over the grid, with `gap` (cost::dispatchGapCycles) before it starts.
double splitReduceCycles(const rt::ChipDesc &chip, const cost::MatmulProblem &p, int64_t splits,
                         double gap);

/// Rewrites `op` split `splits` ways as above; returns the new matmul. The partial products
/// take `partials` as their layout's memory.
graph::MatMulOp splitK(graph::MatMulOp op, int64_t splits, grid::MemorySpace partials);

} // namespace tessel

#endif
