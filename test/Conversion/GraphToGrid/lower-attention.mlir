// RUN: tt-opt %s -split-input-file -verify-diagnostics --tt-assign-layouts --tt-choose-op-configs --tt-lower-graph-to-grid --tt-lower-grid-to-kernels --canonicalize --cse | FileCheck %s

// Two batch elements of 96 queries (3 query tiles each: 6 units on 6 cores), 70 keys (3 key
// tiles, the last partial: one chunk of 3), head dims 40 (2 tiles), a mask per key. The
// buffers hold q (and q scaled once), two chunks of keys and of values, the mask tiles, the
// chunk's scores and probabilities, m, l and O twice (old and new), a staging tile and the
// output. Compute: the scores by matmuls of q and kt tiles, plus the mask (broadcast by rows),
// padding keys at -huge; m' by max reduction onto m; p = exp(s - m'); l the sum of p; O = p v;
// then O times 1 / l, masked to the real values. With one chunk nothing is rescaled: there is
// no a = exp(m - m') (@long_keys has two chunks).
// CHECK-LABEL: func.func @attention
// CHECK: grid.dispatch "sdpa" on <(0, 0) to{{ ?}}(5, 0)> ins({{.*}} attributes {{{.*}}macs = 1075200
// CHECK-NEXT: ^bb0
// CHECK-NEXT: %[[Q:.*]] = noc.cb 0 : !noc.cb<!tile.tile<32x32, f32>, 2>
// CHECK-NEXT: %[[QS:.*]] = noc.cb 1 : !noc.cb<!tile.tile<32x32, f32>, 2>
// CHECK-NEXT: %[[K:.*]] = noc.cb 2 : !noc.cb<!tile.tile<32x32, f32>, 12>
// CHECK-NEXT: %[[V:.*]] = noc.cb 3 : !noc.cb<!tile.tile<32x32, f32>, 12>
// CHECK-NEXT: %[[MASK:.*]] = noc.cb 4 : !noc.cb<!tile.tile<32x32, f32>, 6>
// CHECK-NEXT: %[[S:.*]] = noc.cb 5 : !noc.cb<!tile.tile<32x32, f32>, 3>
// CHECK-NEXT: %[[P:.*]] = noc.cb 6 : !noc.cb<!tile.tile<32x32, f32>, 3>
// CHECK-NEXT: %[[M:.*]] = noc.cb 8 : !noc.cb<!tile.tile<32x32, f32>, 2>
// CHECK-NEXT: %[[L:.*]] = noc.cb 9 : !noc.cb<!tile.tile<32x32, f32>, 2>
// CHECK-NEXT: %[[O:.*]] = noc.cb 10 : !noc.cb<!tile.tile<32x32, f32>, 4>
// CHECK: noc.kernel compute {
// CHECK: tile.mask dst[%c0] rows %c0 cols %c0 fill -3.000000e+38
// CHECK: tile.unary scale dst[%c0] {param = 1.250000e-01 : f32}
// CHECK: tile.matmul %{{[0-9a-z_]+}}, %{{[0-9a-z_]+}}, dst[%c0] :
// CHECK: tile.binary add bcast rows
// CHECK: tile.mask dst[%c0] rows %c32 cols %{{.*}} fill -3.000000e+38
// CHECK: tile.reduce max dim 0 %{{.*}}, dst[%c1] {accumulate}
// CHECK-NOT: tile.unary exp dst[%c2]
// CHECK: tile.binary sub bcast cols
// CHECK-NEXT: tile.unary exp dst[%c0]
// CHECK: tile.reduce sum dim 0 %{{.*}}, dst[%c3] {accumulate}
// CHECK-NOT: tile.binary mul
// CHECK: tile.matmul
// CHECK: tile.unary recip dst[%c1]
// CHECK: tile.mask dst[%c0] rows
// CHECK: noc.kernel writer {
func.func @attention(%q: tensor<2x96x40xf32>, %kt: tensor<2x40x70xf32>, %v: tensor<2x70x40xf32>, %m: tensor<2x1x70xf32>) -> tensor<2x96x40xf32> {
  %o = graph.sdpa %q, %kt, %v mask %m {scale = 0.125 : f32} : (tensor<2x96x40xf32>, tensor<2x40x70xf32>, tensor<2x70x40xf32>, tensor<2x1x70xf32>) -> tensor<2x96x40xf32>
  return %o : tensor<2x96x40xf32>
}

