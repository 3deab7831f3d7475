#include "Graph/GraphOps.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/DialectResourceBlobManager.h"

using namespace mlir;

std::optional<std::vector<float>> tessel::graph::readF32Elements(Attribute attr) {
  auto elements = dyn_cast<ElementsAttr>(attr);
  if (!elements)
    return std::nullopt;
  Type elt = elements.getElementType();
  if (auto dense = dyn_cast<DenseElementsAttr>(elements)) {
    std::vector<float> out;
    out.reserve(dense.getNumElements());
    if (elt.isF32()) {
      auto range = dense.getValues<float>();
      out.assign(range.begin(), range.end());
    } else if (isa<FloatType>(elt)) {
      for (const APFloat &v : dense.getValues<APFloat>())
        out.push_back((float)v.convertToDouble());
    } else if (auto intType = dyn_cast<IntegerType>(elt)) {
      for (const APInt &v : dense.getValues<APInt>())
        out.push_back(intType.isUnsigned() || intType.getWidth() == 1 ? (float)v.getZExtValue()
                                                                      : (float)v.getSExtValue());
    } else {
      return std::nullopt;
    }
    return out;
  }
  if (!elt.isF32())
    return std::nullopt;
  if (auto resource = dyn_cast<DenseResourceElementsAttr>(elements)) {
    AsmResourceBlob *blob = resource.getRawHandle().getBlob();
    if (!blob)
      return std::nullopt;
    ArrayRef<char> bytes = blob->getData();
    if ((int64_t)bytes.size() != elements.getNumElements() * (int64_t)sizeof(float))
      return std::nullopt;
    std::vector<float> out(elements.getNumElements());
    memcpy(out.data(), bytes.data(), bytes.size());
    return out;
  }
  return std::nullopt;
}

ElementsAttr tessel::graph::makeF32Elements(RankedTensorType type, ArrayRef<float> data,
                                            StringRef name) {
  // Weights go into a resource blob so that the context does not unique (and hash) them.
  if (data.size() > 64) {
    auto blob = HeapAsmResourceBlob::allocateAndCopyInferAlign(data);
    return DenseResourceElementsAttr::get(type, name.empty() ? "weights" : name, std::move(blob));
  }
  return DenseElementsAttr::get(type, data);
}

std::optional<float> tessel::graph::scalarConstant(Value v) {
  auto constant = v.getDefiningOp<ConstantOp>();
  if (!constant || cast<ShapedType>(constant.getType()).getNumElements() != 1)
    return std::nullopt;
  std::optional<std::vector<float>> values = readF32Elements(constant.getValue());
  return values ? std::optional<float>(values->front()) : std::nullopt;
}

Value tessel::graph::reshapedValue(OpBuilder &b, Value v, RankedTensorType type) {
  if (v.getType() == type)
    return v;
  if (auto constant = v.getDefiningOp<ConstantOp>())
    if (type.getElementType().isF32())
      if (std::optional<std::vector<float>> data = readF32Elements(constant.getValue()))
        return b.create<ConstantOp>(constant.getLoc(), type, makeF32Elements(type, *data));
  return b.create<ReshapeOp>(v.getLoc(), type, v);
}
