// RUN: tt-opt %s -split-input-file -verify-diagnostics --tt-assign-layouts --tt-lower-graph-to-grid --tt-lower-grid-to-kernels --canonicalize --cse | FileCheck %s
// RUN: tt-opt %s -split-input-file -verify-diagnostics --tt-assign-layouts=precision=bf16 --tt-lower-graph-to-grid --tt-lower-grid-to-kernels --canonicalize --cse | FileCheck %s --check-prefix=BF16

// graph.reduce: each unit is an output tile; the reader streams every input tile that folds
// into it (up to eight per DRAM round trip), the compute kernel accumulates into Dst[0] (started at the reduction's identity),
// applies the post-function, masks the padding and packs. The last axis reduces across
// columns (tile.reduce dim 0), the second-to-last across rows (dim 1); batch axes combine whole
// tiles with tile.dst_binary.

// Sum over the last axis, 3x40 -> 3x1: two input column tiles fold into one output tile. The
// padding is zero, the identity of sum: no identity fill, no staging, REDUCE straight from the
// input buffer.
// CHECK-DAG: #[[COLTILE:.*]] = affine_map<(d0) -> (d0 mod 2)>
// CHECK-LABEL: func.func @sum_last
// CHECK: grid.dispatch "reduce_sum" on <(0, 0) to{{ ?}}(0, 0)> ins(%{{.*}} : tensor<3x40xf32, {{.*}}>) outs(%{{.*}} : tensor<3x1xf32, {{.*}}>)
// CHECK-NEXT: ^bb0(%[[IN:[^:]*]]: {{.*}}, %[[OUT:[^:]*]]: {{.*}}):
// CHECK-NEXT: %[[CBIN:.*]] = noc.cb 0 : !noc.cb<!tile.tile<32x32, f32>, 4>
// CHECK-NEXT: %[[CBOUT:.*]] = noc.cb 1 : !noc.cb<!tile.tile<32x32, f32>, 2>
// CHECK-NEXT: noc.kernel reader {
// CHECK-NEXT: noc.cb_reserve %[[CBIN]], 2
// CHECK-NEXT: scf.for %[[S:.*]] = %c0 to %c2 step %c1 {
// CHECK-NEXT: %[[T:.*]] = affine.apply #[[COLTILE]](%[[S]])
// CHECK-NEXT: noc.read %[[IN]][%[[T]]] into %[[CBIN]][%[[S]]]
// CHECK-NEXT: }
// CHECK-NEXT: noc.barrier
// CHECK-NEXT: noc.cb_push %[[CBIN]], 2
// CHECK: noc.kernel compute {
// CHECK-NEXT: tile.acquire_dst
// CHECK-NEXT: scf.for %{{.*}} = %c0 to %c2 step %c1 {
// CHECK-NEXT: noc.cb_wait %[[CBIN]], 1
// CHECK-NEXT: %[[X:.*]] = noc.cb_get %[[CBIN]][%c0]
// CHECK-NEXT: tile.reduce sum dim 0 %[[X]], dst[%c0] {accumulate} : !tile.tile<32x32, f32>
// CHECK-NEXT: noc.cb_pop %[[CBIN]], 1
// CHECK-NEXT: }
// CHECK-NEXT: tile.mask dst[%c0] rows %c3 cols %c1 fill 0.000000e+00
// CHECK-NEXT: noc.cb_reserve %[[CBOUT]], 1
// CHECK-NEXT: %[[P:.*]] = tile.pack dst[%c0] : !tile.tile<32x32, f32>
// CHECK-NEXT: noc.cb_put %[[P]], %[[CBOUT]][%c0]
// CHECK-NEXT: noc.cb_push %[[CBOUT]], 1
// CHECK-NEXT: tile.release_dst
// CHECK: noc.kernel writer {
// CHECK: noc.write %[[CBOUT]][%c0] into %[[OUT]]
// BF16-LABEL: func.func @sum_last
// BF16: grid.dispatch "reduce_sum"
// BF16-SAME: dst_format = #tile<format bf16>
// BF16: noc.cb 0 : !noc.cb<!tile.tile<32x32, bf16>, 4>
// BF16: tile.reduce sum dim 0 %{{.*}}, dst[%c0] {accumulate} : !tile.tile<32x32, bf16>
func.func @sum_last(%x: tensor<3x40xf32>) -> tensor<3x1xf32> {
  %0 = graph.reduce sum %x {axes = array<i64: 1>} : (tensor<3x40xf32>) -> tensor<3x1xf32>
  return %0 : tensor<3x1xf32>
}

