#include "tessel/Conversion/DispatchBuilder.h"

#include "mlir/IR/AffineExpr.h"

#include <cmath>

using namespace mlir;
using namespace tessel;
using namespace tessel::lowering;

TiledView TiledView::of(Type type) {
  ArrayRef<int64_t> shape = cast<RankedTensorType>(type).getShape();
  TiledView v;
  size_t rank = shape.size();
  if (rank >= 1)
    v.cols = shape[rank - 1];
  if (rank >= 2)
    v.rows = shape[rank - 2];
  for (size_t i = 0; i + 2 < rank; ++i) {
    v.batchShape.push_back(shape[i]);
    v.batch *= shape[i];
  }
  v.mt = (v.rows + 31) / 32;
  v.nt = (v.cols + 31) / 32;
  return v;
}

TiledView TiledView::batchAsRows() const {
  TiledView v = *this;
  v.rows *= batch;
  v.mt *= batch;
  v.batch = 1;
  v.batchShape.clear();
  return v;
}

tile::Broadcast tessel::lowering::inTileBroadcast(const TiledView &operand, const TiledView &out) {
  bool rows = operand.rows == 1 && out.rows > 1, cols = operand.cols == 1 && out.cols > 1;
  if (rows && cols)
    return tile::Broadcast::scalar;
  if (rows)
    return tile::Broadcast::rows;
  if (cols)
    return tile::Broadcast::cols;
  return tile::Broadcast::none;
}

AffineExpr tessel::lowering::broadcastTileIndex(const TiledView &operand, const TiledView &out,
                                                AffineExpr b, AffineExpr mt, AffineExpr nt) {
  // Walk the output's batch dims from the innermost; the operand's are right-aligned to them.
  AffineExpr batch = getAffineConstantExpr(0, b.getContext());
  int64_t outStride = 1, opStride = 1;
  size_t outRank = out.batchShape.size(), opRank = operand.batchShape.size();
  for (size_t k = 0; k < outRank; ++k) {
    size_t outDim = outRank - 1 - k;
    int64_t size = out.batchShape[outDim];
    if (k < opRank) {
      int64_t opSize = operand.batchShape[opRank - 1 - k];
      if (opSize != 1)
        batch = batch + ((b.floorDiv(outStride)) % size) * opStride;
      opStride *= opSize;
    }
    outStride *= size;
  }
  AffineExpr row = operand.mt == 1 ? getAffineConstantExpr(0, b.getContext()) : mt;
  AffineExpr col = operand.nt == 1 ? getAffineConstantExpr(0, b.getContext()) : nt;
  return (batch * operand.mt + row) * operand.nt + col;
}

tile::DataFormat tessel::lowering::formatOf(Value v) {
  if (auto tileType = dyn_cast<tile::TileType>(v.getType()))
    return tileType.getFormat();
  return grid::getLayout(v.getType()).getFormat();
}

int64_t LoweringOptions::dstCapacity() const {
  int64_t tiles = tile::isWideDst(dstFormat) ? chip.dstTilesF32 : chip.dstTilesBf16;
  return std::max<int64_t>(tiles / 2, 1);
}

DispatchBuilder::DispatchBuilder(OpBuilder &b, Location loc, StringRef opName,
                                 const CoreSplit &split, ValueRange inputs,
                                 ArrayRef<Type> outputTypes, const LoweringOptions &options,
                                 int64_t macs, Value into)
    : b(b), loc(loc), coreSplit(split), numInputs(inputs.size()) {
  MLIRContext *ctx = b.getContext();
  SmallVector<Value> outputs;
  if (into)
    outputs.push_back(into);
  else
    for (Type t : outputTypes)
      outputs.push_back(b.create<grid::EmptyOp>(loc, t, IntegerAttr()));
  auto cores = grid::CoreRangeAttr::get(ctx, 0, 0, split.width - 1, split.height - 1);
  dispatch = b.create<grid::DispatchOp>(
      loc, outputTypes, b.getStringAttr(opName), cores, inputs, outputs,
      b.getI64IntegerAttr(macs), tile::MathFidelityAttr::get(ctx, options.fidelity),
      tile::DataFormatAttr::get(ctx, options.dstFormat), /*joined=*/nullptr);
  createBody();
}

