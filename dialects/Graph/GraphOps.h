#ifndef TESSEL_DIALECTS_GRAPH_GRAPHOPS_H
#define TESSEL_DIALECTS_GRAPH_GRAPHOPS_H

#include "Graph/GraphDialect.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/Interfaces/InferTypeOpInterface.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

#define GET_OP_CLASSES
#include "Graph/GraphOps.h.inc"

namespace tessel::graph {
/// The numpy broadcast of two shapes, or nullopt when they do not broadcast.
std::optional<llvm::SmallVector<int64_t>> broadcastShapes(llvm::ArrayRef<int64_t> a,
                                                          llvm::ArrayRef<int64_t> b);
} // namespace tessel::graph

#endif
