// RUN: tt-opt %s -split-input-file -verify-diagnostics --tt-assign-layouts --tt-lower-graph-to-grid --tt-lower-grid-to-kernels --canonicalize --cse | FileCheck %s

// Rows picked by run-time indices: the reader fetches the index tile of each output tile into a
// slot it keeps (never pushed), reads each row's index out of it and fetches that row's 32 values
// of the output's column tile; rows past the 40th read nothing and stay zero. Integer indices
// that only move are int32 tiles, and their index slot is int32 too.
// CHECK-DAG: #[[PAST:.*]] = affine_map<(d0, d1) -> ((d0 + (d1 floordiv 2) * 32) floordiv 40)>
// CHECK-DAG: #[[ROWOFF:.*]] = affine_map<(d0) -> (d0 * 32 - (d0 floordiv 32) * 1024)>
// CHECK-DAG: #[[TILE:.*]] = affine_map<(d0, d1) -> (d1 + (d0 floordiv 32) * 2 - (d1 floordiv 2) * 2)>
// CHECK-LABEL: func.func @embed
// CHECK: grid.dispatch "gather_rows" on <(0, 0) to (3, 0)>
// CHECK: %[[IDX:.*]] = noc.cb 0 : !noc.cb<!tile.tile<32x32, int32>, 1>
// CHECK-NEXT: %[[ROWS:.*]] = noc.cb 1 : !noc.cb<!tile.tile<32x32, f32>, 2>
// CHECK: noc.kernel reader {
// CHECK: noc.cb_reserve %[[IDX]], 1
// CHECK: noc.read %{{.*}}[%{{.*}}] into %[[IDX]][%c0]
// CHECK-NEXT: noc.barrier
// CHECK-NEXT: noc.cb_reserve %[[ROWS]], 1
// CHECK-NEXT: scf.for %[[R:.*]] = %c0 to %c32 step %c1 {
// CHECK-NEXT: %[[I:.*]] = noc.cb_load_index %[[IDX]][%c0, %[[R]]] wrap 100
// CHECK-NEXT: %[[OUT:.*]] = affine.apply #[[PAST]](%[[R]], %{{.*}})
// CHECK-NEXT: %[[DST:.*]] = affine.apply #{{.*}}(%[[R]])
// CHECK-NEXT: %[[SRC:.*]] = affine.apply #[[ROWOFF]](%[[I]])
// CHECK-NEXT: %[[T:.*]] = affine.apply #[[TILE]](%[[I]], %{{.*}})
// CHECK-NEXT: noc.read_span %{{.*}}[%[[T]]] offset %[[SRC]] into %[[ROWS]][%c0] offset %[[DST]] count %c32 outside %[[OUT]] fill 0.000000e+00
// CHECK: noc.cb_push %[[ROWS]], 1
// CHECK-NOT: noc.cb_push %[[IDX]]
// CHECK: noc.kernel compute {
// CHECK: tile.copy
// CHECK: noc.kernel writer {
func.func @embed(%table: tensor<100x64xf32>, %ids: tensor<40xi64>) -> tensor<40x64xf32> {
  %0 = graph.gather_rows %table, %ids : (tensor<100x64xf32>, tensor<40xi64>) -> tensor<40x64xf32>
  return %0 : tensor<40x64xf32>
}

// -----

// Indices an op without an integer form computes (a PRelu) are f32 tiles, exact to 2^24, and so
// is the index slot.
// CHECK-LABEL: func.func @embed_computed_ids
// CHECK: grid.dispatch "gather_rows"
// CHECK: noc.cb 0 : !noc.cb<!tile.tile<32x32, f32>, 1>
func.func @embed_computed_ids(%table: tensor<100x64xf32>, %a: tensor<40xi64>) -> tensor<40x64xf32> {
  %ids = graph.binary prelu %a, %a : (tensor<40xi64>, tensor<40xi64>) -> tensor<40xi64>
  %0 = graph.gather_rows %table, %ids : (tensor<100x64xf32>, tensor<40xi64>) -> tensor<40x64xf32>
  return %0 : tensor<40x64xf32>
}
