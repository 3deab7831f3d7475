// RUN: tt-opt %s -split-input-file -verify-diagnostics --tt-choose-conv-algorithms=winograd=sometimes
// RUN: not tt-opt %s --tt-choose-conv-algorithms=precision=fp16 2>&1 | FileCheck %s --check-prefix=PRECISION
// RUN: not tt-opt %s --tt-choose-conv-algorithms=chip=nochip 2>&1 | FileCheck %s --check-prefix=CHIP

// PRECISION: error: unknown precision 'fp16' (expected fp32, bf16, bfp8 or bfp4)
// CHIP: error: unknown chip 'nochip'

// expected-error @+1 {{winograd must be auto, always or never, not 'sometimes'}}
module {
  func.func @main(%x: tensor<1x8x8x8xf32>) -> tensor<1x8x8x8xf32> {
    %w = graph.constant dense<0.5> : tensor<8x8x3x3xf32>
    %0 = graph.conv %x, %w {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pads = array<i64: 1, 1>, group = 1 : i64} : (tensor<1x8x8x8xf32>, tensor<8x8x3x3xf32>) -> tensor<1x8x8x8xf32>
    return %0 : tensor<1x8x8x8xf32>
  }
}
