// With every tensor in DRAM:
// RUN: tt-opt %s -split-input-file --tt-assign-layouts --tt-choose-op-configs=l1-tensors=false --tt-lower-graph-to-grid --tt-lower-grid-to-kernels --tt-allocate-buffers | FileCheck %s
// RUN: tt-opt %s -split-input-file --tt-assign-layouts=precision=bf16 --tt-choose-op-configs=l1-tensors=false --tt-lower-graph-to-grid --tt-lower-grid-to-kernels --tt-allocate-buffers | FileCheck %s --check-prefix=BF16
// RUN: tt-opt %s -split-input-file --tt-assign-layouts=chip=%S/Inputs/tiny.chip --tt-choose-op-configs=l1-tensors=false --tt-lower-graph-to-grid --tt-lower-grid-to-kernels --tt-allocate-buffers | FileCheck %s --check-prefix=TINY
// With the tensors that only dispatches touch kept in L1 (the default):
// RUN: tt-opt %s -split-input-file --tt-assign-layouts --tt-choose-op-configs --tt-lower-graph-to-grid --tt-lower-grid-to-kernels --tt-allocate-buffers | FileCheck %s --check-prefix=L1
// RUN: tt-opt %s -split-input-file --tt-assign-layouts=chip=%S/Inputs/tiny.chip --tt-choose-op-configs --tt-lower-graph-to-grid --tt-lower-grid-to-kernels --tt-allocate-buffers | FileCheck %s --check-prefix=TINYL1

// wormhole_b0 deals tiles over 12 DRAM channels; every tensor gets the same offset in each
// channel, its per-channel size being ceil(tiles / 12) tiles aligned to 64 bytes. Inputs and
// constants come first and stay; the other buffers take the lowest gap free while they live: the
// relu's result reuses the matmul's, which nothing reads after the add.
//   x: 4x16 = 64 tiles -> 6 per channel    w: 16x2 = 32 tiles -> 3    bias, results: <= 12 tiles -> 1
// CHECK-LABEL: func.func @main
// CHECK-SAME: tensor<128x512xf32, {{.*}}> {grid.address = 0 : i64}
// CHECK-SAME: tensor<512x64xf32, {{.*}}> {grid.address = 24576 : i64}
// CHECK: graph.constant dense<5.000000e-01> : tensor<64xf32> {grid.address = 36864 : i64}
// CHECK: grid.empty {address = 40960 : i64} : tensor<128x64xf32
// L1 above the 131072 reserved bytes, for the config the matmul is given (the same on every chip
// below): 2x1-tile blocks, K streamed a tile at a time, double-buffered (2 x 2 lhs tiles and
// 2 x 1 rhs tiles), and the block's two output tiles, onto which each K step's sums are packed.
// CHECK: grid.dispatch "matmul"
// CHECK: noc.cb 0 {l1_address = 131072 : i64} : !noc.cb<!tile.tile<32x32, f32>, 4>
// CHECK: noc.cb 1 {l1_address = 147456 : i64} : !noc.cb<!tile.tile<32x32, f32>, 2>
// CHECK: noc.cb 2 {l1_address = 155648 : i64} : !noc.cb<!tile.tile<32x32, f32>, 2>
// CHECK-NOT: noc.cb 3
// CHECK: grid.empty {address = 45056 : i64}
// CHECK: grid.dispatch "add"
// Each dispatch starts again at the bottom of the free L1.
// CHECK: noc.cb 0 {l1_address = 131072 : i64} : !noc.cb<!tile.tile<32x32, f32>, 2>
// CHECK: noc.cb 1 {l1_address = 139264 : i64}
// CHECK: noc.cb 2 {l1_address = 147456 : i64}
// CHECK: grid.empty {address = 40960 : i64}
// CHECK: grid.dispatch "relu"
// CHECK: noc.cb 0 {l1_address = 131072 : i64}
// CHECK: noc.cb 1 {l1_address = 139264 : i64}

// bf16 tiles are 2048 bytes.
// BF16-LABEL: func.func @main
// BF16-SAME: {grid.address = 0 : i64}
// BF16-SAME: {grid.address = 12288 : i64}
// BF16: graph.constant {{.*}} {grid.address = 18432 : i64}
// BF16: grid.empty {address = 20480 : i64}
// BF16: noc.cb 0 {l1_address = 131072 : i64} : !noc.cb<!tile.tile<32x32, bf16>, 4>
// BF16: noc.cb 1 {l1_address = 139264 : i64} : !noc.cb<!tile.tile<32x32, bf16>, 2>
// BF16: noc.cb 2 {l1_address = 143360 : i64} : !noc.cb<!tile.tile<32x32, bf16>, 2>
// BF16-NOT: noc.cb 3
// BF16: grid.empty {address = 22528 : i64}
// BF16: noc.cb 1 {l1_address = 135168 : i64} : !noc.cb<!tile.tile<32x32, bf16>, 2>
// BF16: grid.empty {address = 20480 : i64}

