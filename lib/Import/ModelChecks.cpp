// Checks of what libonnx's checker and shape inference trust without checking, run before them:
// they would read past a tensor's raw_data, or divide by a stride of zero.
// - Every tensor a model carries (initializers, Constant values, tensor attributes, in
//   subgraphs too) holds exactly the data its dims and type call for.
// - Window attributes (strides, dilations, kernel_shape, pads) are in range.
// - A SplitToSequence's constant chunk length is positive.
#include "OnnxImporter.h"

#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/Twine.h"

#include <string>

using namespace mlir;
using namespace tessel;

/// Bytes per element in raw_data; 0 for types without a fixed size (strings) or unknown ones.
static int64_t elementBytes(int32_t type) {
  switch (type) {
  case onnx::TensorProto::BOOL: case onnx::TensorProto::INT8: case onnx::TensorProto::UINT8:
    return 1;
  case onnx::TensorProto::INT16: case onnx::TensorProto::UINT16:
  case onnx::TensorProto::FLOAT16: case onnx::TensorProto::BFLOAT16:
    return 2;
  case onnx::TensorProto::INT32: case onnx::TensorProto::UINT32: case onnx::TensorProto::FLOAT:
    return 4;
  case onnx::TensorProto::INT64: case onnx::TensorProto::UINT64:
  case onnx::TensorProto::DOUBLE: case onnx::TensorProto::COMPLEX64:
    return 8;
  case onnx::TensorProto::COMPLEX128:
    return 16;
  default:
    return 0;
  }
}

/// How many values the typed field of `type` holds (complex numbers take two).
static int64_t typedValues(const onnx::TensorProto &t) {
  switch (t.data_type()) {
  case onnx::TensorProto::FLOAT: return t.float_data_size();
  case onnx::TensorProto::COMPLEX64: return t.float_data_size() / 2;
  case onnx::TensorProto::DOUBLE: return t.double_data_size();
  case onnx::TensorProto::COMPLEX128: return t.double_data_size() / 2;
  case onnx::TensorProto::INT64: return t.int64_data_size();
  case onnx::TensorProto::UINT32: case onnx::TensorProto::UINT64: return t.uint64_data_size();
  case onnx::TensorProto::STRING: return t.string_data_size();
  default: return t.int32_data_size();
  }
}

static LogicalResult checkTensor(const onnx::TensorProto &t, const Twine &what, Location loc) {
  if (t.data_type() != onnx::TensorProto::STRING && elementBytes(t.data_type()) == 0)
    return emitError(loc) << what << " has unknown element type " << t.data_type();
  constexpr int64_t kMaxElements = int64_t(1) << 40;
  int64_t count = 1;
  for (int64_t d : t.dims()) {
    if (d < 0 || d > kMaxElements || (d > 0 && count > kMaxElements / d))
      return emitError(loc) << what << " has dims that are negative or too large (" << d << ")";
    count *= d;
  }
  if (t.data_location() == onnx::TensorProto::EXTERNAL)
    return success(); // read and checked with its file
  int64_t bytes = elementBytes(t.data_type());
  if (t.has_raw_data() && t.data_type() != onnx::TensorProto::STRING) {
    if ((int64_t)t.raw_data().size() != count * bytes)
      return emitError(loc) << what << " holds " << t.raw_data().size() << " bytes where its "
                            << count << " elements need " << count * bytes;
    return success();
  }
  if (typedValues(t) != count)
    return emitError(loc) << what << " holds " << typedValues(t) << " values where its dims call "
                          << "for " << count;
  return success();
}

/// Ops whose inference divides by strides and dilations and sizes windows from kernel_shape.
static bool hasWindows(llvm::StringRef op) {
  return op == "Conv" || op == "ConvTranspose" || op == "ConvInteger" || op == "QLinearConv" ||
         op == "MaxPool" || op == "AveragePool" || op == "LpPool" || op == "MaxUnpool" ||
         op == "DeformConv" || op == "Col2Im";
}

static LogicalResult checkWindows(const onnx::NodeProto &node, Location loc) {
  if (!hasWindows(node.op_type()))
    return success();
  constexpr int64_t kLimit = int64_t(1) << 31;
  Location at = NameLoc::get(StringAttr::get(loc.getContext(), node.name()), loc);
  for (const auto &a : node.attribute()) {
    if (a.name() != "pads" && a.name() != "strides" && a.name() != "dilations" &&
        a.name() != "kernel_shape")
      continue;
    int64_t lowest = a.name() == "pads" ? 0 : 1;
    for (int64_t v : a.ints())
      if (v < lowest || v >= kLimit)
        return emitError(at) << node.op_type() << "'s " << a.name() << " must be in [" << lowest
                             << ", 2^31) (given " << v << ")";
  }
  return success();
}

/// A SplitToSequence's scalar split is a chunk length that shape inference divides by.
static LogicalResult checkSplitLength(const onnx::NodeProto &node,
                                     const llvm::StringMap<const onnx::TensorProto *> &constants,
                                     Location loc) {
  if (node.op_type() != "SplitToSequence" || node.input_size() < 2)
    return success();
  const onnx::TensorProto *split = constants.lookup(node.input(1));
  if (!split || split->dims_size() != 0)
    return success();
  std::optional<std::vector<double>> value = onnx_import::tensorValues(*split, 1);
  if (value && !(value->front() > 0))
    return emitError(NameLoc::get(StringAttr::get(loc.getContext(), node.name()), loc))
           << "SplitToSequence's split " << value->front() << " is not positive";
  return success();
}

LogicalResult onnx_import::checkModelData(const onnx::GraphProto &graph, Location loc) {
  llvm::StringMap<const onnx::TensorProto *> constants;
  for (const auto &init : graph.initializer()) {
    if (failed(checkTensor(init, "initializer '" + init.name() + "'", loc)))
      return failure();
    constants[init.name()] = &init;
  }
  for (const auto &node : graph.node())
    if (node.op_type() == "Constant" && node.output_size() == 1)
      for (const auto &a : node.attribute())
        if (a.name() == "value" && a.has_t())
          constants[node.output(0)] = &a.t();
  for (const auto &node : graph.node()) {
    if (failed(checkWindows(node, loc)) || failed(checkSplitLength(node, constants, loc)))
      return failure();
    for (const auto &a : node.attribute()) {
      std::string where = "attribute '" + a.name() + "' of node '" + node.name() + "'";
      if (a.has_t() && failed(checkTensor(a.t(), where, loc)))
        return failure();
      for (const auto &t : a.tensors())
        if (failed(checkTensor(t, where, loc)))
          return failure();
      if (a.has_g() && failed(checkModelData(a.g(), loc)))
        return failure();
      for (const auto &g : a.graphs())
        if (failed(checkModelData(g, loc)))
          return failure();
    }
  }
  return success();
}
