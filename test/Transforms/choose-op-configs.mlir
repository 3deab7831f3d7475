// RUN: tt-opt %s -split-input-file -verify-diagnostics --tt-assign-layouts=precision=bf16 --tt-choose-op-configs | FileCheck %s
// RUN: tt-opt %s -split-input-file -verify-diagnostics --tt-assign-layouts --tt-choose-op-configs | FileCheck %s --check-prefix=F32
// RUN: tt-opt %s -split-input-file -verify-diagnostics --tt-assign-layouts=precision=bf16 --tt-choose-op-configs=l1-budget=65536 | FileCheck %s --check-prefix=SMALL
// RUN: tt-opt %s -split-input-file -verify-diagnostics --tt-assign-layouts=precision=bf16 --tt-choose-op-configs=l1-tensors=false | FileCheck %s --check-prefix=DRAMONLY
// RUN: tt-opt %s -split-input-file -verify-diagnostics --tt-assign-layouts=precision=bf16 --tt-choose-op-configs=split-k=false | FileCheck %s --check-prefix=NOSPLIT
// RUN: tt-opt %s -split-input-file -verify-diagnostics --tt-assign-layouts=precision=bf16 --tt-choose-op-configs=split-reduce=false | FileCheck %s --check-prefix=WHOLEROWS
// RUN: tt-opt %s -split-input-file -verify-diagnostics --tt-assign-layouts=precision=bf16 --tt-choose-op-configs=l1-shards=false | FileCheck %s --check-prefix=NOSHARD
// RUN: tt-opt %s -split-input-file -verify-diagnostics --tt-assign-layouts=precision=bf16 --tt-choose-op-configs=stage-gathers=false | FileCheck %s --check-prefix=NOSTAGE
// RUN: tt-opt %s -split-input-file -verify-diagnostics --tt-assign-layouts=precision=bf16 "--tt-choose-op-configs=lhs-zero-shares=fc1=0.0,fc2=0.7" | FileCheck %s --check-prefix=ZEROS
// RUN: tt-opt %s -split-input-file -verify-diagnostics --tt-assign-layouts=precision=bfp4 --tt-assign-precision --tt-choose-op-configs | FileCheck %s --check-prefix=BFP4
// RUN: tt-opt %s -split-input-file -verify-diagnostics --tt-assign-layouts=precision=bfp8 --tt-assign-precision --tt-choose-op-configs=l1-budget=65536 | FileCheck %s --check-prefix=SMALL8

// A square matmul fills the 8x8 grid with a block per core (in passes): rows of cores share the
// lhs, columns the rhs. bf16 Dst holds 8-tile subblocks. In one pass, K starts with short
// chunks, growing, so that compute starts early: 4 + 12 tiles, then chunks of 16.
// CHECK-LABEL: func.func @square
// CHECK: graph.matmul {{.*}} {grid.config = #grid.matmul_config<grid = [8, 8], cores = [8, 8], block = [8, 8], subblock = [{{[1-8]}}, {{[1-8]}}], k_chunk = 16, k_lead = [4, 12], cycles = {{[0-9]+}}>}
// f32 Dst holds half as many tiles: 4-tile subblocks at most.
// F32-LABEL: func.func @square
// F32: subblock = [{{1, 4|2, 2|4, 1|1, 2|2, 1|1, 1}}]
// With 64 KiB of L1 the blocks shrink and the output is computed in passes.
// SMALL-LABEL: func.func @square
// SMALL-NOT: block = [8, 8]
// SMALL: grid.config = #grid.matmul_config<
func.func @square(%a: tensor<2048x2048xf32>, %b: tensor<2048x2048xf32>) -> tensor<2048x2048xf32> {
  %0 = graph.matmul %a, %b : (tensor<2048x2048xf32>, tensor<2048x2048xf32>) -> tensor<2048x2048xf32>
  return %0 : tensor<2048x2048xf32>
}

// -----

// One row of tiles (a batch of 32 activations): a one-dimensional grid, where the rectangle
// shares the lhs (grid = [1, n]) or every core reads its own (operands = unicast).
// CHECK-LABEL: func.func @one_row
// CHECK: grid.config = #grid.matmul_config<grid = [{{1, [0-9]+|[0-9]+, 1}}],
func.func @one_row(%a: tensor<32x1024xf32>, %b: tensor<1024x1024xf32>) -> tensor<32x1024xf32> {
  %0 = graph.matmul %a, %b : (tensor<32x1024xf32>, tensor<1024x1024xf32>) -> tensor<32x1024xf32>
  return %0 : tensor<32x1024xf32>
}

// -----

// 96 small matmuls (a depthwise convolution's groups): the cores take them in turn.
// CHECK-LABEL: func.func @many_small
// CHECK: grid.config = #grid.matmul_config<{{.*}}, operands = unicast
func.func @many_small(%a: tensor<96x64x32xf32>, %b: tensor<96x32x32xf32>) -> tensor<96x64x32xf32> {
  %0 = graph.matmul %a, %b : (tensor<96x64x32xf32>, tensor<96x32x32xf32>) -> tensor<96x64x32xf32>
  return %0 : tensor<96x64x32xf32>
}

// -----

// A batch of 8 sequences of 384 rows times one weight matrix (a transformer's projection): the
// batch's rows are one 96-tile-tall matrix, blocked over the 8x8 grid without groups, so that
// the weights are read once for the whole batch, not once per sequence.
// CHECK-LABEL: func.func @batch_as_rows
// CHECK: grid.config = #grid.matmul_config<grid = [8, 8], cores = [8, 8], block = [12, {{[0-9]+}}]
// CHECK-NOT: groups
// CHECK: return
// Rows that do not fill whole tiles keep the batch: [8, 100, K] is not [800, K] tile by tile.
// CHECK-LABEL: func.func @batch_with_partial_rows
// CHECK: grid.config = #grid.matmul_config<{{.*}}, groups = {{[0-9]+}}
func.func @batch_as_rows(%a: tensor<8x384x1024xf32>, %w: tensor<1024x1024xf32>) -> tensor<8x384x1024xf32> {
  %0 = graph.matmul %a, %w : (tensor<8x384x1024xf32>, tensor<1024x1024xf32>) -> tensor<8x384x1024xf32>
  return %0 : tensor<8x384x1024xf32>
}
func.func @batch_with_partial_rows(%a: tensor<8x100x1024xf32>, %w: tensor<1024x1024xf32>) -> tensor<8x100x1024xf32> {
  %0 = graph.matmul %a, %w : (tensor<8x100x1024xf32>, tensor<1024x1024xf32>) -> tensor<8x100x1024xf32>
  return %0 : tensor<8x100x1024xf32>
}

// -----

