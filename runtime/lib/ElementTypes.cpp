//===- ElementTypes.cpp - Host tensors' element types ---------------------===//
#include "ElementTypes.h"

#include <cmath>
#include <cstdio>
#include <cstring>
#include <limits>

namespace tessel::rt {

namespace {
struct Info {
  ElementType type;
  const char *name, *npy;
  int onnx;
  size_t size;
};
// The npy kinds as numpy writes them ('|b1', '<f2', ...), without the byte-order mark.
const Info kTypes[] = {
    {ElementType::Bool, "bool", "b1", 9, 1},      {ElementType::Int8, "i8", "i1", 3, 1},
    {ElementType::UInt8, "u8", "u1", 2, 1},       {ElementType::Int16, "i16", "i2", 5, 2},
    {ElementType::UInt16, "u16", "u2", 4, 2},     {ElementType::Int32, "i32", "i4", 6, 4},
    {ElementType::UInt32, "u32", "u4", 12, 4},    {ElementType::Int64, "i64", "i8", 7, 8},
    {ElementType::UInt64, "u64", "u8", 13, 8},    {ElementType::Float16, "f16", "f2", 10, 2},
    {ElementType::BFloat16, "bf16", nullptr, 16, 2}, {ElementType::Float32, "f32", "f4", 1, 4},
    {ElementType::Float64, "f64", "f8", 11, 8},
};

const Info &info(ElementType type) { return kTypes[size_t(type)]; }

bool isInteger(ElementType type) {
  return type != ElementType::Float16 && type != ElementType::BFloat16 &&
         type != ElementType::Float32 && type != ElementType::Float64;
}

template <typename T> T load(const uint8_t *p) {
  T v;
  std::memcpy(&v, p, sizeof v);
  return v;
}

bool beyondInt32(double v) {
  return v < double(std::numeric_limits<int32_t>::min()) ||
         v > double(std::numeric_limits<int32_t>::max());
}

std::string beyondMessage(double v, size_t index) {
  char text[64];
  std::snprintf(text, sizeof text, "%.17g", v);
  return std::string("value ") + text + " (element " + std::to_string(index) +
         ") is beyond the int32 range the chip holds integers in";
}
} // namespace

size_t elementSize(ElementType type) { return info(type).size; }

bool elementFromName(const std::string &name, ElementType &type) {
  for (const Info &i : kTypes)
    if (name == i.name) {
      type = i.type;
      return true;
    }
  return false;
}

bool elementFromNpy(const std::string &kind, ElementType &type) {
  for (const Info &i : kTypes)
    if (i.npy && kind == i.npy) {
      type = i.type;
      return true;
    }
  return false;
}

bool elementFromOnnx(int dataType, ElementType &type) {
  for (const Info &i : kTypes)
    if (dataType == i.onnx) {
      type = i.type;
      return true;
    }
  return false;
}

int onnxFromElement(ElementType type) {
  for (const Info &i : kTypes)
    if (type == i.type)
      return i.onnx;
  return 0;
}

bool appendChipValues(ElementType type, const uint8_t *data, size_t count,
                      std::vector<float> &out, std::string &error,
                      std::vector<int32_t> *ints) {
  size_t size = elementSize(type), first = out.size();
  out.resize(first + count);
  if (!isInteger(type))
    ints = nullptr;
  if (ints)
    ints->reserve(ints->size() + count);
  float *to = out.data() + first;
  for (size_t i = 0; i < count; ++i) {
    const uint8_t *p = data + i * size;
    double v = 0;
    switch (type) {
    case ElementType::Bool: v = load<uint8_t>(p) != 0; break;
    case ElementType::Int8: v = load<int8_t>(p); break;
    case ElementType::UInt8: v = load<uint8_t>(p); break;
    case ElementType::Int16: v = load<int16_t>(p); break;
    case ElementType::UInt16: v = load<uint16_t>(p); break;
    case ElementType::Int32: v = load<int32_t>(p); break;
    case ElementType::UInt32: v = load<uint32_t>(p); break;
    case ElementType::Int64: v = double(load<int64_t>(p)); break;
    case ElementType::UInt64: v = double(load<uint64_t>(p)); break;
    case ElementType::Float16: to[i] = float(load<_Float16>(p)); continue;
    case ElementType::BFloat16: {
      uint32_t bits = uint32_t(load<uint16_t>(p)) << 16;
      std::memcpy(to + i, &bits, sizeof(float));
      continue;
    }
    case ElementType::Float32: to[i] = load<float>(p); continue;
    case ElementType::Float64: to[i] = float(load<double>(p)); continue;
    }
    if (beyondInt32(v)) {
      error = beyondMessage(v, i);
      return false;
    }
    to[i] = float(v);
    if (ints)
      ints->push_back(int32_t(v));
  }
  return true;
}

const char *npyDescr(ElementType type) {
  switch (type) {
  case ElementType::Bool: return "|b1";
  case ElementType::Int8: return "|i1";
  case ElementType::UInt8: return "|u1";
  case ElementType::Int16: return "<i2";
  case ElementType::UInt16: return "<u2";
  case ElementType::Int32: return "<i4";
  case ElementType::UInt32: return "<u4";
  case ElementType::Int64: return "<i8";
  case ElementType::UInt64: return "<u8";
  case ElementType::Float16: return "<f2";
  case ElementType::Float64: return "<f8";
  default: return "<f4";
  }
}

namespace {
// `v` rounded to the nearest integer (NaN: 0): wrapped into T's range if T is narrower than 32
// bits, as ONNX's integer arithmetic wraps (the chip holds such integers unwrapped in int32;
// tt-bound-integer-inputs keeps them exact modulo T's range), else saturated to it. A double
// holds every int32 exactly, so an exact value passes unchanged.
template <typename T> void storeInteger(double v, uint8_t *p) {
  double r = std::nearbyint(v);
  T out = std::isnan(r) ? T(0)
          : sizeof(T) < 4 && std::abs(r) < 0x1p62 ? T(uint64_t(int64_t(r)))
          : r <= double(std::numeric_limits<T>::min()) ? std::numeric_limits<T>::min()
          : r >= double(std::numeric_limits<T>::max()) ? std::numeric_limits<T>::max()
                                                       : T(r);
  std::memcpy(p, &out, sizeof out);
}
} // namespace

void fromChipValues(ElementType type, const float *values, size_t count, uint8_t *data,
                    const int32_t *ints) {
  size_t size = elementSize(type == ElementType::BFloat16 ? ElementType::Float32 : type);
  for (size_t i = 0; i < count; ++i) {
    uint8_t *p = data + i * size;
    float v = values[i];
    double exact = ints ? double(ints[i]) : double(v);
    switch (type) {
    case ElementType::Bool: *p = v != 0; break;
    case ElementType::Int8: storeInteger<int8_t>(exact, p); break;
    case ElementType::UInt8: storeInteger<uint8_t>(exact, p); break;
    case ElementType::Int16: storeInteger<int16_t>(exact, p); break;
    case ElementType::UInt16: storeInteger<uint16_t>(exact, p); break;
    case ElementType::Int32: storeInteger<int32_t>(exact, p); break;
    case ElementType::UInt32: storeInteger<uint32_t>(exact, p); break;
    case ElementType::Int64: storeInteger<int64_t>(exact, p); break;
    case ElementType::UInt64: storeInteger<uint64_t>(exact, p); break;
    case ElementType::Float16: {
      _Float16 h = _Float16(v);
      std::memcpy(p, &h, 2);
      break;
    }
    case ElementType::Float64: {
      double d = v;
      std::memcpy(p, &d, 8);
      break;
    }
    default: std::memcpy(p, &v, 4); break;
    }
  }
}

bool chipValue(ElementType type, double value, size_t index, float &out,
               std::string &error, std::vector<int32_t> *ints) {
  if (isInteger(type)) {
    if (value != std::floor(value)) {
      error = "value " + std::to_string(value) + " (element " + std::to_string(index) +
              ") is not an integer";
      return false;
    }
    if (type == ElementType::Bool && value != 0 && value != 1) {
      error = "a bool is 0 or 1, got " + std::to_string(value) + " (element " +
              std::to_string(index) + ")";
      return false;
    }
    if (beyondInt32(value)) {
      error = beyondMessage(value, index);
      return false;
    }
  }
  out = float(value);
  if (ints && isInteger(type))
    ints->push_back(int32_t(value));
  return true;
}

} // namespace tessel::rt
