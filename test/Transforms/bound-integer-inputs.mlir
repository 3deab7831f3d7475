// RUN: tt-opt %s -split-input-file -verify-diagnostics --tt-assign-layouts=precision=bf16 --tt-bound-integer-inputs --mlir-print-local-scope | FileCheck %s

// Two i64 inputs summed in int32: each keeps 30 bits so that the sum stays within int32.
// CHECK-LABEL: func.func @sum_i64
// CHECK-SAME: %arg0: {{[^{]*}} {graph.exact_range = {hi = 1073741823 : i64, lo = -1073741824 : i64, reason = "node 'sum' (i64) would leave int32, the format the chip holds it in"}}
// CHECK-SAME: %arg1: {{[^{]*}} {graph.exact_range = {hi = 1073741823 : i64, lo = -1073741824 : i64
func.func @sum_i64(%a: tensor<4xi64>, %b: tensor<4xi64>) -> tensor<4xi64> {
  %s = graph.binary add %a, %b : (tensor<4xi64>, tensor<4xi64>) -> tensor<4xi64> loc("sum")
  return %s : tensor<4xi64>
}

// -----

// An i32 sum wraps as ONNX's does, and an input only moved is never out of range: no bounds.
// CHECK-LABEL: func.func @i32_wraps
// CHECK-NOT: graph.exact_range
// CHECK: return
func.func @i32_wraps(%a: tensor<4xi32>, %b: tensor<4xi32>, %c: tensor<4xi64>)
    -> (tensor<4xi32>, tensor<4xi64>) {
  %s = graph.binary add %a, %b : (tensor<4xi32>, tensor<4xi32>) -> tensor<4xi32>
  %r = graph.reshape %c : (tensor<4xi64>) -> tensor<4xi64>
  return %s, %r : tensor<4xi32>, tensor<4xi64>
}

// -----

// An integer matmul sums K = 64 products: 64 * 4096^2 = 2^30 fits int32, 64 * 8192^2 would not.
// The input added to a constant loses only the bit the constant needs.
// CHECK-LABEL: func.func @matmul_and_offset
// CHECK-SAME: graph.exact_range = {hi = 4095 : i64, lo = -4096 : i64, reason = "node 'mm' (i64)
// CHECK-SAME: graph.exact_range = {hi = 4095 : i64, lo = -4096 : i64, reason = "node 'mm' (i64)
// CHECK-SAME: graph.exact_range = {hi = 1073741823 : i64, lo = -1073741824 : i64, reason = "node 'shift' (i64)
func.func @matmul_and_offset(%a: tensor<32x64xi64>, %b: tensor<64x32xi64>, %c: tensor<4xi64>)
    -> (tensor<32x32xi64>, tensor<4xi64>) {
  %m = graph.matmul %a, %b : (tensor<32x64xi64>, tensor<64x32xi64>) -> tensor<32x32xi64> loc("mm")
  %k = graph.constant dense<1000000000> : tensor<i64>
  %s = graph.binary add %c, %k : (tensor<4xi64>, tensor<i64>) -> tensor<4xi64> loc("shift")
  return %m, %s : tensor<32x32xi64>, tensor<4xi64>
}

// -----

// An i64 that an op without an integer form reads is held in f32, exact to 2^24.
// CHECK-LABEL: func.func @held_in_f32
// CHECK-SAME: graph.exact_range = {hi = 16777215 : i64, lo = -16777216 : i64, reason = "input 'x' (i64) would leave +-2^24, over which the f32 the chip holds it in is exact"}
func.func @held_in_f32(%x: tensor<4xi64> {graph.name = "x"}) -> tensor<4xi64> {
  %f = graph.unary floor %x : tensor<4xi64> -> tensor<4xi64>
  return %f : tensor<4xi64>
}

// -----

