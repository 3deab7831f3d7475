//===- MatmulProblem.h - A graph.matmul as the cost model sees it ---------===//
#ifndef TESSEL_TRANSFORMS_MATMULPROBLEM_H
#define TESSEL_TRANSFORMS_MATMULPROBLEM_H

#include "Graph/GraphOps.h"
#include "Grid/GridDialect.h"
#include "tessel/Transforms/MatmulCostModel.h"

namespace tessel {

/// `op` in tiles, with its operands' formats and its epilogue, or failure (with a diagnostic)
/// when an operand has no layout. With `gatherLhs` its reader assembles the lhs from the
/// graph.remap that produces it (`lhs = gather`).
mlir::FailureOr<cost::MatmulProblem> matmulProblem(graph::MatMulOp op, const rt::ChipDesc &chip,
                                                   bool gatherLhs);

/// Whether a batched matmul of `lhs` by `rhs` into `out` (shapes) is one matrix product over
/// the batch's rows: the rhs is one matrix for the whole batch (shared weights), the lhs is not
/// broadcast and its rows fill whole tiles, so that the tiles of [B, M, K] and [B, M, N] are
/// those of [B*M, K] and [B*M, N] in the same order. The blocking then shares the rhs across the
/// batch instead of reading it once per batch.
bool batchIsRows(llvm::ArrayRef<int64_t> lhs, llvm::ArrayRef<int64_t> rhs,
                 llvm::ArrayRef<int64_t> out);

/// The shards of `v` when it is height-sharded in L1 over the rows of `rowTiles` row tiles (its
/// rows, the batch's included): the row tiles of a shard and the rectangle of cores; left as
/// they are otherwise.
void rowShardsOf(mlir::Value v, int64_t rowTiles, int64_t &rows, int64_t &coresX,
                 int64_t &coresY);

/// The #grid.matmul_config that records `plan`, with the lhs gathered or not, its estimate and
/// the constant rhs tiles stored (0: every tile).
grid::MatmulConfigAttr matmulConfigAttr(mlir::MLIRContext *ctx, const cost::MatmulPlan &plan,
                                        bool gatherLhs, int64_t cycles,
                                        int64_t rhsStoredTiles = 0);

/// The blocking a #grid.matmul_config records.
cost::MatmulPlan matmulPlan(grid::MatmulConfigAttr config);

} // namespace tessel

#endif
