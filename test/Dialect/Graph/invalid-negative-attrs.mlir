// RUN: tt-opt %s -split-input-file -verify-diagnostics

// Negative values of signed (I64Attr) attributes. ODS returns them as uint64_t, so a verifier
// that tests `< 0` or `<= 0` never fires and messages print 2^64 - n. Each case states what the
// verifier documents.

func.func @softmax_axis_negative(%x: tensor<3x4xf32>) {
  // Negative axes are normalised by the importer; the op only takes [0, rank).
  // expected-error @+1 {{'graph.softmax' op axis -1 is outside [0, 2)}}
  %0 = graph.softmax %x {axis = -1 : i64} : tensor<3x4xf32>
  return
}
