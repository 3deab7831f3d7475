// RUN: tt-opt --tt-compile-pipeline %s | tt-translate --serialize-ttb | tt-translate --dump-ttb | FileCheck %s

// A transpose that keeps the last dim moves whole rows: its reader reads each output tile's 32
// rows with one NOC_READ_RUNS (buffer, cb, slot, the run's variable, 32 runs of 32 values, one
// a row, then the run's tile, offset and outside flag, the fill and the NoC flag), not a loop
// of NOC_READ_SPANs.
// Output tile u (batch u / 2, column tile u mod 2) takes in row r the input's tile 2 r + u mod 2
// at row u / 2; rows 2 and on are past the output's and read the fill. The input is the
// model's, in DRAM, so the runs come over NoC 0 (A0).
// CHECK-LABEL: "name": "transpose_0",
// CHECK:         "thread": "Reader",
// CHECK:         "exprs": [
// CHECK-NEXT:      "0",
// CHECK-NEXT:      "v2 v4 2 * +",
// CHECK-NEXT:      "v2 2 floordiv -2 *",
// CHECK-NEXT:      "e1 e2 +",
// CHECK-NEXT:      "v2 2 floordiv 32 *",
// CHECK-NEXT:      "v2 2 floordiv 3 floordiv",
// CHECK-NEXT:      "e4 e5 -96 * +",
// CHECK-NEXT:      "v4 2 floordiv"
// CHECK:         "code": [
// CHECK-NEXT:      "0: CB_RESERVE c0 n1",
// CHECK-NEXT:      "3: NOC_READ_RUNS b0 c0 e0 v4 r32 r32 r1 e3 e6 e7 r0 A0",
// CHECK-NEXT:      "16: NOC_BARRIER",
// CHECK-NEXT:      "17: CB_PUSH c0 n1"
// CHECK-NOT:       NOC_READ_SPAN
// CHECK:         "thread": "Compute",
func.func @main(%x: tensor<2x3x64xf32> {graph.name = "x"}) -> (tensor<3x2x64xf32> {graph.name = "y"}) {
  %0 = graph.transpose %x {perm = array<i64: 1, 0, 2>} : (tensor<2x3x64xf32>) -> tensor<3x2x64xf32>
  return %0 : tensor<3x2x64xf32>
}
