// RUN: tt-opt %s -split-input-file -verify-diagnostics --tt-assign-layouts --tt-lower-graph-to-grid --tt-lower-grid-to-kernels --canonicalize --cse | FileCheck %s
// RUN: tt-opt %s -split-input-file -verify-diagnostics --tt-assign-layouts=precision=bf16 --tt-lower-graph-to-grid --tt-lower-grid-to-kernels --canonicalize --cse | FileCheck %s --check-prefix=BF16

// graph.unary, graph.binary and graph.where on the chip: one tile of each input in, one tile out,
// the ONNX function as a sequence of SFPU/FPU ops on Dst[0] (Dst[1] is scratch). Single 32x32
// tiles run on one core with no loop left after canonicalization, so each case checks the exact
// compute sequence between the unpack and the pack.
// Functions with an SFPU instruction of their own: copy, one op, pack.
// CHECK-LABEL: func.func @unary_abs
// CHECK-DAG: %[[C0:.*]] = arith.constant 0 : index
// CHECK: grid.dispatch "abs" on <(0, 0) to{{ ?}}(0, 0)>
// CHECK: noc.kernel compute {
// CHECK: %[[T:.*]] = noc.cb_get %{{.*}}[%[[C0]]]
// CHECK-NEXT: tile.acquire_dst
// CHECK-NEXT: tile.copy %[[T]], dst[%[[C0]]] : !tile.tile<32x32, f32>
// CHECK-NEXT: tile.unary abs dst[%[[C0]]]{{$}}
// CHECK-NEXT: noc.cb_reserve
// CHECK-NEXT: tile.pack dst[%[[C0]]]
func.func @unary_abs(%x: tensor<32x32xf32>) -> tensor<32x32xf32> {
  %0 = graph.unary abs %x : tensor<32x32xf32> -> tensor<32x32xf32>
  return %0 : tensor<32x32xf32>
}

// -----
// CHECK-LABEL: func.func @unary_neg
// CHECK-DAG: %[[C0:.*]] = arith.constant 0 : index
// CHECK: grid.dispatch "neg" on <(0, 0) to{{ ?}}(0, 0)>
// CHECK: noc.kernel compute {
// CHECK: %[[T:.*]] = noc.cb_get %{{.*}}[%[[C0]]]
// CHECK-NEXT: tile.acquire_dst
// CHECK-NEXT: tile.copy %[[T]], dst[%[[C0]]] : !tile.tile<32x32, f32>
// CHECK-NEXT: tile.unary neg dst[%[[C0]]]{{$}}
// CHECK-NEXT: noc.cb_reserve
// CHECK-NEXT: tile.pack dst[%[[C0]]]
func.func @unary_neg(%x: tensor<32x32xf32>) -> tensor<32x32xf32> {
  %0 = graph.unary neg %x : tensor<32x32xf32> -> tensor<32x32xf32>
  return %0 : tensor<32x32xf32>
}

// -----
// CHECK-LABEL: func.func @unary_exp
// CHECK-DAG: %[[C0:.*]] = arith.constant 0 : index
// CHECK: grid.dispatch "exp" on <(0, 0) to{{ ?}}(0, 0)>
// CHECK: noc.kernel compute {
// CHECK: %[[T:.*]] = noc.cb_get %{{.*}}[%[[C0]]]
// CHECK-NEXT: tile.acquire_dst
// CHECK-NEXT: tile.copy %[[T]], dst[%[[C0]]] : !tile.tile<32x32, f32>
// CHECK-NEXT: tile.unary exp dst[%[[C0]]]{{$}}
// CHECK-NEXT: noc.cb_reserve
// CHECK-NEXT: tile.pack dst[%[[C0]]]
func.func @unary_exp(%x: tensor<32x32xf32>) -> tensor<32x32xf32> {
  %0 = graph.unary exp %x : tensor<32x32xf32> -> tensor<32x32xf32>
  return %0 : tensor<32x32xf32>
}

// -----
// CHECK-LABEL: func.func @unary_log
// CHECK-DAG: %[[C0:.*]] = arith.constant 0 : index
// CHECK: grid.dispatch "log" on <(0, 0) to{{ ?}}(0, 0)>
// CHECK: noc.kernel compute {
// CHECK: %[[T:.*]] = noc.cb_get %{{.*}}[%[[C0]]]
// CHECK-NEXT: tile.acquire_dst
// CHECK-NEXT: tile.copy %[[T]], dst[%[[C0]]] : !tile.tile<32x32, f32>
// CHECK-NEXT: tile.unary log dst[%[[C0]]]{{$}}
// CHECK-NEXT: noc.cb_reserve
// CHECK-NEXT: tile.pack dst[%[[C0]]]
func.func @unary_log(%x: tensor<32x32xf32>) -> tensor<32x32xf32> {
  %0 = graph.unary log %x : tensor<32x32xf32> -> tensor<32x32xf32>
  return %0 : tensor<32x32xf32>
}

// -----
// CHECK-LABEL: func.func @unary_sqrt
// CHECK-DAG: %[[C0:.*]] = arith.constant 0 : index
// CHECK: grid.dispatch "sqrt" on <(0, 0) to{{ ?}}(0, 0)>
// CHECK: noc.kernel compute {
// CHECK: %[[T:.*]] = noc.cb_get %{{.*}}[%[[C0]]]
// CHECK-NEXT: tile.acquire_dst
// CHECK-NEXT: tile.copy %[[T]], dst[%[[C0]]] : !tile.tile<32x32, f32>
// CHECK-NEXT: tile.unary sqrt dst[%[[C0]]]{{$}}
// CHECK-NEXT: noc.cb_reserve
// CHECK-NEXT: tile.pack dst[%[[C0]]]
func.func @unary_sqrt(%x: tensor<32x32xf32>) -> tensor<32x32xf32> {
  %0 = graph.unary sqrt %x : tensor<32x32xf32> -> tensor<32x32xf32>
  return %0 : tensor<32x32xf32>
}

// -----
// CHECK-LABEL: func.func @unary_reciprocal
// CHECK-DAG: %[[C0:.*]] = arith.constant 0 : index
// CHECK: grid.dispatch "reciprocal" on <(0, 0) to{{ ?}}(0, 0)>
// CHECK: noc.kernel compute {
// CHECK: %[[T:.*]] = noc.cb_get %{{.*}}[%[[C0]]]
// CHECK-NEXT: tile.acquire_dst
// CHECK-NEXT: tile.copy %[[T]], dst[%[[C0]]] : !tile.tile<32x32, f32>
// CHECK-NEXT: tile.unary recip dst[%[[C0]]]{{$}}
// CHECK-NEXT: noc.cb_reserve
// CHECK-NEXT: tile.pack dst[%[[C0]]]
func.func @unary_reciprocal(%x: tensor<32x32xf32>) -> tensor<32x32xf32> {
  %0 = graph.unary reciprocal %x : tensor<32x32xf32> -> tensor<32x32xf32>
  return %0 : tensor<32x32xf32>
}

// -----
// 1 / sqrt in one SFPU function (the normalisations' expansion, Normalize.cpp).
// CHECK-LABEL: func.func @unary_rsqrt
// CHECK-DAG: %[[C0:.*]] = arith.constant 0 : index
// CHECK: grid.dispatch "rsqrt" on <(0, 0) to{{ ?}}(0, 0)>
// CHECK: noc.kernel compute {
// CHECK: %[[T:.*]] = noc.cb_get %{{.*}}[%[[C0]]]
// CHECK-NEXT: tile.acquire_dst
// CHECK-NEXT: tile.copy %[[T]], dst[%[[C0]]] : !tile.tile<32x32, f32>
// CHECK-NEXT: tile.unary rsqrt dst[%[[C0]]]{{$}}
// CHECK-NEXT: noc.cb_reserve
func.func @unary_rsqrt(%x: tensor<32x32xf32>) -> tensor<32x32xf32> {
  %0 = graph.unary rsqrt %x : tensor<32x32xf32> -> tensor<32x32xf32>
  return %0 : tensor<32x32xf32>
}

// -----
// CHECK-LABEL: func.func @unary_sigmoid
// CHECK-DAG: %[[C0:.*]] = arith.constant 0 : index
// CHECK: grid.dispatch "sigmoid" on <(0, 0) to{{ ?}}(0, 0)>
// CHECK: noc.kernel compute {
// CHECK: %[[T:.*]] = noc.cb_get %{{.*}}[%[[C0]]]
// CHECK-NEXT: tile.acquire_dst
// CHECK-NEXT: tile.copy %[[T]], dst[%[[C0]]] : !tile.tile<32x32, f32>
// CHECK-NEXT: tile.unary sigmoid dst[%[[C0]]]{{$}}
// CHECK-NEXT: noc.cb_reserve
// CHECK-NEXT: tile.pack dst[%[[C0]]]
func.func @unary_sigmoid(%x: tensor<32x32xf32>) -> tensor<32x32xf32> {
  %0 = graph.unary sigmoid %x : tensor<32x32xf32> -> tensor<32x32xf32>
  return %0 : tensor<32x32xf32>
}

// -----
// CHECK-LABEL: func.func @unary_tanh
// CHECK-DAG: %[[C0:.*]] = arith.constant 0 : index
// CHECK: grid.dispatch "tanh" on <(0, 0) to{{ ?}}(0, 0)>
// CHECK: noc.kernel compute {
// CHECK: %[[T:.*]] = noc.cb_get %{{.*}}[%[[C0]]]
// CHECK-NEXT: tile.acquire_dst
// CHECK-NEXT: tile.copy %[[T]], dst[%[[C0]]] : !tile.tile<32x32, f32>
// CHECK-NEXT: tile.unary tanh dst[%[[C0]]]{{$}}
// CHECK-NEXT: noc.cb_reserve
// CHECK-NEXT: tile.pack dst[%[[C0]]]
func.func @unary_tanh(%x: tensor<32x32xf32>) -> tensor<32x32xf32> {
  %0 = graph.unary tanh %x : tensor<32x32xf32> -> tensor<32x32xf32>
  return %0 : tensor<32x32xf32>
}

// -----
// CHECK-LABEL: func.func @unary_erf
// CHECK-DAG: %[[C0:.*]] = arith.constant 0 : index
// CHECK: grid.dispatch "erf" on <(0, 0) to{{ ?}}(0, 0)>
// CHECK: noc.kernel compute {
// CHECK: %[[T:.*]] = noc.cb_get %{{.*}}[%[[C0]]]
// CHECK-NEXT: tile.acquire_dst
// CHECK-NEXT: tile.copy %[[T]], dst[%[[C0]]] : !tile.tile<32x32, f32>
// CHECK-NEXT: tile.unary erf dst[%[[C0]]]{{$}}
// CHECK-NEXT: noc.cb_reserve
// CHECK-NEXT: tile.pack dst[%[[C0]]]
func.func @unary_erf(%x: tensor<32x32xf32>) -> tensor<32x32xf32> {
  %0 = graph.unary erf %x : tensor<32x32xf32> -> tensor<32x32xf32>
  return %0 : tensor<32x32xf32>
}

// -----
// CHECK-LABEL: func.func @unary_sin
// CHECK-DAG: %[[C0:.*]] = arith.constant 0 : index
// CHECK: grid.dispatch "sin" on <(0, 0) to{{ ?}}(0, 0)>
// CHECK: noc.kernel compute {
// CHECK: %[[T:.*]] = noc.cb_get %{{.*}}[%[[C0]]]
// CHECK-NEXT: tile.acquire_dst
// CHECK-NEXT: tile.copy %[[T]], dst[%[[C0]]] : !tile.tile<32x32, f32>
// CHECK-NEXT: tile.unary sin dst[%[[C0]]]{{$}}
// CHECK-NEXT: noc.cb_reserve
// CHECK-NEXT: tile.pack dst[%[[C0]]]
func.func @unary_sin(%x: tensor<32x32xf32>) -> tensor<32x32xf32> {
  %0 = graph.unary sin %x : tensor<32x32xf32> -> tensor<32x32xf32>
  return %0 : tensor<32x32xf32>
}

// -----
// CHECK-LABEL: func.func @unary_cos
// CHECK-DAG: %[[C0:.*]] = arith.constant 0 : index
// CHECK: grid.dispatch "cos" on <(0, 0) to{{ ?}}(0, 0)>
// CHECK: noc.kernel compute {
// CHECK: %[[T:.*]] = noc.cb_get %{{.*}}[%[[C0]]]
// CHECK-NEXT: tile.acquire_dst
// CHECK-NEXT: tile.copy %[[T]], dst[%[[C0]]] : !tile.tile<32x32, f32>
// CHECK-NEXT: tile.unary cos dst[%[[C0]]]{{$}}
// CHECK-NEXT: noc.cb_reserve
// CHECK-NEXT: tile.pack dst[%[[C0]]]
func.func @unary_cos(%x: tensor<32x32xf32>) -> tensor<32x32xf32> {
  %0 = graph.unary cos %x : tensor<32x32xf32> -> tensor<32x32xf32>
  return %0 : tensor<32x32xf32>
}

// -----
// CHECK-LABEL: func.func @unary_floor
// CHECK-DAG: %[[C0:.*]] = arith.constant 0 : index
// CHECK: grid.dispatch "floor" on <(0, 0) to{{ ?}}(0, 0)>
// CHECK: noc.kernel compute {
// CHECK: %[[T:.*]] = noc.cb_get %{{.*}}[%[[C0]]]
// CHECK-NEXT: tile.acquire_dst
// CHECK-NEXT: tile.copy %[[T]], dst[%[[C0]]] : !tile.tile<32x32, f32>
// CHECK-NEXT: tile.unary floor dst[%[[C0]]]{{$}}
// CHECK-NEXT: noc.cb_reserve
// CHECK-NEXT: tile.pack dst[%[[C0]]]
func.func @unary_floor(%x: tensor<32x32xf32>) -> tensor<32x32xf32> {
  %0 = graph.unary floor %x : tensor<32x32xf32> -> tensor<32x32xf32>
  return %0 : tensor<32x32xf32>
}

