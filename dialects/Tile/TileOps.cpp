#include "Tile/TileOps.h"

#include "tessel/runtime/Bytecode.h"

using namespace mlir;
using namespace tessel::tile;

LogicalResult MatmulOp::verify() {
  bool lhsInt = cast<TileType>(getLhs().getType()).getFormat() == DataFormat::int32,
       rhsInt = cast<TileType>(getRhs().getType()).getFormat() == DataFormat::int32;
  if (lhsInt != rhsInt)
    return emitOpError("multiplies two int32 tiles or none");
  return success();
}

bool tessel::tile::hasIntegerForm(BinaryKind kind) {
  // The runtime's ops share the tile dialect's values.
  return tessel::rt::hasIntegerForm(static_cast<tessel::rt::BinaryOp>(kind));
}

bool tessel::tile::hasIntegerForm(UnaryKind kind) {
  return tessel::rt::hasIntegerForm(static_cast<tessel::rt::UnaryOp>(kind));
}

LogicalResult BinaryOp::verify() {
  bool lhsInt = cast<TileType>(getLhs().getType()).getFormat() == DataFormat::int32,
       rhsInt = cast<TileType>(getRhs().getType()).getFormat() == DataFormat::int32;
  // A where's condition may be a float tile beside int32 values.
  if (lhsInt != rhsInt && !(rhsInt && getKind() == BinaryKind::where_into))
    return emitOpError("takes two int32 tiles or none");
  if (rhsInt && !hasIntegerForm(getKind()))
    return emitOpError() << "'" << stringifyBinaryKind(getKind())
                         << "' has no integer form for int32 tiles";
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
  return success();
}

#define GET_OP_CLASSES
#include "Tile/TileOps.cpp.inc"
