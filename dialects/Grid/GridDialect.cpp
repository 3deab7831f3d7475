#include "Grid/GridDialect.h"
#include "Grid/GridOps.h"

#include "tessel/runtime/Formats.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/DialectImplementation.h"
#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace tessel::grid;
using tessel::tile::DataFormat;

#include "Grid/GridEnums.cpp.inc"

#include "Grid/GridDialect.cpp.inc"

#define GET_ATTRDEF_CLASSES
#include "Grid/GridAttrs.cpp.inc"

void GridDialect::initialize() {
  addOperations<
#define GET_OP_LIST
#include "Grid/GridOps.cpp.inc"
      >();
  addAttributes<
#define GET_ATTRDEF_LIST
#include "Grid/GridAttrs.cpp.inc"
      >();
}

// The grid attributes other ops carry: the module's chip and precision, an op's chosen config and
// compute config, a DRAM address, the mark of a reduce whose reader gathers its input, and a
// staging reshard's estimates.
LogicalResult GridDialect::verifyOperationAttribute(Operation *op, NamedAttribute attr) {
  StringRef name = attr.getName().getValue();
  Attribute value = attr.getValue();
  if (name == kChipAttrName) {
    if (!isa<ModuleOp>(op) || !isa<ChipAttr>(value))
      return op->emitError() << "'" << name << "' must be a #grid.chip on a module";
  } else if (name == kConfigAttrName) {
    if (isa<ReduceConfigAttr>(value)) {
      if (op->getName().getStringRef() != "graph.reduce" && !isa<DispatchOp>(op))
        return op->emitError() << "a #grid.reduce_config belongs on a graph.reduce or the "
                                  "grid.dispatch it lowers to";
    } else if (isa<ConvConfigAttr>(value)) {
      if (op->getName().getStringRef() != "graph.conv")
        return op->emitError() << "a #grid.conv_config belongs on a graph.conv";
    } else if (isa<AttentionConfigAttr>(value)) {
      if (op->getName().getStringRef() != "graph.sdpa")
        return op->emitError() << "a #grid.attention_config belongs on a graph.sdpa";
    } else if (!isa<MatmulConfigAttr>(value)) {
      return op->emitError() << "'" << name
                             << "' must be a #grid.matmul_config, #grid.reduce_config, "
                                "#grid.conv_config or #grid.attention_config";
    }
  } else if (name == kComputeAttrName) {
    if (!isa<ComputeConfigAttr>(value))
      return op->emitError() << "'" << name << "' must be a #grid.compute";
  } else if (name == kPrecisionAttrName) {
    auto precision = dyn_cast<StringAttr>(value);
    if (!isa<ModuleOp>(op) || !precision ||
        !llvm::is_contained(ArrayRef<StringRef>{"fp32", "bf16", "bfp8", "bfp4"},
                            precision.getValue()))
      return op->emitError() << "'" << name
                             << "' must be \"fp32\", \"bf16\", \"bfp8\" or \"bfp4\" on a module";
  } else if (name == kPrecisionNoteAttrName) {
    if (!isa<ModuleOp>(op) || !isa<StringAttr>(value))
      return op->emitError() << "'" << name << "' is a string on a module";
  } else if (name == kGatherInputAttrName) {
    if (!isa<UnitAttr>(value))
      return op->emitError() << "'" << name << "' is a unit attribute";
  } else if (name == kOverResidualAttrName) {
    // Its result goes into an operand's buffer: one of them must be of the result's type.
    if (!isa<UnitAttr>(value))
      return op->emitError() << "'" << name << "' is a unit attribute";
    if (op->getNumResults() != 1 ||
        llvm::none_of(op->getOperandTypes(),
                      [&](Type t) { return t == op->getResult(0).getType(); }))
      return op->emitError() << "'" << name
                             << "' needs an operand of the result's type to write over";
  } else if (name == kStagedCyclesAttrName) {
    auto cycles = dyn_cast<DenseI64ArrayAttr>(value);
    if (!isa<ReshardOp>(op) || !cycles || cycles.size() != 2 ||
        llvm::any_of(cycles.asArrayRef(), [](int64_t c) { return c < 0; }))
      return op->emitError() << "'" << name
                             << "' is [staged, direct], two non-negative cycle counts, on a "
                                "grid.reshard";
  } else if (name == kAddressAttrName || name == kSkippedTilesAttrName) {
    auto count = dyn_cast<IntegerAttr>(value);
    if (!count || count.getInt() < 0)
      return op->emitError() << "'" << name << "' must be a non-negative integer";
  } else {
    return op->emitError() << "unknown grid attribute '" << name << "'";
  }
  return success();
}

