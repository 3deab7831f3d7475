// RUN: tt-opt %s -split-input-file --canonicalize | FileCheck %s

// A reshard to the layout its input has is no reshard.
#l = #grid.layout<tile 32x32, bf16, l1, interleaved>
// CHECK-LABEL: func.func @reshard_to_the_same_layout
// CHECK-SAME: (%[[X:.*]]: tensor
func.func @reshard_to_the_same_layout(%x: tensor<64x64xf32, #l>) -> tensor<64x64xf32, #l> {
  // CHECK-NOT: grid.reshard
  // CHECK: return %[[X]]
  %r = grid.reshard %x : tensor<64x64xf32, #l> -> tensor<64x64xf32, #l>
  return %r : tensor<64x64xf32, #l>
}

// -----

// Back to the layout a reshard started from: its input.
#d = #grid.layout<tile 32x32, bf16, dram, interleaved>
#h = #grid.layout<tile 32x32, bf16, l1, height_sharded, shard 1x2, cores <(0, 0) to (1, 0)>>
// CHECK-LABEL: func.func @reshard_there_and_back
// CHECK-SAME: (%[[X:.*]]: tensor
func.func @reshard_there_and_back(%x: tensor<64x64xf32, #d>) -> tensor<64x64xf32, #d> {
  // CHECK-NOT: grid.reshard
  // CHECK: return %[[X]]
  %a = grid.reshard %x : tensor<64x64xf32, #d> -> tensor<64x64xf32, #h>
  %b = grid.reshard %a : tensor<64x64xf32, #h> -> tensor<64x64xf32, #d>
  return %b : tensor<64x64xf32, #d>
}

// -----

// A reshard to another layout stays.
#d = #grid.layout<tile 32x32, bf16, dram, interleaved>
#h = #grid.layout<tile 32x32, bf16, l1, height_sharded, shard 1x2, cores <(0, 0) to (1, 0)>>
// CHECK-LABEL: func.func @reshard_kept
func.func @reshard_kept(%x: tensor<64x64xf32, #d>) -> tensor<64x64xf32, #h> {
  // CHECK: grid.reshard %{{.*}} -> tensor<64x64xf32, #grid.layout<tile 32x32, bf16, l1, height_sharded
  %r = grid.reshard %x : tensor<64x64xf32, #d> -> tensor<64x64xf32, #h>
  return %r : tensor<64x64xf32, #h>
}
