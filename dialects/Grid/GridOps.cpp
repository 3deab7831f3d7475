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
  if (failed(verifyShards(getType(), [&] { return emitOpError() << "result "; })))
    return failure();
  if (getAddressAttr() && getAddressAttr().getInt() < 0)
    return emitOpError("address must be non-negative");
  return success();
}

LogicalResult ReshardOp::verify() {
  auto from = cast<RankedTensorType>(getInput().getType());
  auto to = cast<RankedTensorType>(getType());
  LayoutAttr a = getLayout(from), b = getLayout(to);
  if (!a || !b)
    return emitOpError("input and result need #grid.layout encodings");
  if (from.getShape() != to.getShape() || from.getElementType() != to.getElementType())
    return emitOpError() << "result type " << to << " must have the input's shape and element type";
  if (a.getFormat() != b.getFormat())
    return emitOpError() << "changes the data format from "
                         << tile::stringifyDataFormat(a.getFormat()) << " to "
                         << tile::stringifyDataFormat(b.getFormat())
                         << "; a reshard moves tiles, it does not convert them";
  if (failed(verifyShards(from, [&] { return emitOpError() << "input "; })))
    return failure();
  return verifyShards(to, [&] { return emitOpError() << "result "; });
}

OpFoldResult ReshardOp::fold(FoldAdaptor) {
  if (getInput().getType() == getType())
    return getInput();
  if (auto inner = getInput().getDefiningOp<ReshardOp>())
    if (inner.getInput().getType() == getType())
      return inner.getInput();
  return {};
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

/// An int32 Dst holds integers: its binary ops take int32 tiles (a where's condition excepted)
/// and all its ops have integer forms; a float Dst computes on no int32 tile. Unpacking and
/// packing move an int32 tile as bits and a float tile as f32 values (the typecasts `to_float`
/// and `to_int` convert in Dst), so an int32 tile needs a 32-bit Dst.
LogicalResult DispatchOp::verifyDstFormat() {
  tile::DataFormat dst = getDstFormat();
  bool intDst = dst == tile::DataFormat::int32;
  auto fits = [&](Operation *op, Type type, bool math) -> LogicalResult {
    bool intTile = cast<tile::TileType>(type).getFormat() == tile::DataFormat::int32;
    if (intTile && dst == tile::DataFormat::bf16)
      return op->emitOpError("takes an int32 tile in a dispatch whose Dst is bf16");
    if (math && intTile != intDst)
      return op->emitOpError() << "computes on " << (intTile ? "an int32" : "a float")
                               << " tile in a dispatch whose Dst is "
                               << tile::stringifyDataFormat(dst);
    return success();
  };
  auto integerForm = [&](Operation *op, bool has, StringRef kind) -> LogicalResult {
    if (!intDst || has)
      return success();
    return op->emitOpError() << (kind.empty() ? "" : "'" + kind.str() + "' ")
                             << "has no integer form for an int32 Dst";
  };
  WalkResult walk = getBody().walk([&](Operation *op) {
    LogicalResult ok =
        TypeSwitch<Operation *, LogicalResult>(op)
            .Case([&](tile::CopyOp o) { return fits(o, o.getInput().getType(), false); })
            .Case([&](tile::TransposeOp o) { return fits(o, o.getInput().getType(), false); })
            .Case([&](tile::PackOp o) { return fits(o, o.getType(), false); })
            .Case([&](tile::BinaryOp o) {
              bool where = o.getKind() == tile::BinaryKind::where_into;
              return success(succeeded(fits(o, o.getLhs().getType(), !where)) &&
                             succeeded(fits(o, o.getRhs().getType(), true)) &&
                             succeeded(integerForm(o, tile::hasIntegerForm(o.getKind()),
                                                   tile::stringifyBinaryKind(o.getKind()))));
            })
            .Case([&](tile::MatmulOp o) {
              return success(succeeded(fits(o, o.getLhs().getType(), true)) &&
                             succeeded(fits(o, o.getRhs().getType(), true)));
            })
            .Case([&](tile::ReduceOp o) { return fits(o, o.getInput().getType(), true); })
            .Case([&](tile::UnaryOp o) {
              return integerForm(o, tile::hasIntegerForm(o.getKind()),
                                 tile::stringifyUnaryKind(o.getKind()));
            })
            .Case([&](tile::DstBinaryOp o) {
              return integerForm(o, tile::hasIntegerForm(o.getKind()),
                                 tile::stringifyBinaryKind(o.getKind()));
            })
            .Default([](Operation *) { return success(); });
    return failed(ok) ? WalkResult::interrupt() : WalkResult::advance();
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

LogicalResult LoadRowOp::verify() {
  AffineMap map = getMap();
  if (map.getNumDims() != 2 || map.getNumSymbols() || map.getNumResults() != 1)
    return emitOpError("map must take (unit, tile of the row) to one index");
  RankedTensorType row = getResult().getType();
  auto tileType = dyn_cast<tile::TileType>(row.getElementType());
  if (row.getRank() != 1 || !tileType || row.isDynamicDim(0) || row.getDimSize(0) < 1)
    return emitOpError() << "result " << row << " must be a row of one or more tiles";
  if (row.getEncoding())
    return emitOpError("a row of tiles has no layout: the kernels hold it in L1");
  if (getScalars() && (getFirstRow() || getSource().getType().getRank() != 1))
    return emitOpError("reads scalars of a one-dimensional tensor only, and no first rows");
  return verifyTileOf(*this, getSource(), tileType);
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
