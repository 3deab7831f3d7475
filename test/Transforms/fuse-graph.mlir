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

// -----

// LayerNorm as PyTorch exports it: ReduceMean, Sub, Pow 2, ReduceMean, Add eps, Sqrt, Div, then
// the weight and bias, which become the norm's own.
// CHECK-LABEL: func.func @layer_norm_torch
// CHECK-SAME: (%[[X:.*]]: tensor<2x8x64xf32>, %[[G:.*]]: tensor<64xf32>, %[[B:.*]]: tensor<64xf32>)
// CHECK-NEXT: %[[Y:.*]] = graph.layer_norm %[[X]] scale %[[G]] bias %[[B]] {axis = 2 : i64, epsilon = 9.99999974E-6 : f32}
// CHECK-NEXT: return %[[Y]]
func.func @layer_norm_torch(%x: tensor<2x8x64xf32>, %g: tensor<64xf32>, %b: tensor<64xf32>) -> tensor<2x8x64xf32> {
  %two = graph.constant dense<2.0> : tensor<f32>
  %eps = graph.constant dense<1.0e-05> : tensor<f32>
  %m = graph.reduce mean %x {axes = array<i64: 2>} : (tensor<2x8x64xf32>) -> tensor<2x8x1xf32>
  %d = graph.binary sub %x, %m : (tensor<2x8x64xf32>, tensor<2x8x1xf32>) -> tensor<2x8x64xf32>
  %p = graph.binary pow %d, %two : (tensor<2x8x64xf32>, tensor<f32>) -> tensor<2x8x64xf32>
  %v = graph.reduce mean %p {axes = array<i64: 2>} : (tensor<2x8x64xf32>) -> tensor<2x8x1xf32>
  %ve = graph.binary add %v, %eps : (tensor<2x8x1xf32>, tensor<f32>) -> tensor<2x8x1xf32>
  %s = graph.unary sqrt %ve : tensor<2x8x1xf32> -> tensor<2x8x1xf32>
  %n = graph.binary div %d, %s : (tensor<2x8x64xf32>, tensor<2x8x1xf32>) -> tensor<2x8x64xf32>
  %ng = graph.binary mul %n, %g : (tensor<2x8x64xf32>, tensor<64xf32>) -> tensor<2x8x64xf32>
  %y = graph.binary add %ng, %b : (tensor<2x8x64xf32>, tensor<64xf32>) -> tensor<2x8x64xf32>
  return %y : tensor<2x8x64xf32>
}

// -----

// The square as d * d, 1 / sqrt as Reciprocal then Mul (in either order), over the last two
// axes; eps on the left of the Add. No parameters.
// CHECK-LABEL: func.func @layer_norm_reciprocal_two_axes
// CHECK-NEXT: %[[Y:.*]] = graph.layer_norm %arg0 {axis = 1 : i64, epsilon = 1.000000e-03 : f32} : (tensor<4x6x10xf32>) -> tensor<4x6x10xf32>
// CHECK-NEXT: return %[[Y]]
func.func @layer_norm_reciprocal_two_axes(%x: tensor<4x6x10xf32>) -> tensor<4x6x10xf32> {
  %eps = graph.constant dense<1.0e-03> : tensor<1xf32>
  %m = graph.reduce mean %x {axes = array<i64: 1, 2>} : (tensor<4x6x10xf32>) -> tensor<4x1x1xf32>
  %d = graph.binary sub %x, %m : (tensor<4x6x10xf32>, tensor<4x1x1xf32>) -> tensor<4x6x10xf32>
  %sq = graph.binary mul %d, %d : (tensor<4x6x10xf32>, tensor<4x6x10xf32>) -> tensor<4x6x10xf32>
  %v = graph.reduce mean %sq {axes = array<i64: 2, 1>} : (tensor<4x6x10xf32>) -> tensor<4x1x1xf32>
  %ve = graph.binary add %eps, %v : (tensor<1xf32>, tensor<4x1x1xf32>) -> tensor<4x1x1xf32>
  %s = graph.unary sqrt %ve : tensor<4x1x1xf32> -> tensor<4x1x1xf32>
  %r = graph.unary reciprocal %s : tensor<4x1x1xf32> -> tensor<4x1x1xf32>
  %y = graph.binary mul %r, %d : (tensor<4x1x1xf32>, tensor<4x6x10xf32>) -> tensor<4x6x10xf32>
  return %y : tensor<4x6x10xf32>
}

// -----

