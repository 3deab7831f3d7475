#include "Graph/GraphDialect.h"
#include "Graph/GraphOps.h"

#include "llvm/ADT/TypeSwitch.h"

#include <cmath>

using namespace mlir;
using namespace tessel::graph;

#include "Graph/GraphEnums.cpp.inc"

#include "Graph/GraphDialect.cpp.inc"

#define GET_TYPEDEF_CLASSES
#include "Graph/GraphTypes.cpp.inc"

void GraphDialect::initialize() {
  addOperations<
#define GET_OP_LIST
#include "Graph/GraphOps.cpp.inc"
      >();
  addTypes<
#define GET_TYPEDEF_LIST
#include "Graph/GraphTypes.cpp.inc"
      >();
}

/// An entry of graph.empty_*, graph.host_inputs or graph.host_outputs: {name, index, type}.
static LogicalResult verifyPlacedTensor(Operation *op, StringRef attrName, Attribute entry) {
  auto dict = dyn_cast<DictionaryAttr>(entry);
  auto index = dict ? dict.getAs<IntegerAttr>("index") : IntegerAttr();
  auto type = dict ? dict.getAs<TypeAttr>("type") : TypeAttr();
  bool host = attrName == kHostInputsAttrName || attrName == kHostOutputsAttrName;
  if (!dict || !dict.getAs<StringAttr>("name") || !index || index.getInt() < 0 || !type ||
      !(isa<RankedTensorType>(type.getValue()) ||
        (host && isa<SequenceType, OptionalType>(type.getValue()))))
    return op->emitError() << attrName << " entries must be {name, index >= 0, type: a ranked "
                              "tensor"
                           << (host ? ", a sequence or an optional" : "") << "}, got "
                           << entry;
  return success();
}

static bool isStringArray(Attribute a) {
  auto array = dyn_cast_or_null<ArrayAttr>(a);
  return array && llvm::all_of(array, [](Attribute e) { return isa<StringAttr>(e); });
}

/// An attribute of a host op: what the runtime can read back as an ONNX attribute.
static bool isHostAttributeValue(Attribute a) {
  auto scalar = [](Attribute e) {
    if (auto i = dyn_cast<IntegerAttr>(e))
      return i.getType().isInteger(64);
    return isa<StringAttr>(e) || (isa<FloatAttr>(e) && cast<FloatAttr>(e).getType().isF32());
  };
  if (auto array = dyn_cast<ArrayAttr>(a))
    return llvm::all_of(array, scalar);
  return scalar(a);
}

/// graph.host_ops' entries, and a Loop's body (its own list of entries) in each.
static LogicalResult verifyHostOps(Operation *op, ArrayAttr list) {
  for (Attribute entry : list) {
    auto dict = dyn_cast<DictionaryAttr>(entry);
    auto attributes = dict ? dict.getAs<DictionaryAttr>("attributes") : DictionaryAttr();
    Attribute body = dict ? dict.get("body") : Attribute();
    Attribute elseBody = dict ? dict.get("else_body") : Attribute();
    if (!dict || !dict.getAs<StringAttr>("name") || !dict.getAs<StringAttr>("op") ||
        !isStringArray(dict.get("inputs")) || !isStringArray(dict.get("outputs")) ||
        !attributes ||
        (body && (!isa<ArrayAttr>(body) || !isStringArray(dict.get("body_inputs")) ||
                  !isStringArray(dict.get("body_outputs")))) ||
        (elseBody && (!body || !isa<ArrayAttr>(elseBody) ||
                      !isStringArray(dict.get("else_outputs")))))
      return op->emitError() << kHostOpsAttrName
                             << " entries must be {name, op, inputs: [string], outputs: [string], "
                                "attributes: {...}} and perhaps body: [entries], body_inputs: "
                                "[string], body_outputs: [string], else_body: [entries], "
                                "else_outputs: [string], got "
                             << entry;
    for (NamedAttribute a : attributes)
      if (!isHostAttributeValue(a.getValue()))
        return op->emitError() << "host op '" << dict.getAs<StringAttr>("name").getValue()
                               << "': attribute '" << a.getName().getValue()
                               << "' must be an i64, f32 or string, or an array of them";
    if ((body && failed(verifyHostOps(op, cast<ArrayAttr>(body)))) ||
        (elseBody && failed(verifyHostOps(op, cast<ArrayAttr>(elseBody)))))
      return failure();
  }
  return success();
}

