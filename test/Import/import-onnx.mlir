// RUN: rm -rf %t && %python %S/Inputs/make_models.py %t
// RUN: tt-translate --import-onnx %t/mlp.onnx | FileCheck %s
// RUN: tt-translate --import-onnx %t/mlp.onnx --mlir-print-debuginfo | FileCheck %s --check-prefix=LOC
// The imported module is valid graph IR that tt-opt reads back.
// RUN: tt-translate --import-onnx %t/mlp.onnx | tt-opt | FileCheck %s
// Pinning a static input to its own shape changes nothing.
// RUN: tt-translate --import-onnx %t/mlp.onnx --input-shape=x:2x8 | FileCheck %s
// The importer's output goes through the whole pipeline.
// RUN: tt-compile %t/mlp.onnx -o %t/mlp.ttb
// RUN: tt-translate --dump-ttb %t/mlp.ttb | FileCheck %s --check-prefix=TTB

// CHECK-LABEL: func.func @main
// CHECK-SAME: (%[[X:.*]]: tensor<2x8xf32> {graph.name = "x"}) -> (tensor<2x4xf32> {graph.name = "y"})
// Initializers with more than 64 values are resources, smaller ones dense.
// CHECK-NEXT: %[[W1:.*]] = graph.constant dense_resource<w1> : tensor<8x16xf32>
// CHECK-NEXT: %[[B1:.*]] = graph.constant dense<[-6.000000e-02, 0.00999999977, {{.*}}]> : tensor<16xf32>
// CHECK-NEXT: %[[W2:.*]] = graph.constant dense<{{\[\[}}-6.000000e-02, {{.*}}]]> : tensor<4x16xf32>
// CHECK-NEXT: %[[B2:.*]] = graph.constant dense<[5.000000e-01, -5.000000e-01, 1.000000e+00, 0.000000e+00]> : tensor<4xf32>
// CHECK-NEXT: %[[H0:.*]] = graph.matmul %[[X]], %[[W1]] : (tensor<2x8xf32>, tensor<8x16xf32>) -> tensor<2x16xf32>
// CHECK-NEXT: %[[H1:.*]] = graph.binary add %[[H0]], %[[B1]] : (tensor<2x16xf32>, tensor<16xf32>) -> tensor<2x16xf32>
// CHECK-NEXT: %[[H2:.*]] = graph.unary relu %[[H1]] : tensor<2x16xf32> -> tensor<2x16xf32>
// Gemm keeps its attributes (defaults elided) for tt-decompose-graph.
// CHECK-NEXT: %[[L:.*]] = graph.gemm %[[H2]], %[[W2]], %[[B2]] {alpha = 5.000000e-01 : f32, transB = true} : (tensor<2x16xf32>, tensor<4x16xf32>, tensor<4xf32>) -> tensor<2x4xf32>
// Softmax's axis -1 is normalised.
// CHECK-NEXT: %[[Y:.*]] = graph.softmax %[[L]] {axis = 1 : i64} : tensor<2x4xf32>
// CHECK-NEXT: return %[[Y]] : tensor<2x4xf32>
// CHECK: dialect_resources
// CHECK-NEXT: builtin: {
// The blob: 4-byte alignment, then 128 little-endian floats; the first is -0.06 (0xBD75C28F).
// CHECK-NEXT: w1: "0x040000008FC275BD0AD7233C

// Locations: nodes and initializers carry their ONNX name (unnamed nodes get <OpType>_<index>)
// on top of the file.
// LOC-DAG: #[[FILE:.*]] = loc("{{.*}}mlp.onnx":0:0)
// LOC-DAG: graph.constant dense_resource<w1> {{.*}} loc(#[[LW1:loc[0-9]+]])
// LOC-DAG: graph.matmul {{.*}} loc(#[[LMM:loc[0-9]+]])
// LOC-DAG: graph.binary add {{.*}} loc(#[[LADD:loc[0-9]+]])
// LOC-DAG: graph.unary relu {{.*}} loc(#[[LACT:loc[0-9]+]])
// LOC-DAG: graph.gemm {{.*}} loc(#[[LFC2:loc[0-9]+]])
// LOC-DAG: graph.softmax {{.*}} loc(#[[LSM:loc[0-9]+]])
// LOC-DAG: #[[LW1]] = loc("w1"(#[[FILE]]))
// LOC-DAG: #[[LMM]] = loc("fc1_matmul"(#[[FILE]]))
// LOC-DAG: #[[LADD]] = loc("fc1_bias"(#[[FILE]]))
// LOC-DAG: #[[LACT]] = loc("act"(#[[FILE]]))
// LOC-DAG: #[[LFC2]] = loc("fc2"(#[[FILE]]))
// LOC-DAG: #[[LSM]] = loc("Softmax_4"(#[[FILE]]))

// TTB: "inputs": [
// TTB-NEXT: {
// TTB-NEXT:   "name": "x",
// TTB: "outputs": [
// TTB-NEXT: {
// TTB-NEXT:   "name": "y",
// TTB: "name": "w1",
// The first layer's bias and ReLU are fused into its matmul, whose dispatch names all three.
// TTB: "location": "fc1_matmul,fc1_bias,act",
// TTB: "location": "fc2",
// TTB: "location": "Softmax_4",
