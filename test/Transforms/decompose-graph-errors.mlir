// RUN: tt-opt %s -split-input-file -verify-diagnostics --tt-decompose-graph

// A #grid.conv_config written by hand may ask Winograd of a convolution it cannot compute.
func.func @winograd_strided(%x: tensor<1x2x8x8xf32>) -> tensor<1x3x4x4xf32> {
  %w = graph.constant dense<1.0> : tensor<3x2x3x3xf32>
  // expected-error @+1 {{Winograd F(2x2, 3x3) takes a 2-D 3x3 convolution of stride 1, dilation 1 and one group with constant f32 weights}}
  %0 = graph.conv %x, %w {strides = array<i64: 2, 2>, dilations = array<i64: 1, 1>, pads = array<i64: 1, 1>, group = 1 : i64, grid.config = #grid.conv_config<algorithm = winograd, implicit_gemm_cycles = 10, winograd_cycles = 9>} : (tensor<1x2x8x8xf32>, tensor<3x2x3x3xf32>) -> tensor<1x3x4x4xf32>
  return %0 : tensor<1x3x4x4xf32>
}
