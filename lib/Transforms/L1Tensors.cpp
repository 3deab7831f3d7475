#include "tessel/Transforms/L1Tensors.h"

#include "Graph/GraphOps.h"
#include "Grid/GridDialect.h"
#include "tessel/Transforms/AbsorbedRemaps.h"
#include "tessel/Transforms/ChipInfo.h"

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
  return false;
}

/// Remaps whose every use gathers through them: they are never written.
static bool neverWritten(Operation *op) {
  return isa<graph::RemapOp>(op) && !op->use_empty() &&
         llvm::all_of(op->getUses(), gathersThroughRemap);
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
          for (Operation *reader : user->getUsers())
            last = std::max(last, position.lookup(reader));
      }
      if (!onChip)
        continue;
      int64_t size = interleavedBytes(type, cores);
      int64_t first = position.lookup(op);
      if (*std::max_element(held.begin() + first, held.begin() + last + 1) + size > capacity)
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
