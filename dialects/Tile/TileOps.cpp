#include "Tile/TileOps.h"

using namespace mlir;
using namespace tessel::tile;

// Integer and block-float tiles go through the FPU as their float interpretation; only int32
// cannot feed the matrix engine or the FPU's float datapath.
static LogicalResult verifyFloatTile(Operation *op, Type type, StringRef what) {
  if (cast<TileType>(type).getFormat() == DataFormat::int32)
    return op->emitOpError() << what << " must be a floating-point tile, got int32";
  return success();
}

LogicalResult MatmulOp::verify() {
  if (failed(verifyFloatTile(*this, getLhs().getType(), "lhs")) ||
      failed(verifyFloatTile(*this, getRhs().getType(), "rhs")))
    return failure();
  return success();
}

LogicalResult BinaryOp::verify() {
  if (failed(verifyFloatTile(*this, getLhs().getType(), "lhs")) ||
      failed(verifyFloatTile(*this, getRhs().getType(), "rhs")))
    return failure();
  return success();
}

LogicalResult UnaryOp::verify() {
  bool usesParam;
  switch (getKind()) {
  case UnaryKind::scale: case UnaryKind::shift: case UnaryKind::max_scalar:
  case UnaryKind::min_scalar: case UnaryKind::leaky_relu: case UnaryKind::elu:
  case UnaryKind::pow_scalar: case UnaryKind::thresholded_relu: case UnaryKind::isinf:
  case UnaryKind::div_scalar:
    usesParam = true;
    break;
  default:
    usesParam = false;
  }
  if (!usesParam && getParam().convertToFloat() != 0.0f)
    return emitOpError() << "'" << stringifyUnaryKind(getKind()) << "' takes no param";
  return success();
}

LogicalResult ReduceOp::verify() {
  int64_t dim = getDimAttr().getInt();
  if (dim != 0 && dim != 1)
    return emitOpError() << "dim must be 0 (across columns) or 1 (across rows), got " << dim;
  return verifyFloatTile(*this, getInput().getType(), "input");
}

#define GET_OP_CLASSES
#include "Tile/TileOps.cpp.inc"