// -----

// q, the keys and v as whole-tile views of x [1, 64, 128] (two heads of 64): the dispatch reads
// x itself, the remaps get none, and the keys' tiles (x's, K not K^T) multiply the queries
// transposed as the unpacker loads them: no transposed copy of them is made.
// CHECK-LABEL: func.func @heads_views
// CHECK-NOT: grid.dispatch "remap"
// CHECK: grid.dispatch "sdpa" on {{.*}} ins(%arg0, %arg0, %arg0 :
// CHECK: noc.kernel compute {
// CHECK-NOT: tile.transpose
// CHECK: tile.matmul %{{.*}}, %{{.*}}, dst[%{{.*}}] {transpose_rhs}
// CHECK-NOT: tile.transpose
// CHECK: noc.kernel writer {
func.func @heads_views(%x: tensor<1x64x128xf32>) -> tensor<1x2x64x64xf32> {
  %q = graph.remap %x {map = affine_map<(d0, d1, d2, d3) -> (d0, d2, d1 * 64 + d3)>} : (tensor<1x64x128xf32>) -> tensor<1x2x64x64xf32>
  %kt = graph.remap %x {map = affine_map<(d0, d1, d2, d3) -> (d0, d3, d1 * 64 + d2)>} : (tensor<1x64x128xf32>) -> tensor<1x2x64x64xf32>
  %v = graph.remap %x {map = affine_map<(d0, d1, d2, d3) -> (d0, d2, d1 * 64 + d3)>} : (tensor<1x64x128xf32>) -> tensor<1x2x64x64xf32>
  %o = graph.sdpa %q, %kt, %v {scale = 0.125 : f32} : (tensor<1x2x64x64xf32>, tensor<1x2x64x64xf32>, tensor<1x2x64x64xf32>) -> tensor<1x2x64x64xf32>
  return %o : tensor<1x2x64x64xf32>
}

// -----

// Causal, 96 queries and keys (3 tiles, one chunk of 3): the dispatch reads a 32 x 32 constant
// that hides the keys after each query of a diagonal tile; per key tile, the scores' matmuls
// run unless the tile is after the query tile's diagonal, the diagonal tile adds that
// constant, and a tile after it is all -huge.
// CHECK-LABEL: func.func @causal
// CHECK: %[[MASK:.*]] = graph.constant dense_resource<causal_mask> : tensor<32x32xf32> : tensor<32x32xf32, #grid.layout<tile 32x32, f32, dram, interleaved>>
// CHECK: grid.dispatch "sdpa" on {{.*}} ins(%arg0, %arg1, %arg2, %[[MASK]] :
// CHECK: noc.kernel compute {
// CHECK: tile.matmul
// CHECK: tile.binary add bcast none
// CHECK: tile.mask dst[%c0] rows %c0 cols %c0 fill -3.000000e+38
func.func @causal(%q: tensor<1x96x64xf32>, %kt: tensor<1x64x96xf32>, %v: tensor<1x96x64xf32>) -> tensor<1x96x64xf32> {
  %o = graph.sdpa %q, %kt, %v {causal, scale = 0.125 : f32} : (tensor<1x96x64xf32>, tensor<1x64x96xf32>, tensor<1x96x64xf32>) -> tensor<1x96x64xf32>
  return %o : tensor<1x96x64xf32>
}

// -----

// Written through result_map, the merged context [1, 64, 128]: output tile (head, query tile,
// d tile) goes to tile (query tile, head * 2 + d tile) of the result.
// CHECK-LABEL: func.func @merged
// CHECK: grid.dispatch "sdpa"
// CHECK: noc.kernel writer {
// CHECK: noc.write %{{.*}} into %{{.*}}[%{{.*}}] : !noc.cb<!tile.tile<32x32, f32>, 2>, tensor<1x64x128xf32
func.func @merged(%q: tensor<1x2x64x64xf32>, %kt: tensor<1x2x64x64xf32>, %v: tensor<1x2x64x64xf32>) -> tensor<1x64x128xf32> {
  %o = graph.sdpa %q, %kt, %v {result_map = affine_map<(d0, d1, d2, d3) -> (d0, d2, d1 * 64 + d3)>, scale = 0.125 : f32} : (tensor<1x2x64x64xf32>, tensor<1x2x64x64xf32>, tensor<1x2x64x64xf32>) -> tensor<1x64x128xf32>
  return %o : tensor<1x64x128xf32>
}