// RMSNorm as LLaMA's and T5's exports write it: x * (1 / sqrt(mean(x^2) + eps)) * weight, the
// weight on the left.
// CHECK-LABEL: func.func @rms_norm_llama
// CHECK-SAME: (%[[X:.*]]: tensor<8x256xf32>, %[[W:.*]]: tensor<256xf32>)
// CHECK-NEXT: %[[Y:.*]] = graph.rms_norm %[[X]] scale %[[W]] {axis = 1 : i64, epsilon = 9.99999997E-7 : f32}
// CHECK-NEXT: return %[[Y]]
func.func @rms_norm_llama(%x: tensor<8x256xf32>, %w: tensor<256xf32>) -> tensor<8x256xf32> {
  %two = graph.constant dense<2.0> : tensor<f32>
  %eps = graph.constant dense<1.0e-06> : tensor<f32>
  %p = graph.binary pow %x, %two : (tensor<8x256xf32>, tensor<f32>) -> tensor<8x256xf32>
  %v = graph.reduce mean %p {axes = array<i64: 1>} : (tensor<8x256xf32>) -> tensor<8x1xf32>
  %ve = graph.binary add %v, %eps : (tensor<8x1xf32>, tensor<f32>) -> tensor<8x1xf32>
  %s = graph.unary sqrt %ve : tensor<8x1xf32> -> tensor<8x1xf32>
  %r = graph.unary reciprocal %s : tensor<8x1xf32> -> tensor<8x1xf32>
  %n = graph.binary mul %x, %r : (tensor<8x256xf32>, tensor<8x1xf32>) -> tensor<8x256xf32>
  %y = graph.binary mul %w, %n : (tensor<256xf32>, tensor<8x256xf32>) -> tensor<8x256xf32>
  return %y : tensor<8x256xf32>
}

// -----

// Near misses. The variance over another axis than the mean: the quotient is still the RMS
// norm of d (which it is), never a layer norm of x.
// CHECK-LABEL: func.func @variance_over_other_axis
// CHECK: %[[D:.*]] = graph.binary sub
// CHECK-NEXT: %[[Y:.*]] = graph.rms_norm %[[D]] {axis = 1 : i64
// CHECK-NOT: graph.layer_norm
func.func @variance_over_other_axis(%x: tensor<8x16xf32>) -> tensor<8x16xf32> {
  %eps = graph.constant dense<1.0e-05> : tensor<f32>
  %m = graph.reduce mean %x {axes = array<i64: 0, 1>} : (tensor<8x16xf32>) -> tensor<1x1xf32>
  %d = graph.binary sub %x, %m : (tensor<8x16xf32>, tensor<1x1xf32>) -> tensor<8x16xf32>
  %sq = graph.binary mul %d, %d : (tensor<8x16xf32>, tensor<8x16xf32>) -> tensor<8x16xf32>
  %v = graph.reduce mean %sq {axes = array<i64: 1>} : (tensor<8x16xf32>) -> tensor<8x1xf32>
  %ve = graph.binary add %v, %eps : (tensor<8x1xf32>, tensor<f32>) -> tensor<8x1xf32>
  %s = graph.unary sqrt %ve : tensor<8x1xf32> -> tensor<8x1xf32>
  %y = graph.binary div %d, %s : (tensor<8x16xf32>, tensor<8x1xf32>) -> tensor<8x16xf32>
  return %y : tensor<8x16xf32>
}

// -----

// A mean over a leading axis only (a batch norm's statistics, not a row's), an epsilon that is
// a tensor, and a cube instead of a square: none is a normalisation.
// CHECK-LABEL: func.func @not_normalisations
// CHECK-NOT: graph.layer_norm
// CHECK-NOT: graph.rms_norm
// CHECK: return
func.func @not_normalisations(%x: tensor<8x16xf32>, %e: tensor<8x1xf32>) -> (tensor<8x16xf32>, tensor<8x16xf32>, tensor<8x16xf32>) {
  %eps = graph.constant dense<1.0e-05> : tensor<f32>
  %three = graph.constant dense<3.0> : tensor<f32>
  %sq = graph.binary mul %x, %x : (tensor<8x16xf32>, tensor<8x16xf32>) -> tensor<8x16xf32>
  %v0 = graph.reduce mean %sq {axes = array<i64: 0>} : (tensor<8x16xf32>) -> tensor<1x16xf32>
  %ve0 = graph.binary add %v0, %eps : (tensor<1x16xf32>, tensor<f32>) -> tensor<1x16xf32>
  %s0 = graph.unary sqrt %ve0 : tensor<1x16xf32> -> tensor<1x16xf32>
  %y0 = graph.binary div %x, %s0 : (tensor<8x16xf32>, tensor<1x16xf32>) -> tensor<8x16xf32>
  %v1 = graph.reduce mean %sq {axes = array<i64: 1>} : (tensor<8x16xf32>) -> tensor<8x1xf32>
  %ve1 = graph.binary add %v1, %e : (tensor<8x1xf32>, tensor<8x1xf32>) -> tensor<8x1xf32>
  %s1 = graph.unary sqrt %ve1 : tensor<8x1xf32> -> tensor<8x1xf32>
  %y1 = graph.binary div %x, %s1 : (tensor<8x16xf32>, tensor<8x1xf32>) -> tensor<8x16xf32>
  %cube = graph.binary pow %x, %three : (tensor<8x16xf32>, tensor<f32>) -> tensor<8x16xf32>
  %v2 = graph.reduce mean %cube {axes = array<i64: 1>} : (tensor<8x16xf32>) -> tensor<8x1xf32>
  %ve2 = graph.binary add %v2, %eps : (tensor<8x1xf32>, tensor<f32>) -> tensor<8x1xf32>
  %s2 = graph.unary sqrt %ve2 : tensor<8x1xf32> -> tensor<8x1xf32>
  %y2 = graph.binary div %x, %s2 : (tensor<8x16xf32>, tensor<8x1xf32>) -> tensor<8x16xf32>
  return %y0, %y1, %y2 : tensor<8x16xf32>, tensor<8x16xf32>, tensor<8x16xf32>
}

