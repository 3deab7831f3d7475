// RUN: tt-opt --tt-compile-pipeline --mlir-print-debuginfo %s | tt-translate --serialize-ttb | tt-translate --dump-ttb | FileCheck %s
// RUN: tt-opt --tt-compile-pipeline=precision=bf16 %s | tt-translate --serialize-ttb | tt-translate --dump-ttb | FileCheck %s --check-prefix=BF16
// The binary is written as is: serializing twice gives the same bytes.
// RUN: tt-opt --tt-compile-pipeline --mlir-print-debuginfo %s -o %t.mlir
// RUN: tt-translate --serialize-ttb %t.mlir -o %t.1.ttb
// RUN: tt-translate --serialize-ttb %t.mlir -o %t.2.ttb
// RUN: cmp %t.1.ttb %t.2.ttb

// CHECK:      "schema_version": 12,
// CHECK-NEXT: "chip": "wormhole_b0",
// CHECK-NEXT: "compiler": "tessel 0.1",
// CHECK-NEXT: "precision": "fp32",
// CHECK-NEXT: "inputs": [
// CHECK-NEXT:   {
// CHECK-NEXT:     "name": "x",
// CHECK-NEXT:     "shape": [
// CHECK-NEXT:       32,
// CHECK-NEXT:       64
// CHECK-NEXT:     ],
// CHECK-NEXT:     "element_type": "f32",
// CHECK-NEXT:     "buffer": 0
// CHECK-NEXT:   }
// CHECK-NEXT: ],
// CHECK-NEXT: "outputs": [
// CHECK-NEXT:   {
// CHECK-NEXT:     "name": "y",
// CHECK-NEXT:     "shape": [
// CHECK-NEXT:       32,
// CHECK-NEXT:       40
// CHECK-NEXT:     ],
// CHECK-NEXT:     "element_type": "f32",
// CHECK-NEXT:     "buffer": [[OUT:[0-9]+]]
// CHECK-NEXT:   }
// CHECK-NEXT: ],
// CHECK-NEXT: "buffers": [
// CHECK-NEXT:   {
// CHECK-NEXT:     "id": 0,
// CHECK-NEXT:     "name": "x",
// CHECK-NEXT:     "shape": [
// CHECK-NEXT:       32,
// CHECK-NEXT:       64
// CHECK-NEXT:     ],
// CHECK-NEXT:     "format": "Float32",
// CHECK-NEXT:     "memory": "Dram",
// CHECK-NEXT:     "address": 0,
// CHECK-NEXT:     "tiles": [
// CHECK-NEXT:       1,
// CHECK-NEXT:       1,
// CHECK-NEXT:       2
// CHECK-NEXT:     ]
// Constants are named after their ONNX initializer (the location); the bias keeps its shape.
// CHECK:          "name": "fc.bias",
// CHECK-NEXT:     "shape": [
// CHECK-NEXT:       40
// CHECK-NEXT:     ],
// CHECK-NEXT:     "format": "Float32",
// CHECK-NEXT:     "memory": "Dram",
// CHECK-NEXT:     "address": 4096,
// The transposed weights (folded at compile time) are 64x40.
// CHECK:          "shape": [
// CHECK-NEXT:       64,
// CHECK-NEXT:       40
// CHECK-NEXT:     ],
// CHECK-NEXT:     "format": "Float32",
// CHECK-NEXT:     "memory": "Dram",
// CHECK-NEXT:     "address": 8192,
// CHECK-NEXT:     "tiles": [
// CHECK-NEXT:       1,
// CHECK-NEXT:       2,
// CHECK-NEXT:       2
// CHECK-NEXT:     ]
// The matmul's result, which only the softmax's dispatch reads, stays on chip: one f32 tile
// interleaved over the cores, at the top of their L1 (1499136 - 4096).
// CHECK:          "memory": "L1",
// CHECK-NEXT:     "address": 1495040,
// The output goes to DRAM, where the host reads it, in the first free place.
// CHECK:          "id": [[OUT]],
// CHECK-NEXT:     "name": "t[[OUT]]",
// CHECK:          "memory": "Dram",
// CHECK-NEXT:     "address": 12288,
// CHECK:      "constants": [
// CHECK-NEXT:   {
// CHECK-NEXT:     "buffer": 1,
// CHECK-NEXT:     "bytes": 8192
// CHECK-NEXT:   },
// CHECK-NEXT:   {
// CHECK-NEXT:     "buffer": 2,
// CHECK-NEXT:     "bytes": 16384
// CHECK-NEXT:   }
// CHECK-NEXT: ],

