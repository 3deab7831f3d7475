#ifndef TESSEL_GRAPH_DIALECT
#define TESSEL_GRAPH_DIALECT

include "mlir/IR/OpBase.td"
include "mlir/IR/AttrTypeBase.td"

def Graph_Dialect : Dialect {
  let name = "graph";
  let cppNamespace = "::tessel::graph";
  let summary = "What a model computes, free of the chip";
  let description = [{
    Tensor-level operations on ranked tensors with ONNX semantics normalised: one matmul op with
    batch broadcasting, elementwise ops with numpy broadcasting, and ops that later passes
    decompose (`graph.gemm`). Tensor types may carry a `#grid.layout` encoding once layouts are
    assigned; the graph ops do not look at it.
  }];
  let useDefaultAttributePrinterParser = 0;
  let useDefaultTypePrinterParser = 1;
  // graph.empty_inputs/outputs, graph.host_ops/host_outputs on the function, graph.host_value on
  // its results: what the binary lists beside the chip's work.
  let hasOperationAttrVerify = 1;
  let hasRegionResultAttrVerify = 1;
  // graph.name and graph.draw on the function's arguments.
  let hasRegionArgAttrVerify = 1;
}

def Graph_StringType : TypeDef<Graph_Dialect, "String"> {
  let mnemonic = "string";
  let summary = "An ONNX string, the element type of tensors only host ops read and write";
  let description = [{
    `tensor<3x!graph.string>` is a model input or a host op's value: no graph op takes it, and the
    chip never holds it.
  }];
}

def Graph_SequenceType : TypeDef<Graph_Dialect, "Sequence"> {
  let mnemonic = "sequence";
  let summary = "An ONNX sequence of tensors, which only host ops read and write";
  let description = [{
    `!graph.sequence<tensor<?x3xf32>>` is a model input or output, or a host op's value, whose
    elements have the given type (unranked when the model does not say). Sequences the model
    builds from its own tensors are lists while importing and never get this type.
  }];
  let parameters = (ins "::mlir::Type":$elementType);
  let assemblyFormat = "`<` $elementType `>`";
}

def Graph_OptionalType : TypeDef<Graph_Dialect, "Optional"> {
  let mnemonic = "optional";
  let summary = "An ONNX optional: a tensor or sequence, or nothing; only host ops touch it";
  let parameters = (ins "::mlir::Type":$elementType);
  let assemblyFormat = "`<` $elementType `>`";
}

class Graph_Op<string mnemonic, list<Trait> traits = []> :
    Op<Graph_Dialect, mnemonic, traits>;

#endif