DispatchBuilder::DispatchBuilder(OpBuilder &b, grid::DispatchOp like, const CoreSplit &split,
                                 std::optional<ValueRange> inputs)
    : b(b), loc(like.getLoc()), coreSplit(split),
      numInputs(inputs ? inputs->size() : like.getInputs().size()) {
  dispatch = b.create<grid::DispatchOp>(loc, like.getResultTypes(), like.getOpAttr(),
                                        like.getCoresAttr(), inputs ? *inputs : like.getInputs(),
                                        like.getOutputs(),
                                        like.getMacsAttr(), like.getFidelityAttr(),
                                        like.getDstFormatAttr(), like.getJoinedAttr());
  dispatch->setDiscardableAttrs(like->getDiscardableAttrDictionary());
  createBody();
}

void DispatchBuilder::createBody() {
  OpBuilder::InsertionGuard guard(b);
  SmallVector<Type> types(dispatch->getOperandTypes());
  body = b.createBlock(&dispatch.getBody(), {}, types, SmallVector<Location>(types.size(), loc));
}

Value DispatchBuilder::cb(tile::DataFormat format, int64_t numTiles) {
  OpBuilder::InsertionGuard guard(b);
  b.setInsertionPointToEnd(body);
  auto tileType = tile::TileType::get(b.getContext(), 32, 32, format);
  auto type = noc::CircularBufferType::get(b.getContext(), tileType, numTiles);
  return b.create<noc::CBOp>(loc, type, b.getI64IntegerAttr(nextCB++), IntegerAttr());
}

void DispatchBuilder::kernel(noc::ThreadKind thread) {
  b.setInsertionPointToEnd(body);
  auto op = b.create<noc::KernelOp>(loc, noc::ThreadKindAttr::get(b.getContext(), thread));
  b.setInsertionPointToStart(&op.getBody().emplaceBlock());
  defineCore();
}

void DispatchBuilder::tileLoop() {
  b.setInsertionPointToEnd(body);
  defineCore();
}

void DispatchBuilder::defineCore() {
  coreLinear = b.create<grid::CoreIndexOp>(
      loc, b.getIndexType(), grid::CoreDimAttr::get(b.getContext(), grid::CoreDim::linear));
}

Value DispatchBuilder::index(int64_t v) { return b.create<arith::ConstantIndexOp>(loc, v); }

Value DispatchBuilder::apply(AffineExpr expr, ValueRange dims) {
  auto map = AffineMap::get(dims.size(), 0, expr);
  SmallVector<OpFoldResult> operands(dims.begin(), dims.end());
  return affine::makeComposedAffineApply(b, loc, map, operands);
}

void DispatchBuilder::loop(Value count, function_ref<void(Value)> bodyFn) {
  auto forOp = b.create<scf::ForOp>(loc, index(0), count, index(1));
  OpBuilder::InsertionGuard guard(b);
  b.setInsertionPoint(forOp.getBody()->getTerminator());
  bodyFn(forOp.getInductionVar());
}

void DispatchBuilder::loop(int64_t count, function_ref<void(Value)> bodyFn) {
  loop(index(count), bodyFn);
}

ValueRange DispatchBuilder::loopCarrying(
    int64_t from, int64_t to, ValueRange carried,
    function_ref<SmallVector<Value>(Value iv, ValueRange carried)> bodyFn) {
  auto forOp = b.create<scf::ForOp>(loc, index(from), index(to), index(1), carried);
  OpBuilder::InsertionGuard guard(b);
  b.setInsertionPointToEnd(forOp.getBody());
  b.create<scf::YieldOp>(loc, bodyFn(forOp.getInductionVar(), forOp.getRegionIterArgs()));
  return forOp.getResults();
}