// The gemm's bias and the ReLU after it are fused into the matmul: its location names both
// nodes, and it reads the bias (buffer 1) itself.
// CHECK-LABEL: "name": "matmul_0",
// CHECK-NEXT:  "op": "matmul",
// CHECK-NEXT:  "location": "fc,act",
// CHECK-NEXT:  "cores": [
// CHECK-NEXT:    0,
// CHECK-NEXT:    0,
// CHECK-NEXT:    1,
// CHECK-NEXT:    0
// CHECK-NEXT:  ],
// CHECK-NEXT:  "fidelity": "HiFi4",
// CHECK-NEXT:  "dst_format": "Float32",
// CHECK-NEXT:  "macs": 81920,
// CHECK-NEXT:  "config": "#grid.matmul_config<grid = [2, 1], cores = [2, 1], block = [1, 1], subblock = [1, 1], k_chunk = 2, operands = unicast, cycles = {{[0-9]+}}>",
// CHECK-NEXT:  "kernel_config_bytes": {{[0-9]+}},
// CHECK-NEXT:  "buffers": [
// CHECK-NEXT:    0,
// CHECK-NEXT:    2,
// CHECK-NEXT:    1,
// CHECK-NEXT:    3
// CHECK-NEXT:  ],
// CHECK-NEXT:  "cbs": [
// CHECK-NEXT:    {
// CHECK-NEXT:      "id": 0,
// CHECK-NEXT:      "format": "Float32",
// CHECK-NEXT:      "tiles": 4,
// CHECK-NEXT:      "l1_address": 131072
// CHECK-NEXT:    },
// CHECK:           "id": 3,
// CHECK-NEXT:      "format": "Float32",
// CHECK-NEXT:      "tiles": 2,
// CHECK-NEXT:      "l1_address": 172032
// Two output tiles on two cores; each reads its own blocks (multicasting one tile of A is
// dearer than reading it twice: serialize-matmul-mcast.mlir encodes the multicast): the first
// row of the bias tile of its column (core mod 2), 32 values from offset 0, whose read overlaps
// A's two K tiles, one chunk of both; the bias is published after the chunk.
// CHECK:         "thread": "Reader",
// CHECK:         "exprs": [
// CHECK-NEXT:      "v2 2 mod",
// CHECK-NEXT:      "0",
// CHECK-NEXT:      "32",
// CHECK-NEXT:      "2",
// CHECK-NEXT:      "v4 2 mod",
// CHECK-NEXT:      "v4"
// CHECK:         "code": [
// CHECK-NEXT:      "0: CB_RESERVE c3 n1",
// CHECK-NEXT:      "3: NOC_READ_SPAN b2 e0 e1 c3 e1 e1 e2 e1 r0",
// CHECK-NEXT:      "13: CB_RESERVE c0 n2",
// CHECK-NEXT:      "16: LOOP v4 e3 p26",
// CHECK-NEXT:      "20: NOC_READ b0 e4 c0 e5",
// CHECK-NEXT:      "25: END_LOOP",
// CHECK-NEXT:      "26: NOC_BARRIER",
// CHECK-NEXT:      "27: CB_PUSH c0 n2",
// CHECK-NEXT:      "30: NOC_BARRIER",
// CHECK-NEXT:      "31: CB_PUSH c3 n1"
// One chunk: no partial sums to reload. The products accumulate in Dst, then the bias is added
// through L1 (cb 4, BINARY B0 G1 by rows) and the packer takes the ReLU as it packs the result
// (PACK_RELU).
// CHECK:         "thread": "Compute",
// CHECK:         "exprs": [
// CHECK-NEXT:      "2",
// CHECK-NEXT:      "v4",
// CHECK-NEXT:      "0"
// CHECK:           "0: CB_WAIT c0 n2",
// CHECK-NEXT:      "3: CB_WAIT c1 n2",
// CHECK-NEXT:      "6: DST_ACQUIRE",
// CHECK-NEXT:      "7: LOOP v4 e0 p18",
// CHECK-NEXT:      "11: MATMUL c0 e1 c1 e1 e2",
// CHECK-NEXT:      "17: END_LOOP",
// CHECK-NEXT:      "18: CB_RESERVE c4 n1",
// CHECK-NEXT:      "21: PACK e2 c4 e2",
// CHECK-NEXT:      "25: CB_PUSH c4 n1",
// CHECK-NEXT:      "28: CB_WAIT c3 n1",
// CHECK-NEXT:      "31: CB_WAIT c4 n1",
// CHECK-NEXT:      "34: BINARY B0 G1 c4 e2 c3 e2 e2",
// CHECK-NEXT:      "42: CB_POP c4 n1",
// CHECK-NEXT:      "45: CB_RESERVE c2 n1",
// CHECK-NEXT:      "48: PACK_RELU e2 c2 e2",
// CHECK-NEXT:      "52: CB_PUSH c2 n1",
// CHECK-NEXT:      "55: DST_RELEASE",
// The writer reads the rhs, each core its own column: B's tile (k, core) is core mod 2 + 2 * k;
// the output's slot is popped once the write has left the core (NOC_FLUSH), not once it has
// landed.
// CHECK:         "thread": "Writer",
// CHECK:         "exprs": [
// CHECK-NEXT:      "2",
// CHECK-NEXT:      "v2 v4 2 * +",
// CHECK-NEXT:      "v2 2 floordiv -2 *",
// CHECK-NEXT:      "e1 e2 +",
// CHECK:           "0: CB_RESERVE c1 n2",
// CHECK-NEXT:      "3: LOOP v4 e0 p13",
// CHECK-NEXT:      "7: NOC_READ b1 e3 c1 e4",
// CHECK-NEXT:      "12: END_LOOP",
// CHECK-NEXT:      "13: NOC_BARRIER",
// CHECK-NEXT:      "14: CB_PUSH c1 n2",
// CHECK-NEXT:      "17: CB_WAIT c2 n1",
// CHECK-NEXT:      "20: NOC_WRITE c2 e5 b3 e6",
// CHECK-NEXT:      "25: NOC_FLUSH",
// CHECK-NEXT:      "26: CB_POP c2 n1"
// CHECK-NOT: "op": "add"
// CHECK-NOT: "op": "relu"

