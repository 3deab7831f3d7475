// RUN: tt-opt %s -split-input-file --canonicalize | FileCheck %s

// A convolution's remap back to [N, C, H, W] and the next one's remap to rows of channels
// compose into the identity, which folds away.
// CHECK-LABEL: func.func @rows_round_trip
// CHECK-NEXT: return %arg0
func.func @rows_round_trip(%m: tensor<2x1x12x64xf32>) -> tensor<2x1x12x64xf32> {
  %a = graph.remap %m {map = affine_map<(d0, d1, d2, d3) -> (d0, d1 floordiv 64, d2 * 4 + d3, d1 mod 64)>} : (tensor<2x1x12x64xf32>) -> tensor<2x64x3x4xf32>
  %b = graph.remap %a {map = affine_map<(d0, d1, d2, d3) -> (d0, d3, d2 floordiv 4, d2 mod 4)>} : (tensor<2x64x3x4xf32>) -> tensor<2x1x12x64xf32>
  return %b : tensor<2x1x12x64xf32>
}

// -----

// The outer remap reads padding, the inner does not: the composed map reads the inner's input,
// and the outer map's results that can leave the middle tensor become guards with its dims as
// bounds (here the column: col - 1 in [0, 4)).
// CHECK-DAG: #[[MAP:.*]] = affine_map<(d0, d1) -> (d1 - 1, d0)>
// CHECK-DAG: #[[GUARD:.*]] = affine_map<(d0, d1) -> (d1 - 1)>
// CHECK-LABEL: func.func @padded_after_transpose
// CHECK-NEXT: %[[Y:.*]] = graph.remap %arg0 {guard_bounds = array<i64: 4>, guards = #[[GUARD]], map = #[[MAP]], padding = -1.000000e+00 : f32} : (tensor<4x3xf32>) -> tensor<3x6xf32>
// CHECK-NEXT: return %[[Y]]
func.func @padded_after_transpose(%x: tensor<4x3xf32>) -> tensor<3x6xf32> {
  %t = graph.remap %x {map = affine_map<(d0, d1) -> (d1, d0)>} : (tensor<4x3xf32>) -> tensor<3x4xf32>
  %p = graph.remap %t {map = affine_map<(d0, d1) -> (d0, d1 - 1)>, padding = -1.0 : f32} : (tensor<3x4xf32>) -> tensor<3x6xf32>
  return %p : tensor<3x6xf32>
}

// -----

// The inner remap reads padding, the outer only picks values: the composition keeps the inner's
// padding and carries its guards through the outer map.
// CHECK-DAG: #[[MAP:.*]] = affine_map<(d0) -> (d0 * 2 - 1)>
// CHECK-DAG: #[[GUARD:.*]] = affine_map<(d0) -> (d0 * 2)>
// CHECK-LABEL: func.func @pick_from_padded
// CHECK-NEXT: %[[Y:.*]] = graph.remap %arg0 {guard_bounds = array<i64: 5>, guards = #[[GUARD]], map = #[[MAP]], padding = 7.000000e+00 : f32} : (tensor<8xf32>) -> tensor<4xf32>
// CHECK-NEXT: return %[[Y]]
func.func @pick_from_padded(%x: tensor<8xf32>) -> tensor<4xf32> {
  %p = graph.remap %x {map = affine_map<(d0) -> (d0 - 1)>, guards = affine_map<(d0) -> (d0)>, guard_bounds = array<i64: 5>, padding = 7.0 : f32} : (tensor<8xf32>) -> tensor<10xf32>
  %s = graph.remap %p {map = affine_map<(d0) -> (d0 * 2)>} : (tensor<10xf32>) -> tensor<4xf32>
  return %s : tensor<4xf32>
}

// -----

