#include "tessel/Transforms/L1Tensors.h"

#include "Graph/GraphOps.h"
#include "Grid/GridDialect.h"
#include "tessel/Transforms/AbsorbedRemaps.h"
#include "tessel/Transforms/ChipInfo.h"
#include "tessel/Transforms/MatmulProblem.h"
#include "tessel/Transforms/Normalization.h"
#include "tessel/runtime/Formats.h"

using namespace mlir;
using namespace tessel;

bool tessel::gathersThroughRemap(OpOperand &use) {
  auto remap = dyn_cast<graph::RemapOp>(use.get().getDefiningOp());
  if (!remap)
    return false;
  if (auto matmul = dyn_cast<graph::MatMulOp>(use.getOwner())) {
    if (use.get() != matmul.getLhs())
      return false;
    if (auto given = matmul->getAttrOfType<grid::MatmulConfigAttr>(grid::kConfigAttrName))
      return given.gathersLhs();
    return absorbableIntoMatmul(remap);
  }
  if (auto reduce = dyn_cast<graph::ReduceOp>(use.getOwner()))
    return use.get() == reduce.getInput() && absorbableIntoReduce(remap);
  return attentionReadsThrough(use);
}

/// Remaps whose every use gathers through them, and the keys and values attention reads from
/// their cache (absorbedIntoAttention): they are never written.
static bool neverWritten(Operation *op) {
  if (absorbedIntoAttention(op))
    return true;
  return isa<graph::RemapOp>(op) && !op->use_empty() &&
         llvm::all_of(op->getUses(), gathersThroughRemap);
}

/// The position of the last op that reads `op`'s result, through ops never written.
static int64_t lastReader(Operation *op, const llvm::DenseMap<Operation *, int64_t> &position) {
  int64_t last = position.lookup(op);
  for (Operation *user : op->getUsers()) {
    last = std::max(last, position.lookup(user));
    if (neverWritten(user))
      last = std::max(last, lastReader(user, position));
  }
  return last;
}

llvm::DenseMap<Operation *, int64_t>
tessel::keepTensorsInL1(func::FuncOp func, const rt::ChipDesc &chip, int64_t capacity) {
  Block &body = func.getBody().front();
  llvm::DenseMap<Operation *, int64_t> position;
  std::vector<Operation *> ops;
  for (Operation &op : body) {
    position[&op] = int64_t(ops.size());
    ops.push_back(&op);
  }
  std::vector<int64_t> held(ops.size(), 0);
  int cores = chip.gridX * chip.gridY;
  for (Operation *op : ops) {
    if (isa<graph::ConstantOp, graph::BatchNormOp>(op) || neverWritten(op))
      continue;
    for (Value v : op->getResults()) {
      auto type = dyn_cast<RankedTensorType>(v.getType());
      if (!type || !grid::getLayout(type) ||
          grid::getLayout(type).getMemory() != grid::MemorySpace::dram || v.use_empty())
        continue;
      // Read until its last reader, or the last reader of windows gathered from it.
      int64_t last = position.lookup(op);
      bool onChip = true;
      for (Operation *user : v.getUsers()) {
        if (isa<func::ReturnOp, graph::BatchNormOp>(user) || !position.count(user))
          onChip = false;
        else
          last = std::max(last, position.lookup(user));
        if (neverWritten(user))
          last = std::max(last, lastReader(user, position));
      }
      if (!onChip)
        continue;
      int64_t size = interleavedBytes(type, cores);
      int64_t first = position.lookup(op);
      // Written over its residual in L1, it takes the residual's bytes from here on.
      auto matmul = dyn_cast<graph::MatMulOp>(op);
      if (matmul && writesOverResidual(matmul) && inL1(matmul.getResidual()))
        ++first;
      if (first <= last &&
          *std::max_element(held.begin() + first, held.begin() + last + 1) + size > capacity)
        continue;
      for (int64_t p = first; p <= last; ++p)
        held[size_t(p)] += size;
      v.setType(withMemory(type, grid::MemorySpace::l1));
    }
  }
  llvm::DenseMap<Operation *, int64_t> out;
  for (Operation *op : ops)
    out[op] = held[size_t(position.lookup(op))];
  return out;
}

