// Model-level ONNX import: parse, check, pin shapes, infer shapes, then convert node by node.
#include "tessel/Import/OnnxImport.h"
#include "ImportHelpers.h"

#include "Graph/GraphOps.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Verifier.h"
#include "llvm/ADT/BitVector.h"
#include "llvm/ADT/MapVector.h"
#include "llvm/ADT/ScopeExit.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"

#include "onnx/checker.h"
#include "onnx/shape_inference/implementation.h"
#include "onnx/version_converter/convert.h"

#include <functional>
#include <map>
#include <queue>

using namespace mlir;
using namespace tessel;
using namespace tessel::onnx_import;

bool tessel::parseInputShape(StringRef spec, OnnxImportOptions &options) {
  auto [name, dims] = spec.rsplit(':');
  if (name.empty() || dims.empty())
    return false;
  SmallVector<int64_t> shape;
  SmallVector<StringRef> parts;
  dims.split(parts, 'x');
  for (StringRef p : parts) {
    int64_t d;
    // 0 parses so that the importer can say that empty tensors are not supported.
    if (p.getAsInteger(10, d) || d < 0)
      return false;
    shape.push_back(d);
  }
  options.inputShapes[name] = shape;
  return true;
}

/// The ONNX element type of an MLIR one, or UNDEFINED.
static int32_t onnxElementType(Type t);

/// The graph attribute `name` of `node` (a body or a branch), or null.
static const onnx::GraphProto *subgraph(const onnx::NodeProto &node, StringRef name) {
  for (const auto &a : node.attribute())
    if (a.name() == name && a.has_g())
      return &a.g();
  return nullptr;
}

/// One type for a value that is `a` or `b` (a Loop's iterations, an If's branches, a
/// sequence's elements): the same, or ranked tensors of one element type and rank whose dims
/// differ, which become known only at run time; null when there is none.
static Type joinedType(Type a, Type b) {
  if (a == b)
    return a;
  auto x = dyn_cast<RankedTensorType>(a), y = dyn_cast<RankedTensorType>(b);
  if (!x || !y || x.getElementType() != y.getElementType() || x.getRank() != y.getRank())
    return Type();
  SmallVector<int64_t> shape;
  for (auto [p, q] : llvm::zip(x.getShape(), y.getShape()))
    shape.push_back(p == q ? p : ShapedType::kDynamic);
  return RankedTensorType::get(shape, x.getElementType());
}

namespace {

class Importer {
public:
  Importer(MLIRContext *ctx, const OnnxImportOptions &options)
      : ctx(ctx), options(options), builder(ctx),
        fileLoc(FileLineColLoc::get(ctx, options.fileName, 0, 0)) {}

  OwningOpRef<ModuleOp> run(StringRef bytes);

private:
  LogicalResult checkSupported(const onnx::GraphProto &graph);
  /// Every node input must be defined by a graph input, an initializer or a node. Nodes out of
  /// order are sorted; a cycle is an error naming its nodes. The ONNX checker reports both as
  /// an unsorted graph, which does not tell the user what is wrong.
  LogicalResult checkDataflow(onnx::GraphProto &graph);
  /// Moves a model below kNormalOpset up to it with libonnx's version converter, so that the
  /// converters see one set of semantics (Softmax's axis, Upsample as Resize, axes as inputs).
  /// Where the converter has no adapter the model stays as it is and the converters handle its
  /// opset's semantics themselves.
  void normalizeOpset(onnx::ModelProto &model);
  LogicalResult pinInputShapes(onnx::GraphProto &graph);
  FailureOr<Type> elementType(int32_t onnxType, Location loc, StringRef what);
  FailureOr<RankedTensorType> tensorType(const onnx::TypeProto &type, Location loc,
                                         StringRef what);
  /// The !graph.sequence or !graph.optional type of an input or output only host ops touch.
  FailureOr<Type> hostType(const onnx::TypeProto &type, StringRef what);
  /// A tensor type with dynamic dims where the model gives none, unranked without a shape; null
  /// after a diagnostic.
  Type tensorOrUnranked(const onnx::TypeProto &type, StringRef what);
  /// The type of a float tensor with a static shape; nullopt otherwise, without a diagnostic.
  std::optional<RankedTensorType> staticTensorType(const onnx::TypeProto &type);
  std::optional<Type> quietElementType(int32_t onnxType);
  FailureOr<Value> importInitializer(const onnx::TensorProto &tensor);
  /// Reads the bytes of an initializer stored in an external file into its raw_data. The file
  /// must lie inside the model's folder.
  LogicalResult loadExternalData(onnx::TensorProto &tensor, Location loc);
  LogicalResult importNode(const onnx::NodeProto &node, size_t index);
  /// If: with a constant condition only the branch it picks is imported; otherwise both are,
  /// and each output is a where() between them (the chip runs both: branches have no effects).
  LogicalResult importIf(const onnx::NodeProto &node, Location loc);
  /// Imports the nodes of a branch or loop body (its unnamed nodes named within it) and returns
  /// the values of its outputs; `what` names the body in diagnostics. With `hostOutputs`, an
  /// output that is a sequence built while importing or a host op's gets a null value.
  FailureOr<SmallVector<Value>> importSubgraph(const onnx::GraphProto &graph, Location loc,
                                               StringRef what, bool hostOutputs = false);
  /// The name under which host ops read `name`, a chip value, a sequence built while importing
  /// or a host op's output, and its type.
  FailureOr<std::pair<StringAttr, Type>> hostName(StringRef name, Location loc, StringRef reader);
  /// Scan (opset 9 form; the version converter brings opset 8 to it): the body is imported once
  /// per step of the static sequence length, each scan input sliced at the step, each state
  /// carried, and each scan output stacked along its axis.
  LogicalResult importScan(const onnx::NodeProto &node, Location loc);
  /// Loop with a trip count and conditions known while importing: the body unrolled, loop-carried
  /// values threaded through, scan outputs stacked along a new first axis.
  LogicalResult importLoop(const onnx::NodeProto &node, Location loc);
  /// Loop whose trip count or condition is known only at run time: a host op "Loop" whose body
  /// is host ops of its own (ops that read the body's inputs), run once per iteration; what
  /// reads only values from outside the body is computed once, before it.
  LogicalResult hostLoop(const onnx::NodeProto &node, Location loc, const onnx::GraphProto &body,
                         int64_t carried, int64_t scans);
  /// If inside a host body: a host op "If" whose branches are host ops of their own (`body`
  /// and `else_body`), of which the runtime runs the one the condition names.
  LogicalResult hostBranches(const onnx::NodeProto &node, Location loc,
                             const onnx::GraphProto &then, const onnx::GraphProto &otherwise);
  /// SequenceMap: a host op whose body (host ops of its own) runs once per element of the first
  /// input, on the elements at that place of the sequence inputs and the whole tensor inputs.
  LogicalResult hostSequenceMap(const onnx::NodeProto &node, Location loc);
  /// A body of host ops: its records, its inputs' and outputs' names and its outputs' types.
  struct HostBody {
    explicit HostBody(OpBuilder &builder) : builder(builder) {}
    OpBuilder &builder;
    ArrayAttr ops;
    SmallVector<Attribute> inputs, outputs;
    SmallVector<Type> outputTypes;
    SmallVector<NamedAttribute> attrs() const {
      return {builder.getNamedAttr("body", ops),
              builder.getNamedAttr("body_inputs", builder.getArrayAttr(inputs)),
              builder.getNamedAttr("body_outputs", builder.getArrayAttr(outputs))};
    }
  };
  /// Imports `body` with its inputs typed `inputTypes` as host ops of its own (for `what`, a
  /// Loop or SequenceMap); values from outside it that the chip computes become host reads.
  FailureOr<HostBody> importHostBody(const onnx::GraphProto &body, Location loc,
                                     ArrayRef<Type> inputTypes, StringRef what);
  /// A sequence built while compiling that the host reads: built again on the host from its
  /// elements, which the chip returns (host op SequenceConstruct, or SequenceEmpty). Gives its
  /// type.
  FailureOr<Type> hostSequence(StringRef name, Location loc, StringRef reader);
  /// Sequence ops on lists known while importing: SequenceConstruct/Empty/Insert/Erase with
  /// constant positions, SplitToSequence with constant splits, SequenceLength, SequenceAt
  /// (a run-time position selects on the chip among same-typed elements), ConcatFromSequence.
  LogicalResult importSequenceOp(const onnx::NodeProto &node, Location loc);
  /// A node the runtime runs on the host after the chip (isHostOpType): recorded for
  /// graph.host_ops, its chip-computed inputs made results of the function. Only host ops may
  /// read its outputs.
  LogicalResult importHostOp(const onnx::NodeProto &node, Location loc);
  /// The name under which the host reads the chip value `v` (called `name` in the model): a model
  /// input's own name, or `name` for a value the function returns for the host.
  FailureOr<StringAttr> hostRead(StringRef name, Value v, Location loc, StringRef reader) {
    // A model input reaches the host as the user gave it, with no trip through the chip; so does
    // an empty one, which is no argument.
    if (auto arg = dyn_cast<BlockArgument>(v))
      return builder.getStringAttr(argNames[arg.getArgNumber()]);
    if (emptyInputNames.contains(name) && values.lookup(name) == v)
      return builder.getStringAttr(name);
    if (cast<RankedTensorType>(v.getType()).getNumElements() == 0)
      return emitError(loc) << reader << " reads the empty tensor '" << name
                            << "', which the host cannot be given";
    StringAttr stable = builder.getStringAttr(name);
    hostReads.insert({stable.getValue(), v});
    return stable;
  }
  /// The types of a host op's outputs (tensors, or sequences for the sequence ops).
  FailureOr<SmallVector<Type>> hostTypes(const onnx::NodeProto &node, Location loc,
                                         ArrayRef<Type> inputTypes);
  /// Appends an entry to graph.host_ops.
  void recordHostOp(Location loc, StringRef op, ArrayRef<Attribute> inputs,
                    ArrayRef<Attribute> outputs, DictionaryAttr attributes,
                    ArrayRef<NamedAttribute> body = {}) {
    SmallVector<NamedAttribute> record{
        builder.getNamedAttr("name", builder.getStringAttr(graph::nodeNames(loc))),
        builder.getNamedAttr("op", builder.getStringAttr(op)),
        builder.getNamedAttr("inputs", builder.getArrayAttr(inputs)),
        builder.getNamedAttr("outputs", builder.getArrayAttr(outputs)),
        builder.getNamedAttr("attributes", attributes)};
    record.append(body.begin(), body.end());
    hostOps.push_back(builder.getDictionaryAttr(record));
  }
  /// If on a run-time condition whose branches give an output different shapes: the chip
  /// computes both, and the host picks one (runtime host op "If").
  LogicalResult hostIf(const onnx::NodeProto &node, Location loc, StringRef out, Value cond,
                       Value then, Value otherwise);
  /// Whether `node` runs on the host: an op that always does, or one the host can run that reads
  /// a host op's output or (Range) whose length inference cannot tell.
  bool runsOnHost(const onnx::NodeProto &node, size_t index);
  /// The static type inference gives `value`, the output of the node at `index`, refining it from
  /// there once if needed.
  std::optional<RankedTensorType> outputType(const std::string &value, size_t index) {
    auto it = inferredTypes.find(value);
    if (it == inferredTypes.end() && refinedFrom != std::make_pair(graphNow, index)) {
      refineInference(index);
      it = inferredTypes.find(value);
    }
    return it == inferredTypes.end() ? std::nullopt : std::optional(it->second);
  }
  /// Records the static types shape inference gave `graph`'s values and its subgraphs'.
  void recordTypes(const onnx::GraphProto &graph);
  /// Runs shape inference again over the nodes from `first` on, with every value imported so
  /// far as a graph input of its known type, and the small constants among them (shape
  /// arithmetic that folded) as initializers. Exported models compute Reshape targets from
  /// Shape -> Gather -> Concat chains that ONNX's data propagation does not follow through.
  void refineInference(size_t first);

  /// A tensor with no elements, as a constant.
  Value emptyConstant(RankedTensorType type, Location loc) {
    return builder.create<graph::ConstantOp>(loc, type,
                                             DenseElementsAttr::get(type, ArrayRef<Attribute>()));
  }
  /// The entry of a model input or output in graph.empty_inputs / graph.empty_outputs /
  /// graph.host_outputs.
  Attribute placedTensorAttr(StringRef name, size_t index, Type type) {
    return builder.getDictionaryAttr(
        {builder.getNamedAttr("name", builder.getStringAttr(name)),
         builder.getNamedAttr("index", builder.getI64IntegerAttr(index)),
         builder.getNamedAttr("type", TypeAttr::get(type))});
  }

  Location nodeLoc(const onnx::NodeProto &node, size_t index) {
    std::string name = node.name().empty()
                           ? scope + node.op_type() + "_" + std::to_string(index)
                           : node.name();
    return NameLoc::get(StringAttr::get(ctx, name), fileLoc);
  }

