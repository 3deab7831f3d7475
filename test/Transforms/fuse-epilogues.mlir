// RUN: tt-opt %s -split-input-file --tt-fuse-epilogues | FileCheck %s

// A bias per column and a ReLU join the matmul.
// CHECK-LABEL: func.func @bias_relu
// CHECK-NEXT: %[[Y:.*]] = graph.matmul %arg0, %arg1, %arg2 then relu : (tensor<32x64xf32>, tensor<64x128xf32>, tensor<128xf32>) -> tensor<32x128xf32>
// CHECK-NEXT: return %[[Y]]
func.func @bias_relu(%x: tensor<32x64xf32>, %w: tensor<64x128xf32>, %b: tensor<128xf32>) -> tensor<32x128xf32> {
  %m = graph.matmul %x, %w : (tensor<32x64xf32>, tensor<64x128xf32>) -> tensor<32x128xf32>
  %a = graph.binary add %b, %m : (tensor<128xf32>, tensor<32x128xf32>) -> tensor<32x128xf32>
  %y = graph.unary relu %a : tensor<32x128xf32> -> tensor<32x128xf32>
  return %y : tensor<32x128xf32>
}

// -----

// A [1, 1, N] constant bias becomes an [N] constant at compile time.
// CHECK-LABEL: func.func @constant_bias
// CHECK: %[[B:.*]] = graph.constant dense<[1.000000e+00, 2.000000e+00]> : tensor<2xf32>
// CHECK: graph.matmul %arg0, %arg1, %[[B]] : (tensor<1x4x8xf32>, tensor<8x2xf32>, tensor<2xf32>) -> tensor<1x4x2xf32>
// CHECK-NOT: graph.binary
func.func @constant_bias(%x: tensor<1x4x8xf32>, %w: tensor<8x2xf32>) -> tensor<1x4x2xf32> {
  %b = graph.constant dense<[[[1.0, 2.0]]]> : tensor<1x1x2xf32>
  %m = graph.matmul %x, %w : (tensor<1x4x8xf32>, tensor<8x2xf32>) -> tensor<1x4x2xf32>
  %a = graph.binary add %m, %b : (tensor<1x4x2xf32>, tensor<1x1x2xf32>) -> tensor<1x4x2xf32>
  return %a : tensor<1x4x2xf32>
}

// -----

// A bottleneck's last convolution: bias, residual add and ReLU all join the matmul, in the
// kernel's order whichever side of the add the residual is on.
// CHECK-LABEL: func.func @bias_residual_relu
// CHECK-NEXT: %[[Y:.*]] = graph.matmul %arg0, %arg1, %arg2 plus %arg3 then relu : (tensor<1x1x64x32xf32>, tensor<32x64xf32>, tensor<64xf32>, tensor<1x1x64x64xf32>) -> tensor<1x1x64x64xf32>
// CHECK-NEXT: return %[[Y]]
func.func @bias_residual_relu(%x: tensor<1x1x64x32xf32>, %w: tensor<32x64xf32>, %b: tensor<64xf32>, %r: tensor<1x1x64x64xf32>) -> tensor<1x1x64x64xf32> {
  %m = graph.matmul %x, %w : (tensor<1x1x64x32xf32>, tensor<32x64xf32>) -> tensor<1x1x64x64xf32>
  %a = graph.binary add %m, %b : (tensor<1x1x64x64xf32>, tensor<64xf32>) -> tensor<1x1x64x64xf32>
  %s = graph.binary add %r, %a : (tensor<1x1x64x64xf32>, tensor<1x1x64x64xf32>) -> tensor<1x1x64x64xf32>
  %y = graph.unary relu %s : tensor<1x1x64x64xf32> -> tensor<1x1x64x64xf32>
  return %y : tensor<1x1x64x64xf32>
}

// -----

