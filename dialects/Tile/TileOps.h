#ifndef TESSEL_DIALECTS_TILE_TILEOPS_H
#define TESSEL_DIALECTS_TILE_TILEOPS_H

#include "Tile/TileDialect.h"
#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/OpDefinition.h"

#define GET_OP_CLASSES
#include "Tile/TileOps.h.inc"

#endif
