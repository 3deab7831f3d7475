// graph.remap: the map takes the result's multi-index to the input's; padding (0.0 by default) is
// what reads outside the input give.

// The valid ops print (the invalid ones below each report their error, and nothing else).
// RUN: tt-opt %s -split-input-file -verify-diagnostics | FileCheck %s
// Printed back, generically too, the valid ops parse again and mean the same.
// RUN: tt-opt %s -split-input-file -verify-diagnostics | tt-opt -split-input-file | FileCheck %s
// RUN: tt-opt %s -split-input-file -verify-diagnostics --mlir-print-op-generic | tt-opt -split-input-file | FileCheck %s
// The generic form spells out the default padding.
// RUN: tt-opt %s -split-input-file -verify-diagnostics --mlir-print-op-generic | FileCheck %s --check-prefix=GENERIC

// CHECK-DAG: #[[TILE:.*]] = affine_map<(d0, d1) -> (d0 mod 2, d1)>
// CHECK-LABEL: func.func @tile_no_padding
// CHECK-SAME: (%[[X:.*]]: tensor<2x3xf32>)
// The default padding is not printed.
// CHECK-NEXT: %[[Y:.*]] = graph.remap %[[X]] {map = #[[TILE]]} : (tensor<2x3xf32>) -> tensor<6x3xf32>
// CHECK-NEXT: return %[[Y]]
// GENERIC-LABEL: sym_name = "tile_no_padding"
// GENERIC: "graph.remap"(%{{.*}}) <{map = #{{.*}}, padding = 0.000000e+00 : f32}> : (tensor<2x3xf32>) -> tensor<6x3xf32>
func.func @tile_no_padding(%x: tensor<2x3xf32>) -> tensor<6x3xf32> {
  %0 = graph.remap %x {map = affine_map<(d0, d1) -> (d0 mod 2, d1)>} : (tensor<2x3xf32>) -> tensor<6x3xf32>
  return %0 : tensor<6x3xf32>
}

// -----

// An explicit padding of 0.0 is the default, and is elided too.
// CHECK-DAG: #[[PAD:.*]] = affine_map<(d0, d1) -> (d0 - 1, d1 - 2)>
// CHECK-DAG: #[[STRIDED:.*]] = affine_map<(d0, d1) -> (d1 * 2 + 1, d0)>
// CHECK-LABEL: func.func @with_padding
// CHECK-SAME: (%[[X:.*]]: tensor<2x3xf32>, %[[B:.*]]: tensor<2x3xbf16>)
// CHECK-NEXT: %[[P:.*]] = graph.remap %[[X]] {map = #[[PAD]], padding = -1.500000e+00 : f32} : (tensor<2x3xf32>) -> tensor<4x7xf32>
// CHECK-NEXT: %[[Z:.*]] = graph.remap %[[X]] {map = #[[PAD]]} : (tensor<2x3xf32>) -> tensor<4x7xf32>
// CHECK-NEXT: %[[M:.*]] = graph.remap %[[X]] {map = #[[PAD]], padding = -3.000000e+38 : f32} : (tensor<2x3xf32>) -> tensor<4x7xf32>
// Another element type, as long as input and result agree.
// CHECK-NEXT: %[[S:.*]] = graph.remap %[[B]] {map = #[[STRIDED]]} : (tensor<2x3xbf16>) -> tensor<2x1xbf16>
// CHECK-NEXT: return %[[P]], %[[Z]], %[[M]], %[[S]]
// GENERIC-LABEL: sym_name = "with_padding"
// GENERIC: "graph.remap"(%{{.*}}) <{map = #{{.*}}, padding = -1.500000e+00 : f32}>
// GENERIC: "graph.remap"(%{{.*}}) <{map = #{{.*}}, padding = 0.000000e+00 : f32}>
// GENERIC: "graph.remap"(%{{.*}}) <{map = #{{.*}}, padding = -3.000000e+38 : f32}>
func.func @with_padding(%x: tensor<2x3xf32>, %b: tensor<2x3xbf16>)
    -> (tensor<4x7xf32>, tensor<4x7xf32>, tensor<4x7xf32>, tensor<2x1xbf16>) {
  %0 = graph.remap %x {map = affine_map<(d0, d1) -> (d0 - 1, d1 - 2)>, padding = -1.5 : f32} : (tensor<2x3xf32>) -> tensor<4x7xf32>
  %1 = graph.remap %x {map = affine_map<(d0, d1) -> (d0 - 1, d1 - 2)>, padding = 0.0 : f32} : (tensor<2x3xf32>) -> tensor<4x7xf32>
  %2 = graph.remap %x {map = affine_map<(d0, d1) -> (d0 - 1, d1 - 2)>, padding = -3.0e38 : f32} : (tensor<2x3xf32>) -> tensor<4x7xf32>
  %3 = graph.remap %b {map = affine_map<(d0, d1) -> (d1 * 2 + 1, d0)>} : (tensor<2x3xbf16>) -> tensor<2x1xbf16>
  return %0, %1, %2, %3 : tensor<4x7xf32>, tensor<4x7xf32>, tensor<4x7xf32>, tensor<2x1xbf16>
}

