// RUN: tt-opt %s -split-input-file -verify-diagnostics "--tt-assign-precision=overrides=fc2=bfp8,fc9*=bf16"

// Without tt-assign-layouts there is no precision to start from.
// expected-error @below {{module has no grid.precision; run tt-assign-layouts first}}
module {
}

// -----

// An override whose glob names no node is a mistake the user must hear about; `fc2` matches.
#l = #grid.layout<tile 32x32, bf16, dram, interleaved>
// expected-error @below {{precision override 'fc9*=bf16' matches no ONNX node of the model's ops}}
module attributes {grid.precision = "bf16"} {
  func.func @mlp(%x: tensor<32x64xf32, #l>) -> tensor<32x64xf32, #l> {
    %w = graph.constant dense<1.0> : tensor<64x64xf32> : tensor<64x64xf32, #l> loc("w")
    %y = graph.matmul %x, %w : (tensor<32x64xf32, #l>, tensor<64x64xf32, #l>) -> tensor<32x64xf32, #l> loc("fc2")
    return %y : tensor<32x64xf32, #l>
  }
}
