//===- OnnxTensor.cpp - ONNX TensorProto files ----------------------------===//
#include "ElementTypes.h"

#include "tessel/runtime/FileIO.h"
#include "tessel/runtime/TensorIO.h"

#include "onnx/onnx-data_pb.h"
#include "onnx/onnx_pb.h"

#include <cstring>

namespace tessel::rt {

namespace {
// A typed field's values (int32_data holds the bits of float16 and bfloat16).
template <typename Field>
bool convertField(const Field &field, ElementType type, std::vector<float> &out,
                  std::vector<int32_t> &ints, std::string &error) {
  out.clear();
  ints.clear();
  if (type == ElementType::Float16 || type == ElementType::BFloat16) {
    std::vector<uint16_t> bits(field.begin(), field.end());
    return appendChipValues(type, reinterpret_cast<const uint8_t *>(bits.data()), bits.size(),
                            out, error);
  }
  out.reserve(size_t(field.size()));
  for (int i = 0; i < field.size(); ++i) {
    float v;
    if (!chipValue(type, double(field.Get(i)), size_t(i), v, error, &ints))
      return false;
    out.push_back(v);
  }
  return true;
}
} // namespace

namespace {

/// A TensorProto's values as a host tensor; errors without the file's name.
bool tensorFromProto(const onnx::TensorProto &proto, HostTensor &out, std::string &error,
                     const std::string &declared) {
  if (proto.data_location() == onnx::TensorProto::EXTERNAL) {
    error = "tensors with external data are not supported";
    return false;
  }
  std::vector<int64_t> shape(proto.dims().begin(), proto.dims().end());
  int64_t count = 1;
  for (int64_t d : shape)
    if (d < 0 || __builtin_mul_overflow(count, d, &count)) {
      error = "bad dimensions";
      return false;
    }
  out.name = proto.name();
  out.data.clear();
  out.strings.clear();
  if (proto.data_type() == onnx::TensorProto::STRING) {
    if (proto.string_data_size() != count) {
      error = "data does not match the dimensions";
      return false;
    }
    out.strings.assign(proto.string_data().begin(), proto.string_data().end());
    out.shape = std::move(shape);
    return true;
  }
  ElementType type;
  if (!elementFromOnnx(proto.data_type(), type)) {
    error = "element type " + std::to_string(proto.data_type()) +
            " is not a bool, integer, float or string type";
    return false;
  }
  type = asDeclared(type, declared);
  bool ok;
  if (proto.has_raw_data()) {
    const std::string &raw = proto.raw_data();
    if (raw.size() != size_t(count) * elementSize(type)) {
      error = "data does not match the dimensions";
      return false;
    }
    ok = appendChipValues(type, reinterpret_cast<const uint8_t *>(raw.data()), size_t(count),
                          out.data, error, &out.ints);
  } else {
    switch (type) {
    case ElementType::Float32: ok = convertField(proto.float_data(), type, out.data, out.ints, error); break;
    case ElementType::Float64: ok = convertField(proto.double_data(), type, out.data, out.ints, error); break;
    case ElementType::Int64: ok = convertField(proto.int64_data(), type, out.data, out.ints, error); break;
    case ElementType::UInt32:
    case ElementType::UInt64: ok = convertField(proto.uint64_data(), type, out.data, out.ints, error); break;
    default: ok = convertField(proto.int32_data(), type, out.data, out.ints, error); break;
    }
    if (ok && int64_t(out.data.size()) != count) {
      error = "data does not match the dimensions";
      return false;
    }
  }
  if (!ok)
    return false;
  out.shape = std::move(shape);
  return true;
}

/// The TensorProto of a host tensor in `elementType` (a binary's name).
void tensorToProto(const HostTensor &t, const std::string &elementType,
                   onnx::TensorProto &proto) {
  proto.set_name(t.name);
  for (int64_t d : t.shape)
    proto.add_dims(d);
  if (elementType == "string") {
    proto.set_data_type(onnx::TensorProto::STRING);
    for (const std::string &s : t.strings)
      proto.add_string_data(s);
    return;
  }
  ElementType type = ElementType::Float32;
  if (!elementFromName(elementType, type))
    type = ElementType::Float32;
  proto.set_data_type(onnxFromElement(type));
  std::string raw(t.data.size() * elementSize(type), '\0');
  fromChipValues(type, t.data.data(), t.data.size(), reinterpret_cast<uint8_t *>(raw.data()),
                 exactInts(t));
  proto.set_raw_data(std::move(raw));
}

void sequenceToProto(const HostTensor &tensor, const std::string &elementType,
                     onnx::SequenceProto &proto) {
  proto.set_name(tensor.name);
  proto.set_elem_type(onnx::SequenceProto::TENSOR);
  for (const HostTensor &e : tensor.elements)
    tensorToProto(e, sequenceElementType(elementType), *proto.add_tensor_values());
}

bool sequenceFromProto(const onnx::SequenceProto &proto, HostTensor &out, std::string &error,
                       const std::string &declared) {
  if (proto.elem_type() != onnx::SequenceProto::TENSOR &&
      proto.elem_type() != onnx::SequenceProto::UNDEFINED) {
    error = "not a sequence of tensors";
    return false;
  }
  out = HostTensor();
  out.name = proto.name();
  out.isSequence = true;
  for (const onnx::TensorProto &t : proto.tensor_values()) {
    out.elements.emplace_back();
    if (!tensorFromProto(t, out.elements.back(), error, declared)) {
      error = "element " + std::to_string(out.elements.size() - 1) + ": " + error;
      return false;
    }
  }
  return true;
}

} // namespace

namespace {

/// Parses the `Proto` in `path` and converts it with `convert`, errors prefixed by the path.
template <typename Proto, typename Convert>
bool readProto(const std::string &path, const char *what, std::string &error, Convert convert) {
  std::vector<uint8_t> bytes;
  if (!readFile(path, bytes, error))
    return false;
  Proto proto;
  if (!proto.ParseFromArray(bytes.data(), int(bytes.size()))) {
    error = path + ": not a serialized ONNX " + what;
    return false;
  }
  if (!convert(proto)) {
    error = path + ": " + error;
    return false;
  }
  return true;
}

bool optionalFromProto(const onnx::OptionalProto &proto, HostTensor &out, std::string &error,
                       const std::string &declared) {
  out = HostTensor();
  out.name = proto.name();
  out.isOptional = true;
  if (proto.has_tensor_value()) {
    out.elements.emplace_back();
    return tensorFromProto(proto.tensor_value(), out.elements.back(), error, declared);
  }
  if (proto.has_sequence_value()) {
    out.elements.emplace_back();
    return sequenceFromProto(proto.sequence_value(), out.elements.back(), error,
                             sequenceElementType(declared));
  }
  return true;
}

} // namespace

bool readOnnxTensor(const std::string &path, HostTensor &out, std::string &error,
                    const std::string &declared) {
  return readProto<onnx::TensorProto>(path, "TensorProto", error, [&](const auto &proto) {
    return tensorFromProto(proto, out, error, declared);
  });
}

bool readOnnxSequence(const std::string &path, HostTensor &out, std::string &error,
                      const std::string &declared) {
  return readProto<onnx::SequenceProto>(path, "SequenceProto", error, [&](const auto &proto) {
    return sequenceFromProto(proto, out, error, declared);
  });
}

bool readOnnxOptional(const std::string &path, HostTensor &out, std::string &error,
                      const std::string &declared) {
  return readProto<onnx::OptionalProto>(path, "OptionalProto", error, [&](const auto &proto) {
    return optionalFromProto(proto, out, error, declared);
  });
}

std::string onnxBytes(const HostTensor &tensor, const std::string &elementType) {
  if (tensor.isOptional) {
    onnx::OptionalProto proto;
    proto.set_name(tensor.name);
    std::string inner = optionalElementType(elementType);
    if (tensor.elements.empty()) {
      proto.set_elem_type(onnx::OptionalProto::UNDEFINED);
    } else if (tensor.elements[0].isSequence) {
      proto.set_elem_type(onnx::OptionalProto::SEQUENCE);
      sequenceToProto(tensor.elements[0], inner, *proto.mutable_sequence_value());
    } else {
      proto.set_elem_type(onnx::OptionalProto::TENSOR);
      tensorToProto(tensor.elements[0], inner, *proto.mutable_tensor_value());
    }
    return proto.SerializeAsString();
  }
  if (tensor.isSequence) {
    onnx::SequenceProto proto;
    sequenceToProto(tensor, elementType, proto);
    return proto.SerializeAsString();
  }
  onnx::TensorProto proto;
  tensorToProto(tensor, elementType, proto);
  return proto.SerializeAsString();
}

} // namespace tessel::rt
