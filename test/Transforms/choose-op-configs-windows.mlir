// RUN: tt-opt %s --tt-assign-layouts=precision=bfp8 --tt-assign-precision --tt-choose-op-configs | FileCheck %s
// RUN: tt-opt %s --tt-assign-layouts=precision=bfp8 --tt-assign-precision --tt-choose-op-configs=l1-shards=false | FileCheck %s --check-prefix=ALONE

// A 1x1 convolution (a matmul) whose result only the windows of a 3x3 one (an implicit GEMM)
// read, batch 16 at 56x56 with 64 channels, weights in bfp8. Chosen alone, the first matmul
// takes 7x7 cores (the second run, where results are not sharded and nothing is aligned); with
// sharded results it takes the GEMM's 8x7 cores and 28 rows each instead, though its own
// estimate is a little higher: its result is then sharded as the GEMM's rows, whose windows
// come from the core's own L1 and a neighbour's (its K chunk and subblocks chosen again).
// Alone, the GEMM gathers its windows from every core's L1 in K chunks of 2 tiles (measured:
// 81.8k cycles, 113.4k in chunks of one).
// CHECK-LABEL: func.func @windows_of_a_matmul
// CHECK: graph.matmul {{.*}}grid.config = #grid.matmul_config<grid = [56, 1], cores = [8, 7], block = [28, 2], {{.*}} -> tensor<1x1x50176x64xf32, #grid.layout<tile 32x32, bf16, l1, height_sharded, shard 28x2, cores <(0, 0) to (7, 6)>>>
// CHECK: graph.matmul {{.*}}grid.config = #grid.matmul_config<grid = [56, 1], cores = [8, 7], block = [28, 2], subblock = [7, 1], k_chunk = 6, lhs = gather
// ALONE-LABEL: func.func @windows_of_a_matmul
// ALONE: graph.matmul {{.*}}grid.config = #grid.matmul_config<grid = [49, 1], cores = [7, 7],
// ALONE: graph.matmul {{.*}}grid.config = #grid.matmul_config<grid = [56, 1], cores = [8, 7], block = [28, 2], subblock = [1, 1], k_chunk = 2, lhs = gather
func.func @windows_of_a_matmul(%x: tensor<16x64x56x56xf32>) -> tensor<16x64x56x56xf32> {
  %rows = graph.remap %x {map = affine_map<(d0, d1, d2, d3) -> (d2 floordiv 3136, d3, (d2 mod 3136) floordiv 56, d2 mod 56)>} : (tensor<16x64x56x56xf32>) -> tensor<1x1x50176x64xf32>
  %w1 = graph.constant dense<0.125> : tensor<1x64x64xf32>
  %a = graph.matmul %rows, %w1 then relu : (tensor<1x1x50176x64xf32>, tensor<1x64x64xf32>) -> tensor<1x1x50176x64xf32>
  %win = graph.remap %a {guard_bounds = array<i64: 56, 56, 50176>, guards = affine_map<(d0, d1, d2, d3) -> ((d2 mod 3136) floordiv 56 + (d3 floordiv 64) floordiv 3 - 1, d2 mod 56 + (d3 floordiv 64) mod 3 - 1, ((d2 floordiv 3136) * 56 + (d2 mod 3136) floordiv 56 + (d3 floordiv 64) floordiv 3 - 1) * 56 + d2 mod 56 + (d3 floordiv 64) mod 3 - 1)>, map = affine_map<(d0, d1, d2, d3) -> (0, 0, ((d2 floordiv 3136) * 56 + (d2 mod 3136) floordiv 56 + (d3 floordiv 64) floordiv 3 - 1) * 56 + d2 mod 56 + (d3 floordiv 64) mod 3 - 1, d3 mod 64)>} : (tensor<1x1x50176x64xf32>) -> tensor<1x1x50176x576xf32>
  %w2 = graph.constant dense<0.125> : tensor<1x576x64xf32>
  %y = graph.matmul %win, %w2 then relu : (tensor<1x1x50176x576xf32>, tensor<1x576x64xf32>) -> tensor<1x1x50176x64xf32>
  %out = graph.remap %y {map = affine_map<(d0, d1, d2, d3) -> (0, 0, d0 * 3136 + d2 * 56 + d3, d1)>} : (tensor<1x1x50176x64xf32>) -> tensor<16x64x56x56xf32>
  return %out : tensor<16x64x56x56xf32>
}
