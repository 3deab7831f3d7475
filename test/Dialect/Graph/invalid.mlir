// RUN: tt-opt %s -split-input-file -verify-diagnostics

func.func @constant_type_mismatch() -> tensor<4xf32> {
  // expected-error @+1 {{'graph.constant' op value has type 'tensor<3xf32>' but result has 'tensor<4xf32>'}}
  %0 = graph.constant dense<1.0> : tensor<3xf32> : tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

func.func @constant_element_mismatch() -> tensor<4xbf16> {
  // expected-error @+1 {{'graph.constant' op value has type 'tensor<4xf32>' but result has 'tensor<4xbf16>'}}
  %0 = graph.constant dense<1.0> : tensor<4xf32> : tensor<4xbf16>
  return %0 : tensor<4xbf16>
}

// -----

func.func @unsupported_element_type(%x: tensor<4xi4>) {
  // expected-error @+1 {{'graph.unary' op operand #0 must be ranked tensor of}}
  %0 = graph.unary relu %x : tensor<4xi4> -> tensor<4xi4>
  return
}

// -----

func.func @matmul_rank1(%a: tensor<4xf32>, %b: tensor<4x5xf32>) {
  // expected-error @+1 {{'graph.matmul' op operands must have rank >= 2}}
  %0 = graph.matmul %a, %b : (tensor<4xf32>, tensor<4x5xf32>) -> tensor<5xf32>
  return
}

// -----

func.func @matmul_contracting(%a: tensor<3x4xf32>, %b: tensor<5x6xf32>) {
  // expected-error @+1 {{'graph.matmul' op contracting dims differ: [3, 4] x [5, 6]}}
  %0 = graph.matmul %a, %b : (tensor<3x4xf32>, tensor<5x6xf32>) -> tensor<3x6xf32>
  return
}

// -----

func.func @matmul_batch(%a: tensor<2x3x4xf32>, %b: tensor<3x4x5xf32>) {
  // expected-error @+1 {{'graph.matmul' op batch dims of [2, 3, 4] and [3, 4, 5] do not broadcast}}
  %0 = graph.matmul %a, %b : (tensor<2x3x4xf32>, tensor<3x4x5xf32>) -> tensor<2x3x5xf32>
  return
}

// -----

func.func @matmul_result(%a: tensor<2x3x4xf32>, %b: tensor<4x5xf32>) {
  // expected-error @+1 {{'graph.matmul' op result shape [3, 5] should be [2, 3, 5]}}
  %0 = graph.matmul %a, %b : (tensor<2x3x4xf32>, tensor<4x5xf32>) -> tensor<3x5xf32>
  return
}

// -----

func.func @gemm_rank(%a: tensor<2x3x5xf32>, %b: tensor<5x4xf32>) {
  // expected-error @+1 {{'graph.gemm' op A, B and the result must be 2-D}}
  %0 = graph.gemm %a, %b : (tensor<2x3x5xf32>, tensor<5x4xf32>) -> tensor<3x4xf32>
  return
}

// -----

func.func @gemm_contracting(%a: tensor<3x5xf32>, %b: tensor<5x4xf32>) {
  // transB makes B 4x5, so K is 5 vs 4.
  // expected-error @+1 {{'graph.gemm' op contracting dims differ: 5 vs 4}}
  %0 = graph.gemm %a, %b {transB = true} : (tensor<3x5xf32>, tensor<5x4xf32>) -> tensor<3x5xf32>
  return
}

// -----

func.func @gemm_contracting_transA(%a: tensor<3x5xf32>, %b: tensor<5x4xf32>) {
  // expected-error @+1 {{'graph.gemm' op contracting dims differ: 3 vs 5}}
  %0 = graph.gemm %a, %b {transA = true} : (tensor<3x5xf32>, tensor<5x4xf32>) -> tensor<5x4xf32>
  return
}

// -----

func.func @gemm_result(%a: tensor<3x5xf32>, %b: tensor<5x4xf32>) {
  // expected-error @+1 {{'graph.gemm' op result shape [4, 3] should be [3, 4]}}
  %0 = graph.gemm %a, %b : (tensor<3x5xf32>, tensor<5x4xf32>) -> tensor<4x3xf32>
  return
}

// -----

func.func @gemm_bias(%a: tensor<3x5xf32>, %b: tensor<5x4xf32>, %c: tensor<3xf32>) {
  // expected-error @+1 {{'graph.gemm' op C of shape [3] does not broadcast to [3, 4]}}
  %0 = graph.gemm %a, %b, %c : (tensor<3x5xf32>, tensor<5x4xf32>, tensor<3xf32>) -> tensor<3x4xf32>
  return
}

// -----

func.func @gemm_bias_too_big(%a: tensor<3x5xf32>, %b: tensor<5x4xf32>, %c: tensor<2x3x4xf32>) {
  // C must broadcast *to* the result, not the other way round.
  // expected-error @+1 {{'graph.gemm' op C of shape [2, 3, 4] does not broadcast to [3, 4]}}
  %0 = graph.gemm %a, %b, %c : (tensor<3x5xf32>, tensor<5x4xf32>, tensor<2x3x4xf32>) -> tensor<3x4xf32>
  return
}

// -----

func.func @add_no_broadcast(%x: tensor<3x4xf32>, %y: tensor<3xf32>) {
  // expected-error @+1 {{'graph.binary' op shapes [3, 4] and [3] do not broadcast}}
  %0 = graph.binary add %x, %y : (tensor<3x4xf32>, tensor<3xf32>) -> tensor<3x4xf32>
  return
}

// -----

func.func @add_result(%x: tensor<3x4xf32>, %y: tensor<4xf32>) {
  // expected-error @+1 {{'graph.binary' op result shape [4] should be [3, 4]}}
  %0 = graph.binary add %x, %y : (tensor<3x4xf32>, tensor<4xf32>) -> tensor<4xf32>
  return
}

// -----

func.func @mul_no_broadcast(%x: tensor<2x3xf32>, %y: tensor<3x3xf32>) {
  // expected-error @+1 {{'graph.binary' op shapes [2, 3] and [3, 3] do not broadcast}}
  %0 = graph.binary mul %x, %y : (tensor<2x3xf32>, tensor<3x3xf32>) -> tensor<3x3xf32>
  return
}

// -----

func.func @mul_result(%x: tensor<3x1xf32>, %y: tensor<1x4xf32>) {
  // expected-error @+1 {{'graph.binary' op result shape [3, 1] should be [3, 4]}}
  %0 = graph.binary mul %x, %y : (tensor<3x1xf32>, tensor<1x4xf32>) -> tensor<3x1xf32>
  return
}

// -----

func.func @unary_shapes(%x: tensor<3x4xf32>) {
  // expected-error @+1 {{'graph.unary' op requires the same shape for all operands and results}}
  %0 = graph.unary relu %x : tensor<3x4xf32> -> tensor<4x3xf32>
  return
}

// -----

func.func @softmax_axis_too_big(%x: tensor<3x4xf32>) {
  // expected-error @+1 {{'graph.softmax' op axis 2 is outside [0, 2)}}
  %0 = graph.softmax %x {axis = 2 : i64} : tensor<3x4xf32>
  return
}

// -----

func.func @softmax_types(%x: tensor<3x4xf32>) {
  // expected-error @+1 {{'graph.softmax' op failed to verify that all of {input, result} have same element type}}
  %0 = "graph.softmax"(%x) {axis = 1 : i64} : (tensor<3x4xf32>) -> tensor<3x4xbf16>
  return
}

// -----

func.func @softmax_shapes(%x: tensor<3x4xf32>) {
  // expected-error @+1 {{'graph.softmax' op failed to verify that all of {input, result} have same shape}}
  %0 = graph.softmax %x {axis = 1 : i64} : tensor<3x4xf32> -> tensor<4x3xf32>
  return
}

// -----

func.func @transpose_rank(%x: tensor<3x4xf32>) {
  // expected-error @+1 {{'graph.transpose' op perm, input and result must have the same rank}}
  %0 = graph.transpose %x {perm = array<i64: 0, 1, 2>} : (tensor<3x4xf32>) -> tensor<3x4xf32>
  return
}

// -----

func.func @transpose_result_rank(%x: tensor<3x4xf32>) {
  // expected-error @+1 {{'graph.transpose' op perm, input and result must have the same rank}}
  %0 = graph.transpose %x {perm = array<i64: 1, 0>} : (tensor<3x4xf32>) -> tensor<4x3x1xf32>
  return
}

// -----

func.func @transpose_duplicate(%x: tensor<3x3xf32>) {
  // expected-error @+1 {{'graph.transpose' op perm [0, 0] is not a permutation}}
  %0 = graph.transpose %x {perm = array<i64: 0, 0>} : (tensor<3x3xf32>) -> tensor<3x3xf32>
  return
}

// -----

func.func @transpose_out_of_range(%x: tensor<3x4xf32>) {
  // expected-error @+1 {{'graph.transpose' op perm [2, 0] is not a permutation}}
  %0 = graph.transpose %x {perm = array<i64: 2, 0>} : (tensor<3x4xf32>) -> tensor<4x3xf32>
  return
}

// -----

func.func @transpose_negative(%x: tensor<3x4xf32>) {
  // expected-error @+1 {{'graph.transpose' op perm [-1, 0] is not a permutation}}
  %0 = graph.transpose %x {perm = array<i64: -1, 0>} : (tensor<3x4xf32>) -> tensor<4x3xf32>
  return
}

// -----

func.func @transpose_result_dim(%x: tensor<2x3x4xf32>) {
  // expected-error @+1 {{'graph.transpose' op result dim 1 is 3 but should be 4}}
  %0 = graph.transpose %x {perm = array<i64: 0, 2, 1>} : (tensor<2x3x4xf32>) -> tensor<2x3x4xf32>
  return
}

// -----

func.func @reshape_count(%x: tensor<2x3x4xf32>) {
  // expected-error @+1 {{'graph.reshape' op cannot reshape [2, 3, 4] (24 values) into [5, 5]}}
  %0 = graph.reshape %x : (tensor<2x3x4xf32>) -> tensor<5x5xf32>
  return
}

// -----

func.func @reshape_count_scalar(%x: tensor<2xf32>) {
  // expected-error @+1 {{'graph.reshape' op cannot reshape [2] (2 values) into []}}
  %0 = graph.reshape %x : (tensor<2xf32>) -> tensor<f32>
  return
}

// -----

func.func @reshape_element_type(%x: tensor<2x3xf32>) {
  // expected-error @+1 {{'graph.reshape' op element type changes}}
  %0 = graph.reshape %x : (tensor<2x3xf32>) -> tensor<6xi64>
  return
}

// -----

func.func @reduce_drops_rank(%x: tensor<3x4x5xf32>) {
  // expected-error @+1 {{'graph.reduce' op keeps the rank: reduced axes become size 1}}
  %0 = graph.reduce sum %x {axes = array<i64: 1>} : (tensor<3x4x5xf32>) -> tensor<3x5xf32>
  return
}

// -----

func.func @reduce_duplicate_axes(%x: tensor<3x4x5xf32>) {
  // expected-error @+1 {{'graph.reduce' op axes [1, 1] are not distinct axes of [3, 4, 5]}}
  %0 = graph.reduce max %x {axes = array<i64: 1, 1>} : (tensor<3x4x5xf32>) -> tensor<3x1x5xf32>
  return
}

// -----

func.func @reduce_axis_too_big(%x: tensor<3x4x5xf32>) {
  // expected-error @+1 {{'graph.reduce' op axes [3] are not distinct axes of [3, 4, 5]}}
  %0 = graph.reduce min %x {axes = array<i64: 3>} : (tensor<3x4x5xf32>) -> tensor<3x4x5xf32>
  return
}

// -----

func.func @reduce_axis_negative(%x: tensor<3x4x5xf32>) {
  // Negative axes are normalised by the importer.
  // expected-error @+1 {{'graph.reduce' op axes [-1] are not distinct axes of [3, 4, 5]}}
  %0 = graph.reduce sum %x {axes = array<i64: -1>} : (tensor<3x4x5xf32>) -> tensor<3x4x1xf32>
  return
}

// -----

func.func @reduce_dim_not_one(%x: tensor<3x4x5xf32>) {
  // expected-error @+1 {{'graph.reduce' op result shape [3, 2, 5] should keep [3, 4, 5] with the reduced axes as 1}}
  %0 = graph.reduce mean %x {axes = array<i64: 1>} : (tensor<3x4x5xf32>) -> tensor<3x2x5xf32>
  return
}

// -----

func.func @reduce_kept_dim_changed(%x: tensor<3x4x5xf32>) {
  // expected-error @+1 {{'graph.reduce' op result shape [1, 1, 5] should keep [3, 4, 5] with the reduced axes as 1}}
  %0 = graph.reduce prod %x {axes = array<i64: 1>} : (tensor<3x4x5xf32>) -> tensor<1x1x5xf32>
  return
}

// -----

func.func @reduce_bad_kind(%x: tensor<3x4xf32>) {
  // expected-error @+1 {{expected string or keyword containing one of the following enum values for attribute 'kind' [sum, mean, max, min, prod, l1, l2, log_sum, log_sum_exp, sum_square]}}
  %0 = graph.reduce argmax %x {axes = array<i64: 1>} : (tensor<3x4xf32>) -> tensor<3x1xf32>
  return
}

// -----

func.func @unary_bad_kind(%x: tensor<3x4xf32>) {
  // expected-error @+1 {{expected string or keyword containing one of the following enum values for attribute 'kind' [abs, neg, exp, log, sqrt, reciprocal, sigmoid, tanh, erf, sin, cos, floor, ceil, round, sign, relu, leaky_relu, elu, selu, softplus, softsign, not, hard_sigmoid, hard_swish, thresholded_relu, clip, identity, isnan, isinf, trunc, to_bool, tan, asin, acos, atan, sinh, cosh, asinh, acosh, atanh, gelu, gelu_tanh, rsqrt]}}
  %0 = graph.unary swish %x : tensor<3x4xf32> -> tensor<3x4xf32>
  return
}

// -----

func.func @binary_bad_kind(%x: tensor<3x4xf32>) {
  // expected-error @+1 {{expected string or keyword containing one of the following enum values for attribute 'kind' [add, sub, mul, div, pow, max, min, mod, fmod, equal, less, greater, less_or_equal, greater_or_equal, and, or, xor, prelu]}}
  %0 = graph.binary atan2 %x, %x : (tensor<3x4xf32>, tensor<3x4xf32>) -> tensor<3x4xf32>
  return
}

// -----

func.func @binary_bool_result_shape(%x: tensor<3x4xf32>, %y: tensor<3x1xf32>) {
  // expected-error @+1 {{'graph.binary' op result shape [3, 1] should be [3, 4]}}
  %0 = graph.binary less %x, %y : (tensor<3x4xf32>, tensor<3x1xf32>) -> tensor<3x1xi1>
  return
}

// -----

func.func @where_values_do_not_broadcast(%c: tensor<2x3xi1>, %x: tensor<3xf32>, %y: tensor<2xf32>) {
  // expected-error @+1 {{'graph.where' op condition and values do not broadcast}}
  %0 = graph.where %c, %x, %y : (tensor<2x3xi1>, tensor<3xf32>, tensor<2xf32>) -> tensor<2x3xf32>
  return
}

// -----

func.func @where_condition_does_not_broadcast(%c: tensor<4xi1>, %x: tensor<2x3xf32>, %y: tensor<2x3xf32>) {
  // expected-error @+1 {{'graph.where' op condition and values do not broadcast}}
  %0 = graph.where %c, %x, %y : (tensor<4xi1>, tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
  return
}

// -----

func.func @where_result_shape(%c: tensor<4x1x3xi1>, %x: tensor<2x3xf32>, %y: tensor<f32>) {
  // The condition broadcasts the result too.
  // expected-error @+1 {{'graph.where' op result shape [2, 3] should be [4, 2, 3]}}
  %0 = graph.where %c, %x, %y : (tensor<4x1x3xi1>, tensor<2x3xf32>, tensor<f32>) -> tensor<2x3xf32>
  return
}

// -----

func.func @log_softmax_axis(%x: tensor<3x4xf32>) {
  // expected-error @+1 {{'graph.softmax' op axis 2 is outside [0, 2)}}
  %0 = graph.softmax %x {axis = 2 : i64, log} : tensor<3x4xf32>
  return
}

// -----

func.func @log_softmax_types(%x: tensor<3x4xf32>) {
  // expected-error @+1 {{'graph.softmax' op failed to verify that all of {input, result} have same element type}}
  %0 = "graph.softmax"(%x) {axis = 1 : i64, log} : (tensor<3x4xf32>) -> tensor<3x4xbf16>
  return
}

// -----

func.func @gather_rows_3d_table(%t: tensor<4x5x6xf32>, %i: tensor<3xi64>) {
  // expected-error @+1 {{'graph.gather_rows' op takes a 2-D table and 1-D indices, not [4, 5, 6] and [3]}}
  %0 = graph.gather_rows %t, %i : (tensor<4x5x6xf32>, tensor<3xi64>) -> tensor<3x6xf32>
  return
}

// -----

func.func @gather_rows_float_indices(%t: tensor<4x6xf32>, %i: tensor<3xf32>) {
  // expected-error @+1 {{'graph.gather_rows' op indices must be integers}}
  %0 = graph.gather_rows %t, %i : (tensor<4x6xf32>, tensor<3xf32>) -> tensor<3x6xf32>
  return
}

// -----

func.func @gather_rows_bad_result(%t: tensor<4x6xf32>, %i: tensor<3xi64>) {
  // expected-error @+1 {{'graph.gather_rows' op result shape [3, 4] should be [3, 6]}}
  %0 = graph.gather_rows %t, %i : (tensor<4x6xf32>, tensor<3xi64>) -> tensor<3x4xf32>
  return
}

// -----

func.func @conv_groups(%x: tensor<1x4x8x8xf32>, %w: tensor<6x3x3x3xf32>) {
  // expected-error @+1 {{'graph.conv' op weight [6, 3, 3, 3] does not fit 4 input channels in 2 groups}}
  %0 = graph.conv %x, %w {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pads = array<i64: 1, 1>, group = 2 : i64} : (tensor<1x4x8x8xf32>, tensor<6x3x3x3xf32>) -> tensor<1x6x8x8xf32>
  return
}

// -----

func.func @conv_result(%x: tensor<1x4x8x8xf32>, %w: tensor<6x4x3x3xf32>) {
  // expected-error @+1 {{'graph.conv' op result [1, 4, 8, 8] must be [batch, 6, ...]}}
  %0 = graph.conv %x, %w {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pads = array<i64: 1, 1>, group = 1 : i64} : (tensor<1x4x8x8xf32>, tensor<6x4x3x3xf32>) -> tensor<1x4x8x8xf32>
  return
}

// -----

func.func @conv_attrs(%x: tensor<1x4x8x8xf32>, %w: tensor<6x4x3x3xf32>) {
  // expected-error @+1 {{'graph.conv' op needs 2 strides, dilations and pads}}
  %0 = graph.conv %x, %w {strides = array<i64: 1>, dilations = array<i64: 1, 1>, pads = array<i64: 1, 1>, group = 1 : i64} : (tensor<1x4x8x8xf32>, tensor<6x4x3x3xf32>) -> tensor<1x6x8x8xf32>
  return
}

// -----

func.func @conv_bias(%x: tensor<1x4x8x8xf32>, %w: tensor<6x4x3x3xf32>, %b: tensor<4xf32>) {
  // expected-error @+1 {{'graph.conv' op bias must be [6]}}
  %0 = graph.conv %x, %w, %b {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pads = array<i64: 1, 1>, group = 1 : i64} : (tensor<1x4x8x8xf32>, tensor<6x4x3x3xf32>, tensor<4xf32>) -> tensor<1x6x8x8xf32>
  return
}

// -----

func.func @conv_stride(%x: tensor<1x4x8x8xf32>, %w: tensor<6x4x3x3xf32>) {
  // expected-error @+1 {{'graph.conv' op strides and dilations must be positive and pads non-negative}}
  %0 = graph.conv %x, %w {strides = array<i64: 0, 1>, dilations = array<i64: 1, 1>, pads = array<i64: 1, 1>, group = 1 : i64} : (tensor<1x4x8x8xf32>, tensor<6x4x3x3xf32>) -> tensor<1x6x8x8xf32>
  return
}

// -----

func.func @batch_norm_params(%x: tensor<1x4x8x8xf32>, %p: tensor<4xf32>, %q: tensor<3xf32>) {
  // expected-error @+1 {{'graph.batch_norm' op parameters must be [4], one per channel}}
  %0 = graph.batch_norm %x, %p, %p, %p, %q {epsilon = 1.0e-5 : f32} : (tensor<1x4x8x8xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<3xf32>) -> tensor<1x4x8x8xf32>
  return
}

// -----

func.func @batch_norm_result(%x: tensor<1x4x8x8xf32>, %p: tensor<4xf32>) {
  // expected-error @+1 {{'graph.batch_norm' op result type must be the input's}}
  %0 = graph.batch_norm %x, %p, %p, %p, %p {epsilon = 1.0e-5 : f32} : (tensor<1x4x8x8xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<1x4x8x9xf32>
  return
}

// -----

func.func @matmul_bias_shape(%a: tensor<3x4xf32>, %b: tensor<4x5xf32>, %bias: tensor<3xf32>) {
  // expected-error @+1 {{'graph.matmul' op bias must be [5], one value per column}}
  %0 = graph.matmul %a, %b, %bias : (tensor<3x4xf32>, tensor<4x5xf32>, tensor<3xf32>) -> tensor<3x5xf32>
  return
}

// -----

func.func @matmul_activation(%a: tensor<3x4xf32>, %b: tensor<4x5xf32>) {
  // expected-error @+1 {{'graph.matmul' op activation exp is not one a matmul applies (relu, gelu, gelu_tanh, clip)}}
  %0 = graph.matmul %a, %b then exp : (tensor<3x4xf32>, tensor<4x5xf32>) -> tensor<3x5xf32>
  return
}

// -----

func.func @pool_pads(%x: tensor<1x2x5x5xf32>) -> tensor<1x2x3x3xf32> {
  // expected-error @+1 {{'graph.pool' op needs 2 kernel dims, strides and dilations, and 4 pads}}
  %0 = graph.pool max %x {kernel = array<i64: 3, 3>, strides = array<i64: 2, 2>, dilations = array<i64: 1, 1>, pads = array<i64: 1, 1>} : (tensor<1x2x5x5xf32>) -> tensor<1x2x3x3xf32>
  return %0 : tensor<1x2x3x3xf32>
}

// -----

func.func @pool_channels(%x: tensor<1x2x5x5xf32>) -> tensor<1x3x3x3xf32> {
  // expected-error @+1 {{'graph.pool' op result [1, 3, 3, 3] must be [1, 2, ...]}}
  %0 = graph.pool max %x {kernel = array<i64: 3, 3>, strides = array<i64: 2, 2>, dilations = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>} : (tensor<1x2x5x5xf32>) -> tensor<1x3x3x3xf32>
  return %0 : tensor<1x3x3x3xf32>
}

// -----

func.func @pool_too_many_windows(%x: tensor<1x2x5x5xf32>) -> tensor<1x2x5x3xf32> {
  // expected-error @+1 {{'graph.pool' op spatial dim 0 of the result has 5 windows, which do not fit the input}}
  %0 = graph.pool max %x {kernel = array<i64: 3, 3>, strides = array<i64: 2, 2>, dilations = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>} : (tensor<1x2x5x5xf32>) -> tensor<1x2x5x3xf32>
  return %0 : tensor<1x2x5x3xf32>
}

// -----

func.func @matmul_residual_type(%a: tensor<4x8xf32>, %b: tensor<8x16xf32>, %r: tensor<4x8xf32>) -> tensor<4x16xf32> {
  // expected-error @+1 {{'graph.matmul' op residual must have the result's shape and element type 'tensor<4x16xf32>'}}
  %0 = graph.matmul %a, %b plus %r : (tensor<4x8xf32>, tensor<8x16xf32>, tensor<4x8xf32>) -> tensor<4x16xf32>
  return %0 : tensor<4x16xf32>
}

// -----

func.func @weighted_max(%x: tensor<4x8x32xf32>, %w: tensor<4x1x32xf32>) -> tensor<1x8x32xf32> {
  // expected-error @+1 {{'graph.reduce' op weights only weigh a sum}}
  %0 = graph.reduce max %x times %w {axes = array<i64: 0>} : (tensor<4x8x32xf32>, tensor<4x1x32xf32>) -> tensor<1x8x32xf32>
  return %0 : tensor<1x8x32xf32>
}

// -----

func.func @reduce_bias_shape(%x: tensor<4x8x32xf32>, %b: tensor<8xf32>) -> tensor<1x8x32xf32> {
  // expected-error @+1 {{'graph.reduce' op bias must be [32], one value per column}}
  %0 = graph.reduce sum %x, %b {axes = array<i64: 0>} : (tensor<4x8x32xf32>, tensor<8xf32>) -> tensor<1x8x32xf32>
  return %0 : tensor<1x8x32xf32>
}

// -----

func.func @reduce_activation(%x: tensor<4x8x32xf32>) -> tensor<1x8x32xf32> {
  // expected-error @+1 {{'graph.reduce' op activation exp is not one a kernel applies (relu, gelu, gelu_tanh, clip)}}
  %0 = graph.reduce sum %x then exp {axes = array<i64: 0>} : (tensor<4x8x32xf32>) -> tensor<1x8x32xf32>
  return %0 : tensor<1x8x32xf32>
}

// -----

func.func @weights_shape(%x: tensor<4x8x32xf32>, %w: tensor<4x8x33xf32>) -> tensor<1x8x32xf32> {
  // expected-error @+1 {{'graph.reduce' op weights [4, 8, 33] must broadcast to the input [4, 8, 32]}}
  %0 = graph.reduce sum %x times %w {axes = array<i64: 0>} : (tensor<4x8x32xf32>, tensor<4x8x33xf32>) -> tensor<1x8x32xf32>
  return %0 : tensor<1x8x32xf32>
}

// -----

func.func @weighted_rows(%x: tensor<4x8x32xf32>, %w: tensor<4x1x32xf32>) -> tensor<4x1x32xf32> {
  // expected-error @+1 {{'graph.reduce' op with weights, only axes before the last two reduce}}
  %0 = graph.reduce sum %x times %w {axes = array<i64: 1>} : (tensor<4x8x32xf32>, tensor<4x1x32xf32>) -> tensor<4x1x32xf32>
  return %0 : tensor<4x1x32xf32>
}

// -----

func.func @concat_sizes(%a: tensor<2x3xf32>, %b: tensor<2x4xf32>) -> tensor<2x8xf32> {
  // expected-error @+1 {{'graph.concat' op inputs add up to 7 along axis 1, the result has 8}}
  %0 = graph.concat %a, %b {axis = 1 : i64} : (tensor<2x3xf32>, tensor<2x4xf32>) -> tensor<2x8xf32>
  return %0 : tensor<2x8xf32>
}

// -----

func.func @concat_off_axis(%a: tensor<2x3xf32>, %b: tensor<3x4xf32>) -> tensor<2x7xf32> {
  // expected-error @+1 {{'graph.concat' op input [3, 4] differs from the result [2, 7] off the axis}}
  %0 = graph.concat %a, %b {axis = 1 : i64} : (tensor<2x3xf32>, tensor<3x4xf32>) -> tensor<2x7xf32>
  return %0 : tensor<2x7xf32>
}

// -----

func.func @concat_axis(%a: tensor<2x3xf32>) -> tensor<2x3xf32> {
  // expected-error @+1 {{'graph.concat' op axis 2 is not an axis of the rank-2 result}}
  %0 = graph.concat %a {axis = 2 : i64} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

func.func @layer_norm_axis(%x: tensor<3x4xf32>) {
  // expected-error @+1 {{'graph.layer_norm' op axis 2 is outside [0, 2)}}
  %0 = graph.layer_norm %x {axis = 2 : i64, epsilon = 1.0e-05 : f32} : (tensor<3x4xf32>) -> tensor<3x4xf32>
  return
}

// -----

func.func @layer_norm_shape(%x: tensor<3x4xf32>) {
  // expected-error @+1 {{'graph.layer_norm' op result shape [3, 1] differs from the input's [3, 4]}}
  %0 = graph.layer_norm %x {axis = 1 : i64, epsilon = 1.0e-05 : f32} : (tensor<3x4xf32>) -> tensor<3x1xf32>
  return
}

// -----

// A scale that varies along an axis the statistics are not taken over is not a norm's.
func.func @layer_norm_scale_per_row(%x: tensor<3x4xf32>, %g: tensor<3x1xf32>) {
  // expected-error @+1 {{'graph.layer_norm' op scale [3, 1] must broadcast over the normalised axes of [3, 4] (from axis 1) only}}
  %0 = graph.layer_norm %x scale %g {axis = 1 : i64, epsilon = 1.0e-05 : f32} : (tensor<3x4xf32>, tensor<3x1xf32>) -> tensor<3x4xf32>
  return
}

// -----

func.func @rms_norm_scale_too_long(%x: tensor<3x4xf32>, %g: tensor<5xf32>) {
  // expected-error @+1 {{'graph.rms_norm' op scale [5] must broadcast over the normalised axes of [3, 4] (from axis 1) only}}
  %0 = graph.rms_norm %x scale %g {axis = 1 : i64, epsilon = 1.0e-05 : f32} : (tensor<3x4xf32>, tensor<5xf32>) -> tensor<3x4xf32>
  return
}

// -----

func.func @sdpa_keys(%q: tensor<4x96x64xf32>, %kt: tensor<4x32x80xf32>, %v: tensor<4x80x64xf32>) {
  // expected-error @+1 {{'graph.sdpa' op kt [4, 32, 80] must be [..., 64, Sk] and v [4, 80, 64] [..., Sk, Dv]}}
  %0 = graph.sdpa %q, %kt, %v {scale = 1.0 : f32} : (tensor<4x96x64xf32>, tensor<4x32x80xf32>, tensor<4x80x64xf32>) -> tensor<4x96x64xf32>
  return
}

// -----

// Grouped-query attention's shared keys are repeated before this op, not broadcast by it.
func.func @sdpa_batch(%q: tensor<4x96x64xf32>, %kt: tensor<1x64x80xf32>, %v: tensor<4x80x64xf32>) {
  // expected-error @+1 {{'graph.sdpa' op q [4, 96, 64], kt [1, 64, 80] and v [4, 80, 64] must have the same leading dims}}
  %0 = graph.sdpa %q, %kt, %v {scale = 1.0 : f32} : (tensor<4x96x64xf32>, tensor<1x64x80xf32>, tensor<4x80x64xf32>) -> tensor<4x96x64xf32>
  return
}

// -----

func.func @sdpa_mask(%q: tensor<4x96x64xf32>, %kt: tensor<4x64x80xf32>, %v: tensor<4x80x64xf32>, %m: tensor<96x96xf32>) {
  // expected-error @+1 {{'graph.sdpa' op mask [96, 96] does not broadcast to the scores [4, 96, 80]}}
  %0 = graph.sdpa %q, %kt, %v mask %m {scale = 1.0 : f32} : (tensor<4x96x64xf32>, tensor<4x64x80xf32>, tensor<4x80x64xf32>, tensor<96x96xf32>) -> tensor<4x96x64xf32>
  return
}

// -----

func.func @sdpa_result(%q: tensor<4x96x64xf32>, %kt: tensor<4x64x80xf32>, %v: tensor<4x80x32xf32>) {
  // expected-error @+1 {{'graph.sdpa' op result shape [4, 96, 64] should be [4, 96, 32]}}
  %0 = graph.sdpa %q, %kt, %v {scale = 1.0 : f32} : (tensor<4x96x64xf32>, tensor<4x64x80xf32>, tensor<4x80x32xf32>) -> tensor<4x96x64xf32>
  return
}

// -----

func.func @sdpa_causal_offset(%q: tensor<4x40x64xf32>, %kt: tensor<4x64x50xf32>, %v: tensor<4x50x64xf32>) {
  // expected-error @+1 {{'graph.sdpa' op causal attention needs as many keys as queries or more by a multiple of 32, not 50 keys for 40 queries}}
  %0 = graph.sdpa %q, %kt, %v {causal, scale = 1.0 : f32} : (tensor<4x40x64xf32>, tensor<4x64x50xf32>, tensor<4x50x64xf32>) -> tensor<4x40x64xf32>
  return
}

// -----

func.func @group_norm_groups(%x: tensor<2x30x8x8xf32>) {
  // expected-error @+1 {{'graph.group_norm' op num_groups 8 does not divide the 30 channels}}
  %0 = graph.group_norm %x {num_groups = 8 : i64, epsilon = 1.0e-05 : f32} : (tensor<2x30x8x8xf32>) -> tensor<2x30x8x8xf32>
  return
}

// -----

func.func @group_norm_scale(%x: tensor<2x32x8x8xf32>, %g: tensor<32x1x1xf32>) {
  // expected-error @+1 {{'graph.group_norm' op scale and bias must be [32], not [32, 1, 1]}}
  %0 = graph.group_norm %x scale %g {num_groups = 8 : i64, epsilon = 1.0e-05 : f32} : (tensor<2x32x8x8xf32>, tensor<32x1x1xf32>) -> tensor<2x32x8x8xf32>
  return
}

// -----

func.func @sdpa_result_map(%q: tensor<2x96x64xf32>, %kt: tensor<2x64x96xf32>, %v: tensor<2x96x64xf32>) {
  // expected-error @+1 {{'graph.sdpa' op result_map must take the output [2, 96, 64] to the result [96, 64]}}
  %0 = graph.sdpa %q, %kt, %v {result_map = affine_map<(d0, d1, d2) -> (d1, d2)>, scale = 1.0 : f32} : (tensor<2x96x64xf32>, tensor<2x64x96xf32>, tensor<2x96x64xf32>) -> tensor<96x64xf32>
  return
}
