// RUN: tt-opt %s -split-input-file -verify-diagnostics --tt-assign-layouts --tt-choose-op-configs --tt-lower-graph-to-grid --tt-lower-grid-to-kernels --canonicalize --cse | FileCheck %s
// RUN: tt-opt %s -split-input-file -verify-diagnostics --tt-assign-layouts=precision=bf16 --tt-choose-op-configs --tt-lower-graph-to-grid --tt-lower-grid-to-kernels | FileCheck %s --check-prefix=BF16
// RUN: tt-opt %s -split-input-file -verify-diagnostics --tt-assign-layouts --tt-choose-op-configs --tt-lower-graph-to-grid --tt-lower-grid-to-kernels | FileCheck %s --check-prefix=NOGRAPH

// No graph op other than constants survives the lowering.
// NOGRAPH: grid.dispatch "matmul"
// NOGRAPH-NOT: graph.matmul
// NOGRAPH-NOT: graph.add
// NOGRAPH-NOT: graph.mul
// NOGRAPH-NOT: graph.relu
// NOGRAPH-NOT: graph.softmax
// NOGRAPH-NOT: graph.transpose

// Matmuls are lowered as tt-choose-op-configs says (lower-matmul.mlir tests the kernels).
// CHECK-LABEL: func.func @matmul
// CHECK: grid.dispatch "matmul"
// CHECK-SAME: macs = 786432 : i64
// CHECK: tile.matmul {{.*}} : !tile.tile<32x32, f32>, !tile.tile<32x32, f32>
// BF16-LABEL: func.func @matmul
// BF16: grid.dispatch "matmul"
// BF16-SAME: dst_format = #tile<format bf16>
// BF16: noc.cb 0 : !noc.cb<!tile.tile<32x32, bf16>,
// BF16: tile.matmul {{.*}} : !tile.tile<32x32, bf16>, !tile.tile<32x32, bf16>
func.func @matmul(%a: tensor<64x96xf32>, %b: tensor<96x128xf32>) -> tensor<64x128xf32> {
  %0 = graph.matmul %a, %b : (tensor<64x96xf32>, tensor<96x128xf32>) -> tensor<64x128xf32>
  return %0 : tensor<64x128xf32>
}

// -----

// A bias of shape [N] is read along the output's column tiles and broadcast over rows; the
// padding of partial tiles is masked back to zero.
// CHECK-DAG: #[[X_IDX:.*]] = affine_map<(d0) -> (d0 - ((d0 floordiv 3) floordiv 2) * 6)>
// CHECK-DAG: #[[BIAS_IDX:.*]] = affine_map<(d0) -> (d0 mod 3)>
// CHECK-DAG: #[[ROWS:.*]] = affine_map<(d0) -> ((d0 floordiv 3) * -32 + ((d0 floordiv 3) floordiv 2) * 64 + 64)>
// CHECK-DAG: #[[COLS:.*]] = affine_map<(d0) -> (d0 * -32 + (d0 floordiv 3) * 96 + 80)>
// CHECK-LABEL: func.func @add_bias
// CHECK: grid.dispatch "add" on <(0, 0) to{{ ?}}(5, 0)> ins(%{{.*}}, %{{.*}} : tensor<64x80xf32, {{.*}}>, tensor<80xf32, {{.*}}>)
// CHECK: ^bb0(%[[X:.*]]: tensor<64x80xf32, {{.*}}>, %[[BIAS:.*]]: tensor<80xf32, {{.*}}>, %[[OUT:.*]]: tensor<64x80xf32, {{.*}}>):
// CHECK-NEXT: %[[CB0:.*]] = noc.cb 0 : !noc.cb<!tile.tile<32x32, f32>, 2>
// CHECK-NEXT: %[[CB1:.*]] = noc.cb 1 : !noc.cb<!tile.tile<32x32, f32>, 2>
// CHECK-NEXT: %[[CB2:.*]] = noc.cb 2 : !noc.cb<!tile.tile<32x32, f32>, 2>
// CHECK: noc.kernel reader {
// CHECK: %[[CORE:.*]] = grid.core_index linear
// CHECK: %[[XT:.*]] = affine.apply #[[X_IDX]](%[[CORE]])
// CHECK: noc.read %[[X]][%[[XT]]] into %[[CB0]]
// CHECK: %[[BT:.*]] = affine.apply #[[BIAS_IDX]](%[[CORE]])
// CHECK: noc.read_span %[[BIAS]][%[[BT]]] offset %c0 into %[[CB1]][%c0] offset %c0 count %c32 outside %c0
// CHECK: noc.kernel compute {
// CHECK: %[[T0:.*]] = noc.cb_get %[[CB0]]
// CHECK: %[[T1:.*]] = noc.cb_get %[[CB1]]
// CHECK: tile.binary add bcast rows %[[T0]], %[[T1]], dst[%{{.*}}]
// CHECK: %[[R:.*]] = affine.apply #[[ROWS]]
// CHECK: %[[C:.*]] = affine.apply #[[COLS]]
// CHECK: tile.mask dst[%{{.*}}] rows %[[R]] cols %[[C]] fill 0.000000e+00
// CHECK: noc.kernel writer {
// CHECK: noc.write %[[CB2]][%{{.*}}] into %[[OUT]][%{{.*}}]
func.func @add_bias(%x: tensor<64x80xf32>, %b: tensor<80xf32>) -> tensor<64x80xf32> {
  %0 = graph.binary add %x, %b : (tensor<64x80xf32>, tensor<80xf32>) -> tensor<64x80xf32>
  return %0 : tensor<64x80xf32>
}