// A downsampled block: two matmuls meet at the add. One takes the other's result as its
// residual once both have their biases.
// CHECK-LABEL: func.func @two_branches
// CHECK: %[[A:.*]] = graph.matmul %arg0, %arg1, %arg2 : (tensor<64x32xf32>, tensor<32x64xf32>, tensor<64xf32>) -> tensor<64x64xf32>
// CHECK-NEXT: %[[Y:.*]] = graph.matmul %arg3, %arg4, %arg2 plus %[[A]] then relu
// CHECK-NEXT: return %[[Y]]
func.func @two_branches(%x: tensor<64x32xf32>, %w: tensor<32x64xf32>, %b: tensor<64xf32>, %x2: tensor<64x16xf32>, %w2: tensor<16x64xf32>) -> tensor<64x64xf32> {
  %m = graph.matmul %x, %w : (tensor<64x32xf32>, tensor<32x64xf32>) -> tensor<64x64xf32>
  %a = graph.binary add %m, %b : (tensor<64x64xf32>, tensor<64xf32>) -> tensor<64x64xf32>
  %m2 = graph.matmul %x2, %w2 : (tensor<64x16xf32>, tensor<16x64xf32>) -> tensor<64x64xf32>
  %a2 = graph.binary add %m2, %b : (tensor<64x64xf32>, tensor<64xf32>) -> tensor<64x64xf32>
  %s = graph.binary add %a, %a2 : (tensor<64x64xf32>, tensor<64x64xf32>) -> tensor<64x64xf32>
  %y = graph.unary relu %s : tensor<64x64xf32> -> tensor<64x64xf32>
  return %y : tensor<64x64xf32>
}

// -----

// ReLU6 (a clip to [0, 6]) joins the matmul with its bounds.
// CHECK-LABEL: func.func @relu6
// CHECK-NEXT: %[[Y:.*]] = graph.matmul %arg0, %arg1, %arg2 then clip {beta = 6.000000e+00 : f32}
// CHECK-NEXT: return %[[Y]]
func.func @relu6(%x: tensor<32x64xf32>, %w: tensor<64x128xf32>, %b: tensor<128xf32>) -> tensor<32x128xf32> {
  %m = graph.matmul %x, %w : (tensor<32x64xf32>, tensor<64x128xf32>) -> tensor<32x128xf32>
  %a = graph.binary add %m, %b : (tensor<32x128xf32>, tensor<128xf32>) -> tensor<32x128xf32>
  %y = graph.unary clip %a {alpha = 0.0 : f32, beta = 6.0 : f32} : tensor<32x128xf32> -> tensor<32x128xf32>
  return %y : tensor<32x128xf32>
}

// -----

// Not fused: a bias that varies by row, a matmul read twice, and an activation the matmul
// does not apply.
// CHECK-LABEL: func.func @not_fused
// CHECK: graph.binary add
// CHECK: graph.binary add
// CHECK: graph.unary exp
func.func @not_fused(%x: tensor<32x64xf32>, %w: tensor<64x128xf32>, %c: tensor<32x1xf32>, %b: tensor<128xf32>) -> (tensor<32x128xf32>, tensor<32x128xf32>, tensor<32x128xf32>) {
  %m = graph.matmul %x, %w : (tensor<32x64xf32>, tensor<64x128xf32>) -> tensor<32x128xf32>
  %a = graph.binary add %m, %c : (tensor<32x128xf32>, tensor<32x1xf32>) -> tensor<32x128xf32>
  %n = graph.matmul %x, %w : (tensor<32x64xf32>, tensor<64x128xf32>) -> tensor<32x128xf32>
  %d = graph.binary add %n, %b : (tensor<32x128xf32>, tensor<128xf32>) -> tensor<32x128xf32>
  %e = graph.unary exp %n : tensor<32x128xf32> -> tensor<32x128xf32>
  return %a, %d, %e : tensor<32x128xf32>, tensor<32x128xf32>, tensor<32x128xf32>
}

// -----

