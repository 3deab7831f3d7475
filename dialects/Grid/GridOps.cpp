#include "Grid/GridOps.h"
#include "Tile/TileOps.h"

#include "mlir/IR/BuiltinOps.h"
#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace tessel;
using namespace tessel::grid;

LogicalResult EmptyOp::verify() {
  if (!getLayout(getType()))
    return emitOpError("result needs a #grid.layout encoding");
  if (getAddressAttr() && getAddressAttr().getInt() < 0)
    return emitOpError("address must be non-negative");
  return success();
}

LogicalResult CoreIndexOp::verify() {
  if (!(*this)->getParentOfType<DispatchOp>())
    return emitOpError("is only meaningful inside a grid.dispatch");
  return success();
}

LogicalResult DispatchOp::verify() {
  Block &body = getBody().front();
  size_t expected = getInputs().size() + getOutputs().size();
  if (body.getNumArguments() != expected)
    return emitOpError() << "body takes " << body.getNumArguments()
                         << " arguments but the dispatch has " << expected
                         << " ins and outs";
  for (auto [arg, operand] : llvm::zip(body.getArguments(), getOperands()))
    if (arg.getType() != operand.getType())
      return emitOpError() << "body argument #" << arg.getArgNumber() << " has type "
                           << arg.getType() << " but its operand has " << operand.getType();
  if (getResultTypes() != getOutputs().getTypes())
    return emitOpError("results must have the types of the outs");
  bool kernels = false, tileLoop = false;
  for (Operation &op : body) {
    // By name: the grid dialect does not depend on the noc dialect.
    kernels |= op.getName().getStringRef() == "noc.kernel";
    op.walk([&](Operation *nested) {
      tileLoop |= isa<LoadOp, LoadOneOfOp, GatherOp, GatherRowsOp, StoreOp, ComputeOp>(nested);
    });
  }
  if (kernels && tileLoop)
    return emitOpError("body mixes noc.kernel ops with a tile loop; it holds one or the other");
  if (getJoined()) {
    if (!kernels)
      return emitOpError("is joined but holds no kernels: only lowered dispatches form programs");
    Operation *before = (*this)->getPrevNode();
    while (before && !isa<DispatchOp>(before))
      before = before->getPrevNode();
    if (!before)
      return emitOpError("is joined but no dispatch comes before it in its block");
  }
  for (Type type : getOperandTypes())
    if (!getLayout(type))
      return emitOpError() << "operand type " << type << " has no #grid.layout";
  if (failed(verifyDstFormat()))
    return failure();
  if (auto module = (*this)->getParentOfType<ModuleOp>())
    if (auto chip = module->getAttrOfType<ChipAttr>(kChipAttrName)) {
      CoreRangeAttr cores = getCores();
      if (cores.getX1() >= chip.getGridX() || cores.getY1() >= chip.getGridY())
        return emitOpError() << "core range reaches (" << cores.getX1() << ", " << cores.getY1()
                             << ") outside the " << chip.getGridX() << "x" << chip.getGridY()
                             << " grid of " << chip.getName();
    }
  return success();
}

/// An int32 Dst holds integers: the tiles that go in and out of it are int32 and its ops have
/// integer forms; a float Dst takes no int32 tile (the unpackers and the packer do not convert
/// between integers and floats).
LogicalResult DispatchOp::verifyDstFormat() {
  bool intDst = getDstFormat() == tile::DataFormat::int32;
  auto tileFits = [&](Operation *op, Type type) -> LogicalResult {
    bool intTile = cast<tile::TileType>(type).getFormat() == tile::DataFormat::int32;
    if (intTile == intDst)
      return success();
    return op->emitOpError() << (intDst ? "reads or writes a float tile in a dispatch whose Dst "
                                          "is int32"
                                        : "reads or writes an int32 tile in a dispatch whose Dst "
                                          "is not int32");
  };
  WalkResult walk = getBody().walk([&](Operation *op) {
    LogicalResult fits =
        TypeSwitch<Operation *, LogicalResult>(op)
            .Case([&](tile::CopyOp o) { return tileFits(o, o.getInput().getType()); })
            .Case([&](tile::TransposeOp o) { return tileFits(o, o.getInput().getType()); })
            .Case([&](tile::BinaryOp o) { return tileFits(o, o.getLhs().getType()); })
            .Case([&](tile::PackOp o) { return tileFits(o, o.getType()); })
            .Case<tile::MatmulOp, tile::ReduceOp>([&](Operation *o) {
              return intDst ? o->emitOpError("has no integer form for an int32 Dst") : success();
            })
            .Case([&](tile::UnaryOp o) {
              return intDst && !tile::hasIntegerForm(o.getKind())
                         ? o.emitOpError() << "'" << tile::stringifyUnaryKind(o.getKind())
                                           << "' has no integer form for an int32 Dst"
                         : success();
            })
            .Case([&](tile::DstBinaryOp o) {
              return intDst && !tile::hasIntegerForm(o.getKind())
                         ? o.emitOpError() << "'" << tile::stringifyBinaryKind(o.getKind())
                                           << "' has no integer form for an int32 Dst"
                         : success();
            })
            .Default([](Operation *) { return success(); });
    return failed(fits) ? WalkResult::interrupt() : WalkResult::advance();
  });
  return failure(walk.wasInterrupted());
}

