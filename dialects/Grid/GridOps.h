#ifndef TESSEL_DIALECTS_GRID_GRIDOPS_H
#define TESSEL_DIALECTS_GRID_GRIDOPS_H

#include "Grid/GridDialect.h"
#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/IR/RegionKindInterface.h"
#include "mlir/Interfaces/ControlFlowInterfaces.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

#define GET_OP_CLASSES
#include "Grid/GridOps.h.inc"

#endif