LogicalResult GraphDialect::verifyOperationAttribute(Operation *op, NamedAttribute attr) {
  StringRef name = attr.getName().getValue();
  auto list = dyn_cast<ArrayAttr>(attr.getValue());
  if (name == kEmptyInputsAttrName || name == kEmptyOutputsAttrName ||
      name == kHostInputsAttrName || name == kHostOutputsAttrName) {
    if (!list)
      return op->emitError() << name << " must be an array";
    for (Attribute entry : list)
      if (failed(verifyPlacedTensor(op, name, entry)))
        return failure();
    return success();
  }
  if (name == kHostOpsAttrName) {
    if (!list)
      return op->emitError() << name << " must be an array";
    return verifyHostOps(op, list);
  }
  return op->emitError() << "unknown graph attribute '" << name << "'";
}

LogicalResult GraphDialect::verifyRegionArgAttribute(Operation *op, unsigned, unsigned,
                                                     NamedAttribute attr) {
  StringRef name = attr.getName().getValue();
  if (name == "graph.name") {
    if (!isa<StringAttr>(attr.getValue()))
      return op->emitError() << name << " must be a string";
    return success();
  }
  if (name == kDrawAttrName) {
    auto dict = dyn_cast<DictionaryAttr>(attr.getValue());
    auto normal = dict ? dict.getAs<BoolAttr>("normal") : BoolAttr();
    auto a = dict ? dict.getAs<FloatAttr>("a") : FloatAttr();
    auto b = dict ? dict.getAs<FloatAttr>("b") : FloatAttr();
    auto seed = dict ? dict.get("seed") : Attribute();
    if (!normal || !a || !b || (seed && !isa<FloatAttr>(seed)))
      return op->emitError() << name << " must be {normal: bool, a: f32, b: f32[, seed: f32]}";
    double lo = a.getValueAsDouble(), hi = b.getValueAsDouble();
    if (!std::isfinite(lo) || !std::isfinite(hi) ||
        (seed && !std::isfinite(cast<FloatAttr>(seed).getValueAsDouble())))
      return op->emitError() << name << " must have finite parameters";
    if (normal.getValue() ? hi < 0 : lo > hi)
      return op->emitError() << name
                             << (normal.getValue() ? ": a normal's scale must not be negative"
                                                   : ": a uniform's low end must not pass its "
                                                     "high end");
    return success();
  }
  if (name == kExactRangeAttrName) {
    auto dict = dyn_cast<DictionaryAttr>(attr.getValue());
    auto lo = dict ? dict.getAs<IntegerAttr>("lo") : IntegerAttr();
    auto hi = dict ? dict.getAs<IntegerAttr>("hi") : IntegerAttr();
    auto reason = dict ? dict.getAs<StringAttr>("reason") : StringAttr();
    if (!lo || !hi || !reason)
      return op->emitError() << name << " must be {lo: i64, hi: i64, reason: string}";
    if (lo.getInt() > hi.getInt())
      return op->emitError() << name << ": lo must not pass hi";
    return success();
  }
  return op->emitError() << "unknown graph argument attribute '" << name << "'";
}

LogicalResult GraphDialect::verifyRegionResultAttribute(Operation *op, unsigned, unsigned,
                                                        NamedAttribute attr) {
  StringRef name = attr.getName().getValue();
  if (name == "graph.name")
    return success(isa<StringAttr>(attr.getValue()));
  if (name == kHostValueAttrName) {
    if (!isa<UnitAttr>(attr.getValue()))
      return op->emitError() << name << " must be a unit attribute";
    return success();
  }
  return op->emitError() << "unknown graph result attribute '" << name << "'";
}
