// RUN: tt-opt %s -split-input-file -verify-diagnostics --tt-lower-grid-to-kernels | FileCheck %s

// A tile loop becomes three kernels: the reader reads each unit's tiles into double-buffered
// circular buffers, the compute kernel runs the grid.compute body between the waits and the
// pack, and the writer writes the packed tiles where grid.store puts them.

#l = #grid.layout<tile 32x32, f32, dram, interleaved>
// CHECK-LABEL: func.func @relu
// CHECK: grid.dispatch "relu" on <(0, 0) to{{ ?}}(1, 0)> ins(%{{.*}} : {{.*}}) outs(%{{.*}} : {{.*}}) attributes {dst_format = #tile<format f32>, fidelity = #tile<fidelity HiFi4>, keep = 1 : i64} {
// CHECK-NEXT: ^bb0(%[[IN:.*]]: tensor<64x64xf32, {{.*}}>, %[[OUT:.*]]: tensor<64x64xf32, {{.*}}>):
// CHECK-NEXT: %[[CBIN:.*]] = noc.cb 0 : !noc.cb<!tile.tile<32x32, f32>, 2>
// CHECK-NEXT: %[[CBOUT:.*]] = noc.cb 1 : !noc.cb<!tile.tile<32x32, f32>, 2>
// CHECK-NEXT: noc.kernel reader {
// CHECK: scf.for
// CHECK: noc.cb_reserve %[[CBIN]], 1
// CHECK: noc.read %[[IN]][%{{.*}}] into %[[CBIN]]
// CHECK: noc.barrier
// CHECK: noc.cb_push %[[CBIN]], 1
// CHECK: noc.kernel compute {
// CHECK: noc.cb_wait %[[CBIN]], 1
// CHECK-NEXT: %[[T:.*]] = noc.cb_get %[[CBIN]]
// CHECK-NEXT: tile.acquire_dst
// CHECK: tile.copy %[[T]], dst[%{{.*}}]
// CHECK-NEXT: tile.unary relu
// CHECK-NEXT: noc.cb_reserve %[[CBOUT]], 1
// CHECK-NEXT: %[[P:.*]] = tile.pack
// CHECK-NEXT: noc.cb_put %[[P]], %[[CBOUT]]
// CHECK-NEXT: noc.cb_push %[[CBOUT]], 1
// CHECK-NEXT: tile.release_dst
// CHECK-NEXT: noc.cb_pop %[[CBIN]], 1
// CHECK: noc.kernel writer {
// CHECK: noc.cb_wait %[[CBOUT]], 1
// CHECK: noc.write %[[CBOUT]][%{{.*}}] into %[[OUT]]
// CHECK: noc.flush
// CHECK: noc.cb_pop %[[CBOUT]], 1
// CHECK-NOT: grid.load
func.func @relu(%x: tensor<64x64xf32, #l>) -> tensor<64x64xf32, #l> {
  %e = grid.empty : tensor<64x64xf32, #l>
  %r = grid.dispatch "relu" on <(0, 0) to (1, 0)> ins(%x : tensor<64x64xf32, #l>) outs(%e : tensor<64x64xf32, #l>)
      attributes {dst_format = #tile<format f32>, fidelity = #tile<fidelity HiFi4>, keep = 1} {
  ^bb0(%in: tensor<64x64xf32, #l>, %out: tensor<64x64xf32, #l>):
    %core = grid.core_index linear
    %c0 = arith.constant 0 : index
    %c1 = arith.constant 1 : index
    %c2 = arith.constant 2 : index
    scf.for %i = %c0 to %c2 step %c1 {
      %u = affine.apply affine_map<(d0, d1) -> (d0 * 2 + d1)>(%core, %i)
      %t = grid.load %in[%u] map affine_map<(d0) -> (d0)> : tensor<64x64xf32, #l> -> !tile.tile<32x32, f32>
      %y = grid.compute(%t : !tile.tile<32x32, f32>) at %u -> !tile.tile<32x32, f32> {
      ^bb0(%a: !tile.tile<32x32, f32>, %unit: index):
        %d0 = arith.constant 0 : index
        tile.copy %a, dst[%d0] : !tile.tile<32x32, f32>
        tile.unary relu dst[%d0]
        %p = tile.pack dst[%d0] : !tile.tile<32x32, f32>
        grid.yield %p : !tile.tile<32x32, f32>
      }
      grid.store %y, %out[%u] map affine_map<(d0) -> (d0)> : !tile.tile<32x32, f32>, tensor<64x64xf32, #l>
    }
  } -> tensor<64x64xf32, #l>
  return %r : tensor<64x64xf32, #l>
}

// -----

// A tile that is the same at every unit is read once, into a one-tile buffer held for the loop,
// by the writer, so that the reader's first reads overlap it; the compute body's inputs follow
// its operands, not the order of the loads. Two cores read it each for itself.
#l = #grid.layout<tile 32x32, f32, dram, interleaved>
// CHECK-LABEL: func.func @held_tile
// CHECK: %[[CBS:.*]] = noc.cb 0 : !noc.cb<!tile.tile<32x32, f32>, 1>
// CHECK-NEXT: %[[CBX:.*]] = noc.cb 1 : !noc.cb<!tile.tile<32x32, f32>, 2>
// CHECK: noc.kernel reader {
// CHECK-NOT: %[[CBS]]
// CHECK: noc.kernel compute {
// CHECK: noc.cb_wait %[[CBS]], 1
// CHECK: %[[S:.*]] = noc.cb_get %[[CBS]]
// CHECK: scf.for
// CHECK: %[[X:.*]] = noc.cb_get %[[CBX]]
// CHECK-NEXT: tile.acquire_dst
// CHECK: tile.binary sub bcast scalar %[[X]], %[[S]]
// CHECK: noc.kernel writer {
// CHECK-NEXT: grid.core_index
// CHECK: noc.cb_reserve %[[CBS]], 1
// CHECK: noc.read %{{.*}}[%{{.*}}] into %[[CBS]]
// CHECK-NEXT: noc.barrier
// CHECK-NEXT: noc.cb_push %[[CBS]], 1
// CHECK-NOT: noc.mcast
// CHECK: scf.for
func.func @held_tile(%x: tensor<64x64xf32, #l>, %s: tensor<1x1xf32, #l>) -> tensor<64x64xf32, #l> {
  %e = grid.empty : tensor<64x64xf32, #l>
  %r = grid.dispatch "sub" on <(0, 0) to (1, 0)> ins(%s, %x : tensor<1x1xf32, #l>, tensor<64x64xf32, #l>) outs(%e : tensor<64x64xf32, #l>)
      attributes {dst_format = #tile<format f32>, fidelity = #tile<fidelity HiFi4>} {
  ^bb0(%sin: tensor<1x1xf32, #l>, %in: tensor<64x64xf32, #l>, %out: tensor<64x64xf32, #l>):
    %core = grid.core_index linear
    %c0 = arith.constant 0 : index
    %c1 = arith.constant 1 : index
    %c2 = arith.constant 2 : index
    scf.for %i = %c0 to %c2 step %c1 {
      %u = affine.apply affine_map<(d0, d1) -> (d1 + d0 * 2)>(%core, %i)
      %ts = grid.load %sin[%u] map affine_map<(d0) -> (0)> : tensor<1x1xf32, #l> -> !tile.tile<32x32, f32>
      %tx = grid.load %in[%u] map affine_map<(d0) -> (d0)> : tensor<64x64xf32, #l> -> !tile.tile<32x32, f32>
      %y = grid.compute(%tx, %ts : !tile.tile<32x32, f32>, !tile.tile<32x32, f32>) at %u -> !tile.tile<32x32, f32> {
      ^bb0(%a: !tile.tile<32x32, f32>, %b: !tile.tile<32x32, f32>, %unit: index):
        %d0 = arith.constant 0 : index
        tile.binary sub bcast scalar %a, %b, dst[%d0] : !tile.tile<32x32, f32>, !tile.tile<32x32, f32>
        %p = tile.pack dst[%d0] : !tile.tile<32x32, f32>
        grid.yield %p : !tile.tile<32x32, f32>
      }
      grid.store %y, %out[%u] map affine_map<(d0) -> (d0)> : !tile.tile<32x32, f32>, tensor<64x64xf32, #l>
    }
  } -> tensor<64x64xf32, #l>
  return %r : tensor<64x64xf32, #l>
}

// -----

// Sixteen cores or more reading a held tile whole would queue a tile each at the one source that
// holds it: the first core reads it and multicasts it to the range once every other core has
// reserved its slot (semaphore 0), then raises each one's semaphore 1.
#l = #grid.layout<tile 32x32, f32, dram, interleaved>
// CHECK-LABEL: func.func @held_tile_multicast
// CHECK: %[[CBS:.*]] = noc.cb 1 : !noc.cb<!tile.tile<32x32, f32>, 1>
// CHECK: noc.kernel writer {
// CHECK-NEXT: %[[CORE:.*]] = grid.core_index linear
// CHECK: noc.cb_reserve %[[CBS]], 1
// CHECK: %[[FIRST:.*]] = affine.apply #{{.*}}(%[[CORE]])
// CHECK-NEXT: %[[REST:.*]] = affine.apply #{{.*}}(%[[CORE]])
// CHECK: scf.for %{{.*}} = %{{.*}} to %[[REST]]
// CHECK-NEXT: noc.sem_inc 0, 1 at
// CHECK: scf.for %{{.*}} = %{{.*}} to %[[FIRST]]
// CHECK: noc.read %{{.*}} into %[[CBS]]
// CHECK-NEXT: noc.barrier
// CHECK: noc.sem_wait 0, %c31
// CHECK: noc.mcast %[[CBS]][%{{.*}}] over (%{{.*}}, %{{.*}}) to (%c7, %c3)
// CHECK-NEXT: noc.barrier
// CHECK: scf.for %{{.*}} = %{{.*}} to %c31
// CHECK: noc.sem_inc 1, 1 at
// CHECK: scf.for %{{.*}} = %{{.*}} to %[[REST]]
// CHECK: noc.sem_wait 1
// CHECK: noc.cb_push %[[CBS]], 1
func.func @held_tile_multicast(%x: tensor<256x256xf32, #l>, %s: tensor<256x1xf32, #l>) -> tensor<256x256xf32, #l> {
  %e = grid.empty : tensor<256x256xf32, #l>
  %r = grid.dispatch "mul" on <(0, 0) to (7, 3)> ins(%x, %s : tensor<256x256xf32, #l>, tensor<256x1xf32, #l>) outs(%e : tensor<256x256xf32, #l>)
      attributes {dst_format = #tile<format f32>, fidelity = #tile<fidelity HiFi4>} {
  ^bb0(%a: tensor<256x256xf32, #l>, %b: tensor<256x1xf32, #l>, %out: tensor<256x256xf32, #l>):
    %core = grid.core_index linear
    %c0 = arith.constant 0 : index
    %c1 = arith.constant 1 : index
    %c2 = arith.constant 2 : index
    scf.for %i = %c0 to %c2 step %c1 {
      %u = affine.apply affine_map<(d0, d1) -> (d1 + d0 * 2)>(%core, %i)
      %ta = grid.load %a[%u] map affine_map<(d0) -> (d0)> : tensor<256x256xf32, #l> -> !tile.tile<32x32, f32>
      %tb = grid.load %b[%u] map affine_map<(d0) -> (0)> : tensor<256x1xf32, #l> -> !tile.tile<32x32, f32>
      %y = grid.compute(%tb, %ta : !tile.tile<32x32, f32>, !tile.tile<32x32, f32>) at %u -> !tile.tile<32x32, f32> {
      ^bb0(%p: !tile.tile<32x32, f32>, %q: !tile.tile<32x32, f32>, %unit: index):
        %d0 = arith.constant 0 : index
        tile.binary mul bcast cols %q, %p, dst[%d0] : !tile.tile<32x32, f32>, !tile.tile<32x32, f32>
        %pk = tile.pack dst[%d0] : !tile.tile<32x32, f32>
        grid.yield %pk : !tile.tile<32x32, f32>
      }
      grid.store %y, %out[%u] map affine_map<(d0) -> (d0)> : !tile.tile<32x32, f32>, tensor<256x256xf32, #l>
    }
  } -> tensor<256x256xf32, #l>
  return %r : tensor<256x256xf32, #l>
}

// -----

// A held tile read by its first row only moves 32 values a core: each core reads its own.
#l = #grid.layout<tile 32x32, f32, dram, interleaved>
// CHECK-LABEL: func.func @held_first_row_not_multicast
// CHECK: noc.kernel writer {
// CHECK-NOT: noc.mcast
// CHECK: noc.read_span
// CHECK-NOT: noc.mcast
// CHECK: return
func.func @held_first_row_not_multicast(%x: tensor<256x256xf32, #l>, %s: tensor<1x32xf32, #l>) -> tensor<256x256xf32, #l> {
  %e = grid.empty : tensor<256x256xf32, #l>
  %r = grid.dispatch "mul" on <(0, 0) to (7, 3)> ins(%x, %s : tensor<256x256xf32, #l>, tensor<1x32xf32, #l>) outs(%e : tensor<256x256xf32, #l>)
      attributes {dst_format = #tile<format f32>, fidelity = #tile<fidelity HiFi4>} {
  ^bb0(%a: tensor<256x256xf32, #l>, %b: tensor<1x32xf32, #l>, %out: tensor<256x256xf32, #l>):
    %core = grid.core_index linear
    %c0 = arith.constant 0 : index
    %c1 = arith.constant 1 : index
    %c2 = arith.constant 2 : index
    scf.for %i = %c0 to %c2 step %c1 {
      %u = affine.apply affine_map<(d0, d1) -> (d1 + d0 * 2)>(%core, %i)
      %ta = grid.load %a[%u] map affine_map<(d0) -> (d0)> : tensor<256x256xf32, #l> -> !tile.tile<32x32, f32>
      %tb = grid.load %b[%u] map affine_map<(d0) -> (0)> {first_row} : tensor<1x32xf32, #l> -> !tile.tile<32x32, f32>
      %y = grid.compute(%tb, %ta : !tile.tile<32x32, f32>, !tile.tile<32x32, f32>) at %u -> !tile.tile<32x32, f32> {
      ^bb0(%p: !tile.tile<32x32, f32>, %q: !tile.tile<32x32, f32>, %unit: index):
        %d0 = arith.constant 0 : index
        tile.binary mul bcast rows %q, %p, dst[%d0] : !tile.tile<32x32, f32>, !tile.tile<32x32, f32>
        %pk = tile.pack dst[%d0] : !tile.tile<32x32, f32>
        grid.yield %pk : !tile.tile<32x32, f32>
      }
      grid.store %y, %out[%u] map affine_map<(d0) -> (d0)> : !tile.tile<32x32, f32>, tensor<256x256xf32, #l>
    }
  } -> tensor<256x256xf32, #l>
  return %r : tensor<256x256xf32, #l>
}

// -----

// A tile the FPU broadcasts by rows is read by its first row only: one 32-value span.
#l = #grid.layout<tile 32x32, f32, dram, interleaved>
// CHECK-LABEL: func.func @first_row
// CHECK: noc.kernel reader {
// CHECK: noc.read %{{.*}} into
// CHECK: noc.read_span %{{.*}}[%{{.*}}] offset %{{.*}} into %{{.*}}[%{{.*}}] offset %{{.*}} count %{{.*}} outside
// CHECK: noc.kernel compute {
func.func @first_row(%x: tensor<64x64xf32, #l>, %row: tensor<1x64xf32, #l>) -> tensor<64x64xf32, #l> {
  %e = grid.empty : tensor<64x64xf32, #l>
  %r = grid.dispatch "add" on <(0, 0) to (3, 0)> ins(%x, %row : tensor<64x64xf32, #l>, tensor<1x64xf32, #l>) outs(%e : tensor<64x64xf32, #l>)
      attributes {dst_format = #tile<format f32>, fidelity = #tile<fidelity HiFi4>} {
  ^bb0(%a: tensor<64x64xf32, #l>, %b: tensor<1x64xf32, #l>, %out: tensor<64x64xf32, #l>):
    %core = grid.core_index linear
    %c0 = arith.constant 0 : index
    %c1 = arith.constant 1 : index
    scf.for %i = %c0 to %c1 step %c1 {
      %u = affine.apply affine_map<(d0, d1) -> (d0 + d1)>(%core, %i)
      %ta = grid.load %a[%u] map affine_map<(d0) -> (d0)> : tensor<64x64xf32, #l> -> !tile.tile<32x32, f32>
      %tb = grid.load %b[%u] map affine_map<(d0) -> (d0 mod 2)> {first_row} : tensor<1x64xf32, #l> -> !tile.tile<32x32, f32>
      %y = grid.compute(%ta, %tb : !tile.tile<32x32, f32>, !tile.tile<32x32, f32>) at %u -> !tile.tile<32x32, f32> {
      ^bb0(%p: !tile.tile<32x32, f32>, %q: !tile.tile<32x32, f32>, %unit: index):
        %d0 = arith.constant 0 : index
        tile.binary add bcast rows %p, %q, dst[%d0] : !tile.tile<32x32, f32>, !tile.tile<32x32, f32>
        %pk = tile.pack dst[%d0] : !tile.tile<32x32, f32>
        grid.yield %pk : !tile.tile<32x32, f32>
      }
      grid.store %y, %out[%u] map affine_map<(d0) -> (d0)> : !tile.tile<32x32, f32>, tensor<64x64xf32, #l>
    }
  } -> tensor<64x64xf32, #l>
  return %r : tensor<64x64xf32, #l>
}

// -----

// A gathered tile is assembled by the reader run by run: runs of one value here (a transpose),
// 1024 of them in one noc.read_runs, each of its run's value v from input row v mod 32 (the
// input tile's offset 32 (v mod 32) + v floordiv 32).
#l = #grid.layout<tile 32x32, f32, dram, interleaved>
// CHECK-LABEL: func.func @gather
// CHECK: %[[CB:.*]] = noc.cb 0 : !noc.cb<!tile.tile<32x32, f32>, 2>
// CHECK: noc.kernel reader {
// CHECK: noc.cb_reserve %[[CB]], 1
// CHECK-NOT: scf.for
// CHECK: noc.read_runs %{{.*}} into %[[CB]][%{{.*}}] runs 1024 of 1, 32 per row fill 0.000000e+00 :
// CHECK-NEXT: ^bb0(%[[V:.*]]: index):
// CHECK: noc.yield %{{.*}}, %{{.*}}, %{{.*}}
// CHECK: noc.barrier
// CHECK: noc.kernel compute {
// CHECK: tile.copy
func.func @gather(%x: tensor<32x32xf32, #l>) -> tensor<32x32xf32, #l> {
  %e = grid.empty : tensor<32x32xf32, #l>
  %r = grid.dispatch "transpose" on <(0, 0) to (0, 0)> ins(%x : tensor<32x32xf32, #l>) outs(%e : tensor<32x32xf32, #l>)
      attributes {dst_format = #tile<format f32>, fidelity = #tile<fidelity HiFi4>} {
  ^bb0(%in: tensor<32x32xf32, #l>, %out: tensor<32x32xf32, #l>):
    %core = grid.core_index linear
    %c0 = arith.constant 0 : index
    %c1 = arith.constant 1 : index
    scf.for %i = %c0 to %c1 step %c1 {
      %u = affine.apply affine_map<(d0, d1) -> (d0 + d1)>(%core, %i)
      %t = grid.gather %in[%u] map affine_map<(d0, d1, d2) -> (0, d2 * 32 + d1, 0)> run 1 columns 32 fill 0.0 : tensor<32x32xf32, #l> -> !tile.tile<32x32, f32>
      %y = grid.compute(%t : !tile.tile<32x32, f32>) at %u -> !tile.tile<32x32, f32> {
      ^bb0(%a: !tile.tile<32x32, f32>, %unit: index):
        %d0 = arith.constant 0 : index
        tile.copy %a, dst[%d0] : !tile.tile<32x32, f32>
        %p = tile.pack dst[%d0] : !tile.tile<32x32, f32>
        grid.yield %p : !tile.tile<32x32, f32>
      }
      grid.store %y, %out[%u] map affine_map<(d0) -> (d0)> : !tile.tile<32x32, f32>, tensor<32x32xf32, #l>
    }
  } -> tensor<32x32xf32, #l>
  return %r : tensor<32x32xf32, #l>
}

// -----

// A gather of whole rows (run 32) reads the tile's rows with noc.read_runs: a request per run of
// rows that follow each other in the input. From a tensor in L1 each run takes the NoC with the
// shorter route from the core that holds it (`over nearer`); from DRAM, NoC 0.
#d = #grid.layout<tile 32x32, f32, dram, interleaved>
#s = #grid.layout<tile 32x32, f32, l1, interleaved>
// CHECK-LABEL: func.func @gather_rows_from_l1
// CHECK: noc.kernel reader {
// CHECK-NOT: scf.for %{{.*}} = %c0 to %c32
// CHECK: noc.read_runs %{{.*}} into %{{.*}}[%{{.*}}] runs 32 of 32, 1 per row fill 0.000000e+00 over nearer : tensor<64x32xf32, #grid.layout<tile 32x32, f32, l1, interleaved>>
// CHECK-NEXT: ^bb0(%[[ROW:.*]]: index):
// CHECK: noc.yield
// CHECK: noc.barrier
// CHECK-LABEL: func.func @gather_rows_from_dram
// CHECK: noc.read_runs %{{.*}} runs 32 of 32, 1 per row fill 0.000000e+00 : tensor<64x32xf32, #grid.layout<tile 32x32, f32, dram, interleaved>>
func.func @gather_rows_from_l1(%x: tensor<64x32xf32, #s>) -> tensor<32x32xf32, #d> {
  %e = grid.empty : tensor<32x32xf32, #d>
  %r = grid.dispatch "remap" on <(0, 0) to (0, 0)> ins(%x : tensor<64x32xf32, #s>) outs(%e : tensor<32x32xf32, #d>)
      attributes {dst_format = #tile<format f32>, fidelity = #tile<fidelity HiFi4>} {
  ^bb0(%in: tensor<64x32xf32, #s>, %out: tensor<32x32xf32, #d>):
    %core = grid.core_index linear
    %c0 = arith.constant 0 : index
    %c1 = arith.constant 1 : index
    scf.for %i = %c0 to %c1 step %c1 {
      %u = affine.apply affine_map<(d0, d1) -> (d0 + d1)>(%core, %i)
      %t = grid.gather %in[%u] map affine_map<(d0, d1, d2) -> (d1 floordiv 16, (d1 mod 16) * 64, 0)> run 32 columns 32 fill 0.0 : tensor<64x32xf32, #s> -> !tile.tile<32x32, f32>
      %y = grid.compute(%t : !tile.tile<32x32, f32>) at %u -> !tile.tile<32x32, f32> {
      ^bb0(%a: !tile.tile<32x32, f32>, %unit: index):
        %d0 = arith.constant 0 : index
        tile.copy %a, dst[%d0] : !tile.tile<32x32, f32>
        %p = tile.pack dst[%d0] : !tile.tile<32x32, f32>
        grid.yield %p : !tile.tile<32x32, f32>
      }
      grid.store %y, %out[%u] map affine_map<(d0) -> (d0)> : !tile.tile<32x32, f32>, tensor<32x32xf32, #d>
    }
  } -> tensor<32x32xf32, #d>
  return %r : tensor<32x32xf32, #d>
}
func.func @gather_rows_from_dram(%x: tensor<64x32xf32, #d>) -> tensor<32x32xf32, #d> {
  %e = grid.empty : tensor<32x32xf32, #d>
  %r = grid.dispatch "remap" on <(0, 0) to (0, 0)> ins(%x : tensor<64x32xf32, #d>) outs(%e : tensor<32x32xf32, #d>)
      attributes {dst_format = #tile<format f32>, fidelity = #tile<fidelity HiFi4>} {
  ^bb0(%in: tensor<64x32xf32, #d>, %out: tensor<32x32xf32, #d>):
    %core = grid.core_index linear
    %c0 = arith.constant 0 : index
    %c1 = arith.constant 1 : index
    scf.for %i = %c0 to %c1 step %c1 {
      %u = affine.apply affine_map<(d0, d1) -> (d0 + d1)>(%core, %i)
      %t = grid.gather %in[%u] map affine_map<(d0, d1, d2) -> (d1 floordiv 16, (d1 mod 16) * 64, 0)> run 32 columns 32 fill 0.0 : tensor<64x32xf32, #d> -> !tile.tile<32x32, f32>
      %y = grid.compute(%t : !tile.tile<32x32, f32>) at %u -> !tile.tile<32x32, f32> {
      ^bb0(%a: !tile.tile<32x32, f32>, %unit: index):
        %d0 = arith.constant 0 : index
        tile.copy %a, dst[%d0] : !tile.tile<32x32, f32>
        %p = tile.pack dst[%d0] : !tile.tile<32x32, f32>
        grid.yield %p : !tile.tile<32x32, f32>
      }
      grid.store %y, %out[%u] map affine_map<(d0) -> (d0)> : !tile.tile<32x32, f32>, tensor<32x32xf32, #d>
    }
  } -> tensor<32x32xf32, #d>
  return %r : tensor<32x32xf32, #d>
}

// -----

// A tile picked from one of several inputs is read by one 0/1-trip loop per input, into the
// one buffer.
#l = #grid.layout<tile 32x32, f32, dram, interleaved>
// CHECK-LABEL: func.func @load_one_of
// CHECK: ^bb0(%[[A:.*]]: tensor<64x32xf32, {{.*}}>, %[[B:.*]]: tensor<64x32xf32, {{.*}}>, %{{.*}}: tensor<128x32xf32, {{.*}}>):
// CHECK-NEXT: %[[CB:.*]] = noc.cb 0 : !noc.cb<!tile.tile<32x32, f32>, 2>
// CHECK-NEXT: noc.cb 1
// CHECK-NEXT: noc.kernel reader {
// CHECK: noc.cb_reserve %[[CB]], 1
// CHECK: %[[NA:.*]] = affine.apply
// CHECK: scf.for %{{.*}} = %{{.*}} to %[[NA]]
// CHECK: noc.read %[[A]][%{{.*}}] into %[[CB]]
// CHECK: %[[NB:.*]] = affine.apply
// CHECK: scf.for %{{.*}} = %{{.*}} to %[[NB]]
// CHECK: noc.read %[[B]][%{{.*}}] into %[[CB]]
// CHECK: noc.barrier
// CHECK: noc.kernel compute {
func.func @load_one_of(%x: tensor<64x32xf32, #l>, %y: tensor<64x32xf32, #l>) -> tensor<128x32xf32, #l> {
  %e = grid.empty : tensor<128x32xf32, #l>
  %r = grid.dispatch "concat" on <(0, 0) to (3, 0)> ins(%x, %y : tensor<64x32xf32, #l>, tensor<64x32xf32, #l>) outs(%e : tensor<128x32xf32, #l>)
      attributes {dst_format = #tile<format f32>, fidelity = #tile<fidelity HiFi4>} {
  ^bb0(%a: tensor<64x32xf32, #l>, %b: tensor<64x32xf32, #l>, %out: tensor<128x32xf32, #l>):
    %core = grid.core_index linear
    %c0 = arith.constant 0 : index
    %c1 = arith.constant 1 : index
    scf.for %i = %c0 to %c1 step %c1 {
      %u = affine.apply affine_map<(d0, d1) -> (d0 + d1)>(%core, %i)
      %t = grid.load_one_of %a, %b[%u] map affine_map<(d0) -> (1 - d0 floordiv 2, d0, d0 floordiv 2, d0 - 2)> : tensor<64x32xf32, #l>, tensor<64x32xf32, #l> -> !tile.tile<32x32, f32>
      %y2 = grid.compute(%t : !tile.tile<32x32, f32>) at %u -> !tile.tile<32x32, f32> {
      ^bb0(%v: !tile.tile<32x32, f32>, %unit: index):
        %d0 = arith.constant 0 : index
        tile.copy %v, dst[%d0] : !tile.tile<32x32, f32>
        %p = tile.pack dst[%d0] : !tile.tile<32x32, f32>
        grid.yield %p : !tile.tile<32x32, f32>
      }
      grid.store %y2, %out[%u] map affine_map<(d0) -> (d0)> : !tile.tile<32x32, f32>, tensor<128x32xf32, #l>
    }
  } -> tensor<128x32xf32, #l>
  return %r : tensor<128x32xf32, #l>
}

// -----

// A reduction loop: the kernels keep the accumulator in Dst from the start to the finish, so
// neither its copies into Dst[0] nor the steps' packs are emitted. The reader fetches the steps'
// tiles in batches and the bias row once per unit (its first row only); the finish's packed
// sum goes through a one-tile buffer to the FPU, which adds the bias. A body's read tiles are
// freed when the body is done (a staged tile after its last use).
// CHECK-LABEL: func.func @reduction
// CHECK: %[[CBIN:.*]] = noc.cb 0 : !noc.cb<!tile.tile<32x32, f32>, 4>
// CHECK-NEXT: %[[CBB:.*]] = noc.cb 1 : !noc.cb<!tile.tile<32x32, f32>, 2>
// CHECK-NEXT: %[[CBSUM:.*]] = noc.cb 2 : !noc.cb<!tile.tile<32x32, f32>, 1>
// CHECK-NEXT: %[[CBOUT:.*]] = noc.cb 3 : !noc.cb<!tile.tile<32x32, f32>, 2>
// CHECK-NEXT: noc.kernel reader {
// CHECK: noc.cb_reserve %[[CBB]], 1
// CHECK: noc.read_span %{{.*}} into %[[CBB]]
// CHECK: noc.cb_reserve %[[CBIN]], 2
// CHECK: noc.read %{{.*}} into %[[CBIN]]
// CHECK: noc.barrier
// CHECK-NEXT: noc.cb_push %[[CBIN]], 2
// CHECK: noc.cb_push %[[CBB]], 1
// CHECK: noc.kernel compute {
// CHECK: tile.acquire_dst
// CHECK-NOT: tile.pack
// CHECK: noc.cb_wait %[[CBIN]], 1
// CHECK-NEXT: %[[T:.*]] = noc.cb_get %[[CBIN]]
// CHECK-NEXT: tile.copy %[[T]], dst[%{{.*}}]
// CHECK-NEXT: tile.dst_binary add
// CHECK-NEXT: noc.cb_pop %[[CBIN]], 1
// CHECK-NOT: tile.copy
// CHECK: noc.cb_reserve %[[CBSUM]], 1
// CHECK-NEXT: %[[S:.*]] = tile.pack
// CHECK-NEXT: noc.cb_put %[[S]], %[[CBSUM]]
// CHECK-NEXT: noc.cb_push %[[CBSUM]], 1
// CHECK-NEXT: noc.cb_wait %[[CBSUM]], 1
// CHECK-NEXT: %[[SUM:.*]] = noc.cb_get %[[CBSUM]]
// CHECK-NEXT: noc.cb_wait %[[CBB]], 1
// CHECK-NEXT: %[[BIAS:.*]] = noc.cb_get %[[CBB]]
// CHECK-NEXT: tile.binary add bcast rows %[[SUM]], %[[BIAS]]
// CHECK-NEXT: noc.cb_pop %[[CBSUM]], 1
// CHECK-NEXT: noc.cb_reserve %[[CBOUT]], 1
// CHECK-NEXT: %[[P:.*]] = tile.pack
// CHECK-NEXT: noc.cb_put %[[P]], %[[CBOUT]]
// CHECK-NEXT: noc.cb_push %[[CBOUT]], 1
// CHECK-NEXT: noc.cb_pop %[[CBB]], 1
// CHECK-NEXT: tile.release_dst
// CHECK: noc.kernel writer {
// CHECK: noc.write %[[CBOUT]]
#l = #grid.layout<tile 32x32, f32, dram, interleaved>
func.func @reduction(%x: tensor<32x64xf32, #l>, %b: tensor<1x32xf32, #l>) -> tensor<32x32xf32, #l> {
  %e = grid.empty : tensor<32x32xf32, #l>
  %r = grid.dispatch "reduce_sum" on <(0, 0) to (0, 0)> ins(%x, %b : tensor<32x64xf32, #l>, tensor<1x32xf32, #l>) outs(%e : tensor<32x32xf32, #l>)
      attributes {dst_format = #tile<format f32>, fidelity = #tile<fidelity HiFi4>} {
  ^bb0(%in: tensor<32x64xf32, #l>, %bias: tensor<1x32xf32, #l>, %out: tensor<32x32xf32, #l>):
    %core = grid.core_index linear
    %c0 = arith.constant 0 : index
    %c1 = arith.constant 1 : index
    %c2 = arith.constant 2 : index
    scf.for %i = %c0 to %c1 step %c1 {
      %u = affine.apply affine_map<(d0, d1) -> (d0 + d1)>(%core, %i)
      %tb = grid.load %bias[%u] map affine_map<(d0) -> (0)> {first_row} : tensor<1x32xf32, #l> -> !tile.tile<32x32, f32>
      %init = grid.compute() at %u -> !tile.tile<32x32, f32> {
      ^bb0(%unit: index):
        %d0 = arith.constant 0 : index
        %p = tile.pack dst[%d0] : !tile.tile<32x32, f32>
        grid.yield %p : !tile.tile<32x32, f32>
      }
      %acc = scf.for %s = %c0 to %c2 step %c1 iter_args(%a = %init) -> (!tile.tile<32x32, f32>) {
        %at = affine.apply affine_map<(d0, d1) -> (d0 * 2 + d1)>(%u, %s)
        %t = grid.load %in[%at] map affine_map<(d0) -> (d0)> : tensor<32x64xf32, #l> -> !tile.tile<32x32, f32>
        %n = grid.compute(%a, %t : !tile.tile<32x32, f32>, !tile.tile<32x32, f32>) at %u, %s -> !tile.tile<32x32, f32> {
        ^bb0(%va: !tile.tile<32x32, f32>, %vt: !tile.tile<32x32, f32>, %unit: index, %step: index):
          %d0 = arith.constant 0 : index
          %d1 = arith.constant 1 : index
          tile.copy %va, dst[%d0] : !tile.tile<32x32, f32>
          tile.copy %vt, dst[%d1] : !tile.tile<32x32, f32>
          tile.dst_binary add dst[%d0], dst[%d1] -> dst[%d0]
          %p = tile.pack dst[%d0] : !tile.tile<32x32, f32>
          grid.yield %p : !tile.tile<32x32, f32>
        }
        scf.yield %n : !tile.tile<32x32, f32>
      }
      %y = grid.compute(%acc, %tb : !tile.tile<32x32, f32>, !tile.tile<32x32, f32>) at %u -> !tile.tile<32x32, f32> {
      ^bb0(%va: !tile.tile<32x32, f32>, %vb: !tile.tile<32x32, f32>, %unit: index):
        %d0 = arith.constant 0 : index
        tile.copy %va, dst[%d0] : !tile.tile<32x32, f32>
        %sum = tile.pack dst[%d0] : !tile.tile<32x32, f32>
        tile.binary add bcast rows %sum, %vb, dst[%d0] : !tile.tile<32x32, f32>, !tile.tile<32x32, f32>
        %p = tile.pack dst[%d0] : !tile.tile<32x32, f32>
        grid.yield %p : !tile.tile<32x32, f32>
      }
      grid.store %y, %out[%u] map affine_map<(d0) -> (d0)> : !tile.tile<32x32, f32>, tensor<32x32xf32, #l>
    }
  } -> tensor<32x32xf32, #l>
  return %r : tensor<32x32xf32, #l>
}

// -----

// The kernels keep the accumulator in Dst only if each step starts from it.
#l = #grid.layout<tile 32x32, f32, dram, interleaved>
func.func @accumulator_not_first(%x: tensor<32x64xf32, #l>, %b: tensor<1x32xf32, #l>) -> tensor<32x32xf32, #l> {
  %e = grid.empty : tensor<32x32xf32, #l>
  // expected-error @+1 {{no kernels for this tile loop: reduction: a step and the finish first copy the accumulator into Dst[0]}}
  %r = grid.dispatch "reduce_sum" on <(0, 0) to (0, 0)> ins(%x, %b : tensor<32x64xf32, #l>, tensor<1x32xf32, #l>) outs(%e : tensor<32x32xf32, #l>)
      attributes {dst_format = #tile<format f32>, fidelity = #tile<fidelity HiFi4>} {
  ^bb0(%in: tensor<32x64xf32, #l>, %bias: tensor<1x32xf32, #l>, %out: tensor<32x32xf32, #l>):
    %core = grid.core_index linear
    %c0 = arith.constant 0 : index
    %c1 = arith.constant 1 : index
    %c2 = arith.constant 2 : index
    scf.for %i = %c0 to %c1 step %c1 {
      %u = affine.apply affine_map<(d0, d1) -> (d0 + d1)>(%core, %i)
      %tb = grid.load %bias[%u] map affine_map<(d0) -> (0)> {first_row} : tensor<1x32xf32, #l> -> !tile.tile<32x32, f32>
      %init = grid.compute() at %u -> !tile.tile<32x32, f32> {
      ^bb0(%unit: index):
        %d0 = arith.constant 0 : index
        %p = tile.pack dst[%d0] : !tile.tile<32x32, f32>
        grid.yield %p : !tile.tile<32x32, f32>
      }
      %acc = scf.for %s = %c0 to %c2 step %c1 iter_args(%a = %init) -> (!tile.tile<32x32, f32>) {
        %at = affine.apply affine_map<(d0, d1) -> (d0 * 2 + d1)>(%u, %s)
        %t = grid.load %in[%at] map affine_map<(d0) -> (d0)> : tensor<32x64xf32, #l> -> !tile.tile<32x32, f32>
        %n = grid.compute(%a, %t : !tile.tile<32x32, f32>, !tile.tile<32x32, f32>) at %u, %s -> !tile.tile<32x32, f32> {
        ^bb0(%va: !tile.tile<32x32, f32>, %vt: !tile.tile<32x32, f32>, %unit: index, %step: index):
          %d0 = arith.constant 0 : index
          %d1 = arith.constant 1 : index
          tile.copy %vt, dst[%d1] : !tile.tile<32x32, f32>
          tile.copy %va, dst[%d0] : !tile.tile<32x32, f32>
          tile.dst_binary add dst[%d0], dst[%d1] -> dst[%d0]
          %p = tile.pack dst[%d0] : !tile.tile<32x32, f32>
          grid.yield %p : !tile.tile<32x32, f32>
        }
        scf.yield %n : !tile.tile<32x32, f32>
      }
      %y = grid.compute(%acc, %tb : !tile.tile<32x32, f32>, !tile.tile<32x32, f32>) at %u -> !tile.tile<32x32, f32> {
      ^bb0(%va: !tile.tile<32x32, f32>, %vb: !tile.tile<32x32, f32>, %unit: index):
        %d0 = arith.constant 0 : index
        tile.copy %va, dst[%d0] : !tile.tile<32x32, f32>
        %sum = tile.pack dst[%d0] : !tile.tile<32x32, f32>
        tile.binary add bcast rows %sum, %vb, dst[%d0] : !tile.tile<32x32, f32>, !tile.tile<32x32, f32>
        %p = tile.pack dst[%d0] : !tile.tile<32x32, f32>
        grid.yield %p : !tile.tile<32x32, f32>
      }
      grid.store %y, %out[%u] map affine_map<(d0) -> (d0)> : !tile.tile<32x32, f32>, tensor<32x32xf32, #l>
    }
  } -> tensor<32x32xf32, #l>
  return %r : tensor<32x32xf32, #l>
}

// -----

// The reader computes each read's index again, from the core's linear index and the loops'
// counters only.
#l = #grid.layout<tile 32x32, f32, dram, interleaved>
func.func @index_not_recomputable(%x: tensor<32x64xf32, #l>, %b: tensor<1x32xf32, #l>) -> tensor<32x32xf32, #l> {
  %e = grid.empty : tensor<32x32xf32, #l>
  // expected-error @+1 {{no kernels for this tile loop: reduction: a read's index is not computed from the core and the loop counters}}
  %r = grid.dispatch "reduce_sum" on <(0, 0) to (0, 0)> ins(%x, %b : tensor<32x64xf32, #l>, tensor<1x32xf32, #l>) outs(%e : tensor<32x32xf32, #l>)
      attributes {dst_format = #tile<format f32>, fidelity = #tile<fidelity HiFi4>} {
  ^bb0(%in: tensor<32x64xf32, #l>, %bias: tensor<1x32xf32, #l>, %out: tensor<32x32xf32, #l>):
    %core = grid.core_index linear
    %c0 = arith.constant 0 : index
    %c1 = arith.constant 1 : index
    %c2 = arith.constant 2 : index
    scf.for %i = %c0 to %c1 step %c1 {
      %u = affine.apply affine_map<(d0, d1) -> (d0 + d1)>(%core, %i)
      %tb = grid.load %bias[%u] map affine_map<(d0) -> (0)> {first_row} : tensor<1x32xf32, #l> -> !tile.tile<32x32, f32>
      %init = grid.compute() at %u -> !tile.tile<32x32, f32> {
      ^bb0(%unit: index):
        %d0 = arith.constant 0 : index
        %p = tile.pack dst[%d0] : !tile.tile<32x32, f32>
        grid.yield %p : !tile.tile<32x32, f32>
      }
      %acc = scf.for %s = %c0 to %c2 step %c1 iter_args(%a = %init) -> (!tile.tile<32x32, f32>) {
        %cx = grid.core_index x
        %at = affine.apply affine_map<(d0, d1) -> (d0 * 2 + d1)>(%cx, %s)
        %t = grid.load %in[%at] map affine_map<(d0) -> (d0)> : tensor<32x64xf32, #l> -> !tile.tile<32x32, f32>
        %n = grid.compute(%a, %t : !tile.tile<32x32, f32>, !tile.tile<32x32, f32>) at %u, %s -> !tile.tile<32x32, f32> {
        ^bb0(%va: !tile.tile<32x32, f32>, %vt: !tile.tile<32x32, f32>, %unit: index, %step: index):
          %d0 = arith.constant 0 : index
          %d1 = arith.constant 1 : index
          tile.copy %va, dst[%d0] : !tile.tile<32x32, f32>
          tile.copy %vt, dst[%d1] : !tile.tile<32x32, f32>
          tile.dst_binary add dst[%d0], dst[%d1] -> dst[%d0]
          %p = tile.pack dst[%d0] : !tile.tile<32x32, f32>
          grid.yield %p : !tile.tile<32x32, f32>
        }
        scf.yield %n : !tile.tile<32x32, f32>
      }
      %y = grid.compute(%acc, %tb : !tile.tile<32x32, f32>, !tile.tile<32x32, f32>) at %u -> !tile.tile<32x32, f32> {
      ^bb0(%va: !tile.tile<32x32, f32>, %vb: !tile.tile<32x32, f32>, %unit: index):
        %d0 = arith.constant 0 : index
        tile.copy %va, dst[%d0] : !tile.tile<32x32, f32>
        %sum = tile.pack dst[%d0] : !tile.tile<32x32, f32>
        tile.binary add bcast rows %sum, %vb, dst[%d0] : !tile.tile<32x32, f32>, !tile.tile<32x32, f32>
        %p = tile.pack dst[%d0] : !tile.tile<32x32, f32>
        grid.yield %p : !tile.tile<32x32, f32>
      }
      grid.store %y, %out[%u] map affine_map<(d0) -> (d0)> : !tile.tile<32x32, f32>, tensor<32x32xf32, #l>
    }
  } -> tensor<32x32xf32, #l>
  return %r : tensor<32x32xf32, #l>
}

// -----

// A dispatch that already holds kernels is legal and stays as it is.
#l = #grid.layout<tile 32x32, f32, dram, interleaved>
// CHECK-LABEL: func.func @kernels_stay
// CHECK: noc.cb 7 : !noc.cb<!tile.tile<32x32, f32>, 3>
// CHECK-NEXT: noc.kernel writer {
func.func @kernels_stay(%x: tensor<32x32xf32, #l>) -> tensor<32x32xf32, #l> {
  %e = grid.empty : tensor<32x32xf32, #l>
  %r = grid.dispatch "copy" on <(0, 0) to (0, 0)> ins(%x : tensor<32x32xf32, #l>) outs(%e : tensor<32x32xf32, #l>)
      attributes {dst_format = #tile<format f32>, fidelity = #tile<fidelity HiFi4>} {
  ^bb0(%in: tensor<32x32xf32, #l>, %out: tensor<32x32xf32, #l>):
    %cb = noc.cb 7 : !noc.cb<!tile.tile<32x32, f32>, 3>
    noc.kernel writer {
    }
  } -> tensor<32x32xf32, #l>
  return %r : tensor<32x32xf32, #l>
}

// -----

// A unit that is not the running core's cannot be streamed by the kernels.
#l = #grid.layout<tile 32x32, f32, dram, interleaved>
func.func @unit_not_the_cores(%x: tensor<64x64xf32, #l>) -> tensor<64x64xf32, #l> {
  %e = grid.empty : tensor<64x64xf32, #l>
  // expected-error @+1 {{no kernels for this tile loop: a read's unit is not the core's unit}}
  %r = grid.dispatch "relu" on <(0, 0) to (1, 0)> ins(%x : tensor<64x64xf32, #l>) outs(%e : tensor<64x64xf32, #l>)
      attributes {dst_format = #tile<format f32>, fidelity = #tile<fidelity HiFi4>} {
  ^bb0(%in: tensor<64x64xf32, #l>, %out: tensor<64x64xf32, #l>):
    %core = grid.core_index linear
    %c0 = arith.constant 0 : index
    %c1 = arith.constant 1 : index
    %c2 = arith.constant 2 : index
    scf.for %i = %c0 to %c2 step %c1 {
      %u = affine.apply affine_map<(d0, d1) -> (d0 + d1)>(%core, %i)
      %t = grid.load %in[%u] map affine_map<(d0) -> (d0)> : tensor<64x64xf32, #l> -> !tile.tile<32x32, f32>
      %y = grid.compute(%t : !tile.tile<32x32, f32>) at %u -> !tile.tile<32x32, f32> {
      ^bb0(%a: !tile.tile<32x32, f32>, %unit: index):
        %d0 = arith.constant 0 : index
        tile.copy %a, dst[%d0] : !tile.tile<32x32, f32>
        %p = tile.pack dst[%d0] : !tile.tile<32x32, f32>
        grid.yield %p : !tile.tile<32x32, f32>
      }
      grid.store %y, %out[%u] map affine_map<(d0) -> (d0)> : !tile.tile<32x32, f32>, tensor<64x64xf32, #l>
    }
  } -> tensor<64x64xf32, #l>
  return %r : tensor<64x64xf32, #l>
}

// -----

// Two computes per unit (a fused chain) have no streaming kernel yet.
#l = #grid.layout<tile 32x32, f32, dram, interleaved>
func.func @two_computes(%x: tensor<32x32xf32, #l>) -> tensor<32x32xf32, #l> {
  %e = grid.empty : tensor<32x32xf32, #l>
  // expected-error @+1 {{no kernels for this tile loop: each unit must compute one tile and store it}}
  %r = grid.dispatch "relu" on <(0, 0) to (0, 0)> ins(%x : tensor<32x32xf32, #l>) outs(%e : tensor<32x32xf32, #l>)
      attributes {dst_format = #tile<format f32>, fidelity = #tile<fidelity HiFi4>} {
  ^bb0(%in: tensor<32x32xf32, #l>, %out: tensor<32x32xf32, #l>):
    %core = grid.core_index linear
    %c0 = arith.constant 0 : index
    %c1 = arith.constant 1 : index
    scf.for %i = %c0 to %c1 step %c1 {
      %u = affine.apply affine_map<(d0, d1) -> (d0 + d1)>(%core, %i)
      %t = grid.load %in[%u] map affine_map<(d0) -> (d0)> : tensor<32x32xf32, #l> -> !tile.tile<32x32, f32>
      %y = grid.compute(%t : !tile.tile<32x32, f32>) at %u -> !tile.tile<32x32, f32> {
      ^bb0(%a: !tile.tile<32x32, f32>, %unit: index):
        %d0 = arith.constant 0 : index
        tile.copy %a, dst[%d0] : !tile.tile<32x32, f32>
        %p = tile.pack dst[%d0] : !tile.tile<32x32, f32>
        grid.yield %p : !tile.tile<32x32, f32>
      }
      %z = grid.compute(%y : !tile.tile<32x32, f32>) at %u -> !tile.tile<32x32, f32> {
      ^bb0(%a: !tile.tile<32x32, f32>, %unit: index):
        %d0 = arith.constant 0 : index
        tile.copy %a, dst[%d0] : !tile.tile<32x32, f32>
        tile.unary relu dst[%d0]
        %p = tile.pack dst[%d0] : !tile.tile<32x32, f32>
        grid.yield %p : !tile.tile<32x32, f32>
      }
      grid.store %z, %out[%u] map affine_map<(d0) -> (d0)> : !tile.tile<32x32, f32>, tensor<32x32xf32, #l>
    }
  } -> tensor<32x32xf32, #l>
  return %r : tensor<32x32xf32, #l>
}

// -----

// The streaming kernel packs Dst[0]; a body that leaves its result elsewhere is refused.
#l = #grid.layout<tile 32x32, f32, dram, interleaved>
func.func @result_not_in_dst0(%x: tensor<32x32xf32, #l>) -> tensor<32x32xf32, #l> {
  %e = grid.empty : tensor<32x32xf32, #l>
  // expected-error @+1 {{no kernels for this tile loop: the compute must yield the pack of Dst[0]}}
  %r = grid.dispatch "copy" on <(0, 0) to (0, 0)> ins(%x : tensor<32x32xf32, #l>) outs(%e : tensor<32x32xf32, #l>)
      attributes {dst_format = #tile<format f32>, fidelity = #tile<fidelity HiFi4>} {
  ^bb0(%in: tensor<32x32xf32, #l>, %out: tensor<32x32xf32, #l>):
    %core = grid.core_index linear
    %c0 = arith.constant 0 : index
    %c1 = arith.constant 1 : index
    scf.for %i = %c0 to %c1 step %c1 {
      %u = affine.apply affine_map<(d0, d1) -> (d0 + d1)>(%core, %i)
      %t = grid.load %in[%u] map affine_map<(d0) -> (d0)> : tensor<32x32xf32, #l> -> !tile.tile<32x32, f32>
      %y = grid.compute(%t : !tile.tile<32x32, f32>) at %u -> !tile.tile<32x32, f32> {
      ^bb0(%a: !tile.tile<32x32, f32>, %unit: index):
        %d1 = arith.constant 1 : index
        tile.copy %a, dst[%d1] : !tile.tile<32x32, f32>
        %p = tile.pack dst[%d1] : !tile.tile<32x32, f32>
        grid.yield %p : !tile.tile<32x32, f32>
      }
      grid.store %y, %out[%u] map affine_map<(d0) -> (d0)> : !tile.tile<32x32, f32>, tensor<32x32xf32, #l>
    }
  } -> tensor<32x32xf32, #l>
  return %r : tensor<32x32xf32, #l>
}

// -----
// A reduction over K tiles in a dispatch that carries a matmul config gets the config's kernels:
// the two cores share the rhs, which one of them reads and multicasts (semaphores 2 and 3 count
// the room and the landed tiles), the compute kernel accumulates the chunk in Dst, and the
// loop's finish runs as the epilogue: the sum packed once through L1 (cb 4), the bias row (cb 3)
// added and the ReLU applied by the packer.
#l = #grid.layout<tile 32x32, f32, dram, interleaved>
// CHECK-LABEL: func.func @matmul_config
// CHECK: noc.cb 3 : !noc.cb<!tile.tile<32x32, f32>, 2>
// CHECK: noc.cb 4 : !noc.cb<!tile.tile<32x32, f32>, 1>
// CHECK: noc.kernel reader {
// CHECK: noc.read_span %{{.*}} into %[[BIASCB:.*]][%{{.*}}] offset %{{.*}} count %c32
// CHECK: noc.kernel compute {
// CHECK: tile.matmul
// CHECK: noc.cb_reserve %[[STAGE:.*]], 1
// CHECK: tile.pack
// CHECK: noc.cb_wait %[[BIASCB]], 1
// CHECK-NEXT: noc.cb_wait %[[STAGE]], 1
// CHECK: tile.binary add bcast rows
// CHECK: noc.cb_pop %[[STAGE]], 1
// CHECK-NOT: tile.unary
// CHECK: tile.pack dst[%{{.*}}] relu
// CHECK: noc.kernel writer {
// CHECK: noc.sem_wait 2
// CHECK: noc.mcast
// CHECK: noc.write
// CHECK-NOT: grid.compute
func.func @matmul_config(%a: tensor<64x64xf32, #l>, %b: tensor<64x32xf32, #l>, %bias: tensor<32xf32, #l>) -> tensor<64x32xf32, #l> {
  %e = grid.empty : tensor<64x32xf32, #l>
  %r = grid.dispatch "matmul" on <(0, 0) to (1, 0)> ins(%a, %b, %bias : tensor<64x64xf32, #l>, tensor<64x32xf32, #l>, tensor<32xf32, #l>) outs(%e : tensor<64x32xf32, #l>)
      attributes {dst_format = #tile<format f32>, fidelity = #tile<fidelity HiFi4>, grid.config = #grid.matmul_config<grid = [2, 1], cores = [2, 1], block = [1, 1], subblock = [1, 1], k_chunk = 2>, macs = 131072 : i64} {
  ^bb0(%x: tensor<64x64xf32, #l>, %w: tensor<64x32xf32, #l>, %bi: tensor<32xf32, #l>, %out: tensor<64x32xf32, #l>):
    %core = grid.core_index linear
    %c0 = arith.constant 0 : index
    %c1 = arith.constant 1 : index
    %c2 = arith.constant 2 : index
    scf.for %i = %c0 to %c1 step %c1 {
      %u = affine.apply affine_map<(d0, d1) -> (d0 + d1)>(%core, %i)
      %brow = grid.load %bi[%u] map affine_map<(d0) -> (0)> {first_row} : tensor<32xf32, #l> -> !tile.tile<32x32, f32>
      %init = grid.compute() at %u -> !tile.tile<32x32, f32> {
      ^bb0(%iu: index):
        %d0 = arith.constant 0 : index
        %p = tile.pack dst[%d0] : !tile.tile<32x32, f32>
        grid.yield %p : !tile.tile<32x32, f32>
      }
      %acc = scf.for %k = %c0 to %c2 step %c1 iter_args(%sum = %init) -> (!tile.tile<32x32, f32>) {
        %ai = affine.apply affine_map<(d0, d1, d2) -> (d0 + d1 * 2 + d2 * 2)>(%k, %core, %i)
        %lhs = grid.load %x[%ai] map affine_map<(d0) -> (d0)> : tensor<64x64xf32, #l> -> !tile.tile<32x32, f32>
        %rhs = grid.load %w[%k] map affine_map<(d0) -> (d0)> : tensor<64x32xf32, #l> -> !tile.tile<32x32, f32>
        %next = grid.compute(%sum, %lhs, %rhs : !tile.tile<32x32, f32>, !tile.tile<32x32, f32>, !tile.tile<32x32, f32>) at %u, %k -> !tile.tile<32x32, f32> {
        ^bb0(%s: !tile.tile<32x32, f32>, %l: !tile.tile<32x32, f32>, %rr: !tile.tile<32x32, f32>, %su: index, %sk: index):
          %d0 = arith.constant 0 : index
          tile.copy %s, dst[%d0] : !tile.tile<32x32, f32>
          tile.matmul %l, %rr, dst[%d0] : !tile.tile<32x32, f32>, !tile.tile<32x32, f32>
          %p = tile.pack dst[%d0] : !tile.tile<32x32, f32>
          grid.yield %p : !tile.tile<32x32, f32>
        }
        scf.yield %next : !tile.tile<32x32, f32>
      }
      %y = grid.compute(%acc, %brow : !tile.tile<32x32, f32>, !tile.tile<32x32, f32>) at %u -> !tile.tile<32x32, f32> {
      ^bb0(%s: !tile.tile<32x32, f32>, %bt: !tile.tile<32x32, f32>, %fu: index):
        %d0 = arith.constant 0 : index
        tile.copy %s, dst[%d0] : !tile.tile<32x32, f32>
        %staged = tile.pack dst[%d0] : !tile.tile<32x32, f32>
        tile.binary add bcast rows %staged, %bt, dst[%d0] : !tile.tile<32x32, f32>, !tile.tile<32x32, f32>
        tile.unary relu dst[%d0]
        %p = tile.pack dst[%d0] : !tile.tile<32x32, f32>
        grid.yield %p : !tile.tile<32x32, f32>
      }
      grid.store %y, %out[%u] map affine_map<(d0) -> (d0)> : !tile.tile<32x32, f32>, tensor<64x32xf32, #l>
    }
  } -> tensor<64x32xf32, #l>
  return %r : tensor<64x32xf32, #l>
}

// -----
// Without a config the same loop is an ordinary reduction: each core reads its own operands
// and the accumulator stays in Dst; nothing is multicast.
#l = #grid.layout<tile 32x32, f32, dram, interleaved>
// CHECK-LABEL: func.func @matmul_loop_without_config
// CHECK: noc.kernel compute {
// CHECK: tile.matmul
// CHECK: tile.binary add bcast rows
// CHECK-NOT: noc.mcast
// CHECK: return
func.func @matmul_loop_without_config(%a: tensor<64x64xf32, #l>, %b: tensor<64x32xf32, #l>, %bias: tensor<32xf32, #l>) -> tensor<64x32xf32, #l> {
  %e = grid.empty : tensor<64x32xf32, #l>
  %r = grid.dispatch "matmul" on <(0, 0) to (1, 0)> ins(%a, %b, %bias : tensor<64x64xf32, #l>, tensor<64x32xf32, #l>, tensor<32xf32, #l>) outs(%e : tensor<64x32xf32, #l>)
      attributes {dst_format = #tile<format f32>, fidelity = #tile<fidelity HiFi4>, macs = 131072 : i64} {
  ^bb0(%x: tensor<64x64xf32, #l>, %w: tensor<64x32xf32, #l>, %bi: tensor<32xf32, #l>, %out: tensor<64x32xf32, #l>):
    %core = grid.core_index linear
    %c0 = arith.constant 0 : index
    %c1 = arith.constant 1 : index
    %c2 = arith.constant 2 : index
    scf.for %i = %c0 to %c1 step %c1 {
      %u = affine.apply affine_map<(d0, d1) -> (d0 + d1)>(%core, %i)
      %brow = grid.load %bi[%u] map affine_map<(d0) -> (0)> {first_row} : tensor<32xf32, #l> -> !tile.tile<32x32, f32>
      %init = grid.compute() at %u -> !tile.tile<32x32, f32> {
      ^bb0(%iu: index):
        %d0 = arith.constant 0 : index
        %p = tile.pack dst[%d0] : !tile.tile<32x32, f32>
        grid.yield %p : !tile.tile<32x32, f32>
      }
      %acc = scf.for %k = %c0 to %c2 step %c1 iter_args(%sum = %init) -> (!tile.tile<32x32, f32>) {
        %ai = affine.apply affine_map<(d0, d1, d2) -> (d0 + d1 * 2 + d2 * 2)>(%k, %core, %i)
        %lhs = grid.load %x[%ai] map affine_map<(d0) -> (d0)> : tensor<64x64xf32, #l> -> !tile.tile<32x32, f32>
        %rhs = grid.load %w[%k] map affine_map<(d0) -> (d0)> : tensor<64x32xf32, #l> -> !tile.tile<32x32, f32>
        %next = grid.compute(%sum, %lhs, %rhs : !tile.tile<32x32, f32>, !tile.tile<32x32, f32>, !tile.tile<32x32, f32>) at %u, %k -> !tile.tile<32x32, f32> {
        ^bb0(%s: !tile.tile<32x32, f32>, %l: !tile.tile<32x32, f32>, %rr: !tile.tile<32x32, f32>, %su: index, %sk: index):
          %d0 = arith.constant 0 : index
          tile.copy %s, dst[%d0] : !tile.tile<32x32, f32>
          tile.matmul %l, %rr, dst[%d0] : !tile.tile<32x32, f32>, !tile.tile<32x32, f32>
          %p = tile.pack dst[%d0] : !tile.tile<32x32, f32>
          grid.yield %p : !tile.tile<32x32, f32>
        }
        scf.yield %next : !tile.tile<32x32, f32>
      }
      %y = grid.compute(%acc, %brow : !tile.tile<32x32, f32>, !tile.tile<32x32, f32>) at %u -> !tile.tile<32x32, f32> {
      ^bb0(%s: !tile.tile<32x32, f32>, %bt: !tile.tile<32x32, f32>, %fu: index):
        %d0 = arith.constant 0 : index
        tile.copy %s, dst[%d0] : !tile.tile<32x32, f32>
        %staged = tile.pack dst[%d0] : !tile.tile<32x32, f32>
        tile.binary add bcast rows %staged, %bt, dst[%d0] : !tile.tile<32x32, f32>, !tile.tile<32x32, f32>
        tile.unary relu dst[%d0]
        %p = tile.pack dst[%d0] : !tile.tile<32x32, f32>
        grid.yield %p : !tile.tile<32x32, f32>
      }
      grid.store %y, %out[%u] map affine_map<(d0) -> (d0)> : !tile.tile<32x32, f32>, tensor<64x32xf32, #l>
    }
  } -> tensor<64x32xf32, #l>
  return %r : tensor<64x32xf32, #l>
}

// -----
// A loop whose tiles are not where its config puts them is refused rather than computed with
// the config's kernels.
#l = #grid.layout<tile 32x32, f32, dram, interleaved>
// expected-error @+3 {{no kernels for this tile loop: matmul: its tiles are not where the config's blocks put them}}
func.func @matmul_moved_tiles(%a: tensor<64x64xf32, #l>, %b: tensor<64x32xf32, #l>, %bias: tensor<32xf32, #l>) -> tensor<64x32xf32, #l> {
  %e = grid.empty : tensor<64x32xf32, #l>
  %r = grid.dispatch "matmul" on <(0, 0) to (1, 0)> ins(%a, %b, %bias : tensor<64x64xf32, #l>, tensor<64x32xf32, #l>, tensor<32xf32, #l>) outs(%e : tensor<64x32xf32, #l>)
      attributes {dst_format = #tile<format f32>, fidelity = #tile<fidelity HiFi4>, grid.config = #grid.matmul_config<grid = [2, 1], cores = [2, 1], block = [1, 1], subblock = [1, 1], k_chunk = 2>, macs = 131072 : i64} {
  ^bb0(%x: tensor<64x64xf32, #l>, %w: tensor<64x32xf32, #l>, %bi: tensor<32xf32, #l>, %out: tensor<64x32xf32, #l>):
    %core = grid.core_index linear
    %c0 = arith.constant 0 : index
    %c1 = arith.constant 1 : index
    %c2 = arith.constant 2 : index
    scf.for %i = %c0 to %c1 step %c1 {
      %u = affine.apply affine_map<(d0, d1) -> (d0 + d1)>(%core, %i)
      %brow = grid.load %bi[%u] map affine_map<(d0) -> (0)> {first_row} : tensor<32xf32, #l> -> !tile.tile<32x32, f32>
      %init = grid.compute() at %u -> !tile.tile<32x32, f32> {
      ^bb0(%iu: index):
        %d0 = arith.constant 0 : index
        %p = tile.pack dst[%d0] : !tile.tile<32x32, f32>
        grid.yield %p : !tile.tile<32x32, f32>
      }
      %acc = scf.for %k = %c0 to %c2 step %c1 iter_args(%sum = %init) -> (!tile.tile<32x32, f32>) {
        %ai = affine.apply affine_map<(d0, d1, d2) -> (d0 + d1 * 2 + d2 * 2)>(%k, %core, %i)
        %lhs = grid.load %x[%ai] map affine_map<(d0) -> (d0)> : tensor<64x64xf32, #l> -> !tile.tile<32x32, f32>
        %rhs = grid.load %w[%k] map affine_map<(d0) -> (d0)> : tensor<64x32xf32, #l> -> !tile.tile<32x32, f32>
        %next = grid.compute(%sum, %lhs, %rhs : !tile.tile<32x32, f32>, !tile.tile<32x32, f32>, !tile.tile<32x32, f32>) at %u, %k -> !tile.tile<32x32, f32> {
        ^bb0(%s: !tile.tile<32x32, f32>, %l: !tile.tile<32x32, f32>, %rr: !tile.tile<32x32, f32>, %su: index, %sk: index):
          %d0 = arith.constant 0 : index
          tile.copy %s, dst[%d0] : !tile.tile<32x32, f32>
          tile.matmul %l, %rr, dst[%d0] : !tile.tile<32x32, f32>, !tile.tile<32x32, f32>
          %p = tile.pack dst[%d0] : !tile.tile<32x32, f32>
          grid.yield %p : !tile.tile<32x32, f32>
        }
        scf.yield %next : !tile.tile<32x32, f32>
      }
      %y = grid.compute(%acc, %brow : !tile.tile<32x32, f32>, !tile.tile<32x32, f32>) at %u -> !tile.tile<32x32, f32> {
      ^bb0(%s: !tile.tile<32x32, f32>, %bt: !tile.tile<32x32, f32>, %fu: index):
        %d0 = arith.constant 0 : index
        tile.copy %s, dst[%d0] : !tile.tile<32x32, f32>
        %staged = tile.pack dst[%d0] : !tile.tile<32x32, f32>
        tile.binary add bcast rows %staged, %bt, dst[%d0] : !tile.tile<32x32, f32>, !tile.tile<32x32, f32>
        tile.unary relu dst[%d0]
        %p = tile.pack dst[%d0] : !tile.tile<32x32, f32>
        grid.yield %p : !tile.tile<32x32, f32>
      }
      grid.store %y, %out[%u] map affine_map<(d0) -> (1 - d0)> : !tile.tile<32x32, f32>, tensor<64x32xf32, #l>
    }
  } -> tensor<64x32xf32, #l>
  return %r : tensor<64x32xf32, #l>
}

// -----
// The epilogue runs on a whole subblock of Dst at once, so it may use only Dst[0].
#l = #grid.layout<tile 32x32, f32, dram, interleaved>
// expected-error @+3 {{no kernels for this tile loop: matmul: the epilogue uses Dst[0] only}}
func.func @matmul_epilogue_dst1(%a: tensor<64x64xf32, #l>, %b: tensor<64x32xf32, #l>, %bias: tensor<32xf32, #l>) -> tensor<64x32xf32, #l> {
  %e = grid.empty : tensor<64x32xf32, #l>
  %r = grid.dispatch "matmul" on <(0, 0) to (1, 0)> ins(%a, %b, %bias : tensor<64x64xf32, #l>, tensor<64x32xf32, #l>, tensor<32xf32, #l>) outs(%e : tensor<64x32xf32, #l>)
      attributes {dst_format = #tile<format f32>, fidelity = #tile<fidelity HiFi4>, grid.config = #grid.matmul_config<grid = [2, 1], cores = [2, 1], block = [1, 1], subblock = [1, 1], k_chunk = 2>, macs = 131072 : i64} {
  ^bb0(%x: tensor<64x64xf32, #l>, %w: tensor<64x32xf32, #l>, %bi: tensor<32xf32, #l>, %out: tensor<64x32xf32, #l>):
    %core = grid.core_index linear
    %c0 = arith.constant 0 : index
    %c1 = arith.constant 1 : index
    %c2 = arith.constant 2 : index
    scf.for %i = %c0 to %c1 step %c1 {
      %u = affine.apply affine_map<(d0, d1) -> (d0 + d1)>(%core, %i)
      %brow = grid.load %bi[%u] map affine_map<(d0) -> (0)> {first_row} : tensor<32xf32, #l> -> !tile.tile<32x32, f32>
      %init = grid.compute() at %u -> !tile.tile<32x32, f32> {
      ^bb0(%iu: index):
        %d0 = arith.constant 0 : index
        %p = tile.pack dst[%d0] : !tile.tile<32x32, f32>
        grid.yield %p : !tile.tile<32x32, f32>
      }
      %acc = scf.for %k = %c0 to %c2 step %c1 iter_args(%sum = %init) -> (!tile.tile<32x32, f32>) {
        %ai = affine.apply affine_map<(d0, d1, d2) -> (d0 + d1 * 2 + d2 * 2)>(%k, %core, %i)
        %lhs = grid.load %x[%ai] map affine_map<(d0) -> (d0)> : tensor<64x64xf32, #l> -> !tile.tile<32x32, f32>
        %rhs = grid.load %w[%k] map affine_map<(d0) -> (d0)> : tensor<64x32xf32, #l> -> !tile.tile<32x32, f32>
        %next = grid.compute(%sum, %lhs, %rhs : !tile.tile<32x32, f32>, !tile.tile<32x32, f32>, !tile.tile<32x32, f32>) at %u, %k -> !tile.tile<32x32, f32> {
        ^bb0(%s: !tile.tile<32x32, f32>, %l: !tile.tile<32x32, f32>, %rr: !tile.tile<32x32, f32>, %su: index, %sk: index):
          %d0 = arith.constant 0 : index
          tile.copy %s, dst[%d0] : !tile.tile<32x32, f32>
          tile.matmul %l, %rr, dst[%d0] : !tile.tile<32x32, f32>, !tile.tile<32x32, f32>
          %p = tile.pack dst[%d0] : !tile.tile<32x32, f32>
          grid.yield %p : !tile.tile<32x32, f32>
        }
        scf.yield %next : !tile.tile<32x32, f32>
      }
      %y = grid.compute(%acc, %brow : !tile.tile<32x32, f32>, !tile.tile<32x32, f32>) at %u -> !tile.tile<32x32, f32> {
      ^bb0(%s: !tile.tile<32x32, f32>, %bt: !tile.tile<32x32, f32>, %fu: index):
        %d0 = arith.constant 0 : index
        tile.copy %s, dst[%d0] : !tile.tile<32x32, f32>
        %staged = tile.pack dst[%d0] : !tile.tile<32x32, f32>
        tile.binary add bcast rows %staged, %bt, dst[%d0] : !tile.tile<32x32, f32>, !tile.tile<32x32, f32>
        tile.unary relu dst[%d0]
        %d1 = arith.constant 1 : index
        tile.copy %bt, dst[%d1] : !tile.tile<32x32, f32>
        %p = tile.pack dst[%d0] : !tile.tile<32x32, f32>
        grid.yield %p : !tile.tile<32x32, f32>
      }
      grid.store %y, %out[%u] map affine_map<(d0) -> (d0)> : !tile.tile<32x32, f32>, tensor<64x32xf32, #l>
    }
  } -> tensor<64x32xf32, #l>
  return %r : tensor<64x32xf32, #l>
}

// -----

// A row loop: the reader reads the unit's row into a buffer of its two tiles once; the compute
// kernel reads them by slot in every pass. The reduction's accumulator stays in Dst from its
// first tile to its finish (no copy, no pack between), the statistic goes through a one-tile
// buffer, the filled row through a buffer of its own, and the last pass's tiles to the writer.
// The row whose last tile was replaced is read by a step apart from the loop. Each buffer is
// popped after the last pass that reads it, so the reader may fill it again meanwhile.
// CHECK-LABEL: func.func @row_loop
// CHECK: %[[ROW:.*]] = noc.cb 0 : !noc.cb<!tile.tile<32x32, f32>, 2>
// CHECK: %[[LAST:.*]] = noc.cb 1 : !noc.cb<!tile.tile<32x32, f32>, 1>
// CHECK: %[[MAX:.*]] = noc.cb 2 : !noc.cb<!tile.tile<32x32, f32>, 1>
// CHECK: %[[EXP:.*]] = noc.cb 3 : !noc.cb<!tile.tile<32x32, f32>, 2>
// CHECK: %[[OUT:.*]] = noc.cb 4 : !noc.cb<!tile.tile<32x32, f32>, 2>
// CHECK: noc.kernel reader {
// CHECK: noc.cb_reserve %[[ROW]], 2
// CHECK: scf.for %[[J:.*]] =
// CHECK: noc.read %{{.*}} into %[[ROW]][%[[J]]]
// CHECK: noc.barrier
// CHECK: noc.cb_push %[[ROW]], 2
// CHECK: noc.kernel compute {
// CHECK: noc.cb_wait %[[ROW]], 2
// CHECK: tile.acquire_dst
// CHECK: tile.mask
// CHECK: noc.cb_reserve %[[LAST]], 1
// CHECK: noc.cb_push %[[LAST]], 1
// CHECK: tile.release_dst
// CHECK: noc.cb_wait %[[LAST]], 1
// CHECK: tile.acquire_dst
// CHECK: %[[T0:.*]] = noc.cb_get %[[ROW]][%{{.*}}]
// CHECK: tile.reduce max dim 0 %[[T0]], dst[%{{.*}}] : !tile.tile<32x32, f32>
// CHECK: %[[T1:.*]] = noc.cb_get %[[LAST]][%{{.*}}]
// CHECK: tile.reduce max dim 0 %[[T1]], dst[%{{.*}}] {accumulate}
// CHECK: noc.cb_pop %[[LAST]], 1
// CHECK: noc.cb_reserve %[[MAX]], 1
// CHECK: tile.pack
// CHECK: noc.cb_wait %[[MAX]], 1
// CHECK: noc.cb_reserve %[[EXP]], 2
// CHECK: scf.for %[[J:.*]] =
// CHECK: noc.cb_get %[[ROW]][%[[J]]]
// CHECK: tile.unary exp
// CHECK: noc.cb_put %{{.*}}, %[[EXP]][%[[J]]]
// CHECK: noc.cb_push %[[EXP]], 2
// CHECK: noc.cb_wait %[[EXP]], 2
// CHECK: noc.cb_pop %[[ROW]], 2
// CHECK: scf.for %[[J:.*]] =
// CHECK: noc.cb_get %[[EXP]][%[[J]]]
// CHECK: tile.binary mul bcast cols
// CHECK: noc.cb_reserve %[[OUT]], 1
// CHECK: noc.cb_push %[[OUT]], 1
// CHECK: noc.cb_pop %[[MAX]], 1
// CHECK: noc.cb_pop %[[EXP]], 2
// CHECK: noc.kernel writer {
// CHECK: scf.for
// CHECK: noc.cb_wait %[[OUT]], 1
// CHECK: noc.write %[[OUT]]
#l = #grid.layout<tile 32x32, f32, dram, interleaved>
func.func @row_loop(%x: tensor<64x64xf32, #l>) -> tensor<64x64xf32, #l> {
  %e = grid.empty : tensor<64x64xf32, #l>
  %r = grid.dispatch "rows" on <(0, 0) to (1, 0)> ins(%x : tensor<64x64xf32, #l>) outs(%e : tensor<64x64xf32, #l>)
      attributes {dst_format = #tile<format f32>, fidelity = #tile<fidelity HiFi4>} {
  ^bb0(%in: tensor<64x64xf32, #l>, %out: tensor<64x64xf32, #l>):
    %core = grid.core_index linear
    %c0 = arith.constant 0 : index
    %c1 = arith.constant 1 : index
    %c2 = arith.constant 2 : index
    scf.for %i = %c0 to %c1 step %c1 {
      %u = affine.apply affine_map<(d0, d1) -> (d0 + d1)>(%core, %i)
      %row = grid.load_row %in[%u] map affine_map<(d0, d1) -> (d0 * 2 + d1)> : tensor<64x64xf32, #l> -> tensor<2x!tile.tile<32x32, f32>>
      %t1 = tensor.extract %row[%c1] : tensor<2x!tile.tile<32x32, f32>>
      %masked = grid.compute(%t1 : !tile.tile<32x32, f32>) at %u -> !tile.tile<32x32, f32> {
      ^bb0(%t: !tile.tile<32x32, f32>, %unit: index):
        %d0 = arith.constant 0 : index
        %d8 = arith.constant 8 : index
        %d32 = arith.constant 32 : index
        tile.copy %t, dst[%d0] : !tile.tile<32x32, f32>
        tile.mask dst[%d0] rows %d32 cols %d8 fill -3.0e38
        %p = tile.pack dst[%d0] : !tile.tile<32x32, f32>
        grid.yield %p : !tile.tile<32x32, f32>
      }
      %forMax = tensor.insert %masked into %row[%c1] : tensor<2x!tile.tile<32x32, f32>>
      %t0 = tensor.extract %forMax[%c0] : tensor<2x!tile.tile<32x32, f32>>
      %start = grid.compute(%t0 : !tile.tile<32x32, f32>) at %u -> !tile.tile<32x32, f32> {
      ^bb0(%t: !tile.tile<32x32, f32>, %unit: index):
        %d0 = arith.constant 0 : index
        tile.reduce max dim 0 %t, dst[%d0] : !tile.tile<32x32, f32>
        %p = tile.pack dst[%d0] : !tile.tile<32x32, f32>
        grid.yield %p : !tile.tile<32x32, f32>
      }
      %acc = scf.for %j = %c1 to %c2 step %c1 iter_args(%a = %start) -> (!tile.tile<32x32, f32>) {
        %t = tensor.extract %forMax[%j] : tensor<2x!tile.tile<32x32, f32>>
        %n = grid.compute(%a, %t : !tile.tile<32x32, f32>, !tile.tile<32x32, f32>) at %u, %j -> !tile.tile<32x32, f32> {
        ^bb0(%va: !tile.tile<32x32, f32>, %vt: !tile.tile<32x32, f32>, %unit: index, %step: index):
          %d0 = arith.constant 0 : index
          tile.copy %va, dst[%d0] : !tile.tile<32x32, f32>
          tile.reduce max dim 0 %vt, dst[%d0] {accumulate} : !tile.tile<32x32, f32>
          %p = tile.pack dst[%d0] : !tile.tile<32x32, f32>
          grid.yield %p : !tile.tile<32x32, f32>
        }
        scf.yield %n : !tile.tile<32x32, f32>
      }
      %max = grid.compute(%acc : !tile.tile<32x32, f32>) at %u -> !tile.tile<32x32, f32> {
      ^bb0(%va: !tile.tile<32x32, f32>, %unit: index):
        %d0 = arith.constant 0 : index
        tile.copy %va, dst[%d0] : !tile.tile<32x32, f32>
        %p = tile.pack dst[%d0] : !tile.tile<32x32, f32>
        grid.yield %p : !tile.tile<32x32, f32>
      }
      %empty = tensor.empty() : tensor<2x!tile.tile<32x32, f32>>
      %exps = scf.for %j = %c0 to %c2 step %c1 iter_args(%filled = %empty) -> (tensor<2x!tile.tile<32x32, f32>>) {
        %t = tensor.extract %row[%j] : tensor<2x!tile.tile<32x32, f32>>
        %ex = grid.compute(%t, %max : !tile.tile<32x32, f32>, !tile.tile<32x32, f32>) at %u, %j -> !tile.tile<32x32, f32> {
        ^bb0(%vt: !tile.tile<32x32, f32>, %vm: !tile.tile<32x32, f32>, %unit: index, %step: index):
          %d0 = arith.constant 0 : index
          tile.binary sub bcast cols %vt, %vm, dst[%d0] : !tile.tile<32x32, f32>, !tile.tile<32x32, f32>
          tile.unary exp dst[%d0]
          %p = tile.pack dst[%d0] : !tile.tile<32x32, f32>
          grid.yield %p : !tile.tile<32x32, f32>
        }
        %next = tensor.insert %ex into %filled[%j] : tensor<2x!tile.tile<32x32, f32>>
        scf.yield %next : tensor<2x!tile.tile<32x32, f32>>
      }
      scf.for %j = %c0 to %c2 step %c1 {
        %t = tensor.extract %exps[%j] : tensor<2x!tile.tile<32x32, f32>>
        %y = grid.compute(%t, %max : !tile.tile<32x32, f32>, !tile.tile<32x32, f32>) at %u, %j -> !tile.tile<32x32, f32> {
        ^bb0(%vt: !tile.tile<32x32, f32>, %vm: !tile.tile<32x32, f32>, %unit: index, %step: index):
          %d0 = arith.constant 0 : index
          tile.binary mul bcast cols %vt, %vm, dst[%d0] : !tile.tile<32x32, f32>, !tile.tile<32x32, f32>
          %p = tile.pack dst[%d0] : !tile.tile<32x32, f32>
          grid.yield %p : !tile.tile<32x32, f32>
        }
        %k = affine.apply affine_map<(d0, d1) -> (d0 * 2 + d1)>(%u, %j)
        grid.store %y, %out[%k] map affine_map<(d0) -> (d0)> : !tile.tile<32x32, f32>, tensor<64x64xf32, #l>
      }
    }
  } -> tensor<64x64xf32, #l>
  return %r : tensor<64x64xf32, #l>
}

// -----

// A row loop's tiles go out from its last pass only.
#l = #grid.layout<tile 32x32, f32, dram, interleaved>
func.func @row_loop_store_between_passes(%x: tensor<32x64xf32, #l>) -> tensor<32x64xf32, #l> {
  %e = grid.empty : tensor<32x64xf32, #l>
  // expected-error @+1 {{no kernels for this tile loop: row loop: the pass that stores is the last}}
  %r = grid.dispatch "rows" on <(0, 0) to (0, 0)> ins(%x : tensor<32x64xf32, #l>) outs(%e : tensor<32x64xf32, #l>)
      attributes {dst_format = #tile<format f32>, fidelity = #tile<fidelity HiFi4>} {
  ^bb0(%in: tensor<32x64xf32, #l>, %out: tensor<32x64xf32, #l>):
    %core = grid.core_index linear
    %c0 = arith.constant 0 : index
    %c1 = arith.constant 1 : index
    %c2 = arith.constant 2 : index
    scf.for %i = %c0 to %c1 step %c1 {
      %u = affine.apply affine_map<(d0, d1) -> (d0 + d1)>(%core, %i)
      %row = grid.load_row %in[%u] map affine_map<(d0, d1) -> (d0 * 2 + d1)> : tensor<32x64xf32, #l> -> tensor<2x!tile.tile<32x32, f32>>
      %t0 = tensor.extract %row[%c0] : tensor<2x!tile.tile<32x32, f32>>
      %y = grid.compute(%t0 : !tile.tile<32x32, f32>) at %u -> !tile.tile<32x32, f32> {
      ^bb0(%t: !tile.tile<32x32, f32>, %unit: index):
        %d0 = arith.constant 0 : index
        tile.copy %t, dst[%d0] : !tile.tile<32x32, f32>
        %p = tile.pack dst[%d0] : !tile.tile<32x32, f32>
        grid.yield %p : !tile.tile<32x32, f32>
      }
      grid.store %y, %out[%u] map affine_map<(d0) -> (d0)> : !tile.tile<32x32, f32>, tensor<32x64xf32, #l>
      scf.for %j = %c0 to %c2 step %c1 {
        %t = tensor.extract %row[%j] : tensor<2x!tile.tile<32x32, f32>>
        %z = grid.compute(%t : !tile.tile<32x32, f32>) at %u, %j -> !tile.tile<32x32, f32> {
        ^bb0(%vt: !tile.tile<32x32, f32>, %unit: index, %step: index):
          %d0 = arith.constant 0 : index
          tile.copy %vt, dst[%d0] : !tile.tile<32x32, f32>
          %p = tile.pack dst[%d0] : !tile.tile<32x32, f32>
          grid.yield %p : !tile.tile<32x32, f32>
        }
        %k = affine.apply affine_map<(d0, d1) -> (d0 * 2 + d1)>(%u, %j)
        grid.store %z, %out[%k] map affine_map<(d0) -> (d0)> : !tile.tile<32x32, f32>, tensor<32x64xf32, #l>
      }
    }
  } -> tensor<32x64xf32, #l>
  return %r : tensor<32x64xf32, #l>
}

// -----

// The kernels hold a replacement for a loaded row's last tile only.
#l = #grid.layout<tile 32x32, f32, dram, interleaved>
func.func @row_loop_replaces_first(%x: tensor<32x64xf32, #l>) -> tensor<32x64xf32, #l> {
  %e = grid.empty : tensor<32x64xf32, #l>
  // expected-error @+1 {{no kernels for this tile loop: row loop: a tile computed between passes replaces the last of a loaded row}}
  %r = grid.dispatch "rows" on <(0, 0) to (0, 0)> ins(%x : tensor<32x64xf32, #l>) outs(%e : tensor<32x64xf32, #l>)
      attributes {dst_format = #tile<format f32>, fidelity = #tile<fidelity HiFi4>} {
  ^bb0(%in: tensor<32x64xf32, #l>, %out: tensor<32x64xf32, #l>):
    %core = grid.core_index linear
    %c0 = arith.constant 0 : index
    %c1 = arith.constant 1 : index
    %c2 = arith.constant 2 : index
    scf.for %i = %c0 to %c1 step %c1 {
      %u = affine.apply affine_map<(d0, d1) -> (d0 + d1)>(%core, %i)
      %row = grid.load_row %in[%u] map affine_map<(d0, d1) -> (d0 * 2 + d1)> : tensor<32x64xf32, #l> -> tensor<2x!tile.tile<32x32, f32>>
      %t0 = tensor.extract %row[%c0] : tensor<2x!tile.tile<32x32, f32>>
      %m = grid.compute(%t0 : !tile.tile<32x32, f32>) at %u -> !tile.tile<32x32, f32> {
      ^bb0(%t: !tile.tile<32x32, f32>, %unit: index):
        %d0 = arith.constant 0 : index
        tile.copy %t, dst[%d0] : !tile.tile<32x32, f32>
        %p = tile.pack dst[%d0] : !tile.tile<32x32, f32>
        grid.yield %p : !tile.tile<32x32, f32>
      }
      %replaced = tensor.insert %m into %row[%c0] : tensor<2x!tile.tile<32x32, f32>>
      scf.for %j = %c0 to %c2 step %c1 {
        %t = tensor.extract %replaced[%j] : tensor<2x!tile.tile<32x32, f32>>
        %y = grid.compute(%t : !tile.tile<32x32, f32>) at %u, %j -> !tile.tile<32x32, f32> {
        ^bb0(%vt: !tile.tile<32x32, f32>, %unit: index, %step: index):
          %d0 = arith.constant 0 : index
          tile.copy %vt, dst[%d0] : !tile.tile<32x32, f32>
          %p = tile.pack dst[%d0] : !tile.tile<32x32, f32>
          grid.yield %p : !tile.tile<32x32, f32>
        }
        %k = affine.apply affine_map<(d0, d1) -> (d0 * 2 + d1)>(%u, %j)
        grid.store %y, %out[%k] map affine_map<(d0) -> (d0)> : !tile.tile<32x32, f32>, tensor<32x64xf32, #l>
      }
    }
  } -> tensor<32x64xf32, #l>
  return %r : tensor<32x64xf32, #l>
}

// -----

// A pass reads a row's tiles at slots its step gives: not at one the unit picks.
#l = #grid.layout<tile 32x32, f32, dram, interleaved>
func.func @row_loop_shifted_read(%x: tensor<32x96xf32, #l>) -> tensor<32x64xf32, #l> {
  %e = grid.empty : tensor<32x64xf32, #l>
  // expected-error @+1 {{no kernels for this tile loop: row loop: a pass takes tile j of a row at its step j}}
  %r = grid.dispatch "rows" on <(0, 0) to (0, 0)> ins(%x : tensor<32x96xf32, #l>) outs(%e : tensor<32x64xf32, #l>)
      attributes {dst_format = #tile<format f32>, fidelity = #tile<fidelity HiFi4>} {
  ^bb0(%in: tensor<32x96xf32, #l>, %out: tensor<32x64xf32, #l>):
    %core = grid.core_index linear
    %c0 = arith.constant 0 : index
    %c1 = arith.constant 1 : index
    %c2 = arith.constant 2 : index
    scf.for %i = %c0 to %c1 step %c1 {
      %u = affine.apply affine_map<(d0, d1) -> (d0 + d1)>(%core, %i)
      %row = grid.load_row %in[%u] map affine_map<(d0, d1) -> (d0 * 3 + d1)> : tensor<32x96xf32, #l> -> tensor<3x!tile.tile<32x32, f32>>
      scf.for %j = %c0 to %c2 step %c1 {
        %j1 = affine.apply affine_map<(d0, d1) -> (d0 + d1)>(%j, %u)
        %t = tensor.extract %row[%j1] : tensor<3x!tile.tile<32x32, f32>>
        %y = grid.compute(%t : !tile.tile<32x32, f32>) at %u, %j -> !tile.tile<32x32, f32> {
        ^bb0(%vt: !tile.tile<32x32, f32>, %unit: index, %step: index):
          %d0 = arith.constant 0 : index
          tile.copy %vt, dst[%d0] : !tile.tile<32x32, f32>
          %p = tile.pack dst[%d0] : !tile.tile<32x32, f32>
          grid.yield %p : !tile.tile<32x32, f32>
        }
        %k = affine.apply affine_map<(d0, d1) -> (d0 * 2 + d1)>(%u, %j)
        grid.store %y, %out[%k] map affine_map<(d0) -> (d0)> : !tile.tile<32x32, f32>, tensor<32x64xf32, #l>
      }
    }
  } -> tensor<32x64xf32, #l>
  return %r : tensor<32x64xf32, #l>
}

// -----

// The row loop's math reads the tiles its kernels hold: a tile loaded apart from the unit's rows
// has no buffer there.
#l = #grid.layout<tile 32x32, f32, dram, interleaved>
func.func @row_loop_tile_not_held(%x: tensor<32x64xf32, #l>, %b: tensor<32x32xf32, #l>) -> tensor<32x64xf32, #l> {
  %e = grid.empty : tensor<32x64xf32, #l>
  // expected-error @+1 {{no kernels for this tile loop: row loop: the math takes tiles of the unit's rows, tiles computed between passes, and a reduction's accumulator only}}
  %r = grid.dispatch "rows" on <(0, 0) to (0, 0)> ins(%x, %b : tensor<32x64xf32, #l>, tensor<32x32xf32, #l>) outs(%e : tensor<32x64xf32, #l>)
      attributes {dst_format = #tile<format f32>, fidelity = #tile<fidelity HiFi4>} {
  ^bb0(%in: tensor<32x64xf32, #l>, %bias: tensor<32x32xf32, #l>, %out: tensor<32x64xf32, #l>):
    %core = grid.core_index linear
    %c0 = arith.constant 0 : index
    %c1 = arith.constant 1 : index
    %c2 = arith.constant 2 : index
    scf.for %i = %c0 to %c1 step %c1 {
      %u = affine.apply affine_map<(d0, d1) -> (d0 + d1)>(%core, %i)
      %row = grid.load_row %in[%u] map affine_map<(d0, d1) -> (d0 * 2 + d1)> : tensor<32x64xf32, #l> -> tensor<2x!tile.tile<32x32, f32>>
      %tb = grid.load %bias[%u] map affine_map<(d0) -> (d0)> : tensor<32x32xf32, #l> -> !tile.tile<32x32, f32>
      scf.for %j = %c0 to %c2 step %c1 {
        %t = tensor.extract %row[%j] : tensor<2x!tile.tile<32x32, f32>>
        %y = grid.compute(%t, %tb : !tile.tile<32x32, f32>, !tile.tile<32x32, f32>) at %u, %j -> !tile.tile<32x32, f32> {
        ^bb0(%vt: !tile.tile<32x32, f32>, %vb: !tile.tile<32x32, f32>, %unit: index, %step: index):
          %d0 = arith.constant 0 : index
          tile.binary add bcast none %vt, %vb, dst[%d0] : !tile.tile<32x32, f32>, !tile.tile<32x32, f32>
          %p = tile.pack dst[%d0] : !tile.tile<32x32, f32>
          grid.yield %p : !tile.tile<32x32, f32>
        }
        %k = affine.apply affine_map<(d0, d1) -> (d0 * 2 + d1)>(%u, %j)
        grid.store %y, %out[%k] map affine_map<(d0) -> (d0)> : !tile.tile<32x32, f32>, tensor<32x64xf32, #l>
      }
    }
  } -> tensor<32x64xf32, #l>
  return %r : tensor<32x64xf32, #l>
}

// -----

// A pass that fills a row and folds each new tile into an accumulator at once: the kernels
// keep the accumulator in Dst and the new tile where its math left it, so the step must copy
// the tile into Dst[1] first; here the step reduces the packed tile itself, which its kernels
// could only read once the row's tiles are all published.
#l = #grid.layout<tile 32x32, f32, dram, interleaved>
func.func @row_loop_fold_from_buffer(%x: tensor<32x64xf32, #l>) -> tensor<32x64xf32, #l> {
  %e = grid.empty : tensor<32x64xf32, #l>
  // expected-error @+1 {{no kernels for this tile loop: row loop: a pass that fills a row and folds into an accumulator takes each new tile from Dst[0] into Dst[1] right after the accumulator}}
  %r = grid.dispatch "rows" on <(0, 0) to (0, 0)> ins(%x : tensor<32x64xf32, #l>) outs(%e : tensor<32x64xf32, #l>)
      attributes {dst_format = #tile<format f32>, fidelity = #tile<fidelity HiFi4>} {
  ^bb0(%in: tensor<32x64xf32, #l>, %out: tensor<32x64xf32, #l>):
    %core = grid.core_index linear
    %c0 = arith.constant 0 : index
    %c1 = arith.constant 1 : index
    %c2 = arith.constant 2 : index
    scf.for %i = %c0 to %c1 step %c1 {
      %u = affine.apply affine_map<(d0, d1) -> (d0 + d1)>(%core, %i)
      %row = grid.load_row %in[%u] map affine_map<(d0, d1) -> (d0 * 2 + d1)> : tensor<32x64xf32, #l> -> tensor<2x!tile.tile<32x32, f32>>
      %zero = grid.compute() at %u -> !tile.tile<32x32, f32> {
      ^bb0(%unit: index):
        %d0 = arith.constant 0 : index
        %p = tile.pack dst[%d0] : !tile.tile<32x32, f32>
        grid.yield %p : !tile.tile<32x32, f32>
      }
      %empty = tensor.empty() : tensor<2x!tile.tile<32x32, f32>>
      %both:2 = scf.for %j = %c0 to %c2 step %c1 iter_args(%filled = %empty, %a = %zero) -> (tensor<2x!tile.tile<32x32, f32>>, !tile.tile<32x32, f32>) {
        %t = tensor.extract %row[%j] : tensor<2x!tile.tile<32x32, f32>>
        %n = grid.compute(%t : !tile.tile<32x32, f32>) at %u, %j -> !tile.tile<32x32, f32> {
        ^bb0(%vt: !tile.tile<32x32, f32>, %unit: index, %step: index):
          %d0 = arith.constant 0 : index
          tile.copy %vt, dst[%d0] : !tile.tile<32x32, f32>
          tile.unary exp dst[%d0]
          %p = tile.pack dst[%d0] : !tile.tile<32x32, f32>
          grid.yield %p : !tile.tile<32x32, f32>
        }
        %s = grid.compute(%a, %n : !tile.tile<32x32, f32>, !tile.tile<32x32, f32>) at %u, %j -> !tile.tile<32x32, f32> {
        ^bb0(%va: !tile.tile<32x32, f32>, %vn: !tile.tile<32x32, f32>, %unit: index, %step: index):
          %d0 = arith.constant 0 : index
          tile.copy %va, dst[%d0] : !tile.tile<32x32, f32>
          tile.reduce sum dim 0 %vn, dst[%d0] {accumulate} : !tile.tile<32x32, f32>
          %p = tile.pack dst[%d0] : !tile.tile<32x32, f32>
          grid.yield %p : !tile.tile<32x32, f32>
        }
        %next = tensor.insert %n into %filled[%j] : tensor<2x!tile.tile<32x32, f32>>
        scf.yield %next, %s : tensor<2x!tile.tile<32x32, f32>>, !tile.tile<32x32, f32>
      }
      %sum = grid.compute(%both#1 : !tile.tile<32x32, f32>) at %u -> !tile.tile<32x32, f32> {
      ^bb0(%va: !tile.tile<32x32, f32>, %unit: index):
        %d0 = arith.constant 0 : index
        tile.copy %va, dst[%d0] : !tile.tile<32x32, f32>
        %p = tile.pack dst[%d0] : !tile.tile<32x32, f32>
        grid.yield %p : !tile.tile<32x32, f32>
      }
      scf.for %j = %c0 to %c2 step %c1 {
        %t = tensor.extract %both#0[%j] : tensor<2x!tile.tile<32x32, f32>>
        %y = grid.compute(%t, %sum : !tile.tile<32x32, f32>, !tile.tile<32x32, f32>) at %u, %j -> !tile.tile<32x32, f32> {
        ^bb0(%vt: !tile.tile<32x32, f32>, %vs: !tile.tile<32x32, f32>, %unit: index, %step: index):
          %d0 = arith.constant 0 : index
          tile.binary mul bcast cols %vt, %vs, dst[%d0] : !tile.tile<32x32, f32>, !tile.tile<32x32, f32>
          %p = tile.pack dst[%d0] : !tile.tile<32x32, f32>
          grid.yield %p : !tile.tile<32x32, f32>
        }
        %k = affine.apply affine_map<(d0, d1) -> (d0 * 2 + d1)>(%u, %j)
        grid.store %y, %out[%k] map affine_map<(d0) -> (d0)> : !tile.tile<32x32, f32>, tensor<32x64xf32, #l>
      }
    }
  } -> tensor<32x64xf32, #l>
  return %r : tensor<32x64xf32, #l>
}