// 32x40: one row of two tiles on one core; the partial last tile is masked with -3e38 before
// the max (REDUCE R1 = max, A1 = accumulate), exp (U1) and recip (U2) run on the SFPU.
// CHECK-LABEL: "name": "softmax_1",
// CHECK-NEXT:  "op": "softmax",
// CHECK-NEXT:  "location": "prob",
// CHECK-NEXT:  "cores": [
// CHECK-NEXT:    0,
// CHECK-NEXT:    0,
// CHECK-NEXT:    0,
// CHECK-NEXT:    0
// CHECK-NEXT:  ],
// The softmax is part of the matmul's program: no launch of its own.
// CHECK:       "joined": true,
// CHECK-NEXT:  "kernel_config_bytes": {{[0-9]+}},
// CHECK-NEXT:  "buffers": [
// CHECK-NEXT:    3,
// CHECK-NEXT:    [[OUT]]
// CHECK-NEXT:  ],
// CHECK:           "id": 5,
// CHECK-NEXT:      "format": "Float32",
// CHECK-NEXT:      "tiles": 2,
// CHECK-NEXT:      "l1_address": 159744
// CHECK:         "thread": "Compute",
// CHECK:           "4: COPY c0 e0 e1",
// CHECK-NEXT:      "8: MASK e1 e2 e3 r-10374682",
// CHECK:           "28: REDUCE R1 D0 A0 c0 e1 e1",
// CHECK-NEXT:      "35: REDUCE R1 D0 A1 c1 e1 e1",
// CHECK:           "67: BINARY B1 G2 c0 e5 c2 e1 e1",
// CHECK-NEXT:      "75: UNARY U1 e1 r0",
// CHECK:           "103: REDUCE R0 D0 A0 c3 e1 e1",
// CHECK-NEXT:      "110: REDUCE R0 D0 A1 c3 e0 e1",
// CHECK-NEXT:      "117: UNARY U2 e1 r0",
// CHECK:           "140: BINARY B2 G2 c3 e7 c4 e1 e1",
// CHECK:         "thread": "Writer",
// CHECK:           "0: LOOP v4 e0 p17",
// CHECK-NEXT:      "4: CB_WAIT c5 n1",
// CHECK-NEXT:      "7: NOC_WRITE c5 e1 b1 e2",
// CHECK-NOT: "name": "softmax_2"
// CHECK-NOT: "name": "transpose

// BF16: "precision": "bf16",
// BF16: "name": "x",
// BF16: "format": "BFloat16",
// BF16: "constants": [
// BF16-NEXT: {
// BF16-NEXT:   "buffer": 1,
// BF16-NEXT:   "bytes": 4096
// BF16-NEXT: },
// BF16-NEXT: {
// BF16-NEXT:   "buffer": 2,
// BF16-NEXT:   "bytes": 8192
// BF16: "name": "matmul_0",
// BF16: "dst_format": "BFloat16",
// BF16: "format": "BFloat16",
// BF16: "l1_address": 131072
// Without --mlir-print-debuginfo the locations are gone.
// BF16: "name": "softmax_1",
// BF16-NEXT: "op": "softmax",
// BF16-NEXT: "location": "",

func.func @main(%x: tensor<32x64xf32> {graph.name = "x"}) -> (tensor<32x40xf32> {graph.name = "y"}) {
  %w = graph.constant dense<0.25> : tensor<40x64xf32> loc("fc.weight")
  %b = graph.constant dense<0.5> : tensor<40xf32> loc("fc.bias")
  %g = graph.gemm %x, %w, %b {transB = true} : (tensor<32x64xf32>, tensor<40x64xf32>, tensor<40xf32>) -> tensor<32x40xf32> loc("fc")
  %r = graph.unary relu %g : tensor<32x40xf32> -> tensor<32x40xf32> loc("act")
  %s = graph.softmax %r {axis = 1 : i64} : tensor<32x40xf32> loc("prob")
  return %s : tensor<32x40xf32>
}
