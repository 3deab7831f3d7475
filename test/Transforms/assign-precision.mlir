// RUN: tt-opt %s -split-input-file --tt-assign-layouts=precision=bfp8 --tt-assign-precision --mlir-print-local-scope | FileCheck %s --check-prefix=BFP8
// RUN: tt-opt %s -split-input-file --tt-assign-layouts=precision=bfp4 --tt-assign-precision="overrides=fc2=bf16" --mlir-print-local-scope | FileCheck %s --check-prefix=MIXED
// RUN: tt-opt %s -split-input-file --tt-assign-layouts=precision=fp32 --tt-assign-precision --mlir-print-local-scope | FileCheck %s --check-prefix=FP32
// RUN: not tt-opt %s -split-input-file --tt-assign-layouts=precision=bf16 --tt-assign-precision="overrides=fc1" -o /dev/null 2>&1 | FileCheck %s --check-prefix=BAD

// bfp8: the weights and the activations only matmuls read are bfp8_b, every op computes at
// HiFi2 into bf16 Dst, and what the model returns stays bf16.
// BFP8-LABEL: func.func @mlp
// BFP8-SAME: (%{{.*}}: tensor<64x128xf32, #grid.layout<tile 32x32, bfp8_b, dram, interleaved>>) -> tensor<64x32xf32, #grid.layout<tile 32x32, bf16,
// BFP8: graph.constant {{.*}} : tensor<128x64xf32, #grid.layout<tile 32x32, bfp8_b
// BFP8: graph.constant {{.*}} : tensor<64x32xf32, #grid.layout<tile 32x32, bfp8_b
// BFP8: graph.matmul {{.*}} {grid.compute = #grid.compute<dst = bf16, fidelity = HiFi2>}
// BFP8: graph.unary relu {{.*}} {grid.compute = #grid.compute<dst = bf16, fidelity = HiFi2>} : {{.*}} -> tensor<64x64xf32, #grid.layout<tile 32x32, bfp8_b
// BFP8: graph.matmul {{.*}} {grid.compute = #grid.compute<dst = bf16, fidelity = HiFi2>}
// bfp4 with fc2 kept bf16: fc1's weight is bfp4_b at LoFi, fc2 and what it reads stay bf16 at
// HiFi4.
// MIXED-LABEL: func.func @mlp
// MIXED: graph.constant {{.*}} : tensor<128x64xf32, #grid.layout<tile 32x32, bfp4_b
// MIXED: graph.constant {{.*}} : tensor<64x32xf32, #grid.layout<tile 32x32, bf16
// MIXED: graph.matmul {{.*}} {grid.compute = #grid.compute<dst = bf16, fidelity = LoFi>}
// MIXED: graph.unary relu {{.*}} -> tensor<64x64xf32, #grid.layout<tile 32x32, bf16
// MIXED: graph.matmul {{.*}} {grid.compute = #grid.compute<dst = bf16, fidelity = HiFi4>}
// fp32: f32 everywhere, f32 Dst, HiFi4.
// FP32-LABEL: func.func @mlp
// FP32-NOT: bfp
// FP32: graph.matmul {{.*}} {grid.compute = #grid.compute<dst = f32, fidelity = HiFi4>}
// FP32: graph.unary relu {{.*}} {grid.compute = #grid.compute<dst = f32, fidelity = HiFi4>}
// A glob with no precision after it is an error naming the flag's form.
// BAD: error: bad precision override 'fc1': expected NODE_GLOB=fp32|bf16|bfp8|bfp4
func.func @mlp(%x: tensor<64x128xf32>) -> tensor<64x32xf32> {
  %w1 = graph.constant dense<0.5> : tensor<128x64xf32> loc("w1")
  %w2 = graph.constant dense<0.25> : tensor<64x32xf32> loc("w2")
  %h = graph.matmul %x, %w1 : (tensor<64x128xf32>, tensor<128x64xf32>) -> tensor<64x64xf32> loc("fc1")
  %r = graph.unary relu %h : tensor<64x64xf32> -> tensor<64x64xf32> loc("act")
  %y = graph.matmul %r, %w2 : (tensor<64x64xf32>, tensor<64x32xf32>) -> tensor<64x32xf32> loc("fc2")
  return %y : tensor<64x32xf32>
}