// -----

// A multiplier that varies per row stays a multiplication after the norm; a bias after an RMS
// norm (which has none), whose value is also returned, stays an addition.
// CHECK-LABEL: func.func @parameters_left_outside
// CHECK: %[[N:.*]] = graph.layer_norm %arg0 {axis = 1 : i64
// CHECK-NEXT: %[[S:.*]] = graph.binary mul %[[N]], %arg1
// CHECK-NEXT: %[[N2:.*]] = graph.rms_norm %arg0 {axis = 1 : i64
// CHECK-NEXT: %[[B:.*]] = graph.binary add %[[N2]], %arg2
// CHECK-NEXT: return %[[S]], %[[B]], %[[N2]]
func.func @parameters_left_outside(%x: tensor<8x16xf32>, %rowScale: tensor<8x1xf32>, %b: tensor<16xf32>) -> (tensor<8x16xf32>, tensor<8x16xf32>, tensor<8x16xf32>) {
  %eps = graph.constant dense<1.0e-05> : tensor<f32>
  %m = graph.reduce mean %x {axes = array<i64: 1>} : (tensor<8x16xf32>) -> tensor<8x1xf32>
  %d = graph.binary sub %x, %m : (tensor<8x16xf32>, tensor<8x1xf32>) -> tensor<8x16xf32>
  %sq = graph.binary mul %d, %d : (tensor<8x16xf32>, tensor<8x16xf32>) -> tensor<8x16xf32>
  %v = graph.reduce mean %sq {axes = array<i64: 1>} : (tensor<8x16xf32>) -> tensor<8x1xf32>
  %ve = graph.binary add %v, %eps : (tensor<8x1xf32>, tensor<f32>) -> tensor<8x1xf32>
  %s = graph.unary sqrt %ve : tensor<8x1xf32> -> tensor<8x1xf32>
  %n = graph.binary div %d, %s : (tensor<8x16xf32>, tensor<8x1xf32>) -> tensor<8x16xf32>
  %y = graph.binary mul %n, %rowScale : (tensor<8x16xf32>, tensor<8x1xf32>) -> tensor<8x16xf32>
  %sqx = graph.binary mul %x, %x : (tensor<8x16xf32>, tensor<8x16xf32>) -> tensor<8x16xf32>
  %ms = graph.reduce mean %sqx {axes = array<i64: 1>} : (tensor<8x16xf32>) -> tensor<8x1xf32>
  %mse = graph.binary add %ms, %eps : (tensor<8x1xf32>, tensor<f32>) -> tensor<8x1xf32>
  %rms = graph.unary sqrt %mse : tensor<8x1xf32> -> tensor<8x1xf32>
  %n2 = graph.binary div %x, %rms : (tensor<8x16xf32>, tensor<8x1xf32>) -> tensor<8x16xf32>
  %z = graph.binary add %n2, %b : (tensor<8x16xf32>, tensor<16xf32>) -> tensor<8x16xf32>
  return %y, %z, %n2 : tensor<8x16xf32>, tensor<8x16xf32>, tensor<8x16xf32>
}

// -----

// Attention as BERT's export writes it: scores over sqrt(64), a padding mask per key, softmax
// over the keys, then the values.
// CHECK-LABEL: func.func @attention_masked
// CHECK-SAME: (%[[Q:.*]]: tensor<2x4x96x64xf32>, %[[KT:.*]]: tensor<2x4x64x96xf32>, %[[V:.*]]: tensor<2x4x96x64xf32>, %[[M:.*]]: tensor<2x1x1x96xf32>)
// CHECK-NEXT: %[[O:.*]] = graph.sdpa %[[Q]], %[[KT]], %[[V]] mask %[[M]] {scale = 1.250000e-01 : f32}
// CHECK-NEXT: return %[[O]]
func.func @attention_masked(%q: tensor<2x4x96x64xf32>, %kt: tensor<2x4x64x96xf32>, %v: tensor<2x4x96x64xf32>, %m: tensor<2x1x1x96xf32>) -> tensor<2x4x96x64xf32> {
  %c = graph.constant dense<8.0> : tensor<f32>
  %s = graph.matmul %q, %kt : (tensor<2x4x96x64xf32>, tensor<2x4x64x96xf32>) -> tensor<2x4x96x96xf32>
  %d = graph.binary div %s, %c : (tensor<2x4x96x96xf32>, tensor<f32>) -> tensor<2x4x96x96xf32>
  %z = graph.binary add %m, %d : (tensor<2x1x1x96xf32>, tensor<2x4x96x96xf32>) -> tensor<2x4x96x96xf32>
  %p = graph.softmax %z {axis = 3 : i64} : tensor<2x4x96x96xf32>
  %o = graph.matmul %p, %v : (tensor<2x4x96x96xf32>, tensor<2x4x96x64xf32>) -> tensor<2x4x96x64xf32>
  return %o : tensor<2x4x96x64xf32>
}