bool tessel::writesOverResidual(graph::MatMulOp op) {
  Value residual = op.getResidual();
  if (!residual || !residual.getDefiningOp<graph::MatMulOp>() ||
      residual.getParentBlock() != op->getBlock())
    return false;
  // Every other reader is a dispatch that runs before it (dispatches run in program order): a
  // matmul or a reduce, or one gathering windows through a remap, never a streaming op, which
  // tt-fuse-tile-loops may move into a later consumer. It reads the residual once.
  auto earlierDispatch = [&](Operation *user) {
    return isa<graph::MatMulOp, graph::ReduceOp>(user) && user->getBlock() == op->getBlock() &&
           user->isBeforeInBlock(op);
  };
  int uses = 0;
  for (OpOperand &use : residual.getUses()) {
    Operation *user = use.getOwner();
    if (user == op.getOperation()) {
      ++uses;
      continue;
    }
    bool gathered = isa<graph::RemapOp>(user) && !user->use_empty() &&
                    llvm::all_of(user->getUses(), [&](OpOperand &window) {
                      return gathersThroughRemap(window) && earlierDispatch(window.getOwner());
                    });
    if (!gathered && !earlierDispatch(user))
      return false;
  }
  if (uses != 1)
    return false;
  auto from = cast<RankedTensorType>(residual.getType());
  auto to = cast<RankedTensorType>(op.getType());
  grid::LayoutAttr a = grid::getLayout(from), b = grid::getLayout(to);
  return from.getShape() == to.getShape() && from.getElementType() == to.getElementType() && a &&
         b && a.getFormat() == b.getFormat();
}

std::optional<ResultShards> tessel::resultShards(grid::MatmulConfigAttr config, int64_t batch,
                                                 int64_t mt, int64_t nt) {
  int64_t bm = config.getBlockM(), bn = config.getBlockN();
  if (batch != 1 || config.getGroups() != 1)
    return std::nullopt;
  // Two-dimensional: core (x, y) computes block (y, x).
  if (config.isTwoDimensional()) {
    if (config.getGridM() * bm != mt || config.getGridN() * bn != nt)
      return std::nullopt;
    return ResultShards{grid::Sharding::block_sharded, bm, bn};
  }
  int64_t cores = config.getCoresX() * config.getCoresY();
  // One row of blocks (a decoder's few rows by a weight's columns): core c is block column c,
  // every row of the c-th columns.
  if (config.isMulticast() && config.getGridM() == 1 && bm == mt && cores * bn == nt &&
      config.getGridN() == cores)
    return ResultShards{grid::Sharding::width_sharded, mt, bn};
  // Multicast: core c is block row c of a grid with one column of blocks. Unicast: core c takes
  // block c, and one block per row makes it row block c.
  if (config.getGridN() != 1 || bn != nt || cores * bm != mt)
    return std::nullopt;
  return ResultShards{grid::Sharding::height_sharded, bm, nt};
}

/// Whether every matmul that reads `v` (as its lhs, through windows it gathers, or as its
/// residual) computes its output in one pass: then its cores read rows spread over the shards,
/// each shard serving a core or a few. One whose cores take their rows in passes would have all
/// of them read the few shards of one pass's rows at once.
static bool matmulReadersAligned(Value v) {
  auto aligned = [&](graph::MatMulOp reader) {
    auto config = reader->getAttrOfType<grid::MatmulConfigAttr>(grid::kConfigAttrName);
    rt::TiledShape out = tiledShapeOf(reader.getType());
    cost::MatmulProblem problem;
    problem.batch = out.batch, problem.mt = out.rowsTiles, problem.nt = out.colsTiles;
    return config && matmulPlan(config).passes(problem) == 1;
  };
  for (OpOperand &use : v.getUses()) {
    Operation *user = use.getOwner();
    if (auto matmul = dyn_cast<graph::MatMulOp>(user)) {
      if (!aligned(matmul))
        return false;
    } else if (isa<graph::RemapOp>(user)) {
      for (OpOperand &gathered : user->getUses())
        if (auto matmul = dyn_cast<graph::MatMulOp>(gathered.getOwner()))
          if (gathersThroughRemap(gathered) && !aligned(matmul))
            return false;
    }
  }
  return true;
}

/// Whether an op other than a matmul reads `v`. A matmul reads its lhs in K chunks, each from
/// the few cores whose width shards hold the chunk's columns: those cost a matmul reader more
/// than interleaved ones (measured, bf16: a 32x1024 by 1024x4096 matmul's result read by one of
/// 4096x1024 took 74.6k cycles width-sharded, 73.7k interleaved; 64 rows 78.2k, 76.0k), and
/// pay where a streaming op's cores read their own (its SwiGLU product: 109.8k, 111.3k).
static bool readBeyondMatmuls(Value v) {
  return llvm::any_of(v.getUsers(), [](Operation *user) { return !isa<graph::MatMulOp>(user); });
}

