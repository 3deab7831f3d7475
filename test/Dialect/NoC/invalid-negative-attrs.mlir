// RUN: tt-opt %s -split-input-file -verify-diagnostics

// Negative values of signed (I64Attr) attributes. ODS returns them as uint64_t, so a verifier
// that tests `< 0` or `<= 0` never fires and messages print 2^64 - n. Each case states what the
// verifier documents.

#l = #grid.layout<tile 32x32, f32, dram, interleaved>
func.func @cb_negative_id(%x: tensor<32x32xf32, #l>) {
  %e = grid.empty : tensor<32x32xf32, #l>
  %y = grid.dispatch "t" on <(0, 0) to (0, 0)> ins(%x : tensor<32x32xf32, #l>) outs(%e : tensor<32x32xf32, #l>)
      attributes {dst_format = #tile<format f32>, fidelity = #tile<fidelity HiFi4>} {
  ^bb0(%in: tensor<32x32xf32, #l>, %out: tensor<32x32xf32, #l>):
    %cb = noc.cb 0 : !noc.cb<!tile.tile<32x32, f32>, 2>
    // expected-error @+1 {{'noc.cb' op id must be non-negative}}
    %cb2 = noc.cb -1 : !noc.cb<!tile.tile<32x32, f32>, 2>
  } -> tensor<32x32xf32, #l>
  return
}

// -----

#l = #grid.layout<tile 32x32, f32, dram, interleaved>
func.func @pop_negative(%x: tensor<32x32xf32, #l>) {
  %e = grid.empty : tensor<32x32xf32, #l>
  %y = grid.dispatch "t" on <(0, 0) to (0, 0)> ins(%x : tensor<32x32xf32, #l>) outs(%e : tensor<32x32xf32, #l>)
      attributes {dst_format = #tile<format f32>, fidelity = #tile<fidelity HiFi4>} {
  ^bb0(%in: tensor<32x32xf32, #l>, %out: tensor<32x32xf32, #l>):
    %cb = noc.cb 0 : !noc.cb<!tile.tile<32x32, f32>, 2>
    noc.kernel compute {
      // expected-error @+1 {{'noc.cb_pop' op count -1 is outside [1, 2], the buffer's capacity}}
      noc.cb_pop %cb, -1 : !noc.cb<!tile.tile<32x32, f32>, 2>
    }
  } -> tensor<32x32xf32, #l>
  return
}

// -----

#l = #grid.layout<tile 32x32, f32, dram, interleaved>
func.func @sem_wait_negative(%x: tensor<32x32xf32, #l>) {
  %e = grid.empty : tensor<32x32xf32, #l>
  %y = grid.dispatch "t" on <(0, 0) to (0, 0)> ins(%x : tensor<32x32xf32, #l>) outs(%e : tensor<32x32xf32, #l>)
      attributes {dst_format = #tile<format f32>, fidelity = #tile<fidelity HiFi4>} {
  ^bb0(%in: tensor<32x32xf32, #l>, %out: tensor<32x32xf32, #l>):
    %cb = noc.cb 0 : !noc.cb<!tile.tile<32x32, f32>, 2>
    noc.kernel reader {
      %c1 = arith.constant 1 : index
      // expected-error @+1 {{'noc.sem_wait' op semaphore index must be non-negative}}
      noc.sem_wait -1, %c1
    }
  } -> tensor<32x32xf32, #l>
  return
}

// -----

#l = #grid.layout<tile 32x32, f32, dram, interleaved>
func.func @sem_inc_negative_sem(%x: tensor<32x32xf32, #l>) {
  %e = grid.empty : tensor<32x32xf32, #l>
  %y = grid.dispatch "t" on <(0, 0) to (0, 0)> ins(%x : tensor<32x32xf32, #l>) outs(%e : tensor<32x32xf32, #l>)
      attributes {dst_format = #tile<format f32>, fidelity = #tile<fidelity HiFi4>} {
  ^bb0(%in: tensor<32x32xf32, #l>, %out: tensor<32x32xf32, #l>):
    %cb = noc.cb 0 : !noc.cb<!tile.tile<32x32, f32>, 2>
    noc.kernel reader {
      %c0 = arith.constant 0 : index
      // expected-error @+1 {{'noc.sem_inc' op semaphore index must be non-negative}}
      noc.sem_inc -2, 1 at (%c0, %c0)
    }
  } -> tensor<32x32xf32, #l>
  return
}

// -----

#l = #grid.layout<tile 32x32, f32, dram, interleaved>
func.func @sem_inc_negative(%x: tensor<32x32xf32, #l>) {
  %e = grid.empty : tensor<32x32xf32, #l>
  %y = grid.dispatch "t" on <(0, 0) to (0, 0)> ins(%x : tensor<32x32xf32, #l>) outs(%e : tensor<32x32xf32, #l>)
      attributes {dst_format = #tile<format f32>, fidelity = #tile<fidelity HiFi4>} {
  ^bb0(%in: tensor<32x32xf32, #l>, %out: tensor<32x32xf32, #l>):
    %cb = noc.cb 0 : !noc.cb<!tile.tile<32x32, f32>, 2>
    noc.kernel writer {
      %c0 = arith.constant 0 : index
      // expected-error @+1 {{'noc.sem_inc' op increment must be positive}}
      noc.sem_inc 0, -1 at (%c0, %c0)
    }
  } -> tensor<32x32xf32, #l>
  return
}