/// The number of 32x32 tiles of a tensor: its batch dims, then row and column tiles.
static int64_t tileCount(RankedTensorType type) {
  ArrayRef<int64_t> shape = type.getShape();
  int64_t rank = shape.size(), tiles = 1;
  for (int64_t i = 0; i < rank; ++i)
    tiles *= i + 2 < rank ? shape[i] : (shape[i] + 31) / 32;
  return tiles;
}

/// Checks what every tile read or write inside a dispatch shares: `tensor` has a layout whose
/// format is the tile's.
static LogicalResult verifyTileOf(Operation *op, Value tensor, tile::TileType tileType) {
  LayoutAttr layout = getLayout(tensor.getType());
  if (!layout)
    return op->emitOpError() << "tensor type " << tensor.getType() << " has no #grid.layout";
  if (layout.getFormat() != tileType.getFormat())
    return op->emitOpError() << "tile format " << tile::stringifyDataFormat(tileType.getFormat())
                             << " differs from the tensor's "
                             << tile::stringifyDataFormat(layout.getFormat());
  if (!op->getParentOfType<DispatchOp>())
    return op->emitOpError("is only meaningful inside a grid.dispatch");
  return success();
}

/// Checks a whole-tile access (grid.load, grid.store): its map takes the unit to one tile
/// index within `tensor`.
static LogicalResult verifyTileAccess(Operation *op, AffineMap map, Value tensor,
                                      tile::TileType tileType) {
  if (map.getNumDims() > 1 || map.getNumSymbols() || map.getNumResults() != 1)
    return op->emitOpError("map must take the unit (at most one dim, no symbols) to one index");
  auto type = cast<RankedTensorType>(tensor.getType());
  if (auto constant = dyn_cast<AffineConstantExpr>(map.getResult(0)))
    if (constant.getValue() < 0 || constant.getValue() >= tileCount(type))
      return op->emitOpError() << "tile " << constant.getValue() << " is outside the tensor's "
                               << tileCount(type) << " tiles";
  return verifyTileOf(op, tensor, tileType);
}

LogicalResult LoadOp::verify() {
  return verifyTileAccess(*this, getMap(), getSource(), getResult().getType());
}

LogicalResult LoadOneOfOp::verify() {
  AffineMap map = getMap();
  if (getSources().empty())
    return emitOpError("needs a source");
  if (map.getNumDims() > 1 || map.getNumSymbols() ||
      map.getNumResults() != 2 * getSources().size())
    return emitOpError("map must take the unit (at most one dim, no symbols) to a flag and a "
                       "tile index per source");
  for (Value source : getSources())
    if (failed(verifyTileOf(*this, source, getResult().getType())))
      return failure();
  return success();
}

LogicalResult GatherOp::verify() {
  AffineMap map = getMap();
  if (map.getNumDims() != 3 || map.getNumSymbols() || map.getNumResults() != 3)
    return emitOpError("map must take (unit, row, column) to (tile, offset, outside)");
  int64_t run = getRunLength(), columns = getColumns();
  if (run != 1024 && (run < 1 || run > 32 || 32 % run))
    return emitOpError() << "run length " << run << " must divide 32, or be 1024 (a whole tile)";
  if (columns < 1 || columns > 32)
    return emitOpError() << "columns " << columns << " must be in [1, 32]";
  return verifyTileOf(*this, getSource(), getResult().getType());
}

LogicalResult GatherRowsOp::verify() {
  AffineMap map = getMap();
  if (map.getNumDims() > 1 || map.getNumSymbols() || map.getNumResults() != 2)
    return emitOpError("map must take the unit to the indices' tile and the table's column tile");
  if (getCount() < 1)
    return emitOpError("count must be positive");
  if (!getLayout(getIndices().getType()))
    return emitOpError() << "tensor type " << getIndices().getType() << " has no #grid.layout";
  return verifyTileOf(*this, getTable(), getResult().getType());
}

LogicalResult StoreOp::verify() {
  if (failed(verifyTileAccess(*this, getMap(), getDest(), getValue().getType())))
    return failure();
  auto dispatch = (*this)->getParentOfType<DispatchOp>();
  auto arg = dyn_cast<BlockArgument>(getDest());
  if (!arg || arg.getOwner() != &dispatch.getBody().front() ||
      arg.getArgNumber() < dispatch.getInputs().size())
    return emitOpError("stores only into an `outs` argument of its dispatch");
  return success();
}

LogicalResult ComputeOp::verify() {
  Block &body = getBody().front();
  TypeRange args = body.getArgumentTypes();
  size_t tiles = getInputs().size();
  if (getIndices().empty())
    return emitOpError("needs the unit");
  if (args.size() != tiles + getIndices().size() ||
      args.take_front(tiles) != getInputs().getTypes() ||
      !llvm::all_of(args.drop_front(tiles), [](Type t) { return isa<IndexType>(t); }))
    return emitOpError("body must take the input tiles' types, then the indices (index)");
  auto yield = dyn_cast<YieldOp>(body.getTerminator());
  if (!yield)
    return emitOpError("body must end in grid.yield");
  if (yield.getValue().getType() != getResult().getType())
    return emitOpError() << "yields " << yield.getValue().getType() << " but its result is "
                         << getResult().getType();
  return success();
}

#define GET_OP_CLASSES
#include "Grid/GridOps.cpp.inc"