// -----

// Max: Dst[0] starts at -huge, and the zero padding of the partial column tile must not win, so
// each input tile is staged through Dst[1], masked with -huge beyond its 3 x (40 - 32 * t)
// corner, and reduced from a one-tile buffer (REDUCE reads tiles, not Dst); the input's slot
// is freed once the step is done.
// CHECK-DAG: #[[COLS:.*]] = affine_map<(d0) -> (d0 * -32 + (d0 floordiv 2) * 64 + 40)>
// CHECK-LABEL: func.func @max_last_partial
// CHECK: grid.dispatch "reduce_max"
// CHECK-NEXT: ^bb0
// CHECK-NEXT: %[[CBIN:.*]] = noc.cb 0 : !noc.cb<!tile.tile<32x32, f32>, 4>
// CHECK-NEXT: %[[CBTMP:.*]] = noc.cb 1 : !noc.cb<!tile.tile<32x32, f32>, 1>
// CHECK: noc.kernel compute {
// CHECK-NEXT: tile.acquire_dst
// CHECK-NEXT: tile.mask dst[%c0] rows %c0 cols %c0 fill -3.000000e+38
// CHECK-NEXT: scf.for %[[S:.*]] = %c0 to %c2 step %c1 {
// CHECK-NEXT: noc.cb_wait %[[CBIN]], 1
// CHECK-NEXT: %[[X:.*]] = noc.cb_get %[[CBIN]][%c0]
// CHECK-NEXT: tile.copy %[[X]], dst[%c1] : !tile.tile<32x32, f32>
// CHECK-NEXT: %[[N:.*]] = affine.apply #[[COLS]](%[[S]])
// CHECK-NEXT: tile.mask dst[%c1] rows %c3 cols %[[N]] fill -3.000000e+38
// CHECK-NEXT: noc.cb_reserve %[[CBTMP]], 1
// CHECK-NEXT: %[[P:.*]] = tile.pack dst[%c1]
// CHECK-NEXT: noc.cb_put %[[P]], %[[CBTMP]][%c0]
// CHECK-NEXT: noc.cb_push %[[CBTMP]], 1
// CHECK-NEXT: noc.cb_wait %[[CBTMP]], 1
// CHECK-NEXT: %[[Y:.*]] = noc.cb_get %[[CBTMP]][%c0]
// CHECK-NEXT: tile.reduce max dim 0 %[[Y]], dst[%c0] {accumulate}
// CHECK-NEXT: noc.cb_pop %[[CBTMP]], 1
// CHECK-NEXT: noc.cb_pop %[[CBIN]], 1
// CHECK-NEXT: }
// CHECK-NEXT: tile.mask dst[%c0] rows %c3 cols %c1 fill 0.000000e+00
func.func @max_last_partial(%x: tensor<3x40xf32>) -> tensor<3x1xf32> {
  %0 = graph.reduce max %x {axes = array<i64: 1>} : (tensor<3x40xf32>) -> tensor<3x1xf32>
  return %0 : tensor<3x1xf32>
}

// -----

