// RUN: tt-opt %s --tt-assign-layouts=precision=bf16 --tt-choose-op-configs --tt-lower-graph-to-grid --canonicalize --cse --tt-allocate-buffers | tt-translate --serialize-ttb | tt-translate --dump-ttb | FileCheck %s

// The sender of chunk g of A (core g mod 4) reads it (the first chunk's here, later ones during
// the chunk before); the three others announce that they have room (semaphore 0); the sender
// waits for them, multicasts the chunk to the 4x1 range and raises their semaphore 1, which
// they wait for. Meanwhile the sender of chunk g + 1 reserves both halves of cb 0 and reads
// that chunk into the second. Sender and receiver parts are loops of 0 or 1 trips; one piece
// per chunk makes one sender.
// CHECK-LABEL: "name": "matmul_0",
// CHECK:         "thread": "Reader",
// CHECK:         "exprs": [
// CHECK-NEXT:      "2",
// CHECK-NEXT:      "v2 v4 -1 * + 4 mod 4 ceildiv -1 * 1 +",
// CHECK:         "code": [
// CHECK-NEXT:      "0: LOOP v4 e0 p105",
// CHECK-NEXT:      "4: CB_RESERVE c0 n2",
// CHECK-NEXT:      "7: LOOP v5 e1 p27",
// CHECK-NEXT:      "11: LOOP v6 e2 p26",
// CHECK-NEXT:      "15: LOOP v7 e0 p25",
// CHECK-NEXT:      "19: NOC_READ b0 e3 c0 e4",
// CHECK-NEXT:      "24: END_LOOP",
// CHECK-NEXT:      "25: END_LOOP",
// CHECK-NEXT:      "26: END_LOOP",
// CHECK-NEXT:      "27: LOOP v8 e5 p37",
// CHECK-NEXT:      "31: SEM_INC e6 e7 s0 r1",
// CHECK-NEXT:      "36: END_LOOP",
// CHECK-NEXT:      "37: LOOP v9 e1 p70",
// CHECK-NEXT:      "41: NOC_BARRIER",
// CHECK-NEXT:      "42: SEM_WAIT s0 e8",
// CHECK-NEXT:      "45: LOOP v10 e0 p58",
// CHECK-NEXT:      "49: NOC_MCAST c0 e9 e7 e7 e8 e7 e9",
// CHECK-NEXT:      "57: END_LOOP",
// CHECK-NEXT:      "58: NOC_BARRIER",
// CHECK-NEXT:      "59: LOOP v11 e8 p69",
// CHECK-NEXT:      "63: SEM_INC e10 e11 s1 r1",
// CHECK-NEXT:      "68: END_LOOP",
// CHECK-NEXT:      "69: END_LOOP",
// CHECK-NEXT:      "70: LOOP v12 e12 p93",
// CHECK-NEXT:      "74: LOOP v13 e13 p92",
// CHECK-NEXT:      "78: CB_RESERVE c0 n4",
// CHECK-NEXT:      "81: LOOP v14 e0 p91",
// CHECK-NEXT:      "85: NOC_READ b0 e14 c0 e15",
// CHECK-NEXT:      "90: END_LOOP",
// CHECK-NEXT:      "91: END_LOOP",
// CHECK-NEXT:      "92: END_LOOP",
// CHECK-NEXT:      "93: LOOP v15 e16 p101",
// CHECK-NEXT:      "97: SEM_WAIT s1 e16",
// CHECK-NEXT:      "100: END_LOOP",
// CHECK-NEXT:      "101: CB_PUSH c0 n2",
// CHECK-NEXT:      "104: END_LOOP"
func.func @main(%a: tensor<32x128xf32> {graph.name = "a"}, %b: tensor<128x128xf32> {graph.name = "b"}) -> (tensor<32x128xf32> {graph.name = "y"}) {
  %0 = graph.matmul %a, %b {grid.config = #grid.matmul_config<grid = [1, 4], cores = [4, 1], block = [1, 1], subblock = [1, 1], k_chunk = 2>} : (tensor<32x128xf32>, tensor<128x128xf32>) -> tensor<32x128xf32>
  return %0 : tensor<32x128xf32>
}