  MLIRContext *ctx;
  const OnnxImportOptions &options;
  OpBuilder builder;
  Location fileLoc;
  int64_t opset = 0;
  /// "<branch graph>/" while an If's branch is imported: its unnamed nodes are named within it.
  std::string scope;
  const onnx::ModelProto *model = nullptr;
  /// The graph whose nodes are being imported: the model's, or a branch or body within it.
  const onnx::GraphProto *graphNow = nullptr;
  /// Where inference was last refined from, so that a node whose output it still cannot type
  /// does not start it again.
  std::pair<const onnx::GraphProto *, size_t> refinedFrom{nullptr, SIZE_MAX};
  llvm::StringMap<Value> values;
  /// The elements of each sequence value, by name.
  llvm::StringMap<SmallVector<Value>> sequences;
  llvm::StringMap<RankedTensorType> inferredTypes;
  /// The names of the function's arguments (the model's non-empty inputs), by position, and
  /// their places among the model's inputs.
  SmallVector<std::string> argNames;
  SmallVector<size_t> argInputIndex;
  /// The chip's function, while its main graph's nodes are imported: random tensors become
  /// arguments of it (graph.draw) after the model's inputs.
  func::FuncOp mainFunc;
  /// What host ops compute: each value's type (dynamic where it depends on the data) and the op
  /// type of the node that computes it.
  llvm::StringMap<std::pair<Type, std::string>> hostValues;
  /// The entries of graph.host_ops, in the nodes' order (while a host Loop's body is imported,
  /// the body's).
  SmallVector<Attribute> hostOps;
  /// How many host Loop bodies the nodes being imported are in.
  int hostBodies = 0;
  /// Inputs whose dims are known only at run time, which only host ops may read: why the chip
  /// cannot take each.
  llvm::StringMap<std::string> unknownShapeInputs;
  /// Model inputs with a dim of 0: constants on the chip, given to host ops by name.
  llvm::StringSet<> emptyInputNames;
  /// A tensor type with a shape whose dims are all given or open (symbolic), at least one open,
  /// of an element type the compiler knows: such an input may go to host ops.
  std::optional<RankedTensorType> openShape(const onnx::TypeProto &type) {
    if (!type.has_tensor_type() || !type.tensor_type().has_shape() ||
        !quietElementType(type.tensor_type().elem_type()))
      return std::nullopt;
    const auto &dims = type.tensor_type().shape().dim();
    if (llvm::all_of(dims, [](const auto &d) { return d.has_dim_value(); }) ||
        llvm::any_of(dims, [](const auto &d) { return d.has_dim_value() && d.dim_value() < 0; }))
      return std::nullopt;
    return cast<RankedTensorType>(tensorOrUnranked(type, ""));
  }
  /// The element types of the empty sequences SequenceEmpty built, by name.
  llvm::StringMap<Type> emptySequenceElements;
  /// Chip values host ops read, which the function returns besides the model's outputs.
  llvm::MapVector<StringRef, Value> hostReads;
};

} // namespace

FailureOr<Type> Importer::elementType(int32_t onnxType, Location loc, StringRef what) {
  switch (onnxType) {
  case onnx::TensorProto::FLOAT: return Type(builder.getF32Type());
  case onnx::TensorProto::DOUBLE: return Type(builder.getF64Type());
  case onnx::TensorProto::FLOAT16: return Type(builder.getF16Type());
  case onnx::TensorProto::BFLOAT16: return Type(builder.getBF16Type());
  case onnx::TensorProto::INT64: return Type(builder.getI64Type());
  case onnx::TensorProto::INT32: return Type(builder.getI32Type());
  case onnx::TensorProto::INT8: return Type(builder.getI8Type());
  case onnx::TensorProto::UINT8: return Type(builder.getIntegerType(8, /*isSigned=*/false));
  case onnx::TensorProto::INT16: return Type(builder.getIntegerType(16));
  case onnx::TensorProto::UINT16: return Type(builder.getIntegerType(16, /*isSigned=*/false));
  case onnx::TensorProto::UINT32: return Type(builder.getIntegerType(32, /*isSigned=*/false));
  case onnx::TensorProto::UINT64: return Type(builder.getIntegerType(64, /*isSigned=*/false));
  case onnx::TensorProto::BOOL: return Type(builder.getI1Type());
  case onnx::TensorProto::STRING: return Type(graph::StringType::get(ctx));
  default:
    return emitError(loc) << what << " has element type "
                          << onnx::TensorProto::DataType_Name(
                                 static_cast<onnx::TensorProto::DataType>(onnxType))
                          << ", which is not supported yet";
  }
}

FailureOr<RankedTensorType> Importer::tensorType(const onnx::TypeProto &type, Location loc,
                                                 StringRef what) {
  if (!type.has_tensor_type())
    return emitError(loc) << what << " is not a tensor";
  const auto &tt = type.tensor_type();
  FailureOr<Type> elt = elementType(tt.elem_type(), loc, what);
  if (failed(elt))
    return failure();
  if (!tt.has_shape())
    return emitError(loc) << what << " has no shape; pin it with --input-shape";
  SmallVector<int64_t> shape;
  constexpr int64_t kMaxElements = int64_t(1) << 31;
  int64_t elements = 1;
  for (auto [i, dim] : llvm::enumerate(tt.shape().dim())) {
    if (!dim.has_dim_value()) {
      std::string param = dim.has_dim_param() ? " ('" + dim.dim_param() + "')" : "";
      return emitError(loc) << what << " has unknown dim " << i << param
                            << "; pin it with --input-shape";
    }
    int64_t d = dim.dim_value();
    if (d < 0)
      return emitError(loc) << what << " has invalid dim " << i << " (" << d
                            << "); pin it with --input-shape";
    if (d > kMaxElements || (d > 0 && elements > kMaxElements / d))
      return emitError(loc) << what << " has more than 2^31 elements (dim " << i << " is " << d
                            << "), too large for the chip";
    elements *= d;
    shape.push_back(d);
  }
  return RankedTensorType::get(shape, *elt);
}

FailureOr<Type> Importer::hostType(const onnx::TypeProto &type, StringRef what) {
  if (type.has_optional_type()) {
    const onnx::TypeProto &elem = type.optional_type().elem_type();
    FailureOr<Type> inner = elem.has_tensor_type()
                                ? FailureOr<Type>(tensorOrUnranked(elem, what))
                                : hostType(elem, what);
    if (failed(inner) || !*inner)
      return failure();
    return Type(graph::OptionalType::get(ctx, *inner));
  }
  if (!type.has_sequence_type())
    return emitError(fileLoc) << what << " is neither a tensor, a sequence nor an optional";
  const onnx::TypeProto &elem = type.sequence_type().elem_type();
  if (!elem.has_tensor_type())
    return emitError(fileLoc) << what << " is a sequence of non-tensors, which is not supported";
  Type tensor = tensorOrUnranked(elem, what);
  if (!tensor)
    return failure();
  return Type(graph::SequenceType::get(ctx, tensor));
}

Type Importer::tensorOrUnranked(const onnx::TypeProto &type, StringRef what) {
  FailureOr<Type> elt = elementType(type.tensor_type().elem_type(), fileLoc, what);
  if (failed(elt))
    return Type();
  if (!type.tensor_type().has_shape())
    return UnrankedTensorType::get(*elt);
  SmallVector<int64_t> shape;
  for (const auto &dim : type.tensor_type().shape().dim())
    shape.push_back(dim.has_dim_value() && dim.dim_value() >= 0 ? dim.dim_value()
                                                                : ShapedType::kDynamic);
  return RankedTensorType::get(shape, *elt);
}

std::optional<RankedTensorType> Importer::staticTensorType(const onnx::TypeProto &type) {
  if (!type.has_tensor_type() || !type.tensor_type().has_shape())
    return std::nullopt;
  std::optional<Type> elt = quietElementType(type.tensor_type().elem_type());
  if (!elt)
    return std::nullopt;
  SmallVector<int64_t> shape;
  // Empty tensors are fine as folded shape arithmetic; importNode rejects them on the chip.
  for (const auto &dim : type.tensor_type().shape().dim()) {
    if (!dim.has_dim_value() || dim.dim_value() < 0 || dim.dim_value() > (int64_t(1) << 31))
      return std::nullopt;
    shape.push_back(dim.dim_value());
  }
  return RankedTensorType::get(shape, *elt);
}

std::optional<Type> Importer::quietElementType(int32_t onnxType) {
  ScopedDiagnosticHandler silence(ctx, [](Diagnostic &) { return success(); });
  FailureOr<Type> t = elementType(onnxType, fileLoc, "");
  return succeeded(t) ? std::optional<Type>(*t) : std::nullopt;
}

static bool isSequenceOp(StringRef op) {
  return llvm::is_contained({"SequenceConstruct", "SequenceEmpty", "SequenceInsert",
                             "SequenceErase", "SequenceAt", "SequenceLength", "SplitToSequence",
                             "ConcatFromSequence"},
                            op);
}

LogicalResult Importer::checkSupported(const onnx::GraphProto &graph) {
  // One error listing every unsupported op type and its nodes, before anything else is done.
  std::map<std::string, std::vector<std::string>> unsupported;
  std::function<void(const onnx::GraphProto &, std::string)> visit =
      [&](const onnx::GraphProto &g, std::string prefix) {
    for (auto [i, node] : llvm::enumerate(g.node())) {
      bool defaultDomain = node.domain().empty() || node.domain() == "ai.onnx";
      bool known = defaultDomain
                       ? node.op_type() == "Constant" || node.op_type() == "If" ||
                             node.op_type() == "Scan" || node.op_type() == "Loop" ||
                             node.op_type() == "SequenceMap" ||
                             isSequenceOp(node.op_type()) || canRunOnHost(node.op_type()) ||
                             lookupConverter(node.op_type()) || isFoldable(node.op_type())
                       : lookupConverter(node.domain() + ":" + node.op_type()) != nullptr;
      if (!known)
        unsupported[node.op_type()].push_back(
            node.name().empty() ? prefix + node.op_type() + "_" + std::to_string(i) : node.name());
      if (node.op_type() == "If" || node.op_type() == "Scan" || node.op_type() == "Loop" ||
          node.op_type() == "SequenceMap")
        for (const auto &a : node.attribute())
          if (a.has_g())
            visit(a.g(), prefix + a.g().name() + "/");
    }
  };
  visit(graph, "");
  if (unsupported.empty())
    return success();
  auto diag = emitError(fileLoc) << "unsupported ONNX ops (opset " << opset << "): ";
  bool first = true;
  for (auto &[type, nodes] : unsupported) {
    diag << (first ? "" : "; ") << type << " (nodes: ";
    for (size_t i = 0; i < nodes.size(); ++i)
      diag << (i ? ", " : "") << nodes[i];
    diag << ")";
    first = false;
  }
  return failure();
}

/// The opset models are normalised to: the oldest with the modern forms of Softmax, Split,
/// Squeeze/Unsqueeze and the reductions' axes.
static constexpr int64_t kNormalOpset = 13;

void Importer::normalizeOpset(onnx::ModelProto &model) {
  if (opset >= kNormalOpset || opset == 0)
    return;
  try {
    onnx::ModelProto converted = onnx::version_conversion::ConvertVersion(model, kNormalOpset);
    onnx::checker::check_model(converted);
    // Some adapters (Scan 8 -> 9) rewrite the graph's inputs; the model's signature must stay
    // the user's.
    auto sameSignature = [](const auto &a, const auto &b) {
      if (a.size() != b.size())
        return false;
      for (int i = 0; i < a.size(); ++i)
        if (a[i].SerializeAsString() != b[i].SerializeAsString())
          return false;
      return true;
    };
    if (!sameSignature(model.graph().input(), converted.graph().input()) ||
        !sameSignature(model.graph().output(), converted.graph().output()))
      return;
    // The converter drops value_info and may rename nothing else; inputs, outputs and node names
    // stay, so diagnostics still name the user's nodes.
    model = std::move(converted);
    opset = kNormalOpset;
  } catch (const std::exception &) {
    // No adapter for some op of this model: import it at its own opset.
  }
}