Value DispatchBuilder::unit(Value iv) {
  AffineExpr core = b.getAffineDimExpr(0), step = b.getAffineDimExpr(1);
  return apply(core * coreSplit.perCore + step, {coreLinear, iv});
}

void DispatchBuilder::when(AffineExpr flag, function_ref<void()> bodyFn) {
  loop(apply(flag, coreLinear), [&](Value) { bodyFn(); });
}

Value DispatchBuilder::compute(ValueRange tiles, ValueRange indices, tile::DataFormat format,
                               ComputeBody body) {
  auto type = tile::TileType::get(b.getContext(), 32, 32, format);
  auto op = b.create<grid::ComputeOp>(loc, type, tiles, indices);
  OpBuilder::InsertionGuard guard(b);
  SmallVector<Type> argTypes(tiles.getTypes());
  argTypes.append(indices.size(), b.getIndexType());
  Block *block = b.createBlock(&op.getBody(), {}, argTypes,
                               SmallVector<Location>(argTypes.size(), loc));
  Value dst = index(0);
  SmallVector<Value> args(block->getArguments());
  body(ArrayRef(args).take_front(tiles.size()), ArrayRef(args).drop_front(tiles.size()), dst);
  b.create<grid::YieldOp>(loc, packTile(dst, format));
  return op.getResult();
}

Value DispatchBuilder::packTile(Value dst, tile::DataFormat format) {
  return b.create<tile::PackOp>(loc, tile::TileType::get(b.getContext(), 32, 32, format), dst,
                                /*relu=*/false);
}

Value DispatchBuilder::load(Value tensor, Value index, AffineExpr tile, bool firstRow) {
  auto type = tile::TileType::get(b.getContext(), 32, 32, formatOf(tensor));
  auto map = AffineMap::get(1, 0, tile);
  return b.create<grid::LoadOp>(loc, type, tensor, index, AffineMapAttr::get(map),
                                firstRow ? b.getUnitAttr() : UnitAttr());
}

Value DispatchBuilder::gather(Value tensor, Value index, const TileGather &g) {
  MLIRContext *ctx = b.getContext();
  auto type = tile::TileType::get(ctx, 32, 32, formatOf(tensor));
  auto map = AffineMap::get(3, 0, {g.inTile, g.inOffset, g.outside}, ctx);
  return b.create<grid::GatherOp>(loc, type, tensor, index, AffineMapAttr::get(map),
                                  b.getI64IntegerAttr(g.runLength),
                                  b.getI64IntegerAttr(g.columns), b.getF32FloatAttr(g.fill));
}

Value DispatchBuilder::loadRow(Value tensor, Value unit, AffineExpr tile, int64_t count,
                               RowRead how, bool prefetch) {
  auto tileType = tile::TileType::get(b.getContext(), 32, 32, formatOf(tensor));
  auto map = AffineMap::get(2, 0, tile);
  auto flag = [&](bool set) { return set ? b.getUnitAttr() : UnitAttr(); };
  return b.create<grid::LoadRowOp>(loc, RankedTensorType::get({count}, tileType), tensor, unit,
                                   AffineMapAttr::get(map), flag(how == RowRead::firstRows),
                                   flag(how == RowRead::scalars), flag(prefetch));
}

Value DispatchBuilder::emptyRow(tile::DataFormat format, int64_t count) {
  return b.create<tensor::EmptyOp>(loc, ArrayRef<int64_t>{count},
                                   tile::TileType::get(b.getContext(), 32, 32, format));
}

Value DispatchBuilder::rowTile(Value row, Value j) {
  return b.create<tensor::ExtractOp>(loc, row, j);
}

Value DispatchBuilder::rowInsert(Value tile, Value row, Value j) {
  return b.create<tensor::InsertOp>(loc, tile, row, j);
}

