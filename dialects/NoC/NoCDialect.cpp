#include "NoC/NoCDialect.h"
#include "NoC/NoCOps.h"

#include "mlir/IR/DialectImplementation.h"
#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace tessel::noc;

#include "NoC/NoCEnums.cpp.inc"

#include "NoC/NoCDialect.cpp.inc"

#define GET_TYPEDEF_CLASSES
#include "NoC/NoCTypes.cpp.inc"

void NoCDialect::initialize() {
  addOperations<
#define GET_OP_LIST
#include "NoC/NoCOps.cpp.inc"
      >();
  addTypes<
#define GET_TYPEDEF_LIST
#include "NoC/NoCTypes.cpp.inc"
      >();
}

LogicalResult CircularBufferType::verify(function_ref<InFlightDiagnostic()> emitError,
                                         tessel::tile::TileType, int64_t numTiles) {
  if (numTiles <= 0)
    return emitError() << "a circular buffer holds at least one tile, got " << numTiles;
  return success();
}