LogicalResult Importer::checkDataflow(onnx::GraphProto &graph) {
  auto nodeName = [&](int i) {
    const onnx::NodeProto &n = graph.node(i);
    return "'" + (n.name().empty() ? n.op_type() + "_" + std::to_string(i) : n.name()) + "' (" +
           n.op_type() + ")";
  };
  llvm::StringSet<> available;
  for (const auto &input : graph.input())
    available.insert(input.name());
  for (const auto &init : graph.initializer())
    available.insert(init.name());
  llvm::StringMap<int> producer;
  for (int i = 0; i < graph.node_size(); ++i)
    for (const std::string &out : graph.node(i).output())
      if (!out.empty())
        producer[out] = i;
  // Kahn's algorithm: `waiting` counts each node's inputs that no finished node produced yet.
  std::vector<int> waiting(graph.node_size(), 0);
  bool outOfOrder = false;
  std::vector<std::vector<int>> consumers(graph.node_size());
  for (int i = 0; i < graph.node_size(); ++i)
    for (const std::string &in : graph.node(i).input()) {
      if (in.empty() || available.contains(in))
        continue;
      auto it = producer.find(in);
      if (it == producer.end())
        return emitError(fileLoc) << "node " << nodeName(i) << " reads '" << in
                                  << "', which no input, initializer or node defines";
      ++waiting[i];
      consumers[it->second].push_back(i);
      outOfOrder |= it->second >= i;
    }
  // libonnx's version converter would follow a missing producer to a null node.
  for (const auto &output : graph.output())
    if (!available.contains(output.name()) && !producer.count(output.name()))
      return emitError(fileLoc) << "output '" << output.name()
                                << "' is not computed by any node, input or initializer";
  if (!outOfOrder)
    return success();
  // Ready nodes leave in their original order, so a sort moves only what it must.
  std::vector<int> order;
  std::priority_queue<int, std::vector<int>, std::greater<int>> ready;
  for (int i = 0; i < graph.node_size(); ++i)
    if (waiting[i] == 0)
      ready.push(i);
  while (!ready.empty()) {
    int i = ready.top();
    ready.pop();
    order.push_back(i);
    for (int c : consumers[i])
      if (--waiting[c] == 0)
        ready.push(c);
  }
  if ((int)order.size() != graph.node_size()) {
    auto diag = emitError(fileLoc) << "the graph has a cycle through nodes ";
    bool first = true;
    for (int i = 0; i < graph.node_size(); ++i)
      if (waiting[i] > 0) {
        diag << (first ? "" : ", ") << nodeName(i);
        first = false;
      }
    return failure();
  }
  google::protobuf::RepeatedPtrField<onnx::NodeProto> sorted;
  for (int i : order)
    *sorted.Add() = graph.node(i);
  graph.mutable_node()->Swap(&sorted);
  return success();
}

LogicalResult Importer::pinInputShapes(onnx::GraphProto &graph) {
  llvm::StringSet<> seen;
  for (auto &input : *graph.mutable_input()) {
    auto it = options.inputShapes.find(input.name());
    if (it == options.inputShapes.end())
      continue;
    seen.insert(input.name());
    auto *shape = input.mutable_type()->mutable_tensor_type()->mutable_shape();
    const auto &pinned = it->second;
    if (shape->dim_size() != 0 && shape->dim_size() != (int)pinned.size())
      return emitError(fileLoc) << "--input-shape for '" << input.name() << "' has rank "
                                << pinned.size() << " but the input has rank "
                                << shape->dim_size();
    // A negative dim is an exporter's "unknown"; pinning replaces it like a symbolic one.
    for (int i = 0; i < shape->dim_size(); ++i)
      if (shape->dim(i).has_dim_value() && shape->dim(i).dim_value() >= 0 &&
          shape->dim(i).dim_value() != pinned[i])
        return emitError(fileLoc) << "--input-shape for '" << input.name() << "' sets dim " << i
                                  << " to " << pinned[i] << " but the model fixes it to "
                                  << shape->dim(i).dim_value();
    shape->clear_dim();
    for (int64_t d : pinned)
      shape->add_dim()->set_dim_value(d);
  }
  for (auto &entry : options.inputShapes)
    if (!seen.contains(entry.getKey()))
      return emitError(fileLoc) << "--input-shape names '" << entry.getKey()
                                << "', which is not an input of the model";
  return success();
}

std::optional<std::vector<double>> onnx_import::tensorValues(const onnx::TensorProto &t,
                                                             int64_t count) {
  std::vector<double> out;
  auto take = [&](const auto &field) {
    out.assign(field.begin(), field.end());
  };
  if (t.has_raw_data()) {
    const std::string &raw = t.raw_data();
    auto fromRaw = [&](auto sample) {
      using T = decltype(sample);
      if ((int64_t)raw.size() != count * (int64_t)sizeof(T))
        return;
      for (int64_t i = 0; i < count; ++i) {
        T v;
        memcpy(&v, raw.data() + i * sizeof(T), sizeof(T));
        out.push_back((double)v);
      }
    };
    switch (t.data_type()) {
    case onnx::TensorProto::FLOAT: fromRaw(float()); break;
    case onnx::TensorProto::DOUBLE: fromRaw(double()); break;
    case onnx::TensorProto::INT64: fromRaw(int64_t()); break;
    case onnx::TensorProto::INT32: fromRaw(int32_t()); break;
    case onnx::TensorProto::INT8: fromRaw(int8_t()); break;
    case onnx::TensorProto::UINT8: case onnx::TensorProto::BOOL: fromRaw(uint8_t()); break;
    case onnx::TensorProto::INT16: fromRaw(int16_t()); break;
    case onnx::TensorProto::UINT16: fromRaw(uint16_t()); break;
    case onnx::TensorProto::UINT32: fromRaw(uint32_t()); break;
    case onnx::TensorProto::UINT64: fromRaw(uint64_t()); break;
    case onnx::TensorProto::BFLOAT16:
      if ((int64_t)raw.size() == count * 2)
        for (int64_t i = 0; i < count; ++i) {
          uint16_t h;
          memcpy(&h, raw.data() + i * 2, 2);
          uint32_t bits = uint32_t(h) << 16;
          float f;
          memcpy(&f, &bits, 4);
          out.push_back(f);
        }
      break;
    case onnx::TensorProto::FLOAT16:
      if ((int64_t)raw.size() == count * 2)
        for (int64_t i = 0; i < count; ++i) {
          uint16_t h;
          memcpy(&h, raw.data() + i * 2, 2);
          out.push_back(APFloat(APFloat::IEEEhalf(), APInt(16, h)).convertToFloat());
        }
      break;
    default: break;
    }
  } else {
    switch (t.data_type()) {
    case onnx::TensorProto::FLOAT: take(t.float_data()); break;
    case onnx::TensorProto::DOUBLE: take(t.double_data()); break;
    case onnx::TensorProto::INT64: take(t.int64_data()); break;
    case onnx::TensorProto::UINT32: case onnx::TensorProto::UINT64: take(t.uint64_data()); break;
    default: take(t.int32_data()); break; // int32, int16, int8, uint16, uint8, bool, float16 bits
    }
    // The bits sit in the low half of an int32 that a malformed model may make negative.
    auto bits = [](double d) { return APInt(16, static_cast<uint16_t>(static_cast<int32_t>(d))); };
    if (t.data_type() == onnx::TensorProto::FLOAT16)
      for (double &d : out)
        d = APFloat(APFloat::IEEEhalf(), bits(d)).convertToFloat();
    if (t.data_type() == onnx::TensorProto::BFLOAT16)
      for (double &d : out)
        d = APFloat(APFloat::BFloat(), bits(d)).convertToFloat();
  }
  if ((int64_t)out.size() != count)
    return std::nullopt;
  return out;
}

FailureOr<Value> Importer::importInitializer(const onnx::TensorProto &tensor) {
  Location loc = NameLoc::get(StringAttr::get(ctx, tensor.name()), fileLoc);
  if (tensor.data_location() == onnx::TensorProto::EXTERNAL)
    return emitError(loc) << "Constant '" << tensor.name()
                          << "' uses external data, which only initializers may";
  FailureOr<Type> elt = elementType(tensor.data_type(), loc, "initializer '" + tensor.name() + "'");
  if (failed(elt))
    return failure();
  SmallVector<int64_t> shape(tensor.dims().begin(), tensor.dims().end());
  int64_t count = 1;
  for (int64_t d : shape) {
    if (d < 0 || d > (int64_t(1) << 31))
      return emitError(loc) << "initializer '" << tensor.name() << "' has invalid dim " << d;
    count *= d;
  }
  std::optional<std::vector<double>> data = tensorValues(tensor, count);
  if (!data)
    return emitError(loc) << "initializer '" << tensor.name()
                          << "' holds a number of values that does not match its shape";
  auto type = RankedTensorType::get(shape, *elt);
  ElementsAttr value;
  if (elt->isF32()) {
    std::vector<float> f32(data->begin(), data->end());
    value = graph::makeF32Elements(type, f32, tensor.name());
  } else if (auto intType = dyn_cast<IntegerType>(*elt)) {
    SmallVector<APInt> ints;
    for (double d : *data)
      ints.push_back(APInt(intType.getWidth(), (uint64_t)saturatingInt64(d), /*isSigned=*/true));
    value = DenseElementsAttr::get(type, ints);
  } else {
    SmallVector<APFloat> floats;
    for (double d : *data) {
      APFloat f(d);
      bool lost;
      f.convert(cast<FloatType>(*elt).getFloatSemantics(), APFloat::rmNearestTiesToEven, &lost);
      floats.push_back(f);
    }
    value = DenseElementsAttr::get(type, floats);
  }
  return builder.create<graph::ConstantOp>(loc, type, value).getResult();
}

LogicalResult Importer::loadExternalData(onnx::TensorProto &tensor, Location loc) {
  std::string location;
  uint64_t offset = 0, length = 0;
  bool hasLength = false;
  for (const auto &entry : tensor.external_data()) {
    if (entry.key() == "location")
      location = entry.value();
    else if ((entry.key() == "offset" || entry.key() == "length") &&
             StringRef(entry.value()).getAsInteger(10, entry.key() == "offset" ? offset : length))
      return emitError(loc) << "initializer '" << tensor.name() << "' has external data "
                            << entry.key() << " '" << entry.value() << "', not a number";
    hasLength |= entry.key() == "length";
  }
  std::string what = "external data '" + location + "' of initializer '" + tensor.name() + "'";
  if (location.empty())
    return emitError(loc) << "initializer '" << tensor.name()
                          << "' uses external data without a location";
  if (llvm::sys::path::is_absolute(location))
    return emitError(loc) << what << " is an absolute path; it must lie inside the model's folder";
  StringRef dir = llvm::sys::path::parent_path(options.fileName);
  SmallString<256> folder, file, joined(dir.empty() ? "." : dir);
  llvm::sys::path::append(joined, location);
  if (llvm::sys::fs::real_path(dir.empty() ? "." : dir, folder))
    return emitError(loc) << what << " cannot be resolved: the model's folder is unknown";
  // Symlinks and '..' are resolved before the check, so neither can leave the folder.
  if (llvm::sys::fs::real_path(joined, file)) {
    if (!StringRef(joined).contains(".."))
      return emitError(loc) << what << " cannot be opened (no file " << joined << ")";
  }
  if (file.empty() || !StringRef(file).starts_with((folder + llvm::sys::path::get_separator()).str()))
    return emitError(loc) << what << " leaves the model's folder " << folder;
  auto buffer = llvm::MemoryBuffer::getFile(file, /*IsText=*/false, /*RequiresNullTerminator=*/false);
  if (!buffer)
    return emitError(loc) << what << " cannot be read: " << buffer.getError().message();
  uint64_t size = (*buffer)->getBufferSize();
  if (!hasLength)
    length = offset <= size ? size - offset : 0;
  if (offset > size || length > size - offset)
    return emitError(loc) << what << " asks for bytes " << offset << ".." << offset + length
                          << " of a " << size << "-byte file";
  tensor.set_raw_data((*buffer)->getBufferStart() + offset, length);
  tensor.clear_external_data();
  tensor.set_data_location(onnx::TensorProto::DEFAULT);
  return success();
}

void Importer::recordTypes(const onnx::GraphProto &graph) {
  for (const auto *list : {&graph.value_info(), &graph.output(), &graph.input()})
    for (const auto &vi : *list)
      if (auto type = staticTensorType(vi.type()))
        inferredTypes[vi.name()] = *type;
  for (const auto &node : graph.node())
    for (const auto &a : node.attribute())
      if (a.has_g())
        recordTypes(a.g());
}

FailureOr<SmallVector<Value>> Importer::importSubgraph(const onnx::GraphProto &graph, Location loc,
                                                       StringRef what, bool hostOutputs) {
  std::string outer = scope;
  const onnx::GraphProto *outerGraph = graphNow;
  scope += graph.name() + "/";
  graphNow = &graph;
  auto restore = llvm::make_scope_exit([&] {
    scope = outer;
    graphNow = outerGraph;
  });
  for (const auto &init : graph.initializer()) {
    FailureOr<Value> v = importInitializer(init);
    if (failed(v))
      return failure();
    values[init.name()] = *v;
  }
  for (auto [i, sub] : llvm::enumerate(graph.node()))
    if (failed(importNode(sub, i)))
      return failure();
  SmallVector<Value> outs;
  for (const auto &o : graph.output()) {
    Value v = values.lookup(o.name());
    if (!v && !(hostOutputs && (sequences.count(o.name()) || hostValues.count(o.name()))))
      return emitError(loc) << what << " does not compute its output '" << o.name() << "'";
    outs.push_back(v);
  }
  return outs;
}