// -----

// The FPU broadcasts only its second operand: a scalar lhs is swapped to the rhs.
// CHECK-LABEL: func.func @mul_scalar
// CHECK-SAME: (%[[S:.*]]: tensor<f32, {{.*}}>, %[[X:.*]]: tensor<3x5xf32, {{.*}}>)
// CHECK: grid.dispatch "mul" on <(0, 0) to{{ ?}}(0, 0)> ins(%[[X]], %[[S]] : tensor<3x5xf32, {{.*}}>, tensor<f32, {{.*}}>)
// CHECK: noc.kernel compute {
// CHECK: tile.binary mul bcast scalar
// CHECK: tile.mask dst[%{{.*}}] rows %c3 cols %c5 fill 0.000000e+00
func.func @mul_scalar(%s: tensor<f32>, %x: tensor<3x5xf32>) -> tensor<3x5xf32> {
  %0 = graph.binary mul %s, %x : (tensor<f32>, tensor<3x5xf32>) -> tensor<3x5xf32>
  return %0 : tensor<3x5xf32>
}

// -----

// Same shapes: no broadcast and no mask.
// CHECK-LABEL: func.func @add_same
// CHECK: grid.dispatch "add" on <(0, 0) to{{ ?}}(3, 0)>
// CHECK: tile.binary add bcast none
// CHECK-NOT: tile.mask
// CHECK: noc.kernel writer
func.func @add_same(%x: tensor<64x64xf32>, %y: tensor<64x64xf32>) -> tensor<64x64xf32> {
  %0 = graph.binary add %x, %y : (tensor<64x64xf32>, tensor<64x64xf32>) -> tensor<64x64xf32>
  return %0 : tensor<64x64xf32>
}

// -----

// CHECK-LABEL: func.func @relu
// CHECK: grid.dispatch "relu" on <(0, 0) to{{ ?}}(7, 0)> ins(%{{.*}} : tensor<2x64x64xf32, {{.*}}>)
// CHECK: noc.cb 0 : !noc.cb<!tile.tile<32x32, f32>, 2>
// CHECK: noc.cb 1 : !noc.cb<!tile.tile<32x32, f32>, 2>
// CHECK-NOT: noc.cb 2
// CHECK: noc.kernel reader {
// CHECK: noc.read
// CHECK: noc.kernel compute {
// CHECK: %[[T:.*]] = noc.cb_get
// CHECK: tile.acquire_dst
// CHECK: tile.copy %[[T]], dst[%[[D:.*]]] : !tile.tile<32x32, f32>
// CHECK-NEXT: tile.unary relu dst[%[[D]]]
// CHECK: tile.pack dst[%[[D]]]
// CHECK: noc.kernel writer {
// CHECK: noc.write
func.func @relu(%x: tensor<2x64x64xf32>) -> tensor<2x64x64xf32> {
  %0 = graph.unary relu %x : tensor<2x64x64xf32> -> tensor<2x64x64xf32>
  return %0 : tensor<2x64x64xf32>
}

// -----

