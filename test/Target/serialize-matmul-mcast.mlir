// RUN: tt-opt %s --tt-assign-layouts=precision=bf16 --tt-choose-op-configs --tt-lower-graph-to-grid --canonicalize --cse --tt-allocate-buffers | tt-translate --serialize-ttb | tt-translate --dump-ttb | FileCheck %s

// The sender of chunk g of A (core g mod 4) reads it, waits until the three others have room
// (semaphore 0), multicasts it to the 4x1 range and raises each receiver's semaphore 1; a
// receiver announces room and waits. Sender and receiver parts are loops of 0 or 1 trips.
// CHECK-LABEL: "name": "matmul_0",
// CHECK:         "thread": "Reader",
// CHECK:         "exprs": [
// CHECK-NEXT:      "2",
// CHECK-NEXT:      "v2 v4 -1 * + 4 mod 4 ceildiv -1 * 1 +",
// CHECK:         "code": [
// CHECK-NEXT:      "0: LOOP v4 e0 p67",
// CHECK-NEXT:      "4: CB_RESERVE c0 n2",
// CHECK-NEXT:      "7: LOOP v5 e1 p50",
// CHECK-NEXT:      "11: LOOP v6 e0 p21",
// CHECK-NEXT:      "15: NOC_READ b0 e2 c0 e3",
// CHECK-NEXT:      "20: END_LOOP",
// CHECK-NEXT:      "21: NOC_BARRIER",
// CHECK-NEXT:      "22: SEM_WAIT s0 e4",
// CHECK-NEXT:      "25: LOOP v7 e0 p38",
// CHECK-NEXT:      "29: NOC_MCAST c0 e5 e6 e6 e4 e6 e5",
// CHECK-NEXT:      "37: END_LOOP",
// CHECK-NEXT:      "38: NOC_BARRIER",
// CHECK-NEXT:      "39: LOOP v8 e4 p49",
// CHECK-NEXT:      "43: SEM_INC e7 e8 s1 r1",
// CHECK-NEXT:      "48: END_LOOP",
// CHECK-NEXT:      "49: END_LOOP",
// CHECK-NEXT:      "50: LOOP v9 e9 p63",
// CHECK-NEXT:      "54: SEM_INC e10 e6 s0 r1",
// CHECK-NEXT:      "59: SEM_WAIT s1 e11",
// CHECK-NEXT:      "62: END_LOOP",
// CHECK-NEXT:      "63: CB_PUSH c0 n2",
// CHECK-NEXT:      "66: END_LOOP"
func.func @main(%a: tensor<32x128xf32> {graph.name = "a"}, %b: tensor<128x128xf32> {graph.name = "b"}) -> (tensor<32x128xf32> {graph.name = "y"}) {
  %0 = graph.matmul %a, %b {grid.config = #grid.matmul_config<grid = [1, 4], cores = [4, 1], block = [1, 1], subblock = [1, 1], k_chunk = 2>} : (tensor<32x128xf32>, tensor<128x128xf32>) -> tensor<32x128xf32>
  return %0 : tensor<32x128xf32>
}
