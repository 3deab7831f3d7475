// RUN: tt-opt %s -split-input-file -verify-diagnostics

// Negative values of signed (I64Attr) attributes. ODS returns them as uint64_t, so a verifier
// that tests `< 0` or `<= 0` never fires and messages print 2^64 - n. Each case states what the
// verifier documents.

func.func @empty_negative_address() {
  // expected-error @+1 {{'grid.empty' op address must be non-negative}}
  %0 = grid.empty {address = -64 : i64} : tensor<32x32xf32, #grid.layout<tile 32x32, f32, dram, interleaved>>
  return
}
