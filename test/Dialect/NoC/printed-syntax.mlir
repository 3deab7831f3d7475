// RUN: tt-opt %s | FileCheck %s

// noc.mcast and noc.sem_inc print the way NoCOps.td documents them, with a space between the
// keyword and the coordinate pair: `over (%x0, %y0) to (%x1, %y1)` and `at (%x, %y)`.

#l = #grid.layout<tile 32x32, bf16, dram, interleaved>
// CHECK-LABEL: func.func @spelling
func.func @spelling(%a: tensor<32x32xf32, #l>) -> tensor<32x32xf32, #l> {
  %e = grid.empty : tensor<32x32xf32, #l>
  %y = grid.dispatch "copy" on <(0, 0) to (1, 0)> ins(%a : tensor<32x32xf32, #l>) outs(%e : tensor<32x32xf32, #l>)
      attributes {dst_format = #tile<format bf16>, fidelity = #tile<fidelity HiFi2>} {
  ^bb0(%in: tensor<32x32xf32, #l>, %out: tensor<32x32xf32, #l>):
    %cb = noc.cb 0 : !noc.cb<!tile.tile<32x32, bf16>, 2>
    noc.kernel reader {
      %c0 = arith.constant 0 : index
      %c1 = arith.constant 1 : index
      // CHECK: noc.mcast %{{.*}}[%{{.*}}] over (%{{.*}}, %{{.*}}) to (%{{.*}}, %{{.*}}) slot %{{.*}} : !noc.cb<!tile.tile<32x32, bf16>, 2>
      noc.mcast %cb[%c0] over (%c1, %c0) to (%c1, %c0) slot %c0 : !noc.cb<!tile.tile<32x32, bf16>, 2>
      // CHECK: noc.sem_inc 0, 1 at (%{{.*}}, %{{.*}})
      noc.sem_inc 0, 1 at (%c1, %c0)
    }
  } -> tensor<32x32xf32, #l>
  return %y : tensor<32x32xf32, #l>
}
