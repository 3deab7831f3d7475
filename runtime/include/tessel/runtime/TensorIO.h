//===- TensorIO.h - Host tensors from and to files and text ---------------===//
#ifndef TESSEL_RUNTIME_TENSORIO_H
#define TESSEL_RUNTIME_TENSORIO_H

#include "tessel/runtime/Simulator.h"

#include <string>

namespace tessel::rt {

/// The readers take the element type the model declares for the tensor (a binary's name, or
/// empty): a bf16 tensor given as uint16 holds bfloat16 bits, as numpy (which has no bfloat16)
/// and ONNX's test data pass them.

/// Reads a .npy (format v1/v2/v3, C order, little-endian bool, integer or float) and converts
/// it to f32 (runtime/lib/ElementTypes.h); a unicode ('<U') or bytes ('|S') array gives strings.
bool readNpy(const std::string &path, HostTensor &out, std::string &error,
             const std::string &declared = "");
/// Parses .npy bytes (the reader behind readNpy).
bool parseNpy(const uint8_t *data, size_t size, HostTensor &out, std::string &error,
              const std::string &declared = "");
/// Serializes as a v1 .npy in `elementType` (a binary's name: bool, i8 ... u64, f16, f32, f64;
/// bf16, which numpy lacks, as f32; string as numpy's unicode): integers rounded to the nearest
/// and saturated, bools nonzero.
std::string npyBytes(const HostTensor &tensor, const std::string &elementType = "f32");

/// Parses "2x3xf32=1,2,3,4,5,6" (a scalar is "f32=5"), of the element types
/// ElementTypes.h names, converted to f32.
bool parseInlineTensor(const std::string &text, HostTensor &out,
                       std::string &error);

/// Reads a serialized ONNX TensorProto of a bool, integer, float or string type (raw_data or
/// typed fields).
bool readOnnxTensor(const std::string &path, HostTensor &out, std::string &error,
                    const std::string &declared = "");

/// Reads a serialized ONNX SequenceProto of tensors (as readOnnxTensor reads each).
bool readOnnxSequence(const std::string &path, HostTensor &out, std::string &error,
                      const std::string &declared = "");
/// Reads a serialized ONNX OptionalProto of a tensor or a sequence of tensors; `declared` is the
/// binary's name of what it holds ("f32", "seq(f32)").
bool readOnnxOptional(const std::string &path, HostTensor &out, std::string &error,
                      const std::string &declared = "");
/// Serializes as an ONNX TensorProto in `elementType` (a binary's name, as npyBytes), a
/// SequenceProto of them for a sequence ("seq(f32)"), or an OptionalProto ("opt(...)").
std::string onnxBytes(const HostTensor &tensor, const std::string &elementType);
/// The element type of a sequence's elements ("f32" of "seq(f32)"), or "" for another type.
std::string sequenceElementType(const std::string &elementType);
/// What an optional holds ("seq(f32)" of "opt(seq(f32))"), or "" for another type.
std::string optionalElementType(const std::string &elementType);
/// How a tensor's values print: as the model declares them.
enum class ValueKind { Float, Integer, Bool, String };
/// The kind of a declared element type name (bool, i8 ... u64, f16 ... f64, string); Float when
/// unknown.
ValueKind valueKindOf(const std::string &elementType);

/// numpy-like text of a tensor, eliding the middle of long dimensions.
std::string formatTensor(const HostTensor &tensor, ValueKind kind = ValueKind::Float,
                         size_t edgeItems = 3);

} // namespace tessel::rt

#endif