// 3x5 fits one partial tile: the last (only) tile is masked with -huge before the max, the
// exponentials and the result are masked to the 3x5 corner.
// CHECK-LABEL: func.func @softmax_partial_small
// CHECK: grid.dispatch "softmax" on <(0, 0) to{{ ?}}(0, 0)>
// CHECK: %[[IN:.*]] = noc.cb 0 : !noc.cb<!tile.tile<32x32, f32>, 1>
// CHECK: %[[LAST:.*]] = noc.cb 1 : !noc.cb<!tile.tile<32x32, f32>, 1>
// CHECK: %[[MAX:.*]] = noc.cb 2 : !noc.cb<!tile.tile<32x32, f32>, 1>
// CHECK: %[[EXP:.*]] = noc.cb 3 : !noc.cb<!tile.tile<32x32, f32>, 1>
// CHECK: %[[SUM:.*]] = noc.cb 4 : !noc.cb<!tile.tile<32x32, f32>, 1>
// CHECK: %[[OUT:.*]] = noc.cb 5 : !noc.cb<!tile.tile<32x32, f32>, 2>
// CHECK: noc.kernel compute {
// CHECK: tile.copy
// CHECK: tile.mask dst[%{{.*}}] rows %c32 cols %c5 fill -3.000000e+38
// CHECK: noc.cb_put %{{.*}}, %[[LAST]]
// CHECK: %[[L:.*]] = noc.cb_get %[[LAST]]
// CHECK: tile.reduce max dim 0 %[[L]], dst[%{{.*}}] : !tile.tile<32x32, f32>
// CHECK-NOT: accumulate
// CHECK: noc.cb_put %{{.*}}, %[[MAX]]
// CHECK: tile.binary sub bcast cols
// CHECK: tile.unary exp
// CHECK: tile.mask dst[%{{.*}}] rows %c32 cols %c5 fill 0.000000e+00
// CHECK: noc.cb_put %{{.*}}, %[[EXP]]
// CHECK: tile.reduce sum dim 0
// CHECK: tile.unary recip
// CHECK: noc.cb_put %{{.*}}, %[[SUM]]
// CHECK: tile.binary mul bcast cols
// CHECK: tile.mask dst[%{{.*}}] rows %c3 cols %c5 fill 0.000000e+00
// CHECK: noc.cb_put %{{.*}}, %[[OUT]]
// CHECK: noc.kernel writer {
// CHECK: noc.write %[[OUT]]
func.func @softmax_partial_small(%x: tensor<3x5xf32>) -> tensor<3x5xf32> {
  %0 = graph.softmax %x {axis = 1 : i64} : tensor<3x5xf32>
  return %0 : tensor<3x5xf32>
}

// -----

