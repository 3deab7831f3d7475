#ifndef TESSEL_DIALECTS_GRAPH_GRAPHDIALECT_H
#define TESSEL_DIALECTS_GRAPH_GRAPHDIALECT_H

#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Dialect.h"
#include "mlir/IR/DialectImplementation.h"

#include "Graph/GraphDialect.h.inc"

#define GET_TYPEDEF_CLASSES
#include "Graph/GraphTypes.h.inc"

#include "llvm/ADT/StringRef.h"

namespace tessel::graph {
/// On the function: the model's empty inputs and outputs (a dim of 0), which hold no data and
/// are no arguments or results of it. Each is {name, index (among the model's inputs or
/// outputs), type}; the binary lists them in their places, with no buffer.
inline constexpr llvm::StringLiteral kEmptyInputsAttrName = "graph.empty_inputs";
inline constexpr llvm::StringLiteral kEmptyOutputsAttrName = "graph.empty_outputs";

/// On the function: the ONNX nodes the runtime runs on the host after the chip, in order, at the
/// graph's tail (lib/Import/HostOps.cpp says which). Each is {name, op, inputs, outputs (value
/// names; "" for an omitted input), attributes (a dictionary of the node's ONNX attributes as
/// i64, f32, string or arrays of them)}.
inline constexpr llvm::StringLiteral kHostOpsAttrName = "graph.host_ops";
/// On the function: the model inputs only host ops read (strings, sequences, optionals, and any
/// input nothing on the chip reads), {name, index, type} as for empty inputs; they are no
/// arguments of it.
inline constexpr llvm::StringLiteral kHostInputsAttrName = "graph.host_inputs";
/// On the function: the model outputs host ops compute, {name, index, type} as for empty outputs;
/// the type has dynamic dims where the size depends on the data.
inline constexpr llvm::StringLiteral kHostOutputsAttrName = "graph.host_outputs";
/// On a result of the function: a value only host ops read, not a model output.
inline constexpr llvm::StringLiteral kHostValueAttrName = "graph.host_value";
/// On an argument of the function: no model input but a tensor of random numbers the runtime
/// draws as it places the inputs (RandomNormal, RandomUniform, their -Like forms, and the
/// uniform numbers of a Bernoulli). {normal (bool), a, b (f32: mean and scale, or low and high),
/// seed (f32, the node's, if it gives one)}; the binary lists it in `generated`.
inline constexpr llvm::StringLiteral kDrawAttrName = "graph.draw";
/// On an integer argument of the function: the values the runtime accepts for it, {lo, hi (i64),
/// reason (a string: the tensor that would leave the range its format holds exactly beyond
/// them)}; tt-bound-integer-inputs sets it and the binary's signature carries it.
inline constexpr llvm::StringLiteral kExactRangeAttrName = "graph.exact_range";
} // namespace tessel::graph

#endif