// A float cast to i64 follows the float: the float input is bounded too. After an exp, which the
// analysis does not follow, the cast may give any i64, and no input bound keeps it in int32:
// the cast warns, and nothing after it warns again or bounds an input.
// CHECK-LABEL: func.func @cast_from_float
// CHECK-SAME: %arg0: {{[^{]*}} {graph.exact_range = {hi = 1073741823 : i64, lo = -1073741824 : i64, reason = "node 'shift' (i64)
// CHECK-SAME: %arg1: {{[^{]*}}, %arg2: {{[^{]*}}) ->
func.func @cast_from_float(%x: tensor<4xf32>, %y: tensor<4xf32>, %n: tensor<4xi64>)
    -> (tensor<4xi64>, tensor<4xi64>) {
  %i = graph.unary trunc %x : tensor<4xf32> -> tensor<4xi64>
  %one = graph.constant dense<1> : tensor<i64>
  %s = graph.binary add %i, %one : (tensor<4xi64>, tensor<i64>) -> tensor<4xi64> loc("shift")
  %e = graph.unary exp %y : tensor<4xf32> -> tensor<4xf32>
  // expected-warning @+1 {{this i64 result may leave int32, the format the chip holds it in, whatever the inputs (it reaches 2^63); beyond that range it is not exact}}
  %j = graph.unary trunc %e : tensor<4xf32> -> tensor<4xi64>
  %t = graph.binary add %j, %n : (tensor<4xi64>, tensor<4xi64>) -> tensor<4xi64>
  return %s, %t : tensor<4xi64>, tensor<4xi64>
}

// -----

// A u32 sum bounds its inputs below 2^31 (the chip holds a u32 in int32); a u32 difference
// may wrap to the top of the type whatever the inputs, and warns; a comparison's booleans
// follow no input.
// CHECK-LABEL: func.func @unsigned
// CHECK-SAME: %arg0: {{[^{]*}} {graph.exact_range = {hi = 1073741823 : i64, lo = 0 : i64, reason = "node 'sum' (ui32)
// CHECK-SAME: %arg1: {{[^{]*}} {graph.exact_range = {hi = 1073741823 : i64, lo = 0 : i64
// CHECK-SAME: %arg2: {{[^{]*}}, %arg3: {{[^{]*}}) ->
func.func @unsigned(%a: tensor<4xui32>, %b: tensor<4xui32>, %c: tensor<4xui32>, %d: tensor<4xui32>)
    -> (tensor<4xui32>, tensor<4xui32>, tensor<4xi1>) {
  %s = graph.binary add %a, %b : (tensor<4xui32>, tensor<4xui32>) -> tensor<4xui32> loc("sum")
  // expected-warning @+1 {{this ui32 result may leave int32, the format the chip holds it in, whatever the inputs (it reaches 2^32)}}
  %d0 = graph.binary sub %c, %d : (tensor<4xui32>, tensor<4xui32>) -> tensor<4xui32>
  %lt = graph.binary less %s, %d0 : (tensor<4xui32>, tensor<4xui32>) -> tensor<4xi1>
  return %s, %d0, %lt : tensor<4xui32>, tensor<4xui32>, tensor<4xi1>
}

// -----

// A concat, decomposed, adds inputs placed in disjoint boxes: each position holds one of them,
// so nothing grows. The same remaps overlapping would add up and bound the input.
// CHECK-LABEL: func.func @placed_apart
// CHECK-SAME: %arg0: {{[^{]*}}, %arg1: {{[^{]*}} {graph.exact_range = {hi = 1073741823 : i64, lo = -1073741824 : i64, reason = "node 'overlap' (i64)
func.func @placed_apart(%a: tensor<5x8xi64>, %b: tensor<5x8xi64>) -> (tensor<10x8xi64>, tensor<10x8xi64>) {
  %0 = graph.remap %a {map = affine_map<(d0, d1) -> (d0, d1)>} : (tensor<5x8xi64>) -> tensor<10x8xi64>
  %1 = graph.remap %a {map = affine_map<(d0, d1) -> (d0 - 5, d1)>} : (tensor<5x8xi64>) -> tensor<10x8xi64>
  %c = graph.binary add %0, %1 : (tensor<10x8xi64>, tensor<10x8xi64>) -> tensor<10x8xi64>
  %2 = graph.remap %b {map = affine_map<(d0, d1) -> (d0, d1)>} : (tensor<5x8xi64>) -> tensor<10x8xi64>
  %3 = graph.remap %b {map = affine_map<(d0, d1) -> (d0 - 4, d1)>} : (tensor<5x8xi64>) -> tensor<10x8xi64>
  %o = graph.binary add %2, %3 : (tensor<10x8xi64>, tensor<10x8xi64>) -> tensor<10x8xi64> loc("overlap")
  return %c, %o : tensor<10x8xi64>, tensor<10x8xi64>
}

// -----

