// --tt-decompose-graph folds graph.reshape and graph.transpose of a graph.constant (dense or
// dense_resource) into a new constant with the data rearranged; the new constant keeps the
// original's location (which names the weights in the binary). Anything else is left alone.
// RUN: tt-opt %s -split-input-file --tt-decompose-graph | FileCheck %s
// RUN: tt-opt %s -split-input-file --tt-decompose-graph -mlir-print-debuginfo | FileCheck %s --check-prefix=LOC
// The folded IR reads back (resources included).
// RUN: tt-opt %s -split-input-file --tt-decompose-graph | tt-opt -split-input-file | FileCheck %s --check-prefix=ROUNDTRIP

// CHECK-LABEL: func.func @dense_transpose
// CHECK-NOT: graph.transpose
// CHECK-NEXT: %[[C:.*]] = graph.constant dense<{{\[}}[1.000000e+00, 4.000000e+00], [2.000000e+00, 5.000000e+00], [3.000000e+00, 6.000000e+00]]> : tensor<3x2xf32>{{$}}
// CHECK-NEXT: return %[[C]]
// LOC-LABEL: func.func @dense_transpose
// LOC-NEXT: graph.constant {{.*}} : tensor<3x2xf32> loc(#[[W:loc[0-9]*]])
// LOC: #[[W]] = loc("w")
// ROUNDTRIP-LABEL: func.func @dense_transpose
// ROUNDTRIP-NEXT: graph.constant dense<{{\[}}[1.000000e+00, 4.000000e+00], [2.000000e+00, 5.000000e+00], [3.000000e+00, 6.000000e+00]]> : tensor<3x2xf32>
func.func @dense_transpose() -> tensor<3x2xf32> {
  %c = graph.constant dense<[[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]> : tensor<2x3xf32> loc("w")
  %0 = graph.transpose %c {perm = array<i64: 1, 0>} : (tensor<2x3xf32>) -> tensor<3x2xf32>
  return %0 : tensor<3x2xf32>
}

// -----

// A reshape keeps the data in order; a splat stays a splat.
// CHECK-LABEL: func.func @dense_reshape
// CHECK-NOT: graph.reshape
// CHECK-NEXT: %[[R:.*]] = graph.constant dense<{{\[}}[1.000000e+00, 2.000000e+00], [3.000000e+00, 4.000000e+00], [5.000000e+00, 6.000000e+00]]> : tensor<3x2xf32>
// CHECK-NEXT: %[[S:.*]] = graph.constant dense<2.500000e+00> : tensor<1x4x1xf32>
// CHECK-NEXT: return %[[R]], %[[S]]
func.func @dense_reshape() -> (tensor<3x2xf32>, tensor<1x4x1xf32>) {
  %c = graph.constant dense<[[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]> : tensor<2x3xf32>
  %0 = graph.reshape %c : (tensor<2x3xf32>) -> tensor<3x2xf32>
  %s = graph.constant dense<2.5> : tensor<4xf32>
  %1 = graph.reshape %s : (tensor<4xf32>) -> tensor<1x4x1xf32>
  return %0, %1 : tensor<3x2xf32>, tensor<1x4x1xf32>
}

// -----

// A chain folds all the way: reshape, then a 3-D transpose, then a reshape again.
// CHECK-LABEL: func.func @chain
// CHECK-NEXT: %[[C:.*]] = graph.constant dense<[1.000000e+00, 4.000000e+00, 2.000000e+00, 5.000000e+00, 3.000000e+00, 6.000000e+00]> : tensor<6xf32>
// CHECK-NEXT: return %[[C]]
func.func @chain() -> tensor<6xf32> {
  %c = graph.constant dense<[1.0, 2.0, 3.0, 4.0, 5.0, 6.0]> : tensor<6xf32>
  %0 = graph.reshape %c : (tensor<6xf32>) -> tensor<1x2x3xf32>
  %1 = graph.transpose %0 {perm = array<i64: 0, 2, 1>} : (tensor<1x2x3xf32>) -> tensor<1x3x2xf32>
  %2 = graph.reshape %1 : (tensor<1x3x2xf32>) -> tensor<6xf32>
  return %2 : tensor<6xf32>
}

// -----

// A small dense_resource folds into a dense constant, at its location.
// CHECK-LABEL: func.func @small_resource
// CHECK-NOT: graph.transpose
// CHECK-NOT: graph.reshape
// CHECK-NEXT: %[[T:.*]] = graph.constant dense<{{\[}}[1.000000e+00, 4.000000e+00], [2.000000e+00, 5.000000e+00], [3.000000e+00, 6.000000e+00]]> : tensor<3x2xf32>{{$}}
// CHECK-NEXT: %[[R:.*]] = graph.constant dense<[1.000000e+00, 2.000000e+00, 3.000000e+00, 4.000000e+00, 5.000000e+00, 6.000000e+00]> : tensor<6xf32>{{$}}
// CHECK-NEXT: return %[[T]], %[[R]]
// LOC-LABEL: func.func @small_resource
// LOC-NEXT: graph.constant {{.*}} : tensor<3x2xf32> loc(#[[W:loc[0-9]*]])
// LOC-NEXT: graph.constant {{.*}} : tensor<6xf32> loc(#[[W]])
// LOC: #[[W]] = loc("small_w")
// The unused original is gone, and its resource with it.
// CHECK-NOT: small:
func.func @small_resource() -> (tensor<3x2xf32>, tensor<6xf32>) {
  %c = graph.constant dense_resource<small> : tensor<2x3xf32> loc("small_w")
  %0 = graph.transpose %c {perm = array<i64: 1, 0>} : (tensor<2x3xf32>) -> tensor<3x2xf32>
  %1 = graph.reshape %c : (tensor<2x3xf32>) -> tensor<6xf32>
  return %0, %1 : tensor<3x2xf32>, tensor<6xf32>
}
{-#
  dialect_resources: {
    builtin: {
      small: "0x040000000000803F0000004000004040000080400000A0400000C040"
    }
  }
#-}

// -----

// More than 64 values stay in a resource blob: 8x9 holding 0..71, transposed and reshaped.
// CHECK-LABEL: func.func @big_resource
// CHECK-NEXT: %[[T:.*]] = graph.constant dense_resource<[[TR:weights[_0-9]*]]> : tensor<9x8xf32>{{$}}
// CHECK-NEXT: %[[R:.*]] = graph.constant dense_resource<[[RR:weights[_0-9]*]]> : tensor<72xf32>{{$}}
// CHECK-NEXT: return %[[T]], %[[R]]
// CHECK: dialect_resources
// CHECK-DAG: [[TR]]: "0x040000000000000000001041000090410000D84100001042000034420000584200007C420000803F00002041000098410000E041000014420000384200005C420000804200000040000030410000A0410000E8410000184200003C42000060420000824200004040000040410000A8410000F04100001C4200004042000064420000844200008040000050410000B0410000F841000020420000444200006842000086420000A040000060410000B84100000042000024420000484200006C42000088420000C040000070410000C041000004420000284200004C420000704200008A420000E040000080410000C8410000084200002C42000050420000744200008C4200000041000088410000D04100000C4200003042000054420000784200008E42"
// CHECK-DAG: [[RR]]: "0x04000000000000000000803F0000004000004040000080400000A0400000C0400000E0400000004100001041000020410000304100004041000050410000604100007041000080410000884100009041000098410000A0410000A8410000B0410000B8410000C0410000C8410000D0410000D8410000E0410000E8410000F0410000F84100000042000004420000084200000C4200001042000014420000184200001C4200002042000024420000284200002C4200003042000034420000384200003C4200004042000044420000484200004C4200005042000054420000584200005C4200006042000064420000684200006C4200007042000074420000784200007C42000080420000824200008442000086420000884200008A4200008C4200008E42"
// LOC-LABEL: func.func @big_resource
// LOC-NEXT: graph.constant {{.*}} : tensor<9x8xf32> loc(#[[W:loc[0-9]*]])
// LOC-NEXT: graph.constant {{.*}} : tensor<72xf32> loc(#[[W]])
// LOC: #[[W]] = loc("big_w")
// ROUNDTRIP-LABEL: func.func @big_resource
// ROUNDTRIP-NEXT: graph.constant dense_resource<[[TR:weights[_0-9]*]]> : tensor<9x8xf32>
// ROUNDTRIP-NEXT: graph.constant dense_resource<[[RR:weights[_0-9]*]]> : tensor<72xf32>
// ROUNDTRIP-DAG: [[TR]]: "0x040000000000000000001041000090410000D84100001042000034420000584200007C420000803F00002041000098410000E041000014420000384200005C420000804200000040000030410000A0410000E8410000184200003C42000060420000824200004040000040410000A8410000F04100001C4200004042000064420000844200008040000050410000B0410000F841000020420000444200006842000086420000A040000060410000B84100000042000024420000484200006C42000088420000C040000070410000C041000004420000284200004C420000704200008A420000E040000080410000C8410000084200002C42000050420000744200008C4200000041000088410000D04100000C4200003042000054420000784200008E42"
// ROUNDTRIP-DAG: [[RR]]: "0x04000000000000000000803F0000004000004040000080400000A0400000C0400000E0400000004100001041000020410000304100004041000050410000604100007041000080410000884100009041000098410000A0410000A8410000B0410000B8410000C0410000C8410000D0410000D8410000E0410000E8410000F0410000F84100000042000004420000084200000C4200001042000014420000184200001C4200002042000024420000284200002C4200003042000034420000384200003C4200004042000044420000484200004C4200005042000054420000584200005C4200006042000064420000684200006C4200007042000074420000784200007C42000080420000824200008442000086420000884200008A4200008C4200008E42"
func.func @big_resource() -> (tensor<9x8xf32>, tensor<72xf32>) {
  %c = graph.constant dense_resource<big> : tensor<8x9xf32> loc("big_w")
  %0 = graph.transpose %c {perm = array<i64: 1, 0>} : (tensor<8x9xf32>) -> tensor<9x8xf32>
  %1 = graph.reshape %c : (tensor<8x9xf32>) -> tensor<72xf32>
  return %0, %1 : tensor<9x8xf32>, tensor<72xf32>
}
{-#
  dialect_resources: {
    builtin: {
      big: "0x04000000000000000000803F0000004000004040000080400000A0400000C0400000E0400000004100001041000020410000304100004041000050410000604100007041000080410000884100009041000098410000A0410000A8410000B0410000B8410000C0410000C8410000D0410000D8410000E0410000E8410000F0410000F84100000042000004420000084200000C4200001042000014420000184200001C4200002042000024420000284200002C4200003042000034420000384200003C4200004042000044420000484200004C4200005042000054420000584200005C4200006042000064420000684200006C4200007042000074420000784200007C42000080420000824200008442000086420000884200008A4200008C4200008E42"
    }
  }
#-}

// -----

// A constant with other users stays for them.
// CHECK-LABEL: func.func @shared_constant
// CHECK-SAME: (%[[X:.*]]: tensor<2x3xf32>)
// CHECK-NEXT: %[[C:.*]] = graph.constant dense<{{\[}}[1.000000e+00, 2.000000e+00, 3.000000e+00], [4.000000e+00, 5.000000e+00, 6.000000e+00]]> : tensor<2x3xf32>
// CHECK-NEXT: %[[A:.*]] = graph.binary add %[[X]], %[[C]]
// CHECK-NEXT: %[[T:.*]] = graph.constant dense<{{\[}}[1.000000e+00, 4.000000e+00], [2.000000e+00, 5.000000e+00], [3.000000e+00, 6.000000e+00]]> : tensor<3x2xf32>
// CHECK-NEXT: return %[[A]], %[[T]]
func.func @shared_constant(%x: tensor<2x3xf32>) -> (tensor<2x3xf32>, tensor<3x2xf32>) {
  %c = graph.constant dense<[[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]> : tensor<2x3xf32>
  %0 = graph.binary add %x, %c : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
  %1 = graph.transpose %c {perm = array<i64: 1, 0>} : (tensor<2x3xf32>) -> tensor<3x2xf32>
  return %0, %1 : tensor<2x3xf32>, tensor<3x2xf32>
}

// -----

// Inputs that are not constants (arguments, results of other ops) are not folded.
// CHECK-LABEL: func.func @not_constant
// CHECK-SAME: (%[[X:.*]]: tensor<2x3xf32>)
// CHECK-NEXT: %[[T:.*]] = graph.transpose %[[X]] {perm = array<i64: 1, 0>} : (tensor<2x3xf32>) -> tensor<3x2xf32>
// CHECK-NEXT: %[[R:.*]] = graph.reshape %[[X]] : (tensor<2x3xf32>) -> tensor<6xf32>
// CHECK-NEXT: %[[U:.*]] = graph.unary relu %[[T]]
// CHECK-NEXT: %[[RT:.*]] = graph.transpose %[[U]] {perm = array<i64: 1, 0>} : (tensor<3x2xf32>) -> tensor<2x3xf32>
// CHECK-NEXT: %[[RR:.*]] = graph.reshape %[[U]] : (tensor<3x2xf32>) -> tensor<6xf32>
// CHECK-NEXT: return %[[R]], %[[RT]], %[[RR]]
// CHECK-NOT: graph.constant
func.func @not_constant(%x: tensor<2x3xf32>) -> (tensor<6xf32>, tensor<2x3xf32>, tensor<6xf32>) {
  %0 = graph.transpose %x {perm = array<i64: 1, 0>} : (tensor<2x3xf32>) -> tensor<3x2xf32>
  %1 = graph.reshape %x : (tensor<2x3xf32>) -> tensor<6xf32>
  %2 = graph.unary relu %0 : tensor<3x2xf32> -> tensor<3x2xf32>
  %3 = graph.transpose %2 {perm = array<i64: 1, 0>} : (tensor<3x2xf32>) -> tensor<2x3xf32>
  %4 = graph.reshape %2 : (tensor<3x2xf32>) -> tensor<6xf32>
  return %1, %3, %4 : tensor<6xf32>, tensor<2x3xf32>, tensor<6xf32>
}

// -----

// Only f32 data folds: a bf16 constant keeps its transpose and reshape.
// CHECK-LABEL: func.func @not_f32
// CHECK-NEXT: %[[C:.*]] = graph.constant dense<{{.*}}> : tensor<2x3xbf16>
// CHECK-NEXT: graph.transpose %[[C]] {perm = array<i64: 1, 0>} : (tensor<2x3xbf16>) -> tensor<3x2xbf16>
// CHECK-NEXT: graph.reshape %[[C]] : (tensor<2x3xbf16>) -> tensor<6xbf16>
func.func @not_f32() -> (tensor<3x2xbf16>, tensor<6xbf16>) {
  %c = graph.constant dense<[[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]> : tensor<2x3xbf16>
  %0 = graph.transpose %c {perm = array<i64: 1, 0>} : (tensor<2x3xbf16>) -> tensor<3x2xbf16>
  %1 = graph.reshape %c : (tensor<2x3xbf16>) -> tensor<6xbf16>
  return %0, %1 : tensor<3x2xbf16>, tensor<6xbf16>
}
