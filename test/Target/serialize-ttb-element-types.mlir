// RUN: tt-opt --tt-compile-pipeline %s | tt-translate --serialize-ttb | tt-translate --dump-ttb | FileCheck %s

// The signature keeps the element types the function declares: the chip holds every tensor as
// floats, but a caller passes and gets back the model's types (tt-run writes outputs in them).

// CHECK:      "inputs": [
// CHECK:          "name": "ids",
// CHECK:          "element_type": "i64",
// CHECK:          "name": "x",
// CHECK:          "element_type": "f32",
// CHECK:      "outputs": [
// CHECK:          "name": "less",
// CHECK:          "element_type": "bool",
// CHECK:      "buffers": [
func.func @main(%ids: tensor<4x8xi64> {graph.name = "ids"}, %x: tensor<4x8xf32> {graph.name = "x"})
    -> (tensor<4x8xi1> {graph.name = "less"}) {
  %0 = graph.binary less %x, %ids : (tensor<4x8xf32>, tensor<4x8xi64>) -> tensor<4x8xi1>
  return %0 : tensor<4x8xi1>
}
