// Module (after tt-allocate-buffers) -> .ttb flatbuffer.
#include "tessel/Target/KernelEncoder.h"
#include "tessel/Target/Ttb.h"

#include "Graph/GraphOps.h"
#include "Graph/InputNames.h"
#include "Grid/GridOps.h"
#include "tessel/runtime/Binary.h"
#include "tessel/runtime/Formats.h"
#include "tessel/runtime/L1Tensors.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "llvm/ADT/StringExtras.h"

using namespace mlir;
using namespace tessel;
using namespace tessel::target;

static ttb::DataFormat toTtb(tile::DataFormat f) { return static_cast<ttb::DataFormat>(f); }

/// The chip holds integers in the int32 range (in int32 tiles, or exactly below 2^24 as f32); a
/// 64-bit constant beyond it is an error naming the constant, except the exporters' sentinels
/// INT64_MIN and INT64_MAX (a Clip or Min without a bound): saturated, they still bound nothing.
static LogicalResult checkIntegerRange(graph::ConstantOp c) {
  auto intType = dyn_cast<IntegerType>(c.getType().getElementType());
  auto dense = dyn_cast<DenseIntElementsAttr>(c.getValue());
  if (!intType || intType.getWidth() <= 32 || !dense)
    return success();
  int64_t index = 0;
  for (const APInt &v : dense.getValues<APInt>()) {
    bool sentinel = intType.isUnsigned() ? v.isMaxValue()
                                         : v.isMaxSignedValue() || v.isMinSignedValue();
    bool fits = intType.isUnsigned()
                    ? v.getZExtValue() <= uint64_t(INT32_MAX)
                    : v.getSExtValue() >= INT32_MIN && v.getSExtValue() <= INT32_MAX;
    if (!fits && !sentinel)
      return c.emitError() << "constant holds "
                           << (intType.isUnsigned() ? llvm::utostr(v.getZExtValue())
                                                    : llvm::itostr(v.getSExtValue()))
                           << " (element " << index
                           << "), beyond the int32 range the chip holds integers in";
    ++index;
  }
  return success();
}

/// An integer constant's values as int32 slots (rt::int32Slot), each saturated to int32 (the
/// sentinels INT64_MIN and INT64_MAX become int32's ends, bounding nothing still).
static std::optional<std::vector<float>> int32Slots(Attribute value) {
  auto dense = dyn_cast<DenseIntElementsAttr>(value);
  if (!dense)
    return std::nullopt;
  bool isUnsigned = cast<IntegerType>(dense.getElementType()).isUnsigned();
  std::vector<float> slots;
  slots.reserve(dense.getNumElements());
  for (const APInt &v : dense.getValues<APInt>()) {
    int64_t wide = isUnsigned ? int64_t(std::min<uint64_t>(v.getZExtValue(), INT32_MAX))
                              : v.getSExtValue();
    slots.push_back(rt::int32Slot(int32_t(std::clamp<int64_t>(wide, INT32_MIN, INT32_MAX))));
  }
  return slots;
}

namespace {
/// The runtime's name of an element type (runtime/lib/ElementTypes.h): bool, i8 ... u64, f16,
/// bf16, f32, f64.
std::string elementTypeName(Type t) {
  if (t.isInteger(1))
    return "bool";
  if (isa<graph::StringType>(t))
    return "string";
  if (auto i = dyn_cast<IntegerType>(t))
    return (i.isUnsigned() ? "u" : "i") + std::to_string(i.getWidth());
  if (t.isF16())
    return "f16";
  if (t.isBF16())
    return "bf16";
  if (t.isF64())
    return "f64";
  return "f32";
}

/// The runtime's name of what a host input or output holds: its element type's name for a
/// tensor, "seq(f32)" for a sequence, "opt(...)" for an optional; "" for anything else.
std::string hostTypeName(Type t) {
  if (auto seq = dyn_cast<graph::SequenceType>(t)) {
    std::string inner = hostTypeName(seq.getElementType());
    return inner.empty() ? "" : "seq(" + inner + ")";
  }
  if (auto opt = dyn_cast<graph::OptionalType>(t)) {
    std::string inner = hostTypeName(opt.getElementType());
    return inner.empty() ? "" : "opt(" + inner + ")";
  }
  if (auto shaped = dyn_cast<ShapedType>(t))
    return elementTypeName(shaped.getElementType());
  return "";
}

} // namespace

