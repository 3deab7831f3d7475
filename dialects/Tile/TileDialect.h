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
/// Whether Dst in `format` holds 32 bits a value (f32, int32), and so half the tiles it holds in
/// bf16.
inline bool isWideDst(DataFormat format) {
  return format == DataFormat::f32 || format == DataFormat::int32;
}
/// Whether `format` shares exponents between blocks of a tile's values (bfp8_b, bfp4_b, bfp2_b),
/// so that only whole tiles can be moved.
inline bool isBlockFloat(DataFormat format) {
  return format == DataFormat::bfp8_b || format == DataFormat::bfp4_b ||
         format == DataFormat::bfp2_b;
}
} // namespace tessel::tile

#endif