// -----

// The scale as a multiplication on the left, no mask.
// CHECK-LABEL: func.func @attention_mul
// CHECK-NEXT: %[[O:.*]] = graph.sdpa %arg0, %arg1, %arg2 {scale = 2.500000e-01 : f32}
// CHECK-NEXT: return %[[O]]
func.func @attention_mul(%q: tensor<3x40x16xf32>, %kt: tensor<3x16x50xf32>, %v: tensor<3x50x24xf32>) -> tensor<3x40x24xf32> {
  %c = graph.constant dense<0.25> : tensor<1xf32>
  %s = graph.matmul %q, %kt : (tensor<3x40x16xf32>, tensor<3x16x50xf32>) -> tensor<3x40x50xf32>
  %d = graph.binary mul %c, %s : (tensor<1xf32>, tensor<3x40x50xf32>) -> tensor<3x40x50xf32>
  %p = graph.softmax %d {axis = 2 : i64} : tensor<3x40x50xf32>
  %o = graph.matmul %p, %v : (tensor<3x40x50xf32>, tensor<3x50x24xf32>) -> tensor<3x40x24xf32>
  return %o : tensor<3x40x24xf32>
}

// -----

// Near misses: a log-softmax, a softmax over the queries, probabilities read twice, and keys
// shared by every head (broadcast, as grouped-query attention writes before repeating them).
// CHECK-LABEL: func.func @attention_near_misses
// CHECK-NOT: graph.sdpa
// CHECK: return
func.func @attention_near_misses(%q: tensor<2x40x16xf32>, %kt: tensor<2x16x40xf32>, %v: tensor<2x40x16xf32>, %kt1: tensor<1x16x40xf32>) -> (tensor<2x40x16xf32>, tensor<2x40x16xf32>, tensor<2x40x16xf32>, tensor<2x40x40xf32>, tensor<2x40x16xf32>) {
  %s0 = graph.matmul %q, %kt : (tensor<2x40x16xf32>, tensor<2x16x40xf32>) -> tensor<2x40x40xf32>
  %p0 = graph.softmax %s0 {axis = 2 : i64, log} : tensor<2x40x40xf32>
  %o0 = graph.matmul %p0, %v : (tensor<2x40x40xf32>, tensor<2x40x16xf32>) -> tensor<2x40x16xf32>
  %s1 = graph.matmul %q, %kt : (tensor<2x40x16xf32>, tensor<2x16x40xf32>) -> tensor<2x40x40xf32>
  %p1 = graph.softmax %s1 {axis = 1 : i64} : tensor<2x40x40xf32>
  %o1 = graph.matmul %p1, %v : (tensor<2x40x40xf32>, tensor<2x40x16xf32>) -> tensor<2x40x16xf32>
  %s2 = graph.matmul %q, %kt : (tensor<2x40x16xf32>, tensor<2x16x40xf32>) -> tensor<2x40x40xf32>
  %p2 = graph.softmax %s2 {axis = 2 : i64} : tensor<2x40x40xf32>
  %o2 = graph.matmul %p2, %v : (tensor<2x40x40xf32>, tensor<2x40x16xf32>) -> tensor<2x40x16xf32>
  %s3 = graph.matmul %q, %kt1 : (tensor<2x40x16xf32>, tensor<1x16x40xf32>) -> tensor<2x40x40xf32>
  %p3 = graph.softmax %s3 {axis = 2 : i64} : tensor<2x40x40xf32>
  %o3 = graph.matmul %p3, %v : (tensor<2x40x40xf32>, tensor<2x40x16xf32>) -> tensor<2x40x16xf32>
  return %o0, %o1, %o2, %p2, %o3 : tensor<2x40x16xf32>, tensor<2x40x16xf32>, tensor<2x40x16xf32>, tensor<2x40x40xf32>, tensor<2x40x16xf32>
}

// -----