namespace {

class Serializer {
public:
  LogicalResult run(ModuleOp module, raw_ostream &os);

private:
  FailureOr<uint32_t> addBuffer(Value v, StringRef name, std::optional<int64_t> address,
                                Operation *anchor);
  LogicalResult addDispatch(grid::DispatchOp d);
  /// graph.host_ops (or a Loop's body) as a host_ops table.
  FailureOr<std::vector<flatbuffers::Offset<ttb::HostOp>>> serializeHostOps(ArrayAttr records);

  flatbuffers::FlatBufferBuilder fbb{1 << 16};
  DenseMap<Value, uint32_t> bufferOf;
  std::vector<flatbuffers::Offset<ttb::Buffer>> buffers;
  std::vector<flatbuffers::Offset<ttb::Constant>> constants;
  std::vector<flatbuffers::Offset<ttb::Dispatch>> dispatches;
};

} // namespace

FailureOr<uint32_t> Serializer::addBuffer(Value v, StringRef name, std::optional<int64_t> address,
                                          Operation *anchor) {
  auto type = cast<RankedTensorType>(v.getType());
  grid::LayoutAttr layout = grid::getLayout(type);
  if (!layout || !address)
    return anchor->emitError("tensor has no layout or address; run the pipeline through "
                             "tt-allocate-buffers first");
  std::vector<int64_t> shape(type.getShape().begin(), type.getShape().end());
  rt::TiledShape tiled = rt::tiledShape(shape);
  // A sharded tensor's blocks of tiles (whole rows when height-sharded, whole columns when
  // width-sharded) are dealt row-major over a rectangle of cores at the origin.
  int64_t shardRows = 0, shardCols = 0, shardCoresX = 0;
  if (layout.getSharding() != grid::Sharding::interleaved) {
    if (failed(grid::verifyShards(type, [&] { return anchor->emitError(); })))
      return failure();
    ArrayRef<int64_t> shard = layout.getShardShape();
    grid::CoreRangeAttr cores = layout.getCores();
    if (cores.getX0() != 0 || cores.getY0() != 0)
      return anchor->emitError("the binary format holds sharded tensors over cores from (0, 0), "
                               "not ")
             << layout;
    // verifyShards gave each core of the range one shard: they fill it row by row.
    shardRows = shard[0], shardCols = shard[1], shardCoresX = cores.width();
  }
  uint32_t id = buffers.size();
  auto memory = layout.getMemory() == grid::MemorySpace::l1 ? ttb::MemorySpace::L1
                                                            : ttb::MemorySpace::Dram;
  buffers.push_back(ttb::CreateBufferDirect(fbb, name.str().c_str(), &shape,
                                            toTtb(layout.getFormat()), *address, tiled.batch,
                                            tiled.rowsTiles, tiled.colsTiles, memory, shardRows,
                                            shardCols, shardCoresX));
  bufferOf[v] = id;
  return id;
}