// -----

func.func @merged_not_tiles(%q: tensor<1x2x64x40xf32>, %kt: tensor<1x2x40x64xf32>, %v: tensor<1x2x64x40xf32>) -> tensor<1x64x80xf32> {
  // expected-error @+1 {{result_map must put whole output tiles in place}}
  %o = graph.sdpa %q, %kt, %v {result_map = affine_map<(d0, d1, d2, d3) -> (d0, d2, d1 * 40 + d3)>, scale = 0.125 : f32} : (tensor<1x2x64x40xf32>, tensor<1x2x40x64xf32>, tensor<1x2x64x40xf32>) -> tensor<1x64x80xf32>
  return %o : tensor<1x64x80xf32>
}

// -----

// 512 keys (16 key tiles): a chunk of 8 fills the share of L1 that tensors kept between ops
// leave to the buffers (f32 tiles: keys and values twice, scores and probabilities: 10 tiles a
// key tile), so two chunks. After the first, a = exp(m - m') rescales l and O; on the first
// chunk the loops around that run no iteration.
// CHECK-LABEL: func.func @long_keys
// CHECK: grid.dispatch "sdpa"
// CHECK: noc.cb 2 : !noc.cb<!tile.tile<32x32, f32>, 32>
// CHECK: noc.kernel compute {
// CHECK: tile.reduce max dim 0 %{{.*}}, dst[%c1] {accumulate}
// CHECK: tile.binary sub bcast none %{{.*}}, %{{.*}}, dst[%c2]
// CHECK-NEXT: tile.unary exp dst[%c2]
// CHECK: tile.binary mul bcast none
// CHECK: tile.binary sub bcast cols
// CHECK-NEXT: tile.unary exp dst[%c0]
// CHECK: tile.reduce sum dim 0 %{{.*}}, dst[%c3] {accumulate}
// CHECK: tile.binary mul bcast cols
// CHECK: tile.matmul
// CHECK: tile.unary recip dst[%c1]
func.func @long_keys(%q: tensor<1x32x64xf32>, %kt: tensor<1x64x512xf32>, %v: tensor<1x512x64xf32>) -> tensor<1x32x64xf32> {
  %o = graph.sdpa %q, %kt, %v {scale = 0.125 : f32} : (tensor<1x32x64xf32>, tensor<1x64x512xf32>, tensor<1x512x64xf32>) -> tensor<1x32x64xf32>
  return %o : tensor<1x32x64xf32>
}

// -----

// Keys and values appended to a cache (Concat): 63 cached rows and a new one. No dispatch writes
// the grown cache: sdpa reads the caches' tiles and, for the last key tile, the cache's 31 rows
// and the new row as spans of values (no zeros to fill: the tile is full).
// CHECK-LABEL: func.func @appended_cache
// CHECK-NOT: grid.dispatch "remap
// CHECK-NOT: grid.dispatch "add"
// CHECK: grid.dispatch "sdpa" on {{.*}} ins(%arg0, %arg1, %arg3, %arg2, %arg4 :
// CHECK: noc.kernel reader {
// CHECK: noc.read_span {{.*}} offset %c0 count %c992 outside %c0
// CHECK-NEXT: noc.read_span {{.*}} offset %c992 count %c32 outside %c0
// CHECK-NOT: outside %c1
// CHECK: noc.kernel compute {
func.func @appended_cache(%q: tensor<1x1x1x64xf32>, %kc: tensor<1x1x63x64xf32>, %kn: tensor<1x1x1x64xf32>, %vc: tensor<1x1x63x64xf32>, %vn: tensor<1x1x1x64xf32>) -> tensor<1x1x1x64xf32> {
  %k0 = graph.remap %kc {map = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>} : (tensor<1x1x63x64xf32>) -> tensor<1x1x64x64xf32>
  %k1 = graph.remap %kn {map = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2 - 63, d3)>} : (tensor<1x1x1x64xf32>) -> tensor<1x1x64x64xf32>
  %k = graph.binary add %k0, %k1 : (tensor<1x1x64x64xf32>, tensor<1x1x64x64xf32>) -> tensor<1x1x64x64xf32>
  %v0 = graph.remap %vc {map = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>} : (tensor<1x1x63x64xf32>) -> tensor<1x1x64x64xf32>
  %v1 = graph.remap %vn {map = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2 - 63, d3)>} : (tensor<1x1x1x64xf32>) -> tensor<1x1x64x64xf32>
  %v = graph.binary add %v1, %v0 : (tensor<1x1x64x64xf32>, tensor<1x1x64x64xf32>) -> tensor<1x1x64x64xf32>
  %kt = graph.remap %k {map = affine_map<(d0, d1, d2, d3) -> (d0, d1, d3, d2)>} : (tensor<1x1x64x64xf32>) -> tensor<1x1x64x64xf32>
  %o = graph.sdpa %q, %kt, %v {scale = 0.125 : f32} : (tensor<1x1x1x64xf32>, tensor<1x1x64x64xf32>, tensor<1x1x64x64xf32>) -> tensor<1x1x1x64xf32>
  return %o : tensor<1x1x1x64xf32>
}