// A depthwise convolution's weighted sum takes its bias and its ReLU6 the same way: one
// dispatch instead of three.
// CHECK-LABEL: func.func @depthwise_bias_relu6
// CHECK-NEXT: %[[B:.*]] = graph.reshape %arg2 : (tensor<1x1x96xf32>) -> tensor<96xf32>
// CHECK-NEXT: %[[Y:.*]] = graph.reduce sum %arg0 times %arg1, %[[B]] then clip {axes = array<i64: 1>, beta = 6.000000e+00 : f32} : (tensor<1x9x64x96xf32>, tensor<9x1x96xf32>, tensor<96xf32>) -> tensor<1x1x64x96xf32>
// CHECK-NEXT: return %[[Y]]
func.func @depthwise_bias_relu6(%x: tensor<1x9x64x96xf32>, %w: tensor<9x1x96xf32>, %b: tensor<1x1x96xf32>) -> tensor<1x1x64x96xf32> {
  %s = graph.reduce sum %x times %w {axes = array<i64: 1>} : (tensor<1x9x64x96xf32>, tensor<9x1x96xf32>) -> tensor<1x1x64x96xf32>
  %a = graph.binary add %s, %b : (tensor<1x1x64x96xf32>, tensor<1x1x96xf32>) -> tensor<1x1x64x96xf32>
  %y = graph.unary clip %a {alpha = 0.0 : f32, beta = 6.0 : f32} : tensor<1x1x64x96xf32> -> tensor<1x1x64x96xf32>
  return %y : tensor<1x1x64x96xf32>
}

// -----

// A reduce takes no residual: a sum of its result's type added to it stays an add.
// CHECK-LABEL: func.func @reduce_no_residual
// CHECK: graph.reduce sum %arg0 times %arg1 {axes = array<i64: 1>}
// CHECK-NEXT: graph.binary add
func.func @reduce_no_residual(%x: tensor<1x9x64x96xf32>, %w: tensor<9x1x96xf32>, %r: tensor<1x1x64x96xf32>) -> tensor<1x1x64x96xf32> {
  %s = graph.reduce sum %x times %w {axes = array<i64: 1>} : (tensor<1x9x64x96xf32>, tensor<9x1x96xf32>) -> tensor<1x1x64x96xf32>
  %a = graph.binary add %s, %r : (tensor<1x1x64x96xf32>, tensor<1x1x64x96xf32>) -> tensor<1x1x64x96xf32>
  return %a : tensor<1x1x64x96xf32>
}

// -----

// Attention's scores divided by sqrt(head dim): the product is scaled by 1/8 before it leaves
// the core. A multiplication by a scalar joins the same way, from either side, and a bias may
// follow the scale.
// CHECK-LABEL: func.func @scaled_scores
// CHECK-NEXT: %[[S:.*]] = graph.matmul %arg0, %arg1 {scale = 1.250000e-01 : f32} : (tensor<2x4x64x16xf32>, tensor<2x4x16x64xf32>) -> tensor<2x4x64x64xf32>
// CHECK-NEXT: %[[T:.*]] = graph.matmul %arg0, %arg1, %arg2 {scale = 3.000000e+00 : f32}
// CHECK-NEXT: return %[[S]], %[[T]]
func.func @scaled_scores(%q: tensor<2x4x64x16xf32>, %k: tensor<2x4x16x64xf32>, %b: tensor<64xf32>) -> (tensor<2x4x64x64xf32>, tensor<2x4x64x64xf32>) {
  %c8 = graph.constant dense<8.0> : tensor<f32>
  %c3 = graph.constant dense<3.0> : tensor<1xf32>
  %m = graph.matmul %q, %k : (tensor<2x4x64x16xf32>, tensor<2x4x16x64xf32>) -> tensor<2x4x64x64xf32>
  %s = graph.binary div %m, %c8 : (tensor<2x4x64x64xf32>, tensor<f32>) -> tensor<2x4x64x64xf32>
  %n = graph.matmul %q, %k : (tensor<2x4x64x16xf32>, tensor<2x4x16x64xf32>) -> tensor<2x4x64x64xf32>
  %t = graph.binary mul %c3, %n : (tensor<1xf32>, tensor<2x4x64x64xf32>) -> tensor<2x4x64x64xf32>
  %u = graph.binary add %t, %b : (tensor<2x4x64x64xf32>, tensor<64xf32>) -> tensor<2x4x64x64xf32>
  return %s, %u : tensor<2x4x64x64xf32>, tensor<2x4x64x64xf32>
}