// An integer power of inputs: shrinking in step, base and exponent keep 3 bits (8^7 = 2^21 fits
// int32, 16^15 would not); then the base takes one back alone (16^7 = 2^28), not two (32^7).
// CHECK-LABEL: func.func @power
// CHECK-SAME: %arg0: {{[^{]*}} {graph.exact_range = {hi = 15 : i64, lo = -16 : i64, reason = "node 'pow' (i64)
// CHECK-SAME: %arg1: {{[^{]*}} {graph.exact_range = {hi = 7 : i64, lo = -8 : i64, reason = "node 'pow' (i64)
func.func @power(%x: tensor<4xi64>, %y: tensor<4xi64>) -> tensor<4xi64> {
  %p = graph.binary pow %x, %y : (tensor<4xi64>, tensor<4xi64>) -> tensor<4xi64> loc("pow")
  return %p : tensor<4xi64>
}

// -----

// The chip holds a u8 unwrapped in int32. A u8 sum that only a product and the output read is
// exact modulo 256 (the runtime writes outputs wrapped, as ONNX computes them): no bound. A sum
// that a comparison reads must stay in u8: its inputs keep 7 bits.
// CHECK-LABEL: func.func @narrow
// CHECK-SAME: %arg0: {{[^{]*}}, %arg1: {{[^{]*}}, %arg2: {{[^{]*}} {graph.exact_range = {hi = 127 : i64, lo = 0 : i64, reason = "node 't' (ui8) would leave its type's range before an op that needs it wrapped, as ONNX wraps it and the chip does not"}}
// CHECK-SAME: %arg3: {{[^{]*}} {graph.exact_range = {hi = 127 : i64, lo = 0 : i64
func.func @narrow(%a: tensor<4xui8>, %b: tensor<4xui8>, %c: tensor<4xui8>, %d: tensor<4xui8>)
    -> (tensor<4xui8>, tensor<4xi1>) {
  %s = graph.binary add %a, %b : (tensor<4xui8>, tensor<4xui8>) -> tensor<4xui8>
  %p = graph.binary mul %s, %s : (tensor<4xui8>, tensor<4xui8>) -> tensor<4xui8>
  %t = graph.binary add %c, %d : (tensor<4xui8>, tensor<4xui8>) -> tensor<4xui8> loc("t")
  %lt = graph.binary less %t, %c : (tensor<4xui8>, tensor<4xui8>) -> tensor<4xi1>
  return %p, %lt : tensor<4xui8>, tensor<4xi1>
}

// -----

// A u8 max pool's windows pad with a float below every u8, which the max drops: no warning and
// no bound, though the max needs its operand within u8.
// CHECK-LABEL: func.func @max_pool_u8
// CHECK-NOT: graph.exact_range
// CHECK: graph.reduce max
func.func @max_pool_u8(%x: tensor<1x4xui8>) -> tensor<1x1xui8> {
  %w = graph.remap %x {map = affine_map<(d0, d1) -> (d0, d1 - 1)>, padding = -3.0e38 : f32} : (tensor<1x4xui8>) -> tensor<1x6xui8>
  %m = graph.reduce max %w {axes = array<i64: 1>} : (tensor<1x6xui8>) -> tensor<1x1xui8>
  return %m : tensor<1x1xui8>
}

// -----

// A matmul with a fused bias has no integer form: held in f32, exact to 2^24. K = 64 products
// plus the bias's 1000: 64 * 512 * 256 + 1000 fits, 64 * 512 * 512 would not, and the ReLU
// bounds nothing below.
// CHECK-LABEL: func.func @matmul_bias_in_f32
// CHECK-SAME: %arg0: {{[^{]*}} {graph.exact_range = {hi = 511 : i64, lo = -512 : i64, reason = "node 'mm' (i64) would leave +-2^24
// CHECK-SAME: %arg1: {{[^{]*}} {graph.exact_range = {hi = 255 : i64, lo = -256 : i64
func.func @matmul_bias_in_f32(%a: tensor<32x64xi64>, %b: tensor<64x32xi64>) -> tensor<32x32xi64> {
  %c = graph.constant dense<1000> : tensor<32xi64>
  %m = graph.matmul %a, %b, %c then relu : (tensor<32x64xi64>, tensor<64x32xi64>, tensor<32xi64>) -> tensor<32x32xi64> loc("mm")
  return %m : tensor<32x32xi64>
}