LogicalResult Importer::importIf(const onnx::NodeProto &node, Location loc) {
  const onnx::GraphProto *branches[2] = {subgraph(node, "then_branch"),
                                         subgraph(node, "else_branch")};
  if (!branches[0] || !branches[1] || node.input_size() != 1)
    return emitError(loc) << "If needs a condition, then_branch and else_branch";
  // Branches with an op that always runs on the host (an Optional, a NonZero) become host
  // bodies when the condition is known only at run time, as every If inside a host body does.
  std::function<bool(const onnx::GraphProto &)> needsHost = [&](const onnx::GraphProto &g) {
    return llvm::any_of(g.node(), [&](const onnx::NodeProto &n) {
      return isHostOpType(n.op_type()) || llvm::any_of(n.attribute(), [&](const auto &a) {
               return a.has_g() && needsHost(a.g());
             });
    });
  };
  bool runtimeCondition = !values.count(node.input(0)) ||
                          !scalarValue(values.lookup(node.input(0)));
  if (hostBodies > 0 ||
      (runtimeCondition && (needsHost(*branches[0]) || needsHost(*branches[1]))))
    return hostBranches(node, loc, *branches[0], *branches[1]);
  Value cond = values.lookup(node.input(0));
  if (!cond)
    return emitError(loc) << "If reads '" << node.input(0) << "', which nothing defines";
  for (const auto *branch : branches)
    if (branch->output_size() != node.output_size())
      return emitError(loc) << "If's branches must give the node's " << node.output_size()
                            << " outputs";
  std::optional<bool> known;
  if (std::optional<double> v = scalarValue(cond))
    known = *v != 0;
  SmallVector<Value> outs[2];
  for (int b = 0; b < 2; ++b) {
    if (known && *known != (b == 0))
      continue;
    FailureOr<SmallVector<Value>> branch =
        importSubgraph(*branches[b], loc, "If's branch", /*hostOutputs=*/true);
    if (failed(branch))
      return failure();
    outs[b] = std::move(*branch);
  }
  for (int i = 0; i < node.output_size(); ++i) {
    // A sequence built while importing or a host op's output: with a known condition it is the
    // output; otherwise the host picks between the two branches' (host op If).
    auto branchOut = [&](int b) -> const std::string & { return branches[b]->output(i).name(); };
    if (known && !outs[*known ? 0 : 1][i]) {
      const std::string &from = branchOut(*known ? 0 : 1);
      if (auto seq = sequences.find(from); seq != sequences.end()) {
        SmallVector<Value> elements = seq->second;
        sequences[node.output(i)] = elements;
        if (auto empty = emptySequenceElements.find(from); empty != emptySequenceElements.end())
          emptySequenceElements[node.output(i)] = empty->second;
        continue;
      }
      Type type = hostValues.lookup(from).first;
      hostValues[node.output(i)] = {type, "If"};
      recordHostOp(loc, "Identity", {builder.getStringAttr(from)},
                   {builder.getStringAttr(node.output(i))}, builder.getDictionaryAttr({}));
      continue;
    }
    if (known) {
      values[node.output(i)] = outs[*known ? 0 : 1][i];
      continue;
    }
    if (!outs[0][i] || !outs[1][i]) {
      if (graphNow != &model->graph())
        return emitError(loc) << "If whose branches give '" << node.output(i)
                              << "' a sequence runs on the host, which only the main graph's "
                                 "nodes may do";
      SmallVector<Attribute> inputs;
      SmallVector<Type> types;
      for (StringRef name : {StringRef(node.input(0)), StringRef(branchOut(0)),
                             StringRef(branchOut(1))}) {
        FailureOr<std::pair<StringAttr, Type>> read = hostName(name, loc, "If");
        if (failed(read))
          return failure();
        inputs.push_back(read->first);
        types.push_back(read->second);
      }
      if (types[1] != types[2])
        return emitError(loc) << "If whose branches give '" << node.output(i)
                              << "' different types (" << types[1] << ", " << types[2]
                              << ") is not supported";
      hostValues[node.output(i)] = {types[1], "If"};
      recordHostOp(loc, "If", inputs, {builder.getStringAttr(node.output(i))},
                   builder.getDictionaryAttr({}));
      continue;
    }
    Value t = outs[0][i], e = outs[1][i];
    auto it = inferredTypes.find(node.output(i));
    Type type = it != inferredTypes.end() ? Type(it->second) : t.getType();
    if (t.getType() != e.getType()) {
      if (failed(hostIf(node, loc, node.output(i), cond, t, e)))
        return failure();
      continue;
    }
    if (t.getType() != type || e.getType() != type)
      return emitError(loc) << "If whose branches give '" << node.output(i)
                            << "' different types is not supported";
    values[node.output(i)] = builder.create<graph::WhereOp>(loc, type, cond, t, e);
  }
  return success();
}

/// The steps' values stacked along a new `axis` (reversed if asked): each, given a size-1 axis,
/// is placed by a 0/1 column along it (a matmul on the chip) and the placements summed.
static Value stackSteps(NodeContext &nc, ArrayRef<Value> pieces, int64_t axis, bool reverse) {
  auto pieceType = cast<RankedTensorType>(pieces.front().getType());
  int64_t rank = pieceType.getRank() + 1, steps = pieces.size();
  if (axis < 0)
    axis += rank;
  SmallVector<int64_t> unit(pieceType.getShape());
  unit.insert(unit.begin() + axis, 1);
  Value sum;
  for (auto [s, piece] : llvm::enumerate(pieces)) {
    SmallVector<double> column(steps, 0.0);
    column[reverse ? steps - 1 - s : s] = 1.0;
    Value placed = alongAxis(nc, reshapeTo(nc, asF32(nc, piece), unit), axis, steps, column);
    sum = sum ? binary(nc, graph::BinaryKind::add, sum, placed) : placed;
  }
  SmallVector<int64_t> outShape(unit);
  outShape[axis] = steps;
  auto outType = RankedTensorType::get(outShape, pieceType.getElementType());
  return outType == sum.getType() ? sum
                                  : unary(nc, graph::UnaryKind::identity, sum, 0, 0, outType);
}

/// `t` at index `at` of its dim `axis`, that dim dropped.
static Value selectAlong(NodeContext &nc, Value t, int64_t axis, int64_t at) {
  auto type = cast<RankedTensorType>(t.getType());
  MLIRContext *mctx = nc.builder.getContext();
  SmallVector<int64_t> shape;
  SmallVector<AffineExpr> index;
  for (int64_t d = 0, o = 0; d < type.getRank(); ++d) {
    if (d == axis) {
      index.push_back(getAffineConstantExpr(at, mctx));
      continue;
    }
    shape.push_back(type.getDimSize(d));
    index.push_back(getAffineDimExpr(o++, mctx));
  }
  return remap(nc, t, RankedTensorType::get(shape, type.getElementType()), index);
}

LogicalResult Importer::importScan(const onnx::NodeProto &node, Location loc) {
  // Before opset 9 every state and scan input has a batch dim first (the scan axis follows it),
  // and an optional first input gives each batch entry's sequence length; the batch entries are
  // scanned one after another and their results stacked.
  bool batched = opset < 9;
  int64_t first = batched ? 1 : 0;
  NodeContext nc{builder, node, loc, opset, {}, {}, {}};
  const onnx::GraphProto *body = nullptr;
  int64_t m = 0;
  SmallVector<int64_t> inAxes, inDirs, outAxes, outDirs;
  auto ints = [](const onnx::AttributeProto &a) {
    return SmallVector<int64_t>(a.ints().begin(), a.ints().end());
  };
  for (const auto &a : node.attribute()) {
    if (a.name() == "body")
      body = &a.g();
    else if (a.name() == "num_scan_inputs")
      m = a.i();
    else if (a.name() == "scan_input_axes")
      inAxes = ints(a);
    else if (a.name() == "scan_input_directions" || (batched && a.name() == "directions"))
      inDirs = ints(a);
    else if (a.name() == "scan_output_axes")
      outAxes = ints(a);
    else if (a.name() == "scan_output_directions")
      outDirs = ints(a);
  }
  int64_t n = node.input_size() - first - m;
  if (!body || m < 1 || n < 0 || body->input_size() != node.input_size() - first ||
      body->output_size() < n || node.output_size() != body->output_size())
    return emitError(loc) << "Scan's inputs, outputs and body do not match";
  int64_t k = body->output_size() - n;
  inAxes.resize(m, 0);
  inDirs.resize(m, 0);
  outAxes.resize(k, 0);
  outDirs.resize(k, 0);
  SmallVector<Value> states, scans;
  for (int64_t i = first; i < node.input_size(); ++i) {
    Value v = values.lookup(node.input(i));
    if (!v)
      return emitError(loc) << "Scan reads '" << node.input(i) << "', which nothing defines";
    (i - first < n ? states : scans).push_back(v);
  }
  int64_t batch = 1;
  if (batched) {
    for (Value v : llvm::concat<Value>(states, scans)) {
      auto type = cast<RankedTensorType>(v.getType());
      if (type.getRank() < 1 || (v != states.front() && type.getDimSize(0) != batch))
        return emitError(loc) << "Scan's states and scan inputs must share their first (batch) dim";
      batch = type.getDimSize(0);
    }
    for (Value v : scans)
      if (cast<RankedTensorType>(v.getType()).getRank() < 2)
        return emitError(loc) << "Scan's scan inputs need a batch dim and a sequence dim";
    if (!node.input(0).empty()) {
      int64_t steps = cast<RankedTensorType>(scans.front().getType()).getDimSize(1);
      std::optional<std::vector<float>> lens;
      if (Value v = values.lookup(node.input(0)))
        if (auto c = v.getDefiningOp<graph::ConstantOp>())
          lens = graph::readF32Elements(c.getValue());
      if (!lens || llvm::any_of(*lens, [&](float l) { return int64_t(l) != steps; }))
        return emitError(loc) << "Scan's sequence_lens must be constants equal to the sequence "
                                 "length "
                              << steps;
    }
  }
  SmallVector<SmallVector<Value>> batchStates(n), batchOutputs(k);
  for (int64_t b = 0; b < batch; ++b) {
    SmallVector<Value> st, sc;
    for (Value v : states)
      st.push_back(batched ? selectAlong(nc, v, 0, b) : v);
    for (Value v : scans)
      sc.push_back(batched ? selectAlong(nc, v, 0, b) : v);
    int64_t steps = -1;
    for (auto [j, scan] : llvm::enumerate(sc)) {
      auto type = cast<RankedTensorType>(scan.getType());
      if (inAxes[j] < 0)
        inAxes[j] += type.getRank();
      int64_t len = type.getDimSize(inAxes[j]);
      if (steps >= 0 && len != steps)
        return emitError(loc) << "Scan's inputs have different sequence lengths";
      steps = len;
    }
    SmallVector<SmallVector<Value>> pieces(k);
    for (int64_t s = 0; s < steps; ++s) {
      for (auto [j, scan] : llvm::enumerate(sc))
        values[body->input(n + j).name()] =
            selectAlong(nc, scan, inAxes[j], inDirs[j] ? steps - 1 - s : s);
      for (int64_t i = 0; i < n; ++i)
        values[body->input(i).name()] = st[i];
      FailureOr<SmallVector<Value>> outs = importSubgraph(*body, loc, "Scan's body");
      if (failed(outs))
        return failure();
      for (auto [i, v] : llvm::enumerate(*outs)) {
        if ((int64_t)i < n)
          st[i] = v;
        else
          pieces[i - n].push_back(v);
      }
    }
    for (int64_t i = 0; i < n; ++i)
      batchStates[i].push_back(st[i]);
    for (int64_t c = 0; c < k; ++c)
      batchOutputs[c].push_back(stackSteps(nc, pieces[c], outAxes[c], outDirs[c] != 0));
  }
  for (int64_t i = 0; i < n; ++i)
    values[node.output(i)] =
        batched ? stackSteps(nc, batchStates[i], 0, false) : batchStates[i].front();
  for (int64_t c = 0; c < k; ++c)
    values[node.output(n + c)] =
        batched ? stackSteps(nc, batchOutputs[c], 0, false) : batchOutputs[c].front();
  return success();
}

LogicalResult Importer::importLoop(const onnx::NodeProto &node, Location loc) {
  const onnx::GraphProto *body = subgraph(node, "body");
  int64_t n = node.input_size() - 2, k = body ? body->output_size() - 1 - n : -1;
  if (!body || n < 0 || k < 0 || body->input_size() != n + 2 || node.output_size() != n + k)
    return emitError(loc) << "Loop's inputs, outputs and body do not match";
  // Unrolled: the trip count and every condition must be known while importing.
  std::optional<double> trips = node.input(0).empty() ? std::optional<double>(1e18)
                                                       : scalarValue(values.lookup(node.input(0)));
  std::optional<double> cond = node.input(1).empty() ? std::optional<double>(1.0)
                                                     : scalarValue(values.lookup(node.input(1)));
  if (!trips || !cond || hostBodies > 0)
    return hostLoop(node, loc, *body, n, k);
  constexpr int64_t kMaxTrips = 1024;
  SmallVector<Value> carried;
  for (int64_t i = 0; i < n; ++i) {
    Value v = values.lookup(node.input(2 + i));
    if (!v)
      return emitError(loc) << "Loop reads '" << node.input(2 + i) << "', which nothing defines";
    carried.push_back(v);
  }
  SmallVector<SmallVector<Value>> pieces(k);
  for (int64_t step = 0; step < *trips && *cond != 0; ++step) {
    if (step == kMaxTrips)
      return emitError(loc) << "Loop runs more than " << kMaxTrips
                            << " iterations; it is unrolled at compile time";
    auto scalar = [&](Type elt, double v) {
      auto type = RankedTensorType::get({}, elt);
      Attribute a = isa<FloatType>(elt)
                        ? Attribute(builder.getFloatAttr(elt, v))
                        : Attribute(builder.getIntegerAttr(elt, saturatingInt64(v)));
      return builder.create<graph::ConstantOp>(loc, type, DenseElementsAttr::get(type, a))
          .getResult();
    };
    values[body->input(0).name()] = scalar(builder.getI64Type(), step);
    values[body->input(1).name()] = scalar(builder.getI1Type(), 1.0);
    for (int64_t i = 0; i < n; ++i)
      values[body->input(2 + i).name()] = carried[i];
    FailureOr<SmallVector<Value>> outs = importSubgraph(*body, loc, "Loop's body");
    if (failed(outs))
      return failure();
    cond = scalarValue((*outs)[0]);
    if (!cond)
      return emitError(loc) << "Loop whose condition is computed at run time is not supported "
                               "(it is unrolled at compile time)";
    for (int64_t i = 0; i < n; ++i)
      carried[i] = (*outs)[1 + i];
    for (int64_t c = 0; c < k; ++c)
      pieces[c].push_back((*outs)[1 + n + c]);
  }
  for (int64_t i = 0; i < n; ++i)
    values[node.output(i)] = carried[i];
  for (int64_t c = 0; c < k; ++c) {
    if (pieces[c].empty())
      return emitError(loc) << "Loop with no iteration cannot give its scan output '"
                            << node.output(n + c) << "' a shape";
    NodeContext nc{builder, node, loc, opset, {}, {}, {}};
    values[node.output(n + c)] = stackSteps(nc, pieces[c], 0, false);
  }
  return success();
}