// Min over the rows of a batched tensor, 2x40x64 -> 2x1x64: four output tiles on four cores,
// each folding the two row tiles of its column (tile 4 * b + 2 * t + nt), REDUCE across rows
// (dim 1) from +huge with the partial row tile masked to +huge.
// CHECK-DAG: #[[TILE:.*]] = affine_map<(d0, d1) -> (d0 + d1 * 2 + (d0 floordiv 2) * 2 - ((d0 floordiv 2) floordiv 2) * 8 - (d1 floordiv 2) * 4)>
// CHECK-DAG: #[[ROWS:.*]] = affine_map<(d0) -> (d0 * -32 + (d0 floordiv 2) * 64 + 40)>
// CHECK-DAG: #[[NCOLS:.*]] = affine_map<(d0) -> (d0 * -32 + (d0 floordiv 2) * 64 + 64)>
// CHECK-LABEL: func.func @min_rows
// CHECK: grid.dispatch "reduce_min" on <(0, 0) to{{ ?}}(3, 0)>
// CHECK: noc.kernel reader {
// CHECK-NEXT: %[[CORE:.*]] = grid.core_index linear
// CHECK-NEXT: noc.cb_reserve %{{.*}}, 2
// CHECK-NEXT: scf.for %[[S:.*]] = %c0 to %c2 step %c1 {
// CHECK-NEXT: %[[T:.*]] = affine.apply #[[TILE]](%[[CORE]], %[[S]])
// CHECK-NEXT: noc.read %{{.*}}[%[[T]]] into %{{.*}}[%[[S]]]
// CHECK: noc.kernel compute {
// CHECK-NEXT: %[[CCORE:.*]] = grid.core_index linear
// CHECK-NEXT: tile.acquire_dst
// CHECK-NEXT: tile.mask dst[%c0] rows %c0 cols %c0 fill 3.000000e+38
// CHECK-NEXT: scf.for %[[CS:.*]] = %c0 to %c2 step %c1 {
// CHECK: tile.copy %{{.*}}, dst[%c1]
// CHECK-NEXT: %[[C:.*]] = affine.apply #[[NCOLS]](%[[CCORE]])
// CHECK-NEXT: %[[R:.*]] = affine.apply #[[ROWS]](%[[CS]])
// CHECK-NEXT: tile.mask dst[%c1] rows %[[R]] cols %[[C]] fill 3.000000e+38
// CHECK: tile.reduce min dim 1 %{{.*}}, dst[%c0] {accumulate}
// CHECK: }
// CHECK-NEXT: %[[C2:.*]] = affine.apply #[[NCOLS]](%[[CCORE]])
// CHECK-NEXT: tile.mask dst[%c0] rows %c1 cols %[[C2]] fill 0.000000e+00
// CHECK: noc.kernel writer {
// CHECK-NEXT: %[[WCORE:.*]] = grid.core_index linear
// CHECK: noc.write %{{.*}}[%c0] into %{{.*}}[%[[WCORE]]]
func.func @min_rows(%x: tensor<2x40x64xf32>) -> tensor<2x1x64xf32> {
  %0 = graph.reduce min %x {axes = array<i64: 1>} : (tensor<2x40x64xf32>) -> tensor<2x1x64xf32>
  return %0 : tensor<2x1x64xf32>
}

// -----

// L2: square each staged tile, sum, sqrt. Zero padding squares to zero: no input mask.
// CHECK-LABEL: func.func @l2
// CHECK: grid.dispatch "reduce_l2"
// CHECK: noc.kernel compute {
// CHECK-NEXT: tile.acquire_dst
// CHECK-NEXT: scf.for
// CHECK-NEXT: noc.cb_wait
// CHECK-NEXT: %[[X:.*]] = noc.cb_get
// CHECK-NEXT: tile.copy %[[X]], dst[%c1]
// CHECK-NEXT: tile.unary square dst[%c1]{{$}}
// CHECK-NEXT: noc.cb_reserve
// CHECK: tile.reduce sum dim 0 %{{.*}}, dst[%c0] {accumulate}
// CHECK: }
// CHECK-NEXT: tile.unary sqrt dst[%c0]{{$}}
// CHECK-NEXT: tile.mask dst[%c0] rows %c3 cols %c1 fill 0.000000e+00
func.func @l2(%x: tensor<3x40xf32>) -> tensor<3x1xf32> {
  %0 = graph.reduce l2 %x {axes = array<i64: 1>} : (tensor<3x40xf32>) -> tensor<3x1xf32>
  return %0 : tensor<3x1xf32>
}

// -----

