//===- TensorIO.h - Host tensors from and to files and text ---------------===//
#ifndef TESSEL_RUNTIME_TENSORIO_H
#define TESSEL_RUNTIME_TENSORIO_H

#include "tessel/runtime/Simulator.h"

#include <string>

namespace tessel::rt {

/// Reads a .npy (format v1/v2/v3, C order, little-endian f4/f8/i4/i8/bool)
/// and converts it to f32.
bool readNpy(const std::string &path, HostTensor &out, std::string &error);
/// Parses .npy bytes (the reader behind readNpy).
bool parseNpy(const uint8_t *data, size_t size, HostTensor &out,
              std::string &error);
/// Serializes as a v1 .npy in `elementType` (a binary's name: bool, i8 ... u64, f16, f32, f64;
/// bf16, which numpy lacks, as f32): integers rounded to the nearest and saturated, bools
/// nonzero.
std::string npyBytes(const HostTensor &tensor, const std::string &elementType = "f32");

/// Parses "2x3xf32=1,2,3,4,5,6" (a scalar is "f32=5"). Element types f32, f64,
/// i32, i64 are accepted and converted to f32.
bool parseInlineTensor(const std::string &text, HostTensor &out,
                       std::string &error);

/// Reads a serialized ONNX TensorProto (float, double, int32, int64; raw_data
/// or typed fields). Defined in TesselRuntimeOnnx.
bool readOnnxTensor(const std::string &path, HostTensor &out,
                    std::string &error);

/// numpy-like text of a tensor, eliding the middle of long dimensions.
std::string formatTensor(const HostTensor &tensor, size_t edgeItems = 3);

} // namespace tessel::rt

#endif
