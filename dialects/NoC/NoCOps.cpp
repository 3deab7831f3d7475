#include "NoC/NoCOps.h"
#include "Grid/GridOps.h"
#include "Tile/TileOps.h"
#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/Matchers.h"
#include "llvm/ADT/TypeSwitch.h"

#include <limits>

using namespace mlir;
using namespace tessel;
using namespace tessel::noc;

static tile::TileType cbTileType(Value cb) {
  return cast<CircularBufferType>(cb.getType()).getTileType();
}

/// Data movement is the job of the reader and writer threads: the compute thread has no NoC port.
static LogicalResult verifyDataMovementThread(Operation *op) {
  auto kernel = op->getParentOfType<KernelOp>();
  if (!kernel)
    return op->emitOpError("must be inside a noc.kernel");
  if (kernel.getThread() == ThreadKind::compute)
    return op->emitOpError("cannot run on the compute thread, which has no NoC access");
  return success();
}

/// A block-float tile's values share exponents by blocks: a read cannot move part of one.
static LogicalResult verifySplittable(Operation *op, Value cb) {
  if (tile::isBlockFloat(cbTileType(cb).getFormat()))
    return op->emitOpError("cannot split block-float tiles into spans");
  return success();
}

static LogicalResult verifyBufferFormat(Operation *op, Value buffer, Value cb) {
  grid::LayoutAttr layout = grid::getLayout(buffer.getType());
  if (!layout)
    return op->emitOpError("buffer needs a #grid.layout encoding");
  if (layout.getFormat() != cbTileType(cb).getFormat())
    return op->emitOpError() << "buffer holds "
                             << tile::stringifyDataFormat(layout.getFormat())
                             << " tiles but the circular buffer holds "
                             << tile::stringifyDataFormat(cbTileType(cb).getFormat());
  return success();
}

LogicalResult CBOp::verify() {
  auto dispatch = dyn_cast_or_null<grid::DispatchOp>((*this)->getParentOp());
  if (!dispatch)
    return emitOpError("must be declared directly in a grid.dispatch body");
  int64_t id = getIdAttr().getInt();
  if (id < 0)
    return emitOpError() << "id must be non-negative, got " << id;
  for (auto other : dispatch.getBody().front().getOps<CBOp>())
    if (other != *this && other.getIdAttr().getInt() == id)
      return emitOpError() << "id " << id << " is declared twice in this dispatch";
  return success();
}

WaitGoOp KernelOp::getWaitGo() {
  auto gos = getBody().front().getOps<WaitGoOp>();
  return gos.empty() ? WaitGoOp() : *gos.begin();
}

LogicalResult KernelOp::verify() {
  auto dispatch = dyn_cast_or_null<grid::DispatchOp>((*this)->getParentOp());
  if (!dispatch)
    return emitOpError("must be directly in a grid.dispatch body");
  for (auto other : dispatch.getBody().front().getOps<KernelOp>())
    if (other != *this && other.getThread() == getThread())
      return emitOpError() << "dispatch has two " << stringifyThreadKind(getThread())
                           << " kernels";
  return success();
}

template <typename Op> static LogicalResult verifyCBCount(Op op) {
  if (!op->template getParentOfType<KernelOp>())
    return op.emitOpError("must be inside a noc.kernel");
  int64_t capacity = cast<CircularBufferType>(op.getCb().getType()).getNumTiles();
  int64_t count = op.getCountAttr().getInt();
  if (count <= 0 || count > capacity)
    return op.emitOpError() << "count " << count << " is outside [1, " << capacity
                            << "], the buffer's capacity";
  return success();
}

LogicalResult CBReserveOp::verify() { return verifyCBCount(*this); }
LogicalResult CBPushOp::verify() { return verifyCBCount(*this); }
LogicalResult CBWaitOp::verify() { return verifyCBCount(*this); }
LogicalResult CBPopOp::verify() { return verifyCBCount(*this); }

LogicalResult CBGetOp::verify() {
  if (getType() != cbTileType(getCb()))
    return emitOpError() << "result " << getType() << " differs from the buffer's tiles "
                         << cbTileType(getCb());
  return success();
}

