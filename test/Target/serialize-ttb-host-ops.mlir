// RUN: tt-opt --tt-compile-pipeline %s | tt-translate --serialize-ttb | tt-translate --dump-ttb | FileCheck %s

// Host ops run after the chip: the binary lists them with their attributes, the chip values only
// they read (host_values, in buffers), and the outputs they compute in the model's places, with
// no buffer and -1 where the size depends on the data.

// CHECK:      "outputs": [
// CHECK-NEXT:   {
// CHECK-NEXT:     "name": "r",
// CHECK-NEXT:     "shape": [
// CHECK-NEXT:       6
// CHECK-NEXT:     ],
// CHECK-NEXT:     "element_type": "f32",
// CHECK-NEXT:     "buffer": {{[0-9]+}}
// CHECK-NEXT:   },
// CHECK-NEXT:   {
// CHECK-NEXT:     "name": "u",
// CHECK-NEXT:     "shape": [
// CHECK-NEXT:       -1
// CHECK-NEXT:     ],
// CHECK-NEXT:     "element_type": "f32",
// CHECK-NEXT:     "buffer": null,
// CHECK-NEXT:     "from_host": true
// CHECK-NEXT:   },
// CHECK-NEXT:   {
// CHECK-NEXT:     "name": "n",
// CHECK:          "element_type": "i64",
// CHECK-NEXT:     "buffer": null,
// CHECK-NEXT:     "from_host": true
// CHECK:      "host_values": [
// CHECK-NEXT:   {
// CHECK-NEXT:     "name": "g",
// CHECK:          "element_type": "bool",
// CHECK-NEXT:     "buffer": {{[0-9]+}}
// CHECK:      "host_ops": [
// CHECK-NEXT:   {
// CHECK-NEXT:     "name": "compress",
// CHECK-NEXT:     "op": "Compress",
// CHECK-NEXT:     "inputs": [
// CHECK-NEXT:       "r",
// CHECK-NEXT:       "g"
// CHECK-NEXT:     ],
// CHECK-NEXT:     "outputs": [
// CHECK-NEXT:       "c"
// CHECK-NEXT:     ],
// CHECK-NEXT:     "attributes": {
// CHECK-NEXT:       "axis": 0
// CHECK-NEXT:     }
// CHECK-NEXT:   },
// CHECK-NEXT:   {
// CHECK-NEXT:     "name": "unique",
// CHECK-NEXT:     "op": "Unique",
// CHECK:          "outputs": [
// CHECK-NEXT:       "u",
// CHECK-NEXT:       "",
// CHECK-NEXT:       "",
// CHECK-NEXT:       "n"
// CHECK-NEXT:     ],
// CHECK-NEXT:     "attributes": {
// CHECK-NEXT:       "sorted": 1,
// CHECK-NEXT:       "tag": [
// CHECK-NEXT:         "a",
// CHECK-NEXT:         "b"
// CHECK-NEXT:       ]
// CHECK-NEXT:     }
// CHECK:      "buffers": [
func.func @main(%x: tensor<6xf32> {graph.name = "x"})
    -> (tensor<6xf32> {graph.name = "r"}, tensor<6xi1> {graph.name = "g", graph.host_value})
    attributes {
      graph.host_ops = [
        {name = "compress", op = "Compress", inputs = ["r", "g"], outputs = ["c"],
         attributes = {axis = 0 : i64}},
        {name = "unique", op = "Unique", inputs = ["c"], outputs = ["u", "", "", "n"],
         attributes = {sorted = 1 : i64, tag = ["a", "b"]}}],
      graph.host_outputs = [{name = "u", index = 1 : i64, type = tensor<?xf32>},
                            {name = "n", index = 2 : i64, type = tensor<?xi64>}]} {
  %r = graph.unary relu %x : tensor<6xf32> -> tensor<6xf32>
  %half = graph.constant dense<0.5> : tensor<1xf32>
  %g = graph.binary greater %r, %half : (tensor<6xf32>, tensor<1xf32>) -> tensor<6xi1>
  return %r, %g : tensor<6xf32>, tensor<6xi1>
}