// L1 is a sum of absolute values.
// CHECK-LABEL: func.func @l1
// CHECK: grid.dispatch "reduce_l1"
// CHECK: tile.unary abs dst[%c1]{{$}}
// CHECK-NOT: tile.mask dst[%c1]
// CHECK: tile.reduce sum dim 1
// CHECK-NOT: tile.unary
// CHECK: tile.mask dst[%c0] rows %c1 cols %c5 fill 0.000000e+00
func.func @l1(%x: tensor<4x5xf32>) -> tensor<1x5xf32> {
  %0 = graph.reduce l1 %x {axes = array<i64: 0>} : (tensor<4x5xf32>) -> tensor<1x5xf32>
  return %0 : tensor<1x5xf32>
}

// -----

// SumSquare: square, sum, nothing after.
// CHECK-LABEL: func.func @sum_square
// CHECK: grid.dispatch "reduce_sum_square"
// CHECK: tile.unary square dst[%c1]{{$}}
// CHECK: tile.reduce sum dim 0
// CHECK-NEXT: noc.cb_pop
// CHECK-NEXT: noc.cb_pop
// CHECK-NEXT: tile.mask dst[%c0] rows %c4 cols %c1 fill 0.000000e+00
func.func @sum_square(%x: tensor<4x5xf32>) -> tensor<4x1xf32> {
  %0 = graph.reduce sum_square %x {axes = array<i64: 1>} : (tensor<4x5xf32>) -> tensor<4x1xf32>
  return %0 : tensor<4x1xf32>
}

// -----

// LogSum: REDUCE straight from the input buffer, then log.
// CHECK-LABEL: func.func @log_sum
// CHECK: grid.dispatch "reduce_log_sum"
// CHECK: noc.kernel compute {
// CHECK-NOT: tile.copy
// CHECK: tile.reduce sum dim 0
// CHECK-NEXT: noc.cb_pop
// CHECK-NEXT: tile.unary log dst[%c0]{{$}}
// CHECK-NEXT: tile.mask dst[%c0] rows %c4 cols %c1
func.func @log_sum(%x: tensor<4x5xf32>) -> tensor<4x1xf32> {
  %0 = graph.reduce log_sum %x {axes = array<i64: 1>} : (tensor<4x5xf32>) -> tensor<4x1xf32>
  return %0 : tensor<4x1xf32>
}

// -----

// LogSumExp over both tile axes of 40x64: the four input tiles are exp'd, their padding masked
// to 0 (exp(0) = 1 would count), reduced across columns; the column of row sums is then packed
// and reduced across rows, and the log taken.
// CHECK-DAG: #[[NCOLS:.*]] = affine_map<(d0) -> (d0 * -32 + (d0 floordiv 2) * 64 + 64)>
// CHECK-DAG: #[[NROWS:.*]] = affine_map<(d0) -> ((d0 floordiv 2) * -32 + ((d0 floordiv 2) floordiv 2) * 64 + 40)>
// CHECK-LABEL: func.func @log_sum_exp_both
// CHECK: grid.dispatch "reduce_log_sum_exp" on <(0, 0) to{{ ?}}(0, 0)>
// CHECK: %[[CBROWS:.*]] = noc.cb 2 : !noc.cb<!tile.tile<32x32, f32>, 1>
// CHECK: noc.kernel reader {
// CHECK: scf.for %{{.*}} = %c0 to %c4 step %c1 {
// CHECK: noc.kernel compute {
// CHECK-NEXT: tile.acquire_dst
// CHECK-NEXT: scf.for %[[S:.*]] = %c0 to %c4 step %c1 {
// CHECK: tile.copy %{{.*}}, dst[%c1]
// CHECK-NEXT: tile.unary exp dst[%c1]{{$}}
// CHECK-NEXT: %[[C:.*]] = affine.apply #[[NCOLS]](%[[S]])
// CHECK-NEXT: %[[R:.*]] = affine.apply #[[NROWS]](%[[S]])
// CHECK-NEXT: tile.mask dst[%c1] rows %[[R]] cols %[[C]] fill 0.000000e+00
// CHECK: tile.reduce sum dim 0 %{{.*}}, dst[%c0] {accumulate}
// CHECK: }
// CHECK-NEXT: noc.cb_reserve %[[CBROWS]], 1
// CHECK-NEXT: %[[P:.*]] = tile.pack dst[%c0]
// CHECK-NEXT: noc.cb_put %[[P]], %[[CBROWS]][%c0]
// CHECK-NEXT: noc.cb_push %[[CBROWS]], 1
// CHECK-NEXT: noc.cb_wait %[[CBROWS]], 1
// CHECK-NEXT: %[[ROWSUMS:.*]] = noc.cb_get %[[CBROWS]][%c0]
// CHECK-NEXT: tile.reduce sum dim 1 %[[ROWSUMS]], dst[%c0] : !tile.tile<32x32, f32>
// CHECK-NEXT: noc.cb_pop %[[CBROWS]], 1
// CHECK-NEXT: tile.unary log dst[%c0]{{$}}
// CHECK-NEXT: tile.mask dst[%c0] rows %c1 cols %c1 fill 0.000000e+00
func.func @log_sum_exp_both(%x: tensor<40x64xf32>) -> tensor<1x1xf32> {
  %0 = graph.reduce log_sum_exp %x {axes = array<i64: 0, 1>} : (tensor<40x64xf32>) -> tensor<1x1xf32>
  return %0 : tensor<1x1xf32>
}