// -----
// CHECK-LABEL: func.func @unary_ceil
// CHECK-DAG: %[[C0:.*]] = arith.constant 0 : index
// CHECK: grid.dispatch "ceil" on <(0, 0) to{{ ?}}(0, 0)>
// CHECK: noc.kernel compute {
// CHECK: %[[T:.*]] = noc.cb_get %{{.*}}[%[[C0]]]
// CHECK-NEXT: tile.acquire_dst
// CHECK-NEXT: tile.copy %[[T]], dst[%[[C0]]] : !tile.tile<32x32, f32>
// CHECK-NEXT: tile.unary ceil dst[%[[C0]]]{{$}}
// CHECK-NEXT: noc.cb_reserve
// CHECK-NEXT: tile.pack dst[%[[C0]]]
func.func @unary_ceil(%x: tensor<32x32xf32>) -> tensor<32x32xf32> {
  %0 = graph.unary ceil %x : tensor<32x32xf32> -> tensor<32x32xf32>
  return %0 : tensor<32x32xf32>
}

// -----
// CHECK-LABEL: func.func @unary_round
// CHECK-DAG: %[[C0:.*]] = arith.constant 0 : index
// CHECK: grid.dispatch "round" on <(0, 0) to{{ ?}}(0, 0)>
// CHECK: noc.kernel compute {
// CHECK: %[[T:.*]] = noc.cb_get %{{.*}}[%[[C0]]]
// CHECK-NEXT: tile.acquire_dst
// CHECK-NEXT: tile.copy %[[T]], dst[%[[C0]]] : !tile.tile<32x32, f32>
// CHECK-NEXT: tile.unary round dst[%[[C0]]]{{$}}
// CHECK-NEXT: noc.cb_reserve
// CHECK-NEXT: tile.pack dst[%[[C0]]]
func.func @unary_round(%x: tensor<32x32xf32>) -> tensor<32x32xf32> {
  %0 = graph.unary round %x : tensor<32x32xf32> -> tensor<32x32xf32>
  return %0 : tensor<32x32xf32>
}

// -----
// CHECK-LABEL: func.func @unary_sign
// CHECK-DAG: %[[C0:.*]] = arith.constant 0 : index
// CHECK: grid.dispatch "sign" on <(0, 0) to{{ ?}}(0, 0)>
// CHECK: noc.kernel compute {
// CHECK: %[[T:.*]] = noc.cb_get %{{.*}}[%[[C0]]]
// CHECK-NEXT: tile.acquire_dst
// CHECK-NEXT: tile.copy %[[T]], dst[%[[C0]]] : !tile.tile<32x32, f32>
// CHECK-NEXT: tile.unary sign dst[%[[C0]]]{{$}}
// CHECK-NEXT: noc.cb_reserve
// CHECK-NEXT: tile.pack dst[%[[C0]]]
func.func @unary_sign(%x: tensor<32x32xf32>) -> tensor<32x32xf32> {
  %0 = graph.unary sign %x : tensor<32x32xf32> -> tensor<32x32xf32>
  return %0 : tensor<32x32xf32>
}

// -----
// CHECK-LABEL: func.func @unary_relu
// CHECK-DAG: %[[C0:.*]] = arith.constant 0 : index
// CHECK: grid.dispatch "relu" on <(0, 0) to{{ ?}}(0, 0)>
// CHECK: noc.kernel compute {
// CHECK: %[[T:.*]] = noc.cb_get %{{.*}}[%[[C0]]]
// CHECK-NEXT: tile.acquire_dst
// CHECK-NEXT: tile.copy %[[T]], dst[%[[C0]]] : !tile.tile<32x32, f32>
// CHECK-NEXT: tile.unary relu dst[%[[C0]]]{{$}}
// CHECK-NEXT: noc.cb_reserve
// CHECK-NEXT: tile.pack dst[%[[C0]]]
func.func @unary_relu(%x: tensor<32x32xf32>) -> tensor<32x32xf32> {
  %0 = graph.unary relu %x : tensor<32x32xf32> -> tensor<32x32xf32>
  return %0 : tensor<32x32xf32>
}

// -----
// CHECK-LABEL: func.func @unary_softplus
// CHECK-DAG: %[[C0:.*]] = arith.constant 0 : index
// CHECK: grid.dispatch "softplus" on <(0, 0) to{{ ?}}(0, 0)>
// CHECK: noc.kernel compute {
// CHECK: %[[T:.*]] = noc.cb_get %{{.*}}[%[[C0]]]
// CHECK-NEXT: tile.acquire_dst
// CHECK-NEXT: tile.copy %[[T]], dst[%[[C0]]] : !tile.tile<32x32, f32>
// CHECK-NEXT: tile.unary softplus dst[%[[C0]]]{{$}}
// CHECK-NEXT: noc.cb_reserve
// CHECK-NEXT: tile.pack dst[%[[C0]]]
func.func @unary_softplus(%x: tensor<32x32xf32>) -> tensor<32x32xf32> {
  %0 = graph.unary softplus %x : tensor<32x32xf32> -> tensor<32x32xf32>
  return %0 : tensor<32x32xf32>
}

// -----
// CHECK-LABEL: func.func @unary_isnan
// CHECK-DAG: %[[C0:.*]] = arith.constant 0 : index
// CHECK: grid.dispatch "isnan" on <(0, 0) to{{ ?}}(0, 0)>
// CHECK: noc.kernel compute {
// CHECK: %[[T:.*]] = noc.cb_get %{{.*}}[%[[C0]]]
// CHECK-NEXT: tile.acquire_dst
// CHECK-NEXT: tile.copy %[[T]], dst[%[[C0]]] : !tile.tile<32x32, f32>
// CHECK-NEXT: tile.unary isnan dst[%[[C0]]]{{$}}
// CHECK-NEXT: noc.cb_reserve
// CHECK-NEXT: tile.pack dst[%[[C0]]]
func.func @unary_isnan(%x: tensor<32x32xf32>) -> tensor<32x32xf32> {
  %0 = graph.unary isnan %x : tensor<32x32xf32> -> tensor<32x32xf32>
  return %0 : tensor<32x32xf32>
}

// -----
// Not on booleans: booleans are exact f32 tiles (0 or 1).
// CHECK-LABEL: func.func @unary_not
// CHECK-DAG: %[[C0:.*]] = arith.constant 0 : index
// CHECK: grid.dispatch "not" on <(0, 0) to{{ ?}}(0, 0)>
// CHECK: noc.kernel compute {
// CHECK: %[[T:.*]] = noc.cb_get %{{.*}}[%[[C0]]]
// CHECK-NEXT: tile.acquire_dst
// CHECK-NEXT: tile.copy %[[T]], dst[%[[C0]]] : !tile.tile<32x32, f32>
// CHECK-NEXT: tile.unary not dst[%[[C0]]]{{$}}
// CHECK-NEXT: noc.cb_reserve
// CHECK-NEXT: tile.pack dst[%[[C0]]]
func.func @unary_not(%x: tensor<32x32xi1>) -> tensor<32x32xi1> {
  %0 = graph.unary not %x : tensor<32x32xi1> -> tensor<32x32xi1>
  return %0 : tensor<32x32xi1>
}

// -----
// The attribute becomes the instruction's param.
// CHECK-LABEL: func.func @unary_leaky_relu
// CHECK-DAG: %[[C0:.*]] = arith.constant 0 : index
// CHECK: grid.dispatch "leaky_relu" on <(0, 0) to{{ ?}}(0, 0)>
// CHECK: noc.kernel compute {
// CHECK: %[[T:.*]] = noc.cb_get %{{.*}}[%[[C0]]]
// CHECK-NEXT: tile.acquire_dst
// CHECK-NEXT: tile.copy %[[T]], dst[%[[C0]]] : !tile.tile<32x32, f32>
// CHECK-NEXT: tile.unary leaky_relu dst[%[[C0]]] {param = 1.000000e-01 : f32}
// CHECK-NEXT: noc.cb_reserve
// CHECK-NEXT: tile.pack dst[%[[C0]]]
func.func @unary_leaky_relu(%x: tensor<32x32xf32>) -> tensor<32x32xf32> {
  %0 = graph.unary leaky_relu %x {alpha = 0.1 : f32} : tensor<32x32xf32> -> tensor<32x32xf32>
  return %0 : tensor<32x32xf32>
}

// -----
// CHECK-LABEL: func.func @unary_elu
// CHECK-DAG: %[[C0:.*]] = arith.constant 0 : index
// CHECK: grid.dispatch "elu" on <(0, 0) to{{ ?}}(0, 0)>
// CHECK: noc.kernel compute {
// CHECK: %[[T:.*]] = noc.cb_get %{{.*}}[%[[C0]]]
// CHECK-NEXT: tile.acquire_dst
// CHECK-NEXT: tile.copy %[[T]], dst[%[[C0]]] : !tile.tile<32x32, f32>
// CHECK-NEXT: tile.unary elu dst[%[[C0]]] {param = 5.000000e-01 : f32}
// CHECK-NEXT: noc.cb_reserve
// CHECK-NEXT: tile.pack dst[%[[C0]]]
func.func @unary_elu(%x: tensor<32x32xf32>) -> tensor<32x32xf32> {
  %0 = graph.unary elu %x {alpha = 0.5 : f32} : tensor<32x32xf32> -> tensor<32x32xf32>
  return %0 : tensor<32x32xf32>
}

// -----
// CHECK-LABEL: func.func @unary_thresholded_relu
// CHECK-DAG: %[[C0:.*]] = arith.constant 0 : index
// CHECK: grid.dispatch "thresholded_relu" on <(0, 0) to{{ ?}}(0, 0)>
// CHECK: noc.kernel compute {
// CHECK: %[[T:.*]] = noc.cb_get %{{.*}}[%[[C0]]]
// CHECK-NEXT: tile.acquire_dst
// CHECK-NEXT: tile.copy %[[T]], dst[%[[C0]]] : !tile.tile<32x32, f32>
// CHECK-NEXT: tile.unary thresholded_relu dst[%[[C0]]] {param = 2.000000e+00 : f32}
// CHECK-NEXT: noc.cb_reserve
// CHECK-NEXT: tile.pack dst[%[[C0]]]
func.func @unary_thresholded_relu(%x: tensor<32x32xf32>) -> tensor<32x32xf32> {
  %0 = graph.unary thresholded_relu %x {alpha = 2.0 : f32} : tensor<32x32xf32> -> tensor<32x32xf32>
  return %0 : tensor<32x32xf32>
}

// -----
// Selu: gamma * elu(x, alpha).
// CHECK-LABEL: func.func @unary_selu
// CHECK-DAG: %[[C0:.*]] = arith.constant 0 : index
// CHECK: grid.dispatch "selu" on <(0, 0) to{{ ?}}(0, 0)>
// CHECK: noc.kernel compute {
// CHECK: %[[T:.*]] = noc.cb_get %{{.*}}[%[[C0]]]
// CHECK-NEXT: tile.acquire_dst
// CHECK-NEXT: tile.copy %[[T]], dst[%[[C0]]] : !tile.tile<32x32, f32>
// CHECK-NEXT: tile.unary elu dst[%[[C0]]] {param = 1.500000e+00 : f32}
// CHECK-NEXT: tile.unary scale dst[%[[C0]]] {param = 2.000000e+00 : f32}
// CHECK-NEXT: noc.cb_reserve
// CHECK-NEXT: tile.pack dst[%[[C0]]]
func.func @unary_selu(%x: tensor<32x32xf32>) -> tensor<32x32xf32> {
  %0 = graph.unary selu %x {alpha = 1.5 : f32, beta = 2.0 : f32} : tensor<32x32xf32> -> tensor<32x32xf32>
  return %0 : tensor<32x32xf32>
}

// -----
// HardSigmoid: min(max(alpha * x + beta, 0), 1).
// CHECK-LABEL: func.func @unary_hard_sigmoid
// CHECK-DAG: %[[C0:.*]] = arith.constant 0 : index
// CHECK: grid.dispatch "hard_sigmoid" on <(0, 0) to{{ ?}}(0, 0)>
// CHECK: noc.kernel compute {
// CHECK: %[[T:.*]] = noc.cb_get %{{.*}}[%[[C0]]]
// CHECK-NEXT: tile.acquire_dst
// CHECK-NEXT: tile.copy %[[T]], dst[%[[C0]]] : !tile.tile<32x32, f32>
// CHECK-NEXT: tile.unary scale dst[%[[C0]]] {param = 2.500000e-01 : f32}
// CHECK-NEXT: tile.unary shift dst[%[[C0]]] {param = 7.500000e-01 : f32}
// CHECK-NEXT: tile.unary max_scalar dst[%[[C0]]]{{$}}
// CHECK-NEXT: tile.unary min_scalar dst[%[[C0]]] {param = 1.000000e+00 : f32}
// CHECK-NEXT: noc.cb_reserve
// CHECK-NEXT: tile.pack dst[%[[C0]]]
func.func @unary_hard_sigmoid(%x: tensor<32x32xf32>) -> tensor<32x32xf32> {
  %0 = graph.unary hard_sigmoid %x {alpha = 0.25 : f32, beta = 0.75 : f32} : tensor<32x32xf32> -> tensor<32x32xf32>
  return %0 : tensor<32x32xf32>
}

// -----
// HardSwish: x * hard_sigmoid(x, 1/6, 1/2), the hard sigmoid on a second copy in Dst[1].
// CHECK-LABEL: func.func @unary_hard_swish
// CHECK-DAG: %[[C0:.*]] = arith.constant 0 : index
// CHECK-DAG: %[[C1:.*]] = arith.constant 1 : index
// CHECK: grid.dispatch "hard_swish" on <(0, 0) to{{ ?}}(0, 0)>
// CHECK: noc.kernel compute {
// CHECK: %[[T:.*]] = noc.cb_get %{{.*}}[%[[C0]]]
// CHECK-NEXT: tile.acquire_dst
// CHECK-NEXT: tile.copy %[[T]], dst[%[[C0]]] : !tile.tile<32x32, f32>
// CHECK-NEXT: tile.copy %[[T]], dst[%[[C1]]] : !tile.tile<32x32, f32>
// CHECK-NEXT: tile.unary scale dst[%[[C1]]] {param = 0.166666672 : f32}
// CHECK-NEXT: tile.unary shift dst[%[[C1]]] {param = 5.000000e-01 : f32}
// CHECK-NEXT: tile.unary max_scalar dst[%[[C1]]]{{$}}
// CHECK-NEXT: tile.unary min_scalar dst[%[[C1]]] {param = 1.000000e+00 : f32}
// CHECK-NEXT: tile.dst_binary mul dst[%[[C0]]], dst[%[[C1]]] -> dst[%[[C0]]]
// CHECK-NEXT: noc.cb_reserve
// CHECK-NEXT: tile.pack dst[%[[C0]]]
func.func @unary_hard_swish(%x: tensor<32x32xf32>) -> tensor<32x32xf32> {
  %0 = graph.unary hard_swish %x : tensor<32x32xf32> -> tensor<32x32xf32>
  return %0 : tensor<32x32xf32>
}