// -----

// Rank changes: a broadcast of a scalar (no input index) and a gather of a row into a 3-D result.
// CHECK-DAG: #[[SCALAR:.*]] = affine_map<(d0) -> ()>
// CHECK-DAG: #[[ROWS:.*]] = affine_map<(d0, d1, d2) -> (d0 + d1 * 2, d2 floordiv 2)>
// CHECK-LABEL: func.func @rank_changes
// CHECK-NEXT: graph.remap %{{.*}} {map = #[[SCALAR]]} : (tensor<f32>) -> tensor<4xf32>
// CHECK-NEXT: graph.remap %{{.*}} {map = #[[ROWS]]} : (tensor<4x3xf32>) -> tensor<2x2x6xf32>
func.func @rank_changes(%s: tensor<f32>, %x: tensor<4x3xf32>) -> (tensor<4xf32>, tensor<2x2x6xf32>) {
  %0 = graph.remap %s {map = affine_map<(d0) -> ()>} : (tensor<f32>) -> tensor<4xf32>
  %1 = graph.remap %x {map = affine_map<(d0, d1, d2) -> (d0 + d1 * 2, d2 floordiv 2)>} : (tensor<4x3xf32>) -> tensor<2x2x6xf32>
  return %0, %1 : tensor<4xf32>, tensor<2x2x6xf32>
}

// -----

// The map's dims must be the result's rank: here fewer...
func.func @too_few_dims(%x: tensor<2x3xf32>) -> tensor<6x3xf32> {
  // expected-error @+1 {{'graph.remap' op map affine_map<(d0) -> (d0, d0)> must take the result's 2 dims to the input's 2}}
  %0 = graph.remap %x {map = affine_map<(d0) -> (d0, d0)>} : (tensor<2x3xf32>) -> tensor<6x3xf32>
  return %0 : tensor<6x3xf32>
}

// -----

// ...and here more.
func.func @too_many_dims(%x: tensor<2x3xf32>) -> tensor<6xf32> {
  // expected-error @+1 {{'graph.remap' op map affine_map<(d0, d1) -> (d0, d1)> must take the result's 1 dims to the input's 2}}
  %0 = graph.remap %x {map = affine_map<(d0, d1) -> (d0, d1)>} : (tensor<2x3xf32>) -> tensor<6xf32>
  return %0 : tensor<6xf32>
}

// -----

// The map's results must be the input's rank: here fewer...
func.func @too_few_results(%x: tensor<2x3xf32>) -> tensor<6x3xf32> {
  // expected-error @+1 {{'graph.remap' op map affine_map<(d0, d1) -> (d0)> must take the result's 2 dims to the input's 2}}
  %0 = graph.remap %x {map = affine_map<(d0, d1) -> (d0)>} : (tensor<2x3xf32>) -> tensor<6x3xf32>
  return %0 : tensor<6x3xf32>
}

// -----

// ...and here more.
func.func @too_many_results(%x: tensor<2x3xf32>) -> tensor<6x3xf32> {
  // expected-error @+1 {{'graph.remap' op map affine_map<(d0, d1) -> (d0, d1, 0)> must take the result's 2 dims to the input's 2}}
  %0 = graph.remap %x {map = affine_map<(d0, d1) -> (d0, d1, 0)>} : (tensor<2x3xf32>) -> tensor<6x3xf32>
  return %0 : tensor<6x3xf32>
}

// -----