LogicalResult Importer::hostLoop(const onnx::NodeProto &node, Location loc,
                                 const onnx::GraphProto &body, int64_t n, int64_t k) {
  if (graphNow != &model->graph() && hostBodies == 0)
    return emitError(loc) << "Loop whose trip count or condition is known only at run time runs "
                             "on the host, which only the main graph's nodes may do";
  // What the Loop reads, as the host names it, and the types the body's inputs get.
  SmallVector<Attribute> inputs;
  SmallVector<Type> bodyTypes{RankedTensorType::get({}, builder.getI64Type()),
                              RankedTensorType::get({}, builder.getI1Type())};
  for (auto [i, in] : llvm::enumerate(node.input())) {
    inputs.push_back(builder.getStringAttr(in));
    if (in.empty()) {
      if (i >= 2)
        return emitError(loc) << "Loop's loop-carried input " << i - 2 << " is omitted";
      continue;
    }
    FailureOr<std::pair<StringAttr, Type>> named = hostName(in, loc, "Loop");
    if (failed(named))
      return failure();
    inputs.back() = named->first;
    if (i >= 2)
      bodyTypes.push_back(named->second);
  }
  FailureOr<HostBody> imported = importHostBody(body, loc, bodyTypes, "Loop");
  if (failed(imported))
    return failure();
  ArrayRef<Type> outTypes = imported->outputTypes;
  // A loop-carried value keeps its type where every iteration gives the same; otherwise its
  // dims are known only at run time. Scan outputs stack the iterations on a new first axis.
  SmallVector<Type> resultTypes;
  for (int64_t i = 0; i < n; ++i) {
    Type before = bodyTypes[2 + i], after = outTypes[1 + i];
    // An optional the first iteration unwraps (ONNX lets a loop-carried value start as one).
    if (auto optional = dyn_cast<graph::OptionalType>(before);
        optional && optional.getElementType() == after)
      before = after;
    Type joined = joinedType(before, after);
    if (!joined) {
      if (isa<RankedTensorType>(before) && isa<RankedTensorType>(after))
        return emitError(loc) << "Loop's loop-carried value '" << node.output(i)
                              << "' changes element type or rank (" << before << " to " << after
                              << ")";
      return emitError(loc) << "Loop's loop-carried value '" << node.output(i)
                            << "' changes from " << before << " to " << after;
    }
    resultTypes.push_back(joined);
  }
  for (int64_t c = 0; c < k; ++c) {
    auto t = dyn_cast<RankedTensorType>(outTypes[1 + n + c]);
    if (!t)
      return emitError(loc) << "Loop's scan output '" << node.output(n + c)
                            << "' must be a tensor";
    SmallVector<int64_t> shape{ShapedType::kDynamic};
    shape.append(t.getShape().begin(), t.getShape().end());
    resultTypes.push_back(RankedTensorType::get(shape, t.getElementType()));
  }
  SmallVector<Attribute> outputs;
  for (auto [i, out] : llvm::enumerate(node.output())) {
    outputs.push_back(builder.getStringAttr(out));
    if (!out.empty())
      hostValues[out] = {resultTypes[i], "Loop"};
  }
  recordHostOp(loc, "Loop", inputs, outputs, builder.getDictionaryAttr({}), imported->attrs());
  return success();
}

FailureOr<Importer::HostBody> Importer::importHostBody(const onnx::GraphProto &body, Location loc,
                                                       ArrayRef<Type> inputTypes,
                                                       StringRef what) {
  if (body.input_size() != int(inputTypes.size()))
    return emitError(loc) << what << "'s body takes " << body.input_size() << " inputs, not "
                          << inputTypes.size();
  HostBody result(builder);
  for (auto [i, in] : llvm::enumerate(body.input())) {
    result.inputs.push_back(builder.getStringAttr(in.name()));
    hostValues[in.name()] = {inputTypes[i], what.str()};
  }
  // The body's records go to a list of their own.
  SmallVector<Attribute> outerOps;
  std::swap(outerOps, hostOps);
  ++hostBodies;
  auto restore = llvm::make_scope_exit([&] {
    std::swap(outerOps, hostOps);
    --hostBodies;
  });
  if (failed(importSubgraph(body, loc, (what + "'s body").str(), /*hostOutputs=*/true)))
    return failure();
  for (const auto &o : body.output()) {
    FailureOr<std::pair<StringAttr, Type>> named = hostName(o.name(), loc, what);
    if (failed(named))
      return failure();
    result.outputs.push_back(named->first);
    result.outputTypes.push_back(named->second);
  }
  result.ops = builder.getArrayAttr(hostOps);
  return result;
}

FailureOr<std::pair<StringAttr, Type>> Importer::hostName(StringRef name, Location loc,
                                                          StringRef reader) {
  if (auto host = hostValues.find(name); host != hostValues.end())
    return std::make_pair(builder.getStringAttr(name), host->second.first);
  if (sequences.count(name)) {
    FailureOr<Type> type = hostSequence(name, loc, reader);
    if (failed(type))
      return failure();
    return std::make_pair(builder.getStringAttr(name), *type);
  }
  Value v = values.lookup(name);
  if (!v)
    return emitError(loc) << reader << " reads '" << name << "', which nothing defines";
  FailureOr<StringAttr> read = hostRead(name, v, loc, reader);
  if (failed(read))
    return failure();
  return std::make_pair(*read, v.getType());
}

FailureOr<Type> Importer::hostSequence(StringRef name, Location loc, StringRef reader) {
  const SmallVector<Value> &elements = sequences.find(name)->second;
  SmallVector<Attribute> inputs;
  Type elt;
  for (auto [i, v] : llvm::enumerate(elements)) {
    FailureOr<StringAttr> read =
        hostRead((name + "[" + Twine(i) + "]").str(), v, loc, reader);
    if (failed(read))
      return failure();
    inputs.push_back(*read);
    auto t = cast<RankedTensorType>(v.getType());
    Type joined = elt ? joinedType(elt, t) : t;
    elt = joined ? joined : UnrankedTensorType::get(t.getElementType());
  }
  if (!elt)
    elt = UnrankedTensorType::get(emptySequenceElements.lookup(name)
                                      ? emptySequenceElements.lookup(name)
                                      : builder.getF32Type());
  Type type = graph::SequenceType::get(ctx, elt);
  StringRef op = elements.empty() ? "SequenceEmpty" : "SequenceConstruct";
  hostValues[name] = {type, op.str()};
  recordHostOp(loc, op, inputs, {builder.getStringAttr(name)}, builder.getDictionaryAttr({}));
  return type;
}

LogicalResult Importer::hostBranches(const onnx::NodeProto &node, Location loc,
                                     const onnx::GraphProto &then,
                                     const onnx::GraphProto &otherwise) {
  if (graphNow != &model->graph() && hostBodies == 0)
    return emitError(loc) << "If whose branches run on the host, which only the main graph's "
                             "nodes may do";
  FailureOr<std::pair<StringAttr, Type>> cond = hostName(node.input(0), loc, "If");
  if (failed(cond))
    return failure();
  FailureOr<HostBody> branches[2] = {importHostBody(then, loc, {}, "If"),
                                     importHostBody(otherwise, loc, {}, "If")};
  if (failed(branches[0]) || failed(branches[1]))
    return failure();
  SmallVector<Attribute> outputs;
  for (auto [i, out] : llvm::enumerate(node.output())) {
    outputs.push_back(builder.getStringAttr(out));
    Type t = branches[0]->outputTypes[i], e = branches[1]->outputTypes[i];
    Type type = joinedType(t, e);
    if (!type)
      return emitError(loc) << "If whose branches give '" << out << "' different types (" << t
                            << ", " << e << ") is not supported";
    if (!out.empty())
      hostValues[out] = {type, "If"};
  }
  SmallVector<NamedAttribute> attrs = branches[0]->attrs();
  attrs.push_back(builder.getNamedAttr("else_body", branches[1]->ops));
  attrs.push_back(
      builder.getNamedAttr("else_outputs", builder.getArrayAttr(branches[1]->outputs)));
  recordHostOp(loc, "If", {cond->first}, outputs, builder.getDictionaryAttr({}), attrs);
  return success();
}

LogicalResult Importer::hostSequenceMap(const onnx::NodeProto &node, Location loc) {
  const onnx::GraphProto *body = subgraph(node, "body");
  if (!body || node.input_size() < 1 || body->output_size() != node.output_size())
    return emitError(loc) << "SequenceMap's inputs, outputs and body do not match";
  if (graphNow != &model->graph() && hostBodies == 0)
    return emitError(loc) << "SequenceMap runs on the host, which only the main graph's nodes "
                             "may do";
  SmallVector<Attribute> inputs;
  SmallVector<Type> bodyTypes;
  for (auto [i, in] : llvm::enumerate(node.input())) {
    if (in.empty())
      return emitError(loc) << "SequenceMap's input " << i << " is omitted";
    FailureOr<std::pair<StringAttr, Type>> named = hostName(in, loc, "SequenceMap");
    if (failed(named))
      return failure();
    inputs.push_back(named->first);
    Type type = named->second;
    auto seq = dyn_cast<graph::SequenceType>(type);
    if (i == 0 && !seq)
      return emitError(loc) << "SequenceMap's first input must be a sequence";
    bodyTypes.push_back(seq ? seq.getElementType() : type);
  }
  FailureOr<HostBody> imported = importHostBody(*body, loc, bodyTypes, "SequenceMap");
  if (failed(imported))
    return failure();
  SmallVector<Attribute> outputs;
  for (auto [i, out] : llvm::enumerate(node.output())) {
    outputs.push_back(builder.getStringAttr(out));
    if (!out.empty())
      hostValues[out] = {graph::SequenceType::get(ctx, imported->outputTypes[i]), "SequenceMap"};
  }
  recordHostOp(loc, "SequenceMap", inputs, outputs, builder.getDictionaryAttr({}),
               imported->attrs());
  return success();
}