// Heads of 64 values split by Reshape and Transpose: each of q, the keys and v becomes one
// remap of x whose tiles are whole tiles of x (the keys' transposed), which graph.sdpa reads
// through; the reshape and transposes go.
// CHECK-DAG: #[[QV:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, d2, d1 * 64 + d3)>
// CHECK-DAG: #[[KT:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, d3, d1 * 64 + d2)>
// CHECK-LABEL: func.func @heads
// CHECK-NEXT: %[[Q:.*]] = graph.remap %arg0 {map = #[[QV]]} : (tensor<2x96x128xf32>) -> tensor<2x2x96x64xf32>
// CHECK-NEXT: %[[K:.*]] = graph.remap %arg0 {map = #[[KT]]} : (tensor<2x96x128xf32>) -> tensor<2x2x64x96xf32>
// CHECK-NEXT: %[[V:.*]] = graph.remap %arg0 {map = #[[QV]]}
// CHECK-NEXT: graph.sdpa %[[Q]], %[[K]], %[[V]]
// CHECK-NOT: graph.transpose
func.func @heads(%x: tensor<2x96x128xf32>) -> tensor<2x2x96x64xf32> {
  %r = graph.reshape %x : (tensor<2x96x128xf32>) -> tensor<2x96x2x64xf32>
  %q = graph.transpose %r {perm = array<i64: 0, 2, 1, 3>} : (tensor<2x96x2x64xf32>) -> tensor<2x2x96x64xf32>
  %kt = graph.transpose %r {perm = array<i64: 0, 2, 3, 1>} : (tensor<2x96x2x64xf32>) -> tensor<2x2x64x96xf32>
  %v = graph.transpose %r {perm = array<i64: 0, 2, 1, 3>} : (tensor<2x96x2x64xf32>) -> tensor<2x2x96x64xf32>
  %s = graph.matmul %q, %kt : (tensor<2x2x96x64xf32>, tensor<2x2x64x96xf32>) -> tensor<2x2x96x96xf32>
  %p = graph.softmax %s {axis = 3 : i64} : tensor<2x2x96x96xf32>
  %o = graph.matmul %p, %v : (tensor<2x2x96x96xf32>, tensor<2x2x96x64xf32>) -> tensor<2x2x96x64xf32>
  return %o : tensor<2x2x96x64xf32>
}

// -----

// Heads of 40 values straddle tiles: the layouts stay ops of their own.
// CHECK-LABEL: func.func @heads_not_tiles
// CHECK: graph.transpose
// CHECK-NOT: graph.remap
// CHECK: graph.sdpa
func.func @heads_not_tiles(%x: tensor<2x96x80xf32>) -> tensor<2x2x96x40xf32> {
  %r = graph.reshape %x : (tensor<2x96x80xf32>) -> tensor<2x96x2x40xf32>
  %q = graph.transpose %r {perm = array<i64: 0, 2, 1, 3>} : (tensor<2x96x2x40xf32>) -> tensor<2x2x96x40xf32>
  %kt = graph.transpose %r {perm = array<i64: 0, 2, 3, 1>} : (tensor<2x96x2x40xf32>) -> tensor<2x2x40x96xf32>
  %v = graph.transpose %r {perm = array<i64: 0, 2, 1, 3>} : (tensor<2x96x2x40xf32>) -> tensor<2x2x96x40xf32>
  %s = graph.matmul %q, %kt : (tensor<2x2x96x40xf32>, tensor<2x2x40x96xf32>) -> tensor<2x2x96x96xf32>
  %p = graph.softmax %s {axis = 3 : i64} : tensor<2x2x96x96xf32>
  %o = graph.matmul %p, %v : (tensor<2x2x96x96xf32>, tensor<2x2x96x40xf32>) -> tensor<2x2x96x40xf32>
  return %o : tensor<2x2x96x40xf32>
}

// -----

