// RUN: tt-opt %s --tt-assign-layouts=precision=bf16 --tt-choose-op-configs --tt-lower-graph-to-grid --tt-lower-grid-to-kernels --canonicalize --cse --tt-allocate-buffers | tt-translate --serialize-ttb | tt-translate --dump-ttb | FileCheck %s

// A chunk of A (1x2 tiles) is cut into two pieces of one tile, read by the two senders of chunk
// g, cores 2g mod 4 and 2g + 1 mod 4 (the first chunk's here, later ones during the chunk
// before). Every core announces to each sender other than itself that it has room (semaphore
// 0); a sender waits for the three others, multicasts its tile to the 4x1 range and raises their
// semaphore 1; meanwhile the senders of chunk g + 1 reserve both halves of cb 0 and read theirs
// into the second; a core waits for the pieces it did not send. Sender parts are loops of 0 or 1
// trips. A longer sub-term of an index is an expression of its own that others read (e1 in e4).
// CHECK-LABEL: "name": "matmul_0",
// CHECK:         "thread": "Reader",
// CHECK:         "exprs": [
// CHECK-NEXT:      "2",
// CHECK-NEXT:      "v4 -1 * v2 2 floordiv +",
// CHECK-NEXT:      "v2 v4 -2 * +",
// CHECK-NEXT:      "e2 4 floordiv -2 *",
// CHECK-NEXT:      "e1 e3 + 4 ceildiv",
// CHECK-NEXT:      "e4 -1 * 1 +",
// CHECK:         "code": [
// CHECK-NEXT:      "0: LOOP v4 e0 p95",
// CHECK-NEXT:      "4: CB_RESERVE c0 n2",
// CHECK-NEXT:      "7: LOOP v5 e5 p22",
// CHECK-NEXT:      "11: LOOP v6 e9 p21",
// CHECK-NEXT:      "15: NOC_READ b0 e13 c0 e14",
// CHECK-NEXT:      "20: END_LOOP",
// CHECK-NEXT:      "21: END_LOOP",
// CHECK-NEXT:      "22: LOOP v7 e0 p37",
// CHECK-NEXT:      "26: LOOP v8 e17 p36",
// CHECK-NEXT:      "30: SEM_INC e19 e20 s0 r1",
// CHECK-NEXT:      "35: END_LOOP",
// CHECK-NEXT:      "36: END_LOOP",
// CHECK-NEXT:      "37: LOOP v9 e5 p65",
// CHECK-NEXT:      "41: NOC_BARRIER",
// CHECK-NEXT:      "42: SEM_WAIT s0 e21",
// CHECK-NEXT:      "45: NOC_MCAST c0 e14 e20 e20 e21 e20 e14",
// CHECK-NEXT:      "53: NOC_BARRIER",
// CHECK-NEXT:      "54: LOOP v10 e21 p64",
// CHECK-NEXT:      "58: SEM_INC e25 e26 s1 r1",
// CHECK-NEXT:      "63: END_LOOP",
// CHECK-NEXT:      "64: END_LOOP",
// CHECK-NEXT:      "65: LOOP v11 e28 p83",
// CHECK-NEXT:      "69: LOOP v12 e35 p82",
// CHECK-NEXT:      "73: CB_RESERVE c0 n4",
// CHECK-NEXT:      "76: NOC_READ b0 e37 c0 e38",
// CHECK-NEXT:      "81: END_LOOP",
// CHECK-NEXT:      "82: END_LOOP",
// CHECK-NEXT:      "83: LOOP v13 e39 p91",
// CHECK-NEXT:      "87: SEM_WAIT s1 e40",
// CHECK-NEXT:      "90: END_LOOP",
// CHECK-NEXT:      "91: CB_PUSH c0 n2",
// CHECK-NEXT:      "94: END_LOOP"
// Compute packs the first chunk's sums into the output buffer and adds the later chunks' to them
// there (the packer's L1 accumulation).
// CHECK:         "thread": "Compute",
// CHECK:           "{{[0-9]+}}: PACK e{{[0-9]+}} c2 e{{[0-9]+}}",
// CHECK:           "{{[0-9]+}}: PACK_ACC e{{[0-9]+}} c2 e{{[0-9]+}}",
// CHECK-NOT:       COPY
// CHECK:         "thread": "Writer",
// Two subblocks a core, its last (and only) pass's block into DRAM: the writer stores the odd
// subblock over NoC 0 (NOC_WRITE0), the even one over NoC 1, in loops of 0 or 1 trips.
// CHECK-LABEL: "name": "matmul_1",
// CHECK:         "thread": "Writer",
// CHECK:         "code": [
// CHECK:           "{{[0-9]+}}: CB_WAIT c2 n1",
// CHECK-NEXT:      "{{[0-9]+}}: LOOP v{{[0-9]+}} e{{[0-9]+}} p{{[0-9]+}}",
// CHECK-NEXT:      "{{[0-9]+}}: NOC_WRITE0 c2 e{{[0-9]+}} b2 e{{[0-9]+}}",
// CHECK-NEXT:      "{{[0-9]+}}: END_LOOP",
// CHECK-NEXT:      "{{[0-9]+}}: LOOP v{{[0-9]+}} e{{[0-9]+}} p{{[0-9]+}}",
// CHECK-NEXT:      "{{[0-9]+}}: NOC_WRITE c2 e{{[0-9]+}} b2 e{{[0-9]+}}",
// CHECK-NEXT:      "{{[0-9]+}}: END_LOOP",
// CHECK-NEXT:      "{{[0-9]+}}: NOC_FLUSH",
func.func @main(%a: tensor<32x128xf32> {graph.name = "a"}, %b: tensor<128x128xf32> {graph.name = "b"}) -> (tensor<32x128xf32> {graph.name = "y"}, tensor<32x128xf32> {graph.name = "z"}) {
  %0 = graph.matmul %a, %b {grid.config = #grid.matmul_config<grid = [1, 4], cores = [4, 1], block = [1, 1], subblock = [1, 1], k_chunk = 2>} : (tensor<32x128xf32>, tensor<128x128xf32>) -> tensor<32x128xf32>
  %1 = graph.matmul %a, %b {grid.config = #grid.matmul_config<grid = [1, 2], cores = [2, 1], block = [1, 2], subblock = [1, 1], k_chunk = 2>} : (tensor<32x128xf32>, tensor<128x128xf32>) -> tensor<32x128xf32>
  return %0, %1 : tensor<32x128xf32>, tensor<32x128xf32>
}
