#ifndef TESSEL_GRAPH_DIALECT
#define TESSEL_GRAPH_DIALECT

include "mlir/IR/OpBase.td"

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
  // graph.empty_inputs/outputs, graph.host_ops/host_outputs on the function, graph.host_value on
  // its results: what the binary lists beside the chip's work.
  let hasOperationAttrVerify = 1;
  let hasRegionResultAttrVerify = 1;
}

class Graph_Op<string mnemonic, list<Trait> traits = []> :
    Op<Graph_Dialect, mnemonic, traits>;

#endif
