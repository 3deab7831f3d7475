// RUN: tt-opt %s -split-input-file -verify-diagnostics --tt-allocate-buffers

// Circular buffers that do not fit the L1 left after the reserved part: 400 f32 tiles are
// 1638400 bytes, wormhole_b0 has 1499136 - 131072 = 1368064 free.
#l = #grid.layout<tile 32x32, f32, dram, interleaved>
module attributes {grid.chip = #grid.chip<"wormhole_b0", grid = [8, 8], l1 = 1499136, {clock_mhz = 1000 : i64, dram_channel_bytes = 1073741824 : i64, dram_channel_bytes_per_cycle = 24 : i64, dram_channel_mbps = 24000 : i64, dram_channels = 12 : i64, dram_efficiency_percent = 92 : i64, dram_latency_cycles = 358 : i64, dst_tiles_bf16 = 16 : i64, dst_tiles_f32 = 8 : i64, fpu_add_flops_per_cycle = 128 : i64, fpu_mul_flops_per_cycle = 256 : i64, l1_reserved_bytes = 131072 : i64, launch_cycles = 4000 : i64, matmul_macs_per_cycle = 2048 : i64, noc_flit_bytes = 32 : i64, noc_hop_cycles = 9 : i64, noc_max_packet_bytes = 8192 : i64, pack_bytes_per_cycle = 64 : i64, sfpu_lanes = 32 : i64, unpack_bytes_per_cycle = 80 : i64}>} {
  func.func @l1_overflow(%x: tensor<32x32xf32, #l>) -> tensor<32x32xf32, #l> {
    %e = grid.empty : tensor<32x32xf32, #l>
    // expected-error @+1 {{circular buffers need 1638400 bytes of L1 per core but wormhole_b0 has 1368064 free}}
    %y = grid.dispatch "relu" on <(0, 0) to (0, 0)> ins(%x : tensor<32x32xf32, #l>) outs(%e : tensor<32x32xf32, #l>)
        attributes {dst_format = #tile<format f32>, fidelity = #tile<fidelity HiFi4>} {
    ^bb0(%in: tensor<32x32xf32, #l>, %out: tensor<32x32xf32, #l>):
      %cb0 = noc.cb 0 : !noc.cb<!tile.tile<32x32, f32>, 2>
      %cb1 = noc.cb 1 : !noc.cb<!tile.tile<32x32, f32>, 398>
    } -> tensor<32x32xf32, #l>
    return %y : tensor<32x32xf32, #l>
  }
}

// -----

// Exactly full is fine: 334 f32 tiles are 1368064 bytes.
#l = #grid.layout<tile 32x32, f32, dram, interleaved>
module attributes {grid.chip = #grid.chip<"wormhole_b0", grid = [8, 8], l1 = 1499136, {clock_mhz = 1000 : i64, dram_channel_bytes = 1073741824 : i64, dram_channel_bytes_per_cycle = 24 : i64, dram_channel_mbps = 24000 : i64, dram_channels = 12 : i64, dram_efficiency_percent = 92 : i64, dram_latency_cycles = 358 : i64, dst_tiles_bf16 = 16 : i64, dst_tiles_f32 = 8 : i64, fpu_add_flops_per_cycle = 128 : i64, fpu_mul_flops_per_cycle = 256 : i64, l1_reserved_bytes = 131072 : i64, launch_cycles = 4000 : i64, matmul_macs_per_cycle = 2048 : i64, noc_flit_bytes = 32 : i64, noc_hop_cycles = 9 : i64, noc_max_packet_bytes = 8192 : i64, pack_bytes_per_cycle = 64 : i64, sfpu_lanes = 32 : i64, unpack_bytes_per_cycle = 80 : i64}>} {
  func.func @l1_exactly_full(%x: tensor<32x32xf32, #l>) -> tensor<32x32xf32, #l> {
    %e = grid.empty : tensor<32x32xf32, #l>
    %y = grid.dispatch "relu" on <(0, 0) to (0, 0)> ins(%x : tensor<32x32xf32, #l>) outs(%e : tensor<32x32xf32, #l>)
        attributes {dst_format = #tile<format f32>, fidelity = #tile<fidelity HiFi4>} {
    ^bb0(%in: tensor<32x32xf32, #l>, %out: tensor<32x32xf32, #l>):
      %cb0 = noc.cb 0 : !noc.cb<!tile.tile<32x32, f32>, 334>
    } -> tensor<32x32xf32, #l>
    return %y : tensor<32x32xf32, #l>
  }
}

// -----

// expected-error @+1 {{module has no grid.chip; run tt-assign-layouts first}}
module {
  func.func @no_chip(%x: tensor<32x32xf32>) -> tensor<32x32xf32> {
    return %x : tensor<32x32xf32>
  }
}

// -----

module attributes {grid.chip = #grid.chip<"wormhole_b0", grid = [8, 8], l1 = 1499136, {clock_mhz = 1000 : i64, dram_channel_bytes = 1073741824 : i64, dram_channel_bytes_per_cycle = 24 : i64, dram_channel_mbps = 24000 : i64, dram_channels = 12 : i64, dram_efficiency_percent = 92 : i64, dram_latency_cycles = 358 : i64, dst_tiles_bf16 = 16 : i64, dst_tiles_f32 = 8 : i64, fpu_add_flops_per_cycle = 128 : i64, fpu_mul_flops_per_cycle = 256 : i64, l1_reserved_bytes = 131072 : i64, launch_cycles = 4000 : i64, matmul_macs_per_cycle = 2048 : i64, noc_flit_bytes = 32 : i64, noc_hop_cycles = 9 : i64, noc_max_packet_bytes = 8192 : i64, pack_bytes_per_cycle = 64 : i64, sfpu_lanes = 32 : i64, unpack_bytes_per_cycle = 80 : i64}>} {
  // expected-error @+1 {{tensor has no #grid.layout; run tt-assign-layouts first}}
  func.func @no_layout(%x: tensor<32x32xf32>) -> tensor<32x32xf32> {
    return %x : tensor<32x32xf32>
  }
}

// -----

// A chip attribute without the descriptor's figures: the pass reads no file to find them.
// expected-error @+1 {{grid.chip: missing key 'clock_mhz' (tt-assign-layouts records every figure)}}
module attributes {grid.chip = #grid.chip<"wormhole_b0", grid = [8, 8], l1 = 1499136>} {
  func.func @no_figures() {
    return
  }
}

// -----

// 1024x1024 f32 is 1024 tiles, 512 per channel of the tiny chip = 2 MiB > 1 MiB.
#l = #grid.layout<tile 32x32, f32, dram, interleaved>
module attributes {grid.chip = #grid.chip<"tiny", grid = [2, 2], l1 = 65536, {clock_mhz = 1000 : i64, dram_channel_bytes = 1048576 : i64, dram_channel_bytes_per_cycle = 24 : i64, dram_channel_mbps = 24000 : i64, dram_channels = 2 : i64, dram_efficiency_percent = 92 : i64, dram_latency_cycles = 358 : i64, dst_tiles_bf16 = 16 : i64, dst_tiles_f32 = 8 : i64, fpu_add_flops_per_cycle = 128 : i64, fpu_mul_flops_per_cycle = 256 : i64, l1_reserved_bytes = 16384 : i64, launch_cycles = 4000 : i64, matmul_macs_per_cycle = 2048 : i64, noc_flit_bytes = 32 : i64, noc_hop_cycles = 9 : i64, noc_max_packet_bytes = 8192 : i64, pack_bytes_per_cycle = 64 : i64, sfpu_lanes = 32 : i64, unpack_bytes_per_cycle = 80 : i64}>} {
  // expected-error @+1 {{model needs 2097152 bytes per DRAM channel but tiny has 1048576}}
  func.func @dram_overflow(%x: tensor<1024x1024xf32, #l>) {
    return
  }
}
