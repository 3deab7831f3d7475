#include "tessel/Transforms/ChipInfo.h"

#include "Grid/GridDialect.h"

using namespace mlir;

FailureOr<tessel::rt::ChipDesc> tessel::getChipDesc(ModuleOp module) {
  auto chip = module->getAttrOfType<grid::ChipAttr>(grid::kChipAttrName);
  if (!chip)
    return module.emitError("module has no grid.chip; run tt-assign-layouts first");
  std::string source = chip.getName().str();
  if (auto file = module->getAttrOfType<StringAttr>(kChipFileAttrName))
    source = file.str();
  rt::ChipDesc desc;
  std::string error;
  if (!rt::loadChip(source, desc, error))
    return module.emitError() << error;
  return desc;
}
