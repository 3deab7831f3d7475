// RUN: tt-opt %s -split-input-file --tt-choose-conv-algorithms | FileCheck %s
// RUN: tt-opt %s -split-input-file --tt-choose-conv-algorithms=winograd=always | FileCheck %s --check-prefix=ALWAYS
// RUN: tt-opt %s -split-input-file --tt-choose-conv-algorithms=winograd=never | FileCheck %s --check-prefix=NEVER
// RUN: tt-opt %s -split-input-file --tt-choose-conv-algorithms=precision=bfp8 | FileCheck %s --check-prefix=BFP8
// RUN: tt-opt %s -split-input-file --tt-choose-conv-algorithms="precision=bfp8 precision-override=big=fp32" | FileCheck %s --check-prefix=OVERRIDE

// In f32, a 3x3 convolution over 256 channels of four 14x14 images spends most of its cycles
// in the FPU: 2.25x fewer products pay for the transforms. The chip goes on the module.
// CHECK: module attributes {grid.chip = #grid.chip<"wormhole_b0"
// CHECK-LABEL: func.func @compute_bound
// CHECK: graph.conv {{.*}}#grid.conv_config<algorithm = winograd, implicit_gemm_cycles = [[IG:[0-9]+]], winograd_cycles = [[W:[0-9]+]]>
// ALWAYS-LABEL: func.func @compute_bound
// ALWAYS: algorithm = winograd
// NEVER-LABEL: func.func @compute_bound
// NEVER: algorithm = implicit_gemm
// Block-float weights would share exponents across transformed weights of different scales.
// BFP8-LABEL: func.func @compute_bound
// BFP8: algorithm = implicit_gemm
// OVERRIDE-LABEL: func.func @compute_bound
// OVERRIDE: algorithm = winograd
func.func @compute_bound(%x: tensor<4x256x14x14xf32>) -> tensor<4x256x14x14xf32> {
  %w = graph.constant dense<0.01> : tensor<256x256x3x3xf32> loc("big")
  %0 = graph.conv %x, %w {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pads = array<i64: 1, 1>, group = 1 : i64} : (tensor<4x256x14x14xf32>, tensor<256x256x3x3xf32>) -> tensor<4x256x14x14xf32> loc("big")
  return %0 : tensor<4x256x14x14xf32>
}

// -----

// Few channels: the transforms move four times the input and the output for little math.
// CHECK-LABEL: func.func @few_channels
// CHECK: #grid.conv_config<algorithm = implicit_gemm
// ALWAYS-LABEL: func.func @few_channels
// ALWAYS: algorithm = winograd
func.func @few_channels(%x: tensor<1x32x16x16xf32>, %b: tensor<32xf32>) -> tensor<1x32x16x16xf32> {
  %w = graph.constant dense<0.5> : tensor<32x32x3x3xf32>
  %0 = graph.conv %x, %w, %b {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pads = array<i64: 1, 1>, group = 1 : i64} : (tensor<1x32x16x16xf32>, tensor<32x32x3x3xf32>, tensor<32xf32>) -> tensor<1x32x16x16xf32>
  return %0 : tensor<1x32x16x16xf32>
}

// -----

// An odd output leaves a padded tile row and a crop of its own: auto keeps the implicit GEMM
// whatever the estimates say.
// CHECK-LABEL: func.func @odd_output
// CHECK: #grid.conv_config<algorithm = implicit_gemm
// ALWAYS-LABEL: func.func @odd_output
// ALWAYS: algorithm = winograd
func.func @odd_output(%x: tensor<16x512x7x7xf32>) -> tensor<16x512x7x7xf32> {
  %w = graph.constant dense<0.01> : tensor<512x512x3x3xf32>
  %0 = graph.conv %x, %w {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pads = array<i64: 1, 1>, group = 1 : i64} : (tensor<16x512x7x7xf32>, tensor<512x512x3x3xf32>) -> tensor<16x512x7x7xf32>
  return %0 : tensor<16x512x7x7xf32>
}

// -----

// Strided, grouped, 1x1 and computed-weight convolutions are not Winograd's: no config.
// ALWAYS-LABEL: func.func @not_winograd
// ALWAYS-NOT: #grid.conv_config
// ALWAYS: return
func.func @not_winograd(%x: tensor<1x8x8x8xf32>, %wc: tensor<8x8x3x3xf32>) -> (tensor<1x8x4x4xf32>, tensor<1x8x8x8xf32>, tensor<1x8x8x8xf32>, tensor<1x8x8x8xf32>) {
  %w = graph.constant dense<0.5> : tensor<8x8x3x3xf32>
  %g = graph.constant dense<0.5> : tensor<8x4x3x3xf32>
  %p = graph.constant dense<0.5> : tensor<8x8x1x1xf32>
  %0 = graph.conv %x, %w {strides = array<i64: 2, 2>, dilations = array<i64: 1, 1>, pads = array<i64: 1, 1>, group = 1 : i64} : (tensor<1x8x8x8xf32>, tensor<8x8x3x3xf32>) -> tensor<1x8x4x4xf32>
  %1 = graph.conv %x, %g {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pads = array<i64: 1, 1>, group = 2 : i64} : (tensor<1x8x8x8xf32>, tensor<8x4x3x3xf32>) -> tensor<1x8x8x8xf32>
  %2 = graph.conv %x, %p {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pads = array<i64: 0, 0>, group = 1 : i64} : (tensor<1x8x8x8xf32>, tensor<8x8x1x1xf32>) -> tensor<1x8x8x8xf32>
  %3 = graph.conv %x, %wc {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pads = array<i64: 1, 1>, group = 1 : i64} : (tensor<1x8x8x8xf32>, tensor<8x8x3x3xf32>) -> tensor<1x8x8x8xf32>
  return %0, %1, %2, %3 : tensor<1x8x4x4xf32>, tensor<1x8x8x8xf32>, tensor<1x8x8x8xf32>, tensor<1x8x8x8xf32>
}
