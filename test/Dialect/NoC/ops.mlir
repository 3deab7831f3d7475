// RUN: tt-opt %s | tt-opt | FileCheck %s
// RUN: tt-opt %s --mlir-print-op-generic | tt-opt | FileCheck %s

// CHECK-LABEL: func.func @cb_types
// CHECK-SAME: !noc.cb<!tile.tile<32x32, bf16>, 4>
// CHECK-SAME: !noc.cb<!tile.tile<32x32, bfp8_b>, 1>
func.func @cb_types(%a: !noc.cb<!tile.tile<32x32, bf16>, 4>, %b: !noc.cb<!tile.tile<32x32, bfp8_b>, 1>) {
  return
}

#l = #grid.layout<tile 32x32, bf16, dram, interleaved>
// A matmul-like dispatch over a 2x2 range: core (0, y) reads A's tiles and multicasts them along
// its row, with semaphores telling the sender when every receiver has room.
// CHECK-LABEL: func.func @mcast_matmul
func.func @mcast_matmul(%a: tensor<64x64xf32, #l>, %b: tensor<64x64xf32, #l>) -> tensor<64x64xf32, #l> {
  %e = grid.empty : tensor<64x64xf32, #l>
  %y = grid.dispatch "matmul" on <(0, 0) to (1, 1)> ins(%a, %b : tensor<64x64xf32, #l>, tensor<64x64xf32, #l>)
      outs(%e : tensor<64x64xf32, #l>) attributes {dst_format = #tile<format bf16>, fidelity = #tile<fidelity HiFi2>, macs = 262144 : i64} {
  ^bb0(%in0: tensor<64x64xf32, #l>, %in1: tensor<64x64xf32, #l>, %out: tensor<64x64xf32, #l>):
    // CHECK: %[[A:.*]] = noc.cb 0 {l1_address = 131072 : i64} : !noc.cb<!tile.tile<32x32, bf16>, 4>
    %cba = noc.cb 0 {l1_address = 131072 : i64} : !noc.cb<!tile.tile<32x32, bf16>, 4>
    // CHECK: %[[B:.*]] = noc.cb 1 : !noc.cb<!tile.tile<32x32, bf16>, 4>
    %cbb = noc.cb 1 : !noc.cb<!tile.tile<32x32, bf16>, 4>
    // CHECK: %[[O:.*]] = noc.cb 7 : !noc.cb<!tile.tile<32x32, bf16>, 2>
    %cbo = noc.cb 7 : !noc.cb<!tile.tile<32x32, bf16>, 2>
    // CHECK: noc.kernel reader {
    noc.kernel reader {
      %c0 = arith.constant 0 : index
      %c1 = arith.constant 1 : index
      %c2 = arith.constant 2 : index
      %x = grid.core_index x
      %y = grid.core_index y
      // CHECK: noc.cb_reserve %[[A]], 2 : !noc.cb<!tile.tile<32x32, bf16>, 4>
      noc.cb_reserve %cba, 2 : !noc.cb<!tile.tile<32x32, bf16>, 4>
      // CHECK: noc.read %{{.*}}[%{{.*}}] into %[[A]][%{{.*}}] : tensor<64x64xf32, #grid.layout<tile 32x32, bf16, dram, interleaved>>, !noc.cb<!tile.tile<32x32, bf16>, 4>
      noc.read %in0[%y] into %cba[%c0] : tensor<64x64xf32, #l>, !noc.cb<!tile.tile<32x32, bf16>, 4>
      // CHECK: noc.read %{{.*}}[%{{.*}}] into %[[A]][%{{.*}}] on noc %{{.*}} : tensor<64x64xf32, #grid.layout<tile 32x32, bf16, dram, interleaved>>, !noc.cb<!tile.tile<32x32, bf16>, 4>
      noc.read %in0[%y] into %cba[%c0] on noc %c1 : tensor<64x64xf32, #l>, !noc.cb<!tile.tile<32x32, bf16>, 4>
      // CHECK: noc.barrier
      noc.barrier
      // CHECK: noc.wait_go
      noc.wait_go
      // CHECK: noc.sem_wait 0, %{{.*}}{{$}}
      noc.sem_wait 0, %c1
      // CHECK: noc.mcast %[[A]][%{{.*}}] over{{ ?}}(%{{.*}}, %{{.*}}) to{{ ?}}(%{{.*}}, %{{.*}}) slot %{{.*}} : !noc.cb<!tile.tile<32x32, bf16>, 4>
      noc.mcast %cba[%c0] over (%c1, %y) to (%c1, %y) slot %c0 : !noc.cb<!tile.tile<32x32, bf16>, 4>
      // CHECK: noc.sem_inc 1, 1 at{{ ?}}(%{{.*}}, %{{.*}}){{$}}
      noc.sem_inc 1, 1 at (%c1, %y)
      // CHECK: noc.sem_inc 3, 7 at{{ ?}}(%{{.*}}, %{{.*}}) {note = "x"}
      noc.sem_inc 3, 7 at (%x, %c2) {note = "x"}
      // CHECK: noc.cb_push %[[A]], 2 : !noc.cb<!tile.tile<32x32, bf16>, 4>
      noc.cb_push %cba, 2 : !noc.cb<!tile.tile<32x32, bf16>, 4>
    }
    // CHECK: noc.kernel compute {
    noc.kernel compute {
      %c0 = arith.constant 0 : index
      %c3 = arith.constant 3 : index
      // CHECK: noc.cb_wait %[[A]], 4 : !noc.cb<!tile.tile<32x32, bf16>, 4>
      noc.cb_wait %cba, 4 : !noc.cb<!tile.tile<32x32, bf16>, 4>
      noc.cb_wait %cbb, 1 : !noc.cb<!tile.tile<32x32, bf16>, 4>
      // CHECK: %[[TA:.*]] = noc.cb_get %[[A]][%{{.*}}] : !noc.cb<!tile.tile<32x32, bf16>, 4> -> !tile.tile<32x32, bf16>
      %ta = noc.cb_get %cba[%c3] : !noc.cb<!tile.tile<32x32, bf16>, 4> -> !tile.tile<32x32, bf16>
      %tb = noc.cb_get %cbb[%c0] : !noc.cb<!tile.tile<32x32, bf16>, 4> -> !tile.tile<32x32, bf16>
      tile.acquire_dst
      // CHECK: tile.matmul %[[TA]], %{{.*}}, dst[%{{.*}}]
      tile.matmul %ta, %tb, dst[%c0] : !tile.tile<32x32, bf16>, !tile.tile<32x32, bf16>
      noc.cb_reserve %cbo, 1 : !noc.cb<!tile.tile<32x32, bf16>, 2>
      %p = tile.pack dst[%c0] : !tile.tile<32x32, bf16>
      // CHECK: noc.cb_put %{{.*}}, %[[O]][%{{.*}}] : !tile.tile<32x32, bf16>, !noc.cb<!tile.tile<32x32, bf16>, 2>
      noc.cb_put %p, %cbo[%c0] : !tile.tile<32x32, bf16>, !noc.cb<!tile.tile<32x32, bf16>, 2>
      // CHECK: noc.cb_put %{{.*}}, %[[O]][%{{.*}}] accumulate : !tile.tile<32x32, bf16>
      noc.cb_put %p, %cbo[%c0] accumulate : !tile.tile<32x32, bf16>, !noc.cb<!tile.tile<32x32, bf16>, 2>
      noc.cb_push %cbo, 1 : !noc.cb<!tile.tile<32x32, bf16>, 2>
      tile.release_dst
      // CHECK: noc.cb_pop %[[A]], 4 : !noc.cb<!tile.tile<32x32, bf16>, 4>
      noc.cb_pop %cba, 4 : !noc.cb<!tile.tile<32x32, bf16>, 4>
      // Semaphores are a core's own: compute may wait on one.
      // CHECK: noc.sem_wait 2, %{{.*}}
      noc.sem_wait 2, %c3
    }
    // CHECK: noc.kernel writer {
    noc.kernel writer {
      %c0 = arith.constant 0 : index
      %id = grid.core_index linear
      noc.cb_wait %cbo, 1 : !noc.cb<!tile.tile<32x32, bf16>, 2>
      // CHECK: noc.write %[[O]][%{{.*}}] into %{{.*}}[%{{.*}}] : !noc.cb<!tile.tile<32x32, bf16>, 2>, tensor<64x64xf32, #grid.layout<tile 32x32, bf16, dram, interleaved>>
      noc.write %cbo[%c0] into %out[%id] : !noc.cb<!tile.tile<32x32, bf16>, 2>, tensor<64x64xf32, #l>
      // A write may take NoC 0.
      // CHECK: noc.write %[[O]][%{{.*}}] into %{{.*}}[%{{.*}}] over noc0 : !noc.cb<!tile.tile<32x32, bf16>, 2>
      noc.write %cbo[%c0] into %out[%id] over noc0 : !noc.cb<!tile.tile<32x32, bf16>, 2>, tensor<64x64xf32, #l>
      // Writers may multicast as well, over either NoC.
      // CHECK: noc.mcast %[[O]]
      noc.mcast %cbo[%c0] over (%c0, %c0) to (%c0, %c0) slot %c0 : !noc.cb<!tile.tile<32x32, bf16>, 2>
      // CHECK: noc.mcast %[[O]][%{{.*}}] over{{ ?}}(%{{.*}}, %{{.*}}) to{{ ?}}(%{{.*}}, %{{.*}}) slot %{{.*}} on noc %{{.*}} : !noc.cb<!tile.tile<32x32, bf16>, 2>
      noc.mcast %cbo[%c0] over (%c0, %c0) to (%c0, %c0) slot %c0 on noc %c0 : !noc.cb<!tile.tile<32x32, bf16>, 2>
      noc.barrier
      // CHECK: noc.cb_pop %[[O]], 1
      noc.cb_pop %cbo, 1 : !noc.cb<!tile.tile<32x32, bf16>, 2>
    }
  } -> tensor<64x64xf32, #l>
  return %y : tensor<64x64xf32, #l>
}

// -----

// noc.read_span assembles tiles from runs of values: a reader reads whole rows, a writer may
// gather too, and integer tiles split like float ones.
#lf = #grid.layout<tile 32x32, f32, dram, interleaved>
#li = #grid.layout<tile 32x32, int32, dram, interleaved>
// CHECK-LABEL: func.func @read_span
func.func @read_span(%x: tensor<2x3x4xf32, #lf>, %i: tensor<6xi64, #li>) -> tensor<3x2x4xf32, #lf> {
  %e = grid.empty : tensor<3x2x4xf32, #lf>
  %y = grid.dispatch "transpose" on <(0, 0) to (0, 0)> ins(%x, %i : tensor<2x3x4xf32, #lf>, tensor<6xi64, #li>)
      outs(%e : tensor<3x2x4xf32, #lf>) attributes {dst_format = #tile<format f32>, fidelity = #tile<fidelity HiFi4>} {
  ^bb0(%in: tensor<2x3x4xf32, #lf>, %ints: tensor<6xi64, #li>, %out: tensor<3x2x4xf32, #lf>):
    // CHECK: %[[CB:.*]] = noc.cb 0 : !noc.cb<!tile.tile<32x32, f32>, 2>
    %cb = noc.cb 0 : !noc.cb<!tile.tile<32x32, f32>, 2>
    // CHECK: %[[CBI:.*]] = noc.cb 1 : !noc.cb<!tile.tile<32x32, int32>, 1>
    %cbi = noc.cb 1 : !noc.cb<!tile.tile<32x32, int32>, 1>
    // CHECK: noc.kernel reader {
    noc.kernel reader {
      // CHECK: %[[C0:.*]] = arith.constant 0 : index
      %c0 = arith.constant 0 : index
      // CHECK: %[[C1:.*]] = arith.constant 1 : index
      %c1 = arith.constant 1 : index
      // CHECK: %[[C32:.*]] = arith.constant 32 : index
      %c32 = arith.constant 32 : index
      // CHECK: %[[C96:.*]] = arith.constant 96 : index
      %c96 = arith.constant 96 : index
      noc.cb_reserve %cb, 1 : !noc.cb<!tile.tile<32x32, f32>, 2>
      // CHECK: noc.read_span %{{.*}}[%[[C1]]] offset %[[C96]] into %[[CB]][%[[C0]]] offset %[[C32]] count %[[C32]] outside %{{.*}} fill 0.000000e+00 : tensor<2x3x4xf32, #grid.layout<tile 32x32, f32, dram, interleaved>>, !noc.cb<!tile.tile<32x32, f32>, 2>
      noc.read_span %in[%c1] offset %c96 into %cb[%c0] offset %c32 count %c32 outside %c0 fill 0.0 : tensor<2x3x4xf32, #lf>, !noc.cb<!tile.tile<32x32, f32>, 2>
      // CHECK: noc.read_span %{{.*}}[%{{.*}}] offset %{{.*}} into %[[CBI]][%{{.*}}] offset %{{.*}} count %{{.*}} outside %{{.*}} fill 0.000000e+00 : tensor<6xi64, #grid.layout<tile 32x32, int32, dram, interleaved>>, !noc.cb<!tile.tile<32x32, int32>, 1>
      noc.read_span %ints[%c0] offset %c0 into %cbi[%c0] offset %c1 count %c1 outside %c0 fill 0.0 : tensor<6xi64, #li>, !noc.cb<!tile.tile<32x32, int32>, 1>
      noc.barrier
      noc.cb_push %cb, 1 : !noc.cb<!tile.tile<32x32, f32>, 2>
    }
    // CHECK: noc.kernel writer {
    noc.kernel writer {
      %c0 = arith.constant 0 : index
      %c5 = arith.constant 5 : index
      // CHECK: noc.read_span %{{.*}}[%{{.*}}] offset %{{.*}} into %[[CB]][%{{.*}}] offset %{{.*}} count %{{.*}} outside %{{.*}} fill 0.000000e+00 {note = "w"} : tensor<3x2x4xf32, #grid.layout<tile 32x32, f32, dram, interleaved>>, !noc.cb<!tile.tile<32x32, f32>, 2>
      noc.read_span %out[%c0] offset %c5 into %cb[%c0] offset %c5 count %c5 outside %c0 fill 0.0 {note = "w"} : tensor<3x2x4xf32, #lf>, !noc.cb<!tile.tile<32x32, f32>, 2>
    }
  } -> tensor<3x2x4xf32, #lf>
  return %y : tensor<3x2x4xf32, #lf>
}

// -----

// noc.read_runs walks a slot's runs (rows, or equal pieces of them): its body gives each run's
// source, and runs that follow each other in the input are read together, over the nearer NoC
// with `over nearer`.
#lb = #grid.layout<tile 32x32, bf16, l1, interleaved>
// CHECK-LABEL: func.func @read_runs
func.func @read_runs(%x: tensor<64x64xbf16, #lb>) -> tensor<64x64xbf16, #lb> {
  %e = grid.empty : tensor<64x64xbf16, #lb>
  %y = grid.dispatch "remap" on <(0, 0) to (0, 0)> ins(%x : tensor<64x64xbf16, #lb>)
      outs(%e : tensor<64x64xbf16, #lb>) attributes {dst_format = #tile<format f32>, fidelity = #tile<fidelity HiFi4>} {
  ^bb0(%in: tensor<64x64xbf16, #lb>, %out: tensor<64x64xbf16, #lb>):
    %cb = noc.cb 0 : !noc.cb<!tile.tile<32x32, bf16>, 2>
    noc.kernel reader {
      %c0 = arith.constant 0 : index
      noc.cb_reserve %cb, 1 : !noc.cb<!tile.tile<32x32, bf16>, 2>
      // CHECK: noc.read_runs %{{.*}} into %{{.*}}[%{{.*}}] runs 31 of 32, 1 per row fill -1.000000e+00 over nearer : tensor<64x64xbf16, #grid.layout<tile 32x32, bf16, l1, interleaved>>, !noc.cb<!tile.tile<32x32, bf16>, 2> {
      // CHECK-NEXT: ^bb0(%[[ROW:.*]]: index):
      // CHECK-NEXT: %[[T:.*]] = affine.apply #{{.*}}(%[[ROW]])
      // CHECK-NEXT: %[[O:.*]] = affine.apply #{{.*}}(%[[ROW]])
      // CHECK-NEXT: noc.yield %[[T]], %[[O]], %{{.*}}
      noc.read_runs %in into %cb[%c0] runs 31 of 32, 1 per row fill -1.0 over nearer : tensor<64x64xbf16, #lb>, !noc.cb<!tile.tile<32x32, bf16>, 2> {
      ^bb0(%row: index):
        %t = affine.apply affine_map<(d0) -> (d0 floordiv 16)>(%row)
        %o = affine.apply affine_map<(d0) -> ((d0 mod 16) * 64)>(%row)
        noc.yield %t, %o, %c0
      }
      // CHECK: noc.read_runs %{{.*}} runs 32 of 32, 1 per row fill 0.000000e+00 : tensor
      noc.read_runs %in into %cb[%c0] runs 32 of 32, 1 per row fill 0.0 : tensor<64x64xbf16, #lb>, !noc.cb<!tile.tile<32x32, bf16>, 2> {
      ^bb0(%row: index):
        noc.yield %c0, %c0, %row
      }
      noc.barrier
      noc.cb_push %cb, 1 : !noc.cb<!tile.tile<32x32, bf16>, 2>
    }
  } -> tensor<64x64xbf16, #lb>
  return %y : tensor<64x64xbf16, #lb>
}

// -----

// noc.cb_load_index reads an index out of a tile the reader holds and addresses a row with it.
#lg = #grid.layout<tile 32x32, f32, dram, interleaved>
// CHECK-LABEL: func.func @load_index
func.func @load_index(%t: tensor<100x32xf32, #lg>, %ids: tensor<32xi64, #lg>) -> tensor<32x32xf32, #lg> {
  %e = grid.empty : tensor<32x32xf32, #lg>
  %y = grid.dispatch "gather_rows" on <(0, 0) to (0, 0)> ins(%t, %ids : tensor<100x32xf32, #lg>, tensor<32xi64, #lg>) outs(%e : tensor<32x32xf32, #lg>)
      attributes {dst_format = #tile<format f32>, fidelity = #tile<fidelity HiFi4>} {
  ^bb0(%table: tensor<100x32xf32, #lg>, %in: tensor<32xi64, #lg>, %out: tensor<32x32xf32, #lg>):
    %cbi = noc.cb 0 : !noc.cb<!tile.tile<32x32, f32>, 1>
    %cbr = noc.cb 1 : !noc.cb<!tile.tile<32x32, f32>, 2>
    noc.kernel reader {
      %c0 = arith.constant 0 : index
      %c5 = arith.constant 5 : index
      %c32 = arith.constant 32 : index
      noc.cb_reserve %cbi, 1 : !noc.cb<!tile.tile<32x32, f32>, 1>
      noc.read %in[%c0] into %cbi[%c0] : tensor<32xi64, #lg>, !noc.cb<!tile.tile<32x32, f32>, 1>
      noc.barrier
      noc.cb_reserve %cbr, 1 : !noc.cb<!tile.tile<32x32, f32>, 2>
      // CHECK: %[[I:.*]] = noc.cb_load_index %{{.*}}[%{{.*}}, %{{.*}}] wrap 100 : !noc.cb<!tile.tile<32x32, f32>, 1>
      %i = noc.cb_load_index %cbi[%c0, %c5] wrap 100 : !noc.cb<!tile.tile<32x32, f32>, 1>
      // CHECK: noc.read_span %{{.*}}[%[[I]]]
      noc.read_span %table[%i] offset %c0 into %cbr[%c0] offset %c0 count %c32 outside %c0 fill 0.0 : tensor<100x32xf32, #lg>, !noc.cb<!tile.tile<32x32, f32>, 2>
    }
  } -> tensor<32x32xf32, #lg>
  return %y : tensor<32x32xf32, #lg>
}