LogicalResult Importer::importSequenceOp(const onnx::NodeProto &node, Location loc) {
  StringRef op = node.op_type();
  NodeContext nc{builder, node, loc, opset, {}, {}, {}};
  auto input = [&](int i) -> Value {
    return i < node.input_size() && !node.input(i).empty() ? values.lookup(node.input(i)) : Value();
  };
  auto list = [&](int i) -> FailureOr<SmallVector<Value>> {
    auto it = i < node.input_size() ? sequences.find(node.input(i)) : sequences.end();
    if (it == sequences.end())
      return emitError(loc) << op << " reads a sequence this compiler cannot see through "
                                     "(a graph input, or built at run time)";
    return it->second;
  };
  // A position in [-n, n) (or [-n, n] when inserting), made non-negative.
  auto position = [&](Value v, int64_t n, bool inserting) -> FailureOr<int64_t> {
    std::optional<double> value = scalarValue(v);
    if (!value)
      return emitError(loc) << op << " at a position known only at run time is not supported";
    int64_t p = saturatingInt64(*value), at = p < 0 ? p + n : p;
    if (at < 0 || at > n || (!inserting && at == n))
      return emitError(loc) << op << " position " << p << " is outside a sequence of " << n;
    return at;
  };
  auto tensorOut = [&]() -> FailureOr<RankedTensorType> {
    auto it = inferredTypes.find(node.output(0));
    if (it == inferredTypes.end())
      return emitError(loc) << "shape inference could not give a static shape to '"
                            << node.output(0) << "' (" << op << ")";
    return it->second;
  };

  if (op == "SequenceConstruct" || op == "SequenceEmpty") {
    if (op == "SequenceEmpty") {
      FailureOr<Type> elt = elementType(nc.intAttr("dtype", onnx::TensorProto::FLOAT), loc,
                                        "SequenceEmpty's dtype");
      if (failed(elt))
        return failure();
      emptySequenceElements[node.output(0)] = *elt;
    }
    SmallVector<Value> elements;
    for (int i = 0; i < node.input_size(); ++i)
      elements.push_back(input(i));
    sequences[node.output(0)] = elements;
    return success();
  }
  if (op == "SplitToSequence") {
    Value x = input(0);
    auto type = cast<RankedTensorType>(x.getType());
    int64_t rank = type.getRank(), axis = nc.intAttr("axis", 0);
    if (axis < 0)
      axis += rank;
    if (axis < 0 || axis >= rank)
      return emitError(loc) << "SplitToSequence axis " << nc.intAttr("axis", 0)
                            << " is out of range for rank " << rank;
    int64_t dim = type.getDimSize(axis);
    SmallVector<int64_t> sizes;
    bool keep = true;
    if (Value split = input(1)) {
      auto c = split.getDefiningOp<graph::ConstantOp>();
      auto data = c ? graph::readF32Elements(c.getValue()) : std::nullopt;
      if (!data)
        return emitError(loc) << "SplitToSequence's split must be a constant";
      if (cast<RankedTensorType>(split.getType()).getRank() == 0) {
        int64_t piece = saturatingInt64(data->front());
        if (piece <= 0)
          return emitError(loc) << "SplitToSequence's split " << piece << " is not positive";
        for (int64_t at = 0; at < dim; at += piece)
          sizes.push_back(std::min(piece, dim - at));
      } else
        for (float v : *data)
          sizes.push_back(saturatingInt64(v));
      int64_t total = 0;
      for (int64_t size : sizes) {
        if (size < 0 || size > dim - total)
          return emitError(loc) << "SplitToSequence's split does not divide the axis of size "
                                << dim << " into pieces";
        total += size;
      }
      if (total != dim)
        return emitError(loc) << "SplitToSequence's split sums to " << total
                              << ", not the axis size " << dim;
    } else {
      sizes.assign(dim, 1);
      keep = nc.intAttr("keepdims", 1) != 0;
    }
    SmallVector<Value> elements;
    int64_t offset = 0;
    for (int64_t size : sizes) {
      SmallVector<int64_t> shape(type.getShape());
      shape[axis] = size;
      SmallVector<AffineExpr> index;
      for (int64_t d = 0; d < rank; ++d)
        index.push_back(getAffineDimExpr(d, ctx) + (d == axis ? offset : 0));
      Value piece = remap(nc, x, RankedTensorType::get(shape, type.getElementType()), index);
      if (!keep) {
        shape.erase(shape.begin() + axis);
        piece = reshapeTo(nc, piece, shape);
      }
      elements.push_back(piece);
      offset += size;
    }
    sequences[node.output(0)] = elements;
    return success();
  }
  auto seq = list(0);
  if (failed(seq))
    return failure();
  int64_t n = seq->size();
  if (op == "SequenceLength") {
    auto type = RankedTensorType::get({}, builder.getI64Type());
    values[node.output(0)] = builder.create<graph::ConstantOp>(
        loc, type, DenseElementsAttr::get(type, builder.getI64IntegerAttr(n)));
    return success();
  }
  if (op == "SequenceInsert" || op == "SequenceErase") {
    bool insert = op == "SequenceInsert";
    Value pos = input(insert ? 2 : 1);
    FailureOr<int64_t> at = pos ? position(pos, n, insert) : FailureOr<int64_t>(insert ? n : n - 1);
    if (failed(at) || (!insert && n == 0))
      return failed(at) ? failure() : emitError(loc) << "SequenceErase of an empty sequence";
    SmallVector<Value> elements(*seq);
    if (insert)
      elements.insert(elements.begin() + *at, input(1));
    else
      elements.erase(elements.begin() + *at);
    sequences[node.output(0)] = elements;
    return success();
  }
  if (op == "SequenceAt") {
    Value pos = input(1);
    if (scalarValue(pos)) {
      FailureOr<int64_t> at = position(pos, n, false);
      if (failed(at))
        return failure();
      values[node.output(0)] = (*seq)[*at];
      return success();
    }
    // Chosen on the chip: every element must have the output's type.
    FailureOr<RankedTensorType> type = tensorOut();
    if (failed(type))
      return failure();
    if (n == 0 || llvm::any_of(*seq, [&](Value v) { return v.getType() != *type; }))
      return emitError(loc) << "SequenceAt at a run-time position needs elements of one type";
    Type f32 = builder.getF32Type();
    Value p = asF32(nc, pos);
    auto cond = RankedTensorType::get(cast<RankedTensorType>(p.getType()).getShape(),
                                      builder.getI1Type());
    Value chosen = (*seq)[n - 1];
    for (int64_t i = n - 2; i >= 0; --i) {
      // Position i or i - n (counted from the end).
      Value hit = binary(nc, graph::BinaryKind::equal, p, scalarConstant(nc, f32, double(i)), cond);
      Value back = binary(nc, graph::BinaryKind::equal, p, scalarConstant(nc, f32, double(i - n)),
                          cond);
      Value either = binary(nc, graph::BinaryKind::or_, hit, back, cond);
      chosen = builder.create<graph::WhereOp>(loc, *type, either, (*seq)[i], chosen);
    }
    values[node.output(0)] = chosen;
    return success();
  }
  // ConcatFromSequence: Concat of the elements, each given the new axis first if asked. Shape
  // inference cannot see into the sequence, so the result's type comes from the elements.
  if (n == 0)
    return emitError(loc) << "ConcatFromSequence of an empty sequence";
  int64_t axis = nc.intAttr("axis", 0);
  bool newAxis = nc.intAttr("new_axis", 0) != 0;
  auto first = cast<RankedTensorType>(seq->front().getType());
  int64_t rank = first.getRank() + (newAxis ? 1 : 0);
  if (axis < 0)
    axis += rank;
  if (axis < 0 || axis >= rank)
    return emitError(loc) << "ConcatFromSequence axis is out of range for rank " << rank;
  SmallVector<int64_t> outShape(first.getShape());
  if (newAxis)
    outShape.insert(outShape.begin() + axis, 0);
  else
    outShape[axis] = 0;
  for (Value v : *seq)
    outShape[axis] += newAxis ? 1 : cast<RankedTensorType>(v.getType()).getDimSize(axis);
  FailureOr<RankedTensorType> type = RankedTensorType::get(outShape, first.getElementType());
  onnx::NodeProto concat;
  concat.set_op_type("Concat");
  auto *a = concat.add_attribute();
  a->set_name("axis");
  a->set_type(onnx::AttributeProto::INT);
  a->set_i(axis);
  NodeContext cc{builder, concat, loc, opset, {}, {*type}, {}};
  for (Value v : *seq) {
    if (newAxis) {
      SmallVector<int64_t> shape(cast<RankedTensorType>(v.getType()).getShape());
      shape.insert(shape.begin() + axis, 1);
      v = reshapeTo(cc, v, shape);
    }
    cc.operands.push_back(v);
  }
  FailureOr<SmallVector<Value>> result = (*lookupConverter("Concat"))(cc);
  if (failed(result))
    return failure();
  values[node.output(0)] = result->front();
  return success();
}

LogicalResult Importer::importNode(const onnx::NodeProto &node, size_t index) {
  Location loc = nodeLoc(node, index);
  if (node.op_type() == "Constant") {
    if (node.attribute_size() != 1)
      return emitError(loc) << "Constant needs exactly one value attribute";
    const onnx::AttributeProto &value = node.attribute(0);
    onnx::TensorProto t;
    StringRef kind = value.name();
    if (kind == "value") {
      t = value.t();
    } else if (kind == "value_float" || kind == "value_floats") {
      t.set_data_type(onnx::TensorProto::FLOAT);
      if (kind == "value_float")
        t.add_float_data(value.f());
      else
        *t.mutable_float_data() = value.floats(), t.add_dims(value.floats_size());
    } else if (kind == "value_int" || kind == "value_ints") {
      t.set_data_type(onnx::TensorProto::INT64);
      if (kind == "value_int")
        t.add_int64_data(value.i());
      else
        *t.mutable_int64_data() = value.ints(), t.add_dims(value.ints_size());
    } else {
      return emitError(loc) << "Constant with '" << kind << "' is not supported yet";
    }
    t.set_name(node.output(0));
    FailureOr<Value> v = importInitializer(t);
    if (failed(v))
      return failure();
    values[node.output(0)] = *v;
    return success();
  }
  if (node.op_type() == "If")
    return importIf(node, loc);
  if (node.op_type() == "Scan")
    return importScan(node, loc);
  if (node.op_type() == "Loop")
    return importLoop(node, loc);
  if (node.op_type() == "SequenceMap")
    return hostSequenceMap(node, loc);
  // Sequence ops on a sequence the model takes run on the host; on lists the model builds, while
  // importing.
  if (runsOnHost(node, index))
    return importHostOp(node, loc);
  if (isSequenceOp(node.op_type()))
    return importSequenceOp(node, loc);
  NodeContext nc{builder, node, loc, opset, {}, {}, {}};
  if (mainFunc && graphNow == &model->graph() && hostBodies == 0)
    nc.drawTensor = [&](RankedTensorType type, DictionaryAttr draw) -> Value {
      unsigned n = mainFunc.getNumArguments();
      std::string name = node.output(0) + (node.op_type() == "Bernoulli" ? ":uniform" : "");
      NamedAttribute attrs[] = {builder.getNamedAttr("graph.name", builder.getStringAttr(name)),
                                builder.getNamedAttr(graph::kDrawAttrName, draw)};
      mainFunc.insertArgument(n, type, builder.getDictionaryAttr(attrs), loc);
      return mainFunc.getArgument(n);
    };
  for (const std::string &in : node.input()) {
    if (in.empty()) {
      nc.operands.push_back(Value());
      continue;
    }
    if (auto open = unknownShapeInputs.find(in); open != unknownShapeInputs.end())
      return emitError(loc) << open->second;
    if (auto host = hostValues.find(in); host != hostValues.end()) {
      auto tensor = dyn_cast<RankedTensorType>(host->second.first);
      if (tensor && isa<graph::StringType>(tensor.getElementType()))
        return emitError(loc) << node.op_type() << " reads the string tensor '" << in
                              << "'; only host ops (" << hostOpTypesText() << ") take strings";
      if (isa<graph::SequenceType, graph::OptionalType>(host->second.first))
        return emitError(loc) << node.op_type() << " reads the sequence or optional '" << in
                              << "'; only host ops (" << hostOpTypesText() << ") take them";
      return emitError(loc) << node.op_type() << " reads '" << in << "', which "
                            << host->second.second
                            << " computes on the host after the chip has run; only host ops ("
                            << hostOpTypesText() << ") may follow it";
    }
    auto it = values.find(in);
    if (it == values.end())
      return emitError(loc) << node.op_type() << " reads '" << in
                            << "', which no input, initializer or earlier node defines";
    nc.operands.push_back(it->second);
  }
  while (!nc.operands.empty() && !nc.operands.back())
    nc.operands.pop_back();
  // Omitted outputs: trailing ones are dropped, others get a null type (the recurrent layers
  // skip building what nobody reads).
  int outputs = node.output_size();
  while (outputs > 0 && node.output(outputs - 1).empty())
    --outputs;
  for (const std::string &out : llvm::make_range(node.output().begin(), node.output().begin() + outputs)) {
    if (out.empty()) {
      nc.resultTypes.push_back(RankedTensorType());
      continue;
    }
    std::optional<RankedTensorType> type = outputType(out, index);
    if (!type)
      return emitError(loc) << "shape inference could not give a static shape to '" << out
                            << "' (" << node.op_type() << ")";
    nc.resultTypes.push_back(*type);
  }
  FailureOr<SmallVector<Value>> results = failure();
  if (auto folded = foldConstantNode(nc))
    results = *folded;
  else if (llvm::any_of(nc.resultTypes, [](RankedTensorType t) { return bool(t); }) &&
           llvm::all_of(nc.resultTypes,
                        [](RankedTensorType t) { return !t || t.getNumElements() == 0; })) {
    // Nothing to compute: every result is empty.
    results = SmallVector<Value>();
    for (RankedTensorType t : nc.resultTypes)
      results->push_back(t ? emptyConstant(t, loc) : Value());
  } else if (llvm::any_of(nc.resultTypes,
                          [](RankedTensorType t) { return t && t.getNumElements() == 0; }))
    return emitError(loc) << node.op_type()
                          << " computes an empty tensor beside others, which only shape "
                             "arithmetic may do";
  else if (const NodeConverter *convert = lookupConverter(
               node.domain().empty() || node.domain() == "ai.onnx"
                   ? node.op_type()
                   : node.domain() + ":" + node.op_type()))
    results = (*convert)(nc);
  else
    return emitError(loc) << node.op_type()
                          << " is only supported on constant inputs (shape arithmetic)";
  if (failed(results))
    return failure();
  for (int i = 0, e = std::min<int>(node.output_size(), results->size()); i < e; ++i) {
    if (node.output(i).empty())
      continue;
    Value v = (*results)[i];
    if (v.getType() != nc.resultTypes[i])
      return emitError(loc) << "internal: '" << node.output(i) << "' was built with type "
                            << v.getType() << " instead of " << nc.resultTypes[i];
    values[node.output(i)] = v;
  }
  return success();
}

