// RUN: tt-opt %s -split-input-file | tt-opt -split-input-file --mlir-print-local-scope | FileCheck %s
// RUN: tt-opt %s -split-input-file --mlir-print-op-generic | tt-opt -split-input-file --mlir-print-local-scope | FileCheck %s

// CHECK-LABEL: module attributes {grid.chip = #grid.chip<"wormhole_b0", grid = [8, 8], l1 = 1499136>}
module attributes {grid.chip = #grid.chip<"wormhole_b0", grid = [8, 8], l1 = 1499136>} {
  // CHECK-LABEL: func.func @layouts
  // CHECK-SAME: tensor<32x1024xf32, #grid.layout<tile 32x32, bf16, dram, interleaved>>
  // CHECK-SAME: tensor<32x1024xf32, #grid.layout<tile 32x32, f32, l1, interleaved>>
  // CHECK-SAME: tensor<256x1024xf32, #grid.layout<tile 32x32, bf16, l1, height_sharded, shard 1x32, cores <(0, 0) to{{ ?}}(7, 0)>>>
  // CHECK-SAME: tensor<64x512xf32, #grid.layout<tile 32x32, bfp8_b, l1, width_sharded, shard 2x2, cores <(0, 0) to{{ ?}}(7, 0)>>>
  // CHECK-SAME: tensor<256x256xf32, #grid.layout<tile 32x32, bfp4_b, l1, block_sharded, shard 2x2, cores <(0, 0) to{{ ?}}(3, 3)>>>
  // CHECK-SAME: tensor<32x32xi32, #grid.layout<tile 32x32, int32, dram, interleaved>>
  // CHECK-SAME: tensor<32x32xf32, #grid.layout<tile 32x32, bfp2_b, dram, interleaved>>
  func.func @layouts(
      %a: tensor<32x1024xf32, #grid.layout<tile 32x32, bf16, dram, interleaved>>,
      %b: tensor<32x1024xf32, #grid.layout<tile 32x32, f32, l1, interleaved>>,
      %c: tensor<256x1024xf32, #grid.layout<tile 32x32, bf16, l1, height_sharded, shard 1x32, cores <(0, 0) to (7, 0)>>>,
      %d: tensor<64x512xf32, #grid.layout<tile 32x32, bfp8_b, l1, width_sharded, shard 2x2, cores <(0, 0) to (7, 0)>>>,
      %e: tensor<256x256xf32, #grid.layout<tile 32x32, bfp4_b, l1, block_sharded, shard 2x2, cores <(0, 0) to (3, 3)>>>,
      %f: tensor<32x32xi32, #grid.layout<tile 32x32, int32, dram, interleaved>>,
      %g: tensor<32x32xf32, #grid.layout<tile 32x32, "bfp2_b", "dram", "interleaved">>) {
    return
  }

  // CHECK-LABEL: func.func @empty
  func.func @empty() -> (tensor<32x64xf32, #grid.layout<tile 32x32, f32, dram, interleaved>>, tensor<32x64xf32, #grid.layout<tile 32x32, f32, dram, interleaved>>) {
    // CHECK: grid.empty : tensor<32x64xf32, #grid.layout<tile 32x32, f32, dram, interleaved>>
    %0 = grid.empty : tensor<32x64xf32, #grid.layout<tile 32x32, f32, dram, interleaved>>
    // CHECK: grid.empty {address = 4096 : i64} : tensor<32x64xf32, #grid.layout<tile 32x32, f32, dram, interleaved>>
    %1 = grid.empty {address = 4096 : i64} : tensor<32x64xf32, #grid.layout<tile 32x32, f32, dram, interleaved>>
    return %0, %1 : tensor<32x64xf32, #grid.layout<tile 32x32, f32, dram, interleaved>>, tensor<32x64xf32, #grid.layout<tile 32x32, f32, dram, interleaved>>
  }

  // CHECK-LABEL: func.func @attrs
  // CHECK-SAME: cores = #grid.core_range<(0, 0) to{{ ?}}(7, 3)>
  // CHECK-SAME: other = #grid.chip<"grayskull_e150", grid = [12, 9], l1 = 1048576>
  // CHECK-SAME: single = #grid.core_range<(2, 5) to{{ ?}}(2, 5)>
  // CHECK-SAME: with_figures = #grid.chip<"tiny", grid = [2, 2], l1 = 65536, {clock_mhz = 1000 : i64, dram_channels = 2 : i64}>
  func.func @attrs() attributes {cores = #grid.core_range<(0, 0) to (7, 3)>,
                                 with_figures = #grid.chip<"tiny", grid = [2, 2], l1 = 65536, {dram_channels = 2 : i64, clock_mhz = 1000 : i64}>,
                                 single = #grid.core_range<(2, 5) to (2, 5)>,
                                 other = #grid.chip<"grayskull_e150", grid = [12, 9], l1 = 1048576>} {
    return
  }
}