// -----

// The same with 50 cached rows: the last key tile takes the cache's 18 rows, the new row, and
// zeros below them.
// CHECK-LABEL: func.func @appended_cache_partial_tile
// CHECK: grid.dispatch "sdpa"
// CHECK: noc.read_span {{.*}} offset %c0 count %c576 outside %c0
// CHECK-NEXT: noc.read_span {{.*}} offset %c576 count %c32 outside %c0
// CHECK-NEXT: noc.read_span {{.*}} offset %c608 count %c416 outside %c1 fill 0.0
func.func @appended_cache_partial_tile(%q: tensor<1x1x1x64xf32>, %kc: tensor<1x1x50x64xf32>, %kn: tensor<1x1x1x64xf32>, %vc: tensor<1x1x50x64xf32>, %vn: tensor<1x1x1x64xf32>) -> tensor<1x1x1x64xf32> {
  %k0 = graph.remap %kc {map = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>} : (tensor<1x1x50x64xf32>) -> tensor<1x1x51x64xf32>
  %k1 = graph.remap %kn {map = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2 - 50, d3)>} : (tensor<1x1x1x64xf32>) -> tensor<1x1x51x64xf32>
  %k = graph.binary add %k0, %k1 : (tensor<1x1x51x64xf32>, tensor<1x1x51x64xf32>) -> tensor<1x1x51x64xf32>
  %v0 = graph.remap %vc {map = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>} : (tensor<1x1x50x64xf32>) -> tensor<1x1x51x64xf32>
  %v1 = graph.remap %vn {map = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2 - 50, d3)>} : (tensor<1x1x1x64xf32>) -> tensor<1x1x51x64xf32>
  %v = graph.binary add %v0, %v1 : (tensor<1x1x51x64xf32>, tensor<1x1x51x64xf32>) -> tensor<1x1x51x64xf32>
  %kt = graph.remap %k {map = affine_map<(d0, d1, d2, d3) -> (d0, d1, d3, d2)>} : (tensor<1x1x51x64xf32>) -> tensor<1x1x64x51xf32>
  %o = graph.sdpa %q, %kt, %v {scale = 0.125 : f32} : (tensor<1x1x1x64xf32>, tensor<1x1x64x51xf32>, tensor<1x1x51x64xf32>) -> tensor<1x1x1x64xf32>
  return %o : tensor<1x1x1x64xf32>
}

// -----

