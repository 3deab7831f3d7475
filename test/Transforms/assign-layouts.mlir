// RUN: tt-opt %s -split-input-file --tt-assign-layouts | FileCheck %s --check-prefixes=CHECK,FP32
// RUN: tt-opt %s -split-input-file --tt-assign-layouts=precision=fp32 | FileCheck %s --check-prefixes=CHECK,FP32
// RUN: tt-opt %s -split-input-file --tt-assign-layouts=precision=bf16 | FileCheck %s --check-prefixes=CHECK,BF16
// RUN: tt-opt %s -split-input-file --tt-assign-layouts=chip=%S/Inputs/tiny.chip | FileCheck %s --check-prefix=FILE
// RUN: tt-opt %s -split-input-file --tt-assign-layouts=chip=wormhole_b0 | FileCheck %s --check-prefixes=CHECK,FP32

// The chip and every figure of its descriptor, which later passes read instead of the file, and
// the precision, which the binary records.
// CHECK: module attributes {grid.chip = #grid.chip<"wormhole_b0", grid = [8, 8], l1 = 1499136, {clock_mhz = 1000 : i64, {{.*}}dram_channels = 12 : i64, {{.*}}l1_reserved_bytes = 131072 : i64, {{.*}}unpack_bytes_per_cycle = 80 : i64}>, grid.precision = "{{fp32|bf16}}"}
// FILE: module attributes {grid.chip = #grid.chip<"tiny", grid = [2, 2], l1 = 65536, {clock_mhz = 1000 : i64, {{.*}}dram_channels = 2 : i64, {{.*}}l1_reserved_bytes = 16384 : i64, {{.*}}}>, grid.precision = "fp32"}
// CHECK-LABEL: func.func @main
// FP32-SAME: (%[[X:.*]]: tensor<32x64xf32, #grid.layout<tile 32x32, f32, dram, interleaved>>, %[[W:.*]]: tensor<64x16xf32, #grid.layout<tile 32x32, f32, dram, interleaved>>)
// FP32-SAME: -> tensor<32x16xf32, #grid.layout<tile 32x32, f32, dram, interleaved>>
// BF16-SAME: (%[[X:.*]]: tensor<32x64xf32, #grid.layout<tile 32x32, bf16, dram, interleaved>>, %[[W:.*]]: tensor<64x16xf32, #grid.layout<tile 32x32, bf16, dram, interleaved>>)
// BF16-SAME: -> tensor<32x16xf32, #grid.layout<tile 32x32, bf16, dram, interleaved>>
// The constant's value keeps its plain type; its result gets the layout.
// FP32-NEXT: %[[C:.*]] = graph.constant dense<1.000000e+00> : tensor<16xf32> : tensor<16xf32, #grid.layout<tile 32x32, f32, dram, interleaved>>
// BF16-NEXT: %[[C:.*]] = graph.constant dense<1.000000e+00> : tensor<16xf32> : tensor<16xf32, #grid.layout<tile 32x32, bf16, dram, interleaved>>
// FP32-NEXT: %[[M:.*]] = graph.matmul %[[X]], %[[W]] : (tensor<32x64xf32, #grid.layout<tile 32x32, f32, dram, interleaved>>, tensor<64x16xf32, #grid.layout<tile 32x32, f32, dram, interleaved>>) -> tensor<32x16xf32, #grid.layout<tile 32x32, f32, dram, interleaved>>
// BF16-NEXT: %[[M:.*]] = graph.matmul %[[X]], %[[W]] : (tensor<32x64xf32, #grid.layout<tile 32x32, bf16, dram, interleaved>>, tensor<64x16xf32, #grid.layout<tile 32x32, bf16, dram, interleaved>>) -> tensor<32x16xf32, #grid.layout<tile 32x32, bf16, dram, interleaved>>
// FP32-NEXT: %[[A:.*]] = graph.binary add %[[M]], %[[C]] : (tensor<32x16xf32, #grid.layout<tile 32x32, f32, dram, interleaved>>, tensor<16xf32, #grid.layout<tile 32x32, f32, dram, interleaved>>) -> tensor<32x16xf32, #grid.layout<tile 32x32, f32, dram, interleaved>>
// BF16-NEXT: %[[A:.*]] = graph.binary add %[[M]], %[[C]] : (tensor<32x16xf32, #grid.layout<tile 32x32, bf16, dram, interleaved>>, tensor<16xf32, #grid.layout<tile 32x32, bf16, dram, interleaved>>) -> tensor<32x16xf32, #grid.layout<tile 32x32, bf16, dram, interleaved>>
// CHECK-NEXT: return %[[A]]
// FILE-LABEL: func.func @main
// FILE-SAME: tensor<32x64xf32, #grid.layout<tile 32x32, f32, dram, interleaved>>
func.func @main(%x: tensor<32x64xf32>, %w: tensor<64x16xf32>) -> tensor<32x16xf32> {
  %c = graph.constant dense<1.0> : tensor<16xf32>
  %m = graph.matmul %x, %w : (tensor<32x64xf32>, tensor<64x16xf32>) -> tensor<32x16xf32>
  %a = graph.binary add %m, %c : (tensor<32x16xf32>, tensor<16xf32>) -> tensor<32x16xf32>
  return %a : tensor<32x16xf32>
}

// -----