// -----
// Softsign: x / (1 + |x|), the denominator in Dst[1].
// CHECK-LABEL: func.func @unary_softsign
// CHECK-DAG: %[[C0:.*]] = arith.constant 0 : index
// CHECK-DAG: %[[C1:.*]] = arith.constant 1 : index
// CHECK: grid.dispatch "softsign" on <(0, 0) to{{ ?}}(0, 0)>
// CHECK: noc.kernel compute {
// CHECK: %[[T:.*]] = noc.cb_get %{{.*}}[%[[C0]]]
// CHECK-NEXT: tile.acquire_dst
// CHECK-NEXT: tile.copy %[[T]], dst[%[[C0]]] : !tile.tile<32x32, f32>
// CHECK-NEXT: tile.copy %[[T]], dst[%[[C1]]] : !tile.tile<32x32, f32>
// CHECK-NEXT: tile.unary abs dst[%[[C1]]]{{$}}
// CHECK-NEXT: tile.unary shift dst[%[[C1]]] {param = 1.000000e+00 : f32}
// CHECK-NEXT: tile.dst_binary div dst[%[[C0]]], dst[%[[C1]]] -> dst[%[[C0]]]
// CHECK-NEXT: noc.cb_reserve
// CHECK-NEXT: tile.pack dst[%[[C0]]]
func.func @unary_softsign(%x: tensor<32x32xf32>) -> tensor<32x32xf32> {
  %0 = graph.unary softsign %x : tensor<32x32xf32> -> tensor<32x32xf32>
  return %0 : tensor<32x32xf32>
}

// -----
// Trunc (casts of floats to integers held as f32, as for a PRelu operand): sign(x) * floor(|x|).
// CHECK-LABEL: func.func @unary_trunc
// CHECK-DAG: %[[C0:.*]] = arith.constant 0 : index
// CHECK-DAG: %[[C1:.*]] = arith.constant 1 : index
// CHECK: grid.dispatch "trunc" on <(0, 0) to{{ ?}}(0, 0)>
// CHECK: noc.kernel compute {
// CHECK: %[[T:.*]] = noc.cb_get %{{.*}}[%[[C0]]]
// CHECK-NEXT: tile.acquire_dst
// CHECK-NEXT: tile.copy %[[T]], dst[%[[C0]]] : !tile.tile<32x32, f32>
// CHECK-NEXT: tile.copy %[[T]], dst[%[[C1]]] : !tile.tile<32x32, f32>
// CHECK-NEXT: tile.unary sign dst[%[[C1]]]{{$}}
// CHECK-NEXT: tile.unary abs dst[%[[C0]]]{{$}}
// CHECK-NEXT: tile.unary floor dst[%[[C0]]]{{$}}
// CHECK-NEXT: tile.dst_binary mul dst[%[[C0]]], dst[%[[C1]]] -> dst[%[[C0]]]
// CHECK-NEXT: noc.cb_reserve
// CHECK-NEXT: tile.pack dst[%[[C0]]]
func.func @unary_trunc(%x: tensor<32x32xf32>) -> tensor<32x32xi64> {
  %0 = graph.unary trunc %x : tensor<32x32xf32> -> tensor<32x32xi64>
  %1 = graph.binary prelu %0, %0 : (tensor<32x32xi64>, tensor<32x32xi64>) -> tensor<32x32xi64>
  return %1 : tensor<32x32xi64>
}

// -----
// Trunc to an int32 tile: in an int32 Dst, the float comes in and the `to_int` typecast
// truncates it.
// CHECK-LABEL: func.func @unary_trunc_to_int32
// CHECK: grid.dispatch "trunc"
// CHECK-SAME: dst_format = #tile<format int32>
// CHECK: noc.kernel compute {
// CHECK: tile.copy %{{.*}}, dst[%{{.*}}] : !tile.tile<32x32, f32>
// CHECK-NEXT: tile.unary to_int dst[%{{.*}}]{{$}}
// CHECK-NEXT: noc.cb_reserve
// CHECK-NEXT: tile.pack dst[%{{.*}}] : !tile.tile<32x32, int32>
func.func @unary_trunc_to_int32(%x: tensor<32x32xf32>) -> tensor<32x32xi64> {
  %0 = graph.unary trunc %x : tensor<32x32xf32> -> tensor<32x32xi64>
  return %0 : tensor<32x32xi64>
}

// -----
// A comparison of int32 tiles runs in an int32 Dst and leaves as a float boolean through
// `to_float`; a constant operand is read as an int32 tile, not folded into an f32 scalar.
// CHECK-LABEL: func.func @integer_compare
// CHECK: grid.dispatch "less"
// CHECK-SAME: dst_format = #tile<format int32>
// CHECK: noc.kernel compute {
// CHECK: tile.binary lt bcast scalar %{{.*}}, %{{.*}}, dst[%{{.*}}] : !tile.tile<32x32, int32>, !tile.tile<32x32, int32>
// CHECK-NEXT: tile.unary to_float dst[%{{.*}}]{{$}}
// CHECK: tile.pack dst[%{{.*}}] : !tile.tile<32x32, f32>
func.func @integer_compare(%x: tensor<32x32xi64>) -> tensor<32x32xi1> {
  %c = graph.constant dense<16777217> : tensor<i64>
  %0 = graph.binary less %x, %c : (tensor<32x32xi64>, tensor<i64>) -> tensor<32x32xi1>
  return %0 : tensor<32x32xi1>
}

// -----
// Casts to bool: not(not(x)) maps every non-zero to 1.
// CHECK-LABEL: func.func @unary_to_bool
// CHECK-DAG: %[[C0:.*]] = arith.constant 0 : index
// CHECK: grid.dispatch "to_bool" on <(0, 0) to{{ ?}}(0, 0)>
// CHECK: noc.kernel compute {
// CHECK: %[[T:.*]] = noc.cb_get %{{.*}}[%[[C0]]]
// CHECK-NEXT: tile.acquire_dst
// CHECK-NEXT: tile.copy %[[T]], dst[%[[C0]]] : !tile.tile<32x32, f32>
// CHECK-NEXT: tile.unary not dst[%[[C0]]]{{$}}
// CHECK-NEXT: tile.unary not dst[%[[C0]]]{{$}}
// CHECK-NEXT: noc.cb_reserve
// CHECK-NEXT: tile.pack dst[%[[C0]]]
func.func @unary_to_bool(%x: tensor<32x32xf32>) -> tensor<32x32xi1> {
  %0 = graph.unary to_bool %x : tensor<32x32xf32> -> tensor<32x32xi1>
  return %0 : tensor<32x32xi1>
}

// -----
// Clip: max with the lower bound, then min with the upper one.
// CHECK-LABEL: func.func @unary_clip
// CHECK-DAG: %[[C0:.*]] = arith.constant 0 : index
// CHECK: grid.dispatch "clip" on <(0, 0) to{{ ?}}(0, 0)>
// CHECK: noc.kernel compute {
// CHECK: %[[T:.*]] = noc.cb_get %{{.*}}[%[[C0]]]
// CHECK-NEXT: tile.acquire_dst
// CHECK-NEXT: tile.copy %[[T]], dst[%[[C0]]] : !tile.tile<32x32, f32>
// CHECK-NEXT: tile.unary max_scalar dst[%[[C0]]] {param = -1.000000e+00 : f32}
// CHECK-NEXT: tile.unary min_scalar dst[%[[C0]]] {param = 6.000000e+00 : f32}
// CHECK-NEXT: noc.cb_reserve
// CHECK-NEXT: tile.pack dst[%[[C0]]]
func.func @unary_clip(%x: tensor<32x32xf32>) -> tensor<32x32xf32> {
  %0 = graph.unary clip %x {alpha = -1.0 : f32, beta = 6.0 : f32} : tensor<32x32xf32> -> tensor<32x32xf32>
  return %0 : tensor<32x32xf32>
}

// -----
// An infinite bound is no bound: no instruction for it.
// CHECK-LABEL: func.func @unary_clip_no_min
// CHECK-DAG: %[[C0:.*]] = arith.constant 0 : index
// CHECK: grid.dispatch "clip" on <(0, 0) to{{ ?}}(0, 0)>
// CHECK: noc.kernel compute {
// CHECK: %[[T:.*]] = noc.cb_get %{{.*}}[%[[C0]]]
// CHECK-NEXT: tile.acquire_dst
// CHECK-NEXT: tile.copy %[[T]], dst[%[[C0]]] : !tile.tile<32x32, f32>
// CHECK-NEXT: tile.unary min_scalar dst[%[[C0]]] {param = 6.000000e+00 : f32}
// CHECK-NEXT: noc.cb_reserve
// CHECK-NEXT: tile.pack dst[%[[C0]]]
func.func @unary_clip_no_min(%x: tensor<32x32xf32>) -> tensor<32x32xf32> {
  %0 = graph.unary clip %x {alpha = 0xFF800000 : f32, beta = 6.0 : f32} : tensor<32x32xf32> -> tensor<32x32xf32>
  return %0 : tensor<32x32xf32>
}

// -----
// CHECK-LABEL: func.func @unary_clip_no_max
// CHECK-DAG: %[[C0:.*]] = arith.constant 0 : index
// CHECK: grid.dispatch "clip" on <(0, 0) to{{ ?}}(0, 0)>
// CHECK: noc.kernel compute {
// CHECK: %[[T:.*]] = noc.cb_get %{{.*}}[%[[C0]]]
// CHECK-NEXT: tile.acquire_dst
// CHECK-NEXT: tile.copy %[[T]], dst[%[[C0]]] : !tile.tile<32x32, f32>
// CHECK-NEXT: tile.unary max_scalar dst[%[[C0]]]{{$}}
// CHECK-NEXT: noc.cb_reserve
// CHECK-NEXT: tile.pack dst[%[[C0]]]
func.func @unary_clip_no_max(%x: tensor<32x32xf32>) -> tensor<32x32xf32> {
  %0 = graph.unary clip %x {alpha = 0.0 : f32, beta = 0x7F800000 : f32} : tensor<32x32xf32> -> tensor<32x32xf32>
  return %0 : tensor<32x32xf32>
}

// -----
// Clip with neither bound is a copy.
// CHECK-LABEL: func.func @unary_clip_open
// CHECK-DAG: %[[C0:.*]] = arith.constant 0 : index
// CHECK: grid.dispatch "clip" on <(0, 0) to{{ ?}}(0, 0)>
// CHECK: noc.kernel compute {
// CHECK: %[[T:.*]] = noc.cb_get %{{.*}}[%[[C0]]]
// CHECK-NEXT: tile.acquire_dst
// CHECK-NEXT: tile.copy %[[T]], dst[%[[C0]]] : !tile.tile<32x32, f32>
// CHECK-NEXT: noc.cb_reserve
// CHECK-NEXT: tile.pack dst[%[[C0]]]
func.func @unary_clip_open(%x: tensor<32x32xf32>) -> tensor<32x32xf32> {
  %0 = graph.unary clip %x {alpha = 0xFF800000 : f32, beta = 0x7F800000 : f32} : tensor<32x32xf32> -> tensor<32x32xf32>
  return %0 : tensor<32x32xf32>
}

// -----
// Identity, Dropout and casts that keep the values: copy and pack.
// CHECK-LABEL: func.func @unary_identity
// CHECK-DAG: %[[C0:.*]] = arith.constant 0 : index
// CHECK: grid.dispatch "identity" on <(0, 0) to{{ ?}}(0, 0)>
// CHECK: noc.kernel compute {
// CHECK: %[[T:.*]] = noc.cb_get %{{.*}}[%[[C0]]]
// CHECK-NEXT: tile.acquire_dst
// CHECK-NEXT: tile.copy %[[T]], dst[%[[C0]]] : !tile.tile<32x32, f32>
// CHECK-NEXT: noc.cb_reserve
// CHECK-NEXT: tile.pack dst[%[[C0]]]
func.func @unary_identity(%x: tensor<32x32xf32>) -> tensor<32x32xf32> {
  %0 = graph.unary identity %x : tensor<32x32xf32> -> tensor<32x32xf32>
  return %0 : tensor<32x32xf32>
}

// -----
// IsInf: alpha and beta are detect_negative and detect_positive; the param's sign picks
// the infinity, 0 detects both.
// CHECK-LABEL: func.func @unary_isinf_both
// CHECK-DAG: %[[C0:.*]] = arith.constant 0 : index
// CHECK: grid.dispatch "isinf" on <(0, 0) to{{ ?}}(0, 0)>
// CHECK: noc.kernel compute {
// CHECK: %[[T:.*]] = noc.cb_get %{{.*}}[%[[C0]]]
// CHECK-NEXT: tile.acquire_dst
// CHECK-NEXT: tile.copy %[[T]], dst[%[[C0]]] : !tile.tile<32x32, f32>
// CHECK-NEXT: tile.unary isinf dst[%[[C0]]]{{$}}
// CHECK-NEXT: noc.cb_reserve
// CHECK-NEXT: tile.pack dst[%[[C0]]]
func.func @unary_isinf_both(%x: tensor<32x32xf32>) -> tensor<32x32xi1> {
  %0 = graph.unary isinf %x {alpha = 1.0 : f32, beta = 1.0 : f32} : tensor<32x32xf32> -> tensor<32x32xi1>
  return %0 : tensor<32x32xi1>
}

// -----
// CHECK-LABEL: func.func @unary_isinf_negative
// CHECK-DAG: %[[C0:.*]] = arith.constant 0 : index
// CHECK: grid.dispatch "isinf" on <(0, 0) to{{ ?}}(0, 0)>
// CHECK: noc.kernel compute {
// CHECK: %[[T:.*]] = noc.cb_get %{{.*}}[%[[C0]]]
// CHECK-NEXT: tile.acquire_dst
// CHECK-NEXT: tile.copy %[[T]], dst[%[[C0]]] : !tile.tile<32x32, f32>
// CHECK-NEXT: tile.unary isinf dst[%[[C0]]] {param = -1.000000e+00 : f32}
// CHECK-NEXT: noc.cb_reserve
// CHECK-NEXT: tile.pack dst[%[[C0]]]
func.func @unary_isinf_negative(%x: tensor<32x32xf32>) -> tensor<32x32xi1> {
  %0 = graph.unary isinf %x {alpha = 1.0 : f32, beta = 0.0 : f32} : tensor<32x32xf32> -> tensor<32x32xi1>
  return %0 : tensor<32x32xi1>
}