// A new row whose values do not start a tile's column (at column 16 of its projection): no run
// of 32 values fills a column tile of it, and a dispatch of its own appends it.
// CHECK-LABEL: func.func @appended_row_off_the_tiles
// CHECK: grid.dispatch "add"
// CHECK: grid.dispatch "sdpa"
func.func @appended_row_off_the_tiles(%q: tensor<1x1x1x64xf32>, %kc: tensor<1x1x63x64xf32>, %kn: tensor<1x80xf32>, %v: tensor<1x1x64x64xf32>) -> tensor<1x1x1x64xf32> {
  %k0 = graph.remap %kc {map = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>} : (tensor<1x1x63x64xf32>) -> tensor<1x1x64x64xf32>
  %k1 = graph.remap %kn {map = affine_map<(d0, d1, d2, d3) -> (d2 - 63, d3 + 16)>} : (tensor<1x80xf32>) -> tensor<1x1x64x64xf32>
  %k = graph.binary add %k0, %k1 : (tensor<1x1x64x64xf32>, tensor<1x1x64x64xf32>) -> tensor<1x1x64x64xf32>
  %kt = graph.remap %k {map = affine_map<(d0, d1, d2, d3) -> (d0, d1, d3, d2)>} : (tensor<1x1x64x64xf32>) -> tensor<1x1x64x64xf32>
  %o = graph.sdpa %q, %kt, %v {scale = 0.125 : f32} : (tensor<1x1x1x64xf32>, tensor<1x1x64x64xf32>, tensor<1x1x64x64xf32>) -> tensor<1x1x1x64xf32>
  return %o : tensor<1x1x1x64xf32>
}

// -----

// A decoder's grouped queries: each head's two rows are runs of one token's projection (not
// whole tiles). The sdpa reads them as spans of 32 values, zeros below, and no remap writes
// them; its keys and values stream a key tile at a time (buffers of two key tiles of two
// column tiles each).
// CHECK-LABEL: func.func @decode_queries
// CHECK-NOT: grid.dispatch "remap"
// CHECK: grid.dispatch "sdpa" on {{.*}} ins(%arg0, %arg1, %arg2 :
// CHECK: noc.cb 2 : !noc.cb<!tile.tile<32x32, f32>, 4>
// CHECK: noc.kernel reader {
// CHECK: noc.read_span {{.*}} count %c32 outside %c0
// CHECK-NEXT: }
// CHECK-NEXT: noc.read_span {{.*}} offset %c64 count %c960 outside %c1 fill 0.0
func.func @decode_queries(%y: tensor<1x256xf32>, %kt: tensor<1x2x64x64xf32>, %v: tensor<1x2x64x64xf32>) -> tensor<1x2x2x64xf32> {
  %q = graph.remap %y {map = affine_map<(d0, d1, d2, d3) -> (d0, d1 * 128 + d2 * 64 + d3)>} : (tensor<1x256xf32>) -> tensor<1x2x2x64xf32>
  %o = graph.sdpa %q, %kt, %v {scale = 0.125 : f32} : (tensor<1x2x2x64xf32>, tensor<1x2x64x64xf32>, tensor<1x2x64x64xf32>) -> tensor<1x2x2x64xf32>
  return %o : tensor<1x2x2x64xf32>
}

// -----

// The lowering builds what the op's #grid.attention_config says: blocks of 3 query tiles (a
// batch element each: 2 units on 2 cores, q's buffer 3 x 2 tiles) and chunks of one key tile
// (the keys' and values' buffers 2 x 1 x 2 tiles).
// CHECK-LABEL: func.func @given_blocking
// CHECK: grid.dispatch "sdpa" on <(0, 0) to{{ ?}}(1, 0)>
// CHECK-NEXT: ^bb0
// CHECK-NEXT: noc.cb 0 : !noc.cb<!tile.tile<32x32, f32>, 6>
// CHECK-NEXT: noc.cb 1 : !noc.cb<!tile.tile<32x32, f32>, 6>
// CHECK-NEXT: noc.cb 2 : !noc.cb<!tile.tile<32x32, f32>, 4>
// CHECK-NEXT: noc.cb 3 : !noc.cb<!tile.tile<32x32, f32>, 4>
func.func @given_blocking(%q: tensor<2x96x64xf32>, %kt: tensor<2x64x96xf32>, %v: tensor<2x96x64xf32>) -> tensor<2x96x64xf32> {
  %o = graph.sdpa %q, %kt, %v {scale = 0.125 : f32, grid.config = #grid.attention_config<block = 3, chunk = 1>} : (tensor<2x96x64xf32>, tensor<2x64x96xf32>, tensor<2x96x64xf32>) -> tensor<2x96x64xf32>
  return %o : tensor<2x96x64xf32>
}