// -----

// Mean over a batch axis: whole tiles add up in Dst[0] through Dst[1], then scale by 1/2.
// Output tile u (of 3) reads input tiles 2 * u + t.
// CHECK-DAG: #[[TILE:.*]] = affine_map<(d0, d1) -> (d0 * 2 + d1 - (d1 floordiv 2) * 2 - (d0 floordiv 3) * 6)>
// CHECK-LABEL: func.func @mean_batch
// CHECK: grid.dispatch "reduce_mean" on <(0, 0) to{{ ?}}(2, 0)>
// CHECK: noc.kernel reader {
// CHECK-NEXT: %[[CORE:.*]] = grid.core_index linear
// CHECK-NEXT: noc.cb_reserve %{{.*}}, 2
// CHECK-NEXT: scf.for %[[S:.*]] = %c0 to %c2 step %c1 {
// CHECK-NEXT: %[[T:.*]] = affine.apply #[[TILE]](%[[CORE]], %[[S]])
// CHECK-NEXT: noc.read %{{.*}}[%[[T]]] into %{{.*}}[%[[S]]]
// CHECK: noc.kernel compute {
// CHECK-NEXT: tile.acquire_dst
// CHECK-NEXT: scf.for
// CHECK-NEXT: noc.cb_wait
// CHECK-NEXT: %[[X:.*]] = noc.cb_get
// CHECK-NEXT: tile.copy %[[X]], dst[%c1]
// CHECK: tile.dst_binary add dst[%c0], dst[%c1] -> dst[%c0]
// CHECK-NOT: tile.reduce
// CHECK: tile.unary scale dst[%c0] {param = 5.000000e-01 : f32}
func.func @mean_batch(%x: tensor<3x2x32x32xf32>) -> tensor<3x1x32x32xf32> {
  %0 = graph.reduce mean %x {axes = array<i64: 1>} : (tensor<3x2x32x32xf32>) -> tensor<3x1x32x32xf32>
  return %0 : tensor<3x1x32x32xf32>
}

// -----

// Mean over everything divides by the number of values reduced (2 * 3 * 5 = 30). The batch
// tiles accumulate through REDUCE itself, straight from the input buffer.
// CHECK-LABEL: func.func @mean_all
// CHECK: grid.dispatch "reduce_mean" on <(0, 0) to{{ ?}}(0, 0)>
// CHECK: noc.kernel reader {
// CHECK-NEXT: noc.cb_reserve %{{.*}}, 2
// CHECK-NEXT: scf.for %{{.*}} = %c0 to %c2 step %c1 {
// CHECK: noc.kernel compute {
// CHECK-NOT: tile.copy
// CHECK-NOT: tile.dst_binary
// CHECK: tile.reduce sum dim 0 %{{.*}}, dst[%c0] {accumulate}
// CHECK: tile.reduce sum dim 1
// CHECK-NEXT: noc.cb_pop
// CHECK-NEXT: tile.unary scale dst[%c0] {param = 0.0333333351 : f32}
// CHECK-NEXT: tile.mask dst[%c0] rows %c1 cols %c1 fill 0.000000e+00
func.func @mean_all(%x: tensor<2x3x5xf32>) -> tensor<1x1x1xf32> {
  %0 = graph.reduce mean %x {axes = array<i64: 0, 1, 2>} : (tensor<2x3x5xf32>) -> tensor<1x1x1xf32>
  return %0 : tensor<1x1x1xf32>
}

