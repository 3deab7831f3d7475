func.func @relu(%x: tensor<64x64xf32>) -> tensor<64x64xf32> {
  %y = graph.unary relu %x : tensor<64x64xf32> -> tensor<64x64xf32>
  return %y : tensor<64x64xf32>
}