// -----
// An activation that an add reads too keeps bf16: only matmuls read block-float tiles (as
// operands or residuals). A weight
// two matmuls share, one of them kept bf16, is bf16 (the wider).
// BFP8-LABEL: func.func @shared
// BFP8: graph.constant {{.*}} : tensor<64x64xf32, #grid.layout<tile 32x32, bfp8_b
// BFP8: graph.matmul %{{.*}}, %{{.*}} {{.*}} : (tensor<64x64xf32, #grid.layout<tile 32x32, bf16, {{.*}}>>, tensor<64x64xf32, #grid.layout<tile 32x32, bfp8_b
// MIXED-LABEL: func.func @shared
// MIXED: graph.constant {{.*}} : tensor<64x64xf32, #grid.layout<tile 32x32, bf16
func.func @shared(%x: tensor<64x64xf32>) -> tensor<64x64xf32> {
  %w = graph.constant dense<0.5> : tensor<64x64xf32> loc("w")
  %a = graph.matmul %x, %w : (tensor<64x64xf32>, tensor<64x64xf32>) -> tensor<64x64xf32> loc("fc1")
  %b = graph.matmul %a, %w : (tensor<64x64xf32>, tensor<64x64xf32>) -> tensor<64x64xf32> loc("fc2")
  %y = graph.binary add %x, %b : (tensor<64x64xf32>, tensor<64x64xf32>) -> tensor<64x64xf32> loc("res")
  return %y : tensor<64x64xf32>
}

// -----
// A residual stream that matmuls read as lhs and as the residual their product adds to (whole
// tiles both) goes bfp8_b, and so does the residual the first one reads; what the model
// returns stays bf16.
// BFP8-LABEL: func.func @residual
// BFP8: %[[A:.*]] = graph.matmul {{.*}} then relu {{.*}} -> tensor<64x64xf32, #grid.layout<tile 32x32, bfp8_b
// BFP8: graph.matmul %[[A]], %{{.*}} plus %[[A]] then relu {{.*}} : (tensor<64x64xf32, #grid.layout<tile 32x32, bfp8_b, {{.*}}>>, tensor<64x64xf32, #grid.layout<tile 32x32, bfp8_b, {{.*}}>>, tensor<64x64xf32, #grid.layout<tile 32x32, bfp8_b, {{.*}}>>) -> tensor<64x64xf32, #grid.layout<tile 32x32, bf16
func.func @residual(%x: tensor<64x64xf32>) -> tensor<64x64xf32> {
  %w1 = graph.constant dense<0.5> : tensor<64x64xf32> loc("w1")
  %w2 = graph.constant dense<0.25> : tensor<64x64xf32> loc("w2")
  %a = graph.matmul %x, %w1 plus %x then relu : (tensor<64x64xf32>, tensor<64x64xf32>, tensor<64x64xf32>) -> tensor<64x64xf32> loc("fc1")
  %b = graph.matmul %a, %w2 plus %a then relu : (tensor<64x64xf32>, tensor<64x64xf32>, tensor<64x64xf32>) -> tensor<64x64xf32> loc("fc2")
  return %b : tensor<64x64xf32>
}

// -----
// A constant residual keeps bf16: it is not a weight the precision narrows.
// BFP8-LABEL: func.func @constant_residual
// BFP8: graph.constant dense<5.000000e-01> {{.*}} : tensor<64x64xf32, #grid.layout<tile 32x32, bfp8_b
// BFP8: graph.constant dense<2.500000e-01> {{.*}} : tensor<64x64xf32, #grid.layout<tile 32x32, bf16
func.func @constant_residual(%x: tensor<64x64xf32>) -> tensor<64x64xf32> {
  %w = graph.constant dense<0.5> : tensor<64x64xf32> loc("w")
  %c = graph.constant dense<0.25> : tensor<64x64xf32> loc("c")
  %y = graph.matmul %x, %w plus %c : (tensor<64x64xf32>, tensor<64x64xf32>, tensor<64x64xf32>) -> tensor<64x64xf32> loc("fc2")
  return %y : tensor<64x64xf32>
}
