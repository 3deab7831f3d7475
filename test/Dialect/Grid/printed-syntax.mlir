// RUN: tt-opt %s | FileCheck %s

// The core range prints the way the dialect documents it (GridDialect.td, Passes.td):
// `(x0, y0) to (x1, y1)`, with a space after `to`, in the attribute, in layouts and in
// grid.dispatch.

#l = #grid.layout<tile 32x32, f32, dram, interleaved>
// CHECK-LABEL: func.func @spelling
// CHECK-SAME: #grid.layout<tile 32x32, bf16, l1, height_sharded, shard 1x32, cores <(0, 0) to (7, 0)>>
// CHECK-SAME: cores = #grid.core_range<(0, 0) to (7, 3)>
func.func @spelling(%s: tensor<256x1024xf32, #grid.layout<tile 32x32, bf16, l1, height_sharded, shard 1x32, cores <(0, 0) to (7, 0)>>>,
                    %x: tensor<32x32xf32, #l>) -> tensor<32x32xf32, #l>
    attributes {cores = #grid.core_range<(0, 0) to (7, 3)>} {
  %e = grid.empty : tensor<32x32xf32, #l>
  // CHECK: grid.dispatch "relu" on <(0, 0) to (3, 1)> ins(
  %y = grid.dispatch "relu" on <(0, 0) to (3, 1)> ins(%x : tensor<32x32xf32, #l>) outs(%e : tensor<32x32xf32, #l>)
      attributes {dst_format = #tile<format f32>, fidelity = #tile<fidelity HiFi4>} {
  ^bb0(%in: tensor<32x32xf32, #l>, %out: tensor<32x32xf32, #l>):
  } -> tensor<32x32xf32, #l>
  return %y : tensor<32x32xf32, #l>
}