LogicalResult Serializer::addDispatch(grid::DispatchOp d) {
  Block &body = d.getBody().front();
  if (body.getOps<noc::KernelOp>().empty())
    return d.emitError("has no kernels; lower its tile loop with tt-lower-grid-to-kernels first");
  std::vector<uint32_t> bufferIds;
  DenseMap<Value, int32_t> argIndex;
  for (auto [i, operand] : llvm::enumerate(d.getOperands())) {
    auto it = bufferOf.find(operand);
    if (it == bufferOf.end())
      return d.emitError("operand is not a DRAM tensor of the program");
    bufferIds.push_back(it->second);
    argIndex[body.getArgument(i)] = i;
  }
  for (auto [result, out] : llvm::zip(d.getResults(), d.getOutputs()))
    bufferOf[result] = bufferOf.lookup(out);

  std::vector<flatbuffers::Offset<ttb::CircularBuffer>> cbs;
  for (auto cb : body.getOps<noc::CBOp>()) {
    if (!cb.getL1Address())
      return cb.emitError("circular buffer has no l1_address; run tt-allocate-buffers first");
    auto type = cast<noc::CircularBufferType>(cb.getType());
    cbs.push_back(ttb::CreateCircularBuffer(fbb, cb.getId(),
                                            toTtb(type.getTileType().getFormat()),
                                            type.getNumTiles(), *cb.getL1Address()));
  }
  std::vector<flatbuffers::Offset<ttb::Kernel>> kernels;
  for (auto k : body.getOps<noc::KernelOp>()) {
    KernelEncoder encoder(argIndex);
    FailureOr<EncodedKernel> enc = encoder.encode(k);
    if (failed(enc))
      return failure();
    std::vector<flatbuffers::Offset<ttb::Expr>> exprs;
    for (auto &e : enc->exprs)
      exprs.push_back(ttb::CreateExprDirect(fbb, &e));
    kernels.push_back(ttb::CreateKernelDirect(fbb, static_cast<ttb::ThreadKind>(k.getThread()),
                                              enc->numVars, &enc->code, &exprs));
  }
  grid::CoreRangeAttr cores = d.getCores();
  std::string name = d.getOp().str() + "_" + std::to_string(dispatches.size());
  auto skipped = d->getAttrOfType<IntegerAttr>(grid::kSkippedTilesAttrName);
  std::string config;
  if (Attribute c = d->getAttr(grid::kConfigAttrName)) {
    llvm::raw_string_ostream os(config);
    os << c;
  }
  dispatches.push_back(ttb::CreateDispatchDirect(
      fbb, name.c_str(), d.getOp().str().c_str(), graph::nodeNames(d.getLoc()).c_str(), cores.getX0(),
      cores.getY0(), cores.getX1(), cores.getY1(),
      static_cast<ttb::MathFidelity>(d.getFidelity()), toTtb(d.getDstFormat()), d.getMacs(),
      &bufferIds, &cbs, &kernels, kDispatchSemaphores, config.empty() ? nullptr : config.c_str(),
      skipped ? uint64_t(skipped.getInt()) : 0, d.getJoined()));
  return success();
}

