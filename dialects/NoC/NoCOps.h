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

namespace tessel::noc {
/// Whether `op`, in a data-movement kernel, may run before its `noc.wait_go`: it reserves or
/// pushes the kernel's own circular buffers, waits for its reads, computes indices, loops over
/// such ops, or reads (`noc.read`, `noc.read_span`) a buffer `readable` accepts. `reads` counts
/// those reads.
bool runsBeforeGo(mlir::Operation &op, llvm::function_ref<bool(mlir::Value)> readable,
                  int64_t &reads);
} // namespace tessel::noc

#endif
