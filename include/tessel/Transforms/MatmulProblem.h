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

/// The blocking a #grid.matmul_config records.
cost::MatmulPlan matmulPlan(grid::MatmulConfigAttr config);

} // namespace tessel

#endif
