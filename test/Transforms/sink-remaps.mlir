// RUN: tt-opt %s -split-input-file --tt-sink-remaps | FileCheck %s

// Two convolutions with a ReLU between them: the first one's remap back to [N, C, H, W] moves
// below the ReLU and meets the second one's remap to rows, and the two cancel.
// CHECK-LABEL: func.func @conv_relu_conv
// CHECK-NEXT: %[[R:.*]] = graph.unary relu %arg0 : tensor<1x1x4x8xf32> -> tensor<1x1x4x8xf32>
// CHECK-NEXT: return %[[R]]
func.func @conv_relu_conv(%m: tensor<1x1x4x8xf32>) -> tensor<1x1x4x8xf32> {
  %a = graph.remap %m {map = affine_map<(d0, d1, d2, d3) -> (d0, 0, d2 * 2 + d3, d1)>} : (tensor<1x1x4x8xf32>) -> tensor<1x8x2x2xf32>
  %r = graph.unary relu %a : tensor<1x8x2x2xf32> -> tensor<1x8x2x2xf32>
  %b = graph.remap %r {map = affine_map<(d0, d1, d2, d3) -> (d0, d3, d2 floordiv 2, d2 mod 2)>} : (tensor<1x8x2x2xf32>) -> tensor<1x1x4x8xf32>
  return %b : tensor<1x1x4x8xf32>
}

// -----

// A residual add of two remaps with one map, and a scale by a scalar, happen before the remap.
// CHECK-LABEL: func.func @residual_add
// CHECK-NEXT: %[[S:.*]] = graph.constant
// CHECK-NEXT: %[[A:.*]] = graph.binary add %arg0, %arg1 : (tensor<1x1x4x8xf32>, tensor<1x1x4x8xf32>) -> tensor<1x1x4x8xf32>
// CHECK-NEXT: %[[M:.*]] = graph.binary mul %[[A]], %[[S]] : (tensor<1x1x4x8xf32>, tensor<f32>) -> tensor<1x1x4x8xf32>
// CHECK-NEXT: %[[Y:.*]] = graph.remap %[[M]]
// CHECK-NEXT: return %[[Y]]
func.func @residual_add(%m: tensor<1x1x4x8xf32>, %s: tensor<1x1x4x8xf32>) -> tensor<1x8x2x2xf32> {
  %k = graph.constant dense<0.5> : tensor<f32>
  %a = graph.remap %m {map = affine_map<(d0, d1, d2, d3) -> (d0, 0, d2 * 2 + d3, d1)>} : (tensor<1x1x4x8xf32>) -> tensor<1x8x2x2xf32>
  %b = graph.remap %s {map = affine_map<(d0, d1, d2, d3) -> (d0, 0, d2 * 2 + d3, d1)>} : (tensor<1x1x4x8xf32>) -> tensor<1x8x2x2xf32>
  %sum = graph.binary add %a, %b : (tensor<1x8x2x2xf32>, tensor<1x8x2x2xf32>) -> tensor<1x8x2x2xf32>
  %y = graph.binary mul %sum, %k : (tensor<1x8x2x2xf32>, tensor<f32>) -> tensor<1x8x2x2xf32>
  return %y : tensor<1x8x2x2xf32>
}

// -----

// A broadcast moves (the ReLU then runs on fewer values). Not moved: a slice (more values
// before it), a remap that reads padding, operands remapped by different maps, and a remap
// with another reader.
// CHECK-LABEL: func.func @stays
// CHECK: %[[R:.*]] = graph.unary relu %arg0 : tensor<8xf32> -> tensor<8xf32>
// CHECK-NEXT: graph.remap %[[R]] {{.*}} -> tensor<4x8xf32>
// CHECK: %[[H:.*]] = graph.remap %arg0 {{.*}} -> tensor<4xf32>
// CHECK-NEXT: graph.unary relu %[[H]]
// CHECK: %[[P:.*]] = graph.remap %arg1 {{.*}} -> tensor<6xf32>
// CHECK-NEXT: graph.unary relu %[[P]]
// CHECK: %[[T:.*]] = graph.remap %arg2 {map = #{{.*}}} : (tensor<2x3xf32>) -> tensor<3x2xf32>
// CHECK-NEXT: %[[U:.*]] = graph.remap %arg3 {map = #{{.*}}} : (tensor<6xf32>) -> tensor<3x2xf32>
// CHECK-NEXT: graph.binary add %[[T]], %[[U]]
// CHECK-NEXT: %[[E:.*]] = graph.unary exp %[[T]]
func.func @stays(%x: tensor<8xf32>, %y: tensor<4xf32>, %z: tensor<2x3xf32>, %w: tensor<6xf32>)
    -> (tensor<4x8xf32>, tensor<4xf32>, tensor<6xf32>, tensor<3x2xf32>, tensor<3x2xf32>, tensor<3x2xf32>) {
  %b = graph.remap %x {map = affine_map<(d0, d1) -> (d1)>} : (tensor<8xf32>) -> tensor<4x8xf32>
  %rb = graph.unary relu %b : tensor<4x8xf32> -> tensor<4x8xf32>
  %h = graph.remap %x {map = affine_map<(d0) -> (d0 * 2)>} : (tensor<8xf32>) -> tensor<4xf32>
  %rh = graph.unary relu %h : tensor<4xf32> -> tensor<4xf32>
  %p = graph.remap %y {map = affine_map<(d0) -> (d0 - 1)>} : (tensor<4xf32>) -> tensor<6xf32>
  %rp = graph.unary relu %p : tensor<6xf32> -> tensor<6xf32>
  %t = graph.remap %z {map = affine_map<(d0, d1) -> (d1, d0)>} : (tensor<2x3xf32>) -> tensor<3x2xf32>
  %u = graph.remap %w {map = affine_map<(d0, d1) -> (d0 * 2 + d1)>} : (tensor<6xf32>) -> tensor<3x2xf32>
  %s = graph.binary add %t, %u : (tensor<3x2xf32>, tensor<3x2xf32>) -> tensor<3x2xf32>
  %e = graph.unary exp %t : tensor<3x2xf32> -> tensor<3x2xf32>
  return %rb, %rh, %rp, %s, %e, %t : tensor<4x8xf32>, tensor<4xf32>, tensor<6xf32>, tensor<3x2xf32>, tensor<3x2xf32>, tensor<3x2xf32>
}
