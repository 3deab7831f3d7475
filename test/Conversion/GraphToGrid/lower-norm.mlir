// RUN: tt-opt %s -split-input-file -verify-diagnostics --tt-assign-layouts --tt-lower-graph-to-grid --tt-lower-grid-to-kernels --canonicalize --cse | FileCheck %s

// A layer norm over rows of 40 values (two column tiles, the second partial), three rows: one
// unit of a row of tiles, as a row loop. The reader reads the scale and bias once (their one
// row each), then the row, double-buffered. Compute sums the row into Dst[0] and scales by
// 1/40 (the mean); centres each tile, masks the 8 real columns of the last so padding stays 0,
// keeps it in the centred row, and sums its square (taken where the centring left it, in
// Dst[0]) into Dst[1]; 1/sqrt(var + eps); then each centred tile times that, times the scale
// and plus the bias (broadcast by rows, through staging tiles), masked to the 3 x 40 real
// values.
// CHECK-DAG: #[[COLS:.*]] = affine_map<(d0) -> (d0 * -32 + 40)>
// CHECK-LABEL: func.func @layer_norm
// CHECK: grid.dispatch "layer_norm" on <(0, 0) to{{ ?}}(0, 0)> ins(%{{.*}}, %{{.*}}, %{{.*}} :
// CHECK-NEXT: ^bb0
// CHECK-NEXT: %[[SCALE:.*]] = noc.cb 0 : !noc.cb<!tile.tile<32x32, f32>, 2>
// CHECK-NEXT: %[[BIAS:.*]] = noc.cb 1 : !noc.cb<!tile.tile<32x32, f32>, 2>
// CHECK-NEXT: %[[IN:.*]] = noc.cb 2 : !noc.cb<!tile.tile<32x32, f32>, 4>
// CHECK-NEXT: %[[MEAN:.*]] = noc.cb 3 : !noc.cb<!tile.tile<32x32, f32>, 1>
// CHECK-NEXT: %[[CEN:.*]] = noc.cb 4 : !noc.cb<!tile.tile<32x32, f32>, 2>
// CHECK-NEXT: %[[RSTD:.*]] = noc.cb 5 : !noc.cb<!tile.tile<32x32, f32>, 1>
// CHECK-NEXT: %[[SQ:.*]] = noc.cb 6 : !noc.cb<!tile.tile<32x32, f32>, 1>
// CHECK-NEXT: %[[STAGE0:.*]] = noc.cb 7 : !noc.cb<!tile.tile<32x32, f32>, 1>
// CHECK-NEXT: %[[STAGE1:.*]] = noc.cb 8 : !noc.cb<!tile.tile<32x32, f32>, 1>
// CHECK-NEXT: %[[OUT:.*]] = noc.cb 9 : !noc.cb<!tile.tile<32x32, f32>, 2>
// CHECK: noc.kernel reader {
// CHECK: noc.read_span %{{.*}} into %[[SCALE]][%{{.*}}] offset %c0 count %c32
// CHECK: noc.read_span %{{.*}} into %[[BIAS]][%{{.*}}] offset %c0 count %c32
// CHECK: noc.read %{{.*}} into %[[IN]]
// CHECK: noc.kernel compute {
// CHECK: tile.reduce sum dim 0 %{{.*}}, dst[%c0] {accumulate}
// CHECK: tile.unary scale dst[%c0] {param = 2.500000e-02 : f32}
// CHECK: tile.binary sub bcast cols
// CHECK-NEXT: %[[C:.*]] = affine.apply #[[COLS]]
// CHECK-NEXT: tile.mask dst[%c0] rows %c32 cols %[[C]] fill 0.000000e+00
// CHECK-NEXT: %[[P:.*]] = tile.pack dst[%c0]
// CHECK-NEXT: noc.cb_put %[[P]], %[[CEN]]
// CHECK-NEXT: tile.unary square dst[%c0]
// CHECK: noc.cb_put %{{.*}}, %[[SQ]]
// CHECK: tile.reduce sum dim 0 %{{.*}}, dst[%c1] {accumulate}
// CHECK: tile.unary scale dst[%c1] {param = 2.500000e-02 : f32}
// CHECK-NEXT: tile.unary shift dst[%c1] {param = 9.99999974E-6 : f32}
// CHECK-NEXT: tile.unary rsqrt dst[%c1]
// CHECK: tile.binary mul bcast cols
// CHECK: tile.binary mul bcast rows
// CHECK: tile.binary add bcast rows
// CHECK: tile.mask dst[%c0] rows %c3 cols
// CHECK: noc.kernel writer {
func.func @layer_norm(%x: tensor<3x40xf32>, %g: tensor<40xf32>, %b: tensor<40xf32>) -> tensor<3x40xf32> {
  %y = graph.layer_norm %x scale %g bias %b {axis = 1 : i64, epsilon = 1.0e-05 : f32} : (tensor<3x40xf32>, tensor<40xf32>, tensor<40xf32>) -> tensor<3x40xf32>
  return %y : tensor<3x40xf32>
}

// -----

