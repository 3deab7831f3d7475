// RUN: tt-opt %s | tt-opt | FileCheck %s
// RUN: tt-opt %s --mlir-print-op-generic | tt-opt | FileCheck %s

// CHECK-LABEL: func.func @constants
func.func @constants() -> (tensor<4x4xf32>, tensor<f32>, tensor<2xi64>, tensor<3xf32, #grid.layout<tile 32x32, bf16, dram, interleaved>>) {
  // CHECK: graph.constant dense<1.000000e+00> : tensor<4x4xf32> : tensor<4x4xf32>
  %0 = graph.constant dense<1.0> : tensor<4x4xf32> : tensor<4x4xf32>
  // CHECK: graph.constant dense<2.500000e+00> : tensor<f32> : tensor<f32>
  %1 = graph.constant dense<2.5> : tensor<f32> : tensor<f32>
  // CHECK: graph.constant dense<[1, -2]> : tensor<2xi64> : tensor<2xi64>
  %2 = graph.constant dense<[1, -2]> : tensor<2xi64> : tensor<2xi64>
  // The result type may carry a layout encoding that the value's type does not have.
  // CHECK: graph.constant dense<[1.000000e+00, 2.000000e+00, 3.000000e+00]> : tensor<3xf32> : tensor<3xf32, #grid.layout<tile 32x32, bf16, dram, interleaved>>
  %3 = graph.constant dense<[1.0, 2.0, 3.0]> : tensor<3xf32> : tensor<3xf32, #grid.layout<tile 32x32, bf16, dram, interleaved>>
  return %0, %1, %2, %3 : tensor<4x4xf32>, tensor<f32>, tensor<2xi64>, tensor<3xf32, #grid.layout<tile 32x32, bf16, dram, interleaved>>
}

// CHECK-LABEL: func.func @resource_constant
func.func @resource_constant() -> tensor<2x2xf32> {
  // CHECK: graph.constant dense_resource<weight> : tensor<2x2xf32> : tensor<2x2xf32>
  %0 = graph.constant dense_resource<weight> : tensor<2x2xf32> : tensor<2x2xf32>
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
