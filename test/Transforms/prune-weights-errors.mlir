// RUN: tt-opt %s -verify-diagnostics --tt-prune-weights=tile-fraction=1.5

// expected-error @+1 {{tile-fraction must be in [0, 1], not 1.5}}
module {
  func.func @f(%x: tensor<32x64xf32>) -> tensor<32x64xf32> {
    %w = graph.constant dense<1.0> : tensor<64x64xf32>
    %y = graph.matmul %x, %w : (tensor<32x64xf32>, tensor<64x64xf32>) -> tensor<32x64xf32>
    return %y : tensor<32x64xf32>
  }
}
