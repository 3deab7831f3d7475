#ifndef TESSEL_GRID_OPS
#define TESSEL_GRID_OPS

include "Grid/GridDialect.td"
include "mlir/IR/RegionKindInterface.td"
include "mlir/Interfaces/SideEffectInterfaces.td"

def Grid_EmptyOp : Grid_Op<"empty"> {
  let summary = "A device tensor whose contents a dispatch will write";
  let description = [{
    `tt-allocate-buffers` gives it a DRAM `address`.

    ```mlir
    %e = grid.empty {address = 4096 : i64} : tensor<32x64xf32, #grid.layout<tile 32x32, f32, dram, interleaved>>
    ```
  }];
  let arguments = (ins OptionalAttr<I64Attr>:$address);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = "attr-dict `:` type($result)";
  let hasVerifier = 1;
}


def Grid_CoreIndexOp : Grid_Op<"core_index", [Pure]> {
  let summary = "The running core's position in its dispatch's core range";
  let description = [{
    `x` and `y` are relative to the range's corner, `linear` is `y * width + x`, and `count` is
    the number of cores in the range.

    ```mlir
    %id = grid.core_index linear
    ```
  }];
  let arguments = (ins Grid_CoreDim:$dim);
  let results = (outs Index:$result);
  let assemblyFormat = "$dim attr-dict";
  let hasVerifier = 1;
}

def Grid_DispatchOp : Grid_Op<"dispatch", [
    AttrSizedOperandSegments, SingleBlock, NoTerminator]> {
  let summary = "An SPMD launch of per-core kernels over a core range";
  let description = [{
    Every core of `cores` runs the `noc.kernel` ops of the body (reader, compute, writer) at once.
    The body's block arguments stand for the `ins` then the `outs` tensors in DRAM; results are
    the `outs` after the dispatch has written them. Circular buffers are declared in the body so
    that the kernels of one core can share them. `op` names the graph op it implements and `loc`
    of the dispatch carries the ONNX node name.

    ```mlir
    %r = grid.dispatch "relu" on <(0, 0) to (0, 0)> ins(%x : tensor<32x32xf32, #l>) outs(%e : tensor<32x32xf32, #l>) {
    ^bb0(%in: tensor<32x32xf32, #l>, %out: tensor<32x32xf32, #l>):
      %cb0 = noc.cb 0 : !noc.cb<!tile.tile<32x32, f32>, 2>
      ...
    } -> tensor<32x32xf32, #l>
    ```
  }];
  let arguments = (ins StrAttr:$op, Grid_CoreRangeAttr:$cores,
                   Variadic<AnyRankedTensor>:$inputs, Variadic<AnyRankedTensor>:$outputs,
                   DefaultValuedAttr<I64Attr, "0">:$macs,
                   Tile_MathFidelityAttr:$fidelity, Tile_DataFormatAttr:$dst_format);
  let results = (outs Variadic<AnyRankedTensor>:$results);
  let regions = (region SizedRegion<1>:$body);
  let assemblyFormat = [{
    $op `on` $cores (`ins` `(` $inputs^ `:` type($inputs) `)`)? `outs` `(` $outputs `:` type($outputs) `)`
    attr-dict-with-keyword $body `->` type($results)
  }];
  let hasVerifier = 1;
}

#endif
