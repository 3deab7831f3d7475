#include "Tile/TileDialect.h"
#include "Tile/TileOps.h"

#include "tessel/runtime/Formats.h"
#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace tessel::tile;

#include "Tile/TileEnums.cpp.inc"

#include "Tile/TileDialect.cpp.inc"

#define GET_TYPEDEF_CLASSES
#include "Tile/TileTypes.cpp.inc"

#define GET_ATTRDEF_CLASSES
#include "Tile/TileAttrs.cpp.inc"

void TileDialect::initialize() {
  addOperations<
#define GET_OP_LIST
#include "Tile/TileOps.cpp.inc"
      >();
  addTypes<
#define GET_TYPEDEF_LIST
#include "Tile/TileTypes.cpp.inc"
      >();
  addAttributes<
#define GET_ATTRDEF_LIST
#include "Tile/TileAttrs.cpp.inc"
      >();
}

static_assert(int(DataFormat::f32) == int(tessel::ttb::DataFormat::Float32) &&
                  int(DataFormat::bf16) == int(tessel::ttb::DataFormat::BFloat16) &&
                  int(DataFormat::bfp8_b) == int(tessel::ttb::DataFormat::Bfp8_b) &&
                  int(DataFormat::bfp4_b) == int(tessel::ttb::DataFormat::Bfp4_b) &&
                  int(DataFormat::bfp2_b) == int(tessel::ttb::DataFormat::Bfp2_b) &&
                  int(DataFormat::int32) == int(tessel::ttb::DataFormat::Int32),
              "tile formats and .ttb formats must share their values");

int64_t tessel::tile::tileBytes(DataFormat format) {
  // The runtime owns the byte layout of every format; the enums share their values by design.
  return tessel::rt::tileBytes(static_cast<tessel::ttb::DataFormat>(format));
}

// Tile types print as `<32x32, bf16>`, the way shapes read everywhere else in MLIR.
Type TileType::parse(AsmParser &parser) {
  SmallVector<int64_t, 2> dims;
  std::string format;
  if (parser.parseLess() || parser.parseDimensionList(dims, /*allowDynamic=*/false,
                                                      /*withTrailingX=*/false) ||
      parser.parseComma() || parser.parseKeywordOrString(&format) || parser.parseGreater())
    return {};
  if (dims.size() != 2) {
    parser.emitError(parser.getNameLoc(), "tile shape must have two dimensions");
    return {};
  }
  std::optional<DataFormat> fmt = symbolizeDataFormat(format);
  if (!fmt) {
    parser.emitError(parser.getNameLoc(), "unknown data format '") << format << "'";
    return {};
  }
  return parser.getChecked<TileType>(parser.getContext(), dims[0], dims[1], *fmt);
}

void TileType::print(AsmPrinter &printer) const {
  printer << "<" << getRows() << "x" << getCols() << ", " << stringifyDataFormat(getFormat())
          << ">";
}

LogicalResult TileType::verify(function_ref<InFlightDiagnostic()> emitError, int64_t rows,
                               int64_t cols, DataFormat) {
  // The FPU and packers work on 32x32 tiles; other shapes (e.g. 16x32 tiny tiles) are future work.
  if (rows != 32 || cols != 32)
    return emitError() << "tiles must be 32x32, got " << rows << "x" << cols;
  return success();
}
