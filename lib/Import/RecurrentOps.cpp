// Recurrent layers (RNN, GRU, LSTM) unrolled over their static sequence length.
#include "ImportHelpers.h"

using namespace mlir;
using namespace tessel;
using namespace tessel::onnx_import;

void tessel::onnx_import::addRecurrentConverters(ConverterMap &map) {}