// -----

// Not a scale: a constant divided by the product, a factor that is not a scalar, and a scale
// after the bias (it would have to scale the bias too).
// CHECK-LABEL: func.func @not_scales
// CHECK: graph.binary div %{{.*}}, %{{.*}} : (tensor<f32>, tensor<8x8xf32>)
// CHECK: graph.binary mul %{{.*}}, %arg2 : (tensor<8x8xf32>, tensor<8x8xf32>)
// CHECK: graph.matmul %arg0, %arg1, %arg3 :
// CHECK-NEXT: graph.binary mul
// CHECK-NOT: scale =
func.func @not_scales(%a: tensor<8x4xf32>, %b: tensor<4x8xf32>, %f: tensor<8x8xf32>, %bias: tensor<8xf32>) -> (tensor<8x8xf32>, tensor<8x8xf32>, tensor<8x8xf32>) {
  %c = graph.constant dense<2.0> : tensor<f32>
  %m0 = graph.matmul %a, %b : (tensor<8x4xf32>, tensor<4x8xf32>) -> tensor<8x8xf32>
  %r0 = graph.binary div %c, %m0 : (tensor<f32>, tensor<8x8xf32>) -> tensor<8x8xf32>
  %m1 = graph.matmul %a, %b : (tensor<8x4xf32>, tensor<4x8xf32>) -> tensor<8x8xf32>
  %r1 = graph.binary mul %m1, %f : (tensor<8x8xf32>, tensor<8x8xf32>) -> tensor<8x8xf32>
  %m2 = graph.matmul %a, %b : (tensor<8x4xf32>, tensor<4x8xf32>) -> tensor<8x8xf32>
  %a2 = graph.binary add %m2, %bias : (tensor<8x8xf32>, tensor<8xf32>) -> tensor<8x8xf32>
  %r2 = graph.binary mul %a2, %c : (tensor<8x8xf32>, tensor<f32>) -> tensor<8x8xf32>
  return %r0, %r1, %r2 : tensor<8x8xf32>, tensor<8x8xf32>, tensor<8x8xf32>
}

// -----

// An integer product is exact in an int32 Dst by itself; an epilogue would compute it in
// floats, exact only to 2^24. Its bias add and ReLU stay ops of their own.
// CHECK-LABEL: func.func @integer_matmul_keeps_its_epilogue
// CHECK-NEXT: %[[M:.*]] = graph.matmul %arg0, %arg1 : (tensor<32x64xi64>, tensor<64x128xi64>) -> tensor<32x128xi64>
// CHECK-NEXT: %[[A:.*]] = graph.binary add %arg2, %[[M]]
// CHECK-NEXT: graph.unary relu %[[A]]
func.func @integer_matmul_keeps_its_epilogue(%x: tensor<32x64xi64>, %w: tensor<64x128xi64>, %b: tensor<128xi64>) -> tensor<32x128xi64> {
  %m = graph.matmul %x, %w : (tensor<32x64xi64>, tensor<64x128xi64>) -> tensor<32x128xi64>
  %a = graph.binary add %b, %m : (tensor<128xi64>, tensor<32x128xi64>) -> tensor<32x128xi64>
  %y = graph.unary relu %a : tensor<32x128xi64> -> tensor<32x128xi64>
  return %y : tensor<32x128xi64>
}
