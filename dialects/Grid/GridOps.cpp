#include "Grid/GridOps.h"

#include "mlir/IR/BuiltinOps.h"

using namespace mlir;
using namespace tessel::grid;

LogicalResult EmptyOp::verify() {
  if (!getLayout(getType()))
    return emitOpError("result needs a #grid.layout encoding");
  if (getAddressAttr() && getAddressAttr().getInt() < 0)
    return emitOpError("address must be non-negative");
  return success();
}

LogicalResult CoreIndexOp::verify() {
  if (!(*this)->getParentOfType<DispatchOp>())
    return emitOpError("is only meaningful inside a grid.dispatch");
  return success();
}

LogicalResult DispatchOp::verify() {
  Block &body = getBody().front();
  size_t expected = getInputs().size() + getOutputs().size();
  if (body.getNumArguments() != expected)
    return emitOpError() << "body takes " << body.getNumArguments()
                         << " arguments but the dispatch has " << expected
                         << " ins and outs";
  for (auto [arg, operand] : llvm::zip(body.getArguments(), getOperands()))
    if (arg.getType() != operand.getType())
      return emitOpError() << "body argument #" << arg.getArgNumber() << " has type "
                           << arg.getType() << " but its operand has " << operand.getType();
  if (getResultTypes() != getOutputs().getTypes())
    return emitOpError("results must have the types of the outs");
  for (Type type : getOperandTypes())
    if (!getLayout(type))
      return emitOpError() << "operand type " << type << " has no #grid.layout";
  if (auto module = (*this)->getParentOfType<ModuleOp>())
    if (auto chip = module->getAttrOfType<ChipAttr>(kChipAttrName)) {
      CoreRangeAttr cores = getCores();
      if (cores.getX1() >= chip.getGridX() || cores.getY1() >= chip.getGridY())
        return emitOpError() << "core range reaches (" << cores.getX1() << ", " << cores.getY1()
                             << ") outside the " << chip.getGridX() << "x" << chip.getGridY()
                             << " grid of " << chip.getName();
    }
  return success();
}

#define GET_OP_CLASSES
#include "Grid/GridOps.cpp.inc"
