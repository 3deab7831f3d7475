// RUN: tt-opt %s -split-input-file --tt-fuse-graph | FileCheck %s

// PyTorch's exact GELU: ((erf(x / sqrt 2) + 1) * x) * 0.5.
// CHECK-LABEL: func.func @gelu_torch
// CHECK-NEXT: %[[Y:.*]] = graph.unary gelu %arg0 : tensor<16x64xf32> -> tensor<16x64xf32>
// CHECK-NEXT: return %[[Y]]
func.func @gelu_torch(%x: tensor<16x64xf32>) -> tensor<16x64xf32> {
  %sqrt2 = graph.constant dense<1.41421354> : tensor<f32>
  %one = graph.constant dense<1.0> : tensor<f32>
  %half = graph.constant dense<0.5> : tensor<f32>
  %d = graph.binary div %x, %sqrt2 : (tensor<16x64xf32>, tensor<f32>) -> tensor<16x64xf32>
  %e = graph.unary erf %d : tensor<16x64xf32> -> tensor<16x64xf32>
  %a = graph.binary add %e, %one : (tensor<16x64xf32>, tensor<f32>) -> tensor<16x64xf32>
  %m = graph.binary mul %a, %x : (tensor<16x64xf32>, tensor<16x64xf32>) -> tensor<16x64xf32>
  %y = graph.binary mul %m, %half : (tensor<16x64xf32>, tensor<f32>) -> tensor<16x64xf32>
  return %y : tensor<16x64xf32>
}

// -----

// x * 0.5 first, 1 / sqrt 2 as a multiplication, 1 on the left of the add.
// CHECK-LABEL: func.func @gelu_half_first
// CHECK-NEXT: %[[Y:.*]] = graph.unary gelu %arg0
// CHECK-NEXT: return %[[Y]]
func.func @gelu_half_first(%x: tensor<8x32xf32>) -> tensor<8x32xf32> {
  %rsqrt2 = graph.constant dense<0.707106769> : tensor<1xf32>
  %one = graph.constant dense<1.0> : tensor<f32>
  %half = graph.constant dense<0.5> : tensor<f32>
  %h = graph.binary mul %x, %half : (tensor<8x32xf32>, tensor<f32>) -> tensor<8x32xf32>
  %d = graph.binary mul %x, %rsqrt2 : (tensor<8x32xf32>, tensor<1xf32>) -> tensor<8x32xf32>
  %e = graph.unary erf %d : tensor<8x32xf32> -> tensor<8x32xf32>
  %a = graph.binary add %one, %e : (tensor<f32>, tensor<8x32xf32>) -> tensor<8x32xf32>
  %y = graph.binary mul %h, %a : (tensor<8x32xf32>, tensor<8x32xf32>) -> tensor<8x32xf32>
  return %y : tensor<8x32xf32>
}

// -----

// The tanh approximation with the cube as pow(x, 3).
// CHECK-LABEL: func.func @gelu_tanh
// CHECK-NEXT: %[[Y:.*]] = graph.unary gelu_tanh %arg0
// CHECK-NEXT: return %[[Y]]
func.func @gelu_tanh(%x: tensor<4x64xf32>) -> tensor<4x64xf32> {
  %three = graph.constant dense<3.0> : tensor<f32>
  %c = graph.constant dense<0.044715> : tensor<f32>
  %k = graph.constant dense<0.797884583> : tensor<f32>
  %one = graph.constant dense<1.0> : tensor<f32>
  %half = graph.constant dense<0.5> : tensor<f32>
  %p = graph.binary pow %x, %three : (tensor<4x64xf32>, tensor<f32>) -> tensor<4x64xf32>
  %pc = graph.binary mul %p, %c : (tensor<4x64xf32>, tensor<f32>) -> tensor<4x64xf32>
  %s = graph.binary add %x, %pc : (tensor<4x64xf32>, tensor<4x64xf32>) -> tensor<4x64xf32>
  %t = graph.binary mul %s, %k : (tensor<4x64xf32>, tensor<f32>) -> tensor<4x64xf32>
  %th = graph.unary tanh %t : tensor<4x64xf32> -> tensor<4x64xf32>
  %a = graph.binary add %th, %one : (tensor<4x64xf32>, tensor<f32>) -> tensor<4x64xf32>
  %m = graph.binary mul %x, %a : (tensor<4x64xf32>, tensor<4x64xf32>) -> tensor<4x64xf32>
  %y = graph.binary mul %m, %half : (tensor<4x64xf32>, tensor<f32>) -> tensor<4x64xf32>
  return %y : tensor<4x64xf32>
}

// -----

// Not GELU: the constant is 0.25, and the factor multiplies another tensor.
// CHECK-LABEL: func.func @not_gelu
// CHECK-NOT: gelu
// CHECK: return
func.func @not_gelu(%x: tensor<4x64xf32>, %z: tensor<4x64xf32>) -> (tensor<4x64xf32>, tensor<4x64xf32>) {
  %sqrt2 = graph.constant dense<1.41421354> : tensor<f32>
  %one = graph.constant dense<1.0> : tensor<f32>
  %quarter = graph.constant dense<0.25> : tensor<f32>
  %half = graph.constant dense<0.5> : tensor<f32>
  %d = graph.binary div %x, %sqrt2 : (tensor<4x64xf32>, tensor<f32>) -> tensor<4x64xf32>
  %e = graph.unary erf %d : tensor<4x64xf32> -> tensor<4x64xf32>
  %a = graph.binary add %e, %one : (tensor<4x64xf32>, tensor<f32>) -> tensor<4x64xf32>
  %m = graph.binary mul %a, %x : (tensor<4x64xf32>, tensor<4x64xf32>) -> tensor<4x64xf32>
  %y = graph.binary mul %m, %quarter : (tensor<4x64xf32>, tensor<f32>) -> tensor<4x64xf32>
  %n = graph.binary mul %a, %z : (tensor<4x64xf32>, tensor<4x64xf32>) -> tensor<4x64xf32>
  %w = graph.binary mul %n, %half : (tensor<4x64xf32>, tensor<f32>) -> tensor<4x64xf32>
  return %y, %w : tensor<4x64xf32>, tensor<4x64xf32>
}