// -----
// CHECK-LABEL: func.func @unary_isinf_positive
// CHECK-DAG: %[[C0:.*]] = arith.constant 0 : index
// CHECK: grid.dispatch "isinf" on <(0, 0) to{{ ?}}(0, 0)>
// CHECK: noc.kernel compute {
// CHECK: %[[T:.*]] = noc.cb_get %{{.*}}[%[[C0]]]
// CHECK-NEXT: tile.acquire_dst
// CHECK-NEXT: tile.copy %[[T]], dst[%[[C0]]] : !tile.tile<32x32, f32>
// CHECK-NEXT: tile.unary isinf dst[%[[C0]]] {param = 1.000000e+00 : f32}
// CHECK-NEXT: noc.cb_reserve
// CHECK-NEXT: tile.pack dst[%[[C0]]]
func.func @unary_isinf_positive(%x: tensor<32x32xf32>) -> tensor<32x32xi1> {
  %0 = graph.unary isinf %x {alpha = 0.0 : f32, beta = 1.0 : f32} : tensor<32x32xf32> -> tensor<32x32xi1>
  return %0 : tensor<32x32xi1>
}

// -----
// Detecting neither infinity is all false: scaled by 0.
// CHECK-LABEL: func.func @unary_isinf_neither
// CHECK-DAG: %[[C0:.*]] = arith.constant 0 : index
// CHECK: grid.dispatch "isinf" on <(0, 0) to{{ ?}}(0, 0)>
// CHECK: noc.kernel compute {
// CHECK: %[[T:.*]] = noc.cb_get %{{.*}}[%[[C0]]]
// CHECK-NEXT: tile.acquire_dst
// CHECK-NEXT: tile.copy %[[T]], dst[%[[C0]]] : !tile.tile<32x32, f32>
// CHECK-NEXT: tile.unary isinf dst[%[[C0]]]{{$}}
// CHECK-NEXT: tile.unary scale dst[%[[C0]]]{{$}}
// CHECK-NEXT: noc.cb_reserve
// CHECK-NEXT: tile.pack dst[%[[C0]]]
func.func @unary_isinf_neither(%x: tensor<32x32xf32>) -> tensor<32x32xi1> {
  %0 = graph.unary isinf %x {alpha = 0.0 : f32, beta = 0.0 : f32} : tensor<32x32xf32> -> tensor<32x32xi1>
  return %0 : tensor<32x32xi1>
}

// -----
// A partial tile: the padding is masked back to zero after the whole sequence, since
// f(0) is not always 0 (exp, HardSigmoid, ...).
// CHECK-LABEL: func.func @unary_partial_composite
// CHECK-DAG: %[[C0:.*]] = arith.constant 0 : index
// CHECK-DAG: %[[C1:.*]] = arith.constant 1 : index
// CHECK: grid.dispatch "hard_swish" on <(0, 0) to{{ ?}}(0, 0)>
// CHECK: noc.kernel compute {
// CHECK: %[[T:.*]] = noc.cb_get %{{.*}}[%[[C0]]]
// CHECK-NEXT: tile.acquire_dst
// CHECK-NEXT: tile.copy %[[T]], dst[%[[C0]]] : !tile.tile<32x32, f32>
// CHECK-NEXT: tile.copy %[[T]], dst[%[[C1]]] : !tile.tile<32x32, f32>
// CHECK-NEXT: tile.unary scale dst[%[[C1]]] {param = 0.166666672 : f32}
// CHECK-NEXT: tile.unary shift dst[%[[C1]]] {param = 5.000000e-01 : f32}
// CHECK-NEXT: tile.unary max_scalar dst[%[[C1]]]{{$}}
// CHECK-NEXT: tile.unary min_scalar dst[%[[C1]]] {param = 1.000000e+00 : f32}
// CHECK-NEXT: tile.dst_binary mul dst[%[[C0]]], dst[%[[C1]]] -> dst[%[[C0]]]
// CHECK-NEXT: tile.mask dst[%[[C0]]] rows %c3 cols %c5 fill 0.000000e+00
// CHECK-NEXT: noc.cb_reserve
// CHECK-NEXT: tile.pack dst[%[[C0]]]
func.func @unary_partial_composite(%x: tensor<3x5xf32>) -> tensor<3x5xf32> {
  %0 = graph.unary hard_swish %x : tensor<3x5xf32> -> tensor<3x5xf32>
  return %0 : tensor<3x5xf32>
}

// -----
// A 1-D tensor is one row.
// CHECK-LABEL: func.func @unary_partial_exp
// CHECK-DAG: %[[C0:.*]] = arith.constant 0 : index
// CHECK: grid.dispatch "exp" on <(0, 0) to{{ ?}}(0, 0)>
// CHECK: noc.kernel compute {
// CHECK: %[[T:.*]] = noc.cb_get %{{.*}}[%[[C0]]]
// CHECK-NEXT: tile.acquire_dst
// CHECK-NEXT: tile.copy %[[T]], dst[%[[C0]]] : !tile.tile<32x32, f32>
// CHECK-NEXT: tile.unary exp dst[%[[C0]]]{{$}}
// CHECK-NEXT: tile.mask dst[%[[C0]]] rows %c1 cols %c7 fill 0.000000e+00
// CHECK-NEXT: noc.cb_reserve
// CHECK-NEXT: tile.pack dst[%[[C0]]]
func.func @unary_partial_exp(%x: tensor<7xf32>) -> tensor<7xf32> {
  %0 = graph.unary exp %x : tensor<7xf32> -> tensor<7xf32>
  return %0 : tensor<7xf32>
}

// -----
// Several output tiles over several cores, the last row and column of tiles partial: the mask
// keeps rows 40 - 32 * mt and columns 40 - 32 * nt of tile (mt, nt).
// CHECK-DAG: #[[ROWS:.*]] = affine_map<(d0) -> ((d0 floordiv 2) * -32 + ((d0 floordiv 2) floordiv 2) * 64 + 40)>
// CHECK-DAG: #[[COLS:.*]] = affine_map<(d0) -> (d0 * -32 + (d0 floordiv 2) * 64 + 40)>
// CHECK-LABEL: func.func @unary_partial_tiles
// CHECK: grid.dispatch "sigmoid" on <(0, 0) to{{ ?}}(3, 0)>
// CHECK: noc.kernel compute {
// CHECK: %[[CORE:.*]] = grid.core_index linear
// CHECK: tile.unary sigmoid dst[%[[D:.*]]]
// CHECK-NEXT: %[[R:.*]] = affine.apply #[[ROWS]](%[[CORE]])
// CHECK-NEXT: %[[C:.*]] = affine.apply #[[COLS]](%[[CORE]])
// CHECK-NEXT: tile.mask dst[%[[D]]] rows %[[R]] cols %[[C]] fill 0.000000e+00
// CHECK: noc.kernel writer {
func.func @unary_partial_tiles(%x: tensor<40x40xf32>) -> tensor<40x40xf32> {
  %0 = graph.unary sigmoid %x : tensor<40x40xf32> -> tensor<40x40xf32>
  return %0 : tensor<40x40xf32>
}

// -----

// Whole tiles need no mask, however many there are.
// CHECK-LABEL: func.func @unary_whole_tiles
// CHECK: grid.dispatch "exp" on <(0, 0) to{{ ?}}(7, 0)>
// CHECK: tile.unary exp
// CHECK-NOT: tile.mask
// CHECK: noc.kernel writer {
func.func @unary_whole_tiles(%x: tensor<2x64x64xf32>) -> tensor<2x64x64xf32> {
  %0 = graph.unary exp %x : tensor<2x64x64xf32> -> tensor<2x64x64xf32>
  return %0 : tensor<2x64x64xf32>
}

// -----
// Each ONNX binary op is one FPU op; comparisons give booleans (f32 tiles of 0 and 1).
// CHECK-LABEL: func.func @binary_add
// CHECK-SAME: (%[[X:[^:]*]]: tensor<32x32xf32, {{.*}}>, %[[Y:[^:]*]]: tensor<32x32xf32, 
// CHECK: grid.dispatch "add" on <(0, 0) to{{ ?}}(0, 0)> ins(%[[X]], %[[Y]] :
// CHECK: noc.kernel compute {
// CHECK: %[[T0:.*]] = noc.cb_get
// CHECK: %[[T1:.*]] = noc.cb_get
// CHECK-NEXT: tile.acquire_dst
// CHECK-NEXT: tile.binary add bcast none %[[T0]], %[[T1]], dst[%[[D:.*]]] : !tile.tile<32x32, f32>, !tile.tile<32x32, f32>
// CHECK-NEXT: noc.cb_reserve
func.func @binary_add(%x: tensor<32x32xf32>, %y: tensor<32x32xf32>) -> tensor<32x32xf32> {
  %0 = graph.binary add %x, %y : (tensor<32x32xf32>, tensor<32x32xf32>) -> tensor<32x32xf32>
  return %0 : tensor<32x32xf32>
}

// -----
// CHECK-LABEL: func.func @binary_sub
// CHECK-SAME: (%[[X:[^:]*]]: tensor<32x32xf32, {{.*}}>, %[[Y:[^:]*]]: tensor<32x32xf32, 
// CHECK: grid.dispatch "sub" on <(0, 0) to{{ ?}}(0, 0)> ins(%[[X]], %[[Y]] :
// CHECK: noc.kernel compute {
// CHECK: %[[T0:.*]] = noc.cb_get
// CHECK: %[[T1:.*]] = noc.cb_get
// CHECK-NEXT: tile.acquire_dst
// CHECK-NEXT: tile.binary sub bcast none %[[T0]], %[[T1]], dst[%[[D:.*]]] : !tile.tile<32x32, f32>, !tile.tile<32x32, f32>
// CHECK-NEXT: noc.cb_reserve
func.func @binary_sub(%x: tensor<32x32xf32>, %y: tensor<32x32xf32>) -> tensor<32x32xf32> {
  %0 = graph.binary sub %x, %y : (tensor<32x32xf32>, tensor<32x32xf32>) -> tensor<32x32xf32>
  return %0 : tensor<32x32xf32>
}

// -----
// CHECK-LABEL: func.func @binary_mul
// CHECK-SAME: (%[[X:[^:]*]]: tensor<32x32xf32, {{.*}}>, %[[Y:[^:]*]]: tensor<32x32xf32, 
// CHECK: grid.dispatch "mul" on <(0, 0) to{{ ?}}(0, 0)> ins(%[[X]], %[[Y]] :
// CHECK: noc.kernel compute {
// CHECK: %[[T0:.*]] = noc.cb_get
// CHECK: %[[T1:.*]] = noc.cb_get
// CHECK-NEXT: tile.acquire_dst
// CHECK-NEXT: tile.binary mul bcast none %[[T0]], %[[T1]], dst[%[[D:.*]]] : !tile.tile<32x32, f32>, !tile.tile<32x32, f32>
// CHECK-NEXT: noc.cb_reserve
func.func @binary_mul(%x: tensor<32x32xf32>, %y: tensor<32x32xf32>) -> tensor<32x32xf32> {
  %0 = graph.binary mul %x, %y : (tensor<32x32xf32>, tensor<32x32xf32>) -> tensor<32x32xf32>
  return %0 : tensor<32x32xf32>
}

// -----
// CHECK-LABEL: func.func @binary_div
// CHECK-SAME: (%[[X:[^:]*]]: tensor<32x32xf32, {{.*}}>, %[[Y:[^:]*]]: tensor<32x32xf32, 
// CHECK: grid.dispatch "div" on <(0, 0) to{{ ?}}(0, 0)> ins(%[[X]], %[[Y]] :
// CHECK: noc.kernel compute {
// CHECK: %[[T0:.*]] = noc.cb_get
// CHECK: %[[T1:.*]] = noc.cb_get
// CHECK-NEXT: tile.acquire_dst
// CHECK-NEXT: tile.binary div bcast none %[[T0]], %[[T1]], dst[%[[D:.*]]] : !tile.tile<32x32, f32>, !tile.tile<32x32, f32>
// CHECK-NEXT: noc.cb_reserve
func.func @binary_div(%x: tensor<32x32xf32>, %y: tensor<32x32xf32>) -> tensor<32x32xf32> {
  %0 = graph.binary div %x, %y : (tensor<32x32xf32>, tensor<32x32xf32>) -> tensor<32x32xf32>
  return %0 : tensor<32x32xf32>
}

// -----
// CHECK-LABEL: func.func @binary_pow
// CHECK-SAME: (%[[X:[^:]*]]: tensor<32x32xf32, {{.*}}>, %[[Y:[^:]*]]: tensor<32x32xf32, 
// CHECK: grid.dispatch "pow" on <(0, 0) to{{ ?}}(0, 0)> ins(%[[X]], %[[Y]] :
// CHECK: noc.kernel compute {
// CHECK: %[[T0:.*]] = noc.cb_get
// CHECK: %[[T1:.*]] = noc.cb_get
// CHECK-NEXT: tile.acquire_dst
// CHECK-NEXT: tile.binary pow bcast none %[[T0]], %[[T1]], dst[%[[D:.*]]] : !tile.tile<32x32, f32>, !tile.tile<32x32, f32>
// CHECK-NEXT: noc.cb_reserve
func.func @binary_pow(%x: tensor<32x32xf32>, %y: tensor<32x32xf32>) -> tensor<32x32xf32> {
  %0 = graph.binary pow %x, %y : (tensor<32x32xf32>, tensor<32x32xf32>) -> tensor<32x32xf32>
  return %0 : tensor<32x32xf32>
}

// -----
// CHECK-LABEL: func.func @binary_max
// CHECK-SAME: (%[[X:[^:]*]]: tensor<32x32xf32, {{.*}}>, %[[Y:[^:]*]]: tensor<32x32xf32, 
// CHECK: grid.dispatch "max" on <(0, 0) to{{ ?}}(0, 0)> ins(%[[X]], %[[Y]] :
// CHECK: noc.kernel compute {
// CHECK: %[[T0:.*]] = noc.cb_get
// CHECK: %[[T1:.*]] = noc.cb_get
// CHECK-NEXT: tile.acquire_dst
// CHECK-NEXT: tile.binary max bcast none %[[T0]], %[[T1]], dst[%[[D:.*]]] : !tile.tile<32x32, f32>, !tile.tile<32x32, f32>
// CHECK-NEXT: noc.cb_reserve
func.func @binary_max(%x: tensor<32x32xf32>, %y: tensor<32x32xf32>) -> tensor<32x32xf32> {
  %0 = graph.binary max %x, %y : (tensor<32x32xf32>, tensor<32x32xf32>) -> tensor<32x32xf32>
  return %0 : tensor<32x32xf32>
}