// -----

// Prod over a batch axis: Dst[0] starts at 1, tiles multiply in.
// CHECK-LABEL: func.func @prod_batch
// CHECK: grid.dispatch "reduce_prod"
// CHECK: noc.kernel compute {
// CHECK: tile.mask dst[%c0] rows %c0 cols %c0 fill 1.000000e+00
// CHECK: tile.dst_binary mul dst[%c0], dst[%c1] -> dst[%c0]
// CHECK-NOT: tile.reduce
// CHECK: noc.kernel writer
func.func @prod_batch(%x: tensor<4x3x5xf32>) -> tensor<1x3x5xf32> {
  %0 = graph.reduce prod %x {axes = array<i64: 0>} : (tensor<4x3x5xf32>) -> tensor<1x3x5xf32>
  return %0 : tensor<1x3x5xf32>
}

// -----

// Max over a batch axis combines with dst_binary max from -huge.
// CHECK-LABEL: func.func @max_batch
// CHECK: tile.mask dst[%c0] rows %c0 cols %c0 fill -3.000000e+38
// CHECK: tile.dst_binary max dst[%c0], dst[%c1] -> dst[%c0]
func.func @max_batch(%x: tensor<2x3x5xf32>) -> tensor<1x3x5xf32> {
  %0 = graph.reduce max %x {axes = array<i64: 0>} : (tensor<2x3x5xf32>) -> tensor<1x3x5xf32>
  return %0 : tensor<1x3x5xf32>
}

// -----

// Integer tensors reduce in exact int32 tiles and an int32 Dst whatever the precision.
// CHECK-LABEL: func.func @sum_int
// CHECK: tile.reduce sum dim 0 %{{.*}}, dst[%c0] {accumulate} : !tile.tile<32x32, int32>
// BF16-LABEL: func.func @sum_int
// BF16: grid.dispatch "reduce_sum"
// BF16-SAME: dst_format = #tile<format int32>
// BF16: tile.reduce sum dim 0 %{{.*}}, dst[%c0] {accumulate} : !tile.tile<32x32, int32>
func.func @sum_int(%x: tensor<3x4xi64>) -> tensor<3x1xi64> {
  %0 = graph.reduce sum %x {axes = array<i64: 1>} : (tensor<3x4xi64>) -> tensor<3x1xi64>
  return %0 : tensor<3x1xi64>
}

// -----

// A weighted sum over a leading axis: the reader brings each input tile and the weights' tile
// at the same place (a row, broadcast over the rows, of which it reads only the first row, the
// one the FPU broadcasts); compute multiplies them into Dst[1] and adds that to the sum in Dst[0].
// CHECK-LABEL: func.func @weighted_sum
// CHECK: noc.kernel reader {
// CHECK: noc.read %arg{{[0-9]+}}[%{{.*}}] into %[[IN:.*]][%{{.*}}] : tensor<9x64x64xf32
// CHECK: noc.read_span %arg{{[0-9]+}}[%{{.*}}] offset %c0 into %[[W:.*]][%{{.*}}] offset %c0 count %c32 outside %c0 fill 0.000000e+00 : tensor<9x1x64xf32
// CHECK: noc.kernel compute {
// CHECK: noc.cb_wait %[[W]], 1
// CHECK: tile.binary mul bcast rows %{{.*}}, %{{.*}}, dst[%c1]
// CHECK: tile.dst_binary add dst[%c0], dst[%c1] -> dst[%c0]
func.func @weighted_sum(%x: tensor<9x64x64xf32>, %w: tensor<9x1x64xf32>) -> tensor<1x64x64xf32> {
  %0 = graph.reduce sum %x times %w {axes = array<i64: 0>} : (tensor<9x64x64xf32>, tensor<9x1x64xf32>) -> tensor<1x64x64xf32>
  return %0 : tensor<1x64x64xf32>
}