LayoutAttr tessel::grid::getLayout(Type type) {
  auto tensor = dyn_cast<RankedTensorType>(type);
  return tensor ? dyn_cast_or_null<LayoutAttr>(tensor.getEncoding()) : LayoutAttr();
}

LogicalResult tessel::grid::verifyShards(RankedTensorType type,
                                         function_ref<InFlightDiagnostic()> emitError) {
  LayoutAttr layout = getLayout(type);
  if (!layout || layout.getSharding() == Sharding::interleaved)
    return success();
  rt::TiledShape tiled =
      rt::tiledShape(std::vector<int64_t>(type.getShape().begin(), type.getShape().end()));
  int64_t rows = tiled.batch * tiled.rowsTiles, cols = tiled.colsTiles;
  ArrayRef<int64_t> shard = layout.getShardShape();
  int64_t cores = layout.getCores().size();
  if (layout.getSharding() == Sharding::height_sharded && shard[1] != cols)
    return emitError() << "height-sharded shards hold whole rows of " << cols
                       << " tiles, not " << shard[1];
  if (layout.getSharding() == Sharding::width_sharded && shard[0] != rows)
    return emitError() << "width-sharded shards hold whole columns of " << rows
                       << " tiles, not " << shard[0];
  if (rows % shard[0] || cols % shard[1] || (rows / shard[0]) * (cols / shard[1]) != cores)
    return emitError() << "shards of " << shard[0] << "x" << shard[1] << " tiles must divide its "
                       << rows << "x" << cols << " tiles into one shard per core of its " << cores
                       << " cores";
  return success();
}

void tessel::grid::inheritComputeConfig(Operation *op, Operation *prev) {
  Attribute config = op->getAttr(kComputeAttrName);
  if (!config)
    return;
  Operation *built = prev ? prev->getNextNode() : &op->getBlock()->front();
  for (; built && built != op; built = built->getNextNode())
    if (built->getDialect() && built->getDialect()->getNamespace() == "graph" &&
        built->getName().getStringRef() != "graph.constant" &&
        !built->hasAttr(kComputeAttrName))
      built->setAttr(kComputeAttrName, config);
}

LogicalResult ChipAttr::verify(function_ref<InFlightDiagnostic()> emitError, StringRef name,
                               int64_t gridX, int64_t gridY, int64_t l1Bytes,
                               DictionaryAttr figures) {
  if (name.empty())
    return emitError() << "chip needs a name";
  if (gridX <= 0 || gridY <= 0)
    return emitError() << "chip grid must be positive, got " << gridX << "x" << gridY;
  if (l1Bytes <= 0)
    return emitError() << "chip L1 size must be positive";
  if (figures)
    for (NamedAttribute figure : figures)
      if (!llvm::isa<IntegerAttr>(figure.getValue()))
        return emitError() << "chip figure '" << figure.getName().getValue()
                           << "' must be an integer";
  return success();
}

LogicalResult CoreRangeAttr::verify(function_ref<InFlightDiagnostic()> emitError, int64_t x0,
                                    int64_t y0, int64_t x1, int64_t y1) {
  if (x0 < 0 || y0 < 0 || x1 < x0 || y1 < y0)
    return emitError() << "core range (" << x0 << ", " << y0 << ") to (" << x1 << ", " << y1
                       << ") is empty or negative";
  return success();
}

