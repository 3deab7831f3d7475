//===- OnnxTensor.cpp - ONNX TensorProto files ----------------------------===//
#include "tessel/runtime/FileIO.h"
#include "tessel/runtime/TensorIO.h"

#include "onnx/onnx_pb.h"

#include <cstring>

namespace tessel::rt {

namespace {
template <typename T>
bool convertRaw(const std::string &raw, int64_t count, std::vector<float> &out) {
  if (raw.size() != size_t(count) * sizeof(T))
    return false;
  out.resize(size_t(count));
  for (int64_t i = 0; i < count; ++i) {
    T v;
    std::memcpy(&v, raw.data() + size_t(i) * sizeof(T), sizeof(T));
    out[size_t(i)] = float(v);
  }
  return true;
}

template <typename Field>
bool convertField(const Field &field, int64_t count, std::vector<float> &out) {
  if (int64_t(field.size()) != count)
    return false;
  out.assign(field.begin(), field.end());
  return true;
}
} // namespace

bool readOnnxTensor(const std::string &path, HostTensor &out,
                    std::string &error) {
  std::vector<uint8_t> bytes;
  if (!readFile(path, bytes, error))
    return false;
  onnx::TensorProto proto;
  if (!proto.ParseFromArray(bytes.data(), int(bytes.size()))) {
    error = path + ": not a serialized ONNX TensorProto";
    return false;
  }
  if (proto.data_location() == onnx::TensorProto::EXTERNAL) {
    error = path + ": tensors with external data are not supported";
    return false;
  }
  std::vector<int64_t> shape(proto.dims().begin(), proto.dims().end());
  int64_t count = 1;
  for (int64_t d : shape)
    if (d < 0 || __builtin_mul_overflow(count, d, &count)) {
      error = path + ": bad dimensions";
      return false;
    }
  bool raw = proto.has_raw_data();
  bool ok;
  switch (proto.data_type()) {
  case onnx::TensorProto::FLOAT:
    ok = raw ? convertRaw<float>(proto.raw_data(), count, out.data)
             : convertField(proto.float_data(), count, out.data);
    break;
  case onnx::TensorProto::DOUBLE:
    ok = raw ? convertRaw<double>(proto.raw_data(), count, out.data)
             : convertField(proto.double_data(), count, out.data);
    break;
  case onnx::TensorProto::INT32:
    ok = raw ? convertRaw<int32_t>(proto.raw_data(), count, out.data)
             : convertField(proto.int32_data(), count, out.data);
    break;
  case onnx::TensorProto::INT64:
    ok = raw ? convertRaw<int64_t>(proto.raw_data(), count, out.data)
             : convertField(proto.int64_data(), count, out.data);
    break;
  default:
    error = path + ": element type " + std::to_string(proto.data_type()) +
            " cannot be converted to f32 (expected float, double, int32 or int64)";
    return false;
  }
  if (!ok) {
    error = path + ": data does not match the dimensions";
    return false;
  }
  out.shape = std::move(shape);
  out.name = proto.name();
  return true;
}

} // namespace tessel::rt
