#ifndef TESSEL_DIALECTS_NOC_NOCDIALECT_H
#define TESSEL_DIALECTS_NOC_NOCDIALECT_H

#include "Tile/TileDialect.h"
#include "mlir/IR/Dialect.h"

#include "NoC/NoCEnums.h.inc"

#include "NoC/NoCDialect.h.inc"

#define GET_TYPEDEF_CLASSES
#include "NoC/NoCTypes.h.inc"

#endif