LogicalResult AttentionConfigAttr::verify(function_ref<InFlightDiagnostic()> emitError,
                                          int64_t block, int64_t chunk) {
  if (block < 1 || chunk < 1)
    return emitError() << "an attention config's block and chunk are at least one tile, not "
                       << block << " and " << chunk;
  return success();
}

LogicalResult ReduceConfigAttr::verify(function_ref<InFlightDiagnostic()> emitError,
                                       int64_t splits, int64_t cycles) {
  if (splits < 2)
    return emitError() << "a reduce config splits its rows at least 2 ways, not " << splits;
  if (cycles < 0)
    return emitError() << "a reduce config's estimate must not be negative";
  return success();
}

LogicalResult MatmulConfigAttr::verify(function_ref<InFlightDiagnostic()> emitError,
                                       int64_t gridM, int64_t gridN, int64_t coresX,
                                       int64_t coresY, int64_t blockM, int64_t blockN,
                                       int64_t subM, int64_t subN, int64_t kChunk,
                                       OperandSharing operands, LhsSource, int64_t cycles,
                                       int64_t groups, int64_t rhsStoredTiles, bool, bool,
                                       ArrayRef<int64_t> kLead) {
  for (int64_t v : {gridM, gridN, coresX, coresY, blockM, blockN, subM, subN, kChunk, groups})
    if (v < 1)
      return emitError() << "matmul config sizes must be positive";
  if (llvm::any_of(kLead, [](int64_t k) { return k < 1; }))
    return emitError() << "leading K chunks must be positive";
  if (!kLead.empty() && rhsStoredTiles > 0)
    return emitError() << "skipping zero rhs tiles takes K chunks of one length";
  if (coresX * coresY != gridM * gridN)
    return emitError() << "a " << coresX << "x" << coresY << " core rectangle cannot hold "
                       << gridM << "x" << gridN << " blocks";
  if (gridM > 1 && gridN > 1 && (coresX != gridN || coresY != gridM))
    return emitError() << "a two-dimensional grid of blocks needs cores = [" << gridN << ", "
                       << gridM << "]";
  if (gridM > 1 && gridN > 1 && operands != OperandSharing::multicast)
    return emitError() << "a two-dimensional grid of blocks multicasts its operands";
  if (groups > 1 && operands != OperandSharing::multicast)
    return emitError() << "groups of rectangles share their operands by multicast; unicast cores "
                          "already take the batch in turn";
  if (blockM % subM || blockN % subN)
    return emitError() << "subblock " << subM << "x" << subN << " does not divide block "
                       << blockM << "x" << blockN;
  if (cycles < 0)
    return emitError() << "estimated cycles must not be negative";
  if (rhsStoredTiles < 0)
    return emitError() << "the rhs's stored tiles must not be negative";
  return success();
}

/// Parses a keyword naming a case of an enum into `value`; an unknown one is an error at
/// `loc` that names `what`.
template <typename Enum>
static LogicalResult parseEnumKeyword(AsmParser &parser, SMLoc loc, StringRef what, Enum &value) {
  StringRef name;
  if (parser.parseKeyword(&name))
    return failure();
  std::optional<Enum> parsed = symbolizeEnum<Enum>(name);
  if (!parsed)
    return parser.emitError(loc) << "unknown " << what << " '" << name << "'";
  value = *parsed;
  return success();
}

/// Parses one of two keywords into `value` (true for `yes`); another is an error at `loc` that
/// names `what`.
static LogicalResult parseChoice(AsmParser &parser, SMLoc loc, StringRef what, StringRef yes,
                                 StringRef no, bool &value) {
  StringRef word;
  if (parser.parseKeyword(&word))
    return failure();
  if (word != yes && word != no)
    return parser.emitError(loc) << what << " are '" << yes << "' or '" << no << "', not '"
                                 << word << "'";
  value = word == yes;
  return success();
}

