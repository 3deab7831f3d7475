#ifndef TESSEL_CONVERSION_PASSES
#define TESSEL_CONVERSION_PASSES

include "mlir/Pass/PassBase.td"

def LowerGraphToGrid : Pass<"tt-lower-graph-to-grid", "mlir::ModuleOp"> {
  let summary = "Lowers graph ops to grid.dispatch ops with reader/compute/writer kernels";
  let description = [{
    Each compute op becomes a `grid.empty` for its result and a `grid.dispatch` over a core range
    whose body declares circular buffers and three `noc.kernel`s: the reader streams input tiles
    from DRAM over the NoC into circular buffers, the compute kernel runs `tile` math into Dst and
    packs results, and the writer streams them back to DRAM.

    Work is split over the chip's grid in units of output tiles (matmul: output sub-blocks whose
    size comes from the Dst capacity; the K chunk streamed per step comes from the L1 budget; both
    from the chip descriptor and the operand shapes). Each core of the range takes an equal,
    contiguous run of units, addressed with affine expressions of `grid.core_index` and loop
    counters.

    Before:
    ```mlir
    %y = graph.unary relu %x : tensor<64x64xf32, #l> -> tensor<64x64xf32, #l>
    ```
    After:
    ```mlir
    %e = grid.empty : tensor<64x64xf32, #l>
    %y = grid.dispatch "relu" on <(0, 0) to (3, 0)> ins(%x : tensor<64x64xf32, #l>)
        outs(%e : tensor<64x64xf32, #l>) attributes {...} {
    ^bb0(%in: tensor<64x64xf32, #l>, %out: tensor<64x64xf32, #l>):
      %cb0 = noc.cb 0 : !noc.cb<!tile.tile<32x32, f32>, 2>
      %cb1 = noc.cb 1 : !noc.cb<!tile.tile<32x32, f32>, 2>
      noc.kernel reader { ... noc.read %in[%t] into %cb0[%c0] ... }
      noc.kernel compute { ... tile.copy ... tile.unary relu dst[%c0] ... tile.pack ... }
      noc.kernel writer { ... noc.write %cb1[%c0] into %out[%t] ... }
    } -> tensor<64x64xf32, #l>
    ```
  }];
  let dependentDialects = [
    "::tessel::grid::GridDialect", "::tessel::noc::NoCDialect", "::tessel::tile::TileDialect",
    "::mlir::arith::ArithDialect", "::mlir::affine::AffineDialect", "::mlir::scf::SCFDialect"
  ];
}

#endif