LogicalResult CBPutOp::verify() {
  if (getValue().getType() != cbTileType(getCb()))
    return emitOpError() << "stores " << getValue().getType() << " into a buffer of "
                         << cbTileType(getCb());
  tile::DataFormat format = cbTileType(getCb()).getFormat();
  if (getAccumulate() && format != tile::DataFormat::f32 && format != tile::DataFormat::bf16)
    return emitOpError("accumulates only into f32 or bf16 tiles");
  auto pack = getValue().getDefiningOp<tile::PackOp>();
  if (getAccumulate() && pack && pack.getRelu())
    return emitOpError("accumulates a tile packed with relu: the packer takes the ReLU of what "
                       "it converts, not of the sum");
  return success();
}

/// A NoC number known at compile time must name one of the chip's two NoCs.
static LogicalResult verifyNocNumber(Operation *op, Value noc) {
  APInt n;
  if (noc && matchPattern(noc, m_ConstantInt(&n)) && n.getZExtValue() > 1)
    return op->emitOpError("names NoC ") << n.getZExtValue() << "; the chip has NoCs 0 and 1";
  return success();
}

LogicalResult ReadOp::verify() {
  if (failed(verifyDataMovementThread(*this)) || failed(verifyNocNumber(*this, getNoc())))
    return failure();
  return verifyBufferFormat(*this, getBuffer(), getCb());
}

LogicalResult WriteOp::verify() {
  if (failed(verifyDataMovementThread(*this)))
    return failure();
  return verifyBufferFormat(*this, getBuffer(), getCb());
}

LogicalResult ReadSpanOp::verify() {
  if (failed(verifyDataMovementThread(*this)))
    return failure();
  if (failed(verifySplittable(*this, getCb())))
    return failure();
  return verifyBufferFormat(*this, getBuffer(), getCb());
}

void ReadRunsOp::build(OpBuilder &b, OperationState &state, Value buffer, Value cb, Value slot,
                       int64_t runs, int64_t length, int64_t perRow, float fill, bool nearer,
                       function_ref<std::array<Value, 3>(OpBuilder &, Value)> bodyFn) {
  state.addOperands({buffer, cb, slot});
  state.addAttribute(getRunsAttrName(state.name), b.getI64IntegerAttr(runs));
  state.addAttribute(getLengthAttrName(state.name), b.getI64IntegerAttr(length));
  state.addAttribute(getPerRowAttrName(state.name), b.getI64IntegerAttr(perRow));
  state.addAttribute(getFillAttrName(state.name), b.getF32FloatAttr(fill));
  if (nearer)
    state.addAttribute(getNearerAttrName(state.name), b.getUnitAttr());
  Region *body = state.addRegion();
  Block *block = new Block();
  body->push_back(block);
  Value run = block->addArgument(b.getIndexType(), state.location);
  OpBuilder::InsertionGuard guard(b);
  b.setInsertionPointToStart(block);
  std::array<Value, 3> source = bodyFn(b, run);
  b.create<YieldOp>(state.location, source[0], source[1], source[2]);
}

LogicalResult ReadRunsOp::verify() {
  if (failed(verifyDataMovementThread(*this)))
    return failure();
  // ODS hands I64Attr out unsigned: read them signed.
  int64_t runs = getRunsAttr().getInt(), length = getLengthAttr().getInt(),
          perRow = getPerRowAttr().getInt();
  if (runs < 1 || length < 1 || perRow < 1 || perRow * length > 32 ||
      (runs + perRow - 1) / perRow > 32)
    return emitOpError("reads runs of at least one value, a row's within its 32 values and a "
                       "tile's rows at most, not ")
           << runs << " of " << length << ", " << perRow << " per row";
  if (failed(verifySplittable(*this, getCb())))
    return failure();
  return verifyBufferFormat(*this, getBuffer(), getCb());
}

