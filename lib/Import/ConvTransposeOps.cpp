// ConvTranspose and other window ops built from Conv's pieces.
#include "ImportHelpers.h"

using namespace mlir;
using namespace tessel;
using namespace tessel::onnx_import;

void tessel::onnx_import::addConvTransposeConverters(ConverterMap &map) {}
