// RUN: tt-opt %s -split-input-file --tt-allocate-buffers | FileCheck %s

// Tensors tt-choose-op-configs kept in L1, placed from the top of L1 down above the circular
// buffers of every dispatch they live through. %t1 lives through "big", whose 332 f32 tiles of
// circular buffers end at 1490944: only the top 8192 bytes of L1 can hold it. %t2 (128 tiles, 2
// a core: 8192 bytes) lives only beside small circular buffers. Placing the larger first would
// put %t2 at the top and leave %t1 no room; the tensor with the least room goes first, so %t1
// takes the top 4096 bytes and %t2 the 8192 below.
// CHECK-LABEL: func.func @least_room_first
// CHECK: grid.empty {address = 1495040 : i64} : tensor<32x32xf32, #grid.layout<tile 32x32, f32, l1, interleaved>>
// CHECK: grid.empty {address = 4096 : i64} : tensor<32x32xf32, #grid.layout<tile 32x32, f32, dram, interleaved>>
// CHECK: grid.empty {address = 1486848 : i64} : tensor<4096x32xf32, #grid.layout<tile 32x32, f32, l1, interleaved>>
#d = #grid.layout<tile 32x32, f32, dram, interleaved>
#s = #grid.layout<tile 32x32, f32, l1, interleaved>
module attributes {grid.chip = #grid.chip<"wormhole_b0", grid = [8, 8], l1 = 1499136, {clock_mhz = 1000 : i64, dram_channel_bytes = 1073741824 : i64, dram_channel_bytes_per_cycle = 24 : i64, dram_channel_mbps = 24000 : i64, dram_channels = 12 : i64, dram_efficiency_percent = 92 : i64, dram_latency_cycles = 358 : i64, dst_tiles_bf16 = 16 : i64, dst_tiles_f32 = 8 : i64, fpu_add_flops_per_cycle = 128 : i64, fpu_mul_flops_per_cycle = 256 : i64, l1_reserved_bytes = 131072 : i64, launch_cycles = 4000 : i64, matmul_macs_per_cycle = 2048 : i64, noc_flit_bytes = 32 : i64, noc_hop_cycles = 9 : i64, noc_max_packet_bytes = 8192 : i64, pack_bytes_per_cycle = 64 : i64, sfpu_lanes = 32 : i64, unpack_bytes_per_cycle = 80 : i64}>} {
  func.func @least_room_first(%x: tensor<32x32xf32, #d>) -> (tensor<32x32xf32, #d>, tensor<32x32xf32, #d>) {
    %e1 = grid.empty : tensor<32x32xf32, #s>
    %t1 = grid.dispatch "first" on <(0, 0) to (0, 0)> ins(%x : tensor<32x32xf32, #d>) outs(%e1 : tensor<32x32xf32, #s>)
        attributes {dst_format = #tile<format f32>, fidelity = #tile<fidelity HiFi4>} {
    ^bb0(%in: tensor<32x32xf32, #d>, %out: tensor<32x32xf32, #s>):
      %cb = noc.cb 0 : !noc.cb<!tile.tile<32x32, f32>, 2>
    } -> tensor<32x32xf32, #s>
    %e3 = grid.empty : tensor<32x32xf32, #d>
    %t3 = grid.dispatch "big" on <(0, 0) to (0, 0)> ins(%t1 : tensor<32x32xf32, #s>) outs(%e3 : tensor<32x32xf32, #d>)
        attributes {dst_format = #tile<format f32>, fidelity = #tile<fidelity HiFi4>} {
    ^bb0(%in: tensor<32x32xf32, #s>, %out: tensor<32x32xf32, #d>):
      %cb = noc.cb 0 : !noc.cb<!tile.tile<32x32, f32>, 332>
    } -> tensor<32x32xf32, #d>
    %e2 = grid.empty : tensor<4096x32xf32, #s>
    %t2 = grid.dispatch "second" on <(0, 0) to (0, 0)> ins(%t1 : tensor<32x32xf32, #s>) outs(%e2 : tensor<4096x32xf32, #s>)
        attributes {dst_format = #tile<format f32>, fidelity = #tile<fidelity HiFi4>} {
    ^bb0(%in: tensor<32x32xf32, #s>, %out: tensor<4096x32xf32, #s>):
      %cb = noc.cb 0 : !noc.cb<!tile.tile<32x32, f32>, 2>
    } -> tensor<4096x32xf32, #s>
    %e4 = grid.empty : tensor<32x32xf32, #d>
    %t4 = grid.dispatch "last" on <(0, 0) to (0, 0)> ins(%t1, %t2 : tensor<32x32xf32, #s>, tensor<4096x32xf32, #s>) outs(%e4 : tensor<32x32xf32, #d>)
        attributes {dst_format = #tile<format f32>, fidelity = #tile<fidelity HiFi4>} {
    ^bb0(%a: tensor<32x32xf32, #s>, %b: tensor<4096x32xf32, #s>, %out: tensor<32x32xf32, #d>):
      %cb = noc.cb 0 : !noc.cb<!tile.tile<32x32, f32>, 2>
    } -> tensor<32x32xf32, #d>
    return %t3, %t4 : tensor<32x32xf32, #d>, tensor<32x32xf32, #d>
  }
}

// -----

// An L1 tensor that no placement fits beside a dispatch's circular buffers goes to DRAM, and
// every view of it says so: the dispatches' block arguments and results.
// CHECK-LABEL: func.func @moved_to_dram
// CHECK: %[[E:.*]] = grid.empty {address = 4096 : i64} : tensor<32x32xf32, #grid.layout<tile 32x32, f32, dram, interleaved>>
// CHECK: grid.dispatch "full" {{.*}} outs(%[[E]] : tensor<32x32xf32, #grid.layout<tile 32x32, f32, dram, interleaved>>)
// CHECK-NEXT: ^bb0(%{{.*}}: tensor<32x32xf32, #grid.layout<tile 32x32, f32, dram, interleaved>>, %{{.*}}: tensor<32x32xf32, #grid.layout<tile 32x32, f32, dram, interleaved>>):
// CHECK: grid.dispatch "reader" {{.*}} ins(%{{.*}} : tensor<32x32xf32, #grid.layout<tile 32x32, f32, dram, interleaved>>)
#d = #grid.layout<tile 32x32, f32, dram, interleaved>
#s = #grid.layout<tile 32x32, f32, l1, interleaved>
module attributes {grid.chip = #grid.chip<"wormhole_b0", grid = [8, 8], l1 = 1499136, {clock_mhz = 1000 : i64, dram_channel_bytes = 1073741824 : i64, dram_channel_bytes_per_cycle = 24 : i64, dram_channel_mbps = 24000 : i64, dram_channels = 12 : i64, dram_efficiency_percent = 92 : i64, dram_latency_cycles = 358 : i64, dst_tiles_bf16 = 16 : i64, dst_tiles_f32 = 8 : i64, fpu_add_flops_per_cycle = 128 : i64, fpu_mul_flops_per_cycle = 256 : i64, l1_reserved_bytes = 131072 : i64, launch_cycles = 4000 : i64, matmul_macs_per_cycle = 2048 : i64, noc_flit_bytes = 32 : i64, noc_hop_cycles = 9 : i64, noc_max_packet_bytes = 8192 : i64, pack_bytes_per_cycle = 64 : i64, sfpu_lanes = 32 : i64, unpack_bytes_per_cycle = 80 : i64}>} {
  func.func @moved_to_dram(%x: tensor<32x32xf32, #d>) -> tensor<32x32xf32, #d> {
    %e1 = grid.empty : tensor<32x32xf32, #s>
    %t1 = grid.dispatch "full" on <(0, 0) to (0, 0)> ins(%x : tensor<32x32xf32, #d>) outs(%e1 : tensor<32x32xf32, #s>)
        attributes {dst_format = #tile<format f32>, fidelity = #tile<fidelity HiFi4>} {
    ^bb0(%in: tensor<32x32xf32, #d>, %out: tensor<32x32xf32, #s>):
      %cb = noc.cb 0 : !noc.cb<!tile.tile<32x32, f32>, 334>
    } -> tensor<32x32xf32, #s>
    %e2 = grid.empty : tensor<32x32xf32, #d>
    %t2 = grid.dispatch "reader" on <(0, 0) to (0, 0)> ins(%t1 : tensor<32x32xf32, #s>) outs(%e2 : tensor<32x32xf32, #d>)
        attributes {dst_format = #tile<format f32>, fidelity = #tile<fidelity HiFi4>} {
    ^bb0(%in: tensor<32x32xf32, #s>, %out: tensor<32x32xf32, #d>):
      %cb = noc.cb 0 : !noc.cb<!tile.tile<32x32, f32>, 2>
    } -> tensor<32x32xf32, #d>
    return %t2 : tensor<32x32xf32, #d>
  }
}

// -----

// A dispatch whose writer reads constants before the go: %t1, which the dispatch before reads,
// sits at the top of L1 (1495040), above the 332 tiles of circular buffers (to 1490944) that
// its core may fill while other cores still read %t1: the noc.wait_go stays.
// CHECK-LABEL: func.func @early_reads_kept
// CHECK:       grid.empty {address = 1495040 : i64} : tensor<32x32xf32, #grid.layout<tile 32x32, f32, l1, interleaved>>
// CHECK:       grid.dispatch "early"
// CHECK:       noc.kernel writer {
// CHECK-NEXT:    noc.wait_go
#d = #grid.layout<tile 32x32, f32, dram, interleaved>
#s = #grid.layout<tile 32x32, f32, l1, interleaved>
module attributes {grid.chip = #grid.chip<"wormhole_b0", grid = [8, 8], l1 = 1499136, {clock_mhz = 1000 : i64, dram_channel_bytes = 1073741824 : i64, dram_channel_bytes_per_cycle = 24 : i64, dram_channel_mbps = 24000 : i64, dram_channels = 12 : i64, dram_efficiency_percent = 92 : i64, dram_latency_cycles = 358 : i64, dst_tiles_bf16 = 16 : i64, dst_tiles_f32 = 8 : i64, fpu_add_flops_per_cycle = 128 : i64, fpu_mul_flops_per_cycle = 256 : i64, l1_reserved_bytes = 131072 : i64, launch_cycles = 4000 : i64, matmul_macs_per_cycle = 2048 : i64, noc_flit_bytes = 32 : i64, noc_hop_cycles = 9 : i64, noc_max_packet_bytes = 8192 : i64, pack_bytes_per_cycle = 64 : i64, sfpu_lanes = 32 : i64, unpack_bytes_per_cycle = 80 : i64}>} {
  func.func @early_reads_kept(%x: tensor<32x32xf32, #d>) -> tensor<32x32xf32, #d> {
    %e1 = grid.empty : tensor<32x32xf32, #s>
    %t1 = grid.dispatch "first" on <(0, 0) to (0, 0)> ins(%x : tensor<32x32xf32, #d>) outs(%e1 : tensor<32x32xf32, #s>)
        attributes {dst_format = #tile<format f32>, fidelity = #tile<fidelity HiFi4>} {
    ^bb0(%in: tensor<32x32xf32, #d>, %out: tensor<32x32xf32, #s>):
      %cb = noc.cb 0 : !noc.cb<!tile.tile<32x32, f32>, 2>
    } -> tensor<32x32xf32, #s>
    %e2 = grid.empty : tensor<32x32xf32, #d>
    %t2 = grid.dispatch "reads" on <(0, 0) to (0, 0)> ins(%t1 : tensor<32x32xf32, #s>) outs(%e2 : tensor<32x32xf32, #d>)
        attributes {dst_format = #tile<format f32>, fidelity = #tile<fidelity HiFi4>} {
    ^bb0(%in: tensor<32x32xf32, #s>, %out: tensor<32x32xf32, #d>):
      %cb = noc.cb 0 : !noc.cb<!tile.tile<32x32, f32>, 2>
    } -> tensor<32x32xf32, #d>
    %e3 = grid.empty : tensor<32x32xf32, #d>
    %t3 = grid.dispatch "early" on <(0, 0) to (0, 0)> ins(%t2 : tensor<32x32xf32, #d>) outs(%e3 : tensor<32x32xf32, #d>)
        attributes {dst_format = #tile<format f32>, fidelity = #tile<fidelity HiFi4>} {
    ^bb0(%in: tensor<32x32xf32, #d>, %out: tensor<32x32xf32, #d>):
      %cb = noc.cb 0 : !noc.cb<!tile.tile<32x32, f32>, 332>
      noc.kernel writer {
        noc.wait_go
      }
    } -> tensor<32x32xf32, #d>
    return %t3 : tensor<32x32xf32, #d>
  }
}

// -----

// With 334 tiles its circular buffers reach the top of L1, over %t1: the writer waits for the go
// at its start after all.
// CHECK-LABEL: func.func @early_reads_taken_back
// CHECK:       grid.empty {address = 1495040 : i64} : tensor<32x32xf32, #grid.layout<tile 32x32, f32, l1, interleaved>>
// CHECK:       grid.dispatch "early"
// CHECK:       noc.kernel writer {
// CHECK-NOT:     noc.wait_go
// CHECK:       return
#d = #grid.layout<tile 32x32, f32, dram, interleaved>
#s = #grid.layout<tile 32x32, f32, l1, interleaved>
module attributes {grid.chip = #grid.chip<"wormhole_b0", grid = [8, 8], l1 = 1499136, {clock_mhz = 1000 : i64, dram_channel_bytes = 1073741824 : i64, dram_channel_bytes_per_cycle = 24 : i64, dram_channel_mbps = 24000 : i64, dram_channels = 12 : i64, dram_efficiency_percent = 92 : i64, dram_latency_cycles = 358 : i64, dst_tiles_bf16 = 16 : i64, dst_tiles_f32 = 8 : i64, fpu_add_flops_per_cycle = 128 : i64, fpu_mul_flops_per_cycle = 256 : i64, l1_reserved_bytes = 131072 : i64, launch_cycles = 4000 : i64, matmul_macs_per_cycle = 2048 : i64, noc_flit_bytes = 32 : i64, noc_hop_cycles = 9 : i64, noc_max_packet_bytes = 8192 : i64, pack_bytes_per_cycle = 64 : i64, sfpu_lanes = 32 : i64, unpack_bytes_per_cycle = 80 : i64}>} {
  func.func @early_reads_taken_back(%x: tensor<32x32xf32, #d>) -> tensor<32x32xf32, #d> {
    %e1 = grid.empty : tensor<32x32xf32, #s>
    %t1 = grid.dispatch "first" on <(0, 0) to (0, 0)> ins(%x : tensor<32x32xf32, #d>) outs(%e1 : tensor<32x32xf32, #s>)
        attributes {dst_format = #tile<format f32>, fidelity = #tile<fidelity HiFi4>} {
    ^bb0(%in: tensor<32x32xf32, #d>, %out: tensor<32x32xf32, #s>):
      %cb = noc.cb 0 : !noc.cb<!tile.tile<32x32, f32>, 2>
    } -> tensor<32x32xf32, #s>
    %e2 = grid.empty : tensor<32x32xf32, #d>
    %t2 = grid.dispatch "reads" on <(0, 0) to (0, 0)> ins(%t1 : tensor<32x32xf32, #s>) outs(%e2 : tensor<32x32xf32, #d>)
        attributes {dst_format = #tile<format f32>, fidelity = #tile<fidelity HiFi4>} {
    ^bb0(%in: tensor<32x32xf32, #s>, %out: tensor<32x32xf32, #d>):
      %cb = noc.cb 0 : !noc.cb<!tile.tile<32x32, f32>, 2>
    } -> tensor<32x32xf32, #d>
    %e3 = grid.empty : tensor<32x32xf32, #d>
    %t3 = grid.dispatch "early" on <(0, 0) to (0, 0)> ins(%t2 : tensor<32x32xf32, #d>) outs(%e3 : tensor<32x32xf32, #d>)
        attributes {dst_format = #tile<format f32>, fidelity = #tile<fidelity HiFi4>} {
    ^bb0(%in: tensor<32x32xf32, #d>, %out: tensor<32x32xf32, #d>):
      %cb = noc.cb 0 : !noc.cb<!tile.tile<32x32, f32>, 334>
      noc.kernel writer {
        noc.wait_go
      }
    } -> tensor<32x32xf32, #d>
    return %t3 : tensor<32x32xf32, #d>
  }
}
