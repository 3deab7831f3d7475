// RUN: tt-opt %s -split-input-file -verify-diagnostics --tt-assign-layouts --tt-lower-graph-to-grid --tt-lower-grid-to-kernels --canonicalize --cse | FileCheck %s

// Channels of [N, C, H, W], a batch axis of the tiled layout: each output tile is a tile of
// one input. The reader reads it from the input whose channels hold the tile's, in a loop of
// one trip there and none elsewhere (1 when the channel is at least the input's offset, minus 1
// when it is past its end); compute passes the tile through.
// CHECK-DAG: #[[FIRST:.*]] = affine_map<(d0) -> (-((d0 mod 5 + 3) floordiv 5) + 1)>
// CHECK-DAG: #[[SECOND:.*]] = affine_map<(d0) -> ((d0 mod 5 + 3) floordiv 5)>
// CHECK-LABEL: func.func @channels
// CHECK: grid.dispatch "concat" on <(0, 0) to (4, 0)> ins(%arg0, %arg1 : tensor<1x2x32x32xf32
// CHECK: noc.kernel reader {
// CHECK: %[[N0:.*]] = affine.apply #[[FIRST]]
// CHECK-NEXT: scf.for %{{.*}} = %c0 to %[[N0]] step %c1 {
// CHECK-NEXT: affine.apply
// CHECK-NEXT: noc.read %arg{{[0-9]+}}[%{{.*}}] into %{{.*}}[%c0] : tensor<1x2x32x32xf32
// CHECK: %[[N1:.*]] = affine.apply #[[SECOND]]
// CHECK-NEXT: scf.for %{{.*}} = %c0 to %[[N1]] step %c1 {
// CHECK-NEXT: affine.apply
// CHECK-NEXT: noc.read %arg{{[0-9]+}}[%{{.*}}] into %{{.*}}[%c0] : tensor<1x3x32x32xf32
// CHECK: noc.kernel compute {
// CHECK: tile.copy
func.func @channels(%a: tensor<1x2x32x32xf32>, %b: tensor<1x3x32x32xf32>) -> tensor<1x5x32x32xf32> {
  %0 = graph.concat %a, %b {axis = 1 : i64} : (tensor<1x2x32x32xf32>, tensor<1x3x32x32xf32>) -> tensor<1x5x32x32xf32>
  return %0 : tensor<1x5x32x32xf32>
}

// -----

func.func @last_axis(%a: tensor<2x3xf32>, %b: tensor<2x4xf32>) -> tensor<2x7xf32> {
  // expected-error @+1 {{a concat along one of the last two axes has no kernel; run tt-decompose-graph first}}
  %0 = graph.concat %a, %b {axis = 1 : i64} : (tensor<2x3xf32>, tensor<2x4xf32>) -> tensor<2x7xf32>
  return %0 : tensor<2x7xf32>
}
