#ifndef TESSEL_DIALECTS_TILE_TILEOPS_H
#define TESSEL_DIALECTS_TILE_TILEOPS_H

#include "Tile/TileDialect.h"
#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/OpDefinition.h"

#define GET_OP_CLASSES
#include "Tile/TileOps.h.inc"

namespace tessel::tile {
/// Whether an int32 Dst computes the op (the SFPU's integer forms).
bool hasIntegerForm(BinaryKind kind);
bool hasIntegerForm(UnaryKind kind);
} // namespace tessel::tile

#endif
