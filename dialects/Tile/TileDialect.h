#ifndef TESSEL_DIALECTS_TILE_TILEDIALECT_H
#define TESSEL_DIALECTS_TILE_TILEDIALECT_H

#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Dialect.h"
#include "mlir/IR/DialectImplementation.h"

#include "Tile/TileEnums.h.inc"

#include "Tile/TileDialect.h.inc"

#define GET_TYPEDEF_CLASSES
#include "Tile/TileTypes.h.inc"

#define GET_ATTRDEF_CLASSES
#include "Tile/TileAttrs.h.inc"

namespace tessel::tile {
/// Bytes one 32x32 tile takes in L1 or DRAM in this format.
int64_t tileBytes(DataFormat format);
} // namespace tessel::tile

#endif
