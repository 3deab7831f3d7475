#include "Graph/GraphOps.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/DialectResourceBlobManager.h"

using namespace mlir;

std::optional<std::vector<float>> tessel::graph::readF32Elements(Attribute attr) {
  auto elements = dyn_cast<ElementsAttr>(attr);
  if (!elements || !elements.getElementType().isF32())
    return std::nullopt;
  if (auto dense = dyn_cast<DenseElementsAttr>(elements)) {
    auto range = dense.getValues<float>();
    return std::vector<float>(range.begin(), range.end());
  }
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
