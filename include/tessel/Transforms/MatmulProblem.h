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

/// The blocking a #grid.matmul_config records.
cost::MatmulPlan matmulPlan(grid::MatmulConfigAttr config);

} // namespace tessel

#endif
