// Normalizations beyond the Batch/Instance/Layer ones: LRN and MeanVarianceNormalization.
#include "ImportHelpers.h"

using namespace mlir;
using namespace tessel;
using namespace tessel::onnx_import;

void tessel::onnx_import::addNormalizationConverters(ConverterMap &map) {}
