//===- L1Tensors.h - Which tensors tt-choose-op-configs keeps in L1 -------===//
//
// A tensor that only the chip reads between two ops need not go to DRAM and back: interleaved
// over every core's L1, its tiles are a NoC hop away from any core and no DRAM channel limits
// them. tt-choose-op-configs decides which tensors stay (their layout becomes `l1, interleaved`)
// before it sizes each op's circular buffers in the L1 they leave; tt-allocate-buffers places
// them.
//
//===----------------------------------------------------------------------===//
#ifndef TESSEL_TRANSFORMS_L1TENSORS_H
#define TESSEL_TRANSFORMS_L1TENSORS_H

#include "Graph/GraphOps.h"
#include "Grid/GridDialect.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "tessel/runtime/Chip.h"
#include "llvm/ADT/DenseMap.h"

namespace tessel {

/// The share of a core's free L1 that tensors kept between ops may take: the rest is left to
/// the circular buffers of the op that runs meanwhile.
inline constexpr double kL1TensorShare = 0.75;

/// Whether `use` will read its remap's input through a gathering reader (an implicit GEMM's lhs,
/// a pool's windows, attention's heads), so that the remap's result is never written.
bool gathersThroughRemap(mlir::OpOperand &use);

/// Gives the layout `l1, interleaved` to the tensors of `func` that only ops of the chip read
/// (not arguments, constants, results, windows gathered by their consumer, or the operands of
/// a batch norm, whose types must match), in program order, while the tensors live at once take
/// at most `capacity` bytes of every core's L1. Returns the bytes per core that the kept
/// tensors hold while each op runs.
llvm::DenseMap<mlir::Operation *, int64_t> keepTensorsInL1(mlir::func::FuncOp func,
                                                           const rt::ChipDesc &chip,
                                                           int64_t capacity);

/// Whether `op` may write its result over its residual: the residual is another matmul's
/// result of the result's shape and format whose other readers are matmuls and reduces that run
/// before `op` (dispatches run in program order). Each core reads a residual tile before it
/// writes the output tile in its place and no other core reads it then, so one buffer can serve
/// both: keepTensorsInL1 counts their bytes once, and tt-lower-graph-to-grid writes into the
/// residual's buffer.
bool writesOverResidual(graph::MatMulOp op);

/// Marks `grid.over_residual` on the matmuls of `func` that write over their residual in L1,
/// where shardResults laid both out alike (a result sharded otherwise than its residual keeps
/// a buffer of its own: its readers' locality is worth more); returns how many.
int64_t markWritesOverResidual(mlir::func::FuncOp func);

/// How a matmul's result can be sharded so that each core's shard is the block it writes: when
/// each core of `config`'s rectangle computes one block of a single matrix in one pass, blocks
/// of whole rows row-major over the rectangle (height-sharded) or, in a two-dimensional grid,
/// core (x, y) block (y, x) (block-sharded), and, where one row of blocks covers every row,
/// core c block column c (width-sharded). None otherwise.
struct ResultShards {
  grid::Sharding sharding;
  int64_t rows, cols;
};
std::optional<ResultShards> resultShards(grid::MatmulConfigAttr config, int64_t batch, int64_t mt,
                                         int64_t nt);

/// Shards the L1 results of `func`'s matmuls as resultShards says, and of the ops whose
/// dispatches split their output tiles evenly over the cores (splitOverCores): reduces (pools,
/// depthwise convolutions, split-K sums), the tile loops (elementwise ops, transposes, concats,
/// remaps and reshapes that get a dispatch) and softmax (a row of tiles per unit). Where each
/// core's run of tiles is whole rows it is height-sharded, where it is an equal piece of a row
/// block-sharded with shards of one row (width-sharded when the tensor is one row of tiles):
/// every core writes its own L1, and a consumer whose cores take the same tiles (the next
/// elementwise op, the next 1x1 convolution, a residual add) reads there too. Only where every
/// matmul reading the result computes in one pass.
/// Returns how many it sharded.
int64_t shardResults(mlir::func::FuncOp func, const rt::ChipDesc &chip);

} // namespace tessel

#endif