// <grid = [M, N], cores = [X, Y], block = [M, N], subblock = [M, N], k_chunk = K
//  (, k_lead = [K0, K1, ...])? (, groups = G)? (, operands = unicast)? (, lhs = gather)? (, cycles = C)?>
Attribute MatmulConfigAttr::parse(AsmParser &parser, Type) {
  int64_t v[9];
  auto pair = [&](StringRef key, int64_t &a, int64_t &b) -> bool {
    return parser.parseKeyword(key) || parser.parseEqual() || parser.parseLSquare() ||
           parser.parseInteger(a) || parser.parseComma() || parser.parseInteger(b) ||
           parser.parseRSquare() || parser.parseComma();
  };
  if (parser.parseLess() || pair("grid", v[0], v[1]) || pair("cores", v[2], v[3]) ||
      pair("block", v[4], v[5]) || pair("subblock", v[6], v[7]) ||
      parser.parseKeyword("k_chunk") || parser.parseEqual() || parser.parseInteger(v[8]))
    return {};
  OperandSharing operands = OperandSharing::multicast;
  LhsSource lhs = LhsSource::tensor;
  int64_t cycles = 0, groups = 1, rhsStoredTiles = 0;
  bool deferWrites = false, skipZeroLhs = false;
  SmallVector<int64_t> kLead;
  while (succeeded(parser.parseOptionalComma())) {
    StringRef key;
    SMLoc loc = parser.getCurrentLocation();
    if (parser.parseKeyword(&key) || parser.parseEqual())
      return {};
    if (key == "operands") {
      if (failed(parseEnumKeyword(parser, loc, "operand sharing", operands)))
        return {};
    } else if (key == "lhs") {
      if (failed(parseEnumKeyword(parser, loc, "lhs source", lhs)))
        return {};
    } else if (key == "cycles") {
      if (parser.parseInteger(cycles))
        return {};
    } else if (key == "groups") {
      if (parser.parseInteger(groups))
        return {};
    } else if (key == "rhs_stored_tiles") {
      if (parser.parseInteger(rhsStoredTiles))
        return {};
    } else if (key == "writes") {
      if (failed(parseChoice(parser, loc, "writes", "deferred", "at_end", deferWrites)))
        return {};
    } else if (key == "k_lead") {
      if (parser.parseCommaSeparatedList(AsmParser::Delimiter::Square, [&] {
            return parser.parseInteger(kLead.emplace_back());
          }))
        return {};
    } else if (key == "lhs_zero_tiles") {
      if (failed(parseChoice(parser, loc, "zero lhs tiles", "skipped", "multiplied",
                             skipZeroLhs)))
        return {};
    } else {
      parser.emitError(loc) << "unknown matmul config key '" << key << "'";
      return {};
    }
  }
  if (parser.parseGreater())
    return {};
  return parser.getChecked<MatmulConfigAttr>(parser.getContext(), v[0], v[1], v[2], v[3], v[4],
                                             v[5], v[6], v[7], v[8], operands, lhs, cycles,
                                             groups, rhsStoredTiles, deferWrites, skipZeroLhs,
                                             kLead);
}

void MatmulConfigAttr::print(AsmPrinter &printer) const {
  printer << "<grid = [" << getGridM() << ", " << getGridN() << "], cores = [" << getCoresX()
          << ", " << getCoresY() << "], block = [" << getBlockM() << ", " << getBlockN()
          << "], subblock = [" << getSubM() << ", " << getSubN() << "], k_chunk = " << getKChunk();
  if (!getKLead().empty()) {
    printer << ", k_lead = [";
    llvm::interleaveComma(getKLead(), printer);
    printer << "]";
  }
  if (getGroups() != 1)
    printer << ", groups = " << getGroups();
  if (!isMulticast())
    printer << ", operands = " << stringifyOperandSharing(getOperands());
  if (gathersLhs())
    printer << ", lhs = " << stringifyLhsSource(getLhs());
  if (skipsZeroRhsTiles())
    printer << ", rhs_stored_tiles = " << getRhsStoredTiles();
  if (getDeferWrites())
    printer << ", writes = deferred";
  if (getSkipZeroLhs())
    printer << ", lhs_zero_tiles = skipped";
  if (getCycles())
    printer << ", cycles = " << getCycles();
  printer << ">";
}

