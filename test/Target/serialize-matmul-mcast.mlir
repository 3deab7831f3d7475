// RUN: tt-opt %s --tt-assign-layouts=precision=bf16 --tt-choose-op-configs --tt-lower-graph-to-grid --canonicalize --cse --tt-allocate-buffers | tt-translate --serialize-ttb | tt-translate --dump-ttb | FileCheck %s

// The sender of chunk g of A (core g mod 4) reads it; the three others announce that they have
// room (semaphore 0); the sender waits for them, multicasts the chunk to the 4x1 range and
// raises their semaphore 1, which they wait for. Sender and receiver parts are loops of 0 or 1
// trips; one piece per chunk makes one sender.
// CHECK-LABEL: "name": "matmul_0",
// CHECK:         "thread": "Reader",
// CHECK:         "exprs": [
// CHECK-NEXT:      "2",
// CHECK-NEXT:      "v2 v4 -1 * + 4 mod 4 ceildiv -1 * 1 +",
// CHECK:         "code": [
// CHECK-NEXT:      "0: LOOP v4 e0 p77",
// CHECK-NEXT:      "4: CB_RESERVE c0 n2",
// CHECK-NEXT:      "7: LOOP v5 e1 p22",
// CHECK-NEXT:      "11: LOOP v6 e0 p21",
// CHECK-NEXT:      "15: NOC_READ b0 e2 c0 e3",
// CHECK-NEXT:      "20: END_LOOP",
// CHECK-NEXT:      "21: END_LOOP",
// CHECK-NEXT:      "22: LOOP v7 e4 p32",
// CHECK-NEXT:      "26: SEM_INC e5 e6 s0 r1",
// CHECK-NEXT:      "31: END_LOOP",
// CHECK-NEXT:      "32: LOOP v8 e1 p65",
// CHECK-NEXT:      "36: NOC_BARRIER",
// CHECK-NEXT:      "37: SEM_WAIT s0 e7",
// CHECK-NEXT:      "40: LOOP v9 e0 p53",
// CHECK-NEXT:      "44: NOC_MCAST c0 e8 e6 e6 e7 e6 e8",
// CHECK-NEXT:      "52: END_LOOP",
// CHECK-NEXT:      "53: NOC_BARRIER",
// CHECK-NEXT:      "54: LOOP v10 e7 p64",
// CHECK-NEXT:      "58: SEM_INC e9 e10 s1 r1",
// CHECK-NEXT:      "63: END_LOOP",
// CHECK-NEXT:      "64: END_LOOP",
// CHECK-NEXT:      "65: LOOP v11 e11 p73",
// CHECK-NEXT:      "69: SEM_WAIT s1 e11",
// CHECK-NEXT:      "72: END_LOOP",
// CHECK-NEXT:      "73: CB_PUSH c0 n2",
// CHECK-NEXT:      "76: END_LOOP"
func.func @main(%a: tensor<32x128xf32> {graph.name = "a"}, %b: tensor<128x128xf32> {graph.name = "b"}) -> (tensor<32x128xf32> {graph.name = "y"}) {
  %0 = graph.matmul %a, %b {grid.config = #grid.matmul_config<grid = [1, 4], cores = [4, 1], block = [1, 1], subblock = [1, 1], k_chunk = 2>} : (tensor<32x128xf32>, tensor<128x128xf32>) -> tensor<32x128xf32>
  return %0 : tensor<32x128xf32>
}