// The tiny chip has 2 DRAM channels, a 2x2 grid and 48 KiB (12 f32 tiles) of free L1 from 16384,
// which the same config fills: 4 + 2 + 2 + 2 tiles.
// TINY-LABEL: func.func @main
// TINY-SAME: {grid.address = 0 : i64}
// TINY-SAME: {grid.address = 131072 : i64}
// TINY: graph.constant {{.*}} {grid.address = 196608 : i64}
// TINY: grid.empty {address = 200704 : i64}
// TINY: grid.dispatch "matmul" on <(0, 0) to{{ ?}}(1, 1)>
// TINY: noc.cb 0 {l1_address = 16384 : i64} : !noc.cb<!tile.tile<32x32, f32>, 4>
// TINY: noc.cb 1 {l1_address = 32768 : i64} : !noc.cb<!tile.tile<32x32, f32>, 2>
// TINY: noc.cb 2 {l1_address = 40960 : i64} : !noc.cb<!tile.tile<32x32, f32>, 2>
// TINY-NOT: noc.cb 3
// TINY: grid.empty {address = 217088 : i64}
// TINY: grid.empty {address = 200704 : i64}
// With L1 tensors, the matmul's result is block-sharded over its 2x2 cores (each core's 2x1
// block of f32 tiles, 8192 bytes, at the top of its L1, 1499136 down); the add's result, 8 tiles
// interleaved over 64 cores, takes one tile (4096 bytes) of every core's L1, below the matmul's,
// which is still live while the add writes; the relu's result is returned, so it goes to DRAM,
// after the weights. Every view of a buffer (the dispatches' block arguments and results)
// carries its layout.
// L1-LABEL: func.func @main
// L1: %[[M:.*]] = grid.empty {address = 1490944 : i64} : tensor<128x64xf32, #grid.layout<tile 32x32, f32, l1, block_sharded, shard 2x1, cores <(0, 0) to (1, 1)>>>
// L1-NEXT: grid.dispatch "matmul" {{.*}} outs(%[[M]] : tensor<128x64xf32, #grid.layout<tile 32x32, f32, l1, block_sharded, shard 2x1, cores <(0, 0) to (1, 1)>>>)
// L1-NEXT: ^bb0({{.*}}, %{{.*}}: tensor<128x64xf32, #grid.layout<tile 32x32, f32, l1, block_sharded, shard 2x1, cores <(0, 0) to (1, 1)>>>):
// L1: } -> tensor<128x64xf32, #grid.layout<tile 32x32, f32, l1, block_sharded, shard 2x1, cores <(0, 0) to (1, 1)>>>
// L1: grid.empty {address = 1486848 : i64} : tensor<128x64xf32, #grid.layout<tile 32x32, f32, l1, block_sharded, shard 1x1, cores <(0, 0) to (7, 0)>>>
// L1-NEXT: grid.dispatch "add"
// L1: grid.empty {address = 40960 : i64} : tensor<128x64xf32, #grid.layout<tile 32x32, f32, dram, interleaved>>
// L1-NEXT: grid.dispatch "relu"
// The tiny chip's 2x2 cores hold the 8 tiles 2 to a core (8192 bytes), the matmul's result
// block-sharded over them as they computed it: the matmul's result
// lies above its circular buffers (which end at 57344), the add's above the add's (40960) and
// below the matmul's result.
// TINYL1-LABEL: func.func @main
// TINYL1: grid.empty {address = 57344 : i64} : tensor<128x64xf32, #grid.layout<tile 32x32, f32, l1, block_sharded, shard 2x1, cores <(0, 0) to (1, 1)>>>
// TINYL1-NEXT: grid.dispatch "matmul"
// TINYL1: grid.empty {address = 49152 : i64} : tensor<128x64xf32, #grid.layout<tile 32x32, f32, l1, height_sharded, shard 1x2, cores <(0, 0) to (1, 1)>>>
// TINYL1-NEXT: grid.dispatch "add"
// TINYL1: grid.empty {address = 200704 : i64} : tensor<128x64xf32, #grid.layout<tile 32x32, f32, dram, interleaved>>
// TINYL1-NEXT: grid.dispatch "relu"
func.func @main(%x: tensor<128x512xf32>, %w: tensor<512x64xf32>) -> tensor<128x64xf32> {
  %b = graph.constant dense<0.5> : tensor<64xf32>
  %m = graph.matmul %x, %w {grid.config = #grid.matmul_config<grid = [2, 2], cores = [2, 2], block = [2, 1], subblock = [1, 1], k_chunk = 1>} : (tensor<128x512xf32>, tensor<512x64xf32>) -> tensor<128x64xf32>
  %a = graph.binary add %m, %b : (tensor<128x64xf32>, tensor<64xf32>) -> tensor<128x64xf32>
  %r = graph.unary relu %a : tensor<128x64xf32> -> tensor<128x64xf32>
  return %r : tensor<128x64xf32>
}

// -----

// Liveness: one f32 tile takes 4096 bytes in a channel. %a is read by exp and by add, so the
// add's result cannot take its place; after the add, %a and %c's inputs are dead and neg's
// result takes %a's place, abs's takes %c's; %b, a result of the function, keeps its own.
// CHECK-LABEL: func.func @liveness
// CHECK: grid.empty {address = 4096 : i64}
// CHECK-NEXT: grid.dispatch "relu"
// CHECK: grid.empty {address = 8192 : i64}
// CHECK-NEXT: grid.dispatch "exp"
// CHECK: grid.empty {address = 12288 : i64}
// CHECK-NEXT: grid.dispatch "add"
// CHECK: grid.empty {address = 4096 : i64}
// CHECK-NEXT: grid.dispatch "neg"
// CHECK: grid.empty {address = 12288 : i64}
// CHECK-NEXT: grid.dispatch "abs"
// With L1 tensors, those nobody returns stay on chip; neg's result takes relu's place once the add has read it;
// exp's and abs's results are returned and stay in DRAM.
// L1-LABEL: func.func @liveness
// L1: grid.empty {address = 1495040 : i64} : tensor<32x32xf32, #grid.layout<tile 32x32, f32, l1, interleaved>>
// L1-NEXT: grid.dispatch "relu"
// L1: grid.empty {address = 4096 : i64} : tensor<32x32xf32, #grid.layout<tile 32x32, f32, dram, interleaved>>
// L1-NEXT: grid.dispatch "exp"
// L1: grid.empty {address = 1490944 : i64} : tensor<32x32xf32, #grid.layout<tile 32x32, f32, l1, interleaved>>
// L1-NEXT: grid.dispatch "add"
// L1: grid.empty {address = 1495040 : i64} : tensor<32x32xf32, #grid.layout<tile 32x32, f32, l1, interleaved>>
// L1-NEXT: grid.dispatch "neg"
// L1: grid.empty {address = 8192 : i64} : tensor<32x32xf32, #grid.layout<tile 32x32, f32, dram, interleaved>>
// L1-NEXT: grid.dispatch "abs"
func.func @liveness(%x: tensor<32x32xf32>) -> (tensor<32x32xf32>, tensor<32x32xf32>) {
  %a = graph.unary relu %x : tensor<32x32xf32> -> tensor<32x32xf32>
  %b = graph.unary exp %a : tensor<32x32xf32> -> tensor<32x32xf32>
  %c = graph.binary add %a, %b : (tensor<32x32xf32>, tensor<32x32xf32>) -> tensor<32x32xf32>
  %d = graph.unary neg %c : tensor<32x32xf32> -> tensor<32x32xf32>
  %e = graph.unary abs %d : tensor<32x32xf32> -> tensor<32x32xf32>
  return %e, %b : tensor<32x32xf32>, tensor<32x32xf32>
}

// -----

// A tensor too large for the L1 its live range leaves free stays in DRAM: 128 f32 tiles are 2
// tiles (8 KiB) a core on wormhole_b0, but 32 (128 KiB) a core on the tiny chip, which has 48.
// L1-LABEL: func.func @too_big_for_tiny
// L1: grid.empty {address = 1490944 : i64} : tensor<256x512xf32, #grid.layout<tile 32x32, f32, l1, block_sharded, shard 1x2, cores <(0, 0) to (7, 7)>>>
// L1-NEXT: grid.dispatch "relu"
// TINYL1-LABEL: func.func @too_big_for_tiny
// TINYL1: grid.empty {address = 262144 : i64} : tensor<256x512xf32, #grid.layout<tile 32x32, f32, dram, interleaved>>
// TINYL1-NEXT: grid.dispatch "relu"
func.func @too_big_for_tiny(%x: tensor<256x512xf32>) -> tensor<256x512xf32> {
  %a = graph.unary relu %x : tensor<256x512xf32> -> tensor<256x512xf32>
  %b = graph.unary neg %a : tensor<256x512xf32> -> tensor<256x512xf32>
  return %b : tensor<256x512xf32>
}
