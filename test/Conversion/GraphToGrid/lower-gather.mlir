// RUN: tt-opt %s -split-input-file -verify-diagnostics --tt-assign-layouts --tt-lower-graph-to-grid --tt-lower-grid-to-kernels --canonicalize --cse | FileCheck %s
// RUN: tt-opt %s -split-input-file -verify-diagnostics --tt-assign-layouts=precision=bf16 --tt-lower-graph-to-grid --tt-lower-grid-to-kernels --canonicalize --cse | FileCheck %s --check-prefix=BF16

// The gather kernel (graph.reshape, and transposes that move values across tile positions): the
// reader assembles each output tile in its reserved slot from runs of the input, the compute
// kernel copies it and masks the padding, the writer stores it. When the last dim maps onto
// itself, the 32 rows of a tile are read by noc.read_runs, whose rows that follow each other in
// the input are one request; otherwise values move one by one (noc.read_span in a 32 x 32 loop
// nest with count 1).

// A batch dim moving into the rows of a 4-D tensor: the last dim stays, so rows move whole.
// Output 2x4x3x5 is 8 tiles on 8 cores; row r of unit u reads input tile 3 * b0 + r at row
// b1 = u mod 4 (offset 32 * b1) into row r of the slot; rows 3 and on are past the output's
// end (outside: r floordiv 3 is not 0) and read the fill.
// CHECK-DAG: #[[OUTSIDE:.*]] = affine_map<(d0) -> (d0 floordiv 3)>
// CHECK-DAG: #[[SRC:.*]] = affine_map<(d0) -> (d0 * 32 - (d0 floordiv 4) * 128)>
// CHECK-DAG: #[[TILE:.*]] = affine_map<(d0, d1) -> (d1 + (d0 floordiv 4) * 3 - ((d0 floordiv 4) floordiv 2) * 6)>
// CHECK-LABEL: func.func @transpose_rows
// CHECK: grid.dispatch "transpose" on <(0, 0) to{{ ?}}(7, 0)> ins(%{{.*}} : tensor<2x3x4x5xf32, {{.*}}>) outs(%{{.*}} : tensor<2x4x3x5xf32, {{.*}}>)
// CHECK-NEXT: ^bb0(%[[IN:.*]]: tensor<2x3x4x5xf32, {{.*}}>, %[[OUT:.*]]: tensor<2x4x3x5xf32, {{.*}}>):
// CHECK-NEXT: %[[CB:.*]] = noc.cb 0 : !noc.cb<!tile.tile<32x32, f32>, 2>
// CHECK-NEXT: %[[CBO:.*]] = noc.cb 1 : !noc.cb<!tile.tile<32x32, f32>, 2>
// CHECK-NEXT: noc.kernel reader {
// CHECK-NEXT: %[[CORE:.*]] = grid.core_index linear
// CHECK-NEXT: noc.cb_reserve %[[CB]], 1
// CHECK-NEXT: noc.read_runs %[[IN]] into %[[CB]][%c0] runs 32 of 32, 1 per row fill 0.000000e+00 : tensor<2x3x4x5xf32, {{.*}}>, !noc.cb<!tile.tile<32x32, f32>, 2> {
// CHECK-NEXT: ^bb0(%[[R:.*]]: index):
// CHECK-NEXT: %[[T:.*]] = affine.apply #[[TILE]](%[[CORE]], %[[R]])
// CHECK-NEXT: %[[S:.*]] = affine.apply #[[SRC]](%[[CORE]])
// CHECK-NEXT: %[[O:.*]] = affine.apply #[[OUTSIDE]](%[[R]])
// CHECK-NEXT: noc.yield %[[T]], %[[S]], %[[O]]
// CHECK-NEXT: }
// CHECK-NEXT: noc.barrier
// CHECK-NEXT: noc.cb_push %[[CB]], 1
// CHECK-NEXT: }
// CHECK-NEXT: noc.kernel compute {
// CHECK-NEXT: noc.cb_wait %[[CB]], 1
// CHECK-NEXT: %[[TILEV:.*]] = noc.cb_get %[[CB]][%c0]
// CHECK-NEXT: tile.acquire_dst
// CHECK-NEXT: tile.copy %[[TILEV]], dst[%c0] : !tile.tile<32x32, f32>
// CHECK-NEXT: tile.mask dst[%c0] rows %c3 cols %c5 fill 0.000000e+00
// CHECK-NEXT: noc.cb_reserve %[[CBO]], 1
// CHECK-NEXT: %[[P:.*]] = tile.pack dst[%c0] : !tile.tile<32x32, f32>
// CHECK-NEXT: noc.cb_put %[[P]], %[[CBO]][%c0]
// CHECK-NEXT: noc.cb_push %[[CBO]], 1
// CHECK-NEXT: tile.release_dst
// CHECK-NEXT: noc.cb_pop %[[CB]], 1
// CHECK-NEXT: }
// CHECK-NEXT: noc.kernel writer {
// CHECK-NEXT: %[[WCORE:.*]] = grid.core_index linear
// CHECK-NEXT: noc.cb_wait %[[CBO]], 1
// CHECK-NEXT: noc.write %[[CBO]][%c0] into %[[OUT]][%[[WCORE]]]
// BF16-LABEL: func.func @transpose_rows
// BF16: noc.cb 0 : !noc.cb<!tile.tile<32x32, bf16>, 2>
// BF16: noc.read_runs {{.*}} runs 32 of 32, 1 per row fill 0.000000e+00 : tensor<2x3x4x5xf32, #grid.layout<tile 32x32, bf16, dram, interleaved>>, !noc.cb<!tile.tile<32x32, bf16>, 2>
// BF16: tile.copy %{{.*}}, dst[%c0] : !tile.tile<32x32, bf16>
func.func @transpose_rows(%x: tensor<2x3x4x5xf32>) -> tensor<2x4x3x5xf32> {
  %0 = graph.transpose %x {perm = array<i64: 0, 2, 1, 3>} : (tensor<2x3x4x5xf32>) -> tensor<2x4x3x5xf32>
  return %0 : tensor<2x4x3x5xf32>
}