LogicalResult Importer::hostIf(const onnx::NodeProto &node, Location loc, StringRef out,
                               Value cond, Value then, Value otherwise) {
  Type t = then.getType(), e = otherwise.getType();
  Type joined = joinedType(t, e);
  if (!joined)
    return emitError(loc) << "If whose branches give '" << out << "' different element types "
                          << "or ranks (" << t << ", " << e << ") is not supported";
  if (graphNow != &model->graph())
    return emitError(loc) << "If whose branches give '" << out << "' different shapes runs on "
                             "the host, which only the main graph's nodes may do";
  SmallVector<Attribute> inputs;
  for (auto [name, v] : {std::pair{node.input(0), cond},
                         {out.str() + ":then", then},
                         {out.str() + ":else", otherwise}}) {
    FailureOr<StringAttr> read = hostRead(name, v, loc, "If");
    if (failed(read))
      return failure();
    inputs.push_back(*read);
  }
  hostValues[out] = {joined, "If"};
  recordHostOp(loc, "If", inputs, {builder.getStringAttr(out)}, builder.getDictionaryAttr({}));
  return success();
}

bool Importer::runsOnHost(const onnx::NodeProto &node, size_t index) {
  if ((!node.domain().empty() && node.domain() != "ai.onnx") || !canRunOnHost(node.op_type()))
    return false;
  // An input of unknown shape makes no op of the main graph run on the host that could run on
  // the chip: the user is asked to pin its shape instead. Within a host body, it stays there.
  if (isHostOpType(node.op_type()) ||
      llvm::any_of(node.input(), [&](const std::string &in) {
        return hostValues.contains(in) && (hostBodies > 0 || !unknownShapeInputs.contains(in));
      }))
    return true;
  if (node.op_type() == "Cast")
    return llvm::any_of(node.attribute(), [](const onnx::AttributeProto &a) {
      return a.name() == "to" && a.i() == onnx::TensorProto::STRING;
    });
  // A sequence split at lengths known only at run time is the host's to build.
  if (node.op_type() == "SplitToSequence" && node.input_size() > 1 && !node.input(1).empty()) {
    Value split = values.lookup(node.input(1));
    return !split || !split.getDefiningOp<graph::ConstantOp>();
  }
  // Dropout that may train draws random numbers, which the host does (the chip has no
  // generator); in inference it is the identity on the chip.
  if (node.op_type() == "Dropout") {
    if (node.input_size() < 3 || node.input(2).empty())
      return false;
    Value training = values.lookup(node.input(2));
    auto c = training ? training.getDefiningOp<graph::ConstantOp>() : graph::ConstantOp();
    std::optional<std::vector<float>> flag =
        c ? graph::readF32Elements(c.getValue()) : std::nullopt;
    return !flag || flag->empty() || flag->front() != 0;
  }
  if (node.op_type() != "Range" && node.op_type() != "ReduceSum")
    return false;
  // With keepdims the chip reads run-time axes off the result's shape; without, nothing tells
  // which dims go.
  if (node.op_type() == "ReduceSum" && node.input_size() > 1 && !node.input(1).empty()) {
    Value axes = values.lookup(node.input(1));
    bool keepdims = llvm::none_of(node.attribute(), [](const onnx::AttributeProto &a) {
      return a.name() == "keepdims" && a.i() == 0;
    });
    if (axes && !axes.getDefiningOp<graph::ConstantOp>() && !keepdims)
      return true;
  }
  return node.output_size() == 1 && !outputType(node.output(0), index);
}

LogicalResult Importer::importHostOp(const onnx::NodeProto &node, Location loc) {
  if (graphNow != &model->graph() && hostBodies == 0)
    return emitError(loc) << node.op_type()
                          << " inside a branch or loop body would run on the host, which only "
                             "the main graph's nodes may do";
  SmallVector<Type> inputTypes;
  SmallVector<Attribute> inputNames;
  for (const std::string &in : node.input()) {
    inputNames.push_back(builder.getStringAttr(in));
    if (in.empty()) {
      inputTypes.push_back(Type());
      continue;
    }
    if (auto host = hostValues.find(in); host != hostValues.end()) {
      inputTypes.push_back(host->second.first);
      continue;
    }
    if (sequences.count(in)) {
      FailureOr<Type> type = hostSequence(in, loc, node.op_type());
      if (failed(type))
        return failure();
      inputTypes.push_back(*type);
      continue;
    }
    Value v = values.lookup(in);
    if (!v)
      return emitError(loc) << node.op_type() << " reads '" << in
                            << "', which no input, initializer or earlier node defines";
    inputTypes.push_back(v.getType());
    FailureOr<StringAttr> name = hostRead(in, v, loc, node.op_type());
    if (failed(name))
      return failure();
    inputNames.back() = *name;
  }
  FailureOr<SmallVector<Type>> types = hostTypes(node, loc, inputTypes);
  FailureOr<DictionaryAttr> attributes = hostAttributes(node, loc);
  if (failed(types) || failed(attributes))
    return failure();
  std::string opType = node.op_type();
  // CastLike is a Cast to the type of its second input, which the host need not be given.
  if (opType == "CastLike") {
    opType = "Cast";
    inputNames.resize(1);
    attributes = builder.getDictionaryAttr(builder.getNamedAttr(
        "to", builder.getI64IntegerAttr(
                  onnxElementType(cast<ShapedType>(inputTypes[1]).getElementType()))));
  }
  // Integer division and remainder differ from the float ones the host computes otherwise.
  if ((opType == "Div" || opType == "Mod") && !types->empty())
    if (auto t = dyn_cast<ShapedType>((*types)[0]); t && isa<IntegerType>(t.getElementType())) {
      NamedAttrList list(*attributes);
      list.set("integer", builder.getI64IntegerAttr(1));
      attributes = list.getDictionary(ctx);
    }
  SmallVector<Attribute> outputNames;
  for (auto [i, out] : llvm::enumerate(node.output())) {
    outputNames.push_back(builder.getStringAttr(out));
    if (!out.empty() && i < types->size())
      hostValues[out] = {(*types)[i], node.op_type()};
  }
  recordHostOp(loc, opType, inputNames, outputNames, *attributes);
  return success();
}

FailureOr<SmallVector<Type>> Importer::hostTypes(const onnx::NodeProto &node, Location loc,
                                                 ArrayRef<Type> inputTypes) {
  // Optional: of its input's type, or (empty) of the type its attribute names.
  if (node.op_type() == "Optional") {
    if (!inputTypes.empty() && inputTypes[0])
      return SmallVector<Type>{graph::OptionalType::get(ctx, inputTypes[0])};
    for (const auto &a : node.attribute())
      if (a.name() == "type" && a.has_tp()) {
        FailureOr<Type> element = hostType(a.tp(), "Optional's type");
        if (failed(element))
          return failure();
        return SmallVector<Type>{graph::OptionalType::get(ctx, *element)};
      }
    return emitError(loc) << "Optional with no input needs its 'type' attribute";
  }
  bool sequences = isHostSequenceOp(node.op_type()) ||
                   llvm::any_of(inputTypes, [](Type t) {
                     return isa_and_nonnull<graph::SequenceType, graph::OptionalType>(t);
                   });
  if (sequences)
    return hostSequenceTypes(node, loc, inputTypes);
  SmallVector<RankedTensorType> tensors;
  for (auto [i, t] : llvm::enumerate(inputTypes)) {
    if (t && !isa<RankedTensorType>(t))
      return emitError(loc) << node.op_type() << " on the host takes ranked tensors; input "
                            << i << " is " << t;
    tensors.push_back(t ? cast<RankedTensorType>(t) : RankedTensorType());
  }
  FailureOr<SmallVector<RankedTensorType>> types =
      hostOutputTypes(
          node, loc, tensors,
          [&](int32_t onnxType) -> Type {
            std::optional<Type> t = quietElementType(onnxType);
            return t ? *t : Type();
          },
          [&](unsigned i) -> std::optional<SmallVector<int64_t>> {
            Value v = i < unsigned(node.input_size()) ? values.lookup(node.input(i)) : Value();
            auto c = v ? v.getDefiningOp<graph::ConstantOp>() : graph::ConstantOp();
            std::optional<std::vector<float>> data =
                c ? graph::readF32Elements(c.getValue()) : std::nullopt;
            if (!data)
              return std::nullopt;
            return SmallVector<int64_t>(data->begin(), data->end());
          });
  if (failed(types))
    return failure();
  return SmallVector<Type>(types->begin(), types->end());
}

/// The ONNX element type of an MLIR one, or UNDEFINED.
static int32_t onnxElementType(Type t) {
  if (t.isF32()) return onnx::TensorProto::FLOAT;
  if (t.isF64()) return onnx::TensorProto::DOUBLE;
  if (t.isF16()) return onnx::TensorProto::FLOAT16;
  if (t.isBF16()) return onnx::TensorProto::BFLOAT16;
  if (t.isInteger(1)) return onnx::TensorProto::BOOL;
  if (isa<graph::StringType>(t)) return onnx::TensorProto::STRING;
  if (auto i = dyn_cast<IntegerType>(t)) {
    bool u = i.isUnsigned();
    switch (i.getWidth()) {
    case 8: return u ? onnx::TensorProto::UINT8 : onnx::TensorProto::INT8;
    case 16: return u ? onnx::TensorProto::UINT16 : onnx::TensorProto::INT16;
    case 32: return u ? onnx::TensorProto::UINT32 : onnx::TensorProto::INT32;
    case 64: return u ? onnx::TensorProto::UINT64 : onnx::TensorProto::INT64;
    }
  }
  return onnx::TensorProto::UNDEFINED;
}

/// Stores `values` in `t` (of an element type onnxElementType gives). Integers are copied as
/// integers: through f32 a large int64 would lose digits or fall outside the int64 range.
static void addInitializerData(onnx::TensorProto &t, Attribute values) {
  if (auto ints = dyn_cast<DenseIntElementsAttr>(values)) {
    for (const APInt &v : ints.getValues<APInt>()) {
      int64_t i = v.getBitWidth() == 1 ? v.getZExtValue() : v.getSExtValue();
      if (t.data_type() == onnx::TensorProto::INT64)
        t.add_int64_data(i);
      else
        t.add_int32_data(static_cast<int32_t>(i));
    }
    return;
  }
  for (float v : graph::readF32Elements(values).value_or(std::vector<float>())) {
    if (t.data_type() == onnx::TensorProto::DOUBLE)
      t.add_double_data(v);
    else if (t.data_type() == onnx::TensorProto::FLOAT)
      t.add_float_data(v);
    else if (t.data_type() == onnx::TensorProto::INT64)
      t.add_int64_data(saturatingInt64(v));
    else
      t.add_int32_data(
          static_cast<int32_t>(std::clamp<int64_t>(saturatingInt64(v), INT32_MIN, INT32_MAX)));
  }
}

void Importer::refineInference(size_t first) {
  refinedFrom = {graphNow, first};
  const onnx::GraphProto &graph = *graphNow;
  onnx::ModelProto rest;
  rest.set_ir_version(model->ir_version());
  *rest.mutable_opset_import() = model->opset_import();
  onnx::GraphProto &g = *rest.mutable_graph();
  g.set_name(graph.name());
  llvm::StringSet<> declared;
  for (int i = first; i < graph.node_size(); ++i) {
    const onnx::NodeProto &node = graph.node(i);
    *g.add_node() = node;
    for (const std::string &in : node.input()) {
      auto it = values.find(in);
      if (in.empty() || it == values.end() || !declared.insert(in).second)
        continue;
      auto type = cast<RankedTensorType>(it->second.getType());
      int32_t elt = onnxElementType(type.getElementType());
      if (elt == onnx::TensorProto::UNDEFINED)
        continue;
      auto constant = it->second.getDefiningOp<graph::ConstantOp>();
      if (constant && type.getNumElements() <= 4096) {
        onnx::TensorProto &t = *g.add_initializer();
        t.set_name(in);
        t.set_data_type(elt);
        for (int64_t d : type.getShape())
          t.add_dims(d);
        addInitializerData(t, constant.getValue());
        // Declared as an input too: inference then reads its type even for an empty tensor.
      }
      onnx::ValueInfoProto &vi = *g.add_input();
      vi.set_name(in);
      auto *tt = vi.mutable_type()->mutable_tensor_type();
      tt->set_elem_type(elt);
      // A scalar has a shape with no dims; without one its rank would be unknown.
      onnx::TensorShapeProto *shape = tt->mutable_shape();
      for (int64_t d : type.getShape())
        shape->add_dim()->set_dim_value(d);
    }
  }
  for (const auto &output : graph.output()) {
    onnx::ValueInfoProto &vi = *g.add_output();
    vi.set_name(output.name());
  }
  // Data propagation rejects some empty shape tensors that plain inference takes; the folded
  // constants make it unnecessary for most models, so it is the first attempt, not the only one.
  bool inferred = false;
  for (bool dataProp : {true, false}) {
    onnx::ModelProto attempt = rest;
    try {
      onnx::ShapeInferenceOptions inference(/*check_type_val=*/false, /*strict_mode_val=*/0,
                                            dataProp);
      onnx::shape_inference::InferShapes(attempt, onnx::OpSchemaRegistry::Instance(), inference);
    } catch (const std::exception &) {
      continue;
    }
    rest = std::move(attempt);
    inferred = true;
    break;
  }
  // Otherwise the node that still lacks a type reports it.
  if (!inferred)
    return;
  for (const auto *list : {&rest.graph().value_info(), &rest.graph().output()})
    for (const auto &vi : *list)
      if (auto type = staticTensorType(vi.type()))
        inferredTypes.try_emplace(vi.name(), *type);
}

