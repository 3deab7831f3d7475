// RUN: tt-opt %s -split-input-file -verify-diagnostics

// Negative values of signed (I64Attr) attributes. ODS returns them as uint64_t, so a verifier
// that tests `< 0` or `<= 0` never fires and messages print 2^64 - n. Each case states what the
// verifier documents.

func.func @reduce_dim_negative(%t: !tile.tile<32x32, f32>, %d: index) {
  // expected-error @+1 {{'tile.reduce' op dim must be 0 (across columns) or 1 (across rows), got -1}}
  tile.reduce max dim -1 %t, dst[%d] : !tile.tile<32x32, f32>
  return
}