// -----

#l = #grid.layout<tile 32x32, f32, dram, interleaved>
// CHECK-LABEL: func.func @relu_dispatch
func.func @relu_dispatch(%x: tensor<64x64xf32, #l>) -> tensor<64x64xf32, #l> {
  // CHECK: %[[E:.*]] = grid.empty : tensor<64x64xf32, #grid.layout<tile 32x32, f32, dram, interleaved>>
  %e = grid.empty : tensor<64x64xf32, #l>
  // CHECK: %{{.*}} = grid.dispatch "relu" on <(0, 0) to{{ ?}}(3, 0)> ins(%{{.*}} : tensor<64x64xf32, #grid.layout<tile 32x32, f32, dram, interleaved>>) outs(%[[E]] : tensor<64x64xf32, #grid.layout<tile 32x32, f32, dram, interleaved>>) attributes {dst_format = #tile<format f32>, fidelity = #tile<fidelity HiFi4>} {
  %y = grid.dispatch "relu" on <(0, 0) to (3, 0)> ins(%x : tensor<64x64xf32, #l>) outs(%e : tensor<64x64xf32, #l>)
      attributes {dst_format = #tile<format f32>, fidelity = #tile<fidelity HiFi4>} {
  // CHECK-NEXT: ^bb0(%[[IN:.*]]: tensor<64x64xf32, {{.*}}>, %[[OUT:.*]]: tensor<64x64xf32, {{.*}}>):
  ^bb0(%in: tensor<64x64xf32, #l>, %out: tensor<64x64xf32, #l>):
    // CHECK: %[[CB0:.*]] = noc.cb 0 : !noc.cb<!tile.tile<32x32, f32>, 2>
    %cb0 = noc.cb 0 : !noc.cb<!tile.tile<32x32, f32>, 2>
    // CHECK: %[[CB1:.*]] = noc.cb 1 {l1_address = 131072 : i64} : !noc.cb<!tile.tile<32x32, f32>, 2>
    %cb1 = noc.cb 1 {l1_address = 131072 : i64} : !noc.cb<!tile.tile<32x32, f32>, 2>
    // CHECK: noc.kernel reader {
    noc.kernel reader {
      // CHECK: %[[ID:.*]] = grid.core_index linear
      %id = grid.core_index linear
      %c0 = arith.constant 0 : index
      // CHECK: noc.cb_reserve %[[CB0]], 1 : !noc.cb<!tile.tile<32x32, f32>, 2>
      noc.cb_reserve %cb0, 1 : !noc.cb<!tile.tile<32x32, f32>, 2>
      // CHECK: noc.read %[[IN]][%[[ID]]] into %[[CB0]][%{{.*}}] : tensor<64x64xf32, {{.*}}>, !noc.cb<!tile.tile<32x32, f32>, 2>
      noc.read %in[%id] into %cb0[%c0] : tensor<64x64xf32, #l>, !noc.cb<!tile.tile<32x32, f32>, 2>
      // CHECK: noc.barrier
      noc.barrier
      // CHECK: noc.cb_push %[[CB0]], 1
      noc.cb_push %cb0, 1 : !noc.cb<!tile.tile<32x32, f32>, 2>
    }
    // CHECK: noc.kernel compute {
    noc.kernel compute {
      %c0 = arith.constant 0 : index
      // CHECK: noc.cb_wait %[[CB0]], 1
      noc.cb_wait %cb0, 1 : !noc.cb<!tile.tile<32x32, f32>, 2>
      // CHECK: %[[T:.*]] = noc.cb_get %[[CB0]][%{{.*}}] : !noc.cb<!tile.tile<32x32, f32>, 2> -> !tile.tile<32x32, f32>
      %t = noc.cb_get %cb0[%c0] : !noc.cb<!tile.tile<32x32, f32>, 2> -> !tile.tile<32x32, f32>
      // CHECK: tile.acquire_dst
      tile.acquire_dst
      // CHECK: tile.copy %[[T]], dst[%{{.*}}] : !tile.tile<32x32, f32>
      tile.copy %t, dst[%c0] : !tile.tile<32x32, f32>
      // CHECK: tile.unary relu dst[%{{.*}}]
      tile.unary relu dst[%c0]
      // CHECK: noc.cb_reserve %[[CB1]], 1
      noc.cb_reserve %cb1, 1 : !noc.cb<!tile.tile<32x32, f32>, 2>
      // CHECK: %[[P:.*]] = tile.pack dst[%{{.*}}] : !tile.tile<32x32, f32>
      %p = tile.pack dst[%c0] : !tile.tile<32x32, f32>
      // CHECK: noc.cb_put %[[P]], %[[CB1]][%{{.*}}] : !tile.tile<32x32, f32>, !noc.cb<!tile.tile<32x32, f32>, 2>
      noc.cb_put %p, %cb1[%c0] : !tile.tile<32x32, f32>, !noc.cb<!tile.tile<32x32, f32>, 2>
      // CHECK: noc.cb_push %[[CB1]], 1
      noc.cb_push %cb1, 1 : !noc.cb<!tile.tile<32x32, f32>, 2>
      // CHECK: tile.release_dst
      tile.release_dst
      // CHECK: noc.cb_pop %[[CB0]], 1
      noc.cb_pop %cb0, 1 : !noc.cb<!tile.tile<32x32, f32>, 2>
    }
    // CHECK: noc.kernel writer {
    noc.kernel writer {
      %id = grid.core_index linear
      %c0 = arith.constant 0 : index
      noc.cb_wait %cb1, 1 : !noc.cb<!tile.tile<32x32, f32>, 2>
      // CHECK: noc.write %[[CB1]][%{{.*}}] into %[[OUT]][%{{.*}}] : !noc.cb<!tile.tile<32x32, f32>, 2>, tensor<64x64xf32, {{.*}}>
      noc.write %cb1[%c0] into %out[%id] : !noc.cb<!tile.tile<32x32, f32>, 2>, tensor<64x64xf32, #l>
      // CHECK: noc.flush
      noc.flush
      noc.cb_pop %cb1, 1 : !noc.cb<!tile.tile<32x32, f32>, 2>
    }
  // CHECK: } -> tensor<64x64xf32, #grid.layout<tile 32x32, f32, dram, interleaved>>
  } -> tensor<64x64xf32, #l>
  return %y : tensor<64x64xf32, #l>
}

// -----

#l = #grid.layout<tile 32x32, bf16, dram, interleaved>
// CHECK-LABEL: func.func @matmul_dispatch
func.func @matmul_dispatch(%a: tensor<32x64xf32, #l>, %b: tensor<64x32xf32, #l>) -> tensor<32x32xf32, #l> {
  %e = grid.empty {address = 8192 : i64} : tensor<32x32xf32, #l>
  // Non-default macs, LoFi fidelity and a bf16 Dst; a multi-core range.
  // CHECK: grid.dispatch "matmul" on <(0, 0) to{{ ?}}(1, 1)> ins(%{{.*}}, %{{.*}} : tensor<32x64xf32, {{.*}}>, tensor<64x32xf32, {{.*}}>) outs(%{{.*}} : tensor<32x32xf32, {{.*}}>)
  // CHECK-SAME: attributes {dst_format = #tile<format bf16>, fidelity = #tile<fidelity LoFi>, macs = 65536 : i64}
  %y = grid.dispatch "matmul" on <(0, 0) to (1, 1)> ins(%a, %b : tensor<32x64xf32, #l>, tensor<64x32xf32, #l>)
      outs(%e : tensor<32x32xf32, #l>)
      attributes {dst_format = #tile<format bf16>, fidelity = #tile<fidelity LoFi>, macs = 65536 : i64} {
  ^bb0(%in0: tensor<32x64xf32, #l>, %in1: tensor<64x32xf32, #l>, %out: tensor<32x32xf32, #l>):
    %cba = noc.cb 0 : !noc.cb<!tile.tile<32x32, bf16>, 4>
    %cbb = noc.cb 1 : !noc.cb<!tile.tile<32x32, bf16>, 4>
    noc.kernel compute {
      %c0 = arith.constant 0 : index
      %c1 = arith.constant 1 : index
      // CHECK: grid.core_index x
      %x = grid.core_index x
      // CHECK: grid.core_index y
      %y = grid.core_index y
      // CHECK: grid.core_index count
      %n = grid.core_index count
      noc.cb_wait %cba, 2 : !noc.cb<!tile.tile<32x32, bf16>, 4>
      %ta = noc.cb_get %cba[%c0] : !noc.cb<!tile.tile<32x32, bf16>, 4> -> !tile.tile<32x32, bf16>
      %tb = noc.cb_get %cbb[%c1] : !noc.cb<!tile.tile<32x32, bf16>, 4> -> !tile.tile<32x32, bf16>
      // CHECK: tile.matmul %{{.*}}, %{{.*}}, dst[%{{.*}}] : !tile.tile<32x32, bf16>, !tile.tile<32x32, bf16>
      tile.matmul %ta, %tb, dst[%c0] : !tile.tile<32x32, bf16>, !tile.tile<32x32, bf16>
    }
  } -> tensor<32x32xf32, #l>
  return %y : tensor<32x32xf32, #l>
}

// -----

#l = #grid.layout<tile 32x32, f32, dram, interleaved>
// A dispatch without inputs and with two outputs.
// CHECK-LABEL: func.func @no_inputs
func.func @no_inputs() -> (tensor<32x32xf32, #l>, tensor<32x32xf32, #l>) {
  %e0 = grid.empty : tensor<32x32xf32, #l>
  %e1 = grid.empty : tensor<32x32xf32, #l>
  // CHECK: %{{.*}}:2 = grid.dispatch "fill" on <(0, 0) to{{ ?}}(0, 0)> outs(%{{.*}}, %{{.*}} : tensor<32x32xf32, {{.*}}>, tensor<32x32xf32, {{.*}}>) attributes
  // CHECK-NOT: ins(
  // CHECK: } -> tensor<32x32xf32, {{.*}}>, tensor<32x32xf32, {{.*}}>{{$}}
  %r:2 = grid.dispatch "fill" on <(0, 0) to (0, 0)> outs(%e0, %e1 : tensor<32x32xf32, #l>, tensor<32x32xf32, #l>)
      attributes {dst_format = #tile<format f32>, fidelity = #tile<fidelity HiFi2>} {
  ^bb0(%o0: tensor<32x32xf32, #l>, %o1: tensor<32x32xf32, #l>):
  } -> tensor<32x32xf32, #l>, tensor<32x32xf32, #l>
  return %r#0, %r#1 : tensor<32x32xf32, #l>, tensor<32x32xf32, #l>
}

// -----

// The estimate is optional and printed only when set.
// CHECK-LABEL: func.func @matmul_configs
// CHECK-SAME: a = #grid.matmul_config<grid = [8, 8], cores = [8, 8], block = [8, 8], subblock = [1, 8], k_chunk = 16, cycles = 293802>
// CHECK-SAME: b = #grid.matmul_config<grid = [1, 32], cores = [8, 4], block = [1, 1], subblock = [1, 1], k_chunk = 8>
// Multicast is the default; unicast is printed.
// CHECK-SAME: c = #grid.matmul_config<grid = [1, 32], cores = [8, 4], block = [1, 1], subblock = [1, 1], k_chunk = 8>
// CHECK-SAME: d = #grid.matmul_config<grid = [16, 1], cores = [8, 2], block = [1, 2], subblock = [1, 2], k_chunk = 4, operands = unicast, cycles = 12>
// The lhs read as a tensor is the default; a gathered one is printed.
// CHECK-SAME: e = #grid.matmul_config<grid = [1, 2], cores = [2, 1], block = [1, 1], subblock = [1, 1], k_chunk = 1>
// CHECK-SAME: f = #grid.matmul_config<grid = [2, 1], cores = [2, 1], block = [1, 1], subblock = [1, 1], k_chunk = 1, operands = unicast, lhs = gather>
// One group is the default; more are printed.
// CHECK-SAME: g = #grid.matmul_config<grid = [1, 16], cores = [8, 2], block = [2, 1], subblock = [1, 1], k_chunk = 8, groups = 2, lhs = gather>
// CHECK-SAME: h = #grid.matmul_config<grid = [1, 2], cores = [2, 1], block = [1, 1], subblock = [1, 1], k_chunk = 1>
// A dense rhs is the default; the tiles stored of one whose zero tiles are skipped are printed.
// CHECK-SAME: i = #grid.matmul_config<grid = [8, 8], cores = [8, 8], block = [8, 8], subblock = [8, 1], k_chunk = 16, rhs_stored_tiles = 8264, cycles = 1289658>
// CHECK-SAME: j = #grid.matmul_config<grid = [1, 2], cores = [2, 1], block = [1, 1], subblock = [1, 1], k_chunk = 1>
// Writes as the last chunk finishes a block are the default; deferred ones are printed.
// CHECK-SAME: k = #grid.matmul_config<grid = [8, 8], cores = [8, 8], block = [8, 8], subblock = [8, 1], k_chunk = 16, writes = deferred>
// CHECK-SAME: l = #grid.matmul_config<grid = [1, 2], cores = [2, 1], block = [1, 1], subblock = [1, 1], k_chunk = 1>
// Zero lhs tiles multiplied are the default; skipped ones are printed.
// CHECK-SAME: m = #grid.matmul_config<grid = [8, 8], cores = [8, 8], block = [2, 4], subblock = [1, 2], k_chunk = 8, lhs_zero_tiles = skipped>
// CHECK-SAME: n = #grid.matmul_config<grid = [1, 2], cores = [2, 1], block = [1, 1], subblock = [1, 1], k_chunk = 1>
// Leading K chunks are printed after k_chunk, wherever they are given.
// CHECK-SAME: o = #grid.matmul_config<grid = [8, 8], cores = [8, 8], block = [8, 8], subblock = [1, 1], k_chunk = 36, k_lead = [2, 6, 20], cycles = 84000>
func.func @matmul_configs() attributes {
    a = #grid.matmul_config<grid = [8, 8], cores = [8, 8], block = [8, 8], subblock = [1, 8], k_chunk = 16, cycles = 293802>,
    b = #grid.matmul_config<grid = [1, 32], cores = [8, 4], block = [1, 1], subblock = [1, 1], k_chunk = 8>,
    c = #grid.matmul_config<grid = [1, 32], cores = [8, 4], block = [1, 1], subblock = [1, 1], k_chunk = 8, operands = multicast>,
    d = #grid.matmul_config<grid = [16, 1], cores = [8, 2], block = [1, 2], subblock = [1, 2], k_chunk = 4, operands = unicast, cycles = 12>,
    e = #grid.matmul_config<grid = [1, 2], cores = [2, 1], block = [1, 1], subblock = [1, 1], k_chunk = 1, lhs = tensor>,
    f = #grid.matmul_config<grid = [2, 1], cores = [2, 1], block = [1, 1], subblock = [1, 1], k_chunk = 1, operands = unicast, lhs = gather>,
    g = #grid.matmul_config<grid = [1, 16], cores = [8, 2], block = [2, 1], subblock = [1, 1], k_chunk = 8, lhs = gather, groups = 2>,
    h = #grid.matmul_config<grid = [1, 2], cores = [2, 1], block = [1, 1], subblock = [1, 1], k_chunk = 1, groups = 1>,
    i = #grid.matmul_config<grid = [8, 8], cores = [8, 8], block = [8, 8], subblock = [8, 1], k_chunk = 16, cycles = 1289658, rhs_stored_tiles = 8264>,
    j = #grid.matmul_config<grid = [1, 2], cores = [2, 1], block = [1, 1], subblock = [1, 1], k_chunk = 1, rhs_stored_tiles = 0>,
    k = #grid.matmul_config<grid = [8, 8], cores = [8, 8], block = [8, 8], subblock = [8, 1], k_chunk = 16, writes = deferred>,
    l = #grid.matmul_config<grid = [1, 2], cores = [2, 1], block = [1, 1], subblock = [1, 1], k_chunk = 1, writes = at_end>,
    m = #grid.matmul_config<grid = [8, 8], cores = [8, 8], block = [2, 4], subblock = [1, 2], k_chunk = 8, lhs_zero_tiles = skipped>,
    n = #grid.matmul_config<grid = [1, 2], cores = [2, 1], block = [1, 1], subblock = [1, 1], k_chunk = 1, lhs_zero_tiles = multiplied>,
    o = #grid.matmul_config<grid = [8, 8], cores = [8, 8], block = [8, 8], subblock = [1, 1], k_chunk = 36, cycles = 84000, k_lead = [2, 6, 20]>} {
  return
}

// -----

// A dispatch in tile loop form: each unit loads tiles, computes one through Dst and stores it.
#l = #grid.layout<tile 32x32, f32, dram, interleaved>
#row = #grid.layout<tile 32x32, bf16, dram, interleaved>
// CHECK-LABEL: func.func @tile_loop
func.func @tile_loop(%x: tensor<64x64xf32, #l>, %y: tensor<1x64xf32, #row>) -> tensor<64x64xf32, #l> {
  %e = grid.empty : tensor<64x64xf32, #l>
  %r = grid.dispatch "add" on <(0, 0) to (3, 0)> ins(%x, %y : tensor<64x64xf32, #l>, tensor<1x64xf32, #row>) outs(%e : tensor<64x64xf32, #l>)
      attributes {dst_format = #tile<format f32>, fidelity = #tile<fidelity HiFi4>} {
  // CHECK: ^bb0(%[[X:.*]]: tensor<64x64xf32, {{.*}}>, %[[Y:.*]]: tensor<1x64xf32, {{.*}}>, %[[OUT:.*]]: tensor<64x64xf32, {{.*}}>):
  ^bb0(%a: tensor<64x64xf32, #l>, %b: tensor<1x64xf32, #row>, %out: tensor<64x64xf32, #l>):
    %core = grid.core_index linear
    %c0 = arith.constant 0 : index
    %c1 = arith.constant 1 : index
    scf.for %i = %c0 to %c1 step %c1 {
      // CHECK: %[[U:.*]] = affine.apply
      %u = affine.apply affine_map<(d0, d1) -> (d0 + d1)>(%core, %i)
      // CHECK: %[[A:.*]] = grid.load %[[X]][%[[U]]] map affine_map<(d0) -> (d0)> : tensor<64x64xf32, {{.*}}> -> !tile.tile<32x32, f32>
      %ta = grid.load %a[%u] map affine_map<(d0) -> (d0)> : tensor<64x64xf32, #l> -> !tile.tile<32x32, f32>
      // CHECK: %[[B:.*]] = grid.load %[[Y]][%[[U]]] map affine_map<(d0) -> (d0 mod 2)> : tensor<1x64xf32, {{.*}}> -> !tile.tile<32x32, bf16>
      %tb = grid.load %b[%u] map affine_map<(d0) -> (d0 mod 2)> : tensor<1x64xf32, #row> -> !tile.tile<32x32, bf16>
      // CHECK: grid.gather %[[X]][%[[U]]] map affine_map<(d0, d1, d2) -> (d0 floordiv 2, d1 * 32 + d2, 0)> run 8 columns 16 fill 1.000000e+00 : tensor<64x64xf32, {{.*}}> -> !tile.tile<32x32, f32>
      %tg = grid.gather %a[%u] map affine_map<(d0, d1, d2) -> (d0 floordiv 2, d1 * 32 + d2, 0)> run 8 columns 16 fill 1.0 : tensor<64x64xf32, #l> -> !tile.tile<32x32, f32>
      // CHECK: grid.load_one_of %[[X]], %[[X]][%[[U]]] map affine_map<(d0) -> (-(d0 floordiv 2) + 1, d0, d0 floordiv 2, d0 - 2)> : tensor<64x64xf32, {{.*}}>, tensor<64x64xf32, {{.*}}> -> !tile.tile<32x32, f32>
      %tp = grid.load_one_of %a, %a[%u] map affine_map<(d0) -> (1 - d0 floordiv 2, d0, d0 floordiv 2, d0 - 2)> : tensor<64x64xf32, #l>, tensor<64x64xf32, #l> -> !tile.tile<32x32, f32>
      // CHECK: grid.gather_rows %[[X]], %[[Y]][%[[U]]] map affine_map<(d0) -> (d0 floordiv 2, d0 mod 2)> count 40 : tensor<64x64xf32, {{.*}}>, tensor<1x64xf32, {{.*}}> -> !tile.tile<32x32, f32>
      %tr2 = grid.gather_rows %a, %b[%u] map affine_map<(d0) -> (d0 floordiv 2, d0 mod 2)> count 40 : tensor<64x64xf32, #l>, tensor<1x64xf32, #row> -> !tile.tile<32x32, f32>
      // CHECK: %[[R:.*]] = grid.compute(%[[A]], %[[B]] : !tile.tile<32x32, f32>, !tile.tile<32x32, bf16>) at %[[U]] -> !tile.tile<32x32, f32> {
      %tr = grid.compute(%ta, %tb : !tile.tile<32x32, f32>, !tile.tile<32x32, bf16>) at %u -> !tile.tile<32x32, f32> {
      // CHECK-NEXT: ^bb0(%[[P:.*]]: !tile.tile<32x32, f32>, %[[Q:.*]]: !tile.tile<32x32, bf16>, %{{.*}}: index):
      ^bb0(%p: !tile.tile<32x32, f32>, %q: !tile.tile<32x32, bf16>, %unit: index):
        %d0 = arith.constant 0 : index
        // CHECK: tile.binary add bcast rows %[[P]], %[[Q]]
        tile.binary add bcast rows %p, %q, dst[%d0] : !tile.tile<32x32, f32>, !tile.tile<32x32, bf16>
        // CHECK: %[[PACKED:.*]] = tile.pack
        %packed = tile.pack dst[%d0] : !tile.tile<32x32, f32>
        // CHECK-NEXT: grid.yield %[[PACKED]] : !tile.tile<32x32, f32>
        grid.yield %packed : !tile.tile<32x32, f32>
      }
      // CHECK: grid.store %[[R]], %[[OUT]][%[[U]]] map affine_map<(d0) -> (d0)> : !tile.tile<32x32, f32>, tensor<64x64xf32, {{.*}}>
      grid.store %tr, %out[%u] map affine_map<(d0) -> (d0)> : !tile.tile<32x32, f32>, tensor<64x64xf32, #l>
    }
  } -> tensor<64x64xf32, #l>
  return %r : tensor<64x64xf32, #l>
}

// -----

// A row loop's unit reads its row of tiles once, takes tiles of it and replaces one.
#l = #grid.layout<tile 32x32, f32, dram, interleaved>
// CHECK-LABEL: func.func @row_loop
func.func @row_loop(%x: tensor<64x64xf32, #l>) -> tensor<64x64xf32, #l> {
  %e = grid.empty : tensor<64x64xf32, #l>
  %r = grid.dispatch "rows" on <(0, 0) to (1, 0)> ins(%x : tensor<64x64xf32, #l>) outs(%e : tensor<64x64xf32, #l>)
      attributes {dst_format = #tile<format f32>, fidelity = #tile<fidelity HiFi4>} {
  // CHECK: ^bb0(%[[X:.*]]: tensor<64x64xf32, {{.*}}>, %{{.*}}: tensor<64x64xf32, {{.*}}>):
  ^bb0(%a: tensor<64x64xf32, #l>, %out: tensor<64x64xf32, #l>):
    %u = grid.core_index linear
    // CHECK: %[[ROW:.*]] = grid.load_row %[[X]][%{{.*}}] map affine_map<(d0, d1) -> (d0 * 2 + d1)> : tensor<64x64xf32, {{.*}}> -> tensor<2x!tile.tile<32x32, f32>>
    %row = grid.load_row %a[%u] map affine_map<(d0, d1) -> (d0 * 2 + d1)> : tensor<64x64xf32, #l> -> tensor<2x!tile.tile<32x32, f32>>
    %c1 = arith.constant 1 : index
    // CHECK: %[[T:.*]] = tensor.extract %[[ROW]]
    %t = tensor.extract %row[%c1] : tensor<2x!tile.tile<32x32, f32>>
    // CHECK: tensor.insert %[[T]] into %[[ROW]]
    %again = tensor.insert %t into %row[%c1] : tensor<2x!tile.tile<32x32, f32>>
  } -> tensor<64x64xf32, #l>
  return %r : tensor<64x64xf32, #l>
}

// -----

// The same tensor from cores' L1 interleaved to a shard of two row tiles per core.
#i = #grid.layout<tile 32x32, bf16, l1, interleaved>
#h = #grid.layout<tile 32x32, bf16, l1, height_sharded, shard 2x2, cores <(0, 0) to (3, 0)>>
// CHECK-LABEL: func.func @reshard
func.func @reshard(%x: tensor<256x64xf32, #i>) -> tensor<256x64xf32, #h> {
  // CHECK: grid.reshard %{{.*}} : tensor<256x64xf32, #grid.layout<tile 32x32, bf16, l1, interleaved>> -> tensor<256x64xf32, #grid.layout<tile 32x32, bf16, l1, height_sharded, shard 2x2, cores <(0, 0) to{{ ?}}(3, 0)>>>
  %r = grid.reshard %x : tensor<256x64xf32, #i> -> tensor<256x64xf32, #h>
  return %r : tensor<256x64xf32, #h>
}