// 64x40: two rows of two tiles, one row per core; the second column tile is partial (8 wide).
// CHECK-DAG: #[[TILE:.*]] = affine_map<(d0, d1) -> (d0 + d1 * 2)>
// CHECK-DAG: #[[COLS:.*]] = affine_map<(d0) -> (d0 * -32 + 40)>
// CHECK-DAG: #[[ROWS:.*]] = affine_map<(d0) -> (d0 * -32 + (d0 floordiv 2) * 64 + 64)>
// CHECK-LABEL: func.func @softmax_partial_cols
// CHECK: grid.dispatch "softmax" on <(0, 0) to{{ ?}}(1, 0)>
// CHECK: %[[IN:.*]] = noc.cb 0 : !noc.cb<!tile.tile<32x32, f32>, 2>
// CHECK: noc.cb 1 : !noc.cb<!tile.tile<32x32, f32>, 1>
// CHECK: %[[EXP:.*]] = noc.cb 3 : !noc.cb<!tile.tile<32x32, f32>, 2>
// CHECK: noc.kernel reader {
// CHECK: %[[CORE:.*]] = grid.core_index linear
// CHECK: noc.cb_reserve %[[IN]], 2
// CHECK: scf.for %[[J:.*]] =
// CHECK: %[[T:.*]] = affine.apply #[[TILE]](%[[J]], %[[CORE]])
// CHECK: noc.read %{{.*}}[%[[T]]] into %[[IN]][%[[J]]]
// CHECK: noc.cb_push %[[IN]], 2
// CHECK: noc.kernel compute {
// CHECK: %[[LASTIN:.*]] = noc.cb_get %[[IN]][%c1]
// CHECK: tile.copy %[[LASTIN]]
// CHECK: tile.mask dst[%{{.*}}] rows %c32 cols %c8 fill -3.000000e+38
// CHECK: %[[FIRST:.*]] = noc.cb_get %[[IN]][%c0]
// CHECK: tile.reduce max dim 0 %[[FIRST]], dst[%{{.*}}] : !tile.tile<32x32, f32>
// CHECK: tile.reduce max dim 0 %{{.*}}, dst[%{{.*}}] {accumulate} : !tile.tile<32x32, f32>
// CHECK: scf.for %[[J2:.*]] =
// CHECK: tile.binary sub bcast cols
// CHECK: tile.unary exp
// CHECK: %[[C:.*]] = affine.apply #[[COLS]](%[[J2]])
// CHECK: tile.mask dst[%{{.*}}] rows %c32 cols %[[C]] fill 0.000000e+00
// CHECK: tile.reduce sum dim 0 %{{.*}}, dst
// CHECK: tile.reduce sum dim 0 %{{.*}}, dst[%{{.*}}] {accumulate}
// CHECK: tile.unary recip
// CHECK: tile.binary mul bcast cols
// CHECK: %[[R:.*]] = affine.apply #[[ROWS]]
// CHECK: tile.mask dst[%{{.*}}] rows %[[R]] cols %{{.*}} fill 0.000000e+00
// CHECK: noc.kernel writer {
// CHECK: noc.write
func.func @softmax_partial_cols(%x: tensor<64x40xf32>) -> tensor<64x40xf32> {
  %0 = graph.softmax %x {axis = 1 : i64} : tensor<64x40xf32>
  return %0 : tensor<64x40xf32>
}

// -----

// 2-D transpose: output tile (mt, nt) reads input tile (nt, mt) and transposes it.
// CHECK-DAG: #[[SWAP:.*]] = affine_map<(d0) -> (d0 * 3 - (d0 floordiv 2) * 5 - ((d0 floordiv 2) floordiv 3) * 3)>
// CHECK-LABEL: func.func @transpose_2d
// CHECK: grid.dispatch "transpose" on <(0, 0) to{{ ?}}(5, 0)> ins(%{{.*}} : tensor<64x96xf32, {{.*}}>) outs(%{{.*}} : tensor<96x64xf32, {{.*}}>)
// CHECK: noc.kernel reader {
// CHECK: %[[CORE:.*]] = grid.core_index linear
// CHECK: %[[T:.*]] = affine.apply #[[SWAP]](%[[CORE]])
// CHECK: noc.read %{{.*}}[%[[T]]]
// CHECK: noc.kernel compute {
// CHECK: tile.transpose %{{.*}}, dst[%{{.*}}] : !tile.tile<32x32, f32>
// CHECK-NOT: tile.copy
// CHECK: noc.kernel writer {
func.func @transpose_2d(%x: tensor<64x96xf32>) -> tensor<96x64xf32> {
  %0 = graph.transpose %x {perm = array<i64: 1, 0>} : (tensor<64x96xf32>) -> tensor<96x64xf32>
  return %0 : tensor<96x64xf32>
}

// -----

// Permuting batch dims only moves whole tiles: copies, addressed through the permuted batch index.
// CHECK-DAG: #[[PERM:.*]] = affine_map<(d0) -> (d0 + (d0 floordiv 2) * 4 - ((d0 floordiv 2) floordiv 2) * 10 - (((d0 floordiv 2) floordiv 2) floordiv 3) * 6)>
// CHECK-LABEL: func.func @transpose_batch
// CHECK: grid.dispatch "transpose" on <(0, 0) to{{ ?}}(5, 1)>
// CHECK: noc.kernel reader {
// CHECK: %[[CORE:.*]] = grid.core_index linear
// CHECK: %[[T:.*]] = affine.apply #[[PERM]](%[[CORE]])
// CHECK: noc.read %{{.*}}[%[[T]]]
// CHECK: noc.kernel compute {
// CHECK: tile.copy
// CHECK-NOT: tile.transpose
// CHECK: noc.kernel writer {
// CHECK: %[[WCORE:.*]] = grid.core_index linear
// CHECK: noc.write %{{.*}} into %{{.*}}[%[[WCORE]]]
func.func @transpose_batch(%x: tensor<2x3x32x64xf32>) -> tensor<3x2x32x64xf32> {
  %0 = graph.transpose %x {perm = array<i64: 1, 0, 2, 3>} : (tensor<2x3x32x64xf32>) -> tensor<3x2x32x64xf32>
  return %0 : tensor<3x2x32x64xf32>
}

