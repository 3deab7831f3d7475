// A ReLU, then a matmul by constant weights (or by an input): lowered without the pass, which
// then puts each data-movement kernel's leading reads of constants before a noc.wait_go.
// RUN: tt-opt %s --tt-compile-pipeline="fusion=false join-dispatches=false" | tt-opt --tt-hoist-constant-reads | FileCheck %s
// The pipeline runs it where dispatches join programs, and only there.
// RUN: tt-opt %s --tt-compile-pipeline="fusion=false" | FileCheck %s
// RUN: tt-opt %s --tt-compile-pipeline="fusion=false join-dispatches=false" | FileCheck %s --check-prefix=OFF

// The writer reads the weights (every chunk: its reads wait only for room in its own CB), then
// waits for the go before it writes the product. The reader's first read is of the ReLU's
// product, which the dispatch before writes: it waits at its start.
// CHECK-LABEL: func.func @weights
// CHECK:       grid.dispatch "matmul"
// CHECK:       noc.kernel reader {
// CHECK-NOT:   noc.wait_go
// CHECK:       noc.kernel writer {
// CHECK-NEXT:    grid.core_index
// CHECK-NEXT:    noc.cb_reserve
// CHECK:         noc.read %arg{{[0-9]+}}[%{{.*}}] into {{.*}} : tensor<256x128xf32
// CHECK:         noc.wait_go
// CHECK-NEXT:    noc.cb_wait
// CHECK:         noc.write
// OFF-LABEL:   func.func @weights
// OFF-NOT:     noc.wait_go
func.func @weights(%x: tensor<64x256xf32>) -> tensor<64x128xf32> {
  %w = graph.constant dense<0.5> : tensor<256x128xf32>
  %a = graph.unary relu %x : tensor<64x256xf32> -> tensor<64x256xf32>
  %m = graph.matmul %a, %w : (tensor<64x256xf32>, tensor<256x128xf32>) -> tensor<64x128xf32>
  return %m : tensor<64x128xf32>
}

// Weights that are a model input are written by the host, not the binary: nothing is hoisted.
// CHECK-LABEL: func.func @input_weights
// CHECK-NOT:   noc.wait_go
// CHECK:       return
func.func @input_weights(%x: tensor<64x256xf32>, %y: tensor<256x128xf32>) -> tensor<64x128xf32> {
  %a = graph.unary relu %x : tensor<64x256xf32> -> tensor<64x256xf32>
  %m = graph.matmul %a, %y : (tensor<64x256xf32>, tensor<256x128xf32>) -> tensor<64x128xf32>
  return %m : tensor<64x128xf32>
}