// -----
// CHECK-LABEL: func.func @binary_min
// CHECK-SAME: (%[[X:[^:]*]]: tensor<32x32xf32, {{.*}}>, %[[Y:[^:]*]]: tensor<32x32xf32, 
// CHECK: grid.dispatch "min" on <(0, 0) to{{ ?}}(0, 0)> ins(%[[X]], %[[Y]] :
// CHECK: noc.kernel compute {
// CHECK: %[[T0:.*]] = noc.cb_get
// CHECK: %[[T1:.*]] = noc.cb_get
// CHECK-NEXT: tile.acquire_dst
// CHECK-NEXT: tile.binary min bcast none %[[T0]], %[[T1]], dst[%[[D:.*]]] : !tile.tile<32x32, f32>, !tile.tile<32x32, f32>
// CHECK-NEXT: noc.cb_reserve
func.func @binary_min(%x: tensor<32x32xf32>, %y: tensor<32x32xf32>) -> tensor<32x32xf32> {
  %0 = graph.binary min %x, %y : (tensor<32x32xf32>, tensor<32x32xf32>) -> tensor<32x32xf32>
  return %0 : tensor<32x32xf32>
}

// -----
// CHECK-LABEL: func.func @binary_mod
// CHECK-SAME: (%[[X:[^:]*]]: tensor<32x32xf32, {{.*}}>, %[[Y:[^:]*]]: tensor<32x32xf32, 
// CHECK: grid.dispatch "mod" on <(0, 0) to{{ ?}}(0, 0)> ins(%[[X]], %[[Y]] :
// CHECK: noc.kernel compute {
// CHECK: %[[T0:.*]] = noc.cb_get
// CHECK: %[[T1:.*]] = noc.cb_get
// CHECK-NEXT: tile.acquire_dst
// CHECK-NEXT: tile.binary mod bcast none %[[T0]], %[[T1]], dst[%[[D:.*]]] : !tile.tile<32x32, f32>, !tile.tile<32x32, f32>
// CHECK-NEXT: noc.cb_reserve
func.func @binary_mod(%x: tensor<32x32xf32>, %y: tensor<32x32xf32>) -> tensor<32x32xf32> {
  %0 = graph.binary mod %x, %y : (tensor<32x32xf32>, tensor<32x32xf32>) -> tensor<32x32xf32>
  return %0 : tensor<32x32xf32>
}

// -----
// CHECK-LABEL: func.func @binary_fmod
// CHECK-SAME: (%[[X:[^:]*]]: tensor<32x32xf32, {{.*}}>, %[[Y:[^:]*]]: tensor<32x32xf32, 
// CHECK: grid.dispatch "fmod" on <(0, 0) to{{ ?}}(0, 0)> ins(%[[X]], %[[Y]] :
// CHECK: noc.kernel compute {
// CHECK: %[[T0:.*]] = noc.cb_get
// CHECK: %[[T1:.*]] = noc.cb_get
// CHECK-NEXT: tile.acquire_dst
// CHECK-NEXT: tile.binary fmod bcast none %[[T0]], %[[T1]], dst[%[[D:.*]]] : !tile.tile<32x32, f32>, !tile.tile<32x32, f32>
// CHECK-NEXT: noc.cb_reserve
func.func @binary_fmod(%x: tensor<32x32xf32>, %y: tensor<32x32xf32>) -> tensor<32x32xf32> {
  %0 = graph.binary fmod %x, %y : (tensor<32x32xf32>, tensor<32x32xf32>) -> tensor<32x32xf32>
  return %0 : tensor<32x32xf32>
}

// -----
// CHECK-LABEL: func.func @binary_equal
// CHECK-SAME: (%[[X:[^:]*]]: tensor<32x32xf32, {{.*}}>, %[[Y:[^:]*]]: tensor<32x32xf32, 
// CHECK: grid.dispatch "equal" on <(0, 0) to{{ ?}}(0, 0)> ins(%[[X]], %[[Y]] :
// CHECK: noc.kernel compute {
// CHECK: %[[T0:.*]] = noc.cb_get
// CHECK: %[[T1:.*]] = noc.cb_get
// CHECK-NEXT: tile.acquire_dst
// CHECK-NEXT: tile.binary eq bcast none %[[T0]], %[[T1]], dst[%[[D:.*]]] : !tile.tile<32x32, f32>, !tile.tile<32x32, f32>
// CHECK-NEXT: noc.cb_reserve
func.func @binary_equal(%x: tensor<32x32xf32>, %y: tensor<32x32xf32>) -> tensor<32x32xi1> {
  %0 = graph.binary equal %x, %y : (tensor<32x32xf32>, tensor<32x32xf32>) -> tensor<32x32xi1>
  return %0 : tensor<32x32xi1>
}

// -----
// CHECK-LABEL: func.func @binary_less
// CHECK-SAME: (%[[X:[^:]*]]: tensor<32x32xf32, {{.*}}>, %[[Y:[^:]*]]: tensor<32x32xf32, 
// CHECK: grid.dispatch "less" on <(0, 0) to{{ ?}}(0, 0)> ins(%[[X]], %[[Y]] :
// CHECK: noc.kernel compute {
// CHECK: %[[T0:.*]] = noc.cb_get
// CHECK: %[[T1:.*]] = noc.cb_get
// CHECK-NEXT: tile.acquire_dst
// CHECK-NEXT: tile.binary lt bcast none %[[T0]], %[[T1]], dst[%[[D:.*]]] : !tile.tile<32x32, f32>, !tile.tile<32x32, f32>
// CHECK-NEXT: noc.cb_reserve
func.func @binary_less(%x: tensor<32x32xf32>, %y: tensor<32x32xf32>) -> tensor<32x32xi1> {
  %0 = graph.binary less %x, %y : (tensor<32x32xf32>, tensor<32x32xf32>) -> tensor<32x32xi1>
  return %0 : tensor<32x32xi1>
}

// -----
// CHECK-LABEL: func.func @binary_greater
// CHECK-SAME: (%[[X:[^:]*]]: tensor<32x32xf32, {{.*}}>, %[[Y:[^:]*]]: tensor<32x32xf32, 
// CHECK: grid.dispatch "greater" on <(0, 0) to{{ ?}}(0, 0)> ins(%[[X]], %[[Y]] :
// CHECK: noc.kernel compute {
// CHECK: %[[T0:.*]] = noc.cb_get
// CHECK: %[[T1:.*]] = noc.cb_get
// CHECK-NEXT: tile.acquire_dst
// CHECK-NEXT: tile.binary gt bcast none %[[T0]], %[[T1]], dst[%[[D:.*]]] : !tile.tile<32x32, f32>, !tile.tile<32x32, f32>
// CHECK-NEXT: noc.cb_reserve
func.func @binary_greater(%x: tensor<32x32xf32>, %y: tensor<32x32xf32>) -> tensor<32x32xi1> {
  %0 = graph.binary greater %x, %y : (tensor<32x32xf32>, tensor<32x32xf32>) -> tensor<32x32xi1>
  return %0 : tensor<32x32xi1>
}

// -----
// CHECK-LABEL: func.func @binary_less_or_equal
// CHECK-SAME: (%[[X:[^:]*]]: tensor<32x32xf32, {{.*}}>, %[[Y:[^:]*]]: tensor<32x32xf32, 
// CHECK: grid.dispatch "less_or_equal" on <(0, 0) to{{ ?}}(0, 0)> ins(%[[X]], %[[Y]] :
// CHECK: noc.kernel compute {
// CHECK: %[[T0:.*]] = noc.cb_get
// CHECK: %[[T1:.*]] = noc.cb_get
// CHECK-NEXT: tile.acquire_dst
// CHECK-NEXT: tile.binary le bcast none %[[T0]], %[[T1]], dst[%[[D:.*]]] : !tile.tile<32x32, f32>, !tile.tile<32x32, f32>
// CHECK-NEXT: noc.cb_reserve
func.func @binary_less_or_equal(%x: tensor<32x32xf32>, %y: tensor<32x32xf32>) -> tensor<32x32xi1> {
  %0 = graph.binary less_or_equal %x, %y : (tensor<32x32xf32>, tensor<32x32xf32>) -> tensor<32x32xi1>
  return %0 : tensor<32x32xi1>
}

// -----
// CHECK-LABEL: func.func @binary_greater_or_equal
// CHECK-SAME: (%[[X:[^:]*]]: tensor<32x32xf32, {{.*}}>, %[[Y:[^:]*]]: tensor<32x32xf32, 
// CHECK: grid.dispatch "greater_or_equal" on <(0, 0) to{{ ?}}(0, 0)> ins(%[[X]], %[[Y]] :
// CHECK: noc.kernel compute {
// CHECK: %[[T0:.*]] = noc.cb_get
// CHECK: %[[T1:.*]] = noc.cb_get
// CHECK-NEXT: tile.acquire_dst
// CHECK-NEXT: tile.binary ge bcast none %[[T0]], %[[T1]], dst[%[[D:.*]]] : !tile.tile<32x32, f32>, !tile.tile<32x32, f32>
// CHECK-NEXT: noc.cb_reserve
func.func @binary_greater_or_equal(%x: tensor<32x32xf32>, %y: tensor<32x32xf32>) -> tensor<32x32xi1> {
  %0 = graph.binary greater_or_equal %x, %y : (tensor<32x32xf32>, tensor<32x32xf32>) -> tensor<32x32xi1>
  return %0 : tensor<32x32xi1>
}

// -----
// CHECK-LABEL: func.func @binary_prelu
// CHECK-SAME: (%[[X:[^:]*]]: tensor<32x32xf32, {{.*}}>, %[[Y:[^:]*]]: tensor<32x32xf32, 
// CHECK: grid.dispatch "prelu" on <(0, 0) to{{ ?}}(0, 0)> ins(%[[X]], %[[Y]] :
// CHECK: noc.kernel compute {
// CHECK: %[[T0:.*]] = noc.cb_get
// CHECK: %[[T1:.*]] = noc.cb_get
// CHECK-NEXT: tile.acquire_dst
// CHECK-NEXT: tile.binary prelu bcast none %[[T0]], %[[T1]], dst[%[[D:.*]]] : !tile.tile<32x32, f32>, !tile.tile<32x32, f32>
// CHECK-NEXT: noc.cb_reserve
func.func @binary_prelu(%x: tensor<32x32xf32>, %y: tensor<32x32xf32>) -> tensor<32x32xf32> {
  %0 = graph.binary prelu %x, %y : (tensor<32x32xf32>, tensor<32x32xf32>) -> tensor<32x32xf32>
  return %0 : tensor<32x32xf32>
}

// -----
// CHECK-LABEL: func.func @binary_and
// CHECK-SAME: (%[[X:[^:]*]]: tensor<32x32xi1, {{.*}}>, %[[Y:[^:]*]]: tensor<32x32xi1, 
// CHECK: grid.dispatch "and" on <(0, 0) to{{ ?}}(0, 0)> ins(%[[X]], %[[Y]] :
// CHECK: noc.kernel compute {
// CHECK: %[[T0:.*]] = noc.cb_get
// CHECK: %[[T1:.*]] = noc.cb_get
// CHECK-NEXT: tile.acquire_dst
// CHECK-NEXT: tile.binary and bcast none %[[T0]], %[[T1]], dst[%[[D:.*]]] : !tile.tile<32x32, f32>, !tile.tile<32x32, f32>
// CHECK-NEXT: noc.cb_reserve
func.func @binary_and(%x: tensor<32x32xi1>, %y: tensor<32x32xi1>) -> tensor<32x32xi1> {
  %0 = graph.binary and %x, %y : (tensor<32x32xi1>, tensor<32x32xi1>) -> tensor<32x32xi1>
  return %0 : tensor<32x32xi1>
}

// -----
// CHECK-LABEL: func.func @binary_or
// CHECK-SAME: (%[[X:[^:]*]]: tensor<32x32xi1, {{.*}}>, %[[Y:[^:]*]]: tensor<32x32xi1, 
// CHECK: grid.dispatch "or" on <(0, 0) to{{ ?}}(0, 0)> ins(%[[X]], %[[Y]] :
// CHECK: noc.kernel compute {
// CHECK: %[[T0:.*]] = noc.cb_get
// CHECK: %[[T1:.*]] = noc.cb_get
// CHECK-NEXT: tile.acquire_dst
// CHECK-NEXT: tile.binary or bcast none %[[T0]], %[[T1]], dst[%[[D:.*]]] : !tile.tile<32x32, f32>, !tile.tile<32x32, f32>
// CHECK-NEXT: noc.cb_reserve
func.func @binary_or(%x: tensor<32x32xi1>, %y: tensor<32x32xi1>) -> tensor<32x32xi1> {
  %0 = graph.binary or %x, %y : (tensor<32x32xi1>, tensor<32x32xi1>) -> tensor<32x32xi1>
  return %0 : tensor<32x32xi1>
}

// -----
// CHECK-LABEL: func.func @binary_xor
// CHECK-SAME: (%[[X:[^:]*]]: tensor<32x32xi1, {{.*}}>, %[[Y:[^:]*]]: tensor<32x32xi1, 
// CHECK: grid.dispatch "xor" on <(0, 0) to{{ ?}}(0, 0)> ins(%[[X]], %[[Y]] :
// CHECK: noc.kernel compute {
// CHECK: %[[T0:.*]] = noc.cb_get
// CHECK: %[[T1:.*]] = noc.cb_get
// CHECK-NEXT: tile.acquire_dst
// CHECK-NEXT: tile.binary xor bcast none %[[T0]], %[[T1]], dst[%[[D:.*]]] : !tile.tile<32x32, f32>, !tile.tile<32x32, f32>
// CHECK-NEXT: noc.cb_reserve
func.func @binary_xor(%x: tensor<32x32xi1>, %y: tensor<32x32xi1>) -> tensor<32x32xi1> {
  %0 = graph.binary xor %x, %y : (tensor<32x32xi1>, tensor<32x32xi1>) -> tensor<32x32xi1>
  return %0 : tensor<32x32xi1>
}

