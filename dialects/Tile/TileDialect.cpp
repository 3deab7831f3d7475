#include "Tile/TileDialect.h"
#include "Tile/TileOps.h"

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

int64_t tessel::tile::tileBytes(DataFormat format) {
  switch (format) {
  case DataFormat::f32:
  case DataFormat::int32:
    return 4096;
  case DataFormat::bf16:
    return 2048;
  // Block floats: 16-value blocks share one exponent byte (64 of them per tile).
  case DataFormat::bfp8_b:
    return 1024 + 64;
  case DataFormat::bfp4_b:
    return 512 + 64;
  case DataFormat::bfp2_b:
    return 256 + 64;
  }
  return 0;
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