// -----

// A rotation moves the last dim: out[i, j, k] = in[j, k, i] value by value. Value (r, c) of
// output tile u is in[r, c, u]: input tile r, offset 32 * c + u, for the 3 rows there are (the
// others read the fill). The output has 4 columns, so only those 4 are read: 128 runs of one
// value, four a row, run v being value (v floordiv 4, v mod 4).
// CHECK-DAG: #[[TILE:.*]] = affine_map<(d0) -> (d0 floordiv 4)>
// CHECK-DAG: #[[SRC:.*]] = affine_map<(d0, d1) -> (d0 + d1 * 32 - (d1 floordiv 4) * 128 - (d0 floordiv 5) * 5)>
// CHECK-DAG: #[[OUTSIDE:.*]] = affine_map<(d0) -> ((d0 floordiv 4) floordiv 3)>
// CHECK-LABEL: func.func @transpose_values
// CHECK: grid.dispatch "transpose" on <(0, 0) to{{ ?}}(4, 0)>
// CHECK: noc.kernel reader {
// CHECK-NEXT: %[[CORE:.*]] = grid.core_index linear
// CHECK-NEXT: noc.cb_reserve
// CHECK-NEXT: noc.read_runs %{{.*}} into %{{.*}}[%c0] runs 128 of 1, 4 per row fill 0.000000e+00 :
// CHECK-NEXT: ^bb0(%[[V:.*]]: index):
// CHECK-NEXT: %[[T:.*]] = affine.apply #[[TILE]](%[[V]])
// CHECK-NEXT: %[[S:.*]] = affine.apply #[[SRC]](%[[CORE]], %[[V]])
// CHECK-NEXT: %[[O:.*]] = affine.apply #[[OUTSIDE]](%[[V]])
// CHECK-NEXT: noc.yield %[[T]], %[[S]], %[[O]]
// CHECK: noc.kernel compute {
// CHECK: tile.mask dst[%c0] rows %c3 cols %c4 fill 0.000000e+00
func.func @transpose_values(%x: tensor<3x4x5xf32>) -> tensor<5x3x4xf32> {
  %0 = graph.transpose %x {perm = array<i64: 2, 0, 1>} : (tensor<3x4x5xf32>) -> tensor<5x3x4xf32>
  return %0 : tensor<5x3x4xf32>
}

