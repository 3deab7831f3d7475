// RUN: tt-opt %s -split-input-file -verify-diagnostics

// expected-error @+1 {{chip needs a name}}
module attributes {grid.chip = #grid.chip<"", grid = [8, 8], l1 = 1499136>} {}

// -----

// expected-error @+1 {{chip grid must be positive, got 0x8}}
module attributes {grid.chip = #grid.chip<"wormhole_b0", grid = [0, 8], l1 = 1499136>} {}

// -----

// expected-error @+1 {{chip grid must be positive, got 8x-2}}
module attributes {grid.chip = #grid.chip<"wormhole_b0", grid = [8, -2], l1 = 1499136>} {}

// -----

// expected-error @+1 {{chip L1 size must be positive}}
module attributes {grid.chip = #grid.chip<"wormhole_b0", grid = [8, 8], l1 = 0>} {}

// -----

// expected-error @+1 {{chip figure 'clock_mhz' must be an integer}}
module attributes {grid.chip = #grid.chip<"wormhole_b0", grid = [8, 8], l1 = 1499136, {clock_mhz = "fast"}>} {}

// -----

// expected-error @+1 {{core range (3, 0) to (2, 0) is empty or negative}}
func.func @core_range_empty() attributes {cores = #grid.core_range<(3, 0) to (2, 0)>} { return }

// -----

// expected-error @+1 {{core range (0, 4) to (0, 3) is empty or negative}}
func.func @core_range_empty_y() attributes {cores = #grid.core_range<(0, 4) to (0, 3)>} { return }

// -----

// expected-error @+1 {{core range (-1, 0) to (2, 0) is empty or negative}}
func.func @core_range_negative() attributes {cores = #grid.core_range<(-1, 0) to (2, 0)>} { return }

// -----

// expected-error @+1 {{layout tiles must be 32x32}}
func.func @layout_tile_shape(%x: tensor<32x32xf32, #grid.layout<tile 16x32, f32, dram, interleaved>>) { return }

// -----

// expected-error @+1 {{sharded layouts live in l1}}
func.func @layout_sharded_dram(%x: tensor<256x32xf32, #grid.layout<tile 32x32, bf16, dram, height_sharded, shard 1x1, cores <(0, 0) to (7, 0)>>>) { return }

// -----

// A sharded layout without its shard shape and core range.
// expected-error @+1 {{a shard shape and core range are required exactly when sharded}}
func.func @layout_sharded_no_info(%x: tensor<256x32xf32, #grid.layout<tile 32x32, bf16, l1, height_sharded>>) { return }

// -----

// An interleaved layout that names a shard shape and core range.
// expected-error @+1 {{a shard shape and core range are required exactly when sharded}}
func.func @layout_interleaved_with_shard(%x: tensor<256x32xf32, #grid.layout<tile 32x32, bf16, l1, interleaved, shard 1x1, cores <(0, 0) to (7, 0)>>>) { return }

// -----

// expected-error @+1 {{shard shape is [rows, cols] in tiles}}
func.func @layout_shard_rank(%x: tensor<256x32xf32, #grid.layout<tile 32x32, bf16, l1, block_sharded, shard 1x1x1, cores <(0, 0) to (7, 0)>>>) { return }

// -----

// expected-error @+1 {{shard dims must be positive}}
func.func @layout_shard_zero(%x: tensor<256x32xf32, #grid.layout<tile 32x32, bf16, l1, width_sharded, shard 0x1, cores <(0, 0) to (7, 0)>>>) { return }

// -----

// expected-error @+1 {{expected tile RxC, data format, memory space, sharding}}
func.func @layout_bad_format(%x: tensor<32x32xf32, #grid.layout<tile 32x32, fp16, dram, interleaved>>) { return }

// -----

// expected-error @+1 {{expected tile RxC, data format, memory space, sharding}}
func.func @layout_bad_memory(%x: tensor<32x32xf32, #grid.layout<tile 32x32, f32, sram, interleaved>>) { return }

// -----

// expected-error @+1 {{expected tile RxC, data format, memory space, sharding}}
func.func @layout_bad_sharding(%x: tensor<32x32xf32, #grid.layout<tile 32x32, f32, l1, row_sharded>>) { return }

// -----

// expected-error @+1 {{expected tile RxC, data format, memory space, sharding}}
func.func @layout_tile_rank(%x: tensor<32x32xf32, #grid.layout<tile 32, f32, dram, interleaved>>) { return }

// -----

func.func @empty_no_layout() {
  // expected-error @+1 {{'grid.empty' op result needs a #grid.layout encoding}}
  %0 = grid.empty : tensor<32x32xf32>
  return
}

// -----

func.func @core_index_outside_dispatch() -> index {
  // expected-error @+1 {{'grid.core_index' op is only meaningful inside a grid.dispatch}}
  %0 = grid.core_index linear
  return %0 : index
}

// -----

#l = #grid.layout<tile 32x32, f32, dram, interleaved>
func.func @dispatch_arg_count(%x: tensor<32x32xf32, #l>) -> tensor<32x32xf32, #l> {
  %e = grid.empty : tensor<32x32xf32, #l>
  // expected-error @+1 {{'grid.dispatch' op body takes 1 arguments but the dispatch has 2 ins and outs}}
  %y = grid.dispatch "relu" on <(0, 0) to (0, 0)> ins(%x : tensor<32x32xf32, #l>) outs(%e : tensor<32x32xf32, #l>)
      attributes {dst_format = #tile<format f32>, fidelity = #tile<fidelity HiFi4>} {
  ^bb0(%in: tensor<32x32xf32, #l>):
  } -> tensor<32x32xf32, #l>
  return %y : tensor<32x32xf32, #l>
}

// -----

#l = #grid.layout<tile 32x32, f32, dram, interleaved>
#b = #grid.layout<tile 32x32, bf16, dram, interleaved>
func.func @dispatch_arg_type(%x: tensor<32x32xf32, #l>) -> tensor<32x32xf32, #l> {
  %e = grid.empty : tensor<32x32xf32, #l>
  // expected-error @+1 {{'grid.dispatch' op body argument #1 has type 'tensor<32x32xf32, #grid.layout<tile 32x32, bf16, dram, interleaved>>' but its operand has 'tensor<32x32xf32, #grid.layout<tile 32x32, f32, dram, interleaved>>'}}
  %y = grid.dispatch "relu" on <(0, 0) to (0, 0)> ins(%x : tensor<32x32xf32, #l>) outs(%e : tensor<32x32xf32, #l>)
      attributes {dst_format = #tile<format f32>, fidelity = #tile<fidelity HiFi4>} {
  ^bb0(%in: tensor<32x32xf32, #l>, %out: tensor<32x32xf32, #b>):
  } -> tensor<32x32xf32, #l>
  return %y : tensor<32x32xf32, #l>
}

// -----

#l = #grid.layout<tile 32x32, f32, dram, interleaved>
func.func @dispatch_result_type(%x: tensor<32x32xf32, #l>) {
  %e = grid.empty : tensor<32x32xf32, #l>
  // expected-error @+1 {{'grid.dispatch' op results must have the types of the outs}}
  %y = grid.dispatch "relu" on <(0, 0) to (0, 0)> ins(%x : tensor<32x32xf32, #l>) outs(%e : tensor<32x32xf32, #l>)
      attributes {dst_format = #tile<format f32>, fidelity = #tile<fidelity HiFi4>} {
  ^bb0(%in: tensor<32x32xf32, #l>, %out: tensor<32x32xf32, #l>):
  } -> tensor<64x32xf32, #l>
  return
}

// -----

#l = #grid.layout<tile 32x32, f32, dram, interleaved>
func.func @dispatch_result_count(%x: tensor<32x32xf32, #l>) {
  %e = grid.empty : tensor<32x32xf32, #l>
  // expected-error @+1 {{'grid.dispatch' op results must have the types of the outs}}
  %y:2 = grid.dispatch "relu" on <(0, 0) to (0, 0)> ins(%x : tensor<32x32xf32, #l>) outs(%e : tensor<32x32xf32, #l>)
      attributes {dst_format = #tile<format f32>, fidelity = #tile<fidelity HiFi4>} {
  ^bb0(%in: tensor<32x32xf32, #l>, %out: tensor<32x32xf32, #l>):
  } -> tensor<32x32xf32, #l>, tensor<32x32xf32, #l>
  return
}

// -----

#l = #grid.layout<tile 32x32, f32, dram, interleaved>
func.func @dispatch_operand_without_layout(%x: tensor<32x32xf32>) {
  %e = grid.empty : tensor<32x32xf32, #l>
  // expected-error @+1 {{'grid.dispatch' op operand type 'tensor<32x32xf32>' has no #grid.layout}}
  %y = grid.dispatch "relu" on <(0, 0) to (0, 0)> ins(%x : tensor<32x32xf32>) outs(%e : tensor<32x32xf32, #l>)
      attributes {dst_format = #tile<format f32>, fidelity = #tile<fidelity HiFi4>} {
  ^bb0(%in: tensor<32x32xf32>, %out: tensor<32x32xf32, #l>):
  } -> tensor<32x32xf32, #l>
  return
}

// -----

#l = #grid.layout<tile 32x32, f32, dram, interleaved>
module attributes {grid.chip = #grid.chip<"wormhole_b0", grid = [8, 8], l1 = 1499136>} {
  func.func @dispatch_outside_grid_x(%x: tensor<32x32xf32, #l>) {
    %e = grid.empty : tensor<32x32xf32, #l>
    // expected-error @+1 {{'grid.dispatch' op core range reaches (8, 0) outside the 8x8 grid of wormhole_b0}}
    %y = grid.dispatch "relu" on <(0, 0) to (8, 0)> ins(%x : tensor<32x32xf32, #l>) outs(%e : tensor<32x32xf32, #l>)
        attributes {dst_format = #tile<format f32>, fidelity = #tile<fidelity HiFi4>} {
    ^bb0(%in: tensor<32x32xf32, #l>, %out: tensor<32x32xf32, #l>):
    } -> tensor<32x32xf32, #l>
    return
  }
}

// -----

#l = #grid.layout<tile 32x32, f32, dram, interleaved>
module attributes {grid.chip = #grid.chip<"tiny", grid = [2, 3], l1 = 1000000>} {
  func.func @dispatch_outside_grid_y(%x: tensor<32x32xf32, #l>) {
    %e = grid.empty : tensor<32x32xf32, #l>
    // expected-error @+1 {{'grid.dispatch' op core range reaches (1, 3) outside the 2x3 grid of tiny}}
    %y = grid.dispatch "relu" on <(0, 1) to (1, 3)> ins(%x : tensor<32x32xf32, #l>) outs(%e : tensor<32x32xf32, #l>)
        attributes {dst_format = #tile<format f32>, fidelity = #tile<fidelity HiFi4>} {
    ^bb0(%in: tensor<32x32xf32, #l>, %out: tensor<32x32xf32, #l>):
    } -> tensor<32x32xf32, #l>
    return
  }
}

// -----

#l = #grid.layout<tile 32x32, f32, dram, interleaved>
func.func @dispatch_empty_range(%x: tensor<32x32xf32, #l>) {
  %e = grid.empty : tensor<32x32xf32, #l>
  // expected-error @+1 {{core range (1, 0) to (0, 0) is empty or negative}}
  %y = grid.dispatch "relu" on <(1, 0) to (0, 0)> ins(%x : tensor<32x32xf32, #l>) outs(%e : tensor<32x32xf32, #l>)
      attributes {dst_format = #tile<format f32>, fidelity = #tile<fidelity HiFi4>} {
  ^bb0(%in: tensor<32x32xf32, #l>, %out: tensor<32x32xf32, #l>):
  } -> tensor<32x32xf32, #l>
  return
}

// -----

#l = #grid.layout<tile 32x32, f32, dram, interleaved>
func.func @dispatch_missing_fidelity(%x: tensor<32x32xf32, #l>) {
  %e = grid.empty : tensor<32x32xf32, #l>
  // expected-error @+1 {{'grid.dispatch' op requires attribute 'fidelity'}}
  %y = grid.dispatch "relu" on <(0, 0) to (0, 0)> ins(%x : tensor<32x32xf32, #l>) outs(%e : tensor<32x32xf32, #l>)
      attributes {dst_format = #tile<format f32>} {
  ^bb0(%in: tensor<32x32xf32, #l>, %out: tensor<32x32xf32, #l>):
  } -> tensor<32x32xf32, #l>
  return
}

// -----

// expected-error @+1 {{a 4x2 core rectangle cannot hold 2x2 blocks}}
func.func @matmul_config_cores() attributes {c = #grid.matmul_config<grid = [2, 2], cores = [4, 2], block = [1, 1], subblock = [1, 1], k_chunk = 1>} { return }

// -----

// expected-error @+1 {{a two-dimensional grid of blocks needs cores = [4, 2]}}
func.func @matmul_config_transposed() attributes {c = #grid.matmul_config<grid = [2, 4], cores = [2, 4], block = [1, 1], subblock = [1, 1], k_chunk = 1>} { return }

// -----

// expected-error @+1 {{subblock 2x1 does not divide block 3x1}}
func.func @matmul_config_subblock() attributes {c = #grid.matmul_config<grid = [1, 1], cores = [1, 1], block = [3, 1], subblock = [2, 1], k_chunk = 1>} { return }

// -----

// expected-error @+1 {{matmul config sizes must be positive}}
func.func @matmul_config_zero() attributes {c = #grid.matmul_config<grid = [1, 1], cores = [1, 1], block = [1, 1], subblock = [1, 1], k_chunk = 0>} { return }

// -----

// expected-error @+1 {{leading K chunks must be positive}}
func.func @matmul_config_lead_zero() attributes {c = #grid.matmul_config<grid = [1, 1], cores = [1, 1], block = [1, 1], subblock = [1, 1], k_chunk = 4, k_lead = [2, 0]>} { return }

// -----

// expected-error @+1 {{skipping zero rhs tiles takes K chunks of one length}}
func.func @matmul_config_lead_sparse() attributes {c = #grid.matmul_config<grid = [1, 1], cores = [1, 1], block = [1, 1], subblock = [1, 1], k_chunk = 4, k_lead = [2], rhs_stored_tiles = 8>} { return }

// -----

// expected-error @+1 {{a two-dimensional grid of blocks multicasts its operands}}
func.func @matmul_config_2d_unicast() attributes {c = #grid.matmul_config<grid = [2, 2], cores = [2, 2], block = [1, 1], subblock = [1, 1], k_chunk = 1, operands = unicast>} { return }

// -----

// expected-error @+1 {{groups of rectangles share their operands by multicast}}
func.func @matmul_config_groups_unicast() attributes {c = #grid.matmul_config<grid = [2, 1], cores = [2, 1], block = [1, 1], subblock = [1, 1], k_chunk = 1, groups = 2, operands = unicast>} { return }

// -----

// expected-error @+1 {{matmul config sizes must be positive}}
func.func @matmul_config_no_groups() attributes {c = #grid.matmul_config<grid = [1, 2], cores = [2, 1], block = [1, 1], subblock = [1, 1], k_chunk = 1, groups = 0>} { return }

// -----

// expected-error @+1 {{unknown operand sharing 'broadcast'}}
func.func @matmul_config_bad_sharing() attributes {c = #grid.matmul_config<grid = [1, 2], cores = [2, 1], block = [1, 1], subblock = [1, 1], k_chunk = 1, operands = broadcast>} { return }

// -----

// expected-error @+1 {{unknown lhs source 'windows'}}
func.func @matmul_config_bad_lhs() attributes {c = #grid.matmul_config<grid = [1, 2], cores = [2, 1], block = [1, 1], subblock = [1, 1], k_chunk = 1, lhs = windows>} { return }

// -----

// expected-error @+1 {{unknown matmul config key 'speed'}}
func.func @matmul_config_bad_key() attributes {c = #grid.matmul_config<grid = [1, 2], cores = [2, 1], block = [1, 1], subblock = [1, 1], k_chunk = 1, speed = 3>} { return }

// -----

// expected-error @+1 {{'grid.chip' must be a #grid.chip on a module}}
func.func @chip_on_a_function() attributes {grid.chip = #grid.chip<"wormhole_b0", grid = [8, 8], l1 = 1499136>} { return }

// -----

// expected-error @+1 {{'grid.config' must be a #grid.matmul_config, #grid.reduce_config, #grid.conv_config or #grid.attention_config}}
func.func @config_not_a_config() attributes {grid.config = 3 : i64} { return }

// -----

// expected-error @+1 {{a #grid.conv_config belongs on a graph.conv}}
func.func @conv_config_on_a_function() attributes {grid.config = #grid.conv_config<algorithm = winograd, implicit_gemm_cycles = 9, winograd_cycles = 8>} { return }

// -----

// expected-error @+1 {{a #grid.reduce_config belongs on a graph.reduce or the grid.dispatch it lowers to}}
func.func @reduce_config_on_a_function() attributes {grid.config = #grid.reduce_config<splits = 4>} { return }

// -----

// expected-error @+1 {{a reduce config splits its rows at least 2 ways, not 1}}
func.func @reduce_config_of_one_split() attributes {grid.config = #grid.reduce_config<splits = 1>} { return }

// -----

// expected-error @+1 {{'grid.gather_input' is a unit attribute}}
func.func @gather_input_with_a_value() attributes {grid.gather_input = 1 : i64} { return }

// -----

// expected-error @+1 {{'grid.address' must be a non-negative integer}}
func.func @negative_address() attributes {grid.address = -64 : i64} { return }

// -----

// expected-error @+1 {{unknown grid attribute 'grid.speed'}}
func.func @unknown_attribute() attributes {grid.speed = 3 : i64} { return }

// -----

#l = #grid.layout<tile 32x32, f32, dram, interleaved>
func.func @load_format(%x: tensor<32x32xf32, #l>) -> tensor<32x32xf32, #l> {
  %e = grid.empty : tensor<32x32xf32, #l>
  %y = grid.dispatch "copy" on <(0, 0) to (0, 0)> ins(%x : tensor<32x32xf32, #l>) outs(%e : tensor<32x32xf32, #l>)
      attributes {dst_format = #tile<format f32>, fidelity = #tile<fidelity HiFi4>} {
  ^bb0(%in: tensor<32x32xf32, #l>, %out: tensor<32x32xf32, #l>):
    %c0 = arith.constant 0 : index
    // expected-error @+1 {{'grid.load' op tile format bf16 differs from the tensor's f32}}
    %t = grid.load %in[%c0] map affine_map<(d0) -> (d0)> : tensor<32x32xf32, #l> -> !tile.tile<32x32, bf16>
  } -> tensor<32x32xf32, #l>
  return %y : tensor<32x32xf32, #l>
}

// -----

#l = #grid.layout<tile 32x32, f32, dram, interleaved>
func.func @load_outside_tensor(%x: tensor<32x64xf32, #l>) -> tensor<32x64xf32, #l> {
  %e = grid.empty : tensor<32x64xf32, #l>
  %y = grid.dispatch "copy" on <(0, 0) to (0, 0)> ins(%x : tensor<32x64xf32, #l>) outs(%e : tensor<32x64xf32, #l>)
      attributes {dst_format = #tile<format f32>, fidelity = #tile<fidelity HiFi4>} {
  ^bb0(%in: tensor<32x64xf32, #l>, %out: tensor<32x64xf32, #l>):
    %c0 = arith.constant 0 : index
    // expected-error @+1 {{'grid.load' op tile 2 is outside the tensor's 2 tiles}}
    %t = grid.load %in[%c0] map affine_map<(d0) -> (2)> : tensor<32x64xf32, #l> -> !tile.tile<32x32, f32>
  } -> tensor<32x64xf32, #l>
  return %y : tensor<32x64xf32, #l>
}

// -----

#l = #grid.layout<tile 32x32, f32, dram, interleaved>
func.func @load_two_dims(%x: tensor<32x32xf32, #l>) -> tensor<32x32xf32, #l> {
  %e = grid.empty : tensor<32x32xf32, #l>
  %y = grid.dispatch "copy" on <(0, 0) to (0, 0)> ins(%x : tensor<32x32xf32, #l>) outs(%e : tensor<32x32xf32, #l>)
      attributes {dst_format = #tile<format f32>, fidelity = #tile<fidelity HiFi4>} {
  ^bb0(%in: tensor<32x32xf32, #l>, %out: tensor<32x32xf32, #l>):
    %c0 = arith.constant 0 : index
    // expected-error @+1 {{'grid.load' op map must take the unit (at most one dim, no symbols) to one index}}
    %t = grid.load %in[%c0] map affine_map<(d0, d1) -> (d0 + d1)> : tensor<32x32xf32, #l> -> !tile.tile<32x32, f32>
  } -> tensor<32x32xf32, #l>
  return %y : tensor<32x32xf32, #l>
}

// -----

#l = #grid.layout<tile 32x32, f32, dram, interleaved>
func.func @store_into_input(%x: tensor<32x32xf32, #l>) -> tensor<32x32xf32, #l> {
  %e = grid.empty : tensor<32x32xf32, #l>
  %y = grid.dispatch "copy" on <(0, 0) to (0, 0)> ins(%x : tensor<32x32xf32, #l>) outs(%e : tensor<32x32xf32, #l>)
      attributes {dst_format = #tile<format f32>, fidelity = #tile<fidelity HiFi4>} {
  ^bb0(%in: tensor<32x32xf32, #l>, %out: tensor<32x32xf32, #l>):
    %c0 = arith.constant 0 : index
    %t = grid.load %in[%c0] map affine_map<(d0) -> (d0)> : tensor<32x32xf32, #l> -> !tile.tile<32x32, f32>
    // expected-error @+1 {{'grid.store' op stores only into an `outs` argument of its dispatch}}
    grid.store %t, %in[%c0] map affine_map<(d0) -> (d0)> : !tile.tile<32x32, f32>, tensor<32x32xf32, #l>
  } -> tensor<32x32xf32, #l>
  return %y : tensor<32x32xf32, #l>
}

// -----

#l = #grid.layout<tile 32x32, f32, dram, interleaved>
func.func @compute_args(%x: tensor<32x32xf32, #l>) -> tensor<32x32xf32, #l> {
  %e = grid.empty : tensor<32x32xf32, #l>
  %y = grid.dispatch "copy" on <(0, 0) to (0, 0)> ins(%x : tensor<32x32xf32, #l>) outs(%e : tensor<32x32xf32, #l>)
      attributes {dst_format = #tile<format f32>, fidelity = #tile<fidelity HiFi4>} {
  ^bb0(%in: tensor<32x32xf32, #l>, %out: tensor<32x32xf32, #l>):
    %c0 = arith.constant 0 : index
    %t = grid.load %in[%c0] map affine_map<(d0) -> (d0)> : tensor<32x32xf32, #l> -> !tile.tile<32x32, f32>
    // expected-error @+1 {{'grid.compute' op body must take the input tiles' types, then the indices (index)}}
    %r = grid.compute(%t : !tile.tile<32x32, f32>) at %c0 -> !tile.tile<32x32, f32> {
    ^bb0(%a: !tile.tile<32x32, f32>):
      grid.yield %a : !tile.tile<32x32, f32>
    }
  } -> tensor<32x32xf32, #l>
  return %y : tensor<32x32xf32, #l>
}

// -----

#l = #grid.layout<tile 32x32, f32, dram, interleaved>
func.func @compute_yield_type(%x: tensor<32x32xf32, #l>) -> tensor<32x32xf32, #l> {
  %e = grid.empty : tensor<32x32xf32, #l>
  %y = grid.dispatch "copy" on <(0, 0) to (0, 0)> ins(%x : tensor<32x32xf32, #l>) outs(%e : tensor<32x32xf32, #l>)
      attributes {dst_format = #tile<format f32>, fidelity = #tile<fidelity HiFi4>} {
  ^bb0(%in: tensor<32x32xf32, #l>, %out: tensor<32x32xf32, #l>):
    %c0 = arith.constant 0 : index
    %t = grid.load %in[%c0] map affine_map<(d0) -> (d0)> : tensor<32x32xf32, #l> -> !tile.tile<32x32, f32>
    // expected-error @+1 {{'grid.compute' op yields '!tile.tile<32x32, f32>' but its result is '!tile.tile<32x32, bf16>'}}
    %r = grid.compute(%t : !tile.tile<32x32, f32>) at %c0 -> !tile.tile<32x32, bf16> {
    ^bb0(%a: !tile.tile<32x32, f32>, %u: index):
      grid.yield %a : !tile.tile<32x32, f32>
    }
  } -> tensor<32x32xf32, #l>
  return %y : tensor<32x32xf32, #l>
}

// -----

#l = #grid.layout<tile 32x32, f32, dram, interleaved>
func.func @kernels_and_tile_loop(%x: tensor<32x32xf32, #l>) -> tensor<32x32xf32, #l> {
  %e = grid.empty : tensor<32x32xf32, #l>
  // expected-error @+1 {{'grid.dispatch' op body mixes noc.kernel ops with a tile loop; it holds one or the other}}
  %y = grid.dispatch "copy" on <(0, 0) to (0, 0)> ins(%x : tensor<32x32xf32, #l>) outs(%e : tensor<32x32xf32, #l>)
      attributes {dst_format = #tile<format f32>, fidelity = #tile<fidelity HiFi4>} {
  ^bb0(%in: tensor<32x32xf32, #l>, %out: tensor<32x32xf32, #l>):
    %c0 = arith.constant 0 : index
    %t = grid.load %in[%c0] map affine_map<(d0) -> (d0)> : tensor<32x32xf32, #l> -> !tile.tile<32x32, f32>
    noc.kernel writer {
    }
  } -> tensor<32x32xf32, #l>
  return %y : tensor<32x32xf32, #l>
}

// -----

#l = #grid.layout<tile 32x32, f32, dram, interleaved>
func.func @gather_run(%x: tensor<32x32xf32, #l>) -> tensor<32x32xf32, #l> {
  %e = grid.empty : tensor<32x32xf32, #l>
  %y = grid.dispatch "copy" on <(0, 0) to (0, 0)> ins(%x : tensor<32x32xf32, #l>) outs(%e : tensor<32x32xf32, #l>)
      attributes {dst_format = #tile<format f32>, fidelity = #tile<fidelity HiFi4>} {
  ^bb0(%in: tensor<32x32xf32, #l>, %out: tensor<32x32xf32, #l>):
    %c0 = arith.constant 0 : index
    // expected-error @+1 {{'grid.gather' op run length 3 must divide 32, or be 1024 (a whole tile)}}
    %t = grid.gather %in[%c0] map affine_map<(d0, d1, d2) -> (0, d1 * 32 + d2, 0)> run 3 columns 32 fill 0.0 : tensor<32x32xf32, #l> -> !tile.tile<32x32, f32>
  } -> tensor<32x32xf32, #l>
  return %y : tensor<32x32xf32, #l>
}

// -----

#l = #grid.layout<tile 32x32, f32, dram, interleaved>
func.func @gather_map(%x: tensor<32x32xf32, #l>) -> tensor<32x32xf32, #l> {
  %e = grid.empty : tensor<32x32xf32, #l>
  %y = grid.dispatch "copy" on <(0, 0) to (0, 0)> ins(%x : tensor<32x32xf32, #l>) outs(%e : tensor<32x32xf32, #l>)
      attributes {dst_format = #tile<format f32>, fidelity = #tile<fidelity HiFi4>} {
  ^bb0(%in: tensor<32x32xf32, #l>, %out: tensor<32x32xf32, #l>):
    %c0 = arith.constant 0 : index
    // expected-error @+1 {{'grid.gather' op map must take (unit, row, column) to (tile, offset, outside)}}
    %t = grid.gather %in[%c0] map affine_map<(d0, d1, d2) -> (0, d1 * 32 + d2)> run 32 columns 32 fill 0.0 : tensor<32x32xf32, #l> -> !tile.tile<32x32, f32>
  } -> tensor<32x32xf32, #l>
  return %y : tensor<32x32xf32, #l>
}

// -----

#l = #grid.layout<tile 32x32, f32, dram, interleaved>
func.func @load_one_of_map(%x: tensor<32x32xf32, #l>) -> tensor<32x32xf32, #l> {
  %e = grid.empty : tensor<32x32xf32, #l>
  %y = grid.dispatch "concat" on <(0, 0) to (0, 0)> ins(%x : tensor<32x32xf32, #l>) outs(%e : tensor<32x32xf32, #l>)
      attributes {dst_format = #tile<format f32>, fidelity = #tile<fidelity HiFi4>} {
  ^bb0(%in: tensor<32x32xf32, #l>, %out: tensor<32x32xf32, #l>):
    %c0 = arith.constant 0 : index
    // expected-error @+1 {{'grid.load_one_of' op map must take the unit (at most one dim, no symbols) to a flag and a tile index per source}}
    %t = grid.load_one_of %in, %in[%c0] map affine_map<(d0) -> (1, 0)> : tensor<32x32xf32, #l>, tensor<32x32xf32, #l> -> !tile.tile<32x32, f32>
  } -> tensor<32x32xf32, #l>
  return %y : tensor<32x32xf32, #l>
}

// -----

#l = #grid.layout<tile 32x32, f32, dram, interleaved>
func.func @gather_rows_map(%x: tensor<32x32xf32, #l>) -> tensor<32x32xf32, #l> {
  %e = grid.empty : tensor<32x32xf32, #l>
  %y = grid.dispatch "gather_rows" on <(0, 0) to (0, 0)> ins(%x : tensor<32x32xf32, #l>) outs(%e : tensor<32x32xf32, #l>)
      attributes {dst_format = #tile<format f32>, fidelity = #tile<fidelity HiFi4>} {
  ^bb0(%in: tensor<32x32xf32, #l>, %out: tensor<32x32xf32, #l>):
    %c0 = arith.constant 0 : index
    // expected-error @+1 {{'grid.gather_rows' op map must take the unit to the indices' tile and the table's column tile}}
    %t = grid.gather_rows %in, %in[%c0] map affine_map<(d0) -> (d0)> count 32 : tensor<32x32xf32, #l>, tensor<32x32xf32, #l> -> !tile.tile<32x32, f32>
  } -> tensor<32x32xf32, #l>
  return %y : tensor<32x32xf32, #l>
}

// -----

// expected-error @+1 {{the rhs's stored tiles must not be negative}}
func.func @matmul_config_negative_stored_tiles() attributes {c = #grid.matmul_config<grid = [1, 2], cores = [2, 1], block = [1, 1], subblock = [1, 1], k_chunk = 1, rhs_stored_tiles = -1>} { return }

// -----

// expected-error @+1 {{writes are 'deferred' or 'at_end', not 'later'}}
func.func @matmul_config_bad_writes() attributes {c = #grid.matmul_config<grid = [1, 2], cores = [2, 1], block = [1, 1], subblock = [1, 1], k_chunk = 1, writes = later>} { return }

// -----

// expected-error @+1 {{zero lhs tiles are 'skipped' or 'multiplied', not 'dropped'}}
func.func @matmul_config_bad_zero_lhs() attributes {c = #grid.matmul_config<grid = [1, 2], cores = [2, 1], block = [1, 1], subblock = [1, 1], k_chunk = 1, lhs_zero_tiles = dropped>} { return }

// -----

// A joined dispatch continues the program of a dispatch before it.
#l = #grid.layout<tile 32x32, f32, dram, interleaved>
func.func @joined_first(%x: tensor<32x32xf32, #l>) -> tensor<32x32xf32, #l> {
  %e = grid.empty : tensor<32x32xf32, #l>
  // expected-error @+1 {{'grid.dispatch' op is joined but no dispatch comes before it in its block}}
  %y = grid.dispatch "relu" on <(0, 0) to (0, 0)> ins(%x : tensor<32x32xf32, #l>) outs(%e : tensor<32x32xf32, #l>)
      attributes {dst_format = #tile<format f32>, fidelity = #tile<fidelity HiFi4>, joined} {
  ^bb0(%in: tensor<32x32xf32, #l>, %out: tensor<32x32xf32, #l>):
    noc.kernel reader {
    }
  } -> tensor<32x32xf32, #l>
  return %y : tensor<32x32xf32, #l>
}

// -----

// Only lowered dispatches (kernels) form programs.
#l = #grid.layout<tile 32x32, f32, dram, interleaved>
func.func @joined_tile_loop(%x: tensor<32x32xf32, #l>) -> tensor<32x32xf32, #l> {
  %e = grid.empty : tensor<32x32xf32, #l>
  %y = grid.dispatch "relu" on <(0, 0) to (0, 0)> ins(%x : tensor<32x32xf32, #l>) outs(%e : tensor<32x32xf32, #l>)
      attributes {dst_format = #tile<format f32>, fidelity = #tile<fidelity HiFi4>} {
  ^bb0(%in: tensor<32x32xf32, #l>, %out: tensor<32x32xf32, #l>):
    noc.kernel reader {
    }
  } -> tensor<32x32xf32, #l>
  %f = grid.empty : tensor<32x32xf32, #l>
  // expected-error @+1 {{'grid.dispatch' op is joined but holds no kernels: only lowered dispatches form programs}}
  %z = grid.dispatch "relu" on <(0, 0) to (0, 0)> ins(%y : tensor<32x32xf32, #l>) outs(%f : tensor<32x32xf32, #l>)
      attributes {dst_format = #tile<format f32>, fidelity = #tile<fidelity HiFi4>, joined} {
  ^bb0(%in: tensor<32x32xf32, #l>, %out: tensor<32x32xf32, #l>):
  } -> tensor<32x32xf32, #l>
  return %z : tensor<32x32xf32, #l>
}

// -----

// expected-error @+1 {{'grid.over_residual' needs an operand of the result's type to write over}}
func.func @over_nothing() attributes {grid.over_residual} { return }

// -----

// expected-error @+1 {{'grid.staged_cycles' is [staged, direct], two non-negative cycle counts, on a grid.reshard}}
func.func @staged_not_a_reshard() attributes {grid.staged_cycles = array<i64: 10, 20>} { return }

// -----

#d = #grid.layout<tile 32x32, bf16, dram, interleaved>
#l = #grid.layout<tile 32x32, bf16, l1, interleaved>
func.func @staged_one_estimate(%x: tensor<64x64xf32, #d>) -> tensor<64x64xf32, #l> {
  // expected-error @+1 {{'grid.staged_cycles' is [staged, direct], two non-negative cycle counts, on a grid.reshard}}
  %r = grid.reshard %x {grid.staged_cycles = array<i64: 10>} : tensor<64x64xf32, #d> -> tensor<64x64xf32, #l>
  return %r : tensor<64x64xf32, #l>
}

// -----

// A bf16 Dst holds 16 bits a value: an int32 tile does not go through it.
#i = #grid.layout<tile 32x32, int32, dram, interleaved>
func.func @int32_tile_in_bf16_dst(%x: tensor<32x32xi32, #i>) -> tensor<32x32xi32, #i> {
  %e = grid.empty : tensor<32x32xi32, #i>
  %y = grid.dispatch "neg" on <(0, 0) to (0, 0)> ins(%x : tensor<32x32xi32, #i>) outs(%e : tensor<32x32xi32, #i>)
      attributes {dst_format = #tile<format bf16>, fidelity = #tile<fidelity HiFi4>} {
  ^bb0(%in: tensor<32x32xi32, #i>, %out: tensor<32x32xi32, #i>):
    %cb0 = noc.cb 0 : !noc.cb<!tile.tile<32x32, int32>, 2>
    noc.kernel compute {
      %c0 = arith.constant 0 : index
      %t = noc.cb_get %cb0[%c0] : !noc.cb<!tile.tile<32x32, int32>, 2> -> !tile.tile<32x32, int32>
      tile.acquire_dst
      // expected-error @+1 {{'tile.copy' op takes an int32 tile in a dispatch whose Dst is bf16}}
      tile.copy %t, dst[%c0] : !tile.tile<32x32, int32>
      tile.release_dst
    }
  } -> tensor<32x32xi32, #i>
  return %y : tensor<32x32xi32, #i>
}

// -----

// An int32 Dst runs only ops with an integer form: no exp.
#i = #grid.layout<tile 32x32, int32, dram, interleaved>
func.func @float_op_in_int32_dst(%x: tensor<32x32xi32, #i>) -> tensor<32x32xi32, #i> {
  %e = grid.empty : tensor<32x32xi32, #i>
  %y = grid.dispatch "exp" on <(0, 0) to (0, 0)> ins(%x : tensor<32x32xi32, #i>) outs(%e : tensor<32x32xi32, #i>)
      attributes {dst_format = #tile<format int32>, fidelity = #tile<fidelity HiFi4>} {
  ^bb0(%in: tensor<32x32xi32, #i>, %out: tensor<32x32xi32, #i>):
    noc.kernel compute {
      %c0 = arith.constant 0 : index
      tile.acquire_dst
      // expected-error @+1 {{'tile.unary' op 'exp' has no integer form for an int32 Dst}}
      tile.unary exp dst[%c0]
      tile.release_dst
    }
  } -> tensor<32x32xi32, #i>
  return %y : tensor<32x32xi32, #i>
}

// -----

// A float Dst computes on no int32 tile.
#i = #grid.layout<tile 32x32, int32, dram, interleaved>
func.func @int32_math_in_f32_dst(%x: tensor<32x32xi32, #i>) -> tensor<32x32xi32, #i> {
  %e = grid.empty : tensor<32x32xi32, #i>
  %y = grid.dispatch "add" on <(0, 0) to (0, 0)> ins(%x : tensor<32x32xi32, #i>) outs(%e : tensor<32x32xi32, #i>)
      attributes {dst_format = #tile<format f32>, fidelity = #tile<fidelity HiFi4>} {
  ^bb0(%in: tensor<32x32xi32, #i>, %out: tensor<32x32xi32, #i>):
    %cb0 = noc.cb 0 : !noc.cb<!tile.tile<32x32, int32>, 2>
    noc.kernel compute {
      %c0 = arith.constant 0 : index
      %t = noc.cb_get %cb0[%c0] : !noc.cb<!tile.tile<32x32, int32>, 2> -> !tile.tile<32x32, int32>
      tile.acquire_dst
      // expected-error @+1 {{'tile.binary' op computes on an int32 tile in a dispatch whose Dst is f32}}
      tile.binary add bcast none %t, %t, dst[%c0] : !tile.tile<32x32, int32>, !tile.tile<32x32, int32>
      tile.release_dst
    }
  } -> tensor<32x32xi32, #i>
  return %y : tensor<32x32xi32, #i>
}

// -----

#l = #grid.layout<tile 32x32, f32, dram, interleaved>
func.func @load_row_one_dim(%x: tensor<32x64xf32, #l>) -> tensor<32x64xf32, #l> {
  %e = grid.empty : tensor<32x64xf32, #l>
  %y = grid.dispatch "rows" on <(0, 0) to (0, 0)> ins(%x : tensor<32x64xf32, #l>) outs(%e : tensor<32x64xf32, #l>)
      attributes {dst_format = #tile<format f32>, fidelity = #tile<fidelity HiFi4>} {
  ^bb0(%in: tensor<32x64xf32, #l>, %out: tensor<32x64xf32, #l>):
    %c0 = arith.constant 0 : index
    // expected-error @+1 {{'grid.load_row' op map must take (unit, tile of the row) to one index}}
    %r = grid.load_row %in[%c0] map affine_map<(d0) -> (d0)> : tensor<32x64xf32, #l> -> tensor<2x!tile.tile<32x32, f32>>
  } -> tensor<32x64xf32, #l>
  return %y : tensor<32x64xf32, #l>
}

// -----

#l = #grid.layout<tile 32x32, f32, dram, interleaved>
func.func @load_row_not_a_row(%x: tensor<32x64xf32, #l>) -> tensor<32x64xf32, #l> {
  %e = grid.empty : tensor<32x64xf32, #l>
  %y = grid.dispatch "rows" on <(0, 0) to (0, 0)> ins(%x : tensor<32x64xf32, #l>) outs(%e : tensor<32x64xf32, #l>)
      attributes {dst_format = #tile<format f32>, fidelity = #tile<fidelity HiFi4>} {
  ^bb0(%in: tensor<32x64xf32, #l>, %out: tensor<32x64xf32, #l>):
    %c0 = arith.constant 0 : index
    // expected-error @+1 {{'grid.load_row' op result 'tensor<1x2x!tile.tile<32x32, f32>>' must be a row of one or more tiles}}
    %r = grid.load_row %in[%c0] map affine_map<(d0, d1) -> (d0 + d1)> : tensor<32x64xf32, #l> -> tensor<1x2x!tile.tile<32x32, f32>>
  } -> tensor<32x64xf32, #l>
  return %y : tensor<32x64xf32, #l>
}

// -----

#l = #grid.layout<tile 32x32, f32, dram, interleaved>
func.func @load_row_format(%x: tensor<32x64xf32, #l>) -> tensor<32x64xf32, #l> {
  %e = grid.empty : tensor<32x64xf32, #l>
  %y = grid.dispatch "rows" on <(0, 0) to (0, 0)> ins(%x : tensor<32x64xf32, #l>) outs(%e : tensor<32x64xf32, #l>)
      attributes {dst_format = #tile<format f32>, fidelity = #tile<fidelity HiFi4>} {
  ^bb0(%in: tensor<32x64xf32, #l>, %out: tensor<32x64xf32, #l>):
    %c0 = arith.constant 0 : index
    // expected-error @+1 {{'grid.load_row' op tile format bf16 differs from the tensor's f32}}
    %r = grid.load_row %in[%c0] map affine_map<(d0, d1) -> (d0 + d1)> : tensor<32x64xf32, #l> -> tensor<2x!tile.tile<32x32, bf16>>
  } -> tensor<32x64xf32, #l>
  return %y : tensor<32x64xf32, #l>
}

// -----

#l = #grid.layout<tile 32x32, f32, dram, interleaved>
func.func @load_row_with_layout(%x: tensor<32x64xf32, #l>) -> tensor<32x64xf32, #l> {
  %e = grid.empty : tensor<32x64xf32, #l>
  %y = grid.dispatch "rows" on <(0, 0) to (0, 0)> ins(%x : tensor<32x64xf32, #l>) outs(%e : tensor<32x64xf32, #l>)
      attributes {dst_format = #tile<format f32>, fidelity = #tile<fidelity HiFi4>} {
  ^bb0(%in: tensor<32x64xf32, #l>, %out: tensor<32x64xf32, #l>):
    %c0 = arith.constant 0 : index
    // expected-error @+1 {{'grid.load_row' op a row of tiles has no layout: the kernels hold it in L1}}
    %r = grid.load_row %in[%c0] map affine_map<(d0, d1) -> (d0 + d1)> : tensor<32x64xf32, #l> -> tensor<2x!tile.tile<32x32, f32>, #l>
  } -> tensor<32x64xf32, #l>
  return %y : tensor<32x64xf32, #l>
}

// -----

#l = #grid.layout<tile 32x32, f32, dram, interleaved>
func.func @load_row_scalars_of_a_matrix(%x: tensor<32x64xf32, #l>) -> tensor<32x64xf32, #l> {
  %e = grid.empty : tensor<32x64xf32, #l>
  %y = grid.dispatch "rows" on <(0, 0) to (0, 0)> ins(%x : tensor<32x64xf32, #l>) outs(%e : tensor<32x64xf32, #l>)
      attributes {dst_format = #tile<format f32>, fidelity = #tile<fidelity HiFi4>} {
  ^bb0(%in: tensor<32x64xf32, #l>, %out: tensor<32x64xf32, #l>):
    %c0 = arith.constant 0 : index
    // expected-error @+1 {{'grid.load_row' op reads scalars of a one-dimensional tensor only, and no first rows}}
    %r = grid.load_row %in[%c0] map affine_map<(d0, d1) -> (d0 + d1)> {scalars} : tensor<32x64xf32, #l> -> tensor<2x!tile.tile<32x32, f32>>
  } -> tensor<32x64xf32, #l>
  return %y : tensor<32x64xf32, #l>
}

// -----

func.func @reshard_without_layouts(%x: tensor<64x64xf32>) -> tensor<64x64xf32> {
  // expected-error @+1 {{'grid.reshard' op input and result need #grid.layout encodings}}
  %r = grid.reshard %x : tensor<64x64xf32> -> tensor<64x64xf32>
  return %r : tensor<64x64xf32>
}

// -----

#d = #grid.layout<tile 32x32, bf16, dram, interleaved>
#l = #grid.layout<tile 32x32, bf16, l1, interleaved>
func.func @reshard_reshapes(%x: tensor<64x64xf32, #d>) -> tensor<32x128xf32, #l> {
  // expected-error @+1 {{'grid.reshard' op result type 'tensor<32x128xf32, #grid.layout<tile 32x32, bf16, l1, interleaved>>' must have the input's shape and element type}}
  %r = grid.reshard %x : tensor<64x64xf32, #d> -> tensor<32x128xf32, #l>
  return %r : tensor<32x128xf32, #l>
}

// -----

#d = #grid.layout<tile 32x32, bf16, dram, interleaved>
#l = #grid.layout<tile 32x32, bfp8_b, l1, interleaved>
func.func @reshard_converts(%x: tensor<64x64xf32, #d>) -> tensor<64x64xf32, #l> {
  // expected-error @+1 {{'grid.reshard' op changes the data format from bf16 to bfp8_b; a reshard moves tiles, it does not convert them}}
  %r = grid.reshard %x : tensor<64x64xf32, #d> -> tensor<64x64xf32, #l>
  return %r : tensor<64x64xf32, #l>
}

// -----

#d = #grid.layout<tile 32x32, bf16, dram, interleaved>
#w = #grid.layout<tile 32x32, bf16, l1, width_sharded, shard 1x1, cores <(0, 0) to (3, 0)>>
func.func @reshard_width_shards_of_part_columns(%x: tensor<64x64xf32, #d>) -> tensor<64x64xf32, #w> {
  // expected-error @+1 {{'grid.reshard' op result width-sharded shards hold whole columns of 2 tiles, not 1}}
  %r = grid.reshard %x : tensor<64x64xf32, #d> -> tensor<64x64xf32, #w>
  return %r : tensor<64x64xf32, #w>
}

// -----

#h = #grid.layout<tile 32x32, bf16, l1, height_sharded, shard 1x1, cores <(0, 0) to (3, 0)>>
#d = #grid.layout<tile 32x32, bf16, dram, interleaved>
func.func @reshard_from_height_shards_of_part_rows(%x: tensor<64x64xf32, #h>) -> tensor<64x64xf32, #d> {
  // expected-error @+1 {{'grid.reshard' op input height-sharded shards hold whole rows of 2 tiles, not 1}}
  %r = grid.reshard %x : tensor<64x64xf32, #h> -> tensor<64x64xf32, #d>
  return %r : tensor<64x64xf32, #d>
}

// -----

func.func @empty_with_too_few_shards() {
  // expected-error @+1 {{'grid.empty' op result shards of 1x2 tiles must divide its 2x2 tiles into one shard per core of its 4 cores}}
  %e = grid.empty : tensor<64x64xf32, #grid.layout<tile 32x32, bf16, l1, block_sharded, shard 1x2, cores <(0, 0) to (3, 0)>>>
  return
}

// -----

#d = #grid.layout<tile 32x32, bf16, dram, interleaved>
#h = #grid.layout<tile 32x32, bf16, l1, height_sharded, shard 3x2, cores <(0, 0) to (1, 0)>>
func.func @reshard_shards_do_not_divide(%x: tensor<256x64xf32, #d>) -> tensor<256x64xf32, #h> {
  // expected-error @+1 {{'grid.reshard' op result shards of 3x2 tiles must divide its 8x2 tiles into one shard per core of its 2 cores}}
  %r = grid.reshard %x : tensor<256x64xf32, #d> -> tensor<256x64xf32, #h>
  return %r : tensor<256x64xf32, #h>
}

// -----

func.func @attention_config_on_a_matmul(%a: tensor<64x64xf32>, %b: tensor<64x64xf32>) -> tensor<64x64xf32> {
  // expected-error @+1 {{a #grid.attention_config belongs on a graph.sdpa}}
  %0 = graph.matmul %a, %b {grid.config = #grid.attention_config<block = 1, chunk = 1>} : (tensor<64x64xf32>, tensor<64x64xf32>) -> tensor<64x64xf32>
  return %0 : tensor<64x64xf32>
}

// -----

func.func @attention_config_of_no_keys(%q: tensor<1x32x32xf32>, %kt: tensor<1x32x32xf32>, %v: tensor<1x32x32xf32>) -> tensor<1x32x32xf32> {
  // expected-error @+1 {{an attention config's block and chunk are at least one tile, not 1 and 0}}
  %o = graph.sdpa %q, %kt, %v {scale = 1.0 : f32, grid.config = #grid.attention_config<block = 1, chunk = 0>} : (tensor<1x32x32xf32>, tensor<1x32x32xf32>, tensor<1x32x32xf32>) -> tensor<1x32x32xf32>
  return %o : tensor<1x32x32xf32>
}