void DispatchBuilder::semWait(int64_t sem, Value value) {
  b.create<noc::SemaphoreWaitOp>(loc, b.getI64IntegerAttr(sem), value);
}

void DispatchBuilder::semInc(Value x, Value y, int64_t sem, int64_t n) {
  b.create<noc::SemaphoreIncOp>(loc, b.getI64IntegerAttr(sem), b.getI64IntegerAttr(n), x, y);
}

void DispatchBuilder::multicast(Value cb, Value slot, Value x0, Value y0, Value x1, Value y1,
                                Value noc) {
  b.create<noc::MulticastOp>(loc, cb, slot, x0, y0, x1, y1, slot, noc);
}

void DispatchBuilder::reserve(Value cb, int64_t n) {
  b.create<noc::CBReserveOp>(loc, cb, b.getI64IntegerAttr(n));
}
void DispatchBuilder::push(Value cb, int64_t n) {
  b.create<noc::CBPushOp>(loc, cb, b.getI64IntegerAttr(n));
}
void DispatchBuilder::wait(Value cb, int64_t n) {
  b.create<noc::CBWaitOp>(loc, cb, b.getI64IntegerAttr(n));
}
void DispatchBuilder::pop(Value cb, int64_t n) {
  b.create<noc::CBPopOp>(loc, cb, b.getI64IntegerAttr(n));
}
void DispatchBuilder::read(Value buffer, Value tileIdx, Value cb, Value slot, bool firstRow,
                           Value noc) {
  if (!firstRow) {
    b.create<noc::ReadOp>(loc, buffer, tileIdx, cb, slot, noc);
    return;
  }
  Value zero = index(0);
  b.create<noc::ReadSpanOp>(loc, buffer, tileIdx, zero, cb, slot, zero, index(32), zero,
                            b.getF32FloatAttr(0.0f));
}
void DispatchBuilder::write(Value cb, Value slot, Value buffer, Value tileIdx, bool noc0) {
  b.create<noc::WriteOp>(loc, cb, slot, buffer, tileIdx, noc0);
}
void DispatchBuilder::readSpan(Value buffer, Value tileIdx, Value offset, Value cb, Value slot,
                               Value dstOffset, int64_t count) {
  b.create<noc::ReadSpanOp>(loc, buffer, tileIdx, offset, cb, slot, dstOffset, index(count),
                            index(0), b.getF32FloatAttr(0.0f));
}
void DispatchBuilder::fillSpan(Value buffer, Value cb, Value slot, Value dstOffset,
                               int64_t count, float fill) {
  b.create<noc::ReadSpanOp>(loc, buffer, index(0), index(0), cb, slot, dstOffset, index(count),
                            index(1), b.getF32FloatAttr(fill));
}
Value DispatchBuilder::tileNonzero(Value cb, Value slot, int64_t skips) {
  return b.create<noc::CBTileNonzeroOp>(loc, b.getIndexType(), cb, slot,
                                        b.getI64IntegerAttr(skips));
}
Value DispatchBuilder::loadIndex(Value cb, Value slot, Value element, int64_t wrap) {
  return b.create<noc::CBLoadIndexOp>(loc, b.getIndexType(), cb, slot, element,
                                      b.getI64IntegerAttr(wrap));
}
void DispatchBuilder::barrier() { b.create<noc::BarrierOp>(loc); }
void DispatchBuilder::flush() { b.create<noc::FlushOp>(loc); }

void DispatchBuilder::writeUnits(int64_t tilesPerUnit, Value cb, AffineExpr tile) {
  Value zero = index(0);
  loop(coreSplit.perCore, [&](Value iv) {
    Value unit = this->unit(iv);
    loop(tilesPerUnit, [&](Value t) {
      wait(cb, 1);
      write(cb, zero, output(0), apply(tile, {unit, t}));
      flush();
      pop(cb, 1);
    });
  });
}

