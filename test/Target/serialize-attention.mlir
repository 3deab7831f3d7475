// RUN: tt-opt --tt-compile-pipeline=precision=bf16 %s | tt-translate --serialize-ttb | tt-translate --dump-ttb | FileCheck %s

// Attention over two heads that are whole-tile views of x [1, 64, 128]: its keys are read as
// tiles of K, and the scores' products take them transposed by the unpacker (MATMUL_BT, charged
// as a MATMUL) instead of a TRANSPOSE and a PACK of each into a buffer of K^T; the products by
// the values are plain MATMULs.
// CHECK:         "thread": "Compute",
// CHECK-NOT:     TRANSPOSE
// CHECK:           "{{[0-9]+}}: MATMUL_BT c{{[0-9]+}} e{{[0-9]+}} c{{[0-9]+}} e{{[0-9]+}} e{{[0-9]+}}",
// CHECK-NOT:     TRANSPOSE
// CHECK:           "{{[0-9]+}}: MATMUL c{{[0-9]+}} e{{[0-9]+}} c{{[0-9]+}} e{{[0-9]+}} e{{[0-9]+}}",
// CHECK-NOT:     TRANSPOSE
// CHECK:         "thread": "Writer",
func.func @heads(%x: tensor<1x64x128xf32>) -> tensor<1x2x64x64xf32> {
  %q = graph.remap %x {map = affine_map<(d0, d1, d2, d3) -> (d0, d2, d1 * 64 + d3)>} : (tensor<1x64x128xf32>) -> tensor<1x2x64x64xf32>
  %kt = graph.remap %x {map = affine_map<(d0, d1, d2, d3) -> (d0, d3, d1 * 64 + d2)>} : (tensor<1x64x128xf32>) -> tensor<1x2x64x64xf32>
  %v = graph.remap %x {map = affine_map<(d0, d1, d2, d3) -> (d0, d2, d1 * 64 + d3)>} : (tensor<1x64x128xf32>) -> tensor<1x2x64x64xf32>
  %o = graph.sdpa %q, %kt, %v {scale = 0.125 : f32} : (tensor<1x2x64x64xf32>, tensor<1x2x64x64xf32>, tensor<1x2x64x64xf32>) -> tensor<1x2x64x64xf32>
  return %o : tensor<1x2x64x64xf32>
}