// A causal mask, as an additive constant or as a Where on a lower-triangular condition that
// fills the hidden scores: the sdpa's own `causal`, the constant no longer read. A mask one
// key off the diagonal is not causal: it stays a mask.
// CHECK-LABEL: func.func @attention_causal
// CHECK: %[[A:.*]] = graph.sdpa %arg0, %arg1, %arg2 {causal, scale = 1.000000e+00 : f32}
// CHECK-NEXT: %[[B:.*]] = graph.sdpa %arg0, %arg1, %arg2 {causal, scale = 5.000000e-01 : f32}
// CHECK-NEXT: %[[C:.*]] = graph.sdpa %arg0, %arg1, %arg2 mask %{{.*}} {scale = 1.000000e+00 : f32}
// CHECK-NEXT: return %[[A]], %[[B]], %[[C]]
func.func @attention_causal(%q: tensor<2x32x16xf32>, %kt: tensor<2x16x32xf32>, %v: tensor<2x32x16xf32>) -> (tensor<2x32x16xf32>, tensor<2x32x16xf32>, tensor<2x32x16xf32>) {
  %mask = graph.constant dense<[[0.0, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9], [0.0, 0.0, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9], [0.0, 0.0, 0.0, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9], [0.0, 0.0, 0.0, 0.0, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9], [0.0, 0.0, 0.0, 0.0, 0.0, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9], [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9], [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9], [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9], [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9], [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9], [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9], [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9], [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9], [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9], [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9], [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9], [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9], [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9], [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9], [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9], [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9], [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9], [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9], [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9], [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9], [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9], [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9], [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, -1.0e9, -1.0e9, -1.0e9, -1.0e9], [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, -1.0e9, -1.0e9, -1.0e9], [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, -1.0e9, -1.0e9], [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, -1.0e9], [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0]]> : tensor<32x32xf32>
  %tril = graph.constant dense<[[true, false, false, false, false, false, false, false, false, false, false, false, false, false, false, false, false, false, false, false, false, false, false, false, false, false, false, false, false, false, false, false], [true, true, false, false, false, false, false, false, false, false, false, false, false, false, false, false, false, false, false, false, false, false, false, false, false, false, false, false, false, false, false, false], [true, true, true, false, false, false, false, false, false, false, false, false, false, false, false, false, false, false, false, false, false, false, false, false, false, false, false, false, false, false, false, false], [true, true, true, true, false, false, false, false, false, false, false, false, false, false, false, false, false, false, false, false, false, false, false, false, false, false, false, false, false, false, false, false], [true, true, true, true, true, false, false, false, false, false, false, false, false, false, false, false, false, false, false, false, false, false, false, false, false, false, false, false, false, false, false, false], [true, true, true, true, true, true, false, false, false, false, false, false, false, false, false, false, false, false, false, false, false, false, false, false, false, false, false, false, false, false, false, false], [true, true, true, true, true, true, true, false, false, false, false, false, false, false, false, false, false, false, false, false, false, false, false, false, false, false, false, false, false, false, false, false], [true, true, true, true, true, true, true, true, false, false, false, false, false, false, false, false, false, false, false, false, false, false, false, false, false, false, false, false, false, false, false, false], [true, true, true, true, true, true, true, true, true, false, false, false, false, false, false, false, false, false, false, false, false, false, false, false, false, false, false, false, false, false, false, false], [true, true, true, true, true, true, true, true, true, true, false, false, false, false, false, false, false, false, false, false, false, false, false, false, false, false, false, false, false, false, false, false], [true, true, true, true, true, true, true, true, true, true, true, false, false, false, false, false, false, false, false, false, false, false, false, false, false, false, false, false, false, false, false, false], [true, true, true, true, true, true, true, true, true, true, true, true, false, false, false, false, false, false, false, false, false, false, false, false, false, false, false, false, false, false, false, false], [true, true, true, true, true, true, true, true, true, true, true, true, true, false, false, false, false, false, false, false, false, false, false, false, false, false, false, false, false, false, false, false], [true, true, true, true, true, true, true, true, true, true, true, true, true, true, false, false, false, false, false, false, false, false, false, false, false, false, false, false, false, false, false, false], [true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, false, false, false, false, false, false, false, false, false, false, false, false, false, false, false, false, false], [true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, false, false, false, false, false, false, false, false, false, false, false, false, false, false, false, false], [true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, false, false, false, false, false, false, false, false, false, false, false, false, false, false, false], [true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, false, false, false, false, false, false, false, false, false, false, false, false, false, false], [true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, false, false, false, false, false, false, false, false, false, false, false, false, false], [true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, false, false, false, false, false, false, false, false, false, false, false, false], [true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, false, false, false, false, false, false, false, false, false, false, false], [true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, false, false, false, false, false, false, false, false, false, false], [true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, false, false, false, false, false, false, false, false, false], [true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, false, false, false, false, false, false, false, false], [true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, false, false, false, false, false, false, false], [true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, false, false, false, false, false, false], [true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, false, false, false, false, false], [true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, false, false, false, false], [true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, false, false, false], [true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, false, false], [true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, false], [true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true]]> : tensor<32x32xi1>
  %near = graph.constant dense<[[0.0, 0.0, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9], [0.0, 0.0, 0.0, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9], [0.0, 0.0, 0.0, 0.0, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9], [0.0, 0.0, 0.0, 0.0, 0.0, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9], [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9], [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9], [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9], [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9], [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9], [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9], [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9], [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9], [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9], [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9], [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9], [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9], [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9], [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9], [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9], [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9], [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9], [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9], [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9], [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9], [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9], [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, -1.0e9, -1.0e9, -1.0e9, -1.0e9, -1.0e9], [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, -1.0e9, -1.0e9, -1.0e9, -1.0e9], [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, -1.0e9, -1.0e9, -1.0e9], [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, -1.0e9, -1.0e9], [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, -1.0e9], [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0], [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0]]> : tensor<32x32xf32>
  %fill = graph.constant dense<-1.0e9> : tensor<f32>
  %half = graph.constant dense<0.5> : tensor<f32>
  %s0 = graph.matmul %q, %kt : (tensor<2x32x16xf32>, tensor<2x16x32xf32>) -> tensor<2x32x32xf32>
  %m0 = graph.binary add %s0, %mask : (tensor<2x32x32xf32>, tensor<32x32xf32>) -> tensor<2x32x32xf32>
  %p0 = graph.softmax %m0 {axis = 2 : i64} : tensor<2x32x32xf32>
  %o0 = graph.matmul %p0, %v : (tensor<2x32x32xf32>, tensor<2x32x16xf32>) -> tensor<2x32x16xf32>
  %s1 = graph.matmul %q, %kt : (tensor<2x32x16xf32>, tensor<2x16x32xf32>) -> tensor<2x32x32xf32>
  %h1 = graph.binary mul %s1, %half : (tensor<2x32x32xf32>, tensor<f32>) -> tensor<2x32x32xf32>
  %m1 = graph.where %tril, %h1, %fill : (tensor<32x32xi1>, tensor<2x32x32xf32>, tensor<f32>) -> tensor<2x32x32xf32>
  %p1 = graph.softmax %m1 {axis = 2 : i64} : tensor<2x32x32xf32>
  %o1 = graph.matmul %p1, %v : (tensor<2x32x32xf32>, tensor<2x32x16xf32>) -> tensor<2x32x16xf32>
  %s2 = graph.matmul %q, %kt : (tensor<2x32x16xf32>, tensor<2x16x32xf32>) -> tensor<2x32x32xf32>
  %m2 = graph.binary add %s2, %near : (tensor<2x32x32xf32>, tensor<32x32xf32>) -> tensor<2x32x32xf32>
  %p2 = graph.softmax %m2 {axis = 2 : i64} : tensor<2x32x32xf32>
  %o2 = graph.matmul %p2, %v : (tensor<2x32x32xf32>, tensor<2x32x16xf32>) -> tensor<2x32x16xf32>
  return %o0, %o1, %o2 : tensor<2x32x16xf32>, tensor<2x32x16xf32>, tensor<2x32x16xf32>
}