// -----
// The FPU broadcasts its second operand: rows of a [N] vector, columns of [M, 1], a scalar.
// CHECK-LABEL: func.func @binary_rhs_rows
// CHECK-SAME: (%[[X:[^:]*]]: tensor<32x32xf32, {{.*}}>, %[[Y:[^:]*]]: tensor<32xf32, 
// CHECK: grid.dispatch "div" on <(0, 0) to{{ ?}}(0, 0)> ins(%[[X]], %[[Y]] :
// CHECK: noc.kernel compute {
// CHECK: %[[T0:.*]] = noc.cb_get
// CHECK: %[[T1:.*]] = noc.cb_get
// CHECK-NEXT: tile.acquire_dst
// CHECK-NEXT: tile.binary div bcast rows %[[T0]], %[[T1]], dst[%[[D:.*]]] : !tile.tile<32x32, f32>, !tile.tile<32x32, f32>
// CHECK-NEXT: noc.cb_reserve
func.func @binary_rhs_rows(%x: tensor<32x32xf32>, %y: tensor<32xf32>) -> tensor<32x32xf32> {
  %0 = graph.binary div %x, %y : (tensor<32x32xf32>, tensor<32xf32>) -> tensor<32x32xf32>
  return %0 : tensor<32x32xf32>
}

// -----
// CHECK-LABEL: func.func @binary_rhs_cols
// CHECK-SAME: (%[[X:[^:]*]]: tensor<32x32xf32, {{.*}}>, %[[Y:[^:]*]]: tensor<32x1xf32, 
// CHECK: grid.dispatch "pow" on <(0, 0) to{{ ?}}(0, 0)> ins(%[[X]], %[[Y]] :
// CHECK: noc.kernel compute {
// CHECK: %[[T0:.*]] = noc.cb_get
// CHECK: %[[T1:.*]] = noc.cb_get
// CHECK-NEXT: tile.acquire_dst
// CHECK-NEXT: tile.binary pow bcast cols %[[T0]], %[[T1]], dst[%[[D:.*]]] : !tile.tile<32x32, f32>, !tile.tile<32x32, f32>
// CHECK-NEXT: noc.cb_reserve
func.func @binary_rhs_cols(%x: tensor<32x32xf32>, %y: tensor<32x1xf32>) -> tensor<32x32xf32> {
  %0 = graph.binary pow %x, %y : (tensor<32x32xf32>, tensor<32x1xf32>) -> tensor<32x32xf32>
  return %0 : tensor<32x32xf32>
}

// -----
// CHECK-LABEL: func.func @binary_rhs_scalar
// CHECK-SAME: (%[[X:[^:]*]]: tensor<32x32xf32, {{.*}}>, %[[Y:[^:]*]]: tensor<1xf32, 
// CHECK: grid.dispatch "prelu" on <(0, 0) to{{ ?}}(0, 0)> ins(%[[X]], %[[Y]] :
// CHECK: noc.kernel compute {
// CHECK: %[[T0:.*]] = noc.cb_get
// CHECK: %[[T1:.*]] = noc.cb_get
// CHECK-NEXT: tile.acquire_dst
// CHECK-NEXT: tile.binary prelu bcast scalar %[[T0]], %[[T1]], dst[%[[D:.*]]] : !tile.tile<32x32, f32>, !tile.tile<32x32, f32>
// CHECK-NEXT: noc.cb_reserve
func.func @binary_rhs_scalar(%x: tensor<32x32xf32>, %y: tensor<1xf32>) -> tensor<32x32xf32> {
  %0 = graph.binary prelu %x, %y : (tensor<32x32xf32>, tensor<1xf32>) -> tensor<32x32xf32>
  return %0 : tensor<32x32xf32>
}

// -----
// A broadcasting first operand is swapped to the second place when the op commutes.
// CHECK-LABEL: func.func @swap_add
// CHECK-SAME: (%[[X:[^:]*]]: tensor<1x32xf32, {{.*}}>, %[[Y:[^:]*]]: tensor<32x32xf32, 
// CHECK: grid.dispatch "add" on <(0, 0) to{{ ?}}(0, 0)> ins(%[[Y]], %[[X]] :
// CHECK: noc.kernel compute {
// CHECK: %[[T0:.*]] = noc.cb_get
// CHECK: %[[T1:.*]] = noc.cb_get
// CHECK-NEXT: tile.acquire_dst
// CHECK-NEXT: tile.binary add bcast rows %[[T0]], %[[T1]], dst[%[[D:.*]]] : !tile.tile<32x32, f32>, !tile.tile<32x32, f32>
// CHECK-NEXT: noc.cb_reserve
func.func @swap_add(%x: tensor<1x32xf32>, %y: tensor<32x32xf32>) -> tensor<32x32xf32> {
  %0 = graph.binary add %x, %y : (tensor<1x32xf32>, tensor<32x32xf32>) -> tensor<32x32xf32>
  return %0 : tensor<32x32xf32>
}

// -----
// CHECK-LABEL: func.func @swap_mul
// CHECK-SAME: (%[[X:[^:]*]]: tensor<32x1xf32, {{.*}}>, %[[Y:[^:]*]]: tensor<32x32xf32, 
// CHECK: grid.dispatch "mul" on <(0, 0) to{{ ?}}(0, 0)> ins(%[[Y]], %[[X]] :
// CHECK: noc.kernel compute {
// CHECK: %[[T0:.*]] = noc.cb_get
// CHECK: %[[T1:.*]] = noc.cb_get
// CHECK-NEXT: tile.acquire_dst
// CHECK-NEXT: tile.binary mul bcast cols %[[T0]], %[[T1]], dst[%[[D:.*]]] : !tile.tile<32x32, f32>, !tile.tile<32x32, f32>
// CHECK-NEXT: noc.cb_reserve
func.func @swap_mul(%x: tensor<32x1xf32>, %y: tensor<32x32xf32>) -> tensor<32x32xf32> {
  %0 = graph.binary mul %x, %y : (tensor<32x1xf32>, tensor<32x32xf32>) -> tensor<32x32xf32>
  return %0 : tensor<32x32xf32>
}

// -----
// CHECK-LABEL: func.func @swap_max
// CHECK-SAME: (%[[X:[^:]*]]: tensor<f32, {{.*}}>, %[[Y:[^:]*]]: tensor<32x32xf32, 
// CHECK: grid.dispatch "max" on <(0, 0) to{{ ?}}(0, 0)> ins(%[[Y]], %[[X]] :
// CHECK: noc.kernel compute {
// CHECK: %[[T0:.*]] = noc.cb_get
// CHECK: %[[T1:.*]] = noc.cb_get
// CHECK-NEXT: tile.acquire_dst
// CHECK-NEXT: tile.binary max bcast scalar %[[T0]], %[[T1]], dst[%[[D:.*]]] : !tile.tile<32x32, f32>, !tile.tile<32x32, f32>
// CHECK-NEXT: noc.cb_reserve
func.func @swap_max(%x: tensor<f32>, %y: tensor<32x32xf32>) -> tensor<32x32xf32> {
  %0 = graph.binary max %x, %y : (tensor<f32>, tensor<32x32xf32>) -> tensor<32x32xf32>
  return %0 : tensor<32x32xf32>
}

// -----
// CHECK-LABEL: func.func @swap_min
// CHECK-SAME: (%[[X:[^:]*]]: tensor<32xf32, {{.*}}>, %[[Y:[^:]*]]: tensor<32x32xf32, 
// CHECK: grid.dispatch "min" on <(0, 0) to{{ ?}}(0, 0)> ins(%[[Y]], %[[X]] :
// CHECK: noc.kernel compute {
// CHECK: %[[T0:.*]] = noc.cb_get
// CHECK: %[[T1:.*]] = noc.cb_get
// CHECK-NEXT: tile.acquire_dst
// CHECK-NEXT: tile.binary min bcast rows %[[T0]], %[[T1]], dst[%[[D:.*]]] : !tile.tile<32x32, f32>, !tile.tile<32x32, f32>
// CHECK-NEXT: noc.cb_reserve
func.func @swap_min(%x: tensor<32xf32>, %y: tensor<32x32xf32>) -> tensor<32x32xf32> {
  %0 = graph.binary min %x, %y : (tensor<32xf32>, tensor<32x32xf32>) -> tensor<32x32xf32>
  return %0 : tensor<32x32xf32>
}

// -----
// CHECK-LABEL: func.func @swap_equal
// CHECK-SAME: (%[[X:[^:]*]]: tensor<32x1xf32, {{.*}}>, %[[Y:[^:]*]]: tensor<32x32xf32, 
// CHECK: grid.dispatch "equal" on <(0, 0) to{{ ?}}(0, 0)> ins(%[[Y]], %[[X]] :
// CHECK: noc.kernel compute {
// CHECK: %[[T0:.*]] = noc.cb_get
// CHECK: %[[T1:.*]] = noc.cb_get
// CHECK-NEXT: tile.acquire_dst
// CHECK-NEXT: tile.binary eq bcast cols %[[T0]], %[[T1]], dst[%[[D:.*]]] : !tile.tile<32x32, f32>, !tile.tile<32x32, f32>
// CHECK-NEXT: noc.cb_reserve
func.func @swap_equal(%x: tensor<32x1xf32>, %y: tensor<32x32xf32>) -> tensor<32x32xi1> {
  %0 = graph.binary equal %x, %y : (tensor<32x1xf32>, tensor<32x32xf32>) -> tensor<32x32xi1>
  return %0 : tensor<32x32xi1>
}

// -----
// CHECK-LABEL: func.func @swap_and
// CHECK-SAME: (%[[X:[^:]*]]: tensor<1x32xi1, {{.*}}>, %[[Y:[^:]*]]: tensor<32x32xi1, 
// CHECK: grid.dispatch "and" on <(0, 0) to{{ ?}}(0, 0)> ins(%[[Y]], %[[X]] :
// CHECK: noc.kernel compute {
// CHECK: %[[T0:.*]] = noc.cb_get
// CHECK: %[[T1:.*]] = noc.cb_get
// CHECK-NEXT: tile.acquire_dst
// CHECK-NEXT: tile.binary and bcast rows %[[T0]], %[[T1]], dst[%[[D:.*]]] : !tile.tile<32x32, f32>, !tile.tile<32x32, f32>
// CHECK-NEXT: noc.cb_reserve
func.func @swap_and(%x: tensor<1x32xi1>, %y: tensor<32x32xi1>) -> tensor<32x32xi1> {
  %0 = graph.binary and %x, %y : (tensor<1x32xi1>, tensor<32x32xi1>) -> tensor<32x32xi1>
  return %0 : tensor<32x32xi1>
}

// -----
// CHECK-LABEL: func.func @swap_or
// CHECK-SAME: (%[[X:[^:]*]]: tensor<1x32xi1, {{.*}}>, %[[Y:[^:]*]]: tensor<32x32xi1, 
// CHECK: grid.dispatch "or" on <(0, 0) to{{ ?}}(0, 0)> ins(%[[Y]], %[[X]] :
// CHECK: noc.kernel compute {
// CHECK: %[[T0:.*]] = noc.cb_get
// CHECK: %[[T1:.*]] = noc.cb_get
// CHECK-NEXT: tile.acquire_dst
// CHECK-NEXT: tile.binary or bcast rows %[[T0]], %[[T1]], dst[%[[D:.*]]] : !tile.tile<32x32, f32>, !tile.tile<32x32, f32>
// CHECK-NEXT: noc.cb_reserve
func.func @swap_or(%x: tensor<1x32xi1>, %y: tensor<32x32xi1>) -> tensor<32x32xi1> {
  %0 = graph.binary or %x, %y : (tensor<1x32xi1>, tensor<32x32xi1>) -> tensor<32x32xi1>
  return %0 : tensor<32x32xi1>
}

// -----
// CHECK-LABEL: func.func @swap_xor
// CHECK-SAME: (%[[X:[^:]*]]: tensor<1x32xi1, {{.*}}>, %[[Y:[^:]*]]: tensor<32x32xi1, 
// CHECK: grid.dispatch "xor" on <(0, 0) to{{ ?}}(0, 0)> ins(%[[Y]], %[[X]] :
// CHECK: noc.kernel compute {
// CHECK: %[[T0:.*]] = noc.cb_get
// CHECK: %[[T1:.*]] = noc.cb_get
// CHECK-NEXT: tile.acquire_dst
// CHECK-NEXT: tile.binary xor bcast rows %[[T0]], %[[T1]], dst[%[[D:.*]]] : !tile.tile<32x32, f32>, !tile.tile<32x32, f32>
// CHECK-NEXT: noc.cb_reserve
func.func @swap_xor(%x: tensor<1x32xi1>, %y: tensor<32x32xi1>) -> tensor<32x32xi1> {
  %0 = graph.binary xor %x, %y : (tensor<1x32xi1>, tensor<32x32xi1>) -> tensor<32x32xi1>
  return %0 : tensor<32x32xi1>
}

// -----
// Ordered comparisons swap to their mirror: x < y is y > x, x <= y is y >= x.
// CHECK-LABEL: func.func @swap_less
// CHECK-SAME: (%[[X:[^:]*]]: tensor<32x1xf32, {{.*}}>, %[[Y:[^:]*]]: tensor<32x32xf32, 
// CHECK: grid.dispatch "less" on <(0, 0) to{{ ?}}(0, 0)> ins(%[[Y]], %[[X]] :
// CHECK: noc.kernel compute {
// CHECK: %[[T0:.*]] = noc.cb_get
// CHECK: %[[T1:.*]] = noc.cb_get
// CHECK-NEXT: tile.acquire_dst
// CHECK-NEXT: tile.binary gt bcast cols %[[T0]], %[[T1]], dst[%[[D:.*]]] : !tile.tile<32x32, f32>, !tile.tile<32x32, f32>
// CHECK-NEXT: noc.cb_reserve
func.func @swap_less(%x: tensor<32x1xf32>, %y: tensor<32x32xf32>) -> tensor<32x32xi1> {
  %0 = graph.binary less %x, %y : (tensor<32x1xf32>, tensor<32x32xf32>) -> tensor<32x32xi1>
  return %0 : tensor<32x32xi1>
}

