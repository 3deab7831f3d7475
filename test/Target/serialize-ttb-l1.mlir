// RUN: tt-opt --tt-compile-pipeline=fuse-tile-loops=false %s | tt-translate --serialize-ttb | tt-translate --dump-ttb | FileCheck %s
// RUN: tt-opt --tt-compile-pipeline="l1-tensors=false fuse-tile-loops=false" %s | tt-translate --serialize-ttb | tt-translate --dump-ttb | FileCheck %s --check-prefix=DRAM

// A tensor kept in L1 between two dispatches is a buffer with `memory: L1` and an L1 address:
// 64 f32 tiles over 64 cores, one tile at the top of every core's L1 (1499136 - 4096). (With
// tt-fuse-tile-loops the two loops would be one and the tensor would not exist.)
// CHECK-LABEL: "buffers": [
// CHECK:          "name": "x",
// CHECK:          "memory": "Dram",
// CHECK-NEXT:     "address": 0,
// CHECK:          "id": [[H:[0-9]+]],
// CHECK:          "memory": "L1",
// CHECK-NEXT:     "address": 1495040,
// CHECK:          "memory": "Dram",
// CHECK-NEXT:     "address": 24576,
// Both dispatches list it.
// CHECK:       "name": "relu_0",
// CHECK:       "buffers": [
// CHECK-NEXT:    0,
// CHECK-NEXT:    [[H]]
// CHECK:       "name": "neg_1",
// CHECK:       "buffers": [
// CHECK-NEXT:    [[H]],

// DRAM-LABEL: "buffers": [
// DRAM-NOT:   "memory": "L1"
// DRAM:       "dispatches": [
func.func @main(%x: tensor<256x256xf32> {graph.name = "x"}) -> (tensor<256x256xf32> {graph.name = "y"}) {
  %h = graph.unary relu %x : tensor<256x256xf32> -> tensor<256x256xf32>
  %y = graph.unary neg %h : tensor<256x256xf32> -> tensor<256x256xf32>
  return %y : tensor<256x256xf32>
}
