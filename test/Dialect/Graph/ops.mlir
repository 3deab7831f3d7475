// RUN: tt-opt %s | tt-opt | FileCheck %s
// RUN: tt-opt %s --mlir-print-op-generic | tt-opt | FileCheck %s

// CHECK-LABEL: func.func @constants
func.func @constants() -> (tensor<4x4xf32>, tensor<f32>, tensor<2xi64>, tensor<3xf32, #grid.layout<tile 32x32, bf16, dram, interleaved>>) {
  // CHECK: graph.constant dense<1.000000e+00> : tensor<4x4xf32>
  %0 = graph.constant dense<1.0> : tensor<4x4xf32>
  // CHECK: graph.constant dense<2.500000e+00> : tensor<f32>
  %1 = graph.constant dense<2.5> : tensor<f32>
  // CHECK: graph.constant dense<[1, -2]> : tensor<2xi64>
  %2 = graph.constant dense<[1, -2]> : tensor<2xi64>
  // The result type may carry a layout encoding that the value's type does not have.
  // CHECK: graph.constant dense<[1.000000e+00, 2.000000e+00, 3.000000e+00]> : tensor<3xf32> : tensor<3xf32, #grid.layout<tile 32x32, bf16, dram, interleaved>>
  %3 = graph.constant dense<[1.0, 2.0, 3.0]> : tensor<3xf32> : tensor<3xf32, #grid.layout<tile 32x32, bf16, dram, interleaved>>
  return %0, %1, %2, %3 : tensor<4x4xf32>, tensor<f32>, tensor<2xi64>, tensor<3xf32, #grid.layout<tile 32x32, bf16, dram, interleaved>>
}

// CHECK-LABEL: func.func @resource_constant
func.func @resource_constant() -> tensor<2x2xf32> {
  // CHECK: graph.constant dense_resource<weight> : tensor<2x2xf32>
  %0 = graph.constant dense_resource<weight> : tensor<2x2xf32>
  return %0 : tensor<2x2xf32>
}

// CHECK-LABEL: func.func @matmul
func.func @matmul(%a: tensor<2x3x4xf32>, %b: tensor<4x5xf32>, %c: tensor<3x4xbf16>, %d: tensor<1x4x6xbf16>,
                  %e: tensor<7x1x3x4xf32>, %f: tensor<2x4x5xf32>) {
  // CHECK: graph.matmul %{{.*}}, %{{.*}} : (tensor<2x3x4xf32>, tensor<4x5xf32>) -> tensor<2x3x5xf32>
  %0 = graph.matmul %a, %b : (tensor<2x3x4xf32>, tensor<4x5xf32>) -> tensor<2x3x5xf32>
  // CHECK: graph.matmul %{{.*}}, %{{.*}} : (tensor<3x4xbf16>, tensor<1x4x6xbf16>) -> tensor<1x3x6xbf16>
  %1 = graph.matmul %c, %d : (tensor<3x4xbf16>, tensor<1x4x6xbf16>) -> tensor<1x3x6xbf16>
  // Batch dims broadcast numpy-style: [7, 1] with [2] gives [7, 2].
  // CHECK: graph.matmul %{{.*}}, %{{.*}} : (tensor<7x1x3x4xf32>, tensor<2x4x5xf32>) -> tensor<7x2x3x5xf32>
  %2 = graph.matmul %e, %f : (tensor<7x1x3x4xf32>, tensor<2x4x5xf32>) -> tensor<7x2x3x5xf32>
  return
}

// CHECK-LABEL: func.func @gemm
func.func @gemm(%a: tensor<3x5xf32>, %b: tensor<4x5xf32>, %c: tensor<4xf32>, %at: tensor<5x3xf32>, %bn: tensor<5x4xf32>) {
  // CHECK: graph.gemm %{{.*}}, %{{.*}}, %{{.*}} {alpha = 5.000000e-01 : f32, beta = 2.000000e+00 : f32, transB = true} : (tensor<3x5xf32>, tensor<4x5xf32>, tensor<4xf32>) -> tensor<3x4xf32>
  %0 = graph.gemm %a, %b, %c {alpha = 0.5 : f32, beta = 2.0 : f32, transA = false, transB = true}
      : (tensor<3x5xf32>, tensor<4x5xf32>, tensor<4xf32>) -> tensor<3x4xf32>
  // No C operand, defaults elided.
  // CHECK: graph.gemm %{{.*}}, %{{.*}} {transA = true} : (tensor<5x3xf32>, tensor<5x4xf32>) -> tensor<3x4xf32>
  %1 = graph.gemm %at, %bn {transA = true} : (tensor<5x3xf32>, tensor<5x4xf32>) -> tensor<3x4xf32>
  // CHECK: graph.gemm %{{.*}}, %{{.*}} : (tensor<3x5xf32>, tensor<5x4xf32>) -> tensor<3x4xf32>
  %2 = graph.gemm %a, %bn : (tensor<3x5xf32>, tensor<5x4xf32>) -> tensor<3x4xf32>
  return
}

// CHECK-LABEL: func.func @elementwise
func.func @elementwise(%x: tensor<3x4xf32>, %y: tensor<4xf32>, %s: tensor<f32>, %col: tensor<3x1xf32>, %row: tensor<1x4xf32>) {
  // CHECK: graph.binary add %{{.*}}, %{{.*}} : (tensor<3x4xf32>, tensor<4xf32>) -> tensor<3x4xf32>
  %0 = graph.binary add %x, %y : (tensor<3x4xf32>, tensor<4xf32>) -> tensor<3x4xf32>
  // CHECK: graph.binary mul %{{.*}}, %{{.*}} : (tensor<f32>, tensor<3x4xf32>) -> tensor<3x4xf32>
  %1 = graph.binary mul %s, %x : (tensor<f32>, tensor<3x4xf32>) -> tensor<3x4xf32>
  // Both operands broadcast: [3, 1] x [1, 4] -> [3, 4].
  // CHECK: graph.binary add %{{.*}}, %{{.*}} : (tensor<3x1xf32>, tensor<1x4xf32>) -> tensor<3x4xf32>
  %2 = graph.binary add %col, %row : (tensor<3x1xf32>, tensor<1x4xf32>) -> tensor<3x4xf32>
  // CHECK: graph.unary relu %{{.*}} : tensor<3x4xf32> -> tensor<3x4xf32>
  %3 = graph.unary relu %x : tensor<3x4xf32> -> tensor<3x4xf32>
  return
}

