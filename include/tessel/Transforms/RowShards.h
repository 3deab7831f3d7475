//===- RowShards.h - Matmuls over the same rows sharded alike -------------===//
//
// A ResNet bottleneck's convolutions (its 1x1s, its stride-1 3x3, the residual it adds) all
// compute the same rows of channels. When each computes its rows in one pass, core c the rows of
// block c, on the same cores, every result can be height-sharded there and every one of them
// read where it is: a 1x1 convolution's lhs and a residual from the reading core's own L1, a
// 3x3's windows from its own and a neighbour's. tt-choose-op-configs chooses each matmul alone,
// charging those reads as crossing the NoC from every core, so it rarely lands on such plans;
// this step weighs them for a whole group at once.
//
//===----------------------------------------------------------------------===//
#ifndef TESSEL_TRANSFORMS_ROWSHARDS_H
#define TESSEL_TRANSFORMS_ROWSHARDS_H

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "tessel/runtime/Chip.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/DenseSet.h"

namespace tessel {

/// The L1 the tensors kept between ops hold per core while each op runs (keepTensorsInL1), what
/// they may hold at most, and the circular-buffer budget of an op given what they hold.
struct HeldL1 {
  llvm::DenseMap<mlir::Operation *, int64_t> &held;
  int64_t capacity;
  llvm::function_ref<int64_t(int64_t held)> budget;
};

/// Groups `func`'s matmuls whose L1 results feed each other over the same rows (as lhs, residual
/// or stride-1 windows) and, for each group, gives every member the best plan that computes its
/// rows in one pass over one rectangle of cores, with a block of rows per core, reads counted
/// from the shards they will come from, where the members' estimates together are at least
/// kRowShardMargin lower than those of the plans chosen alone and the larger shards fit the L1
/// the tensors may hold. Matmuls in `given` keep their configs. Updates `l1.held`; returns how
/// many matmuls it gave another plan.
int64_t alignRowShards(mlir::func::FuncOp func, const rt::ChipDesc &chip, HeldL1 l1,
                       const llvm::DenseSet<mlir::Operation *> &given);

/// How much lower the aligned plans must be estimated: they also change which tensors the
/// allocator can fit, which the estimates do not see.
inline constexpr double kRowShardMargin = 0.05;

} // namespace tessel

#endif
