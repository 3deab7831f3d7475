// RUN: tt-opt %s -split-input-file -verify-diagnostics --tt-assign-layouts --tt-lower-graph-to-grid --mlir-print-local-scope | FileCheck %s

// A reshard is a tile loop on the result's cores in which each core stores its own shard, its
// tiles read from wherever the input keeps them: shards of 2x2 tiles of an 8x2-tile tensor,
// whole rows, so core c's units 4c .. 4c + 3 are tiles 4c .. 4c + 3.
// CHECK-LABEL: func.func @to_height_shards
// CHECK: grid.dispatch "reshard" on <(0, 0) to{{ ?}}(3, 0)>
// CHECK: %[[U:.*]] = affine.apply affine_map<(d0, d1) -> (d0 * 4 + d1)>
// CHECK: grid.load %{{.*}}[%[[U]]] map affine_map<(d0) -> (d0)>
// CHECK: tile.copy
// CHECK: grid.store %{{.*}}, %{{.*}}[%[[U]]] map affine_map<(d0) -> (d0)>
// CHECK-NOT: grid.reshard
func.func @to_height_shards(%x: tensor<256x64xf32, #grid.layout<tile 32x32, bf16, l1, interleaved>>)
    -> tensor<256x64xf32, #grid.layout<tile 32x32, bf16, l1, height_sharded, shard 2x2, cores <(0, 0) to (3, 0)>>> {
  %r = grid.reshard %x : tensor<256x64xf32, #grid.layout<tile 32x32, bf16, l1, interleaved>>
      -> tensor<256x64xf32, #grid.layout<tile 32x32, bf16, l1, height_sharded, shard 2x2, cores <(0, 0) to (3, 0)>>>
  return %r : tensor<256x64xf32, #grid.layout<tile 32x32, bf16, l1, height_sharded, shard 2x2, cores <(0, 0) to (3, 0)>>>
}

// -----

// Block shards of 2x1 tiles of a 4x2-tile tensor over 2x2 cores: core (x, y) holds row tiles
// 2y, 2y + 1 of column tile x, that is tiles (2y + i) * 2 + x of unit 2c + i, c = 2y + x.
// CHECK-LABEL: func.func @to_block_shards
// CHECK: grid.dispatch "reshard" on <(0, 0) to{{ ?}}(1, 1)>
// CHECK: grid.load %{{.*}}[%{{.*}}] map affine_map<(d0) -> ((((d0 floordiv 2) floordiv 2) * 2 + d0 mod 2) * 2 + (d0 floordiv 2) mod 2)>
// CHECK: grid.store %{{.*}} map affine_map<(d0) -> ((((d0 floordiv 2) floordiv 2) * 2 + d0 mod 2) * 2 + (d0 floordiv 2) mod 2)>
func.func @to_block_shards(%x: tensor<128x64xf32, #grid.layout<tile 32x32, f32, dram, interleaved>>)
    -> tensor<128x64xf32, #grid.layout<tile 32x32, f32, l1, block_sharded, shard 2x1, cores <(0, 0) to (1, 1)>>> {
  %r = grid.reshard %x : tensor<128x64xf32, #grid.layout<tile 32x32, f32, dram, interleaved>>
      -> tensor<128x64xf32, #grid.layout<tile 32x32, f32, l1, block_sharded, shard 2x1, cores <(0, 0) to (1, 1)>>>
  return %r : tensor<128x64xf32, #grid.layout<tile 32x32, f32, l1, block_sharded, shard 2x1, cores <(0, 0) to (1, 1)>>>
}

// -----

// To an interleaved layout: the most cores the tiles divide over, unit u tile u.
// CHECK-LABEL: func.func @to_dram
// CHECK: grid.dispatch "reshard" on <(0, 0) to{{ ?}}(7, 0)>
// CHECK: grid.load %{{.*}}[%{{.*}}] map affine_map<(d0) -> (d0)>
func.func @to_dram(%x: tensor<256x32xf32, #grid.layout<tile 32x32, bf16, l1, height_sharded, shard 1x1, cores <(0, 0) to (7, 0)>>>)
    -> tensor<256x32xf32, #grid.layout<tile 32x32, bf16, dram, interleaved>> {
  %r = grid.reshard %x : tensor<256x32xf32, #grid.layout<tile 32x32, bf16, l1, height_sharded, shard 1x1, cores <(0, 0) to (7, 0)>>>
      -> tensor<256x32xf32, #grid.layout<tile 32x32, bf16, dram, interleaved>>
  return %r : tensor<256x32xf32, #grid.layout<tile 32x32, bf16, dram, interleaved>>
}

// -----

func.func @shards_off_the_origin(%x: tensor<64x64xf32, #grid.layout<tile 32x32, bf16, dram, interleaved>>)
    -> tensor<64x64xf32, #grid.layout<tile 32x32, bf16, l1, height_sharded, shard 1x2, cores <(1, 0) to (2, 0)>>> {
  // expected-error @+1 {{reshards to shards over cores from (0, 0) only}}
  %r = grid.reshard %x : tensor<64x64xf32, #grid.layout<tile 32x32, bf16, dram, interleaved>>
      -> tensor<64x64xf32, #grid.layout<tile 32x32, bf16, l1, height_sharded, shard 1x2, cores <(1, 0) to (2, 0)>>>
  return %r : tensor<64x64xf32, #grid.layout<tile 32x32, bf16, l1, height_sharded, shard 1x2, cores <(1, 0) to (2, 0)>>>
}
