// RUN: tt-opt %s -verify-diagnostics --tt-fuse-tile-loops

// The pass weighs fusions with the chip's figures, which only tt-assign-layouts records.
// expected-error @below {{module has no grid.chip; run tt-assign-layouts first}}
module {
  func.func @relu(%x: tensor<32x32xf32>) -> tensor<32x32xf32> {
    %0 = graph.unary relu %x : tensor<32x32xf32> -> tensor<32x32xf32>
    return %0 : tensor<32x32xf32>
  }
}
