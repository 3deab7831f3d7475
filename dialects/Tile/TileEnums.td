#ifndef TESSEL_TILE_ENUMS
#define TESSEL_TILE_ENUMS

include "mlir/IR/EnumAttr.td"

def Tile_DataFormat : I32EnumAttr<"DataFormat", "on-chip data format of a tile", [
    I32EnumAttrCase<"f32", 0>, I32EnumAttrCase<"bf16", 1>, I32EnumAttrCase<"bfp8_b", 2>,
    I32EnumAttrCase<"bfp4_b", 3>, I32EnumAttrCase<"bfp2_b", 4>, I32EnumAttrCase<"int32", 5>]> {
  let cppNamespace = "::tessel::tile";
  let genSpecializedAttr = 0;
}

def Tile_BinaryKind : I32EnumAttr<"BinaryKind", "elementwise binary operation (FPU or SFPU)", [
    I32EnumAttrCase<"add", 0>, I32EnumAttrCase<"sub", 1>, I32EnumAttrCase<"mul", 2>, I32EnumAttrCase<"max", 3>,
    I32EnumAttrCase<"min", 4>, I32EnumAttrCase<"div", 5>, I32EnumAttrCase<"pow", 6>, I32EnumAttrCase<"fmod", 7>,
    I32EnumAttrCase<"mod", 8>, I32EnumAttrCase<"eq", 9>, I32EnumAttrCase<"lt", 10>, I32EnumAttrCase<"gt", 11>,
    I32EnumAttrCase<"le", 12>, I32EnumAttrCase<"ge", 13>, I32EnumAttrCase<"and_", 14, "and">, I32EnumAttrCase<"or_", 15, "or">,
    I32EnumAttrCase<"xor_", 16, "xor">, I32EnumAttrCase<"prelu", 17>, I32EnumAttrCase<"where_into", 18>]> {
  let cppNamespace = "::tessel::tile";
}

def Tile_Broadcast : I32EnumAttr<"Broadcast", "how the second operand of a binary op is broadcast", [
    I32EnumAttrCase<"none", 0>, I32EnumAttrCase<"rows", 1>, I32EnumAttrCase<"cols", 2>,
    I32EnumAttrCase<"scalar", 3>]> {
  let cppNamespace = "::tessel::tile";
}

def Tile_UnaryKind : I32EnumAttr<"UnaryKind", "SFPU unary function", [
    I32EnumAttrCase<"relu", 0>, I32EnumAttrCase<"exp", 1>, I32EnumAttrCase<"recip", 2>, I32EnumAttrCase<"neg", 3>,
    I32EnumAttrCase<"scale", 4>, I32EnumAttrCase<"shift", 5>, I32EnumAttrCase<"abs", 6>, I32EnumAttrCase<"sqrt", 7>,
    I32EnumAttrCase<"log", 8>, I32EnumAttrCase<"sigmoid", 9>, I32EnumAttrCase<"tanh", 10>, I32EnumAttrCase<"erf", 11>,
    I32EnumAttrCase<"sin", 12>, I32EnumAttrCase<"cos", 13>, I32EnumAttrCase<"floor", 14>, I32EnumAttrCase<"ceil", 15>,
    I32EnumAttrCase<"round", 16>, I32EnumAttrCase<"sign", 17>, I32EnumAttrCase<"max_scalar", 18>, I32EnumAttrCase<"min_scalar", 19>,
    I32EnumAttrCase<"leaky_relu", 20>, I32EnumAttrCase<"elu", 21>, I32EnumAttrCase<"softplus", 22>, I32EnumAttrCase<"not_", 23, "not">,
    I32EnumAttrCase<"pow_scalar", 24>, I32EnumAttrCase<"square", 25>, I32EnumAttrCase<"thresholded_relu", 26>, I32EnumAttrCase<"rsqrt", 27>,
    I32EnumAttrCase<"isnan", 28>, I32EnumAttrCase<"isinf", 29>,
    I32EnumAttrCase<"tan", 30>, I32EnumAttrCase<"asin", 31>, I32EnumAttrCase<"acos", 32>, I32EnumAttrCase<"atan", 33>, I32EnumAttrCase<"sinh", 34>, I32EnumAttrCase<"cosh", 35>, I32EnumAttrCase<"asinh", 36>, I32EnumAttrCase<"acosh", 37>, I32EnumAttrCase<"atanh", 38>,
    I32EnumAttrCase<"gelu", 39>, I32EnumAttrCase<"gelu_tanh", 40>,
    I32EnumAttrCase<"div_scalar", 41>, I32EnumAttrCase<"to_float", 42>, I32EnumAttrCase<"to_int", 43>]> {
  let cppNamespace = "::tessel::tile";
}

def Tile_ReduceKind : I32EnumAttr<"ReduceKind", "reduction", [
    I32EnumAttrCase<"sum", 0>, I32EnumAttrCase<"max", 1>, I32EnumAttrCase<"min", 2>, I32EnumAttrCase<"prod", 3>]> {
  let cppNamespace = "::tessel::tile";
}

def Tile_MathFidelity : I32EnumAttr<"MathFidelity", "multiplier phases of the matrix engine", [
    I32EnumAttrCase<"LoFi", 0>, I32EnumAttrCase<"HiFi2", 1>, I32EnumAttrCase<"HiFi3", 2>,
    I32EnumAttrCase<"HiFi4", 3>]> {
  let cppNamespace = "::tessel::tile";
  let genSpecializedAttr = 0;
}

#endif
