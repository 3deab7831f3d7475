#ifndef TESSEL_DIALECTS_GRAPH_GRAPHDIALECT_H
#define TESSEL_DIALECTS_GRAPH_GRAPHDIALECT_H

#include "mlir/IR/Dialect.h"

#include "Graph/GraphDialect.h.inc"

#include "llvm/ADT/StringRef.h"

namespace tessel::graph {
/// On the function: the model's empty inputs and outputs (a dim of 0), which hold no data and
/// are no arguments or results of it. Each is {name, index (among the model's inputs or
/// outputs), type}; the binary lists them in their places, with no buffer.
inline constexpr llvm::StringLiteral kEmptyInputsAttrName = "graph.empty_inputs";
inline constexpr llvm::StringLiteral kEmptyOutputsAttrName = "graph.empty_outputs";
} // namespace tessel::graph

#endif