// -----

// PyTorch's GroupNorm export: a reshape to [N, G, rest], the instance norm the importer makes
// of it (a layer norm over the last axis, times ones and plus zeros per group), a reshape
// back, then the per-channel weight and bias, which become the group norm's own [C].
// CHECK-LABEL: func.func @group_norm_torch
// CHECK: %[[W:.*]] = graph.constant dense<{{.*}}> : tensor<4xf32>
// CHECK: %[[B:.*]] = graph.constant dense<{{.*}}> : tensor<4xf32>
// CHECK: %[[Y:.*]] = graph.group_norm %arg0 scale %[[W]] bias %[[B]] {epsilon = 9.99999974E-6 : f32, num_groups = 2 : i64}
// CHECK-NEXT: return %[[Y]]
func.func @group_norm_torch(%x: tensor<1x4x8x8xf32>) -> tensor<1x4x8x8xf32> {
  %ones = graph.constant dense<1.0> : tensor<2xf32>
  %zeros = graph.constant dense<0.0> : tensor<2xf32>
  %w = graph.constant dense<[[[1.0]], [[2.0]], [[3.0]], [[4.0]]]> : tensor<4x1x1xf32>
  %b = graph.constant dense<[[[0.5]], [[0.25]], [[0.0]], [[-1.0]]]> : tensor<4x1x1xf32>
  %r = graph.reshape %x : (tensor<1x4x8x8xf32>) -> tensor<1x2x128xf32>
  %n = graph.layer_norm %r {axis = 2 : i64, epsilon = 1.0e-05 : f32} : (tensor<1x2x128xf32>) -> tensor<1x2x128xf32>
  %o = graph.reshape %ones : (tensor<2xf32>) -> tensor<2x1xf32>
  %s = graph.binary mul %n, %o : (tensor<1x2x128xf32>, tensor<2x1xf32>) -> tensor<1x2x128xf32>
  %z = graph.reshape %zeros : (tensor<2xf32>) -> tensor<2x1xf32>
  %a = graph.binary add %s, %z : (tensor<1x2x128xf32>, tensor<2x1xf32>) -> tensor<1x2x128xf32>
  %back = graph.reshape %a : (tensor<1x2x128xf32>) -> tensor<1x4x8x8xf32>
  %m = graph.binary mul %back, %w : (tensor<1x4x8x8xf32>, tensor<4x1x1xf32>) -> tensor<1x4x8x8xf32>
  %y = graph.binary add %m, %b : (tensor<1x4x8x8xf32>, tensor<4x1x1xf32>) -> tensor<1x4x8x8xf32>
  return %y : tensor<1x4x8x8xf32>
}

// -----

// A layer norm over the spatial axes of [N, C, H, W] (InstanceNormalization) is a group norm of
// a group per channel; a reshape to groups that does not keep the batch is not a group norm.
// CHECK-LABEL: func.func @instance_norm_and_near_miss
// CHECK: graph.group_norm %arg0 {epsilon = 9.99999974E-6 : f32, num_groups = 4 : i64}
// CHECK: graph.layer_norm
// CHECK-NOT: graph.group_norm
func.func @instance_norm_and_near_miss(%x: tensor<2x4x8x8xf32>) -> (tensor<2x4x8x8xf32>, tensor<2x4x8x8xf32>) {
  %i = graph.layer_norm %x {axis = 2 : i64, epsilon = 1.0e-05 : f32} : (tensor<2x4x8x8xf32>) -> tensor<2x4x8x8xf32>
  %r = graph.reshape %x : (tensor<2x4x8x8xf32>) -> tensor<4x2x64xf32>
  %n = graph.layer_norm %r {axis = 2 : i64, epsilon = 1.0e-05 : f32} : (tensor<4x2x64xf32>) -> tensor<4x2x64xf32>
  %back = graph.reshape %n : (tensor<4x2x64xf32>) -> tensor<2x4x8x8xf32>
  return %i, %back : tensor<2x4x8x8xf32>, tensor<2x4x8x8xf32>
}

