// RUN: tt-opt %s -split-input-file -verify-diagnostics --tt-prune-weights=tile-fraction=0.5 --tt-assign-layouts=precision=bf16 --tt-choose-op-configs=force-skip-zero-tiles=true | FileCheck %s

// Half the tiles of a splat weight have the least norm (all tie: the first half, by row): the
// matmul then skips them (forced: this one is too small to pay), storing the 32 others.
// CHECK-LABEL: func.func @halved
// CHECK: graph.matmul {{.*}}rhs_stored_tiles = 32
func.func @halved(%x: tensor<64x256xf32>) -> tensor<64x256xf32> {
  %w = graph.constant dense<1.0> : tensor<256x256xf32>
  %y = graph.matmul %x, %w : (tensor<64x256xf32>, tensor<256x256xf32>) -> tensor<64x256xf32>
  return %y : tensor<64x256xf32>
}

// -----

// A weight per batch is not one matrix: it is left whole.
// CHECK-LABEL: func.func @batched_weights
// CHECK-NOT: rhs_stored_tiles
// CHECK: return
func.func @batched_weights(%x: tensor<2x64x256xf32>) -> tensor<2x64x256xf32> {
  %w = graph.constant dense<1.0> : tensor<2x256x256xf32>
  %y = graph.matmul %x, %w : (tensor<2x64x256xf32>, tensor<2x256x256xf32>) -> tensor<2x64x256xf32>
  return %y : tensor<2x64x256xf32>
}
