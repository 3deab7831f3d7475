// RUN: tt-opt %s -split-input-file -verify-diagnostics

// expected-error @+1 {{a circular buffer holds at least one tile, got 0}}
func.func @cb_type_empty(%cb: !noc.cb<!tile.tile<32x32, f32>, 0>) { return }

// -----

// expected-error @+2 {{tiles must be 32x32, got 32x16}}
// expected-error @+1 {{failed to parse NoC_CircularBufferType parameter 'tileType'}}
func.func @cb_type_bad_tile(%cb: !noc.cb<!tile.tile<32x16, f32>, 2>) { return }

// -----

func.func @cb_outside_dispatch() {
  // expected-error @+1 {{'noc.cb' op must be declared directly in a grid.dispatch body}}
  %cb = noc.cb 0 : !noc.cb<!tile.tile<32x32, f32>, 2>
  return
}

// -----

#l = #grid.layout<tile 32x32, f32, dram, interleaved>
func.func @cb_in_kernel(%x: tensor<32x32xf32, #l>) {
  %e = grid.empty : tensor<32x32xf32, #l>
  %y = grid.dispatch "t" on <(0, 0) to (0, 0)> ins(%x : tensor<32x32xf32, #l>) outs(%e : tensor<32x32xf32, #l>)
      attributes {dst_format = #tile<format f32>, fidelity = #tile<fidelity HiFi4>} {
  ^bb0(%in: tensor<32x32xf32, #l>, %out: tensor<32x32xf32, #l>):
    %cb = noc.cb 0 : !noc.cb<!tile.tile<32x32, f32>, 2>
    noc.kernel reader {
      // expected-error @+1 {{'noc.cb' op must be declared directly in a grid.dispatch body}}
      %cb2 = noc.cb 1 : !noc.cb<!tile.tile<32x32, f32>, 2>
    }
  } -> tensor<32x32xf32, #l>
  return
}

// -----

#l = #grid.layout<tile 32x32, f32, dram, interleaved>
func.func @cb_duplicate_id(%x: tensor<32x32xf32, #l>) {
  %e = grid.empty : tensor<32x32xf32, #l>
  %y = grid.dispatch "t" on <(0, 0) to (0, 0)> ins(%x : tensor<32x32xf32, #l>) outs(%e : tensor<32x32xf32, #l>)
      attributes {dst_format = #tile<format f32>, fidelity = #tile<fidelity HiFi4>} {
  ^bb0(%in: tensor<32x32xf32, #l>, %out: tensor<32x32xf32, #l>):
    // expected-error @+1 {{'noc.cb' op id 0 is declared twice in this dispatch}}
    %cb = noc.cb 0 : !noc.cb<!tile.tile<32x32, f32>, 2>
    %cb2 = noc.cb 0 : !noc.cb<!tile.tile<32x32, bf16>, 4>
  } -> tensor<32x32xf32, #l>
  return
}

// -----

func.func @kernel_outside_dispatch() {
  // expected-error @+1 {{'noc.kernel' op must be directly in a grid.dispatch body}}
  noc.kernel reader {
  }
  return
}

// -----

#l = #grid.layout<tile 32x32, f32, dram, interleaved>
func.func @two_readers(%x: tensor<32x32xf32, #l>) {
  %e = grid.empty : tensor<32x32xf32, #l>
  %y = grid.dispatch "t" on <(0, 0) to (0, 0)> ins(%x : tensor<32x32xf32, #l>) outs(%e : tensor<32x32xf32, #l>)
      attributes {dst_format = #tile<format f32>, fidelity = #tile<fidelity HiFi4>} {
  ^bb0(%in: tensor<32x32xf32, #l>, %out: tensor<32x32xf32, #l>):
    %cb = noc.cb 0 : !noc.cb<!tile.tile<32x32, f32>, 2>
    // expected-error @+1 {{'noc.kernel' op dispatch has two reader kernels}}
    noc.kernel reader {
    }
    noc.kernel reader {
    }
  } -> tensor<32x32xf32, #l>
  return
}

// -----

#l = #grid.layout<tile 32x32, f32, dram, interleaved>
func.func @two_compute(%x: tensor<32x32xf32, #l>) {
  %e = grid.empty : tensor<32x32xf32, #l>
  %y = grid.dispatch "t" on <(0, 0) to (0, 0)> ins(%x : tensor<32x32xf32, #l>) outs(%e : tensor<32x32xf32, #l>)
      attributes {dst_format = #tile<format f32>, fidelity = #tile<fidelity HiFi4>} {
  ^bb0(%in: tensor<32x32xf32, #l>, %out: tensor<32x32xf32, #l>):
    %cb = noc.cb 0 : !noc.cb<!tile.tile<32x32, f32>, 2>
    // expected-error @+1 {{'noc.kernel' op dispatch has two compute kernels}}
    noc.kernel compute {
    }
    noc.kernel writer {
    }
    noc.kernel compute {
    }
  } -> tensor<32x32xf32, #l>
  return
}

// -----

#l = #grid.layout<tile 32x32, f32, dram, interleaved>
func.func @nested_kernel(%x: tensor<32x32xf32, #l>) {
  %e = grid.empty : tensor<32x32xf32, #l>
  %y = grid.dispatch "t" on <(0, 0) to (0, 0)> ins(%x : tensor<32x32xf32, #l>) outs(%e : tensor<32x32xf32, #l>)
      attributes {dst_format = #tile<format f32>, fidelity = #tile<fidelity HiFi4>} {
  ^bb0(%in: tensor<32x32xf32, #l>, %out: tensor<32x32xf32, #l>):
    %cb = noc.cb 0 : !noc.cb<!tile.tile<32x32, f32>, 2>
    noc.kernel reader {
      // expected-error @+1 {{'noc.kernel' op must be directly in a grid.dispatch body}}
      noc.kernel writer {
      }
    }
  } -> tensor<32x32xf32, #l>
  return
}

// -----

#l = #grid.layout<tile 32x32, f32, dram, interleaved>
func.func @reserve_outside_kernel(%x: tensor<32x32xf32, #l>) {
  %e = grid.empty : tensor<32x32xf32, #l>
  %y = grid.dispatch "t" on <(0, 0) to (0, 0)> ins(%x : tensor<32x32xf32, #l>) outs(%e : tensor<32x32xf32, #l>)
      attributes {dst_format = #tile<format f32>, fidelity = #tile<fidelity HiFi4>} {
  ^bb0(%in: tensor<32x32xf32, #l>, %out: tensor<32x32xf32, #l>):
    %cb = noc.cb 0 : !noc.cb<!tile.tile<32x32, f32>, 2>
    // expected-error @+1 {{'noc.cb_reserve' op must be inside a noc.kernel}}
    noc.cb_reserve %cb, 1 : !noc.cb<!tile.tile<32x32, f32>, 2>
  } -> tensor<32x32xf32, #l>
  return
}

// -----

#l = #grid.layout<tile 32x32, f32, dram, interleaved>
func.func @reserve_over_capacity(%x: tensor<32x32xf32, #l>) {
  %e = grid.empty : tensor<32x32xf32, #l>
  %y = grid.dispatch "t" on <(0, 0) to (0, 0)> ins(%x : tensor<32x32xf32, #l>) outs(%e : tensor<32x32xf32, #l>)
      attributes {dst_format = #tile<format f32>, fidelity = #tile<fidelity HiFi4>} {
  ^bb0(%in: tensor<32x32xf32, #l>, %out: tensor<32x32xf32, #l>):
    %cb = noc.cb 0 : !noc.cb<!tile.tile<32x32, f32>, 2>
    noc.kernel reader {
      // expected-error @+1 {{'noc.cb_reserve' op count 3 is outside [1, 2], the buffer's capacity}}
      noc.cb_reserve %cb, 3 : !noc.cb<!tile.tile<32x32, f32>, 2>
    }
  } -> tensor<32x32xf32, #l>
  return
}

// -----

#l = #grid.layout<tile 32x32, f32, dram, interleaved>
func.func @push_zero(%x: tensor<32x32xf32, #l>) {
  %e = grid.empty : tensor<32x32xf32, #l>
  %y = grid.dispatch "t" on <(0, 0) to (0, 0)> ins(%x : tensor<32x32xf32, #l>) outs(%e : tensor<32x32xf32, #l>)
      attributes {dst_format = #tile<format f32>, fidelity = #tile<fidelity HiFi4>} {
  ^bb0(%in: tensor<32x32xf32, #l>, %out: tensor<32x32xf32, #l>):
    %cb = noc.cb 0 : !noc.cb<!tile.tile<32x32, f32>, 2>
    noc.kernel reader {
      // expected-error @+1 {{'noc.cb_push' op count 0 is outside [1, 2], the buffer's capacity}}
      noc.cb_push %cb, 0 : !noc.cb<!tile.tile<32x32, f32>, 2>
    }
  } -> tensor<32x32xf32, #l>
  return
}

// -----

#l = #grid.layout<tile 32x32, f32, dram, interleaved>
func.func @wait_over_capacity(%x: tensor<32x32xf32, #l>) {
  %e = grid.empty : tensor<32x32xf32, #l>
  %y = grid.dispatch "t" on <(0, 0) to (0, 0)> ins(%x : tensor<32x32xf32, #l>) outs(%e : tensor<32x32xf32, #l>)
      attributes {dst_format = #tile<format f32>, fidelity = #tile<fidelity HiFi4>} {
  ^bb0(%in: tensor<32x32xf32, #l>, %out: tensor<32x32xf32, #l>):
    %cb = noc.cb 0 : !noc.cb<!tile.tile<32x32, f32>, 2>
    noc.kernel compute {
      // expected-error @+1 {{'noc.cb_wait' op count 4 is outside [1, 2], the buffer's capacity}}
      noc.cb_wait %cb, 4 : !noc.cb<!tile.tile<32x32, f32>, 2>
    }
  } -> tensor<32x32xf32, #l>
  return
}

// -----

#l = #grid.layout<tile 32x32, f32, dram, interleaved>
func.func @get_type(%x: tensor<32x32xf32, #l>) {
  %e = grid.empty : tensor<32x32xf32, #l>
  %y = grid.dispatch "t" on <(0, 0) to (0, 0)> ins(%x : tensor<32x32xf32, #l>) outs(%e : tensor<32x32xf32, #l>)
      attributes {dst_format = #tile<format f32>, fidelity = #tile<fidelity HiFi4>} {
  ^bb0(%in: tensor<32x32xf32, #l>, %out: tensor<32x32xf32, #l>):
    %cb = noc.cb 0 : !noc.cb<!tile.tile<32x32, f32>, 2>
    noc.kernel compute {
      %c0 = arith.constant 0 : index
      // expected-error @+1 {{'noc.cb_get' op result '!tile.tile<32x32, bf16>' differs from the buffer's tiles '!tile.tile<32x32, f32>'}}
      %t = noc.cb_get %cb[%c0] : !noc.cb<!tile.tile<32x32, f32>, 2> -> !tile.tile<32x32, bf16>
    }
  } -> tensor<32x32xf32, #l>
  return
}

// -----

#l = #grid.layout<tile 32x32, f32, dram, interleaved>
func.func @put_type(%x: tensor<32x32xf32, #l>) {
  %e = grid.empty : tensor<32x32xf32, #l>
  %y = grid.dispatch "t" on <(0, 0) to (0, 0)> ins(%x : tensor<32x32xf32, #l>) outs(%e : tensor<32x32xf32, #l>)
      attributes {dst_format = #tile<format f32>, fidelity = #tile<fidelity HiFi4>} {
  ^bb0(%in: tensor<32x32xf32, #l>, %out: tensor<32x32xf32, #l>):
    %cb = noc.cb 0 : !noc.cb<!tile.tile<32x32, f32>, 2>
    noc.kernel compute {
      %c0 = arith.constant 0 : index
      %p = tile.pack dst[%c0] : !tile.tile<32x32, bfp8_b>
      // expected-error @+1 {{'noc.cb_put' op stores '!tile.tile<32x32, bfp8_b>' into a buffer of '!tile.tile<32x32, f32>'}}
      noc.cb_put %p, %cb[%c0] : !tile.tile<32x32, bfp8_b>, !noc.cb<!tile.tile<32x32, f32>, 2>
    }
  } -> tensor<32x32xf32, #l>
  return
}

// -----

#l = #grid.layout<tile 32x32, f32, dram, interleaved>
func.func @accumulate_block_float(%x: tensor<32x32xf32, #l>) {
  %e = grid.empty : tensor<32x32xf32, #l>
  %y = grid.dispatch "t" on <(0, 0) to (0, 0)> ins(%x : tensor<32x32xf32, #l>) outs(%e : tensor<32x32xf32, #l>)
      attributes {dst_format = #tile<format f32>, fidelity = #tile<fidelity HiFi4>} {
  ^bb0(%in: tensor<32x32xf32, #l>, %out: tensor<32x32xf32, #l>):
    %cb = noc.cb 0 : !noc.cb<!tile.tile<32x32, bfp8_b>, 2>
    noc.kernel compute {
      %c0 = arith.constant 0 : index
      %p = tile.pack dst[%c0] : !tile.tile<32x32, bfp8_b>
      // expected-error @+1 {{'noc.cb_put' op accumulates only into f32 or bf16 tiles}}
      noc.cb_put %p, %cb[%c0] accumulate : !tile.tile<32x32, bfp8_b>, !noc.cb<!tile.tile<32x32, bfp8_b>, 2>
    }
  } -> tensor<32x32xf32, #l>
  return
}

// -----

#l = #grid.layout<tile 32x32, f32, dram, interleaved>
func.func @accumulate_relu(%x: tensor<32x32xf32, #l>) {
  %e = grid.empty : tensor<32x32xf32, #l>
  %y = grid.dispatch "t" on <(0, 0) to (0, 0)> ins(%x : tensor<32x32xf32, #l>) outs(%e : tensor<32x32xf32, #l>)
      attributes {dst_format = #tile<format f32>, fidelity = #tile<fidelity HiFi4>} {
  ^bb0(%in: tensor<32x32xf32, #l>, %out: tensor<32x32xf32, #l>):
    %cb = noc.cb 0 : !noc.cb<!tile.tile<32x32, f32>, 2>
    noc.kernel compute {
      %c0 = arith.constant 0 : index
      %p = tile.pack dst[%c0] relu : !tile.tile<32x32, f32>
      // expected-error @+1 {{'noc.cb_put' op accumulates a tile packed with relu}}
      noc.cb_put %p, %cb[%c0] accumulate : !tile.tile<32x32, f32>, !noc.cb<!tile.tile<32x32, f32>, 2>
    }
  } -> tensor<32x32xf32, #l>
  return
}

// -----

#l = #grid.layout<tile 32x32, f32, dram, interleaved>
func.func @read_on_compute(%x: tensor<32x32xf32, #l>) {
  %e = grid.empty : tensor<32x32xf32, #l>
  %y = grid.dispatch "t" on <(0, 0) to (0, 0)> ins(%x : tensor<32x32xf32, #l>) outs(%e : tensor<32x32xf32, #l>)
      attributes {dst_format = #tile<format f32>, fidelity = #tile<fidelity HiFi4>} {
  ^bb0(%in: tensor<32x32xf32, #l>, %out: tensor<32x32xf32, #l>):
    %cb = noc.cb 0 : !noc.cb<!tile.tile<32x32, f32>, 2>
    noc.kernel compute {
      %c0 = arith.constant 0 : index
      // expected-error @+1 {{'noc.read' op cannot run on the compute thread, which has no NoC access}}
      noc.read %in[%c0] into %cb[%c0] : tensor<32x32xf32, #l>, !noc.cb<!tile.tile<32x32, f32>, 2>
    }
  } -> tensor<32x32xf32, #l>
  return
}

// -----

#l = #grid.layout<tile 32x32, f32, dram, interleaved>
func.func @read_outside_kernel(%x: tensor<32x32xf32, #l>) {
  %e = grid.empty : tensor<32x32xf32, #l>
  %y = grid.dispatch "t" on <(0, 0) to (0, 0)> ins(%x : tensor<32x32xf32, #l>) outs(%e : tensor<32x32xf32, #l>)
      attributes {dst_format = #tile<format f32>, fidelity = #tile<fidelity HiFi4>} {
  ^bb0(%in: tensor<32x32xf32, #l>, %out: tensor<32x32xf32, #l>):
    %cb = noc.cb 0 : !noc.cb<!tile.tile<32x32, f32>, 2>
    %c0 = arith.constant 0 : index
    // expected-error @+1 {{'noc.read' op must be inside a noc.kernel}}
    noc.read %in[%c0] into %cb[%c0] : tensor<32x32xf32, #l>, !noc.cb<!tile.tile<32x32, f32>, 2>
  } -> tensor<32x32xf32, #l>
  return
}

// -----

func.func @read_no_layout(%x: tensor<32x32xf32>) {
  %e = grid.empty : tensor<32x32xf32, #grid.layout<tile 32x32, f32, dram, interleaved>>
  %y = grid.dispatch "t" on <(0, 0) to (0, 0)> outs(%e : tensor<32x32xf32, #grid.layout<tile 32x32, f32, dram, interleaved>>)
      attributes {dst_format = #tile<format f32>, fidelity = #tile<fidelity HiFi4>} {
  ^bb0(%out: tensor<32x32xf32, #grid.layout<tile 32x32, f32, dram, interleaved>>):
    %cb = noc.cb 0 : !noc.cb<!tile.tile<32x32, f32>, 2>
    noc.kernel reader {
      %c0 = arith.constant 0 : index
      // expected-error @+1 {{'noc.read' op buffer needs a #grid.layout encoding}}
      noc.read %x[%c0] into %cb[%c0] : tensor<32x32xf32>, !noc.cb<!tile.tile<32x32, f32>, 2>
    }
  } -> tensor<32x32xf32, #grid.layout<tile 32x32, f32, dram, interleaved>>
  return
}

// -----

#l = #grid.layout<tile 32x32, f32, dram, interleaved>
func.func @read_format_mismatch(%x: tensor<32x32xf32, #l>) {
  %e = grid.empty : tensor<32x32xf32, #l>
  %y = grid.dispatch "t" on <(0, 0) to (0, 0)> ins(%x : tensor<32x32xf32, #l>) outs(%e : tensor<32x32xf32, #l>)
      attributes {dst_format = #tile<format f32>, fidelity = #tile<fidelity HiFi4>} {
  ^bb0(%in: tensor<32x32xf32, #l>, %out: tensor<32x32xf32, #l>):
    %cb = noc.cb 0 : !noc.cb<!tile.tile<32x32, f32>, 2>
    %cbb = noc.cb 1 : !noc.cb<!tile.tile<32x32, bf16>, 2>
    noc.kernel reader {
      %c0 = arith.constant 0 : index
      // expected-error @+1 {{'noc.read' op buffer holds f32 tiles but the circular buffer holds bf16}}
      noc.read %in[%c0] into %cbb[%c0] : tensor<32x32xf32, #l>, !noc.cb<!tile.tile<32x32, bf16>, 2>
    }
  } -> tensor<32x32xf32, #l>
  return
}

// -----

#l = #grid.layout<tile 32x32, f32, dram, interleaved>
func.func @write_on_compute(%x: tensor<32x32xf32, #l>) {
  %e = grid.empty : tensor<32x32xf32, #l>
  %y = grid.dispatch "t" on <(0, 0) to (0, 0)> ins(%x : tensor<32x32xf32, #l>) outs(%e : tensor<32x32xf32, #l>)
      attributes {dst_format = #tile<format f32>, fidelity = #tile<fidelity HiFi4>} {
  ^bb0(%in: tensor<32x32xf32, #l>, %out: tensor<32x32xf32, #l>):
    %cb = noc.cb 0 : !noc.cb<!tile.tile<32x32, f32>, 2>
    noc.kernel compute {
      %c0 = arith.constant 0 : index
      // expected-error @+1 {{'noc.write' op cannot run on the compute thread, which has no NoC access}}
      noc.write %cb[%c0] into %out[%c0] : !noc.cb<!tile.tile<32x32, f32>, 2>, tensor<32x32xf32, #l>
    }
  } -> tensor<32x32xf32, #l>
  return
}

// -----

#l = #grid.layout<tile 32x32, f32, dram, interleaved>
func.func @write_format_mismatch(%x: tensor<32x32xf32, #l>) {
  %e = grid.empty : tensor<32x32xf32, #l>
  %y = grid.dispatch "t" on <(0, 0) to (0, 0)> ins(%x : tensor<32x32xf32, #l>) outs(%e : tensor<32x32xf32, #l>)
      attributes {dst_format = #tile<format f32>, fidelity = #tile<fidelity HiFi4>} {
  ^bb0(%in: tensor<32x32xf32, #l>, %out: tensor<32x32xf32, #l>):
    %cb = noc.cb 0 : !noc.cb<!tile.tile<32x32, f32>, 2>
    %cbb = noc.cb 1 : !noc.cb<!tile.tile<32x32, bfp8_b>, 2>
    noc.kernel writer {
      %c0 = arith.constant 0 : index
      // expected-error @+1 {{'noc.write' op buffer holds f32 tiles but the circular buffer holds bfp8_b}}
      noc.write %cbb[%c0] into %out[%c0] : !noc.cb<!tile.tile<32x32, bfp8_b>, 2>, tensor<32x32xf32, #l>
    }
  } -> tensor<32x32xf32, #l>
  return
}

// -----

#l = #grid.layout<tile 32x32, f32, dram, interleaved>
func.func @barrier_on_compute(%x: tensor<32x32xf32, #l>) {
  %e = grid.empty : tensor<32x32xf32, #l>
  %y = grid.dispatch "t" on <(0, 0) to (0, 0)> ins(%x : tensor<32x32xf32, #l>) outs(%e : tensor<32x32xf32, #l>)
      attributes {dst_format = #tile<format f32>, fidelity = #tile<fidelity HiFi4>} {
  ^bb0(%in: tensor<32x32xf32, #l>, %out: tensor<32x32xf32, #l>):
    %cb = noc.cb 0 : !noc.cb<!tile.tile<32x32, f32>, 2>
    noc.kernel compute {
      // expected-error @+1 {{'noc.barrier' op cannot run on the compute thread, which has no NoC access}}
      noc.barrier
    }
  } -> tensor<32x32xf32, #l>
  return
}

// -----

#l = #grid.layout<tile 32x32, f32, dram, interleaved>
func.func @flush_on_compute(%x: tensor<32x32xf32, #l>) {
  %e = grid.empty : tensor<32x32xf32, #l>
  %y = grid.dispatch "t" on <(0, 0) to (0, 0)> ins(%x : tensor<32x32xf32, #l>) outs(%e : tensor<32x32xf32, #l>)
      attributes {dst_format = #tile<format f32>, fidelity = #tile<fidelity HiFi4>} {
  ^bb0(%in: tensor<32x32xf32, #l>, %out: tensor<32x32xf32, #l>):
    %cb = noc.cb 0 : !noc.cb<!tile.tile<32x32, f32>, 2>
    noc.kernel compute {
      // expected-error @+1 {{'noc.flush' op cannot run on the compute thread, which has no NoC access}}
      noc.flush
    }
  } -> tensor<32x32xf32, #l>
  return
}

// -----

#l = #grid.layout<tile 32x32, f32, dram, interleaved>
func.func @wait_go_on_compute(%x: tensor<32x32xf32, #l>) {
  %e = grid.empty : tensor<32x32xf32, #l>
  %y = grid.dispatch "t" on <(0, 0) to (0, 0)> ins(%x : tensor<32x32xf32, #l>) outs(%e : tensor<32x32xf32, #l>)
      attributes {dst_format = #tile<format f32>, fidelity = #tile<fidelity HiFi4>} {
  ^bb0(%in: tensor<32x32xf32, #l>, %out: tensor<32x32xf32, #l>):
    noc.kernel compute {
      // expected-error @+1 {{'noc.wait_go' op cannot run on the compute thread, which has no NoC access}}
      noc.wait_go
    }
  } -> tensor<32x32xf32, #l>
  return
}

// -----

#l = #grid.layout<tile 32x32, f32, dram, interleaved>
func.func @wait_go_in_loop(%x: tensor<32x32xf32, #l>) {
  %c0 = arith.constant 0 : index
  %c2 = arith.constant 2 : index
  %c1 = arith.constant 1 : index
  %e = grid.empty : tensor<32x32xf32, #l>
  %y = grid.dispatch "t" on <(0, 0) to (0, 0)> ins(%x : tensor<32x32xf32, #l>) outs(%e : tensor<32x32xf32, #l>)
      attributes {dst_format = #tile<format f32>, fidelity = #tile<fidelity HiFi4>} {
  ^bb0(%in: tensor<32x32xf32, #l>, %out: tensor<32x32xf32, #l>):
    noc.kernel reader {
      scf.for %i = %c0 to %c2 step %c1 {
        // expected-error @+1 {{'noc.wait_go' op must be at the top level of its noc.kernel, outside any loop}}
        noc.wait_go
      }
    }
  } -> tensor<32x32xf32, #l>
  return
}

// -----

#l = #grid.layout<tile 32x32, f32, dram, interleaved>
func.func @wait_go_twice(%x: tensor<32x32xf32, #l>) {
  %e = grid.empty : tensor<32x32xf32, #l>
  %y = grid.dispatch "t" on <(0, 0) to (0, 0)> ins(%x : tensor<32x32xf32, #l>) outs(%e : tensor<32x32xf32, #l>)
      attributes {dst_format = #tile<format f32>, fidelity = #tile<fidelity HiFi4>} {
  ^bb0(%in: tensor<32x32xf32, #l>, %out: tensor<32x32xf32, #l>):
    noc.kernel writer {
      // expected-error @+1 {{'noc.wait_go' op must come once in a kernel}}
      noc.wait_go
      noc.wait_go
    }
  } -> tensor<32x32xf32, #l>
  return
}

// -----

#l = #grid.layout<tile 32x32, f32, dram, interleaved>
func.func @wait_go_after_signal(%x: tensor<32x32xf32, #l>) {
  %c0 = arith.constant 0 : index
  %e = grid.empty : tensor<32x32xf32, #l>
  %y = grid.dispatch "t" on <(0, 0) to (0, 0)> ins(%x : tensor<32x32xf32, #l>) outs(%e : tensor<32x32xf32, #l>)
      attributes {dst_format = #tile<format f32>, fidelity = #tile<fidelity HiFi4>} {
  ^bb0(%in: tensor<32x32xf32, #l>, %out: tensor<32x32xf32, #l>):
    noc.kernel reader {
      noc.sem_inc 0, 1 at (%c0, %c0)
      // expected-error @+1 {{'noc.wait_go' op follows 'noc.sem_inc', which may not run before the go: only reads into the kernel's own circular buffers may}}
      noc.wait_go
    }
  } -> tensor<32x32xf32, #l>
  return
}

// -----

func.func @barrier_outside_kernel() {
  // expected-error @+1 {{'noc.barrier' op must be inside a noc.kernel}}
  noc.barrier
  return
}

// -----

#l = #grid.layout<tile 32x32, f32, dram, interleaved>
func.func @mcast_on_compute(%x: tensor<32x32xf32, #l>) {
  %e = grid.empty : tensor<32x32xf32, #l>
  %y = grid.dispatch "t" on <(0, 0) to (0, 0)> ins(%x : tensor<32x32xf32, #l>) outs(%e : tensor<32x32xf32, #l>)
      attributes {dst_format = #tile<format f32>, fidelity = #tile<fidelity HiFi4>} {
  ^bb0(%in: tensor<32x32xf32, #l>, %out: tensor<32x32xf32, #l>):
    %cb = noc.cb 0 : !noc.cb<!tile.tile<32x32, f32>, 2>
    noc.kernel compute {
      %c0 = arith.constant 0 : index
      // expected-error @+1 {{'noc.mcast' op cannot run on the compute thread, which has no NoC access}}
      noc.mcast %cb[%c0] over (%c0, %c0) to (%c0, %c0) slot %c0 : !noc.cb<!tile.tile<32x32, f32>, 2>
    }
  } -> tensor<32x32xf32, #l>
  return
}

// -----

#l = #grid.layout<tile 32x32, f32, dram, interleaved>
func.func @mcast_on_a_third_noc(%x: tensor<32x32xf32, #l>) {
  %e = grid.empty : tensor<32x32xf32, #l>
  %y = grid.dispatch "t" on <(0, 0) to (0, 0)> ins(%x : tensor<32x32xf32, #l>) outs(%e : tensor<32x32xf32, #l>)
      attributes {dst_format = #tile<format f32>, fidelity = #tile<fidelity HiFi4>} {
  ^bb0(%in: tensor<32x32xf32, #l>, %out: tensor<32x32xf32, #l>):
    %cb = noc.cb 0 : !noc.cb<!tile.tile<32x32, f32>, 2>
    noc.kernel reader {
      %c0 = arith.constant 0 : index
      %c2 = arith.constant 2 : index
      // expected-error @+1 {{'noc.mcast' op names NoC 2; the chip has NoCs 0 and 1}}
      noc.mcast %cb[%c0] over (%c0, %c0) to (%c0, %c0) slot %c0 on noc %c2 : !noc.cb<!tile.tile<32x32, f32>, 2>
    }
  } -> tensor<32x32xf32, #l>
  return
}

// -----

#l = #grid.layout<tile 32x32, f32, dram, interleaved>
func.func @read_on_a_third_noc(%x: tensor<32x32xf32, #l>) {
  %e = grid.empty : tensor<32x32xf32, #l>
  %y = grid.dispatch "t" on <(0, 0) to (0, 0)> ins(%x : tensor<32x32xf32, #l>) outs(%e : tensor<32x32xf32, #l>)
      attributes {dst_format = #tile<format f32>, fidelity = #tile<fidelity HiFi4>} {
  ^bb0(%in: tensor<32x32xf32, #l>, %out: tensor<32x32xf32, #l>):
    %cb = noc.cb 0 : !noc.cb<!tile.tile<32x32, f32>, 2>
    noc.kernel reader {
      %c0 = arith.constant 0 : index
      %c2 = arith.constant 2 : index
      // expected-error @+1 {{'noc.read' op names NoC 2; the chip has NoCs 0 and 1}}
      noc.read %in[%c0] into %cb[%c0] on noc %c2 : tensor<32x32xf32, #l>, !noc.cb<!tile.tile<32x32, f32>, 2>
    }
  } -> tensor<32x32xf32, #l>
  return
}

// -----

#l = #grid.layout<tile 32x32, f32, dram, interleaved>
func.func @sem_inc_zero(%x: tensor<32x32xf32, #l>) {
  %e = grid.empty : tensor<32x32xf32, #l>
  %y = grid.dispatch "t" on <(0, 0) to (0, 0)> ins(%x : tensor<32x32xf32, #l>) outs(%e : tensor<32x32xf32, #l>)
      attributes {dst_format = #tile<format f32>, fidelity = #tile<fidelity HiFi4>} {
  ^bb0(%in: tensor<32x32xf32, #l>, %out: tensor<32x32xf32, #l>):
    %cb = noc.cb 0 : !noc.cb<!tile.tile<32x32, f32>, 2>
    noc.kernel reader {
      %c0 = arith.constant 0 : index
      // expected-error @+1 {{'noc.sem_inc' op increment must be positive}}
      noc.sem_inc 0, 0 at (%c0, %c0)
    }
  } -> tensor<32x32xf32, #l>
  return
}

// -----

#l = #grid.layout<tile 32x32, f32, dram, interleaved>
func.func @sem_inc_on_compute(%x: tensor<32x32xf32, #l>) {
  %e = grid.empty : tensor<32x32xf32, #l>
  %y = grid.dispatch "t" on <(0, 0) to (0, 0)> ins(%x : tensor<32x32xf32, #l>) outs(%e : tensor<32x32xf32, #l>)
      attributes {dst_format = #tile<format f32>, fidelity = #tile<fidelity HiFi4>} {
  ^bb0(%in: tensor<32x32xf32, #l>, %out: tensor<32x32xf32, #l>):
    %cb = noc.cb 0 : !noc.cb<!tile.tile<32x32, f32>, 2>
    noc.kernel compute {
      %c0 = arith.constant 0 : index
      // expected-error @+1 {{'noc.sem_inc' op cannot run on the compute thread, which has no NoC access}}
      noc.sem_inc 0, 1 at (%c0, %c0)
    }
  } -> tensor<32x32xf32, #l>
  return
}

// -----

#l = #grid.layout<tile 32x32, f32, dram, interleaved>
func.func @read_span_on_compute(%x: tensor<32x32xf32, #l>) {
  %e = grid.empty : tensor<32x32xf32, #l>
  %y = grid.dispatch "t" on <(0, 0) to (0, 0)> ins(%x : tensor<32x32xf32, #l>) outs(%e : tensor<32x32xf32, #l>)
      attributes {dst_format = #tile<format f32>, fidelity = #tile<fidelity HiFi4>} {
  ^bb0(%in: tensor<32x32xf32, #l>, %out: tensor<32x32xf32, #l>):
    %cb = noc.cb 0 : !noc.cb<!tile.tile<32x32, f32>, 2>
    noc.kernel compute {
      %c0 = arith.constant 0 : index
      %c1 = arith.constant 1 : index
      // expected-error @+1 {{'noc.read_span' op cannot run on the compute thread, which has no NoC access}}
      noc.read_span %in[%c0] offset %c0 into %cb[%c0] offset %c0 count %c1 outside %c0 fill 0.0 : tensor<32x32xf32, #l>, !noc.cb<!tile.tile<32x32, f32>, 2>
    }
  } -> tensor<32x32xf32, #l>
  return
}

// -----

#l = #grid.layout<tile 32x32, f32, dram, interleaved>
func.func @read_span_outside_kernel(%x: tensor<32x32xf32, #l>) {
  %e = grid.empty : tensor<32x32xf32, #l>
  %y = grid.dispatch "t" on <(0, 0) to (0, 0)> ins(%x : tensor<32x32xf32, #l>) outs(%e : tensor<32x32xf32, #l>)
      attributes {dst_format = #tile<format f32>, fidelity = #tile<fidelity HiFi4>} {
  ^bb0(%in: tensor<32x32xf32, #l>, %out: tensor<32x32xf32, #l>):
    %cb = noc.cb 0 : !noc.cb<!tile.tile<32x32, f32>, 2>
    %c0 = arith.constant 0 : index
    %c1 = arith.constant 1 : index
    // expected-error @+1 {{'noc.read_span' op must be inside a noc.kernel}}
    noc.read_span %in[%c0] offset %c0 into %cb[%c0] offset %c0 count %c1 outside %c0 fill 0.0 : tensor<32x32xf32, #l>, !noc.cb<!tile.tile<32x32, f32>, 2>
  } -> tensor<32x32xf32, #l>
  return
}

// -----

#l = #grid.layout<tile 32x32, bfp8_b, dram, interleaved>
func.func @read_span_bfp8_b(%x: tensor<32x32xf32, #l>) {
  %e = grid.empty : tensor<32x32xf32, #l>
  %y = grid.dispatch "t" on <(0, 0) to (0, 0)> ins(%x : tensor<32x32xf32, #l>) outs(%e : tensor<32x32xf32, #l>)
      attributes {dst_format = #tile<format f32>, fidelity = #tile<fidelity HiFi4>} {
  ^bb0(%in: tensor<32x32xf32, #l>, %out: tensor<32x32xf32, #l>):
    %cb = noc.cb 0 : !noc.cb<!tile.tile<32x32, bfp8_b>, 2>
    noc.kernel reader {
      %c0 = arith.constant 0 : index
      %c1 = arith.constant 1 : index
      // expected-error @+1 {{'noc.read_span' op cannot split block-float tiles into spans}}
      noc.read_span %in[%c0] offset %c0 into %cb[%c0] offset %c0 count %c1 outside %c0 fill 0.0 : tensor<32x32xf32, #l>, !noc.cb<!tile.tile<32x32, bfp8_b>, 2>
    }
  } -> tensor<32x32xf32, #l>
  return
}

// -----

#l = #grid.layout<tile 32x32, bfp4_b, dram, interleaved>
func.func @read_span_bfp4_b(%x: tensor<32x32xf32, #l>) {
  %e = grid.empty : tensor<32x32xf32, #l>
  %y = grid.dispatch "t" on <(0, 0) to (0, 0)> ins(%x : tensor<32x32xf32, #l>) outs(%e : tensor<32x32xf32, #l>)
      attributes {dst_format = #tile<format f32>, fidelity = #tile<fidelity HiFi4>} {
  ^bb0(%in: tensor<32x32xf32, #l>, %out: tensor<32x32xf32, #l>):
    %cb = noc.cb 0 : !noc.cb<!tile.tile<32x32, bfp4_b>, 2>
    noc.kernel reader {
      %c0 = arith.constant 0 : index
      %c1 = arith.constant 1 : index
      // expected-error @+1 {{'noc.read_span' op cannot split block-float tiles into spans}}
      noc.read_span %in[%c0] offset %c0 into %cb[%c0] offset %c0 count %c1 outside %c0 fill 0.0 : tensor<32x32xf32, #l>, !noc.cb<!tile.tile<32x32, bfp4_b>, 2>
    }
  } -> tensor<32x32xf32, #l>
  return
}

// -----

#l = #grid.layout<tile 32x32, bfp2_b, dram, interleaved>
func.func @read_span_bfp2_b(%x: tensor<32x32xf32, #l>) {
  %e = grid.empty : tensor<32x32xf32, #l>
  %y = grid.dispatch "t" on <(0, 0) to (0, 0)> ins(%x : tensor<32x32xf32, #l>) outs(%e : tensor<32x32xf32, #l>)
      attributes {dst_format = #tile<format f32>, fidelity = #tile<fidelity HiFi4>} {
  ^bb0(%in: tensor<32x32xf32, #l>, %out: tensor<32x32xf32, #l>):
    %cb = noc.cb 0 : !noc.cb<!tile.tile<32x32, bfp2_b>, 2>
    noc.kernel reader {
      %c0 = arith.constant 0 : index
      %c1 = arith.constant 1 : index
      // expected-error @+1 {{'noc.read_span' op cannot split block-float tiles into spans}}
      noc.read_span %in[%c0] offset %c0 into %cb[%c0] offset %c0 count %c1 outside %c0 fill 0.0 : tensor<32x32xf32, #l>, !noc.cb<!tile.tile<32x32, bfp2_b>, 2>
    }
  } -> tensor<32x32xf32, #l>
  return
}

// -----

#l = #grid.layout<tile 32x32, f32, dram, interleaved>
func.func @read_span_format_mismatch(%x: tensor<32x32xf32, #l>) {
  %e = grid.empty : tensor<32x32xf32, #l>
  %y = grid.dispatch "t" on <(0, 0) to (0, 0)> ins(%x : tensor<32x32xf32, #l>) outs(%e : tensor<32x32xf32, #l>)
      attributes {dst_format = #tile<format f32>, fidelity = #tile<fidelity HiFi4>} {
  ^bb0(%in: tensor<32x32xf32, #l>, %out: tensor<32x32xf32, #l>):
    %cb = noc.cb 0 : !noc.cb<!tile.tile<32x32, bf16>, 2>
    noc.kernel reader {
      %c0 = arith.constant 0 : index
      %c1 = arith.constant 1 : index
      // expected-error @+1 {{'noc.read_span' op buffer holds f32 tiles but the circular buffer holds bf16}}
      noc.read_span %in[%c0] offset %c0 into %cb[%c0] offset %c0 count %c1 outside %c0 fill 0.0 : tensor<32x32xf32, #l>, !noc.cb<!tile.tile<32x32, bf16>, 2>
    }
  } -> tensor<32x32xf32, #l>
  return
}

// -----

#l = #grid.layout<tile 32x32, int32, dram, interleaved>
func.func @read_span_format_mismatch_int(%x: tensor<32x32xf32, #l>) {
  %e = grid.empty : tensor<32x32xf32, #l>
  %y = grid.dispatch "t" on <(0, 0) to (0, 0)> ins(%x : tensor<32x32xf32, #l>) outs(%e : tensor<32x32xf32, #l>)
      attributes {dst_format = #tile<format f32>, fidelity = #tile<fidelity HiFi4>} {
  ^bb0(%in: tensor<32x32xf32, #l>, %out: tensor<32x32xf32, #l>):
    %cb = noc.cb 0 : !noc.cb<!tile.tile<32x32, f32>, 2>
    noc.kernel writer {
      %c0 = arith.constant 0 : index
      %c1 = arith.constant 1 : index
      // expected-error @+1 {{'noc.read_span' op buffer holds int32 tiles but the circular buffer holds f32}}
      noc.read_span %in[%c0] offset %c0 into %cb[%c0] offset %c0 count %c1 outside %c0 fill 0.0 : tensor<32x32xf32, #l>, !noc.cb<!tile.tile<32x32, f32>, 2>
    }
  } -> tensor<32x32xf32, #l>
  return
}

// -----

#l = #grid.layout<tile 32x32, f32, dram, interleaved>
func.func @read_span_no_layout(%x: tensor<32x32xf32, #l>, %raw: tensor<32x32xf32>) {
  %e = grid.empty : tensor<32x32xf32, #l>
  %y = grid.dispatch "t" on <(0, 0) to (0, 0)> ins(%x : tensor<32x32xf32, #l>) outs(%e : tensor<32x32xf32, #l>)
      attributes {dst_format = #tile<format f32>, fidelity = #tile<fidelity HiFi4>} {
  ^bb0(%in: tensor<32x32xf32, #l>, %out: tensor<32x32xf32, #l>):
    %cb = noc.cb 0 : !noc.cb<!tile.tile<32x32, f32>, 2>
    noc.kernel reader {
      %c0 = arith.constant 0 : index
      %c1 = arith.constant 1 : index
      // expected-error @+1 {{'noc.read_span' op buffer needs a #grid.layout encoding}}
      noc.read_span %raw[%c0] offset %c0 into %cb[%c0] offset %c0 count %c1 outside %c0 fill 0.0 : tensor<32x32xf32>, !noc.cb<!tile.tile<32x32, f32>, 2>
    }
  } -> tensor<32x32xf32, #l>
  return
}

// -----

// The block-float rule is checked before the formats are compared.
#l = #grid.layout<tile 32x32, f32, dram, interleaved>
func.func @read_span_bfp_cb_f32_buffer(%x: tensor<32x32xf32, #l>) {
  %e = grid.empty : tensor<32x32xf32, #l>
  %y = grid.dispatch "t" on <(0, 0) to (0, 0)> ins(%x : tensor<32x32xf32, #l>) outs(%e : tensor<32x32xf32, #l>)
      attributes {dst_format = #tile<format f32>, fidelity = #tile<fidelity HiFi4>} {
  ^bb0(%in: tensor<32x32xf32, #l>, %out: tensor<32x32xf32, #l>):
    %cb = noc.cb 0 : !noc.cb<!tile.tile<32x32, bfp8_b>, 2>
    noc.kernel reader {
      %c0 = arith.constant 0 : index
      // expected-error @+1 {{'noc.read_span' op cannot split block-float tiles into spans}}
      noc.read_span %in[%c0] offset %c0 into %cb[%c0] offset %c0 count %c0 outside %c0 fill 0.0 : tensor<32x32xf32, #l>, !noc.cb<!tile.tile<32x32, bfp8_b>, 2>
    }
  } -> tensor<32x32xf32, #l>
  return
}

// -----

#l = #grid.layout<tile 32x32, f32, dram, interleaved>
func.func @load_index_bad_wrap(%x: tensor<32x32xf32, #l>) {
  %e = grid.empty : tensor<32x32xf32, #l>
  %y = grid.dispatch "t" on <(0, 0) to (0, 0)> ins(%x : tensor<32x32xf32, #l>) outs(%e : tensor<32x32xf32, #l>)
      attributes {dst_format = #tile<format f32>, fidelity = #tile<fidelity HiFi4>} {
  ^bb0(%in: tensor<32x32xf32, #l>, %out: tensor<32x32xf32, #l>):
    %cb = noc.cb 0 : !noc.cb<!tile.tile<32x32, f32>, 1>
    noc.kernel reader {
      %c0 = arith.constant 0 : index
      // expected-error @+1 {{'noc.cb_load_index' op wrap must be a positive size, not 0}}
      %i = noc.cb_load_index %cb[%c0, %c0] wrap 0 : !noc.cb<!tile.tile<32x32, f32>, 1>
    }
  } -> tensor<32x32xf32, #l>
  return
}

// -----

#l = #grid.layout<tile 32x32, f32, dram, interleaved>
func.func @load_index_from_bf16(%x: tensor<32x32xf32, #l>) {
  %e = grid.empty : tensor<32x32xf32, #l>
  %y = grid.dispatch "t" on <(0, 0) to (0, 0)> ins(%x : tensor<32x32xf32, #l>) outs(%e : tensor<32x32xf32, #l>)
      attributes {dst_format = #tile<format f32>, fidelity = #tile<fidelity HiFi4>} {
  ^bb0(%in: tensor<32x32xf32, #l>, %out: tensor<32x32xf32, #l>):
    %cb = noc.cb 0 : !noc.cb<!tile.tile<32x32, bf16>, 1>
    noc.kernel reader {
      %c0 = arith.constant 0 : index
      // expected-error @+1 {{'noc.cb_load_index' op reads indices from f32 or int32 tiles, not bf16}}
      %i = noc.cb_load_index %cb[%c0, %c0] wrap 4 : !noc.cb<!tile.tile<32x32, bf16>, 1>
    }
  } -> tensor<32x32xf32, #l>
  return
}

// -----

#l = #grid.layout<tile 32x32, bf16, dram, interleaved>
func.func @tile_nonzero_on_reader(%x: tensor<32x32xf32, #l>) {
  %e = grid.empty : tensor<32x32xf32, #l>
  %y = grid.dispatch "t" on <(0, 0) to (0, 0)> ins(%x : tensor<32x32xf32, #l>) outs(%e : tensor<32x32xf32, #l>)
      attributes {dst_format = #tile<format bf16>, fidelity = #tile<fidelity HiFi4>} {
  ^bb0(%in: tensor<32x32xf32, #l>, %out: tensor<32x32xf32, #l>):
    %cb = noc.cb 0 : !noc.cb<!tile.tile<32x32, bf16>, 1>
    noc.kernel reader {
      %c0 = arith.constant 0 : index
      // expected-error @+1 {{'noc.cb_tile_nonzero' op runs on the compute thread, which unpacks tiles}}
      %nz = noc.cb_tile_nonzero %cb[%c0] skips 2 : !noc.cb<!tile.tile<32x32, bf16>, 1>
    }
  } -> tensor<32x32xf32, #l>
  return
}

// -----

#l = #grid.layout<tile 32x32, bf16, dram, interleaved>
func.func @tile_nonzero_negative_skips(%x: tensor<32x32xf32, #l>) {
  %e = grid.empty : tensor<32x32xf32, #l>
  %y = grid.dispatch "t" on <(0, 0) to (0, 0)> ins(%x : tensor<32x32xf32, #l>) outs(%e : tensor<32x32xf32, #l>)
      attributes {dst_format = #tile<format bf16>, fidelity = #tile<fidelity HiFi4>} {
  ^bb0(%in: tensor<32x32xf32, #l>, %out: tensor<32x32xf32, #l>):
    %cb = noc.cb 0 : !noc.cb<!tile.tile<32x32, bf16>, 1>
    noc.kernel compute {
      %c0 = arith.constant 0 : index
      // expected-error @+1 {{'noc.cb_tile_nonzero' op skips -2 tile products, not a 32-bit count}}
      %nz = noc.cb_tile_nonzero %cb[%c0] skips -2 : !noc.cb<!tile.tile<32x32, bf16>, 1>
    }
  } -> tensor<32x32xf32, #l>
  return
}

// -----

#l = #grid.layout<tile 32x32, bf16, dram, interleaved>
func.func @read_runs_past_a_tile(%x: tensor<64x64xbf16, #l>) {
  %e = grid.empty : tensor<64x64xbf16, #l>
  %y = grid.dispatch "t" on <(0, 0) to (0, 0)> ins(%x : tensor<64x64xbf16, #l>) outs(%e : tensor<64x64xbf16, #l>)
      attributes {dst_format = #tile<format f32>, fidelity = #tile<fidelity HiFi4>} {
  ^bb0(%in: tensor<64x64xbf16, #l>, %out: tensor<64x64xbf16, #l>):
    %cb = noc.cb 0 : !noc.cb<!tile.tile<32x32, bf16>, 2>
    noc.kernel reader {
      %c0 = arith.constant 0 : index
      // expected-error @+1 {{'noc.read_runs' op reads runs of at least one value, a row's within its 32 values and a tile's rows at most, not 33 of 32, 1 per row}}
      noc.read_runs %in into %cb[%c0] runs 33 of 32, 1 per row fill 0.0 : tensor<64x64xbf16, #l>, !noc.cb<!tile.tile<32x32, bf16>, 2> {
      ^bb0(%row: index):
        noc.yield %c0, %c0, %c0
      }
    }
  } -> tensor<64x64xbf16, #l>
  return
}

// -----

#l = #grid.layout<tile 32x32, bfp8_b, dram, interleaved>
func.func @read_runs_of_block_floats(%x: tensor<64x64xbf16, #l>) {
  %e = grid.empty : tensor<64x64xbf16, #l>
  %y = grid.dispatch "t" on <(0, 0) to (0, 0)> ins(%x : tensor<64x64xbf16, #l>) outs(%e : tensor<64x64xbf16, #l>)
      attributes {dst_format = #tile<format f32>, fidelity = #tile<fidelity HiFi4>} {
  ^bb0(%in: tensor<64x64xbf16, #l>, %out: tensor<64x64xbf16, #l>):
    %cb = noc.cb 0 : !noc.cb<!tile.tile<32x32, bfp8_b>, 2>
    noc.kernel reader {
      %c0 = arith.constant 0 : index
      // expected-error @+1 {{'noc.read_runs' op cannot split block-float tiles into spans}}
      noc.read_runs %in into %cb[%c0] runs 32 of 32, 1 per row fill 0.0 : tensor<64x64xbf16, #l>, !noc.cb<!tile.tile<32x32, bfp8_b>, 2> {
      ^bb0(%row: index):
        noc.yield %c0, %c0, %c0
      }
    }
  } -> tensor<64x64xbf16, #l>
  return
}

// -----

#l = #grid.layout<tile 32x32, f32, dram, interleaved>
func.func @read_runs_without_a_run(%x: tensor<32x32xf32, #l>) {
  %e = grid.empty : tensor<32x32xf32, #l>
  %y = grid.dispatch "t" on <(0, 0) to (0, 0)> ins(%x : tensor<32x32xf32, #l>) outs(%e : tensor<32x32xf32, #l>)
      attributes {dst_format = #tile<format f32>, fidelity = #tile<fidelity HiFi4>} {
  ^bb0(%in: tensor<32x32xf32, #l>, %out: tensor<32x32xf32, #l>):
    %cb = noc.cb 0 : !noc.cb<!tile.tile<32x32, f32>, 2>
    noc.kernel reader {
      %c0 = arith.constant 0 : index
      // expected-error @+1 {{'noc.read_runs' op body takes one index, the run}}
      noc.read_runs %in into %cb[%c0] runs 32 of 32, 1 per row fill 0.0 : tensor<32x32xf32, #l>, !noc.cb<!tile.tile<32x32, f32>, 2> {
        noc.yield %c0, %c0, %c0
      }
    }
  } -> tensor<32x32xf32, #l>
  return
}

// -----

#l = #grid.layout<tile 32x32, f32, dram, interleaved>
func.func @read_runs_on_compute(%x: tensor<32x32xf32, #l>) {
  %e = grid.empty : tensor<32x32xf32, #l>
  %y = grid.dispatch "t" on <(0, 0) to (0, 0)> ins(%x : tensor<32x32xf32, #l>) outs(%e : tensor<32x32xf32, #l>)
      attributes {dst_format = #tile<format f32>, fidelity = #tile<fidelity HiFi4>} {
  ^bb0(%in: tensor<32x32xf32, #l>, %out: tensor<32x32xf32, #l>):
    %cb = noc.cb 0 : !noc.cb<!tile.tile<32x32, f32>, 2>
    noc.kernel compute {
      %c0 = arith.constant 0 : index
      // expected-error @+1 {{'noc.read_runs' op cannot run on the compute thread, which has no NoC access}}
      noc.read_runs %in into %cb[%c0] runs 32 of 32, 1 per row fill 0.0 : tensor<32x32xf32, #l>, !noc.cb<!tile.tile<32x32, f32>, 2> {
      ^bb0(%row: index):
        noc.yield %c0, %c0, %c0
      }
    }
  } -> tensor<32x32xf32, #l>
  return
}

// -----

#l = #grid.layout<tile 32x32, f32, dram, interleaved>
func.func @read_runs_of_nothing(%x: tensor<32x32xf32, #l>) {
  %e = grid.empty : tensor<32x32xf32, #l>
  %y = grid.dispatch "t" on <(0, 0) to (0, 0)> ins(%x : tensor<32x32xf32, #l>) outs(%e : tensor<32x32xf32, #l>)
      attributes {dst_format = #tile<format f32>, fidelity = #tile<fidelity HiFi4>} {
  ^bb0(%in: tensor<32x32xf32, #l>, %out: tensor<32x32xf32, #l>):
    %cb = noc.cb 0 : !noc.cb<!tile.tile<32x32, f32>, 2>
    noc.kernel reader {
      %c0 = arith.constant 0 : index
      // expected-error @+1 {{'noc.read_runs' op reads runs of at least one value, a row's within its 32 values and a tile's rows at most, not 32 of 0, 1 per row}}
      noc.read_runs %in into %cb[%c0] runs 32 of 0, 1 per row fill 0.0 : tensor<32x32xf32, #l>, !noc.cb<!tile.tile<32x32, f32>, 2> {
      ^bb0(%run: index):
        noc.yield %c0, %c0, %c0
      }
    }
  } -> tensor<32x32xf32, #l>
  return
}
