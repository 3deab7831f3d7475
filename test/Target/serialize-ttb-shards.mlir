// RUN: tt-opt --tt-compile-pipeline=precision=bf16 %s | tt-translate --serialize-ttb | tt-translate --dump-ttb | FileCheck %s
// RUN: tt-opt --tt-compile-pipeline=precision=bf16 %s | sed -e 's/height_sharded/width_sharded/' | not tt-translate --serialize-ttb 2>&1 | FileCheck %s --check-prefix=WIDTH

// The first matmul's four cores each compute a row of tiles (both columns), and the second
// computes its output in one pass: the intermediate is height-sharded, a row of two bf16 tiles
// on each of cores (0..3, 0), 4096 bytes at the top of their L1 (1499136 - 4096) where an
// interleaved one would take a tile (2048 bytes) of every core's.
// CHECK-LABEL: "buffers": [
// CHECK:          "name": "t2",
// CHECK:          "memory": "L1",
// CHECK-NEXT:     "address": 1495040,
// CHECK-NEXT:     "tiles": [
// CHECK-NEXT:       1,
// CHECK-NEXT:       4,
// CHECK-NEXT:       2
// CHECK-NEXT:     ],
// CHECK-NEXT:     "shards": {
// CHECK-NEXT:       "cols": 2,
// CHECK-NEXT:       "cores_x": 4,
// CHECK-NEXT:       "rows": 1
// CHECK-NEXT:     }
// CHECK:          "name": "t3",
// CHECK:          "memory": "Dram",
// CHECK-NOT:      "shards"
// CHECK:        "constants": [

// Width shards are whole columns: a row of tiles per core is not one.
// WIDTH: error: 'grid.empty' op result width-sharded shards hold whole columns of 4 tiles, not 1
func.func @main(%x: tensor<128x64xf32> {graph.name = "x"}) -> (tensor<128x64xf32> {graph.name = "y"}) {
  %w = graph.constant dense<0.1> : tensor<64x64xf32>
  %a = graph.matmul %x, %w {grid.config = #grid.matmul_config<grid = [4, 1], cores = [4, 1], block = [1, 2], subblock = [1, 2], k_chunk = 2>} : (tensor<128x64xf32>, tensor<64x64xf32>) -> tensor<128x64xf32>
  %b = graph.matmul %a, %w {grid.config = #grid.matmul_config<grid = [2, 1], cores = [2, 1], block = [2, 2], subblock = [1, 2], k_chunk = 2>} : (tensor<128x64xf32>, tensor<64x64xf32>) -> tensor<128x64xf32>
  return %b : tensor<128x64xf32>
}