// -----
// CHECK-LABEL: func.func @swap_greater
// CHECK-SAME: (%[[X:[^:]*]]: tensor<32x1xf32, {{.*}}>, %[[Y:[^:]*]]: tensor<32x32xf32, 
// CHECK: grid.dispatch "greater" on <(0, 0) to{{ ?}}(0, 0)> ins(%[[Y]], %[[X]] :
// CHECK: noc.kernel compute {
// CHECK: %[[T0:.*]] = noc.cb_get
// CHECK: %[[T1:.*]] = noc.cb_get
// CHECK-NEXT: tile.acquire_dst
// CHECK-NEXT: tile.binary lt bcast cols %[[T0]], %[[T1]], dst[%[[D:.*]]] : !tile.tile<32x32, f32>, !tile.tile<32x32, f32>
// CHECK-NEXT: noc.cb_reserve
func.func @swap_greater(%x: tensor<32x1xf32>, %y: tensor<32x32xf32>) -> tensor<32x32xi1> {
  %0 = graph.binary greater %x, %y : (tensor<32x1xf32>, tensor<32x32xf32>) -> tensor<32x32xi1>
  return %0 : tensor<32x32xi1>
}

// -----
// CHECK-LABEL: func.func @swap_less_or_equal
// CHECK-SAME: (%[[X:[^:]*]]: tensor<32x1xf32, {{.*}}>, %[[Y:[^:]*]]: tensor<32x32xf32, 
// CHECK: grid.dispatch "less_or_equal" on <(0, 0) to{{ ?}}(0, 0)> ins(%[[Y]], %[[X]] :
// CHECK: noc.kernel compute {
// CHECK: %[[T0:.*]] = noc.cb_get
// CHECK: %[[T1:.*]] = noc.cb_get
// CHECK-NEXT: tile.acquire_dst
// CHECK-NEXT: tile.binary ge bcast cols %[[T0]], %[[T1]], dst[%[[D:.*]]] : !tile.tile<32x32, f32>, !tile.tile<32x32, f32>
// CHECK-NEXT: noc.cb_reserve
func.func @swap_less_or_equal(%x: tensor<32x1xf32>, %y: tensor<32x32xf32>) -> tensor<32x32xi1> {
  %0 = graph.binary less_or_equal %x, %y : (tensor<32x1xf32>, tensor<32x32xf32>) -> tensor<32x32xi1>
  return %0 : tensor<32x32xi1>
}

// -----
// CHECK-LABEL: func.func @swap_greater_or_equal
// CHECK-SAME: (%[[X:[^:]*]]: tensor<32x1xf32, {{.*}}>, %[[Y:[^:]*]]: tensor<32x32xf32, 
// CHECK: grid.dispatch "greater_or_equal" on <(0, 0) to{{ ?}}(0, 0)> ins(%[[Y]], %[[X]] :
// CHECK: noc.kernel compute {
// CHECK: %[[T0:.*]] = noc.cb_get
// CHECK: %[[T1:.*]] = noc.cb_get
// CHECK-NEXT: tile.acquire_dst
// CHECK-NEXT: tile.binary le bcast cols %[[T0]], %[[T1]], dst[%[[D:.*]]] : !tile.tile<32x32, f32>, !tile.tile<32x32, f32>
// CHECK-NEXT: noc.cb_reserve
func.func @swap_greater_or_equal(%x: tensor<32x1xf32>, %y: tensor<32x32xf32>) -> tensor<32x32xi1> {
  %0 = graph.binary greater_or_equal %x, %y : (tensor<32x1xf32>, tensor<32x32xf32>) -> tensor<32x32xi1>
  return %0 : tensor<32x32xi1>
}

// -----
// Sub swaps and negates: x - y = -(y - x).
// CHECK-LABEL: func.func @swap_sub
// CHECK-SAME: (%[[X:[^:]*]]: tensor<1x32xf32, {{.*}}>, %[[Y:[^:]*]]: tensor<32x32xf32, 
// CHECK: grid.dispatch "sub" on <(0, 0) to{{ ?}}(0, 0)> ins(%[[Y]], %[[X]] :
// CHECK: noc.kernel compute {
// CHECK: %[[T0:.*]] = noc.cb_get
// CHECK: %[[T1:.*]] = noc.cb_get
// CHECK-NEXT: tile.acquire_dst
// CHECK-NEXT: tile.binary sub bcast rows %[[T0]], %[[T1]], dst[%[[D:.*]]] : !tile.tile<32x32, f32>, !tile.tile<32x32, f32>
// CHECK-NEXT: tile.unary neg dst[%[[D]]]{{$}}
// CHECK-NEXT: noc.cb_reserve
func.func @swap_sub(%x: tensor<1x32xf32>, %y: tensor<32x32xf32>) -> tensor<32x32xf32> {
  %0 = graph.binary sub %x, %y : (tensor<1x32xf32>, tensor<32x32xf32>) -> tensor<32x32xf32>
  return %0 : tensor<32x32xf32>
}

// -----
// CHECK-LABEL: func.func @swap_sub_scalar
// CHECK-SAME: (%[[X:[^:]*]]: tensor<f32, {{.*}}>, %[[Y:[^:]*]]: tensor<32x32xf32, 
// CHECK: grid.dispatch "sub" on <(0, 0) to{{ ?}}(0, 0)> ins(%[[Y]], %[[X]] :
// CHECK: noc.kernel compute {
// CHECK: %[[T0:.*]] = noc.cb_get
// CHECK: %[[T1:.*]] = noc.cb_get
// CHECK-NEXT: tile.acquire_dst
// CHECK-NEXT: tile.binary sub bcast scalar %[[T0]], %[[T1]], dst[%[[D:.*]]] : !tile.tile<32x32, f32>, !tile.tile<32x32, f32>
// CHECK-NEXT: tile.unary neg dst[%[[D]]]{{$}}
// CHECK-NEXT: noc.cb_reserve
func.func @swap_sub_scalar(%x: tensor<f32>, %y: tensor<32x32xf32>) -> tensor<32x32xf32> {
  %0 = graph.binary sub %x, %y : (tensor<f32>, tensor<32x32xf32>) -> tensor<32x32xf32>
  return %0 : tensor<32x32xf32>
}

// -----
// where(c, x, y): Dst = y, then Dst = c ? x : Dst, with x the FPU's broadcast operand.
// CHECK-LABEL: func.func @where
// CHECK-SAME: (%[[C:[^:]*]]: tensor<32x32xi1, {{.*}}>, %[[X:[^:]*]]: tensor<32x32xf32, {{.*}}>, %[[Y:[^:]*]]: tensor<32x32xf32, {{.*}}>)
// CHECK: grid.dispatch "where" on <(0, 0) to{{ ?}}(0, 0)> ins(%[[C]], %[[X]], %[[Y]] :
// CHECK-NEXT: ^bb0
// CHECK-NEXT: %[[CBC:.*]] = noc.cb 0 : !noc.cb<!tile.tile<32x32, f32>, 2>
// CHECK-NEXT: %[[CBX:.*]] = noc.cb 1 : !noc.cb<!tile.tile<32x32, f32>, 2>
// CHECK-NEXT: %[[CBY:.*]] = noc.cb 2 : !noc.cb<!tile.tile<32x32, f32>, 2>
// CHECK-NEXT: %[[CBO:.*]] = noc.cb 3 : !noc.cb<!tile.tile<32x32, f32>, 2>
// CHECK: noc.kernel compute {
// CHECK: %[[TC:.*]] = noc.cb_get %[[CBC]]
// CHECK: %[[TX:.*]] = noc.cb_get %[[CBX]]
// CHECK: %[[TY:.*]] = noc.cb_get %[[CBY]]
// CHECK-NEXT: tile.acquire_dst
// CHECK-NEXT: tile.copy %[[TY]], dst[%[[D:.*]]] : !tile.tile<32x32, f32>
// CHECK-NEXT: tile.binary where_into bcast none %[[TC]], %[[TX]], dst[%[[D]]] : !tile.tile<32x32, f32>, !tile.tile<32x32, f32>
// CHECK-NEXT: noc.cb_reserve %[[CBO]], 1
// CHECK-NEXT: tile.pack dst[%[[D]]]
func.func @where(%c: tensor<32x32xi1>, %x: tensor<32x32xf32>, %y: tensor<32x32xf32>) -> tensor<32x32xf32> {
  %0 = graph.where %c, %x, %y : (tensor<32x32xi1>, tensor<32x32xf32>, tensor<32x32xf32>) -> tensor<32x32xf32>
  return %0 : tensor<32x32xf32>
}

// -----

// x may broadcast within a tile; the condition and y only across tiles (batch dims). The
// booleans stay exact f32 tiles at bf16 precision.
// CHECK-DAG: #[[BATCH:.*]] = affine_map<(d0) -> (d0 mod 2)>
// CHECK-LABEL: func.func @where_broadcast
// CHECK: grid.dispatch "where" on <(0, 0) to{{ ?}}(1, 0)>
// CHECK: noc.kernel reader {
// CHECK: %[[CORE:.*]] = grid.core_index linear
// CHECK: %[[B:.*]] = affine.apply #[[BATCH]](%[[CORE]])
// CHECK: noc.read %{{.*}}[%[[B]]] into
// The scalar's one value is in its tile's first row, which alone is read.
// CHECK: noc.read_span %{{.*}}[%c0] offset %c0 into %{{.*}}[%c0] offset %c0 count %c32
// CHECK: noc.read %{{.*}}[%c0] into
// CHECK: noc.kernel compute {
// CHECK: tile.copy
// CHECK-NEXT: tile.binary where_into bcast scalar
// CHECK: noc.kernel writer {
// BF16-LABEL: func.func @where_broadcast
// BF16: grid.dispatch "where"
// BF16-SAME: dst_format = #tile<format bf16>
// BF16-NEXT: ^bb0
// BF16-NEXT: noc.cb 0 : !noc.cb<!tile.tile<32x32, f32>, 2>
// BF16-NEXT: noc.cb 1 : !noc.cb<!tile.tile<32x32, bf16>, 2>
// BF16-NEXT: noc.cb 2 : !noc.cb<!tile.tile<32x32, bf16>, 2>
// BF16-NEXT: noc.cb 3 : !noc.cb<!tile.tile<32x32, bf16>, 2>
// BF16: tile.binary where_into bcast scalar %{{.*}}, %{{.*}}, dst[%{{.*}}] : !tile.tile<32x32, f32>, !tile.tile<32x32, bf16>
func.func @where_broadcast(%c: tensor<2x32x32xi1>, %x: tensor<f32>, %y: tensor<1x32x32xf32>) -> tensor<2x32x32xf32> {
  %0 = graph.where %c, %x, %y : (tensor<2x32x32xi1>, tensor<f32>, tensor<1x32x32xf32>) -> tensor<2x32x32xf32>
  return %0 : tensor<2x32x32xf32>
}

// -----

// Comparisons of bf16 values give booleans, which are exact f32 tiles: f32 Dst and output.
// CHECK-LABEL: func.func @compare_bf16
// CHECK: tile.binary ge bcast none
// BF16-LABEL: func.func @compare_bf16
// BF16: grid.dispatch "greater_or_equal"
// BF16-SAME: dst_format = #tile<format f32>
// BF16-NEXT: ^bb0
// BF16-NEXT: noc.cb 0 : !noc.cb<!tile.tile<32x32, bf16>, 2>
// BF16-NEXT: noc.cb 1 : !noc.cb<!tile.tile<32x32, bf16>, 2>
// BF16-NEXT: noc.cb 2 : !noc.cb<!tile.tile<32x32, f32>, 2>
// BF16: tile.binary ge bcast none %{{.*}}, %{{.*}}, dst[%{{.*}}] : !tile.tile<32x32, bf16>, !tile.tile<32x32, bf16>
// BF16: tile.pack dst[%{{.*}}] : !tile.tile<32x32, f32>
func.func @compare_bf16(%x: tensor<32x32xf32>, %y: tensor<32x32xf32>) -> tensor<32x32xi1> {
  %0 = graph.binary greater_or_equal %x, %y : (tensor<32x32xf32>, tensor<32x32xf32>) -> tensor<32x32xi1>
  return %0 : tensor<32x32xi1>
}

// -----

// A first operand that broadcasts only across tiles (a batch dim) needs no swap.
// CHECK-DAG: #[[ROW:.*]] = affine_map<(d0) -> (d0 mod 2)>
// CHECK-DAG: #[[FULL:.*]] = affine_map<(d0) -> (d0 - ((d0 floordiv 2) floordiv 3) * 6)>
// CHECK-LABEL: func.func @batch_broadcast_lhs
// CHECK-SAME: (%[[X:[^:]*]]: tensor<1x64x32xf32, {{.*}}>, %[[Y:[^:]*]]: tensor<3x64x32xf32, {{.*}}>)
// CHECK: grid.dispatch "div" on <(0, 0) to{{ ?}}(5, 0)> ins(%[[X]], %[[Y]] :
// CHECK: noc.kernel reader {
// CHECK: %[[CORE:.*]] = grid.core_index linear
// CHECK: %[[T:.*]] = affine.apply #[[ROW]](%[[CORE]])
// CHECK: noc.read %{{.*}}[%[[T]]]
// CHECK: %[[U:.*]] = affine.apply #[[FULL]](%[[CORE]])
// CHECK: noc.read %{{.*}}[%[[U]]]
// CHECK: tile.binary div bcast none
// CHECK-NOT: tile.unary
// CHECK: noc.kernel writer {
func.func @batch_broadcast_lhs(%x: tensor<1x64x32xf32>, %y: tensor<3x64x32xf32>) -> tensor<3x64x32xf32> {
  %0 = graph.binary div %x, %y : (tensor<1x64x32xf32>, tensor<3x64x32xf32>) -> tensor<3x64x32xf32>
  return %0 : tensor<3x64x32xf32>
}

// -----

func.func @div_lhs_broadcast(%x: tensor<1x32xf32>, %y: tensor<32x32xf32>) -> tensor<32x32xf32> {
  // expected-error @+1 {{'div' whose first operand broadcasts within a tile is not supported yet}}
  %0 = graph.binary div %x, %y : (tensor<1x32xf32>, tensor<32x32xf32>) -> tensor<32x32xf32>
  return %0 : tensor<32x32xf32>
}

// -----

func.func @pow_lhs_broadcast(%x: tensor<f32>, %y: tensor<32x32xf32>) -> tensor<32x32xf32> {
  // expected-error @+1 {{'pow' whose first operand broadcasts within a tile is not supported yet}}
  %0 = graph.binary pow %x, %y : (tensor<f32>, tensor<32x32xf32>) -> tensor<32x32xf32>
  return %0 : tensor<32x32xf32>
}

// -----

func.func @mod_lhs_broadcast(%x: tensor<32x1xf32>, %y: tensor<32x32xf32>) -> tensor<32x32xf32> {
  // expected-error @+1 {{'mod' whose first operand broadcasts within a tile is not supported yet}}
  %0 = graph.binary mod %x, %y : (tensor<32x1xf32>, tensor<32x32xf32>) -> tensor<32x32xf32>
  return %0 : tensor<32x32xf32>
}

