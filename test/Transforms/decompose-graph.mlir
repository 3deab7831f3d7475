// RUN: tt-opt %s -split-input-file --tt-decompose-graph | FileCheck %s
// RUN: tt-opt %s -split-input-file --tt-decompose-graph=expand-norms=true | FileCheck %s --check-prefix=ALL

// alpha and beta scale, both operands transposed, bias of shape [N].
// CHECK-LABEL: func.func @gemm_all
// CHECK-SAME: (%[[A:.*]]: tensor<6x3xf32>, %[[B:.*]]: tensor<4x6xf32>, %[[C:.*]]: tensor<4xf32>)
// CHECK-NOT: graph.gemm
// CHECK-DAG: %[[AT:.*]] = graph.transpose %[[A]] {perm = array<i64: 1, 0>} : (tensor<6x3xf32>) -> tensor<3x6xf32>
// CHECK-DAG: %[[BT:.*]] = graph.transpose %[[B]] {perm = array<i64: 1, 0>} : (tensor<4x6xf32>) -> tensor<6x4xf32>
// CHECK: %[[M:.*]] = graph.matmul %[[AT]], %[[BT]] : (tensor<3x6xf32>, tensor<6x4xf32>) -> tensor<3x4xf32>
// CHECK-DAG: %[[ALPHA:.*]] = graph.constant dense<2.000000e+00> : tensor<f32>
// CHECK-DAG: %[[S:.*]] = graph.binary mul %[[M]], %[[ALPHA]] : (tensor<3x4xf32>, tensor<f32>) -> tensor<3x4xf32>
// CHECK-DAG: %[[BETA:.*]] = graph.constant dense<5.000000e-01> : tensor<f32>
// CHECK-DAG: %[[SC:.*]] = graph.binary mul %[[C]], %[[BETA]] : (tensor<4xf32>, tensor<f32>) -> tensor<4xf32>
// CHECK: %[[Y:.*]] = graph.binary add %[[S]], %[[SC]] : (tensor<3x4xf32>, tensor<4xf32>) -> tensor<3x4xf32>
// CHECK: return %[[Y]]
func.func @gemm_all(%a: tensor<6x3xf32>, %b: tensor<4x6xf32>, %c: tensor<4xf32>) -> tensor<3x4xf32> {
  %0 = graph.gemm %a, %b, %c {alpha = 2.0 : f32, beta = 0.5 : f32, transA = true, transB = true}
      : (tensor<6x3xf32>, tensor<4x6xf32>, tensor<4xf32>) -> tensor<3x4xf32>
  return %0 : tensor<3x4xf32>
}

// -----

// Only B transposed; alpha = beta = 1 need no scaling.
// CHECK-LABEL: func.func @gemm_transB
// CHECK-SAME: (%[[A:.*]]: tensor<3x6xf32>, %[[B:.*]]: tensor<4x6xf32>, %[[C:.*]]: tensor<1x4xf32>)
// CHECK-NEXT: %[[BT:.*]] = graph.transpose %[[B]] {perm = array<i64: 1, 0>} : (tensor<4x6xf32>) -> tensor<6x4xf32>
// CHECK-NEXT: %[[M:.*]] = graph.matmul %[[A]], %[[BT]] : (tensor<3x6xf32>, tensor<6x4xf32>) -> tensor<3x4xf32>
// CHECK-NEXT: %[[Y:.*]] = graph.binary add %[[M]], %[[C]] : (tensor<3x4xf32>, tensor<1x4xf32>) -> tensor<3x4xf32>
// CHECK-NEXT: return %[[Y]]
func.func @gemm_transB(%a: tensor<3x6xf32>, %b: tensor<4x6xf32>, %c: tensor<1x4xf32>) -> tensor<3x4xf32> {
  %0 = graph.gemm %a, %b, %c {transB = true} : (tensor<3x6xf32>, tensor<4x6xf32>, tensor<1x4xf32>) -> tensor<3x4xf32>
  return %0 : tensor<3x4xf32>
}

// -----

// Only A transposed, alpha scales, no bias.
// CHECK-LABEL: func.func @gemm_transA_no_bias
// CHECK-SAME: (%[[A:.*]]: tensor<6x3xf32>, %[[B:.*]]: tensor<6x4xf32>)
// CHECK-NEXT: %[[AT:.*]] = graph.transpose %[[A]] {perm = array<i64: 1, 0>} : (tensor<6x3xf32>) -> tensor<3x6xf32>
// CHECK-NEXT: %[[M:.*]] = graph.matmul %[[AT]], %[[B]] : (tensor<3x6xf32>, tensor<6x4xf32>) -> tensor<3x4xf32>
// CHECK-NEXT: %[[ALPHA:.*]] = graph.constant dense<-1.500000e+00> : tensor<f32>
// CHECK-NEXT: %[[Y:.*]] = graph.binary mul %[[M]], %[[ALPHA]] : (tensor<3x4xf32>, tensor<f32>) -> tensor<3x4xf32>
// CHECK-NOT: graph.add
// CHECK: return %[[Y]]
func.func @gemm_transA_no_bias(%a: tensor<6x3xf32>, %b: tensor<6x4xf32>) -> tensor<3x4xf32> {
  %0 = graph.gemm %a, %b {alpha = -1.5 : f32, transA = true} : (tensor<6x3xf32>, tensor<6x4xf32>) -> tensor<3x4xf32>
  return %0 : tensor<3x4xf32>
}

// -----

// A plain gemm without bias is just a matmul.
// CHECK-LABEL: func.func @gemm_plain
// CHECK-NEXT: %[[M:.*]] = graph.matmul %{{.*}}, %{{.*}} : (tensor<3x6xf32>, tensor<6x4xf32>) -> tensor<3x4xf32>
// CHECK-NEXT: return %[[M]]
func.func @gemm_plain(%a: tensor<3x6xf32>, %b: tensor<6x4xf32>) -> tensor<3x4xf32> {
  %0 = graph.gemm %a, %b : (tensor<3x6xf32>, tensor<6x4xf32>) -> tensor<3x4xf32>
  return %0 : tensor<3x4xf32>
}

// -----