// -----

// Reversing all dims swaps the last two too but also moves a batch dim: the gather kernel, not
// a tile transpose.
// CHECK-LABEL: func.func @transpose_reverse
// CHECK: grid.dispatch "transpose"
// CHECK: noc.read_runs {{.*}} runs 64 of 1, 2 per row
// CHECK-NOT: tile.transpose
// CHECK: noc.kernel writer
func.func @transpose_reverse(%x: tensor<2x3x4xf32>) -> tensor<4x3x2xf32> {
  %0 = graph.transpose %x {perm = array<i64: 2, 1, 0>} : (tensor<2x3x4xf32>) -> tensor<4x3x2xf32>
  return %0 : tensor<4x3x2xf32>
}

// -----

// Reshape 2x6 -> 3x4 changes the last dim: value (r, c) is flat index 4 * r + c mod 4 =
// in[row, col], at offset 32 * row + col of the only input tile, for the 3 rows there are.
// Both last dims are even and an even flat index starts an even column, so values move in
// pairs: two runs per row, run v the pair at column 2 (v mod 2) of row v floordiv 2.
// CHECK-DAG: #[[SRC:.*]] = affine_map<(d0) -> (d0 * 2 + (d0 floordiv 3) * 26 - ((d0 floordiv 3) floordiv 2) * 64)>
// CHECK-LABEL: func.func @reshape_values
// CHECK: grid.dispatch "reshape" on <(0, 0) to{{ ?}}(0, 0)>
// CHECK: noc.kernel reader {
// CHECK: noc.read_runs %{{.*}} runs 64 of 2, 2 per row fill 0.000000e+00 :
// CHECK-NEXT: ^bb0(%[[V:.*]]: index):
// CHECK-NEXT: %[[S:.*]] = affine.apply #[[SRC]](%[[V]])
// CHECK-NEXT: %[[O:.*]] = affine.apply #{{.*}}(%[[V]])
// CHECK-NEXT: noc.yield %c0, %[[S]], %[[O]]
// CHECK: noc.kernel compute {
// CHECK: tile.mask dst[%c0] rows %c3 cols %c4 fill 0.000000e+00
func.func @reshape_values(%x: tensor<2x6xf32>) -> tensor<3x4xf32> {
  %0 = graph.reshape %x : (tensor<2x6xf32>) -> tensor<3x4xf32>
  return %0 : tensor<3x4xf32>
}

// -----

