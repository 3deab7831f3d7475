// Loss functions: NegativeLogLikelihoodLoss and SoftmaxCrossEntropyLoss.
#include "ImportHelpers.h"

using namespace mlir;
using namespace tessel;
using namespace tessel::onnx_import;

void tessel::onnx_import::addLossConverters(ConverterMap &map) {}
