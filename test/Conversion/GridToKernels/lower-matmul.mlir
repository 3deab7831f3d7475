// RUN: tt-opt %s -split-input-file -verify-diagnostics --tt-assign-layouts=precision=bf16 --tt-lower-graph-to-grid --tt-lower-grid-to-kernels --canonicalize --cse | FileCheck %s

// A 2x2 grid of 2x2-tile blocks, K in two chunks of 4 tiles. Rows of cores share the lhs: a
// chunk of the lhs is one piece of whole rows, too few to hide a single sender's reads, so it is
// cut into two pieces of 2x2 tiles and both cores of the row send one: each reads its piece,
// announces room to the other (semaphore 0), waits for the other's room, multicasts its piece
// over the row (on NoC 1: the block's writes to DRAM take both NoCs) and raises the other's
// semaphore 1, which each waits for. Each reads its piece
// of chunk 1 into the other half of cb 0 while chunk 0 lands. Columns share the rhs the same
// way on the writer thread (semaphores 2 and 3). The output buffer holds the whole block: the
// first chunk's subblocks are packed at their places in it, the second chunk's added to them
// (the packer's L1 accumulation), which then go to the writer; nothing is reloaded into Dst.
// CHECK-DAG: #[[FIRST_READ:.*]] = affine_map<(d0) -> (-(((-d0 + 2) ceildiv 2 + d0 ceildiv 2) floordiv 2) + 1)>
// CHECK-DAG: #[[NOT_ME:.*]] = affine_map<(d0, d1) -> (((d0 - d1 + (d1 floordiv 2) * 3) mod 2) ceildiv 2)>
// CHECK-DAG: #[[ROW:.*]] = affine_map<(d0) -> (d0 floordiv 2)>
// CHECK-DAG: #[[SENDER_X:.*]] = affine_map<(d0, d1) -> ((d1 + d0 floordiv 2) mod 2)>
// CHECK-DAG: #[[A_NOT_LAST:.*]] = affine_map<(d0) -> ((-d0 + 1) ceildiv 2)>
// CHECK-DAG: #[[COL:.*]] = affine_map<(d0) -> (d0 mod 2)>
// CHECK-DAG: #[[IS_FIRST:.*]] = affine_map<(d0) -> (-(d0 ceildiv 2) + 1)>
// CHECK-DAG: #[[ODD_MAP:.*]] = affine_map<(d0) -> ((d0 mod 2 + 1) floordiv 2)>
// CHECK-DAG: #[[EVEN_MAP:.*]] = affine_map<(d0) -> (-((d0 mod 2 + 1) floordiv 2) + 1)>
// CHECK-LABEL: func.func @two_dimensional
// CHECK: grid.dispatch "matmul" on <(0, 0) to{{ ?}}(1, 1)>
// CHECK: %[[CBA:.*]] = noc.cb 0 : !noc.cb<!tile.tile<32x32, bf16>, 16>
// CHECK-NEXT: %[[CBB:.*]] = noc.cb 1 : !noc.cb<!tile.tile<32x32, bf16>, 16>
// CHECK-NEXT: %[[CBO:.*]] = noc.cb 2 : !noc.cb<!tile.tile<32x32, bf16>, 4>
// CHECK-NOT: noc.cb 3
// CHECK: noc.kernel reader {
// CHECK: %[[CORE:.*]] = grid.core_index linear
// CHECK: scf.for %[[G:.*]] = %c0 to %c2 step %c1 {
// CHECK-NEXT: noc.cb_reserve %[[CBA]], 8
// CHECK-NEXT: %[[READ:.*]] = affine.apply #[[FIRST_READ]](%[[G]])
// CHECK-NEXT: scf.for %{{.*}} = %c0 to %[[READ]] step %c1 {
// CHECK-NEXT: scf.for %{{.*}} = %c0 to %c4 step %c1 {
// CHECK: noc.read %{{.*}} into %[[CBA]]
// CHECK: scf.for %[[Q:.*]] = %c0 to %c2 step %c1 {
// CHECK-NEXT: %[[NM:.*]] = affine.apply #[[NOT_ME]](%[[Q]], %[[CORE]])
// CHECK-NEXT: scf.for %{{.*}} = %c0 to %[[NM]] step %c1 {
// CHECK-NEXT: %[[SY:.*]] = affine.apply #[[ROW]](%[[CORE]])
// CHECK-NEXT: %[[SX:.*]] = affine.apply #[[SENDER_X]](%[[CORE]], %[[Q]])
// CHECK-NEXT: noc.sem_inc 0, 1 at (%[[SX]], %[[SY]])
// CHECK: noc.barrier
// CHECK-NEXT: noc.sem_wait 0, %c1
// CHECK-NEXT: scf.for %{{.*}} = %c0 to %c4 step %c1 {
// CHECK-NEXT: %[[Y:.*]] = affine.apply #[[ROW]](%[[CORE]])
// CHECK: noc.mcast %[[CBA]][%{{.*}}] over{{ ?}}(%c0, %[[Y]]) to{{ ?}}(%c1, %[[Y]]) slot %{{[0-9]+}} :
// CHECK: noc.barrier
// CHECK: noc.sem_inc 1, 1
// CHECK-NEXT: %[[MORE:.*]] = affine.apply #[[A_NOT_LAST]](%[[G]])
// CHECK-NEXT: scf.for %{{.*}} = %c0 to %[[MORE]] step %c1 {
// CHECK-NEXT: noc.cb_reserve %[[CBA]], 16
// CHECK: noc.read %{{.*}} into %[[CBA]]
// CHECK: noc.sem_wait 1, %c1
// CHECK-NEXT: noc.cb_push %[[CBA]], 8
// CHECK: noc.kernel compute {
// CHECK: scf.for %[[CH:.*]] = %c0 to %c2 step %c1 {
// CHECK-NEXT: noc.cb_wait %[[CBA]], 8
// CHECK-NEXT: noc.cb_wait %[[CBB]], 8
// CHECK: scf.for %[[SUB:.*]] = %c0 to %c2 step %c1 {
// CHECK-NEXT: tile.acquire_dst
// CHECK-NOT: tile.copy
// CHECK: tile.matmul {{.*}}, dst[%c0]
// CHECK: tile.matmul {{.*}}, dst[%c1]
// CHECK: %[[FIRST_CH:.*]] = affine.apply #[[IS_FIRST]](%[[CH]])
// CHECK-NEXT: scf.for %{{.*}} = %c0 to %[[FIRST_CH]] step %c1 {
// CHECK-NEXT: %[[FIRST_SUB:.*]] = affine.apply #[[IS_FIRST]](%[[SUB]])
// CHECK-NEXT: scf.for %{{.*}} = %c0 to %[[FIRST_SUB]] step %c1 {
// CHECK-NEXT: noc.cb_reserve %[[CBO]], 4
// CHECK: scf.for %{{.*}} = %c0 to %[[FIRST_CH]] step %c1 {
// CHECK: %[[P0:.*]] = tile.pack dst[%c0]
// CHECK-NEXT: noc.cb_put %[[P0]], %[[CBO]][%{{.*}}] :
// CHECK: scf.for %{{.*}} = %c0 to %[[CH]] step %c1 {
// CHECK-NEXT: %[[L0:.*]] = tile.pack dst[%c0]
// CHECK-NEXT: noc.cb_put %[[L0]], %[[CBO]][%c0] accumulate
// CHECK: noc.cb_put %{{.*}}, %[[CBO]][%c1] accumulate
// CHECK-NEXT: noc.cb_push %[[CBO]], 2
// CHECK: tile.release_dst
// CHECK: noc.kernel writer {
// CHECK: noc.read %{{.*}} into %[[CBB]]
// CHECK: noc.sem_inc 2, 1
// CHECK: noc.barrier
// CHECK-NEXT: noc.sem_wait 2, %c1
// CHECK: %[[X:.*]] = affine.apply #[[COL]](%{{.*}})
// CHECK: noc.mcast %[[CBB]][%{{.*}}] over{{ ?}}(%[[X]], %c0) to{{ ?}}(%[[X]], %c1)
// CHECK: noc.sem_inc 3, 1
// CHECK-NEXT: noc.sem_wait 3, %c1
// CHECK: noc.cb_push %[[CBB]], 8
// The last pass's block goes out over both NoCs: odd subblocks over NoC 0, even ones over NoC 1.
// CHECK: noc.cb_wait %[[CBO]], 2
// CHECK-NEXT: %[[ODD:.*]] = affine.apply #[[ODD_MAP]](%[[SUB:.*]])
// CHECK-NEXT: scf.for %{{.*}} = %c0 to %[[ODD]] step %c1 {
// CHECK: noc.write %[[CBO]][%{{.*}}] into %{{.*}} over noc0 :
// CHECK: %[[EVEN:.*]] = affine.apply #[[EVEN_MAP]](%[[SUB]])
// CHECK-NEXT: scf.for %{{.*}} = %c0 to %[[EVEN]] step %c1 {
// CHECK: noc.write %[[CBO]][%{{.*}}] into %{{.*}} : !noc.cb
// CHECK: noc.flush
// CHECK-NEXT: noc.cb_pop %[[CBO]]
func.func @two_dimensional(%a: tensor<128x256xf32>, %b: tensor<256x128xf32>) -> tensor<128x128xf32> {
  %0 = graph.matmul %a, %b {grid.config = #grid.matmul_config<grid = [2, 2], cores = [2, 2], block = [2, 2], subblock = [1, 2], k_chunk = 4>} : (tensor<128x256xf32>, tensor<256x128xf32>) -> tensor<128x128xf32>
  return %0 : tensor<128x128xf32>
}

// -----

// One row of output tiles over a 4x1 rectangle: the whole rectangle shares the lhs (the sender of
// chunk g is core g mod 4), each core reads its own rhs column; one K chunk, so no partial sums.
// The rhs reads' DRAM responses fill NoC 0: the multicasts stay on NoC 1.
// CHECK-LABEL: func.func @one_dimensional
// CHECK: grid.dispatch "matmul" on <(0, 0) to{{ ?}}(3, 0)>
// CHECK: noc.cb 2 : !noc.cb<!tile.tile<32x32, bf16>, 2>
// CHECK-NOT: noc.cb 3
// CHECK: noc.kernel reader {
// CHECK: noc.mcast %{{.*}} over{{ ?}}(%c0, %c0) to{{ ?}}(%c3, %c0) slot %{{[0-9]+}} : !noc.cb
// CHECK: noc.kernel compute {
// CHECK-NOT: tile.copy
// CHECK: noc.kernel writer {
// CHECK-NOT: noc.mcast
// CHECK: noc.write
func.func @one_dimensional(%a: tensor<32x128xf32>, %b: tensor<128x128xf32>) -> tensor<32x128xf32> {
  %0 = graph.matmul %a, %b {grid.config = #grid.matmul_config<grid = [1, 4], cores = [4, 1], block = [1, 1], subblock = [1, 1], k_chunk = 4>} : (tensor<32x128xf32>, tensor<128x128xf32>) -> tensor<32x128xf32>
  return %0 : tensor<32x128xf32>
}

// -----

// Batched, with the rhs shared by every batch: passes walk the batch.
// CHECK-LABEL: func.func @batched
// CHECK: grid.dispatch "matmul" on <(0, 0) to{{ ?}}(1, 0)>
// CHECK: noc.kernel reader {
// CHECK: scf.for %{{.*}} = %c0 to %c3 step %c1 {
func.func @batched(%a: tensor<3x32x64xf32>, %b: tensor<64x64xf32>) -> tensor<3x32x64xf32> {
  %0 = graph.matmul %a, %b {grid.config = #grid.matmul_config<grid = [1, 2], cores = [2, 1], block = [1, 1], subblock = [1, 1], k_chunk = 2>} : (tensor<3x32x64xf32>, tensor<64x64xf32>) -> tensor<3x32x64xf32>
  return %0 : tensor<3x32x64xf32>
}

// -----

func.func @no_config(%a: tensor<32x64xf32>, %b: tensor<64x64xf32>) -> tensor<32x64xf32> {
  // expected-error @+1 {{matmul has no grid.config; run tt-choose-op-configs first}}
  %0 = graph.matmul %a, %b : (tensor<32x64xf32>, tensor<64x64xf32>) -> tensor<32x64xf32>
  return %0 : tensor<32x64xf32>
}

// -----

// A fused bias and GELU on a 40-row output: the reader fetches the first row of the pass's bias
// tiles (the add broadcasts it); the sum goes through cb 4 to have the bias added by rows; GELU
// runs on Dst; rows past the 40th are masked back to zero.
// CHECK-LABEL: func.func @bias_gelu
// CHECK: noc.cb 3 : !noc.cb<!tile.tile<32x32, bf16>, 2>
// CHECK: noc.cb 4 : !noc.cb<!tile.tile<32x32, bf16>, 1>
// CHECK: noc.kernel reader {
// CHECK: noc.cb_reserve %{{.*}}, 1
// CHECK: noc.read_span %arg{{[0-9]+}}[%{{.*}}] offset %c0 into %{{.*}}[%c0] offset %c0 count %c32
// CHECK: noc.kernel compute {
// CHECK: tile.pack
// CHECK: tile.binary add bcast rows
// CHECK: tile.unary gelu
// CHECK: tile.mask
// CHECK: tile.pack
func.func @bias_gelu(%a: tensor<40x64xf32>, %b: tensor<64x32xf32>, %bias: tensor<32xf32>) -> tensor<40x32xf32> {
  %0 = graph.matmul %a, %b, %bias then gelu {grid.config = #grid.matmul_config<grid = [2, 1], cores = [2, 1], block = [1, 1], subblock = [1, 1], k_chunk = 2>} : (tensor<40x64xf32>, tensor<64x32xf32>, tensor<32xf32>) -> tensor<40x32xf32>
  return %0 : tensor<40x32xf32>
}

// -----

// A fused residual and ReLU: the reader fetches the block's residual tile (cb 3) after the lhs
// chunk; compute packs the sum into cb 4 and adds the residual tile by tile; the packer takes
// the ReLU as it packs the result for the writer (cb 2).
// CHECK-LABEL: func.func @residual_relu
// CHECK: %[[RES:.*]] = noc.cb 3 : !noc.cb<!tile.tile<32x32, bf16>, 2>
// CHECK: %[[SUM:.*]] = noc.cb 4 : !noc.cb<!tile.tile<32x32, bf16>, 1>
// CHECK: noc.kernel reader {
// CHECK: noc.cb_reserve %[[RES]], 1
// CHECK-NEXT: noc.read %arg{{[0-9]+}}[%{{.*}}] into %[[RES]][%c0] : tensor<64x32xf32
// CHECK: noc.kernel compute {
// CHECK: noc.cb_wait %[[SUM]], 1
// CHECK-NEXT: noc.cb_wait %[[RES]], 1
// CHECK: tile.binary add bcast none
// CHECK: noc.cb_pop %[[RES]], 1
// CHECK-NOT: tile.unary
// CHECK: noc.cb_reserve %{{.*}}, 1
// CHECK-NEXT: %[[OUT:.*]] = tile.pack dst[%c0] relu
// CHECK-NEXT: noc.cb_put %[[OUT]]
// CHECK: noc.kernel writer {
func.func @residual_relu(%a: tensor<64x64xf32>, %b: tensor<64x32xf32>, %r: tensor<64x32xf32>) -> tensor<64x32xf32> {
  %0 = graph.matmul %a, %b plus %r then relu {grid.config = #grid.matmul_config<grid = [2, 1], cores = [2, 1], block = [1, 1], subblock = [1, 1], k_chunk = 2>} : (tensor<64x64xf32>, tensor<64x32xf32>, tensor<64x32xf32>) -> tensor<64x32xf32>
  return %0 : tensor<64x32xf32>
}

// -----

// A clip to [0, 6] (ReLU6) as the activation: two SFPU steps on each finished tile.
// CHECK-LABEL: func.func @relu6
// CHECK: noc.kernel compute {
// CHECK: tile.unary max_scalar dst[%c0]{{$}}
// CHECK-NEXT: tile.unary min_scalar dst[%c0] {param = 6.000000e+00 : f32}
// CHECK-NEXT: noc.cb_reserve
func.func @relu6(%a: tensor<64x64xf32>, %b: tensor<64x32xf32>) -> tensor<64x32xf32> {
  %0 = graph.matmul %a, %b then clip {beta = 6.0 : f32, grid.config = #grid.matmul_config<grid = [2, 1], cores = [2, 1], block = [1, 1], subblock = [1, 1], k_chunk = 2>} : (tensor<64x64xf32>, tensor<64x32xf32>) -> tensor<64x32xf32>
  return %0 : tensor<64x32xf32>
}

// -----

// An implicit GEMM: the lhs is the windows of a 3x3 convolution over a 5x5 image of 32 channels
// (rows of channels, one per position). With `lhs = gather` no dispatch writes the windows: the
// matmul's reader assembles each lhs tile from the image's rows, 32 values a tile row, a request
// per run of rows that follow each other in the image, and fills a row outside the image (or
// past the 25th) with zeros.
// CHECK-LABEL: func.func @implicit_gemm
// CHECK-NOT: grid.dispatch "remap"
// CHECK: grid.dispatch "matmul" on <(0, 0) to (0, 0)> ins(%arg0, %arg1 : tensor<25x32xf32
// CHECK: noc.kernel reader {
// CHECK: noc.cb_reserve %{{.*}}, 9
// CHECK: noc.read_runs %{{.*}} into %{{.*}}[%{{.*}}] runs 32 of 32, 1 per row fill 0.000000e+00
// CHECK-NEXT: ^bb0(%[[ROW:.*]]: index):
// CHECK: noc.yield
// CHECK: noc.barrier
// CHECK: noc.kernel compute {
// CHECK: tile.matmul
func.func @implicit_gemm(%x: tensor<25x32xf32>, %w: tensor<288x32xf32>) -> tensor<25x32xf32> {
  %win = graph.remap %x {map = affine_map<(d0, d1) -> (d0 + ((d1 floordiv 32) floordiv 3 - 1) * 5 + (d1 floordiv 32) mod 3 - 1, d1 mod 32)>, guards = affine_map<(d0, d1) -> (d0 floordiv 5 + (d1 floordiv 32) floordiv 3 - 1, d0 mod 5 + (d1 floordiv 32) mod 3 - 1)>, guard_bounds = array<i64: 5, 5>} : (tensor<25x32xf32>) -> tensor<25x288xf32>
  %0 = graph.matmul %win, %w {grid.config = #grid.matmul_config<grid = [1, 1], cores = [1, 1], block = [1, 1], subblock = [1, 1], k_chunk = 9, lhs = gather>} : (tensor<25x288xf32>, tensor<288x32xf32>) -> tensor<25x32xf32>
  return %0 : tensor<25x32xf32>
}

// -----

// A remap with another user is still written out for it.
// CHECK-LABEL: func.func @windows_used_twice
// CHECK: grid.dispatch "remap"
// CHECK: grid.dispatch "matmul" on <(0, 0) to (0, 0)> ins(%arg0, %arg1 : tensor<25x32xf32
func.func @windows_used_twice(%x: tensor<25x32xf32>, %w: tensor<288x32xf32>) -> (tensor<25x32xf32>, tensor<25x288xf32>) {
  %win = graph.remap %x {map = affine_map<(d0, d1) -> (d0 + ((d1 floordiv 32) floordiv 3 - 1) * 5 + (d1 floordiv 32) mod 3 - 1, d1 mod 32)>, guards = affine_map<(d0, d1) -> (d0 floordiv 5 + (d1 floordiv 32) floordiv 3 - 1, d0 mod 5 + (d1 floordiv 32) mod 3 - 1)>, guard_bounds = array<i64: 5, 5>} : (tensor<25x32xf32>) -> tensor<25x288xf32>
  %0 = graph.matmul %win, %w {grid.config = #grid.matmul_config<grid = [1, 1], cores = [1, 1], block = [1, 1], subblock = [1, 1], k_chunk = 9, lhs = gather>} : (tensor<25x288xf32>, tensor<288x32xf32>) -> tensor<25x32xf32>
  return %0, %win : tensor<25x32xf32>, tensor<25x288xf32>
}

// -----

func.func @gather_without_remap(%a: tensor<32x64xf32>, %b: tensor<64x32xf32>) -> tensor<32x32xf32> {
  // expected-error @+1 {{gathers the lhs, which is not a remap that reads zeros as padding}}
  %0 = graph.matmul %a, %b {grid.config = #grid.matmul_config<grid = [1, 1], cores = [1, 1], block = [1, 1], subblock = [1, 1], k_chunk = 2, lhs = gather>} : (tensor<32x64xf32>, tensor<64x32xf32>) -> tensor<32x32xf32>
  return %0 : tensor<32x32xf32>
}

// -----

// The lowering checks a config as tt-choose-op-configs does, and says why it does not fit.
func.func @config_does_not_tile(%a: tensor<32x64xf32>, %b: tensor<64x32xf32>) -> tensor<32x32xf32> {
  // expected-error @+1 {{does not tile this matmul: k_chunk 3 exceeds the 2 K tiles}}
  %0 = graph.matmul %a, %b {grid.config = #grid.matmul_config<grid = [1, 1], cores = [1, 1], block = [1, 1], subblock = [1, 1], k_chunk = 3>} : (tensor<32x64xf32>, tensor<64x32xf32>) -> tensor<32x32xf32>
  return %0 : tensor<32x32xf32>
}

// -----

// A one-dimensional grid of four cores shares the rhs: each 8x4-tile chunk is cut into four
// pieces of 2x4 tiles, one per core, so that all four read at once. Every core announces room to
// each sender other than itself (semaphore 2), waits for the three others, multicasts its piece
// (slots 8 (core mod 4) + i) and raises their semaphore 3; then it waits for the three pieces it
// did not send. Its product stays in L1: the even cores read and multicast over NoC 0, the odd
// ones over NoC 1.
// CHECK-DAG: #[[PIECE_SLOT:.*]] = affine_map<(d0, d1) -> (d0 + d1 * 8 - (d1 floordiv 4) * 32)>
// CHECK-DAG: #[[NOC:.*]] = affine_map<(d0) -> ((d0 + d0 floordiv 4) mod 2)>
// CHECK-DAG: #[[NOT_ME:.*]] = affine_map<(d0, d1) -> (((d0 - d1) mod 4) ceildiv 4)>
// CHECK-DAG: #[[SENDER_X:.*]] = affine_map<(d0) -> (d0 mod 4)>
// CHECK-LABEL: func.func @spread_over_senders
// CHECK: %[[CBB:.*]] = noc.cb 1 : !noc.cb<!tile.tile<32x32, bf16>, 64>
// CHECK: noc.kernel writer {
// CHECK-NEXT: %[[CORE:.*]] = grid.core_index linear
// CHECK-NEXT: noc.cb_reserve %[[CBB]], 32
// CHECK-NEXT: scf.for %[[I:.*]] = %c0 to %c8 step %c1 {
// CHECK-NEXT: %[[S:.*]] = affine.apply #[[PIECE_SLOT]](%[[I]], %[[CORE]])
// CHECK-NEXT: %[[N:.*]] = affine.apply #[[NOC]](%[[CORE]])
// CHECK-NEXT: noc.read %{{.*}}[%[[S]]] into %[[CBB]][%[[S]]] on noc %[[N]] :
// CHECK: scf.for %[[Q:.*]] = %c0 to %c4 step %c1 {
// CHECK-NEXT: %[[NM:.*]] = affine.apply #[[NOT_ME]](%[[Q]], %[[CORE]])
// CHECK-NEXT: scf.for %{{.*}} = %c0 to %[[NM]] step %c1 {
// CHECK-NEXT: %[[X:.*]] = affine.apply #[[SENDER_X]](%[[Q]])
// CHECK-NEXT: noc.sem_inc 2, 1 at (%[[X]], %c0)
// CHECK: noc.barrier
// CHECK-NEXT: noc.sem_wait 2, %c3
// CHECK: noc.mcast %[[CBB]][%{{.*}}] over (%c0, %c0) to (%c3, %c0) slot %{{.*}} on noc %{{.*}} :
// CHECK: noc.barrier
// CHECK-NEXT: scf.for %{{.*}} = %c0 to %c3 step %c1 {
// CHECK: noc.sem_inc 3, 1
// CHECK: noc.sem_wait 3, %c3
// CHECK-NEXT: noc.cb_push %[[CBB]], 32
func.func @spread_over_senders(%a: tensor<128x256xf32>, %b: tensor<256x128xf32>) -> tensor<128x128xf32, #grid.layout<tile 32x32, bf16, l1, interleaved>> {
  %0 = graph.matmul %a, %b {grid.config = #grid.matmul_config<grid = [4, 1], cores = [4, 1], block = [1, 4], subblock = [1, 4], k_chunk = 8>} : (tensor<128x256xf32>, tensor<256x128xf32>) -> tensor<128x128xf32, #grid.layout<tile 32x32, bf16, l1, interleaved>>
  return %0 : tensor<128x128xf32, #grid.layout<tile 32x32, bf16, l1, interleaved>>
}

// -----

// The same 2x2 grid over four passes of 1x1-tile blocks: a chunk's one piece has one sender per
// row, core ((y + g) mod 2, y) for chunk g of the dispatch, which waits for the other core's
// room (semaphore 0) before it multicasts; the other waits for semaphore 1.
// CHECK-DAG: #[[SENDER:.*]] = affine_map<(d0, d1, d2) -> (-(((d0 - d1 * 2 - d2 - (d0 floordiv 2) * 3) mod 2) ceildiv 2) + 1)>
// CHECK-DAG: #[[RECEIVER:.*]] = affine_map<(d0, d1, d2) -> (((-d0 + d1 * 2 + d2 + (d0 floordiv 2) * 3) mod 2) ceildiv 2)>
// With an epilogue the last chunk's sums must be whole in Dst: the partial sums wait in a
// buffer of their own (cb 3) and each chunk after the first reloads them.
// CHECK-LABEL: func.func @relu_reloads_partials
// CHECK: noc.cb 2 : !noc.cb<!tile.tile<32x32, bf16>, 4>
// CHECK-NEXT: %[[CBP:.*]] = noc.cb 3 : !noc.cb<!tile.tile<32x32, bf16>, 4>
// CHECK: noc.kernel compute {
// CHECK: tile.acquire_dst
// CHECK: noc.cb_wait %[[CBP]], 2
// CHECK-NEXT: %[[R:.*]] = noc.cb_get %[[CBP]][%c0]
// CHECK-NEXT: tile.copy %[[R]], dst[%c0]
// CHECK: tile.pack dst[%c0] relu
// CHECK-NOT: accumulate
// CHECK: noc.kernel writer {
func.func @relu_reloads_partials(%a: tensor<128x256xf32>, %b: tensor<256x128xf32>) -> tensor<128x128xf32> {
  %0 = graph.matmul %a, %b then relu {grid.config = #grid.matmul_config<grid = [2, 2], cores = [2, 2], block = [2, 2], subblock = [1, 2], k_chunk = 4>} : (tensor<128x256xf32>, tensor<256x128xf32>) -> tensor<128x128xf32>
  return %0 : tensor<128x128xf32>
}
// CHECK-LABEL: func.func @two_dimensional_passes
// CHECK: noc.kernel reader {
// CHECK-NEXT: %[[CORE:.*]] = grid.core_index linear
// CHECK-NEXT: scf.for %[[P:.*]] = %c0 to %c4 step %c1 {
// CHECK-NEXT: scf.for %[[C:.*]] = %c0 to %c2 step %c1 {
// CHECK-NEXT: noc.cb_reserve %{{.*}}, 4
// CHECK-NEXT: %[[SENDS:.*]] = affine.apply #[[SENDER]](%[[CORE]], %[[P]], %[[C]])
// CHECK: %[[WAITS:.*]] = affine.apply #[[RECEIVER]](%[[CORE]], %[[P]], %[[C]])
// CHECK-NEXT: scf.for %{{.*}} = %c0 to %[[WAITS]] step %c1 {
// CHECK: noc.sem_inc 0, 1
// CHECK: scf.for %{{.*}} = %c0 to %[[SENDS]] step %c1 {
// CHECK-NEXT: noc.barrier
// CHECK-NEXT: noc.sem_wait 0, %c1
// CHECK: noc.mcast
// CHECK: noc.sem_inc 1, 1
// CHECK: noc.sem_wait 1
// CHECK: noc.cb_push %{{.*}}, 4
func.func @two_dimensional_passes(%a: tensor<128x256xf32>, %b: tensor<256x128xf32>) -> tensor<128x128xf32> {
  %0 = graph.matmul %a, %b {grid.config = #grid.matmul_config<grid = [2, 2], cores = [2, 2], block = [1, 1], subblock = [1, 1], k_chunk = 4>} : (tensor<128x256xf32>, tensor<256x128xf32>) -> tensor<128x128xf32>
  return %0 : tensor<128x128xf32>
}

// -----

// Two groups of a 2x1 rectangle, stacked: the rectangle of row g computes batch g. Each
// multicasts the lhs over its own row only; the writer stores batch g's tile n, output tile
// 2g + n = the core's linear index.
// CHECK-DAG: #[[GROUP_ROW:.*]] = affine_map<(d0) -> (d0 floordiv 2)>
// CHECK-LABEL: func.func @groups
// CHECK: grid.dispatch "matmul" on <(0, 0) to{{ ?}}(1, 1)>
// CHECK-SAME: groups = 2
// CHECK: noc.kernel reader {
// CHECK-NEXT: %[[CORE:.*]] = grid.core_index linear
// CHECK: noc.sem_wait 0, %c1
// CHECK-NEXT: %[[ROW:.*]] = affine.apply #[[GROUP_ROW]](%[[CORE]])
// CHECK: noc.mcast %{{.*}} over (%c0, %[[ROW]]) to (%c1, %[[ROW]])
// CHECK: noc.kernel writer {
// CHECK-NEXT: %[[WCORE:.*]] = grid.core_index linear
// CHECK-NOT: noc.mcast
// CHECK: noc.write %{{.*}} into %{{.*}}[%[[WCORE]]]
func.func @groups(%a: tensor<2x32x128xf32>, %b: tensor<2x128x64xf32>) -> tensor<2x32x64xf32> {
  %0 = graph.matmul %a, %b {grid.config = #grid.matmul_config<grid = [1, 2], cores = [2, 1], block = [1, 1], subblock = [1, 1], k_chunk = 2, groups = 2>} : (tensor<2x32x128xf32>, tensor<2x128x64xf32>) -> tensor<2x32x64xf32>
  return %0 : tensor<2x32x64xf32>
}

// -----

// A constant weight whose zero tiles the config skips: its stored tiles (here all four of the
// splat) and their places become constants; the writer reads a chunk's places (two K rows of two
// columns, a run of two each) before its tiles and reads only the stored ones, by their place;
// compute waits for the places and multiplies a column's tile only where it is stored.
// CHECK-LABEL: func.func @skip_zero_tiles
// CHECK: %[[STORED:.*]] = graph.constant dense_resource<weight.stored_tiles> : tensor<128x32xf32> : tensor<128x32xf32, #grid.layout<tile 32x32, bf16, dram, interleaved>>
// CHECK: %[[PLACES:.*]] = graph.constant dense_resource<weight.tile_places> : tensor<32x32xf32> : tensor<32x32xf32, #grid.layout<tile 32x32, f32, dram, interleaved>>
// CHECK: grid.dispatch "matmul" on <(0, 0) to{{ ?}}(0, 0)> ins(%{{.*}}, %[[STORED]], %[[PLACES]] :
// CHECK: %[[CBP:.*]] = noc.cb 3 : !noc.cb<!tile.tile<32x32, f32>, 2>
// CHECK: noc.kernel compute {
// CHECK: noc.cb_wait %[[CBP]], 1
// CHECK: %[[PLACE:.*]] = noc.cb_load_index %[[CBP]][%c0, %{{.*}}] wrap 5
// CHECK-NEXT: %[[STORED_TRIP:.*]] = affine.apply #{{.*}}(%[[PLACE]])
// CHECK-NEXT: scf.for %{{.*}} = %c0 to %[[STORED_TRIP]] step %c1 {
// CHECK: noc.cb_get
// CHECK-NEXT: noc.cb_get
// CHECK-NEXT: tile.matmul
// CHECK: noc.cb_pop %[[CBP]], 1
// CHECK: noc.kernel writer {
// CHECK: noc.cb_reserve %[[CBP]], 1
// CHECK: noc.read_span %{{.*}}[%{{.*}}] offset %{{.*}} into %[[CBP]][%c0] offset %{{.*}} count %c2
// CHECK: noc.barrier
// CHECK: %[[WPLACE:.*]] = noc.cb_load_index %[[CBP]][%{{.*}}, %{{.*}}] wrap 5
// CHECK-NEXT: %[[WTRIP:.*]] = affine.apply #{{.*}}(%[[WPLACE]])
// CHECK-NEXT: scf.for %{{.*}} = %c0 to %[[WTRIP]] step %c1 {
// CHECK-NEXT: %[[AT:.*]] = affine.apply #{{.*}}(%[[WPLACE]])
// CHECK-NEXT: noc.read %{{.*}}[%[[AT]]] into
// CHECK: noc.cb_push %[[CBP]], 1
func.func @skip_zero_tiles(%a: tensor<32x64xf32>) -> tensor<32x64xf32> {
  %w = graph.constant dense<1.0> : tensor<64x64xf32>
  %0 = graph.matmul %a, %w {grid.config = #grid.matmul_config<grid = [1, 1], cores = [1, 1], block = [1, 2], subblock = [1, 1], k_chunk = 2, rhs_stored_tiles = 4>} : (tensor<32x64xf32>, tensor<64x64xf32>) -> tensor<32x64xf32>
  return %0 : tensor<32x64xf32>
}

// -----

func.func @wrong_stored_tiles(%a: tensor<32x64xf32>) -> tensor<32x64xf32> {
  %w = graph.constant dense<1.0> : tensor<64x64xf32>
  // expected-error @+1 {{no kernels for this tile loop: matmul: the config stores 3 rhs tiles, but 4 are not all zero}}
  %0 = graph.matmul %a, %w {grid.config = #grid.matmul_config<grid = [1, 1], cores = [1, 1], block = [1, 2], subblock = [1, 1], k_chunk = 2, rhs_stored_tiles = 3>} : (tensor<32x64xf32>, tensor<64x64xf32>) -> tensor<32x64xf32>
  return %0 : tensor<32x64xf32>
}

// -----

func.func @skip_tiles_of_an_argument(%a: tensor<32x64xf32>, %w: tensor<64x64xf32>) -> tensor<32x64xf32> {
  // expected-error @+1 {{no kernels for this tile loop: matmul: only a constant rhs holding one matrix can skip its zero tiles}}
  %0 = graph.matmul %a, %w {grid.config = #grid.matmul_config<grid = [1, 1], cores = [1, 1], block = [1, 2], subblock = [1, 1], k_chunk = 2, rhs_stored_tiles = 4>} : (tensor<32x64xf32>, tensor<64x64xf32>) -> tensor<32x64xf32>
  return %0 : tensor<32x64xf32>
}

// -----

// Deferred writes: two passes of two chunks. Without an epilogue the chunks' sums are added in
// the output buffer, which holds two blocks (four tiles): one being summed while the writer
// stores the other. After the first pass, the writer feeds a pass's second chunk and then writes
// the pass before's block (its two subblocks), and the last pass's block after the pass loop.
// CHECK-LABEL: func.func @deferred_writes
// CHECK: %[[OUT:.*]] = noc.cb 2 : !noc.cb<!tile.tile<32x32, bf16>, 4>
// CHECK: noc.kernel compute {
// CHECK: noc.cb_reserve %[[OUT]], 2
// CHECK: noc.cb_put %{{.*}}, %[[OUT]][%{{.*}}] accumulate
// CHECK: noc.kernel writer {
// CHECK: scf.for %[[PASS:.*]] = %c0 to %c2 step %c1 {
// CHECK: noc.read
// CHECK: noc.cb_push
// CHECK-NEXT: %[[AFTER_FIRST:.*]] = affine.apply #{{.*}}(%[[PASS]])
// CHECK-NEXT: scf.for %{{.*}} = %c0 to %[[AFTER_FIRST]] step %c1 {
// CHECK-NEXT: scf.for %{{.*}} = %c0 to %c2 step %c1 {
// CHECK-NEXT: noc.cb_wait %[[OUT]], 1
// CHECK: noc.write %[[OUT]]
// CHECK: noc.cb_pop %[[OUT]], 1
// CHECK: noc.read
// CHECK: noc.cb_push %{{.*}}, 4
// CHECK-NEXT: }
// CHECK-NEXT: }
// CHECK-NEXT: scf.for %{{.*}} = %c0 to %c2 step %c1 {
// CHECK-NEXT: noc.cb_wait %[[OUT]], 1
// CHECK: noc.write %[[OUT]]
func.func @deferred_writes(%a: tensor<64x128xf32>, %b: tensor<128x64xf32>) -> tensor<64x64xf32> {
  %0 = graph.matmul %a, %b {grid.config = #grid.matmul_config<grid = [1, 1], cores = [1, 1], block = [1, 2], subblock = [1, 1], k_chunk = 2, writes = deferred>} : (tensor<64x128xf32>, tensor<128x64xf32>) -> tensor<64x64xf32>
  return %0 : tensor<64x64xf32>
}

// -----

// Deferred writes with an epilogue: partial sums are reloaded from a buffer of their own, and the
// output buffer holds a block and a subblock (three tiles).
// CHECK-LABEL: func.func @deferred_writes_relu
// CHECK: %[[OUT:.*]] = noc.cb 2 : !noc.cb<!tile.tile<32x32, bf16>, 3>
// CHECK: %[[PARTIAL:.*]] = noc.cb 3 : !noc.cb<!tile.tile<32x32, bf16>, 2>
// CHECK: noc.kernel compute {
// CHECK-NOT: accumulate
// CHECK: noc.kernel writer {
func.func @deferred_writes_relu(%a: tensor<64x128xf32>, %b: tensor<128x64xf32>) -> tensor<64x64xf32> {
  %0 = graph.matmul %a, %b then relu {grid.config = #grid.matmul_config<grid = [1, 1], cores = [1, 1], block = [1, 2], subblock = [1, 1], k_chunk = 2, writes = deferred>} : (tensor<64x128xf32>, tensor<128x64xf32>) -> tensor<64x64xf32>
  return %0 : tensor<64x64xf32>
}

// -----

// Zero lhs tiles skipped: per K step, compute tests each row's lhs tile (its two columns'
// products skipped if it is all zeros) and multiplies it in a loop of that many trips.
// CHECK-LABEL: func.func @skip_zero_lhs_tiles
// CHECK: %[[CBA:.*]] = noc.cb 0 : !noc.cb<!tile.tile<32x32, bf16>, 4>
// CHECK: noc.kernel compute {
// CHECK: %[[NZ:.*]] = noc.cb_tile_nonzero %[[CBA]][%{{.*}}] skips 2
// CHECK-NEXT: scf.for %{{.*}} = %c0 to %[[NZ]] step %c1 {
// CHECK: tile.matmul
// CHECK: tile.matmul
// CHECK: noc.kernel writer {
func.func @skip_zero_lhs_tiles(%a: tensor<32x64xf32>, %b: tensor<64x64xf32>) -> tensor<32x64xf32> {
  %0 = graph.matmul %a, %b {grid.config = #grid.matmul_config<grid = [1, 1], cores = [1, 1], block = [1, 2], subblock = [1, 2], k_chunk = 2, lhs_zero_tiles = skipped>} : (tensor<32x64xf32>, tensor<64x64xf32>) -> tensor<32x64xf32>
  return %0 : tensor<32x64xf32>
}

// -----

// Five K tiles in chunks of 3: the first chunk is the shorter one (2 tiles), so that compute
// starts sooner, and the last stays long. Each operand's buffer holds both chunks (5 tiles), and
// the second chunk starts at K tile 2.
// CHECK-DAG: #[[SECOND_A:.*]] = affine_map<(d0) -> (d0 mod 3 + 2)>
// CHECK-DAG: #[[SECOND:.*]] = affine_map<(d0) -> (d0 + 2)>
// CHECK-LABEL: func.func @shorter_first_chunk
// CHECK: %[[CBA:.*]] = noc.cb 0 : !noc.cb<!tile.tile<32x32, bf16>, 5>
// CHECK: %[[CBB:.*]] = noc.cb 1 : !noc.cb<!tile.tile<32x32, bf16>, 5>
// CHECK: noc.kernel reader {
// CHECK: noc.cb_push %[[CBA]], 2
// CHECK: noc.cb_reserve %[[CBA]], 3
// CHECK: %[[K:.*]] = affine.apply #[[SECOND_A]](%{{.*}})
// CHECK-NEXT: noc.read %{{.*}}[%[[K]]] into %[[CBA]]
// CHECK: noc.kernel compute {
// CHECK: noc.cb_wait %[[CBA]], 2
// CHECK: scf.for %{{.*}} = %c0 to %c2 step %c1 {
// CHECK: tile.matmul
// CHECK: noc.cb_pop %[[CBA]], 2
// CHECK: noc.cb_wait %[[CBA]], 3
// CHECK-NOT: tile.copy
// CHECK: scf.for %{{.*}} = %c0 to %c3 step %c1 {
// CHECK: tile.matmul
// CHECK: noc.kernel writer {
// CHECK: noc.cb_push %[[CBB]], 2
// CHECK: %[[KB:.*]] = affine.apply #[[SECOND]](%{{.*}})
// CHECK-NEXT: noc.read %{{.*}}[%[[KB]]] into %[[CBB]]
func.func @shorter_first_chunk(%a: tensor<32x160xf32>, %b: tensor<160x32xf32>) -> tensor<32x32xf32> {
  %0 = graph.matmul %a, %b {grid.config = #grid.matmul_config<grid = [1, 1], cores = [1, 1], block = [1, 1], subblock = [1, 1], k_chunk = 3>} : (tensor<32x160xf32>, tensor<160x32xf32>) -> tensor<32x32xf32>
  return %0 : tensor<32x32xf32>
}

// -----

// Skipping zero rhs tiles finds a chunk's places at its K rows, which needs chunks of one length.
func.func @skip_zero_tiles_shorter_first_chunk(%a: tensor<32x96xf32>) -> tensor<32x64xf32> {
  %w = graph.constant dense<1.0> : tensor<96x64xf32>
  // expected-error @+1 {{no kernels for this tile loop: matmul: skipping zero rhs tiles, k_chunk must divide K}}
  %0 = graph.matmul %a, %w {grid.config = #grid.matmul_config<grid = [1, 1], cores = [1, 1], block = [1, 2], subblock = [1, 1], k_chunk = 2, rhs_stored_tiles = 6>} : (tensor<32x96xf32>, tensor<96x64xf32>) -> tensor<32x64xf32>
  return %0 : tensor<32x64xf32>
}
