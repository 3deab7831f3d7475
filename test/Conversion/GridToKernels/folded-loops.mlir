// RUN: tt-opt %s -split-input-file --tt-assign-layouts --tt-choose-op-configs --tt-lower-graph-to-grid --canonicalize --tt-lower-grid-to-kernels | FileCheck %s

// Canonicalization between the two lowerings folds loops of one trip away: the loop over the
// units of a core that has one, and a reduction's loop of one step. tt-lower-grid-to-kernels
// puts them back and builds the same kernels.

// One tile per core: the unit loop is gone, the unit is the core's index.
// CHECK-LABEL: func.func @relu_one_unit
// CHECK: noc.kernel reader {
// CHECK: noc.read
// CHECK: noc.kernel compute {
// CHECK: tile.unary relu
// CHECK: noc.kernel writer {
// CHECK: noc.write
// CHECK-NOT: grid.compute
func.func @relu_one_unit(%x: tensor<64x64xf32>) -> tensor<64x64xf32> {
  %0 = graph.unary relu %x : tensor<64x64xf32> -> tensor<64x64xf32>
  return %0 : tensor<64x64xf32>
}

// -----
// A reduction over one tile: the loop of steps is gone too.
// CHECK-LABEL: func.func @reduce_one_step
// CHECK: noc.kernel compute {
// CHECK: tile.reduce max dim 0
// CHECK: tile.mask
// CHECK-NOT: grid.compute
func.func @reduce_one_step(%x: tensor<3x20xf32>) -> tensor<3x1xf32> {
  %0 = graph.reduce max %x {axes = array<i64: 1>} : (tensor<3x20xf32>) -> tensor<3x1xf32>
  return %0 : tensor<3x1xf32>
}

// -----
// A matmul over one K tile, on one core: its loop checks against its config and gets the
// config's kernels, epilogue included.
// CHECK-LABEL: func.func @matmul_one_k_tile
// CHECK: grid.dispatch "matmul"
// CHECK: noc.kernel compute {
// CHECK: tile.matmul
// CHECK: tile.binary add bcast rows
// CHECK: tile.unary relu
// CHECK-NOT: grid.compute
func.func @matmul_one_k_tile(%a: tensor<16x32xf32>, %b: tensor<32x10xf32>, %c: tensor<10xf32>) -> tensor<16x10xf32> {
  %0 = graph.matmul %a, %b, %c then relu : (tensor<16x32xf32>, tensor<32x10xf32>, tensor<10xf32>) -> tensor<16x10xf32>
  return %0 : tensor<16x10xf32>
}

// -----

// A softmax of one row of two tiles per core: the unit loop is gone, its rows read at the
// core's index; the reduction's one step folds too. The row is read once and held.
// CHECK-LABEL: func.func @softmax_one_row
// CHECK: noc.kernel reader {
// CHECK: noc.read
// CHECK: noc.barrier
// CHECK: noc.kernel compute {
// CHECK: tile.reduce max dim 0
// CHECK: tile.reduce max dim 0 %{{.*}} {accumulate}
// CHECK: tile.unary exp
// CHECK: tile.unary recip
// CHECK: noc.kernel writer {
// CHECK-NOT: grid.load_row
func.func @softmax_one_row(%x: tensor<64x64xf32>) -> tensor<64x64xf32> {
  %0 = graph.softmax %x {axis = 1 : i64} : tensor<64x64xf32>
  return %0 : tensor<64x64xf32>
}

// -----

// Rows of one tile: canonicalization folds every pass away too, each leaving its one step in the
// unit. The kernels take those steps as they are: the masked tile and the exponentials through
// one-tile buffers, the last step's tile to the writer.
// CHECK-LABEL: func.func @softmax_one_tile
// CHECK: noc.kernel compute {
// CHECK: tile.mask {{.*}} fill -3.000000e+38
// CHECK: tile.reduce max dim 0
// CHECK: tile.unary exp
// CHECK: tile.reduce sum dim 0
// CHECK: tile.unary recip
// CHECK: tile.binary mul bcast cols
// CHECK: noc.kernel writer {
// CHECK: noc.write
func.func @softmax_one_tile(%x: tensor<64x20xf32>) -> tensor<64x20xf32> {
  %0 = graph.softmax %x {axis = 1 : i64} : tensor<64x20xf32>
  return %0 : tensor<64x20xf32>
}

// -----

// A layer norm of rows of one tile: the sum of squares starts in Dst[0] before the centred tile
// is made, which goes beside it, in Dst[1], and through its buffer to the step that squares it.
// CHECK-LABEL: func.func @layer_norm_one_tile
// CHECK: noc.kernel compute {
// CHECK: tile.binary sub bcast cols {{.*}}, dst[%c1{{.*}}]
// CHECK: tile.pack dst[%c1
// CHECK: tile.copy {{.*}}, dst[%c1
// CHECK: tile.unary square dst[%c1
// CHECK: tile.reduce sum dim 0 %{{.*}}, dst[%c0{{.*}}] {accumulate}
// CHECK: tile.unary rsqrt dst[%c0
// CHECK: noc.kernel writer {
func.func @layer_norm_one_tile(%x: tensor<64x20xf32>, %g: tensor<20xf32>) -> tensor<64x20xf32> {
  %y = graph.layer_norm %x scale %g {axis = 1 : i64, epsilon = 1.0e-05 : f32} : (tensor<64x20xf32>, tensor<20xf32>) -> tensor<64x20xf32>
  return %y : tensor<64x20xf32>
}