// beta = 0 drops the bias.
// CHECK-LABEL: func.func @gemm_beta_zero
// CHECK-NEXT: %[[M:.*]] = graph.matmul
// CHECK-NOT: graph.add
// CHECK-NOT: graph.mul
// CHECK: return %[[M]]
func.func @gemm_beta_zero(%a: tensor<3x6xf32>, %b: tensor<6x4xf32>, %c: tensor<4xf32>) -> tensor<3x4xf32> {
  %0 = graph.gemm %a, %b, %c {beta = 0.0 : f32} : (tensor<3x6xf32>, tensor<6x4xf32>, tensor<4xf32>) -> tensor<3x4xf32>
  return %0 : tensor<3x4xf32>
}

// -----

// Softmax over a non-last axis is wrapped in transposes that swap it with the last one.
// CHECK-LABEL: func.func @softmax_axis_middle
// CHECK-SAME: (%[[X:.*]]: tensor<2x3x5xf32>)
// CHECK-NEXT: %[[T:.*]] = graph.transpose %[[X]] {perm = array<i64: 0, 2, 1>} : (tensor<2x3x5xf32>) -> tensor<2x5x3xf32>
// CHECK-NEXT: %[[S:.*]] = graph.softmax %[[T]] {axis = 2 : i64} : tensor<2x5x3xf32>
// CHECK-NEXT: %[[Y:.*]] = graph.transpose %[[S]] {perm = array<i64: 0, 2, 1>} : (tensor<2x5x3xf32>) -> tensor<2x3x5xf32>
// CHECK-NEXT: return %[[Y]]
func.func @softmax_axis_middle(%x: tensor<2x3x5xf32>) -> tensor<2x3x5xf32> {
  %0 = graph.softmax %x {axis = 1 : i64} : tensor<2x3x5xf32>
  return %0 : tensor<2x3x5xf32>
}

// -----

// CHECK-LABEL: func.func @softmax_axis_first
// CHECK-SAME: (%[[X:.*]]: tensor<4x7xf32>)
// CHECK-NEXT: %[[T:.*]] = graph.transpose %[[X]] {perm = array<i64: 1, 0>} : (tensor<4x7xf32>) -> tensor<7x4xf32>
// CHECK-NEXT: %[[S:.*]] = graph.softmax %[[T]] {axis = 1 : i64} : tensor<7x4xf32>
// CHECK-NEXT: %[[Y:.*]] = graph.transpose %[[S]] {perm = array<i64: 1, 0>} : (tensor<7x4xf32>) -> tensor<4x7xf32>
// CHECK-NEXT: return %[[Y]]
func.func @softmax_axis_first(%x: tensor<4x7xf32>) -> tensor<4x7xf32> {
  %0 = graph.softmax %x {axis = 0 : i64} : tensor<4x7xf32>
  return %0 : tensor<4x7xf32>
}

// -----

// Softmax over the last axis and the other ops are left alone.
// CHECK-LABEL: func.func @untouched
// CHECK-NEXT: graph.softmax %{{.*}} {axis = 2 : i64} : tensor<2x3x5xf32>
// CHECK-NEXT: graph.unary relu
// CHECK-NEXT: graph.matmul
// CHECK-NEXT: return
func.func @untouched(%x: tensor<2x3x5xf32>, %w: tensor<5x5xf32>) -> tensor<2x3x5xf32> {
  %0 = graph.softmax %x {axis = 2 : i64} : tensor<2x3x5xf32>
  %1 = graph.unary relu %0 : tensor<2x3x5xf32> -> tensor<2x3x5xf32>
  %2 = graph.matmul %1, %w : (tensor<2x3x5xf32>, tensor<5x5xf32>) -> tensor<2x3x5xf32>
  return %2 : tensor<2x3x5xf32>
}

// -----