// -----

// A 3x3 max pool's windows gathered by the reduce's reader (`grid.gather_input`): each window
// tile is assembled from 32-channel runs of the image's rows, positions outside the image read
// the remap's padding, and no dispatch writes the windows.
// CHECK-LABEL: func.func @gathered_windows
// CHECK-NOT: grid.dispatch "remap"
// CHECK: grid.dispatch "reduce_max" {{.*}} ins(%arg0 : tensor<1x16x32xf32
// CHECK: noc.kernel reader {
// CHECK: noc.read_runs {{.*}} runs 32 of 32, 1 per row fill -3.000000e+38
// CHECK: noc.kernel compute {
// CHECK: tile.dst_binary max
func.func @gathered_windows(%x: tensor<1x16x32xf32>) -> tensor<1x16x32xf32> {
  %win = graph.remap %x {map = affine_map<(d0, d1, d2) -> (0, d1 + (d0 floordiv 3 - 1) * 4 + d0 mod 3 - 1, d2)>, guards = affine_map<(d0, d1, d2) -> (d1 floordiv 4 + d0 floordiv 3 - 1, d1 mod 4 + d0 mod 3 - 1)>, guard_bounds = array<i64: 4, 4>, padding = -3.0e38 : f32} : (tensor<1x16x32xf32>) -> tensor<9x16x32xf32>
  %0 = graph.reduce max %win {axes = array<i64: 0>, grid.gather_input} : (tensor<9x16x32xf32>) -> tensor<1x16x32xf32>
  return %0 : tensor<1x16x32xf32>
}

// -----

func.func @gather_without_remap(%x: tensor<9x16x32xf32>) -> tensor<1x16x32xf32> {
  // expected-error @+1 {{reduce has grid.gather_input but its input is no graph.remap}}
  %0 = graph.reduce max %x {axes = array<i64: 0>, grid.gather_input} : (tensor<9x16x32xf32>) -> tensor<1x16x32xf32>
  return %0 : tensor<1x16x32xf32>
}

// -----

// A fused bias and ReLU6: the reader fetches the first row of the bias tile of the unit's
// columns while it reads the inputs, and publishes it after them; compute packs the sum into a
// buffer, adds the bias row to every row, then clips, and frees the bias's slot once the unit
// is done.
// CHECK-LABEL: func.func @bias_relu6
// CHECK: noc.kernel reader {
// CHECK: noc.read_span %arg{{[0-9]+}}[%{{.*}}] offset %c0 into %[[BIAS:.*]][%c0] offset %c0 count %c32 {{.*}} : tensor<64xf32
// CHECK-NOT: noc.barrier
// CHECK: scf.for
// CHECK: noc.barrier
// CHECK: noc.cb_push %[[BIAS]], 1
// CHECK-NEXT: }
// CHECK: noc.kernel compute {
// CHECK: tile.pack dst[%c0]
// CHECK-NEXT: noc.cb_put %{{.*}}, %[[SUM:.*]][%c0]
// CHECK: tile.binary add bcast rows
// CHECK-NEXT: noc.cb_pop %[[SUM]], 1
// CHECK-NEXT: tile.unary max_scalar dst[%c0]{{$}}
// CHECK-NEXT: tile.unary min_scalar dst[%c0] {param = 6.000000e+00 : f32}
// CHECK: noc.cb_push
// CHECK-NEXT: noc.cb_pop %[[BIAS]], 1
// CHECK-NEXT: tile.release_dst
func.func @bias_relu6(%x: tensor<9x64x64xf32>, %w: tensor<9x1x64xf32>, %b: tensor<64xf32>) -> tensor<1x64x64xf32> {
  %0 = graph.reduce sum %x times %w, %b then clip {axes = array<i64: 0>, beta = 6.0 : f32} : (tensor<9x64x64xf32>, tensor<9x1x64xf32>, tensor<64xf32>) -> tensor<1x64x64xf32>
  return %0 : tensor<1x64x64xf32>
}