OwningOpRef<ModuleOp> Importer::run(StringRef bytes) {
  onnx::ModelProto model;
  if (bytes.empty() || !model.ParseFromArray(bytes.data(), (int)bytes.size())) {
    emitError(fileLoc) << "not a valid ONNX model (the protobuf does not parse; is the file "
                          "truncated?)";
    return nullptr;
  }
  bool trainingOps = false;
  for (const auto &o : model.opset_import()) {
    if (o.domain().empty() || o.domain() == "ai.onnx")
      opset = o.version();
    trainingOps |= o.domain() == "ai.onnx.preview.training";
  }
  // A model of optimizer steps alone (ai.onnx.preview.training) uses no default-domain op.
  if (opset == 0 && !trainingOps) {
    emitError(fileLoc) << "the model imports no default-domain opset";
    return nullptr;
  }
  if (failed(checkDataflow(*model.mutable_graph())))
    return nullptr;
  // External data is read in first: the checker would look for the files in the working
  // directory rather than the model's folder.
  for (auto &init : *model.mutable_graph()->mutable_initializer())
    if (init.data_location() == onnx::TensorProto::EXTERNAL &&
        failed(loadExternalData(init, fileLoc)))
      return nullptr;
  if (failed(checkModelData(model.graph(), fileLoc)))
    return nullptr;
  try {
    adoptNewerOps(model, opset);
    onnx::checker::check_model(model);
  } catch (const std::exception &e) {
    emitError(fileLoc) << "the ONNX checker rejects the model: "
                       << StringRef(e.what()).split('\n').first;
    return nullptr;
  }
  if (failed(checkSupported(model.graph())))
    return nullptr;
  // Unnamed nodes get the names diagnostics use (<OpType>_<index>) before the version converter
  // inserts nodes that would shift the indices.
  for (auto [i, node] : llvm::enumerate(*model.mutable_graph()->mutable_node()))
    if (node.name().empty())
      node.set_name(node.op_type() + "_" + std::to_string(i));
  normalizeOpset(model);
  this->model = &model;
  onnx::GraphProto &graph = *model.mutable_graph();
  if (failed(pinInputShapes(graph)))
    return nullptr;
  // Declared outputs with symbolic dims would keep them through inference; let it fill them in.
  for (auto &output : *graph.mutable_output()) {
    auto *type = output.mutable_type();
    if (!type->has_tensor_type() || !type->tensor_type().has_shape())
      continue;
    for (const auto &dim : type->tensor_type().shape().dim())
      if (!dim.has_dim_value()) {
        type->mutable_tensor_type()->clear_shape();
        break;
      }
  }
  try {
    // Data propagation carries values through Shape -> Gather -> Concat -> Reshape, so that
    // pinned input shapes give every such Reshape a static result.
    onnx::ShapeInferenceOptions inference(/*check_type_val=*/false, /*strict_mode_val=*/0,
                                          /*data_prop_val=*/true);
    onnx::shape_inference::InferShapes(model, onnx::OpSchemaRegistry::Instance(), inference);
  } catch (const std::exception &e) {
    emitError(fileLoc) << "ONNX shape inference fails: " << StringRef(e.what()).split('\n').first;
    return nullptr;
  }

  // Only static shapes are recorded; a value left dynamic is reported where a node needs it.
  recordTypes(graph);

  OwningOpRef<ModuleOp> module = ModuleOp::create(fileLoc);
  builder.setInsertionPointToEnd(module->getBody());

  llvm::StringSet<> initializerNames;
  for (const auto &init : graph.initializer())
    initializerNames.insert(init.name());
  SmallVector<Type> argTypes;
  // An empty input (a dim of 0) holds no data: it is no argument of the chip's function but a
  // constant, recorded with its place among the inputs so that the binary still takes it.
  SmallVector<std::pair<std::string, RankedTensorType>> emptyInputs;
  SmallVector<Attribute> emptyInputAttrs, hostInputAttrs;
  size_t inputIndex = 0;
  for (const auto &input : graph.input()) {
    if (initializerNames.contains(input.name()))
      continue;
    // A sequence or an optional the model takes never reaches the chip either: host ops read it.
    if (input.type().has_sequence_type() || input.type().has_optional_type()) {
      FailureOr<Type> type = hostType(input.type(), "input '" + input.name() + "'");
      if (failed(type))
        return nullptr;
      hostInputAttrs.push_back(placedTensorAttr(input.name(), inputIndex++, *type));
      hostValues[input.name()] = {*type, "input"};
      continue;
    }
    // An input with dims known only at run time can still go to host ops as given; a node the
    // chip computes reports it (unknownShapeInputs).
    if (std::optional<RankedTensorType> open = openShape(input.type())) {
      std::string why;
      {
        llvm::raw_string_ostream os(why);
        ScopedDiagnosticHandler keep(ctx, [&](Diagnostic &d) {
          os << d.str();
          return success();
        });
        (void)tensorType(input.type(), fileLoc, "input '" + input.name() + "'");
      }
      hostInputAttrs.push_back(placedTensorAttr(input.name(), inputIndex++, *open));
      hostValues[input.name()] = {*open, "input"};
      unknownShapeInputs[input.name()] = why;
      continue;
    }
    auto type = tensorType(input.type(), fileLoc, "input '" + input.name() + "'");
    if (failed(type))
      return nullptr;
    size_t index = inputIndex++;
    // Strings never reach the chip: only host ops read them.
    if (isa<graph::StringType>(type->getElementType())) {
      hostInputAttrs.push_back(placedTensorAttr(input.name(), index, *type));
      hostValues[input.name()] = {*type, "input"};
      continue;
    }
    if (type->getNumElements() == 0) {
      emptyInputAttrs.push_back(placedTensorAttr(input.name(), index, *type));
      emptyInputs.push_back({input.name(), *type});
      emptyInputNames.insert(input.name());
      continue;
    }
    argTypes.push_back(*type);
    argNames.push_back(input.name());
    argInputIndex.push_back(index);
  }
  // An output whose shape inference left dims open takes its type from the value imported for
  // it: refined inference (past folded shape arithmetic) may know more than the first pass.
  SmallVector<Type> resultTypes;
  for (const auto &output : graph.output()) {
    std::string what = "output '" + output.name() + "'";
    const auto &tt = output.type().tensor_type();
    bool known = output.type().has_tensor_type() && tt.has_shape() &&
                 llvm::all_of(tt.shape().dim(), [](const auto &d) { return d.has_dim_value(); });
    if (!known) {
      if (output.type().has_tensor_type() &&
          failed(elementType(tt.elem_type(), fileLoc, what)))
        return nullptr;
      resultTypes.push_back(NoneType::get(ctx));
      continue;
    }
    auto type = tensorType(output.type(), fileLoc, what);
    if (failed(type))
      return nullptr;
    resultTypes.push_back(*type);
  }

  auto func = builder.create<func::FuncOp>(fileLoc, "main",
                                           builder.getFunctionType(argTypes, resultTypes));
  Block *entry = func.addEntryBlock();
  mainFunc = func;
  for (auto [i, name] : llvm::enumerate(argNames)) {
    func.setArgAttr(i, "graph.name", builder.getStringAttr(name));
    values[name] = entry->getArgument(i);
  }
  builder.setInsertionPointToStart(entry);
  for (const auto &[name, type] : emptyInputs)
    values[name] = emptyConstant(type, fileLoc);

  for (const auto &init : graph.initializer()) {
    FailureOr<Value> v = importInitializer(init);
    if (failed(v))
      return nullptr;
    values[init.name()] = *v;
  }
  graphNow = &graph;
  for (auto [i, node] : llvm::enumerate(graph.node()))
    if (failed(importNode(node, i)))
      return nullptr;

  SmallVector<Value> results;
  SmallVector<Attribute> resultNames, emptyOutputAttrs, hostOutputAttrs;
  for (const auto &[index, output] : llvm::enumerate(graph.output())) {
    if (auto host = hostValues.find(output.name()); host != hostValues.end()) {
      hostOutputAttrs.push_back(placedTensorAttr(output.name(), index, host->second.first));
      continue;
    }
    Value v = values.lookup(output.name());
    if (!v) {
      emitError(fileLoc) << "output '" << output.name()
                         << "' is not computed by any node, input or initializer";
      return nullptr;
    }
    // Empty outputs are no results of the chip's function either.
    auto type = cast<RankedTensorType>(v.getType());
    if (type.getNumElements() == 0) {
      emptyOutputAttrs.push_back(placedTensorAttr(output.name(), index, type));
      continue;
    }
    results.push_back(v);
    resultNames.push_back(builder.getStringAttr(output.name()));
  }
  size_t modelResults = results.size();
  for (auto [name, v] : hostReads) {
    // A model output the chip computes reaches the host as such.
    if (llvm::is_contained(resultNames, builder.getStringAttr(name)))
      continue;
    results.push_back(v);
    resultNames.push_back(builder.getStringAttr(name));
  }
  mainFunc = nullptr;
  func.setType(builder.getFunctionType(func.getArgumentTypes(), ValueRange(results).getTypes()));
  for (auto [i, name] : llvm::enumerate(resultNames)) {
    func.setResultAttr(i, "graph.name", name);
    if (i >= modelResults)
      func.setResultAttr(i, graph::kHostValueAttrName, builder.getUnitAttr());
  }
  if (!hostOps.empty())
    func->setAttr(graph::kHostOpsAttrName, builder.getArrayAttr(hostOps));
  if (!hostOutputAttrs.empty())
    func->setAttr(graph::kHostOutputsAttrName, builder.getArrayAttr(hostOutputAttrs));
  if (!emptyInputAttrs.empty())
    func->setAttr(graph::kEmptyInputsAttrName, builder.getArrayAttr(emptyInputAttrs));
  if (!emptyOutputAttrs.empty())
    func->setAttr(graph::kEmptyOutputsAttrName, builder.getArrayAttr(emptyOutputAttrs));
  builder.create<func::ReturnOp>(fileLoc, results);
  // A model input that only host ops read goes to the host as given: it is no argument of the
  // chip's function, and no DRAM buffer holds it.
  llvm::StringSet<> readByHost;
  std::function<void(ArrayRef<Attribute>)> noteReads = [&](ArrayRef<Attribute> records) {
    for (auto record : records) {
      auto dict = cast<DictionaryAttr>(record);
      for (Attribute in : dict.getAs<ArrayAttr>("inputs"))
        readByHost.insert(cast<StringAttr>(in).getValue());
      for (auto [ops, outs] : {std::pair{"body", "body_outputs"}, {"else_body", "else_outputs"}})
        if (auto body = dict.getAs<ArrayAttr>(ops)) {
          noteReads(body.getValue());
          for (Attribute out : dict.getAs<ArrayAttr>(outs))
            readByHost.insert(cast<StringAttr>(out).getValue());
        }
    }
  };
  noteReads(hostOps);
  llvm::BitVector hostOnly(func.getNumArguments());
  for (BlockArgument arg : func.getArguments()) {
    unsigned i = arg.getArgNumber();
    if (i >= argNames.size() || !arg.use_empty() || !readByHost.contains(argNames[i]))
      continue;
    hostInputAttrs.push_back(placedTensorAttr(argNames[i], argInputIndex[i], arg.getType()));
    hostOnly.set(i);
  }
  func.eraseArguments(hostOnly);
  if (!hostInputAttrs.empty())
    func->setAttr(graph::kHostInputsAttrName, builder.getArrayAttr(hostInputAttrs));
  // Empty tensors only ever feed shape arithmetic: the chip has nothing to compute on them.
  WalkResult emptyUse = func.walk([&](Operation *op) {
    for (Value operand : op->getOperands())
      if (auto t = dyn_cast<RankedTensorType>(operand.getType()); t && t.getNumElements() == 0) {
        op->emitError() << op->getName() << " reads an empty tensor, which only shape arithmetic "
                                            "may do";
        return WalkResult::interrupt();
      }
    return WalkResult::advance();
  });
  if (emptyUse.wasInterrupted())
    return nullptr;
  if (failed(mlir::verify(*module)))
    return nullptr;
  return module;
}

OwningOpRef<ModuleOp> tessel::importOnnx(StringRef bytes, MLIRContext *context,
                                         const OnnxImportOptions &options) {
  context->loadDialect<graph::GraphDialect, func::FuncDialect>();
  try {
    return Importer(context, options).run(bytes);
  } catch (const std::exception &e) {
    emitError(FileLineColLoc::get(context, options.fileName, 0, 0))
        << "ONNX import failed: " << e.what();
  } catch (...) {
    emitError(FileLineColLoc::get(context, options.fileName, 0, 0))
        << "ONNX import failed with an unknown error";
  }
  return nullptr;
}