// -----

// 3-D transpose of the last two dims with a batch: tile transposes, 2 x 2 x 3 output tiles.
// CHECK-LABEL: func.func @transpose_3d_last_two
// CHECK: grid.dispatch "transpose" on <(0, 0) to{{ ?}}(5, 1)> ins(%{{.*}} : tensor<2x64x96xf32, {{.*}}>) outs(%{{.*}} : tensor<2x96x64xf32, {{.*}}>)
// CHECK: tile.transpose
func.func @transpose_3d_last_two(%x: tensor<2x64x96xf32>) -> tensor<2x96x64xf32> {
  %0 = graph.transpose %x {perm = array<i64: 0, 2, 1>} : (tensor<2x64x96xf32>) -> tensor<2x96x64xf32>
  return %0 : tensor<2x96x64xf32>
}

// -----

// A batch dim moving into the tile dims goes through the gather kernel: the last dim keeps its
// place, so each output row is one run of 32 values (noc.read_runs).
// CHECK-LABEL: func.func @transpose_batch_into_tile
// CHECK: grid.dispatch "transpose"
// CHECK: noc.kernel reader
// CHECK: noc.read_runs %{{.*}} into %{{.*}}[%{{.*}}] runs 32 of 32, 1 per row fill 0.000000e+00
// CHECK: noc.kernel compute
// CHECK: tile.copy
// CHECK: tile.mask
func.func @transpose_batch_into_tile(%x: tensor<2x3x4xf32>) -> tensor<3x2x4xf32> {
  %0 = graph.transpose %x {perm = array<i64: 1, 0, 2>} : (tensor<2x3x4xf32>) -> tensor<3x2x4xf32>
  return %0 : tensor<3x2x4xf32>
}

// -----

// A reshape that changes the last dim moves runs that stay in one row on both sides: pairs,
// for last dims 6 and 4.
// CHECK-LABEL: func.func @reshape_last_dim
// CHECK: grid.dispatch "reshape"
// CHECK: noc.read_runs {{.*}} runs 64 of 2, 2 per row
func.func @reshape_last_dim(%x: tensor<2x6xf32>) -> tensor<3x4xf32> {
  %0 = graph.reshape %x : (tensor<2x6xf32>) -> tensor<3x4xf32>
  return %0 : tensor<3x4xf32>
}

// -----

func.func @softmax_not_last(%x: tensor<4x8xf32>) -> tensor<4x8xf32> {
  // expected-error @+1 {{softmax must be over the last axis here; run tt-decompose-graph first}}
  %0 = graph.softmax %x {axis = 0 : i64} : tensor<4x8xf32>
  return %0 : tensor<4x8xf32>
}

// -----

func.func @gemm_not_decomposed(%a: tensor<3x4xf32>, %b: tensor<4x5xf32>) -> tensor<3x5xf32> {
  // expected-error @+1 {{no kernel for 'graph.gemm'; run tt-decompose-graph first}}
  %0 = graph.gemm %a, %b : (tensor<3x4xf32>, tensor<4x5xf32>) -> tensor<3x5xf32>
  return %0 : tensor<3x5xf32>
}

// -----

func.func @both_broadcast(%x: tensor<4x1xf32>, %y: tensor<1x8xf32>) -> tensor<4x8xf32> {
  // expected-error @+1 {{both operands broadcast within a tile; not supported yet}}
  %0 = graph.binary add %x, %y : (tensor<4x1xf32>, tensor<1x8xf32>) -> tensor<4x8xf32>
  return %0 : tensor<4x8xf32>
}

// -----

func.func @over_residual_without_one(%a: tensor<32x32xf32>, %b: tensor<32x32xf32>) -> tensor<32x32xf32> {
  // expected-error @+1 {{matmul marked grid.over_residual needs a residual of its result's type}}
  %0 = graph.matmul %a, %b {grid.over_residual} : (tensor<32x32xf32>, tensor<32x32xf32>) -> tensor<32x32xf32>
  return %0 : tensor<32x32xf32>
}
