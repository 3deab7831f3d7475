// RUN: tt-opt %s -split-input-file -verify-diagnostics

// expected-error @+1 {{tiles must be 32x32, got 16x32}}
func.func @tiny_tile(%t: !tile.tile<16x32, bf16>) { return }

// -----

// expected-error @+1 {{tiles must be 32x32, got 32x64}}
func.func @wide_tile(%t: !tile.tile<32x64, f32>) { return }

// -----

// expected-error @+1 {{tile shape must have two dimensions}}
func.func @tile_rank(%t: !tile.tile<32x32x32, f32>) { return }

// -----

// expected-error @+1 {{unknown data format 'fp16'}}
func.func @tile_format(%t: !tile.tile<32x32, fp16>) { return }

// -----

// expected-error @+2 {{expected ::tessel::tile::DataFormat to be one of: f32, bf16, bfp8_b, bfp4_b, bfp2_b, int32}}
// expected-error @+1 {{failed to parse Tile_DataFormatAttr parameter 'value'}}
func.func @format_attr() attributes {f = #tile<format bfp16>} { return }

// -----

func.func @matmul_int_lhs(%a: !tile.tile<32x32, int32>, %b: !tile.tile<32x32, f32>, %d: index) {
  // expected-error @+1 {{'tile.matmul' op multiplies two int32 tiles or none}}
  tile.matmul %a, %b, dst[%d] : !tile.tile<32x32, int32>, !tile.tile<32x32, f32>
  return
}

// -----

func.func @matmul_int_rhs(%a: !tile.tile<32x32, bf16>, %b: !tile.tile<32x32, int32>, %d: index) {
  // expected-error @+1 {{'tile.matmul' op multiplies two int32 tiles or none}}
  tile.matmul %a, %b, dst[%d] : !tile.tile<32x32, bf16>, !tile.tile<32x32, int32>
  return
}

// -----

func.func @binary_int_lhs(%a: !tile.tile<32x32, int32>, %b: !tile.tile<32x32, f32>, %d: index) {
  // expected-error @+1 {{'tile.binary' op takes two int32 tiles or none}}
  tile.binary add bcast none %a, %b, dst[%d] : !tile.tile<32x32, int32>, !tile.tile<32x32, f32>
  return
}

// -----

func.func @binary_int_rhs(%a: !tile.tile<32x32, f32>, %b: !tile.tile<32x32, int32>, %d: index) {
  // expected-error @+1 {{'tile.binary' op takes two int32 tiles or none}}
  tile.binary mul bcast rows %a, %b, dst[%d] : !tile.tile<32x32, f32>, !tile.tile<32x32, int32>
  return
}

// -----

func.func @binary_int_prelu(%a: !tile.tile<32x32, int32>, %b: !tile.tile<32x32, int32>, %d: index) {
  // expected-error @+1 {{'tile.binary' op 'prelu' has no integer form for int32 tiles}}
  tile.binary prelu bcast none %a, %b, dst[%d] : !tile.tile<32x32, int32>, !tile.tile<32x32, int32>
  return
}

// -----

func.func @binary_bad_kind(%a: !tile.tile<32x32, f32>, %d: index) {
  // expected-error @+1 {{expected string or keyword containing one of the following enum values for attribute 'kind' [add, sub, mul, max, min, div, pow, fmod, mod, eq, lt, gt, le, ge, and, or, xor, prelu, where_into]}}
  tile.binary divide bcast none %a, %a, dst[%d] : !tile.tile<32x32, f32>, !tile.tile<32x32, f32>
  return
}

// -----

func.func @binary_bad_bcast(%a: !tile.tile<32x32, f32>, %d: index) {
  // expected-error @+1 {{expected string or keyword containing one of the following enum values for attribute 'bcast' [none, rows, cols, scalar]}}
  tile.binary add bcast both %a, %a, dst[%d] : !tile.tile<32x32, f32>, !tile.tile<32x32, f32>
  return
}

// -----

func.func @unary_param_relu(%d: index) {
  // expected-error @+1 {{'tile.unary' op 'relu' takes no param}}
  tile.unary relu dst[%d] {param = 1.0 : f32}
  return
}

// -----

func.func @unary_param_exp(%d: index) {
  // expected-error @+1 {{'tile.unary' op 'exp' takes no param}}
  tile.unary exp dst[%d] {param = -2.0 : f32}
  return
}

// -----

func.func @unary_param_recip(%d: index) {
  // expected-error @+1 {{'tile.unary' op 'recip' takes no param}}
  tile.unary recip dst[%d] {param = 0.5 : f32}
  return
}

// -----

func.func @unary_param_neg(%d: index) {
  // expected-error @+1 {{'tile.unary' op 'neg' takes no param}}
  tile.unary neg dst[%d] {param = 3.0 : f32}
  return
}

// -----

func.func @unary_bad_kind(%d: index) {
  // expected-error @+1 {{expected string or keyword containing one of the following enum values for attribute 'kind' [relu, exp, recip, neg, scale, shift, abs, sqrt, log, sigmoid, tanh, erf, sin, cos, floor, ceil, round, sign, max_scalar, min_scalar, leaky_relu, elu, softplus, not, pow_scalar, square, thresholded_relu, rsqrt, isnan, isinf, tan, asin, acos, atan, sinh, cosh, asinh, acosh, atanh, gelu, gelu_tanh, div_scalar, to_float, to_int]}}
  tile.unary swish dst[%d]
  return
}

// -----

func.func @reduce_dim2(%t: !tile.tile<32x32, f32>, %d: index) {
  // expected-error @+1 {{'tile.reduce' op dim must be 0 (across columns) or 1 (across rows), got 2}}
  tile.reduce sum dim 2 %t, dst[%d] : !tile.tile<32x32, f32>
  return
}


// -----

func.func @matmul_not_a_tile(%a: tensor<32x32xf32>, %d: index) {
  // expected-error @+1 {{'tile.matmul' op operand #0 must be A 32x32 tile in an on-chip data format, but got 'tensor<32x32xf32>'}}
  tile.matmul %a, %a, dst[%d] : tensor<32x32xf32>, tensor<32x32xf32>
  return
}
