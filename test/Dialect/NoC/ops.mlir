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
      // CHECK: noc.barrier
      noc.barrier
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
      // Writers may multicast as well.
      // CHECK: noc.mcast %[[O]]
      noc.mcast %cbo[%c0] over (%c0, %c0) to (%c0, %c0) slot %c0 : !noc.cb<!tile.tile<32x32, bf16>, 2>
      noc.barrier
      // CHECK: noc.cb_pop %[[O]], 1
      noc.cb_pop %cbo, 1 : !noc.cb<!tile.tile<32x32, bf16>, 2>
    }
  } -> tensor<64x64xf32, #l>
  return %y : tensor<64x64xf32, #l>
}