// -----

// A reduce whose config cuts its rows: four cores each reduce a run of 32 of the row's 128
// tiles into a partial tile in L1, and one core adds the four partials and scales the sum by
// 1/4096 (the mean's count, not the run's).
// CHECK-LABEL: func.func @split_rows
// CHECK: %[[P:.*]] = grid.dispatch "reduce_mean" on <(0, 0) to (3, 0)> ins(%{{.*}} : tensor<32x4096xf32, {{.*}}>) outs(%{{.*}} : tensor<128x32xf32, #grid.layout<tile 32x32, f32, l1, interleaved>>) {{.*}}grid.config = #grid.reduce_config<splits = 4>
// CHECK: scf.for %{{.*}} = %c0 to %c32
// CHECK: tile.reduce sum dim 0
// CHECK-NOT: tile.unary scale
// CHECK: grid.dispatch "reduce_mean_combine" on <(0, 0) to (0, 0)> ins(%[[P]] : tensor<128x32xf32, {{.*}}>) outs(%{{.*}} : tensor<32x1xf32
// CHECK: scf.for %{{.*}} = %c0 to %c4
// CHECK: tile.dst_binary add dst[%c0], dst[%c1] -> dst[%c0]
// CHECK: tile.unary scale dst[%c0] {param = 2.44140625E-4 : f32}
// CHECK: tile.mask dst[%c0] rows %c32 cols %c1
func.func @split_rows(%x: tensor<32x4096xf32>) -> tensor<32x1xf32> {
  %0 = graph.reduce mean %x {axes = array<i64: 1>, grid.config = #grid.reduce_config<splits = 4>} : (tensor<32x4096xf32>) -> tensor<32x1xf32>
  return %0 : tensor<32x1xf32>
}

// -----

func.func @split_rows_of_another_axis(%x: tensor<64x64xf32>) -> tensor<1x64xf32> {
  // expected-error @+1 {{reduce config #grid.reduce_config<splits = 2> splits rows of tiles, but this reduce is not of its last axis alone, unweighted, over a multiple of 2 tiles}}
  %0 = graph.reduce sum %x {axes = array<i64: 0>, grid.config = #grid.reduce_config<splits = 2>} : (tensor<64x64xf32>) -> tensor<1x64xf32>
  return %0 : tensor<1x64xf32>
}

// -----

func.func @split_rows_unevenly(%x: tensor<32x96xf32>) -> tensor<32x1xf32> {
  // expected-error @+1 {{over a multiple of 2 tiles}}
  %0 = graph.reduce sum %x {axes = array<i64: 1>, grid.config = #grid.reduce_config<splits = 2>} : (tensor<32x96xf32>) -> tensor<32x1xf32>
  return %0 : tensor<32x1xf32>
}

// -----

// An integer max folds int32 tiles in an int32 Dst (the SFPU's integer reduce): the identity
// -huge saturates to INT32_MIN there, and the staged tile is int32 too.
// CHECK-LABEL: func.func @max_last_partial_int
// CHECK: grid.dispatch "reduce_max"
// CHECK-SAME: dst_format = #tile<format int32>
// CHECK-NEXT: ^bb0
// CHECK-NEXT: noc.cb 0 : !noc.cb<!tile.tile<32x32, int32>, 4>
// CHECK-NEXT: noc.cb 1 : !noc.cb<!tile.tile<32x32, int32>, 1>
// CHECK: tile.reduce max dim 0 %{{.*}}, dst[%c0] {accumulate} : !tile.tile<32x32, int32>
// BF16-LABEL: func.func @max_last_partial_int
// BF16: grid.dispatch "reduce_max"
// BF16-SAME: dst_format = #tile<format int32>
func.func @max_last_partial_int(%x: tensor<3x40xi64>) -> tensor<3x1xi64> {
  %0 = graph.reduce max %x {axes = array<i64: 1>} : (tensor<3x40xi64>) -> tensor<3x1xi64>
  return %0 : tensor<3x1xi64>
}
