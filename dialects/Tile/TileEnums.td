#ifndef TESSEL_TILE_ENUMS
#define TESSEL_TILE_ENUMS

include "mlir/IR/EnumAttr.td"

def Tile_DataFormat : I32EnumAttr<"DataFormat", "on-chip data format of a tile", [
    I32EnumAttrCase<"f32", 0>, I32EnumAttrCase<"bf16", 1>, I32EnumAttrCase<"bfp8_b", 2>,
    I32EnumAttrCase<"bfp4_b", 3>, I32EnumAttrCase<"bfp2_b", 4>, I32EnumAttrCase<"int32", 5>]> {
  let cppNamespace = "::tessel::tile";
  let genSpecializedAttr = 0;
}

def Tile_BinaryKind : I32EnumAttr<"BinaryKind", "FPU binary operation", [
    I32EnumAttrCase<"add", 0>, I32EnumAttrCase<"sub", 1>, I32EnumAttrCase<"mul", 2>,
    I32EnumAttrCase<"max", 3>]> {
  let cppNamespace = "::tessel::tile";
}

def Tile_Broadcast : I32EnumAttr<"Broadcast", "how the second operand of a binary op is broadcast", [
    I32EnumAttrCase<"none", 0>, I32EnumAttrCase<"rows", 1>, I32EnumAttrCase<"cols", 2>,
    I32EnumAttrCase<"scalar", 3>]> {
  let cppNamespace = "::tessel::tile";
}

def Tile_UnaryKind : I32EnumAttr<"UnaryKind", "SFPU unary function", [
    I32EnumAttrCase<"relu", 0>, I32EnumAttrCase<"exp", 1>, I32EnumAttrCase<"recip", 2>,
    I32EnumAttrCase<"neg", 3>, I32EnumAttrCase<"scale", 4>, I32EnumAttrCase<"shift", 5>]> {
  let cppNamespace = "::tessel::tile";
}

def Tile_ReduceKind : I32EnumAttr<"ReduceKind", "reduction", [
    I32EnumAttrCase<"sum", 0>, I32EnumAttrCase<"max", 1>]> {
  let cppNamespace = "::tessel::tile";
}

def Tile_MathFidelity : I32EnumAttr<"MathFidelity", "multiplier phases of the matrix engine", [
    I32EnumAttrCase<"LoFi", 0>, I32EnumAttrCase<"HiFi2", 1>, I32EnumAttrCase<"HiFi3", 2>,
    I32EnumAttrCase<"HiFi4", 3>]> {
  let cppNamespace = "::tessel::tile";
  let genSpecializedAttr = 0;
}

#endif