Value DispatchBuilder::get(Value cb, Value slot) {
  auto type = cast<noc::CircularBufferType>(cb.getType()).getTileType();
  return b.create<noc::CBGetOp>(loc, type, cb, slot);
}
void DispatchBuilder::acquireDst() { b.create<tile::AcquireDstOp>(loc); }
void DispatchBuilder::releaseDst() { b.create<tile::ReleaseDstOp>(loc); }

void DispatchBuilder::pack(Value dst, Value cb, Value slot, bool accumulate, bool relu) {
  auto type = cast<noc::CircularBufferType>(cb.getType()).getTileType();
  Value packed = b.create<tile::PackOp>(loc, type, dst, relu);
  b.create<noc::CBPutOp>(loc, packed, cb, slot, accumulate);
}

void DispatchBuilder::packOne(Value dst, Value cb) {
  reserve(cb, 1);
  pack(dst, cb, index(0));
  push(cb, 1);
}

Value DispatchBuilder::stage(Value dst, Value cb) {
  Value zero = index(0);
  reserve(cb, 1);
  pack(dst, cb, zero);
  push(cb, 1);
  wait(cb, 1);
  return get(cb, zero);
}

void DispatchBuilder::copy(Value tileValue, Value dst) {
  b.create<tile::CopyOp>(loc, tileValue, dst);
}

void DispatchBuilder::transpose(Value tileValue, Value dst) {
  b.create<tile::TransposeOp>(loc, tileValue, dst);
}

void DispatchBuilder::matmul(Value lhs, Value rhs, Value dst, bool transposeRhs) {
  b.create<tile::MatmulOp>(loc, lhs, rhs, dst, transposeRhs);
}

void DispatchBuilder::unary(tile::UnaryKind kind, Value dst, float param) {
  b.create<tile::UnaryOp>(loc, tile::UnaryKindAttr::get(b.getContext(), kind), dst,
                          b.getF32FloatAttr(param));
}

void DispatchBuilder::binary(tile::BinaryKind kind, tile::Broadcast bcast, Value lhs, Value rhs,
                             Value dst) {
  MLIRContext *ctx = b.getContext();
  b.create<tile::BinaryOp>(loc, tile::BinaryKindAttr::get(ctx, kind),
                           tile::BroadcastAttr::get(ctx, bcast), lhs, rhs, dst);
}

void DispatchBuilder::dstBinary(tile::BinaryKind kind, Value lhs, Value rhs, Value dst) {
  b.create<tile::DstBinaryOp>(loc, tile::BinaryKindAttr::get(b.getContext(), kind), lhs, rhs,
                              dst);
}

void DispatchBuilder::reduce(tile::ReduceKind kind, int64_t dim, Value tileValue, Value dst,
                             bool accumulate) {
  b.create<tile::ReduceOp>(loc, tile::ReduceKindAttr::get(b.getContext(), kind),
                           b.getI64IntegerAttr(dim), tileValue, dst,
                           accumulate ? b.getUnitAttr() : UnitAttr());
}

void DispatchBuilder::mask(Value dst, Value rows, Value cols, float fill) {
  b.create<tile::MaskOp>(loc, dst, rows, cols, b.getF32FloatAttr(fill));
}

void DispatchBuilder::activation(graph::UnaryKind kind, float lo, float hi, Value dst) {
  switch (kind) {
  case graph::UnaryKind::gelu:
    return unary(tile::UnaryKind::gelu, dst);
  case graph::UnaryKind::gelu_tanh:
    return unary(tile::UnaryKind::gelu_tanh, dst);
  case graph::UnaryKind::clip:
    if (!std::isinf(lo))
      unary(tile::UnaryKind::max_scalar, dst, lo);
    if (!std::isinf(hi))
      unary(tile::UnaryKind::min_scalar, dst, hi);
    return;
  default:
    return unary(tile::UnaryKind::relu, dst);
  }
}