/// The output tiles one unit of `op`'s dispatch writes, when tt-lower-graph-to-grid splits its
/// units evenly over the cores (splitOverCores) and unit u writes tiles [u * n, (u + 1) * n):
/// one tile for reduces and the tile loops, a row of tiles for softmax, the normalisations and
/// attention (32 queries).
static std::optional<int64_t> streamingUnitTiles(Operation *op, const rt::TiledShape &tiled) {
  if (isa<graph::ReduceOp, graph::UnaryOp, graph::BinaryOp, graph::WhereOp, graph::TransposeOp,
          graph::ConcatOp, graph::ReshapeOp>(op))
    return 1;
  // Attention written through result_map puts its units' tiles elsewhere.
  if (auto sdpa = dyn_cast<graph::SDPAOp>(op); sdpa && sdpa.getResultMap())
    return std::nullopt;
  if (isa<graph::SoftmaxOp, graph::LayerNormOp, graph::RMSNormOp, graph::SDPAOp>(op))
    return tiled.colsTiles;
  // A sample's group of channels.
  if (auto gn = dyn_cast<graph::GroupNormOp>(op))
    return gn.getType().getDimSize(1) / gn.getNumGroups() * groupNormChannelTiles(gn);
  // A remap whose every reader gathers through it gets no dispatch and writes nothing.
  if (isa<graph::RemapOp>(op) && !llvm::all_of(op->getUses(), gathersThroughRemap))
    return 1;
  return std::nullopt;
}

int64_t tessel::shardResults(func::FuncOp func, const rt::ChipDesc &chip) {
  int64_t sharded = 0;
  auto interleavedInL1 = [](RankedTensorType type) {
    grid::LayoutAttr layout = grid::getLayout(type);
    return layout && layout.getMemory() == grid::MemorySpace::l1 &&
           layout.getSharding() == grid::Sharding::interleaved;
  };
  // Core c of a streaming op's dispatch writes its output tiles [c * perCore, (c + 1) *
  // perCore) of units of `unitTiles` tiles, row-major: whole rows are height shards, a row's
  // equal pieces block shards of one row, or width shards where the tensor has one row of tiles.
  func.walk([&](Operation *op) {
    if (op->getNumResults() != 1)
      return;
    auto type = dyn_cast<RankedTensorType>(op->getResult(0).getType());
    if (!type || !interleavedInL1(type))
      return;
    rt::TiledShape tiled = tiledShapeOf(type);
    std::optional<int64_t> unitTiles = streamingUnitTiles(op, tiled);
    if (!unitTiles || !matmulReadersAligned(op->getResult(0)))
      return;
    CoreSplit split = splitOverCores(tiled.tiles() / *unitTiles, chip);
    int64_t perCore = split.perCore * *unitTiles, cols = tiled.colsTiles;
    if (split.cores() == 1 || (perCore % cols && cols % perCore))
      return;
    bool rows = perCore % cols == 0;
    grid::Sharding sharding = rows                           ? grid::Sharding::height_sharded
                              : tiled.batch * tiled.rowsTiles == 1 ? grid::Sharding::width_sharded
                                                                   : grid::Sharding::block_sharded;
    if (sharding == grid::Sharding::width_sharded && !readBeyondMatmuls(op->getResult(0)))
      return;
    op->getResult(0).setType(withShards(type, sharding, rows ? perCore / cols : 1,
                                        rows ? cols : perCore, split.width, split.height));
    ++sharded;
  });
  func.walk([&](graph::MatMulOp op) {
    auto config = op->getAttrOfType<grid::MatmulConfigAttr>(grid::kConfigAttrName);
    auto type = cast<RankedTensorType>(op.getType());
    if (!config || !interleavedInL1(type))
      return;
    rt::TiledShape tiled = tiledShapeOf(type);
    std::optional<ResultShards> shards =
        resultShards(config, tiled.batch, tiled.rowsTiles, tiled.colsTiles);
    if (!shards || !matmulReadersAligned(op.getResult()) ||
        (shards->sharding == grid::Sharding::width_sharded && !readBeyondMatmuls(op.getResult())))
      return;
    op.getResult().setType(withShards(type, shards->sharding, shards->rows, shards->cols,
                                      config.getCoresX(), config.getCoresY()));
    ++sharded;
  });
  return sharded;
}

int64_t tessel::markWritesOverResidual(func::FuncOp func) {
  int64_t marked = 0;
  func.walk([&](graph::MatMulOp op) {
    if (writesOverResidual(op) && inL1(op.getResidual()) &&
        op.getResidual().getType() == op.getType()) {
      op->setAttr(grid::kOverResidualAttrName, UnitAttr::get(op.getContext()));
      ++marked;
    }
  });
  return marked;
}