// A scalar input takes a map without results.
func.func @scalar_input_with_result(%x: tensor<f32>) -> tensor<4xf32> {
  // expected-error @+1 {{'graph.remap' op map affine_map<(d0) -> (d0)> must take the result's 1 dims to the input's 0}}
  %0 = graph.remap %x {map = affine_map<(d0) -> (d0)>} : (tensor<f32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

// Symbols have no value to take: the map must be closed, even when the ranks fit.
func.func @symbols(%x: tensor<2x3xf32>) -> tensor<6x3xf32> {
  // expected-error @+1 {{'graph.remap' op map affine_map<(d0, d1)[s0] -> (d0 + s0, d1)> must take the result's 2 dims to the input's 2}}
  %0 = graph.remap %x {map = affine_map<(d0, d1)[s0] -> (d0 + s0, d1)>} : (tensor<2x3xf32>) -> tensor<6x3xf32>
  return %0 : tensor<6x3xf32>
}

// -----

// An unused symbol is still a symbol.
func.func @unused_symbol(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  // expected-error @+1 {{'graph.remap' op map affine_map<(d0, d1)[s0] -> (d0, d1)> must take the result's 2 dims to the input's 2}}
  %0 = graph.remap %x {map = affine_map<(d0, d1)[s0] -> (d0, d1)>} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

// A remap copies values: it does not convert them.
func.func @element_type_change(%x: tensor<2x3xf32>) -> tensor<6x3xbf16> {
  // expected-error @+1 {{'graph.remap' op element type changes}}
  %0 = graph.remap %x {map = affine_map<(d0, d1) -> (d0 mod 2, d1)>} : (tensor<2x3xf32>) -> tensor<6x3xbf16>
  return %0 : tensor<6x3xbf16>
}

// -----

func.func @element_type_change_int(%x: tensor<2x3xi64>) -> tensor<2x3xf32> {
  // expected-error @+1 {{'graph.remap' op element type changes}}
  %0 = graph.remap %x {map = affine_map<(d0, d1) -> (d0, d1)>} : (tensor<2x3xi64>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

// The padding is an f32 attribute.
func.func @integer_padding(%x: tensor<2x3xf32>) -> tensor<4x3xf32> {
  // expected-error @+1 {{attribute 'padding' failed to satisfy constraint: 32-bit float attribute}}
  %0 = graph.remap %x {map = affine_map<(d0, d1) -> (d0 - 1, d1)>, padding = 1 : i32} : (tensor<2x3xf32>) -> tensor<4x3xf32>
  return %0 : tensor<4x3xf32>
}

// -----

func.func @missing_map(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  // expected-error @+1 {{'graph.remap' op requires attribute 'map'}}
  %0 = graph.remap %x : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

// Guards: a window's column over a flattened [rows * 4] input, each with its own bound.
// CHECK-DAG: #[[GUARD:.*]] = affine_map<(d0, d1) -> (d0 mod 4 + d1 - 1)>
// CHECK-LABEL: func.func @guarded
// CHECK-NEXT: graph.remap %{{.*}} {guard_bounds = array<i64: 4>, guards = #[[GUARD]], map = #{{.*}}} : (tensor<8xf32>) -> tensor<8x3xf32>
func.func @guarded(%x: tensor<8xf32>) -> tensor<8x3xf32> {
  %0 = graph.remap %x {map = affine_map<(d0, d1) -> (d0 + d1 - 1)>, guards = affine_map<(d0, d1) -> (d0 mod 4 + d1 - 1)>, guard_bounds = array<i64: 4>} : (tensor<8xf32>) -> tensor<8x3xf32>
  return %0 : tensor<8x3xf32>
}

// -----

func.func @guards_without_bounds(%x: tensor<8xf32>) -> tensor<8xf32> {
  // expected-error @+1 {{'graph.remap' op guards and guard_bounds come together}}
  %0 = graph.remap %x {map = affine_map<(d0) -> (d0)>, guards = affine_map<(d0) -> (d0 mod 4)>} : (tensor<8xf32>) -> tensor<8xf32>
  return %0 : tensor<8xf32>
}

// -----

func.func @guard_count(%x: tensor<8xf32>) -> tensor<8xf32> {
  // expected-error @+1 {{'graph.remap' op has 1 guards but 2 guard bounds}}
  %0 = graph.remap %x {map = affine_map<(d0) -> (d0)>, guards = affine_map<(d0) -> (d0 mod 4)>, guard_bounds = array<i64: 4, 4>} : (tensor<8xf32>) -> tensor<8xf32>
  return %0 : tensor<8xf32>
}

// -----

func.func @guard_dims(%x: tensor<8xf32>) -> tensor<8xf32> {
  // expected-error @+1 {{'graph.remap' op guards must take the result's 1 dims}}
  %0 = graph.remap %x {map = affine_map<(d0) -> (d0)>, guards = affine_map<(d0, d1) -> (d0 + d1)>, guard_bounds = array<i64: 4>} : (tensor<8xf32>) -> tensor<8xf32>
  return %0 : tensor<8xf32>
}

// -----

func.func @guard_bound_positive(%x: tensor<8xf32>) -> tensor<8xf32> {
  // expected-error @+1 {{'graph.remap' op guard bounds must be positive}}
  %0 = graph.remap %x {map = affine_map<(d0) -> (d0)>, guards = affine_map<(d0) -> (d0)>, guard_bounds = array<i64: 0>} : (tensor<8xf32>) -> tensor<8xf32>
  return %0 : tensor<8xf32>
}