FailureOr<std::vector<flatbuffers::Offset<ttb::HostOp>>>
Serializer::serializeHostOps(ArrayAttr records) {
  std::vector<flatbuffers::Offset<ttb::HostOp>> ops;
  if (!records)
    return ops;
  auto strings = [&](ArrayAttr list) {
    std::vector<std::string> v;
    for (Attribute a : list)
      v.push_back(cast<StringAttr>(a).str());
    return fbb.CreateVectorOfStrings(v);
  };
  // The graph dialect verified the records' structure.
  for (auto record : records.getAsRange<DictionaryAttr>()) {
    std::vector<flatbuffers::Offset<ttb::HostAttribute>> attributes;
    for (NamedAttribute a : record.getAs<DictionaryAttr>("attributes")) {
      Attribute value = a.getValue();
      auto array = dyn_cast<ArrayAttr>(value);
      SmallVector<Attribute> items = array ? SmallVector<Attribute>(array.getValue())
                                           : SmallVector<Attribute>{value};
      std::vector<int64_t> ints;
      std::vector<float> floats;
      std::vector<std::string> texts;
      for (Attribute item : items) {
        if (auto i = dyn_cast<IntegerAttr>(item))
          ints.push_back(i.getInt());
        else if (auto f = dyn_cast<FloatAttr>(item))
          floats.push_back(float(f.getValueAsDouble()));
        else
          texts.push_back(cast<StringAttr>(item).str());
      }
      auto name = fbb.CreateString(a.getName().str());
      auto intsOff = ints.empty() ? 0 : fbb.CreateVector(ints);
      auto floatsOff = floats.empty() ? 0 : fbb.CreateVector(floats);
      auto textsOff = texts.empty() ? 0 : fbb.CreateVectorOfStrings(texts);
      attributes.push_back(
          ttb::CreateHostAttribute(fbb, name, /*scalar=*/!array, intsOff, floatsOff, textsOff));
    }
    auto name = fbb.CreateString(record.getAs<StringAttr>("name").str());
    auto op = fbb.CreateString(record.getAs<StringAttr>("op").str());
    auto inputs = strings(record.getAs<ArrayAttr>("inputs"));
    auto outputs = strings(record.getAs<ArrayAttr>("outputs"));
    auto attributesOff = fbb.CreateVector(attributes);
    flatbuffers::Offset<flatbuffers::Vector<flatbuffers::Offset<ttb::HostOp>>> body;
    flatbuffers::Offset<flatbuffers::Vector<flatbuffers::Offset<flatbuffers::String>>> bodyInputs,
        bodyOutputs;
    flatbuffers::Offset<flatbuffers::Vector<flatbuffers::Offset<ttb::HostOp>>> elseBody;
    flatbuffers::Offset<flatbuffers::Vector<flatbuffers::Offset<flatbuffers::String>>> elseOutputs;
    auto nestedOps = [&](StringRef key, auto &vector) -> LogicalResult {
      auto nested = record.getAs<ArrayAttr>(key);
      if (!nested)
        return success();
      FailureOr<std::vector<flatbuffers::Offset<ttb::HostOp>>> list = serializeHostOps(nested);
      if (failed(list))
        return failure();
      vector = fbb.CreateVector(*list);
      return success();
    };
    if (failed(nestedOps("body", body)) || failed(nestedOps("else_body", elseBody)))
      return failure();
    if (auto list = record.getAs<ArrayAttr>("body_inputs"))
      bodyInputs = strings(list);
    if (auto list = record.getAs<ArrayAttr>("body_outputs"))
      bodyOutputs = strings(list);
    if (auto list = record.getAs<ArrayAttr>("else_outputs"))
      elseOutputs = strings(list);
    ops.push_back(ttb::CreateHostOp(fbb, name, op, inputs, outputs, attributesOff, body,
                                    bodyInputs, bodyOutputs, elseBody, elseOutputs));
  }
  return ops;
}

