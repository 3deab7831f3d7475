#include "tessel/Transforms/ChipInfo.h"

#include "mlir/IR/Builders.h"
#include "tessel/Transforms/MatmulCostModel.h"
#include "tessel/runtime/Formats.h"
#include "llvm/Support/MathExtras.h"

#include <algorithm>

using namespace mlir;
using namespace tessel;

/// The figures the attribute's own parameters hold.
static bool inParameters(StringRef key) {
  return key == "grid_x" || key == "grid_y" || key == "l1_bytes";
}

grid::ChipAttr tessel::chipAttr(MLIRContext *ctx, const rt::ChipDesc &desc) {
  Builder b(ctx);
  SmallVector<NamedAttribute> figures;
  for (const rt::ChipFigure &f : rt::chipFigures(desc))
    if (!inParameters(f.key))
      figures.push_back(b.getNamedAttr(f.key, b.getI64IntegerAttr(f.value)));
  return grid::ChipAttr::get(ctx, desc.name, desc.gridX, desc.gridY, desc.l1Bytes,
                             b.getDictionaryAttr(figures));
}

FailureOr<tessel::rt::ChipDesc> tessel::getChipDesc(ModuleOp module) {
  auto chip = module->getAttrOfType<grid::ChipAttr>(grid::kChipAttrName);
  if (!chip)
    return module.emitError("module has no grid.chip; run tt-assign-layouts first");
  std::vector<rt::ChipFigure> figures{{"grid_x", chip.getGridX(), ""},
                                      {"grid_y", chip.getGridY(), ""},
                                      {"l1_bytes", chip.getL1Bytes(), ""}};
  if (DictionaryAttr rest = chip.getFigures())
    for (NamedAttribute f : rest)
      figures.push_back({f.getName().str(), cast<IntegerAttr>(f.getValue()).getInt(), ""});
  rt::ChipDesc desc;
  std::string error;
  if (!rt::chipFromFigures(chip.getName().str(), figures, "grid.chip", desc, error))
    return module.emitError() << error << " (tt-assign-layouts records every figure)";
  return desc;
}

rt::TiledShape tessel::tiledShapeOf(Type type) {
  ArrayRef<int64_t> shape = cast<RankedTensorType>(type).getShape();
  return rt::tiledShape(std::vector<int64_t>(shape.begin(), shape.end()));
}

int64_t tessel::interleavedBytes(RankedTensorType type, int parts) {
  auto format = static_cast<ttb::DataFormat>(grid::getLayout(type).getFormat());
  return int64_t(
      llvm::alignTo(rt::interleavedChannelBytes(tiledShapeOf(type).tiles(), format, parts), 64));
}

int64_t tessel::l1BytesPerCore(RankedTensorType type, int cores) {
  grid::LayoutAttr layout = grid::getLayout(type);
  if (layout.getSharding() == grid::Sharding::interleaved)
    return interleavedBytes(type, cores);
  ArrayRef<int64_t> shard = layout.getShardShape();
  auto format = static_cast<ttb::DataFormat>(layout.getFormat());
  return int64_t(llvm::alignTo(shard[0] * shard[1] * rt::tileBytes(format), 64));
}

RankedTensorType tessel::withShards(RankedTensorType type, grid::Sharding sharding, int64_t rows,
                                    int64_t cols, int64_t coresX, int64_t coresY) {
  grid::LayoutAttr layout = grid::getLayout(type);
  MLIRContext *ctx = type.getContext();
  auto sharded = grid::LayoutAttr::get(ctx, layout.getTileRows(), layout.getTileCols(),
                                       layout.getFormat(), grid::MemorySpace::l1, sharding,
                                       {rows, cols},
                                       grid::CoreRangeAttr::get(ctx, 0, 0, coresX - 1, coresY - 1));
  return RankedTensorType::get(type.getShape(), type.getElementType(), sharded);
}

int64_t tessel::tileRows(RankedTensorType type) {
  ArrayRef<int64_t> shape = type.getShape();
  int64_t rows = 1;
  for (int64_t d : shape.drop_back(std::min<size_t>(shape.size(), 2)))
    rows *= d;
  return rows * (shape.size() >= 2 ? (shape[shape.size() - 2] + 31) / 32 : 1);
}

CoreSplit tessel::splitOverCores(int64_t units, const rt::ChipDesc &chip) {
  for (int64_t n = std::min<int64_t>(units, chip.gridX * chip.gridY); n > 1; --n)
    if (units % n == 0)
      if (auto r = cost::rectangle(chip, n))
        return CoreSplit{r->first, r->second, units / n};
  return CoreSplit{1, 1, std::max<int64_t>(units, 1)};
}

bool tessel::inL1(Value v) {
  grid::LayoutAttr layout = v ? grid::getLayout(v.getType()) : grid::LayoutAttr();
  return layout && layout.getMemory() == grid::MemorySpace::l1;
}

RankedTensorType tessel::withMemory(RankedTensorType type, grid::MemorySpace memory) {
  grid::LayoutAttr layout = grid::getLayout(type);
  auto moved = grid::LayoutAttr::get(type.getContext(), layout.getTileRows(), layout.getTileCols(),
                                     layout.getFormat(), memory, grid::Sharding::interleaved, {},
                                     grid::CoreRangeAttr());
  return RankedTensorType::get(type.getShape(), type.getElementType(), moved);
}

LogicalResult tessel::recordChip(ModuleOp module, StringRef chip) {
  if (module->hasAttr(grid::kChipAttrName))
    return success();
  rt::ChipDesc desc;
  std::string error;
  if (!rt::loadChip(chip.str(), desc, error))
    return module.emitError() << error;
  module->setAttr(grid::kChipAttrName, chipAttr(module.getContext(), desc));
  return success();
}