// CHECK-LABEL: func.func @softmax_transpose
func.func @softmax_transpose(%x: tensor<3x4x5xf32>) -> tensor<5x3x4xf32> {
  // CHECK: graph.softmax %{{.*}} {axis = 1 : i64} : tensor<3x4x5xf32>
  %0 = graph.softmax %x {axis = 1 : i64} : tensor<3x4x5xf32>
  // CHECK: graph.softmax %{{.*}} {axis = 2 : i64} : tensor<3x4x5xf32>
  %1 = graph.softmax %0 {axis = 2 : i64} : tensor<3x4x5xf32>
  // CHECK: graph.transpose %{{.*}} {perm = array<i64: 2, 0, 1>} : (tensor<3x4x5xf32>) -> tensor<5x3x4xf32>
  %2 = graph.transpose %1 {perm = array<i64: 2, 0, 1>} : (tensor<3x4x5xf32>) -> tensor<5x3x4xf32>
  return %2 : tensor<5x3x4xf32>
}

// Two types when the operand's layout is not the result's.
// CHECK-LABEL: func.func @softmax_layouts
// CHECK: graph.softmax %{{.*}} {axis = 1 : i64} : tensor<32x64xf32, #grid.layout<tile 32x32, bf16, l1, interleaved>> -> tensor<32x64xf32, #grid.layout<tile 32x32, bf16, dram, interleaved>>
func.func @softmax_layouts(%x: tensor<32x64xf32, #grid.layout<tile 32x32, bf16, l1, interleaved>>)
    -> tensor<32x64xf32, #grid.layout<tile 32x32, bf16, dram, interleaved>> {
  %0 = graph.softmax %x {axis = 1 : i64} : tensor<32x64xf32, #grid.layout<tile 32x32, bf16, l1, interleaved>> -> tensor<32x64xf32, #grid.layout<tile 32x32, bf16, dram, interleaved>>
  return %0 : tensor<32x64xf32, #grid.layout<tile 32x32, bf16, dram, interleaved>>
}

// CHECK-LABEL: func.func @with_layouts
// CHECK-SAME: tensor<32x64xf32, #grid.layout<tile 32x32, f32, dram, interleaved>>
func.func @with_layouts(%x: tensor<32x64xf32, #grid.layout<tile 32x32, f32, dram, interleaved>>)
    -> tensor<32x64xf32, #grid.layout<tile 32x32, f32, dram, interleaved>> {
  // CHECK: graph.unary relu %{{.*}} : tensor<32x64xf32, #grid.layout<tile 32x32, f32, dram, interleaved>> -> tensor<32x64xf32, #grid.layout<tile 32x32, f32, dram, interleaved>>
  %0 = graph.unary relu %x : tensor<32x64xf32, #grid.layout<tile 32x32, f32, dram, interleaved>> -> tensor<32x64xf32, #grid.layout<tile 32x32, f32, dram, interleaved>>
  return %0 : tensor<32x64xf32, #grid.layout<tile 32x32, f32, dram, interleaved>>
}