LogicalResult Serializer::run(ModuleOp module, raw_ostream &os) {
  auto chip = module->getAttrOfType<grid::ChipAttr>(grid::kChipAttrName);
  if (!chip)
    return module.emitError("module has no grid.chip; compile it with the tt pipeline first");
  auto funcs = llvm::to_vector(module.getOps<func::FuncOp>());
  if (funcs.size() != 1)
    return module.emitError("expected exactly one function to serialize");
  func::FuncOp func = funcs.front();

  std::vector<flatbuffers::Offset<ttb::TensorSignature>> inputs, outputs, hostValues;
  // `declared`: the function's type for the value, whose element type is the model's (the chip
  // holds every tensor as floats, in the layout's format); `exact`: an input's
  // graph.exact_range.
  auto signature = [&](StringRef name, Value v, uint32_t id, Type declared,
                       DictionaryAttr exact = {}) {
    auto type = cast<RankedTensorType>(v.getType());
    std::vector<int64_t> shape(type.getShape().begin(), type.getShape().end());
    auto tensor = dyn_cast<RankedTensorType>(declared);
    std::string element = tensor ? elementTypeName(tensor.getElementType()) : "f32";
    if (!exact)
      return ttb::CreateTensorSignatureDirect(fbb, name.str().c_str(), &shape, element.c_str(),
                                              id);
    std::vector<int64_t> range = {exact.getAs<IntegerAttr>("lo").getInt(),
                                  exact.getAs<IntegerAttr>("hi").getInt()};
    return ttb::CreateTensorSignatureDirect(fbb, name.str().c_str(), &shape, element.c_str(), id,
                                            /*from_host=*/false, &range,
                                            exact.getAs<StringAttr>("reason").str().c_str());
  };
  // What tt-assign-layouts recorded; a module assembled by hand without it is fp32.
  auto precisionAttr = module->getAttrOfType<StringAttr>(grid::kPrecisionAttrName);
  std::string precision = precisionAttr ? precisionAttr.str() : "fp32";
  if (auto note = module->getAttrOfType<StringAttr>(grid::kPrecisionNoteAttrName))
    precision += " (" + note.str() + ")";
  std::vector<flatbuffers::Offset<ttb::Generated>> generated;
  for (BlockArgument arg : func.getArguments()) {
    std::string n = graph::inputName(func.getArgAttrDict(arg.getArgNumber()), arg.getArgNumber());
    auto addr = func.getArgAttrOfType<IntegerAttr>(arg.getArgNumber(), grid::kAddressAttrName);
    FailureOr<uint32_t> id =
        addBuffer(arg, n, addr ? std::optional<int64_t>(addr.getInt()) : std::nullopt, func);
    if (failed(id))
      return failure();
    // A tensor the runtime draws is no model input: the binary lists it apart.
    if (auto draw =
            func.getArgAttrOfType<DictionaryAttr>(arg.getArgNumber(), graph::kDrawAttrName)) {
      auto seed = draw.getAs<FloatAttr>("seed");
      generated.push_back(ttb::CreateGenerated(
          fbb, signature(n, arg, *id, arg.getType()), draw.getAs<BoolAttr>("normal").getValue(),
          float(draw.getAs<FloatAttr>("a").getValueAsDouble()),
          float(draw.getAs<FloatAttr>("b").getValueAsDouble()), bool(seed),
          seed ? float(seed.getValueAsDouble()) : 0.0f));
      continue;
    }
    inputs.push_back(signature(
        n, arg, *id, arg.getType(),
        func.getArgAttrOfType<DictionaryAttr>(arg.getArgNumber(), graph::kExactRangeAttrName)));
  }

  for (Operation &op : func.getBody().front()) {
    if (auto c = dyn_cast<graph::ConstantOp>(op)) {
      auto addr = c->getAttrOfType<IntegerAttr>(grid::kAddressAttrName);
      FailureOr<uint32_t> id =
          addBuffer(c, graph::nodeNames(c.getLoc()),
                    addr ? std::optional<int64_t>(addr.getInt()) : std::nullopt, c);
      if (failed(checkIntegerRange(c)))
        return failure();
      auto type = c.getType();
      tile::DataFormat format = grid::getLayout(type).getFormat();
      std::optional<std::vector<float>> values = format == tile::DataFormat::int32
                                                     ? int32Slots(c.getValue())
                                                     : graph::readF32Elements(c.getValue());
      if (failed(id))
        return failure();
      if (!values)
        return c.emitError("only f32 dense or dense_resource constants can be serialized");
      std::vector<int64_t> shape(type.getShape().begin(), type.getShape().end());
      std::string error;
      std::vector<uint8_t> packed;
      if (!rt::packTiles(values->data(), shape, toTtb(format), packed,
                         error))
        return c.emitError() << error;
      constants.push_back(ttb::CreateConstantDirect(fbb, *id, &packed));
    } else if (auto e = dyn_cast<grid::EmptyOp>(op)) {
      if (failed(addBuffer(e, "t" + std::to_string(buffers.size()), e.getAddress(), e)))
        return failure();
    } else if (auto d = dyn_cast<grid::DispatchOp>(op)) {
      if (failed(addDispatch(d)))
        return failure();
    } else if (auto ret = dyn_cast<func::ReturnOp>(op)) {
      for (auto [i, v] : llvm::enumerate(ret.getOperands())) {
        auto name = func.getResultAttrOfType<StringAttr>(i, "graph.name");
        auto it = bufferOf.find(v);
        if (it == bufferOf.end())
          return ret.emitError("returned value has no DRAM buffer");
        auto &list = func.getResultAttr(i, graph::kHostValueAttrName) ? hostValues : outputs;
        list.push_back(signature(name ? name.str() : "output" + std::to_string(i), v,
                                 it->second, func.getResultTypes()[i]));
      }
    } else if (!isa<arith::ConstantOp>(op)) {
      return op.emitError("cannot be serialized; lower it with tt-lower-graph-to-grid first");
    }
  }
  // The model's empty inputs and outputs, the inputs only host ops read and the outputs they
  // compute, in their places, with no buffer. The places are the model's, so they are filled in ascending order.
  for (auto [list, attrNames] :
       {std::pair{&inputs,
                  SmallVector<StringRef>{graph::kEmptyInputsAttrName, graph::kHostInputsAttrName}},
        {&outputs, {graph::kEmptyOutputsAttrName, graph::kHostOutputsAttrName}}}) {
    SmallVector<std::pair<int64_t, flatbuffers::Offset<ttb::TensorSignature>>> placed;
    for (StringRef attrName : attrNames) {
      auto entries = func->getAttrOfType<ArrayAttr>(attrName);
      if (!entries)
        continue;
      bool fromHost =
          attrName == graph::kHostInputsAttrName || attrName == graph::kHostOutputsAttrName;
      for (auto entry : entries.getAsRange<DictionaryAttr>()) {
        auto name = entry.getAs<StringAttr>("name");
        auto index = entry.getAs<IntegerAttr>("index");
        auto type = entry.getAs<TypeAttr>("type");
        std::string element = type ? hostTypeName(type.getValue()) : "";
        auto shaped = type ? dyn_cast<ShapedType>(type.getValue()) : ShapedType();
        if (!name || !index || element.empty() ||
            (!fromHost && (!shaped || !shaped.hasStaticShape() || shaped.getNumElements() != 0)))
          return func.emitError() << attrName << " holds a malformed entry " << entry;
        // A sequence or an optional has no shape of its own.
        std::vector<int64_t> shape;
        if (shaped && shaped.hasRank())
          for (int64_t d : shaped.getShape())
            shape.push_back(ShapedType::isDynamic(d) ? -1 : d);
        placed.push_back({index.getInt(), ttb::CreateTensorSignatureDirect(
                                              fbb, name.str().c_str(), &shape, element.c_str(),
                                              rt::kNoBuffer, fromHost)});
      }
    }
    llvm::sort(placed, [](const auto &a, const auto &b) { return a.first < b.first; });
    for (auto [index, sig] : placed) {
      if (index < 0 || index > (int64_t)list->size())
        return func.emitError() << "a model input or output is placed at " << index
                                << ", beyond the " << list->size() << " before it";
      list->insert(list->begin() + index, sig);
    }
  }
  FailureOr<std::vector<flatbuffers::Offset<ttb::HostOp>>> hostOps =
      serializeHostOps(func->getAttrOfType<ArrayAttr>(graph::kHostOpsAttrName));
  if (failed(hostOps))
    return failure();

  auto root = ttb::CreateBinaryDirect(fbb, rt::kSchemaVersion, chip.getName().str().c_str(),
                                      "tessel 0.1", precision.c_str(), &buffers, &constants,
                                      &inputs, &outputs, &dispatches,
                                      hostValues.empty() ? nullptr : &hostValues,
                                      hostOps->empty() ? nullptr : &*hostOps,
                                      generated.empty() ? nullptr : &generated);
  // Whole 8-byte words, so that the loader can tell a file cut short in its final padding.
  fbb.TrackMinAlign(8);
  ttb::FinishBinaryBuffer(fbb, root);
  os.write(reinterpret_cast<const char *>(fbb.GetBufferPointer()), fbb.GetSize());
  return success();
}

LogicalResult tessel::serializeToTtb(ModuleOp module, raw_ostream &os) {
  return Serializer().run(module, os);
}