LogicalResult ReadRunsOp::verifyRegions() {
  Block &block = getBody().front();
  if (block.getNumArguments() != 1 || !block.getArgument(0).getType().isIndex())
    return emitOpError("body takes one index, the run");
  if (!isa<YieldOp>(block.getTerminator()))
    return emitOpError("body must end in noc.yield");
  return success();
}

LogicalResult CBLoadIndexOp::verify() {
  if (getWrap() < 1)
    return emitOpError("wrap must be a positive size, not ") << getWrap();
  if (getWrap() > std::numeric_limits<int32_t>::max())
    return emitOpError("wrap ") << getWrap() << " does not fit the bytecode's 32-bit word";
  tile::DataFormat format = cbTileType(getCb()).getFormat();
  if (format != tile::DataFormat::f32 && format != tile::DataFormat::int32)
    return emitOpError("reads indices from f32 or int32 tiles, not ")
           << tile::stringifyDataFormat(format);
  return success();
}

LogicalResult CBTileNonzeroOp::verify() {
  auto kernel = (*this)->getParentOfType<KernelOp>();
  if (!kernel || kernel.getThread() != ThreadKind::compute)
    return emitOpError("runs on the compute thread, which unpacks tiles");
  // ODS hands I64Attr out unsigned: read it signed.
  int64_t skips = getSkipsAttr().getInt();
  if (skips < 0 || skips > std::numeric_limits<int32_t>::max())
    return emitOpError("skips ") << skips << " tile products, not a 32-bit count";
  return success();
}

LogicalResult BarrierOp::verify() { return verifyDataMovementThread(*this); }
LogicalResult FlushOp::verify() { return verifyDataMovementThread(*this); }

bool tessel::noc::runsBeforeGo(Operation &op, function_ref<bool(Value)> readable, int64_t &reads) {
  if (isa<CBReserveOp, CBPushOp, BarrierOp, grid::CoreIndexOp, affine::AffineApplyOp,
          arith::ConstantOp>(op))
    return true;
  Value source = llvm::TypeSwitch<Operation *, Value>(&op)
                     .Case<ReadOp, ReadSpanOp>([](auto read) { return read.getBuffer(); })
                     .Default([](Operation *) { return Value(); });
  if (source) {
    bool ok = readable(source);
    reads += ok;
    return ok;
  }
  if (auto loop = dyn_cast<scf::ForOp>(op))
    return llvm::all_of(loop.getBody()->without_terminator(),
                        [&](Operation &inner) { return runsBeforeGo(inner, readable, reads); });
  return false;
}

LogicalResult WaitGoOp::verify() {
  if (failed(verifyDataMovementThread(*this)))
    return failure();
  auto kernel = dyn_cast<KernelOp>((*this)->getParentOp());
  if (!kernel)
    return emitOpError("must be at the top level of its noc.kernel, outside any loop");
  if (llvm::range_size(kernel.getBody().front().getOps<WaitGoOp>()) > 1)
    return emitOpError("must come once in a kernel");
  // Which buffers are constants is the loader's to check (and tt-hoist-constant-reads's).
  int64_t reads = 0;
  for (Operation &op : kernel.getBody().front()) {
    if (&op == getOperation())
      break;
    if (!runsBeforeGo(op, [](Value) { return true; }, reads))
      return emitOpError("follows '")
             << op.getName() << "', which may not run before the go: only reads into the "
             << "kernel's own circular buffers may";
  }
  return success();
}
LogicalResult MulticastOp::verify() {
  if (failed(verifyNocNumber(*this, getNoc())))
    return failure();
  return verifyDataMovementThread(*this);
}

LogicalResult SemaphoreWaitOp::verify() {
  if (getSemAttr().getInt() < 0)
    return emitOpError("semaphore index must be non-negative");
  return success();
}

LogicalResult SemaphoreIncOp::verify() {
  if (getSemAttr().getInt() < 0)
    return emitOpError("semaphore index must be non-negative");
  if (getIncrementAttr().getInt() <= 0)
    return emitOpError("increment must be positive");
  return verifyDataMovementThread(*this);
}

#define GET_OP_CLASSES
#include "NoC/NoCOps.cpp.inc"