{-#
  dialect_resources: {
    builtin: {
      weight: "0x040000000000803F000000400000404000008040"
    }
  }
#-}

// -----

// Every graph.unary kind without attributes round-trips; alpha and beta default to 0 and are
// elided.
// CHECK-LABEL: func.func @unary_plain_kinds
func.func @unary_plain_kinds(%x: tensor<4x8xf32>) {
  // CHECK-NEXT: graph.unary abs %{{.*}} : tensor<4x8xf32> -> tensor<4x8xf32>{{$}}
  %abs = graph.unary abs %x : tensor<4x8xf32> -> tensor<4x8xf32>
  // CHECK-NEXT: graph.unary neg %{{.*}} : tensor<4x8xf32> -> tensor<4x8xf32>{{$}}
  %neg = graph.unary neg %x : tensor<4x8xf32> -> tensor<4x8xf32>
  // CHECK-NEXT: graph.unary exp %{{.*}} : tensor<4x8xf32> -> tensor<4x8xf32>{{$}}
  %exp = graph.unary exp %x : tensor<4x8xf32> -> tensor<4x8xf32>
  // CHECK-NEXT: graph.unary log %{{.*}} : tensor<4x8xf32> -> tensor<4x8xf32>{{$}}
  %log = graph.unary log %x : tensor<4x8xf32> -> tensor<4x8xf32>
  // CHECK-NEXT: graph.unary sqrt %{{.*}} : tensor<4x8xf32> -> tensor<4x8xf32>{{$}}
  %sqrt = graph.unary sqrt %x : tensor<4x8xf32> -> tensor<4x8xf32>
  // CHECK-NEXT: graph.unary reciprocal %{{.*}} : tensor<4x8xf32> -> tensor<4x8xf32>{{$}}
  %reciprocal = graph.unary reciprocal %x : tensor<4x8xf32> -> tensor<4x8xf32>
  // CHECK-NEXT: graph.unary sigmoid %{{.*}} : tensor<4x8xf32> -> tensor<4x8xf32>{{$}}
  %sigmoid = graph.unary sigmoid %x : tensor<4x8xf32> -> tensor<4x8xf32>
  // CHECK-NEXT: graph.unary tanh %{{.*}} : tensor<4x8xf32> -> tensor<4x8xf32>{{$}}
  %tanh = graph.unary tanh %x : tensor<4x8xf32> -> tensor<4x8xf32>
  // CHECK-NEXT: graph.unary erf %{{.*}} : tensor<4x8xf32> -> tensor<4x8xf32>{{$}}
  %erf = graph.unary erf %x : tensor<4x8xf32> -> tensor<4x8xf32>
  // CHECK-NEXT: graph.unary sin %{{.*}} : tensor<4x8xf32> -> tensor<4x8xf32>{{$}}
  %sin = graph.unary sin %x : tensor<4x8xf32> -> tensor<4x8xf32>
  // CHECK-NEXT: graph.unary cos %{{.*}} : tensor<4x8xf32> -> tensor<4x8xf32>{{$}}
  %cos = graph.unary cos %x : tensor<4x8xf32> -> tensor<4x8xf32>
  // CHECK-NEXT: graph.unary floor %{{.*}} : tensor<4x8xf32> -> tensor<4x8xf32>{{$}}
  %floor = graph.unary floor %x : tensor<4x8xf32> -> tensor<4x8xf32>
  // CHECK-NEXT: graph.unary ceil %{{.*}} : tensor<4x8xf32> -> tensor<4x8xf32>{{$}}
  %ceil = graph.unary ceil %x : tensor<4x8xf32> -> tensor<4x8xf32>
  // CHECK-NEXT: graph.unary round %{{.*}} : tensor<4x8xf32> -> tensor<4x8xf32>{{$}}
  %round = graph.unary round %x : tensor<4x8xf32> -> tensor<4x8xf32>
  // CHECK-NEXT: graph.unary sign %{{.*}} : tensor<4x8xf32> -> tensor<4x8xf32>{{$}}
  %sign = graph.unary sign %x : tensor<4x8xf32> -> tensor<4x8xf32>
  // CHECK-NEXT: graph.unary relu %{{.*}} : tensor<4x8xf32> -> tensor<4x8xf32>{{$}}
  %relu = graph.unary relu %x : tensor<4x8xf32> -> tensor<4x8xf32>
  // CHECK-NEXT: graph.unary softplus %{{.*}} : tensor<4x8xf32> -> tensor<4x8xf32>{{$}}
  %softplus = graph.unary softplus %x : tensor<4x8xf32> -> tensor<4x8xf32>
  // CHECK-NEXT: graph.unary softsign %{{.*}} : tensor<4x8xf32> -> tensor<4x8xf32>{{$}}
  %softsign = graph.unary softsign %x : tensor<4x8xf32> -> tensor<4x8xf32>
  // CHECK-NEXT: graph.unary hard_swish %{{.*}} : tensor<4x8xf32> -> tensor<4x8xf32>{{$}}
  %hard_swish = graph.unary hard_swish %x : tensor<4x8xf32> -> tensor<4x8xf32>
  // CHECK-NEXT: graph.unary identity %{{.*}} : tensor<4x8xf32> -> tensor<4x8xf32>{{$}}
  %identity = graph.unary identity %x : tensor<4x8xf32> -> tensor<4x8xf32>
  // CHECK-NEXT: graph.unary isnan %{{.*}} : tensor<4x8xf32> -> tensor<4x8xf32>{{$}}
  %isnan = graph.unary isnan %x : tensor<4x8xf32> -> tensor<4x8xf32>
  // CHECK-NEXT: graph.unary trunc %{{.*}} : tensor<4x8xf32> -> tensor<4x8xf32>{{$}}
  %trunc = graph.unary trunc %x : tensor<4x8xf32> -> tensor<4x8xf32>
  return
}

// -----

// The kinds whose ONNX attributes live in alpha and beta; a zero attribute is elided.
// CHECK-LABEL: func.func @unary_attr_kinds
func.func @unary_attr_kinds(%x: tensor<4x8xf32>) {
  // CHECK-NEXT: graph.unary leaky_relu %{{.*}} {alpha = 0.00999999977 : f32} : tensor<4x8xf32> -> tensor<4x8xf32>
  %0 = graph.unary leaky_relu %x {alpha = 0.01 : f32} : tensor<4x8xf32> -> tensor<4x8xf32>
  // CHECK-NEXT: graph.unary elu %{{.*}} {alpha = 1.000000e+00 : f32} : tensor<4x8xf32> -> tensor<4x8xf32>
  %1 = graph.unary elu %x {alpha = 1.0 : f32} : tensor<4x8xf32> -> tensor<4x8xf32>
  // CHECK-NEXT: graph.unary selu %{{.*}} {alpha = 1.67326319 : f32, beta = 1.05070102 : f32} : tensor<4x8xf32> -> tensor<4x8xf32>
  %2 = graph.unary selu %x {alpha = 1.67326319 : f32, beta = 1.05070102 : f32} : tensor<4x8xf32> -> tensor<4x8xf32>
  // CHECK-NEXT: graph.unary hard_sigmoid %{{.*}} {alpha = 2.000000e-01 : f32, beta = 5.000000e-01 : f32} : tensor<4x8xf32> -> tensor<4x8xf32>
  %3 = graph.unary hard_sigmoid %x {alpha = 0.2 : f32, beta = 0.5 : f32} : tensor<4x8xf32> -> tensor<4x8xf32>
  // CHECK-NEXT: graph.unary thresholded_relu %{{.*}} {alpha = 1.000000e+00 : f32} : tensor<4x8xf32> -> tensor<4x8xf32>
  %4 = graph.unary thresholded_relu %x {alpha = 1.0 : f32} : tensor<4x8xf32> -> tensor<4x8xf32>
  // Clip's open bounds are infinities.
  // CHECK-NEXT: graph.unary clip %{{.*}} {alpha = 0xFF800000 : f32, beta = 6.000000e+00 : f32} : tensor<4x8xf32> -> tensor<4x8xf32>
  %5 = graph.unary clip %x {alpha = 0xFF800000 : f32, beta = 6.0 : f32} : tensor<4x8xf32> -> tensor<4x8xf32>
  // CHECK-NEXT: graph.unary clip %{{.*}} {alpha = -1.000000e+00 : f32, beta = 0x7F800000 : f32} : tensor<4x8xf32> -> tensor<4x8xf32>
  %6 = graph.unary clip %x {alpha = -1.0 : f32, beta = 0x7F800000 : f32} : tensor<4x8xf32> -> tensor<4x8xf32>
  // An explicit zero is the default and is not printed.
  // CHECK-NEXT: graph.unary clip %{{.*}} {beta = 1.000000e+00 : f32} : tensor<4x8xf32> -> tensor<4x8xf32>
  %7 = graph.unary clip %x {alpha = 0.0 : f32, beta = 1.0 : f32} : tensor<4x8xf32> -> tensor<4x8xf32>
  return
}

// -----

// Predicates may return booleans, and integer and boolean tensors are graph values.
// CHECK-LABEL: func.func @unary_predicates
func.func @unary_predicates(%x: tensor<4x8xf32>, %b: tensor<4x8xi1>, %i: tensor<3xi64>) {
  // CHECK-NEXT: graph.unary isinf %{{.*}} {alpha = 1.000000e+00 : f32, beta = 1.000000e+00 : f32} : tensor<4x8xf32> -> tensor<4x8xi1>
  %0 = graph.unary isinf %x {alpha = 1.0 : f32, beta = 1.0 : f32} : tensor<4x8xf32> -> tensor<4x8xi1>
  // Negative infinities only.
  // CHECK-NEXT: graph.unary isinf %{{.*}} {alpha = 1.000000e+00 : f32} : tensor<4x8xf32> -> tensor<4x8xi1>
  %1 = graph.unary isinf %x {alpha = 1.0 : f32, beta = 0.0 : f32} : tensor<4x8xf32> -> tensor<4x8xi1>
  // CHECK-NEXT: graph.unary isnan %{{.*}} : tensor<4x8xf32> -> tensor<4x8xi1>
  %2 = graph.unary isnan %x : tensor<4x8xf32> -> tensor<4x8xi1>
  // CHECK-NEXT: graph.unary not %{{.*}} : tensor<4x8xi1> -> tensor<4x8xi1>
  %3 = graph.unary not %b : tensor<4x8xi1> -> tensor<4x8xi1>
  // CHECK-NEXT: graph.unary to_bool %{{.*}} : tensor<4x8xf32> -> tensor<4x8xi1>
  %4 = graph.unary to_bool %x : tensor<4x8xf32> -> tensor<4x8xi1>
  // Casts to and from integers are elementwise functions with another element type.
  // CHECK-NEXT: graph.unary trunc %{{.*}} : tensor<4x8xf32> -> tensor<4x8xi64>
  %5 = graph.unary trunc %x : tensor<4x8xf32> -> tensor<4x8xi64>
  // CHECK-NEXT: graph.unary identity %{{.*}} : tensor<3xi64> -> tensor<3xf32>
  %6 = graph.unary identity %i : tensor<3xi64> -> tensor<3xf32>
  return
}

// -----

// Every graph.binary kind, with numpy broadcasting of either operand.
// CHECK-LABEL: func.func @binary_kinds
func.func @binary_kinds(%x: tensor<3x4xf32>, %y: tensor<4xf32>, %s: tensor<f32>) {
  // CHECK-NEXT: graph.binary add %{{.*}}, %{{.*}} : (tensor<3x4xf32>, tensor<4xf32>) -> tensor<3x4xf32>
  %add = graph.binary add %x, %y : (tensor<3x4xf32>, tensor<4xf32>) -> tensor<3x4xf32>
  // CHECK-NEXT: graph.binary sub %{{.*}}, %{{.*}} : (tensor<3x4xf32>, tensor<4xf32>) -> tensor<3x4xf32>
  %sub = graph.binary sub %x, %y : (tensor<3x4xf32>, tensor<4xf32>) -> tensor<3x4xf32>
  // CHECK-NEXT: graph.binary mul %{{.*}}, %{{.*}} : (tensor<3x4xf32>, tensor<4xf32>) -> tensor<3x4xf32>
  %mul = graph.binary mul %x, %y : (tensor<3x4xf32>, tensor<4xf32>) -> tensor<3x4xf32>
  // CHECK-NEXT: graph.binary div %{{.*}}, %{{.*}} : (tensor<3x4xf32>, tensor<4xf32>) -> tensor<3x4xf32>
  %div = graph.binary div %x, %y : (tensor<3x4xf32>, tensor<4xf32>) -> tensor<3x4xf32>
  // CHECK-NEXT: graph.binary pow %{{.*}}, %{{.*}} : (tensor<3x4xf32>, tensor<4xf32>) -> tensor<3x4xf32>
  %pow = graph.binary pow %x, %y : (tensor<3x4xf32>, tensor<4xf32>) -> tensor<3x4xf32>
  // CHECK-NEXT: graph.binary max %{{.*}}, %{{.*}} : (tensor<3x4xf32>, tensor<4xf32>) -> tensor<3x4xf32>
  %max = graph.binary max %x, %y : (tensor<3x4xf32>, tensor<4xf32>) -> tensor<3x4xf32>
  // CHECK-NEXT: graph.binary min %{{.*}}, %{{.*}} : (tensor<3x4xf32>, tensor<4xf32>) -> tensor<3x4xf32>
  %min = graph.binary min %x, %y : (tensor<3x4xf32>, tensor<4xf32>) -> tensor<3x4xf32>
  // CHECK-NEXT: graph.binary mod %{{.*}}, %{{.*}} : (tensor<3x4xf32>, tensor<4xf32>) -> tensor<3x4xf32>
  %mod = graph.binary mod %x, %y : (tensor<3x4xf32>, tensor<4xf32>) -> tensor<3x4xf32>
  // CHECK-NEXT: graph.binary fmod %{{.*}}, %{{.*}} : (tensor<3x4xf32>, tensor<4xf32>) -> tensor<3x4xf32>
  %fmod = graph.binary fmod %x, %y : (tensor<3x4xf32>, tensor<4xf32>) -> tensor<3x4xf32>
  // CHECK-NEXT: graph.binary equal %{{.*}}, %{{.*}} : (tensor<3x4xf32>, tensor<4xf32>) -> tensor<3x4xf32>
  %equal = graph.binary equal %x, %y : (tensor<3x4xf32>, tensor<4xf32>) -> tensor<3x4xf32>
  // CHECK-NEXT: graph.binary less %{{.*}}, %{{.*}} : (tensor<3x4xf32>, tensor<4xf32>) -> tensor<3x4xf32>
  %less = graph.binary less %x, %y : (tensor<3x4xf32>, tensor<4xf32>) -> tensor<3x4xf32>
  // CHECK-NEXT: graph.binary greater %{{.*}}, %{{.*}} : (tensor<3x4xf32>, tensor<4xf32>) -> tensor<3x4xf32>
  %greater = graph.binary greater %x, %y : (tensor<3x4xf32>, tensor<4xf32>) -> tensor<3x4xf32>
  // CHECK-NEXT: graph.binary less_or_equal %{{.*}}, %{{.*}} : (tensor<3x4xf32>, tensor<4xf32>) -> tensor<3x4xf32>
  %less_or_equal = graph.binary less_or_equal %x, %y : (tensor<3x4xf32>, tensor<4xf32>) -> tensor<3x4xf32>
  // CHECK-NEXT: graph.binary greater_or_equal %{{.*}}, %{{.*}} : (tensor<3x4xf32>, tensor<4xf32>) -> tensor<3x4xf32>
  %greater_or_equal = graph.binary greater_or_equal %x, %y : (tensor<3x4xf32>, tensor<4xf32>) -> tensor<3x4xf32>
  // CHECK-NEXT: graph.binary and %{{.*}}, %{{.*}} : (tensor<3x4xf32>, tensor<4xf32>) -> tensor<3x4xf32>
  %and = graph.binary and %x, %y : (tensor<3x4xf32>, tensor<4xf32>) -> tensor<3x4xf32>
  // CHECK-NEXT: graph.binary or %{{.*}}, %{{.*}} : (tensor<3x4xf32>, tensor<4xf32>) -> tensor<3x4xf32>
  %or = graph.binary or %x, %y : (tensor<3x4xf32>, tensor<4xf32>) -> tensor<3x4xf32>
  // CHECK-NEXT: graph.binary xor %{{.*}}, %{{.*}} : (tensor<3x4xf32>, tensor<4xf32>) -> tensor<3x4xf32>
  %xor = graph.binary xor %x, %y : (tensor<3x4xf32>, tensor<4xf32>) -> tensor<3x4xf32>
  // CHECK-NEXT: graph.binary prelu %{{.*}}, %{{.*}} : (tensor<3x4xf32>, tensor<4xf32>) -> tensor<3x4xf32>
  %prelu = graph.binary prelu %x, %y : (tensor<3x4xf32>, tensor<4xf32>) -> tensor<3x4xf32>
  // CHECK-NEXT: graph.binary sub %{{.*}}, %{{.*}} : (tensor<f32>, tensor<3x4xf32>) -> tensor<3x4xf32>
  %lhs_scalar = graph.binary sub %s, %x : (tensor<f32>, tensor<3x4xf32>) -> tensor<3x4xf32>
  return
}

// -----

// Comparisons and logic return booleans; the operands broadcast to 2x3x4.
// CHECK-LABEL: func.func @binary_bool
func.func @binary_bool(%a: tensor<2x1x4xf32>, %b: tensor<3x1xf32>, %p: tensor<2x3x4xi1>, %q: tensor<4xi1>) {
  // CHECK-NEXT: graph.binary less %{{.*}}, %{{.*}} : (tensor<2x1x4xf32>, tensor<3x1xf32>) -> tensor<2x3x4xi1>
  %0 = graph.binary less %a, %b : (tensor<2x1x4xf32>, tensor<3x1xf32>) -> tensor<2x3x4xi1>
  // CHECK-NEXT: graph.binary xor %{{.*}}, %{{.*}} : (tensor<2x3x4xi1>, tensor<4xi1>) -> tensor<2x3x4xi1>
  %1 = graph.binary xor %p, %q : (tensor<2x3x4xi1>, tensor<4xi1>) -> tensor<2x3x4xi1>
  return
}

// -----

// CHECK-LABEL: func.func @where
func.func @where(%c: tensor<2x1xi1>, %x: tensor<2x3xf32>, %y: tensor<f32>, %i: tensor<3xi64>) {
  // CHECK-NEXT: graph.where %{{.*}}, %{{.*}}, %{{.*}} : (tensor<2x1xi1>, tensor<2x3xf32>, tensor<f32>) -> tensor<2x3xf32>
  %0 = graph.where %c, %x, %y : (tensor<2x1xi1>, tensor<2x3xf32>, tensor<f32>) -> tensor<2x3xf32>
  // CHECK-NEXT: graph.where %{{.*}}, %{{.*}}, %{{.*}} : (tensor<2x1xi1>, tensor<3xi64>, tensor<3xi64>) -> tensor<2x3xi64>
  %1 = graph.where %c, %i, %i : (tensor<2x1xi1>, tensor<3xi64>, tensor<3xi64>) -> tensor<2x3xi64>
  return
}

// -----

// CHECK-LABEL: func.func @reshape
func.func @reshape(%x: tensor<2x3x4xf32>, %i: tensor<6xi64>, %s: tensor<1xf32>) {
  // CHECK-NEXT: graph.reshape %{{.*}} : (tensor<2x3x4xf32>) -> tensor<6x4xf32>
  %0 = graph.reshape %x : (tensor<2x3x4xf32>) -> tensor<6x4xf32>
  // CHECK-NEXT: graph.reshape %{{.*}} : (tensor<2x3x4xf32>) -> tensor<1x2x1x12xf32>
  %1 = graph.reshape %x : (tensor<2x3x4xf32>) -> tensor<1x2x1x12xf32>
  // CHECK-NEXT: graph.reshape %{{.*}} : (tensor<6xi64>) -> tensor<2x3xi64>
  %2 = graph.reshape %i : (tensor<6xi64>) -> tensor<2x3xi64>
  // To and from rank 0.
  // CHECK-NEXT: graph.reshape %{{.*}} : (tensor<1xf32>) -> tensor<f32>
  %3 = graph.reshape %s : (tensor<1xf32>) -> tensor<f32>
  return
}

// -----

// CHECK-LABEL: func.func @reduce
func.func @reduce(%x: tensor<3x4x5xf32>) {
  // CHECK-NEXT: graph.reduce sum %{{.*}} {axes = array<i64: 1>} : (tensor<3x4x5xf32>) -> tensor<3x1x5xf32>
  %0 = graph.reduce sum %x {axes = array<i64: 1>} : (tensor<3x4x5xf32>) -> tensor<3x1x5xf32>
  // Axes in any order.
  // CHECK-NEXT: graph.reduce log_sum_exp %{{.*}} {axes = array<i64: 2, 0>} : (tensor<3x4x5xf32>) -> tensor<1x4x1xf32>
  %1 = graph.reduce log_sum_exp %x {axes = array<i64: 2, 0>} : (tensor<3x4x5xf32>) -> tensor<1x4x1xf32>
  // No axes: nothing reduced.
  // CHECK-NEXT: graph.reduce max %{{.*}} {axes = array<i64>} : (tensor<3x4x5xf32>) -> tensor<3x4x5xf32>
  %2 = graph.reduce max %x {axes = array<i64>} : (tensor<3x4x5xf32>) -> tensor<3x4x5xf32>

  // CHECK-NEXT: graph.reduce mean %{{.*}} {axes = array<i64: 0, 1, 2>} : (tensor<3x4x5xf32>) -> tensor<1x1x1xf32>
  %mean = graph.reduce mean %x {axes = array<i64: 0, 1, 2>} : (tensor<3x4x5xf32>) -> tensor<1x1x1xf32>
  // CHECK-NEXT: graph.reduce min %{{.*}} {axes = array<i64: 0, 1, 2>} : (tensor<3x4x5xf32>) -> tensor<1x1x1xf32>
  %min = graph.reduce min %x {axes = array<i64: 0, 1, 2>} : (tensor<3x4x5xf32>) -> tensor<1x1x1xf32>
  // CHECK-NEXT: graph.reduce prod %{{.*}} {axes = array<i64: 0, 1, 2>} : (tensor<3x4x5xf32>) -> tensor<1x1x1xf32>
  %prod = graph.reduce prod %x {axes = array<i64: 0, 1, 2>} : (tensor<3x4x5xf32>) -> tensor<1x1x1xf32>
  // CHECK-NEXT: graph.reduce l1 %{{.*}} {axes = array<i64: 0, 1, 2>} : (tensor<3x4x5xf32>) -> tensor<1x1x1xf32>
  %l1 = graph.reduce l1 %x {axes = array<i64: 0, 1, 2>} : (tensor<3x4x5xf32>) -> tensor<1x1x1xf32>
  // CHECK-NEXT: graph.reduce l2 %{{.*}} {axes = array<i64: 0, 1, 2>} : (tensor<3x4x5xf32>) -> tensor<1x1x1xf32>
  %l2 = graph.reduce l2 %x {axes = array<i64: 0, 1, 2>} : (tensor<3x4x5xf32>) -> tensor<1x1x1xf32>
  // CHECK-NEXT: graph.reduce log_sum %{{.*}} {axes = array<i64: 0, 1, 2>} : (tensor<3x4x5xf32>) -> tensor<1x1x1xf32>
  %log_sum = graph.reduce log_sum %x {axes = array<i64: 0, 1, 2>} : (tensor<3x4x5xf32>) -> tensor<1x1x1xf32>
  // CHECK-NEXT: graph.reduce sum_square %{{.*}} {axes = array<i64: 0, 1, 2>} : (tensor<3x4x5xf32>) -> tensor<1x1x1xf32>
  %sum_square = graph.reduce sum_square %x {axes = array<i64: 0, 1, 2>} : (tensor<3x4x5xf32>) -> tensor<1x1x1xf32>
  return
}

// -----

// CHECK-LABEL: func.func @log_softmax
func.func @log_softmax(%x: tensor<3x4x5xf32>) {
  // CHECK-NEXT: graph.softmax %{{.*}} {axis = 2 : i64, log} : tensor<3x4x5xf32>
  %0 = graph.softmax %x {axis = 2 : i64, log} : tensor<3x4x5xf32>
  // Without the unit attribute it is a plain softmax.
  // CHECK-NEXT: graph.softmax %{{.*}} {axis = 0 : i64} : tensor<3x4x5xf32>
  %1 = graph.softmax %x {axis = 0 : i64} : tensor<3x4x5xf32>
  return
}

// -----

// CHECK-LABEL: func.func @gather_rows
func.func @gather_rows(%table: tensor<100x64xf32>, %ids: tensor<16xi64>) -> tensor<16x64xf32> {
  // CHECK-NEXT: graph.gather_rows %{{.*}}, %{{.*}} : (tensor<100x64xf32>, tensor<16xi64>) -> tensor<16x64xf32>
  %0 = graph.gather_rows %table, %ids : (tensor<100x64xf32>, tensor<16xi64>) -> tensor<16x64xf32>
  return %0 : tensor<16x64xf32>
}

// CHECK-LABEL: func.func @conv
func.func @conv(%x: tensor<1x3x224x224xf32>, %w: tensor<64x3x7x7xf32>, %b: tensor<64xf32>, %dw: tensor<8x1x3x3xf32>, %y: tensor<1x8x16x16xf32>) -> (tensor<1x64x112x112xf32>, tensor<1x8x8x8xf32>) {
  // CHECK-NEXT: graph.conv %{{.*}}, %{{.*}}, %{{.*}} {dilations = array<i64: 1, 1>, group = 1 : i64, pads = array<i64: 3, 3>, strides = array<i64: 2, 2>} : (tensor<1x3x224x224xf32>, tensor<64x3x7x7xf32>, tensor<64xf32>) -> tensor<1x64x112x112xf32>
  %0 = graph.conv %x, %w, %b {strides = array<i64: 2, 2>, dilations = array<i64: 1, 1>, pads = array<i64: 3, 3>, group = 1 : i64} : (tensor<1x3x224x224xf32>, tensor<64x3x7x7xf32>, tensor<64xf32>) -> tensor<1x64x112x112xf32>
  // A depthwise convolution: one group per channel, no bias.
  // CHECK-NEXT: graph.conv %{{.*}}, %{{.*}} {dilations = array<i64: 1, 1>, group = 8 : i64, pads = array<i64: 1, 1>, strides = array<i64: 2, 2>} : (tensor<1x8x16x16xf32>, tensor<8x1x3x3xf32>) -> tensor<1x8x8x8xf32>
  %1 = graph.conv %y, %dw {strides = array<i64: 2, 2>, dilations = array<i64: 1, 1>, pads = array<i64: 1, 1>, group = 8 : i64} : (tensor<1x8x16x16xf32>, tensor<8x1x3x3xf32>) -> tensor<1x8x8x8xf32>
  return %0, %1 : tensor<1x64x112x112xf32>, tensor<1x8x8x8xf32>
}

// CHECK-LABEL: func.func @batch_norm
func.func @batch_norm(%x: tensor<1x4x8x8xf32>, %p: tensor<4xf32>) -> tensor<1x4x8x8xf32> {
  // CHECK-NEXT: graph.batch_norm %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}} {epsilon = 9.99999974E-6 : f32} : (tensor<1x4x8x8xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<1x4x8x8xf32>
  %0 = graph.batch_norm %x, %p, %p, %p, %p {epsilon = 1.0e-5 : f32} : (tensor<1x4x8x8xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<1x4x8x8xf32>
  return %0 : tensor<1x4x8x8xf32>
}

// CHECK-LABEL: func.func @matmul_epilogue
func.func @matmul_epilogue(%a: tensor<2x3x4xf32>, %b: tensor<4x5xf32>, %bias: tensor<5xf32>) -> tensor<2x3x5xf32> {
  // CHECK-NEXT: graph.matmul %{{.*}}, %{{.*}}, %{{.*}} then gelu_tanh : (tensor<2x3x4xf32>, tensor<4x5xf32>, tensor<5xf32>) -> tensor<2x3x5xf32>
  %0 = graph.matmul %a, %b, %bias then gelu_tanh : (tensor<2x3x4xf32>, tensor<4x5xf32>, tensor<5xf32>) -> tensor<2x3x5xf32>
  return %0 : tensor<2x3x5xf32>
}

// CHECK-LABEL: func.func @pools
// CHECK: graph.pool max %arg0 {dilations = array<i64: 1, 1>, kernel = array<i64: 3, 3>, pads = array<i64: 1, 1, 0, 1>, strides = array<i64: 2, 2>} : (tensor<1x8x7x7xf32>) -> tensor<1x8x4x4xf32>
// CHECK: graph.pool average %arg0 {count_include_pad, dilations = array<i64: 1, 1>, kernel = array<i64: 7, 7>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x8x7x7xf32>) -> tensor<1x8x1x1xf32>
func.func @pools(%x: tensor<1x8x7x7xf32>) -> (tensor<1x8x4x4xf32>, tensor<1x8x1x1xf32>) {
  %0 = graph.pool max %x {kernel = array<i64: 3, 3>, strides = array<i64: 2, 2>, dilations = array<i64: 1, 1>, pads = array<i64: 1, 1, 0, 1>} : (tensor<1x8x7x7xf32>) -> tensor<1x8x4x4xf32>
  %1 = graph.pool average %x {kernel = array<i64: 7, 7>, strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, count_include_pad} : (tensor<1x8x7x7xf32>) -> tensor<1x8x1x1xf32>
  return %0, %1 : tensor<1x8x4x4xf32>, tensor<1x8x1x1xf32>
}

// CHECK-LABEL: func.func @matmul_residual
// CHECK: graph.matmul %arg0, %arg1, %arg2 plus %arg3 then relu : (tensor<4x8xf32>, tensor<8x16xf32>, tensor<16xf32>, tensor<4x16xf32>) -> tensor<4x16xf32>
// CHECK: graph.matmul %arg0, %arg1 plus %arg3 : (tensor<4x8xf32>, tensor<8x16xf32>, tensor<4x16xf32>) -> tensor<4x16xf32>
func.func @matmul_residual(%a: tensor<4x8xf32>, %b: tensor<8x16xf32>, %c: tensor<16xf32>, %r: tensor<4x16xf32>) -> (tensor<4x16xf32>, tensor<4x16xf32>) {
  %0 = graph.matmul %a, %b, %c plus %r then relu : (tensor<4x8xf32>, tensor<8x16xf32>, tensor<16xf32>, tensor<4x16xf32>) -> tensor<4x16xf32>
  %1 = graph.matmul %a, %b plus %r : (tensor<4x8xf32>, tensor<8x16xf32>, tensor<4x16xf32>) -> tensor<4x16xf32>
  return %0, %1 : tensor<4x16xf32>, tensor<4x16xf32>
}

// CHECK-LABEL: func.func @weighted_sum
// CHECK: graph.reduce sum %arg0 times %arg1 {axes = array<i64: 1>} : (tensor<1x9x64x96xf32>, tensor<9x1x96xf32>) -> tensor<1x1x64x96xf32>
func.func @weighted_sum(%x: tensor<1x9x64x96xf32>, %w: tensor<9x1x96xf32>) -> tensor<1x1x64x96xf32> {
  %0 = graph.reduce sum %x times %w {axes = array<i64: 1>} : (tensor<1x9x64x96xf32>, tensor<9x1x96xf32>) -> tensor<1x1x64x96xf32>
  return %0 : tensor<1x1x64x96xf32>
}

// -----

// CHECK-LABEL: func.func @reduce_epilogue
// CHECK: graph.reduce sum %arg0 times %arg1, %arg2 then relu {axes = array<i64: 1>} : (tensor<1x9x64x96xf32>, tensor<9x1x96xf32>, tensor<96xf32>) -> tensor<1x1x64x96xf32>
func.func @reduce_epilogue(%x: tensor<1x9x64x96xf32>, %w: tensor<9x1x96xf32>, %b: tensor<96xf32>) -> tensor<1x1x64x96xf32> {
  %0 = graph.reduce sum %x times %w, %b then relu {axes = array<i64: 1>} : (tensor<1x9x64x96xf32>, tensor<9x1x96xf32>, tensor<96xf32>) -> tensor<1x1x64x96xf32>
  return %0 : tensor<1x1x64x96xf32>
}

// -----

// CHECK-LABEL: func.func @concat
// CHECK: graph.concat %arg0, %arg1 {axis = 1 : i64} : (tensor<1x64x7x7xf32>, tensor<1x32x7x7xf32>) -> tensor<1x96x7x7xf32>
func.func @concat(%a: tensor<1x64x7x7xf32>, %b: tensor<1x32x7x7xf32>) -> tensor<1x96x7x7xf32> {
  %0 = graph.concat %a, %b {axis = 1 : i64} : (tensor<1x64x7x7xf32>, tensor<1x32x7x7xf32>) -> tensor<1x96x7x7xf32>
  return %0 : tensor<1x96x7x7xf32>
}

// CHECK-LABEL: func.func @normalisations
// CHECK-NEXT: graph.layer_norm %arg0 scale %arg1 bias %arg2 {axis = 2 : i64, epsilon = 9.99999974E-6 : f32} : (tensor<2x8x64xf32>, tensor<64xf32>, tensor<64xf32>) -> tensor<2x8x64xf32>
// CHECK-NEXT: graph.layer_norm %arg0 bias %arg2 {axis = 2 : i64, epsilon = 1.000000e-03 : f32} : (tensor<2x8x64xf32>, tensor<64xf32>) -> tensor<2x8x64xf32>
// CHECK-NEXT: graph.layer_norm %arg0 {axis = 1 : i64, epsilon = 9.99999974E-6 : f32} : (tensor<2x8x64xf32>) -> tensor<2x8x64xf32>
// CHECK-NEXT: graph.rms_norm %arg0 scale %arg3 {axis = 1 : i64, epsilon = 9.99999997E-7 : f32} : (tensor<2x8x64xf32>, tensor<8x1xf32>) -> tensor<2x8x64xf32>
func.func @normalisations(%x: tensor<2x8x64xf32>, %g: tensor<64xf32>, %b: tensor<64xf32>, %s: tensor<8x1xf32>) {
  %0 = graph.layer_norm %x scale %g bias %b {axis = 2 : i64, epsilon = 1.0e-05 : f32} : (tensor<2x8x64xf32>, tensor<64xf32>, tensor<64xf32>) -> tensor<2x8x64xf32>
  %1 = graph.layer_norm %x bias %b {axis = 2 : i64, epsilon = 1.0e-03 : f32} : (tensor<2x8x64xf32>, tensor<64xf32>) -> tensor<2x8x64xf32>
  %2 = graph.layer_norm %x {axis = 1 : i64, epsilon = 1.0e-05 : f32} : (tensor<2x8x64xf32>) -> tensor<2x8x64xf32>
  %3 = graph.rms_norm %x scale %s {axis = 1 : i64, epsilon = 1.0e-06 : f32} : (tensor<2x8x64xf32>, tensor<8x1xf32>) -> tensor<2x8x64xf32>
  return
}

// CHECK-LABEL: func.func @attention
// CHECK-NEXT: graph.sdpa %arg0, %arg1, %arg2 {scale = 1.250000e-01 : f32} : (tensor<2x4x96x64xf32>, tensor<2x4x64x80xf32>, tensor<2x4x80x32xf32>) -> tensor<2x4x96x32xf32>
// CHECK-NEXT: graph.sdpa %arg0, %arg1, %arg2 mask %arg3 {scale = 1.000000e+00 : f32} : (tensor<2x4x96x64xf32>, tensor<2x4x64x80xf32>, tensor<2x4x80x32xf32>, tensor<2x1x1x80xf32>) -> tensor<2x4x96x32xf32>
func.func @attention(%q: tensor<2x4x96x64xf32>, %kt: tensor<2x4x64x80xf32>, %v: tensor<2x4x80x32xf32>, %m: tensor<2x1x1x80xf32>) {
  %0 = graph.sdpa %q, %kt, %v {scale = 0.125 : f32} : (tensor<2x4x96x64xf32>, tensor<2x4x64x80xf32>, tensor<2x4x80x32xf32>) -> tensor<2x4x96x32xf32>
  %1 = graph.sdpa %q, %kt, %v mask %m {scale = 1.0 : f32} : (tensor<2x4x96x64xf32>, tensor<2x4x64x80xf32>, tensor<2x4x80x32xf32>, tensor<2x1x1x80xf32>) -> tensor<2x4x96x32xf32>
  return
}

// CHECK-LABEL: func.func @group_norm
// CHECK-NEXT: graph.group_norm %arg0 scale %arg1 bias %arg1 {epsilon = 9.99999974E-6 : f32, num_groups = 8 : i64} : (tensor<2x32x16x16xf32>, tensor<32xf32>, tensor<32xf32>) -> tensor<2x32x16x16xf32>
// CHECK-NEXT: graph.group_norm %arg0 {epsilon = 9.99999974E-6 : f32, num_groups = 32 : i64} : (tensor<2x32x16x16xf32>) -> tensor<2x32x16x16xf32>
func.func @group_norm(%x: tensor<2x32x16x16xf32>, %g: tensor<32xf32>) {
  %0 = graph.group_norm %x scale %g bias %g {num_groups = 8 : i64, epsilon = 1.0e-05 : f32} : (tensor<2x32x16x16xf32>, tensor<32xf32>, tensor<32xf32>) -> tensor<2x32x16x16xf32>
  %1 = graph.group_norm %x {num_groups = 32 : i64, epsilon = 1.0e-05 : f32} : (tensor<2x32x16x16xf32>) -> tensor<2x32x16x16xf32>
  return
}