// -----

func.func @fmod_lhs_broadcast(%x: tensor<32xf32>, %y: tensor<32x32xf32>) -> tensor<32x32xf32> {
  // expected-error @+1 {{'fmod' whose first operand broadcasts within a tile is not supported yet}}
  %0 = graph.binary fmod %x, %y : (tensor<32xf32>, tensor<32x32xf32>) -> tensor<32x32xf32>
  return %0 : tensor<32x32xf32>
}

// -----

func.func @prelu_lhs_broadcast(%x: tensor<1x32xf32>, %y: tensor<32x32xf32>) -> tensor<32x32xf32> {
  // expected-error @+1 {{'prelu' whose first operand broadcasts within a tile is not supported yet}}
  %0 = graph.binary prelu %x, %y : (tensor<1x32xf32>, tensor<32x32xf32>) -> tensor<32x32xf32>
  return %0 : tensor<32x32xf32>
}

// -----

func.func @less_both_broadcast(%x: tensor<32x1xf32>, %y: tensor<1x32xf32>) -> tensor<32x32xi1> {
  // expected-error @+1 {{both operands broadcast within a tile; not supported yet}}
  %0 = graph.binary less %x, %y : (tensor<32x1xf32>, tensor<1x32xf32>) -> tensor<32x32xi1>
  return %0 : tensor<32x32xi1>
}

// -----

func.func @sub_both_broadcast(%x: tensor<1x32xf32>, %y: tensor<32x1xf32>) -> tensor<32x32xf32> {
  // expected-error @+1 {{both operands broadcast within a tile; not supported yet}}
  %0 = graph.binary sub %x, %y : (tensor<1x32xf32>, tensor<32x1xf32>) -> tensor<32x32xf32>
  return %0 : tensor<32x32xf32>
}

// -----

func.func @where_condition_broadcast(%c: tensor<32xi1>, %x: tensor<32x32xf32>, %y: tensor<32x32xf32>) -> tensor<32x32xf32> {
  // expected-error @+1 {{where whose condition or second value broadcasts within a tile is not supported yet}}
  %0 = graph.where %c, %x, %y : (tensor<32xi1>, tensor<32x32xf32>, tensor<32x32xf32>) -> tensor<32x32xf32>
  return %0 : tensor<32x32xf32>
}

// -----

func.func @where_y_broadcast(%c: tensor<32x32xi1>, %x: tensor<32x32xf32>, %y: tensor<f32>) -> tensor<32x32xf32> {
  // expected-error @+1 {{where whose condition or second value broadcasts within a tile is not supported yet}}
  %0 = graph.where %c, %x, %y : (tensor<32x32xi1>, tensor<32x32xf32>, tensor<f32>) -> tensor<32x32xf32>
  return %0 : tensor<32x32xf32>
}


// -----

// LogSoftmax (graph.softmax {log}; kept here with the other new ONNX functions) over 3x40: as
// Softmax up to the exponential sum, then log instead of recip, and the row offset
// max + log(sum), a statistic of its own, so the output is x - offset, never the log of a
// rounded quotient. Each buffer is popped after the last pass that reads it.
// CHECK-DAG: #[[COLS:.*]] = affine_map<(d0) -> (d0 * -32 + 40)>
// CHECK-LABEL: func.func @log_softmax
// CHECK: grid.dispatch "softmax" on <(0, 0) to{{ ?}}(0, 0)>
// CHECK-NEXT: ^bb0
// CHECK-NEXT: %[[IN:.*]] = noc.cb 0 : !noc.cb<!tile.tile<32x32, f32>, 2>
// CHECK-NEXT: %[[LAST:.*]] = noc.cb 1 : !noc.cb<!tile.tile<32x32, f32>, 1>
// CHECK-NEXT: %[[MAX:.*]] = noc.cb 2 : !noc.cb<!tile.tile<32x32, f32>, 1>
// CHECK-NEXT: %[[EXP:.*]] = noc.cb 3 : !noc.cb<!tile.tile<32x32, f32>, 2>
// CHECK-NEXT: %[[SUM:.*]] = noc.cb 4 : !noc.cb<!tile.tile<32x32, f32>, 1>
// CHECK-NEXT: %[[OFFSET:.*]] = noc.cb 5 : !noc.cb<!tile.tile<32x32, f32>, 1>
// CHECK-NEXT: %[[OUT:.*]] = noc.cb 6 : !noc.cb<!tile.tile<32x32, f32>, 2>
// CHECK: noc.kernel compute {
// CHECK: tile.mask dst[%c0] rows %c32 cols %c8 fill -3.000000e+38
// CHECK: noc.cb_put %{{.*}}, %[[LAST]]
// CHECK: tile.reduce max dim 0
// CHECK: noc.cb_put %{{.*}}, %[[MAX]]
// CHECK: tile.binary sub bcast cols
// CHECK-NEXT: tile.unary exp
// CHECK: tile.reduce sum dim 0 %{{.*}}, dst[%c0] {accumulate}
// CHECK-NEXT: noc.cb_pop %[[EXP]], 2
// CHECK-NEXT: tile.unary log dst[%c0]{{$}}
// CHECK-NEXT: noc.cb_reserve %[[SUM]], 1
// CHECK-NEXT: %[[LS:.*]] = tile.pack dst[%c0]
// CHECK-NEXT: noc.cb_put %[[LS]], %[[SUM]][%c0]
// CHECK-NEXT: noc.cb_push %[[SUM]], 1
// CHECK-NEXT: tile.release_dst
// CHECK-NEXT: noc.cb_wait %[[SUM]], 1
// CHECK-NEXT: tile.acquire_dst
// CHECK-NEXT: %[[M:.*]] = noc.cb_get %[[MAX]][%c0]
// CHECK-NEXT: %[[LOGSUM:.*]] = noc.cb_get %[[SUM]][%c0]
// CHECK-NEXT: tile.binary add bcast none %[[M]], %[[LOGSUM]], dst[%c0]
// CHECK-NEXT: noc.cb_reserve %[[OFFSET]], 1
// CHECK-NEXT: %[[OFF:.*]] = tile.pack dst[%c0]
// CHECK-NEXT: noc.cb_put %[[OFF]], %[[OFFSET]][%c0]
// CHECK-NEXT: noc.cb_push %[[OFFSET]], 1
// CHECK-NEXT: tile.release_dst
// CHECK-NEXT: noc.cb_wait %[[OFFSET]], 1
// CHECK-NEXT: noc.cb_pop %[[MAX]], 1
// CHECK-NEXT: noc.cb_pop %[[SUM]], 1
// CHECK-NEXT: scf.for %[[J:.*]] = %c0 to %c2 step %c1 {
// CHECK-NEXT: tile.acquire_dst
// CHECK-NEXT: %[[X:.*]] = noc.cb_get %[[IN]][%[[J]]]
// CHECK-NEXT: %[[O:.*]] = noc.cb_get %[[OFFSET]][%c0]
// CHECK-NEXT: tile.binary sub bcast cols %[[X]], %[[O]], dst[%c0]
// CHECK-NEXT: %[[C:.*]] = affine.apply #[[COLS]](%[[J]])
// CHECK-NEXT: tile.mask dst[%c0] rows %c3 cols %[[C]] fill 0.000000e+00
// CHECK-NEXT: noc.cb_reserve %[[OUT]], 1
// CHECK: noc.cb_pop %[[IN]], 2
// CHECK-NEXT: noc.cb_pop %[[OFFSET]], 1
// CHECK-NOT: tile.unary recip
func.func @log_softmax(%x: tensor<3x40xf32>) -> tensor<3x40xf32> {
  %0 = graph.softmax %x {axis = 1 : i64, log} : tensor<3x40xf32>
  return %0 : tensor<3x40xf32>
}

// -----

// A constant scalar operand becomes the parameter of an SFPU function: no core reads it.
// CHECK-LABEL: func.func @scalar_constant
// CHECK: grid.dispatch "sub" on <(0, 0) to{{ ?}}(0, 0)> ins(%{{[^ ]*}} : tensor<32x32xf32
// CHECK: noc.kernel compute {
// CHECK: tile.copy %{{.*}}, dst[%[[D:.*]]]
// CHECK-NEXT: tile.unary shift dst[%[[D]]] {param = -1.500000e+00 : f32}
// CHECK-NEXT: noc.cb_reserve
func.func @scalar_constant(%x: tensor<32x32xf32>) -> tensor<32x32xf32> {
  %c = graph.constant dense<1.5> : tensor<f32>
  %0 = graph.binary sub %x, %c : (tensor<32x32xf32>, tensor<f32>) -> tensor<32x32xf32>
  return %0 : tensor<32x32xf32>
}

// -----

// Division by a constant divides on the SFPU (x / c, not x * (1 / c), which could round
// differently).
// CHECK-LABEL: func.func @div_constant
// CHECK: tile.unary div_scalar dst[%{{.*}}] {param = 3.000000e+00 : f32}
func.func @div_constant(%x: tensor<32x32xf32>) -> tensor<32x32xf32> {
  %three = graph.constant dense<3.0> : tensor<f32>
  %0 = graph.binary div %x, %three : (tensor<32x32xf32>, tensor<f32>) -> tensor<32x32xf32>
  return %0 : tensor<32x32xf32>
}

// -----

// A run-time scalar is read once into a one-tile buffer and held through the loop; the writer
// brings it, and on 64 cores the first reads it and multicasts it to the others. Each core's
// four tiles of x stream in together, before one barrier.
// CHECK-LABEL: func.func @held_scalar
// CHECK: grid.dispatch "mul"
// CHECK-NEXT: ^bb0
// CHECK-NEXT: %[[CBX:.*]] = noc.cb 0 : !noc.cb<!tile.tile<32x32, f32>, 8>
// CHECK-NEXT: %[[CBS:.*]] = noc.cb 1 : !noc.cb<!tile.tile<32x32, f32>, 1>
// CHECK: noc.kernel reader {
// CHECK-NEXT: grid.core_index
// CHECK-NEXT: noc.cb_reserve %[[CBX]], 4
// CHECK-NOT: %[[CBS]]
// CHECK: noc.kernel compute {
// CHECK: noc.cb_wait %[[CBS]], 1
// CHECK-NEXT: %[[S:.*]] = noc.cb_get %[[CBS]]
// CHECK-NEXT: scf.for
// CHECK: tile.binary mul bcast scalar %{{.*}}, %[[S]]
// CHECK: }
// CHECK-NEXT: noc.cb_pop %[[CBS]], 1
// Only the scalar tile's first row is read, by every core (a row is no more than the
// multicast of a whole tile would bring it).
// CHECK: noc.kernel writer {
// CHECK: noc.cb_reserve %[[CBS]], 1
// CHECK: noc.read_span %{{.*}}[%c0] offset %c0 into %[[CBS]][%c0] offset %c0 count %c32
// CHECK-NOT: noc.mcast
// CHECK: noc.cb_push %[[CBS]], 1
func.func @held_scalar(%x: tensor<512x512xf32>, %s: tensor<f32>) -> tensor<512x512xf32> {
  %0 = graph.binary mul %x, %s : (tensor<512x512xf32>, tensor<f32>) -> tensor<512x512xf32>
  return %0 : tensor<512x512xf32>
}

// -----

// A masked fill: Dst filled with the constant scalar, then the value where the condition
// holds; the scalar is not an input of the dispatch.
// CHECK-LABEL: func.func @masked_fill
// CHECK: grid.dispatch "where" on {{.*}} ins(%arg0, %arg1 :
// CHECK: tile.mask dst[%c0] rows %c0 cols %c0 fill -1.000000e+04
// CHECK-NEXT: tile.binary where_into bcast none
func.func @masked_fill(%c: tensor<64x64xf32>, %x: tensor<64x64xf32>) -> tensor<64x64xf32> {
  %fill = graph.constant dense<-1.0e4> : tensor<f32>
  %w = graph.where %c, %x, %fill : (tensor<64x64xf32>, tensor<64x64xf32>, tensor<f32>) -> tensor<64x64xf32>
  return %w : tensor<64x64xf32>
}

// -----
// Integer Div of int32 tiles is the SFPU's integer division in an int32 Dst.
// CHECK-LABEL: func.func @integer_div
// CHECK: grid.dispatch "div"
// CHECK-SAME: dst_format = #tile<format int32>
// CHECK: tile.binary div bcast none %{{.*}}, %{{.*}}, dst[%{{.*}}] : !tile.tile<32x32, int32>, !tile.tile<32x32, int32>
// CHECK-NEXT: noc.cb_reserve
func.func @integer_div(%a: tensor<32x32xi32>, %b: tensor<32x32xi32>) -> tensor<32x32xi32> {
  %0 = graph.binary div %a, %b : (tensor<32x32xi32>, tensor<32x32xi32>) -> tensor<32x32xi32>
  return %0 : tensor<32x32xi32>
}

// -----
// Integer Div whose integers are f32 tiles (a PRelu reads the quotient): the f32 quotient,
// truncated toward zero in Dst as sign(q) * floor(|q|).
// CHECK-LABEL: func.func @integer_div_in_f32
// CHECK: grid.dispatch "div"
// CHECK-SAME: dst_format = #tile<format f32>
// CHECK: tile.binary div bcast none %{{.*}}, %{{.*}}, dst[%[[Q:.*]]] : !tile.tile<32x32, f32>, !tile.tile<32x32, f32>
// CHECK-NEXT: tile.dst_binary max dst[%[[Q]]], dst[%[[Q]]] -> dst[%[[S:.*]]]
// CHECK-NEXT: tile.unary sign dst[%[[S]]]
// CHECK-NEXT: tile.unary abs dst[%[[Q]]]
// CHECK-NEXT: tile.unary floor dst[%[[Q]]]
// CHECK-NEXT: tile.dst_binary mul dst[%[[Q]]], dst[%[[S]]] -> dst[%[[Q]]]
func.func @integer_div_in_f32(%a: tensor<32x32xi32>, %b: tensor<32x32xi32>) -> tensor<32x32xi32> {
  %0 = graph.binary div %a, %b : (tensor<32x32xi32>, tensor<32x32xi32>) -> tensor<32x32xi32>
  %1 = graph.binary prelu %0, %b : (tensor<32x32xi32>, tensor<32x32xi32>) -> tensor<32x32xi32>
  return %1 : tensor<32x32xi32>
}