// Tensors that already have an encoding keep it; non-tensor types are left alone; every
// function of the module is updated.
// CHECK-LABEL: func.func @keep
// CHECK-SAME: tensor<64x64xf32, #grid.layout<tile 32x32, bfp8_b, l1, height_sharded, shard 1x2, cores <(0, 0) to{{ ?}}(1, 0)>>>
// CHECK-SAME: index
// FP32-SAME: -> tensor<64x64xf32, #grid.layout<tile 32x32, f32, dram, interleaved>>
// BF16-SAME: -> tensor<64x64xf32, #grid.layout<tile 32x32, bf16, dram, interleaved>>
// FP32: graph.unary relu %{{.*}} : tensor<64x64xf32, #grid.layout<tile 32x32, f32, dram, interleaved>> -> tensor<64x64xf32, #grid.layout<tile 32x32, f32, dram, interleaved>>
// CHECK-LABEL: func.func @other
// FP32-SAME: (%{{.*}}: tensor<8xf32, #grid.layout<tile 32x32, f32, dram, interleaved>>) -> tensor<8xf32, #grid.layout<tile 32x32, f32, dram, interleaved>>
// BF16-SAME: (%{{.*}}: tensor<8xf32, #grid.layout<tile 32x32, bf16, dram, interleaved>>) -> tensor<8xf32, #grid.layout<tile 32x32, bf16, dram, interleaved>>
func.func @keep(%s: tensor<64x64xf32, #grid.layout<tile 32x32, bfp8_b, l1, height_sharded, shard 1x2, cores <(0, 0) to (1, 0)>>>, %i: index,
                %x: tensor<64x64xf32>) -> tensor<64x64xf32> {
  %0 = graph.unary relu %x : tensor<64x64xf32> -> tensor<64x64xf32>
  return %0 : tensor<64x64xf32>
}
func.func @other(%x: tensor<8xf32>) -> tensor<8xf32> {
  return %x : tensor<8xf32>
}

// -----

// Integer tensors that only integer math touches (the SFPU's integer add, sub, mul, max, min,
// comparisons, where, casts) and moves are int32 tiles at every precision, exact over the whole
// int32 range; a comparison's booleans are f32.
// CHECK-LABEL: func.func @integer_math
// CHECK-SAME: (%[[A:.*]]: tensor<4x8xi64, #grid.layout<tile 32x32, int32, dram, interleaved>>, %[[B:.*]]: tensor<4x8xi64, #grid.layout<tile 32x32, int32, dram, interleaved>>)
// CHECK: graph.constant dense<16777217> : tensor<i64> : tensor<i64, #grid.layout<tile 32x32, int32, dram, interleaved>>
// CHECK: graph.binary add {{.*}} -> tensor<4x8xi64, #grid.layout<tile 32x32, int32, dram, interleaved>>
// CHECK: graph.reshape {{.*}} -> tensor<32xi64, #grid.layout<tile 32x32, int32, dram, interleaved>>
// CHECK: graph.binary less {{.*}} -> tensor<4x8xi1, #grid.layout<tile 32x32, f32, dram, interleaved>>
// CHECK: graph.where {{.*}} -> tensor<4x8xi64, #grid.layout<tile 32x32, int32, dram, interleaved>>
// CHECK: graph.unary identity {{.*}} : tensor<4x8xi64, #grid.layout<tile 32x32, int32, dram, interleaved>> -> tensor<4x8xf32
func.func @integer_math(%a: tensor<4x8xi64>, %b: tensor<4x8xi64>)
    -> (tensor<32xi64>, tensor<4x8xi64>, tensor<4x8xf32>) {
  %c = graph.constant dense<16777217> : tensor<i64>
  %s = graph.binary add %a, %c : (tensor<4x8xi64>, tensor<i64>) -> tensor<4x8xi64>
  %r = graph.reshape %s : (tensor<4x8xi64>) -> tensor<32xi64>
  %lt = graph.binary less %s, %b : (tensor<4x8xi64>, tensor<4x8xi64>) -> tensor<4x8xi1>
  %w = graph.where %lt, %s, %b : (tensor<4x8xi1>, tensor<4x8xi64>, tensor<4x8xi64>) -> tensor<4x8xi64>
  %f = graph.unary identity %w : tensor<4x8xi64> -> tensor<4x8xf32>
  return %r, %w, %f : tensor<32xi64>, tensor<4x8xi64>, tensor<4x8xf32>
}

// -----

// An op with no integer form (a PRelu) keeps its integer operands f32, exact to 2^24, and so do
// the tensors linked to them through moves and integer math: the reshape's input, and the add
// that computes it.
// CHECK-LABEL: func.func @integers_beside_float_math
// CHECK: graph.binary add {{.*}} -> tensor<4x8xi64, #grid.layout<tile 32x32, f32, dram, interleaved>>
// CHECK: graph.reshape {{.*}} -> tensor<32xi64, #grid.layout<tile 32x32, f32, dram, interleaved>>
// CHECK: graph.binary prelu {{.*}} -> tensor<32xi64, #grid.layout<tile 32x32, f32, dram, interleaved>>
// CHECK: graph.binary mul {{.*}} -> tensor<4x8xi64, #grid.layout<tile 32x32, int32, dram, interleaved>>
func.func @integers_beside_float_math(%a: tensor<4x8xi64>, %b: tensor<32xi64>)
    -> (tensor<32xi64>, tensor<4x8xi64>) {
  %s = graph.binary add %a, %a : (tensor<4x8xi64>, tensor<4x8xi64>) -> tensor<4x8xi64>
  %r = graph.reshape %s : (tensor<4x8xi64>) -> tensor<32xi64>
  %d = graph.binary prelu %r, %b : (tensor<32xi64>, tensor<32xi64>) -> tensor<32xi64>
  %e = graph.constant dense<3> : tensor<4x8xi64>
  %m = graph.binary mul %e, %e : (tensor<4x8xi64>, tensor<4x8xi64>) -> tensor<4x8xi64>
  return %d, %m : tensor<32xi64>, tensor<4x8xi64>
}