// An RMS norm of 4 x 64 rows, 128 of them: 4 units over 4 cores. No mean and no centred row:
// each tile squares itself into Dst[1] beside the sum in Dst[0], and the scaled result comes
// from the input row.
// CHECK-LABEL: func.func @rms_norm
// CHECK: grid.dispatch "rms_norm" on <(0, 0) to{{ ?}}(3, 0)>
// CHECK-NEXT: ^bb0
// CHECK-NEXT: %[[SCALE:.*]] = noc.cb 0 : !noc.cb<!tile.tile<32x32, f32>, 2>
// CHECK-NEXT: %[[IN:.*]] = noc.cb 1 : !noc.cb<!tile.tile<32x32, f32>, 4>
// CHECK-NEXT: %[[RSTD:.*]] = noc.cb 2 : !noc.cb<!tile.tile<32x32, f32>, 1>
// CHECK: noc.kernel compute {
// CHECK: %[[X:.*]] = noc.cb_get %[[IN]]
// CHECK-NEXT: tile.binary mul bcast none %[[X]], %[[X]], dst[%c1]
// CHECK: tile.reduce sum dim 0 %{{.*}}, dst[%c0] {accumulate}
// CHECK: tile.unary rsqrt dst[%c0]
// CHECK: tile.binary mul bcast cols
// CHECK-NOT: tile.binary sub
// CHECK: noc.kernel writer {
func.func @rms_norm(%x: tensor<4x32x64xf32>, %g: tensor<64xf32>) -> tensor<4x32x64xf32> {
  %y = graph.rms_norm %x scale %g {axis = 2 : i64, epsilon = 1.0e-06 : f32} : (tensor<4x32x64xf32>, tensor<64xf32>) -> tensor<4x32x64xf32>
  return %y : tensor<4x32x64xf32>
}

// -----

func.func @two_axes(%x: tensor<4x32x64xf32>) -> tensor<4x32x64xf32> {
  // expected-error @+1 {{layer_norm must be over the last axis with row parameters here; run tt-decompose-graph first}}
  %y = graph.layer_norm %x {axis = 1 : i64, epsilon = 1.0e-06 : f32} : (tensor<4x32x64xf32>) -> tensor<4x32x64xf32>
  return %y : tensor<4x32x64xf32>
}

// -----

// A group norm of 2 x 4 channels of 40 x 40 in 2 groups, as a row loop: a unit is a sample's
// group, 2 channels of 2 x 2 tiles = 8 consecutive tiles; 4 units on 4 cores. The scale's value
// of each channel is read into the first position of a tile (a row of the unit's 2 channels);
// the statistics reduce each tile's rows into Dst, then that column into [0, 0], and broadcast
// as a scalar; the sum of squares goes to Dst[1] while each centred tile is made in Dst[0].
// The input row is popped once the centred row is made, for the reader's next group.
// CHECK-LABEL: func.func @group_norm
// CHECK: grid.dispatch "group_norm" on <(0, 0) to{{ ?}}(3, 0)>
// CHECK-NEXT: ^bb0
// CHECK-NEXT: %[[IN:.*]] = noc.cb 0 : !noc.cb<!tile.tile<32x32, f32>, 8>
// CHECK-NEXT: %[[SCALE:.*]] = noc.cb 1 : !noc.cb<!tile.tile<32x32, f32>, 2>
// CHECK-NEXT: %[[MEAN:.*]] = noc.cb 2 : !noc.cb<!tile.tile<32x32, f32>, 1>
// CHECK-NEXT: %[[CEN:.*]] = noc.cb 3 : !noc.cb<!tile.tile<32x32, f32>, 8>
// CHECK: noc.kernel reader {
// CHECK: noc.read %{{.*}} into %[[IN]]
// CHECK: noc.read_span %{{.*}} offset %{{.*}} into %[[SCALE]][%{{.*}}] offset %c0 count %c1
// CHECK: noc.barrier
// CHECK: noc.kernel compute {
// CHECK: tile.reduce sum dim 0 %{{.*}}, dst[%c0] {accumulate}
// CHECK: tile.reduce sum dim 1 %{{.*}}, dst[%c0] :
// CHECK: tile.unary scale dst[%c0] {param = 3.125000e-04 : f32}
// CHECK: tile.binary sub bcast scalar
// CHECK: tile.mask dst[%c0] rows
// CHECK: noc.cb_put %{{.*}}, %[[CEN]]
// CHECK: tile.unary square dst[%c0]
// CHECK: tile.reduce sum dim 0 %{{.*}}, dst[%c1] {accumulate}
// CHECK: noc.cb_pop %[[IN]], 8
// CHECK-NEXT: noc.cb_pop %[[MEAN]], 1
// CHECK: tile.unary rsqrt dst[%c1]
// CHECK: tile.binary mul bcast scalar
// CHECK: tile.binary mul bcast scalar
// CHECK: noc.cb_pop %[[SCALE]], 2
// CHECK-NEXT: noc.cb_pop %[[CEN]], 8
func.func @group_norm(%x: tensor<2x4x40x40xf32>, %g: tensor<4xf32>) -> tensor<2x4x40x40xf32> {
  %y = graph.group_norm %x scale %g {num_groups = 2 : i64, epsilon = 1.0e-05 : f32} : (tensor<2x4x40x40xf32>, tensor<4xf32>) -> tensor<2x4x40x40xf32>
  return %y : tensor<2x4x40x40xf32>
}
