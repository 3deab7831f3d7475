#ifndef TESSEL_DIALECTS_NOC_NOCOPS_H
#define TESSEL_DIALECTS_NOC_NOCOPS_H

#include "NoC/NoCDialect.h"
#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/Interfaces/ControlFlowInterfaces.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

#define GET_OP_CLASSES
#include "NoC/NoCOps.h.inc"

#endif
