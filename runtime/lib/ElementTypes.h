//===- ElementTypes.h - Host tensors' element types, as the chip holds them ===//
//
// Inputs come as .npy, ONNX TensorProto or inline text in any ONNX numeric
// element type; they are held as f32 values (rounded into the buffer's format
// when placed), and integers also as exact int32 values, which a buffer of the
// int32 format takes. An integer beyond the int32 range is refused with an
// error naming it, rather than wrapped: no index or count of a model the chip
// runs gets there, and a value that did would be silently wrong.
//
//===----------------------------------------------------------------------===//
#ifndef TESSEL_RUNTIME_LIB_ELEMENTTYPES_H
#define TESSEL_RUNTIME_LIB_ELEMENTTYPES_H

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace tessel::rt {

enum class ElementType {
  Bool, Int8, UInt8, Int16, UInt16, Int32, UInt32, Int64, UInt64,
  Float16, BFloat16, Float32, Float64
};

/// Bytes per value.
size_t elementSize(ElementType type);
/// The type of a short name (tt-run's inline values, a binary's signature: bool, i8 ... u64,
/// f16, bf16, f32, f64); false if there is none.
bool elementFromName(const std::string &name, ElementType &type);
/// The type of a .npy descr's kind and size ("f4", "i8", "b1", ...); false if there is none.
bool elementFromNpy(const std::string &kind, ElementType &type);
/// The type of an ONNX TensorProto data_type; false for strings, complex and unknown types.
bool elementFromOnnx(int dataType, ElementType &type);
/// The ONNX TensorProto data_type of an element type.
int onnxFromElement(ElementType type);

/// The type to read a tensor of `type` as, for an input the model declares `declared` (a name,
/// or empty): uint16 holds the bits of a declared bf16 (numpy has no bfloat16).
inline ElementType asDeclared(ElementType type, const std::string &declared) {
  return type == ElementType::UInt16 && declared == "bf16" ? ElementType::BFloat16 : type;
}

/// Appends `count` little-endian values of `type` at `data` to `out` as f32 values, and an
/// integer type's exact values to `ints` (if given); false with `error` on an integer beyond the
/// int32 range.
bool appendChipValues(ElementType type, const uint8_t *data, size_t count,
                      std::vector<float> &out, std::string &error,
                      std::vector<int32_t> *ints = nullptr);
/// Value `index` of a tensor, given as a number (a TensorProto's typed field, inline text): an
/// integer type's must be whole and within the int32 range, a bool's 0 or 1; an integer type's
/// exact value is appended to `ints` (if given), as appendChipValues does.
bool chipValue(ElementType type, double value, size_t index, float &out, std::string &error,
               std::vector<int32_t> *ints = nullptr);

/// The .npy descr of `type` ('<f4', '|b1', ...); bf16 has none (numpy lacks it): '<f4'.
const char *npyDescr(ElementType type);
/// Writes `count` f32 values as little-endian values of `type` at `data`: integers rounded to
/// the nearest and saturated to the type's range (taken from `ints`, exact, where given), bools
/// nonzero, floats rounded.
void fromChipValues(ElementType type, const float *values, size_t count, uint8_t *data,
                    const int32_t *ints = nullptr);

} // namespace tessel::rt

#endif
