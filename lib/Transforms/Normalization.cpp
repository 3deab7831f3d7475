#include "tessel/Transforms/Normalization.h"

#include "Grid/GridDialect.h"
#include "Tile/TileDialect.h"
#include "tessel/Transforms/ChipInfo.h"

using namespace mlir;
using namespace tessel;

std::optional<NormView> NormView::of(Operation *op) {
  if (auto ln = dyn_cast<graph::LayerNormOp>(op))
    return NormView{op, ln.getInput(), ln.getScale(), ln.getBias(), int64_t(ln.getAxis()),
                    ln.getEpsilon().convertToFloat(), false};
  if (auto rms = dyn_cast<graph::RMSNormOp>(op))
    return NormView{op, rms.getInput(), rms.getScale(), Value(), int64_t(rms.getAxis()),
                    rms.getEpsilon().convertToFloat(), true};
  return std::nullopt;
}

RankedTensorType NormView::type() const {
  return cast<RankedTensorType>(op->getResult(0).getType());
}

bool tessel::normHasRowKernel(const NormView &norm) {
  ArrayRef<int64_t> shape = norm.type().getShape();
  if (norm.axis != int64_t(shape.size()) - 1)
    return false;
  for (Value p : {norm.scale, norm.bias}) {
    if (!p)
      continue;
    ArrayRef<int64_t> ps = cast<RankedTensorType>(p.getType()).getShape();
    if (ps.empty() || ps.back() != shape.back() ||
        llvm::any_of(ps.drop_back(), [](int64_t d) { return d != 1; }))
      return false;
  }
  return true;
}

int64_t tessel::normRowTiles(const NormView &norm) {
  return (norm.type().getShape().back() + 31) / 32;
}

int64_t tessel::normRowL1Bytes(const NormView &norm) {
  int64_t tiles = normRowTiles(norm);
  int64_t rows = 1 + !norm.rms + bool(norm.scale) + bool(norm.bias);
  return (rows * tiles + 8) * tile::tileBytes(grid::getLayout(norm.type()).getFormat());
}

int64_t tessel::normTileRows(const NormView &norm) { return tileRows(norm.type()); }

void tessel::expandNorm(RewriterBase &rewriter, const NormView &norm) {
  OpBuilder::InsertionGuard guard(rewriter);
  rewriter.setInsertionPoint(norm.op);
  Operation *prev = norm.op->getPrevNode();
  RankedTensorType type = norm.type();
  Attribute encoding = type.getEncoding(), scalarEncoding;
  if (auto layout = dyn_cast_or_null<grid::LayoutAttr>(encoding))
    scalarEncoding = grid::LayoutAttr::getInterleaved(rewriter.getContext(), layout.getFormat());
  SmallVector<int64_t> axes;
  for (int64_t a = norm.axis; a < type.getRank(); ++a)
    axes.push_back(a);
  Location loc = norm.op->getLoc();
  Value y = graph::buildNormalization(rewriter, loc, norm.input, axes, norm.epsilon, norm.rms,
                                      encoding, scalarEncoding)
                .normal;
  if (norm.scale)
    y = rewriter.create<graph::BinaryOp>(loc, type, graph::BinaryKind::mul, y, norm.scale);
  if (norm.bias)
    y = rewriter.create<graph::BinaryOp>(loc, type, graph::BinaryKind::add, y, norm.bias);
  grid::inheritComputeConfig(norm.op, prev);
  rewriter.replaceOp(norm.op, y);
}

int64_t tessel::groupNormChannelTiles(graph::GroupNormOp op) {
  ArrayRef<int64_t> shape = op.getType().getShape();
  int64_t tiles = 1;
  for (size_t k = 2; k < shape.size(); ++k)
    tiles *= k + 2 < shape.size() ? shape[k] : (shape[k] + 31) / 32;
  return tiles;
}

int64_t tessel::groupNormL1Bytes(graph::GroupNormOp op) {
  int64_t cg = op.getType().getDimSize(1) / op.getNumGroups();
  int64_t params = bool(op.getScale()) + bool(op.getBias());
  return (2 * cg * groupNormChannelTiles(op) + params * cg + 9) *
         tile::tileBytes(grid::getLayout(op.getType()).getFormat());
}

void tessel::expandGroupNorm(RewriterBase &rewriter, graph::GroupNormOp op) {
  OpBuilder::InsertionGuard guard(rewriter);
  rewriter.setInsertionPoint(op);
  Operation *prev = op->getPrevNode();
  RankedTensorType type = op.getType();
  Attribute encoding = type.getEncoding(), scalarEncoding;
  if (auto layout = dyn_cast_or_null<grid::LayoutAttr>(encoding))
    scalarEncoding = grid::LayoutAttr::getInterleaved(rewriter.getContext(), layout.getFormat());
  Location loc = op.getLoc();
  int64_t groups = op.getNumGroups(), n = type.getDimSize(0);
  auto grouped = RankedTensorType::get({n, groups, type.getNumElements() / (n * groups)},
                                       type.getElementType(), encoding);
  Value x = rewriter.create<graph::ReshapeOp>(loc, grouped, op.getInput());
  Value y = graph::buildNormalization(rewriter, loc, x, {2}, op.getEpsilon().convertToFloat(),
                                      /*rms=*/false, encoding, scalarEncoding)
                .normal;
  y = rewriter.create<graph::ReshapeOp>(loc, type, y);
  // [C] as [C, 1, ..., 1] against [N, C, spatial...].
  SmallVector<int64_t> paramShape(type.getRank() - 1, 1);
  paramShape[0] = type.getDimSize(1);
  for (auto [p, kind] : {std::pair(op.getScale(), graph::BinaryKind::mul),
                         std::pair(op.getBias(), graph::BinaryKind::add)}) {
    if (!p)
      continue;
    auto pType = cast<RankedTensorType>(p.getType());
    Value shaped = rewriter.create<graph::ReshapeOp>(
        loc, RankedTensorType::get(paramShape, pType.getElementType(), pType.getEncoding()), p);
    y = rewriter.create<graph::BinaryOp>(loc, type, kind, y, shaped);
  }
  grid::inheritComputeConfig(op, prev);
  rewriter.replaceOp(op, y);
}
