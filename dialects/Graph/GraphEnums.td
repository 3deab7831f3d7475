#ifndef TESSEL_GRAPH_ENUMS
#define TESSEL_GRAPH_ENUMS

include "mlir/IR/EnumAttr.td"

// ONNX's elementwise ops, by family. `alpha`/`beta` carry their attributes (LeakyRelu's slope,
// Clip's bounds, HardSigmoid's alpha and beta, Selu's alpha and gamma, IsInf's detect flags).
def Graph_UnaryKind : I32EnumAttr<"UnaryKind", "elementwise function of one tensor", [
    I32EnumAttrCase<"abs", 0>, I32EnumAttrCase<"neg", 1>, I32EnumAttrCase<"exp", 2>,
    I32EnumAttrCase<"log", 3>, I32EnumAttrCase<"sqrt", 4>, I32EnumAttrCase<"reciprocal", 5>,
    I32EnumAttrCase<"sigmoid", 6>, I32EnumAttrCase<"tanh", 7>, I32EnumAttrCase<"erf", 8>,
    I32EnumAttrCase<"sin", 9>, I32EnumAttrCase<"cos", 10>, I32EnumAttrCase<"floor", 11>,
    I32EnumAttrCase<"ceil", 12>, I32EnumAttrCase<"round", 13>, I32EnumAttrCase<"sign", 14>,
    I32EnumAttrCase<"relu", 15>, I32EnumAttrCase<"leaky_relu", 16>, I32EnumAttrCase<"elu", 17>,
    I32EnumAttrCase<"selu", 18>, I32EnumAttrCase<"softplus", 19>, I32EnumAttrCase<"softsign", 20>,
    I32EnumAttrCase<"not_", 21, "not">, I32EnumAttrCase<"hard_sigmoid", 22>,
    I32EnumAttrCase<"hard_swish", 23>, I32EnumAttrCase<"thresholded_relu", 24>,
    I32EnumAttrCase<"clip", 25>, I32EnumAttrCase<"identity", 26>, I32EnumAttrCase<"isnan", 27>,
    I32EnumAttrCase<"isinf", 28>, I32EnumAttrCase<"trunc", 29>, I32EnumAttrCase<"to_bool", 30>,
    I32EnumAttrCase<"tan", 31>, I32EnumAttrCase<"asin", 32>, I32EnumAttrCase<"acos", 33>, I32EnumAttrCase<"atan", 34>, I32EnumAttrCase<"sinh", 35>, I32EnumAttrCase<"cosh", 36>, I32EnumAttrCase<"asinh", 37>, I32EnumAttrCase<"acosh", 38>, I32EnumAttrCase<"atanh", 39>,
    I32EnumAttrCase<"gelu", 40>, I32EnumAttrCase<"gelu_tanh", 41>, I32EnumAttrCase<"rsqrt", 42>]> {
  let cppNamespace = "::tessel::graph";
}

def Graph_BinaryKind : I32EnumAttr<"BinaryKind", "elementwise function of two tensors", [
    I32EnumAttrCase<"add", 0>, I32EnumAttrCase<"sub", 1>, I32EnumAttrCase<"mul", 2>,
    I32EnumAttrCase<"div", 3>, I32EnumAttrCase<"pow", 4>, I32EnumAttrCase<"max", 5>,
    I32EnumAttrCase<"min", 6>, I32EnumAttrCase<"mod", 7>, I32EnumAttrCase<"fmod", 8>,
    I32EnumAttrCase<"equal", 9>, I32EnumAttrCase<"less", 10>, I32EnumAttrCase<"greater", 11>,
    I32EnumAttrCase<"less_or_equal", 12>, I32EnumAttrCase<"greater_or_equal", 13>,
    I32EnumAttrCase<"and_", 14, "and">, I32EnumAttrCase<"or_", 15, "or">, I32EnumAttrCase<"xor_", 16, "xor">,
    I32EnumAttrCase<"prelu", 17>]> {
  let cppNamespace = "::tessel::graph";
}

def Graph_ReduceKind : I32EnumAttr<"ReduceKind", "reduction", [
    I32EnumAttrCase<"sum", 0>, I32EnumAttrCase<"mean", 1>, I32EnumAttrCase<"max", 2>,
    I32EnumAttrCase<"min", 3>, I32EnumAttrCase<"prod", 4>, I32EnumAttrCase<"l1", 5>,
    I32EnumAttrCase<"l2", 6>, I32EnumAttrCase<"log_sum", 7>, I32EnumAttrCase<"log_sum_exp", 8>,
    I32EnumAttrCase<"sum_square", 9>]> {
  let cppNamespace = "::tessel::graph";
}

def Graph_PoolKind : I32EnumAttr<"PoolKind", "pooling", [
    I32EnumAttrCase<"max", 0>, I32EnumAttrCase<"average", 1>]> {
  let cppNamespace = "::tessel::graph";
}

#endif
