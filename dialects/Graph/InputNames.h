//===- InputNames.h - What a model input is called -------------------------===//
#ifndef TESSEL_DIALECTS_GRAPH_INPUTNAMES_H
#define TESSEL_DIALECTS_GRAPH_INPUTNAMES_H

#include "mlir/IR/BuiltinAttributes.h"

#include <string>

namespace tessel::graph {
/// The name of the function's argument `index` with attributes `argAttrs`: its `graph.name`
/// (the ONNX input's), else "input<index>".
std::string inputName(mlir::DictionaryAttr argAttrs, unsigned index);
} // namespace tessel::graph

#endif
