// RUN: tt-opt --tt-compile-pipeline=precision=bf16 %s | FileCheck %s --check-prefix=IR
// RUN: tt-opt --tt-compile-pipeline=precision=bf16 %s | tt-translate --serialize-ttb | tt-translate --dump-ttb | FileCheck %s

// A decoder's few rows by a weight's columns: the gate and up matmuls' four cores each compute
// every row (two of tiles) of two columns of tiles, so their results are width-sharded for the
// product that reads them. In the binary, a width shard is a block of every row.
// IR: grid.empty {{.*}} : tensor<64x256xf32, #grid.layout<tile 32x32, bf16, l1, width_sharded, shard 2x2, cores <(0, 0) to (3, 0)>>>
// CHECK-LABEL: "buffers": [
// CHECK:          "name": "t2",
// CHECK:          "memory": "L1",
// CHECK:          "tiles": [
// CHECK-NEXT:       1,
// CHECK-NEXT:       2,
// CHECK-NEXT:       8
// CHECK-NEXT:     ],
// CHECK-NEXT:     "shards": {
// CHECK-NEXT:       "cols": 2,
// CHECK-NEXT:       "cores_x": 4,
// CHECK-NEXT:       "rows": 2
// CHECK-NEXT:     }
func.func @main(%x: tensor<64x256xf32> {graph.name = "x"}) -> (tensor<64x256xf32> {graph.name = "y"}) {
  %w = graph.constant dense<0.1> : tensor<256x256xf32>
  %g = graph.matmul %x, %w {grid.config = #grid.matmul_config<grid = [1, 4], cores = [4, 1], block = [2, 2], subblock = [1, 2], k_chunk = 2>} : (tensor<64x256xf32>, tensor<256x256xf32>) -> tensor<64x256xf32>
  %u = graph.matmul %x, %w {grid.config = #grid.matmul_config<grid = [1, 4], cores = [4, 1], block = [2, 2], subblock = [1, 2], k_chunk = 2>} : (tensor<64x256xf32>, tensor<256x256xf32>) -> tensor<64x256xf32>
  %m = graph.binary mul %g, %u : (tensor<64x256xf32>, tensor<64x256xf32>) -> tensor<64x256xf32>
  %b = graph.matmul %m, %w : (tensor<64x256xf32>, tensor<256x256xf32>) -> tensor<64x256xf32>
  return %b : tensor<64x256xf32>
}
