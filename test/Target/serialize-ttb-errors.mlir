// Graph IR that was not lowered cannot be serialized, and the error says which step is missing.
// RUN: not tt-translate --serialize-ttb %s 2>&1 | FileCheck %s --check-prefix=NOCHIP
// RUN: tt-opt --tt-assign-layouts %s | not tt-translate --serialize-ttb 2>&1 | FileCheck %s --check-prefix=NOADDR
// RUN: tt-opt --tt-assign-layouts --tt-allocate-buffers %s | not tt-translate --serialize-ttb 2>&1 | FileCheck %s --check-prefix=UNLOWERED
// RUN: tt-opt --tt-assign-layouts --tt-lower-graph-to-grid %s | not tt-translate --serialize-ttb 2>&1 | FileCheck %s --check-prefix=NOADDR
// RUN: tt-opt --tt-assign-layouts --tt-lower-graph-to-grid --tt-allocate-buffers %s | not tt-translate --serialize-ttb 2>&1 | FileCheck %s --check-prefix=NOKERNELS
// Nothing is written to stdout on failure.
// RUN: not tt-translate --serialize-ttb %s 2>/dev/null | count 0
// A file that is not a .ttb is rejected by --dump-ttb.
// RUN: not tt-translate --dump-ttb %s 2>&1 | FileCheck %s --check-prefix=BADTTB
// RUN: tt-opt --tt-compile-pipeline %s | tt-translate --serialize-ttb -o %t.ttb
// RUN: head -c 100 %t.ttb > %t.truncated.ttb
// RUN: not tt-translate --dump-ttb %t.truncated.ttb 2>&1 | FileCheck %s --check-prefix=BADTTB

// NOCHIP: error: module has no grid.chip; compile it with the tt pipeline first
// NOADDR: error: tensor has no layout or address; run the pipeline through tt-allocate-buffers first
// UNLOWERED: error: cannot be serialized; lower it with tt-lower-graph-to-grid first
// UNLOWERED-NEXT: graph.unary relu
// NOKERNELS: error: has no kernels; lower its tile loop with tt-lower-grid-to-kernels first
// NOKERNELS-NEXT: grid.dispatch "relu"
// BADTTB: error: not a valid .ttb file (bad identifier or corrupted flatbuffer)

func.func @main(%x: tensor<32x32xf32> {graph.name = "x"}) -> tensor<32x32xf32> {
  %0 = graph.unary relu %x : tensor<32x32xf32> -> tensor<32x32xf32>
  return %0 : tensor<32x32xf32>
}
