#ifndef TESSEL_GRID_ENUMS
#define TESSEL_GRID_ENUMS

include "mlir/IR/EnumAttr.td"

def Grid_MemorySpace : I32EnumAttr<"MemorySpace", "where a tensor lives", [
    I32EnumAttrCase<"dram", 0>, I32EnumAttrCase<"l1", 1>]> {
  let cppNamespace = "::tessel::grid";
}

def Grid_Sharding : I32EnumAttr<"Sharding", "how a tensor's tiles are spread", [
    I32EnumAttrCase<"interleaved", 0>, I32EnumAttrCase<"height_sharded", 1>,
    I32EnumAttrCase<"width_sharded", 2>, I32EnumAttrCase<"block_sharded", 3>]> {
  let cppNamespace = "::tessel::grid";
}

def Grid_OperandSharing : I32EnumAttr<"OperandSharing",
    "how the cores of a matmul get the operand blocks they share", [
    I32EnumAttrCase<"multicast", 0>, I32EnumAttrCase<"unicast", 1>]> {
  let cppNamespace = "::tessel::grid";
}

def Grid_LhsSource : I32EnumAttr<"LhsSource",
    "where a matmul's reader gets its lhs tiles", [
    I32EnumAttrCase<"tensor", 0>, I32EnumAttrCase<"gather", 1>]> {
  let cppNamespace = "::tessel::grid";
}

def Grid_ConvAlgorithm : I32EnumAttr<"ConvAlgorithm", "how a convolution is computed", [
    I32EnumAttrCase<"implicit_gemm", 0>, I32EnumAttrCase<"winograd", 1>]> {
  let cppNamespace = "::tessel::grid";
}

def Grid_CoreDim : I32EnumAttr<"CoreDim", "a coordinate of the running core", [
    I32EnumAttrCase<"x", 0>, I32EnumAttrCase<"y", 1>, I32EnumAttrCase<"linear", 2>,
    I32EnumAttrCase<"count", 3>]> {
  let cppNamespace = "::tessel::grid";
}

#endif
