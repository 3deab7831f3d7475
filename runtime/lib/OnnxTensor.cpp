//===- OnnxTensor.cpp - ONNX TensorProto files ----------------------------===//
#include "ElementTypes.h"

#include "tessel/runtime/FileIO.h"
#include "tessel/runtime/TensorIO.h"

#include "ProtoWire.h"

#include <cstring>
#include <type_traits>

namespace tessel::rt {

namespace {
// onnx.proto and onnx-data.proto: the fields read or written here.
enum TensorField : uint32_t {
  kDims = 1, kDataType = 2, kFloatData = 4, kInt32Data = 5, kStringData = 6, kInt64Data = 7,
  kName = 8, kRawData = 9, kDoubleData = 10, kUint64Data = 11, kDataLocation = 14
};
constexpr int kOnnxString = 8, kExternal = 1;
// SequenceProto and OptionalProto: name 1, elem_type 2; a sequence's tensor_values 3, an
// optional's tensor_value 3 or sequence_value 5.
enum ContainerField : uint32_t {
  kContainerName = 1, kElemType = 2, kTensorValues = 3, kSequenceValue = 5
};
enum ElemType : int32_t { kUndefined = 0, kTensor = 1, kSequence = 3 };

/// A TensorProto as parsed: its raw data points into the file's bytes. A field given twice
/// holds its last value, a repeated one all of them, as protobuf's parser leaves them.
struct Tensor {
  std::vector<int64_t> dims;
  int32_t dataType = 0;
  std::vector<float> floatData;
  std::vector<int32_t> int32Data;
  std::vector<std::string> stringData;
  std::vector<int64_t> int64Data;
  std::string name;
  bool hasRaw = false;
  std::string_view raw;
  int32_t dataLocation = 0;
  std::vector<double> doubleData;
  std::vector<uint64_t> uint64Data;
};

struct Sequence {
  std::string name;
  int32_t elemType = kUndefined;
  std::vector<Tensor> tensors;
};

struct Optional {
  std::string name;
  bool hasTensor = false, hasSequence = false;
  Tensor tensor;
  Sequence sequence;
};

/// Parses a message into `t`; an embedded message given twice merges, as protobuf's does.
bool parse(std::string_view bytes, Tensor &t) {
  return wire::forEachField(bytes, [&](wire::Reader &r, uint32_t field, int type) {
    auto scalar = [&](auto set) {
      if (type == wire::Varint)
        set(r.varint());
      else
        r.skip(type);
    };
    // Each value of a repeated field, converted from its wire bits to `T`.
    auto values = [&](int scalarType, auto &into) {
      using T = typename std::decay_t<decltype(into)>::value_type;
      r.repeated(type, scalarType, [&](uint64_t v) {
        if constexpr (std::is_same_v<T, float>) {
          uint32_t bits = uint32_t(v);
          float f;
          std::memcpy(&f, &bits, sizeof f);
          into.push_back(f);
        } else if constexpr (std::is_same_v<T, double>) {
          double d;
          std::memcpy(&d, &v, sizeof d);
          into.push_back(d);
        } else {
          into.push_back(T(v)); // two's complement: a negative int32 is a sign-extended varint
        }
      });
    };
    switch (field) {
    case kDims: values(wire::Varint, t.dims); break;
    case kDataType: scalar([&](uint64_t v) { t.dataType = int32_t(v); }); break;
    case kFloatData: values(wire::Fixed32, t.floatData); break;
    case kInt32Data: values(wire::Varint, t.int32Data); break;
    case kInt64Data: values(wire::Varint, t.int64Data); break;
    case kDoubleData: values(wire::Fixed64, t.doubleData); break;
    case kUint64Data: values(wire::Varint, t.uint64Data); break;
    case kStringData:
    case kName:
    case kRawData:
      if (type != wire::Bytes) {
        r.skip(type);
      } else if (field == kStringData) {
        t.stringData.emplace_back(r.bytes());
      } else if (field == kName) {
        t.name = std::string(r.bytes());
      } else {
        t.raw = r.bytes();
        t.hasRaw = true;
      }
      break;
    case kDataLocation:
      // An enum: a value it does not name leaves the field unset.
      scalar([&](uint64_t v) {
        if (v <= uint64_t(kExternal))
          t.dataLocation = int32_t(v);
      });
      break;
    default: r.skip(type); break;
    }
    return true;
  });
}

/// A SequenceProto's or OptionalProto's name and element type, or else false.
bool containerField(wire::Reader &r, uint32_t field, int type, std::string &name,
                    int32_t &elemType) {
  if (field == kContainerName && type == wire::Bytes)
    name = std::string(r.bytes());
  else if (field == kElemType && type == wire::Varint)
    elemType = int32_t(r.varint());
  else
    return false;
  return true;
}

bool parse(std::string_view bytes, Sequence &s) {
  return wire::forEachField(bytes, [&](wire::Reader &r, uint32_t field, int type) {
    if (containerField(r, field, type, s.name, s.elemType))
      return true;
    if (field != kTensorValues || type != wire::Bytes) {
      r.skip(type);
      return true;
    }
    s.tensors.emplace_back();
    return parse(r.bytes(), s.tensors.back());
  });
}

bool parse(std::string_view bytes, Optional &o) {
  int32_t elemType = kUndefined;
  return wire::forEachField(bytes, [&](wire::Reader &r, uint32_t field, int type) {
    if (containerField(r, field, type, o.name, elemType))
      return true;
    if (field == kTensorValues && type == wire::Bytes) {
      o.hasTensor = true;
      return parse(r.bytes(), o.tensor);
    }
    if (field == kSequenceValue && type == wire::Bytes) {
      o.hasSequence = true;
      return parse(r.bytes(), o.sequence);
    }
    r.skip(type);
    return true;
  });
}

// A typed field's values (int32_data holds the bits of float16 and bfloat16).
template <typename T>
bool convertField(const std::vector<T> &field, ElementType type, std::vector<float> &out,
                  std::vector<int32_t> &ints, std::string &error) {
  out.clear();
  ints.clear();
  if (type == ElementType::Float16 || type == ElementType::BFloat16) {
    std::vector<uint16_t> bits(field.begin(), field.end());
    return appendChipValues(type, reinterpret_cast<const uint8_t *>(bits.data()), bits.size(),
                            out, error);
  }
  out.reserve(field.size());
  for (size_t i = 0; i < field.size(); ++i) {
    float v;
    if (!chipValue(type, double(field[i]), i, v, error, &ints))
      return false;
    out.push_back(v);
  }
  return true;
}

/// A TensorProto's values as a host tensor; errors without the file's name.
bool tensorFromProto(const Tensor &proto, HostTensor &out, std::string &error,
                     const std::string &declared) {
  if (proto.dataLocation == kExternal) {
    error = "tensors with external data are not supported";
    return false;
  }
  const std::vector<int64_t> &shape = proto.dims;
  int64_t count = 1;
  for (int64_t d : shape)
    if (d < 0 || __builtin_mul_overflow(count, d, &count)) {
      error = "bad dimensions";
      return false;
    }
  out.name = proto.name;
  out.data.clear();
  out.strings.clear();
  if (proto.dataType == kOnnxString) {
    if (int64_t(proto.stringData.size()) != count) {
      error = "data does not match the dimensions";
      return false;
    }
    out.strings = proto.stringData;
    out.shape = shape;
    return true;
  }
  ElementType type;
  if (!elementFromOnnx(proto.dataType, type)) {
    error = "element type " + std::to_string(proto.dataType) +
            " is not a bool, integer, float or string type";
    return false;
  }
  type = asDeclared(type, declared);
  bool ok;
  if (proto.hasRaw) {
    if (proto.raw.size() != size_t(count) * elementSize(type)) {
      error = "data does not match the dimensions";
      return false;
    }
    ok = appendChipValues(type, reinterpret_cast<const uint8_t *>(proto.raw.data()),
                          size_t(count), out.data, error, &out.ints);
  } else {
    switch (type) {
    case ElementType::Float32: ok = convertField(proto.floatData, type, out.data, out.ints, error); break;
    case ElementType::Float64: ok = convertField(proto.doubleData, type, out.data, out.ints, error); break;
    case ElementType::Int64: ok = convertField(proto.int64Data, type, out.data, out.ints, error); break;
    case ElementType::UInt32:
    case ElementType::UInt64: ok = convertField(proto.uint64Data, type, out.data, out.ints, error); break;
    default: ok = convertField(proto.int32Data, type, out.data, out.ints, error); break;
    }
    if (ok && int64_t(out.data.size()) != count) {
      error = "data does not match the dimensions";
      return false;
    }
  }
  if (!ok)
    return false;
  out.shape = shape;
  return true;
}

/// The TensorProto of a host tensor in `elementType` (a binary's name), its fields in the
/// order protobuf writes them.
std::string tensorBytes(const HostTensor &t, const std::string &elementType) {
  wire::Writer w;
  for (int64_t d : t.shape)
    w.varint(kDims, uint64_t(d));
  if (elementType == "string") {
    w.varint(kDataType, kOnnxString);
    for (const std::string &s : t.strings)
      w.bytes(kStringData, s);
    w.bytes(kName, t.name);
    return w.str();
  }
  ElementType type = ElementType::Float32;
  if (!elementFromName(elementType, type))
    type = ElementType::Float32;
  w.varint(kDataType, uint64_t(int64_t(onnxFromElement(type))));
  w.bytes(kName, t.name);
  std::string raw(t.data.size() * elementSize(type), '\0');
  fromChipValues(type, t.data.data(), t.data.size(), reinterpret_cast<uint8_t *>(raw.data()),
                 exactInts(t));
  w.bytes(kRawData, raw);
  return w.str();
}

std::string sequenceBytes(const HostTensor &tensor, const std::string &elementType) {
  wire::Writer w;
  w.bytes(kContainerName, tensor.name);
  w.varint(kElemType, kTensor);
  for (const HostTensor &e : tensor.elements)
    w.bytes(kTensorValues, tensorBytes(e, sequenceElementType(elementType)));
  return w.str();
}

bool sequenceFromProto(const Sequence &proto, HostTensor &out, std::string &error,
                       const std::string &declared) {
  if (proto.elemType != kTensor && proto.elemType != kUndefined) {
    error = "not a sequence of tensors";
    return false;
  }
  out = HostTensor();
  out.name = proto.name;
  out.isSequence = true;
  for (const Tensor &t : proto.tensors) {
    out.elements.emplace_back();
    if (!tensorFromProto(t, out.elements.back(), error, declared)) {
      error = "element " + std::to_string(out.elements.size() - 1) + ": " + error;
      return false;
    }
  }
  return true;
}

/// Parses the `Proto` in `path` and converts it with `convert`, errors prefixed by the path.
template <typename Proto, typename Convert>
bool readProto(const std::string &path, const char *what, std::string &error, Convert convert) {
  std::vector<uint8_t> bytes;
  if (!readFile(path, bytes, error))
    return false;
  Proto proto;
  if (!parse({reinterpret_cast<const char *>(bytes.data()), bytes.size()}, proto)) {
    error = path + ": not a serialized ONNX " + what;
    return false;
  }
  if (!convert(proto)) {
    error = path + ": " + error;
    return false;
  }
  return true;
}

bool optionalFromProto(const Optional &proto, HostTensor &out, std::string &error,
                       const std::string &declared) {
  out = HostTensor();
  out.name = proto.name;
  out.isOptional = true;
  if (proto.hasTensor) {
    out.elements.emplace_back();
    return tensorFromProto(proto.tensor, out.elements.back(), error, declared);
  }
  if (proto.hasSequence) {
    out.elements.emplace_back();
    return sequenceFromProto(proto.sequence, out.elements.back(), error,
                             sequenceElementType(declared));
  }
  return true;
}

} // namespace

bool readOnnxTensor(const std::string &path, HostTensor &out, std::string &error,
                    const std::string &declared) {
  return readProto<Tensor>(path, "TensorProto", error, [&](const Tensor &proto) {
    return tensorFromProto(proto, out, error, declared);
  });
}

bool readOnnxSequence(const std::string &path, HostTensor &out, std::string &error,
                      const std::string &declared) {
  return readProto<Sequence>(path, "SequenceProto", error, [&](const Sequence &proto) {
    return sequenceFromProto(proto, out, error, declared);
  });
}

bool readOnnxOptional(const std::string &path, HostTensor &out, std::string &error,
                      const std::string &declared) {
  return readProto<Optional>(path, "OptionalProto", error, [&](const Optional &proto) {
    return optionalFromProto(proto, out, error, declared);
  });
}

std::string onnxBytes(const HostTensor &tensor, const std::string &elementType) {
  if (tensor.isOptional) {
    wire::Writer w;
    w.bytes(kContainerName, tensor.name);
    std::string inner = optionalElementType(elementType);
    if (tensor.elements.empty()) {
      w.varint(kElemType, kUndefined);
    } else if (tensor.elements[0].isSequence) {
      w.varint(kElemType, kSequence);
      w.bytes(kSequenceValue, sequenceBytes(tensor.elements[0], inner));
    } else {
      w.varint(kElemType, kTensor);
      w.bytes(kTensorValues, tensorBytes(tensor.elements[0], inner));
    }
    return w.str();
  }
  if (tensor.isSequence)
    return sequenceBytes(tensor, elementType);
  return tensorBytes(tensor, elementType);
}

} // namespace tessel::rt
