//===- IntegerTensors.cpp - Which integer tensors the chip holds in int32 -===//
#include "tessel/Transforms/IntegerTensors.h"

#include "Graph/GraphOps.h"
#include "Grid/GridDialect.h"

using namespace mlir;
using namespace tessel;

bool tessel::isIntegerTensor(Type type) {
  auto tensor = dyn_cast<RankedTensorType>(type);
  if (!tensor)
    return false;
  auto elt = dyn_cast<IntegerType>(tensor.getElementType());
  return elt && elt.getWidth() > 1;
}

namespace {

bool isFloatTensor(Type type) {
  auto tensor = dyn_cast<RankedTensorType>(type);
  return tensor && isa<FloatType>(tensor.getElementType());
}

/// Whether `op` computes exactly on integer tensors in an int32 Dst (the FPU's integer matmul,
/// the SFPU's integer add, sub, mul, div, mod, max, min, comparisons, where, relu, negate, abs,
/// sign, reduces, and its typecasts for casts between integers and floats), or only moves
/// values.
bool computesIntegers(Operation *op) {
  if (isa<graph::ConstantOp, graph::ReshapeOp, graph::TransposeOp, graph::ConcatOp,
          graph::GatherRowsOp>(op))
    return true;
  // A remap's padding goes in as a float: zero is the only one whose bits are the integer's.
  if (auto remap = dyn_cast<graph::RemapOp>(op))
    return remap.getPadding().isZero();
  if (auto b = dyn_cast<graph::BinaryOp>(op)) {
    using K = graph::BinaryKind;
    if (!isIntegerTensor(b.getLhs().getType()) || !isIntegerTensor(b.getRhs().getType()))
      return false;
    if (llvm::is_contained(
            {K::add, K::sub, K::mul, K::div, K::mod, K::fmod, K::pow, K::max, K::min},
            b.getKind()))
      return isIntegerTensor(b.getType());
    // Comparisons give booleans, held as f32.
    return llvm::is_contained(
        {K::equal, K::less, K::greater, K::less_or_equal, K::greater_or_equal}, b.getKind());
  }
  if (auto u = dyn_cast<graph::UnaryOp>(op)) {
    using K = graph::UnaryKind;
    Type in = u.getInput().getType(), out = u.getType();
    if (isIntegerTensor(in) && isIntegerTensor(out))
      return llvm::is_contained({K::identity, K::neg, K::abs, K::relu, K::sign}, u.getKind());
    // Casts: float to integer (truncating) and integer to float.
    if (isFloatTensor(in) && isIntegerTensor(out))
      return u.getKind() == K::identity || u.getKind() == K::trunc;
    return isIntegerTensor(in) && isFloatTensor(out) && u.getKind() == K::identity;
  }
  // Integer sums, maxima, minima and products of the input alone (no weights, bias or
  // activation after).
  if (auto r = dyn_cast<graph::ReduceOp>(op)) {
    using K = graph::ReduceKind;
    return llvm::is_contained({K::sum, K::max, K::min, K::prod}, r.getKind()) &&
           op->getNumOperands() == 1 && !r.getActivation() &&
           isIntegerTensor(r.getInput().getType()) && isIntegerTensor(r.getType());
  }
  // An integer product (MatMulInteger's), with nothing fused after it.
  if (auto mm = dyn_cast<graph::MatMulOp>(op))
    return !mm.getBias() && !mm.getResidual() && !mm.getActivation() &&
           mm.getScale().convertToFloat() == 1.0f && isIntegerTensor(mm.getLhs().getType()) &&
           isIntegerTensor(mm.getRhs().getType()) && isIntegerTensor(mm.getType());
  if (auto w = dyn_cast<graph::WhereOp>(op))
    return isIntegerTensor(w.getLhs().getType()) && isIntegerTensor(w.getRhs().getType()) &&
           isIntegerTensor(w.getType());
  return false;
}
} // namespace

llvm::DenseSet<Value> tessel::int32Tensors(func::FuncOp func) {
  llvm::DenseSet<Value> candidates;
  auto consider = [&](Value v) {
    if (isIntegerTensor(v.getType()))
      candidates.insert(v);
  };
  for (BlockArgument arg : func.getArguments())
    consider(arg);
  func.walk([&](Operation *op) {
    for (Value r : op->getResults())
      consider(r);
  });
  // Every integer tensor starts in; an op that cannot compute in int32 (computesIntegers), or
  // one of whose integer tensors has left, takes all of its integer tensors out, until nothing
  // leaves. What stays is produced and used only by integer math, moves and the boundary.
  auto ops = [](Value v) {
    SmallVector<Operation *> touching(v.getUsers());
    if (Operation *def = v.getDefiningOp())
      touching.push_back(def);
    return touching;
  };
  auto tensorsOf = [](Operation *op) {
    SmallVector<Value> all(op->getOperands());
    llvm::append_range(all, op->getResults());
    return all;
  };
  auto holds = [&](Operation *op) {
    if (isa<func::ReturnOp>(op))
      return true;
    if (!computesIntegers(op))
      return false;
    for (Value v : tensorsOf(op))
      if (isIntegerTensor(v.getType()) && !candidates.contains(v))
        return false;
    return true;
  };
  SmallVector<Value> left;
  auto evict = [&](Operation *op) {
    for (Value v : tensorsOf(op))
      if (candidates.erase(v))
        left.push_back(v);
  };
  func.walk([&](Operation *op) {
    if (!holds(op))
      evict(op);
  });
  while (!left.empty())
    for (Operation *op : ops(left.pop_back_val()))
      if (!holds(op))
        evict(op);
  return candidates;
}

bool tessel::computesInInt32Dst(Operation *op) {
  auto isInt32 = [](Type t) {
    grid::LayoutAttr layout = grid::getLayout(t);
    return layout && layout.getFormat() == tile::DataFormat::int32;
  };
  if (op->getNumResults() == 1 && isInt32(op->getResult(0).getType()))
    return true;
  return isa<graph::UnaryOp, graph::BinaryOp>(op) &&
         llvm::any_of(op->getOperandTypes(), isInt32);
}