// Flattening into 1-D: 160 values are one row of 5 tiles on 5 cores; value c of tile u is flat
// index 32 * u + c = in[row, col] with col in input column tile col floordiv 32. 40 is a
// multiple of 8, so runs of 8 values never straddle two input rows: four runs per tile row, 128
// runs of the tile in one noc.read_runs (run v: row v floordiv 4, column 8 (v mod 4)).
// Only row 0 and the columns below 160 - 32 * u survive the mask.
// CHECK-DAG: #[[COLS:.*]] = affine_map<(d0) -> (d0 * -32 + (d0 floordiv 5) * 160 + 160)>
// CHECK-LABEL: func.func @reshape_to_1d
// CHECK: grid.dispatch "reshape" on <(0, 0) to{{ ?}}(4, 0)>
// CHECK: noc.kernel reader {
// CHECK-NEXT: %[[CORE:.*]] = grid.core_index linear
// CHECK-NOT: scf.for
// CHECK: noc.read_runs %{{.*}} runs 128 of 8, 4 per row fill 0.000000e+00 :
// CHECK-NEXT: ^bb0(%[[V:.*]]: index):
// CHECK-NEXT: %[[T:.*]] = affine.apply #{{.*}}(%[[CORE]], %[[V]])
// CHECK-NEXT: %[[S:.*]] = affine.apply #{{.*}}(%[[CORE]], %[[V]])
// CHECK-NEXT: noc.yield %[[T]], %[[S]], %c0
// CHECK: noc.kernel compute {
// CHECK-NEXT: %[[CCORE:.*]] = grid.core_index linear
// CHECK: tile.copy
// CHECK-NEXT: %[[N:.*]] = affine.apply #[[COLS]](%[[CCORE]])
// CHECK-NEXT: tile.mask dst[%c0] rows %c1 cols %[[N]] fill 0.000000e+00
func.func @reshape_to_1d(%x: tensor<4x40xf32>) -> tensor<160xf32> {
  %0 = graph.reshape %x : (tensor<4x40xf32>) -> tensor<160xf32>
  return %0 : tensor<160xf32>
}

// -----

// To a scalar: every row's one position reads value 0 of tile 0; only (0, 0) survives the mask.
// CHECK-LABEL: func.func @reshape_to_scalar
// CHECK: grid.dispatch "reshape" on <(0, 0) to{{ ?}}(0, 0)>
// CHECK: noc.read_runs %{{.*}} into %{{.*}}[%c0] runs 32 of 1, 1 per row fill 0.000000e+00 : tensor<1x1xf32,
// CHECK-NEXT: ^bb0(%{{.*}}: index):
// CHECK-NEXT: noc.yield %c0, %c0, %c0
// CHECK: tile.mask dst[%c0] rows %c1 cols %c1 fill 0.000000e+00
func.func @reshape_to_scalar(%x: tensor<1x1xf32>) -> tensor<f32> {
  %0 = graph.reshape %x : (tensor<1x1xf32>) -> tensor<f32>
  return %0 : tensor<f32>
}

// -----

// Integer tensors that only move are int32 tiles at any precision, their spans moved as int32
// and the dispatch's Dst int32.
// CHECK-LABEL: func.func @reshape_int
// CHECK: grid.dispatch "reshape"
// CHECK-SAME: dst_format = #tile<format int32>
// CHECK: noc.cb 0 : !noc.cb<!tile.tile<32x32, int32>, 2>
// CHECK: noc.read_runs {{.*}} : tensor<6xi64, #grid.layout<tile 32x32, int32, dram, interleaved>>, !noc.cb<!tile.tile<32x32, int32>, 2>
// BF16-LABEL: func.func @reshape_int
// BF16: grid.dispatch "reshape"
// BF16-SAME: dst_format = #tile<format int32>
// BF16: noc.cb 0 : !noc.cb<!tile.tile<32x32, int32>, 2>
// BF16: noc.read_runs {{.*}} : tensor<6xi64, #grid.layout<tile 32x32, int32, dram, interleaved>>, !noc.cb<!tile.tile<32x32, int32>, 2>
func.func @reshape_int(%x: tensor<6xi64>) -> tensor<2x3xi64> {
  %0 = graph.reshape %x : (tensor<6xi64>) -> tensor<2x3xi64>
  return %0 : tensor<2x3xi64>
}

// -----

// Flatten 2x3x4 -> 6x4 keeps the last dim in place (column k of a row stays column k): each
// output row is one run of 32 values, as for transposes that keep the last dim: rows.
// CHECK-LABEL: func.func @reshape_keeps_last_dim
// CHECK: grid.dispatch "reshape"
// CHECK: noc.kernel reader {
// CHECK: noc.read_runs {{.*}} runs 32 of 32, 1 per row fill 0.000000e+00 :
// CHECK-NOT: noc.read_span
// CHECK: noc.kernel compute {
func.func @reshape_keeps_last_dim(%x: tensor<2x3x4xf32>) -> tensor<6x4xf32> {
  %0 = graph.reshape %x : (tensor<2x3x4xf32>) -> tensor<6x4xf32>
  return %0 : tensor<6x4xf32>
}

