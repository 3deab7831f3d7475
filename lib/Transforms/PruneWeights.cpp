#include "tessel/Transforms/Passes.h"
#include "tessel/Transforms/ZeroTiles.h"

#include "Graph/GraphOps.h"

#include "mlir/IR/BuiltinOps.h"
#include "llvm/ADT/SetVector.h"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace tessel {
#define GEN_PASS_DEF_PRUNEWEIGHTS
#include "tessel/Transforms/Passes.h.inc"
} // namespace tessel

using namespace mlir;
using namespace tessel;

namespace {

struct PruneWeightsPass : tessel::impl::PruneWeightsBase<PruneWeightsPass> {
  using PruneWeightsBase::PruneWeightsBase;

  void runOnOperation() override {
    if (!(tileFraction >= 0.0 && tileFraction <= 1.0)) {
      getOperation().emitError() << "tile-fraction must be in [0, 1], not " << tileFraction;
      return signalPassFailure();
    }
    // A weight several matmuls share is pruned once.
    llvm::SetVector<graph::ConstantOp> weights;
    getOperation().walk([&](graph::MatMulOp op) {
      if (auto constant = op.getRhs().getDefiningOp<graph::ConstantOp>())
        weights.insert(constant);
    });
    for (graph::ConstantOp constant : weights) {
      std::optional<ConstantTiles> t = constantTiles(constant.getResult());
      if (!t)
        continue;
      std::vector<double> norm(size_t(t->tiles()), 0.0);
      for (int64_t r = 0; r < t->rows; ++r)
        for (int64_t c = 0; c < t->cols; ++c) {
          double v = t->values[size_t(r * t->cols + c)];
          norm[size_t(t->tileOf(r, c))] += v * v;
        }
      std::vector<int64_t> order(norm.size());
      std::iota(order.begin(), order.end(), 0);
      std::stable_sort(order.begin(), order.end(),
                       [&](int64_t a, int64_t b) { return norm[size_t(a)] < norm[size_t(b)]; });
      auto zeroed = int64_t(std::floor(tileFraction * double(t->tiles())));
      std::vector<bool> prune(norm.size(), false);
      for (int64_t i = 0; i < zeroed; ++i) {
        prune[size_t(order[size_t(i)])] = true;
        numZeroed += t->place[size_t(order[size_t(i)])] != 0;
      }
      for (int64_t r = 0; r < t->rows; ++r)
        for (int64_t c = 0; c < t->cols; ++c)
          if (prune[size_t(t->tileOf(r, c))])
            t->values[size_t(r * t->cols + c)] = 0.0f;
      auto type = constant.getType();
      auto plain = RankedTensorType::get(type.getShape(), type.getElementType());
      constant.setValueAttr(cast<TypedAttr>(
          graph::makeF32Elements(plain, t->values, graph::nodeNames(constant.getLoc()))));
      ++numWeights;
    }
  }
};

} // namespace