// Both read padding (possibly different values): nothing composes.
// CHECK-LABEL: func.func @both_padded
// CHECK-NEXT: %[[A:.*]] = graph.remap %arg0
// CHECK-NEXT: %[[B:.*]] = graph.remap %[[A]]
// CHECK-NEXT: return %[[B]]
func.func @both_padded(%x: tensor<4xf32>) -> tensor<8xf32> {
  %a = graph.remap %x {map = affine_map<(d0) -> (d0 - 1)>, padding = 1.0 : f32} : (tensor<4xf32>) -> tensor<6xf32>
  %b = graph.remap %a {map = affine_map<(d0) -> (d0 - 1)>, padding = 2.0 : f32} : (tensor<6xf32>) -> tensor<8xf32>
  return %b : tensor<8xf32>
}

// -----

// A map that keeps every index but on another shape is not the identity.
// CHECK-LABEL: func.func @not_identity
// CHECK-NEXT: %[[A:.*]] = graph.remap %arg0
// CHECK-NEXT: return %[[A]]
func.func @not_identity(%x: tensor<4xf32>) -> tensor<6xf32> {
  %a = graph.remap %x {map = affine_map<(d0) -> (d0)>} : (tensor<4xf32>) -> tensor<6xf32>
  return %a : tensor<6xf32>
}

// -----

// The windows of a 3x3 convolution over rows of channels move 32 values at a time; composed with
// the change from [N, C, H, W] to rows they would move one value at a time, nine times over
// the input: the rows are kept.
// CHECK-LABEL: func.func @rows_kept_for_windows
// CHECK: %[[R:.*]] = graph.remap %arg0 {{.*}} -> tensor<1x1x16x32xf32>
// CHECK: graph.remap %[[R]] {{.*}} : (tensor<1x1x16x32xf32>) -> tensor<1x1x16x288xf32>
func.func @rows_kept_for_windows(%x: tensor<1x32x4x4xf32>) -> tensor<1x1x16x288xf32> {
  %r = graph.remap %x {map = affine_map<(d0, d1, d2, d3) -> (d0, d3, d2 floordiv 4, d2 mod 4)>} : (tensor<1x32x4x4xf32>) -> tensor<1x1x16x32xf32>
  %w = graph.remap %r {map = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2 + ((d3 floordiv 32) floordiv 3 - 1) * 4 + (d3 floordiv 32) mod 3 - 1, d3 mod 32)>, guards = affine_map<(d0, d1, d2, d3) -> (d2 floordiv 4 + (d3 floordiv 32) floordiv 3 - 1, d2 mod 4 + (d3 floordiv 32) mod 3 - 1)>, guard_bounds = array<i64: 4, 4>} : (tensor<1x1x16x32xf32>) -> tensor<1x1x16x288xf32>
  return %w : tensor<1x1x16x288xf32>
}

// -----

// A batch of images as rows of channels, back to [N, C, H, W] and to rows again: the row splits
// into image, row and column and joins back ((r floordiv 16) * 16 + ((r mod 16) floordiv 4) * 4
// + r mod 4 is r), so the two remaps are the identity.
// CHECK-LABEL: func.func @batch_rows_round_trip
// CHECK-NEXT: return %arg0
func.func @batch_rows_round_trip(%m: tensor<1x1x32x64xf32>) -> tensor<1x1x32x64xf32> {
  %a = graph.remap %m {map = affine_map<(d0, d1, d2, d3) -> (0, 0, d0 * 16 + d2 * 4 + d3, d1)>} : (tensor<1x1x32x64xf32>) -> tensor<2x64x4x4xf32>
  %b = graph.remap %a {map = affine_map<(d0, d1, d2, d3) -> (d2 floordiv 16, d3, (d2 mod 16) floordiv 4, d2 mod 4)>} : (tensor<2x64x4x4xf32>) -> tensor<1x1x32x64xf32>
  return %b : tensor<1x1x32x64xf32>
}

// -----

// A concat of one input is that input.
// CHECK-LABEL: func.func @concat_one
// CHECK-NEXT: return %arg0
func.func @concat_one(%a: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %0 = graph.concat %a {axis = 1 : i64} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}