// -----

// Unsqueeze (and Squeeze) of a leading dim keeps the last dim too: rows.
// CHECK-LABEL: func.func @unsqueeze_keeps_last_dim
// CHECK: grid.dispatch "reshape"
// CHECK: noc.kernel reader {
// CHECK: noc.read_runs {{.*}} runs 32 of 32, 1 per row fill 0.000000e+00 :
// CHECK-NOT: noc.read_span
// CHECK: noc.kernel compute {
func.func @unsqueeze_keeps_last_dim(%x: tensor<3x4xf32>) -> tensor<1x3x4xf32> {
  %0 = graph.reshape %x : (tensor<3x4xf32>) -> tensor<1x3x4xf32>
  return %0 : tensor<1x3x4xf32>
}

// -----

// A channels-last im2col: output columns are 2 taps x 64 channels, the last input index is the
// channel (d3 mod 64), so each output tile row is one run of 32 channels of one input row. The
// tap's row in the image is a guard (bound 4): `outside` weighs it with the input's dims (base 3,
// the guard at 3^4 = 81), and the tile's rows past the output's 16 at 3^5 = 243.
// CHECK-DAG: #[[OUTSIDE:.*]] = affine_map<(d0, d1) -> ({{.*}} * 9 + ({{.*}} floordiv 4) * 81 + (d1 floordiv 16) * 243)>
// CHECK-LABEL: func.func @window_runs
// CHECK: grid.dispatch "remap"
// CHECK: noc.read_runs %{{.*}} runs 32 of 32, 1 per row fill 0.000000e+00
// CHECK-NEXT: ^bb0(%[[R:.*]]: index):
// CHECK-NOT: scf.for
// CHECK: %[[O:.*]] = affine.apply #[[OUTSIDE]](%{{.*}}, %[[R]])
// CHECK-NEXT: noc.yield %{{.*}}, %{{.*}}, %[[O]]
func.func @window_runs(%x: tensor<1x1x16x64xf32>) -> tensor<1x1x16x128xf32> {
  %0 = graph.remap %x {map = affine_map<(d0, d1, d2, d3) -> (0, 0, d2 + d3 floordiv 64 - 1, d3 mod 64)>, guards = affine_map<(d0, d1, d2, d3) -> (d2 mod 4 + d3 floordiv 64 - 1)>, guard_bounds = array<i64: 4>} : (tensor<1x1x16x64xf32>) -> tensor<1x1x16x128xf32>
  return %0 : tensor<1x1x16x128xf32>
}

// -----

// 48 channels: a run of 32 output columns would cross from one tap to the next, so runs of 16
// values, two a tile row: 64 runs in one noc.read_runs.
// CHECK-LABEL: func.func @window_values
// CHECK-NOT: scf.for
// CHECK: noc.read_runs %{{.*}} runs 64 of 16, 2 per row fill 0.000000e+00
func.func @window_values(%x: tensor<1x1x16x48xf32>) -> tensor<1x1x16x96xf32> {
  %0 = graph.remap %x {map = affine_map<(d0, d1, d2, d3) -> (0, 0, d2 + d3 floordiv 48 - 1, d3 mod 48)>, guards = affine_map<(d0, d1, d2, d3) -> (d2 mod 4 + d3 floordiv 48 - 1)>, guard_bounds = array<i64: 4>} : (tensor<1x1x16x48xf32>) -> tensor<1x1x16x96xf32>
  return %0 : tensor<1x1x16x96xf32>
}

// -----