// -----

// Grouped-query attention: two key/value heads repeated for four query heads (Unsqueeze,
// Expand, Reshape): the keys and values become views of the cache whose head is the query
// head floordiv 2; the repeated copies go.
// CHECK-DAG: #[[KT:.*]] = affine_map<(d0, d1, d2, d3) -> (0, d1 floordiv 2, d3, d2)>
// CHECK-DAG: #[[V:.*]] = affine_map<(d0, d1, d2, d3) -> (0, d1 floordiv 2, d2, d3)>
// CHECK-LABEL: func.func @grouped_queries
// CHECK-NEXT: %[[K:.*]] = graph.remap %arg1 {map = #[[KT]]} : (tensor<1x2x96x64xf32>) -> tensor<1x4x64x96xf32>
// CHECK-NEXT: %[[VV:.*]] = graph.remap %arg2 {map = #[[V]]} : (tensor<1x2x96x64xf32>) -> tensor<1x4x96x64xf32>
// CHECK-NEXT: graph.sdpa %arg0, %[[K]], %[[VV]]
func.func @grouped_queries(%q: tensor<1x4x32x64xf32>, %k: tensor<1x2x96x64xf32>, %v: tensor<1x2x96x64xf32>) -> tensor<1x4x32x64xf32> {
  %ku = graph.reshape %k : (tensor<1x2x96x64xf32>) -> tensor<1x2x1x96x64xf32>
  %ke = graph.remap %ku {map = affine_map<(d0, d1, d2, d3, d4) -> (d0, d1, 0, d3, d4)>} : (tensor<1x2x1x96x64xf32>) -> tensor<1x2x2x96x64xf32>
  %kr = graph.reshape %ke : (tensor<1x2x2x96x64xf32>) -> tensor<1x4x96x64xf32>
  %kt = graph.transpose %kr {perm = array<i64: 0, 1, 3, 2>} : (tensor<1x4x96x64xf32>) -> tensor<1x4x64x96xf32>
  %vu = graph.reshape %v : (tensor<1x2x96x64xf32>) -> tensor<1x2x1x96x64xf32>
  %ve = graph.remap %vu {map = affine_map<(d0, d1, d2, d3, d4) -> (d0, d1, 0, d3, d4)>} : (tensor<1x2x1x96x64xf32>) -> tensor<1x2x2x96x64xf32>
  %vr = graph.reshape %ve : (tensor<1x2x2x96x64xf32>) -> tensor<1x4x96x64xf32>
  %s = graph.matmul %q, %kt : (tensor<1x4x32x64xf32>, tensor<1x4x64x96xf32>) -> tensor<1x4x32x96xf32>
  %p = graph.softmax %s {axis = 3 : i64} : tensor<1x4x32x96xf32>
  %o = graph.matmul %p, %vr : (tensor<1x4x32x96xf32>, tensor<1x4x96x64xf32>) -> tensor<1x4x32x64xf32>
  return %o : tensor<1x4x32x64xf32>
}

// -----

// The context merged back from heads by Transpose and Reshape: the sdpa's result is the merged
// tensor, each output index put at (batch, query, head * 64 + d).
// CHECK: #[[OUT:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, d2, d1 * 64 + d3)>
// CHECK-LABEL: func.func @merge_heads
// CHECK-NEXT: %[[Y:.*]] = graph.sdpa %arg0, %arg1, %arg2 {result_map = #[[OUT]], scale = 1.000000e+00 : f32} : (tensor<2x2x96x64xf32>, tensor<2x2x64x96xf32>, tensor<2x2x96x64xf32>) -> tensor<2x96x128xf32>
// CHECK-NEXT: return %[[Y]]
func.func @merge_heads(%q: tensor<2x2x96x64xf32>, %kt: tensor<2x2x64x96xf32>, %v: tensor<2x2x96x64xf32>) -> tensor<2x96x128xf32> {
  %s = graph.matmul %q, %kt : (tensor<2x2x96x64xf32>, tensor<2x2x64x96xf32>) -> tensor<2x2x96x96xf32>
  %p = graph.softmax %s {axis = 3 : i64} : tensor<2x2x96x96xf32>
  %o = graph.matmul %p, %v : (tensor<2x2x96x96xf32>, tensor<2x2x96x64xf32>) -> tensor<2x2x96x64xf32>
  %t = graph.transpose %o {perm = array<i64: 0, 2, 1, 3>} : (tensor<2x2x96x64xf32>) -> tensor<2x96x2x64xf32>
  %y = graph.reshape %t : (tensor<2x96x2x64xf32>) -> tensor<2x96x128xf32>
  return %y : tensor<2x96x128xf32>
}