// A config already present is kept, and only its estimate is added.
// CHECK-LABEL: func.func @given
// CHECK: grid.config = #grid.matmul_config<grid = [2, 2], cores = [2, 2], block = [1, 2], subblock = [1, 1], k_chunk = 2, cycles = {{[1-9][0-9]*}}>
func.func @given(%a: tensor<64x128xf32>, %b: tensor<128x128xf32>) -> tensor<64x128xf32> {
  %0 = graph.matmul %a, %b {grid.config = #grid.matmul_config<grid = [2, 2], cores = [2, 2], block = [1, 2], subblock = [1, 1], k_chunk = 2>} : (tensor<64x128xf32>, tensor<128x128xf32>) -> tensor<64x128xf32>
  return %0 : tensor<64x128xf32>
}

// -----

func.func @k_chunk_exceeds_k(%a: tensor<64x128xf32>, %b: tensor<128x128xf32>) -> tensor<64x128xf32> {
  // expected-error @+1 {{does not suit this matmul: k_chunk 5 exceeds the 4 K tiles}}
  %0 = graph.matmul %a, %b {grid.config = #grid.matmul_config<grid = [2, 2], cores = [2, 2], block = [1, 2], subblock = [1, 1], k_chunk = 5>} : (tensor<64x128xf32>, tensor<128x128xf32>) -> tensor<64x128xf32>
  return %0 : tensor<64x128xf32>
}

// -----

func.func @lead_chunks_do_not_make_k(%a: tensor<64x128xf32>, %b: tensor<128x128xf32>) -> tensor<64x128xf32> {
  // expected-error @+1 {{does not suit this matmul: the leading K chunks (3 tiles) and chunks of 2 do not make the 4 K tiles}}
  %0 = graph.matmul %a, %b {grid.config = #grid.matmul_config<grid = [2, 2], cores = [2, 2], block = [1, 2], subblock = [1, 1], k_chunk = 2, k_lead = [1, 2]>} : (tensor<64x128xf32>, tensor<128x128xf32>) -> tensor<64x128xf32>
  return %0 : tensor<64x128xf32>
}

// -----

func.func @blocks_do_not_tile(%a: tensor<64x128xf32>, %b: tensor<128x128xf32>) -> tensor<64x128xf32> {
  // expected-error @+1 {{do not tile the 2x4 output tiles}}
  %0 = graph.matmul %a, %b {grid.config = #grid.matmul_config<grid = [2, 2], cores = [2, 2], block = [1, 3], subblock = [1, 1], k_chunk = 1>} : (tensor<64x128xf32>, tensor<128x128xf32>) -> tensor<64x128xf32>
  return %0 : tensor<64x128xf32>
}

// -----

func.func @subblock_exceeds_dst(%a: tensor<256x256xf32>, %b: tensor<256x256xf32>) -> tensor<256x256xf32> {
  // expected-error @+1 {{a 4x4 subblock exceeds the}}
  %0 = graph.matmul %a, %b {grid.config = #grid.matmul_config<grid = [2, 2], cores = [2, 2], block = [4, 4], subblock = [4, 4], k_chunk = 1>} : (tensor<256x256xf32>, tensor<256x256xf32>) -> tensor<256x256xf32>
  return %0 : tensor<256x256xf32>
}

// -----

func.func @too_much_l1(%a: tensor<2048x2048xf32>, %b: tensor<2048x2048xf32>) -> tensor<2048x2048xf32> {
  // expected-error @+1 {{bytes of L1 per core, more than the}}
  %0 = graph.matmul %a, %b {grid.config = #grid.matmul_config<grid = [1, 1], cores = [1, 1], block = [64, 64], subblock = [1, 4], k_chunk = 64>} : (tensor<2048x2048xf32>, tensor<2048x2048xf32>) -> tensor<2048x2048xf32>
  return %0 : tensor<2048x2048xf32>
}

// -----

// The windows of a 3x3 convolution (a remap reading zeros as padding, in runs of 32 channels)
// are gathered by the matmul's reader instead of being written out.
// CHECK-LABEL: func.func @conv_windows
// CHECK: graph.matmul {{.*}} {grid.config = #grid.matmul_config<{{.*}}, lhs = gather, cycles = {{[0-9]+}}>}
func.func @conv_windows(%x: tensor<25x32xf32>, %w: tensor<288x32xf32>) -> tensor<25x32xf32> {
  %win = graph.remap %x {map = affine_map<(d0, d1) -> (d0 + ((d1 floordiv 32) floordiv 3 - 1) * 5 + (d1 floordiv 32) mod 3 - 1, d1 mod 32)>, guards = affine_map<(d0, d1) -> (d0 floordiv 5 + (d1 floordiv 32) floordiv 3 - 1, d0 mod 5 + (d1 floordiv 32) mod 3 - 1)>, guard_bounds = array<i64: 5, 5>} : (tensor<25x32xf32>) -> tensor<25x288xf32>
  %0 = graph.matmul %win, %w : (tensor<25x288xf32>, tensor<288x32xf32>) -> tensor<25x32xf32>
  return %0 : tensor<25x32xf32>
}

// -----

// A transpose moves one value per request: it keeps its own dispatch.
// CHECK-LABEL: func.func @transposed_lhs
// CHECK: graph.matmul
// CHECK-NOT: lhs = gather
func.func @transposed_lhs(%x: tensor<64x32xf32>, %w: tensor<64x32xf32>) -> tensor<32x32xf32> {
  %t = graph.remap %x {map = affine_map<(d0, d1) -> (d1, d0)>} : (tensor<64x32xf32>) -> tensor<32x64xf32>
  %0 = graph.matmul %t, %w : (tensor<32x64xf32>, tensor<64x32xf32>) -> tensor<32x32xf32>
  return %0 : tensor<32x32xf32>
}

// -----

func.func @gather_given_for_a_transpose(%x: tensor<64x32xf32>, %w: tensor<64x32xf32>) -> tensor<32x32xf32> {
  %t = graph.remap %x {map = affine_map<(d0, d1) -> (d1, d0)>} : (tensor<64x32xf32>) -> tensor<32x64xf32>
  // expected-error @+1 {{gathers the lhs, which is not a remap that reads zeros as padding in runs of at least 4 values}}
  %0 = graph.matmul %t, %w {grid.config = #grid.matmul_config<grid = [1, 1], cores = [1, 1], block = [1, 1], subblock = [1, 1], k_chunk = 2, lhs = gather>} : (tensor<32x64xf32>, tensor<64x32xf32>) -> tensor<32x32xf32>
  return %0 : tensor<32x32xf32>
}

// -----

// A max pool's windows (runs of 32 channels, padding -3e38) are gathered by the reduce's reader.
// CHECK-LABEL: func.func @pool_windows
// CHECK: graph.reduce max {{.*}} {axes = array<i64: 0>, grid.gather_input}
func.func @pool_windows(%x: tensor<1x16x32xf32>) -> tensor<1x16x32xf32> {
  %win = graph.remap %x {map = affine_map<(d0, d1, d2) -> (0, d1 + (d0 floordiv 3 - 1) * 4 + d0 mod 3 - 1, d2)>, guards = affine_map<(d0, d1, d2) -> (d1 floordiv 4 + d0 floordiv 3 - 1, d1 mod 4 + d0 mod 3 - 1)>, guard_bounds = array<i64: 4, 4>, padding = -3.0e38 : f32} : (tensor<1x16x32xf32>) -> tensor<9x16x32xf32>
  %0 = graph.reduce max %win {axes = array<i64: 0>} : (tensor<9x16x32xf32>) -> tensor<1x16x32xf32>
  return %0 : tensor<1x16x32xf32>
}

// -----

// Windows with the taps last (a pool over few channels) move one value at a time: they keep
// their own dispatch.
// CHECK-LABEL: func.func @taps_last_windows
// CHECK: graph.reduce max
// CHECK-NOT: grid.gather_input
func.func @taps_last_windows(%x: tensor<1x16x2xf32>) -> tensor<2x16x1xf32> {
  %win = graph.remap %x {map = affine_map<(d0, d1, d2) -> (0, d1 + (d2 floordiv 3 - 1) * 4 + d2 mod 3 - 1, d0)>, guards = affine_map<(d0, d1, d2) -> (d1 floordiv 4 + d2 floordiv 3 - 1, d1 mod 4 + d2 mod 3 - 1)>, guard_bounds = array<i64: 4, 4>, padding = -3.0e38 : f32} : (tensor<1x16x2xf32>) -> tensor<2x16x9xf32>
  %0 = graph.reduce max %win {axes = array<i64: 2>} : (tensor<2x16x9xf32>) -> tensor<2x16x1xf32>
  return %0 : tensor<2x16x1xf32>
}

// -----

// Tensors that only the chip reads stay in L1 between ops; the function's arguments, constants
// and results stay in DRAM. The matmul's lhs (the relu's result) is in L1, so its estimate
// charges NoC hops for it, not DRAM.
// CHECK-LABEL: func.func @l1_tensors
// CHECK: graph.unary relu %{{.*}} : tensor<256x512xf32, #grid.layout<tile 32x32, bf16, dram, interleaved>> -> tensor<256x512xf32, #grid.layout<tile 32x32, bf16, l1, block_sharded, shard 1x2, cores <(0, 0) to (7, 7)>>>
// CHECK: graph.matmul {{.*}} : (tensor<256x512xf32, #grid.layout<tile 32x32, bf16, l1, block_sharded, shard 1x2, cores <(0, 0) to (7, 7)>>>, tensor<512x64xf32, #grid.layout<tile 32x32, bf16, dram, interleaved>>) -> tensor<256x64xf32, #grid.layout<tile 32x32, bf16, dram, interleaved>>
// DRAMONLY-LABEL: func.func @l1_tensors
// DRAMONLY-NOT: l1, interleaved
// DRAMONLY: return
func.func @l1_tensors(%x: tensor<256x512xf32>, %w: tensor<512x64xf32>) -> tensor<256x64xf32> {
  %h = graph.unary relu %x : tensor<256x512xf32> -> tensor<256x512xf32>
  %y = graph.matmul %h, %w : (tensor<256x512xf32>, tensor<512x64xf32>) -> tensor<256x64xf32>
  return %y : tensor<256x64xf32>
}

// -----

// A softmax reads its operand from L1 and writes the function's result to DRAM; a tensor larger
// than three quarters of every core's free L1 stays in DRAM (8192x8192 bf16: 1024 tiles a core, 2 MiB).
// CHECK-LABEL: func.func @l1_and_dram
// CHECK: graph.unary relu {{.*}} -> tensor<32x64xf32, #grid.layout<tile 32x32, bf16, l1, width_sharded, shard 1x1, cores <(0, 0) to (1, 0)>>>
// CHECK: graph.softmax {{.*}} : tensor<32x64xf32, #grid.layout<tile 32x32, bf16, l1, width_sharded, shard 1x1, cores <(0, 0) to (1, 0)>>> -> tensor<32x64xf32, #grid.layout<tile 32x32, bf16, dram, interleaved>>
// CHECK: graph.unary neg {{.*}} -> tensor<8192x8192xf32, #grid.layout<tile 32x32, bf16, dram, interleaved>>
func.func @l1_and_dram(%x: tensor<32x64xf32>, %z: tensor<8192x8192xf32>) -> (tensor<32x64xf32>, tensor<8192x8192xf32>) {
  %h = graph.unary relu %x : tensor<32x64xf32> -> tensor<32x64xf32>
  %s = graph.softmax %h {axis = 1 : i64} : tensor<32x64xf32>
  %n = graph.unary neg %z : tensor<8192x8192xf32> -> tensor<8192x8192xf32>
  %a = graph.unary abs %n : tensor<8192x8192xf32> -> tensor<8192x8192xf32>
  return %s, %a : tensor<32x64xf32>, tensor<8192x8192xf32>
}

// -----

// A 3x3 convolution from 512 to 256 channels over 7x7 at batch 1 (as the matmul after its
// windows' remap, here a ReLU's result): 2 x 8 output tiles would leave most cores idle while
// few of them stream 2.4 MB of weights. The cost model prefers 4 partial products over K/4 each,
// computed at once by 4 groups of 8 cores, summed by a reduce that applies the bias and the
// ReLU; the lhs split is a remap the matmul gathers, the weights are the same values as
// [4, 1152, 256], and the partial products stay in L1.
// CHECK-LABEL: func.func @split_k
// CHECK: %[[H:.*]] = graph.unary relu
// CHECK: %[[L:.*]] = graph.remap %[[H]] {map = #{{.*}}} : {{.*}} -> tensor<1x4x49x1152xf32, #grid.layout<tile 32x32, bf16, dram, interleaved>>
// CHECK: %[[W:.*]] = graph.constant {{.*}} : tensor<4x1152x256xf32, #grid.layout<tile 32x32, bf16, dram, interleaved>>
// CHECK: %[[P:.*]] = graph.matmul %[[L]], %[[W]] {grid.config = #grid.matmul_config<grid = [1, 8], cores = [8, 1], {{.*}}, groups = 4, lhs = gather{{.*}}>} : {{.*}} -> tensor<1x4x49x256xf32, #grid.layout<tile 32x32, bf16, l1, interleaved>>
// CHECK: graph.reduce sum %[[P]], %{{.*}} then relu {axes = array<i64: 1>} : {{.*}} -> tensor<1x1x49x256xf32, #grid.layout<tile 32x32, bf16, dram, interleaved>>
// In bfp4 the ReLU's result, which only the matmul reads, is bfp8_b, whose tiles the reader
// cannot gather: no split.
// BFP4-LABEL: func.func @split_k
// BFP4: graph.matmul %{{.*}}, %{{.*}}, %{{.*}} then relu {grid.compute = #grid.compute<dst = bf16, fidelity = LoFi>, grid.config
// BFP4-NOT: graph.reduce
// BFP4: return
// NOSPLIT-LABEL: func.func @split_k
// NOSPLIT: graph.matmul %{{.*}}, %{{.*}}, %{{.*}} then relu {grid.config
// NOSPLIT-NOT: graph.reduce
// NOSPLIT: return
func.func @split_k(%x: tensor<1x1x49x4608xf32>, %b: tensor<256xf32>) -> tensor<1x1x49x256xf32> {
  %w = graph.constant dense<0.01> : tensor<1x4608x256xf32>
  %h = graph.unary relu %x : tensor<1x1x49x4608xf32> -> tensor<1x1x49x4608xf32>
  %y = graph.matmul %h, %w, %b then relu : (tensor<1x1x49x4608xf32>, tensor<1x4608x256xf32>, tensor<256xf32>) -> tensor<1x1x49x256xf32>
  return %y : tensor<1x1x49x256xf32>
}

// -----

// The same with the ReLU's result returned too, so that it stays bf16 in bfp4: the ops that
// replace the matmul compute as tt-assign-precision chose for it (here LoFi).
// BFP4-LABEL: func.func @split_k_bf16_lhs
// BFP4: graph.remap {{.*}}grid.compute = #grid.compute<dst = bf16, fidelity = LoFi>
// BFP4: graph.matmul {{.*}}grid.compute = #grid.compute<dst = bf16, fidelity = LoFi>, grid.config = #grid.matmul_config<{{.*}}groups = 8
// BFP4: graph.reduce sum {{.*}}grid.compute = #grid.compute<dst = bf16, fidelity = LoFi>
func.func @split_k_bf16_lhs(%x: tensor<1x1x49x4608xf32>, %b: tensor<256xf32>) -> (tensor<1x1x49x256xf32>, tensor<1x1x49x4608xf32>) {
  %w = graph.constant dense<0.01> : tensor<1x4608x256xf32>
  %h = graph.unary relu %x : tensor<1x1x49x4608xf32> -> tensor<1x1x49x4608xf32>
  %y = graph.matmul %h, %w, %b then relu : (tensor<1x1x49x4608xf32>, tensor<1x4608x256xf32>, tensor<256xf32>) -> tensor<1x1x49x256xf32>
  return %y, %h : tensor<1x1x49x256xf32>, tensor<1x1x49x4608xf32>
}

// -----

// A residual joins the matmul's output tile by tile, which a reduce cannot add: no split.
// CHECK-LABEL: func.func @no_split_with_residual
// CHECK: graph.matmul %{{.*}}, %{{.*}}, %{{.*}} plus %{{.*}} then relu {grid.config
// CHECK-NOT: graph.reduce
// CHECK: return
func.func @no_split_with_residual(%x: tensor<1x1x49x4608xf32>, %b: tensor<512xf32>, %r: tensor<1x1x49x512xf32>) -> tensor<1x1x49x512xf32> {
  %w = graph.constant dense<0.01> : tensor<1x4608x512xf32>
  %h = graph.unary relu %x : tensor<1x1x49x4608xf32> -> tensor<1x1x49x4608xf32>
  %y = graph.matmul %h, %w, %b plus %r then relu : (tensor<1x1x49x4608xf32>, tensor<1x4608x512xf32>, tensor<512xf32>, tensor<1x1x49x512xf32>) -> tensor<1x1x49x512xf32>
  return %y : tensor<1x1x49x512xf32>
}

// -----

// A tensor kept in L1 never makes a matmul fail to compile: in f32 the ReLU's result takes 992 KiB
// of every core's L1, which with room for its gaps would leave the matmul's circular buffers
// nothing; the matmul is then blocked for the whole L1 (tt-allocate-buffers moves the tensor
// to DRAM if it finds no room).
// F32-LABEL: func.func @l1_tensor_squeezes_matmul
// F32: graph.unary relu {{.*}} -> tensor<3968x4096xf32, #grid.layout<tile 32x32, f32, l1, interleaved>>
// F32: graph.matmul {{.*}} {grid.config = #grid.matmul_config<
func.func @l1_tensor_squeezes_matmul(%x: tensor<3968x4096xf32>, %w: tensor<4096x32xf32>) -> tensor<3968x32xf32> {
  %h = graph.unary relu %x : tensor<3968x4096xf32> -> tensor<3968x4096xf32>
  %y = graph.matmul %h, %w : (tensor<3968x4096xf32>, tensor<4096x32xf32>) -> tensor<3968x32xf32>
  return %y : tensor<3968x32xf32>
}

// -----

// Each of the first matmul's four cores computes one row of output tiles, both columns, in one
// pass, and the matmul reading it computes in one pass too: its L1 result is height-sharded,
// each core's row of tiles in its own L1.
// CHECK-LABEL: func.func @height_shards
// CHECK: graph.matmul %{{.*}} -> tensor<128x64xf32, #grid.layout<tile 32x32, bf16, l1, height_sharded, shard 1x2, cores <(0, 0) to (3, 0)>>>
// NOSHARD-LABEL: func.func @height_shards
// NOSHARD: graph.matmul %{{.*}} -> tensor<128x64xf32, #grid.layout<tile 32x32, bf16, l1, interleaved>>
func.func @height_shards(%x: tensor<128x64xf32>) -> tensor<128x64xf32> {
  %w = graph.constant dense<0.1> : tensor<64x64xf32>
  %a = graph.matmul %x, %w {grid.config = #grid.matmul_config<grid = [4, 1], cores = [4, 1], block = [1, 2], subblock = [1, 2], k_chunk = 2>} : (tensor<128x64xf32>, tensor<64x64xf32>) -> tensor<128x64xf32>
  %b = graph.matmul %a, %w {grid.config = #grid.matmul_config<grid = [2, 1], cores = [2, 1], block = [2, 2], subblock = [1, 2], k_chunk = 2>} : (tensor<128x64xf32>, tensor<64x64xf32>) -> tensor<128x64xf32>
  return %b : tensor<128x64xf32>
}

// -----

// A reader that takes its rows in two passes would have both its cores read the first pass's
// two shards at once, then the other two: the first result stays interleaved. A
// two-dimensional grid's result is block-sharded, core (x, y) holding block (y, x).
// CHECK-LABEL: func.func @shards_for_one_pass
// CHECK: %[[A:.*]] = graph.matmul %{{.*}} -> tensor<128x64xf32, #grid.layout<tile 32x32, bf16, l1, interleaved>>
// CHECK: %[[C:.*]] = graph.matmul %{{.*}} -> tensor<128x64xf32, #grid.layout<tile 32x32, bf16, l1, block_sharded, shard 1x1, cores <(0, 0) to (1, 3)>>>
// NOSHARD-LABEL: func.func @shards_for_one_pass
// NOSHARD-NOT: block_sharded
// NOSHARD: return
func.func @shards_for_one_pass(%x: tensor<128x64xf32>) -> (tensor<128x64xf32>, tensor<128x64xf32>) {
  %w = graph.constant dense<0.1> : tensor<64x64xf32>
  %a = graph.matmul %x, %w {grid.config = #grid.matmul_config<grid = [4, 1], cores = [4, 1], block = [1, 2], subblock = [1, 2], k_chunk = 2>} : (tensor<128x64xf32>, tensor<64x64xf32>) -> tensor<128x64xf32>
  %b = graph.matmul %a, %w {grid.config = #grid.matmul_config<grid = [2, 1], cores = [2, 1], block = [1, 2], subblock = [1, 2], k_chunk = 2>} : (tensor<128x64xf32>, tensor<64x64xf32>) -> tensor<128x64xf32>
  %c = graph.matmul %x, %w {grid.config = #grid.matmul_config<grid = [4, 2], cores = [2, 4], block = [1, 1], subblock = [1, 1], k_chunk = 2>} : (tensor<128x64xf32>, tensor<64x64xf32>) -> tensor<128x64xf32>
  %d = graph.matmul %c, %w {grid.config = #grid.matmul_config<grid = [2, 1], cores = [2, 1], block = [2, 2], subblock = [1, 2], k_chunk = 2>} : (tensor<128x64xf32>, tensor<64x64xf32>) -> tensor<128x64xf32>
  return %b, %d : tensor<128x64xf32>, tensor<128x64xf32>
}

// -----

// A decoder's matmul: one row of tiles, each of the 8 cores a block of one column in one pass.
// Core c's block is the c-th column, width-sharded as the elementwise op that reads it splits its
// tiles, so that each of its cores reads its own L1.
// CHECK-LABEL: func.func @one_row_shards
// CHECK: graph.matmul %{{.*}} -> tensor<32x256xf32, #grid.layout<tile 32x32, bf16, l1, width_sharded, shard 1x1, cores <(0, 0) to (7, 0)>>>
// CHECK: graph.unary neg {{.*}} -> tensor<32x256xf32, #grid.layout<tile 32x32, bf16, l1, width_sharded, shard 1x1, cores <(0, 0) to (7, 0)>>>
// NOSHARD-LABEL: func.func @one_row_shards
// NOSHARD-NOT: sharded
// NOSHARD: return
func.func @one_row_shards(%x: tensor<32x64xf32>) -> tensor<32x256xf32> {
  %w = graph.constant dense<0.1> : tensor<64x256xf32>
  %a = graph.matmul %x, %w {grid.config = #grid.matmul_config<grid = [1, 8], cores = [8, 1], block = [1, 1], subblock = [1, 1], k_chunk = 2>} : (tensor<32x64xf32>, tensor<64x256xf32>) -> tensor<32x256xf32>
  %n = graph.unary neg %a : tensor<32x256xf32> -> tensor<32x256xf32>
  %r = graph.unary relu %n : tensor<32x256xf32> -> tensor<32x256xf32>
  return %r : tensor<32x256xf32>
}

// -----

// Two rows of tiles, each core computing both rows of its column: width shards of whole
// columns, where an elementwise op reads them (its cores read their own columns). A result
// that only matmuls read stays interleaved: a matmul reads its lhs in K chunks, each from the
// few cores that hold its columns.
// CHECK-LABEL: func.func @width_shards
// CHECK: %[[G:.*]] = graph.matmul %{{.*}} -> tensor<64x256xf32, #grid.layout<tile 32x32, bf16, l1, width_sharded, shard 2x1, cores <(0, 0) to (7, 0)>>>
// CHECK: %[[U:.*]] = graph.matmul %{{.*}} -> tensor<64x256xf32, #grid.layout<tile 32x32, bf16, l1, width_sharded, shard 2x1, cores <(0, 0) to (7, 0)>>>
// CHECK: graph.binary mul %[[G]], %[[U]]
// CHECK: graph.matmul %{{.*}} -> tensor<64x256xf32, #grid.layout<tile 32x32, bf16, l1, interleaved>>
// NOSHARD-LABEL: func.func @width_shards
// NOSHARD-NOT: width_sharded
// NOSHARD: return
func.func @width_shards(%x: tensor<64x64xf32>) -> tensor<64x64xf32> {
  %w = graph.constant dense<0.1> : tensor<64x256xf32>
  %v = graph.constant dense<0.1> : tensor<256x64xf32>
  %g = graph.matmul %x, %w {grid.config = #grid.matmul_config<grid = [1, 8], cores = [8, 1], block = [2, 1], subblock = [1, 1], k_chunk = 2>} : (tensor<64x64xf32>, tensor<64x256xf32>) -> tensor<64x256xf32>
  %u = graph.matmul %x, %w {grid.config = #grid.matmul_config<grid = [1, 8], cores = [8, 1], block = [2, 1], subblock = [1, 1], k_chunk = 2>} : (tensor<64x64xf32>, tensor<64x256xf32>) -> tensor<64x256xf32>
  %m = graph.binary mul %g, %u : (tensor<64x256xf32>, tensor<64x256xf32>) -> tensor<64x256xf32>
  %a = graph.matmul %x, %w {grid.config = #grid.matmul_config<grid = [1, 8], cores = [8, 1], block = [2, 1], subblock = [1, 1], k_chunk = 2>} : (tensor<64x64xf32>, tensor<64x256xf32>) -> tensor<64x256xf32>
  %b = graph.matmul %a, %v : (tensor<64x256xf32>, tensor<256x64xf32>) -> tensor<64x64xf32>
  %c = graph.matmul %m, %v : (tensor<64x256xf32>, tensor<256x64xf32>) -> tensor<64x64xf32>
  %s = graph.binary add %b, %c : (tensor<64x64xf32>, tensor<64x64xf32>) -> tensor<64x64xf32>
  return %s : tensor<64x64xf32>
}

// -----

// So does every op whose dispatch splits its output tiles evenly over the cores: an elementwise
// op whose cores write whole rows is height-sharded, one whose cores write equal pieces of a row
// block-sharded (shards of one row), a softmax (a row of tiles per unit) height-sharded. A
// result that a matmul reads in passes stays interleaved: its cores would all read the few
// shards of one pass's rows at once.
// CHECK-LABEL: func.func @streaming_shards
// CHECK: graph.unary relu {{.*}} -> tensor<2048x64xf32, #grid.layout<tile 32x32, bf16, l1, height_sharded, shard 1x2, cores <(0, 0) to (7, 7)>>>
// CHECK: graph.binary add {{.*}} -> tensor<256x512xf32, #grid.layout<tile 32x32, bf16, l1, block_sharded, shard 1x2, cores <(0, 0) to (7, 7)>>>
// CHECK: graph.softmax {{.*}} -> tensor<256x512xf32, #grid.layout<tile 32x32, bf16, l1, height_sharded, shard 1x16, cores <(0, 0) to (7, 0)>>>
// CHECK: graph.unary neg {{.*}} -> tensor<128x64xf32, #grid.layout<tile 32x32, bf16, l1, interleaved>>
// NOSHARD-LABEL: func.func @streaming_shards
// NOSHARD-NOT: sharded
// NOSHARD: return
func.func @streaming_shards(%x: tensor<2048x64xf32>, %y: tensor<256x512xf32>, %z: tensor<128x64xf32>)
    -> (tensor<2048x64xf32>, tensor<256x512xf32>, tensor<128x64xf32>) {
  %w = graph.constant dense<0.1> : tensor<64x64xf32>
  %r = graph.unary relu %x : tensor<2048x64xf32> -> tensor<2048x64xf32>
  %a = graph.matmul %r, %w {grid.config = #grid.matmul_config<grid = [64, 1], cores = [8, 8], block = [1, 2], subblock = [1, 2], k_chunk = 2>} : (tensor<2048x64xf32>, tensor<64x64xf32>) -> tensor<2048x64xf32>
  %s = graph.binary add %y, %y : (tensor<256x512xf32>, tensor<256x512xf32>) -> tensor<256x512xf32>
  %p = graph.softmax %s {axis = 1 : i64} : tensor<256x512xf32>
  %q = graph.unary exp %p : tensor<256x512xf32> -> tensor<256x512xf32>
  %n = graph.unary neg %z : tensor<128x64xf32> -> tensor<128x64xf32>
  %b = graph.matmul %n, %w {grid.config = #grid.matmul_config<grid = [2, 1], cores = [2, 1], block = [1, 2], subblock = [1, 2], k_chunk = 2>} : (tensor<128x64xf32>, tensor<64x64xf32>) -> tensor<128x64xf32>
  return %a, %q, %b : tensor<2048x64xf32>, tensor<256x512xf32>, tensor<128x64xf32>
}

// -----

// A reduce's core c writes output tiles [c * n, (c + 1) * n): over 4 cores, one row of tiles
// each, so its L1 result is height-sharded as a matmul's would be.
// CHECK-LABEL: func.func @reduce_shards
// CHECK: graph.reduce max {{.*}} -> tensor<1x128x32xf32, #grid.layout<tile 32x32, bf16, l1, height_sharded, shard 1x1, cores <(0, 0) to (3, 0)>>>
// NOSHARD-LABEL: func.func @reduce_shards
// NOSHARD: graph.reduce max {{.*}} -> tensor<1x128x32xf32, #grid.layout<tile 32x32, bf16, l1, interleaved>>
func.func @reduce_shards(%x: tensor<2x128x32xf32>) -> tensor<1x128x64xf32> {
  %w = graph.constant dense<0.1> : tensor<32x64xf32>
  %r = graph.reduce max %x {axes = array<i64: 0>} : (tensor<2x128x32xf32>) -> tensor<1x128x32xf32>
  %y = graph.matmul %r, %w {grid.config = #grid.matmul_config<grid = [4, 1], cores = [4, 1], block = [1, 2], subblock = [1, 2], k_chunk = 1>} : (tensor<1x128x32xf32>, tensor<32x64xf32>) -> tensor<1x128x64xf32>
  return %y : tensor<1x128x64xf32>
}

// -----
// A softmax row the kernel can hold (the row twice in bf16: 388 KiB) stays a softmax; one it
// cannot hold in the budget streams through reductions and elementwise ops.
// CHECK-LABEL: func.func @softmax_row
// CHECK: graph.softmax
// SMALL-LABEL: func.func @softmax_row
// SMALL-NOT: graph.softmax
// SMALL: %[[MAX:.*]] = graph.reduce max %[[X:.*]] {axes = array<i64: 1>{{.*}}} : (tensor<4x3000xf32, {{.*}}>) -> tensor<4x1xf32
// SMALL-NEXT: %[[D:.*]] = graph.binary sub %[[X]], %[[MAX]]
// SMALL-NEXT: %[[E:.*]] = graph.unary exp %[[D]]
// SMALL-NEXT: %[[S:.*]] = graph.reduce sum %[[E]] {axes = array<i64: 1>{{.*}}}
// SMALL-NEXT: %[[R:.*]] = graph.unary reciprocal %[[S]]
// SMALL-NEXT: %[[Y:.*]] = graph.binary mul %[[E]], %[[R]]
// SMALL-NEXT: return %[[Y]]
// Its ops compute as the softmax would have (bfp8: HiFi2).
// SMALL8-LABEL: func.func @softmax_row
// SMALL8-COUNT-6: grid.compute = #grid.compute<dst = bf16, fidelity = HiFi2>
// SMALL8-NEXT: return
func.func @softmax_row(%x: tensor<4x3000xf32>) -> tensor<4x3000xf32> {
  %0 = graph.softmax %x {axis = 1 : i64} : tensor<4x3000xf32>
  return %0 : tensor<4x3000xf32>
}

// -----
// Log-softmax subtracts max + log(sum) instead.
// SMALL-LABEL: func.func @log_softmax_row
// SMALL: %[[S:.*]] = graph.reduce sum
// SMALL-NEXT: %[[L:.*]] = graph.unary log %[[S]]
// SMALL-NEXT: %[[O:.*]] = graph.binary add %[[MAX:.*]], %[[L]]
// SMALL-NEXT: graph.binary sub %{{.*}}, %[[O]]
func.func @log_softmax_row(%x: tensor<4x3000xf32>) -> tensor<4x3000xf32> {
  %0 = graph.softmax %x {axis = 1 : i64, log} : tensor<4x3000xf32>
  return %0 : tensor<4x3000xf32>
}

// -----
// A layer norm's kernel holds the row, its centred copy and the scale and bias rows (768 KiB
// here in bf16); in a 64 KiB budget the norm becomes reduces and elementwise ops, its epsilon a
// DRAM scalar. Its 16 rows of tiles keep the kernel otherwise.
// CHECK-LABEL: func.func @layer_norm_row
// CHECK: graph.layer_norm
// SMALL-LABEL: func.func @layer_norm_row
// SMALL-NOT: graph.layer_norm
// SMALL: %[[M:.*]] = graph.reduce mean %[[X:.*]] {axes = array<i64: 1>{{.*}}} : (tensor<512x3000xf32, {{.*}}>) -> tensor<512x1xf32
// SMALL-NEXT: %[[D:.*]] = graph.binary sub %[[X]], %[[M]]
// SMALL-NEXT: %[[SQ:.*]] = graph.binary mul %[[D]], %[[D]]
// SMALL-NEXT: %[[V:.*]] = graph.reduce mean %[[SQ]] {axes = array<i64: 1>{{.*}}}
// SMALL-NEXT: %[[EPS:.*]] = graph.constant dense<9.99999974E-6> : tensor<f32> : tensor<f32, #grid.layout<tile 32x32, bf16, dram, interleaved>>
// SMALL: %[[N:.*]] = graph.binary mul %[[D]], %{{.*}}
// SMALL-NEXT: %[[G:.*]] = graph.binary mul %[[N]], %{{.*}}
// SMALL-NEXT: %[[Y:.*]] = graph.binary add %[[G]], %{{.*}}
// SMALL-NEXT: return %[[Y]]
// SMALL8-LABEL: func.func @layer_norm_row
// SMALL8-COUNT-4: grid.compute = #grid.compute<dst = bf16, fidelity = HiFi2>
// SMALL8-NEXT: graph.constant
// SMALL8-COUNT-5: grid.compute = #grid.compute<dst = bf16, fidelity = HiFi2>
// SMALL8-NEXT: return
func.func @layer_norm_row(%x: tensor<512x3000xf32>, %g: tensor<3000xf32>, %b: tensor<3000xf32>) -> tensor<512x3000xf32> {
  %0 = graph.layer_norm %x scale %g bias %b {axis = 1 : i64, epsilon = 1.0e-05 : f32} : (tensor<512x3000xf32>, tensor<3000xf32>, tensor<3000xf32>) -> tensor<512x3000xf32>
  return %0 : tensor<512x3000xf32>
}

// -----
// A norm of few long rows (one row of 128 tiles: the kernel would take one core) becomes
// reduces and elementwise ops, whose elementwise work spreads over the grid, and whose reduce's
// row is cut into runs reduced on cores of their own; with as many rows of tiles as a core for
// each eight, the kernel stays.
// CHECK-LABEL: func.func @few_long_rows
// CHECK-NOT: graph.rms_norm
// CHECK: graph.reduce mean %{{.*}} {axes = array<i64: 1>, grid.config = #grid.reduce_config<splits = {{[0-9]+}}, cycles = {{[0-9]+}}>} : (tensor<32x4096xf32
// CHECK: graph.binary mul
// CHECK-LABEL: func.func @enough_rows
// CHECK: graph.rms_norm
func.func @few_long_rows(%x: tensor<32x4096xf32>, %g: tensor<4096xf32>) -> tensor<32x4096xf32> {
  %0 = graph.rms_norm %x scale %g {axis = 1 : i64, epsilon = 1.0e-05 : f32} : (tensor<32x4096xf32>, tensor<4096xf32>) -> tensor<32x4096xf32>
  return %0 : tensor<32x4096xf32>
}
func.func @enough_rows(%x: tensor<288x4096xf32>, %g: tensor<4096xf32>) -> tensor<288x4096xf32> {
  %0 = graph.rms_norm %x scale %g {axis = 1 : i64, epsilon = 1.0e-05 : f32} : (tensor<288x4096xf32>, tensor<4096xf32>) -> tensor<288x4096xf32>
  return %0 : tensor<288x4096xf32>
}

// -----
// An implicit GEMM whose windows' input ends up sharded as its own rows (the ReLU's 2x2 tiles
// per core over the matmul's 7x7 cores) reads them from its own L1 and a neighbour's: its K
// chunk and subblocks are chosen again for that, its grid and blocks kept. Unsharded, the
// windows cross the NoC (over the nearer NoC) and the first choice stands (measured: K chunks
// of 3 tiles 9.1k cycles, of 2 10.6k).
// CHECK-LABEL: func.func @local_windows
// CHECK: graph.unary relu %{{.*}} -> tensor<3136x64xf32, #grid.layout<tile 32x32, bf16, l1, height_sharded, shard 2x2, cores <(0, 0) to (6, 6)>>>
// CHECK: graph.matmul {{.*}}grid.config = #grid.matmul_config<grid = [49, 1], cores = [7, 7], block = [2, 2], subblock = [1, 2], k_chunk = 6, lhs = gather
// NOSHARD-LABEL: func.func @local_windows
// NOSHARD: graph.matmul {{.*}}grid.config = #grid.matmul_config<grid = [49, 1], cores = [7, 7], block = [2, 2], subblock = [1, 1], k_chunk = 3, lhs = gather
func.func @local_windows(%a: tensor<3136x64xf32>, %w: tensor<576x64xf32>) -> tensor<3136x64xf32> {
  %h = graph.unary relu %a : tensor<3136x64xf32> -> tensor<3136x64xf32>
  %win = graph.remap %h {map = affine_map<(d0, d1) -> (d0 + ((d1 floordiv 64) floordiv 3 - 1) * 56 + (d1 floordiv 64) mod 3 - 1, d1 mod 64)>, guards = affine_map<(d0, d1) -> (d0 floordiv 56 + (d1 floordiv 64) floordiv 3 - 1, d0 mod 56 + (d1 floordiv 64) mod 3 - 1)>, guard_bounds = array<i64: 56, 56>} : (tensor<3136x64xf32>) -> tensor<3136x576xf32>
  %y = graph.matmul %win, %w : (tensor<3136x576xf32>, tensor<576x64xf32>) -> tensor<3136x64xf32>
  %r = graph.unary relu %y : tensor<3136x64xf32> -> tensor<3136x64xf32>
  return %r : tensor<3136x64xf32>
}

// -----

// A profile found 70% of the ReLU's output tiles zero and none of the input's: the second matmul
// tests its lhs tiles and skips the zero ones' products (ZEROS); the first, and both without a
// profile, multiply every tile.
// CHECK-LABEL: func.func @zero_activation_tiles
// CHECK-NOT: lhs_zero_tiles
// CHECK: return
// ZEROS-LABEL: func.func @zero_activation_tiles
// ZEROS: %[[H:.*]] = graph.matmul
// ZEROS-NOT: lhs_zero_tiles
// ZEROS-SAME: cycles
// ZEROS: %[[R:.*]] = graph.unary relu %[[H]]
// ZEROS: graph.matmul %[[R]], {{.*}}lhs_zero_tiles = skipped
func.func @zero_activation_tiles(%x: tensor<512x1024xf32>) -> tensor<512x1024xf32> {
  %w1 = graph.constant dense<0.01> : tensor<1024x4096xf32>
  %w2 = graph.constant dense<0.01> : tensor<4096x1024xf32>
  %h = graph.matmul %x, %w1 : (tensor<512x1024xf32>, tensor<1024x4096xf32>) -> tensor<512x4096xf32> loc("fc1")
  %r = graph.unary relu %h : tensor<512x4096xf32> -> tensor<512x4096xf32>
  %y = graph.matmul %r, %w2 : (tensor<512x4096xf32>, tensor<4096x1024xf32>) -> tensor<512x1024xf32> loc("fc2")
  return %y : tensor<512x1024xf32>
}

// -----
// A reduce of one row of 128 tiles would stream it on one core: its row is cut into runs, each
// reduced on a core of its own, and a second dispatch combines them (ReduceSplit.h). So is
// one of 8 rows of tiles, a run for each of 64 cores; one of 64 rows of tiles already has a
// core for each, and a reduce of a row of one tile has nothing to cut.
// CHECK-LABEL: func.func @one_long_row
// CHECK: graph.reduce max %{{.*}} {axes = array<i64: 1>, grid.config = #grid.reduce_config<splits = {{[0-9]+}}, cycles = {{[0-9]+}}>}
// CHECK-LABEL: func.func @eight_long_rows
// CHECK: graph.reduce sum_square %{{.*}} {axes = array<i64: 1>, grid.config = #grid.reduce_config<splits = {{[2-8]}}, cycles = {{[0-9]+}}>}
// CHECK-LABEL: func.func @a_core_a_row
// CHECK: graph.reduce sum %{{.*}} {axes = array<i64: 1>} :
// CHECK-LABEL: func.func @short_row
// CHECK: graph.reduce sum %{{.*}} {axes = array<i64: 1>} :
// WHOLEROWS-LABEL: func.func @one_long_row
// WHOLEROWS: graph.reduce max %{{.*}} {axes = array<i64: 1>} :
func.func @one_long_row(%x: tensor<32x4096xf32>) -> tensor<32x1xf32> {
  %0 = graph.reduce max %x {axes = array<i64: 1>} : (tensor<32x4096xf32>) -> tensor<32x1xf32>
  return %0 : tensor<32x1xf32>
}
func.func @eight_long_rows(%x: tensor<256x4096xf32>) -> tensor<256x1xf32> {
  %0 = graph.reduce sum_square %x {axes = array<i64: 1>} : (tensor<256x4096xf32>) -> tensor<256x1xf32>
  return %0 : tensor<256x1xf32>
}
func.func @a_core_a_row(%x: tensor<2048x4096xf32>) -> tensor<2048x1xf32> {
  %0 = graph.reduce sum %x {axes = array<i64: 1>} : (tensor<2048x4096xf32>) -> tensor<2048x1xf32>
  return %0 : tensor<2048x1xf32>
}
func.func @short_row(%x: tensor<32x32xf32>) -> tensor<32x1xf32> {
  %0 = graph.reduce sum %x {axes = array<i64: 1>} : (tensor<32x32xf32>) -> tensor<32x1xf32>
  return %0 : tensor<32x1xf32>
}

// -----

// ResNet-50's stem at batch 16 in bfp4 (LoFi), its windows gathered from a tensor in L1: the
// 32- and 64-core plans are estimated alike, both bound by the L1 all cores read at once, and
// take the same L1 and NoC traffic. Of such ties the one on more cores: the shared bound is the
// model's least certain term, and 64 cores simulate 1.5x faster (391k -> 260k cycles).
// BFP4-LABEL: func.func @stem_ties
// BFP4: graph.matmul {{.*}}grid.config = #grid.matmul_config<grid = [64, 1], cores = [8, 8], block = [49, 2]
func.func @stem_ties(%x: tensor<1x1x200704x16xf32>) -> tensor<1x1x200704x64xf32> {
  %h = graph.unary relu %x : tensor<1x1x200704x16xf32> -> tensor<1x1x200704x16xf32>
  %win = graph.remap %h {guard_bounds = array<i64: 112, 112>, guards = affine_map<(d0, d1, d2, d3) -> ((d2 mod 12544) floordiv 112 + (d3 floordiv 16) floordiv 4 - 2, d2 mod 112 + (d3 floordiv 16) mod 4 - 2)>, map = affine_map<(d0, d1, d2, d3) -> (0, 0, ((d2 floordiv 12544) * 112 + (d2 mod 12544) floordiv 112 + (d3 floordiv 16) floordiv 4 - 2) * 112 + d2 mod 112 + (d3 floordiv 16) mod 4 - 2, d3 mod 16)>} : (tensor<1x1x200704x16xf32>) -> tensor<1x1x200704x256xf32>
  %w = graph.constant dense<0.01> : tensor<1x256x64xf32>
  %b = graph.constant dense<0.1> : tensor<64xf32>
  %y = graph.matmul %win, %w, %b then relu : (tensor<1x1x200704x256xf32>, tensor<1x256x64xf32>, tensor<64xf32>) -> tensor<1x1x200704x64xf32>
  %r = graph.unary relu %y : tensor<1x1x200704x64xf32> -> tensor<1x1x200704x64xf32>
  return %r : tensor<1x1x200704x64xf32>
}

// -----

// A bottleneck's chain at ResNet-50's first stage and batch 16 (1568 row tiles): each matmul
// alone reads the others' results interleaved over all cores and takes them in passes; as a
// group each computes 28 whole row tiles on each of 8x7 cores in one pass, so that every result
// is height-sharded there and read in the reading core's own L1, the lhs and the residual alike.
// The third matmul writes over its residual (nothing reads it later), whose shards are its
// result's. Without shards (NOSHARD) both stay interleaved, one buffer still.
// CHECK-LABEL: func.func @row_shards
// CHECK: %[[X:.*]] = graph.matmul %{{.*}} {grid.config = #grid.matmul_config<grid = [56, 1], cores = [8, 7], block = [28, 8]{{.*}}>} : {{.*}} -> tensor<50176x256xf32, #grid.layout<tile 32x32, bf16, l1, height_sharded, shard 28x8, cores <(0, 0) to (7, 6)>>>
// CHECK: %[[A:.*]] = graph.matmul %[[X]], {{.*}}block = [28, 2]{{.*}} -> tensor<50176x64xf32, #grid.layout<tile 32x32, bf16, l1, height_sharded, shard 28x2, cores <(0, 0) to (7, 6)>>>
// CHECK: graph.matmul %[[A]], %{{.*}} plus %[[X]] then relu {{{.*}}block = [28, 8]{{.*}}, grid.over_residual} : {{.*}} -> tensor<50176x256xf32, #grid.layout<tile 32x32, bf16, l1, height_sharded, shard 28x8, cores <(0, 0) to (7, 6)>>>
// NOSHARD-LABEL: func.func @row_shards
// NOSHARD-NOT: height_sharded
// NOSHARD: grid.over_residual
// NOSHARD-NOT: height_sharded
// NOSHARD: return
// DRAMONLY-LABEL: func.func @row_shards
// DRAMONLY-NOT: grid.over_residual
// DRAMONLY: return
func.func @row_shards(%in: tensor<50176x64xf32>) -> tensor<50176x64xf32> {
  %w0 = graph.constant dense<0.01> : tensor<64x256xf32>
  %w1 = graph.constant dense<0.01> : tensor<256x64xf32>
  %w2 = graph.constant dense<0.01> : tensor<64x256xf32>
  %x = graph.matmul %in, %w0 then relu : (tensor<50176x64xf32>, tensor<64x256xf32>) -> tensor<50176x256xf32>
  %a = graph.matmul %x, %w1 then relu : (tensor<50176x256xf32>, tensor<256x64xf32>) -> tensor<50176x64xf32>
  %y = graph.matmul %a, %w2 plus %x then relu : (tensor<50176x64xf32>, tensor<64x256xf32>, tensor<50176x256xf32>) -> tensor<50176x256xf32>
  %z = graph.matmul %y, %w1 : (tensor<50176x256xf32>, tensor<256x64xf32>) -> tensor<50176x64xf32>
  %r = graph.unary relu %z : tensor<50176x64xf32> -> tensor<50176x64xf32>
  return %r : tensor<50176x64xf32>
}

// -----

// A residual that a later op still reads is not written over.
// CHECK-LABEL: func.func @residual_read_later
// CHECK-NOT: grid.over_residual
// CHECK: return
func.func @residual_read_later(%in: tensor<128x64xf32>) -> tensor<128x64xf32> {
  %w = graph.constant dense<0.1> : tensor<64x64xf32>
  %x = graph.matmul %in, %w : (tensor<128x64xf32>, tensor<64x64xf32>) -> tensor<128x64xf32>
  %a = graph.matmul %x, %w : (tensor<128x64xf32>, tensor<64x64xf32>) -> tensor<128x64xf32>
  %y = graph.matmul %a, %w plus %x : (tensor<128x64xf32>, tensor<64x64xf32>, tensor<128x64xf32>) -> tensor<128x64xf32>
  %z = graph.matmul %x, %w plus %y : (tensor<128x64xf32>, tensor<64x64xf32>, tensor<128x64xf32>) -> tensor<128x64xf32>
  return %z : tensor<128x64xf32>
}

// -----

// Nor one that an elementwise op read before it: tt-fuse-tile-loops may move that op's tile
// loop into a consumer that runs later.
// CHECK-LABEL: func.func @residual_read_by_a_streaming_op
// CHECK-NOT: grid.over_residual
// CHECK: return
func.func @residual_read_by_a_streaming_op(%in: tensor<128x64xf32>) -> tensor<128x64xf32> {
  %w = graph.constant dense<0.1> : tensor<64x64xf32>
  %x = graph.matmul %in, %w : (tensor<128x64xf32>, tensor<64x64xf32>) -> tensor<128x64xf32>
  %n = graph.unary neg %x : tensor<128x64xf32> -> tensor<128x64xf32>
  %a = graph.matmul %x, %w : (tensor<128x64xf32>, tensor<64x64xf32>) -> tensor<128x64xf32>
  %y = graph.matmul %a, %w plus %x : (tensor<128x64xf32>, tensor<64x64xf32>, tensor<128x64xf32>) -> tensor<128x64xf32>
  %z = graph.binary add %n, %y : (tensor<128x64xf32>, tensor<128x64xf32>) -> tensor<128x64xf32>
  %r = graph.unary relu %z : tensor<128x64xf32> -> tensor<128x64xf32>
  return %r : tensor<128x64xf32>
}

// -----

// Attention: six units of one query tile (2 batch elements x 3 query tiles) on 64 cores take
// blocks of one; the 3 key tiles fit L1 as one chunk. A decoder's query (one row) takes its
// keys a tile at a time.
// CHECK-LABEL: func.func @attention_blocking
// CHECK: graph.sdpa {{.*}}grid.config = #grid.attention_config<block = 1, chunk = 3>
// CHECK: graph.sdpa {{.*}}grid.config = #grid.attention_config<block = 1, chunk = 1>
func.func @attention_blocking(%q: tensor<2x96x64xf32>, %kt: tensor<2x64x96xf32>, %v: tensor<2x96x64xf32>,
                              %d: tensor<2x1x64xf32>) -> (tensor<2x96x64xf32>, tensor<2x1x64xf32>) {
  %o = graph.sdpa %q, %kt, %v {scale = 0.125 : f32} : (tensor<2x96x64xf32>, tensor<2x64x96xf32>, tensor<2x96x64xf32>) -> tensor<2x96x64xf32>
  %p = graph.sdpa %d, %kt, %v {scale = 0.125 : f32} : (tensor<2x1x64xf32>, tensor<2x64x96xf32>, tensor<2x96x64xf32>) -> tensor<2x1x64xf32>
  return %o, %p : tensor<2x96x64xf32>, tensor<2x1x64xf32>
}

// -----

// An image's conversion to rows of space-to-depth channels (ResNet-50's stem) gathers pairs of
// pixels, 4 bytes of each 32-byte flit it reads from DRAM: the input is copied to L1 first, by
// a reshard that reads whole tiles, which records both estimates. The same conversion of a
// small image is not worth a dispatch more, nor is one that gathers whole runs of 32 values.
// CHECK-LABEL: func.func @staged_gathers
// CHECK: %[[COPY:.*]] = grid.reshard %arg0 {grid.staged_cycles = array<i64: {{[0-9]+}}, {{[0-9]+}}>} : tensor<1x3x224x224xf32, #grid.layout<tile 32x32, bf16, dram, interleaved>> -> tensor<1x3x224x224xf32, #grid.layout<tile 32x32, bf16, l1, interleaved>>
// CHECK: graph.remap %[[COPY]]
// CHECK: graph.remap %arg1
// CHECK: graph.remap %arg2
// CHECK: return
// NOSTAGE-LABEL: func.func @staged_gathers
// NOSTAGE-NOT: grid.reshard
// NOSTAGE: return
#pairs = affine_map<(d0, d1, d2, d3) -> (0, d3 floordiv 4, (d2 floordiv 112) * 2 + (d3 mod 4) floordiv 2, (d2 mod 112) * 2 + d3 mod 2)>
#small = affine_map<(d0, d1, d2, d3) -> (0, d3 floordiv 4, (d2 floordiv 16) * 2 + (d3 mod 4) floordiv 2, (d2 mod 16) * 2 + d3 mod 2)>
#real = affine_map<(d0, d1, d2, d3) -> (d3)>
func.func @staged_gathers(%x: tensor<1x3x224x224xf32>, %s: tensor<1x3x32x32xf32>, %t: tensor<1x224x224x32xf32>)
    -> (tensor<1x1x12544x16xf32>, tensor<1x1x256x16xf32>, tensor<1x224x224x32xf32>) {
  %a = graph.remap %x {map = #pairs, guards = #real, guard_bounds = array<i64: 12>} : (tensor<1x3x224x224xf32>) -> tensor<1x1x12544x16xf32>
  %ra = graph.unary relu %a : tensor<1x1x12544x16xf32> -> tensor<1x1x12544x16xf32>
  %b = graph.remap %s {map = #small, guards = #real, guard_bounds = array<i64: 12>} : (tensor<1x3x32x32xf32>) -> tensor<1x1x256x16xf32>
  %rb = graph.unary relu %b : tensor<1x1x256x16xf32> -> tensor<1x1x256x16xf32>
  %c = graph.remap %t {map = affine_map<(d0, d1, d2, d3) -> (d0, d2, d1, d3)>} : (tensor<1x224x224x32xf32>) -> tensor<1x224x224x32xf32>
  %rc = graph.unary relu %c : tensor<1x224x224x32xf32> -> tensor<1x224x224x32xf32>
  return %ra, %rb, %rc : tensor<1x1x12544x16xf32>, tensor<1x1x256x16xf32>, tensor<1x224x224x32xf32>
}

// -----

// A given blocking is kept.
// CHECK-LABEL: func.func @attention_given
// CHECK: graph.sdpa {{.*}}grid.config = #grid.attention_config<block = 3, chunk = 1>
func.func @attention_given(%q: tensor<2x96x64xf32>, %kt: tensor<2x64x96xf32>, %v: tensor<2x96x64xf32>) -> tensor<2x96x64xf32> {
  %o = graph.sdpa %q, %kt, %v {scale = 0.125 : f32, grid.config = #grid.attention_config<block = 3, chunk = 1>} : (tensor<2x96x64xf32>, tensor<2x64x96xf32>, tensor<2x96x64xf32>) -> tensor<2x96x64xf32>
  return %o : tensor<2x96x64xf32>
}

// -----

func.func @attention_chunk_does_not_divide(%q: tensor<2x96x64xf32>, %kt: tensor<2x64x96xf32>, %v: tensor<2x96x64xf32>) -> tensor<2x96x64xf32> {
  // expected-error @+1 {{attention config #grid.attention_config<block = 1, chunk = 2> does not suit this attention: its chunk of 2 key tiles does not divide 3}}
  %o = graph.sdpa %q, %kt, %v {scale = 0.125 : f32, grid.config = #grid.attention_config<block = 1, chunk = 2>} : (tensor<2x96x64xf32>, tensor<2x64x96xf32>, tensor<2x96x64xf32>) -> tensor<2x96x64xf32>
  return %o : tensor<2x96x64xf32>
}