// A space-to-depth stem's input: each row of 16 columns takes pairs of neighbouring pixels
// (4 c + 2 ry + rx reads x[c, 2 by + ry, 2 bx + rx]); columns 12 to 15 are padding. The guard
// on the column changes only at 12, a multiple of 2, so every pair is read, or filled, as one run:
// eight runs of two a row.
// CHECK-LABEL: func.func @pairs_under_a_guard
// CHECK: noc.read_runs {{.*}} runs 256 of 2, 8 per row fill 0.000000e+00
// CHECK-NOT: of 1, 16 per row
// CHECK: return
// Without that alignment (a bound of 11) the values go one by one.
// CHECK-LABEL: func.func @odd_guard_bound
// CHECK: noc.read_runs {{.*}} runs 512 of 1, 16 per row fill 0.000000e+00
func.func @pairs_under_a_guard(%x: tensor<3x8x8xf32>) -> tensor<16x16xf32> {
  %y = graph.remap %x {map = affine_map<(d0, d1) -> (d1 floordiv 4, (d0 floordiv 4) * 2 + (d1 mod 4) floordiv 2, (d0 mod 4) * 2 + d1 mod 2)>, guards = affine_map<(d0, d1) -> (d1)>, guard_bounds = array<i64: 12>} : (tensor<3x8x8xf32>) -> tensor<16x16xf32>
  return %y : tensor<16x16xf32>
}
func.func @odd_guard_bound(%x: tensor<3x8x8xf32>) -> tensor<16x16xf32> {
  %y = graph.remap %x {map = affine_map<(d0, d1) -> (d1 floordiv 4, (d0 floordiv 4) * 2 + (d1 mod 4) floordiv 2, (d0 mod 4) * 2 + d1 mod 2)>, guards = affine_map<(d0, d1) -> (d1)>, guard_bounds = array<i64: 11>} : (tensor<3x8x8xf32>) -> tensor<16x16xf32>
  return %y : tensor<16x16xf32>
}

// -----

// A cache of 127 rows grown to 128 (a KV append's first half): each output tile is the input's
// tile in place, and the input is an argument, whose tiles the runtime pads with zeros, so row
// 127 reads that padding as the remap's zero: one request moves the whole tile.
// CHECK-LABEL: func.func @whole_tiles_of_an_argument
// CHECK: grid.dispatch "remap"
// CHECK: noc.kernel reader {
// CHECK: noc.read_span %{{.*}}[%{{.*}}] offset %c0 into %{{.*}}[%c0] offset %c0 count %c1024 outside %c0 fill 0.000000e+00
// CHECK-NOT: noc.read_span
// CHECK: noc.kernel compute {
func.func @whole_tiles_of_an_argument(%x: tensor<2x127x64xf32>) -> tensor<2x128x64xf32> {
  %0 = graph.remap %x {map = affine_map<(d0, d1, d2) -> (d0, d1, d2)>} : (tensor<2x127x64xf32>) -> tensor<2x128x64xf32>
  return %0 : tensor<2x128x64xf32>
}

// -----

// The same from a tensor an op computed: what its last tile holds past row 126 is not known to
// be zero, so the rows are read as runs and row 127 reads the fill.
// CHECK-LABEL: func.func @row_runs_of_a_result
// CHECK: grid.dispatch "remap"
// CHECK: noc.kernel reader {
// CHECK: noc.read_runs {{.*}} runs 32 of 32, 1 per row fill 0.000000e+00
func.func @row_runs_of_a_result(%x: tensor<2x127x64xf32>) -> tensor<2x128x64xf32> {
  %e = graph.unary exp %x : tensor<2x127x64xf32> -> tensor<2x127x64xf32>
  %0 = graph.remap %e {map = affine_map<(d0, d1, d2) -> (d0, d1, d2)>} : (tensor<2x127x64xf32>) -> tensor<2x128x64xf32>
  return %0 : tensor<2x128x64xf32>
}