// Gemm's transB of constant weights is folded into a transposed constant at compile time.
// CHECK-LABEL: func.func @gemm_const_weights
// CHECK-SAME: (%[[A:.*]]: tensor<2x3xf32>)
// CHECK-NOT: graph.transpose
// CHECK: %[[W:.*]] = graph.constant dense<{{\[}}[1.000000e+00, 4.000000e+00], [2.000000e+00, 5.000000e+00], [3.000000e+00, 6.000000e+00]]> : tensor<3x2xf32>
// CHECK-NOT: graph.transpose
// CHECK: graph.matmul %[[A]], %[[W]] : (tensor<2x3xf32>, tensor<3x2xf32>) -> tensor<2x2xf32>
func.func @gemm_const_weights(%a: tensor<2x3xf32>) -> tensor<2x2xf32> {
  %w = graph.constant dense<[[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]> : tensor<2x3xf32>
  %0 = graph.gemm %a, %w {transB = true} : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x2xf32>
  return %0 : tensor<2x2xf32>
}

// -----

// A 3-D constant transpose permutes the elements.
// CHECK-LABEL: func.func @fold_transpose_3d
// CHECK-NEXT: %[[C:.*]] = graph.constant dense<{{\[}}[{{\[}}0.000000e+00, 3.000000e+00]], {{\[}}[1.000000e+00, 4.000000e+00]], {{\[}}[2.000000e+00, 5.000000e+00]]]> : tensor<3x1x2xf32>
// CHECK-NEXT: return %[[C]]
func.func @fold_transpose_3d() -> tensor<3x1x2xf32> {
  %c = graph.constant dense<[[[0.0, 1.0, 2.0]], [[3.0, 4.0, 5.0]]]> : tensor<2x1x3xf32>
  %0 = graph.transpose %c {perm = array<i64: 2, 1, 0>} : (tensor<2x1x3xf32>) -> tensor<3x1x2xf32>
  return %0 : tensor<3x1x2xf32>
}

// -----

// The scale constants have the element type of the tensors they scale, and keep their value.
// CHECK-LABEL: func.func @gemm_bf16
// CHECK: %[[M:.*]] = graph.matmul %{{.*}}, %{{.*}} : (tensor<3x6xbf16>, tensor<6x4xbf16>) -> tensor<3x4xbf16>
// CHECK: %[[ALPHA:.*]] = graph.constant dense<2.000000e+00> : tensor<bf16>
// CHECK: graph.binary mul %[[M]], %[[ALPHA]] : (tensor<3x4xbf16>, tensor<bf16>) -> tensor<3x4xbf16>
func.func @gemm_bf16(%a: tensor<3x6xbf16>, %b: tensor<6x4xbf16>) -> tensor<3x4xbf16> {
  %0 = graph.gemm %a, %b {alpha = 2.0 : f32} : (tensor<3x6xbf16>, tensor<6x4xbf16>) -> tensor<3x4xbf16>
  return %0 : tensor<3x4xbf16>
}

// -----

// Both operands of an outer-product comparison broadcast within tiles: the lhs is broadcast in
// memory first.
// CHECK-LABEL: func.func @outer_compare
// CHECK: %[[E:.*]] = graph.remap %arg0 {map = #{{.*}}} : (tensor<8x1xf32>) -> tensor<8x16xf32>
// CHECK: graph.binary equal %[[E]], %arg1 : (tensor<8x16xf32>, tensor<16xf32>) -> tensor<8x16xi1>
func.func @outer_compare(%a: tensor<8x1xf32>, %b: tensor<16xf32>) -> tensor<8x16xi1> {
  %0 = graph.binary equal %a, %b : (tensor<8x1xf32>, tensor<16xf32>) -> tensor<8x16xi1>
  return %0 : tensor<8x16xi1>
}

// -----

// Division cannot swap its operands, so a broadcasting dividend is broadcast in memory.
// CHECK-LABEL: func.func @div_lhs_broadcast
// CHECK: %[[E:.*]] = graph.remap %arg0 {map = #{{.*}}} : (tensor<1x64xf32>) -> tensor<4x64xf32>
// CHECK: graph.binary div %[[E]], %arg1
func.func @div_lhs_broadcast(%a: tensor<1x64xf32>, %b: tensor<4x64xf32>) -> tensor<4x64xf32> {
  %0 = graph.binary div %a, %b : (tensor<1x64xf32>, tensor<4x64xf32>) -> tensor<4x64xf32>
  return %0 : tensor<4x64xf32>
}

// -----

// Addition swaps a broadcasting lhs into the second place by itself.
// CHECK-LABEL: func.func @add_lhs_broadcast
// CHECK-NOT: graph.remap
// CHECK: graph.binary add %arg0, %arg1
func.func @add_lhs_broadcast(%a: tensor<1x64xf32>, %b: tensor<4x64xf32>) -> tensor<4x64xf32> {
  %0 = graph.binary add %a, %b : (tensor<1x64xf32>, tensor<4x64xf32>) -> tensor<4x64xf32>
  return %0 : tensor<4x64xf32>
}

// -----

// where's condition and second value are broadcast in memory; its first value need not be.
// CHECK-LABEL: func.func @where_broadcast
// CHECK-DAG: %[[C:.*]] = graph.remap %arg0 {{.*}} : (tensor<4x1xi1>) -> tensor<4x64xi1>
// CHECK-DAG: %[[Y:.*]] = graph.remap %arg2 {{.*}} : (tensor<f32>) -> tensor<4x64xf32>
// CHECK: graph.where %[[C]], %arg1, %[[Y]]
func.func @where_broadcast(%c: tensor<4x1xi1>, %x: tensor<1x64xf32>, %y: tensor<f32>) -> tensor<4x64xf32> {
  %0 = graph.where %c, %x, %y : (tensor<4x1xi1>, tensor<1x64xf32>, tensor<f32>) -> tensor<4x64xf32>
  return %0 : tensor<4x64xf32>
}

// -----

// Conv 2-D, 4 channels in 2 groups, 6 outputs, kernel 3x3, pads [1, 2], strides [2, 1],
// dilations [1, 2]. The input goes channels-last, one row of channels per position [1,1,25,4];
// im2col takes its windows to [N, groups, positions (3*5), taps * C/g (9*2)], each tap's
// channels side by side, with the window's row and column as guards (the flat position cannot
// tell them apart); the weights [6,2,3,3] become [groups, taps * C/g, M/g] = [2,18,3] in the
// same order; a batched matmul adds the bias as a row [2,1,3] of its result, and a remap goes
// back to [N, M, H, W].
// CHECK-DAG: #[[ROWS:.*]] = affine_map<(d0, d1, d2, d3) -> (0, d3, d2 floordiv 5, d2 mod 5)>
// CHECK-DAG: #[[GUARDS:.*]] = affine_map<(d0, d1, d2, d3) -> ((d2 floordiv 5) * 2 + (d3 floordiv 2) floordiv 3 - 1, d2 mod 5 + ((d3 floordiv 2) mod 3) * 2 - 2)>
// CHECK-DAG: #[[COLS:.*]] = affine_map<(d0, d1, d2, d3) -> (0, 0, ((d2 floordiv 5) * 2 + (d3 floordiv 2) floordiv 3 - 1) * 5 + d2 mod 5 + ((d3 floordiv 2) mod 3) * 2 - 2, d1 * 2 + d3 mod 2)>
// CHECK-DAG: #[[BACK:.*]] = affine_map<(d0, d1, d2, d3) -> (0, d1 floordiv 3, d2 * 5 + d3, d1 mod 3)>
// CHECK-LABEL: func.func @conv2d
// CHECK: %[[R:.*]] = graph.remap %arg0 {map = #[[ROWS]]} : (tensor<1x4x5x5xf32>) -> tensor<1x1x25x4xf32>
// CHECK: %[[COLSV:.*]] = graph.remap %[[R]] {guard_bounds = array<i64: 5, 5>, guards = #[[GUARDS]], map = #[[COLS]]} : (tensor<1x1x25x4xf32>) -> tensor<1x2x15x18xf32>
// CHECK: %[[WG:.*]] = graph.reshape %arg1 : (tensor<6x2x3x3xf32>) -> tensor<2x3x2x9xf32>
// CHECK: %[[WT:.*]] = graph.transpose %[[WG]] {perm = array<i64: 0, 3, 2, 1>} : (tensor<2x3x2x9xf32>) -> tensor<2x9x2x3xf32>
// CHECK: %[[WM:.*]] = graph.reshape %[[WT]] : (tensor<2x9x2x3xf32>) -> tensor<2x18x3xf32>
// CHECK: %[[P:.*]] = graph.matmul %[[COLSV]], %[[WM]] : (tensor<1x2x15x18xf32>, tensor<2x18x3xf32>) -> tensor<1x2x15x3xf32>
// CHECK: %[[BR:.*]] = graph.reshape %arg2 : (tensor<6xf32>) -> tensor<2x1x3xf32>
// CHECK: %[[PB:.*]] = graph.binary add %[[P]], %[[BR]] : (tensor<1x2x15x3xf32>, tensor<2x1x3xf32>) -> tensor<1x2x15x3xf32>
// CHECK: %[[Y:.*]] = graph.remap %[[PB]] {map = #[[BACK]]} : (tensor<1x2x15x3xf32>) -> tensor<1x6x3x5xf32>
// CHECK: return %[[Y]]
func.func @conv2d(%x: tensor<1x4x5x5xf32>, %w: tensor<6x2x3x3xf32>, %b: tensor<6xf32>) -> tensor<1x6x3x5xf32> {
  %0 = graph.conv %x, %w, %b {strides = array<i64: 2, 1>, dilations = array<i64: 1, 2>, pads = array<i64: 1, 2>, group = 2 : i64} : (tensor<1x4x5x5xf32>, tensor<6x2x3x3xf32>, tensor<6xf32>) -> tensor<1x6x3x5xf32>
  return %0 : tensor<1x6x3x5xf32>
}

// -----

// A 1x1 stride-1 convolution needs no windows: its rows of channels are the matmul's lhs.
// CHECK-LABEL: func.func @pointwise
// CHECK: %[[R:.*]] = graph.remap %arg0 {{.*}} : (tensor<1x64x5x5xf32>) -> tensor<1x1x25x64xf32>
// CHECK-NOT: graph.remap %[[R]]
// CHECK: graph.matmul %[[R]], %{{.*}} : (tensor<1x1x25x64xf32>, tensor<1x64x32xf32>) -> tensor<1x1x25x32xf32>
func.func @pointwise(%x: tensor<1x64x5x5xf32>, %w: tensor<32x64x1x1xf32>) -> tensor<1x32x5x5xf32> {
  %0 = graph.conv %x, %w {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pads = array<i64: 0, 0>, group = 1 : i64} : (tensor<1x64x5x5xf32>, tensor<32x64x1x1xf32>) -> tensor<1x32x5x5xf32>
  return %0 : tensor<1x32x5x5xf32>
}

// -----

// Chosen for Winograd F(2x2, 3x3): the 4x4 input tiles' 16 transformed values, each four signed
// taps of the rows of channels ([16, 4, tiles, C] windows reduced by +-1 per tile), 16 matmuls by
// the weights transformed here ([16, 1, C, M]), nine signed taps of the products per output
// ([4, 9, tiles, M]), the bias, and the 2x2 outputs of each tile put back in place.
// CHECK-DAG: #[[OUTTAPS:.*]] = affine_map<(d0, d1, d2, d3) -> ((d0 floordiv 2 + d1 floordiv 3) * 4 + d0 mod 2 + d1 mod 3, 0, d2, d3)>
// CHECK-DAG: #[[PLACE:.*]] = affine_map<(d0, d1, d2, d3) -> ((d2 mod 2) * 2 + d3 mod 2, 0, (d2 floordiv 2) * 2 + d3 floordiv 2, d1)>
// CHECK-LABEL: func.func @winograd
// CHECK: %[[R:.*]] = graph.remap %arg0 {{.*}} : (tensor<1x2x4x4xf32>) -> tensor<1x1x16x2xf32>
// CHECK: %[[IN:.*]] = graph.remap %[[R]] {guard_bounds = array<i64: 4, 4>, {{.*}}} : (tensor<1x1x16x2xf32>) -> tensor<16x4x4x2xf32>
// CHECK: %[[V:.*]] = graph.reduce sum %[[IN]] times %{{.*}} {axes = array<i64: 1>} : (tensor<16x4x4x2xf32>, tensor<16x4x1x1xf32>) -> tensor<16x1x4x2xf32>
// CHECK: %[[U:.*]] = graph.constant {{.*}} : tensor<16x1x2x3xf32>
// CHECK: %[[M:.*]] = graph.matmul %[[V]], %[[U]] : (tensor<16x1x4x2xf32>, tensor<16x1x2x3xf32>) -> tensor<16x1x4x3xf32>
// CHECK: %[[OUT:.*]] = graph.remap %[[M]] {map = #[[OUTTAPS]]} : (tensor<16x1x4x3xf32>) -> tensor<4x9x4x3xf32>
// CHECK: %[[Y:.*]] = graph.reduce sum %[[OUT]] times %{{.*}} {axes = array<i64: 1>} : (tensor<4x9x4x3xf32>, tensor<4x9x1x1xf32>) -> tensor<4x1x4x3xf32>
// CHECK: %[[YB:.*]] = graph.binary add %[[Y]], %{{.*}} : (tensor<4x1x4x3xf32>, tensor<1x1x3xf32>) -> tensor<4x1x4x3xf32>
// CHECK: %[[RES:.*]] = graph.remap %[[YB]] {map = #[[PLACE]]} : (tensor<4x1x4x3xf32>) -> tensor<1x3x4x4xf32>
// CHECK: return %[[RES]]
func.func @winograd(%x: tensor<1x2x4x4xf32>, %b: tensor<3xf32>) -> tensor<1x3x4x4xf32> {
  %w = graph.constant dense<1.0> : tensor<3x2x3x3xf32>
  %0 = graph.conv %x, %w, %b {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pads = array<i64: 1, 1>, group = 1 : i64, grid.config = #grid.conv_config<algorithm = winograd, implicit_gemm_cycles = 10, winograd_cycles = 9>} : (tensor<1x2x4x4xf32>, tensor<3x2x3x3xf32>, tensor<3xf32>) -> tensor<1x3x4x4xf32>
  return %0 : tensor<1x3x4x4xf32>
}

// -----

// The same convolution left to the implicit GEMM: one matmul over its windows.
// CHECK-LABEL: func.func @winograd_declined
// CHECK-NOT: graph.reduce
// CHECK: graph.matmul %{{.*}}, %{{.*}} : (tensor<1x1x16x18xf32>, tensor<1x18x3xf32>) -> tensor<1x1x16x3xf32>
func.func @winograd_declined(%x: tensor<1x2x4x4xf32>, %b: tensor<3xf32>) -> tensor<1x3x4x4xf32> {
  %w = graph.constant dense<1.0> : tensor<3x2x3x3xf32>
  %0 = graph.conv %x, %w, %b {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pads = array<i64: 1, 1>, group = 1 : i64, grid.config = #grid.conv_config<algorithm = implicit_gemm, implicit_gemm_cycles = 9, winograd_cycles = 10>} : (tensor<1x2x4x4xf32>, tensor<3x2x3x3xf32>, tensor<3xf32>) -> tensor<1x3x4x4xf32>
  return %0 : tensor<1x3x4x4xf32>
}

// -----

// Constant parameters: factor = scale / sqrt(var + eps) and shift = bias - mean * factor are
// computed here, (1, 0.5) and (0, 1) for these.
// CHECK-LABEL: func.func @batch_norm_constant
// CHECK-DAG: %[[FR:.*]] = graph.constant dense<{{\[\[\[}}1.000000e+00]], {{\[\[}}5.000000e-01]]]> : tensor<2x1x1xf32>
// CHECK-DAG: %[[SR:.*]] = graph.constant dense<{{\[\[\[}}0.000000e+00]], {{\[\[}}1.000000e+00]]]> : tensor<2x1x1xf32>
// CHECK: %[[M:.*]] = graph.binary mul %arg0, %[[FR]]
// CHECK: graph.binary add %[[M]], %[[SR]]
// CHECK-NOT: graph.batch_norm
func.func @batch_norm_constant(%x: tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32> {
  %scale = graph.constant dense<[1.0, 2.0]> : tensor<2xf32>
  %bias = graph.constant dense<[0.0, 3.0]> : tensor<2xf32>
  %mean = graph.constant dense<[0.0, 4.0]> : tensor<2xf32>
  %var = graph.constant dense<[1.0, 16.0]> : tensor<2xf32>
  %0 = graph.batch_norm %x, %scale, %bias, %mean, %var {epsilon = 0.0 : f32} : (tensor<1x2x4x4xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<1x2x4x4xf32>
  return %0 : tensor<1x2x4x4xf32>
}

// -----

// Parameters known only at run time: the same factors, computed on the chip.
// CHECK-LABEL: func.func @batch_norm_runtime
// CHECK: %[[SQ:.*]] = graph.unary sqrt
// CHECK: %[[F:.*]] = graph.binary div %{{.*}}, %[[SQ]]
// CHECK: %[[MF:.*]] = graph.binary mul %{{.*}}, %[[F]]
// CHECK: %[[SH:.*]] = graph.binary sub %{{.*}}, %[[MF]]
// CHECK: %[[Y:.*]] = graph.binary mul %arg0, %[[F]]
// CHECK: graph.binary add %[[Y]], %[[SH]]
func.func @batch_norm_runtime(%x: tensor<2x3xf32>, %s: tensor<3xf32>, %b: tensor<3xf32>, %m: tensor<3xf32>, %v: tensor<3xf32>) -> tensor<2x3xf32> {
  %0 = graph.batch_norm %x, %s, %b, %m, %v {epsilon = 1.0e-5 : f32} : (tensor<2x3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

// A max pool over 64 channels, channels-last: the rows of channels, their windows
// [N, taps, positions, C] (padding -3e38, the window's row and column as guards), a max over
// the taps (whole tiles), and the remap back.
// CHECK-LABEL: func.func @max_pool
// CHECK: %[[R:.*]] = graph.remap %arg0 {{.*}} : (tensor<1x64x5x5xf32>) -> tensor<1x1x25x64xf32>
// CHECK: %[[W:.*]] = graph.remap %[[R]] {guard_bounds = array<i64: 5, 5>, guards = #{{.*}}, map = #{{.*}}, padding = -3.000000e+38 : f32} : (tensor<1x1x25x64xf32>) -> tensor<1x9x9x64xf32>
// CHECK: %[[M:.*]] = graph.reduce max %[[W]] {axes = array<i64: 1>} : (tensor<1x9x9x64xf32>) -> tensor<1x1x9x64xf32>
// CHECK: graph.remap %[[M]] {{.*}} : (tensor<1x1x9x64xf32>) -> tensor<1x64x3x3xf32>
func.func @max_pool(%x: tensor<1x64x5x5xf32>) -> tensor<1x64x3x3xf32> {
  %0 = graph.pool max %x {kernel = array<i64: 3, 3>, strides = array<i64: 2, 2>, dilations = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>} : (tensor<1x64x5x5xf32>) -> tensor<1x64x3x3xf32>
  return %0 : tensor<1x64x3x3xf32>
}

// -----

// Two channels: the windows stay per channel [N, C, positions, taps] and are summed along the
// rows of their tiles; the divisors (taps inside the input: 4 at a corner, 6 on an edge, 9
// inside) are a constant per position.
// CHECK-LABEL: func.func @avg_pool_few_channels
// CHECK: %[[W:.*]] = graph.remap %arg0 {{.*}} : (tensor<1x2x5x5xf32>) -> tensor<1x2x9x9xf32>
// CHECK: %[[S:.*]] = graph.reduce sum %[[W]] {axes = array<i64: 3>}
// CHECK: %[[D:.*]] = graph.constant dense<{{\[\[\[\[}}2.500000e-01], [0.166666672], [2.500000e-01], [0.166666672], [0.111111112], {{.*}} : tensor<1x1x9x1xf32>
// CHECK: %[[A:.*]] = graph.binary mul %[[S]], %[[D]]
// CHECK: graph.reshape %[[A]] : (tensor<1x2x9x1xf32>) -> tensor<1x2x3x3xf32>
func.func @avg_pool_few_channels(%x: tensor<1x2x5x5xf32>) -> tensor<1x2x3x3xf32> {
  %0 = graph.pool average %x {kernel = array<i64: 3, 3>, strides = array<i64: 2, 2>, dilations = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>} : (tensor<1x2x5x5xf32>) -> tensor<1x2x3x3xf32>
  return %0 : tensor<1x2x3x3xf32>
}

// -----

// A global average pool reduces the rows of channels over the positions.
// CHECK-LABEL: func.func @global_avg
// CHECK: %[[R:.*]] = graph.remap %arg0 {{.*}} -> tensor<1x1x16x64xf32>
// CHECK: %[[M:.*]] = graph.reduce mean %[[R]] {axes = array<i64: 2>} : (tensor<1x1x16x64xf32>) -> tensor<1x1x1x64xf32>
// CHECK: graph.remap %[[M]] {{.*}} -> tensor<1x64x1x1xf32>
func.func @global_avg(%x: tensor<1x64x4x4xf32>) -> tensor<1x64x1x1xf32> {
  %0 = graph.pool average %x {kernel = array<i64: 4, 4>, strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>} : (tensor<1x64x4x4xf32>) -> tensor<1x64x1x1xf32>
  return %0 : tensor<1x64x1x1xf32>
}

// -----

// A depthwise convolution (one channel per group) weighs its windows [N, taps, positions, C]
// by a row of weights per tap [taps, 1, C] and sums over the taps in one reduction; the bias is
// a row.
// CHECK-LABEL: func.func @depthwise
// CHECK: %[[R:.*]] = graph.remap %arg0 {{.*}} -> tensor<1x1x25x64xf32>
// CHECK: %[[W:.*]] = graph.remap %[[R]] {guard_bounds = array<i64: 5, 5>, {{.*}} : (tensor<1x1x25x64xf32>) -> tensor<1x9x9x64xf32>
// CHECK: %[[K:.*]] = graph.reshape %{{.*}} : (tensor<9x64xf32>) -> tensor<9x1x64xf32>
// CHECK: %[[S:.*]] = graph.reduce sum %[[W]] times %[[K]] {axes = array<i64: 1>} : (tensor<1x9x9x64xf32>, tensor<9x1x64xf32>) -> tensor<1x1x9x64xf32>
// CHECK: %[[B:.*]] = graph.binary add %[[S]], %{{.*}} : (tensor<1x1x9x64xf32>, tensor<1x1x64xf32>) -> tensor<1x1x9x64xf32>
// CHECK: graph.remap %[[B]] {{.*}} -> tensor<1x64x3x3xf32>
// CHECK-NOT: graph.matmul
func.func @depthwise(%x: tensor<1x64x5x5xf32>, %w: tensor<64x1x3x3xf32>, %b: tensor<64xf32>) -> tensor<1x64x3x3xf32> {
  %0 = graph.conv %x, %w, %b {strides = array<i64: 2, 2>, dilations = array<i64: 1, 1>, pads = array<i64: 1, 1>, group = 64 : i64} : (tensor<1x64x5x5xf32>, tensor<64x1x3x3xf32>, tensor<64xf32>) -> tensor<1x64x3x3xf32>
  return %0 : tensor<1x64x3x3xf32>
}

// -----

// Three channels (a stem) are padded to four, so that each tap's channels move as one run of 4
// that never straddles two tiles: the rows of channels are [N, 1, positions, 4] (the fourth
// reads the remap's padding, 0) and the weights gain a zero channel.
// CHECK-LABEL: func.func @stem_channels
// CHECK: %[[WP:.*]] = graph.remap %arg1 {{.*}} : (tensor<8x3x3x3xf32>) -> tensor<8x4x3x3xf32>
// CHECK: %[[R:.*]] = graph.remap %arg0 {{.*}} : (tensor<1x3x8x8xf32>) -> tensor<1x1x64x4xf32>
// CHECK: %[[C:.*]] = graph.remap %[[R]] {{.*}} : (tensor<1x1x64x4xf32>) -> tensor<1x1x16x36xf32>
// CHECK: graph.reshape %[[WP]] : (tensor<8x4x3x3xf32>) -> tensor<1x8x4x9xf32>
// CHECK: graph.matmul %[[C]], %{{.*}} : (tensor<1x1x16x36xf32>, tensor<1x36x8xf32>) -> tensor<1x1x16x8xf32>
func.func @stem_channels(%x: tensor<1x3x8x8xf32>, %w: tensor<8x3x3x3xf32>) -> tensor<1x8x4x4xf32> {
  %0 = graph.conv %x, %w {strides = array<i64: 2, 2>, dilations = array<i64: 1, 1>, pads = array<i64: 1, 1>, group = 1 : i64} : (tensor<1x3x8x8xf32>, tensor<8x3x3x3xf32>) -> tensor<1x8x4x4xf32>
  return %0 : tensor<1x8x4x4xf32>
}

// -----

// A stride-2 7x7 stem over 3 channels with constant weights is first rewritten space to depth:
// a stride-1 4x4 convolution over the 2x2 blocks of the image (12 channels, padded to 16 by the
// next step), pads 2 before each dim, the weights rearranged at compile time. Each tap's channels
// then move in runs of 16 rather than 4.
// CHECK-LABEL: func.func @stem_space_to_depth
// CHECK: %[[S2D:.*]] = graph.remap %arg0 {map = #{{.*}}} : (tensor<1x3x16x16xf32>) -> tensor<1x12x8x8xf32>
// CHECK: %[[R:.*]] = graph.remap %[[S2D]] {{.*}} : (tensor<1x12x8x8xf32>) -> tensor<1x1x64x16xf32>
// CHECK: %[[C:.*]] = graph.remap %[[R]] {{.*}} : (tensor<1x1x64x16xf32>) -> tensor<1x1x64x256xf32>
// CHECK: graph.matmul %[[C]], %{{.*}} : (tensor<1x1x64x256xf32>, tensor<1x256x8xf32>) -> tensor<1x1x64x8xf32>
func.func @stem_space_to_depth(%x: tensor<1x3x16x16xf32>) -> tensor<1x8x8x8xf32> {
  %w = graph.constant dense<1.0> : tensor<8x3x7x7xf32>
  %0 = graph.conv %x, %w {strides = array<i64: 2, 2>, dilations = array<i64: 1, 1>, pads = array<i64: 3, 3>, group = 1 : i64} : (tensor<1x3x16x16xf32>, tensor<8x3x7x7xf32>) -> tensor<1x8x8x8xf32>
  return %0 : tensor<1x8x8x8xf32>
}

// -----

// Stride 2 over 64 channels already moves whole runs: no space to depth.
// CHECK-LABEL: func.func @strided_many_channels
// CHECK: graph.remap %arg0 {{.*}} : (tensor<1x64x8x8xf32>) -> tensor<1x1x64x64xf32>
// CHECK-NOT: tensor<1x256x4x4xf32>
// CHECK: graph.matmul
func.func @strided_many_channels(%x: tensor<1x64x8x8xf32>) -> tensor<1x8x4x4xf32> {
  %w = graph.constant dense<1.0> : tensor<8x64x3x3xf32>
  %0 = graph.conv %x, %w {strides = array<i64: 2, 2>, dilations = array<i64: 1, 1>, pads = array<i64: 1, 1>, group = 1 : i64} : (tensor<1x64x8x8xf32>, tensor<8x64x3x3xf32>) -> tensor<1x8x4x4xf32>
  return %0 : tensor<1x8x4x4xf32>
}

// -----

// A batch of two images: their rows of channels follow each other, [1, 1, 2 * 16, 8], and the
// windows and the matmul cover both at once; a window's rows stay within its image (the row's
// image times 16 plus the position within it).
// CHECK-DAG: #[[ROWS:.*]] = affine_map<(d0, d1, d2, d3) -> (d2 floordiv 16, d3, (d2 mod 16) floordiv 4, d2 mod 4)>
// CHECK-DAG: #[[WIN:.*]] = affine_map<(d0, d1, d2, d3) -> (0, 0, ((d2 floordiv 16) * 4 + (d2 mod 16) floordiv 4 + (d3 floordiv 8) floordiv 3 - 1) * 4 + d2 mod 4 + (d3 floordiv 8) mod 3 - 1, d3 mod 8)>
// CHECK-LABEL: func.func @batch_rows
// CHECK: %[[R:.*]] = graph.remap %arg0 {map = #[[ROWS]]} : (tensor<2x8x4x4xf32>) -> tensor<1x1x32x8xf32>
// CHECK: %[[C:.*]] = graph.remap %[[R]] {guard_bounds = array<i64: 4, 4>, guards = #{{.*}}, map = #[[WIN]]} : (tensor<1x1x32x8xf32>) -> tensor<1x1x32x72xf32>
// CHECK: graph.matmul %[[C]], %{{.*}} : (tensor<1x1x32x72xf32>, tensor<1x72x16xf32>) -> tensor<1x1x32x16xf32>
// CHECK: graph.remap %{{.*}} : (tensor<1x1x32x16xf32>) -> tensor<2x16x4x4xf32>
func.func @batch_rows(%x: tensor<2x8x4x4xf32>) -> tensor<2x16x4x4xf32> {
  %w = graph.constant dense<1.0> : tensor<16x8x3x3xf32>
  %0 = graph.conv %x, %w {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pads = array<i64: 1, 1>, group = 1 : i64} : (tensor<2x8x4x4xf32>, tensor<16x8x3x3xf32>) -> tensor<2x16x4x4xf32>
  return %0 : tensor<2x16x4x4xf32>
}

// -----

// A concat along the last axis: each input placed at its offset by a remap reading zeros
// elsewhere, the placed inputs added. Along a leading axis it stays for its own kernel.
// CHECK-DAG: #[[AT3:.*]] = affine_map<(d0, d1) -> (d0, d1 - 3)>
// CHECK-LABEL: func.func @concat_last_axis
// CHECK: %[[A:.*]] = graph.remap %arg0 {map = #{{.*}}} : (tensor<2x3xf32>) -> tensor<2x7xf32>
// CHECK-NEXT: %[[B:.*]] = graph.remap %arg1 {map = #[[AT3]]} : (tensor<2x4xf32>) -> tensor<2x7xf32>
// CHECK-NEXT: graph.binary add %[[A]], %[[B]]
// CHECK: graph.concat %arg2, %arg3 {axis = 0 : i64}
func.func @concat_last_axis(%a: tensor<2x3xf32>, %b: tensor<2x4xf32>, %c: tensor<1x2x3xf32>, %d: tensor<2x2x3xf32>) -> (tensor<2x7xf32>, tensor<3x2x3xf32>) {
  %0 = graph.concat %a, %b {axis = 1 : i64} : (tensor<2x3xf32>, tensor<2x4xf32>) -> tensor<2x7xf32>
  %1 = graph.concat %c, %d {axis = 0 : i64} : (tensor<1x2x3xf32>, tensor<2x2x3xf32>) -> tensor<3x2x3xf32>
  return %0, %1 : tensor<2x7xf32>, tensor<3x2x3xf32>
}

// -----

// A layer norm over two axes: its kernel holds one row of the last axis, so it becomes the
// statistics' reduces and elementwise ops, then the scale and bias.
// CHECK-LABEL: func.func @layer_norm_two_axes
// CHECK-NEXT: %[[M:.*]] = graph.reduce mean %arg0 {axes = array<i64: 1, 2>} : (tensor<2x4x8xf32>) -> tensor<2x1x1xf32>
// CHECK-NEXT: %[[D:.*]] = graph.binary sub %arg0, %[[M]]
// CHECK-NEXT: %[[SQ:.*]] = graph.binary mul %[[D]], %[[D]]
// CHECK-NEXT: %[[V:.*]] = graph.reduce mean %[[SQ]] {axes = array<i64: 1, 2>}
// CHECK-NEXT: %[[EPS:.*]] = graph.constant dense<9.99999974E-6> : tensor<f32>
// CHECK-NEXT: %[[VE:.*]] = graph.binary add %[[V]], %[[EPS]]
// CHECK-NEXT: %[[R:.*]] = graph.unary rsqrt %[[VE]]
// CHECK-NEXT: %[[N:.*]] = graph.binary mul %[[D]], %[[R]] : (tensor<2x4x8xf32>, tensor<2x1x1xf32>) -> tensor<2x4x8xf32>
// CHECK-NEXT: %[[G:.*]] = graph.binary mul %[[N]], %arg1 : (tensor<2x4x8xf32>, tensor<4x8xf32>) -> tensor<2x4x8xf32>
// CHECK-NEXT: %[[Y:.*]] = graph.binary add %[[G]], %arg2 : (tensor<2x4x8xf32>, tensor<8xf32>) -> tensor<2x4x8xf32>
// CHECK-NEXT: return %[[Y]]
func.func @layer_norm_two_axes(%x: tensor<2x4x8xf32>, %g: tensor<4x8xf32>, %b: tensor<8xf32>) -> tensor<2x4x8xf32> {
  %y = graph.layer_norm %x scale %g bias %b {axis = 1 : i64, epsilon = 1.0e-05 : f32} : (tensor<2x4x8xf32>, tensor<4x8xf32>, tensor<8xf32>) -> tensor<2x4x8xf32>
  return %y : tensor<2x4x8xf32>
}

// -----

// An RMS norm over the last axis whose scale is one value for the row (not a row of values):
// expanded, without a mean to subtract.
// CHECK-LABEL: func.func @rms_norm_scalar_scale
// CHECK-NEXT: %[[SQ:.*]] = graph.binary mul %arg0, %arg0
// CHECK-NEXT: %[[V:.*]] = graph.reduce mean %[[SQ]] {axes = array<i64: 1>}
// CHECK: %[[N:.*]] = graph.binary mul %arg0, %{{.*}} : (tensor<8x64xf32>, tensor<8x1xf32>) -> tensor<8x64xf32>
// CHECK-NEXT: %[[Y:.*]] = graph.binary mul %[[N]], %arg1
// CHECK-NEXT: return %[[Y]]
func.func @rms_norm_scalar_scale(%x: tensor<8x64xf32>, %g: tensor<1xf32>) -> tensor<8x64xf32> {
  %y = graph.rms_norm %x scale %g {axis = 1 : i64, epsilon = 1.0e-05 : f32} : (tensor<8x64xf32>, tensor<1xf32>) -> tensor<8x64xf32>
  return %y : tensor<8x64xf32>
}

// -----

// Over the last axis with row parameters, the kernel computes it: unchanged (but expanded with
// expand-norms, as tt-compile --fusion=off asks).
// ALL-LABEL: func.func @layer_norm_kept
// ALL-NEXT: graph.reduce mean %arg0 {axes = array<i64: 2>}
// ALL-NOT: graph.layer_norm
// CHECK-LABEL: func.func @layer_norm_kept
// CHECK-NEXT: %[[Y:.*]] = graph.layer_norm %arg0 scale %arg1 bias %arg2 {axis = 2 : i64
// CHECK-NEXT: return %[[Y]]
func.func @layer_norm_kept(%x: tensor<2x4x8xf32>, %g: tensor<1x8xf32>, %b: tensor<8xf32>) -> tensor<2x4x8xf32> {
  %y = graph.layer_norm %x scale %g bias %b {axis = 2 : i64, epsilon = 1.0e-05 : f32} : (tensor<2x4x8xf32>, tensor<1x8xf32>, tensor<8xf32>) -> tensor<2x4x8xf32>
  return %y : tensor<2x4x8xf32>
}

// -----

// A group norm of [N, C, L] (channels inside the tiles): a reshape to [N, G, rest], the
// normalisation's ops, a reshape back and the per-channel scale as [C, 1].
// CHECK-LABEL: func.func @group_norm_rank3
// CHECK-NEXT: %[[R:.*]] = graph.reshape %arg0 : (tensor<2x8x40xf32>) -> tensor<2x4x80xf32>
// CHECK-NEXT: %[[M:.*]] = graph.reduce mean %[[R]] {axes = array<i64: 2>}
// CHECK: %[[B:.*]] = graph.reshape %{{.*}} : (tensor<2x4x80xf32>) -> tensor<2x8x40xf32>
// CHECK-NEXT: %[[G:.*]] = graph.reshape %arg1 : (tensor<8xf32>) -> tensor<8x1xf32>
// CHECK-NEXT: %[[Y:.*]] = graph.binary mul %[[B]], %[[G]]
// CHECK-NEXT: return %[[Y]]
func.func @group_norm_rank3(%x: tensor<2x8x40xf32>, %g: tensor<8xf32>) -> tensor<2x8x40xf32> {
  %y = graph.group_norm %x scale %g {num_groups = 4 : i64, epsilon = 1.0e-05 : f32} : (tensor<2x8x40xf32>, tensor<8xf32>) -> tensor<2x8x40xf32>
  return %y : tensor<2x8x40xf32>
}

// -----

// A masked fill, where(c, x, constant scalar): the kernel fills Dst with the scalar, so it is
// not broadcast in memory; a scalar that is not a constant still is.
// CHECK-LABEL: func.func @masked_fill
// CHECK-NEXT: %[[F:.*]] = graph.constant dense<-1.000000e+04> : tensor<f32>
// CHECK-NEXT: %[[W:.*]] = graph.where %arg0, %arg1, %[[F]] : (tensor<1x64x64xi1>, tensor<4x64x64xf32>, tensor<f32>) -> tensor<4x64x64xf32>
// CHECK-NEXT: %[[R:.*]] = graph.remap %arg2
// CHECK-NEXT: %[[V:.*]] = graph.where %arg0, %arg1, %[[R]]
// CHECK-NEXT: return %[[W]], %[[V]]
func.func @masked_fill(%c: tensor<1x64x64xi1>, %x: tensor<4x64x64xf32>, %s: tensor<f32>) -> (tensor<4x64x64xf32>, tensor<4x64x64xf32>) {
  %fill = graph.constant dense<-1.0e4> : tensor<f32>
  %w = graph.where %c, %x, %fill : (tensor<1x64x64xi1>, tensor<4x64x64xf32>, tensor<f32>) -> tensor<4x64x64xf32>
  %v = graph.where %c, %x, %s : (tensor<1x64x64xi1>, tensor<4x64x64xf32>, tensor<f32>) -> tensor<4x64x64xf32>
  return %w, %v : tensor<4x64x64xf32>, tensor<4x64x64xf32>
}