LayoutAttr LayoutAttr::getInterleaved(MLIRContext *ctx, DataFormat format) {
  return LayoutAttr::get(ctx, 32, 32, format, MemorySpace::dram, Sharding::interleaved, {},
                         CoreRangeAttr());
}

LogicalResult LayoutAttr::verify(function_ref<InFlightDiagnostic()> emitError, int64_t tileRows,
                                 int64_t tileCols, DataFormat, MemorySpace memory,
                                 Sharding sharding, ArrayRef<int64_t> shardShape,
                                 CoreRangeAttr cores) {
  if (tileRows != 32 || tileCols != 32)
    return emitError() << "layout tiles must be 32x32";
  bool sharded = sharding != Sharding::interleaved;
  if (sharded && memory != MemorySpace::l1)
    return emitError() << "sharded layouts live in l1";
  if (sharded != (cores != nullptr) || sharded != !shardShape.empty())
    return emitError() << "a shard shape and core range are required exactly when sharded";
  if (sharded && shardShape.size() != 2)
    return emitError() << "shard shape is [rows, cols] in tiles";
  for (int64_t d : shardShape)
    if (d <= 0)
      return emitError() << "shard dims must be positive";
  return success();
}

// #grid.layout<tile 32x32, bf16, dram, interleaved>
// #grid.layout<tile 32x32, bf16, l1, height_sharded, shard 1x4, cores <(0, 0) to (7, 7)>>
Attribute LayoutAttr::parse(AsmParser &parser, Type) {
  SmallVector<int64_t, 2> tile, shard;
  std::string format, memory, sharding;
  if (parser.parseLess() || parser.parseKeyword("tile") ||
      parser.parseDimensionList(tile, false, false) || parser.parseComma() ||
      parser.parseKeywordOrString(&format) || parser.parseComma() ||
      parser.parseKeywordOrString(&memory) || parser.parseComma() ||
      parser.parseKeywordOrString(&sharding))
    return {};
  CoreRangeAttr cores;
  if (succeeded(parser.parseOptionalComma())) {
    if (parser.parseKeyword("shard") || parser.parseDimensionList(shard, false, false) ||
        parser.parseComma() || parser.parseKeyword("cores"))
      return {};
    Attribute raw = CoreRangeAttr::parse(parser, Type());
    if (!raw)
      return {};
    cores = llvm::cast<CoreRangeAttr>(raw);
  }
  if (parser.parseGreater())
    return {};
  auto fmt = tessel::tile::symbolizeDataFormat(format);
  auto mem = symbolizeMemorySpace(memory);
  auto shd = symbolizeSharding(sharding);
  if (!fmt || !mem || !shd || tile.size() != 2) {
    parser.emitError(parser.getNameLoc(), "expected tile RxC, data format, memory space, sharding");
    return {};
  }
  return parser.getChecked<LayoutAttr>(parser.getContext(), tile[0], tile[1], *fmt, *mem, *shd,
                                       shard, cores);
}

void LayoutAttr::print(AsmPrinter &printer) const {
  printer << "<tile " << getTileRows() << "x" << getTileCols() << ", "
          << tessel::tile::stringifyDataFormat(getFormat()) << ", "
          << stringifyMemorySpace(getMemory()) << ", " << stringifySharding(getSharding());
  if (getCores()) {
    printer << ", shard ";
    llvm::interleave(getShardShape(), printer, "x");
    printer << ", cores ";
    getCores().print(printer);
  }
  printer << ">";
}
